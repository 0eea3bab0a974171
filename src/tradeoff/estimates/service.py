"""Estimates of features: save (engineers may) and explain ("why 3 weeks, not 3 days"); suggestions from history
are in `estimates.suggestions`.

Engineers estimate; the doors ask for the 'technical' permission (owners, PMs and engineers), not 'edit'.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.components import service as component_service
from tradeoff.core.estimation_explain import (
    ComponentDebt,
    Driver,
    Explanation,
    RangeEstimate,
    explain_estimate,
)
from tradeoff.errors import FieldError, InvalidInput, NotFound, PreconditionFailed
from tradeoff.estimates.model import Estimate
from tradeoff.estimates.schemas import EstimateIn
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.records import service as records
from tradeoff.records.pagination import Page, apply_keyset, encode_cursor
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.teams import service as team_service

SNAPSHOT = ("team_id", "team_shares", "optimistic", "likely", "pessimistic", "unit", "confidence", "drivers", "component_ids",
            "depends_on", "category", "notes")


def _bad(field: str, message: str, value: Any = None) -> InvalidInput:
    return InvalidInput(message, [FieldError(["body", field], message, value)])


def _check_range(data: EstimateIn) -> None:
    if data.optimistic > data.pessimistic:
        raise _bad("optimistic", f"optimistic ({data.optimistic:g}) is more than pessimistic ({data.pessimistic:g}); "
                                 "the optimistic estimate must be the smallest", data.optimistic)
    if data.likely < data.optimistic:
        raise _bad("likely", f"likely ({data.likely:g}) is less than optimistic ({data.optimistic:g})", data.likely)
    if data.likely > data.pessimistic:
        raise _bad("likely", f"likely ({data.likely:g}) is more than pessimistic ({data.pessimistic:g})", data.likely)
    if data.pessimistic <= 0:
        raise _bad("pessimistic", "an estimate of zero effort cannot be planned; give at least a small range",
                   data.pessimistic)


def dependency_graph(uow: UnitOfWork, workspace_id: int) -> dict[int, list[int]]:
    """feature id -> the feature ids it depends on (from every estimate of the workspace)."""
    rows = uow.session.execute(select(Estimate.feature_id, Estimate.depends_on)
                               .where(Estimate.workspace_id == workspace_id)).all()
    return {fid: list(deps or []) for fid, deps in rows}


def find_cycle(graph: dict[int, list[int]], start: int) -> list[int] | None:
    """A dependency path start → … → start, if one exists."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, []):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def _check_dependencies(uow: UnitOfWork, workspace_id: int, feature: Feature, depends_on: list[int]) -> list[int]:
    deps = list(dict.fromkeys(depends_on))
    if feature.id in deps:
        raise _bad("depends_on", f"dependency cycle: '{feature.title}' cannot depend on itself", feature.id)
    found = records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=deps,
                             field_name="depends_on")
    graph = dependency_graph(uow, workspace_id)
    graph[feature.id] = deps
    cycle = find_cycle(graph, feature.id)
    if cycle:
        titles = {f.id: f.title for f in found} | {feature.id: feature.title}
        missing = [i for i in cycle if i not in titles]
        if missing:
            titles |= {f.id: f.title for f in uow.session.scalars(select(Feature).where(Feature.id.in_(missing)))}
        text = " → ".join(f"'{titles.get(i, i)}'" for i in cycle)
        raise _bad("depends_on", f"dependency cycle: {text} (each needs the next first); remove one of these "
                                 "dependencies", cycle)
    return deps


def _check_shares(uow: UnitOfWork, workspace_id: int, data: EstimateIn) -> dict[str, float]:
    """Other teams' shares of the work: teams of this workspace, not the lead team, leaving the lead some work."""
    if not data.team_shares:
        return {}
    if data.team_id is None:
        raise _bad("team_shares", "team_shares: name the lead team (team_id) that does the rest of the work", None)
    if data.team_id in data.team_shares:
        raise _bad("team_shares", "team_shares: the lead team (team_id) does the rest of the work; list only the "
                                  "other teams", data.team_id)
    records.get_many(uow=uow, spec=team_service.SPEC, workspace_id=workspace_id, ids=list(data.team_shares),
                     field_name="team_shares")
    total = sum(data.team_shares.values())
    if total > 0.95 + 1e-9:
        raise _bad("team_shares", f"team_shares: the other teams' shares add up to {total:.0%}; leave the lead team "
                                  "at least 5% of the work (or make the team doing most of it the lead)", total)
    return {str(t): round(float(v), 4) for t, v in sorted(data.team_shares.items())}


