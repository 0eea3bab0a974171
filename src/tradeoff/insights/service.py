"""Demand analytics: what is behind each problem and feature, top-requested views, closing the loop, NPS."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Integer, case, delete, distinct, func, literal, or_, select

from tradeoff.audit import service as audit
from tradeoff.core import demand as core_demand
from tradeoff.core.money import rates_for, total_in
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer, Lifecycle
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features.model import Feature, FeatureStatus, feature_problems
from tradeoff.feedback.model import Feedback, counts_as_evidence
from tradeoff.links.evidence import feature_evidence, once_each
from tradeoff.links.model import Link, ToldAsker
from tradeoff.problems.model import Problem
from tradeoff.storage.uow import Actor, UnitOfWork

TargetKind = Literal["problem", "feature"]


def evidence_items(*, uow: UnitOfWork, workspace_id: int, kind: TargetKind, target_id: int) -> list[core_demand.EvidenceItem]:
    """The evidence behind a problem, or behind a feature (its own and its problems', once each)."""
    if kind == "problem":
        stmt = select(Feedback, Link.quote, Customer, literal(None, Integer)).join(Link, Link.feedback_id == Feedback.id) \
            .where(Link.workspace_id == workspace_id, Link.problem_id == target_id)
    else:
        fe = feature_evidence(workspace_id, [target_id])
        stmt = select(Feedback, Link.quote, Customer, fe.c.via_problem_id).join(fe, fe.c.feedback_id == Feedback.id) \
            .join(Link, Link.id == fe.c.link_id)
    rows = uow.session.execute(
        stmt.outerjoin(Customer, Customer.id == Feedback.customer_id).where(counts_as_evidence()).order_by(Feedback.id)
    ).all()
    return [
        core_demand.EvidenceItem(
            feedback_id=fb.id, reported_at=fb.reported_at, source=fb.source, text=fb.text, quote=quote,
            customer_id=c.id if c else None, customer_name=c.name if c else None, segment=c.segment if c else None,
            arr=c.arr if c else Decimal(0), currency=c.currency if c else "USD",
            customer_since=_since(c) if c else None, sentiment=fb.sentiment,
            prospect=bool(c and c.lifecycle == Lifecycle.prospect), deal_value=c.deal_value if c else Decimal(0),
            deal_close=c.deal_close if c else None, date_unknown=fb.date_unknown,
        )
        for fb, quote, c, _via in once_each(rows, lambda r: r[0].id, lambda r: r[3])
    ]


def _since(c: Customer) -> datetime | None:
    """When a customer became one: their 'customer since' day; None when it is not known. (When their record was
    made here says nothing of it: a CRM export brings in accounts of many years as records made today.)"""
    return datetime.combine(c.customer_since, time(), UTC) if c.customer_since else None


def demand(*, uow: UnitOfWork, workspace_id: int, kind: TargetKind, target_id: int, now: datetime) -> core_demand.Demand:
    items = evidence_items(uow=uow, workspace_id=workspace_id, kind=kind, target_id=target_id)
    return core_demand.summarise(items, now=now)


def demand_totals(*, uow: UnitOfWork, workspace_id: int, d: core_demand.Demand) -> dict[str, Any]:
    """A demand's ARR in one currency, the workspace's (other currencies at its rates; what has no rate is named):
    `arr_total` in all and `arr_by_segment_total` per segment, beside the amounts kept per currency."""
    segments = sorted({seg for by_seg in d.arr_by_segment.values() for seg in by_seg})
    by_segment = {seg: customer_service.total_of(uow, workspace_id, {cur: by_seg[seg] for cur, by_seg
                                                                     in d.arr_by_segment.items() if seg in by_seg})
                  for seg in segments}
    total = customer_service.total_of(uow, workspace_id, d.arr_by_currency)
    deals = customer_service.total_of(uow, workspace_id, d.deal_value_by_currency)
    # money as everywhere in the API: a decimal to the cent (a string in JSON)
    return {"arr_total": total | {"amount": Decimal(str(round(total["amount"], 2)))},
            "arr_by_segment_total": {seg: Decimal(str(round(t["amount"], 2))) for seg, t in by_segment.items()},
            "deal_value_total": deals | {"amount": Decimal(str(round(deals["amount"], 2)))}}


SORTS = ("count", "customers", "arr", "deals")
FEATURE_STATUSES = tuple(s.value for s in FeatureStatus)


def demand_by_target(*, uow: UnitOfWork, workspace_id: int, kind: TargetKind,
                     ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Per problem or feature with evidence (only `ids`, when given): pieces of feedback, distinct customers and
    the ARR of those customers per currency, and their open deals (how many, expected ARR per currency) (a feature's own evidence and its problems', once each). Two grouped
    queries, however many targets."""
    if kind == "problem":
        pairs = select(Link.problem_id.label("tid"), Link.feedback_id.label("fid")) \
            .where(Link.workspace_id == workspace_id, Link.problem_id.is_not(None))
        if ids is not None:
            pairs = pairs.where(Link.problem_id.in_(ids))
    else:
        fe = feature_evidence(workspace_id, ids)
        pairs = select(fe.c.feature_id.label("tid"), fe.c.feedback_id.label("fid"))
    sub = pairs.subquery()
    evidence = select(sub.c.tid, Feedback.id.label("fid"), Feedback.customer_id.label("cid")) \
        .join(Feedback, Feedback.id == sub.c.fid).where(counts_as_evidence()).distinct().subquery()
    out: dict[int, dict[str, Any]] = {}
    for tid, n in uow.session.execute(select(evidence.c.tid, func.count(distinct(evidence.c.fid)))
                                      .group_by(evidence.c.tid)):
        out[tid] = {"feedback_count": n, "customer_count": 0, "arr_by_currency": {}, "deals": 0,
                    "deal_value_by_currency": {}}
    askers = select(evidence.c.tid, evidence.c.cid).where(evidence.c.cid.is_not(None)).distinct().subquery()
    with_deal = case((Customer.deal_value > 0, 1), else_=0)
    money = select(askers.c.tid, Customer.currency, func.count().label("customers"), func.sum(Customer.arr).label("arr"),
                   func.sum(with_deal), func.sum(Customer.deal_value)) \
        .join(Customer, Customer.id == askers.c.cid).group_by(askers.c.tid, Customer.currency)
    for tid, cur, n, arr, deals, deal_value in uow.session.execute(money):
        out[tid]["customer_count"] += n
        out[tid]["arr_by_currency"][cur] = Decimal(arr or 0)
        if deals:
            out[tid]["deals"] += deals
            out[tid]["deal_value_by_currency"][cur] = Decimal(deal_value or 0)
    return out


# (id, name, segment, ARR, currency, lifecycle, open deal's expected ARR, its expected close)
AskingCustomer = tuple[int, str, str | None, Decimal, str, str, Decimal, date | None]


def askers_by_feature(*, uow: UnitOfWork, workspace_id: int, feature_ids: list[int] | None = None,
                      ) -> tuple[dict[int, tuple[int, set[int]]], dict[int, AskingCustomer]]:
    """Who asked for each feature with evidence (all the workspace's, or `feature_ids`): feature id -> (pieces of
    feedback behind it, ids of the distinct customers who gave them), counted as `evidence_items` counts them (a
    feature's own evidence and its problems', once each); and those customers by id. Two queries however many
    features, for views that rank or count many features and need no quotes."""
    fe = feature_evidence(workspace_id, feature_ids)
    feedback: dict[int, set[int]] = {}
    asking: dict[int, set[int]] = {}
    for fid, fbid, cid in uow.session.execute(
            select(fe.c.feature_id, Feedback.id, Feedback.customer_id).join(Feedback, Feedback.id == fe.c.feedback_id)
            .where(counts_as_evidence()).distinct()):
        feedback.setdefault(fid, set()).add(fbid)
        who = asking.setdefault(fid, set())
        if cid is not None:
            who.add(cid)
    wanted: set[int] = set().union(*asking.values())
    customers = select(Customer.id, Customer.name, Customer.segment, Customer.arr, Customer.currency,
                       Customer.lifecycle, Customer.deal_value, Customer.deal_close)
    people: dict[int, AskingCustomer] = {}
    if wanted:  # the workspace's customers: one query, where a list of the askers' ids could be thousands long
        people = {row[0]: tuple(row)  # type: ignore[misc]
                  for row in uow.session.execute(customers.where(Customer.workspace_id == workspace_id))}
    if strays := sorted(wanted - people.keys()):  # feedback filed under another workspace's customer counts too
        people |= {row[0]: tuple(row)  # type: ignore[misc]
                   for row in uow.session.execute(customers.where(Customer.id.in_(strays)))}
    return {fid: (len(fbs), asking[fid]) for fid, fbs in feedback.items()}, people


def _check_status(kind: str, status: str) -> None:
    """A misspelt status is named, never read as "nothing matches"; problems have no status to filter by."""
    if kind != "feature":
        raise InvalidInput("status filters features; problems have no status",
                           [FieldError(["query", "status"], "only with kind=feature", status)])
    if status not in FEATURE_STATUSES:
        raise InvalidInput(f"unknown status '{status}'; use one of {', '.join(FEATURE_STATUSES)}",
                           [FieldError(["query", "status"], "unknown status", status)])


def top_requested(
    *, uow: UnitOfWork, workspace_id: int, kind: TargetKind, sort: str = "arr", currency: str | None = None,
    status: str | None = None, limit: int = 50,
) -> dict[str, Any]:
    """Problems or features ranked by evidence count, distinct customers, ARR of the distinct customers behind
    them, or the open deals among them (`deals`: their expected ARR): in the workspace's currency, or in `currency` when the workspace has a rate for it, other currencies
    converted at its rates (those without a rate listed as `arr_left_out`); a currency without a rate that
    customers pay in counts that currency's ARR alone, and one nobody pays in is refused."""
    if sort not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}", [FieldError(["query", "sort"], "unknown sort", sort)])
    if status is not None:
        _check_status(kind, status)
    model: Any = Problem if kind == "problem" else Feature
    money = customer_service.money(uow, workspace_id)
    if currency is None:
        currency = money.currency
    currency = currency.upper()
    # any currency the workspace has a rate for: every amount converted through the workspace's own currency
    rates = rates_for(currency, money.currency, money.rates)
    if rates is None:
        held = set(uow.session.scalars(select(Customer.currency).where(Customer.workspace_id == workspace_id)))
        if currency not in held:
            raise InvalidInput(f"currency {currency}: no customer pays in it and the workspace has no rate for it; "
                               f"use {money.currency} or one with a rate ({', '.join(sorted(money.rates)) or 'none set'})",
                               [FieldError(["query", "currency"], "no rate", currency)])
    demand = demand_by_target(uow=uow, workspace_id=workspace_id, kind=kind)
    stmt = select(model).where(model.workspace_id == workspace_id, model.id.in_(list(demand)),
                               model.archived_at.is_(None))
    if status is not None:
        stmt = stmt.where(Feature.status == status)
    rows = []
    for obj in uow.session.scalars(stmt):
        agg = demand[obj.id]
        arr, left_out = _in_currency(agg["arr_by_currency"], currency, rates)
        # no deal waits on a feature already shipped or not to be built
        settled = getattr(obj, "status", None) in (FeatureStatus.shipped.value, FeatureStatus.wont_do.value)
        if settled:
            agg = agg | {"deals": 0, "deal_value_by_currency": {}}
        deal_value, deal_left_out = _in_currency(agg["deal_value_by_currency"], currency, rates)
        rows.append({
            "id": obj.id, "title": obj.title if kind == "feature" else obj.statement,
            "status": getattr(obj, "status", None), "feedback_count": agg["feedback_count"],
            "customer_count": agg["customer_count"], "arr": arr,
            "arr_by_currency": agg["arr_by_currency"], "arr_left_out": left_out,
            "deals": agg["deals"], "deal_value": deal_value, "deal_value_by_currency": agg["deal_value_by_currency"],
            "deal_value_left_out": deal_left_out,
        })
    key = {"count": "feedback_count", "customers": "customer_count", "arr": "arr", "deals": "deal_value"}[sort]
    rows.sort(key=lambda r: (-r[key], -r["feedback_count"], r["id"]))
    return {"kind": kind, "sort": sort, "currency": currency, "rates": rates or {},
            "items": rows[:limit]}


def _in_currency(amounts: dict[str, Decimal], currency: str, rates: dict[str, float] | None,
                 ) -> tuple[Decimal, dict[str, float]]:
    """Amounts per currency as one in `currency` (at `rates`; without rates, that currency's alone), and what had
    no rate."""
    if rates is not None:
        total, left_out = total_in(amounts, currency, rates)
        return Decimal(str(round(total, 2))), left_out
    return amounts.get(currency, Decimal(0)), {c: float(a) for c, a in amounts.items() if c != currency and a}


def _asking(uow: UnitOfWork, workspace_id: int, feature: Feature) -> list[Any]:
    """Each piece of evidence behind a shipped feature whose asker is to be told (its own, and its problems' that
    it answered) as (feedback, its link's quote, customer, when its asker was told and by whom, via problem),
    biggest customer first. A problem's evidence is left out when another feature solving that problem is still
    to come (the asker may be waiting for that one), or when it was reported after this feature shipped (it asks
    for something the release did not give; evidence whose date is unknown is kept)."""
    feature_id = feature.id
    fe = feature_evidence(workspace_id, [feature_id])
    rows = uow.session.execute(
        select(Feedback, Link.quote, Customer, ToldAsker.told_at, ToldAsker.told_by, fe.c.via_problem_id)
        .join(fe, fe.c.feedback_id == Feedback.id)
        .join(Link, Link.id == fe.c.link_id)
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(ToldAsker, (ToldAsker.feature_id == feature_id) & (ToldAsker.feedback_id == Feedback.id))
        # praise asks for nothing ("it fixed our problem, thanks"): not someone to tell
        .where(counts_as_evidence(), or_(Feedback.kind.is_(None), Feedback.kind != "praise"))
        .order_by(Customer.arr.desc().nulls_last(), Feedback.reported_at, Feedback.id)
    ).all()
    waiting = set(uow.session.scalars(  # problems another, still open, feature also solves
        select(feature_problems.c.problem_id).join(Feature, Feature.id == feature_problems.c.feature_id)
        .where(Feature.workspace_id == workspace_id, Feature.id != feature_id, Feature.archived_at.is_(None),
               Feature.status.not_in([FeatureStatus.shipped.value, FeatureStatus.wont_do.value]))))
    shipped = feature.shipped_at

    def answered(row: Any) -> bool:
        via = row[5]
        # evidence whose date is unknown may well predate the release: its asker is told rather than forgotten
        return via is None or (via not in waiting and (shipped is None or row[0].date_unknown
                                                       or row[0].reported_at <= shipped))

    return [r for r in once_each(rows, lambda r: r[0].id, lambda r: r[5]) if answered(r)]


def close_the_loop(*, uow: UnitOfWork, workspace_id: int, feature: Feature) -> dict[str, Any]:
    """Who to tell now that a feature has shipped: each customer who asked (for it, or about a problem it solves),
    their account owner, who heard it, what they said, and whether they have been told (a customer who asked
    again after being told is to be told again). Feedback without a customer is one entry per item."""
    people: dict[Any, dict[str, Any]] = {}
    for fb, quote, c, told_at, told_by, via in _asking(uow, workspace_id, feature):
        key = c.id if c else f"fb{fb.id}"
        entry = people.setdefault(key, {
            "customer_id": c.id if c else None, "customer": c.name if c else None,
            "arr": c.arr if c else None, "currency": c.currency if c else None,
            "account_owner": c.account_owner if c else None, "reporters": [], "said": [],
            "told": True, "told_at": None, "told_by": None})
        if fb.reporter and fb.reporter not in entry["reporters"]:
            entry["reporters"].append(fb.reporter)
        entry["said"].append({"feedback_id": fb.id, "words": quote or fb.text, "reported_at": fb.reported_at,
                              "date_unknown": fb.date_unknown,
                              "told_at": told_at, "via_problem_id": via})
        if told_at is None:
            entry["told"] = False
        elif entry["told_at"] is None or told_at > entry["told_at"]:
            entry["told_at"], entry["told_by"] = told_at, told_by
    customers = list(people.values())  # told_at: the last telling, kept when they asked again since
    return {"feature_id": feature.id, "title": feature.title, "status": feature.status,
            "shipped": feature.status == FeatureStatus.shipped.value, "customers": customers,
            "told_count": sum(1 for e in customers if e["told"]), "to_tell_count": sum(1 for e in customers if not e["told"])}


def mark_told(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feature: Feature, customer_ids: list[int],
              feedback_ids: list[int], told: bool = True, now: datetime) -> dict[str, Any]:
    """Record that the customers (and the customerless feedback items) who asked for a shipped feature were told
    it shipped, or undo that. Every id must be among the feature's askers; nothing is written otherwise."""
    if feature.status != FeatureStatus.shipped.value:
        raise InvalidInput(f"feature {feature.id} is {feature.status.replace('_', ' ')}, not shipped: the loop is "
                           f"closed once it ships", [FieldError(["path", "feature"], "not shipped", feature.status)])
    if not customer_ids and not feedback_ids:
        raise InvalidInput("say who was told: at least one customer or feedback item",
                           [FieldError(["body", "customer_ids"], "none given", [])])
    rows = _asking(uow, workspace_id, feature)
    by_customer = {r[2].id for r in rows if r[2] is not None}
    by_feedback = {r[0].id for r in rows}
    strangers = [(i, cid) for i, cid in enumerate(customer_ids) if cid not in by_customer]
    unlinked = [(i, fid) for i, fid in enumerate(feedback_ids) if fid not in by_feedback]
    if strangers or unlinked:
        raise InvalidInput(
            "; ".join([f"customer {cid} did not ask for this feature" for _i, cid in strangers]
                      + [f"feedback {fid} is not evidence for this feature" for _i, fid in unlinked]),
            [FieldError(["body", "customer_ids", i], "did not ask for this feature", cid) for i, cid in strangers]
            + [FieldError(["body", "feedback_ids", i], "is not evidence for this feature", fid) for i, fid in unlinked])
    chosen_c, chosen_f = set(customer_ids), set(feedback_ids)
    names: list[str] = []
    for fb, _quote, c, told_at, _by, _via in rows:
        if not ((c is not None and c.id in chosen_c) or fb.id in chosen_f):
            continue
        if told and told_at is None:
            uow.session.add(ToldAsker(workspace_id=workspace_id, feature_id=feature.id, feedback_id=fb.id,
                                      told_at=now, told_by=actor.label))
        elif not told and told_at is not None:
            uow.session.execute(delete(ToldAsker).where(ToldAsker.feature_id == feature.id,
                                                        ToldAsker.feedback_id == fb.id))
        name = c.name if c is not None else f"feedback {fb.id}"
        if name not in names:
            names.append(name)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="told" if told else "untold",
                 record_type="feature", record_id=feature.id, after={"customers": names})
    uow.session.flush()
    return close_the_loop(uow=uow, workspace_id=workspace_id, feature=feature)


def survey_scores(*, uow: UnitOfWork, workspace_id: int) -> list[core_demand.SurveyScore]:
    rows = uow.session.execute(
        select(Feedback.score_kind, Feedback.score, Customer.segment)
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .where(Feedback.workspace_id == workspace_id, Feedback.score.is_not(None), Feedback.archived_at.is_(None))
    ).all()
    # the schema keeps score_kind and score set together; the check only narrows the types
    return [core_demand.SurveyScore(seg or "unknown", kind, score)
            for kind, score, seg in rows if kind is not None and score is not None]
