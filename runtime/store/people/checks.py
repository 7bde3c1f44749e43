"""Checking a batch of user changes before anything is written: every
field, every reference (team, region, roles, manager, possibly another user
of the same batch), loops of managers in the graph as it would be after the
batch, and that some admin remains. All problems are collected, not only
the first, so that an import can list every bad cell at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from msgspec import UNSET, UnsetType
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from runtime.store.models import Region, Role, Team, User
from runtime.store.people.lookups import chunks
from runtime.store.people.refusals import (
    Duplicate,
    LastAdmin,
    PeopleError,
    check_email,
    check_name,
    check_password,
    check_phone,
    check_platform_role,
    check_username,
    not_found,
    unknown,
)

__all__ = ["PersonChange", "PersonItem", "Plan", "check_people", "plan_batch"]


@dataclass(frozen=True)
class PersonChange:
    """What to set on a user; ``UNSET`` leaves a field alone (for a new user:
    its default). ``team``, ``region`` and ``manager`` are a key or username,
    or None to clear; ``roles`` replaces the user's business roles."""

    display_name: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    phone: str | UnsetType = UNSET
    platform_role: str | UnsetType = UNSET
    password: str | UnsetType = UNSET
    team: str | UnsetType | None = UNSET
    region: str | UnsetType | None = UNSET
    manager: str | UnsetType | None = UNSET
    roles: Sequence[str] | UnsetType = UNSET
    is_active: bool | UnsetType = UNSET


@dataclass(frozen=True)
class PersonItem:
    """One user for :func:`save_people`: ``create`` refuses a taken username
    (:class:`Duplicate`), ``update`` an unknown one (:class:`NotFound`),
    ``upsert`` does whichever applies."""

    username: str
    change: PersonChange
    mode: Literal["create", "update", "upsert"] = "upsert"


@dataclass
class Plan:
    """One checked item: the resolved values to write."""

    index: int
    item: PersonItem
    user: User | None
    values: dict[str, Any] = field(default_factory=dict)  # User attribute -> value
    role_ids: list[int] | None = None
    password: str | None = None


def _by_key(session: Session, model: Any, keys: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(keys))):
        found.update(session.execute(select(model.key, model.id).where(model.key.in_(chunk))).all())
    return found


class _Lookups:
    """The teams, regions, roles and users a batch names, fetched once each."""

    def __init__(self, session: Session, items: Sequence[PersonItem]) -> None:
        changes = [item.change for item in items]
        self.teams = _by_key(session, Team, (c.team for c in changes if isinstance(c.team, str)))
        self.regions = _by_key(
            session, Region, (c.region for c in changes if isinstance(c.region, str))
        )
        self.roles = _by_key(
            session,
            Role,
            (key for c in changes if not isinstance(c.roles, UnsetType) for key in c.roles),
        )
        names = {item.username for item in items} | {
            c.manager for c in changes if isinstance(c.manager, str)
        }
        self.users: dict[str, User] = {}
        for chunk in chunks(sorted(names)):
            for user in session.execute(select(User).where(User.username.in_(chunk))).scalars():
                self.users[user.username] = user


