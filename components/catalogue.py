"""The one catalogue of node types. Everything else derives from it."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType

from components.component import Component, ConfigBase

__all__ = ["CATALOGUE", "config_types", "get"]

# Palette order. Each name is a module of this package defining COMPONENT.
_MODULES = (
    "start",
    "form_task",
    "approval",
    "decision",
    "parallel",
    "join",
    "wait",
    "set",
    "script",
    "notify",
    "webhook",
    "subflow",
    "end",
)


def _load(name: str) -> Component:
    component: Component = importlib.import_module(f"components.{name}").COMPONENT
    if component.type != name:
        raise RuntimeError(f"components.{name} registers type {component.type!r}")
    return component


CATALOGUE: Mapping[str, Component] = MappingProxyType({name: _load(name) for name in _MODULES})


def get(node_type: str) -> Component | None:
    return CATALOGUE.get(node_type)


def config_types() -> dict[str, type[ConfigBase]]:
    """Node type -> its config Struct, for schema generation and decoding."""
    return {name: component.config for name, component in CATALOGUE.items()}
