"""`tradeoff import feedback FILE.csv` and `tradeoff import customers FILE.csv`: preview (--dry-run) or import, all
or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tradeoff.cli.choices import Source
from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import InvalidInput

import_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Import records from files.")


def feedback(
    file: Annotated[Path, typer.Argument(help="The CSV file ('-' for standard input).")],
    workspace: Workspace,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="FIELD=COLUMN, repeatable. Fields: text (required), customer, source, date, author, tags, "
                      "kind, score and score_kind (a survey's NPS 0-10 or CSAT 1-5; or name the score column NPS or "
                      "CSAT). Unmapped fields are guessed from the header (kind from kind, type, label or category); "
                      "FIELD= turns a guess off.")] = None,
    date_format: Annotated[str | None, typer.Option(
        help="strftime format of the date column, e.g. %d/%m/%Y (default: ISO 8601, Jira's 30/Sep/21 17:20, or "
             "numeric dates in the day/month order the file's dates show, as 31/12/2026 does).")] = None,
    default_source: Annotated[Source | None, typer.Option(help="Source for empty or unknown source values.")] = None,
    skip_bad_rows: Annotated[bool, typer.Option(help="Import the good rows and report the bad ones.")] = False,
    create_customers: Annotated[bool, typer.Option(
        help="Create customers the file names but the workspace lacks (segment other, ARR 0).")] = False,
    skip_unmatched: Annotated[bool, typer.Option(
        help="Import rows of unknown customers without a customer.")] = False,
    kind_values: Annotated[list[str] | None, typer.Option(
        "--kind-value", metavar="VALUE=KIND",
        help="Repeatable: what a value of the kind column means, e.g. 'rating=praise', 'user experience=other'; "
             "KIND is bug, feature_request, praise, question, other, or triage (no kind: triage guesses it). Values "
             "that are a kind or a common word for one (bug report, enhancement) need none.")] = None,
    unknown_kinds: Annotated[str, typer.Option(
        help="Values of the kind column that are neither a kind nor given with --kind-value: refuse (bad rows) or "
             "triage (import those rows without a kind, for triage to guess).")] = "refuse",
    import_again: Annotated[bool, typer.Option(
        help="Import rows already in the workspace (same words, customer and date) once more; by default they "
             "are skipped and listed.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would be imported and write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Import feedback from a CSV file: UTF-8 (with or without BOM), Latin-1, comma or semicolon, Excel quoting.

    A file with bad rows is refused whole, listing each bad row (row 1 is the first line after the header)
    unless --skip-bad-rows. Customers are matched by external id, then by name (case-insensitive). Kinds read from
    the file are kept as the PM's own (triage learns from them). Rows without a date are imported with the date
    unknown: they count in no trend.
    """
    from tradeoff.feedback.importer import (
        ImportOptions,
        apply_import,
        parse_kind_values,
        parse_mapping,
        plan_import,
    )
    from tradeoff.feedback.model import Source as FeedbackSource

    data = _read(file)
    options = ImportOptions(filename=file.name if str(file) != "-" else "stdin", mapping=parse_mapping(mapping or []),
                            date_format=date_format,
                            default_source=FeedbackSource(default_source) if default_source else None,
                            skip_bad_rows=skip_bad_rows,
                            create_customers=create_customers, skip_unmatched=skip_unmatched,
                            import_again=import_again, kind_values=parse_kind_values(kind_values or []),
                            unknown_kinds=unknown_kinds)
    state = cli_state()
    try:
        with state.container.unit_of_work() as uow:
            wid = workspace_id(uow, workspace)
            plan = plan_import(uow=uow, workspace_id=wid, data=data, options=options)
            if dry_run:
                result = plan.preview()
            else:
                result = apply_import(uow=uow, workspace_id=wid, actor=state.actor, plan=plan).as_dict()
    except InvalidInput as exc:
        _refused(exc)
    if as_json:
        emit_json(result)
    elif dry_run:
        _print_preview(result)
    else:
        _print_summary(result)
    if dry_run and not result["ready"]:  # a script can tell "would be refused" from "ready" by the exit code
        raise typer.Exit(1)


