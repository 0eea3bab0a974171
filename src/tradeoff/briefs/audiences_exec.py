"""The executive brief's first screen, answering "what do we build next quarter, what does it cost us not to, and
when will it ship?": what the live plan finishes next quarter and in the one after (its periods placed in calendar
quarters), each feature with its P85 date, and what the plan leaves out and why. The summary is in
`audiences_exec_summary`, the decisions needed in `audiences_exec_decisions`; the sections below the first screen
(bets, objectives, all dates, commitments, releases, blockers) are in `audiences`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.briefs.common import Scope, named, plural, status
from tradeoff.briefs.document import Line, Missing, Paragraph, Ref, Span, Table, s
from tradeoff.core import quarters as core_quarters
from tradeoff.features.model import Feature

LEFT_OUT_LISTED = 10
LATE_NAMED = 3  # the features of next quarter only likely done after it, named in the summary
CLOSED = ("shipped", "wont_do")


@dataclass(frozen=True)
class PlanView:
    """The solved live plan as the first screen reads it: its answer, its citation, and the scope's features it
    schedules, by quarter."""

    name: str
    ref: Ref
    result: dict[str, Any]
    quarters: core_quarters.ByQuarter
    last_day: date  # the last day of its last period


def plan_view(sc: Scope) -> PlanView | None:
    """None without a solved live plan."""
    plan = sc.live_plan()
    if plan is None or not plan.result:
        return None
    r = plan.result
    ends = [date.fromisoformat(p["end"]) for p in r.get("periods", [])] or [b for _, b in plan.period_bounds()]
    ids = {f.id for f in sc.features()}
    work = [core_quarters.Work(int(row["feature_id"]),
                               ends[min(int(row.get("first_period", row["period"])), len(ends) - 1)],
                               date.fromisoformat(row["period_end"]))
            for row in r.get("schedule", []) if int(row["feature_id"]) in ids]
    return PlanView(plan.name, sc.ref("plan", plan.id, plan.name), r, core_quarters.by_quarter(work, sc.today),
                    ends[-1])


def no_plan(sc: Scope) -> Any:
    plan = sc.live_plan()
    if plan is None:
        return Missing("No live plan yet: plan the features against the teams' capacity and solve the plan to see "
                       "what comes in which quarter, what it is worth and what it leaves out.")
    return Paragraph((s(f"The live plan “{plan.name}” is not solved yet", sc.ref("plan", plan.id, plan.name)),
                      s(": solve it to see what comes in which quarter, what it is worth and what it leaves out.")))


def _by_id(sc: Scope) -> dict[int, Feature]:
    return {f.id: f for f in sc.features()}


def feats_of(sc: Scope, ids: tuple[int, ...]) -> list[Feature]:
    by_id = _by_id(sc)
    return [by_id[i] for i in ids if i in by_id]


def refs_of(sc: Scope, feats: list[Feature]) -> tuple[Ref, ...]:
    return tuple(sc.f(f) for f in feats)


def p85_of(sc: Scope, f: Feature) -> date | None:
    one = sc.forecast().of(f.id)
    return None if one is None else one.p85


def with_p85(sc: Scope, feats: list[Feature], due: date | None = None) -> tuple[Span, ...]:
    """'A (P85 30 Dec 2026), B (not yet forecast)', each cited; with `due` (the last day of the quarter they are
    planned in), a P85 after it is said to be."""
    out: list[Span] = []
    for i, f in enumerate(feats):
        p85 = p85_of(sc, f)
        when = "not yet forecast" if p85 is None else f"P85 {fc_mod.short(p85)}"
        if p85 is not None and due is not None and p85 > due:
            when += f", after {core_quarters.quarter_of(due).label}"
        out += [s(", " if i else ""), s(f.title, sc.f(f)), s(" ("), s(when, sc.f(f)), s(")")]
    return tuple(out)


def _asked(sc: Scope, f: Feature, deals: bool = False) -> Line:
    """Who asked for a feature, in the workspace's currency: '3 customers, USD 1,426,000 ARR; open deals USD
    120,000'."""
    a = sc.askers(f.id)
    if not a.customers:
        return (s("no customer evidence yet"),)
    arr, fx = sc.amount(a.arr_by_currency)
    said = f"{plural(len(a.customers), 'customer')}, " + ("no ARR recorded" if not a.arr_by_currency else f"{arr} ARR")
    if deals:
        pipeline: dict[str, Decimal] = {}
        for c in a.customers:
            if c.deal_value:
                pipeline[c.currency] = pipeline.get(c.currency, Decimal(0)) + c.deal_value
        if pipeline:
            text, more = sc.amount(pipeline)
            said += f"; open deals {text}"
            fx = tuple(dict.fromkeys(fx + more))
    return (s(said, sc.f(f), *fx),)


