"""Demand behind a problem or feature, weighted by the customers who asked. Pure: plain data in and out.

Money is in each customer's own currency (ARR per year); totals are kept per currency because Tradeoff
holds no exchange rates. Dates are UTC datetimes; `now` is passed in. Evidence whose date is unknown (imported from
a file without dates) counts everywhere but in what reads recency: trends and a quote's recency. A customer whose
"customer since" day is unknown is neither new nor existing: their tenure is unknown.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a feedback item linked to the problem or feature."""

    feedback_id: int
    reported_at: datetime  # when it was said; when `date_unknown`, only when it was imported
    source: str
    text: str
    quote: str | None = None
    customer_id: int | None = None
    customer_name: str | None = None
    segment: str | None = None
    arr: Decimal = Decimal(0)
    currency: str = "USD"
    customer_since: datetime | None = None
    sentiment: str | None = None
    prospect: bool = False  # not a customer yet: no ARR; what they would pay is `deal_value`
    deal_value: Decimal = Decimal(0)  # the customer's or prospect's open deal (expected ARR, in `currency`)
    deal_close: date | None = None
    date_unknown: bool = False  # when it was said is not known: in no trend, and no recency in its strength


@dataclass(frozen=True)
class Quote:
    feedback_id: int
    words: str
    customer_name: str | None
    arr: Decimal
    currency: str
    reported_at: datetime
    strength: float
    why: str
    echoes: int = 0  # how many other pieces of evidence say the same words (shown once, under the strongest)
    also_said_by: tuple[str, ...] = ()  # the other customers among those echoes (by name, each once)
    date_unknown: bool = False  # `reported_at` is only when it was imported


@dataclass(frozen=True)
class Trend:
    """Evidence counts in the last and the previous window of `days` days."""

    days: int
    recent: int
    previous: int

    @property
    def direction(self) -> str:
        if self.recent == self.previous:
            return "flat"
        return "rising" if self.recent > self.previous else "falling"


@dataclass(frozen=True)
class Demand:
    feedback_count: int
    customer_count: int
    arr_by_currency: dict[str, Decimal]
    arr_by_segment: dict[str, dict[str, Decimal]]  # currency -> segment -> ARR
    customers_by_segment: dict[str, int]
    new_customers: int
    existing_customers: int
    new_customer_arr: dict[str, Decimal]
    trends: tuple[Trend, ...]
    sources: dict[str, int]
    quotes: tuple[Quote, ...] = field(default=())
    prospects: int = 0  # askers who are not customers yet (counted in customer_count, not in new or existing)
    unknown_tenure: int = 0  # customers whose "customer since" day is unknown: neither new nor existing
    undated: int = 0  # evidence whose date is unknown, left out of the trends
    deals: int = 0  # askers with an open deal
    deal_value_by_currency: dict[str, Decimal] = field(default_factory=dict)  # the open deals' expected ARR
    next_close: date | None = None  # the soonest expected close among those deals


def quote_strength(item: EvidenceItem, *, now: datetime, half_life_days: float = 90.0) -> tuple[float, str]:
    """How strongly a piece of evidence speaks: who said it (log of ARR), how recently (exponential decay with
    `half_life_days`; nothing for an item whose date is unknown), whether a PM highlighted a passage, and whether it
    is a complaint. Returns (score, reason)."""
    age_days = max((now - item.reported_at).total_seconds() / 86400.0, 0.0)
    recency = 0.0 if item.date_unknown else 0.5 ** (age_days / half_life_days)
    weight = math.log10(1.0 + float(item.arr)) if item.customer_id is not None else 0.0
    highlighted = 1.0 if item.quote else 0.0
    negative = 0.5 if item.sentiment == "negative" else 0.0
    score = weight + 2.0 * recency + highlighted + negative
    parts = []
    if item.customer_id is not None:
        parts.append(f"{item.currency} {item.arr:,.0f} ARR")
    days = int(age_days)
    parts.append("date unknown" if item.date_unknown else "today" if days == 0 else "1 day ago" if days == 1
                 else f"{days} days ago")
    if item.quote:
        parts.append("highlighted")
    if negative:
        parts.append("negative")
    return score, ", ".join(parts)


def same_words(text: str) -> str:
    """A quote's words for comparing: case, spacing and surrounding punctuation ignored."""
    return " ".join(text.casefold().split()).strip(" .,;:!?\"'“”‘’…-")


NEAR_SAME = 0.75  # share of distinct words in common (Jaccard) above which two quotes say the same thing
NEAR_MIN_WORDS = 4  # shorter quotes must match word for word: "need SSO" and "need SSO now" are not one quote


def word_set(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.casefold()))


