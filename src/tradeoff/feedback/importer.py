"""CSV import of feedback: parse, validate, plan (preview), apply — one transaction, one audit event.

The same inputs drive every step, so a door (CLI, API, web form) can show a preview, offer a dry run and
then apply exactly what was previewed:

    plan = plan_import(uow=uow, workspace_id=ws, data=raw_bytes, options=ImportOptions(filename="x.csv"))
    plan.preview()                      # JSON-ready dict: rows, mapping, sample, customers, bad rows, blockers
    summary = apply_import(uow=uow, workspace_id=ws, actor=actor, plan=plan)   # raises InvalidInput if blocked
    run_import(..., dry_run=True|False)  # both in one call, returning the preview or the summary as a dict

Rows are written with SQLAlchemy Core in batches inside the caller's unit of work: either every row is
written or, on any failure, none is. Imported feedback has `triaged_at` NULL, so the triage worker picks it up
(a kind read from the file is kept as the PM's own: triage adds only the sentiment). A row without a date is marked
`date_unknown`, its `reported_at` being the time of import: it counts in no trend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from tradeoff.audit import service as audit
from tradeoff.core.dates import check_date_format
from tradeoff.customers.model import Customer, Segment
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback import import_kinds
from tradeoff.feedback.import_rows import (
    FIELDS,
    RowValues,
    TablePlan,
    map_pairs,
    parse_rows,
    read_table,
    resolve_mapping,
    wordiest_column,
)
from tradeoff.feedback.model import Feedback, Source
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

BATCH = 2_000           # rows per executemany
MAX_LISTED = 100        # bad rows / customers listed in an error or preview
MAX_BYTES = 200 * 1024 * 1024
_LOOKUP_CHUNK = 500     # values per IN (...) when matching customers


@dataclass(frozen=True)
class ImportOptions:
    """What the person chose. `mapping` is field -> CSV column name (fields: text, customer, source, date,
    author, tags, kind, score, score_kind); fields not mapped are guessed from the header. `default_source` replaces
    unknown or empty source values. `create_customers` and `skip_unmatched` are the two answers to unknown customers.
    `kind_values` maps values of the kind column to kinds (value -> kind, or 'triage' for none); values that are
    neither a kind nor mapped make bad rows, or are left to triage with `unknown_kinds="triage"`."""

    filename: str = "upload.csv"
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    default_source: Source | None = None
    skip_bad_rows: bool = False
    create_customers: bool = False
    skip_unmatched: bool = False
    import_again: bool = False  # import rows already in the workspace (same words, customer and time) once more
    # no header names the text column: read the wordiest column as the words (for a preview a person checks;
    # the CLI and API refuse such a file instead)
    guess_text: bool = False
    kind_values: Mapping[str, str] = field(default_factory=dict)
    unknown_kinds: str = "refuse"

    def __post_init__(self) -> None:
        check_date_format(self.date_format)
        self.kinds()  # a mapping to no kind, or an unknown choice, is refused before the file is read

    def kinds(self) -> import_kinds.KindReader:
        """How the file's kind column is read."""
        return import_kinds.KindReader(import_kinds.chosen_kinds(self.kind_values),
                                       import_kinds.check_unknown(self.unknown_kinds))


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """['text=Comment', 'customer=Account'] -> {'text': 'Comment', 'customer': 'Account'}."""
    return map_pairs(pairs, FIELDS, "text=Comment")


def parse_kind_values(pairs: Iterable[str]) -> dict[str, str]:
    """['rating=praise', 'user experience=other'] -> {'rating': 'praise', 'user experience': 'other'}."""
    return import_kinds.parse_kind_pairs(pairs)


@dataclass(frozen=True)
class CustomerMatch:
    value: str           # as written in the file
    customer_id: int
    name: str
    by: str              # "external_id" | "name"
    rows: int


@dataclass(frozen=True)
class UnmatchedCustomer:
    value: str           # first spelling met in the file; created with this name
    rows: int
    first_row: int


