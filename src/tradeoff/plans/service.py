"""Plans: records (create, update, one live plan) and use cases: solve, what-if, Now / Next / Later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy import update as sa_update
from sqlalchemy.sql.elements import ColumnElement

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.plans import releases as release_watch
from tradeoff.plans.model import Plan
from tradeoff.plans.schemas import PlanCreate, PlanUpdate, SolveIn, WhatIfIn
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.teams import service as team_service

if TYPE_CHECKING:
    from tradeoff.plans.solver import Built

SPEC = RecordSpec(
    name="plan",
    plural="plans",
    model=Plan,
    sorts={"name": Plan.name, "start": Plan.start, "created_at": Plan.created_at, "id": Plan.id},
    default_sort="-created_at",
    filters={"live": lambda v: Plan.live.is_(str(v).lower() in ("true", "1"))},
    searchable=False,
    snapshot_fields=("name", "description", "start", "periods", "period_days", "value_source", "framework",
                     "team_ids", "feature_ids", "must_have", "deadlines", "values", "releases", "days_per_point",
                     "time_limit", "live"),
)


def _bad(field: str, message: str, value: Any = None) -> InvalidInput:
    return InvalidInput(message, [FieldError(["body", field], message, value)])


def _normalise(uow: UnitOfWork, workspace_id: int, values: dict[str, Any], plan: Plan | None,
               today: date) -> dict[str, Any]:
    """Check references and dates of a plan's fields; convert them to what is stored."""
    start: date = values.get("start", plan.start if plan else None)  # type: ignore[assignment]
    period_days: int = values.get("period_days") or (plan.period_days if plan else 14)
    if "start" in values and start < today - timedelta(days=period_days):
        raise _bad("start", f"start {start} is in the past (more than one period before today, {today}); plan from "
                            "the current period on", start.isoformat())
    for name in ("feature_ids", "must_have"):
        if values.get(name):
            values[name] = list(dict.fromkeys(values[name]))
            records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=values[name],
                             field_name=name)
    if values.get("team_ids"):
        values["team_ids"] = list(dict.fromkeys(values["team_ids"]))
        team_service.active(uow=uow, workspace_id=workspace_id, ids=values["team_ids"])
    if values.get("deadlines") is not None:
        dl: dict[int, date] = values["deadlines"]
        records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=list(dl),
                         field_name="deadlines")
        for fid, due in dl.items():
            if due < start:
                raise InvalidInput(f"deadline of feature {fid} ({due}) is before the plan starts ({start}); a date in "
                                   "the past cannot be planned for",
                                   [FieldError(["body", "deadlines", fid], "before the plan starts", due.isoformat())])
        values["deadlines"] = {str(k): v.isoformat() for k, v in dl.items()}
    elif plan is not None and "start" in values:
        for key, iso in plan.deadlines.items():
            if date.fromisoformat(iso) < start:
                raise _bad("start", f"the plan would start ({start}) after the deadline of feature {key} ({iso})",
                           start.isoformat())
    if values.get("values") is not None:
        records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id,
                         ids=[int(k) for k in values["values"]], field_name="values")
        values["values"] = {str(k): float(v) for k, v in values["values"].items()}
    if values.get("releases") is not None:
        for i, r in enumerate(values["releases"]):
            r = dict(r)
            records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=r["feature_ids"],
                             field_name=f"releases[{i}].feature_ids")
            target = r.get("target")
            if target is not None and target < start:
                raise InvalidInput(f"release '{r['name']}': target {target} is before the plan starts ({start})",
                                   [FieldError(["body", "releases", i, "target"], "before the plan starts",
                                               target.isoformat())])
            values["releases"][i] = {"name": r["name"], "feature_ids": list(dict.fromkeys(r["feature_ids"])),
                                     "target": target.isoformat() if target else None}
        if plan is not None:  # each release keeps its last forecast, so a crossing of the threshold is still seen
            values["releases"] = release_watch.carry(plan.releases, values["releases"])
    if "value_source" in values and values["value_source"] is not None:
        values["value_source"] = str(values["value_source"])
    if values.get("framework"):
        from tradeoff.scoring import service as scoring

        scoring.check_framework(uow=uow, workspace_id=workspace_id, framework=values["framework"],
                                loc=["body", "framework"])
    return values


