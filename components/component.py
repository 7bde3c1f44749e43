"""What a component (node type) is: one entry from which palette, config
schema, labels, checks and behaviour all derive."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

__all__ = ["Category", "Component", "ConfigBase", "Text"]

Category = Literal["flow", "human", "logic", "automation", "integration"]


class ConfigBase(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Base of every component config: unknown settings are errors, defaults
    stay out of stored documents."""


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
    port of an edge that names none. ``expressions`` lists the JSON pointers
    (relative to the node's config, ``*`` for every list item) whose strings
    are restricted-Python expressions, so the builder can compile them without
    knowing the component. ``references`` does the same for values naming a
    form (``form``) or a role (``role``). ``behaviour`` is the engine's entry
    point for this type; the engine fills it in.
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
    expressions: tuple[str, ...] = ()
    references: tuple[tuple[str, Literal["form", "role"]], ...] = ()
    is_start: bool = False
    is_end: bool = False
    is_wait: bool = False
    branches_by_condition: bool = False
    behaviour: Any = field(default=None, compare=False)
