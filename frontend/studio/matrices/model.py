"""Edits of a permission matrix, as pure functions: document in, new document out.

A *holder* is a role rule (``("role", i)``, ``/roles/i``) or a grant
(``("grant", i)``, ``/grants/i``): both carry ``forms`` rules, ``actions`` and
``workflows``, and the grid edits both alike. A form rule's field access comes
from, most specific first: ``stages[stage][field]``, ``fields[field]``, its
``access`` default (``read`` when absent), as ``builder/access.py`` reads it.
A cell cycles hidden → read → write → hidden; an override that comes back to
what it would inherit anyway is dropped, so the document lists only the
exceptions. The functions never touch their argument (the editor keeps earlier
documents for undo).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ACCESS",
    "ACTIONS",
    "HOLDERS",
    "SCOPES",
    "add_grant",
    "add_role",
    "cell",
    "cycle",
    "form_rule",
    "give_access",
    "holder",
    "remove_access",
    "remove_grant",
    "remove_role",
    "set_form_rule",
    "set_grant",
    "set_holder",
    "set_workflows",
    "toggle_action",
]

Document = dict[str, Any]
ACCESS = ("hidden", "read", "write")
SCOPES = ("own", "team", "region", "all")
ACTIONS = ("start", "decide", "publish", "roll_back", "run_sandbox", "export")
HOLDERS = {"role": "roles", "grant": "grants"}


def _list(document: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    found = document.get(name)
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def holder(document: Mapping[str, Any], kind: str, index: int) -> dict[str, Any] | None:
    items = document.get(HOLDERS.get(kind, ""))
    if not isinstance(items, list) or not 0 <= index < len(items):
        return None
    item = items[index]
    return item if isinstance(item, dict) else None


def form_rule(rights: Mapping[str, Any] | None, form: str) -> dict[str, Any] | None:
    """The holder's rule for ``form`` (the first, as the policy reads them all)."""
    if rights is None:
        return None
    return next((r for r in _list(rights, "forms") if r.get("form") == form), None)


def _base(rule: Mapping[str, Any], field: str, stage: str) -> str:
    """What a cell of stage ``stage`` inherits ("" stage: what the default tab inherits)."""
    if stage:
        fields = rule.get("fields")
        if isinstance(fields, dict) and field in fields:
            return str(fields[field])
    return str(rule.get("access", "read"))


def cell(rule: Mapping[str, Any] | None, field: str, stage: str) -> tuple[str, bool]:
    """(access, explicit) of a field on the default tab (``stage`` "") or a stage tab;
    explicit when this tab itself sets it. No rule: hidden."""
    if rule is None:
        return "hidden", False
    table = rule.get("fields") if not stage else (rule.get("stages") or {}).get(stage)
    if isinstance(table, dict) and field in table:
        return str(table[field]), True
    return _base(rule, field, stage), False


def _edit_rule(document: Document, kind: str, index: int, form: str, change: Any) -> Document:
    rights = holder(document, kind, index)
    if form_rule(rights, form) is None:
        return document
    out = copy.deepcopy(document)
    changed = form_rule(holder(out, kind, index), form)
    change(changed)
    return out


def cycle(document: Document, kind: str, index: int, form: str, stage: str, field: str) -> Document:
    """The cell's access one step on (hidden → read → write → hidden)."""
    current, _ = cell(form_rule(holder(document, kind, index), form), field, stage)
    following = ACCESS[(ACCESS.index(current) + 1) % len(ACCESS)] if current in ACCESS else "read"

    def change(rule: dict[str, Any]) -> None:
        inherited = _base(rule, field, stage)
        if stage:
            stages = rule.setdefault("stages", {})
            table = stages.setdefault(stage, {})
        else:
            table = rule.setdefault("fields", {})
        if following == inherited:
            table.pop(field, None)
        else:
            table[field] = following
        if stage and not table:
            rule["stages"].pop(stage)
        for name in ("fields", "stages"):
            if name in rule and not rule[name]:
                rule.pop(name)

    return _edit_rule(document, kind, index, form, change)


