"""One router shape for every core record: list/search/sort/paginate, create, batch, get, patch, archive, restore."""



from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tradeoff.api.deps import CurrentMember, IfMatch, Uow, container, etag, sort_query
from tradeoff.api.exports import CSV_RESPONSES, csv_stream
from tradeoff.bootstrap import Container
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.exports import service as exports
from tradeoff.records import idempotency
from tradeoff.records import service as records
from tradeoff.records.schemas import BatchIn, BatchOut, ListOut


@dataclass(frozen=True)
class RecordApi:
    service: ModuleType  # has SPEC, create(), update()
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    out_schema: type[BaseModel]
    filters_schema: type[BaseModel]
    singular: str  # CamelCase for operation ids, e.g. "Customer"
    plural: str    # CamelCase, e.g. "Customers"
    create_need: str = "edit"
    edit_need: str = "edit"  # update, archive, restore


MAX_BATCH_PROBLEMS = 50  # items named in one refusal of a batch


def _batch_error(failed: list[tuple[int, InvalidInput]]) -> InvalidInput:
    """One refusal naming every item that was refused (up to MAX_BATCH_PROBLEMS), each with its own errors."""
    shown = failed[:MAX_BATCH_PROBLEMS]
    more = f"; and {len(failed) - len(shown)} more items" if len(failed) > len(shown) else ""
    return InvalidInput("; ".join(f"items[{i}]: {exc.message}" for i, exc in shown) + more,
                        [FieldError(["body", "items", i, *e.loc[1:]], e.msg, e.value)
                         for i, exc in shown for e in exc.errors])


