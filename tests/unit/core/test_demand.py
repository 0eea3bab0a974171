from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.demand import (
    EvidenceItem,
    SurveyScore,
    csat_by_segment,
    near_same,
    nps_by_segment,
    summarise,
    word_set,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def item(i: int, days_ago: int, cust: int | None = None, arr: int = 0, seg: str = "smb", cur: str = "USD",
         since_days: int | None = 400, source: str = "support", quote: str | None = None) -> EvidenceItem:
    return EvidenceItem(i, NOW - timedelta(days=days_ago), source, f"text {i}", quote, cust, f"C{cust}", seg,
                        Decimal(arr), cur, NOW - timedelta(days=since_days) if since_days is not None else None)


def test_prospects_are_neither_new_nor_existing_and_open_deals_are_counted_apart_from_arr() -> None:
    prospect = replace(item(1, 5, 1, 0, since_days=5), prospect=True, deal_value=Decimal(90000),
                       deal_close=NOW.date() + timedelta(days=40))
    expansion = replace(item(2, 8, 2, 1000), deal_value=Decimal(250), deal_close=NOW.date() + timedelta(days=10))
    d = summarise([prospect, expansion, item(3, 9, 3, 500, since_days=10), item(4, 9, 1, 0)], now=NOW)
    assert (d.customer_count, d.prospects, d.new_customers, d.existing_customers) == (3, 1, 1, 1)
    assert d.arr_by_currency == {"USD": Decimal(1500)}  # a prospect pays nothing: its deal is not ARR
    assert (d.deals, d.deal_value_by_currency) == (2, {"USD": Decimal(90250)})  # the prospect's deal once
    assert d.next_close == NOW.date() + timedelta(days=10)


def test_counts_customers_arr_segments_and_new_vs_existing() -> None:
    items = [item(1, 5, 1, 1000), item(2, 40, 1, 1000), item(3, 10, 2, 500, "enterprise", since_days=20),
             item(4, 100, 3, 300, cur="EUR"), item(5, 200, None, source="survey")]
    d = summarise(items, now=NOW)
    assert (d.feedback_count, d.customer_count) == (5, 3)
    assert d.arr_by_currency == {"USD": Decimal(1500), "EUR": Decimal(300)}
    assert d.arr_by_segment["USD"] == {"smb": Decimal(1000), "enterprise": Decimal(500)}
    assert (d.new_customers, d.existing_customers, d.new_customer_arr) == (1, 2, {"USD": Decimal(500)})
    t30, t90 = d.trends
    assert (t30.recent, t30.previous, t30.direction) == (2, 1, "rising")
    assert (t90.recent, t90.previous) == (3, 1)
    assert d.sources == {"support": 4, "survey": 1}


def test_a_customer_without_a_customer_since_day_is_of_unknown_tenure_neither_new_nor_existing() -> None:
    # a CRM export without "customer since": a USD 120k account is not a new customer because it was imported today
    items = [item(1, 2, 1, 120_000, since_days=None), item(2, 3, 2, 500, since_days=None),
             item(3, 4, 3, 900, since_days=10), item(4, 5, 4, 700), replace(item(5, 6, 5, since_days=None),
                                                                        prospect=True)]
    d = summarise(items, now=NOW)
    assert (d.new_customers, d.existing_customers, d.unknown_tenure, d.prospects) == (1, 1, 2, 1)
    assert d.new_customer_arr == {"USD": Decimal(900)}  # the unknown ones' ARR is not new ARR
    assert d.new_customers + d.existing_customers + d.unknown_tenure + d.prospects == d.customer_count == 5


def test_evidence_of_unknown_date_counts_but_is_in_no_trend_and_gets_no_recency() -> None:
    # imported today from a file without dates: "today" is only when it was imported
    undated = [replace(item(i, 0, i, 1000), date_unknown=True) for i in range(1, 40)]
    d = summarise([*undated, item(99, 45, 99, 1000)], now=NOW)
    assert d.feedback_count == 40 and d.undated == 39
    t30, t90 = d.trends
    assert (t30.recent, t30.previous, t30.direction) == (0, 1, "falling")  # not "39 vs 0, rising"
    assert (t90.recent, t90.previous) == (1, 0)
    dated_twin = summarise([item(1, 0, 1, 1000)], now=NOW).quotes[0]
    (q,) = summarise([undated[0]], now=NOW).quotes
    assert q.date_unknown and "date unknown" in q.why and "today" not in q.why
    assert q.strength < dated_twin.strength  # no recency: its date says nothing of how recent it is


def test_strongest_quotes_prefer_big_recent_highlighted_customers() -> None:
    items = [item(1, 300, 1, 100), item(2, 3, 2, 900_000, quote="we will churn"), item(3, 3, None)]
    d = summarise(items, now=NOW)
    assert d.quotes[0].feedback_id == 2 and d.quotes[0].words == "we will churn"
    assert "900,000 ARR" in d.quotes[0].why


def test_the_same_words_from_several_customers_are_one_quote_said_several_times() -> None:
    items = [item(1, 3, 1, 5000, quote="Nobody chases the big accounts."), item(2, 3, 2, 900_000,
             quote="nobody  chases the big accounts"), item(3, 9, 3, 100, quote="Reminders land in spam"),
             item(4, 50, 4, 10, quote="NOBODY chases the big accounts!")]
    d = summarise(items, now=NOW, top_quotes=5)
    assert [(q.feedback_id, q.echoes) for q in d.quotes] == [(2, 2), (3, 0)]  # the strongest speaker keeps it
    assert d.quotes[0].also_said_by == ("C1", "C4") and d.quotes[1].also_said_by == ()  # the others are named


def test_nearly_the_same_words_are_one_quote_but_short_ones_must_match_exactly() -> None:
    items = [item(1, 3, 1, 900_000, quote="We need single sign-on with Okta for every user"),
             item(2, 3, 2, 5000, quote="we really need single sign-on with Okta for every user."),
             item(3, 3, 3, 4000, quote="We need single sign-on with Azure AD for every admin"),  # other words
             item(4, 3, 4, 3000, quote="Need SSO"), item(5, 3, 5, 2000, quote="Need SSO now")]
    d = summarise(items, now=NOW, top_quotes=5)
    assert [(q.feedback_id, q.echoes) for q in d.quotes] == [(1, 1), (3, 0), (4, 0), (5, 0)]
    assert d.quotes[0].also_said_by == ("C2",)


def test_evidence_beyond_the_quotes_shown_counts_only_as_their_echoes() -> None:
    items = [item(i, 3, i, 10_000 - i, quote=f"distinct request number {i} about reports") for i in range(8)]
    items.append(item(99, 3, 99, 1, quote="Distinct request number 0 about reports!"))
    d = summarise(items, now=NOW, top_quotes=3)
    assert [q.feedback_id for q in d.quotes] == [0, 1, 2] and d.quotes[0].echoes == 1


@given(st.lists(st.tuples(st.text("ab c", max_size=12), st.text("ab c", max_size=12)), max_size=20))
def test_near_same_is_symmetric_and_exact_words_always_match(pairs: list[tuple[str, str]]) -> None:
    for a, b in pairs:
        wa, wb = word_set(a), word_set(b)
        assert near_same(wa, wb) == near_same(wb, wa)
        assert near_same(wa, wa)


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 7), st.integers(0, 10**6), st.integers(0, 2),
                          st.sampled_from([None, 5, 400]), st.booleans()), max_size=40))
