"""``subflow``: runs another published workflow."""

from __future__ import annotations

from components.component import Component, ConfigBase, Text
from schemas.base import Key

__all__ = ["COMPONENT", "SubflowConfig"]


class SubflowConfig(ConfigBase):
    workflow: Key
    variant: Key | None = None
    wait: bool = True


COMPONENT = Component(
    type="subflow",
    category="flow",
    label=Text("Sub-workflow", "子流程"),
    description=Text(
        "Runs another published workflow and waits for it to end.",
        "运行另一个已发布流程并等待其结束。",
    ),
    icon="layers",
    config=SubflowConfig,
    keywords=("call", "child", "reuse"),
    is_wait=True,
)
