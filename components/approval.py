"""``approval``: one to seven levels of approvers decide."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Issue, Text
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


APPROVERS = ("role", "min_rank", "manager_chain", "users")


def check(config: dict[str, Any]) -> list[Issue]:
    """Each level must say who approves."""
    levels = config.get("levels")
    if not isinstance(levels, list):
        return []
    return [
        Issue(f"/levels/{i}", "level_without_approver", {"n": i + 1})
        for i, level in enumerate(levels)
        if isinstance(level, dict) and not any(level.get(name) for name in APPROVERS)
    ]


COMPONENT = Component(
    type="approval",
    category="human",
    label=Text("Approval", "审批"),
    description=Text(
        "One to seven levels of approvers approve, reject or return.",
        "一至七级审批人批准、驳回或退回。",
    ),
    icon="circle-check",
    config=ApprovalConfig,
    outputs=("approved", "rejected"),
    keywords=("approve", "sign-off", "discount"),
    is_wait=True,
    check=check,
)
