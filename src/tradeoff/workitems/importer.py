"""CSV import of work history (Jira, Azure DevOps, GitHub exports): preview, dry run, bad rows by number, one
transaction. Reading and dialects are the feedback importer's (`feedback.import_rows`); the rows are
`workitems.rows`, the dates `core.dates`, what a tracker's export means `workitems.trackers`.

Items are matched on their tracker key: importing a newer export updates the items already there. Keys are
unique only within one tracker, so an update that would overwrite another tracker's (or another team's) item
is refused, and a key prefix keeps the two apart. A feature value is matched by title; a number is taken as a
Tradeoff feature id only in a column the person mapped to `feature` (a tracker's parent or epic column holds
the tracker's own ids). An update keeps its feature link when the file names no feature for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from tradeoff.audit import service as audit
from tradeoff.core.dates import check_date_format
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features.model import Feature
from tradeoff.feedback.import_rows import (
    TablePlan,
    map_pairs,
    read_table,
    resolve_with_required,
)
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.workitems.model import WorkItem
from tradeoff.workitems.rows import ItemRow, date_reader, parse_rows
from tradeoff.workitems.trackers import UNKNOWN, other_tracker, points_lookalike, source_of, tracker_name

FIELDS = ("key", "title", "description", "type", "status", "resolution", "created", "started", "resolved", "points",
          "feature")
REQUIRED = ("key", "title")
GUESSES: dict[str, tuple[str, ...]] = {
    "key": ("issue key", "key", "issue id", "id", "work item id", "number", "pr", "item id"),
    "title": ("summary", "title", "name"),
    "description": ("description", "body", "details"),
    "type": ("issue type", "work item type", "type", "kind"),
    "status": ("status", "state"),
    "resolution": ("resolution", "state reason", "reason", "close reason", "closed reason"),
    "created": ("created", "created date", "created at", "createdat", "opened", "opened at"),
    "started": ("started", "start date", "started at", "activated date", "in progress date", "activated"),
    "resolved": ("resolved", "resolved date", "resolved at", "closed date", "closed at", "closed", "done date",
                 "completed", "completed date", "merged", "merged at", "finished"),
    "points": ("story points", "story point estimate", "points", "storypoint", "storypoints", "effort",
               "estimate", "custom field story points", "custom field story point estimate", "size"),
    # matched by title only: a tracker's parent and epic columns hold its own ids, never Tradeoff's
    "feature": ("feature", "linked feature", "parent summary", "epic link", "custom field epic link", "epic"),
}
ALIASES = {"summary": "title", "issue key": "key", "story points": "points", "storypoint": "points",
           "created_at": "created", "started_at": "started", "resolved_at": "resolved", "feature_id": "feature",
           "body": "description"}
MAX_BYTES = 200 * 1024 * 1024
BATCH = 1_000
MAX_LISTED = 100
MAX_NAMED = 5  # values and rows named in a sentence


@dataclass(frozen=True)
class WorkItemOptions:
    """`mapping`: field -> CSV column (fields: key, title, description, type, status, resolution, created,
    started, resolved, points, feature); fields not mapped are guessed from the header. `team_id`: the team every
    imported item belongs to (optional). `key_prefix`: put before every key (GH-), so that another tracker's
    keys cannot meet this file's."""

    filename: str = "upload.csv"
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    skip_bad_rows: bool = False
    team_id: int | None = None
    key_prefix: str = ""

    def __post_init__(self) -> None:
        check_date_format(self.date_format)
        if len(self.key_prefix) > 20 or self.key_prefix != self.key_prefix.strip():
            raise InvalidInput(f"key prefix '{self.key_prefix}' must be at most 20 characters, without spaces around"
                               " it", [FieldError(["body", "key_prefix"], "bad key prefix", self.key_prefix)])

    @property
    def named(self) -> dict[str, str]:
        """Field -> column as the person named them (aliases resolved; an empty column turns a guess off)."""
        return {ALIASES.get(k.strip().lower(), k.strip().lower()): c.strip() for k, c in self.mapping.items()}

    @property
    def explicit(self) -> set[str]:
        """The fields the person mapped to a column (not guessed, not turned off)."""
        return {f for f, c in self.named.items() if c}


@dataclass(frozen=True)
class Stored:
    """What an item already in the workspace holds that an import must not overwrite blindly."""

    id: int
    source: str
    team_id: int | None
    feature_id: int | None


