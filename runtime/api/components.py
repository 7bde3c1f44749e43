"""GET /api/v1/components: the catalogue the studio builds its palette and its
config panels from (schemas and the words to show for them, in both languages)."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Controller, get

from builder.schema import schemas
from components.catalogue import CATALOGUE
from components.component import Component, Text
from components.vocabulary import EDGE_FIELDS, NODE_FIELDS, Words, for_component
from runtime.api.problems import problem_responses

__all__ = ["ComponentController", "ComponentList", "ComponentOut", "VocabularyOut", "catalogue"]


class Wording(msgspec.Struct):
    """One text in both UI languages."""

    en: str
    zh_CN: str = msgspec.field(name="zh-CN")


class FieldWording(msgspec.Struct, omit_defaults=True):
    """How a panel names a setting; ``item`` heads one element of a list,
    ``{n}`` standing for its number from 1."""

    label: Wording
    help: Wording | None = None
    item: Wording | None = None


class VocabularyOut(msgspec.Struct):
    """Words for a panel, keyed by property name, enum value and port name."""

    fields: dict[str, FieldWording]
    choices: dict[str, Wording] = msgspec.field(default_factory=dict)
    ports: dict[str, Wording] = msgspec.field(default_factory=dict)


class Ports(msgspec.Struct):
    inputs: int
    outputs: list[str]


class Traits(msgspec.Struct):
    """How the step behaves in a flow, for drawing and for the checks a canvas may
    make before the server does: starts or ends the flow, waits for someone or
    something, chooses its outgoing connection by their conditions."""

    is_start: bool
    is_end: bool
    is_wait: bool
    branches_by_condition: bool


class ComponentOut(msgspec.Struct):
    type: str
    category: str
    label: dict[str, str]
    description: dict[str, str]
    icon: str
    keywords: list[str]
    ports: Ports
    traits: Traits
    config_schema: dict[str, Any]
    vocabulary: VocabularyOut


class ComponentList(msgspec.Struct):
    items: list[ComponentOut]
    # The panels of a step's own label and of a connection, beside any config.
    node_vocabulary: VocabularyOut
    edge_vocabulary: VocabularyOut


def _config_schema(name: str) -> dict[str, Any]:
    """The component's config schema, self-contained (its $defs included)."""
    workflow = schemas()["workflow"]
    root = workflow["$defs"][CATALOGUE[name].config.__name__]
    return {"$schema": workflow["$schema"], **root, "$defs": workflow["$defs"]}


def _wording(text: Text) -> Wording:
    return Wording(en=text.en, zh_CN=text.zh_CN)


def _field_wording(words: Words) -> FieldWording:
    return FieldWording(
        label=_wording(words.label),
        help=_wording(words.help) if words.help else None,
        item=_wording(words.item) if words.item else None,
    )


def _fields(table: dict[str, Words]) -> dict[str, FieldWording]:
    return {name: _field_wording(words) for name, words in table.items()}


def _component(component: Component) -> ComponentOut:
    schema = _config_schema(component.type)
    words = for_component(component, schema)
    return ComponentOut(
        type=component.type,
        category=component.category,
        label=component.label.as_json(),
        description=component.description.as_json(),
        icon=component.icon,
        keywords=list(component.keywords),
        ports=Ports(inputs=component.inputs, outputs=list(component.outputs)),
        traits=Traits(
            is_start=component.is_start,
            is_end=component.is_end,
            is_wait=component.is_wait,
            branches_by_condition=component.branches_by_condition,
        ),
        config_schema=schema,
        vocabulary=VocabularyOut(
            fields=_fields(words.fields),
            choices={value: _wording(text) for value, text in words.choices.items()},
            ports={port: _wording(text) for port, text in words.ports.items()},
        ),
    )


@cache
def catalogue() -> ComponentList:
    """The whole response: the same for every caller, so it is built once."""
    return ComponentList(
        items=[_component(component) for component in CATALOGUE.values()],
        node_vocabulary=VocabularyOut(fields=_fields(NODE_FIELDS)),
        edge_vocabulary=VocabularyOut(fields=_fields(EDGE_FIELDS)),
    )


class ComponentController(Controller):
    path = "/components"
    tags = ["components"]
    opt = {"action": "documents.read"}

    @get(
        summary="The node types: palette, labels and config schemas",
        responses=problem_responses(),
    )
    async def list_components(self) -> ComponentList:
        return catalogue()
