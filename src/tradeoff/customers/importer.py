"""CSV import of customers and prospects (a CRM's export: HubSpot companies, Salesforce accounts, a spreadsheet):
preview, dry run, bad rows by number, one transaction. Reading and dialects are the feedback importer's
(`feedback.import_rows`); what each cell may hold is `customers.rows`.

A row is matched to a customer already in the workspace by its external id (the CRM's record id), else by its
name (any case); a match is updated with the columns the file has (an empty cell keeps what is there), anything
else is created. A name matching a customer that has another external id, or several customers, is a bad row;
so are two rows about the same customer (both named). Each customer created or changed gets its own audit
event, as when it is edited by hand.

With `rows_are_deals` the file is a CRM's opportunities export, one row per deal: its rows are grouped by customer
with the same identity rules and each group makes or updates one customer (`customers.deals`), the deal's stage
read from a stage column. A bad row then stops every row of its customer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.core.dates import check_date_format
from tradeoff.customers import deals
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer, Lifecycle
from tradeoff.customers.rows import (
    FIELDS,
    CustomerRow,
    DealStage,
    Identity,
    date_reader,
    deal_stages,
    parse_rows,
)
from tradeoff.customers.schemas import CustomerCreate, CustomerUpdate
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.import_rows import (
    BadRow,
    TablePlan,
    map_pairs,
    read_table,
    resolve_with_required,
)
from tradeoff.storage.uow import Actor, UnitOfWork

REQUIRED = ("name",)
# header names (lower case, punctuation as spaces) guessed for each field, best first; a CRM's "Industry" is no
# segment and "Company size" holds head counts, so neither is guessed
GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "customer name", "company name", "account name", "customer", "company", "account",
             "organization name", "organisation name", "organization", "organisation"),
    "external_id": ("external id", "record id", "account id", "company id", "customer id", "crm id",
                    "hubspot id", "salesforce id", "id"),
    "segment": ("segment", "customer segment", "market segment", "account segment"),
    "arr": ("arr", "annual recurring revenue", "arr amount", "annual revenue", "annual contract value", "acv"),
    "currency": ("currency", "currency code", "account currency", "arr currency", "annual revenue currency"),
    "plan": ("plan", "subscription plan", "pricing plan", "subscription", "edition", "tier", "product"),
    "renewal_date": ("renewal date", "next renewal date", "renewal", "contract end date", "contract end",
                     "renews on"),
    "customer_since": ("customer since", "became a customer date", "customer since date", "client since",
                       "contract start date"),
    "account_owner": ("account owner", "company owner", "owner", "account manager", "customer success manager",
                      "csm", "contact owner", "hubspot owner"),
    "notes": ("notes", "note", "description", "about", "comments"),
    "lifecycle": ("lifecycle", "lifecycle stage", "type", "account type", "customer type", "company type"),
    "deal_value": ("deal value", "amount", "opportunity amount", "deal amount", "open deal amount",
                   "expected revenue", "pipeline amount"),
    "deal_close": ("close date", "deal close", "deal close date", "expected close date", "opportunity close date"),
}
# one row per deal: the deal's own columns are not the customer's. A deals export's Record ID (or Id) is the deal's
# record, its Type the deal's (New Business, Upgrade), its Product and Description the deal's, and its Owner the
# deal owner; HubSpot names the deal's company "Associated Company"
_NOT_THE_CUSTOMERS = {"external_id": {"record id", "id", "hubspot id", "salesforce id"}, "lifecycle": {"type"},
                      "plan": {"product"}, "notes": {"description"},
                      "account_owner": {"owner", "contact owner", "hubspot owner"}}
DEAL_GUESSES: dict[str, tuple[str, ...]] = {
    **{f: tuple(n for n in names if n not in _NOT_THE_CUSTOMERS.get(f, ())) for f, names in GUESSES.items()},
    "name": (*GUESSES["name"], "associated company", "associated company primary"),
    "stage": ("stage", "deal stage", "opportunity stage", "stage name", "status", "deal status",
              "opportunity status"),
}
DEAL_REQUIRED = ("name", "deal_value")
ONE_ROW_PER_DEAL = ('if the file has one row per deal, import it with --rows-are-deals ("One row per deal" on the '
                    'web form)')
ALIASES = {"renewal": "renewal_date", "since": "customer_since", "owner": "account_owner", "id": "external_id",
           "type": "lifecycle", "lifecycle_stage": "lifecycle", "amount": "deal_value", "close_date": "deal_close"}
MAX_BYTES = 50 * 1024 * 1024
MAX_LISTED = 100
MAX_NAMED = 5
LABELS = {"arr": "ARR", "deal_value": "deal value"}


@dataclass(frozen=True)
class CustomerOptions:
    """`mapping`: field -> CSV column (fields: `rows.FIELDS`); fields not mapped are guessed from the header, and
    an empty column turns a guess off. `date_format`: strftime codes of the file's dates. `rows_are_deals`: the
    file has one row per deal (an opportunities export), grouped by customer."""

    filename: str = "upload.csv"
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    skip_bad_rows: bool = False
    rows_are_deals: bool = False

    def __post_init__(self) -> None:
        check_date_format(self.date_format)

    @property
    def explicit(self) -> set[str]:
        """The fields the person mapped to a column (not guessed, not turned off)."""
        return {ALIASES.get(k.strip().lower(), k.strip().lower()) for k, c in self.mapping.items() if c.strip()}


@dataclass(frozen=True)
class Match:
    customer: Customer
    by: str  # external_id or name


@dataclass
class CustomerPlan(TablePlan[CustomerOptions, CustomerRow]):
    matches: dict[int, Match]  # row -> the customer it updates
    currency: str  # what a new customer without one pays in
    notes: list[str] = field(default_factory=list)
    customers_in_file: int | None = None  # one row per deal: the customers its rows are about
    deal_counts: dict[str, int] | None = None  # one row per deal: its open, won and lost deals

    def changes(self, r: CustomerRow) -> dict[str, tuple[Any, Any]]:
        """Field -> (before, after) for a row that updates a customer; {} when nothing would change."""
        m = self.matches.get(r.row)
        if m is None:
            return {}
        # a name differing only in case is the same name: the stored spelling stays
        return {f: (before, v) for f, v in r.values.items() if (before := getattr(m.customer, f)) != v
                and not (f == "name" and before.casefold() == v.casefold())}

    def action(self, r: CustomerRow) -> str:
        if r.row not in self.matches:
            return "create"
        return "update" if self.changes(r) else "unchanged"

    def counts(self) -> dict[str, int]:
        actions = [self.action(r) for r in self.rows]
        return {a: actions.count(a) for a in ("create", "update", "unchanged")}

    def blockers(self) -> list[dict[str, str]]:
        out = self.bad_rows_blocker()
        if not self.rows:
            out.append({"code": "no_rows", "message": "no row to import"})
        return out

    def refusal(self) -> InvalidInput | None:
        return self.refused(self.blockers())

    def preview(self, sample: int = 5) -> dict[str, Any]:
        counts = self.counts()
        return {
            "dry_run": True, "file": self.options.filename, "encoding": self.encoding, "delimiter": self.delimiter,
            "columns": list(self.columns), "mapping": self.mapping,
            "guessed": [f for f in self.mapping if f not in self.options.explicit],
            "row_numbering": "row 1 is the first line after the header",
            "rows": self.total_rows, "blank_rows": self.blank_rows,
            "valid_rows": sum(len(r.source_rows) for r in self.rows),
            "bad_row_count": len(self.bad_rows), "bad_rows": [p.as_dict() for p in self.problems[:MAX_LISTED]],
            "sample": [self._sample(r) for r in self.rows[:sample]],
            "would_create": counts["create"], "would_update": counts["update"],
            "would_leave_unchanged": counts["unchanged"],
            "would_skip_rows": len(self.bad_rows) if self.options.skip_bad_rows else 0,
            "prospects": sum(1 for r in self.rows if self._after(r, "lifecycle") == Lifecycle.prospect.value),
            "notes": self.notes, "ready": not self.blockers(), "blockers": self.blockers(),
            "rows_are_deals": self.options.rows_are_deals, "customers": self.customers_in_file,
            "deals": self.deal_counts,
        }

    def _after(self, r: CustomerRow, name: str) -> Any:
        if name in r.values:
            return r.values[name]
        m = self.matches.get(r.row)
        if m is not None:
            return getattr(m.customer, name)
        return self.currency if name == "currency" else _DEFAULTS.get(name)

    def _sample(self, r: CustomerRow) -> dict[str, Any]:
        m = self.matches.get(r.row)
        day = self._after(r, "deal_close")
        return {"row": r.row, "name": r.name, "external_id": self._after(r, "external_id"),
                "segment": self._after(r, "segment"), "arr": _amount(self._after(r, "arr")),
                "currency": self._after(r, "currency"), "lifecycle": self._after(r, "lifecycle"),
                "deal_value": _amount(self._after(r, "deal_value")),
                "deal_close": day.isoformat() if day else None, "action": self.action(r),
                "customer_id": m.customer.id if m else None, "matched_by": m.by if m else None,
                "changed_fields": sorted(self.changes(r)),
                "deal_rows": list(r.source_rows) if r.deals else None,
                "deals": deals.counts(dict(r.deals)) if r.deals else None}


_DEFAULTS: dict[str, Any] = {"segment": "other", "arr": Decimal("0.00"), "lifecycle": Lifecycle.customer.value,
                             "deal_value": Decimal("0.00"), "external_id": None, "deal_close": None}


def _amount(value: Any) -> str:
    return f"{Decimal(value):.2f}"


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """['name=Company name', 'arr=ARR'] -> {'name': 'Company name', 'arr': 'ARR'}."""
    return map_pairs(pairs, FIELDS, "name=Company name")


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str], *,
                    rows_are_deals: bool = False) -> dict[str, int]:
    """Field -> column index: the explicit mapping first, then guesses from the header for the rest (one row per
    deal: a deal amount column is needed too, and a stage column is looked for)."""
    if not rows_are_deals and any(ALIASES.get(k.strip().lower(), k.strip().lower()) == "stage" and c.strip()
                                  for k, c in mapping.items()):
        raise InvalidInput("a stage column is read only when the file has one row per deal: " + ONE_ROW_PER_DEAL
                           .removeprefix("if the file has one row per deal, "),
                           [FieldError(["map", "stage"], "needs one row per deal", mapping.get("stage", ""))])
    if rows_are_deals:
        return resolve_with_required(columns, mapping, fields=FIELDS, guesses=DEAL_GUESSES, aliases=ALIASES,
                                     required=DEAL_REQUIRED)
    return resolve_with_required(columns, mapping, fields=FIELDS, guesses=GUESSES, aliases=ALIASES, required=REQUIRED)


def _existing(uow: UnitOfWork, workspace_id: int, rows: list[CustomerRow]) -> tuple[
        dict[str, Customer], dict[str, list[Customer]]]:
    """(external id -> customer, case-folded name -> customers) of the workspace's customers the rows may mean,
    archived ones included (an external id is unique among them too). Names are compared in Python: SQLite's
    lower() leaves Ä and É as they are."""
    ids = sorted({r.external_id for r in rows if r.external_id})
    wanted = {r.name.casefold() for r in rows}
    named = [cid for cid, name in uow.session.execute(select(Customer.id, Customer.name).where(
        Customer.workspace_id == workspace_id)) if name.casefold() in wanted]
    by_id: dict[str, Customer] = {}
    by_name: dict[str, list[Customer]] = {}
    for i in range(0, len(ids), 500):
        for c in uow.session.scalars(select(Customer).where(Customer.workspace_id == workspace_id,
                                                            Customer.external_id.in_(ids[i:i + 500]))):
            by_id[c.external_id or ""] = c
    for i in range(0, len(named), 500):
        for c in uow.session.scalars(select(Customer).where(Customer.id.in_(named[i:i + 500])).order_by(Customer.id)):
            by_name.setdefault(c.name.casefold(), []).append(c)
    return by_id, by_name


def _match(r: CustomerRow, by_id: Mapping[str, Customer], by_name: Mapping[str, list[Customer]]) -> tuple[
        Match | None, tuple[str, str] | None]:
    """(the customer the row updates, or None to create one; a problem (field, reason) instead)."""
    if r.external_id and (c := by_id.get(r.external_id)) is not None:
        return Match(c, "external_id"), None
    named = by_name.get(r.name.casefold(), [])
    if len(named) > 1:
        ids = ", ".join(f"#{c.id}" for c in named[:MAX_NAMED])
        return None, ("name", f"{len(named)} customers are named '{r.name}' ({ids}): give the row the external id "
                              "of the one it means (its external_id column), or rename one of them")
    if not named:
        return None, None
    c = named[0]
    if r.external_id and c.external_id and c.external_id != r.external_id:
        return None, ("external_id", f"customer '{c.name}' (#{c.id}) has external id '{c.external_id}', not "
                                     f"'{r.external_id}': if they are different customers, rename one; if the same, "
                                     "correct the external id")
    return Match(c, "name"), None


def _check(r: CustomerRow, m: Match | None) -> tuple[str, str] | None:
    """What the customer would be after the row, checked as a person's edit is (the schemas)."""
    after = {f: getattr(m.customer, f) for f in ("lifecycle", "arr")} | r.values if m else r.values
    if after.get("lifecycle") == Lifecycle.prospect.value and after.get("arr"):
        if "arr" in r.values:
            why = f"a prospect pays nothing yet, but ARR is {after['arr']:,}"
        else:
            why = f"customer '{m.customer.name}' pays ARR {after['arr']:,} and cannot become a prospect" if m else ""
        return ("arr" if "arr" in r.values else "lifecycle",
                why + ": put what they would pay in the deal amount column, or make them a customer")
    try:
        if m is None:
            CustomerCreate(**r.values)
        else:
            CustomerUpdate(**r.values)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = str(err["loc"][0]) if err["loc"] else "name"
        return where, f"{where.replace('_', ' ')}: {err['msg']}"
    return None


