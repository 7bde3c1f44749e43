"""``set``: writes variables or record fields from expressions."""

from __future__ import annotations

from typing import Annotated

import msgspec

from components.component import Component, ConfigBase, Text
from schemas.base import Expression

__all__ = ["COMPONENT", "Assignment", "SetConfig"]


class Assignment(ConfigBase):
    target: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^(vars|record)\.[a-z_][a-z0-9_]{0,62}$",
            description="vars.NAME or record.FIELD",
        ),
    ]
    expression: Expression


class SetConfig(ConfigBase):
    assignments: Annotated[list[Assignment], msgspec.Meta(min_length=1)]


COMPONENT = Component(
    type="set",
    category="logic",
    label=Text("Set values", "赋值"),
    description=Text(
        "Computes variables or record fields from expressions.", "用表达式计算变量或记录字段。"
    ),
    icon="pencil",
    config=SetConfig,
    keywords=("assign", "variable", "compute"),
)