@dataclass
class ImportPlan(TablePlan[ImportOptions, RowValues]):
    """Everything the import would do, computed without writing. `rows` are the valid rows."""

    matched: dict[str, CustomerMatch]        # key: value as written
    unmatched: dict[str, UnmatchedCustomer]  # key: value lower-cased
    already: dict[int, int] = field(default_factory=dict)  # row -> feedback id with its words, customer and time
    guessed_text: str | None = None  # the column read as the words because no header named one (guess_text)
    kinds: list[dict[str, Any]] = field(default_factory=list)  # the kind column's values and the kind each is read as

    @property
    def to_import(self) -> list[RowValues]:
        """The valid rows that would be written: all of them, or those not already in the workspace."""
        if self.options.import_again or not self.already:
            return self.rows
        return [r for r in self.rows if r.row not in self.already]

    @property
    def rows_without_customer(self) -> int:
        skipped = sum(u.rows for u in self.unmatched.values()) if self.options.skip_unmatched else 0
        return sum(1 for r in self.rows if r.customer is None) + skipped

    def blockers(self) -> list[dict[str, str]]:
        """Why applying would be refused (empty when it would go ahead)."""
        out = []
        if self.options.create_customers and self.options.skip_unmatched:
            out.append({"code": "conflicting_options",
                        "message": "choose either to create unknown customers or to skip them, not both"})
        out += self.bad_rows_blocker("in the API and form")
        if self.unmatched and not (self.options.create_customers or self.options.skip_unmatched):
            n = len(self.unmatched)
            out.append({"code": "unmatched_customers",
                        "message": f"{n} customer{'s' if n != 1 else ''} not found in this workspace: "
                                   f"{_names(self.unmatched.values())}; create them (--create-customers) or "
                                   "import those rows without a customer (--skip-unmatched); in the API and form: "
                                   "create_customers or skip_unmatched"})
        if not self.rows:
            out.append({"code": "no_rows", "message": "no row to import"})
        elif not self.to_import:
            out.append({"code": "already_imported",
                        "message": "every row is already in this workspace (the same words, customer and time, or words and customer for a row without a date): "
                                   "the file was imported before; to import it once more, choose import_again "
                                   "(--import-again)"})
        return out

    def refusal(self) -> InvalidInput | None:
        unknown = [] if self.options.create_customers or self.options.skip_unmatched else [
            FieldError(["row", u.first_row, "customer"], f"unknown customer '{u.value}' ({u.rows} "
                       f"row{'s' if u.rows != 1 else ''}); no customer has this external id or name", u.value)
            for u in list(self.unmatched.values())[:MAX_LISTED]]
        return self.refused(self.blockers(), unknown,
                            "Rows are numbered from 1 after the header line (row 1 is the first data row).")

    def preview(self, sample: int = 5) -> dict[str, Any]:
        """JSON-ready: what would be imported, from which columns, for which customers, and what is wrong."""
        to_create = list(self.unmatched.values()) if self.options.create_customers else []
        return {
            "dry_run": True,
            "file": self.options.filename,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": list(self.columns),
            "mapping": self.mapping,
            "guessed_text": self.guessed_text,
            "kinds": self.kinds[:import_kinds.MAX_VALUES],
            "kind_value_count": len(self.kinds),
            "unknown_kinds": self.options.unknown_kinds,
            "row_numbering": "row 1 is the first line after the header",
            "rows": self.total_rows,
            "blank_rows": self.blank_rows,
            "valid_rows": len(self.rows),
            "bad_row_count": len(self.bad_rows),
            "bad_rows": [p.as_dict() for p in self.problems[:MAX_LISTED]],
            "sample": [self._sample_row(r) for r in self.rows[:sample]],
            "customers": {
                "matched_count": len(self.matched),
                "matched": [vars(m) for m in list(self.matched.values())[:MAX_LISTED]],
                "unmatched_count": len(self.unmatched),
                "unmatched": [vars(u) for u in list(self.unmatched.values())[:MAX_LISTED]],
            },
            "would_import": len(self.to_import),
            "already_imported_count": len(self.already),
            "already_imported": [{"row": r, "feedback_id": f} for r, f in list(self.already.items())[:MAX_LISTED]],
            "import_again": self.options.import_again,
            "would_create_customers": len(to_create),
            "would_skip_rows": len(self.bad_rows) if self.options.skip_bad_rows else 0,
            "rows_without_customer": self.rows_without_customer,
            "ready": not self.blockers(),
            "blockers": self.blockers(),
        }

    def _sample_row(self, r: RowValues) -> dict[str, Any]:
        customer: dict[str, Any] | None = None
        if r.customer is not None:
            m = self.matched.get(r.customer)
            customer = ({"value": r.customer, "customer_id": m.customer_id, "name": m.name, "by": m.by} if m
                        else {"value": r.customer, "customer_id": None, "name": None, "by": None})
        return {"row": r.row, "text": r.text if len(r.text) <= 300 else r.text[:300] + "…", "customer": customer,
                "source": r.source, "reported_at": r.reported_at.isoformat() if r.reported_at else None,
                "author": r.reporter, "tags": list(r.tags), "kind": r.kind, "score_kind": r.score_kind,
                "score": r.score}


