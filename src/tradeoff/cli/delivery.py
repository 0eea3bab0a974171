"""`tradeoff plan`, `tradeoff forecast`, `tradeoff commitments` and `tradeoff import workitems`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from tradeoff.cli.context import CsvOut, cli_state, emit_csv, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import InvalidInput


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    out = []
    for v in values or []:
        a, sep, b = v.partition("=")
        if not sep or not a.strip() or not b.strip():
            raise InvalidInput(f"{option} '{v}' must look like ID=VALUE")
        out.append((a.strip(), b.strip()))
    return out


def _int(value: str, option: str) -> int:
    if not value.isdecimal():
        raise InvalidInput(f"{option}: '{value}' is not an id")
    return int(value)


def _number(value: str, option: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"{option}: '{value}' is not a number") from None


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: '{value}' is not a date (YYYY-MM-DD)") from None


def _plan_or_live(uow: Any, wid: int, plan_id: int | None) -> Any:
    """The plan asked for, else the live plan; InvalidInput saying how to make one when there is none."""
    from tradeoff.plans import service as plan_service

    p = plan_service.get(uow=uow, workspace_id=wid, plan_id=plan_id) if plan_id else \
        plan_service.live_plan(uow=uow, workspace_id=wid)
    if p is None:
        raise InvalidInput("no plan yet: create one (tradeoff plans create -w W --name H1 --start YYYY-MM-DD) "
                           "and mark it live, or give its id")
    return p


def plan(
    workspace: Workspace,
    plan_id: Annotated[int | None, typer.Argument(help="The plan (default: the live plan).")] = None,
    solve: Annotated[bool, typer.Option("--solve", help="Solve again even if the plan has an answer.")] = False,
    fresh: Annotated[bool, typer.Option(
        "--fresh", help="With --solve: re-plan from scratch instead of keeping close to the last answer.")] = False,
    time_limit: Annotated[float | None, typer.Option(min=0.1, max=600, help="Seconds for the solver.")] = None,
    add_people: Annotated[list[str] | None, typer.Option(
        "--add-people", help="What-if: TEAM_ID=PEOPLE full-time people added (repeatable).")] = None,
    joining: Annotated[str | None, typer.Option(
        "--joining", help="What-if: the day the people added join, YYYY-MM-DD (default: the plan's start).")] = None,
    ramp_up_weeks: Annotated[int, typer.Option(
        "--ramp-up-weeks", min=0, max=52,
        help="What-if: weeks until the people added work at full pace (their pace rises evenly).")] = 0,
    drop: Annotated[list[int] | None, typer.Option("--drop", help="What-if: drop this feature (repeatable).")] = None,
    move_deadline: Annotated[list[str] | None, typer.Option(
        "--move-deadline", help="What-if: FEATURE_ID=YYYY-MM-DD (repeatable).")] = None,
    cut_scope: Annotated[list[str] | None, typer.Option(
        "--cut-scope", help="What-if: FEATURE_ID=SHARE of the effort kept, e.g. 12=0.6 (repeatable).")] = None,
    name: Annotated[str, typer.Option(
        "--name", help="What-if: its name (default: named after its changes).")] = "",
    save: Annotated[bool, typer.Option(
        "--save", help="What-if: keep it on the plan, to compare side by side (tradeoff what-ifs).")] = False,
    mark_planned: Annotated[bool, typer.Option(
        "--mark-planned", help="Adopt the plan: mark the features it chooses that are still ideas or in discovery "
                               "as planned (the board and the briefs date only planned work).")] = False,
    as_json: Json = False,
) -> None:
    """The optimal plan: features per period and team, value, the optimality gap, and the greedy plan beside it.
    With --add-people, --drop, --move-deadline or --cut-scope: a what-if scenario solved beside the plan, which
    itself is not changed; --save keeps it to compare with others."""
    from tradeoff.core.formula import format_amount
    from tradeoff.plans import adopt
    from tradeoff.plans import saved as saved_what_ifs
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.schemas import AddPeople, CutScope, MoveDeadline, SolveIn, WhatIfIn
    from tradeoff.records.schemas import to_json

    what_if = any([add_people, drop, move_deadline, cut_scope])
    if (joining or ramp_up_weeks) and not add_people:
        raise InvalidInput("--joining and --ramp-up-weeks describe the people added: give --add-people TEAM_ID=PEOPLE")
    if mark_planned and what_if:
        raise InvalidInput("--mark-planned adopts the plan itself, not a what-if: leave out the what-if options")
    if (save or name) and not what_if:
        raise InvalidInput("--save and --name are for a what-if: give --add-people, --drop, --move-deadline or "
                           "--cut-scope")
    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        p = _plan_or_live(uow, wid, plan_id)
        if what_if:
            data = WhatIfIn(
                add_people=[AddPeople(team_id=_int(a, "--add-people"), people=_number(b, "--add-people"),
                                      start=_day(joining, "--joining") if joining else None,
                                      ramp_up_weeks=ramp_up_weeks)
                            for a, b in _pairs(add_people, "--add-people")],
                drop_features=list(drop or []),
                move_deadlines=[MoveDeadline(feature_id=_int(a, "--move-deadline"), deadline=_day(b, "--move-deadline"))
                                for a, b in _pairs(move_deadline, "--move-deadline")],
                cut_scope=[CutScope(feature_id=_int(a, "--cut-scope"), keep=_number(b, "--cut-scope"))
                           for a, b in _pairs(cut_scope, "--cut-scope")],
                time_limit=time_limit, name=name)
            if save:
                kept = saved_what_ifs.save(uow=uow, workspace_id=wid, actor=state.actor, plan_id=p.id, data=data)
                result = to_json({**kept.result, "saved_what_if_id": kept.id})
            else:
                result = to_json(plan_service.what_if(uow=uow, workspace_id=wid, plan_id=p.id, data=data))
            name = p.name
        else:
            if solve or fresh or not p.result:
                p = plan_service.solve(uow=uow, workspace_id=wid, actor=state.actor, plan_id=p.id,
                                       data=SolveIn(time_limit=time_limit, fresh=fresh))
            marked = ([{"id": f.id, "title": f.title} for f in adopt.mark_planned(
                uow=uow, workspace_id=wid, actor=state.actor, plan_id=p.id)] if mark_planned else [])
            changed = plan_service.changed_since_solved(uow=uow, workspace_id=wid, plan=p)
            result = {"plan_id": p.id, "name": p.name, "start": p.start.isoformat(), "live": p.live,
                      "solved_at": p.solved_at, **(p.result or {}),
                      "changed_since_solved": [{"what": said, "count": n} for said, _, n in changed],
                      "marked_planned": marked,
                      "not_planned": [{"id": f.id, "title": f.title, "status": f.status}
                                      for f in adopt.chosen_not_planned(uow=uow, workspace_id=wid, plan=p)]}
            result = to_json(result)
            name = p.name
    if as_json:
        emit_json(result)
        return
    if what_if:
        _print_plan(name, result["plan"])
        sc = result["scenario"]
        if sc.get("infeasible"):
            typer.echo(f"\nwhat-if '{sc['name']}': infeasible — {sc['infeasible']}")
            return
        _print_plan(f"what-if '{sc['name']}'", sc)
        d = result["diff"] or {}
        unit = result["plan"].get("value_unit", "")
        difference = format_amount(d.get("value_difference", 0), unit, signed=True)
        typer.echo(f"\nvalue difference (what-if − plan): {difference}")
        for key in ("added", "removed"):
            if d.get(key):
                typer.echo(f"{key}: " + ", ".join(f"{x['title']} (#{x['feature_id']})"
                                                  + (f": {x['reason']}" if x.get("reason") else "") for x in d[key]))
        for m in d.get("moved", []):
            typer.echo(f"moved: {m['title']} (#{m['feature_id']}) period {m['from_period']} → {m['to_period']}")
        dates = result.get("dates") or {}
        if dates.get("status") == "ok":
            for c in dates["commitments"]:
                def pct(x: float | None) -> str:
                    return f"{x:.0%}" if x is not None else "not in it"
                moved = f" (due {c['what_if_due']} in it)" if c.get("what_if_due", c["due"]) != c["due"] else ""
                typer.echo(f"promise: {c['title']} for {c['customer']} by {c['due']}: {pct(c['plan_probability'])} "
                           f"with the plan, {pct(c['what_if_probability'])} with the what-if{moved}")
            for f in dates.get("moves", []):
                typer.echo(f"P85: {f['title']} {f['plan_p85']} → {f['what_if_p85']}")
        elif dates:
            typer.echo(f"no dates: {dates.get('reason')}")
        if result.get("saved_what_if_id"):
            typer.echo(f"saved as what-if {result['saved_what_if_id']}: compare with the others in "
                       f"tradeoff what-ifs -w {workspace}")
        return
    _print_plan(name, result)
    if result["marked_planned"]:
        typer.echo("marked planned: " + ", ".join(f"{f['title']} (#{f['id']})" for f in result["marked_planned"]))
    if result["not_planned"]:
        typer.echo(f"{len(result['not_planned'])} of the features it chooses are still ideas or in discovery: the "
                   "board and the briefs date only planned work (tradeoff plan --mark-planned)")
    if result["changed_since_solved"]:
        typer.echo("changed since it was solved: " + ", ".join(c["what"] for c in result["changed_since_solved"])
                   + " — the plan may no longer hold: solve it again (--solve)")


def _periods(row: dict[str, Any]) -> str:
    """'3', or '3–4' for work spread over periods 3 and 4."""
    first = row.get("first_period", row["period"])
    return f"{first + 1}–{row['period'] + 1}" if first != row["period"] else str(row["period"] + 1)


def _print_plan(name: str, r: dict[str, Any]) -> None:
    from tradeoff.core.formula import format_amount
    from tradeoff.plans import service as plan_service

    unit = r.get("value_unit", "")
    emit_table([{"period": _periods(x), "from": x["period_start"], "team": " + ".join(x.get("effort_by_team") or [x["team"]]), "feature":
                 f"{x['title']} (#{x['feature_id']})", "effort": f"{x['effort_days']:g} d",
                 "value": format_amount(x["value"], unit) if x["value"] > 0 else "—",
                 "kind": x["category"] + (", in progress" if x.get("in_progress") else ""), "promised": "; ".join(x["committed_to"])} for x in r["schedule"]],
               ["period", "from", "team", "feature", "effort", "value", "kind", "promised"], title=f"plan: {name}")
    g = r["greedy"]
    pct = f" ({r['value_difference_pct']:+.1%})" if r.get("value_difference_pct") is not None else ""
    typer.echo(f"value {format_amount(r['value'], unit)} ({r['value_note']}); proven bound "
               f"{format_amount(r['bound'], unit)}, gap {r['gap']:.2%}, "
               f"{r['status']} in {r['seconds']:.2f} s")
    typer.echo(f"sort-by-value-and-fill would get {format_amount(g['value'], unit)}"
               + ("" if g["feasible"] else " (and misses a must-have)")
               + f"; difference {format_amount(r['value_difference'], unit, signed=True)}"
               + pct)
    delivered = r.get("delivered", [])
    if delivered:
        typer.echo("value delivered by: " + " · ".join(
            f"{delivered[k]['end']} {format_amount(delivered[k]['value'], unit)}" for k in r.get("milestones", [])
            if k < len(delivered)))
    for e in r.get("excluded", []):
        typer.echo(f"not planned: {e['title']} (#{e['feature_id']}): {e['reason']}")
    for n in r.get("notes", []):
        typer.echo(f"note: {n}")
    if r.get("since_last"):
        typer.echo(f"last solve {plan_service.since_last_text(r['since_last'])}")


def forecast(
    workspace: Workspace,
    plan_id: Annotated[int | None, typer.Option("--plan", help="Forecast this solved plan's features only.")] = None,
    target: Annotated[str | None, typer.Option(help="YYYY-MM-DD: the chance of being done by then.")] = None,
    source: Annotated[str, typer.Option(help="auto, capacity or history (team pace).")] = "auto",
    trials: Annotated[int, typer.Option(min=100, max=50_000)] = 2000,
    as_json: Json = False,
    csv_file: CsvOut = None,
) -> None:
    """P50 / P85 / P95 dates of every feature, release and the whole plan, and P(done by --target)."""
    from tradeoff.exports import views as export_views
    from tradeoff.forecasts import service as forecast_service
    from tradeoff.records.schemas import to_json

    if source not in ("auto", "capacity", "history"):
        raise InvalidInput(f"--source must be auto, capacity or history, got {source}")
    try:
        when = date.fromisoformat(target) if target else None
    except ValueError as exc:
        raise InvalidInput(f"--target '{target}' is not a date (YYYY-MM-DD)") from exc
    src: Literal["auto", "capacity", "history"] = source  # type: ignore[assignment]
    with cli_state().container.unit_of_work() as uow:
        fc = forecast_service.forecast(uow=uow, workspace_id=workspace_id(uow, workspace), today=date.today(),
                                       plan_id=plan_id, target=when, source=src, trials=trials)
    if csv_file is not None:
        emit_csv(export_views.forecast(to_json(fc)), csv_file)
        return
    if as_json:
        emit_json(to_json(fc))
        return
    if fc["status"] != "ok":
        typer.echo(f"no forecast: {fc['reason']}")
        return
    cols = ["feature", "team", "P50", "P85", "P95", "P50 against plan"] + (["P(by target)"] if when else [])
    emit_table([{"feature": f"{f['title']} (#{f['feature_id']})", "team": " + ".join([f["team"], *f.get("shared_with", [])]), "P50": f["p50"],
                 "P85": f["p85"], "P95": f["p95"], "P50 against plan": _against_plan(f),
                 "P(by target)": f"{f['probability_by_target']:.0%}" if when else None} for f in fc["features"]],
               cols, title=f"forecast from {fc['start']} ({fc['trials']} trials)")
    for r in fc["releases"]:
        if r["p50"] is None:
            typer.echo(f"release {r['name']}: not forecast (none of its features is estimated and open)")
            continue
        aim = (f"; {r['target_probability']:.0%} chance by its target {r['target']}" if r["target"] else "")
        last = f"; latest P85: {r['features'][0]['title']}" if r["features"] else ""
        plan = f"; {r['plan_note']}" if r.get("plan_note") else ""
        typer.echo(f"release {r['name']}: P50 {r['p50']}, P85 {r['p85']}, P95 {r['p95']}{aim}{last}{plan}")
    if fc["plan"]:
        p = fc["plan"]
        planned = sum(1 for f in fc["features"] if f.get("planned_from"))
        rest = len(fc["features"]) - planned
        typer.echo(f"all {len(fc['features'])} features forecast ({planned} in the plan"
                   + (f", then {rest} estimated but not planned" if rest else "") + f"): P50 {p['p50']}, "
                   f"P85 {p['p85']}, P95 {p['p95']}"
                   + (f"; {p['probability_by_target']:.0%} by {target}" if when else ""))
        if fc.get("planned_features"):
            q = fc["planned_features"]
            typer.echo(f"the plan's {q['count']} features alone: P50 {q['p50']}, P85 {q['p85']}, P95 {q['p95']}"
                       + (f"; {q['probability_by_target']:.0%} by {target}" if when and "probability_by_target" in q
                          else ""))
    for t in fc["teams"]:
        typer.echo(f"team {t['team']}: {t['explanation']}")
    for b in fc.get("blockers", []):
        typer.echo(f"{b['kind']} #{b['blocker_id']} {b['title']}" + (f" ({b['likelihood']:.0%} likely)"
                                                                      if b["likelihood"] < 1 else "")
                   + (f": done by {b['p85']} at 85%, before " + ", ".join(h["title"] for h in b["held_up"])
                      if b["counted"] else f": not counted, {b['reason']}"))
    for s in fc["skipped"]:
        typer.echo(f"not forecast: {s['title']} (#{s['feature_id']}): {s['reason']}")
    tp = fc.get("throughput") or {}
    if tp.get("status") == "ok":
        typer.echo("throughput: " + "; ".join(f"next {c['weeks']} weeks ≥ {c['p85']} items (85%)" for c in tp["counts"]))
    elif tp:
        typer.echo(f"throughput forecast declined: {tp['reason']}")


def _against_plan(f: dict[str, Any]) -> str:
    """A forecast row's P50 beside the plan's window for it, in a few words."""
    if f.get("against_plan") is None:
        return "not planned"
    window = f"{f['planned_from']} → {f['planned_to']}"
    return {"later": f"after {window}", "sooner": f"before {window}"}.get(f["against_plan"], f"in {window}")


def commitments_overview(
    ctx: typer.Context,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", envvar="TRADEOFF_WORKSPACE",
                                                  help="Workspace slug.")] = None,
    at_risk: Annotated[bool, typer.Option("--at-risk", help="Only commitments below the threshold.")] = False,
    recompute: Annotated[bool, typer.Option("--recompute", help="Re-forecast every commitment first.")] = False,
    customer: Annotated[int | None, typer.Option("--customer", help="Only promises to this customer (id).")] = None,
    set_threshold: Annotated[float | None, typer.Option(
        "--set-threshold", help="First change the workspace's risk threshold (a chance, e.g. 0.8): promises below "
                                "it are at risk.")] = None,
    as_json: Json = False,
    csv_file: CsvOut = None,
) -> None:
    """Commitments with their chance of being kept and the ARR at stake. Subcommands manage commitments."""
    if ctx.invoked_subcommand is not None:
        return
    from tradeoff.commitments import service as commitment_service
    from tradeoff.customers import service as customer_service
    from tradeoff.exports import views as export_views
    from tradeoff.records import service as records
    from tradeoff.records.schemas import to_json

    if not workspace:
        raise InvalidInput("give --workspace (or set TRADEOFF_WORKSPACE)")
    events: list[Any] = []
    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        if set_threshold is not None:
            commitment_service.set_threshold(uow=uow, workspace_id=wid, actor=state.actor, value=set_threshold)
        if recompute:
            events = commitment_service.recompute(uow=uow, workspace_id=wid, today=date.today())["events"]
        if customer is not None:
            records.get(uow=uow, spec=customer_service.SPEC, workspace_id=wid, record_id=customer)
        res = commitment_service.overview(uow=uow, workspace_id=wid, at_risk_only=at_risk, customer_id=customer)
    res = to_json(res | ({"events": events} if recompute else {}))
    if csv_file is not None:
        emit_csv(export_views.commitments(res), csv_file)
        return
    if as_json:
        emit_json(res)
        return
    emit_table([{"id": r["id"], "feature": r["feature"], "customer": r["customer"], "due": r["due"],
                 "chance": "—" if r["probability"] is None else f"{r['probability']:.0%}",
                 "ARR at stake": "prospect" if r["prospect"] else f"{r['currency']} {r['arr_at_stake']:,.0f}",
                 "open deal": f"{r['currency']} {r['deal_at_stake']:,.0f}"
                 + (f" by {r['deal_close']}" if r["deal_close"] else "") if r["deal_at_stake"] else "",
                 "at risk": (f"yes; {res['threshold']:.0%} by {r['kept_by']}" if r["kept_by"] else "yes")
                 if r["at_risk"] else "",
                 "promised by": r["promised_by"]} for r in res["items"]],
               ["id", "feature", "customer", "due", "chance", "ARR at stake", "open deal", "at risk", "promised by"],
               title=f"commitments (at risk below {res['threshold']:.0%})")
    arr = ", ".join(f"{c} {a:,.0f}" for c, a in res["arr_at_risk"].items()) or "none"
    t = res.get("arr_at_risk_total")
    if t and (len(res["arr_at_risk"]) > 1 or t["currency"] not in res["arr_at_risk"]):  # several currencies: in one
        arr += f" (in all: {t['currency']} {t['amount']:,.0f}{'; ' + t['left_out'] if t.get('left_out') else ''})"
    typer.echo(f"{res['at_risk_count']} at risk; ARR at risk: {arr}")
    for r in res["items"]:
        if (r.get("plan_check") or {}).get("conflict"):
            typer.echo(f"commitment {r['id']} ({r['feature']} for {r['customer']}): {r['plan_check']['detail']}")
    for e in events:
        typer.echo(f"commitment {e['commitment_id']}: {e['kind'].replace('_', ' ')}")


def workitems(
    file: Annotated[Path, typer.Argument(help="The CSV file ('-' for standard input).")],
    workspace: Workspace,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="FIELD=COLUMN, repeatable. Fields: key, title (required), description, type, status, "
                      "resolution, created, started, resolved, points, feature. Unmapped fields are guessed (Jira, "
                      "Azure DevOps, GitHub); FIELD= turns a guess off. A number in a feature column is a Tradeoff "
                      "feature id only when the column is mapped here.")] = None,
    team: Annotated[int | None, typer.Option("--team", help="Team id the items belong to.")] = None,
    key_prefix: Annotated[str, typer.Option("--key-prefix", help="Put before every key (e.g. GH-), so that "
                                            "another tracker's keys do not meet this file's.")] = "",
    date_format: Annotated[str | None, typer.Option(help="strftime format of the dates, e.g. %d/%m/%Y.")] = None,
    skip_bad_rows: Annotated[bool, typer.Option(help="Import the good rows and report the bad ones.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would be imported and write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Import work history (finished and open work items) from a tracker's CSV export, all or nothing.
    Items already imported (same key) are updated."""
    from tradeoff.cli.imports import _read, _refused
    from tradeoff.records.schemas import to_json
    from tradeoff.workitems.importer import WorkItemOptions, apply_import, parse_mapping, plan_import

    data = _read(file)
    options = WorkItemOptions(filename=file.name if str(file) != "-" else "stdin", mapping=parse_mapping(mapping or []),
                              date_format=date_format, skip_bad_rows=skip_bad_rows, team_id=team,
                              key_prefix=key_prefix)
    state = cli_state()
    try:
        with state.container.unit_of_work() as uow:
            wid = workspace_id(uow, workspace)
            p = plan_import(uow=uow, workspace_id=wid, data=data, options=options)
            result = p.preview() if dry_run else apply_import(uow=uow, workspace_id=wid, actor=state.actor, plan=p)
    except InvalidInput as exc:
        _refused(exc)
    if as_json:
        emit_json(to_json(result))
    elif dry_run:
        mapped = ", ".join(f"{f} ← '{c}'" for f, c in result["mapping"].items())
        typer.echo(f"{result['file']}: {result['rows']} rows; {mapped}")
        typer.echo(f"would create {result['would_create']} and update {result['would_update']} work items "
                   f"({result['finished_rows']} finished, {result['with_points']} with points); "
                   f"{result['bad_row_count']} bad rows")
        for b in result["bad_rows"]:
            typer.echo(f"  row {b['row']} (line {b['line']}), {b['field']}: {b['reason']}")
        _echo_outcome(result)
        for b in result["blockers"]:
            typer.echo(f"not ready: {b['message']}")
        typer.echo("dry run: nothing written.")
    else:
        typer.echo(f"imported {result['created']} new and updated {result['updated']} work items from "
                   f"{result['file']}; skipped {result['skipped_row_count']} rows")
        _echo_outcome(result)
    if dry_run and not result["ready"]:  # as the other imports: a script tells "would be refused" by the exit code
        raise typer.Exit(1)


