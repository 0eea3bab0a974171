"""API routes beyond plain record CRUD: links, comments, demand, accounts, tokens, audit."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.accounts.schemas import (
    InvitationCreated,
    InvitationIn,
    InvitationOut,
    MemberIn,
    MemberOut,
    MeOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from tradeoff.api.deps import BeforeId, CurrentMember, IfMatch, Uow, etag, next_cursor, sort_query
from tradeoff.api.responses.records import AuditPage
from tradeoff.audit import service as audit
from tradeoff.comments import service as comment_service
from tradeoff.comments.schemas import CommentCreate, CommentOut
from tradeoff.customers import service as customer_service
from tradeoff.feedback import service as feedback_service
from tradeoff.links import service as link_service
from tradeoff.links.schemas import CustomerRequestOut, DemandOut, LinkCreate, LinkFilters, LinkOut, LinkUpdate
from tradeoff.records import everywhere
from tradeoff.records import service as records
from tradeoff.records.schemas import ListOut

router = APIRouter()
W = "/workspaces/{workspace}"
Kind = Literal["problems", "features"]


@router.get(f"{W}/me", operation_id="getMe", response_model=MeOut, tags=["accounts"])
def me(member: CurrentMember) -> Any:
    return MeOut(user_id=member.user_id, email=member.email, name=member.name, workspace=member.workspace_slug,
                 role=member.role)


@router.get(f"{W}/members", operation_id="listMembers", response_model=list[MemberOut], tags=["accounts"])
def list_members(member: CurrentMember, uow: Uow) -> Any:
    return [MemberOut(user_id=m.user.id, email=m.user.email, name=m.user.name, role=Role(m.role))
            for m in accounts.members(uow=uow, workspace_id=member.workspace_id)]


@router.put(f"{W}/members", operation_id="setMember", response_model=MemberOut, tags=["accounts"],
            summary="Change the role of someone who is already a member (by user_id or email); invite new people")
def set_member(member: CurrentMember, uow: Uow, body: MemberIn) -> Any:
    member.require("manage")
    row = accounts.member_row(uow=uow, workspace_id=member.workspace_id, user_id=body.user_id,
                              email=str(body.email) if body.email else None)
    m = accounts.change_role(uow=uow, workspace_id=member.workspace_id, user_id=row.user_id, role=body.role,
                             actor=member.actor("api"))
    return MemberOut(user_id=m.user.id, email=m.user.email, name=m.user.name, role=Role(m.role))


@router.get(f"{W}/invitations", operation_id="listInvitations", response_model=list[InvitationOut],
            tags=["accounts"], summary="Pending invitations, newest first (their links are never shown again)")
def list_invitations(member: CurrentMember, uow: Uow) -> Any:
    member.require("manage")
    return invitations.pending(uow=uow, workspace_id=member.workspace_id)


@router.post(f"{W}/invitations", operation_id="createInvitation", response_model=InvitationCreated, status_code=201,
             tags=["accounts"], summary="Invite an email with a role: the answer, with the link to pass on, is the "
                                        "same whether or not they have an account; inviting them again replaces it")
def create_invitation(member: CurrentMember, uow: Uow, body: InvitationIn) -> Any:
    member.require("manage")
    row, token = invitations.invite(uow=uow, workspace_id=member.workspace_id, email=str(body.email), role=body.role,
                                    actor=member.actor("api"))
    return InvitationCreated(**InvitationOut.model_validate(row).model_dump(), link=invitations.link(token))


@router.delete(f"{W}/invitations/{{invitation_id}}", operation_id="revokeInvitation", response_model=InvitationOut,
               tags=["accounts"], summary="Withdraw a pending invitation: its link stops working")
def revoke_invitation(member: CurrentMember, uow: Uow, invitation_id: int) -> Any:
    member.require("manage")
    return invitations.revoke(uow=uow, workspace_id=member.workspace_id, invitation_id=invitation_id,
                              actor=member.actor("api"))


@router.delete(f"{W}/members/{{user_id}}", operation_id="removeMember", status_code=204, tags=["accounts"],
               summary="Take a person out of the workspace (their API tokens for it are revoked; never the last owner)")
def remove_member(member: CurrentMember, uow: Uow, user_id: int) -> Response:
    member.require("manage")
    accounts.remove_member(uow=uow, workspace_id=member.workspace_id, user_id=user_id, actor=member.actor("api"))
    return Response(status_code=204)


@router.get(f"{W}/tokens", operation_id="listTokens", response_model=list[TokenOut], tags=["accounts"])
def list_tokens(member: CurrentMember, uow: Uow) -> Any:
    return accounts.list_tokens(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id)


@router.post(f"{W}/tokens", operation_id="createToken", response_model=TokenCreated, status_code=201, tags=["accounts"])
def create_token(member: CurrentMember, uow: Uow, body: TokenCreate) -> Any:
    row, token = accounts.create_token(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                       name=body.name, actor=member.actor("api"))
    return TokenCreated(**TokenOut.model_validate(row).model_dump(), token=token)


@router.delete(f"{W}/tokens/{{token_id}}", operation_id="revokeToken", response_model=TokenOut, tags=["accounts"])
def revoke_token(member: CurrentMember, uow: Uow, token_id: int) -> Any:
    return accounts.revoke_token(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                 token_id=token_id, actor=member.actor("api"))


@router.get(f"{W}/audit", operation_id="listAuditEvents", response_model=AuditPage, response_model_exclude_unset=True,
            tags=["audit"])
def list_audit(
    member: CurrentMember, uow: Uow,
    record_type: Annotated[str | None, Query(max_length=40)] = None,
    record_id: int | None = None,
    before: BeforeId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    events = audit.list_events(uow=uow, workspace_id=member.workspace_id, record_type=record_type,
                               record_id=record_id, before_id=before, limit=limit)
    return {"items": [audit.event_out(e) for e in events], "next": next_cursor(events, limit)}


@router.post(f"{W}/links", operation_id="createLink", response_model=LinkOut, status_code=201, tags=["links"])
def create_link(member: CurrentMember, uow: Uow, body: LinkCreate, response: Response) -> Any:
    member.require("evidence")
    link = link_service.create(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)
    response.headers["ETag"] = etag(link.version)
    return link


@router.get(f"{W}/feedback/{{feedback_id}}/links", operation_id="listFeedbackLinks", response_model=list[LinkOut],
            tags=["links"])
def feedback_links(member: CurrentMember, uow: Uow, feedback_id: int) -> Any:
    records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=member.workspace_id, record_id=feedback_id)
    return link_service.links_of_feedback(uow=uow, workspace_id=member.workspace_id, feedback_id=feedback_id)


@router.get(f"{W}/links", operation_id="listLinks", response_model=ListOut[LinkOut], tags=["links"],
            summary="Links from evidence to problems and features, filtered by feedback, feature or problem")
def list_links(
    member: CurrentMember, uow: Uow, filters: Annotated[LinkFilters, Query()],
    sort: Annotated[str | None, sort_query(link_service.SPEC.sorts)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    page = records.list_page(uow=uow, spec=link_service.SPEC, workspace_id=member.workspace_id,
                             filters=filters.model_dump(exclude_none=True), sort=sort, cursor=cursor, limit=limit,
                             archived=None)
    return {"items": [LinkOut.model_validate(x) for x in page.items], "next": page.next}


@router.patch(f"{W}/links/{{link_id}}", operation_id="updateLink", response_model=LinkOut, tags=["links"])
def update_link(member: CurrentMember, uow: Uow, link_id: int, body: LinkUpdate, version: IfMatch,
                response: Response) -> Any:
    member.require("edit")
    link = link_service.update_quote(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                     link_id=link_id, quote=body.quote, if_match=version)
    response.headers["ETag"] = etag(link.version)
    return link


@router.patch(f"{W}/comments/{{comment_id}}", operation_id="updateComment", response_model=CommentOut,
              tags=["comments"])
def edit_comment(member: CurrentMember, uow: Uow, comment_id: int, body: CommentCreate, version: IfMatch,
                 response: Response) -> Any:
    c = comment_service.edit(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                             comment_id=comment_id, data=body, can_edit_records=member.role.edits_records,
                             if_match=version)
    response.headers["ETag"] = etag(c.version)
    return c


@router.delete(f"{W}/comments/{{comment_id}}", operation_id="deleteComment", status_code=204, tags=["comments"])
def delete_comment(member: CurrentMember, uow: Uow, comment_id: int, version: IfMatch) -> Response:
    comment_service.delete(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                           comment_id=comment_id, can_edit_records=member.role.edits_records, if_match=version)
    return Response(status_code=204)


@router.delete(f"{W}/links/{{link_id}}", operation_id="deleteLink", status_code=204, tags=["links"])
def delete_link(member: CurrentMember, uow: Uow, link_id: int, version: IfMatch) -> Response:
    member.require("edit")
    link_service.delete(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), link_id=link_id,
                        if_match=version)
    return Response(status_code=204)


@router.get(f"{W}/{{kind}}/{{record_id}}/evidence", operation_id="getDemand", response_model=DemandOut,
            tags=["links"], summary="Evidence behind a problem or feature, and the customers (with ARR) who asked")
def demand(member: CurrentMember, uow: Uow, kind: Kind, record_id: int) -> Any:
    spec = comment_service.TARGETS[kind[:-1]]
    records.get(uow=uow, spec=spec, workspace_id=member.workspace_id, record_id=record_id)
    return link_service.demand(uow=uow, workspace_id=member.workspace_id, kind=kind[:-1], target_id=record_id)


@router.get(f"{W}/customers/{{record_id}}/requests", operation_id="listCustomerRequests",
            response_model=list[CustomerRequestOut], tags=["links"])
def customer_requests(member: CurrentMember, uow: Uow, record_id: int) -> Any:
    records.get(uow=uow, spec=customer_service.SPEC, workspace_id=member.workspace_id, record_id=record_id)
    return link_service.customer_requests(uow=uow, workspace_id=member.workspace_id, customer_id=record_id)


@router.get(f"{W}/{{kind}}/{{record_id}}/comments", operation_id="listComments", response_model=list[CommentOut],
            tags=["comments"])
def list_comments(member: CurrentMember, uow: Uow, kind: Kind, record_id: int) -> Any:
    return comment_service.list_for(uow=uow, workspace_id=member.workspace_id, kind=kind[:-1], target_id=record_id)


@router.post(f"{W}/{{kind}}/{{record_id}}/comments", operation_id="createComment", response_model=CommentOut,
             status_code=201, tags=["comments"])
def add_comment(member: CurrentMember, uow: Uow, kind: Kind, record_id: int, body: CommentCreate,
                response: Response) -> Any:
    member.require("evidence")
    c = comment_service.add(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                            kind=kind[:-1], target_id=record_id, data=body)
    response.headers["ETag"] = etag(c.version)
    return c


class SearchHit(BaseModel):
    id: int
    title: str = Field(description="The record's name, title, statement or text (cut at 160 characters)")
    detail: str = Field(description="A line that tells hits apart: status, customer and source, segment and ARR")


class SearchGroup(BaseModel):
    kind: str = Field(description="The collection: features, problems, feedback, customers, products, decisions")
    label: str
    items: list[SearchHit]
    more: bool = Field(description="The collection has more matches: list it with ?q= to see them all")


class SearchOut(BaseModel):
    q: str
    groups: list[SearchGroup]


@router.get(f"{W}/search", operation_id="searchEverything", response_model=SearchOut, tags=["search"],
            summary="Search features, problems, feedback, customers, products and decisions at once")
def search_everything(
    member: CurrentMember, uow: Uow,
    q: Annotated[str, Query(max_length=200, description="Every word must match (the last one as a prefix)")],
    per_kind: Annotated[int, Query(ge=1, le=everywhere.MAX_PER_KIND, description="Hits shown per kind")] = 5,
) -> Any:
    groups = everywhere.search_everywhere(uow=uow, workspace_id=member.workspace_id, q=q, per_kind=per_kind)
    return {"q": q, "groups": [asdict(g) for g in groups]}
