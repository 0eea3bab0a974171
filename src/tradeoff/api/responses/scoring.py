"""Answers of the scoring, ranking, stakeholder, competitor and product-strategy routes (api/strategy.py)."""

from __future__ import annotations

from pydantic import Field

from tradeoff.api.responses.base import Answer, Day, Number, Ref, absent

EnteredValue = Number | list[Number]
"""A scoring input as entered: a number, or [low, likely, high]."""


class ScoringInputsOut(Answer):
    feature_id: int
    values: dict[str, EnteredValue] = Field(description="The feature's entered inputs by name, after the change")
    decision_prompt: str | None = Field(description="An invitation to record a decision, when the feature has "
                                                    "linked decisions")


class InputUsed(Answer):
    value: Number | None
    source: str = Field(description="Where it comes from: 'entered', 'customers behind it (evidence)', ...")


class FrameworkScore(Answer):
    framework: str
    value: Number | None = Field(description="Null when it cannot be scored")
    explanation: str = Field(description="The formula with the feature's values filled in")
    not_scored_reason: str | None


class FeatureScoresOut(Answer):
    """A feature under every framework, and the inputs with their sources."""

    feature_id: int
    title: str
    default_framework: str
    entered: dict[str, EnteredValue] = Field(description="Inputs entered by hand, by name")
    inputs: dict[str, InputUsed] = Field(description="Every input the frameworks read (entered or derived from "
                                                     "evidence, estimates and the business case), by name")
    effort_disagreement: str | None = Field(description="The business case's effort and the engineers' estimate, "
                                                        "when they differ by more than 1.5 times")
    scores: list[FrameworkScore]


class FormulaOut(Answer):
    name: str
    text: str = Field(description="The formula, e.g. 'reach * impact * confidence / effort'")
    description: str


class FormulasOut(Answer):
    fields: list[str] = Field(description="The inputs a formula may use")
    built_in: list[str] = Field(description="The built-in frameworks")
    items: list[FormulaOut] = Field(description="The workspace's custom formulas")


class ScoringSettingsOut(Answer):
    default_framework: str
    frameworks: list[str] = Field(description="Built-in frameworks and custom formulas")


class RankingFilters(Answer):
    """The filters applied (only those given)."""

    product_id: int = absent()
    objective_id: int = absent()
    segment: str = absent()
    status: str = absent()


class RankedFeature(Answer):
    rank: int = Field(description="1 for the best; not-scored features come after every scored one")
    id: int
    title: str
    status: str
    product_id: int | None
    score: Number | None
    explanation: str
    not_scored_reason: str | None
    inputs: dict[str, InputUsed] = Field(description="The inputs the score used, by name")
    displacement_risk: bool = Field(description="Its business case flags a cheap alternative")
    effort_disagreement: str | None


class RankingOut(Answer):
    framework: str
    filters: RankingFilters
    count: int = Field(description="Features ranked (before `limit`)")
    scored: int
    items: list[RankedFeature] = Field(description="Best first; not-scored features last")


class ValueEffortItem(Answer):
    id: int
    title: str
    value: Number | None
    effort: Number | None
    quadrant: str | None = Field(description="quick win, big bet, fill-in or money pit; null without value and "
                                                "effort")
    score: Number | None = Field(description="value ÷ effort")
    explanation: str
    value_source: str | None
    effort_source: str | None


class ValueEffortOut(Answer):
    value_threshold: Number = Field(description="Value at or above it is high (the median)")
    effort_threshold: Number = Field(description="Effort above it is high (the median)")
    filters: RankingFilters
    items: list[ValueEffortItem]


class ComparedFeature(Ref):
    ranks: dict[str, int | None] = Field(description="Its rank under each framework; null when not scored")


class FrameworkDisagreement(Ref):
    ranks: dict[str, int | None]
    spread: int = Field(description="The widest gap between its ranks")


