"""CLI start-up: wall and CPU time of `tradeoff --help` and of a few read commands against a small database (the
demo workspace in SQLite), each the median of 5 runs of the installed `tradeoff` script in a fresh process.

    PYTHONPATH=src .venv/bin/python bench/bench_cli.py [--runs 5] [--out docs/benchmarks.d/cli.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from assemble import write_section  # noqa: E402

OUT = ROOT / "docs" / "benchmarks.d" / "cli.md"
TRADEOFF = Path(sys.executable).with_name("tradeoff")

COMMANDS: list[tuple[str, list[str]]] = [
    ("`tradeoff --help`", ["--help"]),
    ("`tradeoff features --help`", ["features", "--help"]),
    ("`tradeoff workspace list --json`", ["workspace", "list", "--json"]),
    ("`tradeoff features list -w demo --json`", ["features", "list", "--workspace", "demo", "--json"]),
    ("`tradeoff audit -w demo --json`", ["audit", "--workspace", "demo", "--json"]),
]


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one run of `tradeoff ARGS` in a new process."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(TRADEOFF), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"tradeoff {' '.join(args)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    opts = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TRADEOFF_HOME": home, "COLUMNS": "120"}
        env.pop("TRADEOFF_DATABASE_URL", None)
        env.pop("TRADEOFF_WORKSPACE", None)
        subprocess.run([str(TRADEOFF), "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        rows = []
        for label, args in COMMANDS:
            run_once(args, env)  # warm the file cache and the compiled bytecode
            runs = [run_once(args, env) for _ in range(opts.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rows.append(f"| {label} | {wall * 1000:.0f} | {cpu * 1000:.0f} |")
            print(rows[-1], flush=True)
    text = "\n".join([
        "## CLI start-up",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average (1 min) {load:.1f} at the start. Each command is the installed "
        f"`tradeoff` script in a new process, median of {opts.runs} runs after one warm-up run; CPU is user + "
        "system time of that process. The read commands use the demo workspace in SQLite (`tradeoff demo`). "
        "A command imports what it needs when it runs: the help loads none of the application, and a read command "
        "loads neither the web app, FastAPI, numpy, scipy, the solver nor the ML extra. Rerun: `PYTHONPATH=src .venv/bin/python bench/bench_cli.py`.",
        "",
        "| command | wall ms | CPU ms |",
        "|---|---|---|",
        *rows,
    ])
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    write_section(opts.out, text)
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
