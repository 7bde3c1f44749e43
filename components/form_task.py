"""``form_task``: a person fills in a form."""

from __future__ import annotations

import msgspec

from components.component import Component, ConfigBase, Text
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
)
