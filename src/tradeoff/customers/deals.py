"""A CRM's opportunities export read as customers: one row per deal (Salesforce's opportunities report, HubSpot's
deals export), so the same account is on several rows. No database here.

The rows are grouped by customer with the importer's identity rules (the external id, else the name in any case)
and each group is read as one customer row: the account's own columns (segment, currency, owner, plan, ARR…) must
agree across its rows where they are filled in; its open deals add up to its deal value and the earliest open close
date is its deal close; a customer without an open deal has none. Won deals are not read as ARR (what a customer
pays comes from the accounts export), lost deals are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tradeoff.customers.model import Lifecycle
from tradeoff.customers.rows import CustomerRow, DealStage, Identity
from tradeoff.feedback.import_rows import BadRow

DEAL_FIELDS = ("deal_value", "deal_close", "stage")  # a deal's own columns; every other is the customer's
Problem = tuple[int, str, str, str]  # row, field, value as read, reason


def group_rows(who: Sequence[Identity]) -> list[list[Identity]]:
    """The file's non-blank rows grouped by customer, each group in row order and the groups in the order of their
    first rows. Rows with the same external id are one customer; a row without one joins the rows that have its
    name (any case) and one external id, else the other rows with its name; a row with neither is alone."""
    ids_of: dict[str, set[str]] = {}
    for w in who:
        if w.external_id and w.name:
            ids_of.setdefault(w.name.casefold(), set()).add(w.external_id)
    groups: dict[tuple[str, str], list[Identity]] = {}
    for w in who:
        ids = ids_of.get(w.name.casefold(), set()) if w.name else set()
        if w.external_id:
            key = ("id", w.external_id)
        elif len(ids) == 1:
            key = ("id", next(iter(ids)))
        elif w.name:
            key = ("name", w.name.casefold())
        else:
            key = ("row", str(w.row))
        groups.setdefault(key, []).append(w)
    return sorted(groups.values(), key=lambda g: g[0].row)


def merge(rows: Sequence[CustomerRow], stages: Mapping[int, DealStage], columns: Mapping[str, str]) -> tuple[
        CustomerRow | None, list[Problem]]:
    """One customer's rows (each read well, in row order) as the one row of the customer they make, standing for
    them all; or the problems that stop it: two rows disagreeing on a column of the customer (both rows named, each
    with its value). `stages`: row -> its deal's stage; `columns`: field -> the column it is read from."""
    values: dict[str, Any] = {}
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for r in rows:
        for f, v in r.values.items():
            if f in DEAL_FIELDS:
                continue
            if f not in first:
                first[f], values[f] = r.row, v
                continue
            v0 = values[f]
            if v0 == v or (f == "name" and str(v0).casefold() == str(v).casefold()):
                continue
            reason = _disagree(f, columns.get(f, f), first[f], v0, r.row, v)
            problems += [(first[f], f, _shown(v0), reason), (r.row, f, _shown(v), reason)]
    if problems:
        return None, problems
    open_deals = [r for r in rows if stages.get(r.row, DealStage.open) is DealStage.open]
    deal = sum((r.values.get("deal_value", Decimal(0)) for r in open_deals), Decimal("0.00"))
    closes: list[date] = [r.values["deal_close"] for r in open_deals if r.values.get("deal_close") is not None]
    # no open deal (or none with an amount): no deal, as the customer model stores it
    values |= {"deal_value": deal, "deal_close": min(closes) if closes and deal else None}
    deals = tuple((r.row, stages.get(r.row, DealStage.open)) for r in rows)
    return CustomerRow(rows[0].row, rows[0].line, values, deals), []


def customers_of(rows: list[CustomerRow], bad: set[int], who: list[Identity], stages: Mapping[int, DealStage],
                 names: Mapping[str, str]) -> tuple[list[CustomerRow], list[BadRow]]:
    """One row per deal: (a row for each customer whose rows read well and agree, the problems of the others:
    rows disagreeing on a customer's column, and the rows of a customer with a bad row). `bad`: the rows already
    bad."""
    good = {r.row: r for r in rows}
    out: list[CustomerRow] = []
    problems: list[BadRow] = []
    lines = {w.row: w.line for w in who}
    for group in group_rows(who):
        bad_here = {w.row for w in group if w.row in bad}
        if not bad_here:
            merged, found = merge([good[w.row] for w in group], stages, names)
            if merged is not None:
                out.append(merged)
                continue
            problems += [BadRow(row, lines[row], f, names.get(f, f), value, reason) for row, f, value, reason in found]
            bad_here = {row for row, *_ in found}
        problems += [BadRow(w.row, w.line, "name", names["name"], w.name, along(min(bad_here)))
                     for w in group if w.row not in bad_here]
    return out, problems


def with_its_deals(r: CustomerRow, problem: BadRow, names: Mapping[str, str],
                   lines: Mapping[int, int]) -> list[BadRow]:
    """A customer row's problem, and (one row per deal) the other rows of that customer, which go with it."""
    return [problem, *(BadRow(row, lines[row], "name", names["name"], r.name, along(r.row))
                       for row in r.source_rows if row != r.row)]


def notes(found: Mapping[str, int], mapping: Mapping[str, str]) -> list[str]:
    """What to check before importing: every deal read as open without a stage column; won deals not read as ARR.
    `found`: the deals' counts by stage; `mapping`: field -> the column it is read from."""
    out = []
    if "stage" not in mapping:
        out.append("no stage column found: every row is read as an open deal; map the column if the export has one "
                   "(--map stage=COLUMN)")
    if won := found[DealStage.won.value]:
        out.append(f"{won} won deal{'s' if won != 1 else ''} not counted as ARR: import ARR from the accounts export")
    return out


def along(bad: int) -> str:
    """Why the other rows of a customer with a bad row cannot be imported either."""
    return (f"row {bad} is about the same customer and cannot be imported: a customer's deals are imported together, "
            f"so fix row {bad}")


def lifecycle_after(r: CustomerRow, before: str | None) -> str | None:
    """The lifecycle a customer's deals make it when the file gives none for it (None: the importer's own rules
    stand): a new one with a won deal or ARR is a customer, one with only open or lost deals a prospect (who pays
    nothing yet); a prospect with a won deal or ARR becomes a customer. `before`: the lifecycle of the customer the
    rows update, None for a new one."""
    if "lifecycle" in r.values:
        return None
    paying = bool(r.values.get("arr")) or any(stage is DealStage.won for _row, stage in r.deals)
    if before is None:
        return Lifecycle.customer.value if paying else Lifecycle.prospect.value
    if before == Lifecycle.prospect.value and paying:
        return Lifecycle.customer.value
    return None


def counts(stages: Mapping[int, DealStage]) -> dict[str, int]:
    """How many open, won and lost deals the rows hold."""
    found = list(stages.values())
    return {s.value: found.count(s) for s in DealStage}


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _disagree(field: str, column: str, row0: int, v0: Any, row: int, v: Any) -> str:
    if field == "currency":
        return (f"deals of one customer in two currencies: row {row0}'s is {v0} and row {row}'s {v}; a customer's "
                "open deals add up to one deal value in one currency: convert one, or leave one of the rows out")
    return (f"column '{column}' is '{_shown(v0)}' on row {row0} but '{_shown(v)}' on row {row}: the rows of one "
            "customer repeat its columns, so they must agree; correct one of them")
