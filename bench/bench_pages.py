"""Web pages of the demo workspace, as `make run` serves them: each page requested 30 times in a row through a real
server (one uvicorn worker, background workers off), after one warm-up request; p50 and p95 of the server's answer
time as the client sees it. Writes docs/benchmarks.d/pages.md.

    PYTHONPATH=src .venv/bin/python bench/bench_pages.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assemble import write_section  # noqa: E402
from bench_api import ROOT, serve  # noqa: E402

OUT = ROOT / "docs" / "benchmarks.d" / "pages.md"
PAGES = [("home, with needs attention", "/w/demo"), ("feedback list", "/w/demo/feedback"),
         ("themes (the demo's unlinked feedback grouped)", "/w/demo/themes"), ("ranking", "/w/demo/ranking"),
         ("roadmap board", "/w/demo/roadmap"), ("live plan", "/w/demo/plans/1"), ("commitments", "/w/demo/commitments"),
         ("work history", "/w/demo/workitems"), ("a feature", "/w/demo/features/10")]


def _tradeoff(home: Path, *args: str) -> str:
    env = {**os.environ, "TRADEOFF_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("TRADEOFF_DATABASE_URL", None)
    done = subprocess.run([str(Path(sys.executable).with_name("tradeoff")), *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout


def _signed_in(base: str, home: Path) -> httpx.Client:
    email, password = (home / "demo-login.txt").read_text().split()[:2]
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=120)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post("/login", data={"email": email, "password": password, "csrf_token": token[1]})
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _tradeoff(home, "db", "upgrade")
        _tradeoff(home, "demo")
        load_before = os.getloadavg()[0]
        proc, base = serve(f"sqlite:///{home / 'tradeoff.db'}", home)
        try:
            client = _signed_in(base, home)
            rows = []
            for label, path in PAGES:
                assert client.get(path).status_code == 200, path
                times = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    r = client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, path
                times.sort()
                rows.append((label, path, statistics.median(times), times[int(0.95 * (len(times) - 1))]))
        finally:
            proc.kill()
    lines = ["## Web pages of the demo workspace", "",
             f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"SQLite; load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (the machine is shared). "
             f"The demo workspace as `make run` loads it; one uvicorn worker, background workers off; each page "
             f"{args.runs} times in a row after one warm-up request. Rerun: `bench/bench_pages.py`.", "",
             "| page | path | p50 ms | p95 ms |", "|---|---|---|---|"]
    lines += [f"| {label} | `{path}` | {p50:.0f} | {p95:.0f} |" for label, path, p50, p95 in rows]
    write_section(OUT, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