def _echo_outcome(result: dict[str, Any]) -> None:
    """Feature links and the importer's notes (cancelled work, feature values that matched nothing, ...)."""
    links = ", ".join(f"{result[f'feature_links_{k}']} {k}" for k in ("changed", "kept", "cleared")
                      if result[f"feature_links_{k}"])
    typer.echo(f"linked to features: {result['linked_to_features']}" + (f" (links {links})" if links else ""))
    for note in result["notes"]:
        typer.echo(f"note: {note}")


def delivery(
    workspace: Workspace,
    feature_id: Annotated[int, typer.Argument(help="The feature's id.")],
    as_json: Json = False,
) -> None:
    """Where a feature stands on its way to customers: estimate, place in the live plan, P50/P85/P95 dates
    and the commitments that depend on it."""
    from tradeoff.forecasts.delivery import feature_delivery
    from tradeoff.records.schemas import to_json

    with cli_state().container.unit_of_work() as uow:
        d = feature_delivery(uow=uow, workspace_id=workspace_id(uow, workspace), feature_id=feature_id,
                             today=date.today())
    if as_json:
        emit_json(to_json(d))
        return
    typer.echo(f"{d['title']} (#{d['feature_id']}, {d['status'].replace('_', ' ')})")
    e = d["estimate"]
    unit = "person-days" if e and e["unit"] == "days" else e["unit"] if e else ""
    split = ", ".join(f"{s['team']} {s['share']:.0%}" for s in e["split"]) if e else ""
    typer.echo("estimate: " + (f"{e['optimistic']:g}-{e['pessimistic']:g} {unit}, likely {e['likely']:g}"
                               + (f" ({split})" if split else "") if e else "not estimated yet"))
    if e and e.get("progress"):
        typer.echo(f"progress: {e['progress']['summary']}; the plan and the forecast count what is left")
    p = d["plan"]
    if p is not None:
        where = (f"period {p['first_period']}" + (f"-{p['period']}" if p["period"] != p["first_period"] else "")
                 + f", {p['team']}, scheduled by {p['period_end']} at average pace (the forecast gives the chance)"
                 if p["scheduled"] else p["reason"])
        typer.echo(f"live plan{' ' + repr(p['plan_name']) if p['plan_name'] else ''}: {where}")
    for r in d["releases"]:
        chance = ("" if not r["target"] else f", target {r['target']}: " + (
            "made" if r["made"] else "chance unknown" if r["probability"] is None else f"{r['probability']:.0%}"
            + (f" (at risk; likely enough by {r['kept_by']})" if r["at_risk"] and r["kept_by"] else
               " (at risk)" if r["at_risk"] else "")))
        typer.echo(f"release {r['name']!r} ({r['features']} feature{'s' * (r['features'] != 1)}){chance}")
    f = d["forecast"]
    typer.echo(f"forecast: P50 {f['p50']}, P85 {f['p85']}, P95 {f['p95']}" if f else
               f"forecast: none ({d['forecast_reason']})")
    for b in (f or {}).get("held_up_by", []):
        typer.echo(f"waits for {b['kind']} #{b['blocker_id']} {b['title']}, done by {b['p85']} at 85%")
    for c in d["commitments"]:
        chance = "unknown" if c["probability"] is None else f"{c['probability']:.0%}"
        risk = (f" (at risk; likely enough by {c['kept_by']})" if c["kept_by"] else " (at risk)") if c["at_risk"] else ""
        typer.echo(f"promised to {c['customer']} by {c['due']}: {chance}{risk}")
    if not d["commitments"]:
        typer.echo("promised to: nobody")


