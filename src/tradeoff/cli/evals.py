"""`tradeoff eval ...`: accuracy on your own history (and on the public datasets in ../shared/data)."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from tradeoff.cli.context import ErrorMappingGroup, emit_json
from tradeoff.cli.records import Json
from tradeoff.errors import InvalidInput

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Measure Tradeoff's accuracy on real history.")
File = Annotated[Path, typer.Argument(exists=True, dir_okay=False)]


class Method(enum.StrEnum):
    auto = "auto"
    lexical = "lexical"
    model = "model"


class TriageMethod(enum.StrEnum):
    auto = "auto"
    lexical = "lexical"
    model = "model"
    tuned = "tuned"


def _run(module: str, func: str, render: str, as_json: bool, *args: Any, **kwargs: Any) -> None:
    try:
        mod = importlib.import_module(f"tradeoff.evals.{module}")
    except ModuleNotFoundError as exc:
        raise InvalidInput(f"the {module} evaluation is not available in this build ({exc.name})") from exc
    fn: Callable[..., dict[str, Any]] = getattr(mod, func)
    result = fn(*args, **kwargs)
    if as_json:
        emit_json(result)
    else:
        typer.echo(getattr(mod, render)(result))


@app.command()
def triage(
    file: File,
    train: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="Train on this file, test on FILE.")] = None,
    method: Annotated[TriageMethod, typer.Option(
        help="lexical; model (+ sentence vectors); tuned (+ a fine-tuned kind model, minutes); auto: tuned "
             "with the ml extra, else lexical")] = TriageMethod.auto,
    as_json: Json = False,
) -> None:
    """Kind classification: FILE has id,text,label; trains on a stratified half (or on --train)."""
    _run("triage", "evaluate_triage", "render_triage", as_json, file, train_path=train, method=method.value)


@app.command()
def duplicates(issues: File, pairs: File, method: Method = Method.auto, as_json: Json = False) -> None:
    """Duplicate retrieval on ISSUES.csv and PAIRS.csv (GitBugs format): Recall@1/5/10 and MRR."""
    _run("duplicates", "evaluate_duplicates", "render_duplicates", as_json, issues, pairs, method=method.value)


@app.command()
def estimate(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    method: Annotated[Method, typer.Option(help="Similarity: lexical (TF-IDF), model (TF-IDF + the local sentence "
                                                "model) or auto (what suggest-estimate uses: lexical).")] = Method.auto,
    as_json: Json = False,
) -> None:
    """Reference-class estimates against the Mean and Median baselines, per FILE."""
    _run("estimate", "evaluate_estimates", "render_estimates", as_json, list(files), method=method.value)


@app.command()
def forecast(
    file: File,
    done_column: Annotated[str, typer.Option(help="Column with each item's completion time.")],
    as_json: Json = False,
) -> None:
    """Walk-forward calibration of throughput forecasts: how often P50/P85/P95 promises were kept."""
    _run("forecast", "evaluate_forecast", "render_forecast", as_json, file, done_column)


@app.command()
def plan(
    file: File,
    cost_ratio: Annotated[float, typer.Option(min=0.01, max=1.0, help="Budget as a share of the total cost.")],
    time_limit: Annotated[float, typer.Option(min=1, max=3600, help="Solver time limit, seconds.")] = 60.0,
    workers: Annotated[int | None, typer.Option(
        min=1, max=16, help="Solver processes racing different HiGHS seeds (default: one per core, at most 2).")] = None,
    as_json: Json = False,
) -> None:
    """Next Release Problem: the optimal selection under a budget, beside greedy fill."""
    _run("plan", "evaluate_plan", "render_plan", as_json, file, cost_ratio, time_limit=time_limit, workers=workers)
