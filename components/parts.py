"""Config parts shared by several node types: who does a task, and its deadline."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.component import ConfigBase
from schemas.base import KEY_PATTERN, Duration, Expression, Label, RoleName, UserName

__all__ = ["Assignee", "Escalation", "FormKey", "Robot", "RoleName", "Sla", "UserName"]

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
    required: the builder checks every Assignee, wherever it sits).
    ``current_assignee`` (whoever holds the task now) and ``requester`` (who
    started the case) need no setting: they are for copies on escalation."""

    by: Literal[
        "user",
        "role",
        "role_in_region",
        "manager_of_previous",
        "expression",
        "current_assignee",
        "requester",
    ] = "role"
    user: UserName | None = None
    role: RoleName | None = None
    expression: Expression | None = None


class Robot(ConfigBase):
    """A group chat robot (WeCom or DingTalk) that receives a copy."""

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://", max_length=2000)]
    channel: Literal["wecom", "dingtalk"] = "wecom"
    secret: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^[A-Za-z0-9_]{1,64}$",
                description="Name of the stored secret DingTalk signs with.",
            ),
        ]
        | None
    ) = None


class Escalation(ConfigBase):
    """What happens when a deadline passes; chained escalations each get a new
    deadline. ``cc`` people get an in-app notice, ``robots`` a group message."""

    action: Literal["escalate", "return", "auto_approve", "auto_reject", "notify"] = "escalate"
    to: Assignee | None = None
    due: Duration | None = None
    cc: list[Assignee] = msgspec.field(default_factory=list)
    robots: list[Robot] = msgspec.field(default_factory=list)
    message: Label | None = None


class Sla(ConfigBase):
    """A deadline on a human task or approval, with reminders and escalations
    in order. ``due`` counts from when the task arrives; ``due_at`` may name
    an earlier moment (a formula such as ``record['close_date']``): the
    earlier of the two wins."""

    due: Duration
    due_at: Expression | None = None
    reminders: list[Duration] = msgspec.field(default_factory=list)
    on_timeout: list[Escalation] = msgspec.field(default_factory=list)