def set_form_rule(
    document: Document, kind: str, index: int, form: str, changes: Mapping[str, str]
) -> Document:
    """The rule's default ``access`` or ``row_scope`` changed."""
    wanted = {
        k: v
        for k, v in changes.items()
        if (k == "access" and v in ACCESS) or (k == "row_scope" and v in SCOPES)
    }
    return _edit_rule(document, kind, index, form, lambda rule: rule.update(wanted))


def give_access(document: Document, kind: str, index: int, form: str) -> Document:
    """A rule for ``form``: read access to its own records, to start from."""
    rights = holder(document, kind, index)
    if rights is None or form_rule(rights, form) is not None:
        return document
    out = copy.deepcopy(document)
    changed = holder(out, kind, index) or {}
    changed["forms"] = [
        *_list(changed, "forms"),
        {"form": form, "access": "read", "row_scope": "own"},
    ]
    return out


def remove_access(document: Document, kind: str, index: int, form: str) -> Document:
    rights = holder(document, kind, index)
    if form_rule(rights, form) is None:
        return document
    out = copy.deepcopy(document)
    changed = holder(out, kind, index) or {}
    kept = [r for r in _list(changed, "forms") if r.get("form") != form]
    if kept or kind == "grant":
        changed["forms"] = kept
    else:
        changed.pop("forms", None)
    return out


def add_role(document: Document, role: str) -> Document:
    """A new role with no rights yet (a role named already is not added twice)."""
    role = role.strip()
    if not role or any(r.get("role") == role for r in _list(document, "roles")):
        return document
    out = copy.deepcopy(document)
    out["roles"] = [*_list(out, "roles"), {"role": role}]
    return out


def remove_role(document: Document, index: int) -> Document:
    if holder(document, "role", index) is None:
        return document
    out = copy.deepcopy(document)
    del out["roles"][index]
    return out


def toggle_action(document: Document, kind: str, index: int, action: str) -> Document:
    rights = holder(document, kind, index)
    if rights is None or action not in ACTIONS:
        return document
    out = copy.deepcopy(document)
    changed = holder(out, kind, index) or {}
    chosen = set(changed.get("actions") or [])
    chosen ^= {action}
    ordered = [a for a in ACTIONS if a in chosen]
    if ordered:
        changed["actions"] = ordered
    else:
        changed.pop("actions", None)
    return out


def set_workflows(document: Document, kind: str, index: int, keys: Sequence[str]) -> Document:
    """The workflows the holder's actions are limited to (none: every workflow)."""
    if holder(document, kind, index) is None:
        return document
    out = copy.deepcopy(document)
    changed = holder(out, kind, index) or {}
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if wanted:
        changed["workflows"] = wanted
    else:
        changed.pop("workflows", None)
    return out


# ---- grants ----------------------------------------------------------------------------


def add_grant(
    document: Document, who: str, name: str, starts_at: str, ends_at: str, reason: str
) -> Document:
    """A grant for a ``user`` or a ``role`` (``who``) named ``name``."""
    grant: dict[str, Any] = {"starts_at": starts_at, "ends_at": ends_at, "reason": reason}
    if name.strip():
        grant["user" if who == "user" else "role"] = name.strip()
    out = copy.deepcopy(document)
    out["grants"] = [*_list(out, "grants"), grant]
    return out


def remove_grant(document: Document, index: int) -> Document:
    if holder(document, "grant", index) is None:
        return document
    out = copy.deepcopy(document)
    del out["grants"][index]
    if not out["grants"]:
        out.pop("grants")
    return out


def set_holder(document: Document, index: int, who: str, name: str) -> Document:
    """Whom the grant is for: a user or a role (exactly one of the two)."""
    if holder(document, "grant", index) is None or who not in ("user", "role"):
        return document
    out = copy.deepcopy(document)
    grant = out["grants"][index]
    grant.pop("user", None)
    grant.pop("role", None)
    if name.strip():
        grant[who] = name.strip()
    return out


def set_grant(document: Document, index: int, changes: Mapping[str, str]) -> Document:
    """The grant's ``starts_at``, ``ends_at`` or ``reason``."""
    if holder(document, "grant", index) is None:
        return document
    out = copy.deepcopy(document)
    grant = out["grants"][index]
    for name, value in changes.items():
        if name in ("starts_at", "ends_at", "reason"):
            grant[name] = value
    return out
