"""`tradeoff estimate FEATURE_ID` (show, or set with the range options) and `tradeoff suggest-estimate FEATURE_ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from tradeoff.cli.context import cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import FieldError, InvalidInput, NotFound

CLEARABLE = {"drivers": "drivers", "components": "component_ids", "depends-on": "depends_on", "shares": "team_shares",
             "team": "team_id"}


def estimate(
    feature_id: int,
    workspace: Workspace,
    optimistic: Annotated[float | None, typer.Option(help="Best case (with --likely and --pessimistic: sets it).")] = None,
    likely: Annotated[float | None, typer.Option(help="Most likely effort.")] = None,
    pessimistic: Annotated[float | None, typer.Option(help="Worst case.")] = None,
    unit: Annotated[str | None, typer.Option(help="days (person-days) or points (default days).")] = None,
    confidence: Annotated[float | None, typer.Option(
        help="How sure the actual lands in the range (0-1], default 0.8.")] = None,
    driver: Annotated[list[str] | None, typer.Option(help="Complexity driver, repeat: new_api, data_migration, "
                                                           "refactor, third_party, security_review, unknowns; "
                                                           "refactor=COMPONENT_ID names what is refactored.")] = None,
    component: Annotated[list[int] | None, typer.Option(help="Component id touched, repeat.")] = None,
    team: Annotated[int | None, typer.Option(help="Team id doing the work.")] = None,
    depends_on: Annotated[list[int] | None, typer.Option("--depends-on", help="Feature id done first, repeat.")] = None,
    share: Annotated[list[str] | None, typer.Option(help="Another team's share of the work, TEAM_ID=PERCENT "
                                                         "(e.g. 4=30), repeat; --team does the rest.")] = None,
    category: Annotated[str | None, typer.Option(help="feature, tech_debt or platform: tech and platform work may "
                                                      "use the share a team keeps for it (default feature).")] = None,
    clear: Annotated[list[str] | None, typer.Option(
        help=f"Empty one part of the estimate, repeat: {', '.join(CLEARABLE)}.")] = None,
    as_json: Json = False,
) -> None:
    """Show a feature's estimate and why it is that size. With --optimistic/--likely/--pessimistic, set it; any
    option changes only that part of an estimate already made (the rest is kept; --clear empties a part)."""
    from pydantic import ValidationError

    from tradeoff.estimates import service as estimate_service
    from tradeoff.estimates.schemas import EstimateIn
    from tradeoff.insights.schemas import encode

    state = cli_state()
    given = [optimistic, likely, pessimistic]
    changes: dict[str, object] = {k: v for k, v in {
        "unit": unit, "confidence": confidence, "team_id": team, "category": category,
        "drivers": [_driver(d) for d in driver] if driver else None, "component_ids": component or None,
        "depends_on": depends_on or None, "team_shares": _shares(share) if share else None}.items() if v is not None}
    for part in clear or []:
        if part not in CLEARABLE:
            raise InvalidInput(f"--clear {part!r}: choose from {', '.join(CLEARABLE)}",
                               [FieldError(["option", "clear"], "unknown part", part)])
        changes[CLEARABLE[part]] = None if part == "team" else {} if part == "shares" else []
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        try:
            est = estimate_service.get(uow=uow, workspace_id=wid, feature_id=feature_id)
        except NotFound:
            est = None
        if any(v is not None for v in given) or changes:
            if est is None and any(v is None for v in given):
                raise InvalidInput("give all three of --optimistic, --likely and --pessimistic")
            if est is not None and any(v is not None for v in given) and any(v is None for v in given):
                raise InvalidInput("give all three of --optimistic, --likely and --pessimistic to change the range")
            kept = {} if est is None else {
                "optimistic": est.optimistic, "likely": est.likely, "pessimistic": est.pessimistic, "unit": est.unit,
                "confidence": est.confidence, "drivers": est.drivers, "component_ids": est.component_ids,
                "team_id": est.team_id, "team_shares": {int(k): v for k, v in (est.team_shares or {}).items()},
                "depends_on": est.depends_on, "category": est.category, "notes": est.notes}
            if all(v is not None for v in given):
                kept |= {"optimistic": optimistic, "likely": likely, "pessimistic": pessimistic}
            try:
                data = EstimateIn.model_validate(kept | changes)
            except ValidationError as exc:
                err = exc.errors()[0]
                name = ".".join(str(p) for p in err["loc"])
                raise InvalidInput(f"--{name.replace('_', '-')}: {err['msg']}",
                                   [FieldError(["option", *err["loc"]], err["msg"])]) from exc
            est = estimate_service.save(uow=uow, workspace_id=wid, actor=state.actor, feature_id=feature_id, data=data)
        elif est is None:
            raise InvalidInput(f"feature {feature_id} has no estimate yet; set one with --optimistic "
                               "--likely --pessimistic (or see `tradeoff suggest-estimate`)")
        out = encode(estimate_service.out(uow=uow, workspace_id=wid, estimate=est))
    if as_json:
        emit_json(out)
        return
    typer.echo(f"feature {feature_id}: {out['optimistic']} / {out['likely']} / {out['pessimistic']} {out['unit']}")
    if out["split"]:
        typer.echo("shared: " + ", ".join(f"{s['team']} {s['share']:.0%}" for s in out["split"]))
    if out.get("explanation"):
        typer.echo(out["explanation"])


def _driver(text: str) -> dict[str, object]:
    """'refactor' or 'refactor=3' (the component refactored) as the API's driver."""
    name, _, component = text.partition("=")
    if not component:
        return {"name": name}
    try:
        return {"name": name, "component_id": int(component)}
    except ValueError:
        raise InvalidInput(f"--driver {text!r}: write NAME or NAME=COMPONENT_ID, e.g. refactor=3",
                           [FieldError(["option", "driver"], "not NAME=COMPONENT_ID", text)]) from None


