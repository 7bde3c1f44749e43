"""A simulation being set up, in terms of the API: what the form offers, what ``Run``
sends, and which field each of the API's errors is about. Pure.

The candidate is the workflow's draft or one of its versions, the baseline a
version (the live one unless chosen otherwise). A policy says how a decision that
history cannot give is filled: at the role's historical approve rate, always
approve or reject after a stated time, or the case's next recorded decision. One
policy is the default; each human step of the candidate may have its own. With no
default, a step history cannot answer (a new approval) needs its own, and the API
says which (``/policies/nodes/<step>``), shown at that step's choice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.labels import text
from studio.records.fields import localized

__all__ = [
    "DRAFT",
    "POLICIES",
    "Choice",
    "Step",
    "baseline_choices",
    "candidate_choices",
    "default_baseline",
    "duration",
    "field_of",
    "hours_of",
    "human_steps",
    "localized",
    "pinned",
    "policy",
    "request_body",
]

DRAFT = "draft"
# The choices of a policy select: "" is none (the default) or "as the default" (a step).
POLICIES = ("approve_rate", "approve", "reject", "next_recorded")
FIXED = ("approve", "reject")
MAX_REPLICATES = 1000


@dataclass
class Choice:
    """One option of a select: what it sends and what it says."""

    value: str
    label: str


@dataclass
class Step:
    """A human step of the candidate, which may get a policy of its own."""

    id: str
    label: str
    type_label: str
    new: bool  # not in the baseline: history cannot have answered it


def candidate_choices(has_draft: bool, numbers: Sequence[int], language: str) -> list[Choice]:
    """The draft first (what is being changed), then the versions newest first."""
    found = [Choice(DRAFT, text(language, "sandbox.candidate_draft"))] if has_draft else []
    return found + [Choice(str(n), text(language, "sandbox.version", n=n)) for n in numbers]


def baseline_choices(
    numbers: Sequence[int], active: Mapping[str, int], language: str
) -> list[Choice]:
    live = set(active.values())
    return [
        Choice(
            str(n),
            text(language, "sandbox.version_live" if n in live else "sandbox.version", n=n),
        )
        for n in numbers
    ]


def default_baseline(numbers: Sequence[int], active: Mapping[str, int]) -> str:
    """The default variant's live version, else the newest live one, else the newest
    version; "" when there is none."""
    live = active.get("default")
    if live is None and active:
        live = max(active.values())
    if live is not None and live in numbers:
        return str(live)
    return str(numbers[0]) if numbers else ""


def human_steps(
    document: Mapping[str, Any],
    catalogue: Mapping[str, Mapping[str, Any]],
    baseline: Mapping[str, Any],
    language: str,
) -> list[Step]:
    """The steps of ``document`` a person decides or completes (the catalogue's
    ``human`` category), in the document's order; ``new`` when ``baseline`` has no
    step of that id and type."""
    before = {
        str(n.get("id")): str(n.get("type"))
        for n in baseline.get("nodes") or []
        if isinstance(n, Mapping)
    }
    steps = []
    for node in document.get("nodes") or []:
        if not isinstance(node, Mapping):
            continue
        component = catalogue.get(str(node.get("type", "")))
        if component is None or component.get("category") != "human":
            continue
        node_id = str(node.get("id"))
        type_label = localized(component.get("label"), language) or str(node.get("type"))
        steps.append(
            Step(
                id=node_id,
                label=localized(node.get("label"), language) or node_id,
                type_label=type_label,
                new=before.get(node_id) != str(node.get("type")),
            )
        )
    return steps


def duration(hours: str) -> str | None:
    """An ISO 8601 duration for a number of hours as typed ("4", "1.5"); None when
    nothing is typed. Raises ValueError for anything else."""
    typed = hours.strip().replace(",", ".")
    if not typed:
        return None
    value = float(typed)
    if not math.isfinite(value) or value < 0:
        raise ValueError(hours)
    minutes = round(value * 60)
    return f"PT{minutes // 60}H" if minutes % 60 == 0 else f"PT{minutes}M"


_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def hours_of(iso: str) -> float | None:
    """The hours of an ISO 8601 duration ("PT4H", "P1DT30M"); None if it is not one."""
    found = _ISO.match(iso.strip().upper())
    if not found or iso.strip().upper() in ("P", "PT"):
        return None
    days, hours, minutes, seconds = (float(part or 0) for part in found.groups())
    return days * 24 + hours + minutes / 60 + seconds / 3600


def policy(choice: str, hours: str) -> dict[str, Any] | None:
    """The policy a select's ``choice`` stands for (None for ""); ``hours`` is how long
    a fixed decision takes (none: at once), or overrides the historical time of an
    approve-rate decision. Raises ValueError for hours that are not a number."""
    after = duration(hours) if choice in (*FIXED, "approve_rate") else None
    if choice == "approve_rate":
        return {"kind": "approve_rate", "after": after} if after else {"kind": "approve_rate"}
    if choice in FIXED:
        return {"kind": "fixed", "decision": choice, "after": after or "PT0S"}
    if choice == "next_recorded":
        return {"kind": "next_recorded"}
    return None


def _whole(typed: str, low: int, high: int) -> int:
    value = int(typed.strip())
    if not low <= value <= high:
        raise ValueError(typed)
    return value


# The history choice that means "this workflow's own recorded cases".
OWN_HISTORY = "own"


def request_body(
    *,
    workflow: str,
    candidate: str,
    baseline: str,
    dataset: str,
    default: str,
    default_hours: str,
    steps: Mapping[str, tuple[str, str]],
    seed: str,
    replicates: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The body of ``POST /sandbox/runs``, and the fields that cannot be sent as typed
    (field -> label key; the body is not to be sent then). ``steps`` maps a step to its
    (choice, hours); steps left "as the default" are left out."""
    problems: dict[str, str] = {}
    if not workflow:
        problems["workflow"] = "sandbox.need_workflow"
    if not candidate:
        problems["candidate"] = "sandbox.need_candidate"
    if not baseline.isdigit():
        problems["baseline"] = "sandbox.need_baseline"
    if not dataset.isdigit() and dataset != OWN_HISTORY:
        problems["dataset"] = "sandbox.need_dataset"
    policies: dict[str, Any] = {}
    try:
        chosen = policy(default, default_hours)
    except ValueError:
        problems["policy"] = "sandbox.bad_hours"
    else:
        if chosen is not None:
            policies["default"] = chosen
    nodes: dict[str, Any] = {}
    for node, (choice, hours) in steps.items():
        try:
            own = policy(choice, hours)
        except ValueError:
            problems[f"node:{node}"] = "sandbox.bad_hours"
            continue
        if own is not None:
            nodes[node] = own
    if nodes:
        policies["nodes"] = nodes
    numbers: dict[str, int] = {}
    for name, typed, high in (
        ("seed", seed, 2**31 - 1),
        ("replicates", replicates, MAX_REPLICATES),
    ):
        try:
            numbers[name] = _whole(typed, 0, high)
        except ValueError:
            problems[name] = f"sandbox.bad_{name}"
    body = {
        "candidate": {
            "workflow": workflow,
            "version": int(candidate) if candidate.isdigit() else None,
        },
        "baseline": {"version": int(baseline) if baseline.isdigit() else 0},
        "policies": policies,
        "seed": numbers.get("seed", 0),
        "replicates": numbers.get("replicates", 0),
    }
    # The workflow's own recorded cases (of the baseline version), or a dataset.
    if dataset == OWN_HISTORY:
        body["window"] = {}
    else:
        body["dataset"] = int(dataset) if dataset.isdigit() else 0
    return body, problems


