"""Web pages: Briefs (audience and product pickers, HTML preview, export, versions and diff), blockers and their
business impact, and a feature's technical implications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from tradeoff.blockers import service as blocker_service
from tradeoff.blockers.schemas import BlockerCreate
from tradeoff.briefs import facts
from tradeoff.briefs import service as briefs
from tradeoff.briefs.document import AUDIENCE_TITLES, AUDIENCES, FORMATS
from tradeoff.errors import TradeoffError
from tradeoff.storage.base import utcnow
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, error_to_state, validation_to_state
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
FORMAT_LABELS = {"md": "Markdown", "html": "HTML", "pdf": "PDF", "text": "Text (Slack, Teams)"}


def _req(params: Any) -> briefs.Request:
    audience = params.get("audience") or "exec"
    # the form keeps its customer field when the audience changes: only the customers brief has an addressee
    customer = (params.get("customer") or "") if audience == "customers" else ""
    return briefs.Request(audience, params.get("product") or None, params.get("release") or None,
                          int(customer) if str(customer).isdecimal() else None)


def _query(req: briefs.Request) -> str:
    from urllib.parse import urlencode

    q = {"audience": req.audience, "product": req.product or "", "release": req.release or "",
         "customer": req.customer_id or ""}
    return urlencode({k: v for k, v in q.items() if v != ""})


@router.get(f"{W}/briefs", response_class=HTMLResponse)
def briefs_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    req = _req(request.query_params)
    briefs.check_audience(req.audience)
    brief = briefs.build(uow=uow, workspace_id=m.workspace_id, slug=m.workspace_slug, req=req, now=utcnow())
    versions = briefs.versions(uow=uow, workspace_id=m.workspace_id, audience=req.audience, limit=20)
    # the picker is always there (not only once "What's new" is shown), so one customer's update is one step away
    customers = ctx.customer_suggestions(uow, m.workspace_id, None, limit=200)
    return render(request, "briefs/page.html", **ctx.page_context(uow, m, "briefs"), page_title="Briefs",
                  req=req, audiences=[(a, AUDIENCE_TITLES[a]) for a in AUDIENCES],
                  formats=[(f, FORMAT_LABELS[f]) for f in FORMATS], products=ctx.product_choices(uow, m.workspace_id),
                  customers=customers, preview=Markup(briefs.fragment(brief, m.workspace_slug)),  # noqa: S704 - escaped by the renderer
                  query=_query(req), versions=versions, saved=request.query_params.get("saved"))


@router.get(f"{W}/briefs/export")
def briefs_export(request: Request, m: CurrentMember, uow: Uow) -> Response:
    req = _req(request.query_params)
    fmt = request.query_params.get("format") or "md"
    briefs.check_audience(req.audience)
    briefs.check_format(fmt)
    brief = briefs.build(uow=uow, workspace_id=m.workspace_id, slug=m.workspace_slug, req=req, now=utcnow())
    media, ext = briefs.MEDIA[fmt]
    name = f"{req.audience}-brief-{brief.as_of}.{ext}"
    # a file leaves the browser (pasted into Slack, mailed, opened from disk): its links carry the server's address
    return Response(briefs.render(brief, fmt, m.workspace_slug, base_url=str(request.base_url)), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post(f"{W}/briefs/save")
def briefs_save(request: Request, m: CurrentMember, uow: Uow, form: CheckedForm) -> Response:
    m.require("edit")
    req = _req(form)
    v, changed = briefs.save(uow=uow, workspace_id=m.workspace_id, slug=m.workspace_slug, actor=m.actor("web"),
                             req=req, now=utcnow(), note=str(form.get("note") or "")[:500])
    return redirect(f"/w/{m.workspace_slug}/briefs?{_query(req)}&saved={v.number}{'' if changed else '-same'}",
                    request)


@router.get(f"{W}/briefs/diff", response_class=HTMLResponse)
def briefs_diff(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    req = _req(request.query_params)
    frm = request.query_params.get("from_version", "")
    res = briefs.diff(uow=uow, workspace_id=m.workspace_id, slug=m.workspace_slug, req=req, now=utcnow(),
                      from_id=int(frm) if frm.isdecimal() else None)
    return render(request, "briefs/diff.html", **ctx.page_context(uow, m, "briefs"), page_title="What changed",
                  req=req, res=res, query=_query(req))


# --- blockers ----------------------------------------------------------------------------------------------


def _blockers_view(request: Request, uow: Any, m: Any, state: FormState | None = None,
                   status_code: int = 200) -> HTMLResponse:
    rows = blocker_service.open_blockers(uow=uow, workspace_id=m.workspace_id)
    feats = facts.features_in_scope(uow, m.workspace_id, None)
    comps = facts.components(uow, m.workspace_id, [b.component_id for b in rows if b.component_id]) if rows else {}
    all_components: list[Any] = []
    svc = facts.optional("tradeoff.components.service")
    if svc is not None and facts.has_tables(uow, "components"):
        from tradeoff.records import service as records

        all_components = list(records.list_page(uow=uow, spec=svc.SPEC, workspace_id=m.workspace_id, limit=200).items)
    return render(request, "briefs/blockers.html", status_code, **ctx.page_context(uow, m, "blockers"),
                  page_title="Blockers", blockers=rows, features=feats, components=comps,
                  all_components=all_components, titles={f.id: f.title for f in feats},
                  state=state or FormState())


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdecimal() else None


@router.get(f"{W}/blockers", response_class=HTMLResponse)
def blockers_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _blockers_view(request, uow, m)


@router.post(f"{W}/blockers")
def blockers_create(request: Request, m: CurrentMember, uow: Uow, form: CheckedForm) -> Response:
    m.require("technical")
    data: dict[str, Any] = {"title": form.get("title") or "", "description": form.get("description") or "",
            "kind": form.get("kind") or "blocker",
            "component_id": _int(form.get("component_id")),
            "extra_optimistic": form.get("extra_optimistic") or None, "extra_likely": form.get("extra_likely") or None,
            "extra_pessimistic": form.get("extra_pessimistic") or None,
            "feature_ids": [i for x in form.getlist("feature_ids") if (i := _int(x)) is not None]}
    try:
        b = blocker_service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                   data=BlockerCreate(**data))
    except (ValidationError, TradeoffError) as exc:
        uow.session.rollback()
        state = FormState(values={k: ("" if v is None else v) for k, v in data.items()})
        known = set(data)
        if isinstance(exc, ValidationError):
            validation_to_state(exc, state, known)
        else:
            error_to_state(exc, state, known)
        return _blockers_view(request, uow, m, state, 422)
    return redirect(f"/w/{m.workspace_slug}/blockers/{b.id}", request)


@router.get(f"{W}/blockers/{{blocker_id:int}}", response_class=HTMLResponse)
def blocker_page(request: Request, m: CurrentMember, uow: Uow, blocker_id: int) -> HTMLResponse:
    b = blocker_service.get(uow=uow, workspace_id=m.workspace_id, blocker_id=blocker_id)
    res = blocker_service.impact(uow=uow, workspace_id=m.workspace_id, blocker=b, now=utcnow())
    return render(request, "briefs/blocker.html", **ctx.page_context(uow, m, "blockers"), page_title=b.title,
                  b=b, res=res)


@router.post(f"{W}/blockers/{{blocker_id:int}}/close")
def blocker_close(request: Request, m: CurrentMember, uow: Uow, form: CheckedForm, blocker_id: int) -> Response:
    """Resolved, or no longer a risk: it leaves the open blockers, the briefs and "needs attention"; the audit log
    keeps it."""
    m.require("technical")
    blocker_service.archive(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), blocker_id=blocker_id)
    return redirect(f"/w/{m.workspace_slug}/blockers?closed={blocker_id}", request)


@router.get(f"{W}/features/{{record_id:int}}/implications", response_class=HTMLResponse)
def implications_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    res = blocker_service.implications(uow=uow, workspace_id=m.workspace_id, feature_id=record_id)
    return render(request, "briefs/implications.html", **ctx.page_context(uow, m, "features"),
                  page_title=f"Technical implications: {res['title']}", res=res)
