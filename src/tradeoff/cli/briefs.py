"""`tradeoff brief`, `tradeoff blocker add|list|impact|update|close`, `tradeoff implications`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tradeoff.briefs.document import AUDIENCES, FORMATS
from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import FieldError, InvalidInput

blocker_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True,
                          help="Technical blockers and risks, and their business impact.")


def _now(as_of: str | None) -> datetime:
    from tradeoff.storage.base import utcnow

    if not as_of:
        return utcnow()
    try:
        d = datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise InvalidInput(f"--as-of '{as_of}' is not an ISO date (YYYY-MM-DD)",
                           [FieldError(["option", "as-of"], "not a date", as_of)]) from exc
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def brief(
    audience: Annotated[str, typer.Argument(help=f"One of {', '.join(AUDIENCES)}.")],
    workspace: Workspace,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "md",
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write ('-' for standard output).")] = Path("-"),
    product: Annotated[str | None, typer.Option(help="Product id or name (default: the whole roadmap).")] = None,
    release: Annotated[str | None, typer.Option(help="A release of the live plan.")] = None,
    customer: Annotated[int | None, typer.Option(help="Customer brief for this customer id.")] = None,
    save: Annotated[bool, typer.Option("--save", help="Also save this brief as a version.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print what changed since the last saved version.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the data is read as of (default today).")] = None,
) -> None:
    """Write a brief for exec, engineering, sales or customers as md, html, pdf or text."""
    from tradeoff.accounts import service as accounts
    from tradeoff.briefs import service as briefs

    briefs.check_audience(audience)
    briefs.check_format(fmt)
    now = _now(as_of)
    state = cli_state()
    with state.container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
        req = briefs.Request(audience, product, release, customer)
        if diff:
            res = briefs.diff(uow=uow, workspace_id=ws.id, slug=ws.slug, req=req, now=now)
            typer.echo(res["diff"] or f"no change since version {res['from']['number']}")
            return
        b = briefs.build(uow=uow, workspace_id=ws.id, slug=ws.slug, req=req, now=now)
        data = briefs.render(b, fmt, ws.slug)
        if save:
            v, changed = briefs.save(uow=uow, workspace_id=ws.id, slug=ws.slug, actor=state.actor, req=req, now=now)
            typer.echo(f"saved {audience} brief version {v.number}" + ("" if changed else " (unchanged)"), err=True)
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {audience} brief ({fmt}, {len(data):,} bytes) to {out}", err=True)


def blocker_add(
    workspace: Workspace,
    title: Annotated[str, typer.Option(help="What blocks, in a sentence.")],
    feature: Annotated[list[int], typer.Option(help="Affected feature id (repeat for several).")],
    extra: Annotated[str, typer.Option(help="Extra effort in person-days: 'optimistic,likely,pessimistic'.")],
    component: Annotated[int | None, typer.Option(help="Component id.")] = None,
    kind: Annotated[str, typer.Option(help="blocker or risk.")] = "blocker",
    likelihood: Annotated[float, typer.Option(help="The chance its work is needed, 0-1: 1 for a blocker, a "
                                                   "risk's chance of happening.")] = 1.0,
    description: Annotated[str, typer.Option(help="More detail.")] = "",
    as_json: Json = False,
) -> None:
    """Record a technical blocker or risk and print its business impact. Every forecast counts it until it is
    closed."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.blockers.schemas import BlockerCreate
    from tradeoff.storage.base import utcnow

    o, m, p = _extra(extra)
    from pydantic import ValidationError

    try:
        data = BlockerCreate(title=title, feature_ids=feature, extra_optimistic=o, extra_likely=m,
                             extra_pessimistic=p, component_id=component, kind=kind,  # type: ignore[arg-type]
                             description=description, likelihood=likelihood)
    except ValidationError as exc:
        errs = [FieldError(["option", *[str(x) for x in e["loc"]]], e["msg"]) for e in exc.errors()]
        raise InvalidInput("invalid blocker: " + "; ".join(f"{'.'.join(map(str, e.loc[1:]))}: {e.msg}" for e in errs),
                           errs) from exc
    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        b = blocker_service.create(uow=uow, workspace_id=wid, actor=state.actor, data=data)
        res = blocker_service.impact(uow=uow, workspace_id=wid, blocker=b, now=utcnow())
    _print_impact(res, as_json)


def _extra(extra: str) -> tuple[float, float, float]:
    try:
        o, m, p = (float(x) for x in extra.split(","))
    except ValueError as exc:
        raise InvalidInput(f"--extra '{extra}' must be three numbers 'optimistic,likely,pessimistic' (person-days)",
                           [FieldError(["option", "extra"], "not three numbers", extra)]) from exc
    return o, m, p


