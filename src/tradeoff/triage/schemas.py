from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradeoff.feedback.model import Kind
from tradeoff.feedback.schemas import FeedbackFilters
from tradeoff.records.schemas import Input, ShortText

Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]


class DismissIn(Input):
    kind: Literal["feedback", "problem", "feature"]
    target_id: int


class MergeIn(Input):
    into_id: int = Field(description="The feedback item that stays; this one is archived as its duplicate.")


class NotesIn(Input):
    text: Annotated[str, StringConstraints(max_length=100_000)]


class ThemeToProblemIn(Input):
    statement: Statement
    feedback_ids: Annotated[list[int], Field(max_length=5_000)]  # none: the service says what is missing
    persona: ShortText = ""
    segment: ShortText = ""
    product_id: int | None = None


class ThemeToExistingIn(Input):
    """A theme's items added to a problem already on record, as its evidence."""

    problem_id: int
    feedback_ids: Annotated[list[int], Field(max_length=5_000)]


MAX_BULK = 1_000  # feedback items one action on many takes


class FeedbackMatch(FeedbackFilters):
    """Every feedback item a list's search and filters match, on all its pages (what the list would show with the
    same parameters)."""

    model_config = ConfigDict(extra="forbid")  # a misspelt filter must not widen the match to everything
    q: str | None = Field(None, max_length=200, description="Full-text search, as the list's q")
    archived: bool = Field(False, description="Archived items instead, as the list's archived")


class BulkIn(Input):
    """One action on many feedback items at once, all or nothing: link them to a feature or a problem, set (correct)
    their kind, keep triage's guesses as a person's kinds (confirm), archive or restore them, or merge them as
    duplicates into one. The items are `ids`, or every item `match` matches (up to 1,000)."""

    ids: Annotated[list[int] | None, Field(min_length=1, max_length=MAX_BULK, description="The feedback items.")] = None
    match: FeedbackMatch | None = Field(None, description="Instead of ids: every item this search and filters match; "
                                                          f"more than {MAX_BULK:,} is refused whole.")
    action: Literal["link", "kind", "confirm", "archive", "restore", "merge"]
    feature_id: int | None = Field(None, description="link: the feature they support (or problem_id)")
    problem_id: int | None = Field(None, description="link: the problem they describe (or feature_id)")
    kind: Kind | None = Field(None, description="kind: what they are; a PM's correction, learned from")
    into_id: int | None = Field(None, description="merge: the feedback item that stays; the others' links move to "
                                                  "it and they are archived as its duplicates")

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> BulkIn:
        if (self.ids is None) == (self.match is None):
            raise ValueError("give exactly one of ids or match")
        if self.action == "link" and (self.feature_id is None) == (self.problem_id is None):
            raise ValueError("link needs exactly one of feature_id or problem_id")
        if self.action == "kind" and self.kind is None:
            raise ValueError("kind needs the kind to set")
        if (self.action == "merge") != (self.into_id is not None):
            raise ValueError("merge needs into_id, the item that stays" if self.action == "merge"
                             else "into_id is for merge only")
        return self


class BulkSkipped(BaseModel):
    id: int
    reason: str = Field(description="Why it was left as it was, e.g. 'already linked there'")


class BulkOut(BaseModel):
    """What one action on many did: how many items it was asked to act on, which changed and which were already as
    asked."""

    action: Literal["link", "kind", "confirm", "archive", "restore", "merge"]
    matched: int = Field(description="The items asked for: the ids given, or how many the match found")
    done: list[int]
    skipped: list[BulkSkipped]
