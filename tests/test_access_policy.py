"""The pure policy: forms in context, the access of rules and grants, the
evaluator's helpers, durations and matrix diffs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from builder.access import Row, Viewer, form_access, governs, may_act
from builder.durations import parse_duration
from builder.evaluate import RecordView, evaluate
from builder.expressions import compile_expression
from builder.forms import form_model, record_errors, states, with_computed
from builder.permission_views import matrix_diff, preview
from builder.validate import validate
from tests.records import deal_form, sales_matrix

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
EAST, SOUTH = 1, 2


def viewer(
    *roles: str, user_id: int = 10, team: int | None = 5, region: int | None = EAST
) -> Viewer:
    return Viewer(
        user_id=user_id,
        username=f"u{user_id}",
        roles=frozenset(roles),
        team_id=team,
        region_id=region,
    )


def test_elastic_rules_follow_customer_type_and_roles() -> None:
    model = form_model(deal_form())
    ka = states(model, {"customer_type": "ka"}, ())
    smb = states(model, {"customer_type": "smb"}, ())
    assert ka["ka_sponsor"].shown and ka["ka_sponsor"].required
    assert not smb["ka_sponsor"].shown and not smb["ka_sponsor"].required
    assert ka["budget"].exemptible
    assert not ka["net"].required  # computed fields are never asked for
    errors = record_errors(
        model, {"name": "x", "customer_type": "ka"}, {"budget": "not_needed"}, ()
    )
    assert [e.pointer for e in errors] == ["/data/ka_sponsor"]


def test_exempt_in_expressions_and_computed_fields() -> None:
    view = RecordView({"amount": 100}, {"budget": "not_disclosed"})
    check = compile_expression("record.exempt('budget') and not record.exempt('amount')")
    assert evaluate(check, record=view, now=NOW) is True
    assert (
        evaluate(compile_expression("hours_since('2026-12-01T07:00:00+00:00')"), record={}, now=NOW)
        == 2
    )
    assert (
        evaluate(compile_expression("days_between('2026-11-01', '2026-12-01')"), record={}, now=NOW)
        == 30
    )
    model = form_model(deal_form())
    assert with_computed(model, {"amount": 200, "margin": 0.25}, {}, NOW)["net"] == 150
    assert with_computed(model, {}, {}, NOW)["net"] is None  # fails on this record: empty


def test_row_scopes_and_field_levels() -> None:
    matrices = [sales_matrix(NOW)]
    rep = form_access(matrices, "deal", viewer("rep"), NOW)
    mine = Row(owner_id=10, team_id=5, region_id=EAST, stage="qualify")
    colleague = Row(owner_id=11, team_id=5, region_id=EAST, stage="qualify")
    assert rep.sees(mine) and not rep.sees(colleague)
    assert rep.fields(mine, ["amount", "margin"]) == {"amount": "write", "margin": "hidden"}
    won = Row(owner_id=10, team_id=5, region_id=EAST, stage="won")
    assert rep.fields(won, ["amount"]) == {"amount": "read"}
    manager = form_access(matrices, "deal", viewer("manager", user_id=20), NOW)
    assert manager.sees(colleague) and not manager.sees(Row(11, 6, SOUTH, None))
    # two roles: on each row the most generous rule that covers it
    both = form_access(matrices, "deal", viewer("rep", "manager"), NOW)
    assert both.fields(mine, ["margin", "amount"]) == {"margin": "write", "amount": "write"}
    assert both.fields(colleague, ["amount"]) == {"amount": "read"}
    assert not rep.readable_on_every_row("margin") and manager.readable_on_every_row("margin")


def test_grants_apply_between_their_times_only() -> None:
    matrix = sales_matrix(NOW)
    fin = Viewer(user_id=30, username="fin", roles=frozenset({"finance"}))
    inside = form_access([matrix], "deal", fin, NOW)
    assert inside.fields(Row(1, None, None, None), ["commission", "margin"]) == {
        "commission": "read",
        "margin": "hidden",
    }
    after = form_access([matrix], "deal", fin, NOW + timedelta(days=15))
    assert not after.any_rows


def test_the_matrix_governs_an_action_only_once_it_grants_it() -> None:
    matrix = sales_matrix(NOW)
    assert not governs([matrix], "publish")
    assert may_act([matrix], viewer(), "publish", NOW)
    matrix["roles"][1]["actions"].append("publish")
    assert governs([matrix], "publish")
    assert may_act([matrix], viewer("manager"), "publish", NOW)
    assert not may_act([matrix], viewer("rep"), "publish", NOW)


def test_preview_and_diff_in_words() -> None:
    model = form_model(deal_form())
    before = sales_matrix(NOW)
    seen = preview([before], model, roles={"rep"}, stage="won", now=NOW)
    levels = {f.key: f.access for f in seen.fields}
    assert levels["amount"] == "read" and levels["margin"] == "hidden" and levels["net"] == "hidden"
    after = sales_matrix(NOW)
    after["roles"][0]["forms"][0]["fields"]["margin"] = "read"
    after["roles"][1]["forms"][0]["row_scope"] = "all"
    changes = matrix_diff(before, after, {"deal": list(model.fields)})
    words = [c.words["en"] for c in changes]
    assert "rep gains deal.margin: hidden → read" in words
    assert "manager sees deal records of: region → all" in words


def test_form_and_matrix_checks_point_at_the_mistake() -> None:
    form = deal_form()
    form["fields"][7]["show_when"] = {"field": "customer_type", "in": ["kaa"]}
    form["fields"][8]["exemptible"] = True
    form["stage_field"] = "amount"
    pointers = {e.pointer: e.code for e in validate(form)}
    assert pointers["/fields/7/show_when/in/0"] == "not_allowed_value"
    assert pointers["/stage_field"] == "wrong_field_type"
    matrix = sales_matrix(NOW)
    matrix["grants"][0]["ends_at"] = matrix["grants"][0]["starts_at"]
    matrix["grants"][0]["role"] = "rep"
    codes = {e.pointer: e.code for e in validate(matrix)}
    assert codes["/grants/0/ends_at"] == "grant_ends_before_start"
    assert codes["/grants/0"] == "grant_needs_one_holder"


@pytest.mark.parametrize(
    ("text", "hours"), [("PT48H", 48), ("P2D", 48), ("P1W", 168), ("P1DT12H", 36), ("PT90M", 1.5)]
)
def test_durations(text: str, hours: float) -> None:
    assert parse_duration(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["P1M", "P1Y", "PT", "48h", ""])
def test_bad_durations_say_why(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_a_field_shown_by_a_wider_rule_can_be_sorted_by() -> None:
    matrix = sales_matrix(NOW)
    matrix["roles"].append(
        {
            "role": "finance",
            "forms": [
                {
                    "form": "deal",
                    "access": "read",
                    "row_scope": "own",
                    "fields": {"commission": "hidden"},
                }
            ],
        }
    )
    fin = Viewer(user_id=30, username="fin", roles=frozenset({"finance"}))
    access = form_access([matrix], "deal", fin, NOW)
    assert access.readable_on_every_row("commission")  # the grant covers all rows
    assert not access.readable_on_every_row("margin")
    later = form_access([matrix], "deal", fin, NOW + timedelta(days=20))
    assert not later.readable_on_every_row("commission")
    both = form_access([matrix], "deal", viewer("rep", "manager"), NOW)
    assert both.readable_on_every_row("margin")  # own rows are in every scope


@pytest.mark.parametrize(
    "source", ["10 ** 10 ** 10", "2 ** record['n']", "1 << 10 ** 9", "2 ** 65"]
)
def test_expressions_that_could_run_for_ever_are_refused(source: str) -> None:
    from builder.expressions import check_expression

    errors = check_expression(source, "/fields/0/expression")
    assert [e.code for e in errors] == ["expression_forbidden"]
    assert "at most 64" in errors[0].message["en"]


def test_small_constant_powers_are_fine() -> None:
    code = compile_expression("record['amount'] * 1.05 ** 2 + 2 ** -1")
    assert evaluate(code, record={"amount": 100}, now=NOW) == pytest.approx(110.75)
