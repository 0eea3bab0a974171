"""One action on many feedback items at once (link them, set their kind or keep triage's guesses, archive or restore
them, merge them as duplicates into one), all or nothing: every item is checked before any is changed, and each change is audited as if made one by one."""

from __future__ import annotations

from itertools import islice
from typing import Any

from sqlalchemy import select

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.exports import service as exports
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback, Kind
from tradeoff.feedback.schemas import FeedbackUpdate
from tradeoff.links import service as link_service
from tradeoff.links.model import Link
from tradeoff.links.schemas import LinkCreate
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.triage.schemas import MAX_BULK, BulkIn

NEEDS = {"link": "evidence", "kind": "edit", "confirm": "edit", "archive": "edit", "restore": "edit",
         "merge": "edit"}  # the permission each asks


def apply(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: BulkIn) -> dict[str, Any]:
    """Apply `data.action` to every item of `data.ids`, or to every item `data.match` matches. Unknown ids (or a
    target not in this workspace) refuse the whole request, naming them, as does a match of more than `MAX_BULK`
    items; items that already are as asked (linked there, of that kind, archived) are listed as skipped, not
    changed again. Returns how many were asked for, what was done and what was skipped, and why."""
    ids = list(dict.fromkeys(data.ids)) if data.ids is not None else _matched(uow, workspace_id, data)
    items = {f.id: f for f in records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id,
                                                ids=ids, field_name="ids")}
    done: list[int] = []
    skipped: list[dict[str, Any]] = []
    if data.action == "link":
        linked = _already_linked(uow, ids, data)
        for fid in ids:
            if fid in linked:
                skipped.append({"id": fid, "reason": "already linked there"})
                continue
            link_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=LinkCreate(
                feedback_id=fid, feature_id=data.feature_id, problem_id=data.problem_id))
            done.append(fid)
    elif data.action == "kind":
        kind = data.kind.value if data.kind else None
        for fid in ids:
            fb = items[fid]
            if fb.kind == kind and fb.kind_source == "pm":  # "pm": a person's correction, as this one would be
                skipped.append({"id": fid, "reason": f"already corrected to {kind}"})
                continue
            feedback_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=fid,
                                    data=FeedbackUpdate(kind=data.kind), if_match=None)
            done.append(fid)
    elif data.action == "confirm":  # each keeps its own guess, now a person's kind: learned from like a correction
        for fid in ids:
            fb = items[fid]
            reason = ("not triaged yet" if fb.kind is None else f"already checked as {fb.kind}"
                      if fb.kind_source == "pm" else "")
            if reason:
                skipped.append({"id": fid, "reason": reason})
                continue
            feedback_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=fid,
                                    data=FeedbackUpdate(kind=Kind(fb.kind)), if_match=None)
            done.append(fid)
    elif data.action == "merge":
        into = _survivor(uow, workspace_id, data)
        for fid in (i for i in ids if i != into.id):  # the item that stays may be among them: neither done nor skipped
            reason = ("already merged into it" if items[fid].duplicate_of_id == into.id
                      else "archived: restore it to merge it" if items[fid].archived else "")
            if reason:
                skipped.append({"id": fid, "reason": reason})
                continue
            triage.merge(uow=uow, workspace_id=workspace_id, actor=actor, feedback_id=fid, into_id=into.id)
            done.append(fid)
    else:
        archive = data.action == "archive"
        for fid in ids:
            if items[fid].archived == archive:
                skipped.append({"id": fid, "reason": "already archived" if archive else "not archived"})
                continue
            records.set_archived(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, actor=actor,
                                 record_id=fid, archived=archive)
            done.append(fid)
    return {"action": data.action, "matched": len(ids), "done": done, "skipped": skipped}


def earliest(*, uow: UnitOfWork, workspace_id: int, ids: list[int]) -> int:
    """Of these feedback items, the one reported first (the original report, which a merge keeps); unknown ids are
    refused, naming them."""
    items = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, ids=ids,
                             field_name="ids")
    return min(items, key=lambda f: (f.reported_at, f.id)).id  # type: ignore[no-any-return]


def _survivor(uow: UnitOfWork, workspace_id: int, data: BulkIn) -> Feedback:
    assert data.into_id is not None  # BulkIn asks it of a merge
    keep: Feedback = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id,
                                      ids=[data.into_id], field_name="into_id")[0]
    if keep.archived:
        msg = f"feedback {keep.id} is archived: the item that stays must be live"
        raise InvalidInput(f"into_id: {msg}", [FieldError(["body", "into_id"], msg, keep.id)])
    return keep


def _matched(uow: UnitOfWork, workspace_id: int, data: BulkIn) -> list[int]:
    match = data.match
    assert match is not None  # BulkIn holds ids or match
    filters = match.model_dump(exclude={"q", "archived"}, exclude_none=True)
    ids = matching_ids(uow=uow, workspace_id=workspace_id, q=match.q, filters=filters, sort=None,
                       archived=match.archived)
    if ids is None:
        msg = f"more than {MAX_BULK:,} feedback items match; narrow the search or filters (one action takes at most " \
              f"{MAX_BULK:,})"
        raise InvalidInput(f"match: {msg}", [FieldError(["body", "match"], msg)])
    return ids


def matching_ids(*, uow: UnitOfWork, workspace_id: int, q: str | None, filters: dict[str, Any], sort: str | None,
                 archived: bool) -> list[int] | None:
    """The ids of every feedback item a list's search and filters match, on all its pages, to act on them at once;
    None when more than `MAX_BULK` match (one action takes no more)."""
    found = exports.matching(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, q=q, filters=filters,
                             sort=sort, archived=archived)
    ids = [f.id for f in islice(found, MAX_BULK + 1)]
    return ids if len(ids) <= MAX_BULK else None


def _already_linked(uow: UnitOfWork, ids: list[int], data: BulkIn) -> set[int]:
    target = Link.feature_id == data.feature_id if data.feature_id is not None else Link.problem_id == data.problem_id
    return set(uow.session.scalars(select(Link.feedback_id).where(Link.feedback_id.in_(ids), target)))

