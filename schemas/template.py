"""The template document: a bundle to clone, with parameters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from schemas.base import DocumentBase, Label, Part

__all__ = ["Parameter", "Template"]


class Parameter(Part):
    """A value the person cloning the template fills in."""

    name: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
    type: Literal["text", "number", "duration", "role", "user", "region", "boolean"]
    label: Label
    default: str | float | bool | None = None
    required: bool = True


class Template(DocumentBase, tag="template", tag_field="kind"):
    """A workflow with its forms and permission matrix, plus parameters.

    The bundled documents are validated as documents of their own kind, so
    they are kept here as JSON objects and checked one by one."""

    schema_version: Literal[2]
    parameters: list[Parameter] = msgspec.field(default_factory=list)
    workflows: list[dict[str, Any]] = msgspec.field(default_factory=list)
    forms: list[dict[str, Any]] = msgspec.field(default_factory=list)
    permission_matrices: list[dict[str, Any]] = msgspec.field(default_factory=list)
