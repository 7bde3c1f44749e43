"""Document Structs (the one source of truth) and their generated JSON Schemas."""

from schemas.base import KEY_PATTERN, Label
from schemas.form import Field, Form
from schemas.generate import DOCUMENT_TYPES, KINDS, document_schemas, schema_id
from schemas.migrations import CURRENT_SCHEMA_VERSION, MigrationError, migrate
from schemas.permission_matrix import PermissionMatrix
from schemas.template import Template
from schemas.workflow import Edge, Node, Position, Workflow

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "DOCUMENT_TYPES",
    "KEY_PATTERN",
    "KINDS",
    "Edge",
    "Field",
    "Form",
    "Label",
    "MigrationError",
    "Node",
    "PermissionMatrix",
    "Position",
    "Template",
    "Workflow",
    "document_schemas",
    "migrate",
    "schema_id",
]
