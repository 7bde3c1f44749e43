"""``script``: restricted Python with declared inputs and outputs."""

from __future__ import annotations

from typing import Annotated

import msgspec

from components.component import Component, ConfigBase, Text
from components.engine import Event, JobFinished, RunScript, Step, Token
from components.human import release
from schemas.base import Expression

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
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Run:
    """The script runs in the worker, in a child process with limits; the
    token waits for its result. A failure stops the case with an incident."""

    def enter(self, step: Step, token: Token) -> None:
        config: ScriptConfig = step.node(token).config
        record = step.state.record.data if step.state.record is not None else {}
        inputs = {
            name: step.state.variables[name] if name in step.state.variables else record.get(name)
            for name in config.inputs
        }
        job = step.new_id("job")
        token.wait["job"] = job
        step.emit(
            RunScript(
                job=job,
                token=token.id,
                node=token.node,
                code=config.code,
                inputs=inputs,
                outputs=list(config.outputs),
                timeout_seconds=config.timeout_seconds,
                memory_mb=config.memory_mb,
            )
        )

    def react(self, step: Step, token: Token, event: Event) -> None:
        if not isinstance(event, JobFinished):
            return
        config: ScriptConfig = step.node(token).config
        token.wait.pop("job", None)
        if not event.ok:
            step.incident(token, "script_failed", event.error or "the script failed")
            return
        outputs = {name: event.outputs.get(name) for name in config.outputs}
        step.state.variables.update(outputs)
        record = step.state.record.data if step.state.record is not None else {}
        sources = sorted(
            {
                field
                for name in config.inputs
                for field in (
                    step.state.derived.get(name, [name] if name in record else [])
                    if name in step.state.variables
                    else ([name] if name in record else [])
                )
            }
        )
        for name in outputs:
            if sources:
                step.state.derived[name] = sources
        step.note("script_done", token, outputs=outputs)
        step.leave(token)

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


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
    behaviour=Run(),
)