def _one_live(uow: UnitOfWork, workspace_id: int, plan_id: int) -> None:
    uow.session.execute(sa_update(Plan).where(Plan.workspace_id == workspace_id, Plan.id != plan_id,
                                              Plan.live.is_(True)).values(live=False)
                        .execution_options(synchronize_session="fetch"))


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: PlanCreate, today: date | None = None) -> Plan:
    values = _normalise(uow, workspace_id, data.model_dump(), None, today or date.today())
    plan: Plan = records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)
    if plan.live:
        _one_live(uow, workspace_id, plan.id)
        if release_watch.watched(plan):
            from tradeoff.commitments import service as commitment_service

            commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return plan


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: PlanUpdate,
           if_match: int | None, today: date | None = None) -> Plan:
    plan: Plan = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name, v in list(values.items()):
        if v is None and name not in ("framework",):
            raise _bad(name, f"{name} cannot be null")
    values = _normalise(uow, workspace_id, values, plan, today or date.today())
    changed = {k for k, v in values.items() if v != getattr(plan, k)}  # a field sent again unchanged changes nothing
    if changed - {"name", "description", "live", "releases"}:  # releases change the forecast, not the plan
        values["result"] = None  # the inputs changed: the old answer no longer holds
        values["solved_at"] = None
    plan = records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=plan, values=values,
                          if_match=if_match)
    if plan.live:
        _one_live(uow, workspace_id, plan.id)
    if changed & {"releases", "live"} and plan.live:  # release targets are promises too: forecast them now
        from tradeoff.commitments import service as commitment_service

        commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return plan


def live_plan(*, uow: UnitOfWork, workspace_id: int) -> Plan | None:
    """The plan marked live, else the most recently solved one."""
    base = records.base_query(SPEC, workspace_id).where(Plan.archived_at.is_(None))
    plan = uow.session.scalars(base.where(Plan.live.is_(True)).order_by(Plan.id.desc())).first()
    if plan is None:
        plan = uow.session.scalars(base.where(Plan.solved_at.is_not(None)).order_by(Plan.solved_at.desc())).first()
    return plan


def changed_since_solved(*, uow: UnitOfWork, workspace_id: int, plan: Plan) -> list[tuple[str, str, int]]:
    """What changed after `plan` was solved that its answer was built from: (said, kind, count) for estimates,
    the plan's teams (people, availability, days off) and the work done on features (imported work items); empty
    when nothing did or it was never solved."""
    from tradeoff.estimates.model import Estimate
    from tradeoff.teams.model import Team
    from tradeoff.workitems.model import WorkItem

    if plan.solved_at is None:
        return []
    since = plan.solved_at
    estimates = uow.session.scalar(select(func.count()).select_from(Estimate).where(
        Estimate.workspace_id == workspace_id, Estimate.updated_at > since)) or 0
    teams = list(uow.session.scalars(select(Team.name).where(
        Team.workspace_id == workspace_id, Team.updated_at > since,
        *([Team.id.in_(plan.team_ids)] if plan.team_ids else [])).order_by(Team.name)))
    work = uow.session.scalar(select(func.count()).select_from(WorkItem).where(
        WorkItem.workspace_id == workspace_id, WorkItem.feature_id.is_not(None), WorkItem.updated_at > since)) or 0
    out = [(f"{estimates} estimate{'s' * (estimates != 1)}", "estimates", estimates)] if estimates else []
    out += [("team " + ", ".join(teams), "teams", len(teams))] if teams else []
    out += [(f"{work} work item{'s' * (work != 1)} of planned features", "work done", work)] if work else []
    return out


def capacity_overview(*, uow: UnitOfWork, workspace_id: int, today: date,
                      periods: int = 6) -> tuple[Plan | None, list[tuple[Any, dict[str, Any]]]]:
    """Each active team with its capacity per period, over the live plan's periods when there is one (the capacity
    it planned against), else over the next `periods` of each team from `today`. Returns (the live plan, rows)."""
    plan = live_plan(uow=uow, workspace_id=workspace_id)
    rows = []
    for team in team_service.active(uow=uow, workspace_id=workspace_id):
        cap = (team_service.capacity(team=team, start=plan.start, periods=plan.periods, period_days=plan.period_days)
               if plan else team_service.capacity(team=team, start=today, periods=periods))
        rows.append((team, cap))
    return plan, rows


def get(*, uow: UnitOfWork, workspace_id: int, plan_id: int) -> Plan:
    return records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=plan_id)  # type: ignore[no-any-return]


def solve(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan_id: int, data: SolveIn | None = None) -> Plan:
    """Solve the plan and keep the answer on it. Infeasible (naming the constraint): nothing is saved."""
    from tradeoff.audit import service as audit
    from tradeoff.plans import solver

    plan = get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    built = solver.build(uow=uow, workspace_id=workspace_id, plan=plan,
                         time_limit=data.time_limit if data and data.time_limit else None)
    before = plan.result
    if before and not (data and data.fresh):  # solved again: what did not change stays where it was
        built = _kept_close(built, before)
    result = solver.solve(built)
    if before:
        result["since_last"] = _since_last(before, result, kept_close=not (data and data.fresh))
    result["notes"] = [*result.get("notes", []), *_releases_missed(plan, result)]
    plan.result = result
    plan.solved_at = utcnow()
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="solve", record_type="plan",
                 record_id=plan.id, after={"value": result["value"], "gap": result["gap"],
                                           "features": len(result["schedule"])})
    live = live_plan(uow=uow, workspace_id=workspace_id)
    if live is not None and live.id == plan.id:  # the promises follow the live plan's order
        from tradeoff.commitments import service as commitment_service

        commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return plan


