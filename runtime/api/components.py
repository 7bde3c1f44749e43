"""GET /api/v1/components: the catalogue the studio builds its palette from."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get

from builder.schema import schemas
from components.catalogue import CATALOGUE
from runtime.api.problems import problem_responses

__all__ = ["ComponentController", "ComponentOut"]


class Ports(msgspec.Struct):
    inputs: int
    outputs: list[str]


class ComponentOut(msgspec.Struct):
    type: str
    category: str
    label: dict[str, str]
    description: dict[str, str]
    icon: str
    keywords: list[str]
    ports: Ports
    config_schema: dict[str, Any]


class ComponentList(msgspec.Struct):
    items: list[ComponentOut]


def _config_schema(name: str) -> dict[str, Any]:
    """The component's config schema, self-contained (its $defs included)."""
    workflow = schemas()["workflow"]
    root = workflow["$defs"][CATALOGUE[name].config.__name__]
    return {"$schema": workflow["$schema"], **root, "$defs": workflow["$defs"]}


class ComponentController(Controller):
    path = "/components"
    tags = ["components"]
    opt = {"action": "documents.read"}

    @get(
        summary="The node types: palette, labels and config schemas",
        responses=problem_responses(),
    )
    async def list_components(self) -> ComponentList:
        return ComponentList(
            items=[
                ComponentOut(
                    type=c.type,
                    category=c.category,
                    label=c.label.as_json(),
                    description=c.description.as_json(),
                    icon=c.icon,
                    keywords=list(c.keywords),
                    ports=Ports(inputs=c.inputs, outputs=list(c.outputs)),
                    config_schema=_config_schema(c.type),
                )
                for c in CATALOGUE.values()
            ]
        )
