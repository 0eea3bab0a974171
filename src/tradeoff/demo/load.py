"""Load the demo workspace through the same services people use (so it has an audit trail too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import update

from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.comments import service as comment_service
from tradeoff.comments.schemas import CommentCreate
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer, Segment
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.demo.content import build_demo
from tradeoff.demo.deals import load_deals
from tradeoff.demo.delivery import load_delivery, save_what_ifs
from tradeoff.demo.publishing import load_publishing
from tradeoff.demo.strategy import load_strategy
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.features.schemas import FeatureCreate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Kind, Source
from tradeoff.feedback.schemas import FeedbackCreate, FeedbackUpdate
from tradeoff.insights import service as insights
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.model import Problem
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.views import service as view_service
from tradeoff.views.schemas import ViewCreate

DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoSummary:
    slug: str
    owner_email: str
    counts: dict[str, int]


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def load_demo(*, uow: UnitOfWork, password: str, anchor: date, slug: str = DEMO_SLUG, seed: int = 7) -> DemoSummary:
    data = build_demo(anchor=anchor, seed=seed)
    actor = Actor(user_id=None, label="demo-loader", via="cli")
    users = {}
    for u in data.users:
        user, _ = accounts.get_or_create_user(uow=uow, email=u.email, name=u.name, password=password)
        users[u.email] = user
    owner = next(u for u in data.users if u.role == Role.owner.value)
    ws = accounts.create_workspace(uow=uow, slug=slug, name="Ledgerly (demo)", owner=users[owner.email], actor=actor)
    for u in data.users:
        if u.email != owner.email:
            accounts.set_member(uow=uow, workspace=ws, user=users[u.email], role=Role(u.role), actor=actor)
    wid = ws.id
    products = {p.key: product_service.create(uow=uow, workspace_id=wid, actor=actor,
                                              data=ProductCreate(name=p.name, description=p.description))
                for p in data.products}
    customers = {}
    for c in data.customers:
        obj = customer_service.create(uow=uow, workspace_id=wid, actor=actor, data=CustomerCreate(
            name=c.name, segment=Segment(c.segment), arr=c.arr, currency=c.currency, plan=c.plan, renewal_date=c.renewal_date,
            customer_since=c.created_at,
            account_owner=c.account_owner, notes=c.notes, external_id=c.external_id))
        customers[c.key] = obj
        uow.session.execute(update(Customer).where(Customer.id == obj.id)
                            .values(created_at=datetime.combine(c.created_at, time(9), UTC)))
    feedback = {}
    for f in data.feedback:
        feedback[f.key] = feedback_service.create(uow=uow, workspace_id=wid, actor=actor, data=FeedbackCreate(
            text=f.text, source=Source(f.source), customer_id=customers[f.customer_key].id if f.customer_key else None,
            reporter=f.reporter, reported_at=_utc(f.created_at), tags=list(f.tags), **_survey_score(f.source, f.text)))
    pm = users[owner.email]
    for f in data.feedback:  # the kinds the PM set by hand: corrections this workspace's triage learns from
        if f.kind is not None:
            feedback_service.update(uow=uow, workspace_id=wid, actor=Actor(pm.id, pm.email, "web"),
                                    record_id=feedback[f.key].id, data=FeedbackUpdate(kind=Kind(f.kind)), if_match=None)
    problems = {p.key: problem_service.create(uow=uow, workspace_id=wid, actor=actor, data=ProblemCreate(
        statement=p.statement, persona=p.persona, segment=p.segment, product_id=products[p.product_key].id))
        for p in data.problems}
    features = {f.key: feature_service.create(uow=uow, workspace_id=wid, actor=actor, data=FeatureCreate(
        title=f.title, description=f.description, status=FeatureStatus(f.status), persona=f.persona, user_flow=list(f.user_flow),
        acceptance_criteria=list(f.acceptance_criteria), owner=f.owner, product_id=products[f.product_key].id,
        problem_ids=[problems[k].id for k in f.problem_keys]))
        for f in data.features}
    targets: dict[str, dict[str, Problem] | dict[str, Feature]] = {"problem": problems, "feature": features}
    for link in data.links:
        target = targets[link.target_kind][link.target_key]
        link_service.create(uow=uow, workspace_id=wid, actor=actor, data=LinkCreate(
            feedback_id=feedback[link.feedback_key].id, quote=link.quote, **{f"{link.target_kind}_id": target.id}))
    for cm in data.comments:
        author = users[cm.author]
        comment_service.add(uow=uow, workspace_id=wid, actor=Actor(author.id, author.email, "web"),
                            kind=cm.target_kind, target_id=targets[cm.target_kind][cm.target_key].id,
                            data=CommentCreate(body=cm.body))
    counts = {"users": len(data.users), "products": len(products), "customers": len(customers),
              "feedback": len(feedback), "problems": len(problems), "features": len(features),
              "links": len(data.links), "comments": len(data.comments)}
    counts |= load_strategy(uow=uow, workspace_id=wid, actor=actor, anchor=anchor, users=users, products=products,
                            problems=problems, features=features)
    counts |= load_deals(uow=uow, workspace_id=wid, actor=actor, anchor=anchor, customers=customers,
                         features=features)
    counts |= load_delivery(uow=uow, workspace_id=wid, actor=actor, anchor=anchor, features=features,
                            customers=customers, seed=seed)
    counts |= load_publishing(uow=uow, workspace_id=wid, actor=actor, products=products, features=features)
    counts["views"] = _load_views(uow, wid, Actor(pm.id, pm.email, "web"))
    counts["told_customers"] = _close_some_loops(uow, wid, Actor(pm.id, pm.email, "web"), features, anchor)
    counts["what_ifs"] = save_what_ifs(uow=uow, workspace_id=wid, actor=Actor(pm.id, pm.email, "web"), anchor=anchor,
                                       features=features)
    # a person invited but not joined yet: the members page lists the invitation (its link was shown once)
    invitations.invite(uow=uow, workspace_id=wid, email="jonas.berg@ledgerly.example", role=Role.engineer,
                       actor=Actor(users[owner.email].id, owner.email, "web"))
    counts["invitations"] = 1
    return DemoSummary(slug=slug, owner_email=owner.email, counts=counts)


DEMO_VIEWS = (  # the PM's shared views of the lists she works through every week
    ("feedback", "Check triage's guesses", {"filters": {"kind_source": "model"}, "sort": "confidence"}),
    ("feedback", "Bugs from support", {"filters": {"kind": "bug", "source": "support"}}),
    ("features", "In progress", {"filters": {"status": "in_progress"}}),
    ("customers", "Enterprise by ARR", {"filters": {"segment": "enterprise"}, "sort": "-arr"}),
)


def _close_some_loops(uow: UnitOfWork, workspace_id: int, actor: Actor, features: dict[str, Any],
                      anchor: date) -> int:
    """On each shipped feature, the biggest customer who asked is already told it shipped (the rest are still to
    tell), as a PM part way through closing the loop would have it."""
    told = 0
    for feature in features.values():
        if feature.status != "shipped":
            continue
        asked = insights.close_the_loop(uow=uow, workspace_id=workspace_id, feature=feature)["customers"]
        first = next((c["customer_id"] for c in asked if c["customer_id"]), None)
        if first is not None:
            insights.mark_told(uow=uow, workspace_id=workspace_id, actor=actor, feature=feature, customer_ids=[first],
                               feedback_ids=[], now=datetime.combine(anchor - timedelta(days=2), time(10), UTC))
            told += 1
    return told


def _load_views(uow: UnitOfWork, workspace_id: int, actor: Actor) -> int:
    for collection, name, query in DEMO_VIEWS:
        view_service.create(uow=uow, workspace_id=workspace_id, actor=actor, can_share=True,
                            data=ViewCreate.model_validate({"collection": collection, "name": name, "shared": True,
                                                            "query": query}))
    return len(DEMO_VIEWS)


SCORED = re.compile(r"^(?:NPS (?P<nps>\d{1,2}):|CSAT (?P<csat>[1-5])/5\.)")


def _survey_score(source: str, text: str) -> dict[str, Any]:
    """A survey answer the demo wrote as "NPS 9: ..." or "CSAT 4/5. ..." carries its score, as a survey tool's
    export would, so the NPS page has responses to show."""
    m = SCORED.match(text) if source == "survey" else None
    if m is None:
        return {}
    kind = "nps" if m["nps"] is not None else "csat"
    return {"score_kind": kind, "score": int(m[kind])}
