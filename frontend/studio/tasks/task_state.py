"""One task's State: what it is about, the record as the user may see it, and the way
to finish it: complete a form task with its fields, or decide an approval.

The API decides everything: a value the form refuses comes back as a 422 whose
pointers (``/data/amount``) pin each message under its field; a rule of the workflow
(self-approval, rank, the hand-off lock) as a 403 or 422 naming the rule, shown with
the rule's own message; a task someone else did meanwhile as a 409, after which the
task is read again so that the screen shows it as it is now.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import reflex as rx

from studio import api
from studio.cases.titles import WorkflowTitlesState
from studio.labels import text
from studio.records import fields as form_fields
from studio.records.edits import field_of, pinned
from studio.records.fields import Option, localized
from studio.session import LOGIN_ROUTE, cause_key, error_key
from studio.tasks import form as task_form
from studio.tasks.form import TaskField
from studio.tasks.model import (
    case_route,
    kind_label,
    outcome_label,
    people,
    record_route,
    record_text,
    status_label,
    task_id_of,
)

__all__ = ["Fact", "TaskState"]

DECISIONS = ("approve", "reject", "return")


@dataclasses.dataclass
class Fact:
    name: str
    value: str


class TaskState(WorkflowTitlesState):
    task_id: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    busy: bool = False
    comment: str = ""
    return_to: str = ""  # a level, or "" for the step before
    failure: str = ""  # a label key: what did not happen
    cause: str = ""  # a label key: why, in the user's words ("" when the rule says it)
    detail: str = ""  # the API's own summary
    _task: api.TaskItem | None = None
    _forms: dict[str, dict[str, Any]] = {}  # the live forms of the task and its record
    _schema: dict[str, Any] | None = None  # the task form's compiled schema for the user
    _draft: dict[str, Any] = {}  # the values the completion sends
    _texts: dict[str, str] = {}  # inputs as typed
    _errors: list[dict[str, Any]] = []

    # ---- what the task is ----------------------------------------------------------

    @rx.var
    def found(self) -> bool:
        return self._task is not None

    @rx.var
    def title(self) -> str:
        task = self._task
        return localized(task.title, self.lang) or task.node if task else ""

    @rx.var
    def workflow(self) -> str:
        task = self._task
        if task is None:
            return ""
        return localized(self._workflow_titles.get(task.workflow), self.lang) or task.workflow

    @rx.var
    def kind(self) -> str:
        return self._task.kind if self._task else ""

    @rx.var
    def kind_text(self) -> str:
        return kind_label(self._task, self.lang) if self._task else ""

    @rx.var
    def status(self) -> str:
        return self._task.status if self._task else ""

    @rx.var
    def status_text(self) -> str:
        task = self._task
        if task is None:
            return ""
        shown = status_label(task.status, self.lang)
        return f"{shown} · {outcome_label(task.outcome, self.lang)}" if task.outcome else shown

    @rx.var
    def is_open(self) -> bool:
        return self._task is not None and self._task.status == "open"

    @rx.var
    def assignees(self) -> str:
        return people(self._task.assignees, self.lang) if self._task else ""

    @rx.var
    def requester(self) -> str:
        return self._task.requester if self._task else ""

    @rx.var
    def due_at(self) -> str:
        return self._task.due_at if self._task else ""

    @rx.var
    def overdue(self) -> bool:
        return bool(self._task and self._task.overdue)

    @rx.var
    def created_at(self) -> str:
        return self._task.created_at if self._task else ""

    @rx.var
    def closed_text(self) -> str:
        task = self._task
        if task is None or not task.closed_by:
            return ""
        return text(self.lang, "tasks.closed_by", user=task.closed_by)

    @rx.var
    def closed_at(self) -> str:
        return self._task.closed_at if self._task else ""

    @rx.var
    def record(self) -> str:
        task = self._task
        return record_text(task.record_form, task.record_id, self.lang) if task else ""

    @rx.var
    def record_link(self) -> str:
        return record_route(self._task.record_form, self._task.record_id) if self._task else ""

    @rx.var
    def case_link(self) -> str:
        return case_route(self._task.case_id) if self._task else ""

    @rx.var
    def lock(self) -> str:
        return self._task.lock if self._task else ""

    @rx.var
    def lock_holds(self) -> bool:
        return bool(self._task and self._task.lock_holds)

    # ---- the record, the inputs, the decision -------------------------------------

    @rx.var
    def sees_record(self) -> bool:
        return self._task is not None and self._task.values is not None

    @rx.var
    def values(self) -> list[Fact]:
        task = self._task
        if task is None or task.values is None:
            return []
        document = self._forms.get(task.record_form) or {}
        specs = form_fields.field_map(document)
        order = {key: i for i, key in enumerate(specs)}
        keys = sorted(task.values, key=lambda k: (order.get(k, len(order)), k))
        return [
            Fact(
                form_fields.label(specs.get(k) or {"key": k}, self.lang),
                form_fields.shown_text(specs.get(k) or {}, task.values[k], self.lang) or "—",
            )
            for k in keys
        ]

    def _rows(self) -> list[TaskField]:
        task = self._task
        if task is None or task.kind != "form":
            return []
        errors, _ = pinned(self._errors, self.lang)
        document = self._forms.get(task.form) or {}
        return task_form.task_fields(
            task.fields, document, self._schema, self._draft, self._texts, errors, self.lang
        )

    @rx.var
    def inputs(self) -> list[TaskField]:
        return self._rows()

    @rx.var
    def problems(self) -> list[str]:
        """The errors of the last try that name no field on the screen (the rule's
        message, the hand-off lock…); those that do are shown under their field."""
        shown = {row.key for row in self._rows()}
        by_field, rest = pinned(self._errors, self.lang)
        return rest + [message for key, message in by_field.items() if key not in shown]

    @rx.var
    def failure_text(self) -> str:
        return text(self.lang, self.failure) if self.failure else ""

    @rx.var
    def return_options(self) -> list[Option]:
        level = self._task.level if self._task and self._task.level else 1
        return [Option("", text(self.lang, "tasks.return_previous"))] + [
            Option(str(n), text(self.lang, "tasks.return_level", n=n)) for n in range(1, level + 1)
        ]

    # ---- claiming a shared task -----------------------------------------------------

    @rx.var
    def claimed_by(self) -> str:
        return self._task.claimed_by if self._task else ""

    @rx.var
    def claim_note(self) -> str:
        task = self._task
        if task is None or not task.claimed_by or task.status != "open":
            return ""
        if task.claimed_by == self.username:
            return text(self.lang, "tasks.claimed_by_you")
        return text(self.lang, "tasks.claimed_by", user=task.claimed_by)

    @rx.var
    def may_claim(self) -> bool:
        """A task shared by several people, not taken yet, and the user is one of them."""
        task = self._task
        return bool(
            task
            and task.status == "open"
            and not task.claimed_by
            and len(task.assignees) > 1
            and self.username in task.assignees
        )

    @rx.var
    def taken_by_other(self) -> bool:
        task = self._task
        return bool(task and task.claimed_by and task.claimed_by != self.username)

    # ---- loading ---------------------------------------------------------------------

    def _show(self, task: api.TaskItem) -> None:
        """The task as the API has it now; the inputs start from the record's values."""
        self._task = task
        self._draft = {k: v for k, v in (task.values or {}).items() if k in task.fields}
        self._texts = {}

    async def _forms_of(self, task: api.TaskItem) -> None:
        """The live forms (labels, choices) and the task form's schema for the user."""
        keys = sorted({k for k in (task.form, task.record_form) if k})
        found = await asyncio.gather(
            *(api.live_form(self.token, key) for key in keys), return_exceptions=True
        )
        self._forms = {k: f for k, f in zip(keys, found, strict=True) if isinstance(f, dict)}
        self._schema = None
        if task.kind == "form" and task.form and task.status == "open":
            when = form_fields.context(self._forms.get(task.form) or {}, task.values or {})
            with contextlib.suppress(api.ApiError):  # the form's own types stand in
                self._schema = await api.record_schema(self.token, task.form, when)

    async def _load(self) -> bool:
        try:
            task, _ = await asyncio.gather(api.task(self.token, self.task_id), self._load_titles())
        except api.ApiError as error:
            self.load_error = "tasks.not_found" if error.status == 404 else error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self.load_error = ""
        self._show(task)
        await self._forms_of(task)
        return True

    def _clear(self) -> None:
        self._errors = []
        self.failure = self.cause = self.detail = ""

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the task, its record's values and its form."""
        self.task_id = task_id_of(str(self.router.page.params.get("id", "")))
        self._task, self._forms, self._schema = None, {}, None
        self._draft, self._texts = {}, {}
        self.comment, self.return_to, self.busy = "", "", False
        self._clear()
        if not self.token or not self.task_id:
            return
        self.loading = True
        yield
        await self._load()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    # ---- acting ----------------------------------------------------------------------

    @rx.event
    def set_value(self, key: str, raw: str) -> None:
        task = self._task
        if task is None or key not in task.fields:
            return
        spec = task_form.spec_of(self._forms.get(task.form) or {}, key, self._schema)
        self._texts = {**self._texts, key: raw}
        self._draft = {**self._draft, key: form_fields.parse(spec, raw)}
        self._errors = [e for e in self._errors if field_of(e) != key]

    @rx.event
    def set_comment(self, comment: str) -> None:
        self.comment = comment

    @rx.event
    def set_return_to(self, level: str) -> None:
        self.return_to = level

    def _refused(self, failure: str, error: api.ApiError) -> None:
        self.failure, self.detail = failure, error.detail
        self._errors = list(error.errors)
        _, rest = pinned(self._errors, self.lang)
        if error.status == 409:
            self.cause = "tasks.already_done"
        else:  # a rule that refused says why better than a general cause
            self.cause = "" if rest else cause_key(error)

    async def _act(
        self, failure: str, done: str, call: Callable[[], Awaitable[api.TaskItem]]
    ) -> AsyncIterator[Any]:
        """Run ``call`` (the API call giving the task after the step); show the result."""
        if self._task is None or self.busy:
            return
        self._clear()
        self.busy = True
        yield
        try:
            task = await call()
        except api.ApiError as error:
            self.busy = False
            self._refused(failure, error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
                return
            if error.status in (404, 409):  # done or withdrawn meanwhile: show it as it is
                with contextlib.suppress(api.ApiError):
                    self._show(await api.task(self.token, self.task_id))
            return
        self.busy = False
        self._show(task)
        yield rx.toast.success(text(self.lang, done))

    @rx.event
    async def complete(self) -> AsyncIterator[Any]:
        data = task_form.payload(self._rows(), self._draft)

        def call() -> Awaitable[api.TaskItem]:
            return api.complete_task(self.token, self.task_id, data)

        async for step in self._act("tasks.complete_failed", "tasks.completed", call):
            yield step

    @rx.event
    async def decide(self, decision: str) -> AsyncIterator[Any]:
        if decision not in DECISIONS:
            return
        level = int(self.return_to) if decision == "return" and self.return_to.isdigit() else None
        comment = self.comment.strip()

        def call() -> Awaitable[api.TaskItem]:
            return api.decide_task(self.token, self.task_id, decision, comment, level)

        async for step in self._act("tasks.decide_failed", "tasks.decided", call):
            yield step

    @rx.event
    async def claim(self) -> AsyncIterator[Any]:
        def call() -> Awaitable[api.TaskItem]:
            return api.claim_task(self.token, self.task_id)

        async for step in self._act("tasks.claim_failed", "tasks.claimed", call):
            yield step
