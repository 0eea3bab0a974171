"""Ranking views: the ranked backlog by any framework, the value/effort 2×2, frameworks side by side, and how
stable the top 10 is when inputs move within their ranges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import or_, select

from tradeoff.core import ranking as core_ranking
from tradeoff.core import scoring_matrix as core_matrix
from tradeoff.core.sizing import Range
from tradeoff.customers.model import Customer
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus, feature_problems
from tradeoff.feedback.model import Feedback
from tradeoff.links.evidence import feature_evidence
from tradeoff.problems.model import Problem
from tradeoff.records import service as records
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring import scores as scoring_scores
from tradeoff.scoring import service as scoring
from tradeoff.scoring.scores import effort_disagreement
from tradeoff.storage.uow import UnitOfWork
from tradeoff.strategy.model import objective_features

MAX_FEATURES = 5000


OPEN = "open"  # a status filter: every feature still to be decided or built (not shipped, not won't do)


@dataclass(frozen=True)
class Filters:
    product_id: int | None = None
    objective_id: int | None = None
    segment: str | None = None
    status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def features(*, uow: UnitOfWork, workspace_id: int, filters: Filters) -> list[Feature]:
    """The active features matching the filters. segment: solves a problem of that segment, or a customer of
    that segment asked for it."""
    if filters.status is not None and filters.status not in {s.value for s in FeatureStatus} | {OPEN}:
        raise InvalidInput(f"status: unknown status '{filters.status}'; use {OPEN} (not shipped or won't do) or "
                           f"{', '.join(s.value for s in FeatureStatus)}",
                           [FieldError(["query", "status"], "unknown status", filters.status)])
    stmt = records.base_query(feature_service.SPEC, workspace_id).where(Feature.archived_at.is_(None))
    if filters.product_id is not None:
        stmt = stmt.where(Feature.product_id == filters.product_id)
    if filters.status == OPEN:
        stmt = stmt.where(Feature.status.not_in([FeatureStatus.shipped, FeatureStatus.wont_do]))
    elif filters.status is not None:
        stmt = stmt.where(Feature.status == filters.status)
    if filters.objective_id is not None:
        stmt = stmt.where(Feature.id.in_(select(objective_features.c.feature_id)
                                         .where(objective_features.c.objective_id == filters.objective_id)))
    if filters.segment is not None:
        by_problem = (select(feature_problems.c.feature_id).join(Problem, Problem.id == feature_problems.c.problem_id)
                      .where(Problem.segment == filters.segment))
        fe = feature_evidence(workspace_id)
        by_customer = (select(fe.c.feature_id).join(Feedback, Feedback.id == fe.c.feedback_id)
                       .join(Customer, Customer.id == Feedback.customer_id)
                       .where(Customer.segment == filters.segment))
        stmt = stmt.where(or_(Feature.id.in_(by_problem), Feature.id.in_(by_customer)))
    return list(uow.session.scalars(stmt.order_by(Feature.id).limit(MAX_FEATURES)).unique())


def _framework(uow: UnitOfWork, workspace_id: int, framework: str | None) -> str:
    fw = framework or scoring.default_framework(uow=uow, workspace_id=workspace_id)
    scoring.check_framework(uow=uow, workspace_id=workspace_id, framework=fw)
    return fw


@dataclass(frozen=True)
class Prepared:
    """The features a filter selects and their scoring inputs: read once, ranked, charted and compared."""

    features: list[Feature]
    rows: dict[int, Any]


def prepare(*, uow: UnitOfWork, workspace_id: int, filters: Filters = Filters()) -> Prepared:
    feats = features(uow=uow, workspace_id=workspace_id, filters=filters)
    return Prepared(feats, scoring_inputs.feature_rows(uow=uow, workspace_id=workspace_id, features=feats))


def ranked_backlog(*, uow: UnitOfWork, workspace_id: int, framework: str | None = None,
                   filters: Filters = Filters(), limit: int = 500, prepared: Prepared | None = None) -> dict[str, Any]:
    """Features ranked by a framework (default: the workspace's), best first; not-scored ones last, with why.
    `prepared`: the same filter's features and inputs, already read (a page that also charts and compares them)."""
    fw = _framework(uow, workspace_id, framework)
    rows = (prepared or prepare(uow=uow, workspace_id=workspace_id, filters=filters)).rows
    scored = scoring_scores.score_rows(uow=uow, workspace_id=workspace_id, framework=fw, rows=rows)
    ranked = core_ranking.rank({str(fid): s.score for fid, s in scored.items()})
    items = []
    for r in ranked[:limit]:
        sf = scored[int(r.id)]
        f = sf.feature
        used = {k: {"value": v, "source": sf.sources.get(k, "")} for k, v in sf.score.inputs.items()}
        sizing = rows[f.id].sizing
        values, sources = rows[f.id].values, rows[f.id].sources
        items.append({
            "rank": r.rank, "id": f.id, "title": f.title, "status": f.status, "product_id": f.product_id,
            "score": r.value, "explanation": sf.score.explanation, "not_scored_reason": r.not_scored_reason,
            "inputs": used,
            "displacement_risk": bool(sizing and sizing["displacement"] and sizing["displacement"]["at_risk"]),
            "effort_disagreement": effort_disagreement(values, sources),
        })
    return {"framework": fw, "filters": filters.as_dict(), "count": len(ranked),
            "scored": sum(1 for r in ranked if r.value is not None), "items": items}


def value_effort(*, uow: UnitOfWork, workspace_id: int, filters: Filters = Filters(),
                 prepared: Prepared | None = None) -> dict[str, Any]:
    """The value/effort 2×2: each feature's value and effort (with their sources) and its quadrant; thresholds
    are the medians."""
    rows = (prepared or prepare(uow=uow, workspace_id=workspace_id, filters=filters)).rows
    matrix = core_matrix.value_effort_matrix(
        {str(fid): (r.values.get("value"), r.values.get("effort")) for fid, r in rows.items()})
    items = []
    for p in matrix.placements:
        r = rows[int(p.id)]
        items.append({"id": r.feature.id, "title": r.feature.title, "value": p.value, "effort": p.effort,
                      "quadrant": p.quadrant.value if p.quadrant else None, "score": p.score.value,
                      "explanation": p.score.explanation,
                      "value_source": r.sources.get("value"), "effort_source": r.sources.get("effort")})
    return {"value_threshold": matrix.value_threshold, "effort_threshold": matrix.effort_threshold,
            "filters": filters.as_dict(), "items": items}


def compare(*, uow: UnitOfWork, workspace_id: int, frameworks: list[str] | None = None,
            filters: Filters = Filters(), top: int = 10, prepared: Prepared | None = None) -> dict[str, Any]:
    """Rankings side by side, with Spearman/Kendall rank correlation and the items frameworks disagree on most."""
    names = frameworks or scoring.frameworks(uow=uow, workspace_id=workspace_id)
    for fw in names:
        scoring.check_framework(uow=uow, workspace_id=workspace_id, framework=fw)
    if len(names) < 2:
        raise InvalidInput("compare needs at least two frameworks", [FieldError(["query", "frameworks"], "too few")])
    p = prepared or prepare(uow=uow, workspace_id=workspace_id, filters=filters)
    feats, rows = p.features, p.rows
    scores = {fw: {str(fid): s.score for fid, s in
                   scoring_scores.score_rows(uow=uow, workspace_id=workspace_id, framework=fw, rows=rows).items()}
              for fw in names}
    cmp = core_ranking.compare_frameworks(scores, top=top)
    titles = {str(f.id): f.title for f in feats}
    return {
        "frameworks": list(cmp.frameworks),
        "spearman": [list(r) for r in cmp.spearman], "kendall": [list(r) for r in cmp.kendall],
        "items": [{"id": int(i), "title": titles[i], "ranks": ranks} for i, ranks in
                  sorted(cmp.ranks.items(), key=lambda kv: (kv[1].get(names[0]) or 10**9, int(kv[0])))],
        "disagreements": [{"id": int(d.id), "title": titles[d.id], "ranks": d.ranks, "spread": d.spread}
                          for d in cmp.disagreements],
        "min_disagreement": core_ranking.MIN_DISAGREEMENT,
    }


def stability(*, uow: UnitOfWork, workspace_id: int, framework: str | None = None, filters: Filters = Filters(),
              k: int = 10, draws: int = 1000) -> dict[str, Any]:
    """How often each feature stays in the top k when every uncertain input moves within its range."""
    fw = _framework(uow, workspace_id, framework)
    formula = scoring_scores.formula_of(uow=uow, workspace_id=workspace_id, framework=fw)
    if formula is None:
        raise InvalidInput("top-k stability needs a formula framework (rice, ice, wsjf, value_effort or a custom "
                           "formula); weighted scoring has no ranges to move",
                           [FieldError(["query", "framework"], "not a formula", fw)])
    if not 1 <= k <= 100 or not 10 <= draws <= 10_000:
        raise InvalidInput("k must be 1–100 and draws 10–10,000", [FieldError(["query", "k"], "out of range", k)])
    feats = features(uow=uow, workspace_id=workspace_id, filters=filters)
    rows = scoring_inputs.feature_rows(uow=uow, workspace_id=workspace_id, features=feats)
    items: dict[str, dict[str, Range | float | int | None]] = {}
    for fid, r in rows.items():
        items[str(fid)] = {name: r.ranges.get(name, r.values.get(name)) for name in formula.fields}
    res = core_ranking.top_k_stability(formula, items, rng=np.random.default_rng([workspace_id, 4, k]),
                                       draws=draws, k=k)
    uncertain = sorted({n for r in rows.values() for n in r.ranges if n in formula.fields})
    titles = {str(f.id): f.title for f in feats}
    return {
        "framework": fw, "k": res.k, "draws": res.draws, "uncertain_inputs": uncertain,
        "expected_overlap": res.expected_overlap, "expected_overlap_share": res.expected_overlap_share,
        "baseline_top": [{"id": int(i), "title": titles[i], "probability_in_top": res.probability_in_top[i]}
                         for i in res.baseline_top],
        "contenders": [{"id": int(i), "title": titles[i], "probability_in_top": p}
                       for i, p in sorted(res.probability_in_top.items(), key=lambda kv: -kv[1])
                       if i not in res.baseline_top and p > 0][:10],
    }
