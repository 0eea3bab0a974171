"""The demo workspace: "Ledgerly", a B2B invoicing and payments product, as plain records.

`build_demo(anchor=..., seed=...)` is pure and deterministic: no clock (every date is relative to
`anchor`, the demo's "today") and no global RNG (one `random.Random(seed)` threads through the
builders, in a fixed order). One builder per record type so later additions (objectives, estimates,
teams, work history, commitments) can slot in as further `build_*` functions.
"""

from __future__ import annotations

import math
import random
import re
from datetime import date, timedelta
from decimal import Decimal

from tradeoff.demo import people
from tradeoff.demo.comments import build_comments
from tradeoff.demo.compose import build_feedback, build_links
from tradeoff.demo.features_invoicing import FEATURES_INVOICING
from tradeoff.demo.features_payments import FEATURES_PAYMENTS
from tradeoff.demo.features_platform import FEATURES_PLATFORM
from tradeoff.demo.problems import PROBLEMS
from tradeoff.demo.profiles import customer_profile
from tradeoff.demo.records import (
    DemoCustomer,
    DemoData,
    DemoFeature,
    DemoProblem,
    DemoProduct,
    DemoUser,
)
from tradeoff.errors import InvalidInput

FEEDBACK_COUNT = 400


def email_of(local_part: str) -> str:
    """The demo email address of a user's local part, e.g. ``maya.okafor@ledgerly.example``."""
    return f"{local_part}@{people.DOMAIN}"


def build_demo(*, anchor: date, seed: int = 7) -> DemoData:
    """Build the whole demo workspace.

    anchor: the demo's "today"; nothing is dated after it (feedback reaches back ~12 months,
        customers up to ~5 years, renewals up to a year ahead).
    seed: seed of the one `random.Random` used; the same (anchor, seed) always gives equal data.
    """
    if not isinstance(anchor, date):
        raise InvalidInput(f"anchor must be a date, got {anchor!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput(f"seed must be an integer, got {seed!r}")
    rng = random.Random(seed)
    users = build_users()
    products = build_products()
    customers = build_customers(rng=rng, anchor=anchor, seed=seed)
    problems = build_problems()
    features = build_features()
    drafts = build_feedback(rng=rng, anchor=anchor, seed=seed, customers=customers, count=FEEDBACK_COUNT)
    feedback = tuple(d.feedback for d in drafts)
    links = build_links(rng=rng, drafts=drafts)
    comments = build_comments(
        rng=rng, anchor=anchor, customers=customers, problems=problems, features=features,
        feedback=feedback, links=links,
    )
    return DemoData(
        users=users,
        products=products,
        customers=customers,
        feedback=feedback,
        problems=problems,
        features=features,
        links=links,
        comments=comments,
    )


def build_users() -> tuple[DemoUser, ...]:
    """The Ledgerly team: two PMs (one owner), two engineering leads, sales, CS, support and the COO."""
    return tuple(
        DemoUser(email=email_of(local), name=name, role=role, title=title)
        for local, name, role, title in people.USERS
    )


def build_products() -> tuple[DemoProduct, ...]:
    """Ledgerly Invoicing and Ledgerly Payments."""
    return tuple(DemoProduct(key=k, name=n, description=d) for k, n, d in people.PRODUCTS)


def slugify(name: str) -> str:
    """A lower-case key made of letters, digits and dashes: ``"Kiln & Co. Ceramics"`` -> ``"kiln-co-ceramics"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _next_anniversary(start: date, after: date) -> date:
    """The first anniversary of `start` strictly after `after` (29 February falls back to the 28th)."""
    year = after.year
    while True:
        day = min(start.day, 28) if start.month == 2 else start.day
        candidate = date(year, start.month, day)
        if candidate > after:
            return candidate
        year += 1


def _arr(rng: random.Random, segment: str) -> Decimal:
    """Log-uniform ARR in the segment's range, rounded the way sales quotes round it."""
    lo, hi = people.ARR_RANGES[segment]
    value = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    step = 1000 if segment == "enterprise" else 100 if segment != "startup" else 10
    return Decimal(max(lo, min(hi, int(round(value / step) * step))))


def _external_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "0015g0000" + "".join(rng.choice(alphabet) for _ in range(6))


def build_customers(*, rng: random.Random, anchor: date, seed: int) -> tuple[DemoCustomer, ...]:
    """About 60 customers across segments, ARR ranges per segment, some signed in the last 90 days."""
    customers: list[DemoCustomer] = []
    for segment, count in people.SEGMENT_COUNTS.items():
        for name, currency, city in rng.sample(people.COMPANIES[segment], count):
            key = slugify(name)
            profile = customer_profile(key, segment, seed)
            if rng.random() < 0.14:
                created = anchor - timedelta(days=rng.randint(3, 88))
            else:
                oldest = 5 * 365 if segment in ("enterprise", "mid_market") else 3 * 365
                if segment == "startup":
                    oldest = 2 * 365
                created = anchor - timedelta(days=rng.randint(120, oldest))
            slots = {
                "ledger": profile.ledger,
                "crm": profile.crm if profile.crm != "none" else "spreadsheets",
                "team": profile.team,
                "city": city,
                "competitor": rng.choice(people.COMPETITORS),
                "year": created.year,
                "contact": profile.contact,
                "role": profile.role,
                "currency": currency,
            }
            parts = [
                rng.choice(people.NOTE_STACK),
                rng.choice([t for t in people.NOTE_TEAM if profile.team <= 4 or not t.startswith("Small")]),
                rng.choice(people.NOTE_HISTORY),
                rng.choice(people.NOTE_RELATIONSHIP),
                rng.choice(people.NOTE_FLAGS),
            ]
            if created > anchor - timedelta(days=90):
                parts[2] = rng.choice(("New logo; onboarding in progress.", "Signed this quarter; go-live planned."))
            notes = " ".join(p.format(**slots) for p in parts if p)
            customers.append(
                DemoCustomer(
                    key=key,
                    name=name,
                    segment=segment,
                    arr=_arr(rng, segment),
                    currency=currency,
                    plan=rng.choice(people.PLANS[segment]),
                    renewal_date=_next_anniversary(created, anchor),
                    account_owner=email_of(rng.choice(people.ACCOUNT_OWNERS[segment])),
                    notes=notes,
                    external_id=_external_id(rng),
                    created_at=created,
                )
            )
    return tuple(customers)


def build_problems() -> tuple[DemoProblem, ...]:
    """About 30 problems, each stated in the words of the person who has it."""
    return tuple(
        DemoProblem(key=k, statement=s, persona=p, segment=seg, product_key=prod)
        for k, s, p, seg, prod in PROBLEMS
    )


def build_features() -> tuple[DemoFeature, ...]:
    """About 40 features over both products, in every status from idea to shipped (and a few won't do)."""
    out: list[DemoFeature] = []
    catalog = (("invoicing", FEATURES_INVOICING), ("invoicing", FEATURES_PLATFORM), ("payments", FEATURES_PAYMENTS))
    for product_key, specs in catalog:
        for spec in specs:
            out.append(
                DemoFeature(
                    key=spec["key"],
                    title=spec["title"],
                    problem_keys=tuple(spec["problems"]),
                    status=spec["status"],
                    persona=spec["persona"],
                    user_flow=tuple(spec["flow"]),
                    acceptance_criteria=tuple(spec["ac"]),
                    owner=email_of(spec["owner"]),
                    product_key=product_key,
                    description=spec["description"],
                )
            )
    return tuple(out)