def _kept_close(built: Built, result: dict[str, Any]) -> Built:
    """``built`` to be solved close to a stored answer: its features where that answer has them."""
    by_fid = {i.feature_id: cid for cid, i in built.info.items()}
    shown = tuple((by_fid[int(r["feature_id"])], int(r["period"])) for r in result.get("schedule", [])
                  if int(r["feature_id"]) in by_fid)
    return replace(built, input=replace(built.input, keep_close=shown))


def _releases_missed(plan: Plan, result: dict[str, Any]) -> list[str]:
    """A note for each release with a target the solved plan does not finish by it (its features the plan weighed:
    open and estimated), so that solving never moves a release past its target unsaid."""
    from tradeoff.forecasts.service import planned_finish

    ends = {int(r["feature_id"]): r["period_end"] for r in result.get("schedule", [])}
    weighed = set(ends) | {int(r["feature_id"]) for r in result.get("not_chosen", [])}
    notes = []
    for r in plan.releases or []:
        mine = [{"feature_id": f, "planned_to": ends.get(f)} for f in map(int, r.get("feature_ids", [])) if f in weighed]
        finish = planned_finish(mine, r.get("target")) if mine else {}
        if finish.get("plan_misses_target"):
            notes.append(f"release '{r['name']}' (target {r['target']}): {finish['plan_note']} — move the target, "
                         "cut its scope or change the plan")
    return notes


def _since_last(before: dict[str, Any], after: dict[str, Any], *, kept_close: bool) -> dict[str, Any]:
    """What solving again changed: features planned for another period (1-based, as shown), added and dropped."""
    was = {int(r["feature_id"]): r for r in before.get("schedule", [])}
    now = {int(r["feature_id"]): r for r in after.get("schedule", [])}
    moved = [{"feature_id": f, "title": r["title"], "before": was[f]["period"] + 1, "after": r["period"] + 1}
             for f, r in now.items() if f in was and was[f]["period"] != r["period"]]
    return {"kept_close": kept_close, "moved": moved,
            "added": [{"feature_id": f, "title": r["title"], "after": r["period"] + 1}
                      for f, r in now.items() if f not in was],
            "dropped": [{"feature_id": f, "title": r["title"], "before": r["period"] + 1}
                        for f, r in was.items() if f not in now],
            "value_before": before.get("value")}


