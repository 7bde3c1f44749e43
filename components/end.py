"""``end``: a case finishes here, with an outcome."""

from __future__ import annotations

from typing import Annotated

import msgspec

from components.behaviours import Passing
from components.component import Component, ConfigBase, Text
from components.engine import Step, Token

__all__ = ["COMPONENT", "EndConfig"]


class EndConfig(ConfigBase):
    outcome: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^[a-z][a-z0-9_]{0,62}$", description="e.g. won, lost, approved."
            ),
        ]
        | None
    ) = None


class Finish(Passing):
    def enter(self, step: Step, token: Token) -> None:
        config: EndConfig = step.node(token).config
        step.finish(token, config.outcome)


COMPONENT = Component(
    type="end",
    category="flow",
    label=Text("End", "结束"),
    description=Text(
        "The case ends here with an outcome such as approved or lost.",
        "流程在此结束，并记录结果（如已批准、丢单）。",
    ),
    icon="circle-stop",
    config=EndConfig,
    outputs=(),
    keywords=("finish", "outcome"),
    is_end=True,
    behaviour=Finish(),
)
