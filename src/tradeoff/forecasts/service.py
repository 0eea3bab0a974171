"""Forecasts: when each feature, release and the whole plan will be done, with probabilities.

The simulation is `core.forecasting_backlog.simulate_backlog` (effort ranges × team pace, WIP limits and
dependencies); the "how many items / when the next N" answer from the team's finished work is
`core.forecasting.forecast_throughput` (`forecasts.throughput`). This module only gathers their inputs and shapes
their answers; what it reads of the work history is remembered while that history stays the same
(`workitems.history`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from tradeoff.blockers.model import Blocker
from tradeoff.commitments import service as commitment_service
from tradeoff.core.forecasting_backlog import BacklogForecast, simulate_backlog
from tradeoff.core.forecasting_backlog_input import MIN_HISTORY_WEEKS, BacklogFeature, BacklogTeam, Release
from tradeoff.core.forecasting_backlog_summary import FinishForecast
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.model import TECHNICAL
from tradeoff.forecasts import gates as gate_mod
from tradeoff.forecasts.throughput import throughput_forecast as throughput_forecast
from tradeoff.plans import service as plan_service
from tradeoff.plans.model import Plan
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.teams.model import Hire, Team
from tradeoff.workitems import service as workitem_service
from tradeoff.workitems.history import WorkHistory

Source = Literal["auto", "capacity", "history"]
DEFAULT_TRIALS = 2000
DEFAULT_SEED = 20261122  # fixed: the same inputs give the same dates, so a recompute only moves when inputs do
SIMULATIONS_KEPT = 16  # per process; one 500-feature answer is about 1 MB


@dataclass(frozen=True)
class Entry:
    feature_id: int
    title: str
    team: Team
    optimistic: float
    likely: float
    pessimistic: float
    depends_on: tuple[int, ...]
    category: str
    split: tuple[tuple[Team, float], ...]  # each team's fraction of the work, lead (`team`) first
    planned: tuple[date, date] | None = None  # the plan's window for it (first day of work, last day to be done)
    confidence: float = 1.0  # how sure its estimator is that the effort lands in the range

    @property
    def teams(self) -> list[Team]:
        return [t for t, _ in self.split]

    @property
    def shared_with(self) -> list[str]:
        return [t.name for t, _ in self.split[1:]]


def feature_pace_share(team: Team, category: str) -> float:
    """The share of a team's pace a piece of its work goes at: features at most (1 − the team's tech share), as the
    plan's allocation rule keeps the rest for tech work; tech and platform work at the full pace (the rule is a
    floor for it, not a cap)."""
    return 1.0 if category in TECHNICAL else max(1.0 - float(team.tech_share), 0.05)


def _parts(entries: list[Entry], placed: Mapping[int, Sequence[gate_mod.Placed]] | None = None,
           ) -> tuple[list[BacklogFeature], dict[str, list[str]]]:
    """The simulation's features: one per entry, or one part per team when the work is shared (each with its
    team's fraction of the range), joined under the feature's id; `placed` blockers (`_placed`) each go before the
    first feature they hold up, and every feature they hold up waits for them."""
    placed = placed or {}
    waits: dict[int, list[str]] = {}
    for rows in placed.values():
        for g in rows:
            if g.feature is not None:
                for fid in g.held:
                    waits.setdefault(fid, []).append(g.feature.key)
    feats: list[BacklogFeature] = []
    joins: dict[str, list[str]] = {}
    for e in entries:
        feats += [g.feature for g in placed.get(e.feature_id, ()) if g.feature is not None]
        key = str(e.feature_id)
        deps = tuple(str(d) for d in e.depends_on) + tuple(waits.get(e.feature_id, ()))
        # a feature's work on a team with a tech share goes at the rest of its pace: as if that much bigger
        parts = [BacklogFeature(f"{key}@{t.name}" if len(e.split) > 1 else key, t.name,
                                e.optimistic * share / (k := feature_pace_share(t, e.category)), e.likely * share / k,
                                e.pessimistic * share / k, deps, e.confidence)
                 for t, share in e.split]
        if len(parts) > 1:
            joins[key] = [x.key for x in parts]
        feats += parts
    return feats, joins


def _placed(entries: Sequence[Entry], gates: Sequence[gate_mod.Gate]) -> dict[int, list[gate_mod.Placed]]:
    """Where the simulation puts each open blocker and risk among `entries` (`gates.place`)."""
    return gate_mod.place(gates, [e.feature_id for e in entries],
                          {e.feature_id: e.team.name for e in entries},
                          {t.id: t.name for e in entries for t in e.teams})


def _gate_rows(placed: Mapping[int, Sequence[gate_mod.Placed]], fc: BacklogForecast | None,
               entries: Sequence[Entry]) -> list[dict[str, Any]]:
    finish = {f.name: f for f in fc.features} if fc is not None else {}
    return gate_mod.about([g for rows in placed.values() for g in rows], finish,
                          {e.feature_id: e.title for e in entries})


def _features_only(fc: BacklogForecast) -> BacklogForecast:
    """The forecast without its blockers' own rows: what callers that list features read."""
    return replace(fc, features=tuple(f for f in fc.features if not gate_mod.is_gate(f.name)))


