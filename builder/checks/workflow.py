"""Semantic checks of a workflow: graph shape, decisions, expressions, references."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from builder.checks.locations import locations
from builder.checks.walk import items, resolve, text
from builder.errors import Error, error
from builder.expressions import check_expression
from builder.references import References
from components.catalogue import CATALOGUE
from components.component import Component
from components.vocabulary import choice_label, field_label

__all__ = ["check_workflow"]


def check_workflow(document: dict[str, Any], refs: References) -> list[Error]:
    errors: list[Error] = []
    nodes = list(items(document, "nodes"))
    edges = list(items(document, "edges"))

    index_of: dict[str, int] = {}
    component_of: dict[str, Component] = {}
    for i, node in nodes:
        node_id = text(node.get("id"))
        if node_id is None:
            continue
        if node_id in index_of:
            errors.append(error(f"/nodes/{i}/id", "duplicate_id", value=node_id))
            continue
        index_of[node_id] = i
        component = CATALOGUE.get(str(node.get("type")))
        if component is not None:
            component_of[node_id] = component
    seen_edges: set[str] = set()
    for i, edge in edges:
        edge_id = text(edge.get("id"))
        if edge_id is not None:
            if edge_id in seen_edges:
                errors.append(error(f"/edges/{i}/id", "duplicate_id", value=edge_id))
            seen_edges.add(edge_id)

    errors += _start_and_end(nodes, component_of, index_of)
    graph, edge_errors, broken = _edges(edges, index_of, component_of, document, refs)
    errors += edge_errors
    errors += _node_configs(nodes, refs, _record_fields(document, refs), document)
    errors += _record_form(document, refs)
    errors += _reachability(graph, index_of, component_of, broken)
    errors += _loops(graph, index_of, component_of)
    return errors


def _record_fields(document: dict[str, Any], refs: References) -> list[str] | None:
    form = text(document.get("record_form"))
    if form is None or refs.forms is None or form not in refs.forms:
        return None
    return list(refs.forms[form])


def _start_and_end(
    nodes: list[tuple[int, dict[str, Any]]],
    component_of: dict[str, Component],
    index_of: dict[str, int],
) -> list[Error]:
    starts = [index_of[n] for n, c in component_of.items() if c.is_start]
    ends = [n for n, c in component_of.items() if c.is_end]
    errors = [error(f"/nodes/{i}", "several_starts") for i in sorted(starts)[1:]]
    if not starts:
        errors.append(error("/nodes", "no_start"))
    if not ends:
        errors.append(error("/nodes", "no_end"))
    return errors


def _edges(
    edges: list[tuple[int, dict[str, Any]]],
    index_of: dict[str, int],
    component_of: dict[str, Component],
    document: dict[str, Any],
    refs: References,
) -> tuple[dict[str, list[str]], list[Error], set[str]]:
    """The adjacency of well-formed edges, the errors of every edge, and the
    nodes with an edge to a missing step (their real problem is that edge)."""
    errors: list[Error] = []
    broken: set[str] = set()
    graph: dict[str, list[str]] = defaultdict(list)
    outgoing: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    fields = _record_fields(document, refs)
    form = text(document.get("record_form")) or ""
    for i, edge in edges:
        source, target = text(edge.get("source")), text(edge.get("target"))
        ok = True
        for name, node_id in (("source", source), ("target", target)):
            if node_id is not None and node_id not in index_of:
                errors.append(error(f"/edges/{i}/{name}", "missing_node", value=node_id))
                ok = False
                if name == "target" and source is not None:
                    broken.add(source)
        source_component = component_of.get(source or "")
        target_component = component_of.get(target or "")
        if target_component is not None and target_component.is_start:
            errors.append(error(f"/edges/{i}/target", "edge_into_start"))
        if source_component is not None and source_component.is_end:
            errors.append(error(f"/edges/{i}/source", "edge_out_of_end"))
        port = text(edge.get("source_port"))
        if (
            port is not None
            and source_component is not None
            and port not in source_component.outputs
        ):
            errors.append(
                error(
                    f"/edges/{i}/source_port",
                    "unknown_port",
                    node=source,
                    value=port,
                    expected=", ".join(source_component.outputs) or "none",
                )
            )
        condition = text(edge.get("condition"))
        if condition is not None and condition.strip():
            errors += check_expression(condition, f"/edges/{i}/condition", fields, form)
        if ok and source is not None and target is not None:
            graph[source].append(target)
            outgoing[source].append((i, edge))
    for source, leaving in outgoing.items():
        component = component_of.get(source)
        if component is None or not component.branches_by_condition:
            errors += [
                error(f"/edges/{i}/default", "default_not_on_decision")
                for i, edge in leaving
                if edge.get("default") is True
            ]
            continue
        defaults = [i for i, edge in leaving if edge.get("default") is True]
        errors += [
            error(f"/edges/{i}/default", "several_default_edges", value=source)
            for i in defaults[1:]
        ]
        errors += [
            error(f"/edges/{i}", "missing_condition")
            for i, edge in leaving
            if edge.get("default") is not True and not (text(edge.get("condition")) or "").strip()
        ]
    for node_id, component in component_of.items():
        if component.branches_by_condition and not any(
            edge.get("default") is True for _, edge in outgoing.get(node_id, [])
        ):
            errors.append(error(f"/nodes/{index_of[node_id]}", "no_default_edge", value=node_id))
    return graph, errors, broken


ASSIGNEE_FIELDS = {
    "user": "user",
    "role": "role",
    "role_in_region": "role",
    "expression": "expression",
}


def _node_configs(
    nodes: list[tuple[int, dict[str, Any]]],
    refs: References,
    fields: list[str] | None,
    document: dict[str, Any],
) -> list[Error]:
    """Expressions compile, named forms and roles exist, every assignee says
    who, and each component's own check holds."""
    errors: list[Error] = []
    form = text(document.get("record_form")) or ""
    for i, node in nodes:
        component = CATALOGUE.get(str(node.get("type")))
        config = node.get("config", {})
        if component is None or not isinstance(config, dict):
            continue
        prefix = f"/nodes/{i}/config"
        places = locations(component.type)
        for pattern in places.get("expression", ()):
            for pointer, value in resolve(config, pattern, prefix):
                if isinstance(value, str) and value.strip():
                    errors += check_expression(value, pointer, fields, form)
        for what in ("form", "role"):
            known = refs.forms if what == "form" else refs.roles
            if known is None:
                continue
            for pattern in places.get(what, ()):
                for pointer, value in resolve(config, pattern, prefix):
                    if isinstance(value, str) and value not in known:
                        errors.append(error(pointer, f"unknown_{what}", value=value))
        for pattern in places.get("Assignee", ()):
            for pointer, value in resolve(config, pattern, prefix):
                if not isinstance(value, dict):
                    continue
                by = value.get("by", "role")
                needed = ASSIGNEE_FIELDS.get(by) if isinstance(by, str) else None
                if needed and not value.get(needed):
                    params = {"field": needed, "when_field": "by", "when_value": by}
                    where = f"{pointer}/{needed}"
                    errors.append(
                        error(where, "missing_setting", **_worded(component.type, params))
                    )
        if component.check is not None:
            errors += [
                error(prefix + issue.pointer, issue.code, **_worded(component.type, issue.params))
                for issue in component.check(config)
            ]
    return errors


