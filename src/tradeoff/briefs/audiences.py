"""One builder per audience: the same facts, in each audience's own language. This module holds the internal
audiences, executive and engineering; sales and customer success are in `audiences_sales`, customers in
`audiences_customers`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tradeoff.briefs import audiences_exec as first
from tradeoff.briefs import audiences_exec_decisions as needs
from tradeoff.briefs import audiences_exec_summary as summing
from tradeoff.briefs import facts
from tradeoff.briefs.common import (
    Scope,
    _none_in_scope,
    and_more,
    blocker_blocks,
    commitment_blocks,
    feature_names,
    forecast_blocks,
    money_range,
    named,
    pct_range,
    plural,
    release_blocks,
    status,
    when_spans,
)
from tradeoff.briefs.document import Bullets, Chart, Missing, Paragraph, Section, Table, s
from tradeoff.charts import ValueEffortPoint, value_effort
from tradeoff.core.formula import format_number
from tradeoff.features.model import Feature

TOP_BETS = 8
ENGINEERING_FEATURES = 15


# --- executive ---------------------------------------------------------------------------------------------


def executive(sc: Scope) -> list[Section]:
    """First the answer to "what do we build next quarter, what does it cost us not to, and when will it ship?"
    (`audiences_exec*`), then the bets, objectives, every date and risk behind it."""
    roadmap = sc.roadmap()
    view = first.plan_view(sc)
    needed = needs.decisions_needed(sc, view)
    out = [Section("Summary", tuple(summing.summary(sc, view, needed, _summary(sc)))),
           Section("Next quarter", tuple(first.quarter_blocks(sc, view, "next"))),
           Section("The quarter after", tuple(first.quarter_blocks(sc, view, "after"))),
           Section("Left out", tuple(first.left_out_blocks(sc, view))),
           Section("Decisions needed", tuple(needs.decisions_needed_blocks(sc, needed)))]
    out.append(Section("Top bets", tuple(_bets(sc))))
    out.append(Section("Objectives and key results", tuple(_objectives(sc))))
    out.append(Section("Forecast dates", tuple(forecast_blocks(sc, roadmap))))
    out.append(Section("Commitments at risk", tuple(commitment_blocks(sc, at_risk_only=True))))
    out.append(Section("Release targets", tuple(release_blocks(sc))))
    out.append(Section("Blockers and their business impact", tuple(blocker_blocks(sc, business=True))))
    out.append(Section("Decisions taken", tuple(_decisions(sc))))
    return out


def _summary(sc: Scope) -> Paragraph:
    feats = sc.features()
    counts: dict[str, list[Feature]] = {}
    for f in feats:
        counts.setdefault(f.status, []).append(f)
    spans = [s("This scope holds ")]
    parts = [(st, counts[st]) for st in ("in_progress", "planned", "shipped") if st in counts]
    if not parts:
        spans.append(s(f"{plural(len(feats), 'feature')}, none planned yet."))
        return Paragraph(tuple(spans))
    for i, (st, fs) in enumerate(parts):
        if i:
            spans.append(s(", " if i < len(parts) - 1 else " and "))
        spans.append(s(f"{len(fs)} {st.replace('_', ' ')}", *[sc.f(f) for f in fs],
                       listing=sc.features_with_status(st)))
    spans.append(s(" features."))
    return Paragraph(tuple(spans))


def _objectives(sc: Scope) -> list[Any]:
    objs = facts.objectives(sc.uow, sc.workspace_id, sc.product.id if sc.product else None)
    if objs is None:
        return [Missing("Objectives are not available in this install.")]
    if not objs:
        return [Missing("No objectives yet: add objectives with measurable key results for this product.")]
    rows = []
    for o in objs:
        r = sc.ref("objective", o.id, o.title)
        serving = [f for f in o.features if f.archived_at is None]
        served = feature_names(sc, serving[:5]) if serving else (s("—"),)
        if serving[5:]:  # a cut list never reads as the whole
            served += (s(f" and {len(serving) - 5} more", *[sc.f(f) for f in serving[5:]]),)
        krs = o.key_results or []
        if not krs:
            rows.append(((s(o.title, r),), (s("no key results yet"),), (s("—"),), (s("—"),), served))
        for k, kr in enumerate(krs):
            prog = o.progress(kr)
            unit = kr.get("unit") or ""
            now_ = "no current value" if kr.get("current") is None else _measured(kr["current"], unit)
            rows.append(((s(o.title, r),), (s(str(kr.get("metric", "")), r),),
                         (s(f"{now_} of {_measured(kr.get('target', 0), unit)} "
                            f"(from {_measured(kr.get('baseline', 0), unit)})", r),),
                         (s("not measured" if prog is None else f"{prog:.0%}", r),),
                         served if k == 0 else (s(""),)))
    return [Table(("Objective", "Key result", "Now vs target", "Progress", "Features serving it"), tuple(rows))]


def _measured(v: Any, unit: str) -> str:
    """A key result's value with its unit, as the rest of Tradeoff writes it: 88%, 1 day, 3 days, USD 41,000."""
    if unit == "%":
        return f"{format_number(v)}%"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():  # a currency code goes first
        return f"{unit} {format_number(v)}"
    if unit.endswith("s") and float(v) == 1:
        unit = unit[:-1]
    return f"{format_number(v)} {unit}".strip()


