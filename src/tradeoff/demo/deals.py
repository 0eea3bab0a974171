"""The demo's open deals: two prospects Sales are trying to win, each waiting on a planned feature they asked for
on a call, and expansion deals with customers who asked for planned work. Written for this project; deterministic
(the anchor day sets the expected closes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Lifecycle, Segment
from tradeoff.customers.schemas import CustomerCreate, CustomerUpdate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Source
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.insights import service as insights
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate
from tradeoff.storage.uow import Actor, UnitOfWork


@dataclass(frozen=True)
class Prospect:
    name: str
    segment: str
    currency: str
    deal_value: Decimal
    close_in_days: int
    account_owner: str
    notes: str
    said: str  # on a discovery call, some days before the anchor
    said_days_ago: int
    feature_key: str  # the planned feature they are waiting on
    quote: str


PROSPECTS = (
    Prospect("Halcyon Freight Group", "enterprise", "USD", Decimal(96000), 45, "grace.lindqvist@ledgerly.example",
             "Evaluating us against their ERP's billing module. Security review booked; procurement wants SSO in the "
             "contract.",
             "Discovery call with Halcyon's finance director and IT lead: they will not roll out to 300 users without "
             "SAML single sign-on and automatic deprovisioning. If that is live before their Q1 renewal of the old "
             "tool, they sign.", 9, "saml-sso-scim", "they will not roll out to 300 users without SAML single sign-on"),
    Prospect("Brightwater Clinics", "mid_market", "EUR", Decimal(38000), 75, "jonah.price@ledgerly.example",
             "Trial since last month; five clinics, one finance team.",
             "Demo follow-up with Brightwater: the controller asked twice whether approval rules can stop an invoice "
             "above 10k going out before she signs it off. That is the blocker for their board.", 16,
             "invoice-approval-rules", "approval rules can stop an invoice above 10k going out before she signs it off"),
)

# expansion deals: (share of the customer's ARR the deal adds, days to the expected close), given in this order to
# the customers with the most ARR who asked for planned work
EXPANSIONS = ((Decimal("0.25"), 30), (Decimal("0.4"), 60), (Decimal("0.15"), 90), (Decimal("0.3"), 120))


def load_deals(*, uow: UnitOfWork, workspace_id: int, actor: Actor, anchor: date, customers: dict[str, Any],
               features: dict[str, Any]) -> dict[str, int]:
    made = 0
    for p in PROSPECTS:
        owner = p.account_owner
        c = customer_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=CustomerCreate(
            name=p.name, segment=Segment(p.segment), currency=p.currency, lifecycle=Lifecycle.prospect,
            deal_value=p.deal_value, deal_close=anchor + timedelta(days=p.close_in_days), account_owner=owner,
            notes=p.notes))
        fb = feedback_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=FeedbackCreate(
            text=p.said, source=Source.sales_call, customer_id=c.id, reporter=owner,
            reported_at=datetime.combine(anchor - timedelta(days=p.said_days_ago), time(15), UTC)))
        link_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=LinkCreate(
            feedback_id=fb.id, quote=p.quote, feature_id=features[p.feature_key].id))
        made += 1
    planned = [f.id for f in features.values() if f.status in ("planned", "in_progress")]
    counts, _ = insights.askers_by_feature(uow=uow, workspace_id=workspace_id, feature_ids=planned)
    askers: set[int] = set().union(*(ids for _, ids in counts.values()))
    paying = sorted((c for c in customers.values() if c.id in askers), key=lambda c: (-c.arr, c.id))
    for c, (share, days) in zip(paying, EXPANSIONS, strict=False):
        customer_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=c.id, if_match=None,
                                data=CustomerUpdate(deal_value=(c.arr * share).quantize(Decimal(1)),
                                                    deal_close=anchor + timedelta(days=days)))
    return {"prospects": made, "deals": made + min(len(paying), len(EXPANSIONS))}
