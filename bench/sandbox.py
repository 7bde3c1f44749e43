"""The sandbox's speed figures (issue 7): how fast history is replayed
through a baseline and a candidate, and how long a real log takes from text
to report.

1. A 5-node claim workflow (start -> decision -> manager -> director -> end;
   claims under the limit need no approval) and a candidate that raises the
   limit, over synthetic history: ``replay_all(executor="inline")`` in
   cases per second on one core (goal >= 20,000). Beside it, in the same
   rounds, its parts (simulate the baseline, simulate the candidate,
   compare) and the reference: the bare ``advance()`` loop over the same
   cases and both versions, Start and Decided fed directly, so the driver's
   overhead is a ratio.
2. 1,000,000 cases on the 2 cores: ``replay_all(executor="process",
   workers=2)`` (goal under 2 minutes), the history made case by case from
   compact arrays so that it never sits in memory as objects; peak RSS of
   the parent and of the largest worker; the reference, in the same rounds,
   is the inline replay of the first 20,000 cases (2.00x would be perfect).
3. The BPIC 2020 domestic declarations log (goal: full report under 3 s):
   parse the text, make histories and people, replay (2 workers) the
   travel-declaration workflow against "declarations under 500 skip the
   supervisor", build the report; each step, the total and the report's
   headline figures (the README's worked example has them), and the inline
   replay as the reference. Then the same through the database as a user's
   run takes it (import, then ``perform_run``), on SQLite.

``--quick`` replays 100,000 cases in figure 2 instead of a million;
``--cases N`` says how many. A missed goal prints a cProfile of the inline
replay of 20,000 cases (``--profile`` prints it anyway).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import json
import math
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, overload

import msgspec

sys.path.insert(0, str(Path(__file__).parent.parent))

from builder.advance import advance
from builder.canonical import content_hash
from builder.diff import diff
from builder.directory import Snapshot
from builder.plan import compile_plan
from builder.simulate import CaseRun, Happening, History, role_stats, simulate
from builder.validate import validate
from components.catalogue import CATALOGUE
from components.engine import CreateTask, Decided, InstanceState, Member, Plan, Start
from runtime.sandbox.datasets import FieldMapping, parse_history
from runtime.sandbox.execute import RunSpec, replay_all
from runtime.sandbox.impact import CaseResult, compare, edits_by_node
from runtime.sandbox.report import build_report
from runtime.sandbox.sources import imported_history, roles_named, synthetic_people

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
INLINE_CASES = 50_000
FULL_CASES = 1_000_000
QUICK_CASES = 100_000
PROFILE_CASES = 20_000
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

GOAL_PER_CORE = 20_000  # cases/s, inline
GOAL_MILLION = 120.0  # s, 1,000,000 cases on 2 cores
GOAL_BPIC = 3.0  # s, text to report

WIRE_OUT = msgspec.msgpack.Encoder()
WIRE_IN = msgspec.msgpack.Decoder(list[CaseResult])


class Goal(NamedTuple):
    label: str
    measured: str
    goal: str
    met: bool | None  # None: a reference, no goal


# -- figure 1 and 2: the claim workflow and its synthetic history -------------------

KEY = "claim"
LIMIT = 50  # claims under this need no approval
CANDIDATE_LIMIT = 100
MANAGERS = 12
DIRECTORS = 4
EMPLOYEES = 200


def claim(limit: int) -> dict[str, Any]:
    """Five nodes: small claims end at once; the rest go to a manager, then
    (when the manager approves) a director."""

    def node(ident: str, kind: str, x: int, **config: Any) -> dict[str, Any]:
        return {"id": ident, "type": kind, "config": config, "position": {"x": x, "y": 0}}

    def edge(ident: str, source: str, target: str, **more: Any) -> dict[str, Any]:
        return {"id": ident, "source": source, "target": target, **more}

    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": KEY,
        "title": {"en": "Expense claim", "zh-CN": "费用报销"},
        "nodes": [
            node("submitted", "start", 0),
            node("route", "decision", 200),
            node("manager", "approval", 400, levels=[{"role": "manager"}]),
            node("director", "approval", 600, levels=[{"role": "director"}]),
            node("done", "end", 800, outcome="done"),
        ],
        "edges": [
            edge("e1", "submitted", "route"),
            edge("e2", "route", "done", condition=f"vars['amount'] < {limit}"),
            edge("e3", "route", "manager", default=True),
            edge("e4", "manager", "director", source_port="approved"),
            edge("e5", "manager", "done", source_port="rejected"),
            edge("e6", "director", "done", source_port="approved"),
            edge("e7", "director", "done", source_port="rejected"),
        ],
    }


def claim_spec(baseline: dict[str, Any], candidate: dict[str, Any]) -> RunSpec:
    return RunSpec(
        workflow=KEY,
        candidate=candidate,
        candidate_hash=content_hash(candidate),
        baseline=baseline,
        baseline_version=1,
        baseline_hash=content_hash(baseline),
        replicates=0,
    )


def claim_people() -> Snapshot:
    return Snapshot.of(
        [Member(username=f"manager:m{i}", roles=frozenset({"manager"})) for i in range(MANAGERS)]
        + [
            Member(username=f"director:d{i}", roles=frozenset({"director"}))
            for i in range(DIRECTORS)
        ]
        + [
            Member(username=f"employee:e{i}", roles=frozenset({"employee"}))
            for i in range(EMPLOYEES)
        ]
    )


class SyntheticHistory(Sequence[History]):
    """``count`` claims drawn once from a seeded ``random.Random`` into
    compact arrays (about 30 bytes a case); each ``History`` is made when
    asked for, so a million cases never sit in memory as objects. Amounts
    are log-normal around 150 (about 14% under 50, 34% under 100); the
    manager takes ~8 h and rejects 10%, the director ~24 h and rejects 5%."""

    def __init__(self, count: int, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.size = count
        self.amounts = array("d")
        self.manager_waits = array("d")
        self.director_waits = array("d")
        self.verdicts = array("b")  # 0: both approve, 1: manager rejects, 2: director rejects
        for _ in range(count):
            self.amounts.append(round(rng.lognormvariate(math.log(150), 1.0), 2))
            self.manager_waits.append(round(rng.expovariate(1 / (8 * 3600))))
            self.director_waits.append(round(rng.expovariate(1 / (24 * 3600))))
            draw = rng.random()
            self.verdicts.append(1 if draw < 0.10 else 2 if draw < 0.145 else 0)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> History: ...
    @overload
    def __getitem__(self, index: slice) -> list[History]: ...
    def __getitem__(self, index: int | slice) -> History | list[History]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if not -self.size <= index < self.size:
            raise IndexError(index)
        index %= self.size
        amount = self.amounts[index]
        at = EPOCH + timedelta(minutes=index)
        happenings = [
            Happening(
                at=at,
                waited=0.0,
                kind="start",
                actor=f"employee:e{index % EMPLOYEES}",
                data={"amount": amount},
            )
        ]
        if amount >= LIMIT:
            verdict = self.verdicts[index]
            wait = self.manager_waits[index]
            at += timedelta(seconds=wait)
            happenings.append(
                Happening(
                    at=at,
                    waited=wait,
                    kind="decision",
                    role="manager",
                    actor=f"manager:m{index % MANAGERS}",
                    decision="reject" if verdict == 1 else "approve",
                )
            )
            if verdict != 1:
                wait = self.director_waits[index]
                at += timedelta(seconds=wait)
                happenings.append(
                    Happening(
                        at=at,
                        waited=wait,
                        kind="decision",
                        role="director",
                        actor=f"director:d{index % DIRECTORS}",
                        decision="reject" if verdict == 2 else "approve",
                    )
                )
        return History(key=f"c{index:07d}", record=None, happenings=tuple(happenings))

    def __iter__(self) -> Iterator[History]:
        return (self[i] for i in range(self.size))


def compiled(spec: RunSpec) -> tuple[Plan, Plan]:
    return (
        compile_plan(spec.baseline, key=KEY, version=1, hash=spec.baseline_hash),
        compile_plan(spec.candidate, key=KEY, version=0, hash=spec.candidate_hash),
    )


def bare_case(plan: Plan, history: History, people: Snapshot) -> bool:
    """The reference: one case through ``advance()`` alone, its Start and
    its recorded decisions fed in order (no questions, no matching, no
    effects kept); True when it ended."""
    first, *decisions = history.happenings
    state, effects = advance(
        plan,
        InstanceState(id=history.key),
        Start(by=first.actor, data=dict(first.data or {})),
        first.at,
        people,
    )
    now = first.at
    for happening in decisions:
        if state.status != "running":
            break
        task = next(e for e in effects if isinstance(e, CreateTask))
        now += timedelta(seconds=happening.waited)
        event = Decided(task=task.task, by=happening.actor or "", decision=happening.decision)  # type: ignore[arg-type]
        state, effects = advance(plan, state, event, now, people)
    return state.status != "running"


# -- measuring ---------------------------------------------------------------------


def timed(work: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = work(*args, **kwargs)
    return time.perf_counter() - start, value


def summary(seconds: Sequence[float]) -> tuple[float, float]:
    return min(seconds), statistics.median(seconds)


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident set of this process and of its largest finished child (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, child / 1024


class Table:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, str, str]] = []

    def add(self, label: str, value: str, note: str = "") -> None:
        self.rows.append((label, value, note))

    def print(self) -> None:
        print(self.title)
        width = max(len(r[0]) for r in self.rows)
        value_width = max(len(r[1]) for r in self.rows)
        for label, value, note in self.rows:
            print(f"  {label:<{width}}  {value:>{value_width}}  {note}".rstrip())
        print(flush=True)


def best_median(seconds: Sequence[float], count: int) -> str:
    best, median = summary(seconds)
    return (
        f"best {best:.3f} s ({count / best:,.0f}/s), "
        f"median {median:.3f} s ({count / median:,.0f}/s)"
    )


# -- figure 1 ---------------------------------------------------------------------


def figure_inline(goals: list[Goal]) -> None:
    baseline, candidate = claim(LIMIT), claim(CANDIDATE_LIMIT)
    for document in (baseline, candidate):
        assert validate(document) == [], validate(document)
    spec = claim_spec(baseline, candidate)
    people = claim_people()
    made, histories = timed(lambda: list(SyntheticHistory(INLINE_CASES)))
    count = len(histories)
    before_plan, after_plan = compiled(spec)
    stats = role_stats(histories)
    edits = edits_by_node(diff(baseline, candidate), baseline, candidate)
    routing = frozenset(
        str(n["id"]) for n in baseline["nodes"] if CATALOGUE[n["type"]].category == "logic"
    )

    def baseline_runs() -> list[CaseRun]:
        return [simulate(before_plan, h, people) for h in histories]

    def candidate_runs() -> list[CaseRun]:
        return [
            simulate(after_plan, h, people, policies=spec.policies, stats=stats, seed=spec.seed)
            for h in histories
        ]

    def compared(pairs: list[tuple[History, CaseRun, CaseRun]]) -> list[CaseResult]:
        return [compare(h, b, a, edits, routing=routing) for h, b, a in pairs]

    def wire(results: list[CaseResult]) -> list[CaseResult]:
        """The results' way out of a partition and back, as inline does it."""
        decoded: list[CaseResult] = WIRE_IN.decode(WIRE_OUT.encode(results))
        return decoded

    def bare() -> int:
        return sum(
            bare_case(before_plan, h, people) + bare_case(after_plan, h, people) for h in histories
        )

    rounds: dict[str, list[float]] = {
        k: [] for k in ("replay", "baseline", "candidate", "compare", "stats", "wire", "bare")
    }
    changed = 0
    for _ in range(ROUNDS):
        seconds, outcome = timed(lambda: replay_all(spec, histories, people, executor="inline"))
        rounds["replay"].append(seconds)
        results = outcome.results
        assert len(results) == count
        reproduced = sum(r.reproduced for r in results)
        assert reproduced == count, f"only {reproduced:,} of {count:,} reproduced"
        changed = sum(r.changed for r in results)
        seconds, _ = timed(wire, results)
        rounds["wire"].append(seconds)
        del outcome, results

        seconds, befores = timed(baseline_runs)
        rounds["baseline"].append(seconds)
        seconds, afters = timed(candidate_runs)
        rounds["candidate"].append(seconds)
        pairs = list(zip(histories, befores, afters, strict=True))
        seconds, _ = timed(compared, pairs)
        rounds["compare"].append(seconds)
        del befores, afters, pairs
        seconds, _ = timed(lambda: role_stats(histories))
        rounds["stats"].append(seconds)

        seconds, ended = timed(bare)
        rounds["bare"].append(seconds)
        assert ended == 2 * count, ended

    table = Table(
        f"1. sandbox: replay of both versions, {count:,} synthetic cases, one core "
        f"(5 nodes; {changed:,} cases changed; best of {ROUNDS}, median)"
    )
    table.add("history made as objects", f"{made:.3f} s", f"{count / made:,.0f}/s, not timed below")
    table.add("replay_all(executor='inline')", best_median(rounds["replay"], count))
    replay = min(rounds["replay"])
    parts = 0.0
    for label, key in (
        ("  simulate baseline", "baseline"),
        ("  simulate candidate", "candidate"),
        ("  compare", "compare"),
        ("  role_stats", "stats"),
        ("  results encoded and decoded (msgpack)", "wire"),
    ):
        best = min(rounds[key])
        parts += best
        table.add(label, best_median(rounds[key], count), f"{best / replay:.0%} of replay")
    table.add("  parts together", f"{parts:.3f} s", f"{parts / replay:.0%} of replay (noise aside)")
    bare_best = min(rounds["bare"])
    table.add("reference: bare advance(), both versions", best_median(rounds["bare"], count))
    table.add("sandbox driver overhead (replay / bare)", f"{replay / bare_best:.2f}x", "same run")
    simulated = min(rounds["baseline"]) + min(rounds["candidate"])
    table.add(
        "  simulate both / bare advance()",
        f"{simulated / bare_best:.2f}x",
        "the driver without compare and the rest",
    )
    table.print()
    rate = count / replay
    goals.append(
        Goal(
            "1. replay per core (inline)",
            f"{rate:,.0f} cases/s",
            f">= {GOAL_PER_CORE:,} cases/s",
            rate >= GOAL_PER_CORE,
        )
    )
    goals.append(
        Goal(
            "   reference: bare advance() per core",
            f"{count / bare_best:,.0f} cases/s",
            "(the engine alone, both versions)",
            None,
        )
    )


