"""Detail pages (feature, problem, customer, feedback, product), links from evidence, comments and pickers."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from tradeoff import charts
from tradeoff.accounts.service import Member
from tradeoff.audit import service as audit
from tradeoff.comments import service as comment_service
from tradeoff.comments.schemas import CommentCreate
from tradeoff.commitments import service as commitment_service
from tradeoff.customers import service as customer_service
from tradeoff.errors import InvalidInput, NotFound, TradeoffError
from tradeoff.exports import views as export_views
from tradeoff.features import service as feature_service
from tradeoff.features.model import FeatureStatus
from tradeoff.feedback import service as feedback_service
from tradeoff.forecasts import delivery
from tradeoff.insights import service as insights
from tradeoff.insights.schemas import encode
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate
from tradeoff.notifications import service as notification_service
from tradeoff.problems import service as problem_service
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.sizing import service as sizing
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, error_to_state, validation_to_state
from tradeoff.web.records_ui import BY_KIND, KINDS
from tradeoff.web.render import csv_download, is_htmx, redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container, permissions

router = APIRouter()
W = "/w/{slug}"
AUDIT_LIMIT = 30
TARGETS_SHOWN = 12


def _product_name(uow: UnitOfWork, m: Member, product_id: int | None) -> str | None:
    if product_id is None:
        return None
    return ctx.product_names(uow, m.workspace_id).get(product_id)


def _detail(request: Request, uow: UnitOfWork, m: Member, kind: str, template: str, obj: Any, status_code: int = 200,
            **extra: Any) -> HTMLResponse:
    ui = BY_KIND[kind]
    events = audit.list_events(uow=uow, workspace_id=m.workspace_id, record_type=ui.spec.name, record_id=obj.id,
                               limit=AUDIT_LIMIT)
    from tradeoff.decisions import service as decision_service  # decisions shown on every linked record

    linked_kind = {"features": "feature", "problems": "problem", "feedback": "feedback"}.get(kind)
    if linked_kind:
        extra.setdefault("decisions", decision_service.for_record(uow=uow, workspace_id=m.workspace_id,
                                                                  kind=linked_kind, record_id=obj.id))
    if "comments" in extra:  # who a comment can @mention, for the comment box's suggestions and the marks in comments
        people = notification_service.mentionable(uow, m.workspace_id)
        extra.update(mentionable=[{"handle": p.handle, "name": p.name} for p in people if p.user_id != m.user_id],
                     mention_handles=set().union(*(p.named_by for p in people)),
                     member_names={p.user_id: p.name for p in people})
    if "demand" in extra and len(extra["demand"].arr_by_currency) > 1:  # several currencies: their total as well
        extra["arr_total"] = customer_service.total_of(uow, m.workspace_id, extra["demand"].arr_by_currency)
    if kind == "features":
        extra.setdefault("decision_prompt", decision_service.pending_prompt(uow=uow, workspace_id=m.workspace_id,
                                                                            feature_id=obj.id))
    return render(request, template, status_code, **ctx.page_context(uow, m, kind),
                  page_title=ui.name_of(obj)[:60], ui=ui, obj=obj, events=events, **extra)


def feature_view(request: Request, uow: UnitOfWork, m: Member, record_id: int, comment: FormState | None = None,
                 status_code: int = 200) -> HTMLResponse:
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    demand = link_service.demand(uow=uow, workspace_id=m.workspace_id, kind="feature", target_id=record_id)
    comments = comment_service.list_for(uow=uow, workspace_id=m.workspace_id, kind="feature", target_id=record_id)
    insight = insights.demand(uow=uow, workspace_id=m.workspace_id, kind="feature", target_id=record_id, now=utcnow())
    closing = (insights.close_the_loop(uow=uow, workspace_id=m.workspace_id, feature=feature)
               if feature.status == FeatureStatus.shipped.value else None)
    return _detail(request, uow, m, "features", "detail/feature.html", feature, status_code, demand=demand,
                   insight=insight, closing=closing, comments=comments, comment=comment or FormState(),
                   product_name=_product_name(uow, m, feature.product_id),
                   owner_name=dict(ctx.member_choices(uow, m.workspace_id)).get((feature.owner or "").lower()))


def problem_view(request: Request, uow: UnitOfWork, m: Member, record_id: int, comment: FormState | None = None,
                 status_code: int = 200) -> HTMLResponse:
    problem = records.get(uow=uow, spec=problem_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    demand = link_service.demand(uow=uow, workspace_id=m.workspace_id, kind="problem", target_id=record_id)
    comments = comment_service.list_for(uow=uow, workspace_id=m.workspace_id, kind="problem", target_id=record_id)
    features = feature_service.solving(uow=uow, workspace_id=m.workspace_id, problem_id=record_id)
    insight = insights.demand(uow=uow, workspace_id=m.workspace_id, kind="problem", target_id=record_id, now=utcnow())
    try:
        worth = sizing.problem_sizing(uow=uow, workspace_id=m.workspace_id, problem_id=record_id)
    except NotFound:
        worth = None  # not sized yet: the page offers to size it
    return _detail(request, uow, m, "problems", "detail/problem.html", problem, status_code, demand=demand,
                   insight=insight, worth=worth,
                   comments=comments, comment=comment or FormState(), features=features,
                   product_name=_product_name(uow, m, problem.product_id))


def _link_targets(uow: UnitOfWork, m: Member, q: str | None) -> dict[str, list[Any]]:
    features = records.list_page(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, q=q or None,
                                 sort=None if q else "-updated_at", limit=TARGETS_SHOWN).items
    problems = records.list_page(uow=uow, spec=problem_service.SPEC, workspace_id=m.workspace_id, q=q or None,
                                 limit=TARGETS_SHOWN // 2).items
    return {"features": features, "problems": problems}


def feedback_view(request: Request, uow: UnitOfWork, m: Member, record_id: int, link: FormState | None = None,
                  status_code: int = 200) -> HTMLResponse:
    fb = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    links = link_service.links_of_feedback(uow=uow, workspace_id=m.workspace_id, feedback_id=record_id)
    titles: dict[tuple[str, int], Any] = {}
    feature_ids = [lk.feature_id for lk in links if lk.feature_id is not None]
    problem_ids = [lk.problem_id for lk in links if lk.problem_id is not None]
    for f in records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, ids=feature_ids,
                              field_name="feature_id"):
        titles[("feature", f.id)] = f
    for p in records.get_many(uow=uow, spec=problem_service.SPEC, workspace_id=m.workspace_id, ids=problem_ids,
                              field_name="problem_id"):
        titles[("problem", p.id)] = p
    link = link or FormState()
    params = request.query_params
    similar = (triage.similar(uow=uow, workspace_id=m.workspace_id, feedback_id=record_id,
                              engine=container(request).triage)
               if params.get("similar") == "1" else None)
    merged = params.get("merged", "")
    flash = f"Feedback #{merged} was merged into this item." if merged.isdecimal() else ""
    return _detail(request, uow, m, "feedback", "detail/feedback.html", fb, status_code, links=links, titles=titles,
                   link=link, targets=_link_targets(uow, m, link.values.get("target_q")), similar=similar,
                   flash=flash, kinds=KINDS,
                   duplicates=triage.duplicates_of(uow=uow, workspace_id=m.workspace_id, feedback_id=record_id))


def customer_view(request: Request, uow: UnitOfWork, m: Member, record_id: int, status_code: int = 200,
                  **extra: Any) -> HTMLResponse:
    customer = records.get(uow=uow, spec=customer_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    requests = link_service.customer_requests(uow=uow, workspace_id=m.workspace_id, customer_id=record_id)
    asked: dict[int, list[Any]] = {}
    for r in requests:  # one row per (feedback, link); group them per feedback item
        asked.setdefault(r.feedback_id, []).append(r)
    promised = commitment_service.overview(uow=uow, workspace_id=m.workspace_id, customer_id=record_id)
    return _detail(request, uow, m, "customers", "detail/customer.html", customer, status_code, asked=asked,
                   promised=promised, **extra)


def product_view(request: Request, uow: UnitOfWork, m: Member, record_id: int) -> HTMLResponse:
    product = records.get(uow=uow, spec=product_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    where = {"product_id": record_id}
    features = records.list_page(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, filters=where,
                                 limit=ctx.PAGE_SIZE)
    problems = records.list_page(uow=uow, spec=problem_service.SPEC, workspace_id=m.workspace_id, filters=where,
                                 limit=ctx.PAGE_SIZE)
    return _detail(request, uow, m, "products", "detail/product.html", product, features=features, problems=problems)


@router.get(f"{W}/features/{{record_id:int}}", response_class=HTMLResponse)
def feature_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    return feature_view(request, uow, m, record_id)


@router.get(f"{W}/features/{{record_id:int}}/close-the-loop.csv")
def close_the_loop_csv(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """Who to tell that the feature shipped, one row per customer, for a mail merge or CRM tasks."""
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    res = insights.close_the_loop(uow=uow, workspace_id=m.workspace_id, feature=feature)
    return csv_download(export_views.close_the_loop(encode(res)), m)


@router.get(f"{W}/features/{{record_id:int}}/delivery", response_class=HTMLResponse)
def feature_delivery(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    """The feature's estimate, plan, forecast and commitments: loaded after the page (it runs the forecast); asked
    for without JavaScript (its link, or the "chance by" form), a page of its own."""
    raw = request.query_params.get("by") or ""
    error, by = "", None
    try:
        by = date.fromisoformat(raw) if raw else None
    except ValueError:
        error = f"'{raw}' is not a date (YYYY-MM-DD)"
    try:
        d = delivery.feature_delivery(uow=uow, workspace_id=m.workspace_id, feature_id=record_id,
                                      today=date.today(), by=by)
    except InvalidInput as exc:  # a date in the past: said beside the date, the rest still shown
        error = exc.message.removeprefix("by: ")
        d = delivery.feature_delivery(uow=uow, workspace_id=m.workspace_id, feature_id=record_id,
                                      today=date.today())
    f = d["forecast"]
    chart = None
    if f is not None:
        start = date.fromisoformat(f["start"])

        def weeks(iso: str) -> float:
            return (date.fromisoformat(iso) - start).days / 7.0

        def day(value: object) -> date:  # the card's own dates label the chart's markers
            return date.fromisoformat(str(value)[:10])

        chart = Markup(charts.forecast_histogram(charts.ForecastHistogram(
            d["title"], start, tuple((weeks(h["from"]), weeks(h["to"]), h["probability"]) for h in f["histogram"]),
            f["p50_weeks"], f["p85_weeks"], f["p95_weeks"],
            (day(f["p50"]), day(f["p85"]), day(f["p95"])))))
    if is_htmx(request):
        return render(request, "detail/_delivery.html", d=d, base=f"/w/{m.workspace_slug}", chart=chart,
                      by=raw, by_error=error, perms=permissions(m))
    return render(request, "detail/delivery_page.html", **ctx.page_context(uow, m, "features"),
                  page_title=f"Delivery: {d['title']}"[:60], d=d, chart=chart, by=raw, by_error=error)


@router.get(f"{W}/problems/{{record_id:int}}", response_class=HTMLResponse)
def problem_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    return problem_view(request, uow, m, record_id)


@router.get(f"{W}/feedback/{{record_id:int}}", response_class=HTMLResponse)
def feedback_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    return feedback_view(request, uow, m, record_id)


@router.get(f"{W}/customers/{{record_id:int}}", response_class=HTMLResponse)
def customer_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    return customer_view(request, uow, m, record_id)


@router.get(f"{W}/products/{{record_id:int}}", response_class=HTMLResponse)
def product_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    return product_view(request, uow, m, record_id)


@router.post(f"{W}/feedback/{{record_id:int}}/links")
def create_link(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    m.require("evidence")
    values = {k: v for k in ("target", "quote", "target_q") if isinstance(v := form.get(k), str)}
    state = FormState(values=values)
    kind, _, raw_id = values.get("target", "").partition(":")
    data: dict[str, Any] = {"feedback_id": record_id, "quote": values.get("quote", "").strip() or None}
    if kind in ("feature", "problem") and raw_id.isdecimal():
        data[f"{kind}_id"] = int(raw_id)
    else:
        state.add("target", "choose the feature or problem this feedback supports")
    if state.ok:
        try:
            link_service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                data=LinkCreate.model_validate(data))
            return redirect(f"/w/{m.workspace_slug}/feedback/{record_id}", request)
        except ValidationError as exc:
            validation_to_state(exc, state, {"quote", "target"})
        except TradeoffError as exc:
            if exc.status not in (409, 422):
                raise
            uow.session.rollback()
            error_to_state(exc, state, {"quote"})
    return feedback_view(request, uow, m, record_id, link=state, status_code=422)


@router.post(f"{W}/links/{{link_id:int}}/delete")
def delete_link(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, link_id: int) -> Response:
    m.require("edit")
    link = link_service.get(uow=uow, workspace_id=m.workspace_id, link_id=link_id)
    feedback_id = link.feedback_id
    link_service.delete(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), link_id=link_id)
    return redirect(f"/w/{m.workspace_slug}/feedback/{feedback_id}", request)


@router.post(f"{W}/features/{{record_id:int}}/close-the-loop/told")
def mark_told(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """One customer (or one customerless feedback item) of the close-the-loop list marked told, or unmarked."""
    m.require("evidence")
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    ids = {k: [int(v)] for k in ("customer_id", "feedback_id") if isinstance(v := form.get(k), str) and v.isdecimal()}
    insights.mark_told(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feature=feature,
                       customer_ids=ids.get("customer_id", []), feedback_ids=ids.get("feedback_id", []),
                       told=form.get("told") != "0", now=utcnow())
    return redirect(f"/w/{m.workspace_slug}/features/{record_id}#loop-title", request)


def _comment(request: Request, form: Any, m: Member, uow: UnitOfWork, kind: str, record_id: int) -> Response:
    m.require("evidence")
    body = form.get("body")
    state = FormState(values={"body": body if isinstance(body, str) else ""})
    try:
        data = CommentCreate.model_validate({"body": state.values["body"]})
        comment_service.add(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), kind=kind,
                            target_id=record_id, data=data)
        return redirect(f"/w/{m.workspace_slug}/{kind}s/{record_id}#comments", request)
    except ValidationError as exc:
        validation_to_state(exc, state, {"body"})
    view = feature_view if kind == "feature" else problem_view
    return view(request, uow, m, record_id, comment=state, status_code=422)


@router.post(f"{W}/features/{{record_id:int}}/comments")
def comment_feature(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    return _comment(request, form, m, uow, "feature", record_id)


@router.post(f"{W}/problems/{{record_id:int}}/comments")
def comment_problem(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    return _comment(request, form, m, uow, "problem", record_id)


@router.get(f"{W}/pick/customers", response_class=HTMLResponse)
def pick_customers(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Datalist options for the customer picker (htmx, as you type)."""
    q = next((v for k, v in request.query_params.items() if k in ("q", "customer_id")), "")
    items = ctx.customer_suggestions(uow, m.workspace_id, q.strip() or None)
    return render(request, "partials/customer_options.html", items=items)


@router.get(f"{W}/pick/targets", response_class=HTMLResponse)
def pick_targets(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Features and problems matching the search box of the link form (htmx, as you type)."""
    q = (request.query_params.get("target_q") or "").strip()
    chosen = request.query_params.get("target") or ""  # a choice made before the search answered stays made
    return render(request, "partials/link_targets.html", targets=_link_targets(uow, m, q),
                  link=FormState(values={"target_q": q, "target": chosen}))
