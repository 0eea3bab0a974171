"""The sales and customer success brief: what ships when, which customers asked, commitments and their risk, open
deals waiting on features, what not to promise yet, talking points, and whom to tell about what just shipped.

Only work marked planned or in progress gets dates here, each with its probability: a salesperson repeats a date
as a promise. An idea or a feature in discovery is "not planned, no date", even when the live plan already
schedules it (its dates come once it is marked planned)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.briefs.common import (
    Scope,
    _none_in_scope,
    and_more,
    commitment_blocks,
    feature_names,
    money,
    named,
    pct,
    plural,
    quoted,
    status,
    when_spans,
)
from tradeoff.briefs.document import Bullets, Chart, Missing, Paragraph, Section, Table, s
from tradeoff.charts import DemandBar, demand_by_segment
from tradeoff.customers import service as customer_service
from tradeoff.features.model import Feature
from tradeoff.insights import service as insights

TALKING_POINTS = 12  # the features with requests a salesperson is given lines for; the rest are named
CUSTOMERS_LISTED = 30  # customers in the "who asked" table, most ARR first; the rest are named
DEALS_LISTED = 20  # open deals waiting on features, most expected ARR first; the rest are named
UNPLANNED_LISTED = 8  # ideas and features in discovery customers asked for, most ARR first; the rest are named
STILL = {"idea": "an idea", "discovery": "in discovery"}


def sales(sc: Scope) -> list[Section]:
    empty = _none_in_scope(sc)
    if empty:
        return [Section("What ships when", (empty,))]
    planned = _planned(sc)
    out = [Section("What ships when", tuple(_ships_when(sc, planned)))]
    out.append(Section("Which of your customers asked", tuple(_askers(sc, planned))))
    out.append(Section("Commitments and their risk", tuple(commitment_blocks(sc, at_risk_only=False))))
    deals = _deals(sc, planned)
    if deals:
        out.append(Section("Open deals waiting on features", tuple(deals)))
    out.append(Section("What not to promise yet", tuple(_dont_promise(sc, planned))))
    out.append(Section("Talking points", tuple(_talking_points(sc, planned))))
    shipped = sc.shipped()
    if shipped:
        out.append(Section("Just shipped: tell the customers who asked", tuple(_close_loop(sc, shipped))))
    return out


def _planned(sc: Scope) -> list[Feature]:
    """The roadmap's features marked planned or in progress: the only ones a salesperson is given dates for."""
    return [f for f in sc.roadmap() if f.status in facts.ROADMAP]


def _ships_when(sc: Scope, roadmap: list[Feature]) -> list[Any]:
    if not roadmap:
        return [Missing("Nothing is planned or in progress in this scope yet.")]
    rows = []
    for f in roadmap:
        d = sc.askers(f.id)
        rows.append(((s(f.title, sc.f(f)),), (s(status(f)),), when_spans(sc, f),
                     (s(plural(len(d.customers), "customer"), sc.f(f)),)))
    blocks: list[Any] = [Table(("Feature", "Status", "When (with probability)", "Asked by"), tuple(rows))]
    if sc.forecast().missing:
        blocks.append(Missing(sc.forecast().missing))
    return blocks


