"""From a Plan record to the core planner's input and back: candidates (with how many periods each needs),
capacities, rules, commitments; solving, and the result with its values in their unit and when the value
arrives. What-if scenarios are in `plans.scenarios`; all the maths is in `core.planning`."""

from __future__ import annotations

import copy
import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from tradeoff.core.forecasting_backlog import mean_effort
from tradeoff.core.planning import (
    AllocationRule,
    Candidate,
    Dependency,
    PlanInput,
    RoadmapPlan,
    any_plan,
    fit_spans,
    hold_started,
    plan_roadmap,
    release_started,
    span_needed,
)
from tradeoff.core.planning import Team as PlanTeam
from tradeoff.customers import service as customer_service
from tradeoff.errors import FieldError, Infeasible, InvalidInput
from tradeoff.estimates import service as estimate_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.insights import service as insights
from tradeoff.plans.model import Plan
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.teams.model import Team
from tradeoff.workitems import service as workitem_service


@dataclass(frozen=True)
class FeatureInfo:
    feature_id: int
    title: str
    team: str
    effort: float  # person-days (PERT mean of the estimate)
    value: float
    category: str
    committed_to: tuple[str, ...] = ()
    effort_by_team: tuple[tuple[str, float], ...] = ()  # person-days per team, lead first (several when shared)
    in_progress: bool = False
    done_share: float = 0.0  # share of its linked work items' points already done: its effort is what is left
    own_deadline: int | None = None  # the plan's deadline for it, without its promises (period index)


@dataclass(frozen=True)
class Built:
    """A plan ready for the solver, and what is needed to explain its answer."""

    plan_id: int
    name: str
    input: PlanInput
    info: dict[str, FeatureInfo]  # candidate id -> feature
    excluded: tuple[dict[str, Any], ...]
    periods: tuple[tuple[date, date], ...]
    value_source: str
    value_note: str
    notes: tuple[str, ...] = field(default=())
    value_unit: str = ""  # the currency when value is money, "" for a score
    wip_limits: tuple[tuple[str, int], ...] = ()  # team name -> features it works on at once (the forecast's rule)


def _cid(fid: int, title: str) -> str:
    short = title if len(title) <= 60 else title[:59] + "…"
    return f"{short} (#{fid})"


def _values(uow: UnitOfWork, workspace_id: int, plan: Plan,
            feats: list[Feature]) -> tuple[dict[int, float], str, str]:
    """Each feature's value, what it means, and its unit (a currency for ARR, "" otherwise)."""
    from tradeoff.scoring import inputs as scoring_inputs
    from tradeoff.scoring import scores as scoring_scores
    from tradeoff.scoring import service as scoring

    ids = [f.id for f in feats]
    if plan.value_source == "manual":
        return {fid: float(plan.values.get(str(fid), 0.0)) for fid in ids}, "value entered on the plan", ""
    money = customer_service.money(uow, workspace_id)
    currency = money.currency
    demand = scoring_inputs.demand_by_feature(uow, workspace_id, ids, money)
    arr = {fid: d[1] for fid, d in demand.items()}
    left_out: dict[str, float] = {}
    for d in demand.values():
        for cur, amount in d[3].items():
            left_out[cur] = left_out.get(cur, 0.0) + amount
    if plan.value_source == "arr":
        return ({fid: float(arr.get(fid, 0.0)) for fid in ids},
                f"ARR ({money.describe()}) of the customers who asked for each feature, summed over the features: a "
                "customer who asked for three counts three times, so this measures demand served, not revenue"
                f"{customer_service.left_out_note(left_out)}", currency)
    if plan.value_source == "arr_deals":
        deals = insights.demand_by_target(uow=uow, workspace_id=workspace_id, kind="feature", ids=ids)
        pipeline: dict[int, float] = {}
        for fid, row in deals.items():
            pipeline[fid], missing = money.total(row["deal_value_by_currency"])
            for cur, amount in missing.items():
                left_out[cur] = left_out.get(cur, 0.0) + amount
        return ({fid: float(arr.get(fid, 0.0)) + pipeline.get(fid, 0.0) for fid in ids},
                f"ARR ({money.describe()}) of the customers who asked for each feature, and the expected ARR of the "
                "open deals of the customers and prospects who asked (deals are not won yet: a plan valued so serves "
                "Sales' pipeline as well as today's customers), summed over the features"
                f"{customer_service.left_out_note(left_out)}", currency)
    framework = plan.framework or scoring.default_framework(uow=uow, workspace_id=workspace_id)
    rows = scoring_inputs.feature_rows(uow=uow, workspace_id=workspace_id, features=feats,
                                       days_per_point=(plan.days_per_point, f"the plan '{plan.name}'"))
    scored = scoring_scores.score_rows(uow=uow, workspace_id=workspace_id, framework=framework, rows=rows)
    values = {fid: max(0.0, float(s.score.value)) for fid, s in scored.items()
              if s.score.value is not None and math.isfinite(s.score.value)}
    if not any(v > 0 for v in values.values()):
        return ({fid: float(arr.get(fid, 0.0)) for fid in ids},
                f"no feature has a {framework} score yet, so value is the ARR ({money.describe()}) of the customers who "
                f"asked{customer_service.left_out_note(left_out)}",
                currency)
    return {fid: values.get(fid, 0.0) for fid in ids}, f"{framework} score", ""


