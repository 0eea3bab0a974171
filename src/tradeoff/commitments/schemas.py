from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from tradeoff.records.schemas import Input, LongText, RecordOut, ShortText


class CommitmentCreate(Input):
    feature_id: int
    customer_id: int
    due: date
    promised_by: ShortText = ""
    note: LongText = ""


class CommitmentUpdate(Input):
    due: date | None = None
    promised_by: ShortText | None = None
    note: LongText | None = None


class CommitmentOut(RecordOut):
    feature_id: int
    customer_id: int
    due: date
    promised_by: str
    note: str
    probability: float | None
    forecast_reason: str
    forecast_at: datetime | None
    kept_by: date | None = None  # the first day the last forecast gives the workspace threshold's chance


class CommitmentFilters(BaseModel):
    model_config = {"extra": "ignore"}
    feature_id: int | None = None
    customer_id: int | None = None


class SettingsIn(Input):
    risk_threshold: Annotated[float, Field(gt=0, lt=1, description="Commitments below this chance are at risk")]


class RecomputeIn(Input):
    trials: Annotated[int, Field(ge=100, le=50_000)] = 2000
