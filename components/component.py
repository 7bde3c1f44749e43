"""What a component (node type) is: one entry from which palette, config
schema, labels, checks and behaviour all derive."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

__all__ = ["Category", "Component", "ConfigBase", "Issue", "Text", "required_when"]

Category = Literal["flow", "human", "logic", "automation", "integration"]


class ConfigBase(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Base of every component config: unknown settings are errors, defaults
    stay out of stored documents."""


@dataclass(frozen=True)
class Issue:
    """A problem a component's own check found: a pointer relative to the
    node's config, an error code of the builder's catalogue and its values."""

    pointer: str
    code: str
    params: dict[str, Any]


def required_when(
    config: dict[str, Any], field: str, when_field: str, when_value: str, at: str = ""
) -> list[Issue]:
    """An Issue when ``field`` is missing or empty while ``when_field`` is ``when_value``.
    Settings and choices are named, not described: the builder words them in each
    language from the vocabulary."""
    if config.get(field) in (None, "", []):
        params = {"field": field, "when_field": when_field, "when_value": when_value}
        return [Issue(f"{at}/{field}", "missing_setting", params)]
    return []


@dataclass(frozen=True)
class Text:
    """A label in both UI languages."""

    en: str
    zh_CN: str

    def as_json(self) -> dict[str, str]:
        return {"en": self.en, "zh-CN": self.zh_CN}


@dataclass(frozen=True)
class Component:
    """A registered node type.

    ``outputs`` are the named ports an edge can leave from; the first is the
    port of an edge that names none. Where the config holds expressions, forms
    or roles is not listed here: the builder reads it from the config schema
    (``x-trellis-widget``), so it cannot fall out of step with the Struct.
    ``check`` reports what the schema cannot say (a setting required only
    when another has some value). ``behaviour`` is the engine's entry point
    for this type; the engine fills it in.
    """

    type: str
    category: Category
    label: Text
    description: Text
    icon: str
    config: builtins.type[ConfigBase]
    inputs: int = 1
    outputs: tuple[str, ...] = ("out",)
    keywords: tuple[str, ...] = ()
    check: Callable[[dict[str, Any]], list[Issue]] | None = field(default=None, compare=False)
    is_start: bool = False
    is_end: bool = False
    is_wait: bool = False
    branches_by_condition: bool = False
    behaviour: Any = field(default=None, compare=False)