class _Checker:
    """Collects every problem of one item instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[PeopleError] = []

    def __call__(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except PeopleError as exc:
            self.problems.append(exc)
            return UNSET


def _check_item(
    index: int, item: PersonItem, lookups: _Lookups, batch: dict[str, PersonItem]
) -> tuple[Plan | None, list[PeopleError]]:
    change = item.change
    user = lookups.users.get(item.username)
    if item.mode == "create" and user is not None:
        return None, [
            Duplicate(
                "username",
                "duplicate_username",
                f"a user named {item.username!r} already exists",
                f"用户 {item.username!r} 已存在",
            )
        ]
    if item.mode == "update" and user is None:
        return None, [not_found("user", item.username)]
    plan = Plan(index=index, item=item, user=user)
    check = _Checker()
    if user is None:
        check(check_username, item.username)
        if isinstance(change.password, UnsetType):
            check.problems.append(
                PeopleError(
                    "password", "required", "a new user needs a password", "新用户需要设置密码"
                )
            )
    checked: dict[str, Any] = {
        "display_name": UNSET
        if isinstance(change.display_name, UnsetType)
        else check(check_name, "display_name", change.display_name, required=False),
        "email": UNSET if isinstance(change.email, UnsetType) else check(check_email, change.email),
        "phone": UNSET if isinstance(change.phone, UnsetType) else check(check_phone, change.phone),
        "role": UNSET
        if isinstance(change.platform_role, UnsetType)
        else check(check_platform_role, change.platform_role),
        "is_active": change.is_active,
    }
    for attribute, table in (("team", lookups.teams), ("region", lookups.regions)):
        key = getattr(change, attribute)
        if key is None or isinstance(key, UnsetType):
            checked[f"{attribute}_id"] = key
        elif key in table:
            checked[f"{attribute}_id"] = table[key]
        else:
            check.problems.append(unknown(attribute, attribute, key))
    plan.values = {name: value for name, value in checked.items() if value is not UNSET}
    if not isinstance(change.password, UnsetType):
        password = check(check_password, change.password)
        plan.password = None if password is UNSET else password
    if not isinstance(change.roles, UnsetType):
        for position, key in enumerate(change.roles):
            if key not in lookups.roles and list(change.roles).index(key) == position:
                check.problems.append(unknown(f"roles/{position}", "role", key))
        plan.role_ids = sorted({lookups.roles[key] for key in change.roles if key in lookups.roles})
    if isinstance(change.manager, str):
        check.problems.extend(_check_manager_name(item.username, change.manager, lookups, batch))
    return plan, check.problems


def _check_manager_name(
    username: str, manager: str, lookups: _Lookups, batch: dict[str, PersonItem]
) -> list[PeopleError]:
    if manager == username:
        return [
            PeopleError(
                "manager",
                "manager_cycle",
                "a person cannot be their own manager",
                "不能把本人设为自己的上级",
            )
        ]
    existing = lookups.users.get(manager)
    if manager not in batch and existing is None:
        return [unknown("manager", "user", manager)]
    active = batch[manager].change.is_active if manager in batch else UNSET
    if isinstance(active, UnsetType):
        active = existing.is_active if existing is not None else True
    if not active:
        return [
            PeopleError(
                "manager",
                "manager_inactive",
                f"{manager!r} is deactivated and cannot be a manager",
                f"{manager!r} 已停用，不能作为上级",
            )
        ]
    return []


def _check_managers(session: Session, plans: list[Plan]) -> list[tuple[int, PeopleError]]:
    """Refuse a loop of managers in the graph as it would be after the batch."""
    changed: dict[str, str | None] = {
        plan.item.username: plan.item.change.manager
        for plan in plans
        if not isinstance(plan.item.change.manager, UnsetType)
    }
    if not any(isinstance(value, str) for value in changed.values()):
        return []
    boss = aliased(User, name="boss")
    graph: dict[str, str | None] = dict(
        session.execute(
            select(User.username, boss.username).join(boss, boss.id == User.manager_id)
        ).all()
    )
    graph.update(changed)
    index = {plan.item.username: plan.index for plan in plans}
    problems: list[tuple[int, PeopleError]] = []
    for username, manager in changed.items():
        if manager is None or manager == username:
            continue
        path = [username, manager]
        current = graph.get(manager)
        while current is not None and current not in path:
            path.append(current)
            current = graph.get(current)
        if current != username:
            continue
        loop = " → ".join([*path, username])
        problems.append(
            (
                index[username],
                PeopleError(
                    "manager",
                    "manager_cycle",
                    f"{username!r} cannot report to {manager!r}: that makes a loop of "
                    f"managers ({loop})",
                    f"{username!r} 不能向 {manager!r} 汇报：这会形成上级循环（{loop}）",
                ),
            )
        )
    return problems


def _check_admins(session: Session, plans: list[Plan]) -> list[tuple[int, PeopleError]]:
    """Refuse a batch that leaves no active admin, since nobody could then
    manage users (or undo the change) through the API."""
    admins = set(
        session.execute(
            select(User.username).where(User.role == "admin", User.is_active.is_(True))
        ).scalars()
    )
    after = set(admins)
    for plan in plans:
        role = plan.values.get("role", plan.user.role if plan.user else "viewer")
        active = plan.values.get("is_active", plan.user.is_active if plan.user else True)
        if role == "admin" and active:
            after.add(plan.item.username)
        else:
            after.discard(plan.item.username)
    if after or not admins:
        return []
    problems: list[tuple[int, PeopleError]] = []
    for plan in plans:
        if plan.item.username not in admins:
            continue
        demoted = plan.values.get("role", "admin") != "admin"
        problems.append(
            (
                plan.index,
                LastAdmin(
                    "platform_role" if demoted else "is_active",
                    "last_admin",
                    f"{plan.item.username!r} is the last active admin; make someone else "
                    "admin first",
                    f"{plan.item.username!r} 是最后一位启用的管理员，请先指定其他管理员",
                ),
            )
        )
    return problems


def plan_batch(
    session: Session, items: Sequence[PersonItem]
) -> tuple[list[Plan], list[tuple[int, PeopleError]]]:
    """Check every item and resolve what it names: the plans, and every
    problem found (all of them, not only the first)."""
    lookups = _Lookups(session, items)
    problems: list[tuple[int, PeopleError]] = []
    batch: dict[str, PersonItem] = {}
    plans: list[Plan] = []
    for index, item in enumerate(items):
        if item.username in batch:
            problems.append(
                (
                    index,
                    Duplicate(
                        "username",
                        "duplicate_username",
                        f"{item.username!r} is listed twice",
                        f"{item.username!r} 重复出现",
                    ),
                )
            )
            continue
        batch[item.username] = item
    for index, item in enumerate(items):
        if batch.get(item.username) is not item:
            continue
        plan, found = _check_item(index, item, lookups, batch)
        problems.extend((index, problem) for problem in found)
        if plan is not None:
            plans.append(plan)
    problems.extend(_check_managers(session, plans))
    problems.extend(_check_admins(session, plans))
    problems.sort(key=lambda pair: pair[0])
    return plans, problems


def check_people(session: Session, items: Sequence[PersonItem]) -> list[tuple[int, PeopleError]]:
    """Every problem :func:`save_people` would refuse ``items`` for; writes nothing."""
    return plan_batch(session, items)[1]
