"""``script``: restricted Python with declared inputs and outputs."""

from __future__ import annotations

from typing import Annotated

import msgspec

from components.component import Component, ConfigBase, Text

__all__ = ["COMPONENT", "ScriptConfig"]

Name = Annotated[str, msgspec.Meta(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]


class ScriptConfig(ConfigBase):
    code: Annotated[
        str,
        msgspec.Meta(
            min_length=1, max_length=20000, extra_json_schema={"x-trellis-widget": "code"}
        ),
    ]
    inputs: list[Name] = msgspec.field(default_factory=list)
    outputs: list[Name] = msgspec.field(default_factory=list)
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 5.0
    memory_mb: Annotated[int, msgspec.Meta(ge=16, le=1024)] = 128


COMPONENT = Component(
    type="script",
    category="automation",
    label=Text("Script", "脚本"),
    description=Text(
        "Runs a short restricted Python script with limits on time and memory.",
        "在时间和内存限制下运行受限 Python 脚本。",
    ),
    icon="code",
    config=ScriptConfig,
    keywords=("python", "code", "compute"),
)