def _names(items: Iterable[UnmatchedCustomer], limit: int = 10) -> str:
    items = list(items)
    shown = ", ".join(f"'{u.value}'" for u in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@dataclass(frozen=True)
class ImportSummary:
    filename: str
    created_feedback: int
    created_customers: list[str]
    skipped_rows: list[int]
    rows_without_customer: int
    audit_event_id: int | None
    already_imported: dict[int, int] = field(default_factory=dict)
    new_ids: tuple[int, int] | None = None  # first and last id of the feedback created
    kinds_from_file: int = 0  # of the feedback created, how many took their kind from the file
    undated: int = 0  # of the feedback created, how many have no date (imported without one)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": False,
            "file": self.filename,
            "created_feedback": self.created_feedback,
            "created_customer_count": len(self.created_customers),
            "created_customers": self.created_customers[:MAX_LISTED],
            "skipped_row_count": len(self.skipped_rows),
            "skipped_rows": self.skipped_rows[:MAX_LISTED],
            "rows_without_customer": self.rows_without_customer,
            "skipped_already_imported": len(self.already_imported),
            "already_imported": [{"row": r, "feedback_id": f}
                                 for r, f in list(self.already_imported.items())[:MAX_LISTED]],
            "feedback_ids": {"first": self.new_ids[0], "last": self.new_ids[1]} if self.new_ids else None,
            "kinds_from_file": self.kinds_from_file,
            "undated": self.undated,
            "audit_event_id": self.audit_event_id,
        }


# -- use cases ----------------------------------------------------------------------------------------

