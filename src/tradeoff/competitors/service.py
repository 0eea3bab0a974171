"""Competitors, their capabilities against our features, and the evidence that mentions them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tradeoff.audit import service as audit
from tradeoff.competitors.model import Capability, Competitor
from tradeoff.competitors.schemas import CapabilityIn, CompetitorCreate, CompetitorUpdate
from tradeoff.errors import Conflict, FieldError, NotFound
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.feedback.model import Feedback
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="competitor",
    plural="competitors",
    model=Competitor,
    sorts={"name": Competitor.name, "created_at": Competitor.created_at, "id": Competitor.id},
    default_sort="name",
    searchable=False,
    snapshot_fields=("name", "website", "notes"),
)
MENTIONS_SHOWN = 5


def _unique_name(uow: UnitOfWork, workspace_id: int, name: str, exclude: int | None = None) -> None:
    stmt = select(Competitor.id).where(Competitor.workspace_id == workspace_id, Competitor.name == name)
    if exclude is not None:
        stmt = stmt.where(Competitor.id != exclude)
    if uow.session.scalar(stmt) is not None:
        raise Conflict(f"a competitor named '{name}' already exists", [FieldError(["body", "name"], "already exists", name)])


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: CompetitorCreate) -> Competitor:
    _unique_name(uow, workspace_id, data.name)
    try:
        return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=data.model_dump())  # type: ignore[no-any-return]
    except IntegrityError as exc:
        raise Conflict(f"a competitor named '{data.name}' already exists") from exc


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: CompetitorUpdate,
           if_match: int | None) -> Competitor:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if values.get("name"):
        _unique_name(uow, workspace_id, values["name"], exclude=record_id)
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values,  # type: ignore[no-any-return]
                          if_match=if_match)


def set_capability(*, uow: UnitOfWork, workspace_id: int, actor: Actor, competitor_id: int, feature_id: int,
                   data: CapabilityIn) -> Capability:
    records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=competitor_id)
    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    row = uow.session.scalar(select(Capability).where(Capability.competitor_id == competitor_id,
                                                      Capability.feature_id == feature_id))
    before = {"status": row.status, "note": row.note} if row else None
    if row is None:
        row = Capability(workspace_id=workspace_id, competitor_id=competitor_id, feature_id=feature_id,
                         status=data.status.value, note=data.note)
        uow.session.add(row)
    else:
        row.status, row.note = data.status.value, data.note
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="competitor",
                 record_id=competitor_id, before=before and {"feature_id": feature_id, **before},
                 after={"feature_id": feature_id, "status": data.status.value, "note": data.note})
    return row


def remove_capability(*, uow: UnitOfWork, workspace_id: int, actor: Actor, competitor_id: int, feature_id: int) -> None:
    records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=competitor_id)
    row = uow.session.scalar(select(Capability).where(Capability.workspace_id == workspace_id,
                                                      Capability.competitor_id == competitor_id,
                                                      Capability.feature_id == feature_id))
    if row is None:
        raise NotFound(f"competitor {competitor_id} has no capability recorded for feature {feature_id}")
    uow.session.delete(row)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="competitor",
                 record_id=competitor_id, before={"feature_id": feature_id, "status": row.status}, after=None)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def mentions(*, uow: UnitOfWork, workspace_id: int, name: str, limit: int = MENTIONS_SHOWN) -> tuple[int, list[Feedback]]:
    """Evidence whose text names the competitor (case-insensitive): how many, and the newest few."""
    cond = (Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None),
            func.lower(Feedback.text).like(f"%{_escape_like(name.lower())}%", escape="\\"))
    count = int(uow.session.scalar(select(func.count()).select_from(Feedback).where(*cond)) or 0)
    recent = list(uow.session.scalars(select(Feedback).where(*cond).limit(limit)  # undated last: not the newest
                                      .order_by(Feedback.date_unknown, Feedback.reported_at.desc(), Feedback.id.desc())))
    return count, recent


def matrix(*, uow: UnitOfWork, workspace_id: int, product_id: int | None = None) -> dict[str, Any]:
    """Competitors × our features: have / planned / gap per cell (None = not assessed), and each competitor's
    mentions in evidence. Features shown: those assessed against any competitor, or all of a product's."""
    competitors = list(uow.session.scalars(select(Competitor).where(
        Competitor.workspace_id == workspace_id, Competitor.archived_at.is_(None)).order_by(Competitor.name)))
    caps = list(uow.session.scalars(select(Capability).where(Capability.workspace_id == workspace_id)))
    stmt = select(Feature).where(Feature.workspace_id == workspace_id, Feature.archived_at.is_(None))
    if product_id is not None:
        stmt = stmt.where(Feature.product_id == product_id)
    else:
        stmt = stmt.where(Feature.id.in_({c.feature_id for c in caps} or {-1}))
    features = list(uow.session.scalars(stmt.order_by(Feature.title)))
    cells = {(c.competitor_id, c.feature_id): c for c in caps}
    out_competitors = []
    for comp in competitors:
        n, recent = mentions(uow=uow, workspace_id=workspace_id, name=comp.name)
        counts = {"have": 0, "planned": 0, "gap": 0}
        for f in features:
            cell = cells.get((comp.id, f.id))
            if cell:
                counts[cell.status] += 1
        out_competitors.append({"id": comp.id, "name": comp.name, "website": comp.website, "counts": counts,
                                "mentions": n, "recent_mentions": [{"feedback_id": fb.id, "text": fb.text[:300]}
                                                                   for fb in recent]})
    rows = [{"feature_id": f.id, "title": f.title, "status": f.status,
             "cells": {str(comp.id): ({"status": cells[(comp.id, f.id)].status, "note": cells[(comp.id, f.id)].note}
                                      if (comp.id, f.id) in cells else None) for comp in competitors}}
            for f in features]
    return {"competitors": out_competitors, "features": rows, "product_id": product_id}
