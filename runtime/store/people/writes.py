"""Creating, changing and deactivating users with their place in the
organisation, one at a time or as a batch (the CSV import), all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from msgspec import UNSET, UnsetType
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.store.models import User, UserRole
from runtime.store.people.changes import lock, record
from runtime.store.people.checks import PersonChange, PersonItem, Plan, plan_batch
from runtime.store.people.lookups import Person, chunks, people_named
from runtime.store.people.refusals import Refused
from runtime.store.users import hash_password, revoke_user_sessions, verify_password

__all__ = [
    "SavedPerson",
    "create_person",
    "deactivate_person",
    "save_people",
    "update_person",
]


@dataclass(frozen=True)
class SavedPerson:
    username: str
    outcome: Literal["created", "updated", "unchanged"]
    person: Person


def _new_hashes(plans: list[Plan]) -> dict[int, str]:
    """Item index -> argon2 hash of each new password. A password the user
    already has is left out, so that re-running an import neither rehashes
    it nor ends the user's sessions. Several run at once for a batch (each
    waits for a slot in :mod:`runtime.store.users`, which bounds their memory)."""
    wanted = [plan for plan in plans if plan.password is not None]

    def work(plan: Plan) -> str | None:
        password = plan.password or ""
        if plan.user is not None and verify_password(plan.user.password_hash, password):
            return None
        return hash_password(password)

    if len(wanted) > 1:
        with ThreadPoolExecutor(max_workers=4) as pool:
            hashes = list(pool.map(work, wanted))
    else:
        hashes = [work(plan) for plan in wanted]
    pairs = zip(wanted, hashes, strict=True)
    return {plan.index: hashed for plan, hashed in pairs if hashed is not None}


def _snapshot(one: Person) -> dict[str, Any]:
    """A person's attributes as the audit log records them."""
    return {
        "display_name": one.display_name,
        "email": one.email,
        "phone": one.phone,
        "platform_role": one.platform_role,
        "team": one.team,
        "region": one.region,
        "manager": one.manager,
        "roles": list(one.roles),
        "is_active": one.is_active,
    }


def _set_roles(session: Session, user_id: int, wanted: list[int], held: set[int]) -> None:
    gone = held - set(wanted)
    if gone:
        session.execute(
            delete(UserRole).where(UserRole.user_id == user_id, UserRole.role_id.in_(gone))
        )
    session.add_all(UserRole(user_id=user_id, role_id=r) for r in wanted if r not in held)


def save_people(
    session: Session,
    items: Sequence[PersonItem],
    *,
    actor: str,
    now: datetime,
    action: str | None = None,
) -> list[SavedPerson]:
    """Create or update several users at once, all or nothing: :class:`Refused`
    lists every problem (with the index of its item) and writes nothing.
    A manager may be another user of the same batch. One audit entry per
    user that changed (``people.user.create`` / ``people.user.update``, or
    ``action``). A new password or a deactivation ends the user's sessions."""
    lock(session)
    plans, problems = plan_batch(session, items)
    if problems:
        raise Refused(problems)
    before = people_named(session, (p.item.username for p in plans if p.user is not None))
    hashes = _new_hashes(plans)
    users: dict[str, User] = {}
    for plan in plans:
        user = plan.user
        if user is None:
            # The attributes are set below, like those of an existing user.
            user = User(
                username=plan.item.username,
                display_name="",
                password_hash=hashes[plan.index],
                role="viewer",
                language="en",
                is_active=True,
                created_at=now,
                email="",
                phone="",
            )
            session.add(user)
        users[plan.item.username] = user
    session.flush()
    held = _held_role_ids(session, [user.id for user in users.values()])
    for plan in plans:
        user = users[plan.item.username]
        was_active = user.is_active
        for attribute, value in plan.values.items():
            setattr(user, attribute, value)
        manager = plan.item.change.manager
        if not isinstance(manager, UnsetType):
            user.manager_id = None if manager is None else _user_id(session, manager, users)
        if plan.role_ids is not None:
            _set_roles(session, user.id, plan.role_ids, held.get(user.id, set()))
        if plan.index in hashes and plan.item.username in before:
            user.password_hash = hashes[plan.index]
            revoke_user_sessions(session, user.id, now)
        elif was_active and not user.is_active:
            revoke_user_sessions(session, user.id, now)
    session.flush()
    after = people_named(session, users)
    saved: list[SavedPerson] = []
    for plan in plans:
        name = plan.item.username
        now_person = after[name]
        if name not in before:
            record(
                session,
                actor,
                now,
                action or "people.user.create",
                f"user:{name}",
                after=_snapshot(now_person),
            )
            saved.append(SavedPerson(name, "created", now_person))
            continue
        old, new = _snapshot(before[name]), _snapshot(now_person)
        changed = sorted(k for k in new if old[k] != new[k])
        password_changed = plan.index in hashes
        if not changed and not password_changed:
            saved.append(SavedPerson(name, "unchanged", now_person))
            continue
        extra = {"password_changed": True} if password_changed else {}
        record(
            session,
            actor,
            now,
            action or "people.user.update",
            f"user:{name}",
            before={k: old[k] for k in changed},
            after={k: new[k] for k in changed},
            **extra,
        )
        saved.append(SavedPerson(name, "updated", now_person))
    return saved