def _worth(sc: Scope, f: Feature) -> float:
    return sc.money().total(sc.askers(f.id).arr_by_currency)[0]


# --- next quarter, the quarter after -----------------------------------------------------------------------


def quarter_blocks(sc: Scope, view: PlanView | None, which: Literal["next", "after"]) -> list[Any]:
    if not sc.features():
        return [Missing("No features in this scope: nothing to place in a quarter.")]
    if view is None:
        return [no_plan(sc)]
    bq = view.quarters
    q = bq.next if which == "next" else bq.after
    pr = view.ref
    if view.last_day < q.start:
        return [Paragraph((s(f"The live plan “{view.name}” ends before {q.label}", pr),
                           s(": nothing is planned for it yet. Give the plan more periods to see it.")))]
    feats = feats_of(sc, bq.next_quarter if which == "next" else bq.quarter_after)
    lead: list[Span] = [s(f"{q.label}, {q.months}", pr), s(": ")]
    if feats:
        late = [f for f in feats if (d := p85_of(sc, f)) is not None and d > q.end]
        lead += [s(plural(len(feats), "feature"), *refs_of(sc, feats)),
                 s(f" the live plan “{view.name}” finishes in it, each with its P85 date from the forecast")]
        if late:
            lead += [s("; "), s(f"{len(late)} of them only after the quarter ends", *refs_of(sc, late))]
    else:
        lead.append(s(f"the live plan “{view.name}” finishes nothing in this scope in it", pr))
    lead.append(s("."))
    blocks: list[Any] = [Paragraph(tuple(lead))]
    if feats:
        rows = []
        for f in feats:
            p85 = p85_of(sc, f)
            when = (fc_mod.describe_missing(sc.forecast(), f.id) if p85 is None
                    else fc_mod.short(p85) + (", after the quarter" if p85 > q.end else ""))
            rows.append(((s(f.title, sc.f(f)),), (s(status(f)),), (s(when, sc.f(f)),), _asked(sc, f)))
        blocks.append(Table(("Feature", "Status", "85% by (P85)", "Asked for by"), tuple(rows)))
        unsure = [f for f in feats if f.status in facts.OPEN_BEFORE_PLANNING]
        if unsure:
            them = "it" if len(unsure) == 1 else "them"
            blocks.append(Paragraph((s(f"{len(unsure)} of them {'is' if len(unsure) == 1 else 'are'} still an idea "
                                       "or in discovery", *refs_of(sc, unsure)),
                                     s(f": the plan chooses {them}, but nobody has committed to building {them} "
                                       "yet."))))
    if which == "next":
        carried = feats_of(sc, bq.carried)
        if carried:
            blocks.append(Paragraph((s(f"Also worked on in {q.label} and finished after it", pr), s(": "),
                                     *with_p85(sc, carried), s("."))))
        before = feats_of(sc, bq.before)
        if before:
            blocks.append(Paragraph((s(f"Before then, in the rest of {bq.current.label}", pr),
                                     s(", the plan finishes "), s(plural(len(before), "feature"), *refs_of(sc, before)),
                                     s(": "), *with_p85(sc, before, bq.current.end), s("."))))
    else:
        later = feats_of(sc, bq.later)
        if later:
            blocks.append(Paragraph((s(f"After {q.label}", pr), s(" the plan finishes "),
                                     s(plural(len(later), "more feature"), *refs_of(sc, later)), s(": "),
                                     *with_p85(sc, later), s("."))))
        if view.last_day < q.end:
            blocks.append(Paragraph((s(f"The live plan's last period ends in {view.last_day:%B %Y}", pr),
                                     s(": what comes after that is not planned yet."))))
    return blocks


