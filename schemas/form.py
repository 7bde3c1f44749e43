"""The form document: a record type's fields and their rules.

Elastic rules live on the field they govern: ``show_when`` and
``require_when`` name a condition on the record (customer type, stage…)
and/or the viewer's business roles, so a key account can need twelve
fields and a small business three. ``exemptible`` fields may be skipped
with one of the form's ``exemption_reasons`` (data minimisation); the skip
is stored with the record and flows can branch on it.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec

from schemas.base import DocumentBase, Expression, Label, Part, RoleName

__all__ = ["FIELD_TYPES", "Condition", "Field", "FieldKey", "Form", "Option"]

FieldType = Literal[
    "text",
    "long_text",
    "number",
    "money",
    "percent",
    "date",
    "datetime",
    "select",
    "multi_select",
    "user",
    "team",
    "region",
    "phone",
    "email",
    "url",
    "file",
    "computed",
]

# Derived from the Literal so that there is one list of field types.
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)

FieldKey = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z][a-z0-9_]{0,62}$",
        description="Field name used in records and expressions (record['discount']).",
    ),
]
ChoiceValue = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Option(Part):
    """One choice of a select field, or one reason for an exemption."""

    value: ChoiceValue
    label: Label


class Condition(Part):
    """When a rule applies. Every part that is given must hold: the record's
    ``field`` holds one of the values ``in``, and the viewer holds one of
    ``roles``."""

    field: FieldKey | None = None
    in_: list[ChoiceValue] = msgspec.field(default_factory=list, name="in")
    roles: list[RoleName] = msgspec.field(default_factory=list)


class Field(Part):
    """One attribute of a record."""

    key: FieldKey
    type: FieldType
    label: Label
    help: Label | None = None
    required: bool = False
    unique: bool = False
    min: float | None = None
    max: float | None = None
    pattern: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")] | None = None
    options: list[Option] = msgspec.field(default_factory=list)
    expression: Expression | None = None
    # Elastic rules: without ``show_when`` the field is always shown.
    show_when: Condition | None = None
    require_when: Condition | None = None
    exemptible: bool = False
    # File fields: several files, and which content types ("image/*").
    multiple: bool = False
    accept: list[Annotated[str, msgspec.Meta(pattern=r"^[a-z]+/([a-z0-9.+-]+|\*)$")]] = (
        msgspec.field(default_factory=list)
    )


class Form(DocumentBase, tag="form", tag_field="kind"):
    """A form defines a record type; its submissions are records.

    ``stage_field`` (a select) says which stage a record is in, for the
    per-stage rules of permission matrices; ``owner_field`` (a user field)
    and ``region_field`` (a region field) say whose and where a record is,
    for row scopes; without them the creator owns it and the owner's region
    is the record's."""

    schema_version: Literal[2]
    fields: list[Field] = msgspec.field(default_factory=list)
    stage_field: FieldKey | None = None
    owner_field: FieldKey | None = None
    region_field: FieldKey | None = None
    exemption_reasons: list[Option] = msgspec.field(default_factory=list)
