"""Plain, frozen records of the demo workspace. No database: services turn them into rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

ROLES: tuple[str, ...] = ("owner", "pm", "engineer", "stakeholder")
SEGMENTS: tuple[str, ...] = ("enterprise", "mid_market", "smb", "startup")
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP")
SOURCES: tuple[str, ...] = ("sales_call", "support", "survey", "interview", "usage", "other")
FEATURE_STATUSES: tuple[str, ...] = ("idea", "discovery", "planned", "in_progress", "shipped", "wont_do")
TARGET_KINDS: tuple[str, ...] = ("problem", "feature")


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str  # one of ROLES
    title: str  # job title shown next to the name, e.g. "Engineering Lead, Payments"


@dataclass(frozen=True)
class DemoProduct:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    segment: str  # one of SEGMENTS
    arr: Decimal  # annual recurring revenue, whole units of `currency`
    currency: str  # one of CURRENCIES
    plan: str
    renewal_date: date
    account_owner: str  # a DemoUser email
    notes: str
    external_id: str  # CRM account id
    created_at: date


@dataclass(frozen=True)
class DemoFeedback:
    key: str
    text: str
    source: str  # one of SOURCES
    customer_key: str | None
    reporter: str  # a DemoUser email
    created_at: datetime  # naive, workspace local time
    tags: tuple[str, ...]
    kind: str | None = None  # the kind the PM set by hand (a correction triage learns from); None: triage's guess


@dataclass(frozen=True)
class DemoProblem:
    key: str
    statement: str
    persona: str
    segment: str  # one of SEGMENTS
    product_key: str


@dataclass(frozen=True)
class DemoFeature:
    key: str
    title: str
    problem_keys: tuple[str, ...]
    status: str  # one of FEATURE_STATUSES
    persona: str
    user_flow: tuple[str, ...]  # ordered steps
    acceptance_criteria: tuple[str, ...]
    owner: str  # a DemoUser email
    product_key: str
    description: str


@dataclass(frozen=True)
class DemoLink:
    feedback_key: str
    target_kind: str  # "problem" | "feature"
    target_key: str
    quote: str | None  # exact substring of the feedback text


@dataclass(frozen=True)
class DemoComment:
    target_kind: str  # "problem" | "feature"
    target_key: str
    author: str  # a DemoUser email
    body: str
    created_at: datetime


@dataclass(frozen=True)
class DemoData:
    users: tuple[DemoUser, ...]
    products: tuple[DemoProduct, ...]
    customers: tuple[DemoCustomer, ...]
    feedback: tuple[DemoFeedback, ...]
    problems: tuple[DemoProblem, ...]
    features: tuple[DemoFeature, ...]
    links: tuple[DemoLink, ...]
    comments: tuple[DemoComment, ...]
