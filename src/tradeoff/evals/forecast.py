"""Forecast calibration evaluation: walk forward through a real completion history and check the promises.

At weekly cuts (from 26 weeks after the first finished item), forecast with only what was known at the cut, then
compare with what really happened: a date promise is kept when the items were finished on or before the promised
date, a count promise when at least the promised number of items was finished. The forecaster is the product's own
(``core.forecasting.walk_forward``: the forecast at each cut is exactly what ``forecast_throughput`` says on that
day with the history up to it). A promise is scored once its fate is known by the end of the file: a count once its
window has closed, a date once the items are done or the promised date has passed, whichever is first. The baseline
is the naive sampler (single weeks resampled uniformly from the last 26), without calibration, on the same cuts.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from tradeoff.core import forecasting as fc
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.evals._textcsv import read_csv

NOMINAL = {"p50": 0.5, "p85": 0.85, "p95": 0.95}
TRIALS = fc.DEFAULT_TRIALS  # the product's own trial count (forecast_throughput's default)
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


def load_completions(path: Path, done_column: str, *, today: date | None = None) -> tuple[list[datetime], int]:
    """Completion times from ``done_column`` of a CSV; returns (times, rows skipped because the value is empty).

    A time later than ``today`` (default: today in UTC) plus a day of slack for time zones is refused: an item
    cannot have been finished in the future, and one absurd date would stretch the walk over centuries."""
    columns, rows = read_csv(path)
    if done_column not in columns:
        raise InvalidInput(
            f"column {done_column!r} not found in {path.name}; columns found: {', '.join(columns) or '(none)'}",
            [FieldError(["done_column"], "column not found", done_column)],
        )
    latest = (today or datetime.now(UTC).date()) + timedelta(days=1)
    times: list[datetime] = []
    empty = 0
    for row in rows:
        raw = row.values[done_column].strip()
        if not raw:
            empty += 1
            continue
        try:
            done = parse_datetime(raw)
        except ValueError as exc:
            raise InvalidInput(
                f"{row.where(path)}: {done_column}={raw!r} is not a date (expected ISO 8601 or Jira's 30/Sep/21 17:20)",
                [FieldError(["row", row.number, done_column], "not a date", raw)],
            ) from exc
        if done.date() > latest:
            raise InvalidInput(
                f"{row.where(path)}: {done_column}={raw!r} is in the future (later than {latest}, today plus a day "
                "for time zones); a completion time is when the item was finished",
                [FieldError(["row", row.number, done_column], "in the future", raw)],
            )
        times.append(done)
    return sorted(times), empty


def _median(x: np.ndarray) -> float | None:
    if len(x) == 0:
        return None
    m = float(np.median(x))
    return round(m, 1) if np.isfinite(m) else None


def coverage(wf: fc.WalkForward, use: np.ndarray) -> dict[str, Any]:
    """How often the settled promises of the cuts in ``use`` were kept, per level overall and per question."""
    idx = {name: fc.LEVELS.index(p) for name, p in NOMINAL.items()}
    kept_all: dict[str, list[np.ndarray]] = {k: [] for k in NOMINAL}
    by_q: dict[str, dict[str, Any]] = {}
    for q, question in enumerate(wf.questions):
        entry: dict[str, Any] = {"n": int((use & wf.resolved[:, q, :].any(axis=1)).sum())}
        known = use & ~np.isnan(wf.actual[:, q])
        typical: dict[str, float | None] = {"actual": _median(wf.actual[known, q])}
        resolved: dict[str, int] = {}
        empty: dict[str, float | None] = {}
        for name, li in idx.items():
            rows = use & wf.resolved[:, q, li]
            kept = wf.kept[rows, q, li]
            kept_all[name].append(kept)
            entry[name] = round(float(kept.mean()), 4) if len(kept) else None
            resolved[name] = int(rows.sum())
            typical[name] = _median(wf.promise[known, q, li])
            # promises that cannot be broken: 0 items, or a date beyond the simulated 5 years
            promised = wf.promise[use, q, li]
            trivial = promised == 0 if question.startswith("count") else np.isinf(promised)
            empty[name] = round(float(trivial.mean()), 4) if len(promised) else None
        entry["resolved"] = resolved
        entry["median"] = typical  # median promise (items or days) and median outcome, where the outcome is known
        entry["trivial"] = empty  # share of cuts whose promise was 0 items or "not within the horizon"
        by_q[question] = entry
    out: dict[str, Any] = {}
    for name in NOMINAL:
        k = np.concatenate(kept_all[name])
        out[name] = round(float(k.mean()), 4) if len(k) else None
    out["by_question"] = by_q
    return out


def history_days(path: Path, done_column: str) -> tuple[np.ndarray, list[datetime], int]:
    """Completion times of a CSV as days since its first one, the datetimes, and the rows skipped as empty."""
    path = Path(path)
    times, empty = load_completions(path, done_column)
    if len(times) < 2:
        raise InvalidInput(f"{path.name}: needs at least 2 rows with a {done_column} date; has {len(times)}")
    origin = times[0]
    return np.array([(t - origin).total_seconds() / 86400.0 for t in times]), times, empty


def walk_history(
    days: np.ndarray,
    *,
    seed: int = 0,
    trials: int = TRIALS,
    settings: fc.ForecastSettings | None = None,
    method: fc.Method = "block",
    calibrate: bool = True,
) -> fc.WalkForward:
    """The walk-forward over a history (days since its first completion): weekly cuts from the warm-up until the
    shortest question (2 weeks) can still be checked. These are the weeks the product's own forecast replays
    (``fc.replay_cuts``), so with the same seed each cut's forecast is exactly what ``forecast_throughput`` said
    that day (for histories up to ``max_replay_weeks`` past the warm-up; beyond, the product replays fewer)."""
    s = settings or fc.ForecastSettings()
    end = float(days[-1])
    cuts = np.arange(7.0 * s.warmup_weeks, end - 14.0 + 1e-9, 7.0)
    if len(cuts) == 0:
        raise InvalidInput(f"the history spans {end / 7:.1f} weeks; needs at least {s.warmup_weeks + 2}")
    return fc.walk_forward(
        days,
        cuts,
        end_day=end,
        rng=np.random.default_rng(seed),
        trials=trials,
        method=method,
        calibrate=calibrate,
        settings=s,
    )


def evaluate_forecast(path: Path, done_column: str, *, seed: int = 0, trials: int = TRIALS) -> dict[str, Any]:
    """Walk-forward calibration of the throughput forecast on a CSV of finished items (see module docstring).

    ``done_column`` names the completion-time column; rows where it is empty are skipped and counted.
    ``trials``: Monte Carlo trials per cut (default: the product's). Returns the JSON-serialisable result:
    coverage per level (overall and per question, with how many promises were settled and the median promise
    and outcome), the naive baseline on the same cuts, cuts, abstained fraction.
    """
    path = Path(path)
    days, times, empty = history_days(path, done_column)
    try:
        wf = walk_history(days, seed=seed, trials=trials)
    except InvalidInput as exc:
        raise InvalidInput(f"{path.name}: {exc}") from exc
    naive = walk_history(days, seed=seed + 1, trials=trials, method="naive", calibrate=False)
    ok = np.array([st == "ok" for st in wf.status])
    declined = [r for r in wf.reasons if r]
    return {
        "file": str(path),
        "done_column": done_column,
        "method": "block bootstrap (4-week blocks, 13-104 week windows, uncertain pace, pace drift) "
        "+ adaptive walk-forward calibration (ACI per question and level)",
        "rows": len(times) + empty,
        "skipped_empty": empty,
        "first": times[0].isoformat(),
        "last": times[-1].isoformat(),
        "trials": trials,
        "cuts": len(wf.cut_days),
        "abstained": round(float(1.0 - ok.mean()), 4),
        "abstain_reasons": sorted({re.sub(r"[\d.]+", "N", r) for r in declined}),
        "calibrated_share": round(float(wf.calibrated[ok].mean()), 4) if ok.any() else 0.0,
        "settings": {k: v for k, v in asdict(fc.ForecastSettings()).items() if not isinstance(v, tuple)},
        "coverage": coverage(wf, ok),
        "baseline": {
            "method": "naive: uniform resampling of the last 26 weeks, uncalibrated",
            "coverage": coverage(naive, ok),
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
