"""The web UI's display filters: numbers and amounts read as people write them, never in exponent notation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.web.render import ENV, amount, number


@pytest.mark.parametrize(("value", "shown"), [(12345.6, "12,346"), (0.5, "0.5"), (1_000_000, "1,000,000"),
                                              (Decimal("2.50"), "2.5"), (None, "—"), (-42.674, "-42.67")])
def test_number(value: float | Decimal | None, shown: str) -> None:
    assert number(value) == shown


def test_amount_in_its_unit() -> None:
    assert amount(8_209_390.0, "USD") == "USD 8,209,390"
    assert amount(34_300, "USD", True) == "+USD 34,300"
    assert amount(12.5, "") == "12.5" and amount(None, "EUR") == "—"


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_templates_never_show_exponents(x: float) -> None:
    shown = ENV.from_string("{{ x|number }} {{ x|amount('USD') }}").render(x=x)
    assert "e+" not in shown and "e-" not in shown or abs(x) < 1e-4


def test_audit_values_read_as_written() -> None:
    """Lists of texts one per line, apostrophes as apostrophes, markup escaped once by the page."""
    tpl = ENV.from_string("{% import 'macros.html' as m %}{{ m.audit_table(events) }}")
    events = [{"actor_label": "ana", "action": "update", "at": __import__("datetime").datetime(2026, 12, 1),
               "via": "web", "changes": {"user_flow": {"before": ["Open the 'Credit' menu"],
                                                       "after": ["Open 'Credit'", "Pick <lines>"]},
                                         "depends_on": {"before": [], "after": [3, 4]},
                                         "title": {"before": "A & B", "after": "A's"}}}]
    html = tpl.render(events=events, member=None)
    assert "\\u0027" not in html and "Open &#39;Credit&#39;" in html
    assert "• Open &#39;Credit&#39;\n• Pick &lt;lines&gt;" in html and "<lines>" not in html
    assert "[3, 4]" in html and "A &amp; B" in html


def test_audit_fields_and_values_in_words() -> None:
    """Fields as words, ids as #id, statuses by their label, moments as UTC minutes; free text as written."""
    tpl = ENV.from_string("{% import 'macros.html' as m %}{{ m.audit_table(events) }}")
    events = [{"actor_label": "ana", "action": "update", "at": __import__("datetime").datetime(2026, 12, 1),
               "via": "web", "changes": {"customer_id": {"before": None, "after": 42},
                                         "problem_ids": {"before": [], "after": [13, 14]},
                                         "reported_at": {"before": None, "after": "2026-12-06T17:44:00+00:00"},
                                         "status": {"before": "planned", "after": "in_progress"},
                                         "notes": {"before": None, "after": "in_progress"}}}]
    html = tpl.render(events=events, member=None)
    for shown in ('<th scope="row">customer</th>', "#42", '<th scope="row">problems</th>', "#13, #14",
                  '<th scope="row">reported at</th>', "2026-12-06 17:44 UTC", "Planned", "In progress"):
        assert shown in html, shown
    assert "customer_id" not in html and "in_progress" in html  # the note's own words stay as written


@pytest.mark.parametrize(("value", "shown"), [(209_025.33, "USD 209,000"), (117_967.01, "USD 118,000"),
                                              (5000, "USD 5,000"), (0, "USD 0"), (-14_651.2, "USD -14,700"),
                                              (42.4, "USD 42"), (None, "—")])
def test_simulated_money_is_rounded_to_three_figures(value: float | None, shown: str) -> None:
    from tradeoff.web.render import rough_money

    assert rough_money(value, "USD") == shown


def test_people_are_named_as_the_page_knows_them() -> None:
    """A member by name with the email on hover, anyone else by email, nobody as a dash; markup in either escaped."""
    tpl = ENV.from_string("{{ a|person }} / {{ b|person }} / {{ c|person }}")
    html = tpl.render(a="Maya@x.io", b="<bogus>@x.io", c=None, people={"maya@x.io": "Maya Okafor"})
    assert html == '<span title="Maya@x.io">Maya Okafor</span> / &lt;bogus&gt;@x.io / —'


def test_whole_numbers_round_halves_up() -> None:
    from tradeoff.web.render import whole

    assert [whole(x) for x in (12.5, 7.5, 0.49, None, 1234.5)] == ["13", "8", "0", "0", "1,235"]


def test_the_promise_check_says_when_the_live_plan_has_the_work() -> None:
    """Before a promise is recorded: the forecast's chance, and where the live plan has the work, flagged when the
    plan finishes it after the date to promise."""
    f = {"probability_by": 0.86, "at_risk_by": False, "threshold": 0.7, "by": "2027-05-01",
         "likely_enough_by": "2027-04-20", "p50": "2027-04-09", "p85": "2027-04-30", "p95": "2027-05-06"}
    plan = {"plan_id": 1, "plan_name": "H1 <live>", "scheduled": True, "period_start": "2027-05-10",
            "period_end": "2027-05-23", "reason": ""}
    tpl = ENV.get_template("roadmap/_promise_check.html")
    late = tpl.render(d={"title": "Webhooks", "forecast": f, "plan": plan | {"after_by": True}}, message="", due="")
    assert 'class="small risk" id="promise-plan">The live plan “H1 &lt;live&gt;” schedules it from 2027-05-10 to ' \
           "2027-05-23, after this date" in late
    fine = tpl.render(d={"title": "Webhooks", "forecast": f | {"by": "2027-06-01"}, "plan": plan | {"after_by": False}},
                      message="", due="")
    assert 'class="small" id="promise-plan"' in fine and "after this date" not in fine


def test_import_messages_name_the_pages_controls_and_never_a_flag() -> None:
    from tradeoff.web.import_words import web_words

    bad = "2 bad rows: fix them, or skip them (--skip-bad-rows; skip_bad_rows in the API)"
    assert web_words(bad) == "2 bad rows: fix them, or skip them (tick “Skip these rows and import the rest”)"
    missing = "its columns are 'A'. Name it: --map key=COLUMN"
    assert web_words(missing, {"key": "Key (e.g. PAY-123)"}) == "its columns are 'A'. Choose its column as “Key” under “Columns”"
    assert web_words(missing, page="upload").endswith("Rename that column in the file to one of the names looked "
                                                      "for, and upload it again")
    # a hint written later that no rule knows yet is left out, not shown as a flag
    assert web_words("the dates are odd (--day-first; day_first in the API)") == "the dates are odd"
