"""API routes for money sizing, scoring, ranking, stakeholder votes, competitors and product strategy.

Objectives, decisions and competitors themselves are plain records (RECORD_APIS in api/app.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from tradeoff.api.deps import CurrentMember, IfMatch, Uow, etag
from tradeoff.api.exports import csv_twin
from tradeoff.api.responses.scoring import (
    CapabilityOut,
    CompareOut,
    CompetitorMatrixOut,
    FeatureScoresOut,
    FormulaOut,
    FormulasOut,
    ProductStrategyOut,
    RankingOut,
    ScoringInputsOut,
    ScoringSettingsOut,
    StabilityOut,
    StakeholdersOut,
    ValueEffortOut,
)
from tradeoff.api.responses.sizing import FeatureSizingOut, ProblemSizingOut
from tradeoff.competitors import service as competitor_service
from tradeoff.competitors.schemas import CapabilityIn
from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionOut
from tradeoff.exports import views as export_views
from tradeoff.records.schemas import to_json
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring import ranking
from tradeoff.scoring import scores as scoring_scores
from tradeoff.scoring import service as scoring
from tradeoff.scoring.schemas import FormulaIn, ScoringInputsIn, SettingsIn
from tradeoff.sizing import service as sizing
from tradeoff.sizing.schemas import BusinessCaseIn, BusinessCaseOut, ProblemSizeIn, ProblemSizeOut
from tradeoff.stakeholders import service as stakeholder_service
from tradeoff.stakeholders.schemas import VoteIn, VoteOut
from tradeoff.strategy import service as strategy_service

router = APIRouter()
W = "/workspaces/{workspace}"

ProductQ = Annotated[int | None, Query(description="Only this product's features")]
ObjectiveQ = Annotated[int | None, Query(description="Only features serving this objective")]
SegmentQ = Annotated[str | None, Query(max_length=20, description="Only features for this customer segment")]
StatusQ = Annotated[str | None, Query(max_length=20, description="Only features in this status; `open`: not shipped or won't do")]
FrameworkQ = Annotated[str | None, Query(max_length=60, description="rice, ice, wsjf, value_effort, weighted or "
                                                                    "a custom formula's name (default: the workspace's)")]


def _filters(product_id: int | None, objective_id: int | None, segment: str | None, status: str | None) -> ranking.Filters:
    return ranking.Filters(product_id=product_id, objective_id=objective_id, segment=segment, status=status)


# ---------------------------------------------------------------------------------------------- sizing


@router.put(f"{W}/problems/{{problem_id}}/size", operation_id="setProblemSize", response_model=ProblemSizeOut,
            tags=["sizing"], summary="Size a problem in money: customers, cost per customer per year, capture")
def set_problem_size(member: CurrentMember, uow: Uow, problem_id: int, body: ProblemSizeIn, version: IfMatch,
                     response: Response) -> Any:
    member.require("edit")
    size = sizing.set_size(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), problem_id=problem_id,
                           data=body, if_match=version)
    response.headers["ETag"] = etag(size.version)
    return size


@router.get(f"{W}/problems/{{problem_id}}/size", operation_id="getProblemSizing", tags=["sizing"],
            response_model=ProblemSizingOut, response_model_exclude_unset=True,
            summary="What a problem is worth a year (P10/P50/P90), its tornado, and the features that solve it")
def get_problem_sizing(member: CurrentMember, uow: Uow, problem_id: int, response: Response) -> Any:
    out = sizing.problem_sizing(uow=uow, workspace_id=member.workspace_id, problem_id=problem_id)
    size = sizing.get_size(uow=uow, workspace_id=member.workspace_id, problem_id=problem_id)
    if size is not None:  # the version a PUT's If-Match names
        response.headers["ETag"] = etag(size.version)
    return out


@router.put(f"{W}/features/{{feature_id}}/business-case", operation_id="setBusinessCase",
            response_model=BusinessCaseOut, tags=["sizing"],
            summary="A feature's cost (effort × loaded cost, run cost) and the customers' cheapest alternative")
def set_business_case(member: CurrentMember, uow: Uow, feature_id: int, body: BusinessCaseIn, version: IfMatch,
                      response: Response) -> Any:
    member.require("edit")
    case = sizing.set_case(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), feature_id=feature_id,
                           data=body, if_match=version)
    response.headers["ETag"] = etag(case.version)
    return case


@router.get(f"{W}/features/{{feature_id}}/business-case", operation_id="getFeatureSizing", tags=["sizing"],
            response_model=FeatureSizingOut, response_model_exclude_unset=True,
            summary="Value, cost, ROI, payback and NPV (P10/P50/P90), displacement risk and tornado of a feature")
def get_feature_sizing(member: CurrentMember, uow: Uow, feature_id: int, response: Response) -> Any:
    out = to_json(sizing.feature_sizing(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id))
    case = sizing.get_case(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id)
    if case is not None:
        response.headers["ETag"] = etag(case.version)
    return out


# ---------------------------------------------------------------------------------------------- scoring


@router.put(f"{W}/features/{{feature_id}}/scoring-inputs", operation_id="setScoringInputs", tags=["scoring"],
            response_model=ScoringInputsOut, response_model_exclude_unset=True,
            summary="Enter scoring inputs (a number, or [low, likely, high]); null removes one")
def set_scoring_inputs(member: CurrentMember, uow: Uow, feature_id: int, body: ScoringInputsIn) -> Any:
    member.require("edit")
    values = scoring_inputs.set_inputs(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                feature_id=feature_id, data=body)
    prompt = decision_service.decision_prompt(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id,
                                              change="scoring inputs changed, so may its priority")
    return {"feature_id": feature_id, "values": values, "decision_prompt": prompt}


@router.get(f"{W}/features/{{feature_id}}/scores", operation_id="getFeatureScores", tags=["scoring"],
            response_model=FeatureScoresOut, response_model_exclude_unset=True,
            summary="A feature's score under every framework, each explained, and its inputs with their sources")
def feature_scores(member: CurrentMember, uow: Uow, feature_id: int) -> Any:
    return scoring_scores.feature_scores(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id)


@router.get(f"{W}/scoring/formulas", operation_id="listScoringFormulas", tags=["scoring"], response_model=FormulasOut,
            response_model_exclude_unset=True)
def list_formulas(member: CurrentMember, uow: Uow) -> Any:
    return {"fields": list(scoring.ALL_FIELDS), "built_in": list(scoring.BUILT_IN),
            "items": [{"name": f.name, "text": f.text, "description": f.description}
                      for f in scoring.formulas(uow=uow, workspace_id=member.workspace_id)]}


@router.put(f"{W}/scoring/formulas/{{name}}", operation_id="saveScoringFormula", tags=["scoring"],
            response_model=FormulaOut, response_model_exclude_unset=True,
            summary="Save a custom formula (validated: the error points at the column of the mistake)")
def save_formula(member: CurrentMember, uow: Uow, name: Annotated[str, Path(max_length=60)], body: FormulaIn) -> Any:
    member.require("edit")
    f = scoring.save_formula(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), name=name, data=body)
    return {"name": f.name, "text": f.text, "description": f.description}


@router.delete(f"{W}/scoring/formulas/{{name}}", operation_id="deleteScoringFormula", status_code=204,
               tags=["scoring"])
def delete_formula(member: CurrentMember, uow: Uow, name: Annotated[str, Path(max_length=60)]) -> Response:
    member.require("edit")
    scoring.delete_formula(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), name=name)
    return Response(status_code=204)


@router.get(f"{W}/scoring/settings", operation_id="getScoringSettings", tags=["scoring"],
            response_model=ScoringSettingsOut, response_model_exclude_unset=True)
def get_settings(member: CurrentMember, uow: Uow) -> Any:
    return {"default_framework": scoring.default_framework(uow=uow, workspace_id=member.workspace_id),
            "frameworks": scoring.frameworks(uow=uow, workspace_id=member.workspace_id)}


@router.put(f"{W}/scoring/settings", operation_id="setScoringSettings", tags=["scoring"],
            response_model=ScoringSettingsOut, response_model_exclude_unset=True)
def set_settings(member: CurrentMember, uow: Uow, body: SettingsIn) -> Any:
    member.require("edit")
    fw = scoring.set_default_framework(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)
    return {"default_framework": fw, "frameworks": scoring.frameworks(uow=uow, workspace_id=member.workspace_id)}


# ---------------------------------------------------------------------------------------------- ranking


@csv_twin(router, f"{W}/ranking.csv", operation_id="exportRankedBacklog", tags=["ranking"],
          summary="The ranked backlog as CSV: rank, score, its formula and every input with its source",
          to_table=export_views.ranking)
@router.get(f"{W}/ranking", operation_id="getRankedBacklog", tags=["ranking"], response_model=RankingOut,
            response_model_exclude_unset=True,
            summary="The backlog ranked by a framework, every score explained; not-scored items last, with why")
def ranked(member: CurrentMember, uow: Uow, framework: FrameworkQ = None, product_id: ProductQ = None,
           objective_id: ObjectiveQ = None, segment: SegmentQ = None, status: StatusQ = None,
           limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> Any:
    return ranking.ranked_backlog(uow=uow, workspace_id=member.workspace_id, framework=framework,
                                  filters=_filters(product_id, objective_id, segment, status), limit=limit)


@router.get(f"{W}/ranking/value-effort", operation_id="getValueEffort", tags=["ranking"], response_model=ValueEffortOut,
            response_model_exclude_unset=True,
            summary="The value/effort 2×2: quick wins, big bets, fill-ins, money pits")
def value_effort(member: CurrentMember, uow: Uow, product_id: ProductQ = None, objective_id: ObjectiveQ = None,
                 segment: SegmentQ = None, status: StatusQ = None) -> Any:
    return ranking.value_effort(uow=uow, workspace_id=member.workspace_id,
                                filters=_filters(product_id, objective_id, segment, status))


@router.get(f"{W}/ranking/compare", operation_id="compareFrameworks", tags=["ranking"], response_model=CompareOut,
            response_model_exclude_unset=True,
            summary="Rankings side by side with rank correlation, and where frameworks disagree most")
def compare(member: CurrentMember, uow: Uow,
            frameworks: Annotated[list[str] | None, Query(max_length=20)] = None, product_id: ProductQ = None,
            objective_id: ObjectiveQ = None, segment: SegmentQ = None, status: StatusQ = None) -> Any:
    return ranking.compare(uow=uow, workspace_id=member.workspace_id, frameworks=frameworks,
                           filters=_filters(product_id, objective_id, segment, status))


@router.get(f"{W}/ranking/stability", operation_id="getTopStability", tags=["ranking"], response_model=StabilityOut,
            response_model_exclude_unset=True,
            summary="How stable the top k is when inputs move within their ranges")
def stability(member: CurrentMember, uow: Uow, framework: FrameworkQ = None, product_id: ProductQ = None,
              objective_id: ObjectiveQ = None, segment: SegmentQ = None, status: StatusQ = None,
              k: Annotated[int, Query(ge=1, le=100)] = 10, draws: Annotated[int, Query(ge=10, le=10_000)] = 1000) -> Any:
    return ranking.stability(uow=uow, workspace_id=member.workspace_id, framework=framework,
                             filters=_filters(product_id, objective_id, segment, status), k=k, draws=draws)


# ---------------------------------------------------------------------------------------------- stakeholders


@router.put(f"{W}/features/{{feature_id}}/votes", operation_id="voteOnFeature", response_model=VoteOut,
            tags=["stakeholders"], summary="Your score for a feature (0–10) as a member of a group, with a reason")
def vote(member: CurrentMember, uow: Uow, feature_id: int, body: VoteIn) -> Any:
    member.require("evidence")
    return stakeholder_service.vote(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                    user_id=member.user_id, feature_id=feature_id, data=body)


@router.get(f"{W}/features/{{feature_id}}/votes", operation_id="listFeatureVotes", response_model=list[VoteOut],
            tags=["stakeholders"])
def feature_votes(member: CurrentMember, uow: Uow, feature_id: int) -> Any:
    from tradeoff.features import service as feature_service
    from tradeoff.records import service as records

    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=member.workspace_id, record_id=feature_id)
    return stakeholder_service.votes(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id)


@router.get(f"{W}/stakeholders", operation_id="getStakeholderAnalysis", tags=["stakeholders"],
            response_model=StakeholdersOut, response_model_exclude_unset=True,
            summary="Each group's ranking, the consensus and the widest disagreements")
def stakeholders(member: CurrentMember, uow: Uow) -> Any:
    return stakeholder_service.analysis(uow=uow, workspace_id=member.workspace_id)


# ---------------------------------------------------------------------------------------------- decisions


@router.get(f"{W}/decision-timeline", operation_id="getDecisionTimeline", response_model=list[DecisionOut],
            tags=["decisions"], summary="Decisions in the order they were taken, for a product or the workspace")
def decision_timeline(member: CurrentMember, uow: Uow, product_id: ProductQ = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 200) -> Any:
    return decision_service.timeline(uow=uow, workspace_id=member.workspace_id, product_id=product_id, limit=limit)


# ---------------------------------------------------------------------------------------------- competitors


@router.put(f"{W}/competitors/{{competitor_id}}/capabilities/{{feature_id}}", operation_id="setCapability",
            response_model=CapabilityOut, response_model_exclude_unset=True, tags=["competitors"], summary="Whether a competitor has one of our features: have, planned or gap")
def set_capability(member: CurrentMember, uow: Uow, competitor_id: int, feature_id: int, body: CapabilityIn) -> Any:
    member.require("edit")
    c = competitor_service.set_capability(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                          competitor_id=competitor_id, feature_id=feature_id, data=body)
    return {"competitor_id": c.competitor_id, "feature_id": c.feature_id, "status": c.status, "note": c.note}


@router.delete(f"{W}/competitors/{{competitor_id}}/capabilities/{{feature_id}}", operation_id="removeCapability",
               status_code=204, tags=["competitors"])
def remove_capability(member: CurrentMember, uow: Uow, competitor_id: int, feature_id: int) -> Response:
    member.require("edit")
    competitor_service.remove_capability(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                         competitor_id=competitor_id, feature_id=feature_id)
    return Response(status_code=204)


@router.get(f"{W}/competitor-matrix", operation_id="getCompetitorMatrix", tags=["competitors"],
            response_model=CompetitorMatrixOut, response_model_exclude_unset=True,
            summary="Competitors × our features (have / planned / gap) and the evidence that mentions them")
def competitor_matrix(member: CurrentMember, uow: Uow, product_id: ProductQ = None) -> Any:
    return competitor_service.matrix(uow=uow, workspace_id=member.workspace_id, product_id=product_id)


# ---------------------------------------------------------------------------------------------- strategy


@router.get(f"{W}/products/{{product_id}}/strategy", operation_id="getProductStrategy", tags=["strategy"],
            response_model=ProductStrategyOut, response_model_exclude_unset=True,
            summary="A product's business stage, the weights it sets (and overrides), and its objectives")
def product_strategy(member: CurrentMember, uow: Uow, product_id: int) -> Any:
    return strategy_service.product_strategy(uow=uow, workspace_id=member.workspace_id, product_id=product_id)
