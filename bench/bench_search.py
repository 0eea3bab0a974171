"""How long "search everything" takes in the search layer itself (no HTTP), by how common the words are, on the
API benchmark's 200,000-item workspace, on SQLite and PostgreSQL.

The words come from the generator's 50-word vocabulary (one word matches about 30% of the feedback, two words
about 10%, three about 3%) and, at the other end, words no item has (a typo). Each query runs the six kinds'
ranked searches as `GET …/search` does. Writes docs/benchmarks.d/search.md.

Rerun: `PYTHONPATH=src .venv/bin/python bench/bench_search.py [--before REV]`. With --before, the same queries
also run on the same data through the search layer of commit REV (its `src` exported with `git archive` and
imported in a separate process), for a before/after in one session.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks.d" / "search.md"
REPEATS = 3


def _bench_api() -> Any:
    spec = importlib.util.spec_from_file_location("bench_api", ROOT / "bench" / "bench_api.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def queries(words: list[str]) -> dict[str, list[str]]:
    rng = random.Random(7)
    return {
        "one common word (~30% of items)": [rng.choice(words) for _ in range(10)],
        "two common words (~10%)": [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(10)],
        "three common words (~3%)": [" ".join(rng.sample(words, 3)) for _ in range(10)],
        "a word no item has (a typo)": ["quokka", "invoyce", "zzz", "numbat", "xylo"],
    }


def measure(url: str, groups: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """p50 / p95 in ms of one query's six ranked searches, per group (each query run REPEATS times)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    import tradeoff.storage.models  # noqa: F401  (every mapper)
    from tradeoff.records.everywhere import KINDS
    from tradeoff.storage import search

    engine = create_engine(url)
    out = {}
    with Session(engine) as s:
        for label, qs in groups.items():
            times = []
            for _ in range(REPEATS):
                for q in qs:
                    t = time.perf_counter()
                    for kind in KINDS:
                        model: Any = kind.spec.model
                        live = [model.workspace_id == 1] + (
                            [model.archived_at.is_(None)] if hasattr(model, "archived_at") else [])
                        search.ranked(s, model, q, live, 6)
                    times.append((time.perf_counter() - t) * 1000)
                    s.rollback()
            times.sort()
            out[label] = (statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)])
    engine.dispose()
    return out


def measure_with(src: Path, url: str, groups: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """`measure` in a separate process importing tradeoff from `src`."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]); "
            "import bench_search as b; print(json.dumps(b.measure(sys.argv[3], json.loads(sys.argv[4]))))")
    done = subprocess.run([os.sys.executable, "-c", code, str(src), str(ROOT / "bench"), url, json.dumps(groups)],
                          capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(src)})
    return {k: (v[0], v[1]) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="a commit whose search layer to measure on the same data, for comparison")
    args = ap.parse_args()
    api = _bench_api()
    groups = queries(api.WORDS)
    before_src: Path | None = None
    if args.before:
        before_src = Path(tempfile.mkdtemp(prefix="tradeoff-before-"))
        archive = subprocess.run(["git", "archive", args.before, "src"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(before_src)], input=archive.stdout, check=True)
        before_src = before_src / "src"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()[0]
    results: dict[str, dict[str, tuple[float, float]]] = {}
    home = Path(tempfile.mkdtemp(prefix="tradeoff-bench-search-"))
    sqlite_url = f"sqlite:///{home / 'bench.db'}"
    api.generate(sqlite_url, home)
    before: dict[str, dict[str, tuple[float, float]]] = {}
    results["SQLite"] = measure_with(ROOT / "src", sqlite_url, groups)
    if before_src:
        before["SQLite"] = measure_with(before_src, sqlite_url, groups)
    with api.postgres_schema("search") as pg_url:
        if pg_url:
            (home / "pg").mkdir()
            api.generate(pg_url, home / "pg")
            results["PostgreSQL"] = measure_with(ROOT / "src", pg_url, groups)
            if before_src:
                before["PostgreSQL"] = measure_with(before_src, pg_url, groups)
    lines = ["## Search by how common the words are (search layer, no HTTP)", "",
             f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, commit {commit}; load average {load:.1f} at the start. The API benchmark's "
             "200,000-item workspace; each query runs the six kinds' ranked searches of `GET …/search` (the newest "
             f"500 matches of each kind, best first); 10 queries per row (5 for typos), each {REPEATS} times. "
             "Rerun: `PYTHONPATH=src .venv/bin/python bench/bench_search.py`.", ""]
    for backend, rows in results.items():
        was = before.get(backend)
        head = "| words | p50 ms | p95 ms |" + (f" before ({args.before}): p50 / p95 ms |" if was else "")
        lines += [f"**{backend}**", "", head, "|---|---|---|" + ("---|" if was else "")]
        lines += [f"| {label} | {p50:.1f} | {p95:.1f} |" + (f" {was[label][0]:.1f} / {was[label][1]:.1f} |" if was else "")
                  for label, (p50, p95) in rows.items()]
        lines.append("")
    lines += [
        "PostgreSQL cannot tell how common a prefix is (the last word is matched as a prefix, for search as you type): "
        "it guesses 2% of the rows whatever the word. Left to itself it walked a rare word's whole table newest first "
        "(175 ms for one kind on 200,000 items), the typo row's cost before. The search layer now asks PostgreSQL's own statistics which words are common (their most "
        "common elements, remembered for 10 minutes): a word they do not list is read through the index, the others "
        "are left to the planner" + (f"; the before column is commit {args.before}, where the planner "
                                                "chose." if before else "."), ""]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))



if __name__ == "__main__":
    main()
