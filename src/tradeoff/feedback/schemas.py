from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from tradeoff.customers.schemas import CustomerRef
from tradeoff.feedback.model import Kind, ScoreKind, Sentiment, Source
from tradeoff.records.schemas import Input, RecordOut, ShortText, Tag

Verbatim = Annotated[str, StringConstraints(max_length=20_000)]


def without_controls(v: str) -> str:
    """`v` without control characters other than tab and line breaks (a stray backspace in a tracker's export, an
    escape code): they cannot be shown, and are no part of what someone wrote."""
    return "".join(c for c in v if c in "\t\n\r\f" or unicodedata.category(c) != "Cc")


def text_problem(v: str) -> str | None:
    """Why `v` is not feedback text (None when it is): binary data, or nothing visible (spaces, line breaks,
    control characters and invisible format characters such as zero-width spaces and direction marks)."""
    if "\x00" in v:
        return "text contains binary data (NUL bytes)"
    if not any(unicodedata.category(c)[0] not in "ZC" for c in v):
        return "text is empty; paste what the customer said"
    return None


def _not_blank(v: str | None) -> str | None:
    if v is not None and (problem := text_problem(v)):
        raise ValueError(problem)
    return without_controls(v) if v is not None else v


def _not_future(v: datetime | None) -> datetime | None:
    """Feedback is dated when it was given: not later than today (a day of slack for time zones), as the CSV
    import checks too."""
    if v is not None and v.date() > datetime.now(UTC).date() + timedelta(days=1):
        raise ValueError(f"{v.date()} is in the future: feedback is dated when it was given")
    return v


class FeedbackCreate(Input):
    model_config = Input.model_config | {"str_strip_whitespace": False}
    text: Verbatim
    source: Source = Source.other
    customer_id: int | None = None
    reporter: ShortText = ""
    reported_at: datetime | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] = []
    score_kind: ScoreKind | None = Field(default=None, description="A survey response: nps (0-10) or csat (1-5).")
    score: int | None = None

    _text = field_validator("text")(_not_blank)
    _when = field_validator("reported_at")(_not_future)

    @model_validator(mode="after")
    def _score(self) -> FeedbackCreate:
        check_score(self.score_kind, self.score)
        return self


def check_score(kind: ScoreKind | None, score: int | None) -> None:
    if (kind is None) != (score is None):
        raise ValueError("give both score_kind and score for a survey response, or neither")
    if kind is ScoreKind.nps and not 0 <= (score or 0) <= 10:
        raise ValueError(f"an NPS score is 0-10, not {score}")
    if kind is ScoreKind.csat and not 1 <= (score or 0) <= 5:
        raise ValueError(f"a CSAT score is 1-5, not {score}")


class FeedbackUpdate(Input):
    model_config = Input.model_config | {"str_strip_whitespace": False}
    text: Verbatim | None = None
    source: Source | None = None
    customer_id: int | None = None
    reporter: ShortText | None = None
    reported_at: datetime | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    kind: Kind | None = Field(default=None, description="A PM's correction of the triage; remembered for learning.")
    sentiment: Sentiment | None = None

    _text = field_validator("text")(_not_blank)
    _when = field_validator("reported_at")(_not_future)


class FeedbackOut(RecordOut):
    text: str
    source: Source
    customer_id: int | None
    customer: CustomerRef | None
    reporter: str
    reported_at: datetime
    date_unknown: bool = Field(description="When it was said is not known (imported from a file without dates): "
                                           "`reported_at` is when it was imported, and it counts in no trend")
    tags: list[str]
    kind: Kind | None
    kind_confidence: float | None
    kind_source: str | None
    sentiment: Sentiment | None
    triaged_at: datetime | None
    duplicate_of_id: int | None
    score_kind: ScoreKind | None
    score: int | None


class FeedbackFilters(BaseModel):
    model_config = {"extra": "ignore"}
    source: Source | None = None
    customer_id: int | None = None
    reporter: str | None = None
    since: datetime | None = Field(None, description="Said at this moment or later (feedback whose date is unknown is "
                                                     "left out)")
    until: datetime | None = Field(None, description="Said before this moment (feedback whose date is unknown is "
                                                     "left out)")
    tag: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None = Field(
        None, description="Has this tag (the whole tag, any case)")
    dated: bool | None = Field(None, description="false: only feedback whose date is unknown (imported from a file "
                                                 "without dates); true: only feedback whose date is known")
    kind: Kind | None = None
    sentiment: Sentiment | None = None
    triaged: bool | None = None
    linked: bool | None = Field(None, description="false: linked to no problem or feature yet (the inbox still to "
                                                  "process); true: evidence somewhere")
    kind_source: Literal["model", "pm"] | None = Field(
        None, description="model: kinds triage guessed (to check them, least sure first with sort=confidence); "
                          "pm: kinds a person set")