def field_of(pointer: str) -> str:
    """The form field an API error's pointer is about: ``candidate``, ``baseline``,
    ``dataset``, ``policy`` (the default), ``node:<step>``, ``seed``, ``replicates``;
    "" for one about none of them."""
    parts = pointer.split("/")
    if len(parts) < 2 or parts[0] != "":
        return ""
    head = parts[1]
    if head == "policies":
        if len(parts) >= 4 and parts[2] == "nodes" and parts[3]:
            return "node:" + parts[3].replace("~1", "/").replace("~0", "~")
        return "policy"
    if head in ("candidate", "baseline", "dataset", "seed", "replicates"):
        return head
    if head == "window":
        return "dataset"
    return ""


def pinned(
    errors: Sequence[Mapping[str, Any]], language: str, shown: int = 3
) -> tuple[dict[str, str], list[str]]:
    """The API's errors by the field they are about (the first ``shown`` of a field's,
    then how many more: an invalid draft may have dozens), and those about none."""
    by_field: dict[str, list[str]] = {}
    rest: list[str] = []
    for item in errors:
        message = localized(item.get("message"), language) or str(item.get("code", ""))
        key = field_of(str(item.get("pointer", "")))
        if key:
            by_field.setdefault(key, []).append(message)
        else:
            rest.append(message)
    joined = {}
    for key, messages in by_field.items():
        said = " ".join(messages[:shown])
        if len(messages) > shown:
            said += " " + text(language, "sandbox.more_errors", n=len(messages) - shown)
        joined[key] = said
    return joined, rest
