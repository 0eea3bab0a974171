"""Public roadmap shares: create / list / revoke, the customer-facing roadmap and changelog, and customer
feedback or upvotes from the public page, which arrive in the evidence inbox.

The public shapes are built field by field from an allow-list (public title or, when none, the title; the public
description only); nothing else of a feature, and nothing of customers, evidence, scores or owners, leaves here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Engine, select

from tradeoff.accounts.ratelimit import SharedWindowLimiter, SlidingWindowLimiter, WindowLimiter
from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput, NotFound, RateLimited
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Source
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate
from tradeoff.plans import service as plan_service
from tradeoff.products import service as product_service
from tradeoff.products.model import Product
from tradeoff.publishing.model import PublicSubmission, Share
from tradeoff.publishing.schemas import PublicItem, PublicRoadmap, PublicSubmissionIn
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor, UnitOfWork

TAG = "public-roadmap"
COLUMNS = {
    FeatureStatus.in_progress.value: "now",
    FeatureStatus.planned.value: "next",
    FeatureStatus.discovery.value: "later",
    FeatureStatus.idea.value: "later",
}
MAX_ITEMS = 200
TOKEN_BYTES = 32  # 256 bits, 43 URL-safe characters


# --- managing shares (owners and PMs) -------------------------------------------------------------------------

def create_share(*, uow: UnitOfWork, workspace_id: int, actor: Actor, product_id: int, label: str = "") -> Share:
    try:
        records.get(uow=uow, spec=product_service.SPEC, workspace_id=workspace_id, record_id=product_id)
    except NotFound as exc:
        raise InvalidInput(f"product_id: no product {product_id} in this workspace",
                           [FieldError(["body", "product_id"], "unknown product", product_id)]) from exc
    share = Share(workspace_id=workspace_id, product_id=product_id, token=secrets.token_urlsafe(TOKEN_BYTES),
                  label=label, created_by=actor.label)
    uow.session.add(share)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="share",
                 record_id=share.id, after={"product_id": product_id, "label": label})
    return share


def list_shares(*, uow: UnitOfWork, workspace_id: int, product_id: int | None = None) -> list[Share]:
    stmt = select(Share).where(Share.workspace_id == workspace_id)
    if product_id is not None:
        stmt = stmt.where(Share.product_id == product_id)
    return list(uow.session.scalars(stmt.order_by(Share.id.desc())))


def revoke_share(*, uow: UnitOfWork, workspace_id: int, actor: Actor, share_id: int) -> Share:
    share = uow.session.scalar(select(Share).where(Share.workspace_id == workspace_id, Share.id == share_id))
    if share is None:
        raise NotFound(f"share {share_id} not found in this workspace")
    if share.active:
        share.revoke()
        uow.session.flush()
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="revoke", record_type="share",
                     record_id=share.id, after={"product_id": share.product_id})
    return share


# --- the public side (no login) -------------------------------------------------------------------------------

def resolve(*, uow: UnitOfWork, token: str) -> tuple[Share, Product]:
    """The active share behind a public token, and its product. Unknown, revoked or archived → NotFound."""
    if not (20 <= len(token) <= 64):
        raise NotFound("there is no public roadmap at this address")
    row = uow.session.execute(
        select(Share, Product).join(Product, Product.id == Share.product_id).where(Share.token == token)
    ).first()
    if row is None or not row[0].active or row[1].archived:
        raise NotFound("there is no public roadmap at this address")
    return row[0], row[1]


def item_ref(share: Share, feature_id: int) -> str:
    """An opaque, per-share reference to a feature (so public pages never show internal ids)."""
    mac = hmac.new(share.token.encode(), f"feature:{feature_id}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"{feature_id:x}-{mac}"


def _feature_of_ref(share: Share, ref: str) -> int | None:
    head, _, _ = ref.partition("-")
    try:
        fid = int(head, 16)
    except ValueError:
        return None
    return fid if hmac.compare_digest(item_ref(share, fid), ref) else None


def _public_features(uow: UnitOfWork, share: Share) -> list[Feature]:
    return list(uow.session.scalars(
        select(Feature).where(Feature.workspace_id == share.workspace_id, Feature.product_id == share.product_id,
                              Feature.public.is_(True), Feature.archived_at.is_(None))
        .order_by(Feature.id)
    ))


def _item(share: Share, f: Feature) -> PublicItem:
    return PublicItem(
        ref=item_ref(share, f.id),
        title=(f.public_title or "").strip() or f.title,
        description=(f.public_description or "").strip(),
        shipped_on=f.shipped_at.date() if f.status == FeatureStatus.shipped.value and f.shipped_at else None,
    )


def _lanes(uow: UnitOfWork, workspace_id: int) -> dict[int, str]:
    """feature id -> "now" / "next" / "later" on the internal roadmap board, when the workspace has a solved live
    plan: customers see a feature in the column the team's own roadmap puts it in. Empty without one."""
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    if plan is None or not plan.result:
        return {}
    board = plan_service.board(uow=uow, workspace_id=workspace_id, plan=plan)
    return {i["feature_id"]: lane for lane in ("now", "next", "later") for i in board[lane]}


