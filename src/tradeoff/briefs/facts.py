"""Providers: small functions that read one kind of fact for a brief, each saying plainly when it has nothing.

Facts from issue-4/5 packages (objectives, decisions, sizing, estimates, components, teams, commitments) are
looked up only when the package and its table exist, so a workspace (or an install) without them gets a
"what is missing" notice instead of an error or an empty section.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from tradeoff.core import demand as core_demand
from tradeoff.core.money import biggest_first
from tradeoff.customers import service as customer_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.insights import service as insights
from tradeoff.products.model import Product
from tradeoff.storage.uow import UnitOfWork

ROADMAP = (FeatureStatus.in_progress.value, FeatureStatus.planned.value)
OPEN_BEFORE_PLANNING = (FeatureStatus.idea.value, FeatureStatus.discovery.value)
STATUS_ORDER = {FeatureStatus.in_progress.value: 0, FeatureStatus.planned.value: 1, FeatureStatus.discovery.value: 2,
                FeatureStatus.idea.value: 3, FeatureStatus.shipped.value: 4, FeatureStatus.wont_do.value: 5}


def optional(module: str) -> ModuleType | None:
    """A sibling package's module when it is installed (issues 4 and 5 are built in parallel)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def has_tables(uow: UnitOfWork, *names: str) -> bool:
    """True when every table exists; checked before querying so PostgreSQL's transaction is never aborted."""
    insp = inspect(uow.session.connection())
    return all(insp.has_table(n) for n in names)


# --- scope and features ------------------------------------------------------------------------------------


def features_in_scope(uow: UnitOfWork, workspace_id: int, product_id: int | None) -> list[Feature]:
    stmt = (select(Feature).where(Feature.workspace_id == workspace_id, Feature.archived_at.is_(None))
            .options(selectinload(Feature.problems)).order_by(Feature.id))
    if product_id is not None:
        stmt = stmt.where(Feature.product_id == product_id)
    feats = list(uow.session.scalars(stmt))
    feats.sort(key=lambda f: (STATUS_ORDER.get(f.status, 9), f.id))
    return feats