def _shares(texts: list[str]) -> dict[int, float]:
    shares: dict[int, float] = {}
    for text in texts:
        team_text, _, pct = text.partition("=")
        try:
            shares[int(team_text)] = float(pct.rstrip("%")) / 100
        except ValueError:
            raise InvalidInput(f"--share {text!r}: write TEAM_ID=PERCENT, e.g. 4=30",
                               [FieldError(["option", "share"], "not TEAM_ID=PERCENT", text)]) from None
    return shares


def suggest_estimate(feature_id: int, workspace: Workspace, as_json: Json = False,
                     team: Annotated[int | None, typer.Option(
                         "--team", help="The team doing the work: its own items are compared first (default: the "
                                        "team the estimate names).")] = None) -> None:
    """Reference-class suggestion: the most similar sized work and a P10/P50/P90 range in story points, before anyone
    estimates; no range when nothing in the history is similar enough."""
    from tradeoff.estimates import suggestions as suggestion_service
    from tradeoff.insights.schemas import encode

    with cli_state().container.unit_of_work() as uow:
        res = encode(suggestion_service.suggest(uow=uow, workspace_id=workspace_id(uow, workspace),
                                                feature_id=feature_id, team_id=team))
    if as_json:
        emit_json(res)
        return
    if res.get("status") != "ok":
        typer.echo(f"no suggestion: {res.get('reason', '')}")
    else:
        typer.echo(res.get("explanation", ""))
        typer.echo(f"suggested range (story points): P10 {res['p10']:g} · P50 {res['p50']:g} · P90 {res['p90']:g}")
    if res.get("cycle_time"):
        typer.echo(f"context: {res['cycle_time']['text']}")
    if res.get("neighbours"):
        emit_table(res["neighbours"], ["key", "title", "actual", "similarity"],
                   title="most similar work" if res.get("status") == "ok" else "closest, but not similar enough")


def register(root: typer.Typer) -> None:
    root.command("estimate")(estimate)
    root.command("suggest-estimate")(suggest_estimate)
