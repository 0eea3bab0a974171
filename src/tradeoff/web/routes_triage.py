"""Triage in the browser: the inbox's status line and kind corrections, pasted call notes, similar items
(link, merge, dismiss) and themes turned into problems. Each route calls the triage service, as the API does."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tradeoff.accounts.service import Member
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Lifecycle
from tradeoff.errors import FieldError, InvalidInput, NotFound, TradeoffError
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.schemas import FeedbackCreate, FeedbackUpdate
from tradeoff.records import service as records
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import bulk as bulk_actions
from tradeoff.triage import service as triage
from tradeoff.triage.schemas import MAX_BULK, BulkIn, DismissIn, MergeIn, ThemeToExistingIn, ThemeToProblemIn
from tradeoff.triage.worker import drain
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, error_to_state, field_text, validation_to_state
from tradeoff.web.records_ui import FEEDBACK, KINDS, SEGMENTS
from tradeoff.web.render import is_htmx, redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container, permissions

router = APIRouter()
W = "/w/{slug}"
PASTE_FIELDS = tuple(f for f in FEEDBACK.fields if f.name in ("customer_id", "source"))


def _local(next_url: str, m: Member, fallback: str) -> str:
    """Only a page of this workspace: a form's `next` never sends a person elsewhere."""
    prefix = f"/w/{m.workspace_slug}/"
    if next_url.startswith(prefix) and "//" not in next_url and "\\" not in next_url:
        return next_url
    return fallback


# --- the inbox: status line, triage now, kind corrections, actions on many items ---------------------------------

BULK_DONE = {"link": "Linked {n} to {target}", "kind": "Set {n} to {kind}",
             "confirm": "Kept triage's guess on {n} as checked", "archive": "Archived {n}",
             "restore": "Restored {n}", "merge": "Merged {n} into the first reported (feedback {into})"}
BULK_PROBLEMS = {"none": "Select the feedback items first (the boxes on the left).",
                 "too_many": "More than {most:,} items match: narrow the search or filters first.",
                 "target": "Choose the feature or problem to link the selected items to.",
                 "kind": "Choose the kind to set on the selected items.",
                 "merge": "Select at least two items to merge: the first reported stays, the others become its "
                          "duplicates."}


def bulk_message(params: Any) -> tuple[str, str]:
    """The list's line after an action on many items: (what was done, what was wrong), from fixed wordings only
    (a link cannot make the page say anything else)."""
    problem = BULK_PROBLEMS.get(params.get("bulk_error", ""), "").format(most=MAX_BULK)
    action, done, skipped = params.get("bulk", ""), params.get("done", ""), params.get("skipped", "0")
    if action not in BULK_DONE or not done.isdecimal() or not skipped.isdecimal():
        return "", problem
    n, s = int(done), int(skipped)
    target = {"feature": "the feature", "problem": "the problem"}.get(params.get("to", ""), "it")
    kind = dict(KINDS).get(params.get("set_kind", ""), "that kind")
    into = params.get("into", "")
    text = BULK_DONE[action].format(n=f"{n} feedback item{'s' if n != 1 else ''}", target=target, kind=kind,
                                    into=into if into.isdecimal() else "?")
    if s and action == "confirm":
        return text + f"; {s} skipped (not triaged yet, or already checked).", problem
    return text + (f"; {s} already {'were' if s != 1 else 'was'} as asked." if s else "."), problem


FLASH_PARAMS = {"bulk", "bulk_error", "done", "skipped", "to", "set_kind", "into", "added", "pasted", "triage_ran"}


def _matching_ids(uow: UnitOfWork, m: Member, list_url: str) -> list[int] | None:
    """The ids of the feedback the list at `list_url` shows on all its pages (see `bulk.matching_ids`)."""
    q, sort, archived, raw = FEEDBACK.list_query(dict(parse_qsl(list_url.partition("?")[2])))
    return bulk_actions.matching_ids(uow=uow, workspace_id=m.workspace_id, q=q, sort=sort, archived=archived,
                                     filters=FEEDBACK.filters_schema.model_validate(raw).model_dump(exclude_none=True))


def _without_flash(url: str) -> str:
    """The list's address without the message of an earlier action (its filters and page stay)."""
    path, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in FLASH_PARAMS]
    return path + (f"?{urlencode(kept)}" if kept else "")


