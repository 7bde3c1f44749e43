"""compile_plan(document) -> Plan: a published workflow made ready to run.

Each node's config is decoded into its component's Struct once, edges are
grouped by the port they leave from, and every expression (edge conditions,
expressions inside configs) is compiled once. Plans are immutable and
cached by content hash, so every instance of a version shares one; the
instance itself stores only key, version and hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from threading import Lock
from types import MappingProxyType
from typing import Any

import msgspec

from builder.checks.locations import locations
from builder.checks.walk import resolve
from builder.expressions import CompiledExpression, ExpressionError, compile_expression
from components.catalogue import CATALOGUE
from components.engine import Plan, PlanEdge, PlanNode

__all__ = ["PlanError", "compile_plan"]

_CACHE: dict[str, Plan] = {}
_CACHE_LIMIT = 512
_LOCK = Lock()


class PlanError(ValueError):
    """The document cannot run (only a version that skipped validation gets here)."""


def _port(node_type: str, named: str | None) -> str:
    component = CATALOGUE[node_type]
    if named:
        return named
    return component.outputs[0] if component.outputs else "out"


def _grouped(edges: Iterable[PlanEdge]) -> Mapping[str, tuple[PlanEdge, ...]]:
    grouped: dict[str, list[PlanEdge]] = {}
    for edge in edges:
        grouped.setdefault(edge.port, []).append(edge)
    return MappingProxyType({port: tuple(found) for port, found in grouped.items()})


def _expressions(node_type: str, config: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for pattern in locations(node_type).get("expression", ()):
        found += [value for _, value in resolve(config, pattern) if isinstance(value, str)]
    return found


def _build(content: Mapping[str, Any], key: str, version: int, hash_: str) -> Plan:
    nodes: list[Mapping[str, Any]] = list(content.get("nodes") or [])
    edges: list[Mapping[str, Any]] = list(content.get("edges") or [])
    types = {node["id"]: node["type"] for node in nodes}
    sources: list[str] = []
    plan_edges: list[PlanEdge] = []
    for edge in edges:
        if edge["source"] not in types or edge["target"] not in types:
            raise PlanError(f"edge {edge['id']} joins unknown nodes")
        condition = edge.get("condition")
        if condition:
            sources.append(condition)
        plan_edges.append(
            PlanEdge(
                id=edge["id"],
                source=edge["source"],
                target=edge["target"],
                port=_port(types[edge["source"]], edge.get("source_port")),
                condition=condition or None,
                default=bool(edge.get("default")),
            )
        )
    built: dict[str, PlanNode] = {}
    for node in nodes:
        component = CATALOGUE.get(node["type"])
        if component is None:
            raise PlanError(f"node {node['id']}: unknown type {node['type']!r}")
        config = node.get("config") or {}
        try:
            decoded = msgspec.convert(config, component.config)
        except msgspec.ValidationError as exc:
            raise PlanError(f"node {node['id']}: {exc}") from None
        sources += _expressions(node["type"], config)
        outgoing = tuple(e for e in plan_edges if e.source == node["id"])
        built[node["id"]] = PlanNode(
            id=node["id"],
            type=node["type"],
            config=decoded,
            label=node.get("label"),
            outgoing=outgoing,
            ports=_grouped(outgoing),
            incoming=tuple(e for e in plan_edges if e.target == node["id"]),
        )
    compiled: dict[str, CompiledExpression] = {}
    for source in sources:
        try:
            compiled[source] = compile_expression(source)
        except ExpressionError as exc:
            raise PlanError(f"expression {source!r}: {exc}") from None
    starts = tuple(n["id"] for n in nodes if CATALOGUE[n["type"]].is_start)
    return Plan(
        key=key,
        version=version,
        hash=hash_,
        record_form=content.get("record_form"),
        nodes=MappingProxyType(built),
        starts=starts,
        expressions=MappingProxyType(compiled),
    )


def compile_plan(content: Mapping[str, Any], *, key: str, version: int, hash: str) -> Plan:
    """The plan of a published version (cached by ``hash``)."""
    with _LOCK:
        cached = _CACHE.get(hash)
    if cached is not None:
        return cached
    plan = _build(content, key, version, hash)
    with _LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[hash] = plan
    return plan
