"""``parallel``: every outgoing edge runs at once."""

from __future__ import annotations

from components.behaviours import Passing
from components.component import Component, ConfigBase, Text
from components.engine import Step, Token
from schemas.base import Expression

__all__ = ["COMPONENT", "ParallelConfig"]


class ParallelConfig(ConfigBase):
    """Nothing to set: each outgoing connection starts its own branch."""

    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Split(Passing):
    """Every outgoing connection gets a token; they share a fork id that the
    join downstream counts them by."""

    def enter(self, step: Step, token: Token) -> None:
        token.forks.append(step.new_id("fork"))
        step.follow(token, step.node(token).outgoing)


COMPONENT = Component(
    type="parallel",
    category="logic",
    label=Text("Parallel split", "并行分支"),
    description=Text(
        "Starts every outgoing connection at the same time.", "同时启动所有出发连线。"
    ),
    icon="split",
    config=ParallelConfig,
    keywords=("fork", "split", "and"),
    behaviour=Split(),
)
