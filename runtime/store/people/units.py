"""Regions, teams and business roles: create, rename, list, delete.

Deleting one that is still in use is refused with the names of whoever uses
it, rather than cascading: a region nobody sees go would silently take the
row scopes of its records with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from msgspec import UNSET, UnsetType
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from runtime.store.models import Record, Region, Role, Team, User, UserRole
from runtime.store.people.changes import lock, record
from runtime.store.people.refusals import (
    ROLE_KEY,
    UNIT_KEY,
    WORDS,
    InUse,
    check_key,
    check_name,
    check_rank,
    not_found,
    some,
    taken,
    unknown,
)

__all__ = [
    "TeamInfo",
    "create_region",
    "create_role",
    "create_team",
    "delete_region",
    "delete_role",
    "delete_team",
    "get_region",
    "get_role",
    "get_team",
    "list_regions",
    "list_roles",
    "list_teams",
    "role_ranks",
    "update_region",
    "update_role",
    "update_team",
]


# -- regions ---------------------------------------------------------------------


def get_region(session: Session, key: str) -> Region:
    found = (
        session.execute(select(Region).where(Region.key == key)).scalar_one_or_none()
        if UNIT_KEY.fullmatch(key)
        else None
    )
    if found is None:
        raise not_found("region", key)
    return found


def list_regions(session: Session, *, limit: int = 50, after: str | None = None) -> list[Region]:
    """Regions by key; ``after`` continues after that key."""
    query = select(Region)
    if after is not None:
        query = query.where(Region.key > after)
    return list(session.execute(query.order_by(Region.key).limit(limit)).scalars())


def create_region(session: Session, *, key: str, name: str, actor: str, now: datetime) -> Region:
    lock(session)
    key = check_key("key", key, "region")
    name = check_name("name", name)
    if session.execute(select(Region.id).where(Region.key == key)).first() is not None:
        raise taken("region", key)
    region = Region(key=key, name=name, created_at=now)
    session.add(region)
    session.flush()
    record(session, actor, now, "people.region.create", f"region:{key}", after={"name": name})
    return region


def update_region(
    session: Session, key: str, *, name: str | UnsetType = UNSET, actor: str, now: datetime
) -> Region:
    lock(session)
    region = get_region(session, key)
    if not isinstance(name, UnsetType):
        name = check_name("name", name)
        if name != region.name:
            before, region.name = region.name, name
            session.flush()
            record(
                session,
                actor,
                now,
                "people.region.update",
                f"region:{key}",
                before={"name": before},
                after={"name": name},
            )
    return region


def delete_region(session: Session, key: str, *, actor: str, now: datetime) -> None:
    """Delete an unused region; :class:`InUse` names the teams, users and
    records still in it."""
    lock(session)
    region = get_region(session, key)
    teams = list(
        session.execute(
            select(Team.key).where(Team.region_id == region.id).order_by(Team.key)
        ).scalars()
    )
    members = _usernames(session, User.region_id == region.id)
    records = _count_records(session, Record.region_id == region.id)
    _refuse_in_use("region", key, {"team": teams, "user": members}, records)
    session.delete(region)
    session.flush()
    record(
        session, actor, now, "people.region.delete", f"region:{key}", before={"name": region.name}
    )


# -- teams -------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamInfo:
    key: str
    name: str
    region: str | None
    created_at: datetime


def _team_info(team: Team, region: str | None) -> TeamInfo:
    return TeamInfo(key=team.key, name=team.name, region=region, created_at=team.created_at)


def _team_rows(session: Session, query: Select[Team, str | None]) -> list[TeamInfo]:
    return [_team_info(team, region) for team, region in session.execute(query)]


def _teams() -> Select[Team, str | None]:
    return select(Team, Region.key).outerjoin(Region, Region.id == Team.region_id)


def _find_team(session: Session, key: str) -> Team:
    found = (
        session.execute(select(Team).where(Team.key == key)).scalar_one_or_none()
        if UNIT_KEY.fullmatch(key)
        else None
    )
    if found is None:
        raise not_found("team", key)
    return found


def get_team(session: Session, key: str) -> TeamInfo:
    rows = _team_rows(session, _teams().where(Team.key == key)) if UNIT_KEY.fullmatch(key) else []
    if not rows:
        raise not_found("team", key)
    return rows[0]


def list_teams(
    session: Session,
    *,
    region: str | None = None,
    limit: int = 50,
    after: str | None = None,
) -> list[TeamInfo]:
    """Teams by key (of one region when ``region`` is given)."""
    query = _teams()
    if region is not None:
        query = query.where(Region.key == region)
    if after is not None:
        query = query.where(Team.key > after)
    return _team_rows(session, query.order_by(Team.key).limit(limit))


def _region_id(session: Session, field: str, key: str | None) -> int | None:
    if key is None:
        return None
    found = session.execute(select(Region.id).where(Region.key == key)).scalar_one_or_none()
    if found is None:
        raise unknown(field, "region", key)
    return found


def create_team(
    session: Session,
    *,
    key: str,
    name: str,
    region: str | None = None,
    actor: str,
    now: datetime,
) -> TeamInfo:
    lock(session)
    key = check_key("key", key, "team")
    name = check_name("name", name)
    region_id = _region_id(session, "region", region)
    if session.execute(select(Team.id).where(Team.key == key)).first() is not None:
        raise taken("team", key)
    team = Team(key=key, name=name, region_id=region_id, created_at=now)
    session.add(team)
    session.flush()
    record(
        session,
        actor,
        now,
        "people.team.create",
        f"team:{key}",
        after={"name": name, "region": region},
    )
    return _team_info(team, region)


def update_team(
    session: Session,
    key: str,
    *,
    name: str | UnsetType = UNSET,
    region: str | UnsetType | None = UNSET,
    actor: str,
    now: datetime,
) -> TeamInfo:
    """Rename a team or move it to another region (or none). Its members keep
    their own region."""
    lock(session)
    info = get_team(session, key)
    team = _find_team(session, key)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if not isinstance(name, UnsetType):
        name = check_name("name", name)
        if name != team.name:
            before["name"], after["name"] = team.name, name
            team.name = name
    if not isinstance(region, UnsetType) and region != info.region:
        team.region_id = _region_id(session, "region", region)
        before["region"], after["region"] = info.region, region
    if after:
        session.flush()
        record(session, actor, now, "people.team.update", f"team:{key}", before=before, after=after)
    return _team_info(team, after.get("region", info.region))


def delete_team(session: Session, key: str, *, actor: str, now: datetime) -> None:
    """Delete an unused team; :class:`InUse` names its members and records."""
    lock(session)
    info = get_team(session, key)
    team = _find_team(session, key)
    members = _usernames(session, User.team_id == team.id)
    records = _count_records(session, Record.team_id == team.id)
    _refuse_in_use("team", key, {"user": members}, records)
    session.delete(team)
    session.flush()
    record(
        session,
        actor,
        now,
        "people.team.delete",
        f"team:{key}",
        before={"name": info.name, "region": info.region},
    )


# -- business roles ----------------------------------------------------------------


def get_role(session: Session, key: str) -> Role:
    found = (
        session.execute(select(Role).where(Role.key == key)).scalar_one_or_none()
        if ROLE_KEY.fullmatch(key)
        else None
    )
    if found is None:
        raise not_found("role", key)
    return found


def list_roles(session: Session, *, limit: int = 50, after: str | None = None) -> list[Role]:
    """Business roles by key; ``after`` continues after that key."""
    query = select(Role)
    if after is not None:
        query = query.where(Role.key > after)
    return list(session.execute(query.order_by(Role.key).limit(limit)).scalars())


def role_ranks(session: Session) -> dict[str, int]:
    """Every business role key with its rank (for checking documents that name roles)."""
    return dict(session.execute(select(Role.key, Role.rank)).all())


def create_role(
    session: Session, *, key: str, name: str, rank: int, actor: str, now: datetime
) -> Role:
    lock(session)
    key = check_key("key", key, "role")
    name = check_name("name", name)
    rank = check_rank(rank)
    if session.execute(select(Role.id).where(Role.key == key)).first() is not None:
        raise taken("role", key)
    role = Role(key=key, name=name, rank=rank, created_at=now)
    session.add(role)
    session.flush()
    record(
        session, actor, now, "people.role.create", f"role:{key}", after={"name": name, "rank": rank}
    )
    return role


def update_role(
    session: Session,
    key: str,
    *,
    name: str | UnsetType = UNSET,
    rank: int | UnsetType = UNSET,
    actor: str,
    now: datetime,
) -> Role:
    """Rename a role or change its rank; the holders' ranks follow at once."""
    lock(session)
    role = get_role(session, key)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if not isinstance(name, UnsetType):
        name = check_name("name", name)
        if name != role.name:
            before["name"], after["name"] = role.name, name
    if not isinstance(rank, UnsetType):
        rank = check_rank(rank)
        if rank != role.rank:
            before["rank"], after["rank"] = role.rank, rank
    if after:
        role.name = after.get("name", role.name)
        role.rank = after.get("rank", role.rank)
        session.flush()
        record(session, actor, now, "people.role.update", f"role:{key}", before=before, after=after)
    return role


