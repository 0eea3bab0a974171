"""Answers of the triage routes (api/triage.py): status, similar items, call-note splitting, themes."""

from __future__ import annotations

from pydantic import Field

from tradeoff.api.responses.base import Amount, Answer, ByCurrency, Day, Moment, Number, Ref


class KindModelOut(Answer):
    """The workspace's fine-tuned feedback-kind model."""

    method: str
    examples: int = Field(description="Examples it was trained on")
    corrections: int = Field(description="PM corrections among them")
    seconds: Number = Field(description="Training time")
    created_at: Moment = Field(description="When it was trained")


class TriageStatusOut(Answer):
    total: int = Field(description="Feedback items")
    triaged: int
    pending: int
    method: str = Field(description="What matches items: lexical, or the local sentence model's name")
    kind_model: KindModelOut | None = Field(description="Null until a kind model is tuned for the workspace")


class TriageRunOut(Answer):
    triaged: int = Field(description="Items triaged now")


class SimilarItem(Ref):
    score: Number = Field(description="Likeness, 0-1")


class SimilarOut(Answer):
    """Feedback, problems and features that look like the same request, most alike first."""

    feedback_id: int
    method: str = Field(description="lexical (shared words), or the sentence model's name (words and meaning)")
    feedback: list[SimilarItem]
    problem: list[SimilarItem]
    feature: list[SimilarItem]


class NamedCustomer(Answer):
    id: int
    name: str


class NoteItem(Answer):
    text: str
    heading: str = Field(description="The heading it was under; '' for none")
    customer_id: int | None = Field(description="The customer the heading names in full")
    customer: str | None
    reported_on: Day | None = Field(description="The day the heading names")
    new_customer: str | None = Field(description="The name the heading gives for a customer not on record yet, "
                                                 "like none that is (to add, or correct to one that is)")
    ambiguous_name: str | None = Field(description="The name the heading gives when customers on record may go by "
                                                   "it (see `candidates`): not offered as a new customer")
    candidates: list[NamedCustomer] = Field(description="The customers on record `ambiguous_name` may mean: "
                                                        "choose one (send its id), or add the name as new on purpose")
    source: str | None = Field(description="The kind of call the heading names: support, interview, survey or "
                                           "sales_call")


class SplitNotesOut(Answer):
    items: list[str] = Field(description="The items' words, in order")
    details: list[NoteItem] = Field(description="The same items with what their headings say")


class ThemeTrend(Answer):
    last_30_days: int
    previous_30_days: int
    undated: int = Field(description="Items whose date is unknown (imported without one): in neither window")


class Representative(Answer):
    feedback_id: int
    text: str


class ThemeOut(Answer):
    """Unlinked feedback that says the same thing, with the demand behind it."""

    label: str
    terms: list[str] = Field(description="The words that name it")
    feedback_ids: list[int]
    count: int
    customer_count: int
    arr_by_currency: ByCurrency
    arr: Amount = Field(description="The customers' ARR in `currency` (rounded to whole units when converted "
                                    "from other currencies)")
    currency: str = Field(description="The workspace's currency")
    arr_left_out: dict[str, Number] = Field(description="ARR in currencies without a rate, not in `arr`")
    segment: str | None = Field(description="The segment all its customers are in, if one")
    trend: ThemeTrend
    representative: Representative = Field(description="The item that says it best")
    problems: list[SimilarItem] = Field(description="Problems on record that say the same: add the theme to one "
                                                    "instead of a new one")


class ThemesOut(Answer):
    items: list[ThemeOut] = Field(description="A page of the themes of at least `min_size` items, largest first")
    total: int = Field(description="The themes of at least `min_size` items")
    next: str | None = Field(description="Give it back as `cursor` for the next page; null on the last")
    min_size: int = Field(description="The fewest items of a theme listed")
    smaller_themes: int = Field(description="Themes under `min_size` items, left out")
    smaller_items: int = Field(description="The items of those themes")
    considered: int = Field(description="Unlinked items grouped (the newest, up to a limit)")
    unthemed: int = Field(description="Those like no other, so in no theme")
    method: str = Field(description="What measured likeness: lexical, or the local sentence model's name")
