"""Reading a customer list's cells (customers/rows.py): money in the ways CRMs and spreadsheets write it,
lifecycle stages and segments, and whole rows with every problem named. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.customers.model import Lifecycle, Segment
from tradeoff.customers.rows import (
    currency_of,
    date_reader,
    lifecycle_of,
    parse_money,
    parse_rows,
    segment_of,
)
from tradeoff.feedback.import_rows import read_table

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("999999999999"), places=2, allow_nan=False,
                      allow_infinity=False)


@pytest.mark.parametrize(("cell", "amount", "currency"), [
    ("12500", "12500.00", None), ("12,500", "12500.00", None), ("12500.00", "12500.00", None),
    ("$12,500", "12500.00", None), ("€ 9.000,50", "9000.50", "EUR"), ("9.000", "9000.00", None),
    ("1,234,567.89", "1234567.89", None), ("1.234.567,89", "1234567.89", None), ("12 500,50", "12500.50", None),
    ("12\u00a0500", "12500.00", None), ("1'250'000", "1250000.00", None), ("12500,5", "12500.50", None),
    ("0,50", "0.50", None), ("USD 12,500", "12500.00", "USD"), ("9.000,50 eur", "9000.50", "EUR"),
    ("£1,000", "1000.00", "GBP"), ("US$ 7", "7.00", "USD"), ("1.25E+05", "125000.00", None),
    ("12500.000", "12500.00", None), ("0", "0.00", None),
])
def test_money_cells_that_read(cell: str, amount: str, currency: str | None) -> None:
    assert parse_money(cell) == (Decimal(amount), currency)


@pytest.mark.parametrize(("cell", "why"), [
    ("-5", "negative"), ("(1,200)", "negative"), ("5-", "negative"), ("$-20", "negative"),
    ("12k", "not an amount"), ("1.2.3,4", "not an amount"), ("1,00,000", "not an amount"), ("", "not an amount"),
    ("0.125", "more than two decimals"), ("1,000,000,000,000", "more than 999,999,999,999"),
    ("€ 5 USD", "two currencies"), ("about 5", "not an amount"),
])
def test_money_cells_refused_with_the_value_and_why(cell: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as exc:
        parse_money(cell)
    assert f"'{cell}'" in str(exc.value)


@given(AMOUNTS)
def test_any_amount_with_thousands_separators_reads_back_exactly(amount: Decimal) -> None:
    english = f"{amount:,.2f}"
    continental = english.translate(str.maketrans(",.", ".,"))
    spaced = english.replace(",", " ")
    for cell in (english, continental, spaced, f"${english}", f"€ {continental}", f"{english} USD", str(amount)):
        assert parse_money(cell)[0] == amount, cell


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_whole_amounts_with_grouped_thousands_read_as_whole_amounts(amount: int) -> None:
    english = f"{amount:,}"
    assert parse_money(english)[0] == amount
    assert parse_money(english.replace(",", "."))[0] == amount  # 9.000 is nine thousand: money has 2 decimals


@pytest.mark.parametrize(("cell", "lifecycle"), [
    ("Customer", Lifecycle.customer), ("customer", Lifecycle.customer), ("Evangelist", Lifecycle.customer),
    ("Customer - Direct", Lifecycle.customer), ("Customer - Channel", Lifecycle.customer),
    ("Lead", Lifecycle.prospect), ("Subscriber", Lifecycle.prospect), ("Opportunity", Lifecycle.prospect),
    ("Prospect", Lifecycle.prospect), ("marketingqualifiedlead", Lifecycle.prospect),
    ("Sales Qualified Lead", Lifecycle.prospect), ("MQL", Lifecycle.prospect),
    ("Partner", None), ("Other", None), ("Former customer", None), ("Churned", None),
])
def test_lifecycle_values(cell: str, lifecycle: Lifecycle | None) -> None:
    assert lifecycle_of(cell) == lifecycle


@pytest.mark.parametrize(("cell", "segment"), [
    ("Mid-Market", Segment.mid_market), ("mid_market", Segment.mid_market), ("Midmarket", Segment.mid_market),
    ("SMB", Segment.smb), ("Enterprise", Segment.enterprise), ("Start-up", Segment.startup),
    ("other", Segment.other), ("Banking", None), ("51-200", None),
])
def test_segment_values(cell: str, segment: Segment | None) -> None:
    assert segment_of(cell) == segment


def test_currency_codes() -> None:
    assert [currency_of(c) for c in ("usd", " EUR ", "€", "£")] == ["USD", "EUR", "EUR", "GBP"]
    for bad in ("$", "US Dollar", "EU", "12"):
        with pytest.raises(ValueError):
            currency_of(bad)


def test_rows_name_every_problem_and_take_the_currency_of_a_money_cell() -> None:
    table = read_table(("Name,ARR,Currency,Lifecycle,Customer since,Close date\n"
                        "Acme,€ 1.000,,Customer,2020-01-02,03/04/2030\n"
                        ",5,,,,\n"
                        "Lead Co,100,,Lead,,\n"
                        "Mixed,USD 5,EUR,,2030-01-01,\n"
                        "Later,,,,,25/12/2030\n"
                        ",,,,,\n").encode(), filename="t.csv")
    fields = {"name": 0, "arr": 1, "currency": 2, "lifecycle": 3, "customer_since": 4, "deal_close": 5}
    rows, bad, who, blank = parse_rows(table, fields, date_reader(table, fields, None), date(2026, 1, 1))
    assert blank == 1 and [w.row for w in who] == [1, 2, 3, 4, 5]
    assert [(r.row, r.values) for r in rows] == [
        (1, {"name": "Acme", "arr": Decimal("1000.00"), "currency": "EUR", "lifecycle": "customer",
             "customer_since": date(2020, 1, 2), "deal_close": date(2030, 4, 3)}),  # day/month: row 5 settles it
        (5, {"name": "Later", "deal_close": date(2030, 12, 25)})]
    assert [(b.row, b.field) for b in bad] == [(2, "name"), (3, "arr"), (4, "arr"), (4, "customer_since")]
    assert "prospect pays nothing" in bad[1].reason and "in USD but the row's currency is EUR" in bad[2].reason
