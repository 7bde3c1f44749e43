"""``set``: writes variables or record fields from expressions."""

from __future__ import annotations

from typing import Annotated

import msgspec

from components.behaviours import Passing
from components.component import Component, ConfigBase, Text
from components.engine import Step, Token, WriteRecord
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
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Assign(Passing):
    def enter(self, step: Step, token: Token) -> None:
        config: SetConfig = step.node(token).config
        fields: dict[str, object] = {}
        for assignment in config.assignments:
            value = step.evaluate(assignment.expression, token)
            reads = sorted(step.reads(assignment.expression))
            scope, name = assignment.target.split(".", 1)
            step.note("set", token, target=assignment.target, value=value, reads=reads)
            if scope == "vars":
                step.state.variables[name] = value
                if reads:
                    step.state.derived[name] = reads
                else:
                    step.state.derived.pop(name, None)
            else:
                fields[name] = value
                if step.state.record is not None:
                    step.state.record.data[name] = value
        if fields:
            step.emit(WriteRecord(node=token.node, fields=fields))
        step.leave(token)


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
    behaviour=Assign(),
)
