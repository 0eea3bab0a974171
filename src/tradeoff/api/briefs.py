"""Briefs per audience (Markdown, HTML, PDF, text), their saved versions and diffs; blockers and their business
impact; a business request's technical implications."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from tradeoff.api.deps import CurrentMember, IfMatch, Uow, etag, one_of
from tradeoff.api.responses.briefs import (
    BRIEF_CONTENT,
    BlockerImpactOut,
    BlockerRecord,
    BriefDiffOut,
    BriefVersionSaved,
    ImplicationsOut,
    ListedBlocker,
)
from tradeoff.blockers import service as blocker_service
from tradeoff.blockers.schemas import BlockerCreate, BlockerUpdate
from tradeoff.briefs import service as briefs
from tradeoff.briefs.document import AUDIENCES, FORMATS
from tradeoff.briefs.schemas import BriefSaveIn, BriefVersionOut
from tradeoff.insights.schemas import encode
from tradeoff.storage.base import utcnow

router = APIRouter()
W = "/workspaces/{workspace}"
Product = Annotated[str | None, Query(max_length=200, description="Product id or name; omit for the whole roadmap")]
ReleaseQ = Annotated[str | None, Query(max_length=200, description="A release of the live plan")]
Audience = Annotated[str, Path(description="Who the brief is for", json_schema_extra=one_of(AUDIENCES))]
CustomerQ = Annotated[int | None, Query(description="Customer brief: the addressee (what they asked for)")]


@router.get(f"{W}/briefs/{{audience}}", operation_id="getBrief", tags=["briefs"], response_class=Response,
            summary="A brief for exec, engineering, sales or customers, as md, html, pdf or text",
            responses={200: {"content": BRIEF_CONTENT}})
def get_brief(member: CurrentMember, uow: Uow, audience: Audience,
              format: Annotated[str, Query(max_length=10, description="md, html, pdf or text",
                                           json_schema_extra=one_of(FORMATS))] = "md",
              product: Product = None, release: ReleaseQ = None, customer_id: CustomerQ = None) -> Response:
    briefs.check_audience(audience)
    briefs.check_format(format)
    brief = briefs.build(uow=uow, workspace_id=member.workspace_id, slug=member.workspace_slug,
                         req=briefs.Request(audience, product, release, customer_id), now=utcnow())
    media, ext = briefs.MEDIA[format]
    headers = {"Content-Disposition": f'attachment; filename="{audience}-brief-{brief.as_of}.{ext}"'} \
        if format == "pdf" else {}
    return Response(briefs.render(brief, format, member.workspace_slug), media_type=media, headers=headers)


@router.post(f"{W}/briefs/{{audience}}/versions", operation_id="saveBriefVersion", tags=["briefs"], status_code=201,
             response_model=BriefVersionSaved, response_model_exclude_unset=True,
             summary="Save the brief as it reads now (Markdown and a fingerprint of its content)")
def save_version(member: CurrentMember, uow: Uow, audience: Audience, body: BriefSaveIn) -> Any:
    briefs.check_audience(audience)
    member.require("edit")
    v, changed = briefs.save(uow=uow, workspace_id=member.workspace_id, slug=member.workspace_slug,
                             actor=member.actor("api"),
                             req=briefs.Request(audience, body.product, body.release, body.customer_id),
                             now=utcnow(), note=body.note)
    return encode(BriefVersionOut.model_validate(v).model_dump() | {"changed": changed})


@router.get(f"{W}/briefs/{{audience}}/versions", operation_id="listBriefVersions", tags=["briefs"],
            response_model=list[BriefVersionOut], response_model_exclude_unset=True,
            summary="Saved versions of an audience's briefs, newest first")
def list_versions(member: CurrentMember, uow: Uow, audience: Audience,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Any:
    rows = briefs.versions(uow=uow, workspace_id=member.workspace_id, audience=audience, limit=limit)
    return encode([BriefVersionOut.model_validate(v).model_dump() for v in rows])


@router.get(f"{W}/briefs/{{audience}}/versions/{{version_id}}", operation_id="getBriefVersion", tags=["briefs"],
            summary="One saved version's Markdown", response_class=Response,
            responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}})
def get_version(member: CurrentMember, uow: Uow, audience: Audience, version_id: int) -> Response:
    briefs.check_audience(audience)
    v = briefs.get_version(uow=uow, workspace_id=member.workspace_id, version_id=version_id, audience=audience)
    return Response(v.markdown, media_type="text/markdown; charset=utf-8")


@router.get(f"{W}/briefs/{{audience}}/diff", operation_id="diffBrief", tags=["briefs"], response_model=BriefDiffOut,
            response_model_exclude_unset=True,
            summary="What changed: unified diff of the Markdown from a saved version to another or to now")
def diff(member: CurrentMember, uow: Uow, audience: Audience, product: Product = None, release: ReleaseQ = None,
         customer_id: CustomerQ = None, from_version: int | None = None, to_version: int | None = None) -> Any:
    return encode(briefs.diff(uow=uow, workspace_id=member.workspace_id, slug=member.workspace_slug,
                              req=briefs.Request(audience, product, release, customer_id), now=utcnow(),
                              from_id=from_version, to_id=to_version))


@router.post(f"{W}/blockers", operation_id="createBlocker", tags=["blockers"], status_code=201,
             response_model=BlockerRecord, response_model_exclude_unset=True,
             summary="Record a technical blocker or risk: component, extra effort range, features affected")
def create_blocker(member: CurrentMember, uow: Uow, body: BlockerCreate) -> Any:
    member.require("technical")
    b = blocker_service.create(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)
    return encode(blocker_service.out(b))


@router.get(f"{W}/blockers", operation_id="listBlockers", tags=["blockers"], response_model=list[ListedBlocker],
            response_model_exclude_unset=True, summary="Open blockers and risks, each with the day its work is done at 85%")
def list_blockers(member: CurrentMember, uow: Uow, feature_id: int | None = None) -> Any:
    return encode(blocker_service.listed(uow=uow, workspace_id=member.workspace_id, today=utcnow().date(),
                                         feature_ids=[feature_id] if feature_id is not None else None))


@router.get(f"{W}/blockers/{{blocker_id}}", operation_id="getBlocker", tags=["blockers"], response_model=BlockerRecord,
            response_model_exclude_unset=True, summary="One blocker")
def get_blocker(member: CurrentMember, uow: Uow, blocker_id: int, response: Response) -> Any:
    b = blocker_service.get(uow=uow, workspace_id=member.workspace_id, blocker_id=blocker_id)
    response.headers["ETag"] = etag(b.version)
    return encode(blocker_service.out(b))


@router.patch(f"{W}/blockers/{{blocker_id}}", operation_id="updateBlocker", tags=["blockers"],
              response_model=BlockerRecord, response_model_exclude_unset=True,
              summary="Change what is known of a blocker or risk: its extra effort, likelihood, features, component")
def update_blocker(member: CurrentMember, uow: Uow, blocker_id: int, body: BlockerUpdate, version: IfMatch,
                   response: Response) -> Any:
    member.require("technical")
    b = blocker_service.update(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                               blocker_id=blocker_id, data=body, if_match=version)
    response.headers["ETag"] = etag(b.version)
    return encode(blocker_service.out(b))


@router.get(f"{W}/blockers/{{blocker_id}}/impact", operation_id="getBlockerImpact", tags=["blockers"],
            response_model=BlockerImpactOut, response_model_exclude_unset=True,
            summary="Business impact: features slipping at P85, commitments below threshold, ARR, objectives")
def blocker_impact(member: CurrentMember, uow: Uow, blocker_id: int) -> Any:
    b = blocker_service.get(uow=uow, workspace_id=member.workspace_id, blocker_id=blocker_id)
    return encode(blocker_service.impact(uow=uow, workspace_id=member.workspace_id, blocker=b, now=utcnow()))


@router.post(f"{W}/blockers/{{blocker_id}}/archive", operation_id="archiveBlocker", tags=["blockers"],
             response_model=BlockerRecord, response_model_exclude_unset=True,
             summary="Close a blocker (resolved or no longer a risk)")
def archive_blocker(member: CurrentMember, uow: Uow, blocker_id: int, version: IfMatch, response: Response) -> Any:
    member.require("technical")
    b = blocker_service.archive(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                blocker_id=blocker_id, if_match=version)
    response.headers["ETag"] = etag(b.version)
    return encode(blocker_service.out(b))


@router.get(f"{W}/features/{{record_id}}/implications", operation_id="getTechnicalImplications",
            response_model=ImplicationsOut, response_model_exclude_unset=True, tags=["blockers"], summary="A business request's technical implications: components and debt, "
                                       "estimate drivers, dependencies, open blockers")
def implications(member: CurrentMember, uow: Uow, record_id: int) -> Any:
    return encode(blocker_service.implications(uow=uow, workspace_id=member.workspace_id, feature_id=record_id))
