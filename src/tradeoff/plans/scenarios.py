"""What-if scenarios of a plan: more people, features dropped, deadlines moved, scope cut; solved beside the
plan (which is not changed) and compared with it. Built on `plans.solver`'s input and result."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from tradeoff.core.planning import KeptClose, compare_plans, fit_spans
from tradeoff.core.planning import Team as PlanTeam
from tradeoff.errors import FieldError, Infeasible, InvalidInput
from tradeoff.plans.model import Plan
from tradeoff.plans.schemas import AddPeople, WhatIfIn
from tradeoff.plans.solver import Built, empty_result, result_of, solved
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.teams.model import Hire


def scenario(*, uow: UnitOfWork, workspace_id: int, plan: Plan, base: Built, data: WhatIfIn) -> Built:
    """`base` with the what-if changes applied (nothing is written)."""
    inp = base.input
    by_fid = {i.feature_id: c for c, i in base.info.items()}

    def cid_of(fid: int, loc: list[str | int]) -> str:
        if fid not in by_fid:
            raise InvalidInput(f"feature {fid} is not a candidate of plan '{plan.name}'",
                               [FieldError(["body", *loc], "not in the plan", fid)])
        return by_fid[fid]

    teams = {t.name: list(t.capacity) for t in inp.teams}
    active = {t.id: t for t in team_service.active(uow=uow, workspace_id=workspace_id)}
    for i, add in enumerate(data.add_people):
        team = active.get(add.team_id)
        if team is None or team.name not in teams:
            raise InvalidInput(f"add_people[{i}]: team {add.team_id} is not in this plan",
                               [FieldError(["body", "add_people", i, "team_id"], "not in the plan", add.team_id)])
        if add.start is not None and add.start > plan.end:
            raise InvalidInput(f"add_people[{i}].start: {add.start} is after the plan ends ({plan.end}): they would "
                               "add nothing to it", [FieldError(["body", "add_people", i, "start"], "after the plan ends",
                                                                add.start.isoformat())])
        # a period's bounds are its first and last day: a full-time person adds its working days from the day they
        # join (outside the team's days off), at the share of full pace reached by each day
        hire = hire_of(add, plan.start)
        off = team.days_off_ranges()
        teams[team.name] = [cap + hire.days(a, b + timedelta(days=1), off)
                            for cap, (a, b) in zip(teams[team.name], base.periods, strict=True)]
    asked = {cid_of(fid, ["drop_features", k]) for k, fid in enumerate(data.drop_features)}
    drop = set(asked)
    because: dict[str, str] = {}  # a feature dropped with another -> the one it needs
    changed = True
    while changed:  # what needs a dropped feature goes too
        changed = False
        for d in inp.dependencies:
            if d.prerequisite in drop and d.feature not in drop:
                drop.add(d.feature)
                because[d.feature] = d.prerequisite
                changed = True
    deadlines: dict[str, int | None] = {}
    for k, m in enumerate(data.move_deadlines):
        moved = cid_of(m.feature_id, ["move_deadlines", k, "feature_id"])
        p = plan.deadline_period(m.deadline)
        if p < 0:
            raise InvalidInput(f"move_deadlines[{k}]: {m.deadline} is before the end of the plan's first period",
                               [FieldError(["body", "move_deadlines", k, "deadline"], "too early",
                                           m.deadline.isoformat())])
        deadlines[moved] = min(p, plan.periods - 1) if m.deadline <= plan.end else None
    keep = {cid_of(s.feature_id, ["cut_scope", k, "feature_id"]): s.keep for k, s in enumerate(data.cut_scope)}
    cands = []
    info = dict(base.info)
    for c in inp.candidates:
        if c.id in drop:
            continue
        if c.id in deadlines:
            c = replace(c, deadline=deadlines[c.id], committed=c.committed and deadlines[c.id] is not None)
        if c.id in keep:
            c = replace(c, effort={t: e * keep[c.id] for t, e in c.effort.items()})
            info[c.id] = replace(info[c.id], effort=round(info[c.id].effort * keep[c.id], 2),
                                 effort_by_team=tuple((n, round(e * keep[c.id], 2))
                                                      for n, e in info[c.id].effort_by_team))
        cands.append(c)
    # more people or less scope: a big feature may now need fewer periods
    new = fit_spans(replace(inp, candidates=tuple(cands), teams=tuple(PlanTeam(n, tuple(v)) for n, v in teams.items()),
                  dependencies=tuple(d for d in inp.dependencies if d.feature not in drop and d.prerequisite not in drop),
                  time_limit=data.time_limit or inp.time_limit))
    notes: list[str] = list(base.notes)
    if drop:
        notes.append("dropped: " + ", ".join(base.info[d].title for d in sorted(asked))
                     + "".join(f"; and {base.info[d].title}, which needs {base.info[because[d]].title}"
                               for d in sorted(drop - asked)))
    return replace(base, input=new, info=info, notes=tuple(notes))


def hire_of(add: AddPeople, start: date) -> Hire:
    """An `add_people` change as the people it adds: joining on its day, or `start` (the plan's) when none."""
    return Hire(add.people, add.start or start, add.ramp_up_weeks)


def describe(*, uow: UnitOfWork, workspace_id: int, plan: Plan, base: Built, data: WhatIfIn) -> str:
    """A what-if's name from its changes: '+1 person on Payments, without Dunning, Credit notes cut to 60%'."""
    teams = {t.id: t.name for t in team_service.active(uow=uow, workspace_id=workspace_id)}
    titles = {i.feature_id: i.title for i in base.info.values()}

    def title(fid: int) -> str:
        return titles.get(fid, f"#{fid}")

    parts = [f"{a.people:+g} {'person' if a.people == 1 else 'people'} on {teams.get(a.team_id, f'team {a.team_id}')}"
             + (f" ({when})" if (when := hire_of(a, plan.start).describe(plan.start)) else "")
             for a in data.add_people]
    parts += [f"without {title(f)}" for f in data.drop_features]
    parts += [f"{title(d.feature_id)} due {d.deadline.isoformat()}" for d in data.move_deadlines]
    parts += [f"{title(c.feature_id)} cut to {c.keep:.0%}" for c in data.cut_scope]
    return ", ".join(parts) or "no change"


def compare(base: Built, other: Built, name: str) -> dict[str, Any]:
    """Solve the plan and the scenario; show both and what changed. An infeasible scenario is reported, not raised."""
    base, b = solved(base) if base.input.candidates else (base, None)
    base_result = result_of(base, b) if b else empty_result(base)
    if b is not None:  # the what-if keeps the plan's order, and of the plans worth nearly the best value the one
        # that changes the fewest features: only what its change needs moves
        other = replace(other, input=replace(other.input, keep_close=tuple(b.schedule.items()), stay_close=True))
    try:
        other, o = solved(other) if other.input.candidates else (other, None)
    except (Infeasible, InvalidInput) as exc:
        return {"plan": base_result, "scenario": {"name": name, "infeasible": exc.message}, "diff": None}
    other_result = result_of(other, o) if o else empty_result(other)
    if o is not None and o.kept_close is not None:
        other_result["notes"] = other_result["notes"] + [_kept_close_note(o.kept_close)]
    # a deadline limits only a feature that is chosen: say so when the one moved is chosen in neither plan
    before = {c.id: c.deadline for c in base.input.candidates}
    idle = [c.id for c in other.input.candidates if c.deadline != before.get(c.id)
            and c.id not in (b.schedule if b else {}) and c.id not in (o.schedule if o else {})]
    if idle:
        other_result["notes"] = other_result["notes"] + [
            "not chosen in either plan, so its new deadline changes nothing: "
            + ", ".join(other.info[c].title for c in idle)]
    diff = None
    if b and o:
        d = compare_plans(b, o)
        info = base.info | other.info
        why = {x["feature_id"]: x["reason"] for x in other_result["not_chosen"]}
        diff = {"added": [{"feature_id": info[c].feature_id, "title": info[c].title} for c in d.added],
                "removed": [{"feature_id": info[c].feature_id, "title": info[c].title,
                             "reason": why.get(info[c].feature_id, "dropped in the scenario")} for c in d.removed],
                "moved": [{"feature_id": info[c].feature_id, "title": info[c].title, "from_period": a + 1,
                           "to_period": z + 1} for c, a, z in d.moved],
                "value_difference": round(other_result["value"] - base_result["value"], 6)}
    return {"plan": base_result, "scenario": {"name": name, **other_result}, "diff": diff}


def _kept_close_note(kept: KeptClose) -> str:
    """What keeping a what-if close to the plan did: "2 features moved, added or left out against the plan (the
    plan of the best value would change 9): the closest plan within 0.1% of the best value"."""
    def features(n: int) -> str:
        return f"{n} {'feature' if n == 1 else 'features'}"

    instead = (f" (the plan of the best value would change {features(kept.best_changed)})"
               if kept.best_changed != kept.changed else "")
    found, ended = ("", "") if kept.searched else (" found", " (the time limit ended the search for a closer one)")
    return (f"{features(kept.changed)} moved, added or left out against the plan{instead}: the closest plan{found} "
            f"within {kept.tolerance:.1%} of the best value{ended}")


def _windows(result: dict[str, Any]) -> dict[int, tuple[date, date]]:
    """A solved schedule's windows (feature id -> first day of work, last day to be done), in its order."""
    return {int(r["feature_id"]): (date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"]))
            for r in result.get("schedule", [])}


def dates_side_by_side(*, uow: UnitOfWork, workspace_id: int, plan: Plan, data: WhatIfIn, compared: dict[str, Any],
                       today: date) -> dict[str, Any]:
    """The forecast of the plan's schedule and of the what-if's, side by side: each feature's P85 date and each
    promise's chance in both, so "does one more person save the Acme promise?" has an answer. The what-if's
    forecast counts its people, dropped features and cut scope; a deadline it moves is the day that feature's
    promises are due in it (`what_if_due`: "what if we renegotiated to then?"). `status` "declined" with `reason` when either
    cannot be forecast; nothing when the what-if is infeasible."""
    from tradeoff.forecasts import service as forecast_service

    if compared["scenario"].get("infeasible"):
        return {"status": "declined", "reason": "the what-if has no feasible plan", "features": [], "moves": [],
                "commitments": []}
    base = forecast_service.scenario_dates(uow=uow, workspace_id=workspace_id, plan=plan, today=today,
                                           scenario=forecast_service.Scenario(_windows(compared["plan"])))
    people: dict[int, tuple[Hire, ...]] = {}
    for a in data.add_people:
        people[a.team_id] = (*people.get(a.team_id, ()), hire_of(a, plan.start))
    dropped = ({int(x["feature_id"]) for x in (compared.get("diff") or {}).get("removed", [])}
               | set(data.drop_features))
    moved = {m.feature_id: m.deadline for m in data.move_deadlines}  # a promise renegotiated to that day
    other = forecast_service.scenario_dates(
        uow=uow, workspace_id=workspace_id, plan=plan, today=today,
        scenario=forecast_service.Scenario(_windows(compared["scenario"]), people, frozenset(dropped),
                                           {c.feature_id: c.keep for c in data.cut_scope}, moved))
    if base["status"] != "ok" or other["status"] != "ok":
        return {"status": "declined", "reason": base["reason"] or other["reason"], "features": [], "moves": [],
                "commitments": []}
    titles = {int(r["feature_id"]): r["title"] for res in (compared["plan"], compared["scenario"])
              for r in res.get("schedule", []) + res.get("not_chosen", [])}
    features = [{"feature_id": fid, "title": titles.get(fid, f"#{fid}"),
                 "plan_p85": (base["features"].get(fid) or {}).get("p85"),
                 "what_if_p85": (other["features"].get(fid) or {}).get("p85")}
                for fid in dict.fromkeys([*base["features"], *other["features"]])]
    theirs = {c["commitment_id"]: c for c in other["commitments"]}
    promises = [{**{k: c[k] for k in ("commitment_id", "feature_id", "customer", "due")},
                 "title": titles.get(c["feature_id"], f"#{c['feature_id']}"),
                 "plan_probability": c["probability"],
                 "what_if_probability": (theirs.get(c["commitment_id"]) or {}).get("probability"),
                 # the due date the what-if's chance is for: the moved deadline's, when the what-if moves it
                 "what_if_due": (theirs.get(c["commitment_id"]) or {}).get("due", c["due"])}
                for c in base["commitments"] if c["feature_id"] in titles]
    # the dates the what-if moves, for people to read first (the rest stay where the plan has them)
    moves = [f | {"sooner": f["what_if_p85"] < f["plan_p85"]} for f in features
             if f["plan_p85"] and f["what_if_p85"] and f["plan_p85"] != f["what_if_p85"]]
    return {"status": "ok", "reason": "", "features": features, "moves": moves, "commitments": promises}
