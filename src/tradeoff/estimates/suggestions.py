"""Reference-class suggestions for a feature's estimate: what similar work was sized at, in story points (the unit
the estimate form takes), and what similar finished work took in elapsed time, as context only.

The reference is finished features (their linked work items' points summed) once the workspace has enough of
them, else single work items sized in story points. A range is suggested only when enough of them resemble the
feature (`core.estimation_match`); the team doing the work (named by the request or the feature's estimate) is
compared with its own items first. Fitting the text index is the slow part (a second or two at a few thousand
items), so each fitted index is kept per process for as long as the work history stays the same
(`workitems.history.WorkHistory`): a repeat, or another feature asking the same history, does not fit again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.core.estimation_match import (
    SIMILARITY_FLOOR,
    ElapsedSpread,
    SimilarWork,
    Verdict,
    similar_elapsed,
    suggest_if_similar,
)
from tradeoff.core.estimation_types import MIN_HISTORY
from tradeoff.estimates import service as estimate_service
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.workitems.history import HistoryCache, WorkHistory
from tradeoff.workitems.model import WorkItem

FITTED_KEPT = 32
"""Fitted indexes kept per process (each history asks for up to four: every team's and one team's sized items and
finished items). One holds its history's texts, vocabulary and vectors, about 4 MB at 1,500 Jira issues, so fewer
are kept than the small answers in `workitems.history.CACHE`."""
FITTED = HistoryCache(maxsize=FITTED_KEPT)


@dataclass(frozen=True)
class Reference:
    """A fitted reference class (or too few items for one: `index` None), kept while the history stays the same."""

    items: int
    index: ReferenceIndex | None
    similar: SimilarWork | None


@dataclass(frozen=True)
class Elapsed:
    """Finished items indexed by text, their actuals in elapsed days; `from_creation`: the keys of those counted
    from creation (no start date)."""

    similar: SimilarWork
    from_creation: frozenset[str]


def _fit(items: list[HistoryItem]) -> Reference:
    if len(items) < MIN_HISTORY:
        return Reference(len(items), None, None)
    index = ReferenceIndex.fit(items)
    return Reference(len(items), index, SimilarWork.of_index(index))


def sized_items(*, uow: UnitOfWork, workspace_id: int, team_id: int | None = None,
                exclude_feature: int | None = None) -> list[HistoryItem]:
    """Work items sized in story points, as reference-class history, oldest first (by when they were finished,
    else started, else created). Finished or not: points are given before the work, so an open item's points say
    how the team sizes such work as much as a finished one's (an export of sized items may not say which are
    done). Left out: cancelled items, those linked to `exclude_feature` (parts of the feature being sized), and
    with `team_id` other teams' items."""
    when = func.coalesce(WorkItem.resolved_at, WorkItem.started_at, WorkItem.opened_at, WorkItem.created_at)
    stmt = (select(WorkItem.key, WorkItem.title, WorkItem.description, WorkItem.points, WorkItem.status)
            .where(WorkItem.workspace_id == workspace_id, WorkItem.points.is_not(None), WorkItem.points >= 0)
            .order_by(when, WorkItem.id))
    if team_id is not None:
        stmt = stmt.where(WorkItem.team_id == team_id)
    if exclude_feature is not None:
        stmt = stmt.where((WorkItem.feature_id.is_(None)) | (WorkItem.feature_id != exclude_feature))
    return [HistoryItem(r.key, f"{r.title}\n{r.description}", float(r.points)) for r in uow.session.execute(stmt)
            if not WorkItem.cancelled_status(r.status)]


def finished_elapsed(*, uow: UnitOfWork, workspace_id: int, team_id: int | None = None) -> Elapsed:
    """Finished work items with their elapsed days (start, or creation when the tracker gave no start, to done),
    oldest first, indexed by text."""
    stmt = (select(WorkItem.key, WorkItem.title, WorkItem.description, WorkItem.opened_at, WorkItem.started_at,
                   WorkItem.resolved_at)
            .where(WorkItem.workspace_id == workspace_id, WorkItem.resolved_at.is_not(None))
            .order_by(WorkItem.resolved_at, WorkItem.id))
    if team_id is not None:
        stmt = stmt.where(WorkItem.team_id == team_id)
    items, from_creation = [], set()
    for r in uow.session.execute(stmt):
        begin = r.started_at or r.opened_at
        if begin is None:
            continue
        if r.started_at is None:
            from_creation.add(r.key)
        days = round(max(0.0, (r.resolved_at - begin).total_seconds() / 86400.0), 1)
        items.append(HistoryItem(r.key, f"{r.title}\n{r.description}", days))
    return Elapsed(SimilarWork.fit(items), frozenset(from_creation))


