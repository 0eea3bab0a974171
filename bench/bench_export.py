"""CSV export of a long list through the real server: the 200,000 feedback items of the API benchmark's workspace
(bench_api.generate), downloaded from `GET …/feedback.csv`, streamed as it is read. Times the first byte and the
whole file, and the server's peak memory; SQLite, and PostgreSQL when reachable.

    PYTHONPATH=src .venv/bin/python bench/bench_export.py [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import N_FEEDBACK, ROOT, generate, postgres_schema, serve  # noqa: E402

from tradeoff.accounts import service as accounts  # noqa: E402
from tradeoff.bootstrap import bootstrap  # noqa: E402
from tradeoff.exports import service as exports  # noqa: E402
from tradeoff.exports import views  # noqa: E402
from tradeoff.exports.table import to_csv  # noqa: E402
from tradeoff.feedback import service as feedback_service  # noqa: E402
from tradeoff.feedback.schemas import FeedbackOut  # noqa: E402
from tradeoff.settings import Settings  # noqa: E402

OUT = ROOT / "docs" / "benchmarks.d" / "export.md"


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def parts_in_process(url: str, home: Path, slug: str) -> dict[str, float]:
    """Where an export's time goes, in this process: reading the records (ORM, page after page), building their
    API shape (pydantic), writing the CSV text."""
    c = bootstrap(Settings(home=home, database_url=url))
    with c.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        t0 = time.perf_counter()
        found = list(exports.matching(uow=uow, spec=feedback_service.SPEC, workspace_id=wid))
        t1 = time.perf_counter()
        shaped = [FeedbackOut.model_validate(f).model_dump(mode="json") for f in found]
        t2 = time.perf_counter()
        to_csv(views.records("feedback", FeedbackOut, shaped))
        t3 = time.perf_counter()
    c.engine.dispose()
    return {"read": t1 - t0, "shape": t2 - t1, "write": t3 - t2}


def run_backend(name: str, url: str) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix=f"tradeoff-bench-export-{name}-"))
    token, slug, ids = generate(url, home)
    print(f"[{name}] generated in {ids['gen_seconds']} s")
    proc, base = serve(url, home)
    try:
        api = f"{base}/api/v1/workspaces/{slug}"
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
            client.get(f"{api}/feedback")  # warm-up
            before = peak_rss_mb(proc.pid)
            t0 = time.perf_counter()
            first = None
            size = 0
            parts = []
            with client.stream("GET", f"{api}/feedback.csv") as r:
                r.raise_for_status()
                for chunk in r.iter_text():
                    first = first or time.perf_counter()
                    size += len(chunk.encode())
                    parts.append(chunk)
            total = time.perf_counter() - t0
            rows = sum(1 for _ in csv.reader(io.StringIO("".join(parts), newline=""))) - 1
            res = {"rows": rows, "first_byte": (first or t0) - t0, "total": total, "mb": size / 1e6,
                   "rows_per_s": rows / total, "rss_before": before, "rss_peak": peak_rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)
    res |= parts_in_process(url, home, slug)
    print(f"[{name}] in-process: reading the records {res['read']:.1f} s, their API shape {res['shape']:.1f} s, "
          f"writing CSV {res['write']:.1f} s")
    print(f"[{name}] {res['rows']:,} rows, {res['mb']:.1f} MB: first byte {res['first_byte'] * 1000:.0f} ms, "
          f"all {res['total']:.1f} s ({res['rows_per_s']:,.0f} rows/s); server peak memory {res['rss_before']:.0f} "
          f"-> {res['rss_peak']:.0f} MB")
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    load = os.getloadavg()[0]
    if args.backend in ("sqlite", "both"):
        results["SQLite"] = run_backend("sqlite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    if args.backend in ("postgresql", "both"):
        with postgres_schema("bench_export") as pg_url:
            if pg_url:
                results["PostgreSQL"] = run_backend("postgresql", pg_url)
    lines = ["## CSV export of a long list", "",
             f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; load average (1 min) {load:.1f} at the start. The API benchmark's "
             f"workspace ({N_FEEDBACK:,} feedback items with customers); one uvicorn worker, background workers off; "
             "`GET …/feedback.csv` read by a separate client process. The file is sent while its rows are read, a "
             "thousand at a time, from a unit of work of its own; the list's search, filters and sort are checked "
             "before the first byte. No target was set. The last three columns time the same export's parts once more "
             "in the benchmark's own process (reading the records through the ORM, page after page; building each "
             "record's API shape; writing the CSV text). "
             "Rerun: `PYTHONPATH=src .venv/bin/python bench/bench_export.py`.",
             "", "| back end | rows | size | first byte | whole file | rows/s | server peak memory before → after | "
                 "in-process: read | shape | write |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for backend, r in results.items():
        lines.append(f"| {backend} | {r['rows']:,.0f} | {r['mb']:.1f} MB | {r['first_byte'] * 1000:.0f} ms | "
                     f"{r['total']:.1f} s | {r['rows_per_s']:,.0f} | {r['rss_before']:.0f} → {r['rss_peak']:.0f} MB | "
                     f"{r['read']:.1f} s | {r['shape']:.1f} s | {r['write']:.1f} s |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
