"""`tradeoff triage run|status|tune`, `similar`, `themes`, `theme-to-problem`, `split-notes`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tradeoff.cli.choices import THEME_MIN_SIZE, THEMES_PAGE
from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, parse_filters, record_api, workspace_id
from tradeoff.errors import InvalidInput

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Classify feedback and find duplicates.")


@app.command("run")
def run(workspace: Workspace, again: Annotated[bool, typer.Option("--again", help="Re-triage model-classified items "
                                                                  "(to apply corrections learned since).")] = False) -> None:
    """Triage pending feedback now, with a progress bar."""
    from rich.progress import Progress

    from tradeoff.triage import service as triage
    from tradeoff.triage.worker import drain

    state = cli_state()
    c = state.container
    with c.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        if again:
            triage.retriage(uow=uow, workspace_id=wid)
    with c.unit_of_work() as uow:
        pending = triage.status(uow=uow, workspace_id=wid).pending
    with Progress(transient=False) as bar:
        task = bar.add_task(f"triage ({c.triage.method})", total=max(pending, 1))
        n = drain(c.unit_of_work, c.triage, workspace_id=wid, progress=lambda k: bar.advance(task, k))
    typer.echo(f"triaged {n} feedback items")


@app.command("status")
def status(workspace: Workspace, as_json: Json = False) -> None:
    """How much feedback is triaged, and the workspace's fine-tuned kind model if it has one."""
    from tradeoff.triage import service as triage
    from tradeoff.triage import tuning

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        s = triage.status(uow=uow, workspace_id=wid)
        model = tuning.info(uow=uow, workspace_id=wid)
    data = {"total": s.total, "triaged": s.triaged, "pending": s.pending,
            "kind_model": model.as_dict() if model else None}
    if as_json:
        emit_json(data)
        return
    typer.echo(f"{s.triaged} of {s.total} triaged, {s.pending} pending")
    if model:
        typer.echo(f"kind model: {model.method}, fine-tuned on {model.examples} examples "
                   f"({model.corrections} corrections) on {model.created_at:%Y-%m-%d %H:%M} UTC")


@app.command("tune")
def tune(
    workspace: Workspace,
    members: Annotated[int, typer.Option(min=1, max=9, help="Adapters trained from different seeds.")] = 3,
    epochs: Annotated[int, typer.Option(min=1, max=50, help="Passes over the examples.")] = 5,
    again: Annotated[bool, typer.Option("--retriage/--no-retriage",
                                        help="Re-triage model-classified feedback with the new model.")] = True,
    as_json: Json = False,
) -> None:
    """Fine-tune the workspace's kind model on its corrections now (the ml extra; minutes of CPU)."""
    from rich.progress import Progress

    from tradeoff.embeddings.tuning import TuneSettings
    from tradeoff.triage.worker import drain, tune_workspace

    c = cli_state().container
    with c.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("fine-tuning the kind model", total=None)
        done = tune_workspace(c.unit_of_work, wid, settings=TuneSettings(members=members, epochs=epochs),
                              progress=lambda k, n: bar.update(task, completed=k, total=n), retriage=again)
    if again:
        drain(c.unit_of_work, c.triage, workspace_id=wid)
    if as_json:
        emit_json(done.as_dict())
    else:
        typer.echo(f"kind model: {done.method}, fine-tuned on {done.examples} examples "
                   f"({done.corrections} corrections) in {done.seconds:.0f} s")


