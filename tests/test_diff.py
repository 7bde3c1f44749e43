"""Structural diff: aligned by id, layout apart from logic, and replayable by apply."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.diff import ApplyError, Change, apply, diff, logic_view

Document = dict[str, Any]


def discount_approval() -> Document:
    """start -> check (decision) -> mgr (approval) -> done, as drawn in the studio."""
    return {
        "kind": "workflow",
        "schema_version": 2,
        "key": "discount-approval",
        "title": {"en": "Discount approval", "zh-CN": "折扣审批"},
        "record_form": "deal",
        "nodes": [
            {"id": "start", "type": "start", "position": {"x": 0, "y": 0}},
            {
                "id": "check",
                "type": "decision",
                "position": {"x": 200, "y": 0},
                "label": {"en": "Check discount", "zh-CN": "检查折扣"},
            },
            {
                "id": "mgr",
                "type": "approval",
                "config": {"levels": [{"role": "manager"}]},
                "position": {"x": 400, "y": 0},
                "label": {"en": "Manager approval", "zh-CN": "经理审批"},
            },
            {"id": "done", "type": "end", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "check"},
            {
                "id": "e2",
                "source": "check",
                "target": "mgr",
                "condition": "record['discount'] > 0.1",
            },
            {"id": "e3", "source": "check", "target": "done", "default": True},
            {"id": "e4", "source": "mgr", "target": "done"},
        ],
    }


def deal_form() -> Document:
    return {
        "kind": "form",
        "schema_version": 2,
        "key": "deal",
        "title": {"en": "Deal", "zh-CN": "商机"},
        "fields": [
            {"key": "customer", "type": "text", "label": {"en": "Customer", "zh-CN": "客户"}},
            {
                "key": "discount",
                "type": "percent",
                "label": {"en": "Discount", "zh-CN": "折扣"},
                "required": False,
                "max": 0.5,
            },
            {
                "key": "tier",
                "type": "select",
                "label": {"en": "Tier", "zh-CN": "等级"},
                "options": [
                    {"value": "gold", "label": {"en": "Gold", "zh-CN": "金牌"}},
                    {"value": "silver", "label": {"en": "Silver", "zh-CN": "银牌"}},
                ],
            },
        ],
    }


def node(document: Document, ident: str) -> Document:
    found: Document = next(n for n in document["nodes"] if n["id"] == ident)
    return found


def edge(document: Document, ident: str) -> Document:
    found: Document = next(e for e in document["edges"] if e["id"] == ident)
    return found


def replays(a: Document, b: Document) -> Document:
    """apply(a, diff(a, b)), checked to behave like b and to leave a alone."""
    snapshot = copy.deepcopy(a)
    result = apply(a, diff(a, b))
    assert a == snapshot
    assert logic_view(result) == logic_view(b)
    return result


# ------------------------------------------------------------------ examples


def test_no_change_no_diff() -> None:
    assert diff(discount_approval(), discount_approval()) == []


def test_node_added_is_one_change_with_the_whole_node() -> None:
    a = discount_approval()
    b = discount_approval()
    notify = {
        "id": "notify",
        "type": "notification",
        "config": {"to": "requester"},
        "position": {"x": 600, "y": 200},
        "label": {"en": "Tell the rep", "zh-CN": "通知销售"},
    }
    b["nodes"].append(notify)
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("added", "/nodes/notify", "logic")
    assert change.before is None
    assert change.after == notify
    assert change.summary == {
        "en": "Step “Tell the rep” (notify) added.",
        "zh-CN": "新增节点“通知销售”（notify）。",
    }
    assert replays(a, b)["nodes"][-1] == notify


def test_node_removed_is_one_change_with_the_whole_node() -> None:
    a = discount_approval()
    b = discount_approval()
    b["nodes"] = [n for n in b["nodes"] if n["id"] != "mgr"]
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("removed", "/nodes/mgr", "logic")
    assert change.before == node(a, "mgr")
    assert change.after is None
    assert change.summary["en"] == "Step “Manager approval” (mgr) removed."
    assert change.summary["zh-CN"] == "删除了节点“经理审批”（mgr）。"
    replays(a, b)


def test_removing_an_early_node_does_not_shift_the_others() -> None:
    a = discount_approval()
    b = discount_approval()
    del b["nodes"][0]
    assert [c.path for c in diff(a, b)] == ["/nodes/start"]


def test_edge_condition_changed() -> None:
    a = discount_approval()
    b = discount_approval()
    edge(b, "e2")["condition"] = "record['discount'] > 0.2"
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("changed", "/edges/e2/condition", "logic")
    assert (change.before, change.after) == ("record['discount'] > 0.1", "record['discount'] > 0.2")
    assert change.summary["en"] == (
        "Connection e2 from “Check discount” to “Manager approval”: condition changed"
        " from “record['discount'] > 0.1” to “record['discount'] > 0.2”."
    )
    assert change.summary["zh-CN"] == (
        "从“检查折扣”到“经理审批”的连线 e2：条件由“record['discount'] > 0.1”"
        "改为“record['discount'] > 0.2”。"
    )
    replays(a, b)


def test_default_flag_removed_from_edge() -> None:
    a = discount_approval()
    b = discount_approval()
    del edge(b, "e3")["default"]
    [change] = diff(a, b)
    assert (change.op, change.path, change.before) == ("removed", "/edges/e3/default", True)
    assert change.summary["en"] == (
        "Connection e3 from “Check discount” to “done”: default branch removed (was “yes”)."
    )
    replays(a, b)


def test_config_value_changed_deep() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["config"]["levels"][0]["role"] = "director"
    [change] = diff(a, b)
    assert change.path == "/nodes/mgr/config/levels/0/role"
    assert (change.op, change.aspect, change.before, change.after) == (
        "changed",
        "logic",
        "manager",
        "director",
    )
    assert change.summary == {
        "en": "Step “Manager approval” (mgr): setting levels › 0 › role changed"
        " from “manager” to “director”.",
        "zh-CN": "节点“经理审批”（mgr）：设置 levels › 0 › role 由“manager”改为“director”。",
    }
    replays(a, b)


def test_config_list_grows_by_index() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["config"]["levels"].append({"role": "director"})
    [change] = diff(a, b)
    assert (change.op, change.path, change.after) == (
        "added",
        "/nodes/mgr/config/levels/1",
        {"role": "director"},
    )
    assert replays(a, b) == b


def test_config_list_shrinks_by_index() -> None:
    a = discount_approval()
    node(a, "mgr")["config"]["levels"] += [{"role": "director"}, {"role": "vp"}]
    b = discount_approval()
    changes = diff(a, b)
    assert [(c.op, c.path) for c in changes] == [
        ("removed", "/nodes/mgr/config/levels/1"),
        ("removed", "/nodes/mgr/config/levels/2"),
    ]
    assert replays(a, b) == b


def test_move_only_is_one_layout_change() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["position"] = {"x": 420, "y": 80}
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("changed", "/nodes/mgr/position", "layout")
    assert (change.before, change.after) == ({"x": 400, "y": 0}, {"x": 420, "y": 80})
    assert change.summary == {
        "en": "Step “Manager approval” (mgr) moved on the canvas (layout only).",
        "zh-CN": "节点“经理审批”（mgr）在画布上移动了位置（仅布局）。",
    }
    assert logic_view(a) == logic_view(b)
    assert node(replays(a, b), "mgr")["position"] == {"x": 420, "y": 80}


def test_move_and_logic_change_are_reported_apart() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["position"] = {"x": 420, "y": 80}
    node(b, "mgr")["config"]["levels"][0]["role"] = "director"
    assert [(c.path, c.aspect) for c in diff(a, b)] == [
        ("/nodes/mgr/config/levels/0/role", "logic"),
        ("/nodes/mgr/position", "layout"),
    ]


def test_integer_and_float_positions_are_the_same_place() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["position"] = {"x": 400.0, "y": 0.0}
    assert diff(a, b) == []


def test_relabel_is_a_change_not_a_new_node() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["label"] = {"en": "Director approval", "zh-CN": "总监审批"}
    changes = diff(a, b)
    assert [c.path for c in changes] == ["/nodes/mgr/label/en", "/nodes/mgr/label/zh-CN"]
    assert changes[0].summary["en"] == (
        "Step “Manager approval” (mgr): label (English) changed"
        " from “Manager approval” to “Director approval”."
    )
    assert changes[1].summary["zh-CN"] == (
        "节点“经理审批”（mgr）：名称（中文）由“经理审批”改为“总监审批”。"
    )


def test_node_order_is_ignored() -> None:
    a = discount_approval()
    b = discount_approval()
    b["nodes"].reverse()
    assert diff(a, b) == []


def test_edge_reorder_is_reported_as_logic() -> None:
    a = discount_approval()
    b = discount_approval()
    b["edges"][1], b["edges"][2] = b["edges"][2], b["edges"][1]
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("changed", "/edges", "logic")
    assert change.before == ["e1", "e2", "e3", "e4"]
    assert change.after == ["e1", "e3", "e2", "e4"]
    assert "e1, e2, e3, e4 → e1, e3, e2, e4" in change.summary["en"]
    assert "e1、e2、e3、e4 → e1、e3、e2、e4" in change.summary["zh-CN"]
    assert logic_view(a) != logic_view(b)
    assert [e["id"] for e in replays(a, b)["edges"]] == ["e1", "e3", "e2", "e4"]


def test_edge_appended_needs_no_order_change() -> None:
    a = discount_approval()
    b = discount_approval()
    b["edges"].append({"id": "e5", "source": "done", "target": "start"})
    assert [(c.op, c.path) for c in diff(a, b)] == [("added", "/edges/e5")]
    replays(a, b)


def test_edge_inserted_before_others_is_an_order_change_too() -> None:
    # A new edge placed ahead of the default is evaluated first: that is logic.
    a = discount_approval()
    b = discount_approval()
    new = {"id": "e5", "source": "check", "target": "done", "condition": "record['vip']"}
    b["edges"].insert(1, new)
    changes = diff(a, b)
    assert [(c.op, c.path) for c in changes] == [("added", "/edges/e5"), ("changed", "/edges")]
    assert changes[1].after == ["e1", "e5", "e2", "e3", "e4"]
    assert [e["id"] for e in replays(a, b)["edges"]] == ["e1", "e5", "e2", "e3", "e4"]


def test_edge_removed_and_rest_reordered() -> None:
    a = discount_approval()
    b = discount_approval()
    b["edges"] = [edge(a, "e4"), edge(a, "e3"), edge(a, "e1")]
    changes = diff(a, b)
    assert [(c.op, c.path) for c in changes] == [("removed", "/edges/e2"), ("changed", "/edges")]
    replays(a, b)


def test_form_field_changed() -> None:
    a = deal_form()
    b = deal_form()
    b["fields"][1]["required"] = True
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == (
        "changed",
        "/fields/discount/required",
        "logic",
    )
    assert change.summary == {
        "en": "Field “Discount” (discount): required changed from “no” to “yes”.",
        "zh-CN": "字段“折扣”（discount）：必填由“否”改为“是”。",
    }
    replays(a, b)


def test_form_option_changed_by_index() -> None:
    a = deal_form()
    b = deal_form()
    b["fields"][2]["options"][1]["label"]["en"] = "Silver+"
    [change] = diff(a, b)
    assert change.path == "/fields/tier/options/1/label/en"


def test_form_field_reorder_is_layout() -> None:
    a = deal_form()
    b = deal_form()
    b["fields"].reverse()
    [change] = diff(a, b)
    assert (change.op, change.path, change.aspect) == ("changed", "/fields", "layout")
    assert change.after == ["tier", "discount", "customer"]
    assert change.summary["en"] == (
        "The display order of fields changed: customer, discount, tier → tier, discount, customer."
    )
    assert logic_view(a) == logic_view(b)
    assert [f["key"] for f in replays(a, b)["fields"]] == ["tier", "discount", "customer"]


def test_form_field_added_and_removed() -> None:
    a = deal_form()
    b = deal_form()
    del b["fields"][0]
    b["fields"].append({"key": "notes", "type": "long_text", "label": {"en": "Notes"}})
    assert [(c.op, c.path) for c in diff(a, b)] == [
        ("removed", "/fields/customer"),
        ("added", "/fields/notes"),
    ]
    replays(a, b)


def test_permission_actions_change_as_one_value() -> None:
    a: Document = {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": "sales",
        "title": {"en": "Sales"},
        "roles": [
            {"role": "rep", "actions": ["start"]},
            {"role": "manager", "actions": ["start", "decide"], "forms": [{"form": "deal"}]},
        ],
    }
    b = copy.deepcopy(a)
    b["roles"][1]["actions"].append("publish")
    b["roles"][1]["forms"][0]["fields"] = {"discount": "write"}
    changes = diff(a, b)
    assert [(c.op, c.path) for c in changes] == [
        ("changed", "/roles/manager/actions"),
        ("added", "/roles/manager/forms/0/fields"),
    ]
    assert changes[0].after == ["start", "decide", "publish"]
    assert changes[0].summary == {
        "en": "Role manager: actions changed from “start, decide” to “start, decide, publish”.",
        "zh-CN": "角色 manager：操作由“start、decide”改为“start、decide、publish”。",
    }
    assert replays(a, b) == b


def test_template_documents_are_diffed_by_the_same_rules() -> None:
    a: Document = {
        "kind": "template",
        "schema_version": 2,
        "key": "discount-kit",
        "title": {"en": "Discount kit", "zh-CN": "折扣套件"},
        "parameters": [{"name": "threshold", "type": "number", "label": {"en": "Threshold"}}],
        "workflows": [discount_approval()],
        "forms": [deal_form()],
    }
    b = copy.deepcopy(a)
    node(b["workflows"][0], "mgr")["config"]["levels"][0]["role"] = "director"
    node(b["workflows"][0], "mgr")["position"]["y"] = 50
    b["parameters"][0]["default"] = 0.1
    b["forms"] = []
    changes = diff(a, b)
    assert [(c.op, c.path, c.aspect) for c in changes] == [
        ("added", "/parameters/threshold/default", "logic"),
        ("changed", "/workflows/discount-approval/nodes/mgr/config/levels/0/role", "logic"),
        ("changed", "/workflows/discount-approval/nodes/mgr/position", "layout"),
        ("removed", "/forms/deal", "logic"),
    ]
    assert changes[1].summary["en"] == (
        "Workflow “Discount approval” (discount-approval): step “Manager approval” (mgr):"
        " setting levels › 0 › role changed from “manager” to “director”."
    )
    assert changes[3].summary["zh-CN"] == "删除了表单“商机”（deal）。"
    result = replays(a, b)
    assert node(result["workflows"][0], "mgr")["position"] == {"x": 400, "y": 50}


def test_collections_that_cannot_be_aligned_change_as_a_whole() -> None:
    a = discount_approval()
    b = discount_approval()
    b["nodes"].append(copy.deepcopy(b["nodes"][0]))  # a draft with a duplicate id
    [change] = diff(a, b)
    assert (change.op, change.path) == ("changed", "/nodes")
    assert apply(a, [change]) == b


def test_ids_are_escaped_in_pointers() -> None:
    a = discount_approval()
    b = discount_approval()
    node(a, "mgr")["id"] = node(b, "mgr")["id"] = "a/b~c"
    node(b, "a/b~c")["type"] = "task"
    [change] = diff(a, b)
    assert change.path == "/nodes/a~1b~0c/type"
    replays(a, b)


def test_apply_refuses_a_path_that_is_not_there() -> None:
    change = Change(op="changed", path="/nodes/ghost/type", aspect="logic", after="task")
    with pytest.raises(ApplyError, match="/nodes/ghost"):
        apply(discount_approval(), [change])
    added = Change(op="added", path="/nodes/mgr", aspect="logic", after={"id": "mgr"})
    with pytest.raises(ApplyError, match="already present"):
        apply(discount_approval(), [added])


def test_changes_travel_as_json() -> None:
    a = discount_approval()
    b = discount_approval()
    node(b, "mgr")["position"] = {"x": 1, "y": 2}
    b["nodes"].pop(0)
    changes = diff(a, b)
    wire = msgspec.json.encode(changes)
    assert msgspec.json.decode(wire, type=list[Change]) == changes
    assert b'"after"' not in wire.split(b"}},")[0]  # a removal omits its empty after


def test_logic_view_drops_positions_and_sorts_by_id() -> None:
    document = discount_approval()
    document["edges"].reverse()
    view = logic_view(document)
    assert [n["id"] for n in view["nodes"]] == ["check", "done", "mgr", "start"]
    assert all("position" not in n for n in view["nodes"])
    assert [e["id"] for e in view["edges"]] == ["e4", "e3", "e2", "e1"]
    assert "position" in document["nodes"][0]


# ---------------------------------------------------------------- properties

NODE_IDS = ["start", "check", "mgr", "done", "n1", "n2", "n3", "n4"]
EDGE_IDS = ["e1", "e2", "e3", "e4", "e5", "e6", "e7"]
NODE_TYPES = ["start", "decision", "approval", "task", "wait", "end"]
CONFIG_KEYS = ["levels", "role", "sla", "to", "amount", "fields"]

labels = st.fixed_dictionaries(
    {"en": st.sampled_from(["Check", "Manager approval", "Done", "Notify"])},
    optional={"zh-CN": st.sampled_from(["检查", "经理审批", "结束", "通知"])},
)
positions = st.fixed_dictionaries(
    {
        "x": st.integers(-500, 500) | st.floats(-500, 500, allow_nan=False),
        "y": st.integers(-500, 500),
    }
)
config_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from(["manager", "director", "PT48H", "审批"])
)
config_values = st.recursive(
    config_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(CONFIG_KEYS), inner, max_size=3)
    ),
    max_leaves=6,
)
configs = st.dictionaries(st.sampled_from(CONFIG_KEYS), config_values, max_size=3)
conditions = st.sampled_from(["record['discount'] > 0.1", "record['discount'] > 0.2", "True"])


@st.composite
def nodes(draw: st.DrawFn, ident: str) -> Document:
    item: Document = {"id": ident, "type": draw(st.sampled_from(NODE_TYPES))}
    if draw(st.booleans()):
        item["config"] = draw(configs)
    if draw(st.booleans()):
        item["position"] = draw(positions)
    if draw(st.booleans()):
        item["label"] = draw(labels)
    return item


@st.composite
def edges(draw: st.DrawFn, ident: str, node_ids: list[str]) -> Document:
    ends = st.sampled_from(node_ids or ["start"])
    item: Document = {"id": ident, "source": draw(ends), "target": draw(ends)}
    if draw(st.booleans()):
        item["condition"] = draw(conditions)
    if draw(st.booleans()):
        item["default"] = draw(st.booleans())
    if draw(st.booleans()):
        item["label"] = draw(labels)
    return item


@st.composite
def workflows(draw: st.DrawFn) -> Document:
    node_ids = draw(st.lists(st.sampled_from(NODE_IDS), unique=True, max_size=6))
    edge_ids = draw(st.lists(st.sampled_from(EDGE_IDS), unique=True, max_size=6))
    document = discount_approval()
    document["title"] = draw(labels)
    document["nodes"] = [draw(nodes(i)) for i in node_ids]
    document["edges"] = [draw(edges(i, node_ids)) for i in edge_ids]
    return document


def _pick(draw: st.DrawFn, items: list[Document]) -> Document | None:
    return draw(st.sampled_from(items)) if items else None


@st.composite
def edited_workflows(draw: st.DrawFn) -> tuple[Document, Document]:
    """A workflow and a copy after the edits people make on the canvas."""
    a = draw(workflows())
    b = copy.deepcopy(a)
    edits = ["move", "config", "relabel", "retype", "drop_node", "add_node", "drop_edge"]
    edits += ["add_edge", "condition", "default", "shuffle_edges", "shuffle_nodes", "title"]
    for edit in draw(st.lists(st.sampled_from(edits), max_size=6)):
        target = _pick(draw, b["nodes"])
        link = _pick(draw, b["edges"])
        node_ids = [n["id"] for n in b["nodes"]]
        if edit == "move" and target:
            target["position"] = draw(positions)
        elif edit == "config" and target:
            config = target.setdefault("config", {})
            key = draw(st.sampled_from(CONFIG_KEYS))
            if key in config and draw(st.booleans()):
                del config[key]
            else:
                config[key] = draw(config_values)
        elif edit == "relabel" and target:
            target["label"] = draw(labels)
        elif edit == "retype" and target:
            target["type"] = draw(st.sampled_from(NODE_TYPES))
        elif edit == "drop_node" and target:
            b["nodes"].remove(target)
        elif edit == "add_node":
            free = [i for i in NODE_IDS if i not in node_ids]
            if free:
                new = draw(nodes(draw(st.sampled_from(free))))
                b["nodes"].insert(draw(st.integers(0, len(b["nodes"]))), new)
        elif edit == "drop_edge" and link:
            b["edges"].remove(link)
        elif edit == "add_edge":
            free = [i for i in EDGE_IDS if i not in {e["id"] for e in b["edges"]}]
            if free:
                new = draw(edges(draw(st.sampled_from(free)), node_ids))
                b["edges"].insert(draw(st.integers(0, len(b["edges"]))), new)
        elif edit == "condition" and link:
            link["condition"] = draw(conditions)
        elif edit == "default" and link:
            link["default"] = not link.get("default", False)
        elif edit == "shuffle_edges":
            b["edges"] = draw(st.permutations(b["edges"]))
        elif edit == "shuffle_nodes":
            b["nodes"] = draw(st.permutations(b["nodes"]))
        elif edit == "title":
            b["title"] = draw(labels)
    return a, b


workflow_pairs = st.one_of(edited_workflows(), st.tuples(workflows(), workflows()))

FIELD_KEYS = ["customer", "discount", "amount", "region", "tier", "notes"]
options = st.lists(
    st.fixed_dictionaries(
        {"value": st.sampled_from(["gold", "silver", "bronze"]), "label": labels}
    ),
    max_size=3,
)


@st.composite
def fields(draw: st.DrawFn, key: str) -> Document:
    item: Document = {
        "key": key,
        "type": draw(st.sampled_from(["text", "number", "percent", "select"])),
        "label": draw(labels),
    }
    if draw(st.booleans()):
        item["required"] = draw(st.booleans())
    if draw(st.booleans()):
        item["options"] = draw(options)
    if draw(st.booleans()):
        item["max"] = draw(st.integers(0, 100) | st.floats(0, 1))
    return item


@st.composite
def forms(draw: st.DrawFn) -> Document:
    document = deal_form()
    keys = draw(st.lists(st.sampled_from(FIELD_KEYS), unique=True, max_size=5))
    document["fields"] = [draw(fields(k)) for k in keys]
    return document


@st.composite
def edited_forms(draw: st.DrawFn) -> tuple[Document, Document]:
    a = draw(forms())
    b = copy.deepcopy(a)
    edits = ["required", "options", "label", "drop", "add", "shuffle", "max"]
    for edit in draw(st.lists(st.sampled_from(edits), max_size=5)):
        target = _pick(draw, b["fields"])
        if edit == "required" and target:
            target["required"] = not target.get("required", False)
        elif edit == "options" and target:
            target["options"] = draw(options)
        elif edit == "label" and target:
            target["label"] = draw(labels)
        elif edit == "max" and target:
            target.pop("max", None) if "max" in target else target.update(max=1)
        elif edit == "drop" and target:
            b["fields"].remove(target)
        elif edit == "add":
            free = [k for k in FIELD_KEYS if k not in {f["key"] for f in b["fields"]}]
            if free:
                new = draw(fields(draw(st.sampled_from(free))))
                b["fields"].insert(draw(st.integers(0, len(b["fields"]))), new)
        elif edit == "shuffle":
            b["fields"] = draw(st.permutations(b["fields"]))
    return a, b


form_pairs = st.one_of(edited_forms(), st.tuples(forms(), forms()))

PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(workflows())
def test_workflow_diff_with_itself_is_empty(a: Document) -> None:
    assert diff(a, copy.deepcopy(a)) == []


@PROPERTY
@given(workflow_pairs)
def test_apply_replays_a_workflow_diff(pair: tuple[Document, Document]) -> None:
    a, b = pair
    changes = diff(a, b)
    assert diff(a, b) == changes  # deterministic
    result = replays(a, b)
    assert {n["id"]: n.get("position") for n in result["nodes"]} == {
        n["id"]: n.get("position") for n in b["nodes"]
    }
    assert [e["id"] for e in result["edges"]] == [e["id"] for e in b["edges"]]
    assert diff(result, b) == []
    for change in changes:
        assert change.summary["en"] and change.summary["zh-CN"]
        assert change.aspect == ("layout" if change.path.endswith("/position") else "logic")


@PROPERTY
@given(workflows(), st.data())
def test_moving_nodes_only_gives_layout_changes(a: Document, data: st.DataObject) -> None:
    b = copy.deepcopy(a)
    for item in b["nodes"]:
        item["position"] = data.draw(positions)
    changes = diff(a, b)
    assert all(c.aspect == "layout" for c in changes)
    assert all(c.path == f"/nodes/{c.path.split('/')[2]}/position" for c in changes)
    assert len({c.path for c in changes}) == len(changes)
    assert logic_view(a) == logic_view(b)


@PROPERTY
@given(forms())
def test_form_diff_with_itself_is_empty(a: Document) -> None:
    assert diff(a, copy.deepcopy(a)) == []


@PROPERTY
@given(form_pairs)
def test_apply_replays_a_form_diff(pair: tuple[Document, Document]) -> None:
    a, b = pair
    result = replays(a, b)
    assert [f["key"] for f in result["fields"]] == [f["key"] for f in b["fields"]]
    assert result == b


json_keys = st.sampled_from(["a", "b", "config", "levels", "x", "审批"])
json_values = st.recursive(
    config_scalars | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_keys, inner, max_size=3),
    max_leaves=12,
)


@PROPERTY
@given(st.dictionaries(json_keys, json_values), st.dictionaries(json_keys, json_values))
def test_apply_replays_any_json_diff(a: Document, b: Document) -> None:
    assert apply(a, diff(a, b)) == b
    assert diff(a, a) == []