def delete_role(session: Session, key: str, *, actor: str, now: datetime) -> None:
    """Delete a role nobody holds; :class:`InUse` names its holders."""
    lock(session)
    role = get_role(session, key)
    holders = _usernames(
        session, exists().where(UserRole.user_id == User.id, UserRole.role_id == role.id)
    )
    _refuse_in_use("role", key, {"user": holders}, 0, held=True)
    session.delete(role)
    session.flush()
    record(
        session,
        actor,
        now,
        "people.role.delete",
        f"role:{key}",
        before={"name": role.name, "rank": role.rank},
    )


# -- who uses what ------------------------------------------------------------------


def _usernames(session: Session, condition: Any) -> list[str]:
    return list(
        session.execute(select(User.username).where(condition).order_by(User.username)).scalars()
    )


def _count_records(session: Session, condition: Any) -> int:
    return int(
        session.execute(select(func.count()).select_from(Record).where(condition)).scalar_one()
    )


def _refuse_in_use(
    what: str,
    key: str,
    users: dict[str, list[str]],
    records: int,
    *,
    held: bool = False,
) -> None:
    """Raise :class:`InUse` naming who still uses it: ``users`` maps a kind
    (team, user) to their keys or usernames."""
    parts_en: list[str] = []
    parts_zh: list[str] = []
    for kind, names in users.items():
        if not names:
            continue
        plural = "s" if len(names) != 1 else ""
        parts_en.append(f"{len(names)} {kind}{plural} ({some(names)})")
        parts_zh.append(f"{len(names)} 个{WORDS[kind]}（{some(names)}）")
    if records:
        parts_en.append(f"{records} record{'s' if records != 1 else ''}")
        parts_zh.append(f"{records} 条记录")
    if not parts_en:
        return
    verb = "held by" if held else "used by"
    raise InUse(
        "",
        "in_use",
        f"{what} {key!r} is still {verb} {' and '.join(parts_en)}; "
        "change them first, nothing was deleted",
        f"{WORDS[what]} {key!r} 仍被 {'、'.join(parts_zh)} 使用，请先修改它们；未删除任何内容",
    )
