"""The executive brief's summary: up to five sentences with the numbers (next quarter and its P85 dates, the plan's
value and its gain over sorting by value and filling, what it leaves out, what is at risk, the decisions needed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeoff.briefs import facts
from tradeoff.briefs.audiences_exec import (
    LATE_NAMED,
    PlanView,
    askers_of,
    feats_of,
    left_out,
    no_plan,
    p85_of,
    refs_of,
    with_p85,
)
from tradeoff.briefs.audiences_exec_decisions import Needed
from tradeoff.briefs.common import Scope, _none_in_scope, plural
from tradeoff.briefs.document import Paragraph, Ref, Span, s
from tradeoff.core.formula.printer import format_amount


def summary(sc: Scope, view: PlanView | None, needed: list[Needed], fallback: Paragraph) -> list[Any]:
    """Up to five sentences: next quarter and its P85 dates; the plan's value, its gain over sorting by value and
    filling, and what it leaves out; what is at risk; the decisions needed."""
    empty = _none_in_scope(sc)
    if empty:
        return [empty]
    spans: list[Span] = []
    if view is None:
        spans += [*fallback.spans, s(" ")]
        missing = no_plan(sc)
        blocks: list[Any] = [Paragraph(tuple(spans + _risk_sentence(sc) + _needed_sentence(needed)))]
        return [*blocks, missing]
    spans += _next_quarter_sentences(sc, view)
    spans += _value_sentence(sc, view)
    spans += _risk_sentence(sc)
    spans += _needed_sentence(needed)
    return [Paragraph(tuple(spans))]


def _next_quarter_sentences(sc: Scope, view: PlanView) -> list[Span]:
    bq = view.quarters
    q, pr = bq.next, view.ref
    if view.last_day < q.start:
        return [s(f"The live plan “{view.name}” ends before {q.label}", pr), s(": nothing is planned for next "
                                                                              "quarter yet. ")]
    feats = feats_of(sc, bq.next_quarter)
    before = feats_of(sc, bq.before)
    out = [s(f"In {q.label} the live plan “{view.name}”", pr), s(" finishes ")]
    if not feats:
        out.append(s("nothing in this scope"))
    else:
        out.append(s(plural(len(feats), "feature"), *refs_of(sc, feats)))
    if before:
        out += [s(", after "), s(f"{len(before)} more in the rest of {bq.current.label}", *refs_of(sc, before))]
    out.append(s(". "))
    dated = [f for f in feats if p85_of(sc, f) is not None]
    if feats and not dated:
        out.append(s("None of them is forecast yet. "))
    elif dated:
        late = sorted((f for f in dated if (p85_of(sc, f) or q.end) > q.end),
                      key=lambda f: (-(p85_of(sc, f) or q.end).toordinal(), f.id))  # the latest first
        if not late:
            last = max(dated, key=lambda f: (p85_of(sc, f) or q.end, -f.id))
            out += [s("Each is 85% likely done within the quarter" if len(dated) > 1 else
                      "It is 85% likely done within the quarter", *refs_of(sc, dated)),
                    s("; the last is "), *with_p85(sc, [last])]
        else:
            k = len(late)
            if k == len(dated):
                out.append(s(("None of them is" if k > 1 else "It is not") + " 85% likely done within the quarter",
                             *refs_of(sc, late)))
            else:
                out.append(s(f"{k} of them {'is' if k == 1 else 'are'} 85% likely done only after the quarter ends",
                             *refs_of(sc, late)))
            shown = late[:LATE_NAMED]
            out.append(s(": " if k <= LATE_NAMED else ", the latest "))
            for i, f in enumerate(shown):
                out += [s("" if not i else " and " if i == len(shown) - 1 and k <= LATE_NAMED else ", "),
                        *with_p85(sc, [f])]
            if k > LATE_NAMED:
                out += [s(" and "), s(f"{k - LATE_NAMED} more", *refs_of(sc, late[LATE_NAMED:]))]
            if k < len(dated):
                out.append(s("; the rest within the quarter"))
        undated = [f for f in feats if f not in dated]
        if undated:
            out += [s("; "), s(f"{len(undated)} not yet forecast", *refs_of(sc, undated))]
        out.append(s(". "))
    return out


def plan_value_words(result: dict[str, Any], whole: bool = False) -> tuple[str, str]:
    """What a solved plan is worth, in its unit and words, and what that gains over sorting features by value and
    filling the periods in that order (the plan page's comparison): ('The plan serves USD 39,386,231 of demand
    (…)', ', USD 1,064,606 (+2.8%) more than sorting …'). `whole`: the brief covers part of the plan only."""
    unit = result.get("value_unit") or ""
    value = format_amount(float(result.get("value") or 0.0), unit)
    plan = "The plan as a whole" if whole else "The plan"
    if unit:
        deals = " and their open deals" if result.get("value_source") == "arr_deals" else ""
        said = f"{plan} serves {value} of demand (the ARR of the customers asking{deals}, counted for each feature " \
               "it delivers)"
    else:
        note = str(result.get("value_note") or "value").split(";")[0]
        said = f"{plan} is worth {value} ({note}, summed over its features)"
    greedy = result.get("greedy") or {}
    diff = result.get("value_difference")
    if greedy and not greedy.get("feasible", True):
        return said, ", while sorting features by value and filling the periods would miss a must-have"
    if diff is None:
        return said, ""
    if abs(diff) < 1e-6:
        return said, ", as much as sorting features by value and filling the periods in that order"
    share = result.get("value_difference_pct")
    more = format_amount(abs(diff), unit) + (f" ({share:+.1%})" if share is not None else "")
    return said, f", {more} {'more' if diff > 0 else 'less'} than sorting features by value and filling the " \
                 "periods in that order"


def _value_sentence(sc: Scope, view: PlanView) -> list[Span]:
    said, gain = plan_value_words(view.result, whole=sc.product is not None or sc.release_ids is not None)
    out = [s(said, view.ref)]
    if gain:
        out += [s(gain[:2]), s(gain[2:], view.ref)]  # ", " is no claim
    out += _left_out_clause(sc, view)
    out.append(s(". "))
    return out


def _left_out_clause(sc: Scope, view: PlanView) -> list[Span]:
    gone = [f for f, _ in left_out(sc, view)]
    if not gone:
        return [s("; it leaves out no open feature in this scope")]
    out = [s("; it leaves out "), s(plural(len(gone), "feature"), *refs_of(sc, gone))]
    n, arr = askers_of(sc, gone)
    if n:
        said, fx = sc.amount(arr)
        out += [s(" asked for by "), s(f"{plural(n, 'customer')} with {said} ARR", *refs_of(sc, gone), *fx)]
    return out


def _risk_sentence(sc: Scope) -> list[Span]:
    ids = {f.id for f in sc.features()}
    data = facts.commitments(sc.uow, sc.workspace_id)
    risky = [c for c in (data or {}).get("items", []) if c["at_risk"] and c["feature_id"] in ids]
    rels = facts.release_targets(sc.uow, sc.workspace_id, sc.today)
    late = [r for r in (rels.releases if rels else []) if (r["at_risk"] or r["missed"])
            and ids & {int(i) for i in r["feature_ids"]}]
    if not risky and not late:
        return [s("No promise to a customer and no release target is at risk. ")]
    parts: list[list[Span]] = []
    if risky:
        cms = [sc.ref("commitment", c["id"], f"{c['feature']} for {c['customer']}") for c in risky]
        once = {c["customer_id"]: c for c in risky}.values()  # each customer's ARR once, however many promises
        arr: dict[str, Decimal] = {}
        deals: dict[str, Decimal] = {}
        for c in once:
            if c["arr_at_stake"] and not c.get("prospect"):
                arr[c["currency"]] = arr.get(c["currency"], Decimal(0)) + Decimal(str(c["arr_at_stake"]))
            if c.get("deal_at_stake"):
                deals[c["currency"]] = deals.get(c["currency"], Decimal(0)) + Decimal(str(c["deal_at_stake"]))
        custs = tuple(dict.fromkeys(sc.ref("customer", c["customer_id"], c["customer"]) for c in risky))
        part = [s(plural(len(risky), "promise to a customer", "promises to customers"), *cms,
                  listing=sc.commitments_list(at_risk_only=True))]
        stakes = []
        fx: tuple[Ref, ...] = ()
        if arr:
            text, fx = sc.amount(arr, breakdown=True)
            stakes.append(f"{text} of ARR")
        if deals:
            text, more = sc.amount(deals, breakdown=True)
            stakes.append(f"{'an open deal' if len(deals) == 1 and len(once) == 1 else 'open deals'} of {text}")
            fx = tuple(dict.fromkeys(fx + more))
        if stakes:
            part += [s(", with "), s(" and ".join(stakes) + " at stake", *custs, *fx)]
        parts.append(part)
    if late and rels is not None:
        parts.append([s(plural(len(late), "release target"), sc.ref("plan", rels.plan_id, rels.plan_name))])
    out = [s("At risk: ")]
    for i, p in enumerate(parts):
        out += ([s("; and ")] if i else []) + p
    out.append(s(". "))
    return out


def _needed_sentence(needed: list[Needed]) -> list[Span]:
    if not needed:
        return [s("No decision is waiting.")]
    groups = (
        ([n for n in needed if n.rescued], "whether to adopt the saved what-if that rescues {}",
         ("a target", "targets")),
        ([n for n in needed if n.kind in ("promise", "release") and not n.rescued],
         "what to do about {} no saved what-if rescues", ("a target", "targets")),
        ([n for n in needed if n.kind == "decision"], "{} waiting for a choice", ("decision", "decisions")),
        ([n for n in needed if n.kind == "bet"], "{} that may lose money", ("bet", "bets")),
    )
    out = [s("Decisions needed: ")]
    first = True
    for items, words, (one, many) in groups:
        if not items:
            continue
        count = (f"1 {one.removeprefix('a ')}" if len(items) == 1 else f"{len(items)} {many}")
        out += ([] if first else [s("; ")]) + [
            s(words.format(count), *dict.fromkeys(r for n in items for r in n.refs))]
        first = False
    out.append(s("."))
    return out
