"""Answers of the demand routes (api/insights.py): demand behind a record, top requested, close the loop, NPS,
needs attention."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Amount, Answer, ByCurrency, Moment, Number


class Trend(Answer):
    days: int = Field(description="The window: evidence in the last `days` days against the `days` before (evidence "
                                  "whose date is unknown is in neither)")
    recent: int = Field(description="Pieces of evidence in the last window")
    previous: int = Field(description="Pieces of evidence in the window before it")
    direction: Literal["rising", "falling", "flat"]


class Quote(Answer):
    """One of the strongest things customers said, shown once however many said the same words."""

    feedback_id: int
    words: str = Field(description="The highlighted passage, else the whole feedback text")
    customer_name: str | None
    arr: Amount = Field(description="The customer's ARR (0.00 without a customer)")
    currency: str
    reported_at: Moment = Field(description="When it was said; when `date_unknown`, when it was imported")
    date_unknown: bool = Field(description="When it was said is not known: no recency counts in its strength")
    strength: Number = Field(description="How strongly it speaks: the customer's ARR (log), recency, a highlight, "
                                         "a complaint; higher first")
    why: str = Field(description="The strength in words, e.g. 'USD 14,300 ARR, 3 days ago, highlighted' ('date "
                                 "unknown' in place of the age when it is not known)")
    echoes: int = Field(description="Other pieces of evidence with the same words")
    also_said_by: list[str] = Field(description="The other customers among those echoes, by name")


class ArrTotal(Answer):
    """Amounts in several currencies as one total in the workspace's currency."""

    amount: Amount
    currency: str = Field(description="The workspace's currency, the total's")
    how: str = Field(description="The rates used, e.g. 'USD; EUR at 1.08, GBP at 1.27'")
    left_out: str = Field(description="What had no exchange rate and is not in the total, in words; '' when nothing")


class DemandSummaryOut(Answer):
    """Who asks for a problem or feature, how much ARR is behind it, and how that is moving."""

    feedback_count: int
    customer_count: int = Field(description="Distinct customers behind the evidence")
    arr_by_currency: ByCurrency = Field(description="Those customers' ARR per currency")
    arr_by_segment: dict[str, ByCurrency] = Field(
        description="ARR per currency, then per customer segment: {\"EUR\": {\"enterprise\": \"660000.00\"}}")
    customers_by_segment: dict[str, int] = Field(description="Distinct customers per segment")
    new_customers: int = Field(description="Customers of fewer than 90 days (by their 'customer since' day)")
    existing_customers: int = Field(description="Customers of 90 days or more")
    unknown_tenure: int = Field(description="Customers whose 'customer since' day is unknown: neither new nor "
                                            "existing. new + existing + unknown_tenure + prospects = customer_count")
    prospects: int = Field(description="Askers who are not customers yet (in `customer_count`, not in new or existing)")
    deals: int = Field(description="Askers with an open deal (prospects' first deals and customers' expansions)")
    deal_value_by_currency: ByCurrency = Field(description="Those open deals' expected ARR per currency")
    next_close: date | None = Field(description="The soonest expected close among those deals")
    new_customer_arr: ByCurrency = Field(description="The new customers' ARR per currency")
    trends: list[Trend]
    undated: int = Field(description="Pieces of evidence whose date is unknown (imported without one): counted, but "
                                     "in no trend")
    sources: dict[str, int] = Field(description="Pieces of evidence per source (sales_call, support, survey, ...)")
    quotes: list[Quote] = Field(description="The strongest quotes, strongest first")
    arr_total: ArrTotal = Field(description="`arr_by_currency` as one total in the workspace's currency")
    arr_by_segment_total: ByCurrency = Field(
        description="ARR per segment (the keys are segments), each in the workspace's currency")
    deal_value_total: ArrTotal = Field(description="`deal_value_by_currency` as one total in the workspace's currency")