def customers(
    file: Annotated[Path, typer.Argument(help="The CSV file ('-' for standard input).")],
    workspace: Workspace,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="FIELD=COLUMN, repeatable. Fields: name (required), external_id, segment, arr, currency, "
                      "plan, renewal_date, customer_since, account_owner, notes, lifecycle, deal_value, deal_close, "
                      "stage (with --rows-are-deals). Unmapped fields are guessed from the header (HubSpot, "
                      "Salesforce); FIELD= turns a guess off.")] = None,
    date_format: Annotated[str | None, typer.Option(
        help="strftime format of the dates, e.g. %d/%m/%Y (default: ISO 8601, or the day/month order the "
             "file's other dates settle).")] = None,
    skip_bad_rows: Annotated[bool, typer.Option(help="Import the good rows and report the bad ones.")] = False,
    rows_are_deals: Annotated[bool, typer.Option(
        "--rows-are-deals", help="The file has one row per deal (Salesforce opportunities, HubSpot deals): rows are "
                                 "grouped by customer; a stage column (Stage, Deal Stage, Opportunity Stage, Status) "
                                 "says won (Closed Won, Won, closedwon), lost (Closed Lost, Lost, closedlost) or open "
                                 "(anything else, or no stage column); open deals add up to the deal value, the "
                                 "earliest open close date is its close; won deals are not read as ARR, lost ones are "
                                 "left out.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would be imported and write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Import customers and prospects from a CRM export or spreadsheet (CSV), all or nothing.

    A row updates the customer with its external id, else with its name (any case), with the columns the file
    has; otherwise it creates one. Lead, Subscriber, MQL, SQL, Opportunity and Prospect are prospects (no ARR).
    An opportunities or deals export (one row per deal, an account on several rows) needs --rows-are-deals.
    """
    from tradeoff.customers.importer import CustomerOptions, apply_import, parse_mapping, plan_import

    data = _read(file)
    options = CustomerOptions(filename=file.name if str(file) != "-" else "stdin",
                              mapping=parse_mapping(mapping or []), date_format=date_format,
                              skip_bad_rows=skip_bad_rows, rows_are_deals=rows_are_deals)
    state = cli_state()
    try:
        with state.container.unit_of_work() as uow:
            wid = workspace_id(uow, workspace)
            plan = plan_import(uow=uow, workspace_id=wid, data=data, options=options)
            result = plan.preview() if dry_run else apply_import(uow=uow, workspace_id=wid, actor=state.actor,
                                                                  plan=plan)
    except InvalidInput as exc:
        _refused(exc)
    if as_json:
        emit_json(result)
    elif dry_run:
        mapped = ", ".join(f"{f} ← '{c}'" for f, c in result["mapping"].items())
        typer.echo(f"{result['file']}: {result['rows']} rows ({result['encoding']}, delimiter "
                   f"{result['delimiter']!r}); {mapped}")
        if result["sample"]:
            emit_table(result["sample"], ["row", "action", "name", "external_id", "lifecycle", "segment", "arr",
                                          "currency", "deal_value", "deal_close"], title="first rows")
        for b in result["bad_rows"]:
            typer.echo(f"  row {b['row']} (line {b['line']}), {b['field']}: {b['reason']}")
        if result["rows_are_deals"]:
            d = result["deals"]
            typer.echo(f"one row per deal: {_n(result['customers'], 'customer')}; {d['open']} open, {d['won']} won "
                       f"and {d['lost']} lost deals")
        typer.echo(f"would create {_n(result['would_create'], 'customer')}, update {result['would_update']} and "
                   f"leave {result['would_leave_unchanged']} unchanged; {_n(result['bad_row_count'], 'bad row')}")
        for note in result["notes"]:
            typer.echo(f"note: {note}")
        for b in result["blockers"]:
            typer.echo(f"not ready: {b['message']}")
        typer.echo("dry run: nothing written.")
    else:
        typer.echo(f"imported {result['file']}: created {_n(result['created'], 'customer')}, updated "
                   f"{result['updated']}, {result['unchanged']} unchanged; skipped {_n(result['skipped_row_count'], 'row')}"
                   + (f" ({', '.join(map(str, result['skipped_rows']))})" if result["skipped_rows"] else ""))
    if dry_run and not result["ready"]:  # a script can tell "would be refused" from "ready" by the exit code
        raise typer.Exit(1)


def _read(file: Path) -> bytes:
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput(f"{file}: no such file") from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{file} is a folder; give a CSV file") from exc


def _refused(exc: InvalidInput) -> None:
    """Every listed row, not only the first 20 the generic handler shows."""
    typer.echo(f"error: {exc.message}", err=True)
    for e in exc.errors:
        shown = f" [{e.value}]" if isinstance(e.value, str) and e.value else ""
        typer.echo(f"  {' '.join(str(p) for p in e.loc)}: {e.msg}{shown}", err=True)
    raise typer.Exit(exc.exit_code)


def _print_preview(p: dict[str, Any]) -> None:
    mapped = ", ".join(f"{f} ← '{c}'" for f, c in p["mapping"].items())
    typer.echo(f"{p['file']}: {p['rows']} rows ({p['encoding']}, delimiter {p['delimiter']!r}); {mapped}")
    if p["sample"]:
        emit_table([{**s, "reported_at": (s["reported_at"] or "unknown")[:16].replace("T", " "),
                     "customer": (s["customer"] or {}).get("name") or (s["customer"] or {}).get("value", ""),
                     "tags": ", ".join(s["tags"]),
                     "score": f"{s['score_kind'].upper()} {s['score']}" if s["score"] is not None else ""}
                    for s in p["sample"]],
                   ["row", "reported_at", "source", "customer", "author", "tags", "kind", "score", "text"],
                   title="first rows")
    if "date" not in p["mapping"]:
        typer.echo("dates: the file has no date column: every item is imported with its date unknown (in no trend); "
                   "--map date=COLUMN if one holds them")
    if p["kinds"]:
        unknown = "left to triage" if p["unknown_kinds"] == "triage" else "bad rows; --kind-value VALUE=KIND"
        typer.echo(f"kinds in '{p['mapping']['kind']}': " + "; ".join(
            f"{k['value']} ({_n(k['rows'], 'row')}) → " + (k["kind"] or ("triage" if k["by"] == "chosen" else
                                                                         f"unknown: {unknown}"))
            for k in p["kinds"][:30]) + (f"; and {p['kind_value_count'] - 30} more" if p["kind_value_count"] > 30 else ""))
    c = p["customers"]
    typer.echo(f"customers: {c['matched_count']} matched, {c['unmatched_count']} not found"
               + (": " + ", ".join(f"{u['value']} ({_n(u['rows'], 'row')})" for u in c["unmatched"][:20])
                  if c["unmatched"] else ""))
    if p["bad_row_count"]:
        typer.echo(f"bad rows: {p['bad_row_count']} (row 1 is the first line after the header)")
        for b in p["bad_rows"]:
            typer.echo(f"  row {b['row']} (line {b['line']}), {b['field']}: {b['reason']}")
    if p["already_imported_count"]:
        rows = ", ".join(str(a["row"]) for a in p["already_imported"][:20])
        typer.echo(f"already in the workspace (same words, customer and date, or words and customer when undated): {_n(p['already_imported_count'], 'row')}"
                   f" ({rows}{', …' if p['already_imported_count'] > 20 else ''}); "
                   + ("imported again (--import-again)" if p["import_again"] else "skipped; --import-again imports them"))
    typer.echo(f"would import {p['would_import']} items, create {p['would_create_customers']} customers, "
               f"skip {p['would_skip_rows']} rows; {p['rows_without_customer']} items without a customer")
    if p["ready"]:
        typer.echo("dry run: nothing written. Run again without --dry-run to import.")
    else:
        typer.echo("dry run: nothing written. The import would be refused:")
        for b in p["blockers"]:
            typer.echo(f"  - {b['message']}")


def _print_summary(s: dict[str, Any]) -> None:
    typer.echo(f"imported {_n(s['created_feedback'], 'feedback item')} from {s['file']}; "
               f"created {_n(s['created_customer_count'], 'customer')}; skipped {_n(s['skipped_row_count'], 'row')}"
               + (f" ({', '.join(map(str, s['skipped_rows']))})" if s["skipped_rows"] else "")
               + f"; {s['rows_without_customer']} items without a customer"
               + (f"; skipped {_n(s['skipped_already_imported'], 'row')} already in the workspace"
                  if s["skipped_already_imported"] else "")
               + (f"; {s['kinds_from_file']} with their kind from the file" if s["kinds_from_file"] else "")
               + (f"; {s['undated']} without a date (date unknown)" if s["undated"] else ""))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def register(root: typer.Typer) -> None:
    import_app.command("feedback")(feedback)
    import_app.command("customers")(customers)
    root.add_typer(import_app, name="import")
