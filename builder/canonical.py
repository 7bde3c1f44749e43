"""One byte form per document, so that equal content has one hash.

A published version is identified by ``content_hash``; re-publishing identical
content must be a no-op, and an export file must read back to the same bytes.
Both need an encoding that does not depend on who produced the document (the
studio, the CLI, a template loader), so every producer goes through here.

Numbers: JSON has one number type, but Python (and msgspec) tell ``1`` from
``1.0``. The canvas (JavaScript) writes ``120`` for a position a Struct
round-trip writes as ``120.0``; without care the same workflow would hash two
ways and "publish identical content" would create a new version. So an
integer-valued float is written as an integer, whatever its size:
PostgreSQL's JSONB gives ``1e20`` back as ``100000000000000000000``, so only
this rule hashes the same content the same on SQLite and PostgreSQL. NaN and
infinity are not JSON and are refused rather than silently written as
``null``.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import msgspec

__all__ = ["canonical_json", "content_hash", "normalise", "pretty_json"]


def normalise(value: Any) -> Any:
    """``value`` as plain JSON data: Structs and tuples become dicts and lists,
    integer-valued floats become ints (see the module
    docstring for why). Raises ``ValueError`` for NaN or infinity."""
    return _normalise(msgspec.to_builtins(value))


def _normalise(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a JSON number")
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    return value


def canonical_json(document: Any) -> bytes:
    """Compact UTF-8 JSON with keys sorted at every level.

    No whitespace between tokens, non-ASCII text written as UTF-8 (not
    ``\\u`` escapes), keys in code-point order (msgspec's ``order="sorted"``).
    This is the input of :func:`content_hash`; it is not meant to be read."""
    return msgspec.json.encode(normalise(document), order="sorted")


def content_hash(document: Any) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`: the identity of a version's
    content, independent of key order, whitespace and ``1`` vs ``1.0``."""
    return "sha256:" + hashlib.sha256(canonical_json(document)).hexdigest()


def pretty_json(document: Any) -> bytes:
    """The export form: sorted keys, two-space indent, UTF-8, final newline.

    Export files are committed, reviewed and re-imported, so the output is a
    fixed point: ``pretty_json(json.loads(pretty_json(x))) == pretty_json(x)``,
    and it hashes like the canonical form because it holds the same values."""
    compact = canonical_json(document)
    return msgspec.json.format(compact, indent=2) + b"\n"