def _held_role_ids(session: Session, user_ids: list[int]) -> dict[int, set[int]]:
    held: dict[int, set[int]] = {}
    for chunk in chunks(sorted(user_ids)):
        for user_id, role_id in session.execute(
            select(UserRole.user_id, UserRole.role_id).where(UserRole.user_id.in_(chunk))
        ):
            held.setdefault(user_id, set()).add(role_id)
    return held


def _user_id(session: Session, username: str, batch: dict[str, User]) -> int:
    if username in batch:
        return batch[username].id
    return int(session.execute(select(User.id).where(User.username == username)).scalar_one())


def _single(
    session: Session, item: PersonItem, *, actor: str, now: datetime, action: str | None = None
) -> Person:
    """:func:`save_people` for one user: one problem is raised as itself (with
    its own status), several as :class:`Refused`."""
    try:
        (saved,) = save_people(session, [item], actor=actor, now=now, action=action)
    except Refused as exc:
        if len(exc.problems) == 1:
            raise exc.problems[0][1] from None
        raise
    return saved.person


def create_person(
    session: Session,
    *,
    username: str,
    password: str,
    platform_role: str = "viewer",
    display_name: str = "",
    email: str = "",
    phone: str = "",
    team: str | None = None,
    region: str | None = None,
    manager: str | None = None,
    roles: Sequence[str] = (),
    actor: str,
    now: datetime,
) -> Person:
    """Add a user with their place in the organisation (audited as
    ``people.user.create``)."""
    change = PersonChange(
        display_name=display_name,
        email=email,
        phone=phone,
        platform_role=platform_role,
        password=password,
        team=team,
        region=region,
        manager=manager,
        roles=roles,
    )
    return _single(session, PersonItem(username, change, "create"), actor=actor, now=now)


def update_person(
    session: Session,
    username: str,
    *,
    display_name: str | UnsetType = UNSET,
    email: str | UnsetType = UNSET,
    phone: str | UnsetType = UNSET,
    platform_role: str | UnsetType = UNSET,
    password: str | UnsetType = UNSET,
    team: str | UnsetType | None = UNSET,
    region: str | UnsetType | None = UNSET,
    manager: str | UnsetType | None = UNSET,
    roles: Sequence[str] | UnsetType = UNSET,
    is_active: bool | UnsetType = UNSET,
    actor: str,
    now: datetime,
) -> Person:
    """Change what is given, leave the rest (audited as ``people.user.update``
    with the before and after of what changed)."""
    change = PersonChange(
        display_name=display_name,
        email=email,
        phone=phone,
        platform_role=platform_role,
        password=password,
        team=team,
        region=region,
        manager=manager,
        roles=roles,
        is_active=is_active,
    )
    return _single(session, PersonItem(username, change, "update"), actor=actor, now=now)


def deactivate_person(session: Session, username: str, *, actor: str, now: datetime) -> Person:
    """What deleting a user means: it can no longer sign in (its sessions end;
    its API tokens stop working) but stays, since records and the audit log
    refer to it. Audited as ``people.user.deactivate``; already inactive is
    a no-op."""
    change = PersonChange(is_active=False)
    return _single(
        session,
        PersonItem(username, change, "update"),
        actor=actor,
        now=now,
        action="people.user.deactivate",
    )