@dataclass
class WorkItemPlan(TablePlan[WorkItemOptions, ItemRow]):
    features: dict[str, int]  # feature value as written -> feature id
    unmatched_features: dict[str, int]  # feature value -> rows
    existing: dict[str, Stored]  # key -> the work item already in the workspace
    source: str = UNKNOWN  # the tracker that wrote the file (trackers.source_of)
    warnings: list[str] = field(default_factory=list)

    def clashes(self) -> list[tuple[ItemRow, str]]:
        """Rows whose key is an item of another tracker or team, with whose it is."""
        out = []
        team = self.options.team_id
        for r in self.rows:
            s = self.existing.get(r.key)
            if s is not None and other_tracker(s.source, self.source):
                out.append((r, f"imported from {tracker_name(s.source)}"))
            elif s is not None and team is not None and s.team_id is not None and s.team_id != team:
                out.append((r, "of another team"))
        return out

    def blockers(self) -> list[dict[str, str]]:
        out = self.bad_rows_blocker()
        if clashes := self.clashes():
            out.append({"code": "key_clash", "message": _clash_message(clashes, self.source)})
        if not self.rows:
            out.append({"code": "no_rows", "message": "no row to import"})
        return out

    def refusal(self) -> InvalidInput | None:
        return self.refused(self.blockers(), [FieldError(["row", r.row, "key"], f"key {r.key} is an item {why}", r.key)
                                              for r, why in self.clashes()[:MAX_LISTED]])

    def feature_of(self, r: ItemRow) -> int | None:
        """The feature the row's item is linked to after the import: the one its value names; else, for an item
        already there, the one it was linked to; none for cancelled work (it is no part of a feature's scope)."""
        if r.cancelled:
            return None
        matched = self.features.get(r.feature) if r.feature else None
        stored = self.existing.get(r.key)
        return matched if matched is not None or stored is None else stored.feature_id

    def outcome(self) -> dict[str, Any]:
        """What the import does beyond creating and updating, for the preview and the summary alike."""
        links: Counter[str] = Counter()
        for r in self.rows:
            after = self.feature_of(r)
            links["linked"] += after is not None
            before = s.feature_id if (s := self.existing.get(r.key)) else None
            if before is None:
                continue
            if after is None:
                links["cleared"] += 1
            elif after != before:
                links["changed"] += 1
            elif not (r.feature and r.feature in self.features):  # the file named no feature it knows
                links["kept"] += 1
        return {"finished_rows": sum(1 for r in self.rows if r.resolved_at is not None),
                "cancelled_rows": sum(1 for r in self.rows if r.cancelled),
                "linked_to_features": links["linked"], "feature_links_changed": links["changed"],
                "feature_links_kept": links["kept"], "feature_links_cleared": links["cleared"],
                "unmatched_features": dict(list(self.unmatched_features.items())[:MAX_LISTED]),
                "notes": self.notes(links["kept"])}

    def notes(self, kept: int) -> list[str]:
        """What a person should know before trusting the numbers: cancelled work, feature values that matched
        nothing, columns that look unmapped."""
        out = []
        cancelled = Counter(r.cancelled for r in self.rows if r.cancelled)
        if cancelled:
            n = sum(cancelled.values())
            why = ", ".join(f"{reason} {k}" for reason, k in cancelled.most_common())
            out.append(f"{n} cancelled item{'s' * (n != 1)} ({why}) imported as not finished: left out of "
                       "throughput, cycle times and size references, and linked to no feature")
        if self.unmatched_features:
            out.append(_unmatched_note(self.unmatched_features, kept))
            numbers = [v for v in self.unmatched_features if v.isdecimal()]
            column = self.mapping.get("feature", "")
            if numbers and "feature" not in self.options.explicit:
                out.append(f"numbers in '{column}' ({', '.join(numbers[:MAX_NAMED])}) are taken for the tracker's "
                           f"own ids, not Tradeoff feature ids; if they are Tradeoff feature ids, map the column: "
                           f"--map feature='{column}' (feature_column in the API)")
        if "resolved" not in self.mapping:
            out.append("no 'resolved' column: no item counts as finished, so this file gives no throughput, cycle "
                       "times or size references for forecasts; map the column the export keeps the resolved or "
                       "closed date in (--map resolved=COLUMN)")
        elif self.rows and not any(r.resolved_at for r in self.rows):
            out.append(f"no row has a date in '{self.mapping['resolved']}': no item counts as finished, so this "
                       "file gives no throughput, cycle times or size references for forecasts")
        if "started" not in self.mapping and any(r.resolved_at for r in self.rows):
            out.append("no 'started' column: cycle times count from when each item was created (lead time, longer "
                       "than the work itself); map the column if the export has one (--map started=COLUMN)")
        return out + self.warnings

    def preview(self, sample: int = 5) -> dict[str, Any]:
        return {
            "dry_run": True, "file": self.options.filename, "encoding": self.encoding, "delimiter": self.delimiter,
            "columns": list(self.columns), "mapping": self.mapping,
            "guessed": [f for f in self.mapping if f not in self.options.explicit],
            "tracker": tracker_name(self.source) if self.source != UNKNOWN else None,
            "row_numbering": "row 1 is the first line after the header",
            "rows": self.total_rows, "blank_rows": self.blank_rows, "valid_rows": len(self.rows),
            "with_points": sum(1 for r in self.rows if r.points is not None),
            "bad_row_count": len(self.bad_rows), "bad_rows": [p.as_dict() for p in self.problems[:MAX_LISTED]],
            "sample": [{"row": r.row, "key": r.key, "title": r.title[:200], "type": r.type, "status": r.status,
                        "created": r.opened_at.isoformat() if r.opened_at else None,
                        "resolved": r.resolved_at.isoformat() if r.resolved_at else None, "points": r.points,
                        "cancelled": r.cancelled, "feature_id": self.feature_of(r)}
                       for r in self.rows[:sample]],
            "would_create": sum(1 for r in self.rows if r.key not in self.existing),
            "would_update": sum(1 for r in self.rows if r.key in self.existing),
            "would_skip_rows": len(self.bad_rows) if self.options.skip_bad_rows else 0,
            "ready": not self.blockers(), "blockers": self.blockers(),
        } | self.outcome()


