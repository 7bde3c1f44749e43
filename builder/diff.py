"""Structural diff of two documents, readable by the people who drew them.

Items of the collections users edit on the canvas (steps, connections, form
fields, roles, template parameters and bundled documents) are aligned by
their stable id, never by list position or label, as SpiffWorkflow's
``SpecDiff`` does: deleting the second step must not read as "every later
step changed". Each change carries a JSON pointer whose segments for those
collections are ids (``/nodes/mgr/config/levels/0/role``), before and after
values, whether it is logic or only layout, and a sentence in English and
Chinese for the review screen.

``apply`` replays a diff onto a document; it is what a template rebase and
"undo this change" build on. ``logic_view`` drops what does not change
behaviour (positions, the order of unordered collections), so two documents
that behave the same compare equal.

Which lists are id-keyed is decided by field name at a document root, not by
``kind``: the names are unique across kinds (``nodes`` only in workflows,
``fields`` only in forms at the root, ...), and ``apply`` can then resolve a
pointer from the document alone, even while the changes it applies are
still being made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

import msgspec

from builder.errors import escape_pointer

__all__ = ["ApplyError", "Aspect", "Change", "Op", "apply", "diff", "logic_view"]

Op = Literal["added", "removed", "changed"]
Aspect = Literal["logic", "layout"]

# Root field -> the item field that identifies an item of that collection.
_COLLECTIONS: dict[str, str] = {
    "nodes": "id",
    "edges": "id",
    "fields": "key",
    "roles": "role",
    "parameters": "name",
    "workflows": "key",
    "forms": "key",
    "permission_matrices": "key",
}
# Collections of a template whose items are whole documents, diffed by the same rules.
_SUBDOCUMENTS = frozenset({"workflows", "forms", "permission_matrices"})
# Collections whose order means something, and what: a decision takes the
# first matching edge in order (logic); fields are shown in order (layout).
_ORDERED: dict[str, Aspect] = {"edges": "logic", "fields": "layout"}


class Change(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One difference between two documents.

    ``path`` is a JSON pointer into the documents in which items of id-keyed
    collections are named by id. An item added or removed as a whole is one
    change holding the whole item. A change of order is ``changed`` at the
    collection's own path with the lists of ids before and after."""

    op: Op
    path: str
    aspect: Aspect
    before: Any = None
    after: Any = None
    summary: dict[str, str] = msgspec.field(default_factory=dict)


class ApplyError(ValueError):
    """A change does not fit the document it is applied to (its path is missing,
    or it adds an item that is already there): the document is not the one
    the diff was taken from, and a merge has to decide."""


# --------------------------------------------------------------------------- diff


class _Subject(NamedTuple):
    """An item the walk has entered, for pointers and sentences."""

    collection: str
    ident: str
    item: dict[str, Any]
    document: dict[str, Any]  # the document holding it, to name an edge's ends


class _Where(NamedTuple):
    pointer: str
    trail: tuple[_Subject, ...]  # items entered, outermost first
    props: tuple[str, ...]  # keys and indexes since the last item
    root: bool  # the value here is a document root
    node: bool  # the value here is a workflow node (its position is layout)

    def child(self, segment: str | int) -> _Where:
        return _Where(
            f"{self.pointer}/{escape_pointer(segment)}",
            self.trail,
            (*self.props, str(segment)),
            root=False,
            node=False,
        )

    def item(self, subject: _Subject) -> _Where:
        return _Where(
            f"{self.pointer}/{escape_pointer(subject.ident)}",
            (*self.trail, subject),
            (),
            root=subject.collection in _SUBDOCUMENTS,
            node=subject.collection == "nodes",
        )


_TOP = _Where("", (), (), root=True, node=False)


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """The changes that turn ``a`` into ``b``.

    Order is deterministic: ``a``'s document order, then what is new in ``b``
    (at each level), then a change of order if there is one. ``diff(a, a)``
    is empty. Numbers compare by value (``1 == 1.0``, as in the content hash)
    but ``true`` is not ``1``."""
    out: list[Change] = []
    _diff_dict(a, b, _TOP, out)
    return out


