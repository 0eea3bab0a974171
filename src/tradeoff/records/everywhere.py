"""Search everything at once: the workspace's features, problems, feedback, customers, products and decisions that
match every word of a search (the lists' own full-text search), a few of each, newest or by name as each list sorts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradeoff.customers import service as customer_service
from tradeoff.decisions import service as decision_service
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.feedback import service as feedback_service
from tradeoff.problems import service as problem_service
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage import search
from tradeoff.storage.uow import UnitOfWork

MAX_PER_KIND = 20
SNIPPET = 160


@dataclass(frozen=True)
class Kind:
    spec: RecordSpec
    label: str

    def title(self, obj: Any) -> str:
        text = {"features": "title", "problems": "statement", "feedback": "text", "decisions": "title"}.get(
            self.spec.plural, "name")
        value = " ".join(str(getattr(obj, text) or "").split())
        return value if len(value) <= SNIPPET else value[: SNIPPET - 1].rstrip() + "…"

    def detail(self, obj: Any) -> str:
        """One line that tells two hits apart: a feature's status, a feedback's customer and source, ..."""
        if self.spec.plural == "features":
            return str(obj.status).replace("_", " ")
        if self.spec.plural == "feedback":
            who = obj.customer.name if obj.customer is not None else "no customer"
            return f"{who} · {str(obj.source).replace('_', ' ')} · {obj.reported_at:%d %b %Y}"
        if self.spec.plural == "customers":
            return f"{str(obj.segment).replace('_', ' ')} · {obj.currency} {obj.arr:,.0f}"
        if self.spec.plural == "problems":
            return obj.persona or ""
        if self.spec.plural == "decisions":
            return f"decided {obj.decided_on:%d %b %Y}" if obj.decided_on else "waiting for a choice"
        return ""


KINDS = (
    Kind(feature_service.SPEC, "Features"),
    Kind(problem_service.SPEC, "Problems"),
    Kind(feedback_service.SPEC, "Feedback"),
    Kind(customer_service.SPEC, "Customers"),
    Kind(product_service.SPEC, "Products"),
    Kind(decision_service.SPEC, "Decisions"),
)


@dataclass
class Group:
    kind: str
    label: str
    items: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False  # the list has more matches than shown


def search_everywhere(*, uow: UnitOfWork, workspace_id: int, q: str, per_kind: int = 5) -> list[Group]:
    """Every kind's first `per_kind` matches (archived records left out); kinds with none are left out."""
    if not search.terms(q):
        raise InvalidInput("search: give at least one word to look for", [FieldError(["query", "q"], "no words", q)])
    if not 1 <= per_kind <= MAX_PER_KIND:
        raise InvalidInput(f"per_kind must be between 1 and {MAX_PER_KIND}",
                           [FieldError(["query", "per_kind"], "out of range", per_kind)])
    groups = []
    for kind in KINDS:
        page = records.list_page(uow=uow, spec=kind.spec, workspace_id=workspace_id, q=q, limit=per_kind)
        if page.items:
            groups.append(Group(kind.spec.plural, kind.label, more=page.next is not None, items=[
                {"id": obj.id, "title": kind.title(obj), "detail": kind.detail(obj)} for obj in page.items]))
    return groups
