"""The form document: a record type's fields and their rules."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec

from schemas.base import DocumentBase, Expression, Label, Part

__all__ = ["FIELD_TYPES", "Field", "FieldKey", "Form", "Option"]

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


class Option(Part):
    """One choice of a select field."""

    value: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    label: Label


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


class Form(DocumentBase, tag="form", tag_field="kind"):
    """A form defines a record type; its submissions are records."""

    schema_version: Literal[2]
    fields: list[Field] = msgspec.field(default_factory=list)