def _askers(sc: Scope, roadmap: list[Feature]) -> list[Any]:
    per: dict[int, dict[str, Any]] = {}
    for f in roadmap:
        for a in sc.askers(f.id).customers:
            e = per.setdefault(a.customer_id, {"a": a, "features": []})
            e["features"].append(f)
    if not per:
        return [Missing("No customer evidence is linked to the planned features yet.")]
    m = customer_service.money(sc.uow, sc.workspace_id)  # ARR in other currencies counts at the workspace's rates
    worth = {cid: m.total({e["a"].currency: e["a"].arr}) for cid, e in per.items()}
    rows = []
    ranked = sorted(per.values(), key=lambda e: (-worth[e["a"].customer_id][0], e["a"].customer_id))
    for e in ranked[:CUSTOMERS_LISTED]:
        a = e["a"]
        cr = sc.ref("customer", a.customer_id, a.name)
        rows.append(((s(a.name, cr),), (s("prospect (no ARR yet)" if a.prospect else money(a.arr, a.currency), cr),),
                     (s(a.segment.replace("_", " ")),),
                     feature_names(sc, e["features"])))
    blocks: list[Any] = [Table(("Customer", "ARR", "Segment", "Asked for"), tuple(rows))]
    rest = [e["a"] for e in ranked[CUSTOMERS_LISTED:]]
    if rest:  # a cut list never reads as the whole
        blocks.append(Paragraph((s(f"… and {plural(len(rest), 'more customer')}, with less ARR: "),
                                 *named([(a.name, sc.ref("customer", a.customer_id, a.name)) for a in rest]),
                                 s("."))))
    cur = m.currency
    segs: dict[str, tuple[float, int]] = {}
    left_out: dict[str, float] = {}
    for cid, e in per.items():
        total, missing = worth[cid]
        for c, v in missing.items():  # no rate for its currency: named below, not counted as 0
            left_out[c] = left_out.get(c, 0.0) + v
        if not missing:
            arr, n = segs.get(e["a"].segment, (0.0, 0))
            segs[e["a"].segment] = (arr + total, n + 1)
    bars = [DemandBar(k.replace("_", " "), v[0], v[1]) for k, v in sorted(segs.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    if bars:
        how = f" ({m.describe()})" if m.rates else ""
        blocks.append(Chart("Demand by segment", demand_by_segment(bars, cur, "Who asked for the planned or in-progress "
                                                                             "features"),
                            (s(f"ARR{how} of the customers asking for the planned or in-progress features, by segment: "
                               + "; ".join(f"{b.segment} {money(Decimal(round(b.arr)), cur)} "
                                           f"({plural(b.customers, 'customer')})" for b in bars)
                               + customer_service.left_out_note(left_out)),)))
    return blocks


def _deals(sc: Scope, planned: list[Feature]) -> list[Any]:
    """Open deals (a prospect's first, a customer's expansion) whose customer asked for features not shipped yet,
    most expected ARR first: when each is expected to close and, per feature, the chance it is done by then (planned
    work with a forecast), or that it has no date. Nothing when no asker has an open deal."""
    dated = {f.id for f in planned}
    per: dict[int, dict[str, Any]] = {}
    for f in sc.features():
        if f.status not in facts.ROADMAP + facts.OPEN_BEFORE_PLANNING:
            continue
        for a in sc.askers(f.id).customers:
            if a.deal_value > 0:
                per.setdefault(a.customer_id, {"a": a, "features": []})["features"].append(f)
    if not per:
        return []
    m = customer_service.money(sc.uow, sc.workspace_id)  # deals in other currencies rank at the workspace's rates
    worth = {cid: m.total({e["a"].currency: e["a"].deal_value})[0] for cid, e in per.items()}
    ranked = sorted(per.values(), key=lambda e: (-worth[e["a"].customer_id], e["a"].customer_id))
    fc = sc.forecast()
    rows = []
    for e in ranked[:DEALS_LISTED]:
        a = e["a"]
        cr = sc.ref("customer", a.customer_id, a.name)
        asked: list[Any] = []
        for f in (f for f in e["features"] if f.id in dated):
            one = fc.of(f.id)
            asked.append(s(("; " if asked else "") + f.title, sc.f(f)))
            if one is None:
                asked.append(s(f" ({fc_mod.describe_missing(fc, f.id)})"))
            elif a.deal_close is None:
                asked.append(s(f" ({fc_mod.when(one)})", sc.f(f)))
            else:
                asked.append(s(f" ({pct(one.probability_by(fc.start, a.deal_close))} chance by the close)", sc.f(f)))
        undated = [f for f in e["features"] if f.id not in dated]
        if undated:
            asked.append(s(("; " if asked else "") + "not planned, no date: "))
            asked.extend(named([(f.title, sc.f(f)) for f in undated]))
        rows.append(((s(a.name, cr), *((s(" (prospect)"),) if a.prospect else ())),
                     (s(money(a.deal_value, a.currency), cr),),
                     (s(fc_mod.short(a.deal_close), cr),) if a.deal_close else (s("not set"),), tuple(asked)))
    blocks: list[Any] = [Table(("Customer or prospect", "Open deal (expected ARR)", "Expected close",
                                "Asked for (chance it is done by the close)"), tuple(rows))]
    rest = [e["a"] for e in ranked[DEALS_LISTED:]]
    if rest:
        blocks.append(Paragraph((s(f"… and {plural(len(rest), 'more open deal')}, worth less: "),
                                 *named([(a.name, sc.ref("customer", a.customer_id, a.name)) for a in rest]),
                                 s("."))))
    return blocks


def _dont_promise(sc: Scope, planned: list[Feature]) -> list[Any]:
    items: list[tuple[Any, ...]] = []
    for f in planned:
        if sc.forecast().of(f.id) is None:
            items.append((s(f.title, sc.f(f)), s(": planned but not yet forecast; give no date.")))
        else:
            one = sc.forecast().features[f.id]
            if (one.p95 - one.p50).days > 60:
                items.append((s(f.title, sc.f(f)),
                              s(f": wide range, 50% by {fc_mod.short(one.p50)} but 95% only by "
                                f"{fc_mod.short(one.p95)}", sc.f(f)), s("; promise no earlier than the P85 date.")))
    cur = facts.main_currency(sc.uow, sc.workspace_id)
    scheduled = {f.id for f in sc.roadmap()}  # what the live plan schedules, though not yet marked planned
    wanted = [f for f in sc.features() if f.status in facts.OPEN_BEFORE_PLANNING and sc.askers(f.id).customers]
    wanted.sort(key=lambda f: (-sc.askers(f.id).arr_by_currency.get(cur, Decimal(0)), f.id))
    for f in wanted[:UNPLANNED_LISTED]:
        items.append((s(f.title, sc.f(f)), s(": asked for by "),
                      s(plural(len(sc.askers(f.id).customers), "customer"), sc.f(f)),
                      s(f", still {STILL.get(f.status, status(f))}: not planned, no date."
                        + (" The live plan schedules it, but it gets dates only once it is marked planned."
                           if f.id in scheduled else ""))))
    if not items:
        return [Paragraph((s("Every planned feature has a forecast with a usable range."),))]
    return [Bullets(tuple(items)), *and_more(sc, wanted[UNPLANNED_LISTED:], "feature", " asked for but not planned")]


def _talking_points(sc: Scope, roadmap: list[Feature]) -> list[Any]:
    items = []
    asked = []
    for f in roadmap:
        d = sc.askers(f.id)
        if not d.customers:
            continue
        asked.append(f)
        line = [s(f.title, sc.f(f), strong=True),
                s(f" answers requests from {plural(len(d.customers), 'customer')}", sc.f(f))]
        if f.problems:
            p = f.problems[0]
            words, close = quoted(p.statement)
            line.append(s(": it solves “"))
            line.append(s(words, sc.ref("problem", p.id, p.statement)))
            line.append(s(close + " Expected "))
        else:
            line.append(s(". Expected "))
        line.extend(when_spans(sc, f))
        line.append(s("."))
        items.append(tuple(line))
    if not items:
        return [Missing("No planned feature has customer evidence behind it yet: link feedback to features.")]
    return [Bullets(tuple(items[:TALKING_POINTS])), *and_more(sc, asked[TALKING_POINTS:], "feature", " with requests")]


def _close_loop(sc: Scope, shipped: list[Feature]) -> list[Any]:
    """Per shipped feature, the customers who asked and are not yet marked told (close the loop)."""
    items = []
    for f in shipped[:12]:
        loop = insights.close_the_loop(uow=sc.uow, workspace_id=sc.workspace_id, feature=f)
        names = [(c["customer_id"], c["customer"]) for c in loop["customers"] if c["customer_id"] and not c["told"]]
        if not names:
            continue
        told = f" ({loop['told_count']} already told)" if loop["told_count"] else ""
        rest = [sc.ref("customer", i, n) for i, n in names[6:]]
        items.append((s(f.title, sc.f(f), strong=True), s(": "),
                      *named([(n, sc.ref("customer", i, n)) for i, n in names[:6]]),
                      *((s(f" and {len(rest)} more", *rest),) if rest else ()), s(told)))
    if not items:
        return [Paragraph((s("No customer who asked for a shipped feature is waiting to be told."),))]
    return [Bullets(tuple(items))]
