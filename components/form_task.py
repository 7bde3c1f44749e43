"""``form_task``: a person fills in a form."""

from __future__ import annotations

from typing import Any

import msgspec

from components.component import Component, ConfigBase, Text
from components.engine import (
    Event,
    ExpressionFailed,
    Refused,
    Step,
    TaskCompleted,
    TimerFired,
    Token,
    WriteRecord,
)
from components.human import close_task, may_act_on, on_timer, open_task, release
from components.parts import Assignee, FormKey, Sla
from schemas.base import Expression
from schemas.form import FieldKey

__all__ = ["COMPONENT", "FormTaskConfig"]


class FormTaskConfig(ConfigBase):
    form: FormKey
    assignee: Assignee
    fields: list[FieldKey] = msgspec.field(default_factory=list)
    sla: Sla | None = None
    lock: Expression | None = None


def check_lock(
    step: Step, token: Token, lock: str | None, record: dict[str, Any] | None = None
) -> None:
    """Refuse to leave the node while its hand-off lock does not hold."""
    if lock is None:
        return
    try:
        holds = bool(step.evaluate(lock, token, record=record))
    except ExpressionFailed as exc:
        raise Refused(422, "transition_lock_failed", str(exc), lock=lock) from None
    if not holds:
        raise Refused(
            422,
            "transition_lock",
            f"This step cannot be completed until its hand-off lock holds: {lock}",
            lock=lock,
        )


class Fill:
    """Opens a task for the assignees; completing it writes the (already
    validated) data to the record when the task's form is the case's record
    form, else to the variables, then moves on."""

    def enter(self, step: Step, token: Token) -> None:
        config: FormTaskConfig = step.node(token).config
        people = step.resolve(config.assignee, token)
        if not people:
            step.incident(token, "no_assignee", f"nobody found to assign ({config.assignee.by})")
            return
        open_task(
            step,
            token,
            kind="form",
            assignees=people,
            sla=config.sla,
            form=config.form,
            fields=config.fields,
        )

    def react(self, step: Step, token: Token, event: Event) -> None:
        config: FormTaskConfig = step.node(token).config
        if isinstance(event, TimerFired):
            on_timer(step, token, event, config.sla, lambda _: self._done(step, token, None, {}))
        elif isinstance(event, TaskCompleted):
            if not may_act_on(step, token, event.by):
                raise Refused(403, "not_assignee", "This task is someone else's.")
            record = step.state.record
            on_record = record is not None and config.form == step.plan.record_form
            after = {**record.data, **event.data} if record is not None and on_record else None
            check_lock(step, token, config.lock, after)
            self._done(step, token, event.by, event.data)

    def _done(self, step: Step, token: Token, by: str | None, data: dict[str, Any]) -> None:
        config: FormTaskConfig = step.node(token).config
        record = step.state.record
        if data:
            if record is not None and config.form == step.plan.record_form:
                record.data.update(data)
                step.emit(WriteRecord(node=token.node, fields=dict(data), by=by))
            else:
                step.state.variables.update(data)
        if by is not None:
            step.state.last_actor = by
        step.note("completed", token, task=token.wait.get("task"), by=by, data=dict(data))
        close_task(step, token, status="completed", by=by)
        step.leave(token)

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


COMPONENT = Component(
    type="form_task",
    category="human",
    label=Text("Fill in a form", "填写表单"),
    description=Text(
        "A person fills in or updates fields of the record.", "由指定人员填写或更新记录字段。"
    ),
    icon="clipboard-list",
    config=FormTaskConfig,
    keywords=("task", "form", "human", "input"),
    is_wait=True,
    behaviour=Fill(),
)