def team_fractions(lead: int, shares: dict[str, float]) -> dict[int, float]:
    """Each team's fraction of the work, by team id, lead team first: every other team its share, the lead team
    the rest. The plan splits effort with it, the forecast the estimate's range."""
    others = {int(t): float(v) for t, v in shares.items()}
    return {lead: 1.0 - sum(others.values())} | others


def save(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feature_id: int, data: EstimateIn,
         if_match: int | None = None, only_new: bool = False) -> Estimate:
    """Create or replace the estimate of a feature. Raises InvalidInput naming the field; nothing is saved then.
    `if_match`: the version being replaced; `only_new`: the caller saw no estimate (If-None-Match: *, a form opened
    before anyone estimated it), so one made meanwhile is not overwritten: PreconditionFailed."""
    feature: Feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    _check_range(data)
    components = component_service.by_ids(uow=uow, workspace_id=workspace_id,
                                           ids=list(data.component_ids) + [d.component_id for d in data.drivers
                                                                           if d.component_id is not None])
    for cid in data.component_ids:
        if cid not in components:
            raise _bad("component_ids", f"component_ids: no component with id {cid} in this workspace", cid)
    drivers = []
    for i, d in enumerate(data.drivers):
        if d.component_id is not None and d.component_id not in components:
            raise InvalidInput(f"drivers[{i}].component_id: no component with id {d.component_id} in this workspace",
                               [FieldError(["body", "drivers", i, "component_id"], "unknown component", d.component_id)])
        drivers.append({"name": d.name.value, "component_id": d.component_id})
    if data.team_id is not None:
        records.get_many(uow=uow, spec=team_service.SPEC, workspace_id=workspace_id, ids=[data.team_id],
                         field_name="team_id")
    shares = _check_shares(uow, workspace_id, data)
    deps = _check_dependencies(uow, workspace_id, feature, data.depends_on)
    values = {"team_id": data.team_id, "team_shares": shares, "optimistic": data.optimistic, "likely": data.likely,
              "pessimistic": data.pessimistic, "unit": data.unit.value, "confidence": data.confidence,
              "drivers": drivers, "component_ids": list(dict.fromkeys(data.component_ids)), "depends_on": deps,
              "category": data.category.value, "notes": data.notes, "estimated_by": actor.label}
    est = find(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    if est is None:
        est = Estimate(workspace_id=workspace_id, feature_id=feature_id, **values)
        uow.session.add(est)
        uow.session.flush()
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="estimate",
                     record_id=est.id, after={k: values[k] for k in SNAPSHOT} | {"feature_id": feature_id})
        _promises_changed(uow, workspace_id)
        return est
    if only_new:
        raise PreconditionFailed(
            f"feature {feature_id} was estimated meanwhile by {est.estimated_by or 'someone'} ({fmt_range(est)}): "
            "reload it to see that estimate, then change it if yours is better")
    records.check_version(_SPEC, est, if_match)
    before = {k: getattr(est, k) for k in SNAPSHOT}
    for k, v in values.items():
        setattr(est, k, v)
    uow.session.flush()
    after = {k: getattr(est, k) for k in SNAPSHOT}
    if before != after:
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="estimate",
                     record_id=est.id, before=before, after=after)
        _promises_changed(uow, workspace_id)
    return est


def fmt_range(est: Estimate) -> str:
    """'3–5–9 days': optimistic, likely and pessimistic in the estimate's unit."""
    return f"{est.optimistic:g}–{est.likely:g}–{est.pessimistic:g} {est.unit}"


def _promises_changed(uow: UnitOfWork, workspace_id: int) -> None:
    """An estimate feeds every promise's forecast: re-forecast them (commitments import this module)."""
    from tradeoff.commitments import service as commitment_service

    commitment_service.refresh(uow=uow, workspace_id=workspace_id)


