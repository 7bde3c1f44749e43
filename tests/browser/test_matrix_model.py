"""The matrix editor's pure parts, without a browser: the grid's edits, grant times,
the grid-derived "preview as role" against the builder's own preview; and the labels
the form designer and the matrix editor name."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from builder import check
from builder.forms import form_model
from builder.permission_views import preview
from builder.references import References
from schemas.form import FIELD_TYPES
from studio.labels import LABELS, text
from studio.matrices import model, times
from studio.matrices.model import ACCESS, ACTIONS, SCOPES
from studio.matrices.preview import role_view
from tests.browser.test_forms_model import deal_form

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STUDIO = Path(__file__).parents[2] / "frontend" / "studio"


def staged_deal() -> dict[str, Any]:
    form = deal_form()
    stages = [{"value": v, "label": {"en": v}} for v in ("qualify", "propose", "won")]
    form["fields"].append(
        {"key": "stage", "type": "select", "label": {"en": "Stage"}, "options": stages}
    )
    form["fields"][4]["show_when"] = {"field": "customer_type", "in": ["key_account"]}
    form["fields"][5]["require_when"] = {"roles": ["manager"]}
    form["stage_field"] = "stage"
    return form


def matrix() -> dict[str, Any]:
    return {
        "kind": "permission_matrix",
        "schema_version": 2,
        "key": "sales",
        "title": {"en": "Sales"},
        "roles": [
            {
                "role": "rep",
                "forms": [{"form": "deal", "access": "write", "row_scope": "own"}],
                "actions": ["start"],
            },
            {"role": "manager"},
        ],
    }


def refs() -> References:
    form = staged_deal()
    return References(forms={"deal": [f["key"] for f in form["fields"]]})


def test_a_cell_cycles_and_only_exceptions_are_written() -> None:
    doc = matrix()
    access = [model.cell(model.form_rule(doc["roles"][0], "deal"), "margin", "")]
    for _ in range(3):
        doc = model.cycle(doc, "role", 0, "deal", "", "margin")
        access.append(model.cell(model.form_rule(doc["roles"][0], "deal"), "margin", ""))
    # write (the role's default) → hidden → read → write again, which is no exception.
    assert access == [("write", False), ("hidden", True), ("read", True), ("write", False)]
    assert "fields" not in doc["roles"][0]["forms"][0]
    hidden = model.cycle(matrix(), "role", 0, "deal", "", "margin")
    assert hidden["roles"][0]["forms"][0]["fields"] == {"margin": "hidden"}
    assert check(hidden, refs(), kind="permission_matrix", key="sales").errors == []


def test_a_stage_tab_sets_exceptions_to_every_stage() -> None:
    doc = model.cycle(matrix(), "role", 0, "deal", "", "margin")  # hidden at every stage
    rule = doc["roles"][0]["forms"][0]
    assert model.cell(rule, "margin", "won") == ("hidden", False)  # inherited
    doc = model.cycle(doc, "role", 0, "deal", "won", "margin")  # → read when won
    rule = doc["roles"][0]["forms"][0]
    assert rule["stages"] == {"won": {"margin": "read"}}
    assert model.cell(rule, "margin", "won") == ("read", True)
    assert model.cell(rule, "margin", "qualify") == ("hidden", False)
    doc = model.cycle(doc, "role", 0, "deal", "won", "margin")  # write
    doc = model.cycle(doc, "role", 0, "deal", "won", "margin")  # hidden again: no exception
    assert "stages" not in doc["roles"][0]["forms"][0]


def test_a_role_without_a_rule_for_the_form_sees_nothing_until_given_access() -> None:
    doc = matrix()
    assert model.cell(model.form_rule(doc["roles"][1], "deal"), "name", "") == ("hidden", False)
    assert model.cycle(doc, "role", 1, "deal", "", "name") is doc
    doc = model.give_access(doc, "role", 1, "deal")
    doc = model.set_form_rule(doc, "role", 1, "deal", {"row_scope": "region", "access": "nope"})
    assert doc["roles"][1]["forms"] == [{"form": "deal", "access": "read", "row_scope": "region"}]
    assert model.remove_access(doc, "role", 1, "deal")["roles"][1] == {"role": "manager"}


def test_roles_actions_and_workflows() -> None:
    doc = model.add_role(matrix(), " director ")
    assert model.add_role(doc, "director") is doc
    doc = model.toggle_action(doc, "role", 2, "export")
    doc = model.toggle_action(doc, "role", 2, "decide")
    assert doc["roles"][2] == {"role": "director", "actions": ["decide", "export"]}
    doc = model.set_workflows(doc, "role", 2, ["quote-discount", " ", "quote-discount"])
    assert doc["roles"][2]["workflows"] == ["quote-discount"]
    assert [r["role"] for r in model.remove_role(doc, 0)["roles"]] == ["manager", "director"]
    before = repr(doc)
    model.cycle(doc, "role", 0, "deal", "", "margin")
    model.toggle_action(doc, "role", 0, "start")
    assert repr(doc) == before  # edits never change their argument


def test_grants_for_a_user_or_a_role() -> None:
    start, end = "2026-12-01T09:00:00+08:00", "2026-12-31T18:00:00+08:00"
    doc = model.add_grant(matrix(), "role", "manager", start, end, "quarter end")
    doc = model.give_access(doc, "grant", 0, "deal")
    doc = model.cycle(doc, "grant", 0, "deal", "", "margin")  # read → write
    assert doc["grants"][0]["forms"][0]["fields"] == {"margin": "write"}
    assert check(doc, refs(), kind="permission_matrix", key="sales").errors == []
    doc = model.set_holder(doc, 0, "user", "alice")
    assert doc["grants"][0]["user"] == "alice" and "role" not in doc["grants"][0]
    doc = model.set_grant(doc, 0, {"ends_at": "2026-11-01T00:00:00+08:00", "kind": "x"})
    pointers = [e.pointer for e in check(doc, refs(), kind="permission_matrix", key="sales").errors]
    assert pointers == ["/grants/0/ends_at"]  # ends before it starts
    assert "grants" not in model.remove_grant(doc, 0)


def test_grant_times_keep_their_offset() -> None:
    assert times.to_input("2026-12-01T09:30:00+08:00") == ("2026-12-01T09:30", "+08:00")
    assert times.to_input("2026-12-01T09:30:00") == ("", "")  # no offset: not a time here
    assert times.to_iso("2026-12-02T10:00", "+08:00") == "2026-12-02T10:00:00+08:00"
    assert times.to_iso("2026-12-02T10:00", "-05:30") == "2026-12-02T10:00:00-05:30"
    assert times.to_iso("tomorrow", "+08:00") == "tomorrow"
    assert times.offset_text(480) == "+08:00" and times.offset_text(-330) == "-05:30"
    start, end = "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"
    assert times.grant_state(start, end, NOW) == "active"
    assert times.grant_state(start, end, NOW + timedelta(days=1)) == "lapsed"  # ends exactly
    assert times.grant_state(start, end, NOW - timedelta(days=1)) == "upcoming"
    assert times.grant_state("", end, NOW) == ""


@pytest.fixture
def rich() -> dict[str, Any]:
    doc = matrix()
    doc = model.cycle(doc, "role", 0, "deal", "", "margin")  # rep: margin hidden
    doc = model.cycle(doc, "role", 0, "deal", "won", "margin")  # … read when won
    doc = model.give_access(doc, "role", 1, "deal")
    doc = model.set_form_rule(doc, "role", 1, "deal", {"row_scope": "team"})
    doc = model.cycle(doc, "role", 1, "deal", "", "amount")  # manager: amount write
    doc = model.cycle(doc, "role", 1, "deal", "propose", "discount")  # write when proposing
    doc = model.cycle(doc, "role", 1, "deal", "propose", "discount")  # … hidden
    doc = model.toggle_action(doc, "role", 1, "decide")
    for start, end, reason in (
        ("2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z", "in force"),
        ("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "upcoming"),
    ):
        doc = model.add_grant(doc, "role", "manager", start, end, reason)
        index = len(doc["grants"]) - 1
        doc = model.give_access(doc, "grant", index, "deal")
        doc = model.set_form_rule(doc, "grant", index, "deal", {"row_scope": "region"})
        doc = model.cycle(doc, "grant", index, "deal", "", "margin")  # margin write
        doc = model.toggle_action(doc, "grant", index, "export")
    assert check(doc, refs(), kind="permission_matrix", key="sales").errors == []
    return doc


def test_the_grid_preview_says_what_the_builder_says(rich: dict[str, Any]) -> None:
    form = staged_deal()
    built = form_model(form)
    for role, stage in itertools.product(("rep", "manager", "director"), ("", "propose", "won")):
        mine = role_view(rich, form, role, stage, NOW)
        theirs = preview([rich], built, roles={role}, stage=stage or None, now=NOW)
        assert mine.row_scope == theirs.row_scope, (role, stage)
        assert mine.may_create == theirs.may_create, (role, stage)
        assert mine.actions == sorted(theirs.actions), (role, stage)
        assert [(f.key, f.access, f.shown, f.required) for f in mine.fields] == [
            (f.key, f.access, f.shown, f.required) for f in theirs.fields
        ], (role, stage)
    rep = {f.key: f.access for f in role_view(rich, form, "rep", "", NOW).fields}
    assert rep["margin"] == "hidden" and rep["net_amount"] == "read"
    manager = role_view(rich, form, "manager", "propose", NOW)
    assert manager.row_scope == "region"  # the grant in force widens it
    # Hidden by the role at this stage, but the grant in force reads it: the more
    # generous wins; once both grants have lapsed, it is hidden.
    assert {f.key: f.access for f in manager.fields}["discount"] == "read"
    later = role_view(rich, form, "manager", "propose", NOW + timedelta(days=70))
    assert {f.key: f.access for f in later.fields}["discount"] == "hidden"
    assert manager.actions == ["decide", "export"]


def test_every_label_of_the_two_editors_is_in_both_languages() -> None:
    used: set[str] = set()
    for folder in ("forms", "matrices", "documents"):
        for path in (STUDIO / folder).glob("*.py"):
            found = re.findall(r"\"((?:forms|matrices)\.[a-z_]*[a-z])\"", path.read_text())
            used |= set(found)
    # Keys made from a prefix and a name (f"{words}.title", f"matrices.access_{a}").
    for words in ("forms", "matrices"):
        used |= {
            f"{words}.{name}"
            for name in [
                "nav",
                "title",
                "subtitle",
                "empty",
                "no_match",
                "count",
                "list_failed",
                "new",
                "blank",
                "copy",
                "source_missing",
                "key_taken",
                "create_failed",
                "created",
                "back",
                "read_only_help",
                "load_failed",
                "not_found",
                "blocked_error_one",
                "blocked_errors",
                "published_banner",
            ]
        }
    used |= {f"forms.type_{t}" for t in FIELD_TYPES}
    used |= {f"forms.{m}_{b}" for m in ("min", "max") for b in ("value", "length", "choices")}
    used |= {f"matrices.access_{a}" for a in ACCESS} | {f"matrices.scope_{s}" for s in SCOPES}
    used |= {f"matrices.action_{a}" for a in ACTIONS}
    used |= {f"matrices.preview_scope_{s}" for s in SCOPES}
    used |= {f"matrices.grant_{s}" for s in ("upcoming", "active", "lapsed")}
    used |= {"matrices.in_form", "matrices.in_permission_matrix"}
    used |= {"matrices.about_role", "matrices.about_grant"}
    assert sorted(used - LABELS.keys()) == []
    assert text("zh-CN", "matrices.row_scope") == "数据范围"
    assert text("zh-CN", "matrices.grants") == "临时授权"
    assert text("zh-CN", "forms.nav") == "表单"
