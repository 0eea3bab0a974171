"""Saved views of the record lists: a list's search, filters, sort and archived switch under a name.

A personal view is seen by its owner only; a shared one by every member of the workspace, and only owners and PMs
share or remove shared views. A view's query is checked as the list would check it when it is saved, so a saved
view always opens; the names of the views one person sees for one list are unique (case aside)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, false, func, or_, select

from tradeoff.audit import service as audit
from tradeoff.customers import schemas as customer_schemas
from tradeoff.customers import service as customer_service
from tradeoff.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from tradeoff.exports import service as exports
from tradeoff.features import schemas as feature_schemas
from tradeoff.features import service as feature_service
from tradeoff.feedback import schemas as feedback_schemas
from tradeoff.feedback import service as feedback_service
from tradeoff.problems import schemas as problem_schemas
from tradeoff.problems import service as problem_service
from tradeoff.products import schemas as product_schemas
from tradeoff.products import service as product_service
from tradeoff.records.schemas import fits_db_int
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.views.model import SavedView
from tradeoff.views.schemas import ViewCreate, ViewQuery

LISTS: dict[str, tuple[RecordSpec, type[BaseModel]]] = {
    "products": (product_service.SPEC, product_schemas.ProductFilters),
    "customers": (customer_service.SPEC, customer_schemas.CustomerFilters),
    "feedback": (feedback_service.SPEC, feedback_schemas.FeedbackFilters),
    "problems": (problem_service.SPEC, problem_schemas.ProblemFilters),
    "features": (feature_service.SPEC, feature_schemas.FeatureFilters),
}
LOC = ["body", "query"]


def checked_query(*, uow: UnitOfWork, workspace_id: int, collection: str, query: ViewQuery) -> dict[str, Any]:
    """The query as it will be kept (see `kept`): refused as the list itself would refuse it, naming the filter or
    the sort."""
    spec, filters_schema = LISTS[collection]
    for name in query.filters:
        if name not in spec.filters:
            raise InvalidInput(f"cannot filter {spec.plural} on '{name}'; use {', '.join(spec.filters)}",
                               [FieldError([*LOC, "filters", name], "unknown filter", name)])
    out = kept(collection, q=query.q, sort=query.sort, archived=query.archived, filters=query.filters)
    try:
        filters = filters_schema.model_validate(out["filters"]).model_dump(exclude_none=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        raise InvalidInput(f"filter {name}: {first['msg']}",
                           [FieldError([*LOC, "filters", name], first["msg"], query.filters.get(name))]) from exc
    exports.check(uow=uow, spec=spec, workspace_id=workspace_id, q=query.q, filters=filters, sort=query.sort or None,
                  archived=query.archived)
    return out


def kept(collection: str, *, q: str | None, sort: str | None, archived: bool, filters: Mapping[str, Any]) -> dict[str, Any]:
    """What a list shows, in the shape a view keeps it: filters as given (the list's own spelling) without empty
    ones, the search, the sort unless it is the list's default, the archived switch when on. Two lists that show
    the same thing keep the same query, so a list can tell which view it is showing."""
    spec, _ = LISTS[collection]
    out: dict[str, Any] = {"filters": {k: v for k, v in filters.items() if v not in ("", None)}}
    if q:
        out["q"] = q
    if sort and sort != spec.default_sort:
        out["sort"] = sort
    if archived:
        out["archived"] = True
    return out


def overlay(view: SavedView, *, q: str | None, sort: str | None, archived: bool,
            filters: Mapping[str, str]) -> dict[str, str]:
    """A view's list parameters with others laid over them (a command line's options): the search and sort given
    replace the view's, filters given replace the view's of the same name, and archived is on when either says so."""
    ps = params(view) | dict(filters)
    if q is not None:
        ps["q"] = q
    if sort is not None:
        ps["sort"] = sort
    if archived:
        ps["archived"] = "1"
    return ps


def params(view: SavedView | dict[str, Any]) -> dict[str, str]:
    """The list page's address parameters that show what a view (or a kept query) shows."""
    query = view.query if isinstance(view, SavedView) else view
    out = {k: _text(v) for k, v in (query.get("filters") or {}).items()}
    if query.get("q"):
        out["q"] = str(query["q"])
    if query.get("sort"):
        out["sort"] = str(query["sort"])
    if query.get("archived"):
        out["archived"] = "1"
    return out


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _visible(workspace_id: int, user_id: int | None) -> Select[SavedView]:
    mine = SavedView.owner_id == user_id if user_id is not None else false()
    return select(SavedView).where(SavedView.workspace_id == workspace_id, or_(SavedView.shared.is_(True), mine))


