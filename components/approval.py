"""``approval``: one to seven levels of approvers decide."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Issue, Text
from components.engine import Decided, Event, Refused, Step, TimerFired, Token, UpdateTask
from components.form_task import check_lock
from components.human import close_task, may_act_on, on_timer, open_task, release, unique
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


def _amount(step: Step, token: Token, config: ApprovalConfig) -> float | None:
    if config.amount is not None:
        value = step.evaluate(config.amount, token)
    else:
        record = step.state.record
        value = record.data.get("amount") if record is not None else None
        if value is None:
            value = step.state.variables.get("amount")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class Decide:
    """Levels in order. A level's approvers are found when it opens (role and
    rank in the record's region, else anywhere; the N-th manager of the
    requester; named people); the requester is left out unless the level
    allows self-approval, and when that leaves nobody their manager decides.
    At decision time the rules are checked again: who may decide, the rank
    they hold now, self-approval. An amount within a level's limit is final
    there; ``all`` needs every approver of the level."""

    def enter(self, step: Step, token: Token) -> None:
        config: ApprovalConfig = step.node(token).config
        token.wait["amount"] = _amount(step, token, config)
        self._open(step, token, 0)

    def _approvers(self, step: Step, token: Token, index: int) -> tuple[list[str], list[str]]:
        """(everyone who may decide the level, those found by role or rank)."""
        config: ApprovalConfig = step.node(token).config
        level = config.levels[index]
        state, people = step.state, step.directory
        requester = state.requester
        asker = people.member(requester) if requester else None
        region = state.record.region if state.record is not None else None
        region = region or (asker.region if asker else None)
        group: list[str] = []
        if level.role or level.min_rank:
            # The requester never counts towards "someone in the region" when
            # they may not approve themselves: look further afield instead.
            def others(found: list[str]) -> list[str]:
                return [n for n in found if level.allow_self_approval or n != requester]

            group = others(people.with_role(level.role, region=region, min_rank=level.min_rank))
            group = group or people.with_role(level.role, min_rank=level.min_rank)
        named = [name for name in level.users if people.member(name) is not None]
        chain: list[str] = []
        if level.manager_chain:
            above = people.managers(requester or (state.record.owner if state.record else "") or "")
            chain = above[level.manager_chain - 1 : level.manager_chain]
        everyone = unique([*named, *chain, *group])
        if requester in everyone and not level.allow_self_approval:
            everyone.remove(requester)
            step.note("self_approval_excluded", token, level=index + 1, user=requester)
            if not everyone and requester:
                everyone = people.managers(requester)[:1]
                step.note("decided_by_manager", token, level=index + 1, manager=everyone)
        return everyone, [name for name in group if name in everyone]

    def _open(self, step: Step, token: Token, index: int) -> None:
        config: ApprovalConfig = step.node(token).config
        level = config.levels[index]
        approvers, by_rank = self._approvers(step, token, index)
        if not approvers:
            step.incident(token, "no_approver", f"level {index + 1} has nobody who may approve")
            return
        token.wait.update(level=index, approved_by=[], by_rank=by_rank)
        open_task(
            step,
            token,
            kind="approval",
            assignees=approvers,
            sla=level.sla,
            level=index + 1,
            levels=len(config.levels),
            mode=level.mode,
        )

    def react(self, step: Step, token: Token, event: Event) -> None:
        config: ApprovalConfig = step.node(token).config
        index: int = token.wait.get("level", 0)
        if isinstance(event, TimerFired):
            on_timer(
                step,
                token,
                event,
                config.levels[index].sla,
                lambda decision: self._apply(step, token, None, decision, "deadline passed", None),
            )
        elif isinstance(event, Decided):
            self._check(step, token, event)
            if event.decision == "approve":
                check_lock(step, token, config.lock)
            self._apply(step, token, event.by, event.decision, event.comment, event.level)

    def _check(self, step: Step, token: Token, event: Decided) -> None:
        config: ApprovalConfig = step.node(token).config
        index: int = token.wait.get("level", 0)
        level = config.levels[index]
        by = event.by
        if by == step.state.requester and not level.allow_self_approval:
            raise Refused(
                403,
                "self_approval",
                "You asked for this approval, so someone else must decide it "
                f"(rule: level {index + 1} does not allow self-approval).",
                rule=f"levels/{index}/allow_self_approval",
            )
        if not may_act_on(step, token, by):
            raise Refused(403, "not_assignee", "This approval is not yours to decide.")
        if by in token.wait.get("approved_by", []):
            raise Refused(409, "already_decided", "You have already approved this level.")
        if by in token.wait.get("by_rank", []):
            member = step.directory.member(by)
            rank = member.rank if member else 0
            if level.min_rank is not None and rank < level.min_rank:
                raise Refused(
                    403,
                    "rank_too_low",
                    f"Level {index + 1} needs rank {level.min_rank} or higher; you hold {rank}.",
                    rank=rank,
                    needed=level.min_rank,
                )
            if level.role is not None and (member is None or level.role not in member.roles):
                raise Refused(
                    403, "role_missing", f"Level {index + 1} needs the role {level.role}."
                )
        back = event.level
        if event.decision == "return" and back is not None and not 1 <= back <= index + 1:
            raise Refused(
                422, "bad_return_level", f"Return to a level from 1 to {index + 1}, not {back}."
            )

    def _apply(
        self,
        step: Step,
        token: Token,
        by: str | None,
        decision: str,
        comment: str,
        back_to: int | None,
    ) -> None:
        config: ApprovalConfig = step.node(token).config
        index: int = token.wait.get("level", 0)
        level = config.levels[index]
        task = token.wait.get("task")
        step.note(
            "decision", token, task=task, by=by, decision=decision, comment=comment, level=index + 1
        )
        if by is not None:
            step.state.last_actor = by
        if decision == "reject":
            close_task(step, token, status="completed", by=by, outcome="rejected")
            step.leave(token, "rejected")
            return
        if decision == "return":
            close_task(step, token, status="completed", by=by, outcome="returned")
            target = (back_to - 1) if back_to is not None else index - 1
            if target >= 0:
                self._open(step, token, target)
            elif token.came_from is not None:
                step.note("returned", token, to=token.came_from, reason="decision")
                step.go_to(token, token.came_from)
            else:
                step.incident(token, "nowhere_to_return", "the approval has no earlier step")
            return
        if level.mode == "all" and by is not None:
            approved: list[str] = token.wait.setdefault("approved_by", [])
            approved.append(by)
            waiting = [name for name in token.wait.get("assignees", []) if name not in approved]
            if waiting and task is not None:
                token.wait["assignees"] = waiting
                step.emit(UpdateTask(task=task, assignees=waiting, reason="partly approved"))
                return
        close_task(step, token, status="completed", by=by, outcome="approved")
        amount = token.wait.get("amount")
        if level.amount_limit is not None and amount is not None and amount <= level.amount_limit:
            step.note("final_at_level", token, level=index + 1, limit=level.amount_limit)
            step.leave(token, "approved")
        elif index + 1 < len(config.levels):
            self._open(step, token, index + 1)
        else:
            step.leave(token, "approved")

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


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
    behaviour=Decide(),
)
