"""Benchmark when a plan's value arrives: the planner's answer with and without its sequencing step.

The optimiser chooses which features fit; the total value does not say *when* each is done. After solving,
`plan_roadmap` schedules the chosen features again so that value arrives soonest (same features, same value).
This script measures what that step buys on seeded random roadmaps: the share of the plan's value delivered by
the end of each quarter of the plan, and the value-weighted mean period in which it is delivered.

Run: cd /work/main && PYTHONPATH=src .venv/bin/python bench/bench_sequencing.py [--quick]
Writes docs/benchmarks.d/planning_sequencing.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_planning import random_roadmap  # noqa: E402

from tradeoff.core import planning  # noqa: E402
from tradeoff.core.planning import PlanInput, fit_spans, plan_roadmap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
N, PERIODS, TEAMS, LIMIT = 200, 12, 5, 10.0


def delivery(inp: PlanInput, schedule: Mapping[str, int]) -> dict[str, float]:
    """Share of the plan's value done by the end of each quarter of the plan, and the value-weighted mean period
    (1-based) in which it is done."""
    value = {c.id: c.value for c in inp.candidates}
    total = sum(value[f] for f in schedule)
    out = {f"by_q{q}": sum(value[f] for f, p in schedule.items() if p < q * PERIODS // 4) / total for q in (1, 2, 3)}
    out["mean_period"] = sum(value[f] * (p + 1) for f, p in schedule.items()) / total
    out["total"] = total
    return out


def unsequenced(_inp: Any, _prep: Any, schedule: Mapping[str, int], _limit: float) -> dict[str, int]:
    """The schedule as the optimiser left it: no sequencing step."""
    return dict(schedule)


def main() -> None:
    seeds = (1,) if "--quick" in sys.argv else (1, 2, 3, 4, 5)
    rows, gains = [], []
    load = [os.getloadavg()[0]]
    for seed in seeds:
        # work bigger than a team's period is spread over the periods it needs, as the product does
        inp = fit_spans(random_roadmap(np.random.default_rng(seed), n=N, periods=PERIODS, teams=TEAMS,
                                       time_limit=LIMIT))
        with mock.patch.object(planning, "_sooner", unsequenced):
            before = plan_roadmap(inp)
        after = plan_roadmap(inp)
        load.append(os.getloadavg()[0])
        b, a = delivery(inp, before.schedule), delivery(inp, after.schedule)
        gains.append(b["mean_period"] - a["mean_period"])
        row = (f"| {seed} | {len(after.schedule)} | {b['total']:.1f} / {a['total']:.1f} | "
               + " | ".join(f"{100 * b[k]:.1f}% → **{100 * a[k]:.1f}%**" for k in ("by_q1", "by_q2", "by_q3"))
               + f" | {b['mean_period']:.2f} → **{a['mean_period']:.2f}** | {after.seconds:.1f} |")
        print(row, flush=True)
        rows.append(row)
    lines = [
        "### When the value arrives: sequencing the chosen features",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; date {datetime.date.today().isoformat()}; 1-minute load average "
        f"{min(load):.2f}–{max(load):.2f}.",
        "",
        f"Seeded random roadmaps of {N} features × {PERIODS} periods × {TEAMS} teams (the generator of the planner "
        f"benchmark above, work bigger than a period spread over the periods it needs), time limit {LIMIT:g} s. Each is planned twice: as shipped, and with the sequencing step "
        "replaced by the optimiser's own schedule (`bench/bench_sequencing.py` patches it out). Both choose the "
        "features that maximise value; the columns show how much of the plan's value is done by the end of the "
        "first, second and third quarter of the plan, and the value-weighted mean period of delivery (lower is "
        "sooner).",
        "",
        "| seed | features planned | value without / with | by ¼ of the plan | by ½ | by ¾ | mean period | planner s |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Value arrives on average {np.mean(gains):.2f} periods sooner (range {min(gains):.2f}–{max(gains):.2f}) "
        f"of {PERIODS}. The totals can differ slightly: each run has its own time-limited solve.",
        "",
    ]
    out = ROOT / "docs" / "benchmarks.d" / "planning_sequencing.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
