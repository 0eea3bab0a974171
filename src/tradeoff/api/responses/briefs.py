"""Answers of the brief and blocker routes (api/briefs.py): saved brief versions and diffs, blockers, their
business impact, and a business request's technical implications."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Amount, Answer, ByCurrency, Day, Number, Ref
from tradeoff.blockers.schemas import BlockerOut
from tradeoff.briefs.schemas import BriefVersionOut

BRIEF_CONTENT = {
    "text/markdown": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "text/plain": {"schema": {"type": "string"}},
}
"""A brief's body in each format it is written in (`format`: md, html, pdf, text)."""


class BriefVersionSaved(BriefVersionOut):
    changed: bool = Field(description="The content differs from the last saved version of this scope")


class DiffFrom(Answer):
    id: int
    number: int
    as_of: Day


class BriefDiffOut(Answer):
    from_: DiffFrom = Field(alias="from", description="The saved version compared from")
    to: str = Field(description="What it is compared with: 'now (2026-12-07)' or 'version 3 (2026-12-01)'")
    changed: bool
    diff: str = Field(description="Unified diff of the Markdown; '' when nothing changed")
    added: int = Field(description="Lines added")
    removed: int = Field(description="Lines removed")


class BlockerRecord(Answer, BlockerOut):
    """A technical blocker or risk: its extra effort range (person-days) and the features it affects."""


class ListedBlocker(BlockerRecord):
    done_by_p85: Day | None = Field(description="When its work is done with an 85% chance, in the forecast every "
                                                "date counts it in; null when it holds up no forecast feature")


class Slip(Answer):
    feature_id: int
    title: str
    p85_before: Day = Field(description="The feature's P85 date without the blocker (other open ones counted)")
    p85_after: Day = Field(description="Its P85 date with the blocker's work done first")
    slip_days: int
    direct: bool = Field(description="The blocker names this feature (else it slips behind one that does)")


class CommitmentImpact(Answer):
    id: int
    feature_id: int
    customer_id: int
    customer: str
    arr: Amount = Field(description="The customer's ARR")
    currency: str
    due: Day
    probability_before: Number | None = Field(description="Chance of keeping it without the blocker (0-1)")
    probability_after: Number | None = Field(description="Chance of keeping it with the blocker (0-1)")
    threshold: Number = Field(description="The workspace's risk threshold")
    falls_below: bool = Field(description="The blocker takes its chance below the threshold")


class AffectedCustomer(Answer):
    customer_id: int
    name: str
    arr: Amount
    currency: str
    arr_in_workspace_currency: Amount | None = Field(
        None, description="Its ARR in the workspace's currency at the workspace's rates; null when its currency "
                          "has no rate (never guessed)")


class AffectedObjective(Answer):
    id: int
    title: str
    feature_ids: list[int] = Field(description="The objective's features that slip")


class Cleared(Answer):
    p50: Day
    p85: Day
    p95: Day


class ImpactArrTotal(Answer):
    """Affected customers' ARR as one total in the workspace's currency."""

    amount: Amount = Field(description="The total, counting only currencies with an exchange rate")
    currency: str = Field(description="The workspace's currency, the total's")
    how: str = Field(description="The rates used, e.g. 'USD; EUR at 1.08, GBP at 1.27'")


class BlockerImpactOut(Answer):
    """What a blocker costs in business terms, from the roadmap forecast with and without it."""

    blocker: BlockerRecord
    status: Literal["ok", "not_forecast"]
    missing: str = Field(description="Why there is no forecast (status not_forecast); '' otherwise")
    cleared: Cleared | None = Field(description="When its work is done, in the forecast with it; null when it "
                                                "holds up no forecast feature")
    slips: list[Slip] = Field(description="Features whose P85 date moves, most first")
    commitments: list[CommitmentImpact]
    customers: list[AffectedCustomer] = Field(description="Customers of slipping features or endangered "
                                                          "promises, biggest ARR in the workspace's currency first; "
                                                          "those whose currency has no exchange rate last")
    arr_by_currency: ByCurrency = Field(description="Those customers' ARR per currency")
    arr_total: ImpactArrTotal | None = Field(description="Their ARR in the workspace's currency (currencies without "
                                                         "an exchange rate left out); null when not forecast")
    arr_without_rate: ByCurrency = Field(description="Their ARR left out of `arr_total` for want of an exchange "
                                                     "rate, per currency; {} when nothing")
    objectives: list[AffectedObjective]
    summary: str


class EstimateRange(Answer):
    optimistic: Number
    likely: Number
    pessimistic: Number
    unit: str = Field(description="days (person-days) or points")
    confidence: Number = Field(description="How sure the estimator is that the effort lands in the range (0-1)")
    category: str = Field(description="feature, tech_debt, platform, ...")
    estimate_id: int


class DriverOut(Answer):
    name: str | None = Field(description="The complexity driver, e.g. data_migration, third_party")
    component: str | None = Field(description="The component it is about, by name")


class ComponentDebt(Answer):
    id: int
    name: str
    debt_level: int = Field(description="Technical debt, 0 (none) to 5")
    indebted: bool = Field(description="Debt level 3 or more")


class Dependency(Answer):
    feature_id: int
    title: str
    status: str


class OpenBlocker(Ref):
    extra: list[Number] = Field(description="Extra effort: optimistic, likely, pessimistic person-days")
    component_id: int | None


class ImplicationsOut(Answer):
    """What a requested feature means for engineering."""

    feature_id: int
    title: str
    status: str
    estimate: EstimateRange | None
    explanation: str = Field(description="Why the estimate is that big; '' without one")
    drivers: list[DriverOut]
    components: list[ComponentDebt] = Field(description="The components it touches, with their debt")
    dependencies: list[Dependency] = Field(description="Features it needs first")
    blockers: list[OpenBlocker] = Field(description="Open blockers and risks on it")
    missing: list[str] = Field(description="What is not recorded yet")