def _diff_value(a: Any, b: Any, where: _Where, out: list[Change]) -> None:
    if _equal(a, b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        _diff_dict(a, b, where, out)
    elif isinstance(a, list) and isinstance(b, list) and _has_containers(a, b):
        _diff_list(a, b, where, out)
    else:
        # Scalars, and lists of scalars (actions, option values) as one value:
        # "actions changed from start to start, publish" reads better than
        # a change per index.
        out.append(_change("changed", where, a, b))


def _diff_dict(a: dict[str, Any], b: dict[str, Any], where: _Where, out: list[Change]) -> None:
    for key, before in a.items():
        here = where.child(key)
        if key not in b:
            out.append(_change("removed", here, before, None, aspect=_aspect(where, key)))
            continue
        after = b[key]
        if where.node and key == "position":
            if not _equal(before, after):
                out.append(_change("changed", here, before, after, aspect="layout", moved=True))
        elif where.root and key in _COLLECTIONS and isinstance(before, list):
            if isinstance(after, list) and _keyable(before, key) and _keyable(after, key):
                _diff_collection(key, before, after, a, b, where, out)
            elif not _equal(before, after):
                # A draft with duplicate or missing ids cannot be aligned; say it
                # changed as a whole rather than guess.
                out.append(_change("changed", here, before, after))
        else:
            _diff_value(before, after, here, out)
    for key, after in b.items():
        if key not in a:
            out.append(_change("added", where.child(key), None, after, aspect=_aspect(where, key)))


def _diff_collection(
    name: str,
    a: list[dict[str, Any]],
    b: list[dict[str, Any]],
    doc_a: dict[str, Any],
    doc_b: dict[str, Any],
    where: _Where,
    out: list[Change],
) -> None:
    field = _COLLECTIONS[name]
    here = where.child(name)
    b_items = {item[field]: item for item in b}
    a_ids = [item[field] for item in a]
    for item in a:
        ident = item[field]
        subject = _Subject(name, ident, item, doc_a)
        if ident not in b_items:
            out.append(_item_change("removed", here.item(subject), item, None))
        else:
            _diff_dict(item, b_items[ident], here.item(subject), out)
    kept = set(a_ids)
    for item in b:
        ident = item[field]
        if ident not in kept:
            subject = _Subject(name, ident, item, doc_b)
            out.append(_item_change("added", here.item(subject), None, item))
    if name in _ORDERED:
        b_ids = [item[field] for item in b]
        present = set(b_ids)
        # What apply produces without an order change: a's order, new items last.
        natural = [i for i in a_ids if i in present] + [i for i in b_ids if i not in kept]
        if natural != b_ids:
            out.append(_change("changed", here, a_ids, b_ids, aspect=_ORDERED[name], order=True))


def _diff_list(a: list[Any], b: list[Any], where: _Where, out: list[Change]) -> None:
    for index in range(min(len(a), len(b))):
        _diff_value(a[index], b[index], where.child(index), out)
    for index in range(len(b), len(a)):
        out.append(_change("removed", where.child(index), a[index], None))
    for index in range(len(a), len(b)):
        out.append(_change("added", where.child(index), None, b[index]))


def _aspect(where: _Where, key: str) -> Aspect:
    return "layout" if where.node and key == "position" else "logic"


def _keyable(items: list[Any], name: str) -> bool:
    """Every item an object with a distinct string id, so items can be aligned."""
    field = _COLLECTIONS[name]
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            return False
        ident = item.get(field)
        if not isinstance(ident, str) or ident in seen:
            return False
        seen.add(ident)
    return True


def _has_containers(*lists: list[Any]) -> bool:
    return any(isinstance(item, dict | list) for values in lists for item in values)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value, but a boolean is never a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _change(
    op: Op,
    where: _Where,
    before: Any,
    after: Any,
    *,
    aspect: Aspect = "logic",
    moved: bool = False,
    order: bool = False,
) -> Change:
    if order:
        summary = _order_summary(where, before, after)
    elif moved:
        summary = _moved_summary(where)
    else:
        summary = _value_summary(op, where, before, after)
    return Change(
        op=op,
        path=where.pointer,
        aspect=aspect,
        before=_copy(before),
        after=_copy(after),
        summary=summary,
    )


def _item_change(op: Op, where: _Where, before: Any, after: Any) -> Change:
    return Change(
        op=op,
        path=where.pointer,
        aspect="logic",
        before=_copy(before),
        after=_copy(after),
        summary=_item_summary(op, where),
    )


# ---------------------------------------------------------------------- sentences

# Item nouns per collection: (English, Chinese).
_NOUNS: dict[str, tuple[str, str]] = {
    "nodes": ("step", "节点"),
    "edges": ("connection", "连线"),
    "fields": ("field", "字段"),
    "roles": ("role", "角色"),
    "parameters": ("parameter", "参数"),
    "workflows": ("workflow", "流程"),
    "forms": ("form", "表单"),
    "permission_matrices": ("permission matrix", "权限矩阵"),
}

# Words for the fields people meet in the studio; anything else is shown as is.
_WORDS: dict[str, tuple[str, str]] = {
    "title": ("title", "标题"),
    "description": ("description", "描述"),
    "label": ("label", "名称"),
    "help": ("help text", "帮助文字"),
    "type": ("type", "类型"),
    "key": ("key", "标识"),
    "kind": ("document kind", "文档类型"),
    "schema_version": ("schema version", "结构版本"),
    "record_form": ("record form", "记录表单"),
    "nodes": ("steps", "节点"),
    "edges": ("connections", "连线"),
    "fields": ("fields", "字段"),
    "roles": ("roles", "角色"),
    "parameters": ("parameters", "参数"),
    "workflows": ("workflows", "流程"),
    "forms": ("forms", "表单"),
    "permission_matrices": ("permission matrices", "权限矩阵"),
    "position": ("position", "位置"),
    "source": ("start step", "起点"),
    "target": ("end step", "终点"),
    "source_port": ("output", "输出端口"),
    "condition": ("condition", "条件"),
    "default": ("default", "默认值"),
    "required": ("required", "必填"),
    "unique": ("unique", "唯一"),
    "min": ("minimum", "最小值"),
    "max": ("maximum", "最大值"),
    "pattern": ("format", "格式"),
    "currency": ("currency", "币种"),
    "options": ("options", "选项"),
    "expression": ("formula", "公式"),
    "access": ("access", "访问权限"),
    "row_scope": ("row scope", "数据范围"),
    "actions": ("actions", "操作"),
}
_LANGUAGE: dict[str, tuple[str, str]] = {"en": ("English", "英文"), "zh-CN": ("Chinese", "中文")}
_LABELLED = frozenset({"title", "description", "label", "help"})


def _label(value: Any, lang: int) -> str | None:
    """The text of a ``{en, zh-CN}`` label in one language (0 en, 1 zh-CN)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return None
    text = value.get("zh-CN") if lang else None
    text = text or value.get("en")
    return text if isinstance(text, str) else None


def _name(item: Any, collection: str, lang: int) -> str | None:
    if not isinstance(item, dict):
        return None
    return _label(item.get("title" if collection in _SUBDOCUMENTS else "label"), lang)


def _node_name(document: dict[str, Any], ident: Any, lang: int) -> str:
    nodes = document.get("nodes")
    for node in nodes if isinstance(nodes, list) else ():
        if isinstance(node, dict) and node.get("id") == ident:
            return _name(node, "nodes", lang) or str(ident)
    return str(ident)


def _subject(subject: _Subject, lang: int) -> str:
    noun = _NOUNS[subject.collection][lang]
    name = _name(subject.item, subject.collection, lang)
    if name is not None:
        return (
            f"{noun} “{name}” ({subject.ident})"
            if not lang
            else f"{noun}“{name}”（{subject.ident}）"
        )
    if subject.collection == "edges":
        ends = [
            _node_name(subject.document, subject.item.get(e), lang) for e in ("source", "target")
        ]
        if not lang:
            return f"{noun} {subject.ident} from “{ends[0]}” to “{ends[1]}”"
        return f"从“{ends[0]}”到“{ends[1]}”的{noun} {subject.ident}"
    return f"{noun} {subject.ident}"


def _subjects(trail: Iterable[_Subject], lang: int) -> str:
    return (": " if not lang else "：").join(_subject(s, lang) for s in trail)


def _prop(where: _Where, lang: int) -> str:
    if not where.props:
        return ""
    head, *rest = where.props
    if where.trail and where.trail[-1].collection == "edges" and head == "default":
        return ("default branch", "默认分支")[lang]
    if head == "config":
        # A component's own settings: their names are the component's, shown as is.
        if not rest:
            return ("settings", "设置")[lang]
        return ("setting ", "设置 ")[lang] + " › ".join(rest)
    words = [_WORDS.get(head, (head, head))[lang]]
    if head in _LABELLED and rest and rest[0] in _LANGUAGE:
        language = _LANGUAGE[rest.pop(0)][lang]
        words[0] += f" ({language})" if not lang else f"（{language}）"
    words.extend(_WORDS.get(segment, (segment, segment))[lang] for segment in rest)
    return " › ".join(words)


def _show(value: Any, lang: int) -> str:
    if value is None:
        return ("(empty)", "（空）")[lang]
    if isinstance(value, bool):
        return ("yes", "是")[lang] if value else ("no", "否")[lang]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, dict) and value and set(value) <= {"en", "zh-CN"}:
        return _label(value, lang) or ""
    if isinstance(value, dict) and value and not _has_containers(list(value.values())):
        return (", ", "，")[lang].join(
            f"{key}{(': ', '：')[lang]}{_show(item, lang)}" for key, item in value.items()
        )
    if isinstance(value, list) and not _has_containers(value):
        return (", ", "、")[lang].join(_show(item, lang) for item in value) or ("(none)", "（无）")[
            lang
        ]
    text = msgspec.json.encode(value, order="sorted").decode()
    return text if len(text) <= 120 else text[:119] + "…"


def _sentence(where: _Where, en: str, zh: str) -> dict[str, str]:
    """Prefix the subjects (outermost first) and capitalise the English."""
    parts = []
    for lang, text in ((0, en), (1, zh)):
        prefix = _subjects(where.trail, lang)
        if prefix:
            text = prefix + (": " if not lang else "：") + text
        parts.append(text[:1].upper() + text[1:] if not lang else text)
    return {"en": parts[0], "zh-CN": parts[1]}


def _value_summary(op: Op, where: _Where, before: Any, after: Any) -> dict[str, str]:
    en_prop, zh_prop = _prop(where, 0), _prop(where, 1)
    # A space between Latin and Chinese text, as typeset Chinese has it.
    zh_head = zh_prop + " " if zh_prop[-1:].isascii() else zh_prop
    zh_removed = "删除了" + (" " if zh_prop[:1].isascii() else "") + zh_prop
    if op == "changed":
        return _sentence(
            where,
            f"{en_prop} changed from “{_show(before, 0)}” to “{_show(after, 0)}”.",
            f"{zh_head}由“{_show(before, 1)}”改为“{_show(after, 1)}”。",
        )
    if op == "added":
        return _sentence(
            where,
            f"{en_prop} set to “{_show(after, 0)}”.",
            f"{zh_head}设为“{_show(after, 1)}”。",
        )
    return _sentence(
        where,
        f"{en_prop} removed (was “{_show(before, 0)}”).",
        f"{zh_removed}（原为“{_show(before, 1)}”）。",
    )


def _item_summary(op: Op, where: _Where) -> dict[str, str]:
    *outer, subject = where.trail
    parent = where._replace(trail=tuple(outer))
    en, zh = _subject(subject, 0), _subject(subject, 1)
    if op == "added":
        return _sentence(parent, f"{en} added.", f"新增{zh}。")
    return _sentence(parent, f"{en} removed.", f"删除了{zh}。")


def _moved_summary(where: _Where) -> dict[str, str]:
    *outer, subject = where.trail
    parent = where._replace(trail=tuple(outer))
    return _sentence(
        parent,
        f"{_subject(subject, 0)} moved on the canvas (layout only).",
        f"{_subject(subject, 1)}在画布上移动了位置（仅布局）。",
    )


def _order_summary(where: _Where, before: list[str], after: list[str]) -> dict[str, str]:
    old_en, new_en = ", ".join(before), ", ".join(after)
    old_zh, new_zh = "、".join(before), "、".join(after)
    if where.props[-1] == "edges":
        return _sentence(
            where._replace(props=()),
            "the order of connections changed (a decision follows the first matching one): "
            f"{old_en} → {new_en}.",
            f"连线顺序已调整（判断节点采用第一条符合条件的连线）：{old_zh} → {new_zh}。",
        )
    return _sentence(
        where._replace(props=()),
        f"the display order of fields changed: {old_en} → {new_en}.",
        f"字段显示顺序已调整：{old_zh} → {new_zh}。",
    )


# -------------------------------------------------------------------------- apply


class _Tombstone:
    """Marks a list element removed by index until the end of ``apply``, so
    that later indexes in the same diff still point where they did in ``a``."""


_GONE = _Tombstone()


def apply(document: dict[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """A new document: ``document`` with ``changes`` made, in order.

    ``apply(a, diff(a, b))`` behaves like ``b`` (``logic_view`` equal, same
    positions, same edge and field order). New items of id-keyed collections
    are appended unless an order change places them. ``before`` values are
    not checked against the document: deciding what a mismatch means is the
    merge's job, not this function's. Raises :class:`ApplyError` when a path
    does not resolve. ``document`` is never modified."""
    result: dict[str, Any] = _copy(document)
    for change in changes:
        _apply_one(result, change)
    purged: dict[str, Any] = _purge(result)
    return purged


def _split(pointer: str) -> list[str]:
    if not pointer.startswith("/"):
        raise ApplyError(f"{pointer!r} is not a JSON pointer into the document")
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer[1:].split("/")]


class _Place(NamedTuple):
    """A container reached by a pointer and how its children are addressed."""

    value: Any
    root: bool  # a document root: its collections are id-keyed
    keyed: str | None  # an id-keyed collection: its name


def _apply_one(document: dict[str, Any], change: Change) -> None:
    segments = _split(change.path)
    place = _Place(document, root=True, keyed=None)
    for depth, segment in enumerate(segments[:-1]):
        place = _enter(place, segment, change.path, segments[: depth + 1])
    last = segments[-1]
    container = place.value
    if isinstance(container, dict):
        if change.op == "removed":
            if last not in container:
                raise ApplyError(f"{change.path}: nothing to remove")
            del container[last]
        elif (
            change.op == "changed" and place.root and _is_reorder(container.get(last), last, change)
        ):
            container[last] = _reorder(container[last], last, change.after)
        else:
            if change.op == "changed" and last not in container:
                raise ApplyError(f"{change.path}: nothing to change")
            container[last] = _copy(change.after)
    elif place.keyed is not None:
        index = _find(container, place.keyed, last)
        if change.op == "added":
            if index is not None:
                raise ApplyError(f"{change.path}: already present")
            container.append(_copy(change.after))
        elif index is None:
            raise ApplyError(f"{change.path}: no such item")
        elif change.op == "removed":
            del container[index]
        else:
            container[index] = _copy(change.after)
    elif isinstance(container, list):
        index = _index(last, change.path)
        if change.op == "added":
            container.insert(min(index, len(container)), _copy(change.after))
        elif index >= len(container) or container[index] is _GONE:
            raise ApplyError(f"{change.path}: no such element")
        elif change.op == "removed":
            container[index] = _GONE
        else:
            container[index] = _copy(change.after)
    else:
        raise ApplyError(f"{change.path}: {type(container).__name__} has no parts")


def _enter(place: _Place, segment: str, path: str, seen: list[str]) -> _Place:
    container = place.value
    where = "/" + "/".join(escape_pointer(s) for s in seen)
    if isinstance(container, dict):
        if segment not in container:
            raise ApplyError(f"{path}: {where} does not exist")
        child = container[segment]
        keyed = (
            segment if place.root and segment in _COLLECTIONS and isinstance(child, list) else None
        )
        return _Place(child, root=False, keyed=keyed)
    if place.keyed is not None:
        index = _find(container, place.keyed, segment)
        if index is None:
            raise ApplyError(f"{path}: {where} does not exist")
        return _Place(container[index], root=place.keyed in _SUBDOCUMENTS, keyed=None)
    if isinstance(container, list):
        index = _index(segment, path)
        if index >= len(container) or container[index] is _GONE:
            raise ApplyError(f"{path}: {where} does not exist")
        return _Place(container[index], root=False, keyed=None)
    raise ApplyError(f"{path}: {where} is not an object or a list")


def _find(items: list[Any], name: str, ident: str) -> int | None:
    field = _COLLECTIONS[name]
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get(field) == ident:
            return index
    return None


def _index(segment: str, path: str) -> int:
    if not segment.isdigit():
        raise ApplyError(f"{path}: {segment!r} is not a list index")
    return int(segment)


def _is_reorder(current: Any, name: str, change: Change) -> bool:
    """An order change (lists of ids) rather than a whole collection replaced.

    A replaced collection's ``before`` is the old list of objects, so it is
    never a list of ids unless it was empty, and then ``after`` cannot name
    exactly the (no) items present."""
    if name not in _ORDERED or not isinstance(current, list) or not _keyable(current, name):
        return False
    before, after = change.before, change.after
    if not (isinstance(before, list) and isinstance(after, list)):
        return False
    if not all(isinstance(i, str) for i in (*before, *after)):
        return False
    field = _COLLECTIONS[name]
    return sorted(after) == sorted(item[field] for item in current)


def _reorder(items: list[dict[str, Any]], name: str, order: list[str]) -> list[dict[str, Any]]:
    field = _COLLECTIONS[name]
    rank = {ident: position for position, ident in enumerate(order)}
    return sorted(items, key=lambda item: rank.get(item[field], len(rank)))


def _purge(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _purge(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_purge(item) for item in value if item is not _GONE]
    return value


# --------------------------------------------------------------------- logic view


def logic_view(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without what does not change behaviour, for comparing logic.

    Node positions are dropped and id-keyed collections sorted by id, except
    ``edges``, whose order decides which branch a decision takes. Field order
    is display only, so fields are sorted too. Bundled documents of a
    template get the same treatment."""
    view: dict[str, Any] = {}
    for key, value in document.items():
        if key in _COLLECTIONS and isinstance(value, list):
            items = [_logic_item(key, item) for item in value]
            if key != "edges":
                field = _COLLECTIONS[key]
                items.sort(key=lambda item: _sort_key(item, field))
            view[key] = items
        else:
            view[key] = _copy(value)
    return view


def _logic_item(collection: str, item: Any) -> Any:
    if not isinstance(item, dict):
        return _copy(item)
    if collection in _SUBDOCUMENTS:
        return logic_view(item)
    if collection == "nodes":
        return {key: _copy(value) for key, value in item.items() if key != "position"}
    return _copy(item)


def _sort_key(item: Any, field: str) -> tuple[int, str]:
    if isinstance(item, dict) and isinstance(item.get(field), str):
        return (0, item[field])
    return (1, msgspec.json.encode(item, order="sorted").decode())
