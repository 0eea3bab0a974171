"""Answers of the CSV imports (api/imports.py, api/delivery.py): a preview (dry run) and a summary, for feedback,
for work items and for customers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Amount, Answer, Day, Moment, Number

ROW_NUMBERING = "Row 1 is the first line after the header"


class BadRowOut(Answer):
    """Why one cell of one row cannot be imported."""

    row: int = Field(description=ROW_NUMBERING)
    line: int = Field(description="The line of the file it starts on")
    field: str = Field(description="The field it maps to")
    column: str = Field(description="The CSV column")
    value: str = Field(description="The cell, cut at 120 characters")
    reason: str


class ImportBlocker(Answer):
    """Why importing would be refused."""

    code: str = Field(description="bad_rows, unmatched_customers, conflicting_options, no_rows, already_imported, "
                                  "key_clash")
    message: str


class AlreadyImported(Answer):
    row: int = Field(description=ROW_NUMBERING)
    feedback_id: int = Field(description="The feedback already in the workspace with its words, customer and time")


class SampleCustomer(Answer):
    value: str = Field(description="As written in the file")
    customer_id: int | None = Field(description="The customer it matches; null: none")
    name: str | None
    by: str | None = Field(description="How it matched: external_id or name")


class FeedbackSample(Answer):
    row: int = Field(description=ROW_NUMBERING)
    text: str = Field(description="The words, cut at 300 characters")
    customer: SampleCustomer | None
    source: str
    reported_at: Moment | None = Field(description="As read from the file; null: no date, so the date is unknown (the "
                                                   "item is marked so, dated when it is imported, in no trend)")
    author: str
    tags: list[str]
    kind: str | None = Field(description="The kind read from the file (the PM's own, kept by triage); null: triage "
                                         "guesses it")
    score_kind: str | None = Field(description="nps or csat for a survey response")
    score: int | None


class KindValue(Answer):
    """One value of the file's kind column and the kind it is read as."""

    value: str = Field(description="As written in the file (its first spelling)")
    rows: int
    kind: str | None = Field(description="bug, feature_request, praise, question or other; null: no kind (left to "
                                         "triage, or a bad row when `by` is unknown and unknown kinds are refused)")
    by: Literal["known", "chosen", "unknown"] = Field(
        description="known: the kind's own words; chosen: your kind_values; unknown: neither")


class CustomerMatch(Answer):
    value: str = Field(description="As written in the file")
    customer_id: int
    name: str
    by: str = Field(description="external_id or name")
    rows: int


class UnmatchedCustomer(Answer):
    value: str = Field(description="The first spelling met in the file (a created customer's name)")
    rows: int
    first_row: int


class CustomerMatches(Answer):
    matched_count: int
    matched: list[CustomerMatch] = Field(description="The first 100")
    unmatched_count: int
    unmatched: list[UnmatchedCustomer] = Field(description="The first 100")


class FeedbackImportPreview(Answer):
    """What importing the file would do (nothing is written)."""

    dry_run: Literal[True]
    file: str
    encoding: str
    delimiter: str
    columns: list[str] = Field(description="The header's columns")
    mapping: dict[str, str] = Field(description="Field (text, customer, source, date, ...) -> the column used")
    guessed_text: str | None = Field(description="The column read as the words because no header named one")
    kinds: list[KindValue] = Field(description="The kind column's values, most rows first (the first 100)")
    kind_value_count: int = Field(description="How many distinct values the kind column has")
    unknown_kinds: Literal["refuse", "triage"] = Field(description="What values that are neither a kind nor mapped "
                                                                   "make: bad rows, or rows left to triage")
    row_numbering: str
    rows: int = Field(description="Data rows after the header, blank ones included")
    blank_rows: int
    valid_rows: int
    bad_row_count: int
    bad_rows: list[BadRowOut] = Field(description="The first 100 problems")
    sample: list[FeedbackSample] = Field(description="The first valid rows, as they would be imported")
    customers: CustomerMatches
    would_import: int
    already_imported_count: int
    already_imported: list[AlreadyImported] = Field(description="The first 100 rows already in the workspace")
    import_again: bool
    would_create_customers: int
    would_skip_rows: int
    rows_without_customer: int
    ready: bool = Field(description="Importing would go ahead (no blockers)")
    blockers: list[ImportBlocker]


class FeedbackIds(Answer):
    first: int
    last: int


class FeedbackImportSummary(Answer):
    """What was imported."""

    dry_run: Literal[False]
    file: str
    created_feedback: int
    created_customer_count: int
    created_customers: list[str] = Field(description="The first 100 created, by name")
    skipped_row_count: int
    skipped_rows: list[int] = Field(description="The first 100 rows skipped as bad")
    rows_without_customer: int
    skipped_already_imported: int
    already_imported: list[AlreadyImported]
    feedback_ids: FeedbackIds | None = Field(description="The first and last id of the feedback created")
    kinds_from_file: int = Field(description="Feedback created with its kind from the file (the PM's own)")
    undated: int = Field(description="Feedback created without a date: marked date unknown, in no trend")
    audit_event_id: int | None


