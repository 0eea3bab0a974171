"""The executive brief's "Decisions needed": promises and release targets at risk, each with the saved what-if of
the live plan that rescues it (or the fact that none does), open decisions, and bets whose business case gives a
real chance of losing money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.briefs.audiences_exec import CLOSED, PlanView
from tradeoff.briefs.common import Scope, named, pct, pct_range, plural
from tradeoff.briefs.document import Bullets, Line, Paragraph, Ref, Span, s
from tradeoff.core.formula.printer import format_amount


@dataclass(frozen=True)
class Needed:
    """One decision needed: what it is about (`kind`), its words, and whether a saved what-if rescues it."""

    kind: Literal["promise", "release", "decision", "bet"]
    line: Line
    refs: tuple[Ref, ...]
    rescued: bool = False


def _what_if_cost(sc: Scope, w: dict[str, Any], pr: Ref) -> tuple[Span, ...]:
    """What a saved what-if gives up: plan value and features it leaves out (', for USD 2,019,650 less plan value,
    leaving out A'), and that it needs comparing again when the plan was solved since."""
    out: list[Span] = []
    diff = w.get("value_difference")
    if diff is not None and diff < 0:
        out.append(s(f", for {format_amount(-diff, w.get('value_unit') or '')} less plan value", pr))
    removed = w.get("removed") or []
    if removed:
        out.append(s(", leaving out "))
        out += named([(x["title"], sc.ref("feature", int(x["feature_id"]), x["title"])) for x in removed])
    if w.get("outdated"):
        out.append(s(" (compared before the plan was last solved: compare it again)"))
    return tuple(out)


def _promise_rescue(sc: Scope, c: dict[str, Any], sbs: dict[str, Any] | None, threshold: float,
                    pr: Ref | None) -> tuple[tuple[Span, ...], bool]:
    whatifs = (sbs or {}).get("what_ifs") or []
    if pr is None:
        return (s(". There is no live plan to try a rescue on: renegotiate the date, or plan the work and try a "
                  "what-if."),), False
    if not whatifs:
        return (s(". No saved what-if tries to rescue it: try one on the live plan (more people, less scope), or "
                  "renegotiate the date."),), False
    row = next((p for p in sbs["promises"] if p["commitment_id"] == c["id"]), None) if sbs else None
    tried = [(p, k) for k, p in enumerate(row["what_ifs"] if row else []) if p is not None]
    if not tried:
        return (s(". None of the saved what-ifs forecasts it: try one that does, or renegotiate the date."),), False
    best, k = max(tried, key=lambda t: (t[0], -t[1]))
    w = whatifs[k]
    said = pct(row["plan_probability"]) if row and row.get("plan_probability") is not None else None
    against = (f" (the plan: {said} in the same comparison)" if said is not None and c["probability"] is not None
               and said != pct(c["probability"]) else "")
    if best >= threshold:
        return (s(". The saved what-if "), s(f"“{w['name']}” keeps it: {pct(best)} chance{against}", pr),
                *_what_if_cost(sc, w, pr), s(". Decide whether to adopt it.")), True
    return (s(". No saved what-if rescues it (the best, "), s(f"“{w['name']}”, gives {pct(best)}", pr),
            s("): renegotiate the date, cut scope or add people.")), False


def _release_rescue(sc: Scope, r: dict[str, Any], sbs: dict[str, Any] | None, open_ids: set[int],
                    pr: Ref) -> tuple[tuple[Span, ...], bool]:
    whatifs = (sbs or {}).get("what_ifs") or []
    if not whatifs:
        return (s(". No saved what-if tries to rescue it: try one on the live plan, move the target or cut its "
                  "scope."),), False
    target = date.fromisoformat(r["target"])
    needed = [int(i) for i in r["feature_ids"] if int(i) in open_ids]
    for w in whatifs:
        dates = {int(x["feature_id"]): x["p85"] for x in w.get("p85", [])}
        if (not w.get("infeasible") and needed and all(dates.get(i) and date.fromisoformat(dates[i]) <= target
                                                         for i in needed)):
            return (s(". In the saved what-if "), s(f"“{w['name']}” each of its features is 85% likely done by "
                                                    "the target", pr),
                    *_what_if_cost(sc, w, pr), s(". Decide whether to adopt it.")), True
    return (s(". No saved what-if brings the P85 date of all its features before the target: move the target, cut "
              "its scope or change the plan."),), False


def decisions_needed(sc: Scope, view: PlanView | None) -> list[Needed]:
    """Promises and release targets at risk (those a saved what-if rescues first), open decisions, and bets whose
    return may be negative."""
    plan = sc.live_plan()
    pr = sc.ref("plan", plan.id, plan.name) if plan is not None else None
    sbs = facts.saved_what_ifs(sc.uow, sc.workspace_id, plan.id) if plan is not None else None
    out: list[Needed] = []
    ids = {f.id for f in sc.features()}
    data = facts.commitments(sc.uow, sc.workspace_id)
    for c in [c for c in (data or {}).get("items", []) if c["at_risk"] and c["feature_id"] in ids]:
        threshold = float(data["threshold"])  # type: ignore[index]
        cm = sc.ref("commitment", c["id"], f"{c['feature']} for {c['customer']}")
        cust = sc.ref("customer", c["customer_id"], c["customer"])
        prob = "not forecast" if c["probability"] is None else f"{pct(c['probability'])} chance"
        line: list[Span] = [s("Promise at risk:", strong=True), s(" "), s(c["feature"], sc.ref("feature", c["feature_id"],
                                                                                         c["feature"])),
                            s(" promised to "), s(c["customer"], cust),
                            s(f" for {fc_mod.short(date.fromisoformat(c['due']))}: {prob}", cm)]
        if c.get("kept_by"):
            line.append(s(f", {threshold:.0%} likely only by {fc_mod.short(date.fromisoformat(c['kept_by']))}", cm))
        if not c.get("prospect") or c.get("deal_at_stake"):
            arr, fx = sc.amount({c["currency"]: c["arr_at_stake"]}, breakdown=True)
            stake = "" if c.get("prospect") else f"{arr} of ARR"
            if c.get("deal_at_stake"):
                deal, more = sc.amount({c["currency"]: c["deal_at_stake"]}, breakdown=True)
                stake += (" and " if stake else "") + f"an open deal of {deal}"
                fx = tuple(dict.fromkeys(fx + more))
            line += [s("; "), s(f"{stake} at stake", cust, *fx)]
        rescue, rescued = _promise_rescue(sc, c, sbs, threshold, pr)
        out.append(Needed("promise", (*line, *rescue), (cm,), rescued))
    rels = facts.release_targets(sc.uow, sc.workspace_id, sc.today)
    if rels is not None:
        risky = [r for r in rels.releases if (r["at_risk"] or r["missed"]) and ids & {int(i) for i in r["feature_ids"]}]
        statuses = facts.feature_statuses(sc.uow, sc.workspace_id, (int(i) for r in risky for i in r["feature_ids"]))
        open_ids = {i for i, st in statuses.items() if st not in CLOSED}
        rr = sc.ref("plan", rels.plan_id, rels.plan_name)
        titles = {f.id: f.title for f in sc.features()}
        for r in risky:
            target = fc_mod.short(date.fromisoformat(r["target"]))
            chance = ("missed its target" if r["missed"] else
                      "not forecast" if r["probability"] is None else f"{pct(r['probability'])} chance")
            inside = [(str(x), int(i)) for i in r["feature_ids"] if (x := titles.get(int(i)))]
            line = [s("Release at risk:", strong=True), s(" "), s(f"“{r['name']}”", rr)]
            if inside:
                line += [s(" ("), *named([(x, sc.ref("feature", i, x)) for x, i in inside]), s(")")]
            line.append(s(f" targeted for {target}: {chance}", rr))
            if r.get("kept_by"):
                line.append(s(f", {rels.threshold:.0%} likely only by "
                              f"{fc_mod.short(date.fromisoformat(r['kept_by']))}", rr))
            rescue, rescued = _release_rescue(sc, r, sbs, open_ids, rr)
            out.append(Needed("release", (*line, *rescue), (rr,), rescued))
    out.sort(key=lambda n: not n.rescued)  # what a saved what-if rescues first: the choice is ready to take
    for d in [d for d in (facts.decisions(sc.uow, sc.workspace_id, sc.product.id if sc.product else None) or [])
              if d.decided_on is None]:
        dr = sc.ref("decision", d.id, d.title)
        options = ", ".join(str(o.get("name", "")) for o in d.options)
        out.append(Needed("decision", (s("Open decision:", strong=True), s(" "), s(d.title, dr),
                                       *((s(f" — options: {options}", dr),) if options else ())), (dr,)))
    out += _risky_bets(sc, view)
    return out


def _risky_bets(sc: Scope, view: PlanView | None) -> list[Needed]:
    """Open features whose business case gives at least a 1 in 10 chance of losing money (ROI P10 below zero),
    the worst first."""
    cases = facts.features_with_cases(sc.uow, sc.workspace_id)
    found = []
    for f in sc.features():
        if f.status in CLOSED or f.id not in cases:
            continue
        b = sc.bet(f.id)
        roi = (b or {}).get("roi")
        if roi and roi.get("p10") is not None and roi["p10"] < 0:
            found.append((f, b or {}))
    found.sort(key=lambda fb: (fb[1]["roi"]["p50"], fb[0].id))
    out = []
    for f, b in found:
        roi = b["roi"]
        words = ("it loses money in at least 9 of 10 outcomes" if roi["p90"] is not None and roi["p90"] < 0 else
                 "it is more likely to lose money than to make it" if roi["p50"] < 0 else
                 "it has at least a 1 in 10 chance of losing money")
        line: list[Span] = [s("Bet that may lose money:", strong=True), s(" "), s(f.title, sc.f(f)), s(": ROI "),
                            s(f"{pct_range(roi)} over {plural(int(b.get('horizon_years') or 0), 'year')}; {words}",
                              sc.f(f))]
        driver = facts.biggest_driver(sc.uow, sc.workspace_id, f.id)
        if driver:
            line.append(s(f"; what moves its return most: {driver.lower()}", sc.f(f)))
        if view is not None:
            line += [s("; "), s(_when_planned(view, f.id), view.ref)]
        line.append(s(". Decide whether it is still worth building, or firm up its case."))
        out.append(Needed("bet", tuple(line), (sc.f(f),)))
    return out


def _when_planned(view: PlanView, feature_id: int) -> str:
    q = view.quarters
    for ids, when in ((q.before, f"in the rest of {q.current.label}"), (q.next_quarter, f"in {q.next.label}"),
                      (q.quarter_after, f"in {q.after.label}"), (q.later, f"after {q.after.label}")):
        if feature_id in ids:
            return f"the live plan finishes it {when}"
    return "the live plan does not schedule it"


def decisions_needed_blocks(sc: Scope, needed: list[Needed]) -> list[Any]:
    if not needed:
        return [Paragraph((s("Nothing is waiting for a decision: no promise or release target is at risk, no decision "
                             "is open and no bet's case shows a real chance of losing money."),))]
    return [Bullets(tuple(n.line for n in needed))]
