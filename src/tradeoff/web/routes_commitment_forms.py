"""Recording a commitment (a feature promised to a customer by a date) and moving its date from the web UI. The
commitment service decides what is valid, as for the API; saving forecasts the chance of keeping it at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.model import Commitment
from tradeoff.commitments.schemas import CommitmentCreate, CommitmentUpdate
from tradeoff.customers import service as customer_service
from tradeoff.errors import InvalidInput
from tradeoff.forecasts import delivery
from tradeoff.plans import service as plan_service
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.form_routes import add_form_routes, save_record
from tradeoff.web.forms import FormState, field_text, save_or_errors
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
FIELDS = ("feature_id", "customer_id", "due", "promised_by", "note")
KNOWN = set(FIELDS)


def _state(c: Commitment | None, query: Any = None) -> FormState:
    if c is None:  # a new one may start from the customer's or the feature's page (?customer_id=…&feature_id=…)
        given = {k: str(query.get(k)) for k in ("feature_id", "customer_id")
                 if query is not None and str(query.get(k) or "").isdecimal()}
        return FormState(values={k: "" for k in FIELDS} | given)
    return FormState(values={"feature_id": str(c.feature_id), "customer_id": str(c.customer_id),
                             "due": c.due.isoformat(), "promised_by": c.promised_by, "note": c.note,
                             "version": str(c.version)})


def _form(request: Request, uow: UnitOfWork, m: Any, state: FormState, c: Commitment | None,
          status_code: int = 200) -> HTMLResponse:
    features = sorted(plan_service.open_features(uow=uow, workspace_id=m.workspace_id,  # promise what is to come
                                                 including=[c.feature_id] if c else ()),
                      key=lambda f: (f.title.casefold(), f.id))
    customers = records.list_page(uow=uow, spec=customer_service.SPEC, workspace_id=m.workspace_id, limit=200,
                                  sort="name").items
    if c is None and not state.values.get("promised_by"):
        state.values["promised_by"] = m.email
    return render(request, "roadmap/commitment_form.html", status_code, **ctx.page_context(uow, m, "commitments"),
                  page_title="Move a commitment" if c else "Record a commitment", commitment=c, state=state,
                  features=[("", "—")] + [(str(f.id), f"{f.title} (#{f.id})") for f in features],
                  customers=[("", "—")] + [(str(x.id), x.name) for x in customers])


def _save(request: Request, form: FormData, m: Any, uow: UnitOfWork, c: Commitment | None) -> Response:
    m.require("promise")
    values: dict[str, Any] = {k: field_text(form, k) for k in (*FIELDS, "version")}
    state = FormState(values=values)
    if c is not None:  # the feature and the customer of a commitment stay; its date, who and why can change
        values["feature_id"], values["customer_id"] = str(c.feature_id), str(c.customer_id)
    for name in ("feature_id", "customer_id", "due"):
        if not values[name]:
            state.add(name, "is required")
    body = {k: values[k] for k in (("due", "promised_by", "note") if c else FIELDS) if values[k] or k == "note"}
    return save_record(request, uow, m, state, c, schema=CommitmentUpdate if c else CommitmentCreate, body=body,
                       known=KNOWN, service=commitment_service, show=_form,
                       to=lambda saved: f"/w/{m.workspace_slug}/commitments?{'moved' if c else 'recorded'}={saved.id}"
                       f"#commitment-{saved.id}")


add_form_routes(router, f"{W}/commitments", need="promise",
                load=lambda uow, m, rid: records.get(uow=uow, spec=commitment_service.SPEC,
                                                     workspace_id=m.workspace_id, record_id=rid),
                state_of=lambda c, request: _state(c, request.query_params), show=_form, save=_save)


@router.post(f"{W}/commitments/{{record_id:int}}/withdraw")
def withdraw(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """A promise no longer stands (made by mistake, or taken back with the customer): it leaves the list, the
    ARR at risk and the planner's constraints; the audit log keeps it."""
    m.require("promise")
    records.set_archived(uow=uow, spec=commitment_service.SPEC, workspace_id=m.workspace_id, actor=m.actor("web"),
                         record_id=record_id, archived=True)
    return redirect(f"/w/{m.workspace_slug}/commitments?withdrawn={record_id}", request)


@router.get(f"{W}/commitments/check", response_class=HTMLResponse)
def check_promise(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Before anyone promises: the chance of the chosen feature being done by the chosen date, and the first
    day it is likely enough (the workspace threshold). A partial, swapped in beside the form as it is filled."""
    q = request.query_params
    fid, raw = str(q.get("feature_id") or ""), str(q.get("due") or "")
    d: dict[str, Any] | None = None
    message = ""
    if not fid.isdecimal():
        message = "Choose a feature to see the chance of keeping the promise."
    else:
        try:
            due = date.fromisoformat(raw) if raw else None
            d = delivery.feature_delivery(uow=uow, workspace_id=m.workspace_id, feature_id=int(fid),
                                          today=date.today(), by=due)
        except ValueError:
            message = f"'{raw}' is not a date (YYYY-MM-DD)."
        except InvalidInput as exc:
            message = exc.message.removeprefix("by: ")
    return render(request, "roadmap/_promise_check.html", d=d, message=message, due=raw)


@router.post(f"{W}/customers/{{record_id:int}}/deal")
def set_deal(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """Sales keep a customer's or prospect's open deal up to date from its page (value, expected close; empty or 0
    clears it), as they keep their promises: without the right to edit the rest of the record."""
    from tradeoff.customers.schemas import DealIn
    from tradeoff.web.routes_detail import customer_view

    m.require("promise")
    state = FormState(values={k: field_text(form, k) for k in ("deal_value", "deal_close", "version")})
    version = state.values["version"]

    def action() -> None:
        deal = DealIn.model_validate({"deal_value": state.values["deal_value"].replace(",", "") or "0",
                                      "deal_close": state.values["deal_close"] or None})
        customer_service.set_deal(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=record_id,
                                  deal_value=deal.deal_value, deal_close=deal.deal_close,
                                  if_match=int(version) if version.isdecimal() else None)

    if not save_or_errors(uow, state, {"deal_value", "deal_close"}, action):
        said = [*(f"{k.replace('_', ' ')}: {msg}" for k, msgs in state.errors.items() for msg in msgs),
                *([state.message] if state.message else [])]
        return customer_view(request, uow, m, record_id, deal_error="; ".join(said), status_code=422)
    return redirect(f"/w/{m.workspace_slug}/customers/{record_id}?deal=saved#deal", request)
