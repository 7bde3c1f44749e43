"""Workflows the engine tests share: lead follow-up with a 48-hour escalation
chain, and a two-level discount approval with an amount limit."""

from __future__ import annotations

from typing import Any


def node(node_id: str, node_type: str, x: int = 0, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "config": config, "position": {"x": x, "y": 0}}


def edge(edge_id: str, source: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, **extra}


def lead_follow_up(
    robot_url: str = "http://127.0.0.1:9/robot", *, form: str = "lead"
) -> dict[str, Any]:
    """A new lead: rep A has 48 h; then rep B gets it with 2 h, A and the
    region's director are copied (inbox) and a WeCom group is told; after
    B's 2 h the director takes it over."""
    sla = {
        "due": "PT48H",
        "on_timeout": [
            {
                "action": "escalate",
                "to": {"by": "user", "user": "bob"},
                "due": "PT2H",
                "cc": [
                    {"by": "current_assignee"},
                    {"by": "role_in_region", "role": "director"},
                ],
                "robots": [{"channel": "wecom", "url": robot_url}],
            },
            {"action": "escalate", "to": {"by": "role_in_region", "role": "director"}},
        ],
    }
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "lead-follow-up",
        "title": {"en": "Lead follow-up", "zh-CN": "线索跟进"},
        "record_form": form,
        "nodes": [
            node("start", "start", trigger="record_created"),
            node(
                "call",
                "form_task",
                200,
                form=form,
                assignee={"by": "user", "user": "alice"},
                sla=sla,
            ),
            node("done", "end", 400, outcome="qualified"),
        ],
        "edges": [edge("e1", "start", "call"), edge("e2", "call", "done")],
    }


def discount_approval(form: str = "deal") -> dict[str, Any]:
    """Manager, then director; up to 500,000 the manager's word is final."""
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "discount-approval",
        "title": {"en": "Discount approval", "zh-CN": "折扣审批"},
        "record_form": form,
        "nodes": [
            node("start", "start"),
            node(
                "approve",
                "approval",
                200,
                levels=[
                    {"role": "manager", "amount_limit": 500000},
                    {"role": "director", "min_rank": 6},
                ],
            ),
            node("yes", "end", 400, outcome="approved"),
            node("no", "end", 400, outcome="rejected"),
        ],
        "edges": [
            edge("e1", "start", "approve"),
            edge("e2", "approve", "yes", source_port="approved"),
            edge("e3", "approve", "no", source_port="rejected"),
        ],
    }
