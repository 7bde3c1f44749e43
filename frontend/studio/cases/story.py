"""A case's history in plain words, and its path as canvas highlights. Pure.

The API's history is the interpreter's own log: ``entered`` a step, ``assigned`` a
task, a ``decision``, ``escalated``, ``deadline_passed``, ``ended``… Each line becomes
a sentence in the user's language naming steps by their labels. The ``event`` lines
that only repeat what the next line says (a decision arrived, then the decision) are
left out; a start, a cancel, an external event and a retry stay.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.api import CaseEntry, CaseItem
from studio.labels import LABELS, text
from studio.tasks.model import outcome_label, people

__all__ = [
    "HERE",
    "PATH",
    "WAITING",
    "StoryLine",
    "Variable",
    "highlight",
    "story",
    "variables",
    "waiting",
]

PATH = "path"  # a step or connection the case passed through
HERE = "current"  # a step the case waits at now
# Events another line of the history tells better.
REPEATS = {"decided", "task_completed", "timer_fired", "job_finished", "subflow_ended"}
EVENTS = {"start": "story_start", "cancel": "story_cancel", "signal": "story_signal"}
EVENTS["retry"] = "story_retry"
WAITING = ("task", "timer", "event", "job", "subflow", "incident")


@dataclass
class StoryLine:
    seq: int
    at: str
    kind: str
    text: str
    detail: str  # a comment, the values written, a message; or ""


@dataclass
class Variable:
    name: str
    value: str


def _names(value: Any, language: str) -> str:
    return people([str(v) for v in value] if isinstance(value, list) else [], language)


def _say(language: str, key: str, **fields: object) -> str:
    return text(language, f"cases.{key}", **fields)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _written(data: Any) -> str:
    if not isinstance(data, Mapping) or not data:
        return ""
    return ", ".join(f"{key} = {_value(value)}" for key, value in sorted(data.items()))


Said = tuple[str, str] | None  # (sentence, detail), or None to leave the line out


class _Words:
    """One history line's parts, ready to be said in ``language``."""

    def __init__(self, entry: CaseEntry, names: Mapping[str, str], language: str) -> None:
        self.data = entry.data
        self.language = language
        self.names = names
        self.node = names.get(entry.node, entry.node)
        self.actor = entry.actor or _say(language, "system")

    def say(self, key: str, detail: str = "", **fields: object) -> Said:
        return _say(self.language, key, node=self.node, **fields), detail

    def who(self, name: str) -> str:
        return _names(self.data.get(name), self.language)

    def get(self, name: str) -> str:
        value = self.data.get(name)
        return "" if value is None else _value(value)


def _event(w: _Words) -> Said:
    event = w.get("type")
    if event in REPEATS:
        return None
    if event in EVENTS:
        reason = w.get("reason") if event == "cancel" else ""
        return w.say(EVENTS[event], reason, actor=w.actor, name=w.get("name"))
    return _say(w.language, "story_other", node=w.actor, kind=event), ""


def _condition(w: _Words) -> Said:
    default = w.data.get("value") == "default"
    return w.say("story_condition_default" if default else "story_condition")


def _assigned(w: _Words) -> Said:
    if w.data.get("level"):
        return w.say("story_assigned_level", level=w.get("level"), people=w.who("assignees"))
    return w.say("story_assigned", people=w.who("assignees"))


def _decision(w: _Words) -> Said:
    decision, level = w.get("decision"), w.get("level")
    if not w.data.get("by"):  # the deadline decided (auto-approve, auto-reject)
        outcome = {"approve": "approved", "reject": "rejected"}.get(decision, "returned")
        shown = outcome_label(outcome, w.language)
        return w.say("story_decided_by_deadline", level=level, decision=shown)
    if f"cases.story_{decision}" not in LABELS:
        return w.say("story_other", kind=decision)
    return w.say(f"story_{decision}", w.get("comment"), actor=w.get("by"), level=level)


def _completed(w: _Words) -> Said:
    return w.say("story_completed", _written(w.data.get("data")), actor=w.get("by") or w.actor)


def _returned(w: _Words) -> Said:
    return w.say("story_returned", to=w.names.get(w.get("to"), w.get("to")))


def _ended(w: _Words) -> Said:
    outcome = w.get("outcome")
    if outcome:
        return w.say("story_ended", outcome=outcome_label(outcome, w.language))
    return w.say("story_ended_plain")


LINES: dict[str, Callable[[_Words], Said]] = {
    "event": _event,
    "entered": lambda w: w.say("story_entered"),
    "condition": _condition,
    "assigned": _assigned,
    "decision": _decision,
    "completed": _completed,
    "returned": _returned,
    "escalated": lambda w: w.say("story_escalated", before=w.who("before"), after=w.who("after")),
    "reminded": lambda w: w.say("story_reminded", people=w.who("assignees")),
    "deadline_passed": lambda w: w.say("story_deadline_passed"),
    "notified": lambda w: w.say("story_notified", people=w.who("to")),
    "delegated": lambda w: w.say("story_delegated", user=w.get("user"), delegate=w.get("delegate")),
    "final_at_level": lambda w: w.say(
        "story_final_at_level", level=w.get("level"), limit=w.get("limit")
    ),
    "self_approval_excluded": lambda w: w.say(
        "story_self_approval_excluded", user=w.get("user"), level=w.get("level")
    ),
    "decided_by_manager": lambda w: w.say(
        "story_decided_by_manager", level=w.get("level"), people=w.who("manager")
    ),
    "set": lambda w: w.say("story_set", w.get("value"), target=w.get("target")),
    "webhook_done": lambda w: w.say("story_webhook_done", status=w.get("status")),
    "incident": lambda w: w.say("story_incident", w.get("code"), message=w.get("message")),
    "ended": _ended,
}


def _line(entry: CaseEntry, names: Mapping[str, str], language: str) -> Said:
    words = _Words(entry, names, language)
    said = LINES.get(entry.kind)
    if said is not None:
        return said(words)
    if f"cases.story_{entry.kind}" in LABELS:  # script_done, arrived, escalation_failed…
        return words.say(f"story_{entry.kind}")
    return _say(language, "story_other", node=words.node or words.actor, kind=entry.kind), ""


def story(history: Sequence[CaseEntry], names: Mapping[str, str], language: str) -> list[StoryLine]:
    """The history oldest first, each line a sentence; ``names`` maps step ids to the
    labels the canvas shows."""
    lines = []
    for entry in sorted(history, key=lambda e: e.seq):
        said = _line(entry, names, language)
        if said is not None:
            lines.append(StoryLine(entry.seq, entry.at, entry.kind, said[0], said[1]))
    return lines


def highlight(case: CaseItem) -> dict[str, str]:
    """The canvas marks: the steps of the path and the connections taken to them, then
    the steps the case waits at now (over the path)."""
    marks = {node: PATH for node in case.path}
    for entry in case.history:
        edge = entry.data.get("edge") if entry.kind == "entered" else None
        if isinstance(edge, str) and edge:
            marks[edge] = PATH
    for position in case.current:
        marks[position.node] = HERE
    return marks


def waiting(what: str, language: str) -> str:
    return _say(language, f"waiting_{what}" if what in WAITING else "waiting_other")


def variables(values: Mapping[str, Any]) -> list[Variable]:
    return [Variable(str(k), _value(v)) for k, v in sorted(values.items())]
