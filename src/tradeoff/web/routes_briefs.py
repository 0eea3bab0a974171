"""Web pages: Briefs (audience and product pickers, HTML preview, export, versions and diff), blockers and their
business impact, and a feature's technical implications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from tradeoff.blockers import service as blocker_service
from tradeoff.blockers.schemas import BlockerCreate, BlockerUpdate
from tradeoff.briefs import facts
from tradeoff.briefs import service as briefs
from tradeoff.briefs.document import AUDIENCE_TITLES, AUDIENCES, FORMATS
from tradeoff.storage.base import utcnow
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, form_version, save_or_errors
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
    rows = blocker_service.listed(uow=uow, workspace_id=m.workspace_id, today=utcnow().date())
    feats = facts.features_in_scope(uow, m.workspace_id, None)
    comps = facts.components(uow, m.workspace_id, [b["component_id"] for b in rows if b["component_id"]]) \
        if rows else {}
    return render(request, "briefs/blockers.html", status_code, **ctx.page_context(uow, m, "blockers"),
                  page_title="Blockers", blockers=rows, features=feats, components=comps,
                  all_components=_all_components(uow, m.workspace_id), titles={f.id: f.title for f in feats},
                  state=state or FormState())


def _all_components(uow: Any, workspace_id: int) -> list[Any]:
    svc = facts.optional("tradeoff.components.service")
    if svc is None or not facts.has_tables(uow, "components"):
        return []
    from tradeoff.records import service as records

    return list(records.list_page(uow=uow, spec=svc.SPEC, workspace_id=workspace_id, limit=200).items)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdecimal() else None


@router.get(f"{W}/blockers", response_class=HTMLResponse)
def blockers_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _blockers_view(request, uow, m)


def _blocker_form(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The blocker form as the service's fields, and as typed (to show again on an error). The chance is entered
    in percent."""
    pct = (form.get("likelihood_pct") or "").strip()
    try:
        likelihood: Any = float(pct) / 100 if pct else 1.0
    except ValueError:
        likelihood = pct  # refused by the schema, naming the field
    data: dict[str, Any] = {
        "title": form.get("title") or "", "description": form.get("description") or "",
        "kind": form.get("kind") or "blocker", "component_id": _int(form.get("component_id")),
        "extra_optimistic": form.get("extra_optimistic") or None, "extra_likely": form.get("extra_likely") or None,
        "extra_pessimistic": form.get("extra_pessimistic") or None,
        "feature_ids": [i for x in form.getlist("feature_ids") if (i := _int(x)) is not None],
        "likelihood": likelihood}
    typed = {k: ("" if v is None else v) for k, v in data.items()} | {"likelihood_pct": pct}
    return data, typed


def _saved(uow: Any, typed: dict[str, Any], known: set[str], action: Any) -> FormState | None:
    """Run the write; the form's state with its errors when it is refused, None when saved."""
    state = FormState(values=typed)
    return None if save_or_errors(uow, state, known, action) else state


@router.post(f"{W}/blockers")
def blockers_create(request: Request, m: CurrentMember, uow: Uow, form: CheckedForm) -> Response:
    m.require("technical")
    data, typed = _blocker_form(form)
    made: list[int] = []
    state = _saved(uow, typed, set(data), lambda: made.append(blocker_service.create(
        uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=BlockerCreate(**data)).id))
    if state is not None:
        return _blockers_view(request, uow, m, state, 422)
    return redirect(f"/w/{m.workspace_slug}/blockers/{made[0]}", request)


def _blocker_view(request: Request, uow: Any, m: Any, blocker_id: int, state: FormState | None = None,
                  status_code: int = 200) -> HTMLResponse:
    b = blocker_service.get(uow=uow, workspace_id=m.workspace_id, blocker_id=blocker_id)
    res = blocker_service.impact(uow=uow, workspace_id=m.workspace_id, blocker=b, now=utcnow())
    if state is None:  # the edit form starts from the record
        state = FormState(values={k: getattr(b, k) for k in blocker_service.SPEC.snapshot_fields}
                          | {"likelihood_pct": f"{b.likelihood * 100:g}", "version": b.version})
    return render(request, "briefs/blocker.html", status_code, **ctx.page_context(uow, m, "blockers"),
                  page_title=b.title, b=b, res=res, state=state, features=facts.features_in_scope(uow, m.workspace_id, None),
                  all_components=_all_components(uow, m.workspace_id))


@router.get(f"{W}/blockers/{{blocker_id:int}}", response_class=HTMLResponse)
def blocker_page(request: Request, m: CurrentMember, uow: Uow, blocker_id: int) -> HTMLResponse:
    return _blocker_view(request, uow, m, blocker_id)


@router.post(f"{W}/blockers/{{blocker_id:int}}/edit")
def blocker_edit(request: Request, m: CurrentMember, uow: Uow, form: CheckedForm, blocker_id: int) -> Response:
    """What engineering learns as it looks into it: the range, the chance, the features held up. Refused when
    someone changed it since the form was loaded."""
    m.require("technical")
    data, typed = _blocker_form(form)
    version = form_version(form)
    state = _saved(uow, typed | {"version": version}, set(data), lambda: blocker_service.update(
        uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), blocker_id=blocker_id,
        data=BlockerUpdate(**data), if_match=version))
    if state is not None:
        return _blocker_view(request, uow, m, blocker_id, state, 422)
    return redirect(f"/w/{m.workspace_slug}/blockers/{blocker_id}?saved=1", request)


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