def build_router(api: RecordApi) -> APIRouter:
    spec = api.service.SPEC
    Out = api.out_schema
    Create = api.create_schema
    Update = api.update_schema
    Filters = api.filters_schema
    base = f"/workspaces/{{workspace}}/{spec.plural}"
    router = APIRouter(tags=[spec.plural])

    def dump(obj: Any) -> dict[str, Any]:
        return Out.model_validate(obj).model_dump(mode="json")

    @router.get(base, operation_id=f"list{api.plural}", response_model=ListOut[Out],  # type: ignore[valid-type]
                summary=f"List {spec.plural}")
    def list_(
        member: CurrentMember, uow: Uow, filters: Annotated[Filters, Query()],  # type: ignore[valid-type]
        request: Request,
        q: Annotated[str | None, Query(max_length=200, description="Full-text search")] = None,
        sort: Annotated[str | None, sort_query(spec.sorts)] = None,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        archived: Annotated[bool, Query(description="List archived records instead")] = False,
    ) -> Any:
        _refuse_unknown(request, Filters, ("q", "sort", "cursor", "limit", "archived"))
        page = records.list_page(uow=uow, spec=spec, workspace_id=member.workspace_id, q=q,
                                 # Filters is a runtime-chosen model class, which mypy cannot use as a type
                                 filters=filters.model_dump(exclude_none=True),  # type: ignore[attr-defined]
                                 sort=sort, cursor=cursor,
                                 limit=limit, archived=archived)
        return {"items": [dump(o) for o in page.items], "next": page.next}

    @router.get(f"{base}.csv", operation_id=f"export{api.plural}", response_class=Response,
                responses=CSV_RESPONSES, summary=f"Every {spec.name} the list would show, as CSV")
    def export(
        member: CurrentMember, uow: Uow, c: Annotated[Container, Depends(container)],
        filters: Annotated[Filters, Query()],  # type: ignore[valid-type]
        request: Request,
        q: Annotated[str | None, Query(max_length=200, description="Full-text search")] = None,
        sort: Annotated[str | None, sort_query(spec.sorts)] = None,
        archived: Annotated[bool, Query(description="Archived records instead")] = False,
    ) -> Response:
        _refuse_unknown(request, Filters, ("q", "sort", "archived"))
        query = {"spec": spec, "workspace_id": member.workspace_id, "q": q, "sort": sort, "archived": archived,
                 "filters": filters.model_dump(exclude_none=True)}  # type: ignore[attr-defined]
        exports.check(uow=uow, **query)
        return csv_stream(exports.stream_csv(c.unit_of_work, out_schema=Out, **query), spec.plural, member)

    @router.post(base, operation_id=f"create{api.singular}", status_code=201, response_model=Out,
                 summary=f"Create a {spec.name}")
    def create(member: CurrentMember, uow: Uow, body: Annotated[Create, Body()], response: Response,  # type: ignore[valid-type]
               request: Request) -> Any:
        member.require(api.create_need)
        obj = api.service.create(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)
        response.headers["ETag"] = etag(obj.version)
        # the API is mounted under /api/v1 (the root path): the new record's address from the client's side
        response.headers["Location"] = (f"{request.scope.get('root_path', '')}"
                                        f"{base.replace('{workspace}', member.workspace_slug)}/{obj.id}")
        return dump(obj)

    @router.post(f"{base}/batch", operation_id=f"batchCreate{api.plural}", status_code=201,
                 response_model=BatchOut[Out], summary=f"Create many {spec.plural}, all or nothing")  # type: ignore[valid-type]
    def batch(
        member: CurrentMember, uow: Uow, body: Annotated[BatchIn[Create], Body()],  # type: ignore[valid-type]
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> Any:
        member.require(api.create_need)

        def run() -> dict[str, Any]:
            # all or nothing: every item is checked, and any refusal names each refused item; the transaction
            # is then rolled back, so the items that passed are not written either
            out, failed = [], []
            for i, item in enumerate(body.items):
                try:
                    out.append(dump(api.service.create(uow=uow, workspace_id=member.workspace_id,
                                                       actor=member.actor("api"), data=item)))
                except InvalidInput as exc:
                    failed.append((i, exc))
            if failed:
                raise _batch_error(failed)
            return {"items": out}

        status, payload = idempotency.run_once(
            uow=uow, workspace_id=member.workspace_id, scope=f"batch:{spec.plural}", key=idempotency_key,
            body=body.model_dump(mode="json"), status_code=201, run=run)
        return JSONResponse(payload, status_code=status)

    @router.get(f"{base}/{{record_id}}", operation_id=f"get{api.singular}", response_model=Out,
                summary=f"Get a {spec.name}")
    def get(member: CurrentMember, uow: Uow, record_id: int, response: Response) -> Any:
        obj = records.get(uow=uow, spec=spec, workspace_id=member.workspace_id, record_id=record_id)
        response.headers["ETag"] = etag(obj.version)
        return dump(obj)

    @router.patch(f"{base}/{{record_id}}", operation_id=f"update{api.singular}", response_model=Out,
                  summary=f"Update a {spec.name} (send If-Match with its ETag)")
    def update(member: CurrentMember, uow: Uow, record_id: int, body: Annotated[Update, Body()],  # type: ignore[valid-type]
               version: IfMatch, response: Response) -> Any:
        member.require(api.edit_need)
        obj = api.service.update(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                 record_id=record_id, data=body, if_match=version)
        response.headers["ETag"] = etag(obj.version)
        return dump(obj)

    @router.delete(f"{base}/{{record_id}}", operation_id=f"archive{api.singular}", response_model=Out,
                   summary=f"Archive a {spec.name} (restore it with POST .../restore)")
    def archive(member: CurrentMember, uow: Uow, record_id: int, version: IfMatch, response: Response) -> Any:
        member.require(api.edit_need)
        obj = records.set_archived(uow=uow, spec=spec, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   record_id=record_id, archived=True, if_match=version)
        response.headers["ETag"] = etag(obj.version)
        return dump(obj)

    @router.post(f"{base}/{{record_id}}/restore", operation_id=f"restore{api.singular}", response_model=Out,
                 summary=f"Restore an archived {spec.name}")
    def restore(member: CurrentMember, uow: Uow, record_id: int, version: IfMatch, response: Response) -> Any:
        member.require(api.edit_need)
        obj = records.set_archived(uow=uow, spec=spec, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   record_id=record_id, archived=False, if_match=version)
        response.headers["ETag"] = etag(obj.version)
        return dump(obj)

    return router


def _refuse_unknown(request: Request, filters: type[BaseModel], standard: tuple[str, ...]) -> None:
    """A misspelt filter (?statuz=shipped) is named, never read as "no filter" (which would list everything)."""
    known = set(filters.model_fields) | set(standard)
    unknown = [k for k in request.query_params if k not in known]
    if unknown:
        raise InvalidInput(f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                           f"this list takes {', '.join(sorted(known))}",
                           [FieldError(["query", k], "unknown parameter", request.query_params[k]) for k in unknown])
