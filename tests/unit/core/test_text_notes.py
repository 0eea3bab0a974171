"""Call-notes splitter."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.text.notes import NoteItem, heading_date, heading_name, heading_source, split_note_items


def split_notes(text: str) -> list[str]:
    return [item.text for item in split_note_items(text)]


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


def test_a_week_of_notes_keeps_each_items_heading() -> None:
    week = ("Tue 1 Dec — Redfern Engineering (CFO)\n- Approvals take a week\n- Wants a mobile approve button\n\n"
            "Wed 2 Dec | Marlowe Retail\nDana said: the export times out\n\n"
            "Call with Kessler-Brandt, 3 Dec\n- Peppol before July\n\n"
            "Exports are slow.\n- and nobody knows why")
    got = split_note_items(week)
    assert [(i.text, i.heading) for i in got] == [
        ("Approvals take a week", "Tue 1 Dec — Redfern Engineering (CFO)"),
        ("Wants a mobile approve button", "Tue 1 Dec — Redfern Engineering (CFO)"),
        ("the export times out", "Wed 2 Dec | Marlowe Retail"),
        ("Peppol before July", "Call with Kessler-Brandt, 3 Dec"),
        # a sentence is never a heading; the last heading still stands
        ("Exports are slow.", "Call with Kessler-Brandt, 3 Dec"),
        ("and nobody knows why", "Call with Kessler-Brandt, 3 Dec"),
    ]
    assert split_notes(week) == [i.text for i in got]


def test_a_speaker_line_that_says_nothing_yet_is_the_heading_of_what_follows() -> None:
    items = split_note_items("Tue 1 Dec — Acme\n- SSO\n\nOther notes:\n- Exports\n\nDana said:\n- Peppol soon")
    assert [(i.text, i.heading) for i in items] == [("SSO", "Tue 1 Dec — Acme"), ("Exports", "Other notes"),
                                                   ("Peppol soon", "Dana said")]
    assert split_notes("Dana said: exports are slow") == ["exports are slow"]  # a speaker with words stays one


def test_a_headings_day_is_the_latest_such_day_so_far() -> None:
    today = date(2026, 12, 6)
    assert heading_date("Tue 1 Dec — Redfern", today) == date(2026, 12, 1)
    assert heading_date("Dec 1st call", today) == date(2026, 12, 1)
    assert heading_date("28 December: Acme", today) == date(2025, 12, 28)  # not yet this year: last year's
    assert heading_date("Acme 2026-11-30", today) == date(2026, 11, 30)
    assert heading_date("5 Jan 2027 QBR", today) == date(2027, 1, 5)  # a year given is kept
    assert heading_date("Redfern (CFO)", today) is None
    assert heading_date("31 Feb", today) is None and heading_date("2026-02-31", today) is None
    assert heading_date("29 Feb", date(2026, 12, 6)) is None  # neither this year nor last had one
    assert heading_date("29 Feb", date(2025, 3, 1)) == date(2024, 2, 29)
    # a weekday says which day: "Tue 29 Dec" is not 29 Dec 2025, a Monday, so the heading names no day
    assert heading_date("Tue 29 Dec", today) is None and heading_date("Mon 29 Dec", today) == date(2025, 12, 29)
    assert heading_date("Thursday 3 Dec: Kessler", today) == date(2026, 12, 3)
    assert heading_date("Monitoring review 1 Dec", today) == date(2026, 12, 1)  # a word, not a weekday


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
       st.dates(min_value=date(2000, 3, 1), max_value=date(2100, 12, 31)))
def test_a_day_without_a_year_is_never_after_today(day: date, today: date) -> None:
    for text in (f"{day.day} {day:%b}", f"{day:%a} {day.day} {day:%B}", f"{day:%b} {day.day}"):
        got = heading_date(text, today)
        if got is not None:
            assert got <= today and (got.month, got.day) == (day.month, day.day)
            assert got.year in (today.year, today.year - 1)
            if text.startswith(f"{day:%a}"):
                assert got.weekday() == day.weekday()  # never a day the weekday named is not


def test_detail_lines_under_a_heading_are_not_an_item_and_the_list_keeps_the_heading() -> None:
    notes = "Greystone Field Services - Tue 1 Dec\nAttendees: Marcus, Samir\n- They want bulk send.\n- Reminders go to spam"
    assert split_note_items(notes) == [NoteItem("They want bulk send.", "Greystone Field Services - Tue 1 Dec"),
                                       NoteItem("Reminders go to spam", "Greystone Field Services - Tue 1 Dec")]
    said = "Call with Acme, 5 Dec\nThey want SSO with Okta badly.\n- Reminders go to spam"
    assert split_note_items(said) == [NoteItem("They want SSO with Okta badly.", "Call with Acme, 5 Dec"),
                                      NoteItem("Reminders go to spam", "Call with Acme, 5 Dec")]
    assert split_note_items("Greystone call 01/12\n- bulk send") == [NoteItem("bulk send", "Greystone call 01/12")]


def test_a_dashed_line_with_more_words_under_it_stays_feedback() -> None:
    notes = "The export is slow - takes 5 minutes\nfor our biggest accounts\n- Reminders go to spam"
    assert split_note_items(notes) == [NoteItem("The export is slow - takes 5 minutes for our biggest accounts"),
                                       NoteItem("Reminders go to spam")]


def test_days_in_numbers_are_read_the_way_a_recent_call_would_be_dated() -> None:
    today = date(2026, 12, 7)
    assert heading_date("Greystone call 01/12", today) == date(2026, 12, 1)  # not the 12th of January
    assert heading_date("Kessler-Brandt QBR, 02.12.2026", today) == date(2026, 12, 2)  # dots: day first
    assert heading_date("Greystone call 01.12.", today) == date(2026, 12, 1)
    assert heading_date("call 12/01/2026", today) == date(2026, 12, 1)  # either reading is past: the latest
    assert heading_date("call 25/12", today) == date(2025, 12, 25)  # only one reading is a date; this year's is ahead
    assert heading_date("call 45/99", today) is None


def test_common_note_layouts_keep_their_heading_and_drop_what_is_about_the_call() -> None:
    notes = ("**Greystone call 01.12.**\n**Attendees:**\n- Frau Weber (CFO)\n- Marcus\n\n- They want bulk send\n"
             "  - for 300 invoices at month end\n- Reminders go to spam\n\nAction items:\n- Send the pricing sheet")
    assert [(i.text, i.heading) for i in split_note_items(notes)] == [
        ("They want bulk send — for 300 invoices at month end", "Greystone call 01.12."),
        ("Reminders go to spam", "Greystone call 01.12.")]
    para = "Greystone - Tue 1 Dec\nAttendees: Marcus\nThey want bulk send for month end."
    assert [(i.text, i.heading) for i in split_note_items(para)] == [
        ("They want bulk send for month end.", "Greystone - Tue 1 Dec")]


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(i.text, i.heading) for i in split_note_items(text)]


def test_each_customer_heading_starts_its_own_group_after_indented_bullets() -> None:
    vantara, tallgrass = "Vantara Telecom, 3 Dec", "Tallgrass Agritech, 4 Dec"
    notes = (f"{vantara}:\n  - Export to PDF times out\n    for our biggest account\n  - Wants SSO\n"
             f"{tallgrass}:\n  - Reminders go to spam\n  - Needs Peppol")
    assert _pairs(notes) == [("Export to PDF times out for our biggest account", vantara), ("Wants SSO", vantara),
                             ("Reminders go to spam", tallgrass), ("Needs Peppol", tallgrass)]
    # without the colon too: a line less indented than the bullets that names a customer and a day
    assert _pairs(notes.replace("Dec:", "Dec"))[1:3] == [("Wants SSO", vantara), ("Reminders go to spam", tallgrass)]
    assert heading_date(tallgrass, date(2026, 12, 7)) == date(2026, 12, 4)
    # a wrapped bullet that ends on a day is still one item
    assert split_notes("- They need Peppol by\n4 Dec\n- SSO") == ["They need Peppol by 4 Dec", "SSO"]


def test_section_labels_are_neither_items_nor_glued_to_the_item_above() -> None:
    head = "Vantara Telecom, 3 Dec"
    notes = (f"{head}\n**Requests**\n- Bulk send\n**Pain points**\n- Exports are slow\n**Happy**\n- Love reminders\n"
             "Requests:\n- SSO\n## Pain points\n- Spam folder\n\n__Feature requests:__\n- Peppol")
    assert _pairs(notes) == [(t, head) for t in ("Bulk send", "Exports are slow", "Love reminders", "SSO",
                                                 "Spam folder", "Peppol")]
    # a markdown heading that names the call is a heading; a bold line over nothing is what was said
    assert _pairs("## Tallgrass Agritech — 4 Dec\n- Needs Peppol\n\n**Export is broken**") == [
        ("Needs Peppol", "Tallgrass Agritech — 4 Dec"), ("Export is broken", "Tallgrass Agritech — 4 Dec")]


def test_each_speaker_line_is_an_item_and_next_steps_are_not_feedback() -> None:
    notes = "Ines said: we need X\nJonah: the export is slow\nNext steps: send pricing"
    # "said" marks a speaker: dropped; "Jonah:" may as well be a topic ("Pricing: too high"): kept as written
    assert split_notes(notes) == ["we need X", "Jonah: the export is slow"]
    more = ("Dana (CTO): SSO is a must\n  before the rollout\nPricing: too high for 300 seats\nAction items:\n"
            "- send the pricing sheet\n- book a demo\nFollow-ups: call Dana\nTODO: check Peppol\n"
            "  and the test clock\n\nThe reminders go to spam")
    assert split_notes(more) == ["Dana (CTO): SSO is a must before the rollout", "Pricing: too high for 300 seats",
                                 "The reminders go to spam"]


def test_call_headings_name_the_customer_and_day_with_or_without_a_blank_line() -> None:
    today = date(2026, 12, 7)
    for head, day in (("Call w/ Stonegate Facilities Management — 12/01/2026", date(2026, 12, 1)),
                      ("Call with Stonegate Facilities Management - 2026-12-01", date(2026, 12, 1)),
                      ("Meeting: Stonegate Facilities Management (Dec 1)", date(2026, 12, 1))):
        for gap in ("\n", "\n\n"):
            assert _pairs(f"- Earlier item\n{head}{gap}- Exports are slow\n\nThey want SSO.") == [
                ("Earlier item", ""), ("Exports are slow", head), ("They want SSO.", head)], (head, gap)
        assert heading_date(head, today) == day
    assert _pairs("Call w/ Stonegate Facilities Management\n- Exports") == [
        ("Exports", "Call w/ Stonegate Facilities Management")]
    # a feedback line that ends on a day is not a heading
    assert split_notes("They need Peppol by 1 Jul\n\nExports are slow") == ["They need Peppol by 1 Jul",
                                                                            "Exports are slow"]


EMAIL = """From: Jane Doe <jane@stonegate.com>
Sent: Tuesday, December 1, 2026 10:32 AM
To: Maya Chen <maya@tradeoff.io>
Cc: Sales <sales@tradeoff.io>
Subject: RE: Export problems