def _duplicates(who: list[Identity], matched: Mapping[int, Customer], *, hint: bool = True) -> list[
        tuple[Identity, str]]:
    """Rows about a customer another row is about too (same external id, same name, or the same customer
    matched), each with the reason naming the other row; both rows of a pair are listed. `hint`: say that a file
    with one row per deal has its own option."""
    also = f"; {ONE_ROW_PER_DEAL}" if hint else ""
    first: dict[tuple[str, str], Identity] = {}
    out: list[tuple[Identity, str]] = []
    for w in who:
        keys = [("external id", w.external_id)] if w.external_id else []
        keys += [("name", w.name.casefold())] if w.name else []
        if (c := matched.get(w.row)) is not None:
            keys.append(("customer", str(c.id)))
        for kind, key in keys:
            other = first.get((kind, key))
            if other is not None and other.row != w.row:
                what = {"external id": f"external id '{w.external_id}'", "name": f"name '{w.name}'",
                        "customer": f"customer #{key}"}[kind]
                out.append((w, f"row {other.row} is about the same customer ({what}): keep one of rows "
                               f"{other.row} and {w.row}{also}"))
                out.append((other, f"row {w.row} is about the same customer ({what}): keep one of rows "
                                   f"{other.row} and {w.row}{also}"))
                break
            first.setdefault((kind, key), w)
    return out