def feature_history(*, uow: UnitOfWork, workspace_id: int, exclude: int | None = None,
                    history: WorkHistory | None = None) -> list[HistoryItem]:
    """Finished features as reference-class history, oldest first: every feature whose linked work items (the
    tracker's epic link, `feature` in the work-history import) are all finished and carry story points, with
    the points summed, unless its status says work on it is still ahead or was dropped (planned, in progress,
    won't do: its finished items are part of it, not its size). A feature is compared with features this way, not
    with single stories. `history`: the work history already read (its sums are then remembered with it)."""
    history = history or WorkHistory.of(uow=uow, workspace_id=workspace_id)
    done = {fid: size for fid, size in _finished_feature_sizes(uow, history) if fid != exclude}
    if not done:
        return []
    open_or_dropped = [FeatureStatus.planned.value, FeatureStatus.in_progress.value, FeatureStatus.wont_do.value]
    feats = {f.id: f for f in uow.session.scalars(select(Feature).where(
        Feature.workspace_id == workspace_id, Feature.id.in_(list(done)), Feature.status.not_in(open_or_dropped)))}
    ordered = sorted((last, fid) for fid, (_, last) in done.items() if fid in feats)
    return [HistoryItem(f"#{fid}", f"{feats[fid].title}\n{feats[fid].description}", done[fid][0])
            for _, fid in ordered]


def _finished_feature_sizes(uow: UnitOfWork, history: WorkHistory) -> tuple[tuple[int, tuple[float, Any]], ...]:
    """(feature id, (points summed, last finished)) of every feature whose linked items are all finished and
    sized, remembered with the work history (it depends on the work items alone)."""
    def compute() -> tuple[tuple[int, tuple[float, Any]], ...]:
        rows = uow.session.execute(
            select(WorkItem.feature_id, func.count(), func.count(WorkItem.resolved_at), func.count(WorkItem.points),
                   func.sum(WorkItem.points), func.max(WorkItem.resolved_at))
            .where(WorkItem.workspace_id == history.workspace_id, WorkItem.feature_id.is_not(None))
            .group_by(WorkItem.feature_id)).all()
        return tuple((int(fid), (float(points), last)) for fid, n, resolved, pointed, points, last in rows
                     if fid is not None and n == resolved == pointed and points is not None)

    return history.remember("finished_feature_sizes", None, compute)


def draft_from(suggestion: dict[str, Any]) -> dict[str, Any] | None:
    """An estimate to start from a suggestion (`suggest`'s answer): its P10-P90 as the optimistic-pessimistic
    range, its median as likely, 80% sure (what a P10-P90 range means), in story points, with a note saying where
    it came from. None when no range was suggested (too little history, nothing similar enough, no points)."""
    if suggestion.get("status") != "ok" or suggestion["unit"] != "points":
        return None
    n, alike = suggestion["history_items"], suggestion.get("similar_items", len(suggestion["neighbours"]))
    came = (f"what similar features took: P10-P90 from {n:,} finished features"
            if suggestion["reference"] == "features" else
            f"how similar work items were sized: P10-P90 from {n:,} work items sized in story points")
    return {"optimistic": suggestion["p10"], "likely": suggestion["p50"], "pessimistic": suggestion["p90"],
            "unit": "points", "confidence": 0.8,
            "note": f"Started from {came}, {alike:,} of them similar enough."}


def _has_sized_parts(uow: UnitOfWork, history: WorkHistory, feature_id: int) -> bool:
    """Whether work items sized in points are linked to the feature (they are its parts, not work like it)."""
    with_parts = history.remember("features_with_sized_parts", None, lambda: frozenset(uow.session.scalars(
        select(WorkItem.feature_id).distinct().where(WorkItem.workspace_id == history.workspace_id,
                                                     WorkItem.feature_id.is_not(None),
                                                     WorkItem.points.is_not(None)))))
    return feature_id in with_parts


