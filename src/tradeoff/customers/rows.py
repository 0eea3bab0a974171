"""A customer list's rows (a CRM export: HubSpot companies, Salesforce accounts, a spreadsheet) as customer
values: each cell read and checked, every problem of a bad row named. No database here.

What a cell may hold:

- money (ARR, deal value): digits with an optional thousands separator and decimal part, written the
  English way (`12,500.50`) or the continental way (`12.500,50`, `12 500,50`, `12'500.50`), with a currency
  sign (`$`, `€`, `£`, `¥`) or a three-letter code before or after it (`USD 12,500`, `9.000,50 EUR`), or in
  Excel's exponent form (`1.25E+05`). One separator followed by exactly three digits groups thousands
  (`12,500` and `9.000` are twelve thousand five hundred and nine thousand: money has two decimals); at most
  two decimals; negative amounts (`-5`, `(5)`) and `12k`-style shorthands are refused, naming the cell.
  A code (or `€`, `£`, `¥`) in the cell is the row's currency when the row has none, and must agree with it
  when it has one.
- lifecycle: the CRM's lifecycle stage or account type, `LIFECYCLE_VALUES`; segment: `SEGMENT_VALUES`.
- stage (a deal's, in an opportunities export read as one row per deal): `STAGE_VALUES` say won or lost, anything
  else is an open deal.
- dates: as the work-history importer reads them (`core.dates.DateReader`: ISO 8601, Jira's, a given
  date format, or the day/month order the file's other dates settle).

An empty cell gives nothing: a new customer takes the default, an existing one keeps what it has.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tradeoff.core.dates import DateReader
from tradeoff.customers.model import Lifecycle, Segment
from tradeoff.feedback.import_rows import BadRow, CsvTable

FIELDS = ("name", "external_id", "segment", "arr", "currency", "plan", "renewal_date", "customer_since",
          "account_owner", "notes", "lifecycle", "deal_value", "deal_close", "stage")
MONEY = ("arr", "deal_value")
DATES = ("renewal_date", "customer_since", "deal_close")
MAX_MONEY = Decimal("999999999999")
MAX_SHORT = 200
MAX_NOTES = 20_000
Problems = list[tuple[str, str, str]]  # field, value, reason

# normalised (lower case, words only) -> what it means; compared with and without spaces ("salesqualifiedlead")
LIFECYCLE_VALUES: dict[str, Lifecycle] = {
    # paying today: HubSpot's Customer and Evangelist stages, Salesforce's Customer account types
    **dict.fromkeys(("customer", "customers", "client", "evangelist", "active customer", "paying customer",
                     "customer direct", "customer channel", "existing customer", "current customer"),
                    Lifecycle.customer),
    # someone Sales are trying to win: HubSpot's stages before Customer, Salesforce's Prospect and Lead
    **dict.fromkeys(("prospect", "prospects", "lead", "new lead", "subscriber", "marketing qualified lead", "mql",
                     "sales qualified lead", "sql", "opportunity", "open opportunity", "trial", "free trial",
                     "potential customer", "pipeline"), Lifecycle.prospect),
}


class DealStage(enum.StrEnum):
    """Where a deal of an opportunities export is: still open, closed won or closed lost."""

    open = "open"
    won = "won"
    lost = "lost"


# Salesforce's Closed Won / Closed Lost, HubSpot's closedwon / closedlost (its stage ids); any other stage is open
STAGE_VALUES: dict[str, DealStage] = {
    **dict.fromkeys(("closed won", "won"), DealStage.won),
    **dict.fromkeys(("closed lost", "lost"), DealStage.lost),
}
SEGMENT_VALUES: dict[str, Segment] = {
    **dict.fromkeys(("enterprise", "ent", "large enterprise", "large"), Segment.enterprise),
    **dict.fromkeys(("mid market", "mid", "mm", "mid size", "mid sized", "medium", "mid market business"),
                    Segment.mid_market),
    **dict.fromkeys(("smb", "small business", "small and medium business", "small medium business",
                     "small and medium sized business", "sme", "small", "smb smaller business"), Segment.smb),
    **dict.fromkeys(("startup", "start up", "startups"), Segment.startup),
    **dict.fromkeys(("other", "none", "unknown"), Segment.other),
}
_SIGNS = {"€": "EUR", "£": "GBP", "¥": "JPY", "$": None}
_CODE = re.compile(r"^([A-Za-z]{3})\s*(.*)$|^(.*?)\s*([A-Za-z]{3})$")
_EXPONENT = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_GROUP_MARKS = re.compile(r"[\s\u00a0\u202f'’]")
_NEGATIVE = re.compile(r"^[-−–]|[-−–]$|^\(.*\)$")
MONEY_HELP = "write it as 12500, 12,500.00 or 12.500,00 (a currency sign or code beside it is fine)"


def _words(value: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value.lower()).split())


def _lookup(table: Mapping[str, Any], value: str) -> Any:
    key = _words(value)
    if key in table:
        return table[key]
    squeezed = key.replace(" ", "")
    return next((v for k, v in table.items() if k.replace(" ", "") == squeezed), None)


def lifecycle_of(value: str) -> Lifecycle | None:
    """'Customer', 'Evangelist', 'Customer - Direct' -> customer; 'Lead', 'Subscriber', 'Opportunity',
    'marketingqualifiedlead' -> prospect; None for anything else (a partner, a former customer, 'Other')."""
    found: Lifecycle | None = _lookup(LIFECYCLE_VALUES, value)
    return found


def stage_of(value: str) -> DealStage:
    """'Closed Won', 'won', 'closedwon' -> won; 'Closed Lost', 'lost' -> lost; anything else ('Negotiation',
    'Prospecting', an empty cell) -> open."""
    found: DealStage | None = _lookup(STAGE_VALUES, value) if value.strip() else None
    return found or DealStage.open


def segment_of(value: str) -> Segment | None:
    """'Mid-Market', 'SMB', 'Enterprise', 'mid_market' -> the segment; None when it names none."""
    found: Segment | None = _lookup(SEGMENT_VALUES, value)
    return found


def currency_of(value: str) -> str:
    """A three-letter code in capitals from 'usd', ' EUR ' or a sign that names one currency (€, £, ¥);
    ValueError with the reason otherwise ($ is several currencies' sign)."""
    v = value.strip()
    if v in _SIGNS:
        code = _SIGNS[v]
        if code is None:
            raise ValueError(f"'{v}' is the sign of several currencies: write the code (USD, CAD, AUD…)")
        return code
    if not re.fullmatch(r"[A-Za-z]{3}", v):
        raise ValueError(f"'{v}' is not a currency code: three letters such as USD, EUR or GBP")
    return v.upper()


def parse_money(value: str) -> tuple[Decimal, str | None]:
    """(the amount to the cent, the currency its cell names or None) from a money cell (see the module's
    docstring for what is read); ValueError with the reason when it cannot be read, is negative, has more
    than two decimals or is over 999,999,999,999."""
    s = value.strip()
    currency: str | None = None
    if s.upper().startswith("US$"):
        s, currency = s[3:].strip(), "USD"
    else:
        for sign, code in _SIGNS.items():  # "$12,500", "€ 9.000,50", "12 500 €"
            if s.startswith(sign) or s.endswith(sign):
                s, currency = (s[1:] if s.startswith(sign) else s[:-1]).strip(), code
                break
    m = _CODE.match(s)
    if m and not _EXPONENT.match(s):
        code, rest = (m[1], m[2]) if m[1] else (m[4], m[3])
        if currency is not None and currency != code.upper():
            raise ValueError(f"'{value}' names two currencies")
        currency, s = code.upper(), rest.strip()
    if _NEGATIVE.search(s):
        raise ValueError(f"'{value}' is negative: an amount is 0 or more")
    amount = _number(_GROUP_MARKS.sub("", s), value)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"'{value}' has more than two decimals")
    if amount > MAX_MONEY:
        raise ValueError(f"'{value}' is more than 999,999,999,999")
    return amount.quantize(Decimal("0.01")), currency


