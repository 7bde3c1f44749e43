"""Who is who: the lookups the engine asks when it assigns a task or an
approval (holders of a role in a region, the chain of managers, a rank).
Each is one or two indexed queries: the people, then their roles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Row, Select, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from runtime.store.models import Region, Role, Team, User, UserRole

__all__ = [
    "MAX_CHAIN",
    "Person",
    "chunks",
    "list_people",
    "manager_chain",
    "people_named",
    "people_of",
    "people_query",
    "person",
    "person_by_username",
    "rank_of",
    "users_with_role",
]

# A chain of managers longer than this is taken to be broken (a loop written
# around the checks of this package); the lookup stops there.
MAX_CHAIN = 64
# Bound on bind parameters per IN (...) list, well below SQLite's limit.
_CHUNK = 900


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# -- people: the lookups -----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A user as the organisation sees them. ``roles`` are business role keys
    (sorted); ``rank`` is the highest rank among them (0 with none);
    ``platform_role`` is what the user may do in the studio (admin, editor…);
    ``manager`` is the manager's username, so that nobody needs a second
    lookup to name them."""

    id: int
    username: str
    display_name: str
    email: str
    phone: str
    team_id: int | None
    team: str | None
    region_id: int | None
    region: str | None
    manager_id: int | None
    roles: tuple[str, ...]
    rank: int
    platform_role: str
    is_active: bool
    manager: str | None = None


_MANAGER = aliased(User, name="manager")


def people_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            User.id,
            User.username,
            User.display_name,
            User.email,
            User.phone,
            User.team_id,
            Team.key.label("team"),
            User.region_id,
            Region.key.label("region"),
            User.manager_id,
            _MANAGER.username.label("manager"),
            User.role,
            User.is_active,
        )
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Region, Region.id == User.region_id)
        .outerjoin(_MANAGER, _MANAGER.id == User.manager_id)
    )


def _roles_of(session: Session, user_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    ids = sorted(set(user_ids))
    found: dict[int, list[tuple[str, int]]] = {}
    for chunk in chunks(ids):
        for user_id, key, rank in session.execute(
            select(UserRole.user_id, Role.key, Role.rank)
            .join(Role, Role.id == UserRole.role_id)
            .where(UserRole.user_id.in_(chunk))
        ):
            found.setdefault(user_id, []).append((key, rank))
    return found


def _person(row: Row[Any], roles: list[tuple[str, int]]) -> Person:
    return Person(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        email=row.email,
        phone=row.phone,
        team_id=row.team_id,
        team=row.team,
        region_id=row.region_id,
        region=row.region,
        manager_id=row.manager_id,
        roles=tuple(sorted(key for key, _ in roles)),
        rank=max((rank for _, rank in roles), default=0),
        platform_role=row.role,
        is_active=row.is_active,
        manager=row.manager,
    )


def people_of(session: Session, query: Select[*tuple[Any, ...]]) -> list[Person]:
    """The people a query of :func:`people_query` finds: that query and one for their roles."""
    rows = session.execute(query).all()
    roles = _roles_of(session, (row.id for row in rows))
    return [_person(row, roles.get(row.id, [])) for row in rows]


def person(session: Session, user_id: int) -> Person | None:
    found = people_of(session, people_query().where(User.id == user_id))
    return found[0] if found else None


def person_by_username(session: Session, username: str) -> Person | None:
    found = people_of(session, people_query().where(User.username == username))
    return found[0] if found else None


def people_named(session: Session, usernames: Iterable[str]) -> dict[str, Person]:
    """The people among ``usernames`` that exist, by username."""
    names = sorted(set(usernames))
    found: dict[str, Person] = {}
    for chunk in chunks(names):
        for one in people_of(session, people_query().where(User.username.in_(chunk))):
            found[one.username] = one
    return found


def _role_filter(role_key: str) -> Any:
    return exists().where(
        UserRole.user_id == User.id, UserRole.role_id == Role.id, Role.key == role_key
    )


def _min_rank_filter(min_rank: int) -> Any:
    return exists().where(
        UserRole.user_id == User.id, UserRole.role_id == Role.id, Role.rank >= min_rank
    )


def users_with_role(
    session: Session,
    role_key: str,
    *,
    region: str | None = None,
    team: str | None = None,
    min_rank: int | None = None,
) -> list[Person]:
    """Active holders of a business role, by username; narrowed to a region
    or team (by key; the user's own region, not their team's) and to people
    whose rank (their highest) is at least ``min_rank``."""
    query = people_query().where(User.is_active.is_(True), _role_filter(role_key))
    if region is not None:
        query = query.where(Region.key == region)
    if team is not None:
        query = query.where(Team.key == team)
    if min_rank is not None:
        query = query.where(_min_rank_filter(min_rank))
    return people_of(session, query.order_by(User.username))


def list_people(
    session: Session,
    *,
    role: str | None = None,
    region: str | None = None,
    team: str | None = None,
    q: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    after: str | None = None,
) -> list[Person]:
    """Users by username, inactive ones included unless ``active`` says;
    ``q`` matches part of the username, display name or e-mail (any case);
    ``after`` continues after that username."""
    query = people_query()
    if role is not None:
        query = query.where(_role_filter(role))
    if region is not None:
        query = query.where(Region.key == region)
    if team is not None:
        query = query.where(Team.key == team)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    if q:
        needle = q.lower()
        query = query.where(
            func.lower(User.username).contains(needle, autoescape=True)
            | func.lower(User.display_name).contains(needle, autoescape=True)
            | func.lower(User.email).contains(needle, autoescape=True)
        )
    if after is not None:
        query = query.where(User.username > after)
    return people_of(session, query.order_by(User.username).limit(limit))


def manager_chain(session: Session, user_id: int) -> list[Person]:
    """The user's manager, their manager, and so on: nearest first. Inactive
    managers are included (``is_active`` says), so that the caller decides
    whether to skip them. Writes refuse loops; should one exist anyway, the
    chain stops before anyone would appear twice."""
    chain = (
        select(User.manager_id.label("id"), literal(1, Integer).label("depth"))
        .where(User.id == user_id, User.manager_id.is_not(None))
        .cte("chain", recursive=True)
    )
    step = aliased(User, name="step")
    chain = chain.union_all(
        select(step.manager_id, chain.c.depth + 1)
        .join(chain, step.id == chain.c.id)
        .where(step.manager_id.is_not(None), chain.c.depth < MAX_CHAIN)
    )
    query = people_query().join(chain, chain.c.id == User.id).order_by(chain.c.depth)
    found: list[Person] = []
    seen = {user_id}
    for one in people_of(session, query):
        if one.id in seen:
            break
        seen.add(one.id)
        found.append(one)
    return found


def rank_of(session: Session, user_id: int) -> int:
    """The highest rank among the user's business roles; 0 with none."""
    return int(
        session.execute(
            select(func.coalesce(func.max(Role.rank), 0))
            .join(UserRole, UserRole.role_id == Role.id)
            .where(UserRole.user_id == user_id)
        ).scalar_one()
    )
