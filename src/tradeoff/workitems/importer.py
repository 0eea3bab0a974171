"""CSV import of work history (Jira, Azure DevOps, GitHub exports): preview, dry run, bad rows by number, one
transaction. Reading, dialects and dates are the feedback importer's (`feedback.import_rows`); only the
fields and the writing are specific to work items.

Items are matched on their tracker key: importing a newer export updates the items already there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features.model import Feature
from tradeoff.feedback.import_rows import (
    BadRow,
    CsvTable,
    check_date_format,
    map_pairs,
    parse_date,
    read_table,
    resolve_columns,
)
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.workitems.model import WorkItem

FIELDS = ("key", "title", "description", "type", "status", "created", "started", "resolved", "points", "feature")
REQUIRED = ("key", "title")
GUESSES: dict[str, tuple[str, ...]] = {
    "key": ("issue key", "key", "issue id", "id", "work item id", "number", "pr", "item id"),
    "title": ("summary", "title", "name"),
    "description": ("description", "body", "details"),
    "type": ("issue type", "work item type", "type", "kind"),
    "status": ("status", "state"),
    "created": ("created", "created date", "created at", "createdat", "opened", "opened at"),
    "started": ("started", "start date", "started at", "activated date", "in progress date", "activated"),
    "resolved": ("resolved", "resolved date", "resolved at", "closed date", "closed at", "closed", "done date",
                 "completed", "completed date", "merged", "merged at", "finished"),
    "points": ("story points", "story point estimate", "points", "storypoint", "storypoints", "effort",
               "estimate", "custom field story points", "size"),
    "feature": ("feature", "feature id", "epic link", "epic", "parent", "linked feature"),
}
ALIASES = {"summary": "title", "issue key": "key", "story points": "points", "storypoint": "points",
           "created_at": "created", "started_at": "started", "resolved_at": "resolved", "feature_id": "feature",
           "body": "description"}
MAX_BYTES = 200 * 1024 * 1024
BATCH = 1_000
MAX_LISTED = 100


@dataclass(frozen=True)
class WorkItemOptions:
    """`mapping`: field -> CSV column (fields: key, title, description, type, status, created, started,
    resolved, points, feature); fields not mapped are guessed from the header. `team_id`: the team every
    imported item belongs to (optional)."""

    filename: str = "upload.csv"
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    skip_bad_rows: bool = False
    team_id: int | None = None

    def __post_init__(self) -> None:
        check_date_format(self.date_format)


@dataclass(frozen=True)
class ItemRow:
    row: int
    key: str
    title: str
    description: str
    type: str
    status: str
    opened_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    points: float | None
    feature: str | None


@dataclass
class WorkItemPlan:
    options: WorkItemOptions
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    mapping: dict[str, str]
    total_rows: int
    blank_rows: int
    rows: list[ItemRow]
    problems: list[BadRow]
    features: dict[str, int]  # feature value as written -> feature id
    unmatched_features: dict[str, int]  # feature value -> rows
    existing: dict[str, int]  # key -> work item id already in the workspace

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def blockers(self) -> list[dict[str, str]]:
        out = []
        if self.problems and not self.options.skip_bad_rows:
            n = len(self.bad_rows)
            out.append({"code": "bad_rows", "message": f"{n} bad row{'s' if n != 1 else ''}: fix them, or skip them "
                                                       "(--skip-bad-rows; skip_bad_rows in the API)"})
        if not self.rows:
            out.append({"code": "no_rows", "message": "no row to import"})
        return out

    def refusal(self) -> InvalidInput | None:
        blockers = self.blockers()
        if not blockers:
            return None
        errors = [p.as_error() for p in self.problems[:MAX_LISTED]] if not self.options.skip_bad_rows else []
        note = (" Rows are numbered from 1 after the header line." if any(b["code"] == "bad_rows" for b in blockers)
                else "")
        return InvalidInput(f"{self.options.filename}: nothing was imported; "
                            + "; ".join(b["message"] for b in blockers) + "." + note, errors)

    def preview(self, sample: int = 5) -> dict[str, Any]:
        done = sum(1 for r in self.rows if r.resolved_at is not None)
        return {
            "dry_run": True, "file": self.options.filename, "encoding": self.encoding, "delimiter": self.delimiter,
            "columns": list(self.columns), "mapping": self.mapping,
            "row_numbering": "row 1 is the first line after the header",
            "rows": self.total_rows, "blank_rows": self.blank_rows, "valid_rows": len(self.rows),
            "finished_rows": done, "with_points": sum(1 for r in self.rows if r.points is not None),
            "bad_row_count": len(self.bad_rows), "bad_rows": [p.as_dict() for p in self.problems[:MAX_LISTED]],
            "sample": [{"row": r.row, "key": r.key, "title": r.title[:200], "type": r.type, "status": r.status,
                        "created": r.opened_at.isoformat() if r.opened_at else None,
                        "resolved": r.resolved_at.isoformat() if r.resolved_at else None, "points": r.points,
                        "feature_id": self.features.get(r.feature) if r.feature else None}
                       for r in self.rows[:sample]],
            "would_create": sum(1 for r in self.rows if r.key not in self.existing),
            "would_update": sum(1 for r in self.rows if r.key in self.existing),
            "linked_to_features": sum(1 for r in self.rows if r.feature and r.feature in self.features),
            "unmatched_features": dict(list(self.unmatched_features.items())[:MAX_LISTED]),
            "would_skip_rows": len(self.bad_rows) if self.options.skip_bad_rows else 0,
            "ready": not self.blockers(), "blockers": self.blockers(),
        }


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """['key=Issue key', 'points=Story Points'] -> {'key': 'Issue key', 'points': 'Story Points'}."""
    return map_pairs(pairs, FIELDS, "key=Issue key")


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str]) -> dict[str, int]:
    """Field -> column index: the explicit mapping first, then guesses from the header for the rest."""
    fields = resolve_columns(columns, mapping, fields=FIELDS, guesses=GUESSES, aliases=ALIASES)
    for name in REQUIRED:
        if name not in fields:
            found = ", ".join(f"'{c}'" for c in columns)
            raise InvalidInput(
                f"the file has no column for the required field '{name}' (looked for {', '.join(GUESSES[name])}); "
                f"its columns are {found}. Name it: --map {name}=COLUMN",
                [FieldError(["column", name], "required column missing", list(columns))])
    return fields


def _parse_rows(table: CsvTable, fields: Mapping[str, int], date_format: str | None) -> tuple[
        list[ItemRow], list[BadRow], int]:
    good: list[ItemRow] = []
    bad: list[BadRow] = []
    blank = 0
    names = {f: table.columns[i] for f, i in fields.items()}
    seen: dict[str, int] = {}
    soon = datetime.now(UTC) + timedelta(days=1)  # a day's slack for time zones
    for row, line, cells in table.records:
        if not any(c.strip() for c in cells):
            blank += 1
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = fields.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        problems: list[tuple[str, str, str]] = []
        key, title = cell("key"), " ".join(cell("title").split())
        if not key:
            problems.append(("key", key, "key is empty"))
        elif len(key) > 100:
            problems.append(("key", key, "key is longer than 100 characters"))
        elif key in seen:
            problems.append(("key", key, f"key {key} appears again (first in row {seen[key]})"))
        if not title:
            problems.append(("title", title, "title is empty"))
        elif len(title) > 500:
            problems.append(("title", title, "title is longer than 500 characters"))
        dates: dict[str, datetime | None] = {}
        for name in ("created", "started", "resolved"):
            raw = cell(name)
            dates[name] = None
            if raw:
                try:
                    dates[name] = parse_date(raw, date_format)
                except ValueError as exc:
                    problems.append((name, raw, str(exc)))
            if (when := dates[name]) is not None and when > soon:
                problems.append((name, raw, f"{name} {raw} is in the future: history is what already happened"))
        if dates["created"] and dates["resolved"] and dates["resolved"] < dates["created"]:
            problems.append(("resolved", cell("resolved"), "resolved before it was created"))
        points: float | None = None
        raw_points = cell("points")
        if raw_points:
            try:
                points = float(raw_points.replace(",", "."))
                if not 0 <= points <= 10_000:
                    problems.append(("points", raw_points, "points must be between 0 and 10000"))
            except ValueError:
                problems.append(("points", raw_points, "points is not a number"))
        if problems:
            bad.extend(BadRow(row, line, f, names.get(f, f), v, r) for f, v, r in problems)
            continue
        seen[key] = row
        good.append(ItemRow(row=row, key=key, title=title, description=cell("description")[:20_000],
                            type=cell("type")[:50], status=cell("status")[:50], opened_at=dates["created"],
                            started_at=dates["started"], resolved_at=dates["resolved"], points=points,
                            feature=cell("feature") or None))
    return good, bad, blank


def _match_features(uow: UnitOfWork, workspace_id: int, rows: list[ItemRow]) -> tuple[dict[str, int], dict[str, int]]:
    values: dict[str, int] = {}
    for r in rows:
        if r.feature:
            values[r.feature] = values.get(r.feature, 0) + 1
    if not values:
        return {}, {}
    ids = {int(v) for v in values if v.isdecimal()}
    by_id = set(uow.session.scalars(select(Feature.id).where(Feature.workspace_id == workspace_id,
                                                             Feature.id.in_(ids)))) if ids else set()
    lowered = [v.lower() for v in values if not (v.isdecimal() and int(v) in by_id)]
    by_title: dict[str, int] = {}
    for i in range(0, len(lowered), 500):
        for fid, title in uow.session.execute(select(Feature.id, Feature.title).where(
                Feature.workspace_id == workspace_id, func.lower(Feature.title).in_(lowered[i:i + 500]))
                .order_by(Feature.id)):
            by_title.setdefault(title.lower(), fid)
    matched: dict[str, int] = {}
    unmatched: dict[str, int] = {}
    for v, n in values.items():
        if v.isdecimal() and int(v) in by_id:
            matched[v] = int(v)
        elif v.lower() in by_title:
            matched[v] = by_title[v.lower()]
        else:
            unmatched[v] = n
    return matched, unmatched


def plan_import(*, uow: UnitOfWork, workspace_id: int, data: bytes, options: WorkItemOptions) -> WorkItemPlan:
    """Read and check the whole file; writes nothing. InvalidInput only for problems with the file as a whole."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{options.filename} is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB",
                           [FieldError(["file"], "file too large", options.filename)])
    if options.team_id is not None:
        from tradeoff.records import service as records
        from tradeoff.teams import service as team_service

        records.get_many(uow=uow, spec=team_service.SPEC, workspace_id=workspace_id, ids=[options.team_id],
                         field_name="team_id")
    table = read_table(data, filename=options.filename)
    fields = resolve_mapping(table.columns, options.mapping)
    rows, problems, blank = _parse_rows(table, fields, options.date_format)
    features, unmatched = _match_features(uow, workspace_id, rows)
    keys = [r.key for r in rows]
    existing: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        existing |= {k: wid for wid, k in uow.session.execute(select(WorkItem.id, WorkItem.key).where(
            WorkItem.workspace_id == workspace_id, WorkItem.key.in_(keys[i:i + 500])))}
    return WorkItemPlan(
        options=options, encoding=table.encoding, delimiter=table.delimiter, columns=table.columns,
        mapping={f: table.columns[i] for f, i in sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0]))},
        total_rows=len(table.records), blank_rows=blank, rows=rows, problems=problems, features=features,
        unmatched_features=unmatched, existing=existing)


