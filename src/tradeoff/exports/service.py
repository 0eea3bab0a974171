"""Exports of records: every record a list shows (its search, filters, sort, archived or not), not one page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from tradeoff.exports import views
from tradeoff.exports.table import Table, iter_csv
from tradeoff.records import service as records
from tradeoff.records.service import MAX_PAGE, RecordSpec
from tradeoff.storage.uow import UnitOfWork


def matching(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, q: str | None = None,
             filters: dict[str, Any] | None = None, sort: str | None = None,
             archived: bool = False) -> Iterator[Any]:
    """Every record the list would show, page after page (bad filters and sorts are refused before the first)."""
    cursor: str | None = None
    while True:
        page = records.list_page(uow=uow, spec=spec, workspace_id=workspace_id, q=q, filters=filters, sort=sort,
                                 cursor=cursor, limit=MAX_PAGE, archived=archived)
        yield from page.items
        if not page.next:
            return
        cursor = page.next


def record_table(*, uow: UnitOfWork, spec: RecordSpec, out_schema: type[BaseModel], workspace_id: int,
                 q: str | None = None, filters: dict[str, Any] | None = None, sort: str | None = None,
                 archived: bool = False) -> Table:
    """The records a list shows, as their API shape, read as the file is written (a bad filter or sort is refused
    when the first row is read: a door that starts a response first calls `check`)."""
    found = matching(uow=uow, spec=spec, workspace_id=workspace_id, q=q, filters=filters, sort=sort,
                     archived=archived)
    return views.records(spec.plural, out_schema, (out_schema.model_validate(o).model_dump(mode="json") for o in found))


def check(*, uow: UnitOfWork, spec: RecordSpec, workspace_id: int, q: str | None = None,
          filters: dict[str, Any] | None = None, sort: str | None = None, archived: bool = False) -> None:
    """Refuse a bad search, filter or sort now, as the list would, before a file starts to be sent."""
    records.list_page(uow=uow, spec=spec, workspace_id=workspace_id, q=q, filters=filters, sort=sort, limit=1,
                      archived=archived)


def stream_csv(uow_factory: Callable[[], UnitOfWork], *, spec: RecordSpec, out_schema: type[BaseModel],
               workspace_id: int, q: str | None = None, filters: dict[str, Any] | None = None,
               sort: str | None = None, archived: bool = False, excel: bool = False) -> Iterator[str]:
    """The CSV text of `record_table`, a thousand rows at a time, read in a unit of work of its own: the file
    starts at once and memory stays small however long the list (the request's own unit of work ends when
    the response starts). Check the parameters with `check` first."""
    with uow_factory() as uow:
        yield from iter_csv(record_table(uow=uow, spec=spec, out_schema=out_schema, workspace_id=workspace_id, q=q,
                                         filters=filters, sort=sort, archived=archived), excel=excel)
