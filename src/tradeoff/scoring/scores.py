"""Scoring a set of features with one framework, one feature under every framework, and the weights
weighted scoring uses for a product."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from tradeoff.core import scoring as core
from tradeoff.core import scoring_weighted as core_weighted
from tradeoff.core.formula import Formula, format_number
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.products.model import Product
from tradeoff.records import service as records
from tradeoff.scoring.inputs import FeatureRow, feature_rows, get_inputs
from tradeoff.scoring.service import check_framework, compiled, default_framework, frameworks
from tradeoff.storage.uow import UnitOfWork

DEFAULT_STAGE = "growth"


# ---------------------------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoredFeature:
    feature: Feature
    score: core.Score
    sources: dict[str, str]


def _criteria_for(product: Product | None) -> list[core_weighted.Criterion]:
    stage = (product.stage if product and product.stage else DEFAULT_STAGE)
    weights = core_weighted.default_weights(stage)
    if product and product.criteria_weights:
        weights |= {k: float(w) for k, w in product.criteria_weights.items() if k in weights}
    return [core_weighted.Criterion(name, w, scale=None if name == "reach" else (0.0, 10.0)) for name, w in weights.items()]


def stage_weights(product: Product | None) -> dict[str, Any]:
    """The weights weighted scoring uses for a product: its stage's defaults, with the team's overrides."""
    stage = product.stage if product and product.stage else DEFAULT_STAGE
    defaults = core_weighted.default_weights(stage)
    overrides = dict(product.criteria_weights or {}) if product else {}
    return {"stage": stage, "defaults": defaults, "overrides": overrides,
            "weights": {c.name: c.weight for c in _criteria_for(product)}}


def score_rows(*, uow: UnitOfWork, workspace_id: int, framework: str,
               rows: dict[int, FeatureRow]) -> dict[int, ScoredFeature]:
    """Score every row with one framework (built-in or a custom formula's name); each score explains itself."""
    out: dict[int, ScoredFeature] = {}
    if framework == "weighted":
        by_product: dict[int | None, list[FeatureRow]] = defaultdict(list)
        for r in rows.values():
            by_product[r.feature.product_id].append(r)
        products = {p.id: p for p in uow.session.scalars(select(Product).where(
            Product.workspace_id == workspace_id, Product.id.in_([k for k in by_product if k is not None])))}
        for pid, group in by_product.items():
            criteria = _criteria_for(products.get(pid) if pid is not None else None)
            scores = core_weighted.weighted_scores({str(r.feature.id): {c.name: r.values.get(c.name) for c in criteria}
                                           for r in group}, criteria)
            for r in group:
                out[r.feature.id] = ScoredFeature(r.feature, scores[str(r.feature.id)], r.sources)
        return out
    if framework in core.FRAMEWORKS:
        formula = core.FRAMEWORKS[framework]
    else:
        custom = compiled(uow=uow, workspace_id=workspace_id)
        if framework not in custom:
            check_framework(uow=uow, workspace_id=workspace_id, framework=framework)
        formula = custom[framework]
    for fid, r in rows.items():
        out[fid] = ScoredFeature(r.feature, core.custom_score(formula, r.values), r.sources)
    return out


def formula_of(*, uow: UnitOfWork, workspace_id: int, framework: str) -> Formula | None:
    """The formula behind a framework (None for weighted scoring, which is not a formula)."""
    if framework in core.FRAMEWORKS:
        return core.FRAMEWORKS[framework]
    if framework == "weighted":
        return None
    custom = compiled(uow=uow, workspace_id=workspace_id)
    if framework not in custom:
        check_framework(uow=uow, workspace_id=workspace_id, framework=framework)
    return custom[framework]


def feature_scores(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any]:
    """One feature under every framework, each score with its explanation, and the inputs with their sources."""
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    rows = feature_rows(uow=uow, workspace_id=workspace_id, features=[feature])
    out = []
    for fw in frameworks(uow=uow, workspace_id=workspace_id):
        if fw == "weighted":
            # weighted scoring normalises within the product's features; score it among them (an archived
            # feature among the active ones: it is still shown with its scores)
            peers = list(uow.session.scalars(records.base_query(feature_service.SPEC, workspace_id).where(
                Feature.product_id == feature.product_id if feature.product_id else Feature.product_id.is_(None),
                or_(Feature.archived_at.is_(None), Feature.id == feature.id))))
            s = score_rows(uow=uow, workspace_id=workspace_id, framework=fw,
                           rows=feature_rows(uow=uow, workspace_id=workspace_id, features=peers,
                                             with_sizing=False))[feature_id].score
        else:
            s = score_rows(uow=uow, workspace_id=workspace_id, framework=fw, rows=rows)[feature_id].score
        out.append({"framework": fw, "value": s.value, "explanation": s.explanation,
                    "not_scored_reason": s.not_scored_reason})
    row = rows[feature_id]
    return {"feature_id": feature_id, "title": feature.title,
            "default_framework": default_framework(uow=uow, workspace_id=workspace_id),
            "entered": get_inputs(uow=uow, workspace_id=workspace_id, feature_id=feature_id),
            "inputs": {k: {"value": v, "source": row.sources.get(k, "")} for k, v in row.values.items()},
            "effort_disagreement": effort_disagreement(row.values, row.sources),
            "scores": out}


EFFORT_GAP = 1.5  # a business case and an engineering estimate this far apart are worth a conversation


def effort_disagreement(values: dict[str, float | None], sources: dict[str, str]) -> str | None:
    """When the PM's business case and the engineers' estimate (both in person-weeks) differ by more than
    EFFORT_GAP times: the two figures, so the effort the score uses (the estimate's) can be questioned. An estimate
    in story points that no days-per-point turns into weeks is `estimate_points`, not compared."""
    case, est = values.get("effort_weeks"), values.get("estimate_effort")
    if not case or not est or "estimate_effort" not in sources:
        return None
    if max(case, est) / min(case, est) <= EFFORT_GAP:
        return None
    return (f"the business case says {format_number(case)} person-weeks, the engineers estimate "
            f"{format_number(est)}")
