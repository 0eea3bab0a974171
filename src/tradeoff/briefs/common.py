"""What every audience's builder shares: the scope, the sources list, money and date wording, and the sections
that several audiences show (forecast dates and charts, commitments, blockers, the note for a scope without
features)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.briefs.document import Chart, Listing, Missing, Paragraph, Ref, Span, Table, s
from tradeoff.charts import ForecastHistogram, TimelineRow, forecast_histogram, roadmap_timeline
from tradeoff.core.formula import format_number
from tradeoff.features.model import Feature
from tradeoff.products.model import Product
from tradeoff.storage.uow import UnitOfWork

if TYPE_CHECKING:  # the plans package imports what briefs build on: read at run time only where used
    from tradeoff.customers.service import Money
    from tradeoff.plans.model import Plan


@dataclass
class Scope:
    """What the brief is about and when. `since`: the as-of date of the last saved brief of this audience and
    scope (decisions "since the last brief"); `customer_id`: the addressee of a customer brief."""

    uow: UnitOfWork
    workspace_id: int
    slug: str
    now: datetime
    product: Product | None = None
    release: str | None = None
    release_ids: list[int] | None = None
    customer_id: int | None = None
    since: date | None = None
    titles: dict[Ref, str] = field(default_factory=dict)
    _features: list[Feature] | None = None
    _forecast: fc_mod.RoadmapForecast | None = None
    _demand: dict[int, facts.FeatureDemand] = field(default_factory=dict)
    _askers: dict[int, facts.Askers] | None = None
    _askers_read: set[int] | None = None  # the features `_askers` was read for; None: all the workspace's
    _scheduled: frozenset[int] | None = None
    _plan: Plan | None = None
    _plan_read: bool = False
    _money: Money | None = None
    _bets: dict[int, dict[str, Any] | None] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def label(self) -> str:
        parts = [f"product {self.product.name}" if self.product else "whole roadmap"]
        if self.release:
            parts.append(f"release {self.release}")
        return ", ".join(parts)

    def features(self) -> list[Feature]:
        if self._features is None:
            feats = facts.features_in_scope(self.uow, self.workspace_id, self.product.id if self.product else None)
            if self.release_ids is not None:
                keep = set(self.release_ids)
                feats = [f for f in feats if f.id in keep]
            self._features = feats
        return self._features

    def roadmap(self) -> list[Feature]:
        """Features planned or in progress, and those the live plan schedules whatever their status says (a
        feature still marked discovery that the plan has chosen is on the roadmap, not "not planned")."""
        if self._scheduled is None:
            plan = self.live_plan()
            self._scheduled = frozenset(int(r["feature_id"]) for r in ((plan.result or {}).get("schedule", [])
                                                                       if plan else []))
        return [f for f in self.features() if f.status in facts.ROADMAP
                or (f.id in self._scheduled and f.status in facts.OPEN_BEFORE_PLANNING)]

    def live_plan(self) -> Plan | None:
        """The live plan (`plans.service.live_plan`: the one marked live, else the last solved), read once."""
        if not self._plan_read:
            from tradeoff.plans import service as plan_service

            self._plan = plan_service.live_plan(uow=self.uow, workspace_id=self.workspace_id)
            self._plan_read = True
        return self._plan

    def in_plan_order(self, features: list[Feature]) -> tuple[list[Feature], list[Feature]]:
        """(the `features` the solved live plan schedules, in the order it starts them: period by period, in the
        plan's own order within one (`Plan.planned_windows`); the others, in their given order). Without a solved
        live plan none is scheduled."""
        plan = self.live_plan()
        starts = {fid: i for i, fid in enumerate(plan.planned_windows())} if plan is not None else {}
        return (sorted((f for f in features if f.id in starts), key=lambda f: starts[f.id]),
                [f for f in features if f.id not in starts])

    def plan_periods(self, feature_id: int) -> tuple[int, int] | None:
        """(the period work on the feature starts in, the period it is done in), counted from 1, as the solved
        live plan schedules it; None when it does not."""
        plan = self.live_plan()
        for r in ((plan.result or {}).get("schedule", []) if plan is not None else []):
            if int(r["feature_id"]) == feature_id:
                return int(r.get("first_period", r["period"])) + 1, int(r["period"]) + 1
        return None

    def shipped(self) -> list[Feature]:
        return [f for f in self.features() if f.status == "shipped"]

    def forecast(self) -> fc_mod.RoadmapForecast:
        if self._forecast is None:
            self._forecast = fc_mod.roadmap_forecast(self.uow, self.workspace_id, self.features(), self.today)
        return self._forecast

    def demand(self, feature_id: int) -> facts.FeatureDemand:
        """One feature's demand with its quotes: its evidence read in full, so only for the features a brief
        details; to rank or count many features, `askers`."""
        if feature_id not in self._demand:
            self._demand[feature_id] = facts.feature_demand(self.uow, self.workspace_id, feature_id, self.now)
        return self._demand[feature_id]

    def askers(self, feature_id: int) -> facts.Askers:
        """Who asked for a feature (counts, customers, ARR; no quotes), read for every feature of the scope at once
        on first use: a brief that ranks all open features costs two queries, not one per feature."""
        if self._askers is None:
            # a release's few features by id; a product's or the whole roadmap's by reading the workspace's (a long
            # list of ids makes SQLite try each against every problem link: slower than reading them all)
            self._askers_read = None if self.release_ids is None else {f.id for f in self.features()}
            ids = None if self._askers_read is None else sorted(self._askers_read)
            self._askers = facts.feature_askers(self.uow, self.workspace_id, ids)
        if self._askers_read is not None and feature_id not in self._askers_read:  # outside the scope: read alone
            self._askers_read.add(feature_id)
            self._askers |= facts.feature_askers(self.uow, self.workspace_id, [feature_id])
        return self._askers.get(feature_id) or facts.Askers()

    def money(self) -> Money:
        """The workspace's reporting currency and exchange rates, read once."""
        if self._money is None:
            self._money = facts.money(self.uow, self.workspace_id)
        return self._money

    def amount(self, by_currency: Mapping[str, Decimal | float],
               breakdown: bool = False) -> tuple[str, tuple[Ref, ...]]:
        """Amounts held in several currencies as one total in the workspace's currency, and the rates cited when
        they were used: ('USD 2,271,261', (the rates,)). `breakdown`: with what the total is made of beside it when
        any was converted ('USD 712,800 (EUR 660,000)'), where the amounts themselves matter (a customer's contract).
        An amount in a currency without a rate is never guessed at: it is named apart ('USD 177,600 and EUR 30,000
        (no exchange rate)')."""
        m = self.money()
        amounts = {c: Decimal(str(v)) for c, v in by_currency.items() if v}
        if not amounts:
            return "no ARR recorded", ()
        total, left_out = m.total(amounts)
        counted = sorted((c, v) for c, v in amounts.items() if c not in left_out)
        said = money(round(total), m.currency) if counted else ""
        converted = any(c != m.currency for c, _ in counted)
        if converted and breakdown:
            said += " (" + ", ".join(money(v, c) for c, v in counted) + ")"
        if left_out:
            said += (" and " if said else "") + ", ".join(money(v, c) for c, v in sorted(left_out.items())) + \
                " (no exchange rate)"
        return said, (self.rates_ref(),) if converted else ()

    def rates_ref(self) -> Ref:
        r = Ref("money", self.workspace_id)
        self.titles.setdefault(r, f"exchange rates: {self.money().describe()}")
        return r

    def bet(self, feature_id: int) -> dict[str, Any] | None:
        """A feature's business case result (`facts.bet`), sized once per brief."""
        if feature_id not in self._bets:
            self._bets[feature_id] = facts.bet(self.uow, self.workspace_id, feature_id)
        return self._bets[feature_id]

    # citations with titles for the sources list
    def ref(self, kind: str, id_: int, title: str) -> Ref:
        r = Ref(kind, id_)
        self.titles.setdefault(r, f"{kind} {id_}: {title[:120]}")
        return r

    def f(self, feature: Feature) -> Ref:
        return self.ref("feature", feature.id, feature.title)

    def features_with_status(self, status: str) -> Listing | None:
        """The features list filtered to `status` (and the scope's product): exactly this scope's features of
        that status, as both leave archived features out. None for a release, which that list cannot show."""
        if self.release_ids is not None:
            return None
        product = (("product_id", str(self.product.id)),) if self.product else ()
        return Listing("features", (("status", status), *product))

    def commitments_list(self, at_risk_only: bool) -> Listing | None:
        """The commitments page (at risk only, or all): exactly this scope's commitments only for the whole
        roadmap, as that page shows the whole workspace's."""
        if self.product is not None or self.release_ids is not None:
            return None
        return Listing("commitments", (("at_risk", "1"),) if at_risk_only else ())


def status(f: Feature) -> str:
    return f.status.replace("_", " ")


def money(amount: Decimal | float | int, currency: str) -> str:
    return f"{currency} {Decimal(str(amount)):,.0f}"


def money_range(p: dict[str, Any], currency: str) -> str:
    """A P10–P90 range of money with its P50: 'USD 49,733 to 160,242 (P50 91,968)'."""
    def one(x: float | None) -> str:
        return "—" if x is None else f"{x:,.0f}"
    return f"{currency} {one(p['p10'])} to {one(p['p90'])} (P50 {one(p['p50'])})"


def pct_range(p: dict[str, Any]) -> str:
    """A P10–P90 range of ratios with its P50, in percent: '-60% to 40% (P50 -10%)'."""
    def one(x: float | None) -> str:
        return "—" if x is None else f"{x:,.0%}"
    return f"{one(p['p10'])} to {one(p['p90'])} (P50 {one(p['p50'])})"


def pct(p: float | None) -> str:
    return "not forecast" if p is None else f"{p:.0%}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def named(items: list[tuple[str, Ref]], sep: str = ", ") -> tuple[Span, ...]:
    """A list of records by name, each name linking to its own record ('A, B, C'), never one link for all."""
    out: list[Span] = []
    for i, (name, ref) in enumerate(items):
        if i:
            out.append(s(sep))
        out.append(s(name, ref))
    return tuple(out)


def feature_names(sc: Scope, features: list[Feature]) -> tuple[Span, ...]:
    return named([(f.title, sc.f(f)) for f in features])


def quoted(words: str) -> tuple[str, str]:
    """Words quoted at the end of a sentence, and what closes it: ('starting again', '”.') for 'starting again.'
    and ('why not?', '”') for 'why not?' — never a full stop after the quote's own ('…again.”.')."""
    words = words.strip()
    if words.endswith(("?", "!", "…", "...")):
        return words, "”"
    return words.rstrip("."), "”."


def when_spans(sc: Scope, feature: Feature) -> tuple[Span, ...]:
    """The feature's dates with probabilities, cited, or 'not yet forecast' (never a bare date)."""
    fc = sc.forecast().of(feature.id)
    if fc is None:
        reason = sc.forecast().skipped.get(feature.id) or ("" if sc.forecast().missing else "not estimated")
        return (s("not yet forecast" + (f" ({reason})" if reason else "")),)
    return (s(fc_mod.when(fc), sc.f(feature)),)


def _none_in_scope(sc: Scope) -> Missing | None:
    if not sc.features():
        what = sc.label
        return Missing(f"No features recorded for {what} yet: add features (and link the evidence behind them) "
                       "to produce this brief.")
    return None


def forecast_blocks(sc: Scope, features: list[Feature], charts: bool = True) -> list[Any]:
    """A table of P50/P85/P95 per feature, the roadmap timeline and the distribution of the latest feature."""
    fcst = sc.forecast()
    if not features:
        return [Missing("Nothing is planned or in progress in this scope: plan features to forecast them.")]
    if fcst.missing:
        return [Missing(fcst.missing)]
    rows = []
    scheduled = facts.live_schedule(sc.uow, sc.workspace_id)

    def where(f: Feature) -> str:  # its status, and whether the live plan schedules it at all
        return status(f) + (", not in the live plan" if scheduled is not None and f.id not in scheduled else "")

    for f in features:
        one = fcst.of(f.id)
        if one is None:
            rows.append(((s(f.title, sc.f(f)),), (s(where(f)),), (s("not yet forecast"),), (s("—"),), (s("—"),)))
        else:
            r = sc.f(f)
            rows.append(((s(f.title, r),), (s(where(f)),), (s(fc_mod.short(one.p50), r),),
                         (s(fc_mod.short(one.p85), r),), (s(fc_mod.short(one.p95), r),)))
    blocks: list[Any] = [Table(("Feature", "Status", "50% by (P50)", "85% by (P85)", "95% by (P95)"), tuple(rows))]
    forecast = [f for f in features if fcst.of(f.id) is not None]
    if charts and forecast:
        trows = [TimelineRow(f.title, fcst.features[f.id].p50_weeks, fcst.features[f.id].p85_weeks,
                             fcst.features[f.id].p95_weeks) if f.id in fcst.features
                 else TimelineRow(f.title, None, None, None, "not yet forecast") for f in features[:20]]
        alt = (s(f"Roadmap timeline of {plural(len(trows), 'feature')} from {fc_mod.short(fcst.start)}",
                 *[sc.f(f) for f in features[:20]]),
               s("; dots mark the P50 date, dark bands run to the P85 date and light bands to the P95 date."))
        blocks.append(Chart("Roadmap timeline", roadmap_timeline(trows, fcst.start), alt))
        last = max(forecast, key=lambda f: (fcst.features[f.id].p85_weeks, -f.id))
        one = fcst.features[last.id]
        hist = ForecastHistogram(last.title, fcst.start, one.histogram, one.p50_weeks, one.p85_weeks, one.p95_weeks,
                                 (one.p50, one.p85, one.p95))
        blocks.append(Chart(f"When '{last.title}' is done", forecast_histogram(hist),
                            (s(f"Finish-date distribution of '{last.title}', the last to finish: "),
                             s(fc_mod.when(one), sc.f(last)))))
    return blocks


def _risk_words(c: dict[str, Any], threshold: float) -> str:
    """'on track', or 'at risk' with the first day the forecast gives the threshold's chance (what could be
    promised instead)."""
    if not c["at_risk"]:
        return "on track"
    safe = c.get("kept_by")
    return f"at risk; {threshold:.0%} likely by {fc_mod.short(date.fromisoformat(safe))}" if safe else "at risk"


def commitment_blocks(sc: Scope, at_risk_only: bool) -> list[Any]:
    data = facts.commitments(sc.uow, sc.workspace_id)
    if data is None:
        return [Missing("No commitments yet: commitments are not available in this install.")]
    ids = {f.id for f in sc.features()}
    items = in_scope = [c for c in data["items"] if c["feature_id"] in ids]
    if at_risk_only:
        items = [c for c in items if c["at_risk"]]
    threshold = float(data["threshold"])
    if not items:
        if at_risk_only and in_scope:
            return [Paragraph((s(f"No commitment in this scope is below the {threshold:.0%} threshold.",
                                 *[sc.ref("commitment", c["id"], f"{c['feature']} for {c['customer']}")
                                   for c in in_scope], listing=sc.commitments_list(at_risk_only=False)),))]
        return [Paragraph((s("No commitments recorded in this scope."),))]
    rows = []
    for c in items:
        cm = sc.ref("commitment", c["id"], f"{c['feature']} for {c['customer']}")
        cust = sc.ref("customer", c["customer_id"], c["customer"])
        feat = sc.ref("feature", c["feature_id"], c["feature"])
        prob = pct(c["probability"]) if c["probability"] is not None else \
            f"not forecast ({c['forecast_reason'] or 'not recomputed yet'})"
        arr, fx = sc.amount({c["currency"]: c["arr_at_stake"]}, breakdown=True)
        deal, deal_fx = sc.amount({c["currency"]: c.get("deal_at_stake") or 0}, breakdown=True)
        rows.append(((s(c["customer"], cust),), (s(c["feature"], feat),),
                     (s(f"promised for {fc_mod.short(date.fromisoformat(c['due']))}", cm),),
                     (s(f"{prob} chance", cm),),
                     (s("prospect: no ARR yet" if c.get("prospect") else arr, cust, *([] if c.get("prospect") else fx)),
                      *((s(f"; open deal {deal}", cust, *deal_fx),) if c.get("deal_at_stake") else ())),
                     (s(_risk_words(c, threshold), cm),)))
    if not at_risk_only:
        return [Table(("Customer", "Feature", "Due", "Chance of keeping it", "ARR at stake", "Risk"), tuple(rows))]
    total: dict[str, Decimal] = {}  # the scope's own: each customer's ARR once, however many of its promises
    for c in {c["customer_id"]: c for c in items}.values():
        if c["arr_at_stake"]:  # a prospect's promise puts no ARR at stake
            total[c["currency"]] = total.get(c["currency"], Decimal(0)) + Decimal(str(c["arr_at_stake"]))
    cited = [sc.ref("commitment", c["id"], f"{c['feature']} for {c['customer']}") for c in items]
    cited += list(dict.fromkeys(sc.ref("customer", c["customer_id"], c["customer"]) for c in items))
    at_stake, fx = sc.amount(total, breakdown=True)
    head = Paragraph((s(f"{plural(len(items), 'commitment')} below the {threshold:.0%} threshold, "
                        f"{at_stake} at stake.", *cited, *fx, listing=sc.commitments_list(at_risk_only=True)),))
    return [head, Table(("Customer", "Feature", "Due", "Chance of keeping it", "ARR at stake", "Risk"), tuple(rows))]


def release_blocks(sc: Scope) -> list[Any]:
    """The live plan's release targets that touch the scope: the chance of making each, as last forecast, and the
    first date likely enough when it is at risk."""
    data = facts.release_targets(sc.uow, sc.workspace_id, sc.today)
    ids = {f.id for f in sc.features()}
    rels = [r for r in (data.releases if data else []) if ids & {int(i) for i in r["feature_ids"]}]
    if data is None or not rels:
        return [Paragraph((s("No release of the live plan with a target date in this scope."),))]
    plan = sc.ref("plan", data.plan_id, data.plan_name)
    titles = {f.id: f for f in sc.features()}
    rows = []
    for r in rels:
        target = fc_mod.short(date.fromisoformat(r["target"]))
        if r["made"]:
            chance, risk = "made: every feature has shipped", "made"
        elif r["probability"] is None:
            chance = f"not forecast ({r['forecast_reason'] or 'not recomputed yet'})"
            risk = "at risk" if r["forecast"] else "not forecast yet"
        else:
            chance = f"{pct(r['probability'])} chance"
            risk = "missed" if r["missed"] else _risk_words(r, data.threshold)
        inside = [titles[int(i)] for i in r["feature_ids"] if int(i) in titles]
        rows.append(((s(r["name"], plan),), (s(target, plan),), (s(chance, plan),), (s(risk, plan),),
                     tuple(x for i, f in enumerate(inside) for x in ((s(", "),) if i else ()) + (s(f.title, sc.f(f)),))))
    risky = [r for r in rels if r["at_risk"]]
    head = Paragraph((s(f"{plural(len(rels), 'release')} with a target date; {len(risky)} below the "
                        f"{data.threshold:.0%} threshold.", plan),))
    return [head, Table(("Release", "Target", "Chance of making it", "Risk", "Features"), tuple(rows))]


def blocker_blocks(sc: Scope, business: bool) -> list[Any]:
    """Open blockers on the scope's features: business impact (exec, sales) or extra effort (engineering)."""
    from tradeoff.blockers import service as blocker_service

    ids = [f.id for f in sc.features()]
    found = blocker_service.open_blockers(uow=sc.uow, workspace_id=sc.workspace_id, feature_ids=ids)
    if not found:
        return [Paragraph((s("No open blockers on these features."),))]
    items: list[tuple[Span, ...]] = []
    for b in found[:10]:
        r = sc.ref("blocker", b.id, b.title)
        if business:
            imp = blocker_service.impact(uow=sc.uow, workspace_id=sc.workspace_id, blocker=b, now=sc.now)
            items.append((s(b.title, r, strong=True), s(": "), s(imp["summary"], r)))
        else:
            items.append((s(b.title, r, strong=True),
                          s(f": +{format_number(b.extra_optimistic)} to {format_number(b.extra_pessimistic)} person-days "
                            f"(likely {format_number(b.extra_likely)}) on {plural(len(b.feature_ids), 'feature')}", r)))
    from tradeoff.briefs.document import Bullets

    return [Bullets(tuple(items))]


def and_more(sc: Scope, rest: list[Feature], noun: str, why: str = "") -> list[Paragraph]:
    """The features a brief leaves out of a list, named and cited ('... and 2 more features: A, B'), so a cut list
    never reads as the whole; [] when nothing was left out."""
    if not rest:
        return []
    words = plural(len(rest), noun).split(" ", 1)[1]  # 'feature' or 'features'
    return [Paragraph((s(f"… and {len(rest)} more {words}{why}: "), *feature_names(sc, rest), s(".")))]