def _bets(sc: Scope) -> list[Any]:
    feats = [f for f in sc.features() if f.status not in ("shipped", "wont_do")]
    if not feats:
        return [Missing("No open features in this scope: nothing to bet on yet.")]
    m = sc.money()
    cur = m.currency
    worth = {f.id: m.total(sc.askers(f.id).arr_by_currency)[0] for f in feats}  # other currencies at their rates
    ranked = sorted(feats, key=lambda f: (-worth[f.id], -sc.askers(f.id).feedback_count, f.id))[:TOP_BETS]
    ests = facts.estimates(sc.uow, sc.workspace_id) or {}
    rows, points, plotted, missing_cases = [], [], [], 0
    for f in ranked:
        r = sc.f(f)
        d = sc.askers(f.id)
        b = sc.bet(f.id)
        if b is None or "missing" in b:
            missing_cases += 1
            value = cost = roi = (s("no business case"),)
        else:
            c = b["currency"]
            value = (s(money_range(b["annual_value"], c) + " a year", r),)
            cost = (s(money_range(b["total_cost"], c), r),)
            roi = (s(pct_range(b["roi"]) + _roi_warning(b["roi"]), r),)
        arr, fx = sc.amount(d.arr_by_currency)
        demand = (s(f"{plural(len(d.customers), 'customer')}, {arr}", r, *fx),)
        rows.append(((s(f.title, r),), (s(status(f)),), value, cost, roi, demand))
        e = ests.get(f.id)
        if e is not None and e.unit == "days":
            points.append(ValueEffortPoint(f.title, worth[f.id], e.likely))
            plotted.append(f)
    blocks: list[Any] = [Table(("Bet", "Status", "Value P10–P90", "Cost P10–P90", "ROI P10–P90", "Demand"),
                               tuple(rows))]
    if missing_cases:
        blocks.append(Missing("Some bets have no business case yet: size the problem they solve and give the "
                              "feature's effort and cost to see value, cost and ROI ranges."))
    if points:
        blocks.append(Chart("Value against effort", value_effort(points, value_unit=f"ARR asking, {cur}"),
                            (s(f"{plural(len(points), 'estimated bet')}", *[sc.f(f) for f in plotted]),
                             s(": ARR of the customers asking against the likely effort in person-days; split at "
                               "the medians."))))
    return blocks


def _roi_warning(roi: dict[str, Any]) -> str:
    """Words that make a negative or doubtful return impossible to miss in the bets table."""
    if roi.get("p50") is not None and roi["p50"] < 0:
        return "; likely to lose money"
    if roi.get("p10") is not None and roi["p10"] < 0:
        return "; may lose money"
    return ""