class CompareOut(Answer):
    frameworks: list[str]
    spearman: list[list[Number | None]] = Field(description="Rank correlation between each pair of frameworks "
                                                            "(a matrix in `frameworks` order)")
    kendall: list[list[Number | None]] = Field(description="Kendall's tau, likewise")
    items: list[ComparedFeature]
    disagreements: list[FrameworkDisagreement] = Field(
        description="Where the frameworks disagree most: the features whose ranks are `min_disagreement` places or "
                    "more apart, widest first (empty: none is)")
    min_disagreement: int = Field(description="The fewest places between a feature's ranks that count as a "
                                              "disagreement (ranks a place apart are the same verdict)")


class TopChance(Ref):
    probability_in_top: Number = Field(description="Share of draws it is in the top k")


class StabilityOut(Answer):
    framework: str
    k: int
    draws: int
    uncertain_inputs: list[str] = Field(description="Inputs entered as ranges, moved in the draws")
    expected_overlap: Number = Field(description="Features of today's top k expected in a draw's top k")
    expected_overlap_share: Number = Field(description="expected_overlap ÷ k")
    baseline_top: list[TopChance] = Field(description="Today's top k")
    contenders: list[TopChance] = Field(description="Others that reach the top k in some draws, likeliest first")


class GroupRank(Ref):
    rank: int
    value: Number = Field(description="The group's mean score (votes); in the consensus, the normalised Borda "
                                      "count (0-1)")


class GroupView(Answer):
    ranking: list[GroupRank]
    reasons: dict[str, list[str]] = Field(description="The group's reasons, by feature id")


class StakeholderDisagreement(Ref):
    spread: Number = Field(description="How far apart the groups that scored it place it (normalised Borda points)")
    ranks: dict[str, int] = Field(description="Its rank in each group that voted on it")
    ranked_by: dict[str, int] = Field(description="How many features each group ranked")
    reasons: dict[str, list[str]] = Field(description="Each group's reasons")
    summary: str


class StakeholdersOut(Answer):
    votes: int
    groups: dict[str, GroupView] = Field(description="Each stakeholder group's ranking, by group")
    consensus: list[GroupRank]
    disagreements: list[StakeholderDisagreement] = Field(description="Where groups disagree most")


class CapabilityOut(Answer):
    competitor_id: int
    feature_id: int
    status: str = Field(description="have, planned or gap")
    note: str


class Mention(Answer):
    feedback_id: int
    text: str = Field(description="Cut at 300 characters")


class CompetitorColumn(Answer):
    id: int
    name: str
    website: str
    counts: dict[str, int] = Field(description="Features they have, plan, or lack: have, planned, gap")
    mentions: int = Field(description="Feedback that mentions them")
    recent_mentions: list[Mention]


class Capability(Answer):
    status: str = Field(description="have, planned or gap")
    note: str


class MatrixRow(Answer):
    feature_id: int
    title: str
    status: str
    cells: dict[str, Capability | None] = Field(description="By competitor id; null: not recorded")


class CompetitorMatrixOut(Answer):
    competitors: list[CompetitorColumn]
    features: list[MatrixRow]
    product_id: int | None


class KeyResultProgress(Answer):
    metric: str
    baseline: Number
    target: Number
    current: Number | None = absent()
    unit: str = absent()
    due: Day | None = absent()
    progress: Number | None = Field(description="Share of the way from baseline to target (may exceed 1); null "
                                                "without a current value")


class ObjectiveSummary(Answer):
    id: int
    title: str
    problem_ids: list[int]
    feature_ids: list[int]
    key_results: list[KeyResultProgress]


class ProductStrategyOut(Answer):
    product_id: int
    name: str
    stage: str = Field(description="The product's business stage: growth, retention or profitability")
    defaults: dict[str, Number] = Field(description="The stage's weights for weighted scoring, by criterion")
    overrides: dict[str, Number] = Field(description="The team's own weights, by criterion")
    weights: dict[str, Number] = Field(description="The weights used: the defaults with the overrides")
    objectives: list[ObjectiveSummary]