# --- left out ----------------------------------------------------------------------------------------------

_EXCLUDED_WORDS = {"no estimate": "not estimated yet, so the plan cannot weigh it"}


def left_out(sc: Scope, view: PlanView) -> list[tuple[Feature, str]]:
    """The scope's open features the live plan does not schedule, with its reason, most ARR asking first: those it
    weighed and did not choose, those it could not weigh, and planned work it was not given."""
    r = view.result
    why: dict[int, str] = {}
    for x in r.get("not_chosen", []):
        why[int(x["feature_id"])] = x.get("reason") or "no room for it"
    for x in r.get("excluded", []):
        why.setdefault(int(x["feature_id"]), _EXCLUDED_WORDS.get(x["reason"], x["reason"]))
    scheduled = {int(row["feature_id"]) for row in r.get("schedule", [])}
    for f in sc.features():
        if f.status in facts.ROADMAP and f.id not in scheduled:
            why.setdefault(f.id, "not among the features the plan was given to weigh")
    feats = [f for f in feats_of(sc, tuple(why)) if f.status not in CLOSED]
    feats.sort(key=lambda f: (-_worth(sc, f), f.id))
    return [(f, why[f.id]) for f in feats]


def askers_of(sc: Scope, feats: list[Feature]) -> tuple[int, dict[str, Decimal]]:
    """How many customers asked for any of `feats`, and their ARR (each customer once)."""
    seen: dict[int, Any] = {}
    for f in feats:
        for a in sc.askers(f.id).customers:
            seen.setdefault(a.customer_id, a)
    arr: dict[str, Decimal] = {}
    for a in seen.values():
        arr[a.currency] = arr.get(a.currency, Decimal(0)) + a.arr
    return len(seen), arr


def left_out_blocks(sc: Scope, view: PlanView | None) -> list[Any]:
    if not sc.features():
        return [Missing("No features in this scope: nothing for a plan to leave out.")]
    if view is None:
        return [no_plan(sc)]
    out = left_out(sc, view)
    if not out:
        return [Paragraph((s(f"The live plan “{view.name}” schedules every open feature in this scope.", view.ref),))]
    feats = [f for f, _ in out]
    n, arr = askers_of(sc, feats)
    lead: list[Span] = [s(plural(len(feats), "open feature"), *refs_of(sc, feats)),
                        s(f" in this scope the live plan “{view.name}” does not schedule", view.ref)]
    if n:
        said, fx = sc.amount(arr)
        lead += [s(", asked for by "), s(f"{plural(n, 'customer')} with {said} ARR", *refs_of(sc, feats), *fx)]
    lead.append(s(". What it costs not to build each, and the plan's reason:"))
    rows = tuple(((s(f.title, sc.f(f)),), (s(status(f)),), _asked(sc, f, deals=True), (s(reason, view.ref),))
                 for f, reason in out[:LEFT_OUT_LISTED])
    blocks: list[Any] = [Paragraph(tuple(lead)),
                         Table(("Feature", "Status", "Asked for by", "Why the plan leaves it out"), rows)]
    rest = feats[LEFT_OUT_LISTED:]
    if rest:  # a cut list never reads as the whole: the rest named, and their count cited
        blocks.append(Paragraph((s("… and "), s(plural(len(rest), "more feature"), *refs_of(sc, rest)),
                                 s(" left out, with less ARR asking: "), *named([(f.title, sc.f(f)) for f in rest]),
                                 s("."))))
    return blocks