def test_invariants(rows: list[tuple[int, int, int, int, int | None, bool]]) -> None:
    words = ("Chasing by hand", "chasing by hand!", "Reminders in spam")  # the first two are the same words
    # a customer's tenure (customer since: unknown, new or years) is the customer's own, whichever item names them
    since = {c: s for _, c, _, _, s, _ in reversed(rows)}
    items = [replace(item(i, d, c or None, 0 if c % 3 == 0 else a, quote=words[w], since_days=since[c]),
                     prospect=c % 3 == 0, deal_value=Decimal(c * 100), deal_close=NOW.date() + timedelta(days=c),
                     date_unknown=undated)
             for i, (d, c, a, w, _s, undated) in enumerate(rows)]
    d = summarise(items, now=NOW)
    asking = {c for _, c, *_ in rows if c}
    assert d.unknown_tenure == sum(1 for c in asking if c % 3 and since[c] is None)
    assert d.new_customers == sum(1 for c in asking if c % 3 and since[c] == 5)
    assert d.new_customers + d.existing_customers + d.unknown_tenure + d.prospects == d.customer_count
    assert min(d.new_customers, d.existing_customers, d.unknown_tenure) >= 0
    assert d.undated == sum(1 for *_, undated in rows if undated)
    assert all(t.recent + t.previous <= len(rows) - d.undated for t in d.trends)
    assert d.prospects == sum(1 for c in asking if c % 3 == 0)
    assert d.deals == len(asking) and sum(d.deal_value_by_currency.values()) == sum(Decimal(c * 100) for c in asking)
    assert d.next_close == (NOW.date() + timedelta(days=min(asking)) if asking else None)
    assert d.customer_count == len(asking)
    assert sum(d.sources.values()) == len(rows)
    assert all(t.recent >= 0 and t.previous >= 0 for t in d.trends)
    assert sum(d.customers_by_segment.values()) == d.customer_count
    strengths = [q.strength for q in d.quotes]
    assert strengths == sorted(strengths, reverse=True)
    # every piece of evidence is either a quote or an echo of one; no two quotes say the same words
    assert sum(1 + q.echoes for q in d.quotes) == len(rows)
    assert len(d.quotes) == len({w == 2 for _, _, _, w, _, _ in rows})


def test_nps_and_csat() -> None:
    scores = [SurveyScore("smb", "nps", s) for s in (10, 9, 8, 7, 6, 0)] + [SurveyScore("ent", "nps", 10)]
    res = {r.segment: r for r in nps_by_segment(scores)}
    assert (res["smb"].promoters, res["smb"].passives, res["smb"].detractors) == (2, 2, 2)
    assert res["smb"].nps == 0.0 and res["ent"].nps == 100.0
    assert res["all"].responses == 7 and round(res["all"].nps, 1) == round(100 * (3 - 2) / 7, 1)
    assert csat_by_segment([SurveyScore("a", "csat", 4), SurveyScore("a", "csat", 5)]) == {"a": 4.5, "all": 4.5}


@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_bounds(vals: list[int]) -> None:
    (r,) = [x for x in nps_by_segment(SurveyScore("s", "nps", v) for v in vals) if x.segment == "s"]
    assert -100 <= r.nps <= 100 and r.promoters + r.passives + r.detractors == r.responses
    assert -100 <= r.low <= r.nps <= r.high <= 100 and r.high - r.low > 0  # never a certain score
    # the same mix from four times the responses: a narrower range
    (big,) = [x for x in nps_by_segment(SurveyScore("s", "nps", v) for v in vals * 4) if x.segment == "s"]
    assert big.nps == r.nps and big.high - big.low <= r.high - r.low + 1e-9


def test_one_response_gives_a_wide_nps_range() -> None:
    (one,) = [x for x in nps_by_segment([SurveyScore("ent", "nps", 10)]) if x.segment == "ent"]
    assert one.nps == 100.0 and one.high == 100.0 and one.low < 0  # +100 from one answer says little