def _backlog(uow: UnitOfWork, workspace_id: int, plan: Plan | None, only_plan: bool,
             dpp: float, work: WorkHistory, windows: Mapping[int, tuple[date, date]] | None = None,
             ) -> tuple[list[Entry], list[dict[str, Any]]]:
    """The features to forecast, in the plan's order (`windows`: another schedule's, a what-if's), each with what
    is left of its estimate (`work`: the work history, which says how much of it is done), and those that cannot
    be forecast with why."""
    estimates = estimate_service.forecast_inputs(uow=uow, workspace_id=workspace_id)
    teams = team_service.active(uow=uow, workspace_id=workspace_id)
    by_id = {t.id: t for t in teams}
    if windows is None:
        windows = plan.planned_windows() if plan is not None else {}
    scheduled = list(windows)  # in the order the plan starts them
    # only what can be forecast or must be named as skipped: not every open idea of the workspace
    titles = plan_service.open_titles(uow=uow, workspace_id=workspace_id, estimated_only=True, or_among=scheduled)
    order: list[int] = []
    if scheduled:
        order = [fid for fid in scheduled if fid in titles]
    if not only_plan:
        first = set(order)
        order += sorted(fid for fid in titles if fid in estimates and fid not in first)
    skipped: list[dict[str, Any]] = []
    entries: list[Entry] = []
    done = work.progress(uow=uow, feature_ids=order)
    for fid in order:
        est = estimates.get(fid)
        title = titles[fid]
        if est is None:
            skipped.append({"feature_id": fid, "title": title, "reason": "no estimate"})
            continue
        team = by_id.get(est.team_id) if est.team_id is not None else (teams[0] if len(teams) == 1 else None)
        if team is None:
            skipped.append({"feature_id": fid, "title": title, "reason": "its estimate names no active team"})
            continue
        outside = [int(t) for t in est.team_shares if int(t) not in by_id]
        if outside:
            names = team_service.names(uow=uow, workspace_id=workspace_id, ids=outside)
            skipped.append({"feature_id": fid, "title": title,
                            "reason": f"part of its work is for {', '.join(names)}, which is not an active team"})
            continue
        # what is left of it: the share of its linked work items already done no longer counts
        k = (dpp if est.unit == "points" else 1.0) * workitem_service.left_share(
            done, fid, estimate_service.likely_points(est, dpp))
        entries.append(Entry(fid, title, team, est.optimistic * k, est.likely * k, est.pessimistic * k,
                             tuple(est.depends_on), est.category,
                             tuple((by_id[t], share) for t, share in
                                   estimate_service.team_fractions(team.id, est.team_shares).items()),
                             windows.get(fid), float(est.confidence)))
    keep = {e.feature_id for e in entries}
    entries = [replace_deps(e, keep) for e in entries]
    return entries, skipped


def replace_deps(e: Entry, keep: set[int]) -> Entry:
    return replace(e, depends_on=tuple(d for d in e.depends_on if d in keep))


class _Thin(Exception):
    """A team's history is too thin for a history-based forecast (the message says what it needs)."""


