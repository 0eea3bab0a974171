"""Comments the Ledgerly team left on problems and features (demo workspace).

Templates by author role and feature status; slots are filled from the evidence linked to the target
(which customers asked, how much ARR, their words), so comments agree with the rest of the data.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tradeoff.demo import people
from tradeoff.demo.records import DemoComment, DemoCustomer, DemoFeature, DemoFeedback, DemoLink, DemoProblem

COMMENT_COUNT = 50

# Rough rates to add up ARR across currencies in a comment; a PM's back-of-envelope, not accounting.
USD_PER: dict[str, Decimal] = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27")}

# The part of the system engineers would name as the hard part, per problem (features use their first).
COMPONENT_OF: dict[str, str] = {
    "chasing-late-payments": "the reminder scheduler",
    "netsuite-sync-breaks": "the accounting sync worker",
    "slow-month-end-close": "the ledger service",
    "usage-billing-spreadsheets": "the usage aggregation pipeline",
    "multi-entity-invoicing": "the workspace and tenancy model",
    "vat-on-cross-border": "the tax calculation module",
    "no-invoice-approval": "the invoice state machine",
    "ap-portal-rejections": "the PDF renderer",
    "generic-looking-invoices": "the PDF renderer",
    "duplicate-invoices-on-retry": "the public API layer",
    "unreliable-webhooks": "the webhook dispatcher",
    "api-docs-guesswork": "the API reference generator",
    "partial-refunds-need-voids": "the invoice state machine",
    "cash-forecast-in-excel": "the reporting warehouse",
    "card-fees-on-large-invoices": "the payments gateway adapter",
    "unmatched-bank-transfers": "the bank feed connector",
    "silent-failed-card-payments": "the payments gateway adapter",
    "customers-ask-for-copies": "customer-facing sign-in",
    "multi-currency-reporting": "the reporting warehouse",
    "everyone-sees-everything": "the permissions model",
    "no-audit-trail": "the event log",
    "accounting-sync-duplicates": "the accounting sync worker",
    "retyping-deals-from-crm": "the Salesforce connector",
    "manual-proration": "the subscription billing engine",
    "opaque-payouts": "the payout importer",
    "one-by-one-sending": "the email delivery queue",
    "reports-end-in-excel": "the reporting warehouse",
    "no-sepa-debit": "the payments gateway adapter",
    "no-sso": "the authentication service",
    "chargeback-evidence-scramble": "the disputes integration",
    "slow-invoice-list": "the invoice search index",
}
# How a person of each persona is referred to in a sentence.
PERSONA_NOUN: dict[str, str] = {
    "Billing operations": "billing ops person",
    "Revenue operations": "RevOps person",
    "Developer integrating the API": "developer integrating the API",
}
BUYER_PERSONAS = ("Finance controller", "CFO", "IT administrator")
PM_OF = {"invoicing": "maya.okafor", "payments": "daniel.reyes"}
ENG_OF = {"invoicing": "priya.natarajan", "payments": "tomasz.kowalczyk"}

# (author role, template). Templates needing customers or a quote are skipped when there are none.
PROBLEM_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("pm", "Sized roughly: {n_customers} customers have said this, about {arr} in ARR behind them. Biggest: {customers}."),
    ("pm", "Persona check: the {persona_noun} feels it every week, but the controller signs the contract. We should interview both."),
    ("pm", 'Best description so far is from {top_customer}: "{quote}"'),
    ("cs", "Came up on {n_small} onboarding calls this month. New customers hit it in their first week."),
    ("sales", "{top_customer} raised this again on the renewal call. They compare us with {competitor} on exactly this."),
    ("support", "{n_small} tickets about this in the last two weeks; our macro reply is getting long."),
    ("exec", "How big is this next to the other {product} problems? I'd like them sized side by side before planning."),
    ("eng", "From the engineering side the hard part is {component}, not the screens."),
)
FEATURE_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "idea": (
        ("pm", "Keeping this as an idea until the evidence grows; {n_customers} customers so far."),
        ("pm", "No direct asks yet beyond the problem's evidence. Parking it."),
        ("eng", "Smaller than it looks if we reuse {component}. I'd want a one-day spike before estimating."),
        ("sales", "This would help with {top_customer}. Happy to set up a call if you want to dig in."),
        ("exec", "Interesting, but not before the {other_title} work lands."),
    ),
    "discovery": (
        ("pm", "Interviews booked with {customers} over the next two weeks."),
        ("pm", "Open question: do we solve this only for the {persona_noun}, or also for the customer's AP team?"),
        ("eng", "Rough range while we're in discovery: {weeks_lo} to {weeks_hi} weeks. Most of the uncertainty is in {component}."),
        ("cs", "{top_customer} volunteered for early testing."),
    ),
    "planned": (
        ("pm", "Planned for next quarter. Scope is the flow above; anything beyond it goes to a follow-up."),
        ("eng", "Estimate {weeks_lo} to {weeks_hi} weeks for one team. Main risk: {component}."),
        ("sales", "Can I tell {top_customer} this is coming this year? They renew in {renewal_month}."),
        ("exec", "Before this starts I'd like the trade-off against {other_title} written down."),
    ),
    "in_progress": (
        ("eng", "Backend is done behind a flag; {component} needs another week or so."),
        ("pm", "Beta with {customers} starts once the flag has been stable for a week."),
        ("support", "Please give us a heads-up before the beta so we can prepare replies."),
        ("eng", "Found a snag in {component}; adding about a week. Details in the engineering brief."),
    ),
    "shipped": (
        ("pm", "Shipped to all workspaces. The {n_customers} customers who asked have been told."),
        ("pm", "Shipped; announced in the changelog. Watching adoption for a month before calling it done."),
        ("cs", "{top_customer} turned it on the same day, positive feedback so far."),
        ("support", "Tickets on this topic dropped noticeably since release."),
    ),
    "wont_do": (
        ("pm", "Closing as won't do. {reason} Sent a note to everyone who asked."),
        ("sales", "Understood, but {top_customer} will be disappointed. Can we send them the alternative in writing?"),
    ),
}
# A sales question on a planned feature gets this answer from its PM a day or two later.
PM_REPLY = "Please don't give a date yet. Say it's planned, and I'll share a forecast with its probability before the call."


def _author(role: str, product: str, owner: str | None, rng: random.Random) -> str:
    local = {
        "pm": owner.split("@")[0] if owner and owner.split("@")[0] in PM_OF.values() else PM_OF[product],
        "eng": ENG_OF[product],
        "sales": rng.choice(("grace.lindqvist", "jonah.price")),
        "cs": "samir.haddad",
        "support": "lena.fischer",
        "exec": "oliver.brandt",
    }[role]
    return f"{local}@{people.DOMAIN}"


def _handle(email: str) -> str:
    """How a comment mentions a person: the part of their email before the @."""
    return email.split("@", 1)[0]


def _evidence(
    kind: str, key: str, links: tuple[DemoLink, ...], feedback: dict[str, DemoFeedback],
    customers: dict[str, DemoCustomer],
) -> tuple[list[DemoCustomer], list[str]]:
    """Customers behind a target (largest ARR first) and the quotes linked to it."""
    found: dict[str, DemoCustomer] = {}
    quotes: list[str] = []
    for link in links:
        if link.target_kind == kind and link.target_key == key:
            ck = feedback[link.feedback_key].customer_key
            if ck:
                found[ck] = customers[ck]
            if link.quote and 30 <= len(link.quote) <= 140:
                quotes.append(link.quote)
    ranked = sorted(found.values(), key=lambda c: (-c.arr * USD_PER[c.currency], c.key))
    return ranked, quotes


def _arr_text(custs: list[DemoCustomer]) -> str:
    total = sum((c.arr * USD_PER[c.currency] for c in custs), Decimal(0))
    return f"${total / 1_000_000:.1f}M" if total >= 1_000_000 else f"${int(total / 1000)}k"


def build_comments(
    *,
    rng: random.Random,
    anchor: date,
    customers: tuple[DemoCustomer, ...],
    problems: tuple[DemoProblem, ...],
    features: tuple[DemoFeature, ...],
    feedback: tuple[DemoFeedback, ...],
    links: tuple[DemoLink, ...],
) -> tuple[DemoComment, ...]:
    """About 50 comments on problems and features, oldest first, none after `anchor`."""
    by_fb = {f.key: f for f in feedback}
    by_cust = {c.key: c for c in customers}
    problem_product = {p.key: p.product_key for p in problems}
    candidates: list[tuple[str, str, str, str, str | None, dict[str, Any]]] = []

    def context(kind: str, key: str, product: str, persona: str, component: str) -> dict[str, Any]:
        custs, quotes = _evidence(kind, key, links, by_fb, by_cust)
        lo = rng.randint(2, 6)
        return {
            "n_customers": len(custs), "arr": _arr_text(custs),
            "customers": ", ".join(c.name for c in custs[:3]),
            "top_customer": custs[0].name if custs else "",
            "renewal_month": custs[0].renewal_date.strftime("%B") if custs else "",
            "quote": rng.choice(quotes) if quotes else "",
            "persona": persona, "product": "Invoicing" if product == "invoicing" else "Payments",
            "persona_noun": PERSONA_NOUN.get(persona, persona if persona[:2].isupper() else persona.lower()),
            "component": component, "competitor": rng.choice(people.COMPETITORS),
            "n_small": rng.randint(3, 9), "weeks_lo": lo, "weeks_hi": lo + rng.randint(2, 7),
            "other_title": rng.choice([
                f.title for f in features
                if f.product_key == product and f.key != key and f.status in ("planned", "in_progress")
            ]),
        }

    def usable(template: str, ctx: dict[str, Any]) -> bool:
        needs = {"{customers}": "customers", "{top_customer}": "top_customer", "{quote}": "quote"}
        if "{n_customers}" in template and ctx["n_customers"] < 2:
            return False
        if "Persona check" in template and ctx["persona"] in BUYER_PERSONAS:
            return False
        return all(ctx[v] for k, v in needs.items() if k in template)

    for p in problems:
        ctx = context("problem", p.key, p.product_key, p.persona, COMPONENT_OF[p.key])
        for role, template in rng.sample(PROBLEM_TEMPLATES, 2):
            if usable(template, ctx):
                candidates.append(("problem", p.key, role, template, None, ctx))
    for f in features:
        ctx = context("feature", f.key, f.product_key, f.persona, COMPONENT_OF[f.problem_keys[0]])
        reason = f.description.removeprefix("Rejected: ").split(";")[0].rstrip(".")
        ctx["reason"] = reason[:1].upper() + reason[1:] + "."
        templates = FEATURE_TEMPLATES[f.status]
        for role, template in rng.sample(templates, min(2, len(templates))):
            if usable(template, ctx):
                candidates.append(("feature", f.key, role, template, f.owner, ctx))
    chosen = rng.sample(candidates, min(COMMENT_COUNT, len(candidates)))
    chosen.sort(key=lambda c: (c[0], c[1], c[3]))  # stable order before drawing dates

    comments: list[DemoComment] = []
    for kind, key, role, template, owner, ctx in chosen:
        product = problem_product[key] if kind == "problem" else next(f.product_key for f in features if f.key == key)
        day = anchor - timedelta(days=int(120 * rng.random() ** 1.5) + 3)
        created = datetime.combine(day, time(rng.randint(9, 18), rng.randrange(60)))
        author = _author(role, product, owner, rng)
        body = template.format_map(ctx)
        if role == "sales" and "{renewal_month}" in template:  # asks the PM for a date by name; the PM answers
            reply_at = created + timedelta(days=rng.randint(1, 2), hours=rng.randint(1, 4))
            pm = _author("pm", product, owner, rng)
            comments.append(DemoComment(kind, key, author, f"@{_handle(pm)} {body}", created))
            comments.append(DemoComment(kind, key, pm, f"@{_handle(author)} {PM_REPLY}", reply_at))
        else:
            comments.append(DemoComment(kind, key, author, body, created))
    comments.sort(key=lambda c: (c.created_at, c.target_kind, c.target_key, c.author))
    return tuple(comments)
