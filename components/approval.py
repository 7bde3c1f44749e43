"""``approval``: one to seven levels of approvers decide."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.component import Component, ConfigBase, Text
from components.parts import RoleName, Sla, UserName
from schemas.base import Expression

__all__ = ["COMPONENT", "ApprovalConfig", "ApprovalLevel"]


class ApprovalLevel(ConfigBase):
    role: RoleName | None = None
    min_rank: Annotated[int, msgspec.Meta(ge=1, le=7)] | None = None
    manager_chain: Annotated[int, msgspec.Meta(ge=1, le=7)] | None = None
    users: list[UserName] = msgspec.field(default_factory=list)
    mode: Literal["any", "all"] = "any"
    amount_limit: (
        Annotated[
            float, msgspec.Meta(ge=0, description="Amounts up to this are final at this level.")
        ]
        | None
    ) = None
    allow_self_approval: bool = False
    sla: Sla | None = None


class ApprovalConfig(ConfigBase):
    levels: Annotated[list[ApprovalLevel], msgspec.Meta(min_length=1, max_length=7)]
    amount: Expression | None = None
    lock: Expression | None = None


COMPONENT = Component(
    type="approval",
    category="human",
    label=Text("Approval", "审批"),
    description=Text(
        "One to seven levels of approvers approve, reject or return.",
        "一至七级审批人批准、驳回或退回。",
    ),
    icon="check-circle",
    config=ApprovalConfig,
    outputs=("approved", "rejected"),
    keywords=("approve", "sign-off", "discount"),
    expressions=("/amount", "/lock"),
    references=(("/levels/*/role", "role"),),
    is_wait=True,
)
