"""`tradeoff rank`, `tradeoff size PROBLEM_ID`, `tradeoff decisions` (bare: the decision log)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradeoff.cli.context import CsvOut, cli_state, emit_csv, emit_json, emit_table
from tradeoff.cli.records import Json, workspace_id
from tradeoff.errors import InvalidInput

if TYPE_CHECKING:
    from tradeoff.scoring import ranking

WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", envvar="TRADEOFF_WORKSPACE", help="Workspace slug.")]


def _p(p: dict[str, Any] | None, unit: str = "") -> str:
    from tradeoff.core.formula import format_number

    if not p:
        return "—"
    vals = ["never" if v is None else format_number(v) for v in (p["p10"], p["p50"], p["p90"])]
    return f"{' / '.join(vals)}{(' ' + unit) if unit else ''}"


def rank(
    workspace: WorkspaceOpt,
    framework: Annotated[str | None, typer.Option(help="rice, ice, wsjf, value_effort, weighted or a custom "
                                                       "formula (default: the workspace's).")] = None,
    product: Annotated[int | None, typer.Option("--product", help="Only this product's features.")] = None,
    objective: Annotated[int | None, typer.Option("--objective", help="Only features serving this objective.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only features for this customer segment.")] = None,
    status: Annotated[str | None, typer.Option(help="Only features in this status; open: not shipped or won't do.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 50,
    compare: Annotated[str | None, typer.Option(
        "--compare", help="Frameworks to rank side by side, e.g. rice,wsjf: rank correlation and where they "
                          "disagree most.")] = None,
    as_json: Json = False,
    csv_file: CsvOut = None,
) -> None:
    """The backlog ranked by a framework; every score shows its formula with the values filled in. With --compare:
    the rankings of several frameworks side by side."""
    from tradeoff.core.formula import format_number
    from tradeoff.exports import views as export_views
    from tradeoff.scoring import ranking

    if compare is not None:
        _compare(workspace, [f.strip() for f in compare.split(",") if f.strip()],
                 ranking.Filters(product, objective, segment, status), limit, as_json)
        return
    with cli_state().container.unit_of_work() as uow:
        res = ranking.ranked_backlog(uow=uow, workspace_id=workspace_id(uow, workspace), framework=framework,
                                     filters=ranking.Filters(product, objective, segment, status),
                                     limit=5000 if csv_file else limit)
    if csv_file is not None:
        emit_csv(export_views.ranking(res), csv_file)
        return
    if as_json:
        emit_json(res)
        return
    emit_table([{"rank": i["rank"], "id": i["id"], "title": i["title"], "status": i["status"],
                 "score": "—" if i["score"] is None else format_number(i["score"]),
                 "why": i["explanation"] if i["score"] is not None else f"not scored: {i['not_scored_reason']}"}
                for i in res["items"]], ["rank", "id", "title", "status", "score", "why"],
               title=f"ranked by {res['framework']} ({res['scored']} of {res['count']} scored)")


def _compare(workspace: str, frameworks: list[str], filters: ranking.Filters, limit: int, as_json: bool) -> None:
    from tradeoff.scoring import ranking

    with cli_state().container.unit_of_work() as uow:
        res = ranking.compare(uow=uow, workspace_id=workspace_id(uow, workspace), frameworks=frameworks,
                              filters=filters)
    if as_json:
        emit_json(res)
        return
    names = res["frameworks"]
    emit_table([{"id": i["id"], "title": i["title"],
                 **{n: "—" if i["ranks"].get(n) is None else str(i["ranks"][n]) for n in names}}
                for i in res["items"][:limit]], ["id", "title", *names], title="rank under each framework")
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            rho = res["spearman"][a][b]
            typer.echo(f"{names[a]} vs {names[b]}: Spearman {'—' if rho is None else f'{rho:.2f}'} "
                       "(1: the same order, 0: unrelated, −1: reversed)")
    for d in res["disagreements"]:
        ranks = ", ".join(f"{n} #{r}" for n, r in d["ranks"].items() if r is not None)
        typer.echo(f"disagree most: {d['title']} (#{d['id']}): {ranks}")
    if not res["disagreements"]:
        typer.echo(f"no feature's rank differs by {res['min_disagreement']} places or more between the frameworks")


def size(problem_id: int, workspace: WorkspaceOpt, as_json: Json = False) -> None:
    """What a problem is worth a year (P10/P50/P90), what drives it, and the business case of each feature."""
    from tradeoff.core.formula import format_number
    from tradeoff.records.schemas import to_json
    from tradeoff.sizing import service as sizing

    with cli_state().container.unit_of_work() as uow:
        res = sizing.problem_sizing(uow=uow, workspace_id=workspace_id(uow, workspace), problem_id=problem_id)
    if as_json:
        emit_json(to_json(res))
        return
    c = res["customers"]
    cur = res["currency"]
    typer.echo(f"problem {problem_id}: {res['statement'][:100]}")
    who = f" (segment rule: {c['from_segment']})" if c["from_segment"] else ""
    typer.echo(f"customers {format_number(c['low'])} / {format_number(c['likely'])} / {format_number(c['high'])}{who}")
    typer.echo(f"annual value we could capture: {_p(res['annual_value'], cur)} (P10/P50/P90, {res['draws']:,} draws)")
    t = res["tornado"]
    if t["biggest_driver"]:
        typer.echo(f"biggest driver: {t['biggest_driver_label']}")
    emit_table([{"input": b["label"], "at low": format_number(b["at_low"] or 0), "at high": format_number(b["at_high"] or 0),
                 "swing": format_number(b["swing"] or 0)} for b in t["bars"]],
               ["input", "at low", "at high", "swing"], title="tornado: annual value")
    rows = []
    for f in res["features"]:
        r = f["result"]
        risk = r and r["displacement"] and r["displacement"]["at_risk"]
        rows.append({"id": f["id"], "title": f["title"], "cost": _p(r and r["total_cost"]),
                     "roi": _p(r and r["roi"]), "npv": _p(r and r["npv"]),
                     "payback (months)": _p(r and r["payback_months"]),
                     "note": "DISPLACEMENT RISK" if risk else (f["missing"] or "")})
    emit_table(rows, ["id", "title", "cost", "roi", "npv", "payback (months)", "note"],
               title=f"features solving it (P10 / P50 / P90, {cur})")
    for f in res["features"]:
        d = f["result"] and f["result"]["displacement"]
        if d and d["at_risk"]:
            typer.echo(f"- {f['title']}: {d['message']}")


def decisions_log(
    ctx: typer.Context,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", envvar="TRADEOFF_WORKSPACE",
                                                  help="Workspace slug.")] = None,
    q: Annotated[str | None, typer.Option(help="Search titles, context, choice and rationale.")] = None,
    product: Annotated[int | None, typer.Option("--product", help="Only this product's decisions (a timeline).")] = None,
    feature: Annotated[int | None, typer.Option("--feature", help="Only decisions linked to this feature.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    as_json: Json = False,
) -> None:
    """The decision log (newest first): search it, or see one product's timeline. Subcommands manage decisions."""
    if ctx.invoked_subcommand is not None:
        return
    from tradeoff.decisions import service as decision_service
    from tradeoff.decisions.schemas import DecisionOut
    from tradeoff.records import service as records

    if not workspace:
        raise InvalidInput("give --workspace (or set TRADEOFF_WORKSPACE)")
    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        if q or feature is not None:
            filters = {k: v for k, v in {"product_id": product, "feature_id": feature}.items() if v is not None}
            items = records.list_page(uow=uow, spec=decision_service.SPEC, workspace_id=wid, q=q, filters=filters,
                                      limit=limit).items
        else:
            items = decision_service.timeline(uow=uow, workspace_id=wid, product_id=product, limit=limit)
        rows = [DecisionOut.model_validate(d).model_dump(mode="json") for d in items]
    if as_json:
        emit_json({"items": rows})
        return
    emit_table([{"id": r["id"], "decided": r["decided_on"] or "open", "title": r["title"], "choice": r["choice"],
                 "by": r["decided_by"], "disappointed": ", ".join(d["who"] for d in r["disappointed"])}
                for r in rows], ["id", "decided", "title", "choice", "by", "disappointed"], title="decision log")


def register(root: typer.Typer) -> None:
    root.command("rank")(rank)
    root.command("size")(size)
    for group in root.registered_groups:  # `tradeoff decisions` alone lists the log; its subcommands stay
        if group.name == "decisions" and group.typer_instance is not None:
            group.typer_instance.info.no_args_is_help = False
            group.typer_instance.callback(invoke_without_command=True)(decisions_log)
