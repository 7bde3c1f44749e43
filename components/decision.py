"""``decision``: the first outgoing edge whose condition holds, else the default."""

from __future__ import annotations

from components.behaviours import Passing
from components.component import Component, ConfigBase, Text
from components.engine import Step, Token
from schemas.base import Expression

__all__ = ["COMPONENT", "DecisionConfig"]


class DecisionConfig(ConfigBase):
    """Conditions live on the outgoing edges, checked in edge order."""

    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Choose(Passing):
    """The first connection whose condition holds, in the order drawn; else the
    default. Each condition's value goes into the history (the sandbox reads
    why a case went where it went)."""

    def enter(self, step: Step, token: Token) -> None:
        node = step.node(token)
        for edge in node.outgoing:
            if edge.default or edge.condition is None:
                continue
            value = bool(step.evaluate(edge.condition, token))
            reads = sorted(step.reads(edge.condition))
            step.note("condition", token, edge=edge.id, value=value, reads=reads)
            if value:
                step.follow(token, [edge])
                return
        default = [edge for edge in node.outgoing if edge.default]
        if not default:
            step.incident(token, "no_branch", "no condition held and there is no default")
            return
        step.note("condition", token, edge=default[0].id, value="default")
        step.follow(token, default[:1])


COMPONENT = Component(
    type="decision",
    category="logic",
    label=Text("Decision", "条件分支"),
    description=Text(
        "Takes the first connection whose condition holds, otherwise the default.",
        "按顺序取第一个条件成立的连线，否则走默认连线。",
    ),
    icon="git-branch",
    config=DecisionConfig,
    keywords=("if", "branch", "gateway", "condition"),
    branches_by_condition=True,
    behaviour=Choose(),
)