def near_same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two quotes' words nearly the same: a word or two added, dropped or changed in a sentence of several
    ("We need SSO with Okta" and "we really need SSO with Okta")."""
    if len(a) < NEAR_MIN_WORDS or len(b) < NEAR_MIN_WORDS:
        return a == b
    return len(a & b) >= NEAR_SAME * len(a | b)


def summarise(
    items: Sequence[EvidenceItem], *, now: datetime, new_customer_days: int = 90, windows: Iterable[int] = (30, 90),
    top_quotes: int = 5,
) -> Demand:
    """Aggregate evidence: counts, distinct customers, ARR (per currency and segment), new vs existing customers
    (customer for fewer than `new_customer_days` days), customers of unknown tenure (no "customer since" day) and
    prospects, open deals (their expected ARR per currency and the soonest expected close), trend per window (days;
    evidence of unknown date left out and counted as `undated`), source mix and strongest quotes."""
    customers: dict[int, EvidenceItem] = {}
    for it in items:
        if it.customer_id is not None:
            customers.setdefault(it.customer_id, it)
    arr: dict[str, Decimal] = defaultdict(Decimal)
    by_segment: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    seg_counts: Counter[str] = Counter()
    new_arr: dict[str, Decimal] = defaultdict(Decimal)
    deal_value: dict[str, Decimal] = defaultdict(Decimal)
    new = prospects = unknown_tenure = deals = 0
    closes: list[date] = []
    cutoff = now - timedelta(days=new_customer_days)
    for c in customers.values():
        seg = c.segment or "unknown"
        arr[c.currency] += c.arr
        by_segment[c.currency][seg] += c.arr
        seg_counts[seg] += 1
        if c.deal_value > 0:
            deals += 1
            deal_value[c.currency] += c.deal_value
            if c.deal_close is not None:
                closes.append(c.deal_close)
        if c.prospect:
            prospects += 1
        elif c.customer_since is None:
            unknown_tenure += 1
        elif c.customer_since >= cutoff:
            new += 1
            new_arr[c.currency] += c.arr
    dated = [it.reported_at for it in items if not it.date_unknown]
    trends = []
    for days in windows:
        recent = sum(1 for when in dated if now - timedelta(days=days) <= when <= now)
        previous = sum(1 for when in dated if now - timedelta(days=2 * days) <= when < now - timedelta(days=days))
        trends.append(Trend(days, recent, previous))
    scored = []
    for it in items:
        s, why = quote_strength(it, now=now)
        scored.append(Quote(it.feedback_id, it.quote or it.text, it.customer_name, it.arr, it.currency,
                            it.reported_at, round(s, 3), why, date_unknown=it.date_unknown))
    scored.sort(key=lambda q: (-q.strength, q.feedback_id))
    # the same (or nearly the same) words from several customers are one quote said several times, not several
    # quotes. Quotes come strongest first, so once `top_quotes` are kept a new one could never be shown: later
    # items are only compared with the quotes shown, to count as their echoes (linear in the evidence).
    kept: dict[str, Quote] = {}
    shown: list[tuple[str, frozenset[str]]] = []
    for q in scored:
        key = same_words(q.words)
        if key not in kept:
            words = word_set(q.words)
            key = next((k for k, w in shown if near_same(words, w)), key)
        if key not in kept:
            if len(shown) < top_quotes:
                kept[key] = q
                shown.append((key, words))
            continue
        first = kept[key]
        others = first.also_said_by + ((q.customer_name,) if q.customer_name and q.customer_name not in
                                       (first.customer_name, *first.also_said_by) else ())
        kept[key] = replace(first, echoes=first.echoes + 1, also_said_by=others)
    return Demand(
        feedback_count=len(items),
        customer_count=len(customers),
        arr_by_currency=dict(arr),
        arr_by_segment={cur: dict(segs) for cur, segs in by_segment.items()},
        customers_by_segment=dict(seg_counts),
        new_customers=new,
        existing_customers=len(customers) - new - prospects - unknown_tenure,
        new_customer_arr=dict(new_arr),
        trends=tuple(trends),
        sources=dict(Counter(it.source for it in items)),
        quotes=tuple(kept.values()),
        prospects=prospects,
        unknown_tenure=unknown_tenure,
        undated=len(items) - len(dated),
        deals=deals,
        deal_value_by_currency=dict(deal_value),
        next_close=min(closes, default=None),
    )


@dataclass(frozen=True)
class SurveyScore:
    segment: str
    kind: str  # "nps" (0-10) or "csat" (1-5)
    score: int


@dataclass(frozen=True)
class NpsResult:
    segment: str
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float  # -100..100
    low: float = -100.0  # a 90% range for it (nps_range): how much a few responses say
    high: float = 100.0


def nps_by_segment(scores: Iterable[SurveyScore]) -> list[NpsResult]:
    """Net Promoter Score per segment (and "all"): % promoters (9-10) minus % detractors (0-6), -100..100."""
    groups: dict[str, list[int]] = defaultdict(list)
    for s in scores:
        if s.kind != "nps":
            continue
        groups[s.segment].append(s.score)
        groups["all"].append(s.score)
    out = []
    for seg in sorted(groups, key=lambda g: (g == "all", g)):
        vals = groups[seg]
        p = sum(1 for v in vals if v >= 9)
        d = sum(1 for v in vals if v <= 6)
        low, high = nps_range(p, len(vals) - p - d, d)
        out.append(NpsResult(seg, len(vals), p, len(vals) - p - d, d, round(100.0 * (p - d) / len(vals), 1),
                             low, high))
    return out


NPS_RANGE_Z = 1.645  # a 90% range


def nps_range(promoters: int, passives: int, detractors: int) -> tuple[float, float]:
    """A 90% range for the NPS behind these responses (normal approximation of the difference of two shares, each
    share smoothed by one pseudo-response per group so that a handful of answers gives a wide range, not a
    certain ±0), clipped to -100..100."""
    n = promoters + passives + detractors
    if n == 0:
        return -100.0, 100.0
    p, d = (promoters + 1) / (n + 3), (detractors + 1) / (n + 3)
    half = NPS_RANGE_Z * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    score = 100.0 * (promoters - detractors) / n
    return round(max(-100.0, score - half), 1), round(min(100.0, score + half), 1)


def csat_by_segment(scores: Iterable[SurveyScore]) -> dict[str, float]:
    """Mean CSAT (1-5) per segment and "all"."""
    groups: dict[str, list[int]] = defaultdict(list)
    for s in scores:
        if s.kind == "csat":
            groups[s.segment].append(s.score)
            groups["all"].append(s.score)
    return {seg: round(sum(v) / len(v), 2) for seg, v in groups.items()}
