from __future__ import annotations

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.comments.model import Comment
from tradeoff.comments.schemas import CommentCreate
from tradeoff.features import service as feature_service
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor, UnitOfWork

TARGETS = {"problem": problem_service.SPEC, "feature": feature_service.SPEC}


def add(*, uow: UnitOfWork, workspace_id: int, actor: Actor, kind: str, target_id: int, data: CommentCreate) -> Comment:
    records.get(uow=uow, spec=TARGETS[kind], workspace_id=workspace_id, record_id=target_id)
    comment = Comment(workspace_id=workspace_id, author_id=actor.user_id, author=actor.label, body=data.body,
                      **{f"{kind}_id": target_id})
    uow.session.add(comment)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="comment", record_type=kind,
                 record_id=target_id, after={"comment": data.body})
    return comment


def list_for(*, uow: UnitOfWork, workspace_id: int, kind: str, target_id: int) -> list[Comment]:
    records.get(uow=uow, spec=TARGETS[kind], workspace_id=workspace_id, record_id=target_id)
    col = Comment.problem_id if kind == "problem" else Comment.feature_id
    return list(uow.session.scalars(
        select(Comment).where(Comment.workspace_id == workspace_id, col == target_id).order_by(Comment.id)
    ))