def _worded(node_type: str, params: dict[str, Any]) -> dict[str, Any]:
    """Setting names and choices in ``params`` as the words the studio shows for them."""
    out = dict(params)
    for name in ("field", "when_field"):
        if isinstance(out.get(name), str):
            out[name] = field_label(node_type, out[name])
    if isinstance(out.get("when_value"), str):
        out["when_value"] = choice_label(node_type, out["when_value"])
    return out


def _record_form(document: dict[str, Any], refs: References) -> list[Error]:
    form = text(document.get("record_form"))
    if form is not None and refs.forms is not None and form not in refs.forms:
        return [error("/record_form", "unknown_form", value=form)]
    return []


def _reachability(
    graph: dict[str, list[str]],
    index_of: dict[str, int],
    component_of: dict[str, Component],
    broken: set[str],
) -> list[Error]:
    starts = [n for n, c in component_of.items() if c.is_start]
    ends = [n for n, c in component_of.items() if c.is_end]
    if not starts:
        return []
    reached = _closure(starts, graph)
    reverse: dict[str, list[str]] = defaultdict(list)
    for source, targets in graph.items():
        for target in targets:
            reverse[target].append(source)
    # A node whose edge points nowhere is reported at that edge, not again here.
    finishing = _closure([*ends, *broken], reverse)
    errors = []
    for node_id, i in index_of.items():
        if node_id not in reached:
            errors.append(error(f"/nodes/{i}", "unreachable", value=node_id))
        elif ends and node_id not in finishing:
            errors.append(error(f"/nodes/{i}", "dead_end", value=node_id))
    return errors


def _closure(roots: list[str], graph: dict[str, list[str]]) -> set[str]:
    seen = set(roots)
    stack = list(roots)
    while stack:
        for nxt in graph.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _loops(
    graph: dict[str, list[str]], index_of: dict[str, int], component_of: dict[str, Component]
) -> list[Error]:
    """Cycles (strongly connected components) with no step that waits for a
    person, a timer or an event would spin forever in the engine."""
    errors = []
    for component in _strongly_connected(list(index_of), graph):
        looping = len(component) > 1 or component[0] in graph.get(component[0], [])
        if not looping:
            continue
        if any(component_of[n].is_wait for n in component if n in component_of):
            continue
        ordered = sorted(component, key=index_of.__getitem__)
        errors.append(
            error(f"/nodes/{index_of[ordered[0]]}", "loop_without_wait", value=", ".join(ordered))
        )
    return errors


def _strongly_connected(nodes: list[str], graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that a long chain cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, [])
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                result.append(members)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result
