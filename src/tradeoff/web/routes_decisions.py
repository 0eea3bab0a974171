"""Pages for the decision log: list and search, the form to record or edit a decision, its page, and the
timeline of decisions per product."""


from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionCreate, DecisionUpdate
from tradeoff.errors import TradeoffError
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, error_to_state, int_or_none, validation_to_state
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"


@router.get(f"{W}/decisions", response_class=HTMLResponse)
def decisions_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    q = request.query_params.get("q") or None
    product_id = int_or_none(request.query_params.get("product_id"))
    if q:
        items = records.list_page(uow=uow, spec=decision_service.SPEC, workspace_id=m.workspace_id, q=q,
                                  filters={"product_id": product_id}, limit=100).items
    else:
        items = decision_service.timeline(uow=uow, workspace_id=m.workspace_id, product_id=product_id)
    return render(request, "strategy/decisions.html", **ctx.page_context(uow, m, "decisions"), page_title="Decisions",
                  items=items, q=q or "", product_id=product_id, products=ctx.product_choices(uow, m.workspace_id))


def _decision_form(request: Request, uow: Any, m: Any, state: FormState, status_code: int = 200,
                   d: Any = None) -> HTMLResponse:
    """The new-decision form, or (with `d`) the edit form of decision `d`."""
    return render(request, "strategy/decision_form.html", status_code, **ctx.page_context(uow, m, "decisions"),
                  page_title=f"Edit decision #{d.id}" if d else "New decision", state=state, d=d,
                  features=ctx.feature_choices(uow, m.workspace_id), problems=ctx.problem_choices(uow, m.workspace_id),
                  products=ctx.product_choices(uow, m.workspace_id))


@router.get(f"{W}/decisions/new", response_class=HTMLResponse)
def new_decision(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("edit")
    fid = request.query_params.get("feature_id", "")
    return _decision_form(request, uow, m, FormState(values={"feature_ids": [fid] if fid.isdecimal() else [],
                                                             "decided_by": m.name or m.email,
                                                             "decided_on": date.today().isoformat()}))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _options(text: str) -> list[dict[str, Any]]:
    """One option per line: name | pros (;-separated) | cons (;-separated) | cost | value."""
    out = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")] + [""] * 5
        out.append({"name": parts[0], "pros": [x.strip() for x in parts[1].split(";") if x.strip()],
                    "cons": [x.strip() for x in parts[2].split(";") if x.strip()], "cost": parts[3], "value": parts[4]})
    return out


DECISION_FIELDS = {"title", "context", "choice", "rationale", "decided_by", "decided_on", "options", "disappointed",
                   "feature_ids", "problem_ids", "product_id"}


def _decision_input(form: FormData) -> tuple[FormState, dict[str, Any]]:
    """The form as typed (to show it again) and the body a DecisionCreate/DecisionUpdate validates."""
    text = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("csrf_token",)}
    values: dict[str, Any] = {**text, "feature_ids": form.getlist("feature_ids"),
                              "problem_ids": form.getlist("problem_ids")}
    state = FormState(values=values)
    body = {
        "title": text.get("title", ""), "context": text.get("context", ""), "choice": text.get("choice", ""),
        "rationale": text.get("rationale", ""), "decided_by": text.get("decided_by", ""),
        "decided_on": text.get("decided_on") or None, "product_id": text.get("product_id") or None,
        "options": _options(text.get("options", "")),
        "disappointed": [{"who": (line.split(":", 1) + [""])[0].strip(), "why": (line.split(":", 1) + [""])[1].strip()}
                         for line in _lines(text.get("disappointed", ""))],
        "feature_ids": [v for v in form.getlist("feature_ids") if isinstance(v, str) and v.isdecimal()],
        "problem_ids": [v for v in form.getlist("problem_ids") if isinstance(v, str) and v.isdecimal()],
    }
    return state, body


