"""`tradeoff eval ...`: accuracy on your own history (and on the public datasets in ../shared/data)."""

from __future__ import annotations

import enum
import importlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from tradeoff.cli.context import ErrorMappingGroup, emit_json
from tradeoff.cli.records import Json
from tradeoff.errors import InvalidInput

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Measure Tradeoff's accuracy on real history.")
# Files and numbers are checked here, not by Typer, so that a bad one is refused in one `error:` line.
File = Annotated[Path, typer.Argument(show_default=False)]


class Method(enum.StrEnum):
    auto = "auto"
    lexical = "lexical"
    model = "model"


class TriageMethod(enum.StrEnum):
    auto = "auto"
    lexical = "lexical"
    model = "model"
    tuned = "tuned"


def _files(*paths: Path | None) -> None:
    """Refuse a path that is not a file, before any evaluation starts."""
    for path in paths:
        if path is not None and not path.is_file():
            raise InvalidInput(f"{path} is a directory, not a file" if path.is_dir() else f"{path}: no such file")


def _number(option: str, text: str, low: float, high: float, what: str) -> float:
    """An option's value as a number within [low, high]; text, nan and anything out of range refused by name."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise InvalidInput(f"{option}: {text!r} is not a number; give {what}")
    if not low <= value <= high:
        raise InvalidInput(f"{option} must be from {low:g} to {high:g} ({what}), got {text}")
    return value


def _json_safe(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None: JSON has no such numbers (json.dumps would print
    bare NaN / Infinity, which JSON readers refuse)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _run(module: str, func: str, render: str, as_json: bool, *args: Any, **kwargs: Any) -> None:
    try:
        mod = importlib.import_module(f"tradeoff.evals.{module}")
    except ModuleNotFoundError as exc:
        raise InvalidInput(f"the {module} evaluation is not available in this build ({exc.name})") from exc
    fn: Callable[..., dict[str, Any]] = getattr(mod, func)
    result = fn(*args, **kwargs)
    if as_json:
        emit_json(_json_safe(result))
    else:
        typer.echo(getattr(mod, render)(result))


@app.command()
def triage(
    file: File,
    train: Annotated[Path | None, typer.Option(help="Train on this file, test on FILE.")] = None,
    method: Annotated[TriageMethod, typer.Option(
        help="lexical; model (+ sentence vectors); tuned (+ a fine-tuned kind model: about 5 minutes on 2,700 "
             "rows, against under one for lexical or model); auto (the default): tuned when the ml extra is "
             "installed, else lexical. For quick figures use --method lexical or --method model.")] = TriageMethod.auto,
    as_json: Json = False,
) -> None:
    """Kind classification: FILE has id,text,label; trains on a stratified half (or on --train).

    The default (--method auto) runs the slow tuned variant when the ml extra is installed (minutes);
    --method lexical or --method model give the quick figures.
    """
    _files(file, train)
    _run("triage", "evaluate_triage", "render_triage", as_json, file, train_path=train, method=method.value)


@app.command()
def duplicates(issues: File, pairs: File, method: Method = Method.auto, as_json: Json = False) -> None:
    """Duplicate retrieval on ISSUES.csv and PAIRS.csv (GitBugs format): Recall@1/5/10 and MRR."""
    _files(issues, pairs)
    _run("duplicates", "evaluate_duplicates", "render_duplicates", as_json, issues, pairs, method=method.value)


@app.command()
def estimate(
    files: Annotated[list[Path], typer.Argument(show_default=False)],
    method: Annotated[Method, typer.Option(help="Similarity: lexical (TF-IDF), model (TF-IDF + the local sentence "
                                                "model) or auto (what suggest-estimate uses: lexical).")] = Method.auto,
    as_json: Json = False,
) -> None:
    """Reference-class estimates against the Mean and Median baselines, per FILE."""
    _files(*files)
    _run("estimate", "evaluate_estimates", "render_estimates", as_json, list(files), method=method.value)


@app.command()
def forecast(
    file: File,
    done_column: Annotated[str | None, typer.Option(
        help="Column with each item's completion time (required).", show_default=False)] = None,
    as_json: Json = False,
) -> None:
    """Walk-forward calibration of throughput forecasts: how often P50/P85/P95 promises were kept."""
    if not done_column:
        raise InvalidInput("--done-column is required: name the column with each item's completion time, "
                           "e.g. --done-column resolved")
    _files(file)
    _run("forecast", "evaluate_forecast", "render_forecast", as_json, file, done_column)


@app.command()
def plan(
    file: File,
    cost_ratio: Annotated[str | None, typer.Option(
        metavar="RATIO", show_default=False, help="Budget as a share of the total cost, 0.01 to 1 (required).")] = None,
    time_limit: Annotated[str, typer.Option(metavar="SECONDS", help="Solver time limit, 1 to 3600 seconds.")] = "60",
    workers: Annotated[int | None, typer.Option(
        min=1, max=16, help="Solver processes racing different HiGHS seeds (default: one per core, at most 2).")] = None,
    as_json: Json = False,
) -> None:
    """Next Release Problem: the optimal selection under a budget, beside greedy fill."""
    if cost_ratio is None:
        raise InvalidInput("--cost-ratio is required: the budget as a share of the total cost, e.g. --cost-ratio 0.3")
    ratio = _number("--cost-ratio", cost_ratio, 0.01, 1.0, "the budget as a share of the total cost")
    limit = _number("--time-limit", time_limit, 1.0, 3600.0, "seconds")
    _files(file)
    _run("plan", "evaluate_plan", "render_plan", as_json, file, ratio, time_limit=limit, workers=workers)