@router.post(f"{W}/feedback/bulk")
def feedback_bulk(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Link, set the kind of, archive or restore the feedback items ticked on the list, all or nothing; back to the
    same list (its filters and page) with what was done."""
    action = field_text(form, "action")
    if action in bulk_actions.NEEDS:  # an unknown action is refused below, naming the field
        m.require(bulk_actions.NEEDS[action])
    back = _without_flash(_local(field_text(form, "next", strip=False), m, f"/w/{m.workspace_slug}/feedback"))
    sep = "&" if "?" in back else "?"
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdecimal()]
    if field_text(form, "all_matching") == "1":  # every item the list's search and filters match, not one page
        matching = _matching_ids(uow, m, back)
        if matching is None:
            return redirect(f"{back}{sep}bulk_error=too_many", request)
        ids = matching
    to, _, raw = field_text(form, "target").partition(":")
    kind = field_text(form, "kind")
    if not ids:
        return redirect(f"{back}{sep}bulk_error=none", request)
    if action == "link" and not (to in ("feature", "problem") and raw.isdecimal()):
        return redirect(f"{back}{sep}bulk_error=target", request)
    if action == "kind" and not kind:
        return redirect(f"{back}{sep}bulk_error=kind", request)
    if action == "merge" and len(set(ids)) < 2:
        return redirect(f"{back}{sep}bulk_error=merge", request)
    body: dict[str, Any] = {"ids": ids, "action": action}
    if action == "link":
        body[f"{to}_id"] = int(raw)
    if action == "kind":
        body["kind"] = kind
    if action == "merge":  # the original report stays; the later ones become its duplicates
        body["into_id"] = bulk_actions.earliest(uow=uow, workspace_id=m.workspace_id, ids=ids)
    data = BulkIn.model_validate(body)  # anything else wrong is the form's fault: a 422 page naming the field
    res = bulk_actions.apply(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=data)
    extra = {"link": f"&to={to}", "kind": f"&set_kind={kind}", "merge": f"&into={body.get('into_id')}"}.get(action, "")
    return redirect(f"{back}{sep}bulk={action}&done={len(res['done'])}&skipped={len(res['skipped'])}{extra}",
                    request)



@router.get(f"{W}/triage/status", response_class=HTMLResponse)
def triage_status(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """The status line alone, for htmx polling while items wait."""
    return render(request, "partials/triage_status.html", base=f"/w/{m.workspace_slug}", perms=permissions(m),
                  **ctx.triage_line(request, uow, m))


@router.post(f"{W}/triage/run")
def triage_run(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    c = container(request)
    n = drain(c.unit_of_work, c.triage, workspace_id=m.workspace_id)
    return redirect(f"/w/{m.workspace_slug}/feedback?triage_ran={n}", request)


@router.post(f"{W}/feedback/{{record_id:int}}/kind")
def correct_kind(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """A PM's correction of the kind: remembered (kind_source "pm") and learned from by later triage."""
    m.require("edit")
    kind = field_text(form, "kind", strip=False)
    try:
        data = FeedbackUpdate.model_validate({"kind": kind})
    except ValidationError as exc:
        raise InvalidInput(f"kind: '{kind}' is not one of {', '.join(v for v, _ in KINDS)}",
                           [FieldError(["body", "kind"], "unknown kind", kind)]) from exc
    if data.kind is None:
        raise InvalidInput("kind: choose what this feedback is", [FieldError(["body", "kind"], "required")])
    fb = feedback_service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=record_id,
                                 data=data, if_match=None)
    if is_htmx(request):
        return render(request, "partials/kind_cell.html", f=fb, base=f"/w/{m.workspace_slug}", perms=permissions(m),
                      kinds=KINDS, next_url=field_text(form, "next", strip=False))
    return redirect(_local(field_text(form, "next", strip=False), m, f"/w/{m.workspace_slug}/feedback/{record_id}"), request)


# --- paste call notes ----------------------------------------------------------------------------------------


def _paste_view(request: Request, uow: UnitOfWork, m: Member, state: FormState, items: list[dict[str, Any]] | None = None,
                status_code: int = 200) -> HTMLResponse:
    return render(request, "triage/paste.html", status_code, **ctx.page_context(uow, m, "feedback"),
                  page_title="Paste call notes", state=state, items=items, fields=PASTE_FIELDS,
                  customer_options=ctx.customer_suggestions(uow, m.workspace_id, None),
                  pick_url=f"/w/{m.workspace_slug}/pick/customers")