def roadmap(*, uow: UnitOfWork, share: Share, product: Product) -> PublicRoadmap:
    """Now / Next / Later, each by title, and the changelog (shipped, newest first). With a solved live plan the
    columns are the internal roadmap board's (period 1 now, periods 2-3 next, the rest later; in progress is
    now); a feature the board leaves out, or every feature without such a plan, goes by its status (in progress
    now, planned next, discovery and idea later). Won't-do and non-public features do not appear."""
    cols: dict[str, list[PublicItem]] = {"now": [], "next": [], "later": []}
    shipped: list[tuple[datetime, int, PublicItem]] = []
    lanes = _lanes(uow, share.workspace_id)
    for f in _public_features(uow, share):
        if f.status == FeatureStatus.shipped.value:
            shipped.append((f.shipped_at or f.updated_at, f.id, _item(share, f)))
        elif f.status in COLUMNS:
            cols[lanes.get(f.id, COLUMNS[f.status])].append(_item(share, f))
    for items in cols.values():
        items.sort(key=lambda i: (i.title.lower(), i.ref))
    shipped.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return PublicRoadmap(product=product.name, now=cols["now"][:MAX_ITEMS], next=cols["next"][:MAX_ITEMS],
                         later=cols["later"][:MAX_ITEMS], shipped=[i for _, _, i in shipped][:MAX_ITEMS])


class PublicGuard:
    """Rate limits for public submissions: per IP and per share link (sliding windows; in the database, shared by
    every server process, when given an engine)."""

    def __init__(self, per_ip_per_hour: int = 10, per_share_per_hour: int = 200, engine: Engine | None = None) -> None:
        self.ip: WindowLimiter = (SharedWindowLimiter(engine, "public-ip", per_ip_per_hour, 3600.0) if engine
                                  else SlidingWindowLimiter(per_ip_per_hour, 3600.0))
        self.share: WindowLimiter = (SharedWindowLimiter(engine, "public-share", per_share_per_hour, 3600.0) if engine
                                     else SlidingWindowLimiter(per_share_per_hour, 3600.0))

    def check(self, *, ip: str, share_id: int) -> None:
        if self.ip.blocked(f"ip:{ip}") or self.share.blocked(f"share:{share_id}"):
            raise RateLimited("too many submissions from here for now; please try again in an hour")
        self.ip.hit(f"ip:{ip}")
        self.share.hit(f"share:{share_id}")


def submit(*, uow: UnitOfWork, share: Share, data: PublicSubmissionIn) -> PublicSubmission | None:
    """Customer feedback or an upvote → a feedback item in the inbox (source other, tag public-roadmap, reporter =
    their email), linked to the feature for upvotes, with who sent it kept beside it. The honeypot filled → None
    (silently dropped). Upvoting the same item twice with the same email counts once."""
    if data.website:
        return None
    actor = Actor(user_id=None, label=f"public:{share.token[:6]}", via="public")
    feature = None
    if data.kind == "upvote":
        fid = _feature_of_ref(share, data.ref)
        feature = uow.session.get(Feature, fid) if fid is not None else None
        if (feature is None or feature.workspace_id != share.workspace_id or feature.product_id != share.product_id
                or not feature.public or feature.archived):
            why = "this item cannot be upvoted here"
            raise InvalidInput(why, [FieldError(["body", "ref"], why)])
        dup = uow.session.scalar(select(PublicSubmission).where(
            PublicSubmission.share_id == share.id, PublicSubmission.feature_id == feature.id,
            PublicSubmission.kind == "upvote", PublicSubmission.email == str(data.email).lower()))
        if dup is not None:
            return dup
    elif not data.message:
        raise InvalidInput("message: tell us what you need", [FieldError(["body", "message"], "tell us what you need")])
    who = ", ".join(p for p in (data.name, data.company) if p)
    if feature is not None:
        title = (feature.public_title or "").strip() or feature.title
        text = f"Upvote from the public roadmap: “{title}”" + (f"\n\n{data.message}" if data.message else "")
    else:
        text = data.message
    if who:
        text += f"\n\n— {who}"
    fb = feedback_service.create(uow=uow, workspace_id=share.workspace_id, actor=actor, data=FeedbackCreate(
        text=text, source=Source.other, reporter=str(data.email).lower()[:200], tags=[TAG]))
    if feature is not None:
        link_service.create(uow=uow, workspace_id=share.workspace_id, actor=actor,
                            data=LinkCreate(feedback_id=fb.id, feature_id=feature.id))
    sub = PublicSubmission(workspace_id=share.workspace_id, share_id=share.id, feedback_id=fb.id,
                           feature_id=feature.id if feature else None, kind=data.kind, name=data.name,
                           email=str(data.email).lower(), company=data.company)
    uow.session.add(sub)
    uow.session.flush()
    return sub