def _team_of(uow: UnitOfWork, workspace_id: int, feature_id: int, team_id: int | None) -> int | None:
    """The team asked about (it must be one of the workspace's), else the one the feature's estimate names."""
    if team_id is not None:
        records.get(uow=uow, spec=team_service.SPEC, workspace_id=workspace_id, record_id=team_id)
        return team_id
    est = estimate_service.find(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    return est.team_id if est is not None else None


def _points_reference(uow: UnitOfWork, history: WorkHistory, team_id: int | None,
                      exclude_feature: int | None) -> Reference:
    """The sized items' fitted reference class (one team's, or every team's), fitted once per history."""
    return history.remember("estimate_points", (team_id, exclude_feature), lambda: _fit(sized_items(
        uow=uow, workspace_id=history.workspace_id, team_id=team_id, exclude_feature=exclude_feature)), cache=FITTED)


def _elapsed_reference(uow: UnitOfWork, history: WorkHistory, team_id: int | None) -> Elapsed:
    """The finished items' text index (one team's, or every team's), built once per history."""
    return history.remember("estimate_elapsed", team_id, lambda: finished_elapsed(
        uow=uow, workspace_id=history.workspace_id, team_id=team_id), cache=FITTED)


def _neighbours(verdict: Verdict, titles: dict[str, str]) -> list[dict[str, Any]]:
    return [{"key": n.key, "title": titles.get(n.key, ""), "actual": n.actual, "similarity": round(n.similarity, 3)}
            for n in verdict.resemblance.closest]


def _elapsed_context(uow: UnitOfWork, history: WorkHistory, text: str,
                     scopes: list[int | None]) -> dict[str, Any] | None:
    """What similar finished items took from start to done (the team's own first), worded as context."""
    for scope in scopes:
        ref = _elapsed_reference(uow, history, scope)
        spread: ElapsedSpread | None = similar_elapsed(ref.similar, text)
        if spread is None:
            continue
        counted = {k in ref.from_creation for k in spread.keys}
        since = ("creation" if counted == {True} else "start" if counted == {False}
                 else "start (or creation, where the tracker gave no start)")
        many = spread.items != 1
        span = (f"{spread.low:g}–{spread.high:g} days from {since} to done (median {spread.median:g})"
                if spread.low != spread.high else f"{spread.low:g} day{'s' * (spread.low != 1)} from {since} to done")
        return {"items": spread.items, "low": spread.low, "median": spread.median, "high": spread.high,
                "measured_from": since, "team_id": scope,
                "text": f"{spread.items} similar finished item{'s' * many} took {span}: elapsed time, waiting "
                        "included, not effort."}
    return None


def suggest(*, uow: UnitOfWork, workspace_id: int, feature_id: int, show: int = 5,
            team_id: int | None = None) -> dict[str, Any]:
    """What similar work was sized at and a suggested P10/P50/P90 in story points, before anyone estimates:
    finished features (their linked work items' points summed) when the workspace has enough of them, else the
    work items sized in story points, the team's own first (`team_id`, else the team the feature's estimate
    names). No range when the history is too thin, holds no story points, or holds nothing similar enough: the
    answer says which, and what similar finished work took in elapsed time when it can (context, not effort)."""
    feature: Feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id,
                                   record_id=feature_id)
    team = _team_of(uow, workspace_id, feature_id, team_id)
    text = f"{feature.title}\n{feature.description}"
    history = WorkHistory.of(uow=uow, workspace_id=workspace_id)
    scopes: list[int | None] = [team, None] if team is not None else [None]
    reference, tried = _reference_classes(uow, history, feature_id, scopes)
    elapsed = _elapsed_context(uow, history, text, scopes)
    base: dict[str, Any] = {"feature_id": feature_id, "feature_title": feature.title, "unit": "points",
                            "reference": reference, "similarity_floor": SIMILARITY_FLOOR} | (
                               {"cycle_time": elapsed} if elapsed else {})
    fitted = [(scope, ref) for scope, ref in tried if ref.index is not None]
    if not fitted:
        items = tried[-1][1].items
        return base | {"history_items": items, "status": "declined", "reason": _thin(items, uow, workspace_id)}
    verdicts: list[tuple[int | None, Reference, Verdict]] = []
    for scope, ref in fitted:  # the team's own items first; every team's when they hold nothing similar enough
        assert ref.index is not None and ref.similar is not None
        verdicts.append((scope, ref, suggest_if_similar(ref.index, text, show=show, similar_work=ref.similar)))
        if verdicts[-1][2].suggestion is not None:
            break
    scope, ref, verdict = verdicts[-1]
    assert ref.index is not None
    titles = {it.key: it.text.split("\n", 1)[0] for it in ref.index.history}
    found = verdict.resemblance
    answer = base | {"history_items": ref.items, "best_similarity": round(found.best, 3),
                     "similar_items": found.similar, "neighbours": _neighbours(verdict, titles)}
    names = {team: team_service.names(uow=uow, workspace_id=workspace_id, ids=[team])[0]} if team is not None else {}
    if scope is not None:
        answer |= {"team_id": scope, "team": names[scope]}
    what = _compared_with(reference, ref.items, names.get(scope) if scope is not None else None)
    if team is not None and scope is None and reference == "work items":
        own = verdicts[0][2].resemblance if verdicts[0][0] == team else None
        what = (f"{names[team]}'s own sized items hold nothing similar enough (best match {own.best:.2f}), so every "
                "team's are used. " if own is not None else
                f"{names[team]} has fewer than {MIN_HISTORY} sized items of its own, so every team's are used. ") + what
    s = verdict.suggestion
    if s is None:
        return answer | {"status": "declined", "reason": verdict.explanation.rstrip("."),
                         "explanation": what + verdict.explanation}
    return answer | {"status": "ok", "reason": "", "p10": s.p10, "p50": s.p50, "p90": s.p90,
                     "calibrated": s.calibrated, "calibration_coverage": s.calibration_coverage,
                     "history_median": s.history_median, "explanation": what + verdict.explanation}