@router.get(f"{W}/feedback/paste", response_class=HTMLResponse)
def paste_form(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("evidence")
    return _paste_view(request, uow, m, FormState(values={"source": "sales_call"}))


def _paste_state(uow: UnitOfWork, m: Member, form: Any) -> tuple[FormState, dict[str, Any]]:
    state = FormState(values={k: field_text(form, k, strip=False) for k in ("text", "customer_id", "source")})
    data: dict[str, Any] = {"source": state.values["source"] or "other", "reporter": m.email}
    ctx.resolve_customer(uow, m.workspace_id, state.values["customer_id"], state, data)
    return state, data


@router.post(f"{W}/feedback/paste", response_class=HTMLResponse)
def paste_split(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Split the notes into items to confirm; nothing is saved yet."""
    m.require("evidence")
    state, _ = _paste_state(uow, m, form)
    try:
        parts = triage.read_notes(uow=uow, workspace_id=m.workspace_id, text=state.values["text"], today=date.today())
    except InvalidInput as exc:
        state.add("text", exc.message)
        return _paste_view(request, uow, m, state, status_code=422)
    # each item's customer and day: what its heading names, else the form's customer and no day (today)
    items = [{"text": p["text"], "keep": True, "error": "", "heading": p["heading"],
              "customer": p["customer"] or p["new_customer"] or p["ambiguous_name"] or state.values["customer_id"],
              "day": p["reported_on"].isoformat() if p["reported_on"] else "",
              "source": p["source"] or state.values["source"] or "other",
              "new_customer": p["new_customer"] or "",
              # a name customers on record may go by: which of them, or new, the person says (never taken as new)
              "ambiguous_name": p["ambiguous_name"] or "", "candidates": p["candidates"], "picked": "",
              "unknown_heading": bool(p["heading"] and not p["customer"] and not p["new_customer"]
                                      and not p["ambiguous_name"])} for p in parts]
    return _paste_view(request, uow, m, state, items, status_code=200 if state.ok else 422)


@router.post(f"{W}/feedback/paste/confirm", response_class=HTMLResponse)
def paste_confirm(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Create the checked items, all or nothing."""
    m.require("evidence")
    state, data = _paste_state(uow, m, form)
    texts = [t for t in form.getlist("item") if isinstance(t, str)]
    who = [t for t in form.getlist("item_customer") if isinstance(t, str)]
    days = [t for t in form.getlist("item_day") if isinstance(t, str)]
    heads = [t for t in form.getlist("item_heading") if isinstance(t, str)]
    sources = [t for t in form.getlist("item_source") if isinstance(t, str)]
    kept = {int(k) for k in form.getlist("keep") if isinstance(k, str) and k.isdecimal()}

    def nth(values: list[str], i: int, default: str = "") -> str:
        return values[i] if i < len(values) else default

    items: list[dict[str, Any]] = [
        {"text": t, "keep": i in kept, "error": "", "customer": nth(who, i, state.values["customer_id"]),
         "day": nth(days, i), "heading": nth(heads, i), "source": nth(sources, i, data["source"])}
        for i, t in enumerate(texts)]
    _with_candidates(uow, m, form, items)
    chosen = [i for i in range(len(items)) if items[i]["keep"]]
    if not chosen:
        state.message = "tick at least one item to create"
    creates: list[FeedbackCreate] = []
    kept_order: list[int] = []  # the item each of `creates` is
    add_customers = form.get("add_customers") in ("1", "prospect")
    added_as = Lifecycle.prospect if form.get("add_customers") == "prospect" else Lifecycle.customer
    adds = add_customers or any(items[i]["picked"] == "new" for i in chosen)
    for i in chosen:
        item_state = FormState()
        own: dict[str, Any] = {}
        name, picked = items[i]["customer"].strip(), items[i]["picked"]
        try:
            if picked.isdecimal():  # one of the customers the name may mean, chosen
                own["customer_id"] = records.get(uow=uow, spec=customer_service.SPEC, workspace_id=m.workspace_id,
                                                 record_id=int(picked)).id
            elif name and (add_customers or picked == "new"):
                # one not on record yet is added with the batch (a later item finds it); one like customers on
                # record only when "new" was chosen over them
                own["customer_id"] = customer_service.named_or_new(
                    uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), name=name, lifecycle=added_as,
                    even_if_like=picked == "new").id
            else:
                ctx.resolve_customer(uow, m.workspace_id, name, item_state, own)
        except NotFound:
            item_state.add("customer_id", "that customer is not in this workspace: pick one of those listed")
        except InvalidInput as exc:
            item_state.add("customer_id", exc.message)
        if not item_state.ok:
            items[i]["error"] = "; ".join(msg for msgs in item_state.errors.values() for msg in msgs)
            continue
        try:
            when = triage.note_reported_at(items[i]["day"], date.today())
        except InvalidInput as exc:
            items[i]["error"] = exc.message
            continue
        try:
            creates.append(FeedbackCreate.model_validate({**data, **own, "source": items[i]["source"] or data["source"],
                                                          "text": items[i]["text"],
                                                          **({"reported_at": when} if when else {})}))
            kept_order.append(i)
        except ValidationError as exc:
            items[i]["error"] = "; ".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors())
    again = feedback_service.recorded_already(uow=uow, workspace_id=m.workspace_id,
                                              items=[(c.text, c.customer_id) for c in creates])
    if feedback_service.resubmitted(again, len(creates)):  # sent twice: saved once, shown as saved
        return redirect(f"/w/{m.workspace_slug}/feedback?pasted={len(creates)}&sort=-created_at", request)
    for k, found in again.items():
        said = "date unknown" if found.date_unknown else f"{found.reported_at:%Y-%m-%d}"
        items[kept_order[k]]["error"] = (f"already recorded as #{found.id} ({said}): "
                                         "untick it, or change its words")
    if any(it["error"] for it in items) and not state.message:
        state.message = "fix the items marked below, or untick them"
    if not state.ok and adds:
        uow.session.rollback()  # all or nothing: customers added for the batch go with it
    if state.ok:
        try:
            feedback_service.create_many(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), items=creates)
            return redirect(f"/w/{m.workspace_slug}/feedback?pasted={len(creates)}&sort=-created_at", request)
        except TradeoffError as exc:
            if exc.status != 422:
                raise
            uow.session.rollback()
            for e in exc.errors:
                loc = [p for p in e.loc if p not in ("body", "items")]
                if loc and isinstance(loc[0], int) and loc[0] < len(chosen):
                    items[chosen[loc[0]]]["error"] = e.msg
            state.message = exc.message
    return _paste_view(request, uow, m, state, items, status_code=422)


