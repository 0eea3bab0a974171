"""Commitments: create them, forecast the chance of keeping each, list those at risk, and record when one
crosses the workspace's threshold (the event table notifications will read)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from tradeoff.audit import service as audit
from tradeoff.commitments.model import DEFAULT_RISK_THRESHOLD, Commitment, CommitmentEvent, DeliverySettings
from tradeoff.commitments.schemas import CommitmentCreate, CommitmentUpdate
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer
from tradeoff.errors import Conflict, FieldError, InvalidInput, NotFound, TradeoffError
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="commitment",
    plural="commitments",
    model=Commitment,
    sorts={"due": Commitment.due, "created_at": Commitment.created_at, "id": Commitment.id},
    default_sort="due",
    filters={"feature_id": lambda v: Commitment.feature_id == int(v),
             "customer_id": lambda v: Commitment.customer_id == int(v)},
    searchable=False,
    snapshot_fields=("feature_id", "customer_id", "due", "promised_by", "note"),
    # a promise restored is forecast again at once (archived, it leaves the at-risk lists as it is)
    after_archive=lambda uow, workspace_id, _c: refresh(uow=uow, workspace_id=workspace_id),
)


@dataclass(frozen=True)
class OpenCommitment:
    id: int
    due: date
    customer_name: str


def _check_due(due: date, today: date) -> None:
    if due < today:
        raise InvalidInput(f"due date {due} is in the past (today is {today}); a promise must be about the future",
                           [FieldError(["body", "due"], "in the past", due.isoformat())])


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: CommitmentCreate,
           today: date | None = None, forecast: bool = True) -> Commitment:
    """Record a promise and forecast its chance at once; `forecast=False` leaves that to a `recompute` the caller
    runs when its batch is in place (e.g. after the plan the promise depends on is solved), so the first chance
    recorded, and any at-risk notice, is the one that holds."""
    today = today or date.today()
    _check_due(data.due, today)
    feature = records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=[data.feature_id],
                               field_name="feature_id")[0]
    customer = records.get_many(uow=uow, spec=customer_service.SPEC, workspace_id=workspace_id, ids=[data.customer_id],
                                field_name="customer_id")[0]
    if feature.status == FeatureStatus.shipped.value:
        raise InvalidInput(f"feature_id: '{feature.title}' has shipped: there is nothing left to promise",
                           [FieldError(["body", "feature_id"], "already shipped", data.feature_id)])
    same = uow.session.scalar(select(Commitment).where(
        Commitment.workspace_id == workspace_id, Commitment.archived_at.is_(None),
        Commitment.feature_id == data.feature_id, Commitment.customer_id == data.customer_id))
    if same is not None:  # two dates for one promise: which holds? Move the one there is instead
        raise Conflict(f"'{feature.title}' is already promised to {customer.name} by {same.due} (commitment "
                       f"#{same.id}): move that promise instead of making a second one",
                       [FieldError(["body", "feature_id"], "already promised to this customer", data.feature_id)])
    values = data.model_dump()
    values["promised_by"] = data.promised_by or actor.label
    obj = records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)
    if forecast:
        recompute(uow=uow, workspace_id=workspace_id, today=today, only=[obj.id])
    return obj  # type: ignore[no-any-return]


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: CommitmentUpdate,
           if_match: int | None, today: date | None = None) -> Commitment:
    today = today or date.today()
    obj: Commitment = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name in ("due", "promised_by", "note"):
        if name in values and values[name] is None:
            raise InvalidInput(f"{name} cannot be null", [FieldError(["body", name], "cannot be null")])
    if "due" in values:
        _check_due(values["due"], today)
    obj = records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values,
                         if_match=if_match)
    if "due" in values:
        recompute(uow=uow, workspace_id=workspace_id, today=today, only=[obj.id])
    return obj


def threshold(*, uow: UnitOfWork, workspace_id: int) -> float:
    row = uow.session.scalar(select(DeliverySettings.risk_threshold).where(
        DeliverySettings.workspace_id == workspace_id))
    return float(row) if row is not None else DEFAULT_RISK_THRESHOLD


def set_threshold(*, uow: UnitOfWork, workspace_id: int, actor: Actor, value: float) -> float:
    if not 0 < value < 1:
        raise InvalidInput(f"risk_threshold must be more than 0 and less than 1 (a chance, e.g. 0.8), got {value}",
                           [FieldError(["body", "risk_threshold"], "out of range", value)])
    row = uow.session.scalar(select(DeliverySettings).where(DeliverySettings.workspace_id == workspace_id))
    before = row.risk_threshold if row else DEFAULT_RISK_THRESHOLD
    if row is None:
        row = DeliverySettings(workspace_id=workspace_id, risk_threshold=value)
        uow.session.add(row)
    else:
        row.risk_threshold = value
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="delivery_settings",
                 record_id=row.id, before={"risk_threshold": before}, after={"risk_threshold": value})
    if value != before:  # each promise's "likely enough by" date and at-risk crossing are at the threshold
        refresh(uow=uow, workspace_id=workspace_id, threshold_before=before)
    return value


def _active(uow: UnitOfWork, workspace_id: int) -> list[Commitment]:
    return list(uow.session.scalars(records.base_query(SPEC, workspace_id).where(
        Commitment.archived_at.is_(None)).order_by(Commitment.due, Commitment.id)))


def open_by_feature(*, uow: UnitOfWork, workspace_id: int) -> dict[int, list[OpenCommitment]]:
    """Active commitments per feature, for the planner (a commitment is a deadline that must hold)."""
    out: dict[int, list[OpenCommitment]] = defaultdict(list)
    for cid, fid, due, name in uow.session.execute(
            select(Commitment.id, Commitment.feature_id, Commitment.due, Customer.name)
            .join(Customer, Customer.id == Commitment.customer_id)
            .where(Commitment.workspace_id == workspace_id, Commitment.archived_at.is_(None))
            .order_by(Commitment.due)):
        out[fid].append(OpenCommitment(cid, due, name))
    return out


def recompute(*, uow: UnitOfWork, workspace_id: int, today: date, trials: int = 2000,
              only: list[int] | None = None, threshold_before: float | None = None) -> dict[str, Any]:
    """Forecast every active commitment's chance of being kept, and (unless `only` names some commitments) every
    target date of the live plan's releases; record each crossing of the threshold (`threshold_before`: the
    threshold was just changed from this, so a promise its change puts at risk, or out of it, has crossed it)."""
    from tradeoff.forecasts import service as forecast_service
    from tradeoff.plans import releases as release_watch
    from tradeoff.plans import service as plan_service

    items = _active(uow, workspace_id)
    if only is not None:
        items = [c for c in items if c.id in only]
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id) if only is None else None
    limit = threshold(uow=uow, workspace_id=workspace_id)
    reason = ""
    fc: dict[str, Any] | None = None
    if items or release_watch.watched(plan):
        fc, reason = _promises_forecast(uow, workspace_id, today, trials)
    skipped = {s["feature_id"]: s["reason"] for s in (fc or {}).get("skipped", [])}
    shipped = _shipped_on(uow, workspace_id, {c.feature_id for c in items})
    events = []
    moved: list[tuple[Commitment, float]] = []
    now = utcnow()
    derived = _Derived()
    for c in items:
        # derived facts, not edits: stored without bumping the commitment's version (its ETag)
        if c.feature_id in shipped:  # settled: kept, or kept late; no forecast, no crossing
            on = shipped[c.feature_id]
            derived.store(c, probability=1.0 if on is None or on <= c.due else 0.0, kept_by=None,
                          forecast_at=now, forecast_reason="shipped" + (f" on {on}" if on else "") + (
                              ", after the due date" if on is not None and on > c.due else ""))
            continue
        before = c.probability
        was_at_risk = c.forecast_at is not None and c.at_risk(limit if threshold_before is None else threshold_before)
        first = c.forecast_at is None
        p = forecast_service.feature_probability(fc, c.feature_id, c.due) if fc else None
        derived.store(c, probability=None if p is None else round(p, 4),
                      kept_by=forecast_service.feature_date_at(fc, c.feature_id, limit) if fc else None,
                      forecast_reason=reason if fc is None else (
                          "" if p is not None else
                          f"the feature is not forecast: {skipped.get(c.feature_id, 'not estimated')}"),
                      forecast_at=now)
        now_at_risk = c.at_risk(limit)
        if (first and now_at_risk) or (not first and now_at_risk != was_at_risk):
            ev = CommitmentEvent(workspace_id=workspace_id, commitment_id=c.id,
                                 kind="at_risk" if now_at_risk else "back_on_track", probability_before=before,
                                 probability_after=c.probability, threshold=limit, created_at=now)
            uow.session.add(ev)
            events.append(ev)
        elif before is not None and c.probability is not None and abs(c.probability - before) >= FORECAST_MOVE:
            moved.append((c, before))
    derived.write(uow)
    uow.session.flush()
    _notify(uow, workspace_id, events, {c.id: c for c in items})
    _notify_moves(uow, workspace_id, moved)
    crossings = release_watch.track(uow=uow, workspace_id=workspace_id, plan=plan, fc=fc, reason=reason,
                                    threshold=limit, now=now, threshold_before=threshold_before) if plan is not None and release_watch.watched(plan) else []
    return {"threshold": limit, "recomputed": len(items), "reason": reason,
            "events": [event_out(e) for e in events],
            "release_events": [{"release": c.name, "kind": c.kind, "probability_before": c.probability_before,
                                "probability_after": c.probability} for c in crossings]}


class _Derived:
    """Each commitment's forecast (chance, safe date, reason, when), as `store_derived` stores it — the loaded
    object shows it at once, its version (ETag) and `updated_at` stay — but written for all of them in one
    statement rather than one each."""

    COLUMNS = ("probability", "kept_by", "forecast_reason", "forecast_at")

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def store(self, c: Commitment, **values: Any) -> None:
        for name, value in values.items():
            set_committed_value(c, name, value)
        self.rows.append({"b_id": c.id} | {f"b_{k}": values[k] for k in self.COLUMNS})

    def write(self, uow: UnitOfWork) -> None:
        if not self.rows:
            return
        table = cast(Table, Commitment.__table__)
        uow.session.execute(table.update().where(table.c.id == bindparam("b_id")).values(
            {k: bindparam(f"b_{k}") for k in self.COLUMNS} | {"updated_at": table.c.updated_at}), self.rows)
        self.rows = []


def _promises_forecast(uow: UnitOfWork, workspace_id: int, today: date,
                       trials: int) -> tuple[dict[str, Any] | None, str]:
    """The workspace forecast promises are checked against, or None and why it cannot be made. Once per
    transaction while it changes no forecast input (`forecasts.memo`): a batch of promises, each forecast as it is
    made, runs one simulation and reads its inputs once, and every promise gets the chance it would have got
    alone. The answer is shared: read it, never change it."""
    from tradeoff.forecasts import memo
    from tradeoff.forecasts import service as forecast_service

    def compute() -> tuple[dict[str, Any] | None, str]:
        try:
            fc = forecast_service.forecast(uow=uow, workspace_id=workspace_id, today=today, trials=trials,
                                           throughput=False, histograms=False)
        except TradeoffError as exc:
            return None, f"cannot forecast: {exc.message}"
        if fc["status"] != "ok":
            return None, f"cannot forecast: {fc['reason']}"
        return fc, ""

    return memo.remembered(uow, ("promises", workspace_id, today, trials), compute)


def refresh(*, uow: UnitOfWork, workspace_id: int, today: date | None = None,
            threshold_before: float | None = None) -> None:
    """Re-forecast the workspace's promises (to customers, and the live plan's release targets) after an input of
    their forecast changed (an estimate, a team's capacity, the live plan, a feature shipping), so their chances,
    safe dates and threshold crossings never go stale. Nothing to do, and no forecast run, when nothing is
    promised."""
    from tradeoff.plans import releases as release_watch
    from tradeoff.plans import service as plan_service

    if uow.session.scalar(select(Commitment.id).where(Commitment.workspace_id == workspace_id,
                                                      Commitment.archived_at.is_(None)).limit(1)) is None \
            and not release_watch.watched(plan_service.live_plan(uow=uow, workspace_id=workspace_id)):
        return
    recompute(uow=uow, workspace_id=workspace_id, today=today or date.today(), threshold_before=threshold_before)


FORECAST_MOVE = 0.10  # a commitment's chance moving by 10 points or more is news even without crossing the threshold


def _notify_moves(uow: UnitOfWork, workspace_id: int, moved: list[tuple[Commitment, float]]) -> None:
    from tradeoff.notifications import service as notifications

    for c, before in moved:
        after = c.probability or 0.0
        notifications.publish(
            uow, workspace_id, "forecast.moved",
            {"commitment_id": c.id, "feature_id": c.feature_id, "due": c.due, "probability_before": before,
             "probability": after},
            subject=f"feature:{c.feature_id}",
            summary=f"The chance of keeping {_promise_words(uow, c)} moved from {before:.0%} to {after:.0%}")


def _promise_words(uow: UnitOfWork, c: Commitment) -> str:
    """'the promise of Credit notes to Kessler-Brandt by 2026-12-30': what a notice calls a commitment."""
    title = uow.session.scalar(select(Feature.title).where(Feature.id == c.feature_id)) or f"feature {c.feature_id}"
    customer = uow.session.scalar(select(Customer.name).where(Customer.id == c.customer_id)) or "a customer"
    return f"the promise of {title} to {customer} by {c.due}"


def _notify(uow: UnitOfWork, workspace_id: int, events: list[CommitmentEvent], by_id: dict[int, Commitment]) -> None:
    """Tell subscribers (in-app and webhooks) when a promise falls below the threshold."""
    from tradeoff.accounts.model import Workspace
    from tradeoff.notifications import service as notifications

    slug = ""
    if events:
        ws = uow.session.get(Workspace, workspace_id)
        if ws is None:
            raise NotFound(f"workspace {workspace_id} not found")
        slug = ws.slug
    for ev in events:
        if ev.kind != "at_risk":
            continue
        c = by_id[ev.commitment_id]
        pct = "unknown" if ev.probability_after is None else f"{ev.probability_after:.0%}"
        owner = uow.session.scalar(select(Feature.owner).where(Feature.id == c.feature_id)) or ""
        # who made the promise and who owns the feature hear of it, subscribed or not
        responsible = notifications.user_ids_by_email(uow, workspace_id, [e for e in (c.promised_by, owner) if e])
        notifications.publish(
            uow, workspace_id, "commitment.at_risk",
            {"commitment_id": c.id, "feature_id": c.feature_id, "customer_id": c.customer_id, "due": c.due,
             "probability": ev.probability_after, "probability_before": ev.probability_before,
             "threshold": ev.threshold, "kept_by": c.kept_by},
            subject=f"commitment:{c.id}",
            summary=f"At risk: {_promise_words(uow, c)}, {pct} chance of being kept"
            + (f"; {ev.threshold:.0%} chance by {c.kept_by}" if c.kept_by else ""),
            link=f"/w/{slug}/commitments#commitment-{c.id}", responsible=responsible)


def event_out(e: CommitmentEvent) -> dict[str, Any]:
    return {"id": e.id, "commitment_id": e.commitment_id, "kind": e.kind, "probability_before": e.probability_before,
            "probability_after": e.probability_after, "threshold": e.threshold, "created_at": e.created_at}


def events(*, uow: UnitOfWork, workspace_id: int, commitment_id: int | None = None,
           limit: int = 100) -> list[dict[str, Any]]:
    stmt = select(CommitmentEvent).where(CommitmentEvent.workspace_id == workspace_id)
    if commitment_id is not None:
        records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=commitment_id)
        stmt = stmt.where(CommitmentEvent.commitment_id == commitment_id)
    return [event_out(e) for e in uow.session.scalars(stmt.order_by(CommitmentEvent.id.desc()).limit(limit))]


def _shipped_on(uow: UnitOfWork, workspace_id: int, feature_ids: set[int]) -> dict[int, date | None]:
    """The shipped ones among `feature_ids`, with the day they shipped (None when it was not recorded)."""
    if not feature_ids:
        return {}
    return {fid: at.date() if at else None for fid, at in uow.session.execute(
        select(Feature.id, Feature.shipped_at).where(Feature.workspace_id == workspace_id,
                                                     Feature.id.in_(feature_ids),
                                                     Feature.status == FeatureStatus.shipped.value))}


def plan_check(plan: Any, c: Commitment) -> dict[str, Any] | None:
    """Whether the live plan keeps the promise: it finishes the feature by the due date ("in plan"), after it
    ("after due"), or not at all ("not planned"); "plan older" when the plan was solved before the promise was
    made (solving it again makes the promise a constraint). None without a solved live plan. ``conflict``: the
    plan does not keep it as it stands."""
    if plan is None or not plan.result or plan.solved_at is None:
        return None
    row = next((r for r in plan.result.get("schedule", []) if r["feature_id"] == c.feature_id), None)
    end = row["period_end"] if row is not None else None
    older = c.created_at is not None and plan.solved_at < c.created_at

    def check(status: str, conflict: bool, detail: str) -> dict[str, Any]:
        return {"status": status, "conflict": conflict, "planned_end": end, "plan_id": plan.id, "detail": detail}

    if end is not None and date.fromisoformat(end) <= c.due:
        return check("in plan", False,
                     f"the live plan '{plan.name}' schedules it by {end} (at average pace: the chance is the forecast's)")
    again = (" It was solved before this promise was made: solve it again to make the promise a constraint, or "
             "renegotiate the date." if older else " Renegotiate the date or change the plan.")
    if end is not None:
        return check("plan older" if older else "after due", True,
                     f"the live plan '{plan.name}' schedules it by {end}, after the due date." + again)
    if c.due > plan.end:
        return check("beyond plan", False,
                     f"due after the live plan '{plan.name}' ends ({plan.end}), which does not schedule it")
    return check("plan older" if older else "not planned", True,
                 f"the live plan '{plan.name}' does not schedule it." + again)


def overview(*, uow: UnitOfWork, workspace_id: int, at_risk_only: bool = False,
             customer_id: int | None = None) -> dict[str, Any]:
    """Every active commitment (to one customer, when given) with its feature, customer, ARR at stake (and the
    customer's or prospect's open deal), probability and whether it is at risk; `arr_at_risk` and `deals_at_risk`
    count each customer with an at-risk promise once."""
    from tradeoff.plans import service as plan_service

    limit = threshold(uow=uow, workspace_id=workspace_id)
    live = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    rows: list[dict[str, Any]] = []
    for c, title, status, name, arr, currency, lifecycle, deal, close in uow.session.execute(
            select(Commitment, Feature.title, Feature.status, Customer.name, Customer.arr, Customer.currency,
                   Customer.lifecycle, Customer.deal_value, Customer.deal_close)
            .join(Feature, Feature.id == Commitment.feature_id).join(Customer, Customer.id == Commitment.customer_id)
            .where(Commitment.workspace_id == workspace_id, Commitment.archived_at.is_(None),
                   *([Commitment.customer_id == customer_id] if customer_id is not None else []))
            .order_by(Commitment.due, Commitment.id)):
        shipped = status == FeatureStatus.shipped.value
        risk = c.at_risk(limit) and not shipped  # a shipped feature settled the promise: nothing left to risk
        if at_risk_only and not risk:
            continue
        rows.append({"id": c.id, "feature_id": c.feature_id, "feature": title, "customer_id": c.customer_id,
                     "customer": name, "arr_at_stake": float(Decimal(arr or 0)), "currency": currency,
                     "prospect": lifecycle == "prospect", "deal_at_stake": float(Decimal(deal or 0)),
                     "deal_close": close.isoformat() if close else None,
                     # the deal may hinge on it: promised for after the deal is expected to close
                     "due_after_deal_close": bool(deal and close and c.due > close),
                     "due": c.due.isoformat(), "promised_by": c.promised_by, "probability": c.probability,
                     "at_risk": risk, "shipped": shipped, "forecast_reason": c.forecast_reason,
                     "forecast_at": c.forecast_at,
                     "kept_by": c.kept_by.isoformat() if c.kept_by else None,
                     # promised before it is planned: its chance is the live plan's order, not a commitment of the team
                     "not_planned": status if status in (FeatureStatus.idea.value, FeatureStatus.discovery.value)
                     else None,
                     "plan_check": None if shipped else plan_check(live, c)})
    at_risk = [r for r in rows if r["at_risk"]]
    by_currency: dict[str, float] = defaultdict(float)
    deals: dict[str, float] = defaultdict(float)
    for r in {r["customer_id"]: r for r in at_risk}.values():  # each customer's ARR once, however many promises
        by_currency[r["currency"]] += r["arr_at_stake"]
        if r["deal_at_stake"]:
            deals[r["currency"]] += r["deal_at_stake"]
    arr_at_risk = {cur: a for cur, a in by_currency.items() if a}  # a prospect's promise puts no ARR at risk
    total = customer_service.total_of(uow, workspace_id, arr_at_risk) if arr_at_risk else None
    return {"threshold": limit, "items": rows, "at_risk_count": len(at_risk),
            "arr_at_risk": arr_at_risk, "arr_at_risk_total": total,
            "deals_at_risk": dict(deals)}
