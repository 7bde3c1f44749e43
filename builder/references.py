"""What a document may refer to outside itself, passed in by the caller.

The builder does no I/O, so the runtime (or the CLI, or a test) tells it
which forms and roles exist. ``None`` means "unknown here": that check is
skipped rather than failing everything offline.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

__all__ = ["References"]


@dataclass(frozen=True)
class References:
    # form key -> its field keys
    forms: Mapping[str, Collection[str]] | None = None
    roles: Collection[str] | None = None
    workflows: Collection[str] | None = field(default=None)

    def with_forms(self, extra: Mapping[str, Collection[str]]) -> References:
        """These references plus forms defined alongside (e.g. in a template)."""
        if not extra:
            return self
        return References(
            forms={**(self.forms or {}), **extra} if self.forms is not None else None,
            roles=self.roles,
            workflows=self.workflows,
        )