def _decisions(sc: Scope) -> list[Any]:
    """The decisions taken since the last brief (or in the past month); those still open are in "Decisions
    needed"."""
    ds = facts.decisions(sc.uow, sc.workspace_id, sc.product.id if sc.product else None)
    if ds is None:
        return [Missing("The decision log is not available in this install.")]
    since = sc.since or (sc.today - timedelta(days=30))
    taken = [d for d in ds if d.decided_on is not None and d.decided_on >= since]
    label = "since the last brief" if sc.since else "in the past month"
    if not taken:
        return [Paragraph((s(f"No decisions taken {label}."),))]
    return [Paragraph((s(f"{label[0].upper()}{label[1:]}:", strong=True),)),
            Bullets(tuple((s(d.title, sc.ref("decision", d.id, d.title)),
                           s(f": chose {d.choice}" if d.choice else ""), s(" ("),
                           s(d.decided_on.isoformat(), sc.ref("decision", d.id, d.title)),
                           s(f", {d.decided_by})" if d.decided_by else ")")) for d in taken[:10]))]


# --- engineering -------------------------------------------------------------------------------------------


def engineering(sc: Scope) -> list[Section]:
    empty = _none_in_scope(sc)
    roadmap = sc.roadmap()
    if empty:
        return [Section("What to build and why", (empty,))]
    if not roadmap:
        return [Section("What to build and why", (Missing(
            "Nothing is planned or in progress in this scope: plan features to brief engineering."),))]
    ests = facts.estimates(sc.uow, sc.workspace_id)
    # what comes next is what the live plan says comes next: its order, not the features' status
    planned, unplanned = sc.in_plan_order(roadmap)
    ordered = planned + unplanned
    out = [Section("What to build and why", (_engineering_intro(sc, ordered, unplanned),
                                             *and_more(sc, ordered[ENGINEERING_FEATURES:], "feature",
                                                       " not detailed below")))]
    plan = sc.live_plan()
    solved = plan is not None and bool(plan.result)
    for f in ordered[:ENGINEERING_FEATURES]:
        title = f"{f.title} (not in the live plan)" if solved and f in unplanned else f.title
        out.append(Section(title, (*_plan_line(sc, f), *_engineering_feature(sc, f, ests))))
    out.append(Section("Open blockers", tuple(blocker_blocks(sc, business=False))))
    return out


def _engineering_intro(sc: Scope, roadmap: list[Feature], unplanned: list[Feature]) -> Paragraph:
    plan = sc.live_plan()
    said = [s(f"{plural(len(roadmap), 'feature')} planned or in progress", *[sc.f(f) for f in roadmap])]
    if plan is not None and plan.result:
        said.append(s(f", in the order the live plan “{plan.name}” starts them (period by period, in the plan's "
                      "order within each)", sc.ref("plan", plan.id, plan.name)))
        if unplanned:
            said += [s(f"; {'it does' if len(unplanned) == len(roadmap) else 'then those it does'} not schedule: "),
                     *feature_names(sc, unplanned)]
    elif plan is not None:
        said.append(s(f", by status (in progress first): the live plan “{plan.name}” is not solved yet, so it gives "
                      "no order", sc.ref("plan", plan.id, plan.name)))
    else:
        said.append(s(", by status (in progress first): there is no live plan to give their order"))
    said.append(s(". For each: the problem in the customers' words, who it is for, what done looks like, and the "
                  "numbers that make it matter. The how is yours."))
    return Paragraph(tuple(said))


