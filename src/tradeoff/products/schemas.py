from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from tradeoff.records.schemas import Input, LongText, Name, RecordOut
from tradeoff.strategy.model import Stage


def _known_criteria(weights: dict[str, float]) -> dict[str, float]:
    from tradeoff.core.scoring_weighted import STAGE_CRITERIA  # NumPy only when weights are checked

    unknown = sorted(set(weights) - set(STAGE_CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {', '.join(unknown)}; use {', '.join(STAGE_CRITERIA)}")
    return weights


# criterion -> weight (≥ 0); overrides the business stage's default weights
Weights = Annotated[dict[Annotated[str, Field(max_length=60)], Annotated[float, Field(ge=0, le=1000)]],
                    Field(max_length=30), AfterValidator(_known_criteria)]


class ProductCreate(Input):
    name: Name
    description: LongText = ""
    stage: Stage | None = None
    criteria_weights: Weights | None = None


class ProductUpdate(Input):
    name: Name | None = None
    description: LongText | None = None
    stage: Stage | None = None
    criteria_weights: Weights | None = None


class ProductOut(RecordOut):
    name: str
    description: str
    stage: Stage | None = None
    criteria_weights: dict[str, float] | None = None


class ProductRef(BaseModel):
    id: int
    name: str


class ProductFilters(BaseModel):
    model_config = {"extra": "ignore"}
