"""Saved views of the record lists: list, save, read and delete; a view's items are the list's own endpoint with
the view's parameters (`GET …/views/{id}` gives them as `params`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from tradeoff.api.deps import CurrentMember, Uow
from tradeoff.api.responses.records import SavedViewOut
from tradeoff.views import service as views
from tradeoff.views.schemas import Collection, ViewCreate, ViewOut

router = APIRouter(tags=["views"])
W = "/workspaces/{workspace}"


def _out(view: Any) -> dict[str, Any]:
    return ViewOut.model_validate(view).model_dump(mode="json") | {"params": views.params(view)}


@router.get(f"{W}/views", operation_id="listViews", response_model=list[SavedViewOut], response_model_exclude_unset=True,
            summary="Saved views you see: yours and the shared ones")
def list_views(member: CurrentMember, uow: Uow,
               collection: Annotated[Collection | None, Query(description="Only views of this list")] = None) -> Any:
    return [_out(v) for v in views.visible(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                           collection=collection)]


@router.post(f"{W}/views", operation_id="createView", status_code=201, response_model=SavedViewOut,
             response_model_exclude_unset=True,
             summary="Save a list's search, filters and sort under a name (shared: owners and PMs)")
def create_view(member: CurrentMember, uow: Uow, body: ViewCreate, response: Response) -> Any:
    view = views.create(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body,
                        can_share=member.role.edits_records)
    response.headers["Location"] = f"/api/v1/workspaces/{member.workspace_slug}/views/{view.id}"
    return _out(view)


@router.get(f"{W}/views/{{view_id}}", operation_id="getView", response_model=SavedViewOut,
            response_model_exclude_unset=True,
            summary="One saved view, with the list parameters that show it")
def get_view(member: CurrentMember, uow: Uow, view_id: int) -> Any:
    return _out(views.get(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id, view_id=view_id))


@router.delete(f"{W}/views/{{view_id}}", operation_id="deleteView", status_code=204,
               summary="Delete a saved view (yours; shared ones: owners and PMs)")
def delete_view(member: CurrentMember, uow: Uow, view_id: int) -> Response:
    views.delete(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), view_id=view_id,
                 can_edit_records=member.role.edits_records)
    return Response(status_code=204)
