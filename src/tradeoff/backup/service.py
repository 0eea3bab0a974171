"""Lossless JSON backup and restore of one workspace — every table that belongs to it.

The tables are found from the metadata, so a new domain is backed up without touching this module: every
table with a `workspace_id`, plus association tables whose foreign keys point at such tables. Rows keep their
ids (records refer to each other inside JSON columns too, e.g. a plan's feature ids), so a restore needs those
ids to be free — always true in an empty database. People are matched by email on restore and their ids
remapped. Not exported: API tokens (credentials), idempotency keys (transient) and stored embeddings (derived;
recomputed by triage). Password hashes and webhook signing secrets are exported so logins and receivers keep
working: keep backup files private.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, LargeBinary, Numeric, Table, func, insert, select, text

from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Membership, Role, User, Workspace
from tradeoff.errors import Conflict, FieldError, InvalidInput
from tradeoff.storage.base import UTCDateTime
from tradeoff.storage.models import Base
from tradeoff.storage.uow import UnitOfWork

FORMAT = "tradeoff-backup"
VERSION = 2
NOT_EXPORTED = frozenset({"users", "workspaces", "memberships", "api_tokens", "idempotency_keys", "embeddings",
                          "kind_models", "invitations"})  # an invitation's link is a secret: a restore must not revive it


def _plan() -> list[tuple[Table, str | None]]:
    """Tables to back up in dependency order: (table, None) for workspace tables, or (table, fk column) for an
    association table reached through that foreign key."""
    ws_tables = {t.name for t in Base.metadata.sorted_tables if "workspace_id" in t.c and t.name not in NOT_EXPORTED}
    out: list[tuple[Table, str | None]] = []
    for t in Base.metadata.sorted_tables:
        if t.name in NOT_EXPORTED:
            continue
        if t.name in ws_tables:
            out.append((t, None))
            continue
        fks = [(c.name, next(iter(c.foreign_keys)).column.table.name) for c in t.c if c.foreign_keys]
        if fks and all(parent in ws_tables for _, parent in fks):
            out.append((t, fks[0][0]))
    return out


def _user_columns(t: Table) -> list[str]:
    return [c.name for c in t.c if any(fk.column.table.name == "users" for fk in c.foreign_keys)]


def _dump(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


def _load(column: Any, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(v)
    if isinstance(column.type, Date):
        return date.fromisoformat(v)
    if isinstance(column.type, Numeric) and not isinstance(v, float | int):
        return Decimal(v)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(v)
    return v


def _pk(t: Table) -> list[Any]:
    return list(t.primary_key.columns)


def backup(*, uow: UnitOfWork, slug: str) -> dict[str, Any]:
    ws = accounts.workspace_by_slug(uow=uow, slug=slug)
    s = uow.session
    members = s.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == ws.id).order_by(User.id)
    ).all()
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "workspace": {"slug": ws.slug, "name": ws.name, "created_at": ws.created_at.isoformat()},
        # people are numbered 1..n within the backup; rows refer to them by that number
        "members": [{"id": i, "email": u.email, "name": u.name, "role": m.role, "password_hash": u.password_hash,
                     "is_active": u.is_active} for i, (m, u) in enumerate(members, 1)],
        "tables": {},
    }
    person = {u.id: i for i, (_, u) in enumerate(members, 1)}
    for t, via in _plan():
        if via is None:
            stmt = select(t).where(t.c.workspace_id == ws.id)
        else:
            parent = next(iter(t.c[via].foreign_keys)).column.table
            stmt = select(t).where(t.c[via].in_(select(parent.c.id).where(parent.c.workspace_id == ws.id)))
        rows = s.execute(stmt.order_by(*_pk(t))).mappings().all()
        user_cols = set(_user_columns(t))
        doc["tables"][t.name] = [
            {k: (person.get(v) if k in user_cols and v is not None else _dump(v))
             for k, v in row.items() if k != "workspace_id"}
            for row in rows]
    return doc


def restore(*, uow: UnitOfWork, doc: dict[str, Any], slug: str | None = None) -> Workspace:
    """Restore a backup as a new workspace (its own slug, or `slug`). All or nothing."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput('not a Tradeoff backup file (missing "format": "tradeoff-backup")')
    if doc.get("version") != VERSION:
        raise InvalidInput(f"backup version {doc.get('version')} is not supported (expected {VERSION})")
    s = uow.session
    try:
        target_slug = slug or doc["workspace"]["slug"]
        if s.scalar(select(Workspace.id).where(Workspace.slug == target_slug)) is not None:
            raise Conflict(f"workspace '{target_slug}' already exists; restore with another slug (--as)")
        tables = {t.name: (t, via) for t, via in _plan()}
        unknown = set(doc["tables"]) - set(tables)
        if unknown:
            raise InvalidInput(f"backup has tables this version does not know: {', '.join(sorted(unknown))}; "
                               "upgrade Tradeoff first")
        _check_ids_free(uow, doc, tables)
        ws = Workspace(slug=target_slug, name=doc["workspace"]["name"],
                       created_at=datetime.fromisoformat(doc["workspace"]["created_at"]))
        s.add(ws)
        s.flush()
        _check_roles(doc["members"])
        users: dict[int, int] = {}
        for m in doc["members"]:
            user = s.scalar(select(User).where(User.email == m["email"]))
            if user is None:
                user = User(email=m["email"], name=m["name"], password_hash=m["password_hash"], is_active=m["is_active"])
                s.add(user)
                s.flush()
            s.add(Membership(workspace_id=ws.id, user_id=user.id, role=m["role"]))
            users[m["id"]] = user.id
        s.flush()
        for t, via in _plan():
            rows = doc["tables"].get(t.name, [])
            if not rows:
                continue
            user_cols = _user_columns(t)
            values = []
            for row in rows:
                v = {k: _load(t.c[k], raw) for k, raw in row.items() if k in t.c}
                for col in user_cols:
                    if v.get(col) is not None:
                        v[col] = users.get(v[col])  # a former member who left: keep the record, drop the person
                if via is None:
                    v["workspace_id"] = ws.id
                values.append(v)
            s.execute(insert(t), values)
        s.flush()
        if s.get_bind().dialect.name == "postgresql":
            for t, _ in _plan():
                if "id" in t.c and doc["tables"].get(t.name):
                    s.execute(text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                   f"(SELECT MAX(id) FROM {t.name}))"))
        return ws
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"backup file is damaged or incomplete: {type(exc).__name__}: {exc}") from exc


