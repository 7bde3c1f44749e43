"""What a viewer may see and do, from the live permission matrices: pure.

Each source of rights on a form (a role's rule, a grant in force) is a
:class:`RowRule`: the rows it covers (its row scope) and the access to each
field on them, per stage. On one record, the viewer's access to a field is
the most generous of the rules that cover that record; a record no rule
covers does not exist for the viewer. The records API, exports, history,
and later task forms and sandbox reports, all ask :class:`FormAccess`, so
the answer is decided once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "LEVEL",
    "FormAccess",
    "Row",
    "RowRule",
    "Viewer",
    "actions_of",
    "form_access",
    "governs",
    "grants_in_force",
    "may_act",
    "moment",
]

# hidden < read < write: the more generous of two rules wins.
LEVEL = {"hidden": 0, "read": 1, "write": 2}
NAMES = {level: name for name, level in LEVEL.items()}
# Each scope covers the ones before it: a team scope sees its member's own rows too.
SCOPES = ("own", "team", "region", "all")


@dataclass(frozen=True)
class Viewer:
    """Who asks: their id, organisation and business roles."""

    user_id: int
    username: str
    roles: frozenset[str]
    team_id: int | None = None
    region_id: int | None = None
    # Platform administrators see and change every record (they run the system).
    everything: bool = False


@dataclass(frozen=True)
class Row:
    """What the rules need to know about one record."""

    owner_id: int | None
    team_id: int | None
    region_id: int | None
    stage: str | None


@dataclass(frozen=True)
class RowRule:
    """One source of rights on a form: a role's rule or a grant in force."""

    source: str
    scope: str
    default: str
    fields: Mapping[str, str] = field(default_factory=dict)
    stages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def access(self, key: str, stage: str | None) -> str:
        if stage is not None and key in self.stages.get(stage, {}):
            return self.stages[stage][key]
        return self.fields.get(key, self.default)

    def covers(self, row: Row, viewer: Viewer) -> bool:
        if self.scope == "all":
            return True
        if row.owner_id is not None and row.owner_id == viewer.user_id:
            return True
        if self.scope == "team":
            return row.team_id is not None and row.team_id == viewer.team_id
        if self.scope == "region":
            return row.region_id is not None and row.region_id == viewer.region_id
        return False

    def hides_anywhere(self, key: str) -> bool:
        """Whether some stage (or the default) hides ``key`` under this rule."""
        if LEVEL[self.fields.get(key, self.default)] == 0:
            return True
        return any(LEVEL[stage[key]] == 0 for stage in self.stages.values() if key in stage)


@dataclass(frozen=True)
class FormAccess:
    """A viewer's rights on one form's records."""

    form: str
    viewer: Viewer
    rules: tuple[RowRule, ...]

    @property
    def any_rows(self) -> bool:
        return self.viewer.everything or bool(self.rules)

    @property
    def may_create(self) -> bool:
        return self.viewer.everything or any(r.default == "write" for r in self.rules)

    @property
    def widest_scope(self) -> str:
        if self.viewer.everything:
            return "all"
        return max((r.scope for r in self.rules), key=SCOPES.index, default="own")

    def covering(self, row: Row) -> list[RowRule]:
        return [r for r in self.rules if r.covers(row, self.viewer)]

    def covering_key(self, row: Row) -> tuple[int, ...] | None:
        """Which rules cover ``row`` (None: everything), as a key for caching
        answers that depend on nothing else of the row but its stage."""
        if self.viewer.everything:
            return None
        return tuple(i for i, r in enumerate(self.rules) if r.covers(row, self.viewer))

    def sees(self, row: Row) -> bool:
        return self.viewer.everything or bool(self.covering(row))

    def fields(self, row: Row, keys: Iterable[str]) -> dict[str, str]:
        """Field -> access on ``row`` (only for rows the viewer sees)."""
        if self.viewer.everything:
            return dict.fromkeys(keys, "write")
        rules = self.covering(row)
        return {
            key: NAMES[max((LEVEL[r.access(key, row.stage)] for r in rules), default=0)]
            for key in keys
        }

    def readable_on_every_row(self, key: str) -> bool:
        """Whether ``key`` is visible on every record the viewer can see, in
        every stage: only then may a list be filtered or sorted by it, or the
        order of the results would tell what is hidden."""
        if self.viewer.everything:
            return True
        # Rows a rule hides the field on are fine when a rule that shows it
        # everywhere surely covers them as well (fiona: finance hides
        # commission, her grant over all rows shows it).
        readers = [r for r in self.rules if not r.hides_anywhere(key)]
        return all(
            any(_wider(q.scope, r.scope) for q in readers)
            for r in self.rules
            if r.hides_anywhere(key)
        )

    def readable_somewhere(self, key: str) -> bool:
        if self.viewer.everything:
            return True
        return any(
            LEVEL[r.fields.get(key, r.default)] > 0
            or any(LEVEL[s.get(key, "hidden")] > 0 for s in r.stages.values())
            for r in self.rules
        )


