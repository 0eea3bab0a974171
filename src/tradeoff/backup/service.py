"""Lossless JSON backup and restore of one workspace.

Ids in a backup are renumbered 1..n per table (in id order) and every reference uses those numbers, so a
backup does not depend on the database it came from: restoring into an empty database and backing up
again gives the same document. API tokens are never exported (they are credentials); password hashes of
members are, so people can still log in after a restore — keep backup files private.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Numeric, insert, select

from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Membership, User, Workspace
from tradeoff.audit.model import AuditEvent
from tradeoff.comments.model import Comment
from tradeoff.customers.model import Customer
from tradeoff.errors import Conflict, InvalidInput
from tradeoff.features.model import Feature, feature_problems
from tradeoff.feedback.model import Feedback
from tradeoff.links.model import Link
from tradeoff.problems.model import Problem
from tradeoff.products.model import Product
from tradeoff.storage.base import UTCDateTime
from tradeoff.storage.uow import UnitOfWork

FORMAT = "tradeoff-backup"
VERSION = 1

# table name -> (model, {column: referenced table}) in dependency order
TABLES: list[tuple[str, Any, dict[str, str]]] = [
    ("products", Product, {}),
    ("customers", Customer, {}),
    ("feedback", Feedback, {"customer_id": "customers"}),
    ("problems", Problem, {"product_id": "products"}),
    ("features", Feature, {"product_id": "products"}),
    ("links", Link, {"feedback_id": "feedback", "problem_id": "problems", "feature_id": "features"}),
    ("comments", Comment, {"problem_id": "problems", "feature_id": "features", "author_id": "users"}),
    ("audit_events", AuditEvent, {"actor_id": "users"}),
]
RECORD_TYPE_TABLE = {"product": "products", "customer": "customers", "feedback": "feedback", "problem": "problems",
                     "feature": "features"}


def _dump_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _load_value(column: Any, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(v)
    if isinstance(column.type, Date):
        return date.fromisoformat(v)
    if isinstance(column.type, Numeric):
        return Decimal(v)
    return v


def backup(*, uow: UnitOfWork, slug: str) -> dict[str, Any]:
    ws = accounts.workspace_by_slug(uow=uow, slug=slug)
    s = uow.session
    numbering: dict[str, dict[int, int]] = {}
    members = s.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == ws.id).order_by(User.id)
    ).all()
    numbering["users"] = {u.id: i for i, (_, u) in enumerate(members, 1)}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "workspace": {"slug": ws.slug, "name": ws.name, "created_at": ws.created_at.isoformat()},
        "members": [
            {"id": numbering["users"][u.id], "email": u.email, "name": u.name, "role": m.role,
             "password_hash": u.password_hash, "is_active": u.is_active}
            for m, u in members
        ],
    }
    for table, model, refs in TABLES:
        rows = list(s.scalars(select(model).where(model.workspace_id == ws.id).order_by(model.id)))
        numbering[table] = {r.id: i for i, r in enumerate(rows, 1)}
        out = []
        for r in rows:
            item: dict[str, Any] = {}
            for col in model.__table__.columns:
                if col.key == "workspace_id":
                    continue
                v = getattr(r, col.key)
                if col.key == "id":
                    v = numbering[table][v]
                elif col.key in refs and v is not None:
                    v = numbering[refs[col.key]].get(v)
                elif table == "audit_events" and col.key == "record_id" and v is not None:
                    target = RECORD_TYPE_TABLE.get(r.record_type)
                    v = numbering.get(target, {}).get(v) if target else None
                item[col.key] = _dump_value(v)
            out.append(item)
        doc[table] = out
    fp = s.execute(
        select(feature_problems.c.feature_id, feature_problems.c.problem_id)
        .join(Feature, Feature.id == feature_problems.c.feature_id)
        .where(Feature.workspace_id == ws.id)
    ).all()
    doc["feature_problems"] = sorted(
        [numbering["features"][f], numbering["problems"][p]] for f, p in fp
    )
    return doc


def restore(*, uow: UnitOfWork, doc: dict[str, Any], slug: str | None = None) -> Workspace:
    """Restore a backup as a new workspace (its own slug, or `slug`). All or nothing."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput("not a Tradeoff backup file (missing \"format\": \"tradeoff-backup\")")
    if doc.get("version") != VERSION:
        raise InvalidInput(f"backup version {doc.get('version')} is not supported (expected {VERSION})")
    s = uow.session
    try:
        target_slug = slug or doc["workspace"]["slug"]
        if s.scalar(select(Workspace.id).where(Workspace.slug == target_slug)) is not None:
            raise Conflict(f"workspace '{target_slug}' already exists; restore with another slug")
        ws = Workspace(slug=target_slug, name=doc["workspace"]["name"],
                       created_at=datetime.fromisoformat(doc["workspace"]["created_at"]))
        s.add(ws)
        s.flush()
        mapping: dict[str, dict[int, int]] = {"users": {}}
        for m in doc["members"]:
            user = s.scalar(select(User).where(User.email == m["email"]))
            if user is None:
                user = User(email=m["email"], name=m["name"], password_hash=m["password_hash"], is_active=m["is_active"])
                s.add(user)
                s.flush()
            s.add(Membership(workspace_id=ws.id, user_id=user.id, role=m["role"]))
            mapping["users"][m["id"]] = user.id
        for table, model, refs in TABLES:
            mapping[table] = {}
            cols = {c.key: c for c in model.__table__.columns}
            for item in doc.get(table, []):
                values: dict[str, Any] = {"workspace_id": ws.id}
                for key, raw in item.items():
                    if key == "id" or key not in cols:
                        continue
                    v = _load_value(cols[key], raw)
                    if key in refs and v is not None:
                        v = mapping[refs[key]][v]
                    elif table == "audit_events" and key == "record_id" and v is not None:
                        t = RECORD_TYPE_TABLE.get(item.get("record_type", ""))
                        v = mapping.get(t, {}).get(v) if t else None
                    values[key] = v
                # Core insert: keep version, timestamps and archived state exactly as backed up
                new_id = s.execute(insert(model.__table__).values(**values).returning(model.__table__.c.id)).scalar_one()
                mapping[table][item["id"]] = new_id
        for f, p in doc.get("feature_problems", []):
            s.execute(insert(feature_problems).values(feature_id=mapping["features"][f], problem_id=mapping["problems"][p]))
        s.flush()
        return ws
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"backup file is damaged or incomplete: {type(exc).__name__}: {exc}") from exc
