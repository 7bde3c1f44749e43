"""JSON Schema (Draft 2020-12) for every document kind, generated from the Structs.

The node configs are not known here (components sit above schemas), so the
caller passes them in; each node's ``config`` is then checked against its
type's schema through an ``if``/``then`` per type, so a wrong setting is
reported at ``/nodes/N/config/...`` rather than as "matches none of".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from schemas.form import Form
from schemas.migrations import CURRENT_SCHEMA_VERSION
from schemas.permission_matrix import PermissionMatrix
from schemas.template import Template
from schemas.workflow import Workflow

__all__ = ["DOCUMENT_TYPES", "KINDS", "document_schemas", "schema_id"]

DOCUMENT_TYPES: dict[str, type[msgspec.Struct]] = {
    "workflow": Workflow,
    "form": Form,
    "permission_matrix": PermissionMatrix,
    "template": Template,
}
KINDS = tuple(DOCUMENT_TYPES)

JSONSchema = dict[str, Any]


def schema_id(kind: str) -> str:
    return f"https://schemas.trellis.dev/v{CURRENT_SCHEMA_VERSION}/{kind}.schema.json"


def _root(kind: str, types: list[Any]) -> JSONSchema:
    (ref, *_), defs = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(kind),
        "title": f"Trellis {kind} document",
        **ref,
        "$defs": dict(sorted(defs.items())),
    }


def _workflow(node_configs: Mapping[str, type[msgspec.Struct]]) -> JSONSchema:
    schema = _root("workflow", [Workflow, *node_configs.values()])
    node = schema["$defs"]["Node"]
    node["properties"]["type"]["enum"] = list(node_configs)
    node["allOf"] = [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"config": {"$ref": f"#/$defs/{config.__name__}"}}},
        }
        for name, config in node_configs.items()
    ]
    return schema


def _template() -> JSONSchema:
    schema = _root("template", [Template])
    properties = schema["$defs"]["Template"]["properties"]
    for name, kind in (
        ("workflows", "workflow"),
        ("forms", "form"),
        ("permission_matrices", "permission_matrix"),
    ):
        properties[name]["items"] = {"$ref": schema_id(kind)}
    return schema


def document_schemas(node_configs: Mapping[str, type[msgspec.Struct]]) -> dict[str, JSONSchema]:
    """Kind -> JSON Schema, with the given node configs embedded in the workflow schema."""
    return {
        "workflow": _workflow(node_configs),
        "form": _root("form", [Form]),
        "permission_matrix": _root("permission_matrix", [PermissionMatrix]),
        "template": _template(),
    }