def _team_input(uow: UnitOfWork, workspace_id: int, team: Team, start: date, today: date, source: Source,
                dpp: float, work: WorkHistory, hires: Sequence[Hire] = ()) -> tuple[BacklogTeam, dict[str, Any]]:
    """The team as the simulation sees it. `hires` (a what-if) add full-time people: to a capacity-based pace
    their days, to a history-based one the same share of the team's usual week; from the day each joins, rising
    to full pace over their ramp-up (weeks before that go at a share of the grown pace in the calendar)."""
    history = work.weekly_points(uow=uow, team_id=team.id, today=today)
    usual = team.usual_week()
    extra_people = sum(h.people for h in hires)
    grow = (usual + 5.0 * extra_people) / usual if usual > 0 and extra_people else 1.0
    calendar = team.calendar(start)
    away = sum(1 for c in calendar if c < 1)
    if grow != 1.0:
        calendar = _with_hires(team, calendar, start, hires)
    usual *= grow
    use_history = source == "history" or (source == "auto" and len(history) >= MIN_HISTORY_WEEKS
                                          and sum(history) > 0)
    about: dict[str, Any] = {"team": team.name, "wip_limit": team.wip_limit,
                             "capacity_per_week": round(usual, 2), "history_weeks": len(history),
                             "weeks_with_people_away": away}
    slower = (f"; {away} week{'s' if away != 1 else ''} ahead with people away go at that week's share of "
              "capacity") if away else ""
    if team.tech_share > 0:
        about["kept_for_tech"] = float(team.tech_share)
        slower += (f"; features go at {1 - team.tech_share:.0%} of it, {team.tech_share:.0%} being kept for tech and "
                   "platform work (the allocation rule), which may use all of it")
    if use_history and len(history) < MIN_HISTORY_WEEKS:
        raise _Thin(f"team {team.name!r}: needs at least {MIN_HISTORY_WEEKS} weeks of throughput history (finished "
                    f"work items with story points); has {len(history)}. Import work history (tradeoff import "
                    "workitems) or forecast from the team's capacity (source=capacity)")
    if use_history:
        # weeks when the team had other people in it are scaled to its size now (its member changes, from the
        # audit trail): a team that lost a person is not forecast at the pace it had with them
        end = datetime(today.year, today.month, today.day, tzinfo=UTC)
        starts = [end - timedelta(days=7 * (len(history) - j)) for j in range(len(history))]
        then = team_service.usual_weeks(uow=uow, workspace_id=workspace_id, team=team, week_starts=starts)
        now = team.usual_week()
        size = [now / u if u > 0 and now > 0 else 1.0 for u in then]
        pace = tuple(x * dpp * grow * k for x, k in zip(history, size, strict=True))
        if any(abs(k - 1.0) > 1e-9 for k in size):
            slower += (f"; {sum(1 for k in size if abs(k - 1.0) > 1e-9)} of those weeks had a team of another size, "
                       "scaled to its size now")
        about |= {"source": "history", "mean_per_week": round(float(np.mean(pace)), 2) if pace else 0.0,
                  "explanation": f"pace drawn from {len(history)} weeks of finished story points "
                                 f"(× {dpp:g} person-days per point), zero weeks kept{slower}"
                                 + _grown(grow, hires, start)}
        return BacklogTeam(team.name, throughput_history=pace, wip_limit=team.wip_limit, calendar=calendar), about
    if usual <= 0:
        raise InvalidInput(f"team {team.name} has zero capacity: add members, or check their availability and "
                           "holidays, before forecasting its work",
                           [FieldError(["teams", team.name, "capacity"], "zero capacity", 0)])
    about |= {"source": "capacity", "explanation": f"{usual:.1f} person-days a week from {len(team.members)} "
                                                   f"members' availability{slower}" + _grown(grow, hires, start)}
    return BacklogTeam(team.name, capacity_per_week=usual, wip_limit=team.wip_limit, calendar=calendar), about