def _number(s: str, raw: str) -> Decimal:
    unreadable = ValueError(f"'{raw}' is not an amount: {MONEY_HELP}")
    if _EXPONENT.match(s):
        return Decimal(s)
    if not s or not re.fullmatch(r"[0-9.,]+", s) or not any(c.isdigit() for c in s):
        raise unreadable
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        point = "." if s.rfind(".") > s.rfind(",") else ","
        if s.count(point) > 1:
            raise unreadable
        whole, frac = s.split(point)
        whole = _ungrouped(whole, "," if point == "." else ".", unreadable)
    elif dots or commas:
        sep = "." if dots else ","
        parts = s.split(sep)
        if len(parts) > 2 or (len(parts[1]) == 3 and 1 <= len(parts[0]) <= 3 and parts[0] != "0"):
            whole, frac = _ungrouped(s, sep, unreadable), ""  # "12,500", "9.000", "1,000,000"
        else:
            whole, frac = parts  # "12500.00", "12,5", "9000,50"
    else:
        whole, frac = s, ""
    try:
        return Decimal(f"{whole or '0'}.{frac or '0'}")
    except InvalidOperation:
        raise unreadable from None


def _ungrouped(text: str, sep: str, unreadable: ValueError) -> str:
    """'1,234,567' -> '1234567', when every group after the first has three digits."""
    groups = text.split(sep)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]) or not all(g.isdigit() for g in groups):
        raise unreadable
    return "".join(groups)


@dataclass(frozen=True)
class CustomerRow:
    """One row that reads well: `values` holds the fields its cells give (a mapped column with something in it),
    as the customer's own values (segment and lifecycle as their codes, money as Decimal, days as date)."""

    row: int
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    # one row per deal: (row, stage) of each deal of the customer, whose rows this one stands for; () otherwise
    deals: tuple[tuple[int, DealStage], ...] = ()

    @property
    def source_rows(self) -> tuple[int, ...]:
        """The file's rows this customer is read from."""
        return tuple(row for row, _ in self.deals) or (self.row,)

    @property
    def name(self) -> str:
        return str(self.values["name"])

    @property
    def external_id(self) -> str | None:
        return self.values.get("external_id")


