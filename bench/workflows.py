"""Generated workflows of a given size, shaped like real sales-ops flows."""

from __future__ import annotations

from typing import Any

FIELDS = ["amount", "discount", "region", "tier", "stage"]


def generated_workflow(nodes: int = 200, edges: int = 260) -> dict[str, Any]:
    """A chain start -> ... -> end whose decisions also jump ahead, so the graph
    has branches and joins; ``edges - (nodes - 1)`` decisions add one edge each."""
    middle = nodes - 2
    extra = edges - (nodes - 1)
    decision_every = max(1, middle // max(extra, 1))
    ids = ["start"] + [f"n{i}" for i in range(middle)] + ["end"]
    doc_nodes: list[dict[str, Any]] = [{"id": "start", "type": "start"}]
    doc_edges: list[dict[str, Any]] = []
    decisions = 0
    kinds = ("form_task", "approval", "set", "notify")
    for i in range(middle):
        node_id = f"n{i}"
        position = {"x": 200 * (i + 1), "y": 80 * (i % 5)}
        if decisions < extra and i % decision_every == 0 and i + 2 < middle:
            doc_nodes.append({"id": node_id, "type": "decision", "position": position})
            decisions += 1
            continue
        kind = kinds[i % len(kinds)]
        config: dict[str, Any] = {
            "form_task": {
                "form": "deal",
                "assignee": {"by": "role", "role": "rep"},
                "sla": {"due": "PT48H"},
            },
            "approval": {
                "levels": [{"role": "manager", "amount_limit": 10000}, {"role": "director"}],
                "amount": "record['amount']",
            },
            "set": {
                "assignments": [
                    {"target": "vars.score", "expression": "round(record['amount'] * 0.1, 2)"}
                ]
            },
            "notify": {
                "message": {"en": "Step done", "zh-CN": "步骤完成"},
                "to": [{"by": "role", "role": "manager"}],
            },
        }[kind]
        doc_nodes.append({"id": node_id, "type": kind, "config": config, "position": position})
    doc_nodes.append({"id": "end", "type": "end", "config": {"outcome": "done"}})
    for i in range(len(ids) - 1):
        edge: dict[str, Any] = {"id": f"e{i}", "source": ids[i], "target": ids[i + 1]}
        if doc_nodes[i]["type"] == "decision":
            edge["condition"] = f"record['amount'] > {i * 100} and record['discount'] < 0.3"
        doc_edges.append(edge)
    for node in doc_nodes:
        if node["type"] == "decision":
            index = ids.index(node["id"])
            doc_edges.append(
                {"id": f"d{index}", "source": node["id"], "target": ids[index + 2], "default": True}
            )
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "generated",
        "title": {"en": "Generated", "zh-CN": "生成的流程"},
        "record_form": "deal",
        "nodes": doc_nodes,
        "edges": doc_edges,
    }
