"""The events other domains raise, in one place: each is a one-line call from the domain's service."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from tradeoff.accounts.model import Workspace
from tradeoff.notifications.model import EventType
from tradeoff.notifications.service import member_ids_by_handle, publish, user_ids_by_email
from tradeoff.storage.uow import Actor, UnitOfWork

if TYPE_CHECKING:
    from tradeoff.comments.model import Comment
    from tradeoff.features.model import Feature
    from tradeoff.links.model import Link


def _slug(uow: UnitOfWork, workspace_id: int) -> str:
    return uow.session.scalar(select(Workspace.slug).where(Workspace.id == workspace_id)) or ""


def feature_status_changed(*, uow: UnitOfWork, feature: Feature, before: str, actor: Actor) -> None:
    """`feature.status_changed`, to every member subscribed to it."""
    publish(
        uow, feature.workspace_id, EventType.feature_status_changed,
        {"feature_id": feature.id, "title": feature.title, "from": before, "to": feature.status,
         "owner": feature.owner, "product_id": feature.product_id, "changed_by": actor.label},
        subject=f"feature:{feature.id}",
        summary=f"{feature.title}: {before.replace('_', ' ')} → {feature.status.replace('_', ' ')}",
        link=f"/w/{_slug(uow, feature.workspace_id)}/features/{feature.id}", by=actor.user_id,
    )


def feedback_linked(*, uow: UnitOfWork, link: Link, actor: Actor) -> None:
    """`feedback.added_to_owned_feature`, to the feature's owner only (when they are a subscribed member)."""
    if link.feature_id is None:
        return
    from tradeoff.features.model import Feature
    from tradeoff.feedback.model import Feedback

    feature = uow.session.get(Feature, link.feature_id)
    feedback = uow.session.get(Feedback, link.feedback_id)
    if feature is None or feedback is None or not feature.owner:
        return
    owners = user_ids_by_email(uow, feature.workspace_id, [feature.owner])
    excerpt = " ".join((link.quote or feedback.text).split())[:280]
    publish(
        uow, feature.workspace_id, EventType.feedback_added_to_owned_feature,
        {"feature_id": feature.id, "feature_title": feature.title, "feedback_id": feedback.id, "link_id": link.id,
         "excerpt": excerpt, "source": feedback.source, "customer_id": feedback.customer_id, "linked_by": actor.label},
        subject=f"feature:{feature.id}",
        summary=f"New evidence on {feature.title}: “{excerpt[:120]}”",
        link=f"/w/{_slug(uow, feature.workspace_id)}/features/{feature.id}",
        only_users=owners, by=actor.user_id,
    )


MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._%+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")


def mentioned(text: str) -> set[str]:
    """The @handles in a text: `@maya.okafor` or `@maya.okafor@ledgerly.example` (a trailing dot ends a sentence)."""
    return {m.group(1).rstrip(".").lower() for m in MENTION.finditer(text or "")}


def comment_mentions(*, uow: UnitOfWork, comment: Comment, target_title: str, actor: Actor,
                     before: str = "") -> None:
    """`comment.mentioned`, in-app to each member the comment names with @ (not to its author, and on an edit only
    to people it did not name before), and to webhooks that want it."""
    handles = mentioned(comment.body) - mentioned(before)
    people = [uid for uid in member_ids_by_handle(uow, comment.workspace_id, handles) if uid != actor.user_id]
    if not people:
        return
    kind, target_id = comment.target
    excerpt = " ".join(comment.body.split())[:280]
    publish(
        uow, comment.workspace_id, EventType.comment_mentioned,
        {"comment_id": comment.id, f"{kind}_id": target_id, "title": target_title, "excerpt": excerpt,
         "by": actor.label, "mentioned_user_ids": people},
        subject=f"{kind}:{target_id}",
        summary=f"{actor.label} mentioned you on {target_title}: “{excerpt[:120]}”",
        link=f"/w/{_slug(uow, comment.workspace_id)}/{kind}s/{target_id}#comment-{comment.id}",
        addressed_to=people,
    )