def _clash_message(clashes: list[tuple[ItemRow, str]], source: str) -> str:
    rows = ", ".join(str(r.row) for r, _ in clashes[:MAX_NAMED]) + (" …" if len(clashes) > MAX_NAMED else "")
    whose = sorted({why for _, why in clashes})
    prefix = {"csv:github": "GH-", "csv:azure-devops": "ADO-", "csv:jira": "JIRA-"}.get(source, "X-")
    return (f"{len(clashes)} row{'s' * (len(clashes) != 1)} (rows {rows}) would overwrite work items with the same "
            f"key {' and '.join(whose)}: keys are unique only within one tracker. Give this file's keys a prefix "
            f"(--key-prefix {prefix}; key_prefix in the API and the form), or map another key column")


def _unmatched_note(unmatched: Mapping[str, int], kept: int) -> str:
    n, rows = len(unmatched), sum(unmatched.values())
    named = ", ".join(f"'{v}' ({k} row{'s' * (k != 1)})" for v, k in list(unmatched.items())[:MAX_NAMED])
    more = f" and {n - MAX_NAMED} more" if n > MAX_NAMED else ""
    kept_note = f"; {kept} already linked item{'s' * (kept != 1)} keep their link" if kept else ""
    return (f"{n} feature value{'s' * (n != 1)} matched no feature ({rows} row{'s' * (rows != 1)}, imported "
            f"without a new link{kept_note}): {named}{more}")


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """['key=Issue key', 'points=Story Points'] -> {'key': 'Issue key', 'points': 'Story Points'}."""
    return map_pairs(pairs, FIELDS, "key=Issue key")


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str]) -> dict[str, int]:
    """Field -> column index: the explicit mapping first, then guesses from the header for the rest."""
    return resolve_with_required(columns, mapping, fields=FIELDS, guesses=GUESSES, aliases=ALIASES, required=REQUIRED)


def _match_features(uow: UnitOfWork, workspace_id: int, rows: list[ItemRow], by_id: bool) -> tuple[
        dict[str, int], dict[str, int]]:
    """(value -> feature id, unmatched value -> rows). Values match a feature's title (any case); a number matches
    a feature's id only when `by_id` (the person mapped the column)."""
    values = Counter(r.feature for r in rows if r.feature)
    if not values:
        return {}, {}

    def number(v: str) -> int | None:  # "12" or "#12", as Tradeoff writes a feature's id
        bare = v.removeprefix("#")
        return int(bare) if bare.isdecimal() else None

    ids = {n for v in values if (n := number(v)) is not None} if by_id else set()
    by_id_found = set(uow.session.scalars(select(Feature.id).where(
        Feature.workspace_id == workspace_id, Feature.id.in_(ids)))) if ids else set()
    lowered = [v.lower() for v in values if number(v) not in by_id_found]
    by_title: dict[str, int] = {}
    for i in range(0, len(lowered), 500):
        for fid, title in uow.session.execute(select(Feature.id, Feature.title).where(
                Feature.workspace_id == workspace_id, func.lower(Feature.title).in_(lowered[i:i + 500]))
                .order_by(Feature.id)):
            by_title.setdefault(title.lower(), fid)
    matched: dict[str, int] = {}
    unmatched: dict[str, int] = {}
    for v, n in values.items():
        if (as_id := number(v)) is not None and as_id in by_id_found:
            matched[v] = as_id
        elif v.lower() in by_title:
            matched[v] = by_title[v.lower()]
        else:
            unmatched[v] = n
    return matched, unmatched


