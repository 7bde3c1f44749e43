"""The permission matrix document: who may see and do what.

Per business role and record type (form): ``access`` is the default for
every field, ``fields`` overrides it per field and ``stages`` per stage of
the record (the form's ``stage_field``); ``row_scope`` says which records
the role sees at all. ``grants`` add rights to a user or a role between two
times, with a reason, and lapse by themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

import msgspec

from schemas.base import DocumentBase, Key, Part, RoleName, UserName
from schemas.form import FieldKey

__all__ = ["ACCESS", "ACTIONS", "ROW_SCOPES", "FormRule", "Grant", "PermissionMatrix", "RoleRule"]

Access = Literal["hidden", "read", "write"]
ACCESS: tuple[str, ...] = get_args(Access)
RowScope = Literal["own", "team", "region", "all"]
ROW_SCOPES: tuple[str, ...] = get_args(RowScope)
Action = Literal["start", "decide", "publish", "roll_back", "run_sandbox", "export"]
ACTIONS: tuple[str, ...] = get_args(Action)
StageValue = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class FormRule(Part):
    """One role's access to one record type (form)."""

    form: Key
    access: Access = "read"
    row_scope: RowScope = "own"
    fields: dict[FieldKey, Access] = msgspec.field(default_factory=dict)
    stages: dict[StageValue, dict[FieldKey, Access]] = msgspec.field(default_factory=dict)


class RoleRule(Part):
    """Everything one role may see and do."""

    role: RoleName
    forms: list[FormRule] = msgspec.field(default_factory=list)
    actions: list[Action] = msgspec.field(default_factory=list)
    workflows: list[Key] = msgspec.field(default_factory=list)


class Grant(Part):
    """Extra rights for one user or one role from ``starts_at`` to ``ends_at``
    (say, commission fields for a finance analyst during quarter-end)."""

    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    user: UserName | None = None
    role: RoleName | None = None
    forms: list[FormRule] = msgspec.field(default_factory=list)
    actions: list[Action] = msgspec.field(default_factory=list)
    workflows: list[Key] = msgspec.field(default_factory=list)


class PermissionMatrix(DocumentBase, tag="permission_matrix", tag_field="kind"):
    """Per role: record types, fields, rows and workflow actions."""

    schema_version: Literal[2]
    roles: list[RoleRule] = msgspec.field(default_factory=list)
    grants: list[Grant] = msgspec.field(default_factory=list)
