"""Stakeholder votes and what they add up to: each group's ranking, the consensus, the widest disagreements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.core import ranking as core
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.records import service as records
from tradeoff.stakeholders.model import Vote
from tradeoff.stakeholders.schemas import VoteIn
from tradeoff.storage.uow import Actor, UnitOfWork


def vote(*, uow: UnitOfWork, workspace_id: int, actor: Actor, user_id: int, feature_id: int, data: VoteIn) -> Vote:
    """Record (or change) one member's vote on a feature."""
    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    row = vote_of(uow=uow, workspace_id=workspace_id, feature_id=feature_id, user_id=user_id)
    before = {"group": row.group, "score": row.score, "reason": row.reason} if row else None
    if row is None:
        row = Vote(workspace_id=workspace_id, feature_id=feature_id, user_id=user_id, voter=actor.label,
                   group=data.group, score=data.score, reason=data.reason)
        uow.session.add(row)
    else:
        row.group, row.score, row.reason, row.voter = data.group, data.score, data.reason, actor.label
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create" if before is None else "update",
                 record_type="stakeholder_vote", record_id=row.id, before=before,
                 after={"feature_id": feature_id, "group": data.group, "score": data.score, "reason": data.reason})
    return row


def vote_of(*, uow: UnitOfWork, workspace_id: int, feature_id: int, user_id: int) -> Vote | None:
    """A member's vote on a feature (one per member and feature), or None."""
    return uow.session.scalar(select(Vote).where(Vote.workspace_id == workspace_id, Vote.feature_id == feature_id,
                                                 Vote.user_id == user_id))


def votes(*, uow: UnitOfWork, workspace_id: int, feature_id: int | None = None) -> list[Vote]:
    stmt = (select(Vote).join(Feature, Feature.id == Vote.feature_id)
            .where(Vote.workspace_id == workspace_id, Feature.archived_at.is_(None)))
    if feature_id is not None:
        stmt = stmt.where(Vote.feature_id == feature_id)
    return list(uow.session.scalars(stmt.order_by(Vote.feature_id, Vote.group, Vote.id)))


def analysis(*, uow: UnitOfWork, workspace_id: int, top: int = 10) -> dict[str, Any]:
    """Each group's ranking, the consensus (normalised Borda, 0–1) and the items the groups disagree on most."""
    rows = votes(uow=uow, workspace_id=workspace_id)
    res = core.stakeholder_analysis([core.StakeholderVote(v.group, str(v.feature_id), v.score, v.reason, v.voter)
                                     for v in rows], top=top)
    ids = {int(i) for v in rows for i in [v.feature_id]}
    titles = {f.id: f.title for f in uow.session.scalars(select(Feature).where(Feature.id.in_(ids)))} if ids else {}

    def item(r: core.RankedItem) -> dict[str, Any]:
        return {"id": int(r.id), "title": titles.get(int(r.id), ""), "rank": r.rank, "value": r.value}

    return {
        "votes": len(rows),
        "groups": {g: {"ranking": [item(r) for r in view.ranking],
                       "reasons": {i: list(rs) for i, rs in view.reasons.items()}} for g, view in res.groups.items()},
        "consensus": [item(r) for r in res.consensus],
        "disagreements": [{"id": int(d.item_id), "title": titles.get(int(d.item_id), ""), "spread": d.spread,
                           "ranks": d.ranks, "ranked_by": d.ranked_by,
                           "reasons": {g: list(rs) for g, rs in d.reasons.items()},
                           "summary": d.summary.replace(f" {d.item_id} ", f" '{titles.get(int(d.item_id), d.item_id)}' ")}
                          for d in res.disagreements],
    }
