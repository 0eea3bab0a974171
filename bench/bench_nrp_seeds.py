"""How the proof of the hardest NRP case (classic nrp2 at R = 0.3) depends on HiGHS's random seed and options.

Writes docs/benchmarks.d/planning_nrp2.md. Runs two solves at a time (one per core, each in a fresh process,
one HiGHS thread each unless the row says otherwise), 60 s limit each; then `tradeoff eval plan` as shipped (a race
of seeds 0 and 1, one process each) a few times in a row.

    PYTHONPATH=src .venv/bin/python bench/bench_nrp_seeds.py
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import platform
from pathlib import Path

from assemble import write_section  # bench/ is on the path when a script here runs

from tradeoff.core.planning_nrp import parse_nrp, solve_nrp
from tradeoff.evals.plan import evaluate_plan

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = ROOT / ".." / "shared" / "data" / "nrp" / "classic" / "nrp2.txt"
RATIO = 0.3
LIMIT = 60.0
RACES = 3
VARIANTS: list[tuple[str, dict[str, object]]] = [
    *((f"seed {s}", {"random_seed": s}) for s in range(7)),
    ("seed 0, heuristic effort 0.02", {"mip_heuristic_effort": 0.02}),
    ("seed 0, heuristic effort 0.15", {"mip_heuristic_effort": 0.15}),
    ("seed 0, symmetry detection off", {"mip_detect_symmetry": False}),
    ("seed 0, LP age limit 20", {"mip_lp_age_limit": 20}),
    ("seed 0, HiGHS's default thread count", {"threads": 0}),
]


def solve(variant: tuple[str, dict[str, object]]) -> tuple[str, str, float, float, float, float]:
    name, options = variant
    inst = parse_nrp(INSTANCE.read_text(encoding="utf-8", errors="replace"))
    r = solve_nrp(inst, cost_ratio=RATIO, time_limit=LIMIT, options=options)
    return name, r.status, r.value, r.bound, 100 * r.gap, r.seconds


def main() -> None:
    if not INSTANCE.exists():
        raise SystemExit(f"{INSTANCE} not found: this benchmark needs ../shared/data beside the repository")
    load = os.getloadavg()[0]
    with multiprocessing.get_context("spawn").Pool(2, maxtasksperchild=1) as pool:
        rows = pool.map(solve, VARIANTS, chunksize=1)
    lines = [
        "### nrp2 at R = 0.3: HiGHS's seed and options (`bench/bench_nrp_seeds.py`)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; date {datetime.date.today().isoformat()}; "
        f"1-minute load average {load:.2f} at the start. Two solves at a time, one per core, each in a fresh "
        f"process; {LIMIT:.0f} s limit; one HiGHS thread unless the row says otherwise. Target: gap ≤ 1% at 60 s.",
        "",
        "| variant | status | value | bound | gap % | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, status, value, bound, gap, seconds in rows:
        lines.append(f"| {name} | {status} | {value:.0f} | {bound:.0f} | {gap:.2f} | {seconds:.1f} |")
        print(lines[-1], flush=True)
    proved = [r for r in rows if r[1] == "optimal"]
    lines += [
        "",
        f"Proved optimal within the limit in {len(proved)} of {len(rows)} runs; the others stopped with the optimum "
        "found but the bound still above the 1% target. The seed moves the proof time more than any option.",
        "",
        f"`tradeoff eval plan` as shipped races seeds 0 and 1, one process each (and stops at the first proof); "
        f"{RACES} runs in a row, 1-minute load average {os.getloadavg()[0]:.2f} before the first:",
        "",
        "| run | status | value | bound | gap % | seconds | method's last words |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in range(RACES):
        r = evaluate_plan(INSTANCE, RATIO, LIMIT)
        lines.append(f"| {k + 1} | {r['status']} | {r['value']:.0f} | {r['bound']:.0f} | {100 * r['gap']:.2f} | "
                     f"{r['seconds']:.1f} | {r['method'].rsplit('; ', 1)[-1]} |")
        print(lines[-1], flush=True)
    seeds = [r for r in rows if r[0].startswith("seed ") and "," not in r[0]]
    missed = {r[0] for r in seeds if r[4] > 1.0}
    pairs = [(a[0], b[0]) for i, a in enumerate(seeds) for b in seeds[i + 1:]]
    both = sum(1 for a, b in pairs if a in missed and b in missed)
    lines += [
        "",
        f"Of the {len(seeds)} seeds above, {len(missed)} alone miss the 1% target at 60 s; a race misses it only when "
        f"both of its seeds do: {both} of the {len(pairs)} pairs of those seeds. The race as shipped (seeds 0 and 1) "
        "proves it in seed 0's time here: seed 1 is one of the slow ones, which is what a seed fixed in advance can "
        "be.",
        "",
    ]
    out = ROOT / "docs" / "benchmarks.d" / "planning_nrp2.md"
    write_section(out, "\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