Hi Maya,

Thanks for fixing the reminders, but the export is still broken for 300 invoices.

We also need SSO with Okta
before January.

Best regards,
Jane Doe
Head of Finance Operations
Stonegate Facilities Management
+1 555 0100 | stonegate.com
"""


def test_a_pasted_email_gives_its_body_under_its_subject_sender_and_day() -> None:
    head = "Export problems — Jane Doe <jane@stonegate.com> — 2026-12-01"
    assert _pairs(EMAIL) == [
        ("Thanks for fixing the reminders, but the export is still broken for 300 invoices.", head),
        ("We also need SSO with Okta before January.", head)]
    assert heading_date(head, date(2026, 12, 7)) == date(2026, 12, 1)
    # what follows the signature's block still counts; an email's footer does not
    tail = ("\nP.S. the audit log is still missing\n\nAlso from the call: they want Peppol\n\n"
            "This email and any attachments are confidential and intended for the addressee only.")
    assert split_notes(EMAIL.rstrip() + tail)[2:] == ["P.S. the audit log is still missing",
                                                       "Also from the call: they want Peppol"]
    # a reply above it: each message its own heading; "Date:" as well as "Sent:"; "Cheers" closes an email
    thread = ("Hello team,\nExports still fail.\nCheers\nJonah\n\nFrom: Ines <ines@vantara.example>\n"
              "Date: Thu, 3 Dec 2026 09:00:00 +0100\nSubject: Fwd: SSO\n\nDear Maya,\n- SSO please\n\nThanks,\nInes")
    assert _pairs(thread) == [("Exports still fail.", ""),
                              ("SSO please", "SSO — Ines <ines@vantara.example> — 2026-12-03")]


def test_thanks_that_says_something_and_notes_that_are_not_an_email_stay() -> None:
    notes = ("Happy:\n- Love the reminders\n\nThanks!\nExports are fast now\n\n"
             "Thanks for the demo, but SSO is still missing")
    assert split_notes(notes) == ["Love the reminders", "Thanks! Exports are fast now",
                                  "Thanks for the demo, but SSO is still missing"]


@pytest.mark.parametrize(("heading", "name", "source"), [
    ("Thu 3 Dec — Vantara Telecom (support escalation)", "Vantara Telecom", "support"),
    ("Call with Borealis Freight, 2 Dec", "Borealis Freight", None),
    ("Mon 30 Nov — ACME Logistics (CFO, AR lead)", "ACME Logistics", None),
    ("2026-12-01 | Redfern Engineering | sales call", "Redfern Engineering", "sales_call"),
    ("Interview: Dana at Stonegate", "Stonegate", "interview"),
    ("Tue 1 Dec", None, None),
    ("action items", None, None),
    ("Acme — Globex (joint call)", None, None),  # two names: which one is the customer is not for us to guess
])
def test_a_heading_gives_the_customers_name_and_the_kind_of_call(heading: str, name: str | None,
                                                                 source: str | None) -> None:
    assert heading_name(heading) == name
    assert heading_source(heading) == source


@given(st.text(max_size=120))
def test_a_heading_name_is_made_of_the_headings_words(heading: str) -> None:
    name = heading_name(heading)
    assert name is None or (name.strip() == name and all(word in heading for word in name.split()))
