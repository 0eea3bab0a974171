from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.comments.model import Comment
from tradeoff.comments.schemas import CommentCreate
from tradeoff.errors import NotFound, PermissionDenied
from tradeoff.features import service as feature_service
from tradeoff.notifications import hooks
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor, UnitOfWork

TARGETS = {"problem": problem_service.SPEC, "feature": feature_service.SPEC}


def _title(target: Any) -> str:
    return str(getattr(target, "title", None) or getattr(target, "statement", ""))


def add(*, uow: UnitOfWork, workspace_id: int, actor: Actor, kind: str, target_id: int, data: CommentCreate) -> Comment:
    target = records.get(uow=uow, spec=TARGETS[kind], workspace_id=workspace_id, record_id=target_id)
    comment = Comment(workspace_id=workspace_id, author_id=actor.user_id, author=actor.label, body=data.body,
                      **{f"{kind}_id": target_id})
    uow.session.add(comment)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="comment", record_type=kind,
                 record_id=target_id, after={"comment": data.body})
    hooks.comment_mentions(uow=uow, comment=comment, target_title=_title(target), actor=actor)
    return comment


def list_for(*, uow: UnitOfWork, workspace_id: int, kind: str, target_id: int) -> list[Comment]:
    records.get(uow=uow, spec=TARGETS[kind], workspace_id=workspace_id, record_id=target_id)
    col = Comment.problem_id if kind == "problem" else Comment.feature_id
    return list(uow.session.scalars(
        select(Comment).where(Comment.workspace_id == workspace_id, col == target_id).order_by(Comment.id)
    ))


def get(*, uow: UnitOfWork, workspace_id: int, comment_id: int) -> Comment:
    c = uow.session.scalar(select(Comment).where(Comment.workspace_id == workspace_id, Comment.id == comment_id))
    if c is None:
        raise NotFound(f"comment {comment_id} not found in this workspace")
    return c


def _may_change(c: Comment, actor: Actor, can_edit_records: bool) -> None:
    """Authors change their own comments; owners and PMs may change any (e.g. to remove something private)."""
    if not (can_edit_records or (actor.user_id is not None and actor.user_id == c.author_id)):
        raise PermissionDenied("only the comment's author, a PM or an owner can change it")


def edit(*, uow: UnitOfWork, workspace_id: int, actor: Actor, comment_id: int, data: CommentCreate,
         can_edit_records: bool, if_match: int | None = None) -> Comment:
    """Only its author rewrites a comment: words shown under someone's name are theirs. (Owners and PMs may
    delete one, e.g. to remove something private: `delete`.)"""
    c = get(uow=uow, workspace_id=workspace_id, comment_id=comment_id)
    if actor.user_id is None or actor.user_id != c.author_id:
        raise PermissionDenied("only the comment's author can change its words; a PM or an owner can delete it")
    records.check_version("comment", c, if_match)
    before = c.body
    c.body = data.body
    uow.session.flush()
    kind, target_id = c.target
    target = records.get(uow=uow, spec=TARGETS[kind], workspace_id=workspace_id, record_id=target_id)
    hooks.comment_mentions(uow=uow, comment=c, target_title=_title(target), actor=actor, before=before)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="comment",
                 record_id=c.id, before={"body": before}, after={"body": c.body})
    return c


def delete(*, uow: UnitOfWork, workspace_id: int, actor: Actor, comment_id: int, can_edit_records: bool,
           if_match: int | None = None) -> None:
    c = get(uow=uow, workspace_id=workspace_id, comment_id=comment_id)
    _may_change(c, actor, can_edit_records)
    records.check_version("comment", c, if_match)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="delete", record_type="comment",
                 record_id=c.id, before={"body": c.body})
    uow.session.delete(c)
    uow.session.flush()