def blocker_update(
    blocker_id: int,
    workspace: Workspace,
    likelihood: Annotated[float | None, typer.Option(help="The chance its work is needed, 0-1.")] = None,
    extra: Annotated[str | None, typer.Option(help="Extra person-days: 'optimistic,likely,pessimistic'.")] = None,
    kind: Annotated[str | None, typer.Option(help="blocker or risk (a blocker is certain).")] = None,
    feature: Annotated[list[int] | None, typer.Option(help="The features it holds up, all of them (repeat).")] = None,
    title: Annotated[str | None, typer.Option(help="What blocks, in a sentence.")] = None,
    version: Annotated[int | None, typer.Option(help="Refuse the change if the blocker is no longer at this "
                                                     "version (someone changed it since you read it).")] = None,
    as_json: Json = False,
) -> None:
    """Change what is known of a blocker or risk and print its business impact now."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.blockers.schemas import BlockerUpdate
    from tradeoff.storage.base import utcnow

    given: dict[str, object] = {"likelihood": likelihood, "kind": kind, "feature_ids": feature or None, "title": title}
    if extra is not None:
        given |= dict(zip(("extra_optimistic", "extra_likely", "extra_pessimistic"), _extra(extra), strict=True))
    data = BlockerUpdate.model_validate({k: v for k, v in given.items() if v is not None})
    if not data.model_fields_set:
        raise InvalidInput("nothing to change: give --likelihood, --extra, --kind, --feature or --title",
                           [FieldError(["option"], "no change")])
    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        b = blocker_service.update(uow=uow, workspace_id=wid, actor=state.actor, blocker_id=blocker_id, data=data,
                                   if_match=version)
        res = blocker_service.impact(uow=uow, workspace_id=wid, blocker=b, now=utcnow())
    _print_impact(res, as_json)


def blocker_list(workspace: Workspace, as_json: Json = False) -> None:
    """Open blockers and risks, each with the date its work is done at 85% (every forecast counts them)."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.insights.schemas import encode
    from tradeoff.storage.base import utcnow

    with cli_state().container.unit_of_work() as uow:
        rows = blocker_service.listed(uow=uow, workspace_id=workspace_id(uow, workspace), today=utcnow().date())
    if as_json:
        emit_json(encode(rows))
        return
    emit_table([r | {"extra": f"{r['extra_optimistic']:g}-{r['extra_likely']:g}-{r['extra_pessimistic']:g}",
                     "chance": f"{r['likelihood']:.0%}", "features": ", ".join(map(str, r["feature_ids"])),
                     "done by (85%)": r["done_by_p85"] or "not forecast"} for r in rows],
               ["id", "kind", "title", "extra", "chance", "features", "done by (85%)"],
               title="open blockers (extra person-days)")


def blocker_close(blocker_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Close a blocker or risk: resolved, or no longer a risk (the audit log keeps it)."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.insights.schemas import encode

    state = cli_state()
    with state.container.unit_of_work() as uow:
        b = blocker_service.archive(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                    blocker_id=blocker_id)
        row = blocker_service.out(b)
    if as_json:
        emit_json(encode(row))
        return
    typer.echo(f"closed {row['kind']} {row['id']}: {row['title']}")


def blocker_impact(blocker_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Business impact of a blocker: features slipping at P85, commitments, ARR and customers, objectives."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.storage.base import utcnow

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        b = blocker_service.get(uow=uow, workspace_id=wid, blocker_id=blocker_id)
        res = blocker_service.impact(uow=uow, workspace_id=wid, blocker=b, now=utcnow())
    _print_impact(res, as_json)


def _print_impact(res: dict, as_json: bool) -> None:  # type: ignore[type-arg]
    from tradeoff.insights.schemas import encode

    if as_json:
        emit_json(encode(res))
        return
    typer.echo(res["summary"])
    if res["slips"]:
        emit_table(res["slips"], ["feature_id", "title", "p85_before", "p85_after", "slip_days"],
                   title="features slipping at P85")
    if res["commitments"]:
        emit_table(res["commitments"], ["customer", "feature_id", "due", "probability_before", "probability_after",
                                        "falls_below"], title="commitments")
    if res["customers"]:
        t = res["arr_total"]
        at = f"ARR in {t['currency']}" if t else ""
        emit_table([c | {"ARR": f"{c['currency']} {c['arr']:,.0f}",
                         at: "no rate" if c["arr_in_workspace_currency"] is None else
                         f"{c['arr_in_workspace_currency']:,.0f}"} for c in res["customers"]],
                   ["customer_id", "name", "ARR", *([at] if at else [])],
                   title="customers affected" + (f" (exchange rates: {t['how']})" if t and ";" in t["how"] else ""))


def implications(feature_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """A business request's technical implications: estimate, drivers, components and debt, dependencies."""
    from tradeoff.blockers import service as blocker_service
    from tradeoff.insights.schemas import encode

    with cli_state().container.unit_of_work() as uow:
        res = blocker_service.implications(uow=uow, workspace_id=workspace_id(uow, workspace), feature_id=feature_id)
    if as_json:
        emit_json(encode(res))
        return
    e = res["estimate"]
    typer.echo(f"{res['title']} ({res['status']}): " + (
        f"{e['optimistic']:g}-{e['likely']:g}-{e['pessimistic']:g} {e['unit']}" if e else "not estimated"))
    if res["explanation"]:
        typer.echo(res["explanation"])
    for c in res["components"]:
        typer.echo(f"component {c['name']}: debt {c['debt_level']}/5" + (" (indebted)" if c["indebted"] else ""))
    for d in res["dependencies"]:
        typer.echo(f"depends on #{d['feature_id']} {d['title']} ({d['status']})")
    for b in res["blockers"]:
        typer.echo(f"blocker #{b['id']} {b['title']}")
    for m in res["missing"]:
        typer.echo(f"missing: {m}")


def register(root: typer.Typer) -> None:
    root.command("brief")(brief)
    blocker_app.command("add")(blocker_add)
    blocker_app.command("list")(blocker_list)
    blocker_app.command("impact")(blocker_impact)
    blocker_app.command("update")(blocker_update)
    blocker_app.command("close")(blocker_close)
    root.add_typer(blocker_app, name="blocker")
    root.command("implications")(implications)
