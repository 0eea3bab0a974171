"""Forecast calibration evaluation: walk forward through a real completion history and check the promises.

At weekly cuts (after a 26-week warm-up), forecast with only what was known at the cut, then compare with what
really happened: a date promise is kept when the items were finished on or before the promised date, a count
promise when at least the promised number of items was finished. Questions whose outcome is not known by the end
of the file are skipped. The baseline is the naive sampler (single weeks resampled uniformly from the last 26),
without calibration, scored on the same cuts.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tradeoff.core import forecasting as fc
from tradeoff.errors import FieldError, InvalidInput

NOMINAL = {"p50": 0.5, "p85": 0.85, "p95": 0.95}
WARMUP_WEEKS = 26
TRIALS = 1000
_JIRA = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2,4}) (\d{1,2}):(\d{2})(?: ?([AaPp][Mm]))?$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 (with or without time zone, 'Z' allowed) or Jira's ``30/Sep/21 17:20``; returns UTC naive.

    Times without a zone are taken as UTC. Raises ValueError when the text is neither.
    """
    t = text.strip()
    m = _JIRA.match(t)
    if m:
        day, mon, year, hour, minute, ampm = m.groups()
        y = int(year) + (2000 if len(year) == 2 else 0)
        h = int(hour)
        if ampm:
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        month = _MONTHS.get(mon.lower())
        if month is None:
            raise ValueError(f"unknown month {mon!r}")
        return datetime(y, month, int(day), h, int(minute))
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    d = datetime.fromisoformat(t)
    if d.tzinfo is not None:
        d = d.astimezone(UTC).replace(tzinfo=None)
    return d