# -- figure 2 ---------------------------------------------------------------------


def figure_pool(cases: int, goals: list[Goal]) -> None:
    spec = claim_spec(claim(LIMIT), claim(CANDIDATE_LIMIT))
    people = claim_people()
    drawn, histories = timed(lambda: SyntheticHistory(cases))
    sample = min(cases, PROFILE_CASES)
    made, _ = timed(lambda: [histories[i] for i in range(sample)])
    stats_seconds, _ = timed(lambda: role_stats(histories))
    # The reference in the same rounds: the first ``sample`` cases inline.
    head = histories[:sample]
    walls: list[float] = []
    inline: list[float] = []
    for _ in range(2):
        seconds, _ = timed(lambda: replay_all(spec, head, people, executor="inline"))
        inline.append(seconds)
        seconds, outcome = timed(
            lambda: replay_all(spec, histories, people, executor="process", workers=2)
        )
        walls.append(seconds)
        results = outcome.results
        assert len(results) == cases
        reproduced = sum(r.reproduced for r in results)
        assert reproduced == cases, f"only {reproduced:,} of {cases:,} reproduced"
        del outcome, results
    own, child = peak_rss_mib()
    best, median = summary(walls)
    inline_rate = sample / min(inline)
    table = Table(f"2. sandbox: {cases:,} synthetic cases, process pool of 2 (best of 2, median)")
    table.add("history drawn into arrays", f"{drawn:.2f} s", f"{cases * 25 / 2**20:,.0f} MiB")
    table.add(
        "making a History from the arrays",
        f"{made / sample * 1e6:.1f} us/case",
        f"{made / sample * cases:.1f} s over all cases; in the wall time (parent and workers)",
    )
    table.add(
        "role_stats over all cases (parent, serial)",
        f"{stats_seconds:.2f} s",
        f"{stats_seconds / best:.0%} of the best wall time",
    )
    table.add(
        "wall time", f"best {best:.1f} s, median {median:.1f} s", f"{cases / best:,.0f} cases/s"
    )
    table.add(
        f"reference: inline, first {sample:,} cases",
        f"{inline_rate:,.0f} cases/s",
        "same rounds",
    )
    table.add(
        "pool of 2 / inline (2.00 ideal)",
        f"{cases / best / inline_rate:.2f}x",
        "same run",
    )
    table.add(
        "peak RSS, parent (results held)",
        f"{own:,.0f} MiB",
        f"{own * 2**20 / cases:,.0f} B/case",
    )
    table.add("peak RSS, largest worker", f"{child:,.0f} MiB")
    projected = best * FULL_CASES / cases
    if cases != FULL_CASES:
        table.add("projected for 1,000,000 cases", f"{projected:.1f} s", "linear in cases")
    table.print()
    goals.append(
        Goal(
            "2. 1,000,000 cases on 2 cores"
            + ("" if cases == FULL_CASES else f" (projected from {cases:,})"),
            f"{projected:.1f} s",
            f"< {GOAL_MILLION:.0f} s",
            projected < GOAL_MILLION,
        )
    )


