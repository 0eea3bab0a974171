"""What needs the PM this week: one read over the chain that lists what is at risk, stale or waiting.

Every item names the records behind it, so each line of the list is one click from its evidence (principle 2).
Only stored facts are read (the commitments' last forecast, the plan's answer and when it was solved): the list
is cheap enough for the home page and never recomputes a forecast."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import exists, func, select

from tradeoff.blockers import service as blocker_service
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.model import Commitment
from tradeoff.customers.model import Customer
from tradeoff.decisions import service as decision_service
from tradeoff.estimates.model import Estimate
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.feedback.model import Feedback, counts_as_evidence, said_since
from tradeoff.links.evidence import feature_evidence
from tradeoff.links.live import linked_to_live
from tradeoff.plans import releases as release_watch
from tradeoff.plans import service as plan_service
from tradeoff.plans.model import Plan
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import service as triage_service

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
RECENT_DAYS = 7  # feedback this recent and linked to nothing is "waiting"
SHOW = 5  # records named per item; the count says how many there are in all
DEAL_DAYS = 30  # an open deal expected to close this soon, waiting on features not shipped, is named
TRIAGE_CAP = 1_000  # feedback waiting for triage is counted up to this (more is "more than 1,000")


@dataclass(frozen=True)
class Ref:
    record_type: str
    record_id: int
    title: str


@dataclass(frozen=True)
class Item:
    kind: str
    severity: Severity
    title: str
    detail: str
    path: str  # where to act, relative to the workspace ("commitments", "plans/3", ...)
    count: int
    refs: list[Ref] = field(default_factory=list)

    def out(self) -> dict[str, Any]:
        return asdict(self)


def _n(count: int, noun: str) -> str:
    """'1 commitment', '2 commitments' (the last word takes the plural)."""
    return f"{count} {noun}{'s' * (count != 1)}"


def _listed(titles: Iterable[str]) -> str:
    """Titles one after another, ended as a sentence (a title's own '?' or '.' is kept)."""
    text = "; ".join(titles)
    return text if text.endswith((".", "?", "!")) else text + "."


def _money(by_currency: dict[str, float]) -> str:
    return " + ".join(f"{cur} {amount:,.0f}" for cur, amount in sorted(by_currency.items())) or "no ARR recorded"


def _feature_refs(rows: list[dict[str, Any]]) -> list[Ref]:
    """The promised features (a commitment has no page of its own; the detail names customer and date)."""
    return [Ref("feature", r["feature_id"], r["feature"]) for r in rows[:SHOW]]


def _commitments(uow: UnitOfWork, workspace_id: int, today: date) -> list[Item]:
    ov = commitment_service.overview(uow=uow, workspace_id=workspace_id)
    rows = ov["items"]
    shipped = set(uow.session.scalars(select(Feature.id).where(
        Feature.id.in_({r["feature_id"] for r in rows}), Feature.status == FeatureStatus.shipped.value)))
    rows = [r for r in rows if r["feature_id"] not in shipped]  # kept: the feature shipped
    items: list[Item] = []
    overdue = [r for r in rows if date.fromisoformat(r["due"]) < today]
    if overdue:
        items.append(Item(
            "commitment_overdue", "high",
            f"{_n(len(overdue), 'commitment')} past due and not kept",
            "; ".join(f"{r['feature']} for {r['customer']} (due {r['due']})" for r in overdue[:SHOW])
            + ". Tell the customers, then move or archive each commitment.",
            "commitments", len(overdue), _feature_refs(overdue)))
    ahead = [r for r in rows if r["at_risk"] and r not in overdue]
    forecast = [r for r in ahead if r["probability"] is not None]
    unknown = [r for r in ahead if r["probability"] is None]
    if forecast:
        arr: dict[str, float] = {}
        for r in {r["customer_id"]: r for r in forecast}.values():  # each customer's ARR once (a prospect has none)
            if r["arr_at_stake"]:
                arr[r["currency"]] = arr.get(r["currency"], 0.0) + r["arr_at_stake"]
        items.append(Item(
            "commitment_at_risk", "high",
            f"{_n(len(forecast), 'commitment')} below the {ov['threshold']:.0%} threshold",
            "; ".join(f"{r['feature']} for {r['customer']} by {r['due']}: {r['probability']:.0%}"
                      + (f" ({ov['threshold']:.0%} by {r['kept_by']})" if r.get("kept_by") else "")
                      for r in forecast[:SHOW]) + f". ARR at stake: {_money(arr)}.",
            "commitments", len(forecast), _feature_refs(forecast)))
    off_plan = [r for r in rows if r not in overdue and (r.get("plan_check") or {}).get("conflict")]
    if off_plan:
        items.append(_promises("commitment_off_plan", "high", "the live plan does not keep", off_plan,
                               lambda r: f" by {r['due']}: {r['plan_check']['detail']}"))
    if unknown:
        items.append(_promises("commitment_unforecast", "medium", "nobody can vouch for", unknown,
                               lambda r: f": {r['forecast_reason'] or 'not forecast yet'}"))
    return items


def _promises(kind: str, severity: Severity, what: str, rows: list[dict[str, Any]],
              why: Callable[[dict[str, Any]], str]) -> Item:
    """An item listing promises, the first few each as 'feature for customer' and what ``why`` adds."""
    return Item(kind, severity, f"{_n(len(rows), 'commitment')} {what}",
                "; ".join(f"{r['feature']} for {r['customer']}{why(r)}" for r in rows[:SHOW]),
                "commitments", len(rows), _feature_refs(rows))


def _releases(uow: UnitOfWork, workspace_id: int, today: date) -> list[Item]:
    """The live plan's release targets as last forecast: missed, below the threshold, or not forecastable."""
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    limit = commitment_service.threshold(uow=uow, workspace_id=workspace_id)
    rows = release_watch.status(plan, limit, today)
    if plan is None or not rows:
        return []
    ref = [Ref("plan", plan.id, plan.name)]
    items: list[Item] = []
    missed = [r for r in rows if r["missed"]]
    if missed:
        items.append(Item("release_missed", "high", f"{_n(len(missed), 'release')} past its target and not shipped",
                          "; ".join(f"{r['name']} (target {r['target']})" for r in missed[:SHOW])
                          + ". Set a new target from its forecast, or cut its scope, and tell who was counting on it.",
                          "roadmap#releases", len(missed), ref))
    ahead = [r for r in rows if r["at_risk"] and not r["missed"]]
    risky = [r for r in ahead if r["probability"] is not None]
    if risky:
        items.append(Item(
            "release_at_risk", "high", f"{_n(len(risky), 'release')} below the {limit:.0%} threshold",
            "; ".join(f"{r['name']} by {r['target']}: {r['probability']:.0%}"
                      + (f" ({limit:.0%} by {r['kept_by']})" if r.get("kept_by") else "") for r in risky[:SHOW])
            + ". The roadmap's release view shows which feature sets each date: cut or move it, or aim later.",
            "roadmap#releases", len(risky), ref))
    unknown = [r for r in ahead if r["probability"] is None]
    if unknown:
        items.append(Item(
            "release_unforecast", "medium", f"{_n(len(unknown), 'release target')} nobody can vouch for",
            "; ".join(f"{r['name']}: {r['forecast_reason'] or 'not forecast yet'}" for r in unknown[:SHOW]),
            "roadmap#releases", len(unknown), ref))
    return items


def _plans(uow: UnitOfWork, workspace_id: int) -> list[Item]:
    plans = list(uow.session.scalars(select(Plan).where(Plan.workspace_id == workspace_id, Plan.live.is_(True),
                                                        Plan.archived_at.is_(None)).order_by(Plan.id)))
    items: list[Item] = []
    for p in plans:
        if p.result is None or p.solved_at is None:
            items.append(Item("plan_unsolved", "medium", f"The live plan '{p.name}' has no answer",
                              "Its inputs changed or it was never solved: solve it before anyone quotes a date "
                              "from it.", f"plans/{p.id}", 1, [Ref("plan", p.id, p.name)]))
        else:
            parts = plan_service.changed_since_solved(uow=uow, workspace_id=workspace_id, plan=p)
            if parts:
                what = " and ".join(said for said, _, _ in parts)
                items.append(Item(
                    "plan_stale", "medium",
                    f"{' and '.join(kind for _, kind, _ in parts).capitalize()} changed since the live plan '{p.name}' "
                    "was solved",
                    f"{what} changed after {p.solved_at:%d %b %Y %H:%M} UTC; solve the plan again to see whether "
                    "the chosen features, capacity and dates still hold.",
                    f"plans/{p.id}", sum(n for _, _, n in parts), [Ref("plan", p.id, p.name)]))
        if p.result is not None:
            items += _planned_off_plan(uow, workspace_id, p)
    return items


def _planned_off_plan(uow: UnitOfWork, workspace_id: int, p: Plan) -> list[Item]:
    """Features marked planned that the solved live plan does not schedule: their status tells readers of the
    roadmap, briefs and public page a story the plan does not (estimated ones: it chose against them)."""
    scheduled = {int(r["feature_id"]) for r in (p.result or {}).get("schedule", [])}
    rows = [r for r in uow.session.execute(select(Feature.id, Feature.title).where(
        Feature.workspace_id == workspace_id, Feature.archived_at.is_(None),
        Feature.status == FeatureStatus.planned.value).order_by(Feature.id)) if r.id not in scheduled]
    if not rows:
        return []
    return [Item("planned_not_in_plan", "medium",
                 f"{_n(len(rows), 'feature')} marked planned that the live plan '{p.name}' does not schedule",
                 ", ".join(r.title for r in rows[:SHOW]) + ". Estimate them and solve the plan again, or set their "
                 "status back (to discovery, or won't do), so the roadmap and briefs say what will happen.",
                 f"plans/{p.id}", len(rows), [Ref("feature", r.id, r.title) for r in rows[:SHOW]])]


def _unestimated(uow: UnitOfWork, workspace_id: int) -> list[Item]:
    has_estimate = exists(select(Estimate.id).where(Estimate.feature_id == Feature.id))
    rows = list(uow.session.execute(
        select(Feature.id, Feature.title).where(
            Feature.workspace_id == workspace_id, Feature.archived_at.is_(None),
            Feature.status.in_([FeatureStatus.planned.value, FeatureStatus.in_progress.value]), ~has_estimate)
        .order_by(Feature.id)))
    if not rows:
        return []
    return [Item("feature_unestimated", "medium",
                 f"{_n(len(rows), 'planned or started feature')} without an estimate",
                 "No plan or forecast can include them until engineering gives a range: "
                 + ", ".join(r.title for r in rows[:SHOW]) + ("…" if len(rows) > SHOW else "") + ".",
                 f"features/{rows[0].id}/estimate", len(rows), [Ref("feature", r.id, r.title) for r in rows[:SHOW]])]


def _blockers(uow: UnitOfWork, workspace_id: int) -> list[Item]:
    rows = blocker_service.open_blockers(uow=uow, workspace_id=workspace_id)
    if not rows:
        return []
    return [Item("blocker_open", "medium", _n(len(rows), 'open blocker'),
                 _listed(b.title for b in rows[:SHOW]) + " Each blocker's page shows what it costs in dates, "
                 "commitments and ARR.", "blockers", len(rows), [Ref("blocker", b.id, b.title) for b in rows[:SHOW]])]


def _decisions(uow: UnitOfWork, workspace_id: int) -> list[Item]:
    items: list[Item] = []
    waiting = decision_service.open_decisions(uow=uow, workspace_id=workspace_id)
    if waiting:
        items.append(Item("decision_open", "medium",
                          f"{_n(len(waiting), 'decision')} waiting for a choice",
                          _listed(d.title for d in waiting[:SHOW]) + " Each lists its options; record the choice, "
                          "who is disappointed and why.", "decisions", len(waiting),
                          [Ref("decision", d.id, d.title) for d in waiting[:SHOW]]))
    changed = decision_service.unrecorded_changes(uow=uow, workspace_id=workspace_id)
    if changed:
        titles = feature_service.titles(uow=uow, workspace_id=workspace_id, ids=[fid for fid, _ in changed])
        items.append(Item("decision_unrecorded", "low",
                          f"{_n(len(changed), 'decided feature')} changed status since the decision",
                          "Write the trade-off down: " + "; ".join(
                              f"{titles.get(fid, fid)}: {prompt.split('Its ', 1)[-1].split(':', 1)[0]}"
                              for fid, prompt in changed[:SHOW]) + ".",
                          f"features/{changed[0][0]}", len(changed),
                          [Ref("feature", fid, titles.get(fid, "")) for fid, _ in changed[:SHOW]]))
    return items


def _deals(uow: UnitOfWork, workspace_id: int, today: date) -> list[Item]:
    """Open deals expected to close within `DEAL_DAYS` days whose customer or prospect asked for features not
    shipped yet, and open deals whose expected close has passed (the CRM's word is stale)."""
    deals = list(uow.session.execute(
        select(Customer.id, Customer.name, Customer.deal_value, Customer.currency, Customer.deal_close)
        .where(Customer.workspace_id == workspace_id, Customer.archived_at.is_(None), Customer.deal_value > 0,
               Customer.deal_close.is_not(None), Customer.deal_close <= today + timedelta(days=DEAL_DAYS))
        .order_by(Customer.deal_close, Customer.id)))
    if not deals:
        return []
    items: list[Item] = []
    past = [d for d in deals if d.deal_close < today]
    soon = [d for d in deals if d.deal_close >= today]
    fe = feature_evidence(workspace_id, None)
    asked: dict[int, list[str]] = {}
    if soon:
        for cid, title in uow.session.execute(
                select(Feedback.customer_id, Feature.title).distinct()
                .join(fe, fe.c.feedback_id == Feedback.id).join(Feature, Feature.id == fe.c.feature_id)
                .where(Feedback.customer_id.in_([d.id for d in soon]), counts_as_evidence(),
                       Feature.archived_at.is_(None),
                       Feature.status.not_in([FeatureStatus.shipped.value, FeatureStatus.wont_do.value]))
                .order_by(Feedback.customer_id, Feature.title)):
            if cid is not None:
                asked.setdefault(cid, []).append(title)
    waiting = [d for d in soon if d.id in asked]
    if waiting:
        items.append(Item(
            "deal_waiting", "medium",
            f"{_n(len(waiting), 'open deal')} expected to close within {DEAL_DAYS} days, waiting on features not "
            "shipped",
            "; ".join(f"{d.name} ({d.currency} {d.deal_value:,.0f}, closes {d.deal_close}): "
                      f"{', '.join(asked[d.id][:3])}"
                      + (f" and {len(asked[d.id]) - 3} more" if len(asked[d.id]) > 3 else "") for d in waiting[:SHOW])
            + ". The sales brief gives each planned feature's chance by the close; promise only what is likely.",
            "briefs/sales", len(waiting), [Ref("customer", d.id, d.name) for d in waiting[:SHOW]]))
    if past:
        items.append(Item(
            "deal_past_close", "low", f"{_n(len(past), 'open deal')} past its expected close",
            "; ".join(f"{d.name} ({d.currency} {d.deal_value:,.0f}, expected {d.deal_close})" for d in past[:SHOW])
            + ". Won: make them a customer with their ARR; lost or later: clear the deal or move its close.",
            "customers?min_deal_value=0.01&sort=deal_close", len(past),
            [Ref("customer", d.id, d.name) for d in past[:SHOW]]))
    return items


def _feedback(uow: UnitOfWork, workspace_id: int, now: datetime) -> list[Item]:
    items: list[Item] = []
    waiting = triage_service.pending(uow=uow, workspace_id=workspace_id, cap=TRIAGE_CAP)
    if waiting:
        many = f"more than {TRIAGE_CAP:,} new pieces" if waiting > TRIAGE_CAP else _n(waiting, "new piece")
        items.append(Item("triage_pending", "low", f"Triage is working through {many} of feedback",
                          "Kinds, duplicates and themes fill in as it goes.", "feedback", waiting))
    linked = linked_to_live()
    recent = (Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None), ~linked,
              Feedback.duplicate_of_id.is_(None), said_since(now - timedelta(days=RECENT_DAYS)))
    n = uow.session.scalar(select(func.count()).select_from(Feedback).where(*recent)) or 0
    if n:
        rows = list(uow.session.execute(select(Feedback.id, Feedback.text).where(*recent)
                                        .order_by(Feedback.reported_at.desc(), Feedback.id.desc()).limit(SHOW)))
        items.append(Item("feedback_unlinked", "low",
                          f"{_n(n, 'piece')} of feedback from the last {RECENT_DAYS} days linked to nothing",
                          "Link each to the problem or feature it supports, or turn a theme into a problem, so the "
                          "demand behind it counts.", "themes", n,
                          [Ref("feedback", r.id, " ".join(r.text.split())[:80]) for r in rows]))
    return items


