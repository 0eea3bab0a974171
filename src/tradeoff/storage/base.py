"""Declarative base with a constraint naming convention, and shared column mixins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """A moment as RFC 3339 in UTC with a Z ("2026-12-06T18:29:46.853596Z"), as the API's models write every time:
    the one way the API, its CSV and the CLI's --json spell a moment."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class WorkspaceScoped:
    @declared_attr
    def workspace_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True, nullable=False)


class Versioned:
    """Optimistic concurrency: `version` bumps on every update and is the record's ETag."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805
        return {"version_id_col": cls.version}


class Archivable:
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        if self.archived_at is None:
            self.archived_at = utcnow()

    def restore(self) -> None:
        self.archived_at = None


def store_derived(session: Session, obj: Base, **values: Any) -> None:
    """Write what Tradeoff computed about a record (a forecast's chance, its date) without counting it as an edit:
    its version (the ETag) and `updated_at` stay as they were, so a form a person opened before a re-forecast is
    not refused as changed by someone else. `values` are column attributes; the loaded object shows them at once."""
    table = obj.__table__
    keep = {"updated_at": table.c.updated_at} if "updated_at" in table.c else {}
    session.execute(table.update().where(table.c.id == obj.id).values(**values, **keep))  # type: ignore[attr-defined]
    for name, value in values.items():
        set_committed_value(obj, name, value)
