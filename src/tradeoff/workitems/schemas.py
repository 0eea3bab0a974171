from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from tradeoff.records.schemas import Output


class WorkItemOut(Output):
    id: int
    key: str
    title: str
    type: str
    status: str
    opened_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    points: float | None
    feature_id: int | None
    team_id: int | None
    cycle_days: float | None


class WorkItemFilters(BaseModel):
    model_config = {"extra": "ignore"}
    done: bool | None = None
    feature_id: int | None = None
    team_id: int | None = None
