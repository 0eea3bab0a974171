"""Search everything at once: the workspace's features, problems, feedback, customers, products and decisions that
match every word of a search (the lists' own full-text search), a few of each, best match first: a word in a record's
name, title or statement counts more than one in its description or notes."""

from __future__ import annotations

from collections.abc import Callable
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


def _words(value: object) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def _said(fb: Any) -> str:
    who = fb.customer.name if fb.customer is not None else "no customer"
    when = f"date unknown (imported {fb.reported_at:%d %b %Y})" if fb.date_unknown else f"{fb.reported_at:%d %b %Y}"
    return f"{who} · {fb.source.replace('_', ' ')} · {when}"


@dataclass(frozen=True)
class Kind:
    spec: RecordSpec
    label: str
    title: Callable[[Any], object]  # the record's own words: name, title, statement or text
    detail: Callable[[Any], str]  # one line that tells two hits apart


KINDS = (
    Kind(feature_service.SPEC, "Features", lambda f: f.title, lambda f: f.status.replace("_", " ")),
    Kind(problem_service.SPEC, "Problems", lambda p: p.statement, lambda p: p.persona or ""),
    Kind(feedback_service.SPEC, "Feedback", lambda fb: fb.text, _said),
    Kind(customer_service.SPEC, "Customers", lambda c: c.name,
         lambda c: f"{c.segment.replace('_', ' ')} · {c.currency} {c.arr:,.0f}"),
    Kind(product_service.SPEC, "Products", lambda p: p.name, lambda p: _words(p.description)),
    Kind(decision_service.SPEC, "Decisions", lambda d: d.title,
         lambda d: f"decided {d.decided_on:%d %b %Y}" if d.decided_on else "waiting for a choice"),
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
        model: Any = kind.spec.model
        live = [model.workspace_id == workspace_id] + ([model.archived_at.is_(None)] if hasattr(model, "archived_at") else [])
        ids = search.ranked(uow.session, model, q, live, per_kind + 1)
        if ids:
            found = {obj.id: obj for obj in uow.session.scalars(
                records.base_query(kind.spec, workspace_id).where(model.id.in_(ids[:per_kind])))}
            groups.append(Group(kind.spec.plural, kind.label, more=len(ids) > per_kind, items=[
                {"id": i, "title": _words(kind.title(found[i])), "detail": kind.detail(found[i])} for i in ids[:per_kind]]))
    return groups
