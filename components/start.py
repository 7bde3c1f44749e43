"""``start``: where an instance begins, and what starts it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.behaviours import Passing
from components.component import Component, ConfigBase, Issue, Text, required_when
from components.cron import Cron, CronError
from schemas.base import Expression

__all__ = ["COMPONENT", "StartConfig"]


class StartConfig(ConfigBase):
    trigger: Literal["manual", "record_created", "record_updated", "schedule", "webhook"] = "manual"
    condition: Expression | None = None
    schedule: (
        Annotated[
            str,
            msgspec.Meta(description="Cron expression, for trigger 'schedule'.", max_length=100),
        ]
        | None
    ) = None


def check(config: dict[str, Any]) -> list[Issue]:
    """A scheduled start needs a schedule that reads as cron."""
    if config.get("trigger") != "schedule":
        return []
    missing = required_when(config, "schedule", "trigger", "schedule")
    if missing:
        return missing
    try:
        Cron.parse(str(config["schedule"]))
    except CronError as exc:
        return [Issue("/schedule", "invalid", {"detail": str(exc)})]
    return []


COMPONENT = Component(
    type="start",
    category="flow",
    label=Text("Start", "开始"),
    description=Text(
        "Where a case begins: by hand, on a record change, a schedule or a webhook.",
        "流程的起点：手动、记录变化、定时或 Webhook 触发。",
    ),
    icon="play",
    config=StartConfig,
    inputs=0,
    keywords=("trigger", "begin"),
    is_start=True,
    check=check,
    behaviour=Passing(),
)
