"""Rendering a hand-built brief: citations in Markdown and text, links in HTML, nothing cited in public briefs,
byte-identical output for the same document."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tradeoff.briefs.document import Brief, Bullets, Listing, Missing, Paragraph, Ref, Section, Table, s
from tradeoff.briefs.pdf import latin1, to_pdf
from tradeoff.briefs.render import md_escape, to_html, to_markdown, to_text

F1, C3 = Ref("feature", 1), Ref("customer", 3)


def brief(public: bool = False) -> Brief:
    return Brief(
        "exec", "Executive brief", "product Payments", "2026-11-22",
        (Section("Bets", (
            Paragraph((s("Ledger sync", F1, strong=True), s(" is asked for by "), s("2 customers", F1, C3),
                       s("."))),
            Table(("Feature", "P85"), (((s("Ledger sync", F1),), (s("29 Dec 2026", F1),)),)),
            Bullets(((s("Acme | *bold* [x]", C3),),)),
            Missing("No forecasts yet: estimate the planned features."),
        )),),
        public=public, sources=((F1, "feature 1: Ledger sync"), (C3, "customer 3: Acme")))


def test_markdown_cites_every_claim_and_lists_sources() -> None:
    md = to_markdown(brief(), "acme")
    assert "**Ledger sync** [F1]" in md and "2 customers [F1][C3]" in md
    assert "| Ledger sync [F1] | 29 Dec 2026 [F1] |" in md
    assert "Acme \\| \\*bold\\* \\[x\\] [C3]" in md  # user text cannot break the table or fake a citation
    assert "> **Missing:** No forecasts yet" in md
    sources = md.split("## Sources", 1)[1]
    assert "- [F1] feature 1: Ledger sync: /w/acme/features/1" in sources
    assert "- [C3] customer 3: Acme: /w/acme/customers/3" in sources


class Numbers(HTMLParser):
    """Collects digits found in text outside any <a> (and outside <h1>, the scope line and <th>)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.loose: list[str] = []
        self.linked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        # a count of records without a list page of their own is "cited": each record links from its superscript
        # (test_html_cites_every_record_of_a_claim checks that one follows every cited count)
        self.stack.append("skip" if tag in ("style", "title", "th", "svg") or cls == "scope"
                          else "a" if cls == "cited" else tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "skip" in self.stack:
            return
        for n in re.findall(r"(?<![P\w])\d[\d,.]*", data):  # P50/P85/P95 are names of levels
            (self.linked if "a" in self.stack else self.loose).append(n)


def test_html_links_every_number_to_its_record() -> None:
    html = to_html(brief(), "acme")
    assert '<a class="ref" href="/w/acme/features/1" data-ref="F1"' in html
    # two records behind "2 customers": both are cited, neither stands for the other
    assert ('<span class="cited" data-refs="F1 C3">2 customers</span><sup><a href="/w/acme/features/1" '
            'data-ref="F1">F1</a> <a href="/w/acme/customers/3" data-ref="C3">C3</a></sup>') in html
    p = Numbers()
    p.feed(html.split('<section class="sources">')[0])
    assert p.linked and not p.loose, p.loose
    evil = Brief("exec", "<b>x</b>", "s", "2026-11-22", (Section("<i>", (Paragraph((s("<script>", F1),)),)),))
    assert "<script>" not in to_html(evil, "acme") and "&lt;script&gt;" in to_html(evil, "acme")


class Claims(HTMLParser):
    """Per top-level claim of a brief's HTML: the records its words link to or that its superscript cites."""

    def __init__(self) -> None:
        super().__init__()
        self.claims: list[tuple[str, set[str], str]] = []  # (href of the words or "", records cited, words)
        self._in: str | None = None
        self._sup = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "sup":
            self._sup = True
        elif tag == "a" and self._sup and self.claims:
            self.claims[-1][1].add(a["data-ref"] or "")
        elif tag == "a" and a.get("class") == "ref" or tag == "span" and a.get("class") == "cited":
            refs = set((a.get("data-refs") or "").split()) if "data-refs" in a else set()
            if a.get("data-ref"):
                refs.add(a["data-ref"] or "")
            self.claims.append((a.get("href") or "", refs, ""))
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._sup = False
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and self.claims:
            href, refs, words = self.claims[-1]
            self.claims[-1] = (href, refs, words + data)


def test_html_cites_every_record_of_a_claim_and_links_a_count_to_their_list() -> None:
    """'3 in progress' behind three features: the words link to the list of exactly those three (never to the
    first of them), and each of the three is cited; without such a list, the words link nowhere."""
    f2, f3 = Ref("feature", 2), Ref("feature", 3)
    doc = Brief("exec", "Executive brief", "whole roadmap", "2026-11-22", (Section("Summary", (
        Paragraph((s("This scope holds "), s("3 in progress", F1, f2, f3, listing=Listing(
            "features", (("status", "in_progress"), ("product_id", "4")))), s(" and "),
            s("2 estimated", f2, f3), s(" features."))),)),))
    html = to_html(doc, "acme")
    p = Claims()
    p.feed(html)
    by_words = {words: (href, refs) for href, refs, words in p.claims}
    assert by_words["3 in progress"] == ("/w/acme/features?status=in_progress&product_id=4", {"F1", "F2", "F3"})
    assert by_words["2 estimated"] == ("", {"F2", "F3"})  # no list of exactly those: cited, linked nowhere
    assert "features?status=in_progress&amp;product_id=4" in html  # the address is escaped in the attribute
    sup = html.split("3 in progress</a>", 1)[1].split("</sup>", 1)[0]
    assert re.findall(r'data-ref="(\w+)"', sup) == ["F1", "F2", "F3"]
    # every claim of the hand-built brief shows every record its Markdown cites
    md = to_markdown(doc, "acme")
    assert "3 in progress [F1][F2][F3]" in md and "2 estimated [F2][F3]" in md


def test_exports_give_absolute_addresses_when_the_server_is_known() -> None:
    """A brief pasted into Slack or mailed must link somewhere: with the server's address the sources (and HTML
    links) are absolute; without it (the command line) they stay relative."""
    text = to_text(brief(), "acme", "https://tradeoff.example.com/")
    sources = text.split("*Sources*", 1)[1].strip().splitlines()
    assert sources == ["[F1] feature 1: Ledger sync: https://tradeoff.example.com/w/acme/features/1",
                       "[C3] customer 3: Acme: https://tradeoff.example.com/w/acme/customers/3"]
    assert "[F1] feature 1: Ledger sync: /w/acme/features/1" in to_text(brief(), "acme")
    md = to_markdown(brief(), "acme", "https://tradeoff.example.com")
    assert "- [F1] feature 1: Ledger sync: https://tradeoff.example.com/w/acme/features/1" in md
    html = to_html(brief(), "acme", "https://tradeoff.example.com/")
    assert 'href="/w/' not in html and 'href="https://tradeoff.example.com/w/acme/features/1"' in html
    pdf = to_pdf(brief(), "acme", "https://tradeoff.example.com/")
    assert pdf.startswith(b"%PDF") and pdf != to_pdf(brief(), "acme")


def test_a_quote_ending_a_sentence_is_not_followed_by_a_second_full_stop() -> None:
    from tradeoff.briefs.common import quoted

    assert quoted("voiding the invoice and starting again.") == ("voiding the invoice and starting again", "”.")
    assert quoted("Invoices fail to sync") == ("Invoices fail to sync", "”.")
    assert quoted("Why can't I refund in bulk?") == ("Why can't I refund in bulk?", "”")
    assert quoted("It waits…") == ("It waits…", "”")


def test_public_brief_has_no_citations_links_or_sources() -> None:
    for text in (to_markdown(brief(True), "acme"), to_html(brief(True), "acme"), to_text(brief(True), "acme")):
        assert "[F1]" not in text and "/w/acme" not in text and "Sources" not in text


def test_same_brief_same_bytes_in_every_format() -> None:
    for fn in (to_markdown, to_html, to_text, to_pdf):
        assert fn(brief(), "acme") == fn(brief(), "acme")  # type: ignore[operator]


def test_text_is_slack_ready_and_pdf_folds_to_latin1() -> None:
    text = to_text(brief(), "acme")
    assert text.startswith("*Executive brief* (product Payments, data as of 2026-11-22)")
    assert "• Feature: Ledger sync; P85: 29 Dec 2026 [F1]" in text  # each source once, at the end of its row
    assert text.rstrip().endswith("[C3] customer 3: Acme: /w/acme/customers/3")  # one source a line, address last
    assert latin1("P50 1 Jan · P85 “x” — y → z ≥ 1 €") == 'P50 1 Jan - P85 "x" - y -> z >= 1 ?'
    assert md_escape("a|b") == "a\\|b"


def test_pdf_draws_charts_whose_labels_are_not_latin1() -> None:
    """A chart label with '…' or '≥' must not stop the PDF (the core PDF fonts are Latin-1)."""
    from tradeoff.briefs.document import Chart
    from tradeoff.charts import DemandBar, demand_by_segment

    svg = demand_by_segment([DemandBar("Enterprise customers with a very long segment name…", 1000.0, 3),
                             DemandBar("≥ 10 seats", 10.0, 1)], "USD", title="Demand by segment")
    assert "…" in svg
    doc = Brief("exec", "Executive brief", "whole roadmap", "2026-11-22",
                (Section("Demand", (Chart("Demand by segment", svg, (s("3 customers", C3),)),)),),
                sources=((C3, "customer 3: Acme"),))
    pdf = to_pdf(doc, "acme")
    assert pdf.startswith(b"%PDF") and to_pdf(doc, "acme") == pdf


def test_a_commitment_at_risk_names_the_date_it_is_likely_by() -> None:
    from tradeoff.briefs.common import _risk_words

    assert _risk_words({"at_risk": False, "kept_by": None}, 0.7) == "on track"
    assert _risk_words({"at_risk": True, "kept_by": None}, 0.7) == "at risk"  # not forecast: no date to offer
    words = _risk_words({"at_risk": True, "kept_by": "2027-01-04"}, 0.7)
    assert words.startswith("at risk; 70% likely by ") and "2027" in words and "4" in words


def test_key_result_values_are_written_as_the_rest_of_tradeoff_writes_them() -> None:
    from tradeoff.briefs.audiences import _measured

    assert [_measured(v, u) for v, u in ((88, "%"), (1, "days"), (3, "days"), (41000, "USD"), (7, ""))] == [
        "88%", "1 day", "3 days", "USD 41,000", "7"]


def test_an_engineers_user_flow_is_not_customer_copy() -> None:
    from tradeoff.briefs.audiences_customers import _TECHNICAL

    technical = ["send POST /invoices with an Idempotency-Key", "the call times out on the client side",
                 "read `status` from the response", "set retry_count to 3"]
    plain = ["Open your profile", "Choose the dark theme", "Get paid faster from the email", "Put a PO number on it"]
    assert all(_TECHNICAL.search(t) for t in technical) and not any(_TECHNICAL.search(t) for t in plain)


def test_the_plans_value_is_said_with_what_it_gains_over_sorting_and_filling() -> None:
    """The plan page's comparison in the executive's words: the value in its unit, and the difference from sorting
    features by value and filling the periods (with its share), the same, or that sorting would miss a must-have."""
    from tradeoff.briefs.audiences_exec_summary import plan_value_words

    arr = {"value": 39386230.6, "value_unit": "USD", "value_source": "arr", "greedy": {"feasible": True},
           "value_difference": 1064605.6, "value_difference_pct": 0.02778}
    said, gain = plan_value_words(arr)
    assert said.startswith("The plan serves USD 39,386,231 of demand (the ARR of the customers asking, counted")
    assert gain == ", USD 1,064,606 (+2.8%) more than sorting features by value and filling the periods in that order"
    assert plan_value_words(arr | {"value_difference": 0.0})[1].startswith(", as much as sorting")
    assert "miss a must-have" in plan_value_words(arr | {"greedy": {"feasible": False}})[1]
    said, gain = plan_value_words({"value": 42.5, "value_unit": "", "value_source": "score", "value_note":
                                   "RICE score; features without value are planned only where room is left",
                                   "greedy": {"feasible": True}, "value_difference": 2.5,
                                   "value_difference_pct": 0.0625}, whole=True)
    assert said == "The plan as a whole is worth 42.5 (RICE score, summed over its features)"
    assert gain.startswith(", 2.5 (+6.2%) more than sorting")
