"""Generic use cases shared by every core record. Domain services add their own rules around these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.exc import StaleDataError

from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput, NotFound, PreconditionFailed
from tradeoff.records.pagination import Page, apply_keyset, cursor_in_tail, encode_cursor
from tradeoff.records.schemas import fits_db_int
from tradeoff.storage import models as _all_models  # noqa: F401  (every mapper known before load options are built)
from tradeoff.storage import search
from tradeoff.storage.uow import Actor, UnitOfWork

MAX_PAGE = 200


@dataclass(frozen=True)
class RecordSpec:
    """How one kind of record is listed, sorted, filtered, searched and audited."""

    name: str
    plural: str
    model: type
    sorts: dict[str, InstrumentedAttribute[Any]]
    default_sort: str
    filters: dict[str, Callable[[Any], ColumnElement[bool]]] = field(default_factory=dict)
    searchable: bool = True
    snapshot_fields: tuple[str, ...] = ()
    load_options: tuple[Any, ...] = ()
    # sort key -> a boolean column: the rows where it is true come after all the others, whichever the direction
    # (feedback of unknown date after the dated, newest or oldest first); each part pages on its own index
    sort_last: dict[str, InstrumentedAttribute[bool]] = field(default_factory=dict)
    # called as after_archive(uow, workspace_id, record) once a record is archived or restored, for what depends on
    # it (a promise's chance, a plan's capacity)
    after_archive: Callable[[UnitOfWork, int, Any], None] | None = None

    def snapshot(self, obj: Any) -> dict[str, Any]:
        return {f: getattr(obj, f) for f in self.snapshot_fields}


def base_query(spec: RecordSpec, workspace_id: int) -> Select[Any]:
    model = spec.model
    return select(model).where(model.workspace_id == workspace_id).options(*spec.load_options)  # type: ignore[attr-defined]


def get(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, record_id: int) -> Any:
    obj = None if not fits_db_int(record_id) else uow.session.scalars(  # no record has an id the database cannot hold
        base_query(spec, workspace_id).where(spec.model.id == record_id)).first()  # type: ignore[attr-defined]
    if obj is None:
        raise NotFound(f"{spec.name} {record_id} not found in this workspace")
    return obj


def get_many(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, ids: Iterable[int], field_name: str) -> list[Any]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    storable = [i for i in wanted if fits_db_int(i)]
    found = {o.id: o for o in uow.session.scalars(base_query(spec, workspace_id).where(spec.model.id.in_(storable)))}  # type: ignore[attr-defined]
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InvalidInput(
            f"{field_name}: no {spec.name} with id {', '.join(map(str, missing))} in this workspace",
            [FieldError(["body", field_name], f"unknown {spec.name} id", missing)],
        )
    return [found[i] for i in wanted]


def list_page(
    *,
    uow: UnitOfWork,
    spec: RecordSpec,
    workspace_id: int,
    q: str | None = None,
    filters: dict[str, Any] | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    archived: bool | None = False,
    extra: Iterable[ColumnElement[bool]] = (),
) -> Page[Any]:
    sort = sort or spec.default_sort
    key = sort.lstrip("-")
    if key not in spec.sorts:
        raise InvalidInput(
            f"sort: cannot sort {spec.plural} by '{key}'; choose one of {', '.join(sorted(spec.sorts))} "
            "(prefix with - for descending)",
            [FieldError(["query", "sort"], "unknown sort field", sort)],
        )
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_PAGE}", [FieldError(["query", "limit"], "out of range", limit)]
        )
    model = spec.model
    stmt = base_query(spec, workspace_id)
    if archived is not None and hasattr(model, "archived_at"):
        stmt = stmt.where(model.archived_at.is_not(None) if archived else model.archived_at.is_(None))
    for name, value in (filters or {}).items():
        if value is None:
            continue
        if name not in spec.filters:
            raise InvalidInput(f"unknown filter '{name}'", [FieldError(["query", name], "unknown filter", value)])
        stmt = stmt.where(spec.filters[name](value))
    for clause in extra:
        stmt = stmt.where(clause)
    if q and spec.searchable:
        match = search.matches(uow.session, model, q)
        if match is not None:
            stmt = stmt.where(match)
    column = spec.sorts[key]

    def fetch(part: Select[Any], after: str | None, n: int) -> list[Any]:
        return list(uow.session.scalars(apply_keyset(part, sort=sort, column=column, id_column=model.id,  # type: ignore[attr-defined]
                                                     cursor=after, limit=n)).unique())

    last_flag = spec.sort_last.get(key)
    if last_flag is None:
        rows, head = fetch(stmt, cursor, limit), None
    else:  # the rows the sort puts last are read after the others run out, each part in its own order
        in_tail = cursor_in_tail(cursor)
        rows = [] if in_tail else fetch(stmt.where(last_flag == false()), cursor, limit)
        head = len(rows)
        if len(rows) <= limit:
            rows += fetch(stmt.where(last_flag == true()), cursor if in_tail else None, limit - len(rows))
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        nxt = encode_cursor(sort, getattr(last, column.key), last.id, tail=head is not None and limit > head)
    return Page(items=rows, next=nxt)


def check_version(spec: RecordSpec | str, obj: Any, if_match: int | None) -> None:
    """412 unless `if_match` (the If-Match header, None when not sent) names the record's version; `spec` or the
    kind's name (e.g. "webhook") words the refusal."""
    if if_match is not None and obj.version != if_match:
        name = spec if isinstance(spec, str) else spec.name
        raise PreconditionFailed(
            f"{name} {obj.id} changed since you read it (your version {if_match}, now {obj.version}); "
            "reload it and apply your change again"
        )