def plan_import(*, uow: UnitOfWork, workspace_id: int, data: bytes, options: ImportOptions) -> ImportPlan:
    """Read and validate the whole file and match its customers. Writes nothing. Raises InvalidInput only
    for problems with the file as a whole (binary, empty, no header, required column missing, bad mapping);
    bad rows and unknown customers are reported in the plan."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{options.filename} is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
                           "Split it and import the parts", [FieldError(["file"], "file too large", options.filename)])
    table = read_table(data, filename=options.filename)
    guessed = None
    try:
        fields = resolve_mapping(table.columns, options.mapping)
    except InvalidInput as exc:
        missing_text = any(e.loc == ["column", "text"] for e in exc.errors) and "text" not in options.mapping
        guessed = wordiest_column(table) if options.guess_text and missing_text else None
        if guessed is None:
            raise
        fields = resolve_mapping(table.columns, {**options.mapping, "text": guessed})
    kinds = options.kinds()
    rows, problems, blank = parse_rows(table, fields, date_format=options.date_format,
                                       default_source=options.default_source, kinds=kinds)
    matched, unmatched = _match_customers(uow.session, workspace_id, rows)
    return ImportPlan(
        options=options, encoding=table.encoding, delimiter=table.delimiter, columns=table.columns,
        mapping={f: table.columns[i] for f, i in sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0]))},
        total_rows=len(table.records), blank_rows=blank, rows=rows, problems=problems,
        matched=matched, unmatched=unmatched,
        already=_already_imported(uow.session, workspace_id, rows, matched, unmatched_as_none=options.skip_unmatched),
        guessed_text=guessed,
        kinds=kinds.summary(table.values_of(fields, ["kind"])),
    )


def apply_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan: ImportPlan) -> ImportSummary:
    """Write what `plan` describes, in the caller's transaction, or raise InvalidInput (writing nothing)
    when the plan is blocked by bad rows or unknown customers the options do not resolve."""
    refused = plan.refusal()
    if refused is not None:
        raise refused
    session = uow.session
    now = utcnow()
    customer_ids = {value: m.customer_id for value, m in plan.matched.items()}
    created: list[str] = []
    if plan.unmatched and plan.options.create_customers:
        created_ids = _insert_customers(session, workspace_id, [u.value for u in plan.unmatched.values()], now)
        by_key = dict(zip(plan.unmatched, created_ids, strict=True))
        created = [u.value for u in plan.unmatched.values()]
    else:
        by_key = {}
    batch: list[dict[str, Any]] = []
    count = kinds_given = undated = 0
    first_id = session.scalar(select(func.max(Feedback.id))) or 0
    for r in plan.to_import:
        cid = None
        if r.customer is not None:
            cid = customer_ids.get(r.customer, by_key.get(r.customer.lower()))
        batch.append({"workspace_id": workspace_id, "text": r.text, "source": r.source, "customer_id": cid,
                      "reporter": r.reporter, "reported_at": r.reported_at or now,
                      "date_unknown": r.reported_at is None, "tags": list(r.tags),
                      "score_kind": r.score_kind, "score": r.score,
                      # a kind the file gives is the PM's own, as a correction is: kept and learned from
                      "kind": r.kind, "kind_source": "pm" if r.kind else None, "kind_confidence": 1.0 if r.kind else None,
                      "version": 1, "created_at": now, "updated_at": now})
        kinds_given += r.kind is not None
        undated += r.reported_at is None
        if len(batch) >= BATCH:
            count += _insert_feedback(session, batch)
            batch = []
    if batch:
        count += _insert_feedback(session, batch)
    skipped = plan.bad_rows
    repeats = {} if plan.options.import_again else plan.already
    event = audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="import", record_type="feedback", record_id=None,
        after={"file": plan.options.filename, "created_feedback": count, "created_customers": len(created),
               "skipped_rows": len(skipped), "rows_without_customer": plan.rows_without_customer,
               "skipped_already_imported": len(repeats), "mapping": plan.mapping, "encoding": plan.encoding,
               "kinds_from_file": kinds_given,
               "kind_values": {v["value"]: v["kind"] for v in plan.kinds[:import_kinds.MAX_VALUES]}},
    )
    session.flush()
    ids = session.execute(select(func.min(Feedback.id), func.max(Feedback.id))
                          .where(Feedback.workspace_id == workspace_id, Feedback.id > first_id)).one()
    return ImportSummary(filename=plan.options.filename, created_feedback=count, created_customers=created,
                         skipped_rows=skipped, rows_without_customer=plan.rows_without_customer,
                         audit_event_id=event.id, already_imported=repeats,
                         new_ids=(ids[0], ids[1]) if count and ids[0] is not None else None,
                         kinds_from_file=kinds_given, undated=undated)


def run_import(
    *, uow: UnitOfWork, workspace_id: int, actor: Actor, data: bytes, options: ImportOptions, dry_run: bool = False,
) -> dict[str, Any]:
    """Plan, then either return the preview (dry run: nothing written) or apply and return the summary."""
    plan = plan_import(uow=uow, workspace_id=workspace_id, data=data, options=options)
    if dry_run:
        return plan.preview()
    return apply_import(uow=uow, workspace_id=workspace_id, actor=actor, plan=plan).as_dict()


# -- database -----------------------------------------------------------------------------------------

def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _match_customers(
    session: Session, workspace_id: int, rows: list[RowValues],
) -> tuple[dict[str, CustomerMatch], dict[str, UnmatchedCustomer]]:
    """Each distinct customer value: by external id (exact) first, then by name (case-insensitive)."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for r in rows:
        if r.customer is not None:
            counts[r.customer] = counts.get(r.customer, 0) + 1
            first.setdefault(r.customer, r.row)
    values = list(counts)
    by_ext: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(values, _LOOKUP_CHUNK):
        for cid, name, ext in session.execute(
            select(Customer.id, Customer.name, Customer.external_id)
            .where(Customer.workspace_id == workspace_id, Customer.external_id.in_(chunk))
            .order_by(Customer.id)
        ):
            by_ext.setdefault(str(ext), (cid, name))
    by_name: dict[str, tuple[int, str]] = {}
    rest = sorted({v.lower() for v in values if v not in by_ext})
    for chunk in _chunks(rest, _LOOKUP_CHUNK):
        # Archived customers still match: their history is real. Oldest first wins on duplicate names.
        for cid, name in session.execute(
            select(Customer.id, Customer.name)
            .where(Customer.workspace_id == workspace_id, func.lower(Customer.name).in_(chunk))
            .order_by(Customer.id)
        ):
            by_name.setdefault(name.lower(), (cid, name))
    matched: dict[str, CustomerMatch] = {}
    unmatched: dict[str, UnmatchedCustomer] = {}
    for v in values:
        if v in by_ext:
            cid, name = by_ext[v]
            matched[v] = CustomerMatch(v, cid, name, "external_id", counts[v])
        elif v.lower() in by_name:
            cid, name = by_name[v.lower()]
            matched[v] = CustomerMatch(v, cid, name, "name", counts[v])
        else:
            key = v.lower()
            prev = unmatched.get(key)
            unmatched[key] = (UnmatchedCustomer(prev.value, prev.rows + counts[v], min(prev.first_row, first[v]))
                              if prev else UnmatchedCustomer(v, counts[v], first[v]))
    return matched, unmatched


