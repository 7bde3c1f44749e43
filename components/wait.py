"""``wait``: pauses for a duration, until a date, or for a named event."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Issue, Text, required_when
from schemas.base import Duration, Expression

__all__ = ["COMPONENT", "WaitConfig"]


class WaitConfig(ConfigBase):
    until: Literal["duration", "date", "event"] = "duration"
    duration: Duration | None = None
    date: Expression | None = None
    event: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{0,62}$")] | None = None
    timeout: Duration | None = None


def check(config: dict[str, Any]) -> list[Issue]:
    until = config.get("until", "duration")
    field = {"duration": "duration", "date": "date", "event": "event"}.get(until)
    return required_when(config, field, "until", until) if field else []


COMPONENT = Component(
    type="wait",
    category="flow",
    label=Text("Wait", "等待"),
    description=Text(
        "Pauses for a time, until a date, or until an event arrives.",
        "等待一段时间、到某个日期或某个事件到达。",
    ),
    icon="clock",
    config=WaitConfig,
    outputs=("out", "timeout"),
    keywords=("timer", "delay", "event", "signal"),
    is_wait=True,
    check=check,
)
