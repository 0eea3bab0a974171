"""Reading a feedback CSV's kind column: the kinds' own words, the person's mapping, unknown values (no database)."""

from __future__ import annotations

import pytest

from tradeoff.errors import InvalidInput
from tradeoff.feedback.import_kinds import KindReader, chosen_kinds, parse_kind_pairs
from tradeoff.feedback.import_rows import parse_rows, read_table, resolve_mapping

APP_REVIEWS = ("id,text,label\n"
               "3,Can't access to my account,bug report\n"
               "5,Please add dark mode,feature request\n"
               "6,Great app,rating\n"
               "7,Easy to use,user experience\n"
               "8,Love it,Rating\n"
               "9,No label on this one,\n")


def test_a_label_column_is_read_as_the_kind_not_as_tags() -> None:
    table = read_table(APP_REVIEWS.encode(), filename="reviews.csv")
    fields = resolve_mapping(table.columns, {})
    assert table.columns[fields["kind"]] == "label" and "tags" not in fields
    for header in ("Kind", "Type", "Category", "Feedback type"):
        t = read_table(f"Comment,{header}\nx,bug\n".encode(), filename="f.csv")
        assert t.columns[resolve_mapping(t.columns, {})["kind"]] == header
    jira = read_table(b"Description,Labels\nx,sso\n", filename="f.csv")  # Jira's Labels stay tags
    assert "kind" not in resolve_mapping(jira.columns, {}) and "tags" in resolve_mapping(jira.columns, {})


def test_known_values_are_read_and_unknown_ones_make_bad_rows_naming_row_and_value() -> None:
    table = read_table(APP_REVIEWS.encode(), filename="reviews.csv")
    rows, bad, _ = parse_rows(table, resolve_mapping(table.columns, {}))
    assert [(r.row, r.kind) for r in rows] == [(1, "bug"), (2, "feature_request"), (6, None)]
    assert [(b.row, b.line, b.field, b.column, b.value) for b in bad] == [
        (3, 4, "kind", "label", "rating"), (4, 5, "kind", "label", "user experience"), (5, 6, "kind", "label", "Rating")]
    assert bad[0].reason.startswith("'rating' is not a kind Tradeoff knows")
    assert "--kind-value 'rating=KIND'" in bad[0].reason and "--unknown-kinds triage" in bad[0].reason
    assert bad[0].as_error().loc == ["row", 3, "kind"]


def test_the_persons_mapping_and_leaving_unknown_values_to_triage() -> None:
    table = read_table(APP_REVIEWS.encode(), filename="reviews.csv")
    fields = resolve_mapping(table.columns, {})
    mine = KindReader(chosen_kinds({"RATING": "Praise", "user-experience": "triage"}))
    rows, bad, _ = parse_rows(table, fields, kinds=mine)
    assert bad == [] and [r.kind for r in rows] == ["bug", "feature_request", "praise", None, "praise", None]
    lenient = KindReader(chosen_kinds({}), unknown="triage")
    rows, bad, _ = parse_rows(table, fields, kinds=lenient)
    assert bad == [] and [r.kind for r in rows] == ["bug", "feature_request", None, None, None, None]
    summary = mine.summary(table.values_of(fields, ["kind"]))
    assert summary == [
        {"value": "rating", "rows": 2, "kind": "praise", "by": "chosen"},
        {"value": "bug report", "rows": 1, "kind": "bug", "by": "known"},
        {"value": "feature request", "rows": 1, "kind": "feature_request", "by": "known"},
        {"value": "user experience", "rows": 1, "kind": None, "by": "chosen"},
    ]


def test_a_mapping_to_no_kind_is_refused_naming_it() -> None:
    assert parse_kind_pairs(["rating=praise", "a=b=bug"]) == {"rating": "praise", "a=b": "bug"}
    with pytest.raises(InvalidInput, match="'rating=great': 'great' is not a kind"):
        chosen_kinds({"rating": "great"})
    with pytest.raises(InvalidInput, match="not VALUE=KIND"):
        parse_kind_pairs(["rating"])
    with pytest.raises(InvalidInput, match="names no value"):
        chosen_kinds({" ": "bug"})
