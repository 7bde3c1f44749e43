"""``join``: waits for parallel branches."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.behaviours import Passing
from components.component import Component, ConfigBase, Issue, Text, required_when
from components.engine import Step, Token
from schemas.base import Expression

__all__ = ["COMPONENT", "JoinConfig"]


class JoinConfig(ConfigBase):
    mode: Literal["all", "any", "n_of_m"] = "all"
    n: Annotated[int, msgspec.Meta(ge=1, description="For mode n_of_m.")] | None = None
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


def check(config: dict[str, Any]) -> list[Issue]:
    if config.get("mode") == "n_of_m":
        return required_when(config, "n", "mode", "n_of_m")
    return []


class Merge(Passing):
    """Counts the tokens of one fork; goes on when enough have arrived. With
    ``any`` or ``n_of_m`` the branches still running are withdrawn (their
    tasks cancelled) and latecomers are dropped."""

    def enter(self, step: Step, token: Token) -> None:
        config: JoinConfig = step.node(token).config
        state = step.state
        fork = token.forks[-1] if token.forks else ""
        if fork in state.joined:
            step.discard(token, "late")
            return
        branches = max(len(step.node(token).incoming), 1)
        need = {"all": branches, "any": 1}.get(config.mode, min(config.n or branches, branches))
        key = f"{token.node}|{fork}"
        arrived = state.joins.get(key, 0) + 1
        step.note("arrived", token, fork=fork, arrived=arrived, needed=need)
        if arrived < need:
            state.joins[key] = arrived
            step.discard(token, "joined")
            return
        state.joins.pop(key, None)
        if config.mode != "all" and fork:
            state.joined.append(fork)
            for other in list(state.tokens):
                if other is not token and fork in other.forks:
                    step.withdraw(other, "join went ahead")
        if token.forks:
            token.forks.pop()
        step.leave(token)


COMPONENT = Component(
    type="join",
    category="logic",
    label=Text("Join", "汇聚"),
    description=Text(
        "Waits for all, any or n of the incoming branches.", "等待全部、任一或 n 个分支到达。"
    ),
    icon="merge",
    config=JoinConfig,
    inputs=-1,
    keywords=("merge", "synchronise", "and"),
    check=check,
    behaviour=Merge(),
)