class _Spec:  # what records.check_version needs to word its message
    name = "estimate"


_SPEC: Any = _Spec()


def find(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> Estimate | None:
    return uow.session.scalar(select(Estimate).where(Estimate.workspace_id == workspace_id,
                                                     Estimate.feature_id == feature_id))


def get(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> Estimate:
    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    est = find(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    if est is None:
        raise NotFound(f"feature {feature_id} has no estimate yet; an engineer can add one (PUT …/estimate)")
    return est


def remove(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feature_id: int, if_match: int | None = None) -> None:
    est = get(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    records.check_version(_SPEC, est, if_match)
    before = {k: getattr(est, k) for k in SNAPSHOT}
    uow.session.delete(est)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="delete", record_type="estimate",
                 record_id=est.id, before=before)
    _promises_changed(uow, workspace_id)


def of_features(*, uow: UnitOfWork, workspace_id: int, feature_ids: list[int]) -> dict[int, Estimate]:
    """The estimates of these features (those that have one)."""
    if not feature_ids:
        return {}
    return {e.feature_id: e for e in uow.session.scalars(
        select(Estimate).where(Estimate.workspace_id == workspace_id, Estimate.feature_id.in_(feature_ids)))}


def all_of(*, uow: UnitOfWork, workspace_id: int) -> dict[int, Estimate]:
    """feature id -> estimate, for every estimated feature of the workspace."""
    return {e.feature_id: e for e in uow.session.scalars(select(Estimate).where(Estimate.workspace_id == workspace_id))}


FORECAST_COLUMNS = (Estimate.feature_id, Estimate.team_id, Estimate.team_shares, Estimate.optimistic, Estimate.likely,
                    Estimate.pessimistic, Estimate.unit, Estimate.depends_on, Estimate.category, Estimate.confidence)


def likely_points(estimate: Any, days_per_point: float) -> float:
    """An estimate's likely effort in points (person-days converted at the plan's rate): what linked work items,
    counted in points, are measured against."""
    return float(estimate.likely if estimate.unit == "points" else estimate.likely / days_per_point)


def forecast_inputs(*, uow: UnitOfWork, workspace_id: int) -> dict[int, Any]:
    """feature id -> what a forecast reads of its estimate (a row of `FORECAST_COLUMNS`), for every estimated
    feature: the forecast runs on every page that shows a date, and loading whole records (drivers, notes, …)
    cost it more than simulating."""
    return {r.feature_id: r for r in uow.session.execute(
        select(*FORECAST_COLUMNS).where(Estimate.workspace_id == workspace_id))}


def _component_ids(estimate: Estimate) -> list[int]:
    """The components an estimate names: those it touches and those its drivers name."""
    return list(estimate.component_ids) + [d["component_id"] for d in estimate.drivers if d.get("component_id")]


def explain(*, uow: UnitOfWork, workspace_id: int, estimate: Estimate,
            components: dict[int, Any] | None = None) -> Explanation:
    """Core explanation of the range: which drivers and indebted components account for how much. `components`:
    the workspace's components by id when already read (a list of estimates reads them once)."""
    comps = components if components is not None else component_service.by_ids(
        uow=uow, workspace_id=workspace_id, ids=_component_ids(estimate))
    drivers = [Driver(d["name"], comps[d["component_id"]].name if d.get("component_id") in comps else None)
               for d in estimate.drivers]
    debts = [ComponentDebt(comps[c].name, comps[c].debt_level) for c in estimate.component_ids if c in comps]
    unit = "person-days" if estimate.unit == "days" else "points"
    return explain_estimate(RangeEstimate(estimate.optimistic, estimate.likely, estimate.pessimistic,
                                          estimate.confidence, unit), drivers, debts)


def _split_out(uow: UnitOfWork, workspace_id: int, estimate: Estimate,
               team_names: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Who does what share of shared work, lead team first, with names; [] when one team does it all.
    `team_names`: the teams' names by id when already read."""
    if not estimate.team_shares or estimate.team_id is None:
        return []
    fractions = team_fractions(estimate.team_id, estimate.team_shares)
    names = ([team_names.get(t, f"team #{t}") for t in fractions] if team_names is not None
             else team_service.names(uow=uow, workspace_id=workspace_id, ids=list(fractions)))
    return [{"team_id": t, "team": n, "share": round(f, 4)} for (t, f), n in zip(fractions.items(), names, strict=True)]


def out(*, uow: UnitOfWork, workspace_id: int, estimate: Estimate) -> dict[str, Any]:
    return _out(estimate, explain(uow=uow, workspace_id=workspace_id, estimate=estimate),
                _title(uow, estimate.feature_id), _split_out(uow, workspace_id, estimate))


def _title(uow: UnitOfWork, feature_id: int) -> str:
    feature = uow.session.get(Feature, feature_id)
    return feature.title if feature else ""


def outs(*, uow: UnitOfWork, workspace_id: int, estimates: list[Estimate]) -> list[dict[str, Any]]:
    """`out` of each estimate, in order, reading their features' titles, components and teams once for all
    (three queries however many estimates: a page of the list must not cost a query per row)."""
    if not estimates:
        return []
    comps = component_service.by_ids(uow=uow, workspace_id=workspace_id,
                                     ids=sorted({c for e in estimates for c in _component_ids(e)}))
    titles = {fid: title for fid, title in uow.session.execute(select(Feature.id, Feature.title).where(
        Feature.id.in_({e.feature_id for e in estimates})))}
    teams = sorted({t for e in estimates if e.team_shares and e.team_id is not None
                    for t in team_fractions(e.team_id, e.team_shares)})
    names = dict(zip(teams, team_service.names(uow=uow, workspace_id=workspace_id, ids=teams), strict=True)) \
        if teams else {}
    return [_out(e, explain(uow=uow, workspace_id=workspace_id, estimate=e, components=comps),
                 titles.get(e.feature_id, ""), _split_out(uow, workspace_id, e, names)) for e in estimates]


PAGE_SORT = "feature_id"  # the list's order: by feature, as it always was


def page(*, uow: UnitOfWork, workspace_id: int, cursor: str | None = None, limit: int = 50,
         team_id: int | None = None) -> Page[Estimate]:
    """One page of the workspace's estimates in the order of their features' ids (as `records.list_page` pages:
    an opaque `next` cursor, None on the last page): those of features not archived, of one lead team when given."""
    if not 1 <= limit <= records.MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {records.MAX_PAGE}",
                           [FieldError(["query", "limit"], "out of range", limit)])
    live = select(Feature.id).where(Feature.workspace_id == workspace_id, Feature.archived_at.is_(None))
    where = [Estimate.workspace_id == workspace_id, Estimate.feature_id.in_(live)]
    if team_id is not None:
        where.append(Estimate.team_id == team_id)
    stmt = apply_keyset(select(Estimate).where(*where), sort=PAGE_SORT,
                        column=Estimate.feature_id, id_column=Estimate.id, cursor=cursor, limit=limit)
    rows = list(uow.session.scalars(stmt))
    if len(rows) <= limit:
        return Page(items=rows, next=None)
    rows = rows[:limit]
    return Page(items=rows, next=encode_cursor(PAGE_SORT, rows[-1].feature_id, rows[-1].id))


def _out(estimate: Estimate, ex: Explanation, title: str, split: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": estimate.id, "version": estimate.version, "feature_id": estimate.feature_id,
            "feature_title": title, "team_id": estimate.team_id,
            "team_shares": {int(t): v for t, v in (estimate.team_shares or {}).items()},
            "split": split,
            "optimistic": estimate.optimistic, "likely": estimate.likely, "pessimistic": estimate.pessimistic,
            "unit": estimate.unit, "confidence": estimate.confidence, "drivers": list(estimate.drivers),
            "component_ids": list(estimate.component_ids), "depends_on": list(estimate.depends_on),
            "category": estimate.category, "notes": estimate.notes, "estimated_by": estimate.estimated_by,
            "updated_at": estimate.updated_at, "explanation": ex.text, "baseline_likely": ex.baseline_likely,
            "attributions": [vars(a) for a in ex.attributions]}