# -- figure 3 ---------------------------------------------------------------------


def shared_events() -> Path | None:
    """The BPIC 2020 log beside the checkout, or where TRELLIS_SHARED_DATA says."""
    places = [
        Path(os.environ["TRELLIS_SHARED_DATA"]) if os.environ.get("TRELLIS_SHARED_DATA") else None,
        Path("/work/shared/data"),
        ROOT.parent / "shared" / "data",
    ]
    for place in places:
        if place is not None:
            events = place / "bpic2020" / "domestic_declarations_events.csv"
            if events.exists():
                return events
    return None


def skip_supervisor_under(workflow: dict[str, Any], limit: int) -> dict[str, Any]:
    """The issue's draft: declarations under ``limit`` skip the supervisor
    (the same edit as tests/test_sandbox_runs.py)."""
    draft = copy.deepcopy(workflow)
    for edge in draft["edges"]:
        if edge["target"] == "supervisor":
            edge["target"] = "small"
    draft["nodes"].append(
        {"id": "small", "type": "decision", "config": {}, "position": {"x": 1080, "y": 120}}
    )
    draft["edges"] += [
        {
            "id": "e30",
            "source": "small",
            "target": "request",
            "condition": f"record['amount'] < {limit}",
        },
        {"id": "e31", "source": "small", "target": "supervisor", "default": True},
    ]
    return draft


