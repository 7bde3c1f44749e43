"""A seeded, made-up history of travel-expense declarations for the demo, so
that a new user finds something to replay in the sandbox without the real log.

Shaped on the BPI Challenge 2020 domestic declarations log: van Dongen, B.F.
(2020). *BPI Challenge 2020: Domestic Declarations*. 4TU.ResearchData.
https://doi.org/10.4121/uuid:3f422315-ed9d-4882-891f-e180b5b4feb5 (the cleaned
copy described in that log's SOURCE.md). Only the parameters below were
measured from it; no row of it is copied, and every name is invented. Unlike
the log, people have names, so that workload per person means something.

Each case follows the travel-declaration workflow exactly (the demo's
``runtime/demo/travel-declaration.workflow.json`` read through
``docs/sandbox/bpic2020.mapping.json``): submitted, then the pre-approver or
administration or neither, the budget owner if its route has one, the
supervisor, Request Payment, Payment Handled. A rejection is acknowledged by
the employee, who either resubmits (the same route from the top) or leaves
it there. The log's other shapes (saved and never submitted, rejections by
role ``MISSING``, a rejection straight to resubmission) are left out: the
workflow does not model them.

Pure: the seed in, CSV text out; the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import UTC, datetime, timedelta

__all__ = [
    "HEADER",
    "REJECTION_RATES",
    "RESUBMIT_SHARE",
    "ROUTE_SHARES",
    "generate",
]

HEADER = ("case_id", "activity", "timestamp", "role", "resource", "amount")

SUBMITTED = "Declaration SUBMITTED by EMPLOYEE"
ACKNOWLEDGED = "Declaration REJECTED by EMPLOYEE"  # the employee has seen a rejection
REQUESTED = "Request Payment"
HANDLED = "Payment Handled"

# -- measured from the BPIC 2020 domestic declarations log (see the docstring) --

# The approvers a submitted declaration goes through, in order (share of
# submitted cases; roles that acted at all, the few cases abandoned after an
# administration step counted with administration > supervisor).
ROUTE_SHARES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("ADMINISTRATION", "SUPERVISOR"), 0.516),
    (("ADMINISTRATION", "BUDGET OWNER", "SUPERVISOR"), 0.270),
    (("SUPERVISOR",), 0.148),
    (("PRE_APPROVER", "SUPERVISOR"), 0.066),
)
# Share of a role's decisions that are rejections.
REJECTION_RATES = {
    "ADMINISTRATION": 0.104,
    "PRE_APPROVER": 0.112,
    "BUDGET OWNER": 0.020,
    "SUPERVISOR": 0.028,
}
# After acknowledging a rejection, the share of employees who resubmit
# (the rest abandon the declaration).
RESUBMIT_SHARE = 0.79
# The log's longest case has 7 submissions; stop rounds well before a loop.
MAX_SUBMISSIONS = 6
# Hours since the case's previous event, as (median, 90th percentile); a
# lognormal is fitted to each pair. Administration and pre-approval mostly
# act within a minute; people take a day or so, with a long tail.
WAIT_HOURS = {
    "Declaration APPROVED by ADMINISTRATION": (0.01, 0.37),
    "Declaration REJECTED by ADMINISTRATION": (0.03, 25.36),
    "Declaration APPROVED by PRE_APPROVER": (0.01, 0.33),
    "Declaration REJECTED by PRE_APPROVER": (0.02, 96.06),
    "Declaration APPROVED by BUDGET OWNER": (20.66, 113.04),
    "Declaration REJECTED by BUDGET OWNER": (9.94, 87.49),
    "Declaration FINAL_APPROVED by SUPERVISOR": (20.81, 138.87),
    "Declaration REJECTED by SUPERVISOR": (19.68, 159.18),
    ACKNOWLEDGED: (23.24, 137.61),
    SUBMITTED: (4.87, 267.92),  # resubmission after the acknowledgement
    REQUESTED: (27.17, 166.03),  # after the supervisor's final approval
}
# Payments run in batches on Mondays and Thursdays from 15:00 UTC, at least
# two days after the request (gives the log's 49 h / 78 h / 118 h p10/p50/p90).
PAYMENT_RUN_WEEKDAYS = (0, 3)
PAYMENT_RUN_HOUR = 15
PAYMENT_RUN_MINUTES = 120
PAYMENT_LEAD = timedelta(hours=48)
# Declared amounts (EUR, non-zero ones): lognormal by median and 90th
# percentile; about 2 % are above 500 and a few reach the thousands.
AMOUNT_MEDIAN, AMOUNT_P90 = 43.36, 205.43
# When declarations are submitted: weights per working day (Mon..Fri) and per
# hour from the start of the working day (the log's 08:00..19:00 UTC).
START_WEEKDAY_WEIGHTS = (2328, 2009, 1667, 1910, 1736)
START_HOUR_WEIGHTS = (1185, 1215, 966, 857, 1008, 864, 853, 685, 395, 250, 222, 234)

# -- invented: the demo's staff ----------------------------------------------------

# Employees with how often each travels, their supervisor and the budget
# owner of their group, so that some approvers carry more than others.
EMPLOYEES = (
    ("Anna Jansen", 5, "Quinten de Wit", "Niels van Dijk"),
    ("Bram de Vries", 3, "Quinten de Wit", "Niels van Dijk"),
    ("Carmen Bakker", 4, "Roos van Leeuwen", "Niels van Dijk"),
    ("Daan Visser", 2, "Roos van Leeuwen", "Olga Kok"),
    ("Eva Smit", 3, "Sanne Brouwer", "Olga Kok"),
    ("Finn Meijer", 1, "Sanne Brouwer", "Olga Kok"),
    ("Gijs de Boer", 2, "Tom Willems", "Pieter Jacobs"),
    ("Hanna Mulder", 1, "Tom Willems", "Pieter Jacobs"),
)
# Shared desks: whoever is free takes the declaration (one works part time).
DESKS = {
    "ADMINISTRATION": (("Iris Bos", 3), ("Jeroen Vos", 3), ("Karin Peters", 1)),
    "PRE_APPROVER": (("Lars Hendriks", 2), ("Maaike Dekker", 1)),
}

Z90 = 1.2815515655446004  # the standard normal's 90th percentile
Row = tuple[str, str, str, str]  # activity, role, resource, timestamp


def _lognormal(rng: random.Random, median: float, p90: float) -> float:
    return rng.lognormvariate(math.log(median), math.log(p90 / median) / Z90)


def _after(rng: random.Random, at: datetime, activity: str) -> datetime:
    # Whole seconds, at least one: events of a case never share a moment, so
    # the file is in time order as written.
    hours = _lognormal(rng, *WAIT_HOURS[activity])
    return at + timedelta(seconds=max(1, round(hours * 3600)))


def _payment_run(rng: random.Random, requested: datetime) -> datetime:
    day = (requested + PAYMENT_LEAD).replace(hour=0, minute=0, second=0)
    while True:
        run = day.replace(hour=PAYMENT_RUN_HOUR)
        if day.weekday() in PAYMENT_RUN_WEEKDAYS and run >= requested + PAYMENT_LEAD:
            return run + timedelta(seconds=rng.randrange(PAYMENT_RUN_MINUTES * 60))
        day += timedelta(days=1)


def _starts(rng: random.Random, cases: int, start: datetime) -> list[datetime]:
    """Submission moments over 26 weeks of working days, in order."""
    days = [start + timedelta(days=n) for n in range(26 * 7)]
    working = [day for day in days if day.weekday() < 5]
    weights = [START_WEEKDAY_WEIGHTS[day.weekday()] for day in working]
    hours = range(len(START_HOUR_WEIGHTS))
    moments = []
    for day in rng.choices(working, weights, k=cases):
        hour = rng.choices(hours, START_HOUR_WEIGHTS)[0]
        moments.append(day + timedelta(hours=hour, seconds=rng.randrange(3600)))
    return sorted(moments)


def _approver(rng: random.Random, role: str, employee: tuple[str, int, str, str]) -> str:
    if role == "SUPERVISOR":
        return employee[2]
    if role == "BUDGET OWNER":
        return employee[3]
    desk = DESKS[role]
    return rng.choices([name for name, _ in desk], [weight for _, weight in desk])[0]


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _case(rng: random.Random, submitted: datetime) -> list[Row]:
    """One declaration's events, from its first submission to where it ends."""
    employee = rng.choices(EMPLOYEES, [e[1] for e in EMPLOYEES])[0]
    routes, shares = zip(*ROUTE_SHARES, strict=True)
    route = rng.choices(routes, shares)[0]
    at = submitted
    rows: list[Row] = [(SUBMITTED, "EMPLOYEE", employee[0], _stamp(at))]
    for submission in range(1, MAX_SUBMISSIONS + 1):
        rejected = False
        for role in route:
            rejected = rng.random() < REJECTION_RATES[role]
            if rejected:
                activity = f"Declaration REJECTED by {role}"
            elif role == "SUPERVISOR":
                activity = "Declaration FINAL_APPROVED by SUPERVISOR"
            else:
                activity = f"Declaration APPROVED by {role}"
            at = _after(rng, at, activity)
            rows.append((activity, role, _approver(rng, role, employee), _stamp(at)))
            if rejected:
                break
        if not rejected:
            at = _after(rng, at, REQUESTED)
            rows.append((REQUESTED, "UNDEFINED", "SYSTEM", _stamp(at)))
            rows.append((HANDLED, "UNDEFINED", "SYSTEM", _stamp(_payment_run(rng, at))))
            return rows
        at = _after(rng, at, ACKNOWLEDGED)
        rows.append((ACKNOWLEDGED, "EMPLOYEE", employee[0], _stamp(at)))
        if submission == MAX_SUBMISSIONS or rng.random() >= RESUBMIT_SHARE:
            return rows
        at = _after(rng, at, SUBMITTED)
        rows.append((SUBMITTED, "EMPLOYEE", employee[0], _stamp(at)))
    return rows


def generate(
    seed: int = 2020,
    cases: int = 2000,
    start: datetime = datetime(2025, 1, 6, 8, tzinfo=UTC),
) -> str:
    """``cases`` declarations submitted from ``start`` on, as CSV text with
    ``HEADER``; ids ``declaration 1``, ... in order of submission, each
    case's events in time order, its amount repeated on every event."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for number, submitted in enumerate(_starts(rng, cases, start), start=1):
        amount = f"{_lognormal(rng, AMOUNT_MEDIAN, AMOUNT_P90):.2f}"
        for activity, role, resource, stamp in _case(rng, submitted):
            writer.writerow((f"declaration {number}", activity, stamp, role, resource, amount))
    return out.getvalue()