def _already_imported(session: Session, workspace_id: int, rows: list[RowValues],
                      matched: dict[str, CustomerMatch], unmatched_as_none: bool = False) -> dict[int, int]:
    """Rows already in the workspace: feedback with the same words (spacing aside), the same customer and the same
    reported time; for a row without a date (reported at import time, so never the same time twice), the same
    words and customer at any time. The workspace's feedback is read only for the file's span of dates, and for
    the undated rows' exact words. A row of a customer not in the workspace can be there only when such rows are
    imported without a customer (`unmatched_as_none`)."""
    dated = [r for r in rows if r.reported_at is not None]
    undated = [r for r in rows if r.reported_at is None]
    known: dict[tuple[Any, int | None, str], int] = {}
    if dated:
        times = [r.reported_at for r in dated if r.reported_at is not None]
        for fid, text, owner, when in session.execute(
            select(Feedback.id, Feedback.text, Feedback.customer_id, Feedback.reported_at)
            .where(Feedback.workspace_id == workspace_id, Feedback.reported_at >= min(times),
                   Feedback.reported_at <= max(times)).order_by(Feedback.id)
        ):
            known.setdefault((when, owner, " ".join(text.split())), fid)
    texts = sorted({r.text for r in undated})
    for k in range(0, len(texts), 500):  # the import stores a row's words as read: exact matches find them
        for fid, text, owner in session.execute(
            select(Feedback.id, Feedback.text, Feedback.customer_id)
            .where(Feedback.workspace_id == workspace_id, Feedback.text.in_(texts[k:k + 500])).order_by(Feedback.id)
        ):
            known.setdefault((None, owner, " ".join(text.split())), fid)
    out: dict[int, int] = {}
    for r in rows:
        if r.customer is not None and r.customer not in matched and not unmatched_as_none:
            continue  # a customer not in the workspace yet: nothing of theirs can be there
        cid = matched[r.customer].customer_id if r.customer is not None and r.customer in matched else None
        found = known.get((r.reported_at, cid, " ".join(r.text.split())))
        if found is not None:
            out[r.row] = found
    return out


def _insert_customers(session: Session, workspace_id: int, names: list[str], now: Any) -> list[int]:
    """New customers (segment other, ARR 0) named as in the file; their ids in the order of `names`."""
    table = cast(Table, Customer.__table__)
    rows = [{"workspace_id": workspace_id, "name": n, "segment": Segment.other.value, "arr": Decimal(0),
             "currency": "USD", "plan": "", "account_owner": "", "notes": "", "external_id": None,
             "version": 1, "created_at": now, "updated_at": now} for n in names]
    result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(i) for i in result.scalars().all()]


def _insert_feedback(session: Session, batch: list[dict[str, Any]]) -> int:
    """One executemany of feedback rows. (Tests replace this to fail mid-import.)"""
    session.execute(insert(cast(Table, Feedback.__table__)), batch)
    return len(batch)
