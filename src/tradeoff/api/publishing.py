"""Share links to a product's public roadmap: create, list, revoke (owners and PMs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tradeoff.api.deps import CurrentMember, Uow
from tradeoff.publishing import service as publishing
from tradeoff.publishing.schemas import ShareCreate, ShareOut

router = APIRouter(tags=["publishing"])
W = "/workspaces/{workspace}"


@router.get(f"{W}/shares", operation_id="listShares", response_model=list[ShareOut],
            summary="Public roadmap links, newest first")
def list_shares(member: CurrentMember, uow: Uow, product_id: int | None = None) -> Any:
    member.require("edit")
    return publishing.list_shares(uow=uow, workspace_id=member.workspace_id, product_id=product_id)


@router.post(f"{W}/shares", operation_id="createShare", response_model=ShareOut, status_code=201,
             summary="Create a public, no-login link to a product's roadmap and changelog (/p/<token>)")
def create_share(member: CurrentMember, uow: Uow, body: ShareCreate) -> Any:
    member.require("edit")
    return publishing.create_share(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   product_id=body.product_id, label=body.label)


@router.delete(f"{W}/shares/{{share_id}}", operation_id="revokeShare", response_model=ShareOut,
               summary="Revoke a link: its pages answer 404 from now on")
def revoke_share(member: CurrentMember, uow: Uow, share_id: int) -> Any:
    member.require("edit")
    return publishing.revoke_share(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   share_id=share_id)