def _plan_line(sc: Scope, f: Feature) -> list[Paragraph]:
    """Where the live plan puts the feature: the periods it is worked on (no dates: those are the forecast's, with
    their chances), or that it does not schedule it; nothing without a solved live plan (the intro says so)."""
    plan = sc.live_plan()
    if plan is None or not plan.result:
        return []
    pr = sc.ref("plan", plan.id, plan.name)
    periods = sc.plan_periods(f.id)
    if periods is None:
        return [Paragraph((s("Plan: ", strong=True),
                           s(f"not planned: the live plan “{plan.name}” does not schedule it", pr),
                           s(f" (marked {status(f)})", sc.f(f))))]
    first, last = periods
    when = f"period {first}" if first == last else f"periods {first} to {last}"
    return [Paragraph((s("Plan: ", strong=True), s(f"{when} of {plan.periods} in the live plan “{plan.name}”", pr),
                       s(f" (marked {status(f)})", sc.f(f))))]


def _engineering_feature(sc: Scope, f: Feature, ests: dict[int, Any] | None) -> list[Any]:
    r = sc.f(f)
    d = sc.demand(f.id)
    blocks: list[Any] = []
    problems = list(f.problems)
    if problems:
        blocks.append(Paragraph((s("Problem: ", strong=True),
                                 *[s(p.statement + (" " if i < len(problems) - 1 else ""),
                                     sc.ref("problem", p.id, p.statement)) for i, p in enumerate(problems[:3])])))
    quotes = [q for q in d.quotes][:3]
    if quotes:
        blocks.append(Bullets(tuple((s(f"“{q.words}”", sc.ref("feedback", q.feedback_id, q.words[:60])),
                                     s(f" — {q.customer_name}" if q.customer_name else "")) for q in quotes)))
    blocks.append(Paragraph((s("Persona: ", strong=True), s(f.persona or "not recorded", r))))
    if f.user_flow:
        blocks.append(Paragraph((s("User flow:", strong=True),)))
        blocks.append(Bullets(tuple((s(step, r),) for step in f.user_flow)))
    if f.acceptance_criteria:
        blocks.append(Paragraph((s("Acceptance criteria:", strong=True),)))
        blocks.append(Bullets(tuple((s(c, r),) for c in f.acceptance_criteria)))
    arr, fx = sc.amount(d.arr_by_currency)
    numbers = [s("Why it matters: ", strong=True),
               s(f"{plural(d.feedback_count, 'piece')} of evidence from {plural(len(d.customers), 'customer')} "
                 f"({arr})", r, *fx), s("; "), s("expected "), *when_spans(sc, f), s(".")]
    blocks.append(Paragraph(tuple(numbers)))
    est = (ests or {}).get(f.id)
    questions = []
    if est is not None:
        er = sc.ref("estimate", f.id, f"estimate of {f.title}")
        comps = facts.components(sc.uow, sc.workspace_id, list(est.component_ids))
        deps = {x.id: x for x in sc.features()}
        cons = [s("Constraints: ", strong=True),
                s(f"estimated {format_number(est.optimistic)}–{format_number(est.likely)}–{format_number(est.pessimistic)} {est.unit}", er)]
        if comps:
            cons.append(s("; touches "))
            cons.append(s(", ".join(f"{c.name} (debt {c.debt_level}/5)" for c in comps.values()),
                          *[sc.ref("component", c.id, c.name) for c in comps.values()]))
        if est.drivers:
            cons.append(s("; drivers: " + ", ".join(str(x.get("name", "")).replace("_", " ") for x in est.drivers), er))
        blocks.append(Paragraph(tuple(cons)))
        if est.depends_on:
            names = [(deps[x].title if x in deps else f"feature {x}") for x in est.depends_on]
            blocks.append(Paragraph((s("Depends on: ", strong=True),
                                     *named([(n, sc.ref("feature", x, n)) for x, n in zip(est.depends_on, names,
                                                                                          strict=True)], "; "))))
    else:
        questions.append("No estimate yet: what range, which components, what drives it?")
    if not f.acceptance_criteria:
        questions.append("No acceptance criteria yet: what does done look like?")
    if not f.persona:
        questions.append("Which persona is this for?")
    if not quotes:
        questions.append("No customer evidence linked: who asked for this?")
    if questions:
        blocks.append(Paragraph((s("Open questions:", strong=True),)))
        blocks.append(Bullets(tuple((s(q),) for q in questions)))
    return blocks