def _with_candidates(uow: UnitOfWork, m: Member, form: Any, items: list[dict[str, Any]]) -> None:
    """Each item's name that customers on record may go by, with them and the one picked (`pick-<n>`: an id, or
    "new"), so a refused form asks again; read once for the whole batch."""
    like = customer_service.like_named(uow=uow, workspace_id=m.workspace_id,
                                       names=[it["customer"].strip() for it in items if it["customer"].strip()])
    for n, it in enumerate(items):
        maybe = like.get(it["customer"].strip(), [])
        it.update(ambiguous_name=it["customer"].strip() if maybe else "",
                  candidates=[{"id": c.id, "name": c.name} for c in maybe],
                  picked=field_text(form, f"pick-{n}"))


# --- similar items: link, merge, dismiss ---------------------------------------------------------------------


@router.get(f"{W}/feedback/{{record_id:int}}/similar", response_class=HTMLResponse)
def similar_panel(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    """The "looks like the same request as…" panel (loaded by htmx after the page, as it takes a moment)."""
    fb = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    similar = triage.similar(uow=uow, workspace_id=m.workspace_id, feedback_id=record_id,
                             engine=container(request).triage)
    return render(request, "partials/similar.html", obj=fb, similar=similar, base=f"/w/{m.workspace_slug}",
                  perms=permissions(m))


@router.post(f"{W}/feedback/{{record_id:int}}/merge")
def merge(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    m.require("edit")
    try:
        body = MergeIn.model_validate({"into_id": field_text(form, "into_id", strip=False)})
    except ValidationError as exc:
        raise InvalidInput("into_id: choose the feedback item to merge into",
                           [FieldError(["body", "into_id"], "not a feedback id")]) from exc
    keep = triage.merge(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feedback_id=record_id,
                        into_id=body.into_id)
    return redirect(f"/w/{m.workspace_slug}/feedback/{keep.id}?merged={record_id}", request)


@router.post(f"{W}/feedback/{{record_id:int}}/dismiss")
def dismiss(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    """Not the same: this pair is never suggested again."""
    m.require("evidence")
    try:
        body = DismissIn.model_validate({"kind": field_text(form, "kind", strip=False), "target_id": field_text(form, "target_id", strip=False)})
    except ValidationError as exc:
        raise InvalidInput("choose a suggested feedback item, problem or feature to dismiss",
                           [FieldError(["body", "kind"], "unknown suggestion")]) from exc
    triage.dismiss(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feedback_id=record_id,
                   kind=body.kind, target_id=body.target_id)
    return redirect(f"/w/{m.workspace_slug}/feedback/{record_id}?similar=1#similar", request)


# --- themes --------------------------------------------------------------------------------------------------


THEME_SIZES = (2, 3, 5, 10)  # the smallest theme shown, offered to choose from


def _theme_query(source: Any) -> tuple[int, int]:
    """The smallest theme shown and the page (from 1), from the address or a form; anything else: the defaults."""
    raw_size, raw_page = str(source.get("min_size") or ""), str(source.get("page") or "")
    size = int(raw_size) if raw_size.isdecimal() and int(raw_size) in THEME_SIZES else triage.THEME_MIN_SIZE
    return size, int(raw_page) if raw_page.isdecimal() and 0 < int(raw_page) < 10_000 else 1


def _themes_view(request: Request, uow: UnitOfWork, m: Member, states: dict[int, FormState] | None = None,
                 status_code: int = 200, *, min_size: int = triage.THEME_MIN_SIZE, page: int = 1) -> HTMLResponse:
    per_page = triage.THEMES_PAGE
    overview = triage.themes_overview(uow=uow, workspace_id=m.workspace_id, now=utcnow(),
                                      engine=container(request).triage, min_size=min_size,
                                      first=(page - 1) * per_page, page_size=per_page)
    found = overview["items"]
    listed = [fid for t in found for fid in t["feedback_ids"]]  # every item: each can be left out of a problem
    by_id = {f.id: f for f in records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=m.workspace_id,
                                               ids=listed, field_name="feedback_ids")}
    return render(request, "triage/themes.html", status_code, **ctx.page_context(uow, m, "themes"),
                  page_title="Themes", themes=found, by_id=by_id, states=states or {},
                  considered=overview["considered"], unthemed=overview["unthemed"], method=overview["method"],
                  total=overview["total"], smaller_themes=overview["smaller_themes"],
                  smaller_items=overview["smaller_items"], min_size=min_size, sizes=THEME_SIZES, page=page,
                  first=(page - 1) * per_page, more=overview["next"] is not None,
                  products=ctx.product_choices(uow, m.workspace_id), segments=SEGMENTS)


@router.get(f"{W}/themes", response_class=HTMLResponse)
def themes_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    min_size, page = _theme_query(request.query_params)
    return _themes_view(request, uow, m, min_size=min_size, page=page)


def _refused(request: Request, uow: UnitOfWork, m: Member, form: Any, index: int, state: FormState) -> HTMLResponse:
    """A theme's form refused: the page it is on again (the same smallest size), the message beside it."""
    min_size, _ = _theme_query(form)
    page = index // triage.THEMES_PAGE + 1 if index >= 0 else 1
    return _themes_view(request, uow, m, {index: state}, status_code=422, min_size=min_size, page=page)


@router.post(f"{W}/themes/existing-problem")
def theme_to_existing(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Add a theme's ticked feedback to a problem already on record (the one the theme is like)."""
    m.require("edit")
    index = int(raw) if (raw := field_text(form, "theme", strip=False)).isdecimal() else -1
    ids = [v for v in form.getlist("feedback_ids") if isinstance(v, str)]
    state = FormState(values={"feedback_ids": ",".join(ids)})
    try:
        body = ThemeToExistingIn.model_validate({"problem_id": field_text(form, "problem_id") or None,
                                                 "feedback_ids": ids})
        problem, added = triage.theme_to_existing_problem(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                                          **body.model_dump())
        return redirect(f"/w/{m.workspace_slug}/problems/{problem.id}?theme_added={added}", request)
    except ValidationError as exc:
        validation_to_state(exc, state, set())
    except TradeoffError as exc:
        if exc.status not in (404, 409, 422):
            raise
        uow.session.rollback()
        error_to_state(exc, state, set())
    return _refused(request, uow, m, form, index, state)


@router.post(f"{W}/themes/problem")
def theme_to_problem(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Turn a theme into a problem, its feedback linked to it as evidence."""
    m.require("edit")
    index = int(raw) if (raw := field_text(form, "theme", strip=False)).isdecimal() else -1
    values = {k: field_text(form, k, strip=False) for k in ("statement", "persona", "product_id", "segment")}
    ids = [v for v in form.getlist("feedback_ids") if isinstance(v, str)]
    state = FormState(values={**values, "feedback_ids": ",".join(ids)})  # the ticks survive a refused form
    try:
        body = ThemeToProblemIn.model_validate({**values, "feedback_ids": ids,
                                                "product_id": values["product_id"].strip() or None})
        problem = triage.theme_to_problem(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                          **body.model_dump())
        return redirect(f"/w/{m.workspace_slug}/problems/{problem.id}?from_theme={len(body.feedback_ids)}", request)
    except ValidationError as exc:
        validation_to_state(exc, state, {"statement", "persona", "product_id", "segment"})
    except TradeoffError as exc:
        if exc.status not in (409, 422):
            raise
        uow.session.rollback()
        error_to_state(exc, state, {"statement", "persona", "product_id", "segment"})
    return _refused(request, uow, m, form, index, state)