def _check_roles(members: list[dict[str, Any]]) -> None:
    """Every member has a role Tradeoff knows, and someone owns the workspace (else nobody could manage it)."""
    known = [r.value for r in Role]
    for i, m in enumerate(members):
        if m.get("role") not in known:
            raise InvalidInput(f"backup member {i + 1} ({m.get('email')}) has role {m.get('role')!r}; "
                               f"a role is one of {', '.join(known)}",
                               [FieldError(["members", i, "role"], "unknown role", m.get("role"))])
    if not any(m["role"] == Role.owner.value for m in members):
        raise InvalidInput("backup has no member with the owner role: nobody could manage the restored workspace",
                           [FieldError(["members"], "no owner", len(members))])


def _check_ids_free(uow: UnitOfWork, doc: dict[str, Any], tables: dict[str, tuple[Table, str | None]]) -> None:
    for name, rows in doc["tables"].items():
        t, _ = tables[name]
        if "id" not in t.c or not rows:
            continue
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 500):
            taken = uow.session.scalar(select(func.count()).select_from(t).where(t.c.id.in_(ids[i:i + 500])))
            if taken:
                raise Conflict(
                    f"this database already has {name} with the backup's ids: restore into an empty database "
                    "(set TRADEOFF_DATABASE_URL or TRADEOFF_HOME to a new one); records keep their ids so that "
                    "plans and estimates that refer to each other stay intact")
