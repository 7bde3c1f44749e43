"""The people directory the interpreter asks, read from the people tables.

Lookups are made when asked and remembered for the rest of the transaction,
so a step that assigns one role reads one role's holders, and a decision
checks the decider's rank as it is now (not as it was when the task was
opened)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from components.engine import Member
from runtime.store.engine_models import Delegation
from runtime.store.models import Region, Role, User, UserRole
from runtime.store.people.lookups import (
    Person,
    manager_chain,
    people_named,
    people_of,
    people_query,
)

__all__ = ["LiveDirectory", "member_of"]


def member_of(person: Person) -> Member:
    return Member(
        username=person.username,
        roles=frozenset(person.roles),
        rank=person.rank,
        region=person.region,
        team=person.team,
        manager=person.manager,
    )


class LiveDirectory:
    """:class:`components.engine.Directory` over one session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._members: dict[str, Member | None] = {}
        self._people: dict[str, Person] = {}
        self._groups: dict[tuple[str | None, str | None, int | None], list[str]] = {}
        self._delegations: list[Delegation] | None = None

    def _remember(self, people: list[Person]) -> None:
        for one in people:
            self._people[one.username] = one
            self._members[one.username] = member_of(one) if one.is_active else None

    def member(self, username: str) -> Member | None:
        if username not in self._members:
            found = people_named(self._session, [username])
            self._remember(list(found.values()))
            self._members.setdefault(username, None)
        return self._members[username]

    def with_role(
        self, role: str | None, *, region: str | None = None, min_rank: int | None = None
    ) -> list[str]:
        memo = (role, region, min_rank)
        if memo not in self._groups:
            query = people_query().where(User.is_active.is_(True))
            if role is not None or min_rank is not None:
                held = select(UserRole.user_id).join(Role, Role.id == UserRole.role_id)
                if role is not None:
                    held = held.where(Role.key == role)
                if min_rank is not None:
                    held = held.where(Role.rank >= min_rank)
                query = query.where(User.id.in_(held))
            if region is not None:
                query = query.where(Region.key == region)
            people = people_of(self._session, query.order_by(User.username))
            self._remember(people)
            self._groups[memo] = [one.username for one in people]
        return self._groups[memo]

    def managers(self, username: str) -> list[str]:
        if self.member(username) is None or username not in self._people:
            return []
        chain = manager_chain(self._session, self._people[username].id)
        return [one.username for one in chain if one.is_active]

    def delegate_of(self, username: str, now: datetime) -> str | None:
        if self._delegations is None:
            self._delegations = list(
                self._session.scalars(
                    select(Delegation)
                    .where(Delegation.starts_at <= now, Delegation.ends_at > now)
                    .order_by(Delegation.id)
                )
            )
        for delegation in self._delegations:
            if delegation.username == username and self.member(delegation.delegate):
                return delegation.delegate
        return None
