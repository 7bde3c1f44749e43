"""Canonical bytes and content hashes: one form per content, whoever wrote it."""

from __future__ import annotations

import json
import random
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.canonical import canonical_json, content_hash, normalise, pretty_json
from schemas.base import Label
from schemas.workflow import Node, Position

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=15,
)
json_objects = st.dictionaries(st.text(max_size=6), json_values, max_size=5)


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with the keys of every object in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


@settings(max_examples=100, deadline=None)
@given(json_objects, st.randoms(use_true_random=False))
def test_key_order_does_not_change_bytes_or_hash(
    document: dict[str, Any], rng: random.Random
) -> None:
    other = shuffled(document, rng)
    assert canonical_json(other) == canonical_json(document)
    assert content_hash(other) == content_hash(document)


@settings(max_examples=100, deadline=None)
@given(json_objects, json_objects)
def test_hash_follows_canonical_bytes(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (content_hash(a) == content_hash(b)) == (canonical_json(a) == canonical_json(b))


@settings(max_examples=100, deadline=None)
@given(json_objects, st.text(max_size=6), json_values)
def test_different_content_gives_different_hash(
    document: dict[str, Any], key: str, value: Any
) -> None:
    value = document.get(key, value)
    # Adding a key, or wrapping an existing value in an object, always changes content.
    grown = {**document, key: value} if key not in document else {**document, key: {"~": value}}
    assert content_hash(grown) != content_hash(document)
    flipped = {**document, "flag": not document.get("flag", False)}
    if isinstance(document.get("flag"), bool) or "flag" not in document:
        assert content_hash(flipped) != content_hash(document)


@settings(max_examples=100, deadline=None)
@given(json_objects)
def test_canonical_json_decodes_to_the_same_content(document: dict[str, Any]) -> None:
    assert json.loads(canonical_json(document)) == document


def test_one_changed_value_changes_the_hash() -> None:
    a = {"kind": "form", "fields": [{"key": "discount", "required": False}]}
    b = {"kind": "form", "fields": [{"key": "discount", "required": True}]}
    assert content_hash(a) != content_hash(b)
    assert content_hash(a).startswith("sha256:")
    assert len(content_hash(a)) == len("sha256:") + 64


def test_compact_sorted_at_every_level() -> None:
    document = {
        "title": {"zh-CN": "折扣", "en": "Discount"},
        "key": "d",
        "nodes": [{"y": 1, "x": 2}],
    }
    assert canonical_json(document) == (
        '{"key":"d","nodes":[{"x":2,"y":1}],"title":{"en":"Discount","zh-CN":"折扣"}}'.encode()
    )


def test_chinese_text_is_kept_as_utf8() -> None:
    document = {"title": {"en": "Discount approval", "zh-CN": "折扣审批"}}
    for encoded in (canonical_json(document), pretty_json(document)):
        assert "折扣审批".encode() in encoded
        assert b"\\u" not in encoded


def test_integer_valued_floats_hash_like_integers() -> None:
    # The canvas writes 120 where a Struct round-trip writes 120.0.
    assert canonical_json({"x": 120.0, "y": -0.0}) == b'{"x":120,"y":0}'
    assert content_hash({"x": 120.0}) == content_hash({"x": 120})
    assert canonical_json({"x": 0.5}) == b'{"x":0.5}'
    # JSONB gives 1e20 back as an integer: both must hash alike.
    assert content_hash({"x": 1e20}) == content_hash({"x": 100000000000000000000})
    assert content_hash({"flag": True}) != content_hash({"flag": 1})


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_non_json_numbers_are_refused(number: float) -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        canonical_json({"x": number})


def test_structs_hash_like_their_json() -> None:
    node = Node(
        id="mgr",
        type="approval",
        position=Position(x=10.0, y=20.0),
        label=Label(en="Manager approval", zh_CN="经理审批"),
    )
    as_json = json.loads(msgspec.json.encode(node))
    assert canonical_json(node) == canonical_json(as_json)
    assert normalise(node)["position"] == {"x": 10, "y": 20}
    assert type(normalise(node)["position"]["x"]) is int
    assert b'"zh-CN":"\xe7\xbb\x8f\xe7\x90\x86\xe5\xae\xa1\xe6\x89\xb9"' in canonical_json(node)


def test_pretty_json_shape() -> None:
    document = {"title": {"zh-CN": "折扣", "en": "Discount"}, "key": "d", "nodes": []}
    assert (
        pretty_json(document)
        == (
            '{\n  "key": "d",\n  "nodes": [],\n  "title": {\n    "en": "Discount",\n'
            '    "zh-CN": "折扣"\n  }\n}\n'
        ).encode()
    )


@settings(max_examples=100, deadline=None)
@given(json_objects, st.randoms(use_true_random=False))
def test_pretty_json_round_trips_byte_identically(
    document: dict[str, Any], rng: random.Random
) -> None:
    exported = pretty_json(document)
    assert exported.endswith(b"\n")
    assert json.loads(exported) == document
    assert pretty_json(json.loads(exported)) == exported
    assert pretty_json(shuffled(document, rng)) == exported
    assert content_hash(json.loads(exported)) == content_hash(document)
