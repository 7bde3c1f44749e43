"""The workflow document: nodes and edges that the runtime interprets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from schemas.base import DocumentBase, Expression, Key, Label, Part

__all__ = ["Edge", "Node", "NodeId", "Position", "Workflow"]

NodeId = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,79}$",
        description="Stable id of a node or edge; never derived from its label.",
    ),
]


class Position(Part):
    """Where the node sits on the canvas; layout only, never logic."""

    x: float
    y: float


class Node(Part):
    """One step. ``config`` is checked against the component's config schema
    (embedded in the generated JSON Schema) and decoded into the component's
    Struct when the workflow is compiled."""

    id: NodeId
    type: Annotated[str, msgspec.Meta(description="A node type from the component catalogue.")]
    config: dict[str, Any] = msgspec.field(default_factory=dict)
    position: Position = msgspec.field(default_factory=lambda: Position(x=0, y=0))
    label: Label | None = None


class Edge(Part):
    """An arrow between two nodes; a decision's edges carry a condition or are the default."""

    id: NodeId
    source: NodeId
    target: NodeId
    source_port: (
        Annotated[
            str,
            msgspec.Meta(description="Named output of the source node; its first port if absent."),
        ]
        | None
    ) = None
    condition: Expression | None = None
    default: bool = False
    label: Label | None = None


class Workflow(DocumentBase, tag="workflow", tag_field="kind"):
    """A workflow: what the runtime interprets once a version is published."""

    schema_version: Literal[2]
    record_form: Key | None = None
    nodes: list[Node] = msgspec.field(default_factory=list)
    edges: list[Edge] = msgspec.field(default_factory=list)
