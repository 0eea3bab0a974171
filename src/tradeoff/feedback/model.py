from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    func,
    literal,
    or_,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from tradeoff.storage.base import (
    Archivable,
    Base,
    JSONType,
    Timestamps,
    UTCDateTime,
    Versioned,
    WorkspaceScoped,
    utcnow,
)
from tradeoff.storage.lists import list_has

if TYPE_CHECKING:
    from tradeoff.customers.model import Customer
    from tradeoff.links.model import Link


class Source(enum.StrEnum):
    sales_call = "sales_call"
    support = "support"
    survey = "survey"
    interview = "interview"
    usage = "usage"
    other = "other"


class Kind(enum.StrEnum):
    bug = "bug"
    feature_request = "feature_request"
    praise = "praise"
    question = "question"
    other = "other"


class Sentiment(enum.StrEnum):
    negative = "negative"
    neutral = "neutral"
    positive = "positive"


class ScoreKind(enum.StrEnum):
    nps = "nps"    # 0-10: promoters 9-10, detractors 0-6
    csat = "csat"  # 1-5


class Feedback(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    """Evidence: what a customer said, verbatim, where it came from and who heard it."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_ws_reported", "workspace_id", "reported_at", "id"),
        # the list's order: dated feedback by day, then feedback of unknown date (each part read on this index)
        Index("ix_feedback_ws_dated", "workspace_id", "date_unknown", "reported_at", "id"),
        Index("ix_feedback_ws_customer", "workspace_id", "customer_id"),
        Index("ix_feedback_ws_triaged", "workspace_id", "triaged_at"),
        Index("ix_feedback_ws_duplicate_of", "workspace_id", "duplicate_of_id"),
        Index("ix_feedback_ws_created", "workspace_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default=Source.other.value)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    reporter: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # when it was said is not known (a CSV without dates): `reported_at` is then only when it was imported, so it
    # sorts and pages like any other, but it never counts as recent (trends, "rising", needs attention)
    date_unknown: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    tags: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    # triage: filled in the background; a PM's correction sets kind_source = "pm" and is never overwritten
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    kind_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind_source: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # the list's "confidence" order: least sure first, a PM's correction (1.0) after every guess, untriaged last
    # (never NULL, so it pages like any other sort column)
    sureness: Mapped[float] = column_property(func.coalesce(kind_confidence, literal(2.0, Float)))
    sentiment: Mapped[str | None] = mapped_column(String(10), nullable=True)
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # merged into another feedback item (no FK: SQLite would rebuild the table, dropping its search triggers)
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # survey responses
    score_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)

    customer: Mapped[Customer | None] = relationship(lazy="raise_on_sql")
    links: Mapped[list[Link]] = relationship(back_populates="feedback", lazy="raise_on_sql", passive_deletes=True)

    def restore(self) -> None:
        """Back in the inbox as an item of its own: no longer a merged duplicate."""
        super().restore()
        self.duplicate_of_id = None


def said_since(moment: datetime) -> ColumnElement[bool]:
    """Feedback said at `moment` or later: its date is known and not before it (an item whose date is unknown was
    only imported then, so it is never recent)."""
    return and_(Feedback.date_unknown.is_(False), Feedback.reported_at >= moment)


def said_before(moment: datetime) -> ColumnElement[bool]:
    """Feedback said before `moment`, by its known date (an item whose date is unknown is neither before nor after)."""
    return and_(Feedback.date_unknown.is_(False), Feedback.reported_at < moment)


def has_tag(tag: str) -> ColumnElement[bool]:
    """Feedback with this tag: the whole tag, letter case aside ("Billing" finds "billing", not "billing-v2")."""
    return list_has(Feedback.tags, tag.strip())


def counts_as_evidence() -> ColumnElement[bool]:
    """Feedback that counts in demand: live items, and duplicates merged into another item (archived out of the
    inbox, but their customer asked too; a merge links them wherever their original is linked)."""
    return or_(Feedback.archived_at.is_(None), Feedback.duplicate_of_id.is_not(None))


class SuggestionDismissal(WorkspaceScoped, Base):
    """A PM said "not the same" to a similarity suggestion; it is not suggested again."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("feedback_id", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False)
    target_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Embedding(WorkspaceScoped, Base):
    """A stored text embedding (float32, L2-normalised) of a feedback, problem or feature, per method, with a hash of
    the text it was made from (``triage.vectors``)."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("record_kind", "record_id", "method"),
                      Index("ix_embeddings_kind_method", "workspace_id", "record_kind", "method", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(60), nullable=False)
    dim: Mapped[int] = mapped_column(Integer, nullable=False)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    text_hash: Mapped[str] = mapped_column(String(16), nullable=False, server_default="")