def visible(*, uow: UnitOfWork, workspace_id: int, user_id: int | None, collection: str | None = None) -> list[SavedView]:
    """The views one person sees (theirs and the shared ones), by list, then shared first, then by name."""
    stmt = _visible(workspace_id, user_id)
    if collection is not None:
        stmt = stmt.where(SavedView.collection == collection)
    return list(uow.session.scalars(stmt.order_by(SavedView.collection, SavedView.shared.desc(),
                                                  func.lower(SavedView.name), SavedView.id)))


def get(*, uow: UnitOfWork, workspace_id: int, user_id: int | None, view_id: int) -> SavedView:
    view = uow.session.scalar(_visible(workspace_id, user_id).where(SavedView.id == view_id)) \
        if fits_db_int(view_id) else None
    if view is None:
        raise NotFound(f"view {view_id} not found in this workspace")
    return view


def find(*, uow: UnitOfWork, workspace_id: int, user_id: int | None, collection: str, name: str,
         everyone: bool = False) -> SavedView | None:
    """The view of that name (case aside) the person sees, or with `everyone`, any member's."""
    stmt = select(SavedView).where(SavedView.workspace_id == workspace_id) if everyone \
        else _visible(workspace_id, user_id)
    return uow.session.scalar(stmt.where(
        SavedView.collection == collection, func.lower(SavedView.name) == name.strip().lower()).limit(1))


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: ViewCreate, can_share: bool) -> SavedView:
    if data.shared and not can_share:
        raise PermissionDenied("only owners and PMs share views with the workspace; save it as your own view")
    if not data.shared and actor.user_id is None:
        raise InvalidInput("a view without a person to own it must be shared",
                           [FieldError(["body", "shared"], "must be true here", False)])
    query = checked_query(uow=uow, workspace_id=workspace_id, collection=data.collection, query=data.query)
    clash = find(uow=uow, workspace_id=workspace_id, user_id=actor.user_id, collection=data.collection,
                 name=data.name, everyone=data.shared)  # a shared view's name must not clash for anyone who sees it
    if clash is not None:
        whose = "a shared view" if clash.shared else \
            "one of your views" if clash.owner_id == actor.user_id else "someone's own view"
        raise Conflict(f"{whose} of {data.collection} is already called '{clash.name}'; choose another name or "
                       "delete that view first", [FieldError(["body", "name"], "name taken", data.name)])
    view = SavedView(workspace_id=workspace_id, collection=data.collection, name=data.name, query=query,
                     shared=data.shared, owner_id=actor.user_id, owner=actor.label)
    uow.session.add(view)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="view",
                 record_id=view.id, after={"collection": view.collection, "name": view.name, "query": query,
                                           "shared": view.shared})
    return view


def delete(*, uow: UnitOfWork, workspace_id: int, actor: Actor, view_id: int, can_edit_records: bool) -> str:
    """Delete a view the person sees; returns the list it was of."""
    view = get(uow=uow, workspace_id=workspace_id, user_id=actor.user_id, view_id=view_id)
    if view.shared and not can_edit_records:
        raise PermissionDenied("only owners and PMs remove shared views")
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="delete", record_type="view",
                 record_id=view.id, before={"collection": view.collection, "name": view.name, "query": view.query,
                                            "shared": view.shared})
    collection = view.collection
    uow.session.delete(view)
    uow.session.flush()
    return collection