def build(*, uow: UnitOfWork, workspace_id: int, plan: Plan, time_limit: float | None = None) -> Built:
    """Gather teams, capacities, estimated features, values, dependencies, deadlines and commitments."""
    from tradeoff.commitments import service as commitment_service

    teams: list[Team] = team_service.active(uow=uow, workspace_id=workspace_id, ids=plan.team_ids or None)
    if not teams:
        raise InvalidInput("the plan has no team: add a team with its members first (zero capacity)",
                           [FieldError(["body", "team_ids"], "no team")])
    by_id = {t.id: t for t in teams}
    if plan.feature_ids:  # the plan's own list, whatever their status
        feats = list(uow.session.scalars(records.base_query(_feature_spec(), workspace_id).where(
            Feature.archived_at.is_(None), Feature.id.in_(plan.feature_ids)).order_by(Feature.id)))
    else:
        from tradeoff.plans import service as plan_service

        feats = plan_service.open_features(uow=uow, workspace_id=workspace_id)
    estimates = estimate_service.all_of(uow=uow, workspace_id=workspace_id)
    excluded: list[dict[str, Any]] = []
    chosen: list[tuple[Feature, Any, Team]] = []
    must = set(plan.must_have)
    for f in feats:
        est = estimates.get(f.id)
        if est is None:
            if f.id in must:
                raise InvalidInput(f"must-have feature '{f.title}' (#{f.id}) has no estimate; estimate it first",
                                   [FieldError(["body", "must_have"], "no estimate", f.id)])
            excluded.append({"feature_id": f.id, "title": f.title, "reason": "no estimate"})
            continue
        team = by_id.get(est.team_id) if est.team_id is not None else (teams[0] if len(teams) == 1 else None)
        if team is None:
            excluded.append({"feature_id": f.id, "title": f.title,
                             "reason": "its estimate names no team of this plan"})
            continue
        outside = [int(t) for t in est.team_shares if int(t) not in by_id]
        if outside:
            names = team_service.names(uow=uow, workspace_id=workspace_id, ids=outside)
            excluded.append({"feature_id": f.id, "title": f.title,
                             "reason": f"part of its work is for {', '.join(names)}, not a team of this plan"})
            continue
        chosen.append((f, est, team))
    # a feature whose prerequisite cannot be planned cannot be planned either
    planned_ids = {f.id for f, _, _ in chosen}
    shipped = set(uow.session.scalars(select(Feature.id).where(Feature.workspace_id == workspace_id,
                                                               Feature.status == FeatureStatus.shipped.value)))
    changed = True
    while changed:
        changed = False
        for f, est, _ in list(chosen):
            missing = [d for d in est.depends_on if d not in planned_ids and d not in shipped]
            if missing:
                chosen.remove((f, est, _))
                planned_ids.discard(f.id)
                excluded.append({"feature_id": f.id, "title": f.title,
                                 "reason": f"needs feature {', '.join(f'#{m}' for m in missing)} first, which is "
                                           "not in the plan"})
                changed = True
    values, value_note, value_unit = _values(uow, workspace_id, plan, [f for f, _, _ in chosen])
    # a feature without value is still planned when there is room, behind everything that has value: the solver
    # sees a token value for it (reported as 0)
    positive = [v for v in values.values() if v > 0]
    filler = (min(positive) if positive else 1.0) * 1e-4
    solver_values = {fid: v if v > 0 else filler for fid, v in values.items()}
    if any(v <= 0 for v in values.values()):
        value_note += "; features without value are planned only where room is left"
    commitments = commitment_service.open_by_feature(uow=uow, workspace_id=workspace_id)
    cid = {f.id: _cid(f.id, f.title) for f, _, _ in chosen}
    candidates: list[Candidate] = []
    info: dict[str, FeatureInfo] = {}
    notes: list[str] = []
    progress = workitem_service.progress(uow=uow, workspace_id=workspace_id, feature_ids=[f.id for f, _, _ in chosen])
    started = {f.id for f, _, _ in chosen if f.status == FeatureStatus.in_progress.value}
    for f, est, team in chosen:
        # the mean of what the forecast draws from: the plan and its forecast expect the same work
        effort = mean_effort(est.optimistic, est.likely, est.pessimistic, est.confidence)
        if est.unit == "points":
            effort *= plan.days_per_point
        likely_points = estimate_service.likely_points(est, plan.days_per_point)
        effort *= workitem_service.left_share(progress, f.id, likely_points)  # what is left of it
        deadline = None
        if str(f.id) in plan.deadlines:
            deadline = plan.deadline_period(date.fromisoformat(plan.deadlines[str(f.id)]))
            if deadline < 0:
                raise Infeasible(f"the deadline of '{f.title}' ({plan.deadlines[str(f.id)]}) falls before the end of "
                                 "the plan's first period; move the deadline or start the plan earlier",
                                 [FieldError(["body", "deadlines", f.id], "before the first period ends")])
        own_deadline = deadline
        committed = False
        promised: list[str] = []
        for c in commitments.get(f.id, []):
            p = plan.deadline_period(c.due)
            if c.due > plan.end:
                continue  # promised after this plan's horizon: not a constraint here
            if p < 0:
                raise Infeasible(
                    f"commitment #{c.id}: '{f.title}' was promised to {c.customer_name} by {c.due}, before the plan's "
                    "first period ends; no schedule of this plan can keep it — renegotiate the date",
                    [FieldError(["commitments", c.id], "due before the first period ends", c.due.isoformat())])
            committed = True
            promised.append(f"{c.customer_name} by {c.due}")
            deadline = p if deadline is None else min(deadline, p)
        category = est.category if est.category in ("feature", "tech_debt", "platform") else "feature"
        split = {by_id[t].name: round(effort * share, 3)
                 for t, share in estimate_service.team_fractions(team.id, est.team_shares).items()}
        candidates.append(Candidate(id=cid[f.id], value=solver_values.get(f.id, 0.0), effort=split,
                                    must_have=f.id in must, deadline=deadline, committed=committed,
                                    category=category,  # type: ignore[arg-type]
                                    started=f.id in started))
        info[cid[f.id]] = FeatureInfo(f.id, f.title, team.name, round(effort, 2), values.get(f.id, 0.0), category,
                                      tuple(promised), tuple((n, round(e, 2)) for n, e in split.items()),
                                      f.id in started,
                                      round(1.0 - workitem_service.left_share(progress, f.id, likely_points), 4),
                                      own_deadline)
    # work already started has what it needs, or gets it alongside: its dependencies no longer order the plan
    deps = tuple(Dependency(prerequisite=cid[d], feature=cid[f.id]) for f, est, _ in chosen for d in est.depends_on
                 if d in cid and f.id not in started)
    plan_teams = tuple(PlanTeam(t.name, t.capacity(plan.start, plan.periods, plan.period_days)) for t in teams)
    rules = tuple(AllocationRule(min_share=t.tech_share, team=t.name) for t in teams if t.tech_share > 0)
    if not candidates:
        notes.append("no estimated feature to plan: estimate features (with a team) first")
    inp = fit_spans(PlanInput(candidates=tuple(candidates), teams=plan_teams, periods=plan.periods,
                              dependencies=deps, rules=rules, time_limit=time_limit or plan.time_limit))
    partly = [f"'{f.title}' {progress[f.id].for_estimate(estimate_service.likely_points(est, plan.days_per_point)).describe()}"
              for f, est, _ in chosen if f.id in progress]
    if partly:
        notes.append("partly done, so planned for what is left of their estimate: " + "; ".join(partly))
    return Built(plan.id, plan.name, inp, info, tuple(excluded), tuple(plan.period_bounds()), plan.value_source,
                 value_note, tuple(notes), value_unit, tuple((t.name, t.wip_limit) for t in teams if t.wip_limit))