@router.post(f"{W}/decisions/new", response_class=HTMLResponse)
def create_decision(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    state, body = _decision_input(form)
    try:
        obj = decision_service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                      data=DecisionCreate.model_validate(body))
    except ValidationError as exc:
        validation_to_state(exc, state, DECISION_FIELDS)
        return _decision_form(request, uow, m, state, 422)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        error_to_state(exc, state, DECISION_FIELDS)
        return _decision_form(request, uow, m, state, 422)
    return redirect(f"/w/{m.workspace_slug}/decisions/{obj.id}", request)


def _decision_values(d: Any) -> dict[str, Any]:
    """A decision as the form's text: options and disappointed one per line, in the format the form parses."""
    return {
        "title": d.title, "context": d.context, "choice": d.choice, "rationale": d.rationale,
        "decided_by": d.decided_by, "decided_on": d.decided_on.isoformat() if d.decided_on else "",
        "product_id": str(d.product_id) if d.product_id else "", "version": str(d.version),
        "options": "\n".join(" | ".join([o["name"], "; ".join(o.get("pros", [])), "; ".join(o.get("cons", [])),
                                         o.get("cost", ""), o.get("value", "")]).rstrip(" |") for o in d.options),
        "disappointed": "\n".join(f"{x['who']}: {x.get('why', '')}".rstrip(": ") for x in d.disappointed),
        "feature_ids": [str(i) for i in d.feature_ids], "problem_ids": [str(i) for i in d.problem_ids],
    }


@router.get(f"{W}/decisions/{{decision_id:int}}/edit", response_class=HTMLResponse)
def edit_decision(request: Request, m: CurrentMember, uow: Uow, decision_id: int) -> HTMLResponse:
    m.require("edit")
    d = records.get(uow=uow, spec=decision_service.SPEC, workspace_id=m.workspace_id, record_id=decision_id)
    return _decision_form(request, uow, m, FormState(values=_decision_values(d)), d=d)


@router.post(f"{W}/decisions/{{decision_id:int}}/edit", response_class=HTMLResponse)
def update_decision(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, decision_id: int) -> Response:
    """Save the edit form; the hidden version makes a concurrent change show up as a message, not be overwritten."""
    m.require("edit")
    d = records.get(uow=uow, spec=decision_service.SPEC, workspace_id=m.workspace_id, record_id=decision_id)
    state, body = _decision_input(form)
    version = str(form.get("version") or "")
    try:
        decision_service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=decision_id,
                                data=DecisionUpdate.model_validate(body),
                                if_match=int(version) if version.isdecimal() else None)
    except ValidationError as exc:
        validation_to_state(exc, state, DECISION_FIELDS)
        return _decision_form(request, uow, m, state, 422, d=d)
    except TradeoffError as exc:
        if exc.status not in (409, 412, 422):
            raise
        uow.session.rollback()
        error_to_state(exc, state, DECISION_FIELDS)
        return _decision_form(request, uow, m, state, exc.status, d=d)
    return redirect(f"/w/{m.workspace_slug}/decisions/{decision_id}", request)


@router.get(f"{W}/decisions/timeline", response_class=HTMLResponse)
def decision_timeline(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """One product's decisions (or the workspace's), oldest first, read as a story."""
    product_id = int_or_none(request.query_params.get("product_id"))
    product = (records.get(uow=uow, spec=product_service.SPEC, workspace_id=m.workspace_id, record_id=product_id).name
               if product_id is not None else None)
    items = list(reversed(decision_service.timeline(uow=uow, workspace_id=m.workspace_id, product_id=product_id)))
    return render(request, "strategy/decision_timeline.html", **ctx.page_context(uow, m, "decisions"),
                  page_title=f"Decision timeline — {product}" if product else "Decision timeline", items=items,
                  product_id=product_id, product=product,
                  products=ctx.product_choices(uow, m.workspace_id))


@router.get(f"{W}/decisions/{{decision_id:int}}", response_class=HTMLResponse)
def decision_page(request: Request, m: CurrentMember, uow: Uow, decision_id: int) -> HTMLResponse:
    d = records.get(uow=uow, spec=decision_service.SPEC, workspace_id=m.workspace_id, record_id=decision_id)
    return render(request, "strategy/decision.html", **ctx.page_context(uow, m, "decisions"), page_title=d.title[:60],
                  d=d)