def _wider(scope: str, than: str) -> bool:
    """Whether rows under ``than`` are surely covered by ``scope`` too (team and
    region are independent, so only "all", the same scope, or "own" below any)."""
    return scope == "all" or scope == than or than == "own"


def moment(value: Any) -> datetime | None:
    """A grant's time, or None when it is not an ISO time with an offset."""
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def grants_in_force(
    matrix: Mapping[str, Any], viewer: Viewer | None, now: datetime
) -> list[tuple[int, dict[str, Any]]]:
    """(index, grant) of the grants of ``matrix`` in force at ``now`` (for
    ``viewer``, or for anyone when None). A grant ends at ``ends_at`` exactly."""
    found = []
    for index, grant in enumerate(matrix.get("grants") or []):
        start, end = moment(grant.get("starts_at")), moment(grant.get("ends_at"))
        if start is None or end is None or not start <= now < end:
            continue
        if viewer is not None and not (
            grant.get("user") == viewer.username or grant.get("role") in viewer.roles
        ):
            continue
        found.append((index, grant))
    return found


def _rules(holder: str, form_rules: Sequence[Mapping[str, Any]], form: str) -> Iterable[RowRule]:
    for rule in form_rules:
        if rule.get("form") != form:
            continue
        yield RowRule(
            source=holder,
            scope=str(rule.get("row_scope", "own")),
            default=str(rule.get("access", "read")),
            fields=dict(rule.get("fields") or {}),
            stages={k: dict(v) for k, v in (rule.get("stages") or {}).items()},
        )


def form_access(
    matrices: Collection[Mapping[str, Any]], form: str, viewer: Viewer, now: datetime
) -> FormAccess:
    """The viewer's rights on ``form`` under every live matrix, at ``now``."""
    rules: list[RowRule] = []
    for matrix in matrices:
        name = str(matrix.get("key", ""))
        for role_rule in matrix.get("roles") or []:
            if role_rule.get("role") in viewer.roles:
                holder = f"{name}: role {role_rule['role']}"
                rules += _rules(holder, role_rule.get("forms") or [], form)
        for index, grant in grants_in_force(matrix, viewer, now):
            holder = f"{name}: grant {index + 1} ({grant.get('reason', '')})"
            rules += _rules(holder, grant.get("forms") or [], form)
    return FormAccess(form=form, viewer=viewer, rules=tuple(rules))


def actions_of(
    matrices: Collection[Mapping[str, Any]], viewer: Viewer, now: datetime
) -> dict[str, set[str]]:
    """Action -> the workflows it is granted for ("*" when for every one),
    from the viewer's roles and the grants in force."""
    granted: dict[str, set[str]] = {}

    def add(rights: Mapping[str, Any]) -> None:
        workflows = set(rights.get("workflows") or []) or {"*"}
        for action in rights.get("actions") or []:
            granted.setdefault(action, set()).update(workflows)

    for matrix in matrices:
        for role_rule in matrix.get("roles") or []:
            if role_rule.get("role") in viewer.roles:
                add(role_rule)
        for _, grant in grants_in_force(matrix, viewer, now):
            add(grant)
    return granted


def governs(matrices: Collection[Mapping[str, Any]], action: str) -> bool:
    """Whether the matrices decide ``action`` at all: only once some role or
    grant is given it (say, publish) does holding it become necessary; until
    then the platform roles alone decide, so a new installation is usable."""
    return any(
        action in (rights.get("actions") or [])
        for matrix in matrices
        for rights in [*(matrix.get("roles") or []), *(matrix.get("grants") or [])]
    )


def may_act(
    matrices: Collection[Mapping[str, Any]],
    viewer: Viewer,
    action: str,
    now: datetime,
    workflow: str | None = None,
) -> bool:
    """Whether the matrices let ``viewer`` take ``action`` (always, when they
    do not govern it), on ``workflow`` when one is named (a rule naming no
    workflows grants the action on every one)."""
    if not governs(matrices, action):
        return True
    granted = actions_of(matrices, viewer, now).get(action)
    if granted is None:
        return False
    return workflow is None or "*" in granted or workflow in granted
