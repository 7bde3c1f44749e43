"""The organisation as the interpreter sees it: a snapshot of members, their
roles, ranks, regions and managers, and who stands in for whom.

The runtime loads it from the people tables; the sandbox builds it from
history. Lookups are pure and ordered by username, so that the same
snapshot always names the same people in the same order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from components.engine import Delegation, Member

__all__ = ["EMPTY", "Snapshot"]

# A chain of managers longer than this is a loop; the lookup stops there.
_MAX_CHAIN = 64


@dataclass(frozen=True)
class Snapshot:
    members: Mapping[str, Member]
    delegations: tuple[Delegation, ...] = ()
    _sorted: tuple[Member, ...] = field(default=(), compare=False, repr=False)
    # role -> its holders in username order: an approval opening asks for a
    # role's holders, and a sandbox replay asks it thousands of times.
    _by_role: Mapping[str, tuple[Member, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(cls, members: Iterable[Member], delegations: Iterable[Delegation] = ()) -> Snapshot:
        ordered = tuple(sorted(members, key=lambda m: m.username))
        by_role: dict[str, list[Member]] = {}
        for member in ordered:
            for role in member.roles:
                by_role.setdefault(role, []).append(member)
        return cls(
            members=MappingProxyType({m.username: m for m in ordered}),
            delegations=tuple(delegations),
            _sorted=ordered,
            _by_role=MappingProxyType({r: tuple(found) for r, found in by_role.items()}),
        )

    def member(self, username: str) -> Member | None:
        return self.members.get(username)

    def with_role(
        self, role: str | None, *, region: str | None = None, min_rank: int | None = None
    ) -> list[str]:
        pool = self._sorted if role is None else self._by_role.get(role, ())
        return [
            m.username
            for m in pool
            if (region is None or m.region == region) and (min_rank is None or m.rank >= min_rank)
        ]

    def managers(self, username: str) -> list[str]:
        chain: list[str] = []
        current = self.members.get(username)
        while current is not None and current.manager and len(chain) < _MAX_CHAIN:
            if current.manager in chain or current.manager == username:
                break
            chain.append(current.manager)
            current = self.members.get(current.manager)
        return chain

    def delegate_of(self, username: str, now: datetime) -> str | None:
        for delegation in self.delegations:
            if delegation.user == username and delegation.starts_at <= now < delegation.ends_at:
                return delegation.delegate
        return None


EMPTY = Snapshot.of(())