def _feature_spec() -> Any:
    from tradeoff.features import service as feature_service

    return feature_service.SPEC


def _rows(built: Built, schedule: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    spans = {c.id: c.span for c in built.input.candidates}
    # in the order work starts, then ends (a feature over periods 5–6 before one done in 6)
    for c, p in sorted(schedule.items(), key=lambda kv: (kv[1] - spans[kv[0]] + 1, kv[1], -built.info[kv[0]].value,
                                                         kv[0])):
        i = built.info[c]
        first = max(0, p - spans[c] + 1)  # worked on from period `first` to `p`, done in `p`
        start, end = built.periods[first][0], built.periods[p][1]
        out.append({"feature_id": i.feature_id, "title": i.title, "period": p, "first_period": first,
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(), "team": i.team, "effort_days": i.effort, "value": i.value,
                    "category": i.category, "committed_to": list(i.committed_to),
                    "effort_by_team": dict(i.effort_by_team), "in_progress": i.in_progress,
                    "done_share": i.done_share})
    return out


def _delivered(built: Built, schedule: Any) -> list[dict[str, Any]]:
    """Value delivered by the end of each period (cumulative): when the value arrives, not only how much. In the
    user's value: features without value count 0, not the token value the solver saw."""
    per = [0.0] * len(built.periods)
    for c, p in dict(schedule).items():
        per[p] += built.info[c].value
    total, out = 0.0, []
    for p, (_, end) in enumerate(built.periods):
        total += per[p]
        out.append({"period": p + 1, "end": end.isoformat(), "value": total})
    return out


def _spread_note(built: Built, schedule: Any) -> list[str]:
    """Which scheduled features are bigger than one period of their team, and over how many periods they are
    worked on (from the input solved: a what-if with more people or less scope needs fewer)."""
    inp = built.input
    spread = [f"'{built.info[c.id].title}' {built.info[c.id].effort:.0f} person-days over {c.span} periods "
              f"({built.info[c.id].team}: about {span_needed(inp, c)[1]:.0f} a period for it)"
              for c in inp.candidates if c.span > 1 and c.id in schedule]
    return (["bigger than one period of their team, so worked on over the periods they need: " + "; ".join(spread)]
            if spread else [])


def _wip_note(built: Built, schedule: Any) -> list[str]:
    """Which teams the plan gives more features in one period than their work-in-progress limit. A period holds
    as much work as its capacity, so that is no breach: the team takes those features a few at a time, and the
    forecast, which follows the limit, dates them so."""
    spans = {c.id: c.span for c in built.input.candidates}
    over = []
    for team, limit in built.wip_limits:
        worked = [0] * len(built.periods)
        for cid, p in schedule.items():
            if team in dict(built.info[cid].effort_by_team):
                for q in range(max(0, p - spans[cid] + 1), p + 1):
                    worked[q] += 1
        busiest = max(worked, default=0)
        if busiest > limit:
            over.append(f"{team} {busiest} in period {worked.index(busiest) + 1} (limit {limit})")
    return ([f"more features in a period than the team works on at once: {'; '.join(over)}. The plan fills each "
             "period's capacity; the team takes them a few at a time, and the forecast's dates follow the limit"]
            if over else [])


def _left_out_because(built: Built, cid: str, schedule: Any) -> str:
    """Why the plan leaves a feature out, in a sentence: a deadline before it can be done, a prerequisite left out,
    or (the optimiser's choice) other features worth more for the same capacity."""
    inp = built.input
    c = next((x for x in inp.candidates if x.id == cid), None)
    if c is None:  # not put to the optimiser at all: a what-if dropped it (or what needs it)
        return "dropped in the scenario"
    if c.deadline is not None and c.deadline < c.span - 1:
        end = built.periods[max(c.deadline, 0)][1]
        return (f"its deadline falls in period {c.deadline + 1} (ending {end.isoformat()}), before it can be done: "
                f"it needs {c.span} periods of work from the plan's start")
    if c.deadline is not None and c.deadline < 0:
        return "its deadline is before the plan starts"
    missing = [built.info[d.prerequisite].title for d in inp.dependencies
               if d.feature == cid and d.prerequisite not in schedule and d.prerequisite in built.info]
    if missing:
        return f"it needs {', '.join(repr(t) for t in missing)}, which the plan leaves out"
    _span, per = span_needed(inp, c)
    if per > 0 and max(c.effort.values(), default=0.0) > per * inp.periods:
        return "it is bigger than what its team can do in the whole plan"
    if c.deadline is not None and c.deadline < inp.periods - 1:
        end = built.periods[c.deadline][1]
        return (f"it does not fit by its deadline (period {c.deadline + 1}, ending {end.isoformat()}) beside features "
                "worth more in those periods")
    return "the capacity it needs goes to features worth more in the same periods"


def result_of(built: Built, r: RoadmapPlan) -> dict[str, Any]:
    delivered, greedy_delivered = _delivered(built, r.schedule), _delivered(built, r.greedy_schedule)
    value = delivered[-1]["value"] if delivered else 0.0
    greedy_value = greedy_delivered[-1]["value"] if greedy_delivered else 0.0
    difference = round(value - greedy_value, 6)  # sums of the same values in another order differ by float noise
    not_chosen = [{"feature_id": i.feature_id, "title": i.title, "value": i.value, "effort_days": i.effort,
                   "reason": _left_out_because(built, c, r.schedule)}
                  for c, i in built.info.items() if c not in r.schedule]
    return {
        "status": r.status, "value": value, "bound": r.bound, "gap": r.gap, "seconds": round(r.seconds, 3),
        "value_source": built.value_source, "value_note": built.value_note, "value_unit": built.value_unit,
        "schedule": _rows(built, dict(r.schedule)),
        "greedy": {"value": greedy_value, "feasible": r.greedy_feasible,
                   "schedule": _rows(built, dict(r.greedy_schedule)),
                   "delivered": greedy_delivered},
        "value_difference": difference,
        "value_difference_pct": (difference / greedy_value) if greedy_value > 0 else None,
        "periods": [{"period": p + 1, "start": a.isoformat(), "end": b.isoformat()}
                    for p, (a, b) in enumerate(built.periods)],
        "delivered": delivered,
        # the periods to show "delivered by" at: a quarter, half, three quarters and all of the plan
        "milestones": sorted({max(0, -(-len(built.periods) * k // 4) - 1) for k in (1, 2, 3, 4)}),
        "capacity": {t.name: [round(x, 2) for x in t.capacity] for t in built.input.teams},
        "load": {k: [round(x, 2) for x in v] for k, v in r.load.items()},
        "kept_for_tech": {rule.team: rule.min_share for rule in built.input.rules if rule.team},  # feature work: the rest
        "not_chosen": not_chosen, "excluded": list(built.excluded),
        "notes": list(built.notes) + _spread_note(built, r.schedule) + _wip_note(built, r.schedule),
    }


def empty_result(built: Built) -> dict[str, Any]:
    return result_of(built, RoadmapPlan({}, 0.0, 0.0, 0.0, "optimal", 0.0, {}, 0.0, True, 0.0,
                                        {t.name: tuple(0.0 for _ in t.capacity) for t in built.input.teams}))


def _with_notes(built: Built, inp: PlanInput) -> Built:
    """``built`` solving ``inp`` (its work in progress held to the first periods or let go), with notes naming
    which work in progress is held there and which is planned where it fits."""
    titles = {c.id: f"'{built.info[c.id].title}'" for c in built.input.candidates if c.started}
    held = {c.id for c in inp.candidates if c.started}
    notes = list(built.notes)
    if held:
        notes.append("in progress, so worked on from the first period: "
                     + ", ".join(t for c, t in titles.items() if c in held))
    let_go = [t for c, t in titles.items() if c not in held]
    if let_go:
        notes.append("in progress, but the teams cannot carry on with all of it from the first period beside the "
                     "plan's promises, deadlines and must-haves, so "
                     + ", ".join(let_go) + (" is" if len(let_go) == 1 else " are")
                     + " planned where it fits: finish or pause some work in progress")
    return replace(built, input=inp, notes=tuple(notes))


# The last answers of `solved`, by their whole input: a what-if solves its plan's side again (kept close to the
# plan's answer) every time, and a PM tries several in a row. The same input gives the same answer (also when a
# time limit would have let HiGHS end elsewhere), so a repeated what-if and its plan side agree.
_SOLVED: OrderedDict[str, tuple[Built, RoadmapPlan | None]] = OrderedDict()
_SOLVED_KEEP = 16
_SOLVED_LOCK = threading.Lock()


def solved(built: Built) -> tuple[Built, RoadmapPlan | None]:
    """Solve with the core planner: the plan as solved (with notes on its work in progress) and the roadmap (None
    when there is nothing to plan). Work in progress is held to the first periods as far as the capacity allows
    (``core.planning.hold_started``); the rest of it is planned where it fits. Raises Infeasible naming the
    constraint, InvalidInput for bad input. An input solved lately is answered from memory (a copy)."""
    key = hashlib.sha256(repr(built).encode()).hexdigest()
    with _SOLVED_LOCK:
        if key in _SOLVED:
            _SOLVED.move_to_end(key)
            return copy.deepcopy(_SOLVED[key])
    answer = _solved(built)
    with _SOLVED_LOCK:
        _SOLVED[key] = copy.deepcopy(answer)
        while len(_SOLVED) > _SOLVED_KEEP:
            _SOLVED.popitem(last=False)
    return answer


def _solved(built: Built) -> tuple[Built, RoadmapPlan | None]:
    if not built.input.candidates:
        # still validates the teams (zero capacity) so the message is the same as with features
        plan_roadmap(replace(built.input, candidates=(Candidate("(none)", 0.0, {}),)))
        return built, None
    try:
        return _held_or_loose(built)
    except Infeasible as exc:
        if not any(c.committed for c in built.input.candidates):
            raise
        refusal = exc
    try:  # a promise no plan can keep does not stop the plan: it is planned without it, and named
        return _around_promises(built)
    except Infeasible:
        raise refusal from None


def _held_or_loose(built: Built) -> tuple[Built, RoadmapPlan]:
    """``built`` solved with its work in progress held to the first periods as far as the capacity allows, or, when
    that has no answer, with all of it planned where it fits."""
    held, _ = hold_started(built.input)
    work = _with_notes(built, held)
    try:
        return work, plan_roadmap(work.input)
    except Infeasible:
        if not any(c.started for c in held.candidates):
            raise
    loose = _with_notes(built, release_started(built.input))
    return loose, plan_roadmap(loose.input)


def _around_promises(built: Built) -> tuple[Built, RoadmapPlan]:
    """``built`` solved when its promises cannot all be kept: first without any promise (each promised feature
    keeps only the plan's own deadline; work in progress held as far as the capacity allows without them); then
    keeping every promise that plan happened to keep, and each other one that still fits beside them (most
    valuable first), so that only the promises no plan can keep alongside the others are let go; the notes name
    them. Raises Infeasible when the plan has no answer even without its promises."""
    promised = {c.id: c for c in built.input.candidates if c.committed}
    free = replace(built, input=replace(built.input, candidates=tuple(
        replace(c, deadline=built.info[c.id].own_deadline, committed=False) if c.id in promised else c
        for c in built.input.candidates)))
    work, roadmap = _held_or_loose(free)

    def keeping(kept: set[str]) -> PlanInput:  # the plan's input with these promises kept again
        return replace(work.input, candidates=tuple(
            replace(c, deadline=promised[c.id].deadline, committed=True) if c.id in kept else c
            for c in work.input.candidates))

    kept = {cid for cid, c in promised.items()
            if c.deadline is not None and roadmap.schedule.get(cid, c.deadline + 1) <= c.deadline}
    quick = min(built.input.time_limit, max(2.0, built.input.time_limit / 4))
    # Whether each other promise can be kept beside those is asked of a quick plan that keeps them all (placed
    # close to the last one, else the first HiGHS finds); a promise kept in no plan found within the time is let
    # go. The plan is solved once at the end, starting close to the last plan found.
    current = dict(roadmap.schedule)
    for c in sorted((c for cid, c in promised.items() if cid not in kept), key=lambda c: (-c.value, c.id)):
        try:
            found = any_plan(keeping(kept | {c.id}), current, quick)
        except Infeasible:
            continue
        if found is not None:
            kept.add(c.id)
            current = found
    inp = keeping(kept)
    # solved with its kept promises as rules, so that its sort-and-fill comparison keeps them too (and the same
    # inputs give the same comparison)
    roadmap = plan_roadmap(replace(inp, time_limit=quick, keep_close=tuple(current.items())))
    missed = [c for cid, c in promised.items() if cid not in kept]

    def broken(cid: str) -> str:  # the promises on it the plan misses: due before the period it is done in ends
        period = roadmap.schedule.get(cid)
        late = [p for p in work.info[cid].committed_to
                if period is None or work.periods[period][1] > date.fromisoformat(p.rpartition(" by ")[2])]
        return ", ".join(late or work.info[cid].committed_to)

    said = "; ".join(
        f"'{work.info[c.id].title}' to {broken(c.id)}"
        + (f" (done in period {roadmap.schedule[c.id] + 1} instead)" if c.id in roadmap.schedule else " (not chosen)")
        for c in missed)
    note = (f"{'a promise' if len(missed) == 1 else 'promises'} no plan can keep with the other work, so planned "
            f"without {'it' if len(missed) == 1 else 'them'}: {said} — renegotiate the date, cut scope or add people")
    return replace(work, input=inp, notes=(*work.notes, note)), roadmap


def solve(built: Built) -> dict[str, Any]:
    """The plan's result (see ``solved``)."""
    done, roadmap = solved(built)
    return result_of(done, roadmap) if roadmap is not None else empty_result(done)