class WorkItemSample(Answer):
    row: int = Field(description=ROW_NUMBERING)
    key: str
    title: str = Field(description="Cut at 200 characters")
    type: str
    status: str
    created: Moment | None = Field(description="As read from the file")
    resolved: Moment | None
    points: Number | None
    cancelled: str | None = Field(description="Why it counts as cancelled (its status or resolution), else null")
    feature_id: int | None = Field(description="The feature it will be linked to")


class WorkItemOutcome(Answer):
    """What an import of work items does beyond creating and updating (in the preview and the summary alike)."""

    finished_rows: int
    cancelled_rows: int = Field(description="Imported as not finished: out of throughput, cycle times and sizes")
    linked_to_features: int
    feature_links_changed: int
    feature_links_kept: int
    feature_links_cleared: int
    unmatched_features: dict[str, int] = Field(description="Feature values that matched no feature -> rows (first "
                                                           "100)")
    notes: list[str] = Field(description="What to know before trusting the numbers")


class WorkItemImportPreview(WorkItemOutcome):
    """What importing the file would do (nothing is written)."""

    dry_run: Literal[True]
    file: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str] = Field(description="Field (key, title, created, resolved, points, ...) -> the column")
    guessed: list[str] = Field(description="The fields whose column was guessed from the header")
    tracker: str | None = Field(description="The tracker that wrote the file (Jira, Azure DevOps, GitHub)")
    row_numbering: str
    rows: int
    blank_rows: int
    valid_rows: int
    with_points: int
    bad_row_count: int
    bad_rows: list[BadRowOut]
    sample: list[WorkItemSample]
    would_create: int
    would_update: int
    would_skip_rows: int
    ready: bool
    blockers: list[ImportBlocker]


class WorkItemImportSummary(WorkItemOutcome):
    """What was imported."""

    dry_run: Literal[False]
    file: str
    created: int
    updated: int
    skipped_row_count: int
    skipped_rows: list[int]
    audit_event_id: int


class DealCounts(Answer):
    """Deals of a file with one row per deal, by stage."""

    open: int = Field(description="Open deals: their amounts add up to the deal value")
    won: int = Field(description="Closed won: not read as ARR")
    lost: int = Field(description="Closed lost: left out")


class CustomerSample(Answer):
    row: int = Field(description=ROW_NUMBERING)
    name: str
    external_id: str | None
    segment: str
    arr: Amount
    currency: str
    lifecycle: str = Field(description="customer or prospect")
    deal_value: Amount
    deal_close: Day | None
    action: str = Field(description="create, update or unchanged")
    customer_id: int | None = Field(description="The customer it updates; null: a new one")
    matched_by: str | None = Field(description="external_id or name")
    changed_fields: list[str] = Field(description="The fields an update changes")
    deal_rows: list[int] | None = Field(default=None, description="One row per deal: the customer's rows (the "
                                                                  "first is `row`); null otherwise")
    deals: DealCounts | None = Field(default=None, description="One row per deal: the customer's deals by stage; "
                                                               "null otherwise")


class CustomerImportPreview(Answer):
    """What importing the customer file would do (nothing is written)."""

    dry_run: Literal[True]
    file: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str] = Field(description="Field (name, external_id, arr, lifecycle, ...) -> the column")
    guessed: list[str] = Field(description="The fields whose column was guessed from the header")
    row_numbering: str
    rows: int
    blank_rows: int
    valid_rows: int
    bad_row_count: int
    bad_rows: list[BadRowOut] = Field(description="The first 100 problems")
    sample: list[CustomerSample] = Field(description="The first valid rows, as the customers would be after")
    would_create: int
    would_update: int
    would_leave_unchanged: int
    would_skip_rows: int
    prospects: int = Field(description="Rows (one row per deal: customers) that are (or stay) prospects")
    notes: list[str] = Field(description="What to check before importing")
    ready: bool
    blockers: list[ImportBlocker]
    rows_are_deals: bool = Field(default=False, description="The file was read as one row per deal")
    customers: int | None = Field(default=None, description="One row per deal: the customers the file's rows are "
                                                            "about; null otherwise")
    deals: DealCounts | None = Field(default=None, description="One row per deal: the file's deals by stage; null "
                                                               "otherwise")


class CustomerImportSummary(Answer):
    """What was imported."""

    dry_run: Literal[False]
    file: str
    created: int
    updated: int
    unchanged: int = Field(description="Rows matching a customer that already had every value")
    skipped_row_count: int
    skipped_rows: list[int] = Field(description="The first 100 rows skipped as bad")
    created_ids: list[int] = Field(description="The first 100 customers created")
    updated_ids: list[int] = Field(description="The first 100 customers changed")
    notes: list[str]
