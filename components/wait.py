"""``wait``: pauses for a duration, until a date, or for a named event."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Issue, Text, required_when
from components.engine import Event, Signal, Step, TimerFired, Token
from components.human import release, timer
from components.moments import moment_of
from schemas.base import Duration, Expression

__all__ = ["COMPONENT", "WaitConfig"]


class WaitConfig(ConfigBase):
    until: Literal["duration", "date", "event"] = "duration"
    duration: Duration | None = None
    date: Expression | None = None
    event: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{0,62}$")] | None = None
    timeout: Duration | None = None
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


def check(config: dict[str, Any]) -> list[Issue]:
    until = config.get("until", "duration")
    field = {"duration": "duration", "date": "date", "event": "event"}.get(until)
    return required_when(config, field, "until", until) if field else []


class Pause:
    """Waits on a timer (``wait``), or for a named event with an optional
    timer (``timeout``) that sends the case out of the ``timeout`` port."""

    def enter(self, step: Step, token: Token) -> None:
        config: WaitConfig = step.node(token).config
        if config.until == "event" and config.event:
            token.wait["signal"] = config.event
            if config.timeout:
                timer(step, token, step.now + step.duration(config.timeout), "timeout")
            return
        if config.until == "date" and config.date:
            try:
                due = moment_of(step.evaluate(config.date, token))
            except ValueError as exc:
                step.incident(token, "bad_date", f"the date does not read as a date: {exc}")
                return
        else:
            due = step.now + step.duration(config.duration or "PT0S")
        if due <= step.now:
            step.leave(token)
            return
        timer(step, token, due, "wait")

    def react(self, step: Step, token: Token, event: Event) -> None:
        if isinstance(event, TimerFired):
            purpose = token.wait.get("timers", {}).pop(event.timer, None)
            if purpose is None:
                return
            release(step, token)
            step.leave(token, "timeout" if purpose == "timeout" else "out")
        elif isinstance(event, Signal):
            step.state.variables[event.name] = event.payload
            release(step, token)
            step.leave(token, "out")

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


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
    behaviour=Pause(),
)