def _reference_classes(uow: UnitOfWork, history: WorkHistory, feature_id: int,
                       scopes: list[int | None]) -> tuple[str, list[tuple[int | None, Reference]]]:
    """What the feature is compared with ("features" or "work items") and the reference classes to try in turn:
    the finished features, or the sized work items of each scope (a team, then every team)."""
    finished = feature_history(uow=uow, workspace_id=history.workspace_id, exclude=feature_id, history=history)
    if len(finished) >= MIN_HISTORY:
        return "features", [(None, history.remember("estimate_features", tuple(finished), lambda: _fit(finished),
                                                    cache=FITTED))]
    exclude = feature_id if _has_sized_parts(uow, history, feature_id) else None
    return "work items", [(scope, _points_reference(uow, history, scope, exclude)) for scope in scopes]


def _compared_with(reference: str, n: int, team: str | None) -> str:
    if reference == "features":
        return (f"Compared with {n:,} finished features (the story points of each one's linked work items, "
                "summed). ")
    whose = f"{team}'s" if team else "the"
    return (f"Compared with {whose} {n:,} work items sized in story points (finished or not: points are given "
            "before the work); link work items to their features (the tracker's epic link) and, once "
            f"{MIN_HISTORY} features are finished, features are compared with features. ")


def _thin(items: int, uow: UnitOfWork, workspace_id: int) -> str:
    """Why there is no range when too few items are sized: what the workspace has and what to import."""
    finished = uow.session.scalar(select(func.count()).select_from(WorkItem).where(
        WorkItem.workspace_id == workspace_id, WorkItem.resolved_at.is_not(None))) or 0
    if items == 0 and finished >= MIN_HISTORY:
        return (f"no story points in your work history: its {finished:,} finished items have start and end dates "
                "only, and elapsed time is not effort. Import an export with a story-points column (tradeoff "
                "import workitems FILE.csv --map points=COLUMN) for a range in points")
    return (f"needs at least {MIN_HISTORY} work items with story points; the workspace has {items}. Import work "
            "history (tradeoff import workitems FILE.csv) first")