def declaration_spec(baseline: dict[str, Any], candidate: dict[str, Any]) -> RunSpec:
    return RunSpec(
        workflow="travel-declaration",
        candidate=candidate,
        candidate_hash=content_hash(candidate),
        baseline=baseline,
        baseline_version=1,
        baseline_hash=content_hash(baseline),
        value_field="amount",
    )


def headline(report: dict[str, Any]) -> dict[str, Any]:
    supervisor = next(r for r in report["approvals"] if r["node"] == "supervisor")
    reproduction = report["baseline_reproduction"]
    return {
        "cases": report["cases"],
        "reproduced": reproduction["reproduced"],
        "mismatched": reproduction["mismatched"],
        "changed": report["changed"]["cases"],
        "changed share": report["changed"]["share"],
        "supervisor decisions": (supervisor["baseline"], supervisor["candidate"]),
        "median cycle change (h)": report["cycle_time"]["change"]["median_hours"],
    }


def figure_bpic(goals: list[Goal]) -> None:
    events = shared_events()
    if events is None:
        print(
            "3. sandbox: BPIC 2020 skipped: domestic_declarations_events.csv is not on this machine"
        )
        print("   (looked in $TRELLIS_SHARED_DATA, /work/shared/data and ../shared/data)\n")
        goals.append(Goal("3. BPIC 2020 text to report", "skipped", f"< {GOAL_BPIC:.0f} s", None))
        return
    mapping = msgspec.convert(
        json.loads((ROOT / "docs/sandbox/bpic2020.mapping.json").read_text()), FieldMapping
    )
    baseline = json.loads((ROOT / "runtime/demo/travel-declaration.workflow.json").read_text())
    candidate = skip_supervisor_under(baseline, 500)
    spec = declaration_spec(baseline, candidate)
    read, text = timed(lambda: events.read_text())

    steps: dict[str, list[float]] = {
        k: [] for k in ("parse", "histories", "replay", "report", "inline")
    }
    totals: list[float] = []
    figures: dict[str, Any] = {}
    for _ in range(ROUNDS):
        gc.collect()
        start = time.perf_counter()
        parsed = parse_history(text, mapping)
        parse_done = time.perf_counter()
        histories = [
            imported_history(c.key, c.fields, c.events, "declaration") for c in parsed.cases
        ]
        people = synthetic_people(histories, roles_named(baseline, candidate))
        made = time.perf_counter()
        outcome = replay_all(spec, histories, people, executor="process", workers=2)
        replayed = time.perf_counter()
        report = build_report(
            outcome.results,
            inputs={},
            edits=outcome.edits,
            teams={name: m.team for name, m in people.members.items()},
            replicates=outcome.replicates,
            derived_fields=sorted(mapping.flags),
        )
        end = time.perf_counter()
        assert len(outcome.results) == len(parsed.cases)
        steps["parse"].append(parse_done - start)
        steps["histories"].append(made - parse_done)
        steps["replay"].append(replayed - made)
        steps["report"].append(end - replayed)
        totals.append(end - start)
        figures = headline(report)
        figures["events"] = parsed.events
        seconds, _ = timed(replay_all, spec, histories, people, executor="inline")
        steps["inline"].append(seconds)

    cases = figures["cases"]
    table = Table(
        f"3. sandbox: BPIC 2020 domestic declarations, {cases:,} cases, "
        f"{figures['events']:,} events (best of {ROUNDS}, median)"
    )
    table.add("read the file (not counted)", f"{read:.3f} s", f"{len(text) / 2**20:.1f} MiB")
    for label, key in (
        ("parse_history (text -> cases)", "parse"),
        ("imported_history + synthetic_people", "histories"),
        ("replay_all (process, 2 workers)", "replay"),
        ("build_report", "report"),
    ):
        best, median = summary(steps[key])
        table.add(label, f"best {best:.3f} s, median {median:.3f} s")
    table.add(
        "  reference: replay_all inline (one core)",
        best_median_plain(steps["inline"]),
        f"pool of 2 / inline: {min(steps['inline']) / min(steps['replay']):.2f}x (2.00 ideal)",
    )
    best, median = summary(totals)
    table.add(
        "total, text to report",
        f"best {best:.3f} s, median {median:.3f} s",
        f"{cases / best:,.0f} cases/s",
    )
    for name in (
        "reproduced",
        "mismatched",
        "changed",
        "changed share",
        "supervisor decisions",
        "median cycle change (h)",
    ):
        value = figures[name]
        shown = (
            f"{value[0]:,} -> {value[1]:,} (baseline -> candidate)"
            if isinstance(value, tuple)
            else f"{value:,}"
            if isinstance(value, int)
            else f"{value}"
        )
        table.add(f"report: {name}", shown)
    database = through_database(text, mapping, spec, figures)
    for label, value, note in database:
        table.add(label, value, note)
    table.print()
    goals.append(
        Goal(
            "3. BPIC 2020 text to report (in memory)",
            f"{best:.2f} s",
            f"< {GOAL_BPIC:.0f} s",
            best < GOAL_BPIC,
        )
    )