def apply_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan: WorkItemPlan) -> dict[str, Any]:
    """Write what the plan describes in the caller's transaction (all rows or none), or raise InvalidInput."""
    refused = plan.refusal()
    if refused is not None:
        raise refused
    now = utcnow()
    table = cast(Table, WorkItem.__table__)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for r in plan.rows:
        values = {"title": r.title, "description": r.description, "type": r.type, "status": r.status,
                  "opened_at": r.opened_at, "started_at": r.started_at, "resolved_at": r.resolved_at,
                  "points": r.points, "feature_id": plan.features.get(r.feature) if r.feature else None,
                  "updated_at": now}
        if plan.options.team_id is not None:
            values["team_id"] = plan.options.team_id
        if r.key in plan.existing:
            changed.append({f"b_{k}": v for k, v in values.items()} | {"b_id": plan.existing[r.key]})
        else:
            new.append(values | {"workspace_id": workspace_id, "key": r.key, "source": "csv", "created_at": now,
                                 "team_id": plan.options.team_id})
    session = uow.session
    for i in range(0, len(new), BATCH):
        session.execute(insert(table), new[i:i + BATCH])
    if changed:
        cols = [c[2:] for c in changed[0] if c != "b_id"]
        stmt = update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in cols})
        for i in range(0, len(changed), BATCH):
            session.connection().execute(stmt, changed[i:i + BATCH])
    event = audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="import", record_type="work_item",
                         record_id=None, after={"file": plan.options.filename, "created": len(new),
                                                "updated": len(changed), "skipped_rows": len(plan.bad_rows),
                                                "mapping": plan.mapping})
    session.flush()
    # the history sets each team's pace and linked work sets each feature's progress: re-forecast the promises
    from tradeoff.commitments import service as commitment_service

    commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return {"dry_run": False, "file": plan.options.filename, "created": len(new), "updated": len(changed),
            "skipped_row_count": len(plan.bad_rows), "skipped_rows": plan.bad_rows[:MAX_LISTED],
            "linked_to_features": sum(1 for r in plan.rows if r.feature and r.feature in plan.features),
            "audit_event_id": event.id}


def run_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: bytes, options: WorkItemOptions,
               dry_run: bool = False) -> dict[str, Any]:
    plan = plan_import(uow=uow, workspace_id=workspace_id, data=data, options=options)
    if dry_run:
        return plan.preview()
    return apply_import(uow=uow, workspace_id=workspace_id, actor=actor, plan=plan)
