from __future__ import annotations

import dataclasses
from typing import Any

from tradeoff.core.demand import Demand, NpsResult


def demand_out(d: Demand) -> dict[str, Any]:
    out = dataclasses.asdict(d)
    out["trends"] = [dataclasses.asdict(t) | {"direction": t.direction} for t in d.trends]
    return out


def nps_out(rows: list[NpsResult], csat: dict[str, float]) -> dict[str, Any]:
    return {"nps": [dataclasses.asdict(r) for r in rows], "csat": csat}