def through_database(
    text: str, mapping: FieldMapping, spec: RunSpec, expected: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """A user's way on SQLite: import the dataset (parse and store), then a
    run performed as the worker performs it (``perform_run``: load the cases,
    replay on 2 workers, report, store every case's result). The run row is
    made directly (``request_run`` would also want the versions published)."""
    from sqlalchemy import select

    from runtime.sandbox.runs import perform_run
    from runtime.store.db import make_engine, make_sessionmaker, transaction
    from runtime.store.migrate import upgrade
    from runtime.store.sandbox_models import SandboxRun

    imports: list[float] = []
    runs: list[float] = []
    report: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        try:
            for round_ in range(2):
                seconds, dataset = timed(_import, sessions, text, mapping, round_)
                imports.append(seconds)
                with transaction(sessions) as session:
                    run = SandboxRun(
                        workflow=spec.workflow,
                        candidate_hash=spec.candidate_hash,
                        baseline_version=spec.baseline_version,
                        status="running",
                        spec={
                            "run": msgspec.to_builtins(spec),
                            "history": {
                                "dataset": dataset[0],
                                "name": "bpic2020",
                                "hash": dataset[1],
                                "cases": dataset[2],
                                "derived_fields": sorted(mapping.flags),
                            },
                            "candidate_label": "bench draft",
                        },
                        created_by="bench",
                        created_at=EPOCH,
                        started_at=EPOCH,
                    )
                    session.add(run)
                    session.flush()
                    run_id = run.id
                seconds, status = timed(
                    perform_run,
                    sessions,
                    run_id,
                    clock=lambda: EPOCH,
                    executor="process",
                    workers=2,
                )
                assert status == "completed", status
                runs.append(seconds)
                with sessions() as session:
                    report = session.scalar(
                        select(SandboxRun.report).where(SandboxRun.id == run_id)
                    )
        finally:
            engine.dispose()
    assert report is not None
    same = headline(report) == {k: v for k, v in expected.items() if k != "events"}
    return [
        ("through SQLite: import_dataset (parse + store)", best_median_plain(imports), ""),
        ("through SQLite: perform_run (load, replay, report, store)", best_median_plain(runs), ""),
        (
            "through SQLite: import + run",
            f"{min(imports) + min(runs):.3f} s",
            "same headline figures" if same else "HEADLINE DIFFERS from in memory",
        ),
    ]


def _import(sessions: Any, text: str, mapping: FieldMapping, round_: int) -> tuple[int, str, int]:
    from runtime.sandbox.store import import_dataset
    from runtime.store.db import transaction

    with transaction(sessions) as session:
        dataset = import_dataset(
            session, text, mapping, name=f"bpic2020-{round_}", kind="csv", actor="bench", now=EPOCH
        )
        return dataset.id, dataset.hash, dataset.cases


def best_median_plain(seconds: Sequence[float]) -> str:
    best, median = summary(seconds)
    return f"best {best:.3f} s, median {median:.3f} s"


# -- profile ------------------------------------------------------------------------


def profile() -> None:
    spec = claim_spec(claim(LIMIT), claim(CANDIDATE_LIMIT))
    people = claim_people()
    histories = list(SyntheticHistory(PROFILE_CASES))
    profiler = cProfile.Profile()
    profiler.enable()
    replay_all(spec, histories, people, executor="inline")
    profiler.disable()
    print(f"profile: replay_all(executor='inline'), {PROFILE_CASES:,} cases, top 15 by tottime")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=FULL_CASES, help="cases in figure 2")
    parser.add_argument("--quick", action="store_true", help=f"figure 2 over {QUICK_CASES:,} cases")
    parser.add_argument(
        "--profile", action="store_true", help="print the profile even if all goals are met"
    )
    args = parser.parse_args()
    cases = QUICK_CASES if args.quick else args.cases

    load = os.getloadavg()[0]
    print(f"sandbox benchmarks on {os.cpu_count()} cores; load average {load:.1f} at the start\n")
    goals: list[Goal] = []
    figure_inline(goals)
    figure_pool(cases, goals)
    figure_bpic(goals)

    print(
        "sandbox: measured against the goals of issue 7 "
        f"(load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} now)"
    )
    width = max(len(g.label) for g in goals)
    value_width = max(len(g.measured) for g in goals)
    goal_width = max(len(g.goal) for g in goals)
    for goal in goals:
        verdict = (
            ""
            if goal.met is None and goal.measured != "skipped"
            else "skipped"
            if goal.met is None
            else "met"
            if goal.met
            else "MISSED"
        )
        line = f"{goal.label:<{width}}  {goal.measured:>{value_width}}  {goal.goal:<{goal_width}}"
        print(f"  {line}  {verdict}".rstrip())
    print(flush=True)
    if args.profile or any(g.met is False for g in goals):
        profile()


if __name__ == "__main__":
    main()