def _stored(uow: UnitOfWork, workspace_id: int, keys: list[str]) -> dict[str, Stored]:
    out: dict[str, Stored] = {}
    for i in range(0, len(keys), 500):
        for wid, key, source, team_id, feature_id in uow.session.execute(select(
                WorkItem.id, WorkItem.key, WorkItem.source, WorkItem.team_id, WorkItem.feature_id).where(
                WorkItem.workspace_id == workspace_id, WorkItem.key.in_(keys[i:i + 500]))):
            out[key] = Stored(wid, source, team_id, feature_id)
    return out


def _points_warning(columns: tuple[str, ...], fields: Mapping[str, int], options: WorkItemOptions) -> list[str]:
    if "points" in fields or "points" in options.named:
        return []
    column = points_lookalike(columns, fields.values())
    return [f"no points column found; '{column}' looks like points: map it with --map points='{column}' "
            "(points_column in the API)"] if column else []


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
    rows, problems, blank = parse_rows(table, fields, date_reader(table, fields, options.date_format),
                                       options.key_prefix)
    features, unmatched = _match_features(uow, workspace_id, rows, by_id="feature" in options.explicit)
    return WorkItemPlan(
        options=options, encoding=table.encoding, delimiter=table.delimiter, columns=table.columns,
        mapping={f: table.columns[i] for f, i in sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0]))},
        total_rows=len(table.records), blank_rows=blank, rows=rows, problems=problems, features=features,
        unmatched_features=unmatched, existing=_stored(uow, workspace_id, [r.key for r in rows]),
        source=source_of(table.columns), warnings=_points_warning(table.columns, fields, options))


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
                  "points": r.points, "feature_id": plan.feature_of(r), "updated_at": now}
        if plan.options.team_id is not None:
            values["team_id"] = plan.options.team_id
        if (s := plan.existing.get(r.key)) is not None:
            values["source"] = plan.source if plan.source != UNKNOWN else s.source
            changed.append({f"b_{k}": v for k, v in values.items()} | {"b_id": s.id})
        else:
            new.append(values | {"workspace_id": workspace_id, "key": r.key, "source": plan.source,
                                 "created_at": now, "team_id": plan.options.team_id})
    session = uow.session
    for i in range(0, len(new), BATCH):
        session.execute(insert(table), new[i:i + BATCH])
    if changed:
        cols = [c[2:] for c in changed[0] if c != "b_id"]
        stmt = update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in cols})
        for i in range(0, len(changed), BATCH):
            session.connection().execute(stmt, changed[i:i + BATCH])
    outcome = plan.outcome()
    event = audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="import", record_type="work_item",
                         record_id=None, after={"file": plan.options.filename, "created": len(new),
                                                "updated": len(changed), "skipped_rows": len(plan.bad_rows),
                                                "mapping": plan.mapping, "source": plan.source,
                                                "key_prefix": plan.options.key_prefix,
                                                "cancelled": outcome["cancelled_rows"]})
    session.flush()
    # the history sets each team's pace and linked work sets each feature's progress: re-forecast the promises
    from tradeoff.commitments import service as commitment_service

    commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return {"dry_run": False, "file": plan.options.filename, "created": len(new), "updated": len(changed),
            "skipped_row_count": len(plan.bad_rows), "skipped_rows": plan.bad_rows[:MAX_LISTED],
            "audit_event_id": event.id} | outcome


def run_import(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: bytes, options: WorkItemOptions,
               dry_run: bool = False) -> dict[str, Any]:
    plan = plan_import(uow=uow, workspace_id=workspace_id, data=data, options=options)
    if dry_run:
        return plan.preview()
    return apply_import(uow=uow, workspace_id=workspace_id, actor=actor, plan=plan)
