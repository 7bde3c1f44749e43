"""``parallel``: every outgoing edge runs at once."""

from __future__ import annotations

from components.component import Component, ConfigBase, Text

__all__ = ["COMPONENT", "ParallelConfig"]


class ParallelConfig(ConfigBase):
    """Nothing to set: each outgoing connection starts its own branch."""


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
)