def since_last_text(since: dict[str, Any]) -> str:
    """One line on what solving again changed, e.g. "kept close to the last answer: 1 feature moved later ('C' period
    2 → 3); 2 features moved sooner ('A' period 3 → 2, …); 1 feature added ('B', period 4); none dropped"."""
    def listed(rows: list[dict[str, Any]], what: str, say: Any) -> str:
        if not rows:
            return f"none {what}"
        shown = ", ".join(say(r) for r in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        return f"{len(rows)} {'feature' if len(rows) == 1 else 'features'} {what} ({shown})"

    how = "kept close to the last answer" if since.get("kept_close") else "solved from scratch"
    moved = since.get("moved", [])
    later = [r for r in moved if r["after"] > r["before"]]
    sooner = [r for r in moved if r["after"] < r["before"]]

    def step(r: dict[str, Any]) -> str:
        return f"'{r['title']}' period {r['before']} → {r['after']}"

    # what comes later than said matters more than what comes sooner: named first, each group on its own
    moves = ("none moved" if not moved else
             "; ".join(listed(rows, what, step) for rows, what in ((later, "moved later"), (sooner, "moved sooner")) if rows))
    return (f"{how}: " + "; ".join((
        moves,
        listed(since.get("added", []), "added", lambda r: f"'{r['title']}', period {r['after']}"),
        listed(since.get("dropped", []), "dropped", lambda r: f"'{r['title']}', was period {r['before']}"))))


def what_if(*, uow: UnitOfWork, workspace_id: int, plan_id: int, data: WhatIfIn,
            today: date | None = None) -> dict[str, Any]:
    """The plan and a what-if scenario solved side by side; the plan itself is not changed."""
    from tradeoff.plans import scenarios, solver

    plan = get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    # the plan side is the plan as shown (its stored answer), solved again only as far as its inputs changed
    base = _kept_close(solver.build(uow=uow, workspace_id=workspace_id, plan=plan, time_limit=data.time_limit),
                       plan.result or {})
    scenario = scenarios.scenario(uow=uow, workspace_id=workspace_id, plan=plan, base=base, data=data)
    name = data.name or scenarios.describe(uow=uow, workspace_id=workspace_id, plan=plan, base=base,
                                                 data=data)
    out = scenarios.compare(base, scenario, name)
    out["dates"] = scenarios.dates_side_by_side(uow=uow, workspace_id=workspace_id, plan=plan, data=data,
                                                compared=out, today=today or date.today())
    return out


def _open_clause(workspace_id: int, estimated_only: bool, including: Sequence[int],
                 or_among: Sequence[int]) -> ColumnElement[bool]:
    from tradeoff.estimates.model import Estimate

    still_open = and_(Feature.archived_at.is_(None),
                      Feature.status.not_in([FeatureStatus.shipped.value, FeatureStatus.wont_do.value]))
    clause = or_(still_open, Feature.id.in_(list(including))) if including else still_open
    if estimated_only:
        estimated = Feature.id.in_(select(Estimate.feature_id).where(Estimate.workspace_id == workspace_id))
        clause = and_(clause, or_(estimated, Feature.id.in_(list(or_among))) if or_among else estimated)
    return and_(Feature.workspace_id == workspace_id, clause)


def open_features(*, uow: UnitOfWork, workspace_id: int, estimated_only: bool = False,
                  including: Sequence[int] = (), or_among: Sequence[int] = ()) -> list[Feature]:
    """Features that still need work (not archived, neither shipped nor won't do), by id: what plans, the board
    and forecasts consider, and what may be promised or waited for; `estimated_only`: those a plan can schedule
    (must-haves, deadlines, values), and with it `or_among`: these open ones too though not estimated (a solved
    plan's features whose estimate was removed); `including`: these too whatever their status (already chosen
    on a form)."""
    stmt = records.base_query(feature_service.SPEC, workspace_id).where(
        _open_clause(workspace_id, estimated_only, including, or_among))
    return list(uow.session.scalars(stmt.order_by(Feature.id)))


def open_titles(*, uow: UnitOfWork, workspace_id: int, estimated_only: bool = False,
                or_among: Sequence[int] = ()) -> dict[int, str]:
    """id -> title of the features `open_features` would return, without loading them: what a forecast needs."""
    rows = uow.session.execute(select(Feature.id, Feature.title).where(
        _open_clause(workspace_id, estimated_only, (), or_among)).order_by(Feature.id))
    return {fid: title for fid, title in rows}


def board(*, uow: UnitOfWork, workspace_id: int, plan: Plan | None) -> dict[str, Any]:
    """Now / Next / Later from a solved plan: period 1 is now, periods 2-3 next, the rest later; features in
    progress are now (their planned period is shown beside them); planned or estimated features the plan did not choose are later. Ideas nobody has planned
    or estimated are not on the roadmap: `ideas` counts them. Tech-debt and platform work is also listed in its
    own lane."""
    from tradeoff.estimates.model import TECHNICAL, Estimate, WorkCategory

    lanes: dict[str, list[dict[str, Any]]] = {"now": [], "next": [], "later": []}
    technology: list[dict[str, Any]] = []
    categories = {fid: category for fid, category in uow.session.execute(
        select(Estimate.feature_id, Estimate.category).where(Estimate.workspace_id == workspace_id))}
    scheduled = {r["feature_id"]: r for r in (plan.result or {}).get("schedule", [])} if plan else {}
    feats = uow.session.execute(select(Feature.id, Feature.title, Feature.status).where(
        Feature.workspace_id == workspace_id, Feature.archived_at.is_(None),
        Feature.status.not_in([FeatureStatus.shipped.value, FeatureStatus.wont_do.value])).order_by(Feature.id))
    ideas = 0
    for f in feats:
        row = scheduled.get(f.id)
        category = categories.get(f.id)
        if row is None and category is None and f.status == FeatureStatus.idea.value:
            ideas += 1
            continue
        first = row.get("first_period", row["period"]) if row else None
        item = {"feature_id": f.id, "title": f.title, "status": f.status,
                "period": row["period"] + 1 if row else None, "first_period": first + 1 if first is not None else None,
                "team": row["team"] if row else None,
                "category": category or WorkCategory.feature.value, "estimated": category is not None}
        # the lane is when work on it starts: now, in the next two periods, or later
        lane = "later" if first is None else "now" if first == 0 else "next" if first <= 2 else "later"
        if f.status == FeatureStatus.in_progress.value:  # being worked on now, whatever period the plan gives it
            lane = "now"
        lanes[lane].append(item)
        if category in TECHNICAL:
            technology.append(item)
    for items in (*lanes.values(), technology):  # when work starts, as the lanes read (the unplanned last)
        items.sort(key=lambda i: (i["period"] is None, i["first_period"] or 0, i["period"] or 0, i["feature_id"]))
    return {"plan_id": plan.id if plan else None, "plan_name": plan.name if plan else None,
            "solved": bool(plan and plan.result), **lanes, "technology": technology, "ideas": ideas}
