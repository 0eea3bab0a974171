"""Call-notes splitter."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.text.notes import split_notes


def test_bullets_numbers_and_heading() -> None:
    text = "Notes from the Acme call:\n- Export is slow\n* They want SSO\n1. Billing confusing\n2) Love the app"
    assert split_notes(text) == ["Export is slow", "They want SSO", "Billing confusing", "Love the app"]


def test_continuation_lines_join_their_bullet() -> None:
    assert split_notes("- Export to PDF is slow\n  and times out\n- SSO") == [
        "Export to PDF is slow and times out",
        "SSO",
    ]


def test_blank_line_paragraphs() -> None:
    text = "The API docs are outdated.\nThey found two wrong examples.\n\n\nPricing page is unclear."
    assert split_notes(text) == ["The API docs are outdated. They found two wrong examples.", "Pricing page is unclear."]


def test_speaker_lines_start_items_and_lose_the_marker() -> None:
    text = "Customer said: exports are slow\nDana (CTO) asked: can we get SAML?\nCustomer said:\nPricing is high"
    assert split_notes(text) == ["exports are slow", "can we get SAML?", "Pricing is high"]


def test_windows_newlines_and_single_item() -> None:
    assert split_notes("- a thing\r\n- another") == ["a thing", "another"]
    assert split_notes("  just one remark  ") == ["just one remark"]
    assert split_notes("   \n\n  ") == []


@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z ]{0,30}[a-z]", fullmatch=True), min_size=1, max_size=8))
def test_bulleted_items_round_trip(items: list[str]) -> None:
    text = "\n".join(f"- {item}" for item in items)
    assert split_notes(text) == [" ".join(item.split()) for item in items]


def test_a_line_naming_the_call_heads_its_list_and_a_bare_dash_starts_an_item() -> None:
    notes = ("Call with Pilar (Kessler-Brandt), 5 Dec\n- They'd pay for a sandbox\n-\nPeppol before July\n"
             "- Exports are slow")
    assert split_notes(notes) == ["They'd pay for a sandbox", "Peppol before July", "Exports are slow"]
    # a sentence that happens to start like a header is kept when it says something
    kept = "Call with Dana went badly. They churn in May.\n- Wants SSO"
    assert split_notes(kept) == ["Call with Dana went badly. They churn in May.", "Wants SSO"]
    assert split_notes("Sandbox please\n- and a test clock") == ["Sandbox please", "and a test clock"]
