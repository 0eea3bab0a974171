"""Compose demo feedback from hand-written themes, framings and specifics, and link it to problems and features.

Every item is: [polite opener] core [details] [angry tail], wrapped in a framing typical of its source
(a rep's call notes, a support ticket, a survey answer...). The core is what triage would highlight,
so it becomes the link's quote: it is kept verbatim in the text by construction.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tradeoff.demo import people, voice
from tradeoff.demo.profiles import customer_profile
from tradeoff.demo.records import DemoCustomer, DemoFeedback, DemoLink
from tradeoff.demo.themes_invoicing import THEMES_INVOICING
from tradeoff.demo.themes_other import THEMES_OTHER
from tradeoff.demo.themes_payments import THEMES_PAYMENTS
from tradeoff.demo.themes_platform import THEMES_PLATFORM

ALL_THEMES: tuple[dict[str, Any], ...] = THEMES_INVOICING + THEMES_PLATFORM + THEMES_PAYMENTS + THEMES_OTHER

# Share of feedback about known problems; the rest is praise, questions and not-yet-framed requests.
PROBLEM_SHARE = 0.68
# Relative volume of problem themes (default 1.0): the loudest pains of a billing product.
EMPHASIS: dict[str, float] = {
    "late-payments": 1.8, "netsuite-sync": 1.7, "month-end-close": 1.4, "usage-billing": 1.3,
    "card-fees": 1.3, "approvals": 1.1, "credit-notes": 1.2, "bank-transfer-matching": 1.2,
    "webhooks": 1.1, "failed-cards": 1.1, "payouts": 0.6, "proration": 0.7, "chargebacks": 0.6,
    "branding": 0.7, "multi-entity": 0.8, "sso": 0.9, "slow-list": 0.8,
}
OTHER_WEIGHTS: dict[str, float] = {
    "praise-reminders": 8, "praise-templates": 5, "praise-idempotency": 4, "praise-payouts": 5,
    "praise-usage-import": 4, "praise-general": 14, "questions": 22, "e-invoicing": 10, "mobile-app": 6,
    "slack-notifications": 7, "invoice-languages": 6, "custom-email-domain": 5, "dark-mode": 3,
    "account-admin": 10, "churn-warning": 7,
}
SOURCE_MIX: dict[str, dict[str, float]] = {
    "pain": {"support": 0.3, "sales_call": 0.2, "interview": 0.2, "survey": 0.15, "usage": 0.1, "other": 0.05},
    "bug": {"support": 0.55, "sales_call": 0.1, "survey": 0.1, "interview": 0.05, "usage": 0.15, "other": 0.05},
    "request": {"sales_call": 0.3, "support": 0.2, "survey": 0.2, "interview": 0.15, "other": 0.1, "usage": 0.05},
    "praise": {"survey": 0.45, "support": 0.2, "sales_call": 0.15, "other": 0.2},
    "question": {"support": 0.75, "sales_call": 0.15, "other": 0.1},
    "other": {"support": 0.9, "sales_call": 0.1},
    "churn": {"sales_call": 0.6, "support": 0.1, "survey": 0.2, "other": 0.1},
}
KIND_TAGS: dict[str, str] = {
    "pain": "pain-point", "bug": "bug", "request": "feature-request", "praise": "praise",
    "question": "question", "other": "account", "churn": "churn-risk",
}
# The kinds the PM set by hand on some items while triaging her inbox (pain points she left to triage: a pain
# point is evidence of a problem, not one kind), and the share of items she had got to.
CONFIRMED_KIND: dict[str, str] = {
    "bug": "bug", "request": "feature_request", "praise": "praise", "question": "question", "other": "other",
    "churn": "other",
}
CONFIRMED_SHARE = 0.15
SEGMENT_WEIGHT: dict[str, float] = {"enterprise": 3.0, "mid_market": 2.0, "smb": 1.0, "startup": 1.0}
SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£"}
INVOICE_SIZE: dict[str, tuple[int, int]] = {
    "enterprise": (20_000, 400_000), "mid_market": (5_000, 60_000), "smb": (500, 8_000), "startup": (200, 3_000),
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SALES_PEOPLE = ("grace.lindqvist", "jonah.price")


@dataclass(frozen=True)
class FeedbackDraft:
    """A feedback record plus what it was written about, so links can be drawn like triage would."""

    feedback: DemoFeedback
    theme_key: str
    problem_key: str | None
    feature_keys: tuple[str, ...]
    core: str  # the sentence triage would highlight; a substring of feedback.text


def money(amount: int | Decimal, currency: str) -> str:
    """``money(48200, "EUR")`` -> ``"€48,200"``."""
    return f"{SYMBOLS.get(currency, '')}{int(amount):,}"


def _allocate(count: int) -> list[dict[str, Any]]:
    """Theme of each item, by largest remainder over the weights (problem themes get at least 4)."""
    problem_themes = [t for t in ALL_THEMES if t["problem"] is not None]
    other_themes = [t for t in ALL_THEMES if t["problem"] is None]
    pw = [EMPHASIS.get(t["key"], 1.0) for t in problem_themes]
    ow = [OTHER_WEIGHTS.get(t["key"], 3.0) for t in other_themes]
    shares = [PROBLEM_SHARE * w / sum(pw) for w in pw] + [(1 - PROBLEM_SHARE) * w / sum(ow) for w in ow]
    themes = problem_themes + other_themes
    raw = [s * count for s in shares]
    quotas = [max(int(r), 4 if t["problem"] else 1) for r, t in zip(raw, themes, strict=True)]
    order = sorted(range(len(themes)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(quotas) < count:
        quotas[order[i % len(order)]] += 1
        i += 1
    while sum(quotas) > count:  # only if minimums pushed us over: trim the largest
        quotas[max(range(len(quotas)), key=quotas.__getitem__)] -= 1
    return [t for t, q in zip(themes, quotas, strict=True) for _ in range(q)]


def _tag_words(tag: str) -> str:
    """A tag as a person would write it in a subject line: ``"api"`` -> ``"API"``, ``"po-number"`` -> ``"PO number"``."""
    words = tag.split("-")
    if len(words[0]) == 1:  # "e-invoicing" keeps its hyphen
        words = [f"{words[0]}-{words[1]}", *words[2:]]
    return " ".join(w.upper() if len(w) <= 3 and w not in ("and", "the") else w for w in words)


def _pick_source(rng: random.Random, theme: dict[str, Any]) -> str:
    mix = {k: v for k, v in SOURCE_MIX[theme["kind"]].items() if k in theme.get("sources", SOURCE_MIX[theme["kind"]])}
    if not theme.get("signals"):
        mix.pop("usage", None)
    names = list(mix)
    return rng.choices(names, weights=[mix[n] for n in names])[0]


def _pick_customer(
    rng: random.Random, theme: dict[str, Any], customers: tuple[DemoCustomer, ...], seed: int
) -> DemoCustomer:
    pool = list(customers)
    if theme.get("ledgers"):
        fit = [c for c in pool if customer_profile(c.key, c.segment, seed).ledger in theme["ledgers"]]
        pool = fit or pool
    if theme.get("currencies"):
        fit = [c for c in pool if c.currency in theme["currencies"]]
        pool = fit or pool
    segments = theme.get("segments", ())
    if segments and rng.random() < 0.7:
        pool = [c for c in pool if c.segment in segments] or pool
    return rng.choices(pool, weights=[SEGMENT_WEIGHT[c.segment] for c in pool])[0]


def _created_at(
    rng: random.Random, anchor: date, source: str, customer: DemoCustomer | None
) -> datetime:
    """Within the last ~12 months, denser recently; never before the customer signed, never after the day before
    anchor (the demo is loaded at any hour of the anchor day: an item of that day could be later than now)."""
    days_ago = max(1, int(365 * rng.random() ** 1.35))
    lifetime = (anchor - customer.created_at).days if customer else 365
    if days_ago > lifetime:
        days_ago = rng.randint(0, lifetime)
    day = anchor - timedelta(days=days_ago)
    if source != "support" and day.weekday() >= 5:  # people log calls and reviews on working days
        friday = day - timedelta(days=day.weekday() - 4)
        monday = day + timedelta(days=7 - day.weekday())
        if (anchor - friday).days <= lifetime:
            day = friday
        elif monday <= anchor:
            day = monday
    return datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60)))


def _slots(
    rng: random.Random, anchor: date, theme: dict[str, Any], customer: DemoCustomer | None, seed: int
) -> dict[str, Any]:
    if customer is not None:
        profile = customer_profile(customer.key, customer.segment, seed)
        segment, currency = customer.segment, customer.currency
        first, role, ledger = profile.contact, profile.role, profile.ledger
        crm = profile.crm if profile.crm != "none" else "our CRM"
        arr_text = money(customer.arr, currency)
        renewal_month = MONTHS[customer.renewal_date.month - 1]
    else:
        segment = rng.choice(people.SEGMENTS_FOR_ANONYMOUS)
        currency = "USD"
        first = rng.choice(people.CONTACT_FIRST_NAMES)
        role = rng.choice(people.CONTACT_ROLES[segment])
        ledger = (theme.get("ledgers") or people.LEDGERS[segment])[0]
        crm, arr_text, renewal_month = "Salesforce", "thousands", rng.choice(MONTHS)
    lo, hi = INVOICE_SIZE[segment]
    dso1 = rng.randint(34, 52)
    slots: dict[str, Any] = {
        "customer": customer.name if customer else "",
        "first": first, "role": role, "Role": role[0].upper() + role[1:], "ledger": ledger, "crm": crm,
        "competitor": rng.choice(people.COMPETITORS),
        "n_small": (n_small := rng.randint(2, 9)), "n_small2": n_small + rng.randint(1, 4), "n": rng.randint(12, 90),
        "n_big": rng.randint(150, 2400), "days": rng.randint(3, 21), "hours": rng.randint(2, 16),
        "pct": rng.randint(6, 41), "dso1": dso1, "dso2": dso1 + rng.randint(6, 22),
        "amount": money(int(round(rng.uniform(lo, hi), -2)), currency),
        "amount_small": money(rng.randrange(200, 5000, 50), currency),
        "month": MONTHS[(anchor.month - 1 + rng.randint(1, 6)) % 12],
        "renewal_month": renewal_month, "weekday": rng.choice(WEEKDAYS),
        "team": rng.randint(2, 8), "language": rng.choice(voice.LANGUAGES),
        "country": rng.choice(voice.COUNTRIES), "bank": rng.choice(voice.BANKS),
        "support": "Lena", "csm": "Samir", "arr_text": arr_text,
        "digit": rng.randint(1, 9), "ticket": rng.randint(18_000, 29_999), "workaround": rng.choice(voice.WORKAROUNDS),
        "event": rng.choice(voice.EVENTS), "tag": _tag_words(theme["tags"][0]),
    }
    kind = theme["kind"]
    nps_lo, nps_hi = {"praise": (9, 10), "pain": (2, 6), "bug": (0, 5), "churn": (0, 4)}.get(kind, (5, 8))
    slots["nps"] = rng.randint(nps_lo, nps_hi)
    slots["csat"] = max(1, min(5, round(slots["nps"] / 2)))
    slots["rep_note"] = rng.choice(voice.REP_NOTES).format_map(slots)
    slots["greeting"] = rng.choice(voice.GREETINGS)
    signoffs = voice.SIGNOFFS + (voice.ASKING_SIGNOFFS if kind in ("bug", "question", "pain") else ())
    slots["signoff"] = rng.choice(signoffs).format_map(slots)
    slots["subject"] = rng.choice(voice.SUBJECTS[kind]).format_map(slots)
    return slots


def _compose_text(
    rng: random.Random, theme: dict[str, Any], source: str, slots: dict[str, Any], has_customer: bool
) -> tuple[str, str]:
    """The feedback text and its core sentence (a substring of the text)."""
    kind = theme["kind"]
    if source == "usage":
        core, details = rng.choice(theme["signals"]).format_map(slots), []
    else:
        core = rng.choice(theme["cores"]).format_map(slots)
        n_details = 0 if source == "survey" and rng.random() < 0.5 else rng.choices((0, 1, 2), (0.35, 0.45, 0.2))[0]
        pool = list(theme.get("details", ()))
        details = [d.format_map(slots) for d in rng.sample(pool, min(n_details, len(pool)))]
    if rng.random() < 0.12 and source != "usage":  # typed in a hurry
        if details and rng.random() < 0.5:
            j = rng.randrange(len(details))
            details[j] = voice.add_typo(details[j], rng)
        else:
            core = voice.add_typo(core, rng)
    terse = source in ("survey", "support", "sales_call") and rng.random() < 0.15
    if terse:
        core = voice.make_terse(core)
        details = [voice.make_terse(d) for d in details[:1]]
        body = " - ".join([core, *details])
    else:
        parts = [core, *details]
        if kind in ("pain", "bug", "churn") and source in ("support", "survey", "sales_call") and rng.random() < 0.22:
            parts.append(rng.choice(voice.ANGRY_TAILS).format_map(slots))
        elif kind in ("request", "question") and source == "support" and rng.random() < 0.25:
            parts.insert(0, rng.choice(voice.POLITE_HEADS).strip())
        body = " ".join(parts)
    framings = [
        t for needs_customer, kinds, t in voice.FRAMINGS[source]
        if (has_customer or not needs_customer) and (kinds is None or kind in kinds)
    ]
    text = rng.choice(framings).format_map({**slots, "body": body})
    text = re.sub(r" {2,}", " ", text).strip()
    return text, core


def build_feedback(
    *, rng: random.Random, anchor: date, seed: int, customers: tuple[DemoCustomer, ...], count: int
) -> tuple[FeedbackDraft, ...]:
    """`count` feedback items from every source, newest last, no two texts identical."""
    themes = _allocate(count)
    rng.shuffle(themes)
    confirm = random.Random(seed * 1_000_003 + 17)  # its own stream: the texts do not change with it
    seen: set[str] = set()
    made: list[tuple[datetime, str, FeedbackDraft]] = []
    for theme in themes:
        for _attempt in range(30):
            source = _pick_source(rng, theme)
            customer: DemoCustomer | None = None
            anonymous = {"usage": 1.0, "survey": 0.25, "other": 0.35}.get(source, 0.0)
            if rng.random() >= anonymous:
                customer = _pick_customer(rng, theme, customers, seed)
            slots = _slots(rng, anchor, theme, customer, seed)
            text, core = _compose_text(rng, theme, source, slots, customer is not None)
            if text not in seen:
                break
        seen.add(text)
        if source == "sales_call" and customer and rng.random() < 0.7 and any(
            customer.account_owner.startswith(p + "@") for p in SALES_PEOPLE
        ):
            reporter = customer.account_owner
        else:
            reporter = f"{rng.choice(people.REPORTERS_BY_SOURCE[source])}@{people.DOMAIN}"
        tags = [KIND_TAGS[theme["kind"]], *theme["tags"]]
        if source == "usage":
            tags.append("usage-data")
        if theme["kind"] in ("pain", "bug") and any(c in text for c in ("Billwise", "InvoiceHub", "Tallyroll")):
            tags.append("competitor")
        created = _created_at(rng, anchor, source, customer)
        feedback = DemoFeedback(
            key="",  # numbered below, in date order
            text=text,
            source=source,
            customer_key=customer.key if customer else None,
            reporter=reporter,
            created_at=created,
            tags=tuple(dict.fromkeys(tags)),
            kind=CONFIRMED_KIND.get(theme["kind"]) if confirm.random() < CONFIRMED_SHARE else None,
        )
        draft = FeedbackDraft(feedback, theme["key"], theme["problem"], tuple(theme["features"]), core)
        made.append((created, text, draft))
    made.sort(key=lambda m: (m[0], m[1]))
    out: list[FeedbackDraft] = []
    for i, (_, _, d) in enumerate(made, start=1):
        fb = d.feedback
        numbered = DemoFeedback(f"fb-{i:04d}", fb.text, fb.source, fb.customer_key, fb.reporter, fb.created_at, fb.tags,
                                fb.kind)
        out.append(FeedbackDraft(numbered, d.theme_key, d.problem_key, d.feature_keys, d.core))
    return tuple(out)


def _quote(rng: random.Random, core: str, text: str) -> str | None:
    """The whole core, or sometimes its longest clause; None if it somehow is not in the text."""
    quote = core
    if rng.random() < 0.3:
        clauses = [c.rstrip(",;:") for c in re.split(r"(?<=[.,:;!?])\s+", core) if len(c) >= 25]
        if clauses:
            quote = max(clauses, key=len)
    return quote if quote in text else None


def build_links(*, rng: random.Random, drafts: tuple[FeedbackDraft, ...]) -> tuple[DemoLink, ...]:
    """Link about two thirds of the feedback, as triage would: to its problem, often also to a feature.

    The rest (questions, praise in general, requests nobody has framed yet, and some items not triaged
    yet) stays unlinked.
    """
    links: list[DemoLink] = []
    for d in drafts:
        fb = d.feedback
        features = d.feature_keys
        if d.problem_key is not None:
            if rng.random() >= 0.88:  # not triaged yet
                continue
            to_problem = not features or rng.random() < 0.9
            to_feature = bool(features) and (not to_problem or rng.random() < 0.45)
            if to_problem:
                quote = _quote(rng, d.core, fb.text) if rng.random() < 0.8 else None
                links.append(DemoLink(fb.key, "problem", d.problem_key, quote))
            if to_feature:
                feature = rng.choices(features, weights=[3, 2, 1][: len(features)])[0]
                quote = _quote(rng, d.core, fb.text) if rng.random() < 0.6 else None
                links.append(DemoLink(fb.key, "feature", feature, quote))
        elif features and rng.random() < 0.75:
            quote = _quote(rng, d.core, fb.text) if rng.random() < 0.6 else None
            links.append(DemoLink(fb.key, "feature", features[0], quote))
    return tuple(links)
