"""How each core record appears in the web UI: its form fields, list filters and names. Pure configuration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from tradeoff.customers import schemas as cs
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Lifecycle, Segment
from tradeoff.features import schemas as fs
from tradeoff.features import service as feature_service
from tradeoff.features.model import FeatureStatus
from tradeoff.feedback import schemas as fbs
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Kind, Sentiment, Source
from tradeoff.problems import schemas as ps
from tradeoff.problems import service as problem_service
from tradeoff.products import schemas as prs
from tradeoff.products import service as product_service
from tradeoff.web.forms import Field
from tradeoff.web.render import LABELS


def _choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((e.value, LABELS.get(e.value, e.value)) for e in enum)


SEGMENTS = _choices(Segment)
LIFECYCLES = _choices(Lifecycle)
SOURCES = _choices(Source)
STATUSES = _choices(FeatureStatus)
KINDS = _choices(Kind)
SENTIMENTS = _choices(Sentiment)
TRIAGE_STATES = (("false", "Not triaged yet"), ("true", "Triaged"))
KIND_SOURCES = (("model", "Kind guessed by triage"), ("pm", "Kind set by a person"))

SORT_LABELS = {
    "name": "Name", "title": "Title", "arr": "ARR", "created_at": "Created", "updated_at": "Updated",
    "reported_at": "Reported", "id": "ID", "confidence": "Triage confidence",
}


@dataclass(frozen=True)
class RecordUI:
    kind: str  # URL segment and SPEC.plural: "customers"
    singular: str  # "customer"
    title: str  # "Customers"
    service: ModuleType
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    filters_schema: type[BaseModel]
    out_schema: type[BaseModel]  # what an export's columns are: the record as the API shows it
    fields: tuple[Field, ...]
    filters: tuple[Field, ...] = ()
    create_need: str = "edit"
    name_of: Callable[[Any], str] = lambda obj: f"#{obj.id}"
    search_hint: str = ""

    @property
    def spec(self) -> Any:
        return self.service.SPEC

    @property
    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}

    def list_query(self, params: Mapping[str, str]) -> tuple[str | None, str, bool, dict[str, str]]:
        """What a list shows, from its address's parameters: search, sort, archived or not, and the filters
        given (still as text: `filters_schema` checks them)."""
        return (params.get("q") or None, params.get("sort") or self.spec.default_sort, params.get("archived") == "1",
                {f.name: params[f.name] for f in self.filters if params.get(f.name)})

    def sort_options(self) -> list[tuple[str, str]]:
        out = []
        for key in self.spec.sorts:
            name = SORT_LABELS.get(key, key)
            out.append((key, f"{name} ↑"))
            out.append((f"-{key}", f"{name} ↓"))
        return out


PRODUCTS = RecordUI(
    kind="products", singular="product", title="Products", service=product_service,
    create_schema=prs.ProductCreate, update_schema=prs.ProductUpdate, filters_schema=prs.ProductFilters,
    out_schema=prs.ProductOut,
    fields=(
        Field("name", "Name", required=True, placeholder="e.g. Invoicing"),
        Field("description", "Description", "textarea", wide=True, rows=4),
    ),
    name_of=lambda p: p.name, search_hint="Search name and description",
)

CUSTOMERS = RecordUI(
    kind="customers", singular="customer", title="Customers", service=customer_service,
    create_schema=cs.CustomerCreate, update_schema=cs.CustomerUpdate, filters_schema=cs.CustomerFilters,
    out_schema=cs.CustomerOut,
    fields=(
        Field("name", "Name", required=True, placeholder="Company name"),
        Field("segment", "Segment", "select", options=SEGMENTS),
        Field("arr", "ARR", "number", help="Annual recurring revenue, in the currency beside it", placeholder="0"),
        Field("currency", "Currency", placeholder="USD", help="Three-letter code", empty="omit"),
        Field("plan", "Plan", placeholder="e.g. Business"),
        Field("renewal_date", "Renewal date", "date"),
        Field("customer_since", "Customer since", "date",
              help="When they became a customer; empty: when added here (a customer for under 90 days is new)"),
        Field("lifecycle", "Customer or prospect", "select", options=LIFECYCLES,
              help="A prospect pays nothing yet (ARR 0): what they would pay is the deal value"),
        Field("deal_value", "Open deal value", "number", placeholder="0",
              help="Expected ARR of an open deal (a prospect's first, or an expansion), in the same currency"),
        Field("deal_close", "Expected close", "date", help="When Sales expect the deal to close"),
        Field("account_owner", "Account owner", placeholder="Who owns the relationship"),
        Field("external_id", "External ID", help="The customer's id in your CRM (optional)", empty="none"),
        Field("notes", "Notes", "textarea", wide=True, rows=4),
    ),
    filters=(
        Field("segment", "Segment", "select", options=SEGMENTS, blank="Any segment"),
        Field("lifecycle", "Customer or prospect", "select", options=LIFECYCLES, blank="Customers and prospects"),
        Field("currency", "Currency", placeholder="Currency"),
        Field("min_arr", "Min ARR", "number", placeholder="Min ARR"),
        Field("min_deal_value", "Min open deal", "number", placeholder="Min open deal"),
        Field("account_owner", "Account owner", placeholder="Account owner"),
    ),
    name_of=lambda c: c.name, search_hint="Search name, plan and notes",
)

FEEDBACK = RecordUI(
    kind="feedback", singular="feedback", title="Feedback", service=feedback_service,
    create_schema=fbs.FeedbackCreate, update_schema=fbs.FeedbackUpdate, filters_schema=fbs.FeedbackFilters,
    out_schema=fbs.FeedbackOut,
    fields=(
        Field("text", "What they said", "textarea", required=True, wide=True, rows=5,
              help="Verbatim: the customer's own words"),
        Field("customer_id", "Customer", "customer", placeholder="Start typing a customer's name",
              help="Leave empty if the customer is unknown"),
        Field("source", "Source", "select", options=SOURCES),
        Field("reported_at", "When they said it", "date", help="Leave empty for today", empty="omit"),
        Field("reporter", "Reported by"),
        Field("tags", "Tags", "tags", help="Comma-separated", placeholder="billing, export"),
    ),
    filters=(
        Field("kind", "Kind", "select", options=KINDS, blank="Any kind"),
        Field("sentiment", "Sentiment", "select", options=SENTIMENTS, blank="Any sentiment"),
        Field("triaged", "Triage", "select", options=TRIAGE_STATES, blank="Triaged or not"),
        Field("linked", "Linked", "select", options=(("false", "Linked to nothing yet"), ("true", "Linked as evidence")),
              blank="Linked or not"),
        Field("kind_source", "Kind set by", "select", options=KIND_SOURCES, blank="Guessed or set"),
        Field("source", "Source", "select", options=SOURCES, blank="Any source"),
        Field("tag", "Tag", placeholder="Tag"),
        Field("dated", "Date", "select", options=(("true", "Date known"), ("false", "Date unknown")),
              blank="Any date"),
        Field("customer_id", "Customer", "number"),
    ),
    create_need="evidence",
    name_of=lambda f: f"Feedback #{f.id}", search_hint="Search what customers said",
)

PROBLEMS = RecordUI(
    kind="problems", singular="problem", title="Problems", service=problem_service,
    create_schema=ps.ProblemCreate, update_schema=ps.ProblemUpdate, filters_schema=ps.ProblemFilters,
    out_schema=ps.ProblemOut,
    fields=(
        Field("statement", "Problem statement", "textarea", required=True, wide=True, rows=4,
              help="In the user's words: what gets in their way, and when"),
        Field("persona", "Persona", placeholder="e.g. Finance admin"),
        Field("segment", "Segment", "select", options=SEGMENTS, blank="—", empty="keep"),
        Field("product_id", "Product", "select", options_from="products", blank="No product"),
    ),
    filters=(
        Field("product_id", "Product", "select", options_from="products", blank="Any product"),
        Field("segment", "Segment", "select", options=SEGMENTS, blank="Any segment"),
        Field("persona", "Persona", placeholder="Persona"),
    ),
    name_of=lambda p: p.statement, search_hint="Search statements and personas",
)

FEATURES = RecordUI(
    kind="features", singular="feature", title="Features", service=feature_service,
    create_schema=fs.FeatureCreate, update_schema=fs.FeatureUpdate, filters_schema=fs.FeatureFilters,
    out_schema=fs.FeatureOut,
    fields=(
        Field("title", "Title", required=True, placeholder="What it lets people do", wide=True),
        Field("status", "Status", "select", options=STATUSES),
        Field("product_id", "Product", "select", options_from="products", blank="No product"),
        Field("problem_ids", "Problems it solves", "multiselect", options_from="problems", wide=True,
              help="Hold Ctrl (⌘ on Mac) to choose several"),
        Field("persona", "Persona", placeholder="Who it is for"),
        Field("owner", "Owner", "member", options_from="members", placeholder="Who drives it (a member's email)",
              help="A member's email: they are told when evidence arrives and when a promise of it falls at risk"),
        Field("description", "Description", "textarea", wide=True, rows=4),
        Field("user_flow", "User flow", "lines", wide=True, rows=5, help="One step per line, in order"),
        Field("acceptance_criteria", "Acceptance criteria", "lines", wide=True, rows=5,
              help="One criterion per line; Given / When / Then welcome"),
        Field("public", "Public roadmap", "select", options=(("False", "Internal only"), ("True", "Shown publicly")),
              help="Shown on its product's public roadmap and changelog links, in the words below"),
        Field("public_title", "Public title", placeholder="Customer-facing title (default: the title)", wide=True),
        Field("public_description", "Public description", "textarea", wide=True, rows=3,
              help="What customers read; the description above is never shown publicly"),
    ),
    filters=(
        Field("status", "Status", "select", options=STATUSES, blank="Any status"),
        Field("product_id", "Product", "select", options_from="products", blank="Any product"),
        Field("owner", "Owner", "member", options_from="members", placeholder="Owner"),
        Field("persona", "Persona", placeholder="Persona"),
    ),
    name_of=lambda f: f.title, search_hint="Search titles and descriptions",
)

ALL: tuple[RecordUI, ...] = (PRODUCTS, CUSTOMERS, FEEDBACK, PROBLEMS, FEATURES)
BY_KIND = {ui.kind: ui for ui in ALL}
