"""Next Release Problem evaluation: solve the published NRP instances and compare with the greedy baseline.

Instances: the classic ones of Bagnall et al. (2001) and the realistic ones of Xuan et al. (TSE 2012), in
``nrp/classic`` and ``nrp/realistic`` of the shared data. For a cost ratio R the budget is R × the total cost of
all requirements. A customer's profit counts only when all the requirements they need, and transitively their
prerequisites, are delivered. The solver (``tradeoff.core.planning_nrp``) reports its value, a proven upper
bound and the gap between them; the baseline is "sort customers by profit / cost still needed and fill".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tradeoff.core import planning_nrp as nrp
from tradeoff.errors import FieldError, InvalidInput


def evaluate_plan(path: Path, cost_ratio: float, time_limit: float = 60.0) -> dict[str, Any]:
    """Solve one NRP instance file at ``cost_ratio`` (budget = ratio × total requirement cost) within about
    ``time_limit`` seconds of wall time. Returns a JSON-serialisable dict: file, cost_ratio, budget, value,
    bound, gap (fraction), seconds, greedy_value, selected (1-based requirement ids), customers_satisfied
    (1-based customer indices), method, status."""
    path = Path(path)
    if not 0 < cost_ratio <= 1:
        raise InvalidInput(
            f"cost_ratio must be in (0, 1], got {cost_ratio}", [FieldError(["cost_ratio"], "out of range", cost_ratio)]
        )
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInput(f"cannot read NRP file {path}: {exc}", [FieldError(["path"], str(exc), str(path))]) from exc
    instance = nrp.parse_nrp(text)
    start = time.perf_counter()
    sol = nrp.solve_nrp(instance, cost_ratio=cost_ratio, time_limit=time_limit)
    seconds = time.perf_counter() - start
    return {
        "file": path.name,
        "cost_ratio": cost_ratio,
        "budget": round(sol.budget, 4),
        "value": sol.value,
        "cost": sol.cost,
        "bound": round(sol.bound, 4),
        "gap": round(sol.gap, 6),
        "status": sol.status,
        "seconds": round(seconds, 2),
        "greedy_value": sol.greedy_value,
        "greedy_ratio": round(sol.greedy_value / sol.value, 4) if sol.value else None,
        "selected": list(sol.selected),
        "customers_satisfied": list(sol.satisfied),
        "method": sol.method,
    }


def render_plan(result: dict[str, Any]) -> str:
    """A plain-text table of one result (or of a list of results under the key ``results``)."""
    rows = result.get("results", [result])
    head = f"{'file':<14}{'R':>5}{'budget':>10}{'value':>10}{'bound':>11}{'gap %':>8}{'secs':>8}{'greedy':>9}{'g/opt':>7}  status"
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = r.get("greedy_ratio")
        lines.append(
            f"{r['file']:<14}{r['cost_ratio']:>5.1f}{r['budget']:>10.1f}{r['value']:>10.0f}{r['bound']:>11.1f}"
            f"{100 * r['gap']:>8.2f}{r['seconds']:>8.1f}{r['greedy_value']:>9.0f}"
            f"{(f'{ratio:.3f}' if ratio is not None else '-'):>7}  {r.get('status', '')}"
        )
    if len(rows) == 1:
        r = rows[0]
        lines.append(f"requirements delivered: {len(r['selected'])}; customers served: {len(r['customers_satisfied'])}")
        lines.append(f"method: {r['method']}")
    return "\n".join(lines)
