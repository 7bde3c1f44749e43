"""Behaviour building blocks that several node types share."""

from __future__ import annotations

from components.engine import Event, Step, Token
from components.human import release

__all__ = ["Passing"]


class Passing:
    """A step that does its work on arrival and moves on at once (start,
    parallel, set…): nothing waits there, so events never reach it."""

    def enter(self, step: Step, token: Token) -> None:
        step.leave(token)

    def react(self, step: Step, token: Token, event: Event) -> None:
        step.note("ignored", token, event=type(event).__name__)

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)