def create(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, actor: Actor, values: dict[str, Any]) -> Any:
    obj = spec.model(workspace_id=workspace_id, **values)
    uow.session.add(obj)
    uow.session.flush()
    audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type=spec.name,
        record_id=obj.id, after=spec.snapshot(obj),
    )
    return obj


def update(
    *, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, actor: Actor, obj: Any, values: dict[str, Any],
    if_match: int | None, extra_before: dict[str, Any] | None = None, extra_after: dict[str, Any] | None = None,
) -> Any:
    check_version(spec, obj, if_match)
    columns = sa_inspect(type(obj)).columns
    for k, v in values.items():  # an explicit null for a field that must have a value: named, not a 500
        if v is None and k in columns and not columns[k].nullable:
            raise InvalidInput(f"{k} cannot be null: leave it out to keep it, or give a value",
                               [FieldError(["body", k], "cannot be null")])
    before = spec.snapshot(obj) | (extra_before or {})
    for k, v in values.items():
        setattr(obj, k, v)
    try:
        uow.session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed(f"{spec.name} {obj.id} was changed by someone else; reload and try again") from exc
    after = spec.snapshot(obj) | (extra_after or {})
    if before != after:
        audit.record(
            uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type=spec.name,
            record_id=obj.id, before=before, after=after,
        )
    return obj


def set_archived(
    *, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, actor: Actor, record_id: int, archived: bool,
    if_match: int | None = None,
) -> Any:
    obj = get(uow=uow, spec=spec, workspace_id=workspace_id, record_id=record_id)
    check_version(spec, obj, if_match)
    if obj.archived == archived:
        return obj
    obj.archive() if archived else obj.restore()
    uow.session.flush()
    audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="archive" if archived else "restore",
        record_type=spec.name, record_id=obj.id,
        before={"archived": not archived}, after={"archived": archived},
    )
    if spec.after_archive is not None:
        spec.after_archive(uow, workspace_id, obj)
    return obj


def count(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, archived: bool | None = False) -> int:
    """How many records of this kind the workspace holds (active ones by default; None counts all)."""
    model = spec.model
    stmt = select(func.count()).select_from(model).where(model.workspace_id == workspace_id)  # type: ignore[attr-defined]
    if archived is not None and hasattr(model, "archived_at"):
        stmt = stmt.where(model.archived_at.is_not(None) if archived else model.archived_at.is_(None))
    return int(uow.session.scalar(stmt) or 0)
