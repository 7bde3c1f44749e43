"""``join``: waits for parallel branches."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Issue, Text, required_when

__all__ = ["COMPONENT", "JoinConfig"]


class JoinConfig(ConfigBase):
    mode: Literal["all", "any", "n_of_m"] = "all"
    n: Annotated[int, msgspec.Meta(ge=1, description="For mode n_of_m.")] | None = None


def check(config: dict[str, Any]) -> list[Issue]:
    if config.get("mode") == "n_of_m":
        return required_when(config, "n", "mode", "n_of_m")
    return []


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
)
