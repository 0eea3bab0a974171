from __future__ import annotations

from pydantic import BaseModel

from tradeoff.records.schemas import Input, LongText, Name, RecordOut


class ProductCreate(Input):
    name: Name
    description: LongText = ""


class ProductUpdate(Input):
    name: Name | None = None
    description: LongText | None = None


class ProductOut(RecordOut):
    name: str
    description: str


class ProductRef(BaseModel):
    id: int
    name: str


class ProductFilters(BaseModel):
    model_config = {"extra": "ignore"}