def load_completions(path: Path, done_column: str) -> tuple[list[datetime], int]:
    """Completion times from ``done_column`` of a CSV; returns (times, rows skipped because the value is empty)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        if done_column not in columns:
            raise InvalidInput(
                f"column {done_column!r} not found in {path.name}; columns found: {', '.join(columns) or '(none)'}",
                [FieldError(["done_column"], "column not found", done_column)],
            )
        times: list[datetime] = []
        empty = 0
        for row_no, row in enumerate(reader, start=2):
            raw = (row.get(done_column) or "").strip()
            if not raw:
                empty += 1
                continue
            try:
                times.append(parse_datetime(raw))
            except ValueError as exc:
                raise InvalidInput(
                    f"{path.name} row {row_no}: {done_column}={raw!r} is not a date "
                    "(expected ISO 8601 or Jira's 30/Sep/21 17:20)",
                    [FieldError(["row", row_no, done_column], "not a date", raw)],
                ) from exc
    return sorted(times), empty


def _coverage(wf: fc.WalkForward, use: np.ndarray) -> dict[str, Any]:
    n_count = len(fc.COUNT_WEEKS)
    idx = {name: fc.LEVELS.index(p) for name, p in NOMINAL.items()}
    kept_all: dict[str, list[np.ndarray]] = {k: [] for k in NOMINAL}
    by_q: dict[str, dict[str, float | int | None]] = {}
    for q, question in enumerate(wf.questions):
        rows = use & ~np.isnan(wf.actual[:, q])
        actual = wf.actual[rows, q]
        entry: dict[str, float | int | None] = {"n": int(rows.sum())}
        for name, li in idx.items():
            promise = wf.promise[rows, q, li]
            kept = actual >= promise if q < n_count else actual <= promise
            kept_all[name].append(kept)
            entry[name] = round(float(kept.mean()), 4) if len(kept) else None
        by_q[question] = entry
    out: dict[str, Any] = {}
    for name in NOMINAL:
        k = np.concatenate(kept_all[name])
        out[name] = round(float(k.mean()), 4) if len(k) else None
    out["by_question"] = by_q
    return out


def evaluate_forecast(path: Path, done_column: str, *, seed: int = 0, trials: int = TRIALS) -> dict[str, Any]:
    """Walk-forward calibration of the throughput forecast on a CSV of finished items (see module docstring).

    ``done_column`` names the completion-time column; rows where it is empty are skipped and counted.
    ``trials``: Monte Carlo trials per cut. Returns the JSON-serialisable result described in the evaluation spec (coverage per level and question,
    the naive baseline on the same cuts, cuts, abstained fraction).
    """
    path = Path(path)
    times, empty = load_completions(path, done_column)
    if len(times) < 2:
        raise InvalidInput(f"{path.name}: needs at least 2 rows with a {done_column} date; has {len(times)}")
    origin = times[0]
    days = np.array([(t - origin).total_seconds() / 86400.0 for t in times])
    end = float(days[-1])
    # weekly cuts from the warm-up until the shortest question (2 weeks) can still be checked
    cuts = np.arange(7.0 * WARMUP_WEEKS, end - 14.0 + 1e-9, 7.0)
    if len(cuts) == 0:
        raise InvalidInput(
            f"{path.name}: the history spans {end / 7:.1f} weeks; needs at least {WARMUP_WEEKS + 2}"
        )
    wf = fc.walk_forward(days, cuts, end_day=end, rng=np.random.default_rng(seed), trials=trials)
    naive = fc.walk_forward(
        days,
        cuts,
        end_day=end,
        rng=np.random.default_rng(seed + 1),
        trials=trials,
        method="naive",
        calibrate=False,
    )
    ok = np.array([st == "ok" for st in wf.status])
    declined = [r for r in wf.reasons if r]
    return {
        "file": str(path),
        "done_column": done_column,
        "method": "block bootstrap (4-week blocks, adaptive 26-104 week window) + walk-forward conformal calibration",
        "rows": len(times) + empty,
        "skipped_empty": empty,
        "first": times[0].isoformat(),
        "last": times[-1].isoformat(),
        "trials": trials,
        "cuts": len(cuts),
        "abstained": round(float(1.0 - ok.mean()), 4),
        "abstain_reasons": sorted({re.sub(r"[\d.]+", "N", r) for r in declined}),
        "calibrated_share": round(float(wf.calibrated[ok].mean()), 4) if ok.any() else 0.0,
        "coverage": _coverage(wf, ok),
        "baseline": {
            "method": "naive: uniform resampling of the last 26 weeks, uncalibrated",
            "coverage": _coverage(naive, ok),
        },
    }


def _fmt(x: float | int | None) -> str:
    return "   -  " if x is None else f"{100 * float(x):5.1f}%"


def render_forecast(result: dict[str, Any]) -> str:
    """Plain-text table of ``evaluate_forecast``'s result for a terminal."""
    lines = [
        f"Forecast calibration: {result['file']} ({result['done_column']})",
        f"  method:    {result['method']}",
        f"  history:   {result.get('first', '?')} .. {result.get('last', '?')}, "
        f"{result.get('skipped_empty', 0)} rows skipped (empty {result['done_column']})",
        f"  cuts:      {result['cuts']} weekly, abstained {100 * result['abstained']:.1f}%",
        "",
        "  How often reality kept the promise (target: P50 45-55%, P85 80-90%, P95 90-100%)",
        f"  {'question':<10} {'n':>5}   {'P50':>6} {'P85':>6} {'P95':>6}   | naive {'P50':>6} {'P85':>6} {'P95':>6}",
    ]
    cov, base = result["coverage"], result["baseline"]["coverage"]
    for q, e in cov["by_question"].items():
        b = base["by_question"][q]
        lines.append(
            f"  {q:<10} {e['n']:>5}   {_fmt(e['p50'])} {_fmt(e['p85'])} {_fmt(e['p95'])}   "
            f"|       {_fmt(b['p50'])} {_fmt(b['p85'])} {_fmt(b['p95'])}"
        )
    lines.append(
        f"  {'overall':<10} {'':>5}   {_fmt(cov['p50'])} {_fmt(cov['p85'])} {_fmt(cov['p95'])}   "
        f"|       {_fmt(base['p50'])} {_fmt(base['p85'])} {_fmt(base['p95'])}"
    )
    return "\n".join(lines)
