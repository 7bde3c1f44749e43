"""``decision``: the first outgoing edge whose condition holds, else the default."""

from __future__ import annotations

from components.component import Component, ConfigBase, Text

__all__ = ["COMPONENT", "DecisionConfig"]


class DecisionConfig(ConfigBase):
    """Conditions live on the outgoing edges, checked in edge order."""


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
)
