"""The permission matrix document: who may see and do what."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec

from schemas.base import DocumentBase, Key, Part
from schemas.form import FieldKey

__all__ = ["ACTIONS", "FormRule", "PermissionMatrix", "RoleRule"]

Access = Literal["hidden", "read", "write"]
RowScope = Literal["own", "team", "region", "all"]
Action = Literal["start", "decide", "publish", "roll_back", "run_sandbox", "export"]
ACTIONS: tuple[str, ...] = get_args(Action)
RoleName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]


class FormRule(Part):
    """One role's access to one record type (form)."""

    form: Key
    access: Access = "read"
    row_scope: RowScope = "own"
    fields: dict[FieldKey, Access] = msgspec.field(default_factory=dict)


class RoleRule(Part):
    """Everything one role may see and do."""

    role: RoleName
    forms: list[FormRule] = msgspec.field(default_factory=list)
    actions: list[Action] = msgspec.field(default_factory=list)
    workflows: list[Key] = msgspec.field(default_factory=list)


class PermissionMatrix(DocumentBase, tag="permission_matrix", tag_field="kind"):
    """Per role: record types, fields, rows and workflow actions."""

    schema_version: Literal[2]
    roles: list[RoleRule] = msgspec.field(default_factory=list)
