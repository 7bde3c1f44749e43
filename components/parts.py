"""Config parts shared by several node types: who does a task, and its deadline."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.component import ConfigBase
from schemas.base import KEY_PATTERN, Duration, Expression, RoleName, UserName

__all__ = ["Assignee", "Escalation", "FormKey", "RoleName", "Sla", "UserName"]

FormKey = Annotated[
    str,
    msgspec.Meta(
        pattern=KEY_PATTERN,
        title="Form",
        description="Key of a form document.",
        extra_json_schema={"x-trellis-widget": "form"},
    ),
]


class Assignee(ConfigBase):
    """Who must do a task. The field that matches ``by`` is used (and
    required: the builder checks every Assignee, wherever it sits)."""

    by: Literal["user", "role", "role_in_region", "manager_of_previous", "expression"] = "role"
    user: UserName | None = None
    role: RoleName | None = None
    expression: Expression | None = None


class Escalation(ConfigBase):
    """What happens when a deadline passes; chained escalations each get a new deadline."""

    action: Literal["escalate", "return", "auto_approve", "auto_reject", "notify"] = "escalate"
    to: Assignee | None = None
    due: Duration | None = None
    cc: list[Assignee] = msgspec.field(default_factory=list)


class Sla(ConfigBase):
    """A deadline on a human task or approval, with reminders and escalations in order."""

    due: Duration
    reminders: list[Duration] = msgspec.field(default_factory=list)
    on_timeout: list[Escalation] = msgspec.field(default_factory=list)