class TopRequestedItem(Answer):
    id: int
    title: str = Field(description="The feature's title, or the problem's statement")
    status: str | None = Field(description="The feature's status; null for a problem")
    feedback_count: int
    customer_count: int
    arr: Amount = Field(description="The customers' ARR in the answer's `currency`")
    arr_by_currency: ByCurrency = Field(description="The customers' ARR per currency, as stored")
    arr_left_out: dict[str, Number] = Field(
        description="ARR in currencies without a rate to `currency`, not counted in `arr`")
    deals: int = Field(description="Askers with an open deal")
    deal_value: Amount = Field(description="Their open deals' expected ARR in the answer's `currency`")
    deal_value_by_currency: ByCurrency = Field(description="The open deals' expected ARR per currency, as stored")
    deal_value_left_out: dict[str, Number] = Field(
        description="Deal value in currencies without a rate to `currency`, not counted in `deal_value`")


class TopRequestedOut(Answer):
    kind: Literal["problem", "feature"]
    sort: Literal["count", "customers", "arr", "deals"]
    currency: str = Field(description="The currency `arr` is in")
    rates: dict[str, Number] = Field(description="What one unit of each currency is worth in `currency`")
    items: list[TopRequestedItem]


class SaidOut(Answer):
    """One piece of evidence a customer gave for the feature (or for a problem it solves)."""

    feedback_id: int
    words: str = Field(description="The highlighted passage, else the whole feedback text")
    reported_at: Moment = Field(description="When it was said; when `date_unknown`, when it was imported")
    date_unknown: bool = Field(description="When it was said is not known")
    told_at: Moment | None = Field(description="When they were told it shipped; null: not told yet")
    via_problem_id: int | None = Field(description="The problem the evidence is about, when it is not the "
                                                   "feature's own evidence")


class AskerOut(Answer):
    """A customer who asked for the feature (or one piece of evidence without a customer)."""

    customer_id: int | None
    customer: str | None = Field(description="The customer's name; null for evidence without a customer")
    arr: Amount | None
    currency: str | None
    account_owner: str | None
    reporters: list[str] = Field(description="Who heard it (the evidence's reporters)")
    said: list[SaidOut]
    told: bool = Field(description="Every piece of their evidence has been told (asking again since means "
                                   "telling again)")
    told_at: Moment | None = Field(description="The last time they were told")
    told_by: str | None


class CloseTheLoopOut(Answer):
    """Who to tell that a feature shipped."""

    feature_id: int
    title: str
    status: str
    shipped: bool
    customers: list[AskerOut] = Field(description="Biggest customer first")
    told_count: int
    to_tell_count: int


class NpsOut(Answer):
    segment: str = Field(description="A customer segment, 'unknown' (no customer) or 'all'")
    responses: int
    promoters: int = Field(description="Scores of 9-10")
    passives: int = Field(description="Scores of 7-8")
    detractors: int = Field(description="Scores of 0-6")
    nps: Number = Field(description="% promoters minus % detractors, -100..100")
    low: Number = Field(description="Low end of a 90% range for the NPS (few responses: a wide range)")
    high: Number = Field(description="High end of that range")


class SurveysOut(Answer):
    nps: list[NpsOut]
    csat: dict[str, Number] = Field(description="Mean CSAT (1-5) per segment and 'all'")


class AttentionRef(Answer):
    record_type: str
    record_id: int
    title: str


class AttentionItem(Answer):
    kind: str = Field(description="What it is: commitment_overdue, commitment_at_risk, release_missed, "
                                 "release_at_risk, plan_stale, feature_unestimated, blocker_open, triage_pending, "
                                 "feedback_unlinked, deal_waiting, deal_past_close, ...")
    severity: Literal["high", "medium", "low"]
    title: str
    detail: str
    path: str = Field(description="Where to act, relative to the workspace ('commitments', 'plans/3', ...)")
    count: int = Field(description="How many records it is about in all")
    refs: list[AttentionRef] = Field(description="The first few of those records")


class AttentionOut(Answer):
    items: list[AttentionItem] = Field(description="Most urgent first")
    count: int
