"""Money sizing inputs: what a problem costs the customers who have it, and a feature's business case.

Ranges are stored as JSON {low, likely, high} (money ones add a three-letter `currency`); the numbers shown
to people are always computed from them by `tradeoff.core.sizing`, never stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class ProblemSize(Versioned, Timestamps, WorkspaceScoped, Base):
    """How many customers have a problem, what it costs each of them per year, and what share we could capture.

    The number of customers is a range, or a segment rule (`customers_segment`: a customer segment or "all"),
    counted over the workspace's customers when the problem is sized. The cost per customer is given
    directly, or as a share of a revenue figure per customer.
    """

    __tablename__ = "problem_sizes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), nullable=False,
                                            unique=True)
    customers: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    customers_segment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    cost_per_customer: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    revenue_share: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    revenue_per_customer: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    capture: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class BusinessCase(Versioned, Timestamps, WorkspaceScoped, Base):
    """What a feature costs (effort × loaded cost per person-week, plus run cost per year), the problem it is
    valued against, and the customers' cheapest credible alternative."""

    __tablename__ = "business_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False,
                                            unique=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    effort_person_weeks: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    cost_per_person_week: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    run_cost_per_year: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    alternative_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    alternative_cost: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    alternative_one_off: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    horizon_years: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    discount_rate: Mapped[float] = mapped_column(Float, nullable=False, default=0.10)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
