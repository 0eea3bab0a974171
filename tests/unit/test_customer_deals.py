"""An opportunities export read as customers (customers/deals.py): deal stages, rows grouped by customer, a
customer's rows merged into one. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradeoff.customers import deals
from tradeoff.customers.rows import CustomerRow, DealStage, Identity, stage_of


@pytest.mark.parametrize(("cell", "stage"), [
    ("Closed Won", DealStage.won), ("won", DealStage.won), ("closedwon", DealStage.won), ("CLOSED_WON", DealStage.won),
    ("Closed Lost", DealStage.lost), ("Lost", DealStage.lost), ("closedlost", DealStage.lost),
    ("Negotiation/Review", DealStage.open), ("Contract Sent", DealStage.open), ("", DealStage.open),
    ("Closed", DealStage.open), ("Won't buy", DealStage.open),
])
def test_stages(cell: str, stage: DealStage) -> None:
    assert stage_of(cell) is stage


def test_rows_are_grouped_by_external_id_else_by_name() -> None:
    who = [Identity(1, 2, "Acme", "001A"), Identity(2, 3, "Borealis", ""), Identity(3, 4, "ACME", ""),
           Identity(4, 5, "Acme Renamed", "001A"), Identity(5, 6, "borealis", ""), Identity(6, 7, "", ""),
           Identity(7, 8, "Twin", "T-1"), Identity(8, 9, "Twin", "T-2"), Identity(9, 10, "twin", "")]
    groups = [[w.row for w in g] for g in deals.group_rows(who)]
    # a name held by two external ids leaves a row without one on its own, for the importer to refuse
    assert groups == [[1, 3, 4], [2, 5], [6], [7], [8], [9]]


def _row(row: int, **values: object) -> CustomerRow:
    return CustomerRow(row, row + 1, {"name": "Acme", **values})


def test_open_deals_add_up_and_the_earliest_open_close_is_the_customers() -> None:
    rows = [_row(1, deal_value=Decimal("100.00"), deal_close=date(2030, 6, 30), segment="smb"),
            _row(2, deal_value=Decimal("50.00"), deal_close=date(2030, 1, 31)),
            _row(3, deal_value=Decimal("999.00"), deal_close=date(2029, 1, 1), segment="smb"),
            _row(4, deal_value=Decimal("7.00"), deal_close=date(2028, 1, 1))]
    stages = {1: DealStage.open, 2: DealStage.open, 3: DealStage.won, 4: DealStage.lost}
    merged, problems = deals.merge(rows, stages, {"segment": "Segment"})
    assert problems == [] and merged is not None
    assert (merged.row, merged.source_rows, merged.values["deal_value"], merged.values["deal_close"],
            merged.values["segment"]) == (1, (1, 2, 3, 4), Decimal("150.00"), date(2030, 1, 31), "smb")
    assert deals.lifecycle_after(merged, None) == "customer"  # a won deal
    only_lost, _ = deals.merge(rows[3:], stages, {})
    assert only_lost is not None
    assert (only_lost.values["deal_value"], only_lost.values["deal_close"]) == (Decimal("0.00"), None)
    assert deals.lifecycle_after(only_lost, None) == "prospect"
    assert deals.lifecycle_after(only_lost, "customer") is None


def test_rows_that_disagree_name_both_rows_the_column_and_both_values() -> None:
    rows = [_row(1, segment="smb", currency="USD"), _row(2, segment="enterprise", currency="EUR"), _row(3)]
    merged, problems = deals.merge(rows, {}, {"segment": "Account Segment"})
    assert merged is None
    assert [(p[0], p[1], p[2]) for p in problems] == [(1, "segment", "smb"), (2, "segment", "enterprise"),
                                                      (1, "currency", "USD"), (2, "currency", "EUR")]
    assert problems[0][3] == ("column 'Account Segment' is 'smb' on row 1 but 'enterprise' on row 2: the rows of one "
                              "customer repeat its columns, so they must agree; correct one of them")
    assert "two currencies" in problems[2][3]