def what_ifs(
    workspace: Workspace,
    plan_id: Annotated[int | None, typer.Argument(help="The plan (default: the live plan).")] = None,
    compare_again: Annotated[int | None, typer.Option(
        "--compare-again", help="Solve this saved what-if again against the plan's answer as it is now.")] = None,
    delete: Annotated[int | None, typer.Option("--delete", help="Delete this saved what-if.")] = None,
    as_json: Json = False,
) -> None:
    """The plan's saved what-ifs side by side: value, difference, what each adds, leaves out and moves, and each
    promise's chance. Save one with tradeoff plan ... --save."""
    from tradeoff.core.formula import format_amount
    from tradeoff.plans import saved as saved_what_ifs
    from tradeoff.records.schemas import to_json

    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        p = _plan_or_live(uow, wid, plan_id)
        if compare_again is not None:
            saved_what_ifs.compare_again(uow=uow, workspace_id=wid, actor=state.actor, plan_id=p.id,
                                         what_if_id=compare_again)
        if delete is not None:
            saved_what_ifs.delete(uow=uow, workspace_id=wid, actor=state.actor, plan_id=p.id, what_if_id=delete)
        result = to_json(saved_what_ifs.side_by_side(uow=uow, workspace_id=wid, plan_id=p.id))
    if as_json:
        emit_json(result)
        return
    if not result["what_ifs"]:
        typer.echo(f"plan '{result['plan_name']}' has no saved what-ifs: save one with tradeoff plan -w {workspace} "
                   "--add-people TEAM_ID=1 --save")
        return
    unit = result["value_unit"]

    def titles(rows: list[dict[str, Any]]) -> str:
        return "; ".join(x["title"] for x in rows) or "none"

    emit_table([{"id": w["id"], "what-if": w["name"] + (" (the plan was solved again since)" if w["outdated"] else ""),
                 "value": "no feasible plan" if w["infeasible"] else format_amount(w["value"], unit),
                 "difference": format_amount(w["value_difference"], unit, signed=True)
                 if w["value_difference"] is not None else "—",
                 "added": titles(w["added"]), "left out": titles(w["removed"]), "moved": str(len(w["moved"]))}
                for w in result["what_ifs"]],
               ["id", "what-if", "value", "difference", "added", "left out", "moved"],
               title=f"saved what-ifs of plan '{result['plan_name']}' (value {format_amount(result['plan_value'], unit)})")
    for c in result["promises"]:
        chances = ", ".join((f"{w['name']} {x:.0%}" + (f" by {due}" if due else "")) if x is not None
                            else f"{w['name']} not in it"
                            for w, x, due in zip(result["what_ifs"], c["what_ifs"], c["what_if_dues"], strict=True))
        plan_chance = f"{c['plan_probability']:.0%}" if c["plan_probability"] is not None else "—"
        typer.echo(f"promise: {c['title']} for {c['customer']} by {c['due']}: plan {plan_chance}; {chances}")
    if any(w["outdated"] for w in result["what_ifs"]):
        typer.echo("some were compared with an earlier answer of the plan: --compare-again ID solves one again")


def register(root: typer.Typer) -> None:
    root.command("plan")(plan)
    root.command("what-ifs")(what_ifs)
    root.command("forecast")(forecast)
    root.command("delivery")(delivery)
    for group in root.registered_groups:
        if group.name == "commitments" and group.typer_instance is not None:
            group.typer_instance.info.no_args_is_help = False
            group.typer_instance.callback(invoke_without_command=True)(commitments_overview)
        if group.name == "import" and group.typer_instance is not None:
            group.typer_instance.command("workitems")(workitems)