def attention(*, uow: UnitOfWork, workspace_id: int, now: datetime) -> list[Item]:
    """What needs acting on, most urgent first: commitments past due or at risk, commitments without a forecast,
    release targets missed, at risk or without a forecast, a live plan that is unsolved or older than its estimates, planned work without an estimate, open blockers,
    decisions waiting for a choice or changes not written down, open deals closing soon that wait on features not
    shipped or past their expected close, triage still running and recent feedback linked to nothing."""
    items = (_commitments(uow, workspace_id, now.date()) + _releases(uow, workspace_id, now.date())
             + _plans(uow, workspace_id)
             + _unestimated(uow, workspace_id) + _blockers(uow, workspace_id) + _decisions(uow, workspace_id)
             + _deals(uow, workspace_id, now.date()) + _feedback(uow, workspace_id, now))
    return sorted(items, key=lambda i: SEVERITY_ORDER[i.severity])  # stable: the order above within a severity


@dataclass(frozen=True)
class Calm:
    """What an empty attention list can truthfully say: which of the things it watches exist (and so were found
    fine) and which do not exist yet. A new workspace has no promise to be on track and no plan to be current."""

    commitments: int  # open promises, none past due or at risk
    recent_feedback: int  # feedback of the last RECENT_DAYS days, all of it linked
    live_plan: Ref | None  # the plan marked live, solved and current
    other_plan: Ref | None  # when none is live: the newest plan, to open and mark live

    def said(self) -> list[str]:
        """The same as sentences, for the CLI (the web page links each plan)."""
        fine = ["every commitment is on track"] if self.commitments else []
        if self.live_plan is not None:
            fine.append(f"the live plan '{self.live_plan.title}' is current")
        if self.recent_feedback:
            fine.append("recent feedback is linked")
        out = ["Nothing needs attention" + (f": {_joined(fine)}." if fine else ".")]
        if self.live_plan is None:
            out.append(f"No plan is marked live: mark '{self.other_plan.title}' (or another) live so forecasts and "
                       "this list follow it." if self.other_plan else
                       "There is no plan yet: make one (`tradeoff plans create`) once features have estimates.")
        return out


def _joined(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def calm(*, uow: UnitOfWork, workspace_id: int, now: datetime) -> Calm:
    """What a quiet home page may say (read only when `attention` found nothing)."""
    commitments = uow.session.scalar(select(func.count()).select_from(Commitment).where(
        Commitment.workspace_id == workspace_id, Commitment.archived_at.is_(None))) or 0
    recent = uow.session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None),
        said_since(now - timedelta(days=RECENT_DAYS)))) or 0
    plans = list(uow.session.execute(select(Plan.id, Plan.name, Plan.live).where(
        Plan.workspace_id == workspace_id, Plan.archived_at.is_(None)).order_by(Plan.live.desc(), Plan.id.desc())
        .limit(1)))
    newest = Ref("plan", plans[0].id, plans[0].name) if plans else None
    live = bool(plans and plans[0].live)
    return Calm(commitments, recent, newest if live else None, None if live else newest)


def out(items: list[Item]) -> dict[str, Any]:
    return {"items": [i.out() for i in items], "count": len(items)}

