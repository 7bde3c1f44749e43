"""Tasks in the user's words: what kind, whose, due when, about which record. Pure.

The inbox, the task screen and the case screen show a task the same way: its title
(the step's label in the user's language), the kind ("Approval · level 1/2"), who
holds it, its deadline and whether it is overdue, and links to its case and record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from studio.api import TaskItem
from studio.labels import LABELS, text
from studio.records.fields import localized

__all__ = [
    "TaskRow",
    "case_route",
    "inbox_order",
    "kind_label",
    "outcome_label",
    "people",
    "record_route",
    "record_text",
    "status_label",
    "task_id_of",
    "task_route",
    "task_row",
]


@dataclass
class TaskRow:
    """One task on a screen, in the user's language."""

    id: str
    route: str
    title: str
    workflow: str
    kind: str  # form / approval
    kind_label: str
    status: str
    status_label: str
    outcome_label: str
    assignees: str
    due_at: str
    overdue: bool
    created_at: str
    closed_at: str
    closed_by: str
    record: str
    record_route: str
    case_route: str


def task_route(task_id: str) -> str:
    # Task ids read "<case>:task:2"; the colons stay as they are, everything else that
    # could move up the path is escaped.
    return f"/tasks/{quote(task_id, safe=':')}"


def task_id_of(param: str) -> str:
    """The task id a route parameter holds (escaped or not)."""
    return unquote(param)


def case_route(case_id: str) -> str:
    return f"/cases/{quote(case_id, safe='')}" if case_id else ""


def record_route(form: str, record_id: int | None) -> str:
    return f"/records/{quote(form, safe='')}/{record_id}" if form and record_id else ""


def record_text(form: str, record_id: int | None, language: str) -> str:
    return text(language, "tasks.record", form=form, id=record_id) if form and record_id else ""


def people(names: Sequence[str], language: str) -> str:
    return ", ".join(names) if names else text(language, "cases.nobody")


def kind_label(task: TaskItem, language: str) -> str:
    if task.kind == "approval":
        if task.level and task.levels:
            return text(language, "tasks.kind_level", level=task.level, levels=task.levels)
        return text(language, "tasks.kind_approval")
    return text(language, "tasks.kind_form")


def status_label(status: str, language: str) -> str:
    key = f"tasks.status_{status}"
    return text(language, key) if key in LABELS else status


def outcome_label(outcome: str, language: str) -> str:
    """A task's or a case's outcome: the known ones in words, a workflow's own as it is."""
    key = f"tasks.outcome_{outcome}"
    return text(language, key) if key in LABELS else outcome


def task_row(task: TaskItem, language: str, workflows: Mapping[str, Mapping[str, str]]) -> TaskRow:
    return TaskRow(
        id=task.id,
        route=task_route(task.id),
        title=localized(task.title, language) or task.node,
        workflow=localized(workflows.get(task.workflow), language) or task.workflow,
        kind=task.kind,
        kind_label=kind_label(task, language),
        status=task.status,
        status_label=status_label(task.status, language),
        outcome_label=outcome_label(task.outcome, language) if task.outcome else "",
        assignees=people(task.assignees, language),
        due_at=task.due_at,
        overdue=task.overdue,
        created_at=task.created_at,
        closed_at=task.closed_at,
        closed_by=task.closed_by,
        record=record_text(task.record_form, task.record_id, language),
        record_route=record_route(task.record_form, task.record_id),
        case_route=case_route(task.case_id),
    )


def inbox_order(tasks: Sequence[TaskItem], *, history: bool) -> list[TaskItem]:
    """Open work by urgency: overdue first, then by deadline (none last), then oldest.
    History newest first."""
    if history:
        return sorted(tasks, key=lambda t: (t.created_at, t.id), reverse=True)
    return sorted(
        tasks, key=lambda t: (not t.overdue, t.due_at == "", t.due_at, t.created_at, t.id)
    )