def similar(feedback_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Feedback, problems and features that look like the same request."""
    from tradeoff.triage import service as triage

    c = cli_state().container
    with c.unit_of_work() as uow:
        res = triage.similar(uow=uow, workspace_id=workspace_id(uow, workspace), feedback_id=feedback_id,
                             engine=c.triage)
    if as_json:
        emit_json(res)
        return
    rows = [{"kind": k, "id": r["id"], "score": r["score"], "title": " ".join(r["title"].split())[:90]}
            for k in ("feedback", "problem", "feature") for r in res[k]]
    emit_table(rows, ["kind", "id", "score", "title"], title=f"looks like feedback {feedback_id}")


def themes(
    workspace: Workspace,
    min_size: Annotated[int, typer.Option(min=THEME_MIN_SIZE, help="The fewest items of a theme shown (the smaller "
                                                                   "ones are counted).")] = THEME_MIN_SIZE,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Themes shown, largest first.")] = THEMES_PAGE,
    cursor: Annotated[int, typer.Option(min=0, help="The first theme shown: the `next` of the page before.")] = 0,
    as_json: Json = False,
) -> None:
    """Unlinked feedback grouped into named themes, largest first, a page at a time."""
    from tradeoff.insights.schemas import encode
    from tradeoff.storage.base import utcnow
    from tradeoff.triage import service as triage

    with cli_state().container.unit_of_work() as uow:
        overview = triage.themes_overview(uow=uow, workspace_id=workspace_id(uow, workspace), now=utcnow(),
                                          engine=cli_state().container.triage, min_size=min_size, first=cursor,
                                          page_size=limit)
    items = overview["items"]
    if as_json:  # the API's shape: items, total, next, considered, unthemed
        emit_json(encode({**overview, "next": None if overview["next"] is None else str(overview["next"])}))
        return
    emit_table([{"theme": t["label"], "items": t["count"], "customers": t["customer_count"],
                 "ARR": f"{t['currency']} {t['arr']:,.0f}" + "".join(f" (no rate: {c} {a:,.0f})"
                                                                    for c, a in t["arr_left_out"].items()),
                 "last 30 d": t["trend"]["last_30_days"], "ids": ",".join(map(str, t["feedback_ids"][:12])),
                 "like problem": ", ".join(f"#{p['id']}" for p in t["problems"])}
                for t in items], ["theme", "items", "customers", "ARR", "last 30 d", "like problem", "ids"],
               title="themes")
    if overview["total"] > len(items):
        shown = f"{cursor + 1}–{cursor + len(items)}" if items else "none"
        typer.echo(f"themes {shown} of {overview['total']}" + (f"; the next: --cursor {overview['next']}"
                                                                if overview["next"] is not None else ""))
    if overview["smaller_themes"]:
        n, k = overview["smaller_themes"], overview["smaller_items"]
        typer.echo(f"{n} theme{'s' * (n != 1)} under {min_size} items hidden ({k} items; --min-size "
                   f"{THEME_MIN_SIZE} shows them)")
    typer.echo(f"{overview['unthemed']} of {overview['considered']} unlinked items are in no theme "
               "(tradeoff feedback list --filter linked=false)")


def theme_to_problem(
    workspace: Workspace,
    statement: Annotated[str, typer.Option(help="The problem in the user's words.")],
    feedback_id: Annotated[list[int], typer.Option("--feedback-id", help="Repeat for each item of the theme.")],
    persona: Annotated[str, typer.Option()] = "",
    segment: Annotated[str, typer.Option(help="The customer segment the problem is about.")] = "",
    product_id: Annotated[int | None, typer.Option(help="The product it belongs to.")] = None,
    as_json: Json = False,
) -> None:
    """Turn a theme into a problem, linking its feedback as evidence (as the web and API do)."""
    from tradeoff.triage import service as triage
    from tradeoff.triage.schemas import ThemeToProblemIn

    state = cli_state()
    body = ThemeToProblemIn.model_validate({"statement": statement, "feedback_ids": feedback_id, "persona": persona,
                                            "segment": segment, "product_id": product_id})
    with state.container.unit_of_work() as uow:
        p = triage.theme_to_problem(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                    **body.model_dump())
        pid = p.id
    linked = len(set(feedback_id))
    if as_json:
        emit_json({"problem_id": pid, "statement": statement, "evidence_linked": linked})
        return
    typer.echo(f"created problem {pid} with {linked} pieces of evidence")


def theme_to_existing(
    workspace: Workspace,
    problem_id: Annotated[int, typer.Option("--problem-id", help="The problem already on record it belongs to.")],
    feedback_id: Annotated[list[int], typer.Option("--feedback-id", help="Repeat for each item of the theme.")],
    as_json: Json = False,
) -> None:
    """Add a theme's feedback to a problem already on record, as its evidence (`themes` suggests one per theme)."""
    from tradeoff.triage import service as triage
    from tradeoff.triage.schemas import ThemeToExistingIn

    state = cli_state()
    body = ThemeToExistingIn.model_validate({"problem_id": problem_id, "feedback_ids": feedback_id})
    with state.container.unit_of_work() as uow:
        p, added = triage.theme_to_existing_problem(uow=uow, workspace_id=workspace_id(uow, workspace),
                                                    actor=state.actor, **body.model_dump())
        pid = p.id
    if as_json:
        emit_json({"problem_id": pid, "evidence_linked": added,
                   "already_linked": len(set(feedback_id)) - added})
        return
    typer.echo(f"linked {added} more pieces of evidence to problem {pid}"
               + (f" ({len(set(feedback_id)) - added} already were)" if added < len(set(feedback_id)) else ""))


def split_notes(file: Annotated[Path, typer.Argument(help="A text file of call notes, or - for standard input.")],
                workspace: Workspace, as_json: Json = False) -> None:
    """Split call notes into separate feedback items, each with the customer and the day its heading names
    (prints them; nothing is saved). --json gives the API's shape: items and details."""
    from tradeoff.insights.schemas import encode
    from tradeoff.storage.base import utcnow
    from tradeoff.triage import service as triage

    text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    with cli_state().container.unit_of_work() as uow:
        details = triage.read_notes(uow=uow, workspace_id=workspace_id(uow, workspace), text=text,
                                    today=utcnow().date())
    if as_json:
        emit_json(encode({"items": [d["text"] for d in details], "details": details}))
        return
    for i, d in enumerate(details, 1):
        said = ", ".join(x for x in (d["customer"], d["reported_on"] and d["reported_on"].isoformat()) if x)
        typer.echo(f"{i}. {d['text']}" + (f"  [{said}]" if said else ""))
        if d["candidates"]:  # never taken for a new customer: which of those on record, the person says
            typer.echo(f"   '{d['ambiguous_name']}' could be: "
                       + ", ".join(f"{c['name']} (customer {c['id']})" for c in d["candidates"]))


class BulkAction(StrEnum):
    link = "link"
    kind = "kind"
    confirm = "confirm"
    archive = "archive"
    restore = "restore"
    merge = "merge"


def bulk(
    action: Annotated[BulkAction, typer.Argument(help="link, kind, confirm (keep triage's guesses), archive, restore or merge.")],
    workspace: Workspace,
    feedback_ids: Annotated[list[int] | None, typer.Argument(help="The feedback items (up to 1,000).")] = None,
    matching: Annotated[bool, typer.Option("--matching", help="Instead of ids: every item --q and --filter match "
                                                               "(all of them without either), up to 1,000.")] = False,
    q: Annotated[str | None, typer.Option(help="--matching: full-text search, as `feedback list --q`.")] = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", metavar="FIELD=VALUE",
                                                      help="--matching: as `feedback list --filter`.")] = None,
    archived: Annotated[bool, typer.Option("--archived", help="--matching: archived items instead.")] = False,
    feature: Annotated[int | None, typer.Option(help="link: the feature they support.")] = None,
    problem: Annotated[int | None, typer.Option(help="link: the problem they describe.")] = None,
    kind: Annotated[str | None, typer.Option(help="kind: bug, feature_request, praise, question or other.")] = None,
    into: Annotated[int | None, typer.Option(help="merge: the item that stays; the others become its duplicates.")] = None,
    as_json: Json = False,
) -> None:
    """Act on many feedback items at once, all or nothing: link them, set their kind, archive or restore them, or
    merge them as duplicates into one."""
    from pydantic import ValidationError

    from tradeoff.triage import bulk as bulk_actions
    from tradeoff.triage.schemas import BulkIn

    if not matching and (q is not None or filters or archived):
        raise InvalidInput("--q, --filter and --archived choose the items only with --matching")
    if bool(feedback_ids) == matching:
        raise InvalidInput("give the feedback ids, or --matching (with --q and --filter) for every item they match; "
                           "not both")
    body: dict[str, Any] = {"ids": feedback_ids or None, "action": action.value, "feature_id": feature,
                            "problem_id": problem, "kind": kind, "into_id": into}
    if matching:
        body["match"] = {**parse_filters(record_api("feedback"), filters), "q": q, "archived": archived}
    try:
        data = BulkIn.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(f"{'.'.join(str(x) for x in err['loc']) or action.value}: {err['msg']}") from exc
    state = cli_state()
    with state.container.unit_of_work() as uow:
        res = bulk_actions.apply(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, data=data)
    if as_json:
        emit_json(res)
        return
    typer.echo(f"{action.value}: {len(res['done'])} of {res['matched']} done"
               + (f", {len(res['skipped'])} skipped" if res["skipped"] else ""))
    for s in res["skipped"]:
        typer.echo(f"  skipped {s['id']}: {s['reason']}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="triage")
    root.command("bulk")(bulk)
    root.command("similar")(similar)
    root.command("themes")(themes)
    root.command("theme-to-problem")(theme_to_problem)
    root.command("theme-to-existing-problem")(theme_to_existing)
    root.command("split-notes")(split_notes)