def _notes(columns: tuple[str, ...], mapping: Mapping[str, str], explicit: set[str]) -> list[str]:
    out = []
    if mapping.get("arr", "").strip().lower() == "annual revenue" and "arr" not in explicit:
        out.append("ARR is read from 'Annual Revenue': in many CRMs that is the company's own revenue, not what it "
                   "pays you; if so, map the right column (--map arr=COLUMN) or turn it off (--map arr=)")
    if "segment" not in mapping and any(c.strip().lower() == "industry" for c in columns):
        out.append("'Industry' is not read as the segment (enterprise, mid_market, smb, startup, other); map a "
                   "segment column if the file has one")
    return out


def plan_import(*, uow: UnitOfWork, workspace_id: int, data: bytes, options: CustomerOptions,
                today: date | None = None) -> CustomerPlan:
    """Read and check the whole file against the workspace's customers; writes nothing. InvalidInput only for
    problems with the file as a whole."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{options.filename} is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB",
                           [FieldError(["file"], "file too large", options.filename)])
    table = read_table(data, filename=options.filename)
    fields = resolve_mapping(table.columns, options.mapping, rows_are_deals=options.rows_are_deals)
    rows, problems, who, blank = parse_rows(table, fields, date_reader(table, fields, options.date_format),
                                            today or date.today())
    names = {f: table.columns[i] for f, i in fields.items()}
    lines = {w.row: w.line for w in who}
    stages: dict[int, DealStage] = {}
    if options.rows_are_deals:
        stages = deal_stages(table, fields)
        rows, grouped = deals.customers_of(rows, {p.row for p in problems}, who, stages, names)
        problems += grouped
    by_id, by_name = _existing(uow, workspace_id, rows)
    matches: dict[int, Match] = {}
    checked: list[CustomerRow] = []
    for r in rows:
        m, problem = _match(r, by_id, by_name)
        if problem is None and options.rows_are_deals and (
                lifecycle := deals.lifecycle_after(r, m.customer.lifecycle if m else None)):
            r = replace(r, values=r.values | {"lifecycle": lifecycle})
        problem = problem or _check(r, m)
        if problem is not None:
            problems += deals.with_its_deals(r, BadRow(r.row, r.line, problem[0], names.get(problem[0], problem[0]),
                                                  str(r.values.get(problem[0], "")), problem[1]), names, lines)
        elif m is not None:
            matches[r.row] = m
        checked.append(r)
    matched = {row: m.customer for row, m in matches.items()}
    if options.rows_are_deals:  # each customer's first row stands for its rows
        firsts = {r.row: r for r in checked}
        for w, reason in _duplicates([Identity(r.row, r.line, r.name, r.external_id or "") for r in checked],
                                     matched, hint=False):
            twice = BadRow(w.row, w.line, "name", names["name"], w.name, reason)
            problems += deals.with_its_deals(firsts[w.row], twice, names, lines)
    else:
        for w, reason in _duplicates(who, matched):
            problems.append(BadRow(w.row, w.line, "name", names["name"], w.name, reason))
    problems.sort(key=lambda p: p.row)
    bad = {p.row for p in problems}
    mapping = {f: table.columns[i] for f, i in sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0]))}
    notes = _notes(table.columns, mapping, options.explicit)
    if options.rows_are_deals:
        notes += deals.notes(deals.counts(stages), mapping)
    return CustomerPlan(
        options=options, encoding=table.encoding, delimiter=table.delimiter, columns=table.columns,
        mapping=mapping, total_rows=len(table.records), blank_rows=blank,
        rows=[r for r in checked if r.row not in bad], problems=problems,
        matches={row: m for row, m in matches.items() if row not in bad},
        currency=customer_service.main_currency(uow, workspace_id), notes=notes,
        customers_in_file=len(deals.group_rows(who)) if options.rows_are_deals else None,
        deal_counts=deals.counts(stages) if options.rows_are_deals else None)


def apply_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan: CustomerPlan) -> dict[str, Any]:
    """Write what the plan describes in the caller's transaction (all rows or none), or raise InvalidInput.
    Through the ORM, so that the search index (SQLite's triggers, PostgreSQL's generated column) and the
    version of each customer follow; one audit event per customer created or changed."""
    refused = plan.refusal()
    if refused is not None:
        raise refused
    spec = customer_service.SPEC
    session = uow.session
    today = date.today()
    created: list[Customer] = []
    updated: list[tuple[Customer, dict[str, Any]]] = []
    unchanged = 0
    for r in plan.rows:
        m = plan.matches.get(r.row)
        if m is None:
            values = {"currency": plan.currency} | _DEFAULTS | r.values
            values |= customer_service.deal_rules(None, values, today, refuse=False)
            c = Customer(workspace_id=workspace_id, **values)
            session.add(c)
            created.append(c)
        elif changes := plan.changes(r):
            before = spec.snapshot(m.customer)
            values = {f: v for f, (_, v) in changes.items()}
            values |= customer_service.deal_rules(m.customer, values, today, refuse=False,
                                                  deals_known=plan.options.rows_are_deals)
            for f, v in values.items():
                setattr(m.customer, f, v)
            updated.append((m.customer, before))
        else:
            unchanged += 1
    session.flush()
    for c in created:
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type=spec.name,
                     record_id=c.id, after=spec.snapshot(c))
    for c, before in updated:
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type=spec.name,
                     record_id=c.id, before=before, after=spec.snapshot(c))
    session.flush()
    return {"dry_run": False, "file": plan.options.filename, "created": len(created), "updated": len(updated),
            "unchanged": unchanged, "skipped_row_count": len(plan.bad_rows),
            "skipped_rows": plan.bad_rows[:MAX_LISTED],
            "created_ids": [c.id for c in created[:MAX_LISTED]],
            "updated_ids": [c.id for c, _ in updated[:MAX_LISTED]], "notes": plan.notes}


def run_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: bytes, options: CustomerOptions,
               dry_run: bool = False) -> dict[str, Any]:
    plan = plan_import(uow=uow, workspace_id=workspace_id, data=data, options=options)
    if dry_run:
        return plan.preview()
    return apply_import(uow=uow, workspace_id=workspace_id, actor=actor, plan=plan)