def _with_hires(team: Team, calendar: tuple[float, ...], start: date, hires: Sequence[Hire],
                max_weeks: int = 156) -> tuple[float, ...]:
    """The team's calendar (weekly shares of its usual pace) as a share of its pace with `hires`, until the last of
    them works at full pace: a week before someone joins, or while they ramp up, goes at less than the grown pace.
    The members' calendar as it is when every hire is at full pace from `start`."""
    usual = team.usual_week()
    added = 5.0 * sum(h.people for h in hires)
    full = max(h.full_pace for h in hires)
    weeks = min(max_weeks, max(len(calendar), (full - start).days // 7 + 1 if full > start else 0))
    off = team.days_off_ranges()
    shares = []
    for w in range(weeks):
        a = start + timedelta(weeks=w)
        members = calendar[w] if w < len(calendar) else 1.0
        shares.append(round((members * usual + sum(h.days(a, a + timedelta(days=7), off) for h in hires))
                            / (usual + added), 4))
    return tuple(shares)


def _grown(grow: float, hires: Sequence[Hire], start: date) -> str:
    """'; × 1.20 for 1 more person (joining 2027-02-01, 4 weeks to full pace)' for a what-if's explanation."""
    if grow == 1.0:
        return ""
    people = sum(h.people for h in hires)
    when = "; ".join(d for h in hires if (d := h.describe(start)))
    return (f"; × {grow:.2f} for {people:g} more {'person' if people == 1 else 'people'}"
            + (f" ({when})" if when else ""))


PLANNED = "\x00planned"  # the pseudo-release of the plan's own features (no release can be named so)


def _finish(f: FinishForecast, start: date, histogram: bool = True) -> dict[str, Any]:
    out = {"p50": f.p50.isoformat(), "p85": f.p85.isoformat(), "p95": f.p95.isoformat(),
           "p50_weeks": round(f.p50_weeks, 2), "p85_weeks": round(f.p85_weeks, 2),
           "p95_weeks": round(f.p95_weeks, 2), "probability_by_target": f.probability_by_target,
           # kept to a millionth of a week (under a second): rebuilt from them, a P-date keeps its chance
           "levels": list(f.levels), "weeks": [round(w, 6) for w in f.weeks],
           "max_weeks": round(f.histogram[-1][1], 3)}
    if histogram:
        out["histogram"] = [{"from": (start + timedelta(days=a * 7)).isoformat(),
                             "to": (start + timedelta(days=b * 7)).isoformat(), "probability": p}
                            for a, b, p in f.histogram]
    return out


def simulate(feats: tuple[BacklogFeature, ...], teams: tuple[BacklogTeam, ...], *, start: date, seed: int,
             trials: int, releases: tuple[Release, ...] = (), target: date | None = None,
             joins: Mapping[str, list[str]] | None = None) -> BacklogForecast:
    """`simulate_backlog` with a fresh generator seeded by `seed`, remembered for the last few inputs: the
    simulation is a pure function of them, so every page that shows the same dates (the board, a feature's
    delivery, the needs-attention list, a brief) runs it once, until an estimate, a team, the plan or the day
    changes its input. The answer is immutable, so it is safe to share."""
    return _simulate(feats, teams, start, seed, trials, releases, target,
                     tuple((k, tuple(v)) for k, v in (joins or {}).items()))


@lru_cache(maxsize=SIMULATIONS_KEPT)
def _simulate(feats: tuple[BacklogFeature, ...], teams: tuple[BacklogTeam, ...], start: date, seed: int, trials: int,
              releases: tuple[Release, ...], target: date | None,
              joins: tuple[tuple[str, tuple[str, ...]], ...]) -> BacklogForecast:
    return simulate_backlog(feats, teams, start=start, rng=np.random.default_rng(seed), trials=trials,
                            releases=releases, target=target, joins={k: list(v) for k, v in joins}, keyed_seed=seed)


def forecast(*, uow: UnitOfWork, workspace_id: int, today: date, plan_id: int | None = None,
             target: date | None = None, source: Source = "auto", trials: int = DEFAULT_TRIALS,
             seed: int | None = None, throughput: bool = True,
             histograms: bool | Collection[int] = True) -> dict[str, Any]:
    """Forecast the plan `plan_id` (its scheduled features), or the workspace: the live plan's features in their
    order, then every other estimated feature. `target`: a date to give P(done by) for (not in the past).
    `histograms`: which features' finish-date histograms to include (all, none, or these ids): a caller that
    reads only dates and chances saves building thousands of them."""
    if target is not None and target < today:
        raise InvalidInput(f"target {target} is in the past (today is {today}); ask about a future date",
                           [FieldError(["query", "target"], "in the past", target.isoformat())])
    if not 100 <= trials <= 50_000:
        raise InvalidInput(f"trials must be between 100 and 50000, got {trials}",
                           [FieldError(["query", "trials"], "out of range", trials)])
    plan = plan_service.get(uow=uow, workspace_id=workspace_id, plan_id=plan_id) if plan_id else \
        plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    if plan_id and plan is not None and not plan.result:
        raise InvalidInput(f"plan '{plan.name}' is not solved yet; solve it first (POST …/plans/{plan_id}/solve)",
                           [FieldError(["query", "plan_id"], "not solved", plan_id)])
    dpp = plan.days_per_point if plan else 1.0
    work = WorkHistory.of(uow=uow, workspace_id=workspace_id)  # what is read of it is remembered while it stays
    entries, skipped = _backlog(uow, workspace_id, plan, only_plan=bool(plan_id), dpp=dpp, work=work)
    # the plan's work starts when the plan does (the live plan's too): never before today
    start = max(today, plan.start) if plan else today
    teams: dict[str, BacklogTeam] = {}
    about: list[dict[str, Any]] = []
    thin = ""
    for team in {t.id: t for e in entries for t in e.teams}.values():
        if team.name not in teams:
            try:
                bt, info = _team_input(uow, workspace_id, team, start, today, source, dpp, work)
            except _Thin as exc:
                thin = thin or str(exc)
                continue
            teams[team.name] = bt
            about.append(info)
    placed = _placed(entries, gate_mod.gates(uow=uow, workspace_id=workspace_id))
    feats, joins = _parts(entries, placed)
    keys = {str(e.feature_id) for e in entries}
    releases, aimed, unforecast = [], [], []
    for r in (plan.releases if plan else []):
        members = tuple(str(x) for x in r["feature_ids"] if str(x) in keys)
        if members:
            releases.append(Release(r["name"], members))
            aimed.append(r)
        else:  # none of its features is in this forecast: listed, saying so, not dropped
            unforecast.append({"name": r["name"], "p50": None, "p85": None, "p95": None, "target": r.get("target"),
                               "target_probability": None, "features": [],
                               "not_forecast": [int(x) for x in r["feature_ids"]]})
    # the plan's own features, when others (estimated, not planned) are forecast after them: "when is the plan
    # done?" is about these, not about everything estimated
    planned_keys = tuple(str(e.feature_id) for e in entries if e.planned is not None)
    if planned_keys and len(planned_keys) < len(entries):
        releases.append(Release(PLANNED, planned_keys))
    result: dict[str, Any] = {"start": start.isoformat(), "today": today.isoformat(),
                              "target": target.isoformat() if target else None, "trials": trials,
                              "plan_id": plan.id if plan else None, "plan_name": plan.name if plan else None,
                              "source": source, "teams": about, "skipped": skipped,
                              "unit": "person-days"}
    seed = DEFAULT_SEED if seed is None else seed
    # the throughput answer draws from its own stream: the same whether or not the simulation was remembered
    rng = np.random.default_rng([seed, 1])
    if thin:
        result |= {"status": "declined", "reason": thin, "features": [], "releases": [], "plan": None,
                   "blockers": _gate_rows(placed, None, entries)}
        if throughput:
            result["throughput"] = throughput_forecast(uow=uow, workspace_id=workspace_id, today=today, rng=rng,
                                                       work=work)
        return result
    fc = simulate(tuple(feats), tuple(teams.values()), start=start, seed=seed, trials=trials,
                  releases=tuple(releases), target=target, joins=joins)
    result |= {"status": fc.status, "reason": fc.reason, "blockers": _gate_rows(placed, fc, entries)}
    fc = _features_only(fc)
    by_key = {str(e.feature_id): e for e in entries}
    result["features"] = [{"feature_id": int(f.name), "title": by_key[f.name].title,
                           "team": by_key[f.name].team.name, "category": by_key[f.name].category,
                           "shared_with": by_key[f.name].shared_with,
                           **against_plan(by_key[f.name].planned, f.p50),
                           **_finish(f, start, histograms is True or (histograms is not False
                                                                      and int(f.name) in histograms))}
                          for f in fc.features]
    own = next((r for r in fc.releases if r.name == PLANNED), None)
    result["releases"] = [_release(r, plan_r, start, result["features"])
                          for r, plan_r in zip((r for r in fc.releases if r.name != PLANNED), aimed, strict=True)]
    result["releases"] += unforecast
    result["plan"] = _finish(fc.plan, start) if fc.plan else None
    # the planned features alone (None when every forecast feature is planned: then it is `plan`)
    result["planned_features"] = ({**_finish(own, start, histogram=False), "count": len(planned_keys)}
                                  if own is not None else None)
    if throughput:
        result["throughput"] = throughput_forecast(uow=uow, workspace_id=workspace_id, today=today, rng=rng,
                                                       work=work)
    return result


@dataclass(frozen=True)
class RoadmapSimulation:
    """The workspace's roadmap forecast as plain data: `forecast` is None when it cannot be made (`reason` says
    why); `skipped`: feature id -> why that feature is not forecast; `teams`: the teams simulated; `blockers`: the
    blockers and risks counted (as `forecast()` lists them)."""

    forecast: BacklogForecast | None
    reason: str
    skipped: dict[int, str]
    teams: tuple[str, ...]
    blockers: tuple[dict[str, Any], ...] = ()
    start: date | None = None  # the day it starts from: the live plan's start when that is later than asked


def simulate_roadmap(*, uow: UnitOfWork, workspace_id: int, start: date, without_blockers: Collection[int] = (),
                     adding_blockers: Sequence[Blocker] = ()) -> RoadmapSimulation:
    """The same simulation as the Forecast screen (live plan's order, team inputs, open blockers, fixed seed and
    trials), but for the blockers in `without_blockers` and with `adding_blockers` (closed ones): a blocker's cost is
    the difference it makes. Used by briefs and blocker impact so their dates match the Forecast screen."""
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    dpp = plan.days_per_point if plan else 1.0
    today, start = start, max(start, plan.start) if plan else start  # as forecast(): from the plan's start
    work = WorkHistory.of(uow=uow, workspace_id=workspace_id)
    entries, skipped_rows = _backlog(uow, workspace_id, plan, only_plan=False, dpp=dpp, work=work)
    skipped = {int(r["feature_id"]): str(r["reason"]) for r in skipped_rows}
    if not entries:
        return RoadmapSimulation(None, "estimate the planned features (effort range and team) to forecast them",
                                 skipped, (), start=start)
    teams: dict[str, BacklogTeam] = {}
    try:
        for team in {t.id: t for e in entries for t in e.teams}.values():
            if team.name not in teams:
                teams[team.name] = _team_input(uow, workspace_id, team, start, today, "auto", dpp, work)[0]
    except _Thin as exc:
        return RoadmapSimulation(None, str(exc), skipped, (), start=start)
    placed = _placed(entries, gate_mod.gates(uow=uow, workspace_id=workspace_id, without=without_blockers,
                                             adding=adding_blockers))
    feats, joins = _parts(entries, placed)
    team_names = {t.name for e in entries for t in e.teams}
    fc = simulate(tuple(feats), tuple(teams.values()), start=start, seed=DEFAULT_SEED, trials=DEFAULT_TRIALS,
                  joins=joins)
    if fc.status != "ok":
        return RoadmapSimulation(None, fc.reason, skipped, tuple(sorted(team_names)), start=start)
    return RoadmapSimulation(_features_only(fc), "", skipped, tuple(sorted(team_names)),
                             tuple(_gate_rows(placed, fc, entries)), start)


def against_plan(window: tuple[date, date] | None, p50: date) -> dict[str, Any]:
    """The plan's window for a feature beside its forecast, more likely than not: `against_plan` is "later" when
    the P50 date is after the window ends (at the team's measured pace and WIP limit it more likely than not
    finishes after its planned period), "sooner" when the P50 date is before the window opens (the team's pace
    leaves room to do it before its period), "in window" otherwise, and None when the plan does not schedule it.
    The P85 date beside it says how sure; promises are checked against their own dates (commitments)."""
    if window is None:
        return {"planned_from": None, "planned_to": None, "against_plan": None}
    status = "later" if p50 > window[1] else "sooner" if p50 < window[0] else "in window"
    return {"planned_from": window[0].isoformat(), "planned_to": window[1].isoformat(), "against_plan": status}


def paced_by_history(fc: dict[str, Any]) -> bool:
    """Whether a forecast() answer goes at some team's measured pace (its work history), not only at capacity."""
    return any(t.get("source") == "history" for t in fc.get("teams", []))


def later_than_planned(features: Iterable[dict[str, Any]]) -> int:
    """How many of a forecast's features more likely than not finish after the period their plan has them in
    (`against_plan` "later"): the plan fills periods to capacity, the forecast goes at the teams' measured pace."""
    return sum(1 for f in features if f.get("against_plan") == "later")


def _release(r: FinishForecast, planned: dict[str, Any], start: date,
             features: list[dict[str, Any]]) -> dict[str, Any]:
    """A release's dates, its features' P85 (latest first: the first one sets the date) and, when it has a
    target date, the chance of making it."""
    ids = [int(x) for x in planned["feature_ids"]]
    mine = sorted((f for f in features if f["feature_id"] in ids), key=lambda f: f["p85"], reverse=True)
    target = planned.get("target")
    return {"name": r.name, **_finish(r, start), "target": target,
            "target_probability": r.probability_by(start, date.fromisoformat(target)) if target else None,
            "features": [{"feature_id": f["feature_id"], "title": f["title"], "team": f["team"], "p50": f["p50"],
                          "p85": f["p85"]} for f in mine],
            "not_forecast": [i for i in ids if i not in {f["feature_id"] for f in mine}],
            **planned_finish(mine, target)}


def planned_finish(features: list[dict[str, Any]], target: str | None) -> dict[str, Any]:
    """When the plan finishes these (forecast) features of a release: the end of the last one's planned period;
    the ones it does not schedule; and whether that misses the release's target. The plan's own answer beside the
    forecast's chance (capacity against measured pace)."""
    ends = [f.get("planned_to") for f in features]
    last = max((e for e in ends if e), default=None)
    unplanned = [f["feature_id"] for f, e in zip(features, ends, strict=True) if not e]
    misses = bool(target and ((last and last > target) or unplanned))
    if unplanned:
        note = f"the plan does not schedule {len(unplanned)} of its features"
    elif last:
        note = f"the plan schedules it by {last}" + (", after its target" if misses else "")
    else:
        note = ""
    return {"planned_end": last, "unplanned": unplanned, "plan_misses_target": misses, "plan_note": note}


def feature_forecast(*, uow: UnitOfWork, workspace_id: int, feature_id: int, today: date,
                     target: date | None = None, source: Source = "auto",
                     trials: int = DEFAULT_TRIALS) -> dict[str, Any]:
    """When one feature will be done, in the live plan's order (the whole backlog is simulated: what comes
    before it and shares its teams decides its date); `forecast` is None and `reason` says why when it is not
    forecast."""
    from tradeoff.features import service as feature_service
    from tradeoff.records import service as records

    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    fc = forecast(uow=uow, workspace_id=workspace_id, today=today, target=target, source=source, trials=trials,
                  throughput=False, histograms={feature_id})
    row = next((f for f in fc["features"] if f["feature_id"] == feature_id), None)
    skipped = next((s for s in fc["skipped"] if s["feature_id"] == feature_id), None)
    reason = fc["reason"] or (skipped["reason"] if skipped else "" if row else
                              "not in the backlog (shipped or not estimated)")
    return {"feature_id": feature_id, "status": "ok" if row else "declined", "reason": "" if row else reason,
            "start": fc["start"], "target": fc["target"], "trials": fc["trials"], "teams": fc["teams"],
            "forecast": row, "held_up_by": [b for b in fc.get("blockers", []) if b["counted"]
                                            and feature_id in {h["feature_id"] for h in b["held_up"]}]}


def _rebuilt(row: dict[str, Any], name: str) -> FinishForecast:
    """The quantile function of a forecast() row (a feature's or a release's), enough to ask it for chances and
    dates again."""
    start = date.fromisoformat(row["p50"])  # the dates are not used: only levels and weeks are
    return FinishForecast(name, start, start, start, 0.0, 0.0, 0.0, tuple(row["levels"]), tuple(row["weeks"]),
                          ((0.0, row["max_weeks"], 1.0),))


def _finish_of(fc: dict[str, Any], feature_id: int) -> tuple[date, FinishForecast] | None:
    for f in fc.get("features", []):
        if f["feature_id"] == feature_id:
            return date.fromisoformat(fc["start"]), _rebuilt(f, str(feature_id))
    return None


def release_date_at(fc: dict[str, Any], name: str, level: float) -> date | None:
    """The first day a forecast() answer gives the release (all its forecast features done) at least `level`
    chance; None when none of its features was forecast."""
    for r in fc.get("releases", []):
        if r["name"] == name and r["p50"] is not None:
            return _rebuilt(r, name).date_at(date.fromisoformat(fc["start"]), level)
    return None


def feature_date_at(fc: dict[str, Any], feature_id: int, level: float) -> date | None:
    """The first day a forecast() answer gives the feature at least `level` chance of being done; None when
    it was not forecast."""
    found = _finish_of(fc, feature_id)
    return None if found is None else found[1].date_at(found[0], level)


def feature_probability(fc: dict[str, Any], feature_id: int, when: date) -> float | None:
    """P(feature done on or before `when`) from a forecast() answer; None when it was not forecast."""
    found = _finish_of(fc, feature_id)
    return None if found is None else found[1].probability_by(found[0], when)


@dataclass(frozen=True)
class Scenario:
    """A plan's forecast inputs changed as a what-if changes them: its schedule (feature id -> first day of work,
    last day to be done), people added per team id, features dropped, the share of scope kept per feature, and
    deadlines moved (feature id -> the day its promises would be due instead)."""

    windows: Mapping[int, tuple[date, date]]
    extra_people: Mapping[int, Sequence[Hire]] = field(default_factory=dict)
    dropped: frozenset[int] = frozenset()
    keep: Mapping[int, float] = field(default_factory=dict)
    due: Mapping[int, date] = field(default_factory=dict)  # a feature's deadline moved: its promises are due then


def scenario_dates(*, uow: UnitOfWork, workspace_id: int, plan: Plan, today: date,
                   scenario: Scenario) -> dict[str, Any]:
    """When each feature of a schedule would be done (P50/P85/P95) and the chance of each open promise about them,
    with the what-if's changes: the same simulation, seed and trials as the Forecast screen, so that the plan's
    own schedule given here gives its dates. `status` "declined" (with `reason`) when it cannot be forecast."""
    dpp = plan.days_per_point
    work = WorkHistory.of(uow=uow, workspace_id=workspace_id)
    entries, _skipped = _backlog(uow, workspace_id, plan, only_plan=True, dpp=dpp, work=work,
                                 windows=scenario.windows)
    entries = [replace(e, optimistic=e.optimistic * scenario.keep.get(e.feature_id, 1.0),
                       likely=e.likely * scenario.keep.get(e.feature_id, 1.0),
                       pessimistic=e.pessimistic * scenario.keep.get(e.feature_id, 1.0))
               for e in entries if e.feature_id not in scenario.dropped]
    keep = {e.feature_id for e in entries}
    entries = [replace_deps(e, keep) for e in entries]
    start = max(today, plan.start)
    if not entries:
        return {"status": "declined", "reason": "none of its features is estimated", "features": {}, "commitments": []}
    teams: dict[str, BacklogTeam] = {}
    try:
        for team in {t.id: t for e in entries for t in e.teams}.values():
            teams[team.name] = _team_input(uow, workspace_id, team, start, today, "auto", dpp, work,
                                           hires=scenario.extra_people.get(team.id, ()))[0]
    except _Thin as exc:
        return {"status": "declined", "reason": str(exc), "features": {}, "commitments": []}
    feats, joins = _parts(entries, _placed(entries, gate_mod.gates(uow=uow, workspace_id=workspace_id)))
    fc = simulate(tuple(feats), tuple(teams.values()), start=start, seed=DEFAULT_SEED, trials=DEFAULT_TRIALS,
                  joins=joins)
    if fc.status != "ok":
        return {"status": "declined", "reason": fc.reason, "features": {}, "commitments": []}
    by_id = {int(f.name): f for f in _features_only(fc).features}
    promises = []
    for fid, rows in commitment_service.open_by_feature(uow=uow, workspace_id=workspace_id).items():
        for c in rows:
            f = by_id.get(fid)
            due = scenario.due.get(fid, c.due)
            promises.append({"commitment_id": c.id, "feature_id": fid, "customer": c.customer_name,
                             "due": due.isoformat(),
                             "probability": round(f.probability_by(start, due), 4) if f is not None else None})
    return {"status": "ok", "reason": "", "start": start.isoformat(),
            "features": {fid: {"p50": f.p50.isoformat(), "p85": f.p85.isoformat(), "p95": f.p95.isoformat()}
                         for fid, f in by_id.items()},
            "commitments": sorted(promises, key=lambda p: (p["due"], p["commitment_id"]))}
