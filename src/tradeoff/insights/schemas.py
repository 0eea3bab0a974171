from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi.encoders import jsonable_encoder
from pydantic import Field

from tradeoff.core.demand import Demand, NpsResult
from tradeoff.records.schemas import Input
from tradeoff.storage.base import iso_utc

CENT = Decimal("0.01")


def encode(obj: Any) -> Any:
    """JSON-able, with money as a decimal string to the cent and moments in UTC with a Z (as everywhere in the
    API)."""
    return jsonable_encoder(obj, custom_encoder={Decimal: lambda d: str(d.quantize(CENT)), datetime: iso_utc})


def demand_out(d: Demand) -> dict[str, Any]:
    out = dataclasses.asdict(d)
    out["trends"] = [dataclasses.asdict(t) | {"direction": t.direction} for t in d.trends]
    return out


def nps_out(rows: list[NpsResult], csat: dict[str, float]) -> dict[str, Any]:
    return {"nps": [dataclasses.asdict(r) for r in rows], "csat": csat}


class ToldIn(Input):
    """Who was told that a feature shipped: customers by id, and feedback items that have no customer."""

    customer_ids: Annotated[list[int], Field(max_length=1000)] = []
    feedback_ids: Annotated[list[int], Field(max_length=1000)] = []
    told: bool = Field(True, description="false undoes it: they are to be told again")
