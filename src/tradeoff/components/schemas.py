from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from tradeoff.components.model import ComponentKind
from tradeoff.records.schemas import Input, LongText, Name, RecordOut

Debt = Annotated[int, Field(ge=0, le=5, description="Tech-debt level: 0 none … 5 severe")]


class ComponentCreate(Input):
    name: Name
    kind: ComponentKind = ComponentKind.service
    debt_level: Debt = 0
    owner_team_id: int | None = None
    description: LongText = ""


class ComponentUpdate(Input):
    name: Name | None = None
    kind: ComponentKind | None = None
    debt_level: Debt | None = None
    owner_team_id: int | None = None
    description: LongText | None = None


class ComponentOut(RecordOut):
    name: str
    kind: ComponentKind
    debt_level: int
    owner_team_id: int | None
    description: str


class ComponentFilters(BaseModel):
    model_config = {"extra": "ignore"}
    kind: ComponentKind | None = None
    owner_team_id: int | None = None
    min_debt: Annotated[int, Field(ge=0, le=5)] | None = None
