"""What every workspace page needs (member, permissions, workspace switcher) and shared look-ups for forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request

from tradeoff.accounts import service as accounts
from tradeoff.accounts.service import Member
from tradeoff.customers import service as customer_service
from tradeoff.errors import InvalidInput, NotFound
from tradeoff.problems import service as problem_service
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.triage import tuning
from tradeoff.web.forms import FormState
from tradeoff.web.render import truncate_words
from tradeoff.web.session import container, permissions

PAGE_SIZE = 50
CHOICES_LIMIT = 200  # longest select we render; bigger sets use search


def page_context(uow: UnitOfWork, m: Member, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "member": m,
        "perms": permissions(m),
        "workspaces": accounts.workspaces_of(uow=uow, user_id=m.user_id),
        "section": section,
        "base": f"/w/{m.workspace_slug}",
        "people": {email.lower(): name for email, name in member_choices(uow, m.workspace_id) if name},
        **extra,
    }


def product_choices(uow: UnitOfWork, workspace_id: int) -> list[tuple[str, str]]:
    page = records.list_page(uow=uow, spec=product_service.SPEC, workspace_id=workspace_id, limit=CHOICES_LIMIT)
    return [(str(p.id), p.name) for p in page.items]


def feature_choices(uow: UnitOfWork, workspace_id: int) -> list[tuple[str, str]]:
    """Features by title, for pickers."""
    from tradeoff.features import service as feature_service

    page = records.list_page(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, sort="title",
                             limit=CHOICES_LIMIT)
    return [(str(f.id), f.title) for f in page.items]


def problem_choices(uow: UnitOfWork, workspace_id: int, selected: Sequence[Any] = ()) -> list[tuple[str, str]]:
    page = records.list_page(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, limit=CHOICES_LIMIT)
    choices = [(str(p.id), truncate_words(p.statement, 110)) for p in page.items]
    shown = {v for v, _ in choices}
    choices += [(str(p.id), truncate_words(p.statement, 110)) for p in selected if str(p.id) not in shown]
    return choices


def options_for(uow: UnitOfWork, workspace_id: int, names: set[str], selected_problems: Sequence[Any] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "products" in names:
        out["products"] = product_choices(uow, workspace_id)
    if "problems" in names:
        out["problems"] = problem_choices(uow, workspace_id, selected_problems)
    if "members" in names:
        out["members"] = member_choices(uow, workspace_id)
    return out


def member_choices(uow: UnitOfWork, workspace_id: int) -> list[tuple[str, str]]:
    """(email, name) of each member of the workspace, by name: what an owner field offers."""
    from tradeoff.notifications import service as notification_service

    return [(p.email, p.name) for p in notification_service.mentionable(uow, workspace_id)]


def product_names(uow: UnitOfWork, workspace_id: int) -> dict[int, str]:
    return {int(v): name for v, name in product_choices(uow, workspace_id)}


def customer_suggestions(uow: UnitOfWork, workspace_id: int, q: str | None, limit: int = 20) -> list[Any]:
    sort = None if q else "-arr"
    page = records.list_page(uow=uow, spec=customer_service.SPEC, workspace_id=workspace_id, q=q or None,
                             sort=sort, limit=limit)
    return list(page.items)


def resolve_customer(uow: UnitOfWork, workspace_id: int, name: str, state: FormState, data: dict[str, Any],
                     field: str = "customer_id") -> None:
    """The customer picker sends a name; the service wants an id. Unknown names become a field error."""
    name = name.strip()
    if not name:
        data[field] = None
        return
    try:
        customer = customer_service.by_name_as_typed(uow=uow, workspace_id=workspace_id, name=name)
    except InvalidInput as exc:
        state.add(field, exc.message)
        return
    data[field] = customer.id


def customer_name(uow: UnitOfWork, workspace_id: int, customer_id: int) -> str | None:
    try:
        return str(records.get(uow=uow, spec=customer_service.SPEC, workspace_id=workspace_id, record_id=customer_id).name)
    except NotFound:
        return None


def triage_line(request: Request, uow: UnitOfWork, m: Member) -> dict[str, Any]:
    """What the feedback inbox says about triage: how many items are classified, by which matcher, and the
    workspace's fine-tuned kind model if it has one."""
    return {"triage": triage.status(uow=uow, workspace_id=m.workspace_id),
            "matcher": container(request).triage.method,
            "kind_model": tuning.info(uow=uow, workspace_id=m.workspace_id)}


def record_names(uow: UnitOfWork, workspace_id: int, events: Sequence[Any]) -> dict[tuple[str, int], str]:
    """(record type, id) -> what the record is called, for audit events that name records: "feature “Dunning”"
    reads better than "feature #40". One query per kind of record named; records deleted since have no name."""
    from sqlalchemy import select

    from tradeoff.customers.model import Customer
    from tradeoff.decisions.model import Decision
    from tradeoff.features.model import Feature
    from tradeoff.plans.model import Plan, SavedWhatIf
    from tradeoff.problems.model import Problem
    from tradeoff.products.model import Product

    columns: dict[str, Any] = {"feature": (Feature, Feature.title), "problem": (Problem, Problem.statement),
                               "customer": (Customer, Customer.name), "plan": (Plan, Plan.name),
                               "product": (Product, Product.name), "decision": (Decision, Decision.title),
                               "what_if": (SavedWhatIf, SavedWhatIf.name)}  # not views: a personal one is private
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.record_type in columns and e.record_id is not None:
            wanted.setdefault(e.record_type, set()).add(int(e.record_id))
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, col = columns[kind]
        for rid, name in uow.session.execute(select(model.id, col).where(model.workspace_id == workspace_id,
                                                                         model.id.in_(ids))):
            names[(kind, rid)] = truncate_words(str(name), 60)
    return names