@dataclass(frozen=True)
class Identity:
    """Who a row is about, read from any non-blank row (bad or not), to find two rows about the same customer."""

    row: int
    line: int
    name: str
    external_id: str


def date_reader(table: CsvTable, fields: Mapping[str, int], date_format: str | None) -> DateReader:
    """A reader for the file's dates, with the day/month order its unambiguous dates tell."""
    return DateReader.for_values(table.values_of(fields, DATES), date_format)


def deal_stages(table: CsvTable, fields: Mapping[str, int]) -> dict[int, DealStage]:
    """Row -> the stage of the deal it holds, for every non-blank row (bad ones too: a stage is never bad); every
    deal is open without a stage column."""
    records, _blank = table.mapped_rows(fields)
    return {row: stage_of(cell("stage")) for row, _line, cell in records}


def parse_rows(table: CsvTable, fields: Mapping[str, int], reader: DateReader, today: date) -> tuple[
        list[CustomerRow], list[BadRow], list[Identity], int]:
    """(rows that read well, problems of bad rows, who every non-blank row is about, number of blank rows).
    `today` is the day a customer since date may not be after (with a day's slack for time zones)."""
    good: list[CustomerRow] = []
    bad: list[BadRow] = []
    who: list[Identity] = []
    records, blank = table.mapped_rows(fields)
    for row, line, cell in records:
        problems: Problems = []
        values = _values(cell, reader, today, problems)
        who.append(Identity(row, line, " ".join(cell("name").split()), cell("external_id")))
        if problems:
            bad.extend(table.bad_row(row, line, fields, problems))
        else:
            good.append(CustomerRow(row, line, values))
    return good, bad, who, blank


def _values(cell: Callable[[str], str], reader: DateReader, today: date, problems: Problems) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = " ".join(cell("name").split())
    if not name:
        problems.append(("name", "", "name is empty: every customer needs one"))
    elif len(name) > MAX_SHORT:
        problems.append(("name", name, f"name is longer than {MAX_SHORT} characters"))
    values["name"] = name
    for short in ("external_id", "plan", "account_owner"):
        if text := cell(short):
            limit = 100 if short == "external_id" else MAX_SHORT
            if len(text) > limit:
                problems.append((short, text, f"{short.replace('_', ' ')} is longer than {limit} characters"))
            values[short] = text
    if notes := cell("notes"):
        if len(notes) > MAX_NOTES:
            problems.append(("notes", notes, f"notes are {len(notes):,} characters; the limit is {MAX_NOTES:,}"))
        values["notes"] = notes
    if raw := cell("segment"):
        segment = segment_of(raw)
        if segment is None:
            problems.append(("segment", raw, f"unknown segment '{raw}': use one of "
                                             f"{', '.join(s.value for s in Segment)} (Mid-Market, SMB… are read too)"))
        else:
            values["segment"] = segment.value
    if raw := cell("lifecycle"):
        lifecycle = lifecycle_of(raw)
        if lifecycle is None:
            problems.append(("lifecycle", raw, f"unknown lifecycle '{raw}': a customer (Customer, Evangelist, "
                                               "Customer - Direct) or a prospect (Lead, Subscriber, MQL, SQL, "
                                               "Opportunity, Prospect); fix the cell or leave the row out"))
        else:
            values["lifecycle"] = lifecycle.value
    if raw := cell("currency"):
        try:
            values["currency"] = currency_of(raw)
        except ValueError as exc:
            problems.append(("currency", raw, str(exc)))
    _money(cell, values, problems)
    _dates(cell, reader, today, values, problems)
    if values.get("lifecycle") == Lifecycle.prospect.value and values.get("arr"):
        problems.append(("arr", cell("arr"), f"a prospect pays nothing yet, but ARR is {values['arr']:,}: put "
                                             "what they would pay in the deal amount column, or make them a customer"))
    return values


def _money(cell: Callable[[str], str], values: dict[str, Any], problems: Problems) -> None:
    for name in MONEY:
        raw = cell(name)
        if not raw:
            continue
        try:
            amount, code = parse_money(raw)
        except ValueError as exc:
            problems.append((name, raw, f"{'ARR' if name == 'arr' else 'deal value'} {exc}"))
            continue
        values[name] = amount
        if code is None:
            continue
        if "currency" not in values and "currency" not in {p[0] for p in problems}:
            values["currency"] = code
        elif values.get("currency") not in (None, code):
            problems.append((name, raw, f"'{raw}' is in {code} but the row's currency is {values['currency']}"))


def _dates(cell: Callable[[str], str], reader: DateReader, today: date, values: dict[str, Any],
           problems: Problems) -> None:
    for name in DATES:
        raw = cell(name)
        if not raw:
            continue
        try:
            day = reader.read(raw).date()
        except ValueError as exc:
            problems.append((name, raw, f"{name.replace('_', ' ')} '{raw}': {exc}"))
            continue
        if name == "customer_since" and day > today + timedelta(days=1):
            problems.append((name, raw, f"customer since {day} is in the future: a customer since that day is not "
                                        "one yet"))
            continue
        values[name] = day