def feature_statuses(uow: UnitOfWork, workspace_id: int, ids: Iterable[int]) -> dict[int, str]:
    """Feature id -> status, for features that may lie outside a brief's scope (a release's, the plan's)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = uow.session.execute(select(Feature.id, Feature.status).where(Feature.workspace_id == workspace_id,
                                                                        Feature.id.in_(wanted)))
    return {fid: st for fid, st in rows}


def product_by_ref(uow: UnitOfWork, workspace_id: int, ref: str | int | None) -> Product | None:
    """A product by id or (case-insensitive) name; None for the whole roadmap."""
    from tradeoff.errors import FieldError, InvalidInput

    if ref is None or ref == "":
        return None
    text = str(ref).strip()
    stmt = select(Product).where(Product.workspace_id == workspace_id, Product.archived_at.is_(None))
    found = uow.session.scalar(stmt.where(Product.id == int(text))) if text.isdecimal() else None
    if found is None:
        for p in uow.session.scalars(stmt):
            if p.name.lower() == text.lower():
                return p
        raise InvalidInput(f"no product '{text}' in this workspace; give a product's id or name",
                           [FieldError(["query", "product"], "unknown product", text)])
    return found


# --- demand ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asker:
    customer_id: int
    name: str
    segment: str
    arr: Decimal
    currency: str
    prospect: bool = False  # not a customer yet (no ARR)
    deal_value: Decimal = Decimal(0)  # an open deal's expected ARR, in `currency`; 0: none
    deal_close: date | None = None


@dataclass
class Askers:
    """Who asked for a feature: pieces of evidence, the distinct customers behind them (most ARR first) and their
    ARR per currency."""

    feedback_count: int = 0
    customers: list[Asker] = field(default_factory=list)
    arr_by_currency: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class FeatureDemand(Askers):
    """Who asked, with the strongest quotes and the split by segment (one feature's evidence read in full)."""

    quotes: tuple[core_demand.Quote, ...] = ()
    segments: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # currency -> segment -> ARR
    customers_by_segment: dict[str, int] = field(default_factory=dict)


def _by_arr(askers: Iterable[Asker], m: customer_service.Money) -> list[Asker]:
    """Most ARR first, in the workspace's currency (`money.biggest_first`: those without a rate after the others)."""
    return sorted(askers, key=lambda a: (*biggest_first(a.arr, a.currency, m.currency, m.rates), a.name,
                                         a.customer_id))


def feature_demand(uow: UnitOfWork, workspace_id: int, feature_id: int, now: datetime) -> FeatureDemand:
    items = insights.evidence_items(uow=uow, workspace_id=workspace_id, kind="feature", target_id=feature_id)
    d = core_demand.summarise(items, now=now)
    askers: dict[int, Asker] = {}
    for it in items:
        if it.customer_id is not None and it.customer_id not in askers:
            askers[it.customer_id] = Asker(it.customer_id, it.customer_name or "", it.segment or "other",
                                           it.arr, it.currency, it.prospect, it.deal_value, it.deal_close)
    return FeatureDemand(d.feedback_count, _by_arr(askers.values(), money(uow, workspace_id)), dict(d.arr_by_currency), d.quotes,
                         d.arr_by_segment, dict(d.customers_by_segment))


def feature_askers(uow: UnitOfWork, workspace_id: int, feature_ids: list[int] | None) -> dict[int, Askers]:
    """Who asked for each feature (all the workspace's, or `feature_ids`), in two queries however many: the same
    counts, customers and ARR as `feature_demand`, without reading the evidence itself. Features without
    evidence are left out."""
    counts, people = insights.askers_by_feature(uow=uow, workspace_id=workspace_id, feature_ids=feature_ids)
    askers = {cid: Asker(cid, name or "", segment or "other", arr, currency, lifecycle == "prospect",
                         Decimal(deal or 0), close)
              for cid, name, segment, arr, currency, lifecycle, deal, close in people.values()}
    out: dict[int, Askers] = {}
    m = money(uow, workspace_id)
    for fid, (n, ids) in counts.items():
        arr_by_currency: dict[str, Decimal] = {}
        for cid in ids:
            a = askers[cid]
            arr_by_currency[a.currency] = arr_by_currency.get(a.currency, Decimal(0)) + a.arr
        out[fid] = Askers(n, _by_arr((askers[cid] for cid in ids), m), arr_by_currency)
    return out


main_currency = customer_service.main_currency  # the currency briefs total in
money = customer_service.money  # that currency and the workspace's exchange rates


# --- strategy (issue 4) ------------------------------------------------------------------------------------


def objectives(uow: UnitOfWork, workspace_id: int, product_id: int | None) -> list[Any] | None:
    """Objectives with their features loaded; None when the strategy package is not installed."""
    mod = optional("tradeoff.strategy.model")
    if mod is None or not has_tables(uow, "objectives"):
        return None
    obj = mod.Objective
    stmt = (select(obj).where(obj.workspace_id == workspace_id, obj.archived_at.is_(None))
            .options(selectinload(obj.features), selectinload(obj.problems)).order_by(obj.id))
    if product_id is not None:
        stmt = stmt.where(obj.product_id == product_id)
    return list(uow.session.scalars(stmt).unique())


def decisions(uow: UnitOfWork, workspace_id: int, product_id: int | None) -> list[Any] | None:
    svc = optional("tradeoff.decisions.service")
    if svc is None or not has_tables(uow, "decisions"):
        return None
    return list(svc.timeline(uow=uow, workspace_id=workspace_id, product_id=product_id, limit=200))


def bet(uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any] | None:
    """Value/cost/ROI ranges of a feature's business case, or {"missing": why}; None without the package."""
    svc = optional("tradeoff.sizing.service")
    if svc is None or not has_tables(uow, "business_cases", "problem_sizes"):
        return None
    found = svc.feature_result(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    if found is None:
        return {"missing": "no business case or no sized problem"}
    return svc.result_out(found[1])  # type: ignore[no-any-return]


def features_with_cases(uow: UnitOfWork, workspace_id: int) -> set[int]:
    """The features that have a business case (empty without the sizing package)."""
    svc = optional("tradeoff.sizing.service")
    if svc is None or not has_tables(uow, "business_cases"):
        return set()
    return set(svc.feature_ids_with_cases(uow=uow, workspace_id=workspace_id))


def biggest_driver(uow: UnitOfWork, workspace_id: int, feature_id: int) -> str | None:
    """The input of a feature's business case that moves its return most ('Capture', 'Effort'), or None."""
    svc = optional("tradeoff.sizing.service")
    if svc is None:
        return None
    tornado = svc.feature_sizing(uow=uow, workspace_id=workspace_id, feature_id=feature_id).get("tornado")
    return None if not tornado else tornado.get("biggest_driver_label")


# --- estimates, components, teams (issue 5) ----------------------------------------------------------------


def estimates(uow: UnitOfWork, workspace_id: int) -> dict[int, Any] | None:
    svc = optional("tradeoff.estimates.service")
    if svc is None or not has_tables(uow, "estimates"):
        return None
    return dict(svc.all_of(uow=uow, workspace_id=workspace_id))


def components(uow: UnitOfWork, workspace_id: int, ids: list[int]) -> dict[int, Any]:
    svc = optional("tradeoff.components.service")
    if svc is None or not ids or not has_tables(uow, "components"):
        return {}
    return dict(svc.by_ids(uow=uow, workspace_id=workspace_id, ids=ids))


def teams(uow: UnitOfWork, workspace_id: int) -> list[Any] | None:
    svc = optional("tradeoff.teams.service")
    if svc is None or not has_tables(uow, "teams", "team_members"):
        return None
    return list(svc.active(uow=uow, workspace_id=workspace_id))


def commitments(uow: UnitOfWork, workspace_id: int) -> dict[str, Any] | None:
    """Active commitments with their probability (as last recomputed), ARR at stake and risk: the commitments
    service's overview ({threshold, items, at_risk_count, arr_at_risk}); None without the package."""
    svc = optional("tradeoff.commitments.service")
    if svc is None or not hasattr(svc, "overview") or not has_tables(uow, "commitments", "delivery_settings"):
        return None
    return svc.overview(uow=uow, workspace_id=workspace_id)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ReleaseTargets:
    """The live plan's releases that have a target date, as last forecast (stored facts, no new forecast)."""

    plan_id: int
    plan_name: str
    threshold: float
    releases: list[dict[str, Any]]  # plans.releases.status rows


def release_targets(uow: UnitOfWork, workspace_id: int, today: date) -> ReleaseTargets | None:
    """None without the planning package or without a live plan."""
    plans = optional("tradeoff.plans.service")
    watch = optional("tradeoff.plans.releases")
    commitments = optional("tradeoff.commitments.service")
    if plans is None or watch is None or commitments is None or not has_tables(uow, "plans", "delivery_settings"):
        return None
    plan = plans.live_plan(uow=uow, workspace_id=workspace_id)
    if plan is None:
        return None
    limit = float(commitments.threshold(uow=uow, workspace_id=workspace_id))
    return ReleaseTargets(plan.id, plan.name, limit, watch.status(plan, limit, today))


def saved_what_ifs(uow: UnitOfWork, workspace_id: int, plan_id: int) -> dict[str, Any] | None:
    """A plan's saved what-ifs side by side (`plans.saved.side_by_side`: each one's figures, and per promise the
    plan's chance and each what-if's); None without the package or its table."""
    saved = optional("tradeoff.plans.saved")
    if saved is None or not has_tables(uow, "saved_what_ifs"):
        return None
    return saved.side_by_side(uow=uow, workspace_id=workspace_id, plan_id=plan_id)  # type: ignore[no-any-return]


def live_schedule(uow: UnitOfWork, workspace_id: int) -> set[int] | None:
    """The features the solved live plan schedules; None without a solved live plan (nothing to compare with)."""
    plans = optional("tradeoff.plans.service")
    if plans is None or not has_tables(uow, "plans"):
        return None
    plan = plans.live_plan(uow=uow, workspace_id=workspace_id)
    if plan is None or not plan.result:
        return None
    return {int(r["feature_id"]) for r in plan.result.get("schedule", [])}


def today_of(now: datetime) -> date:
    return now.date()
