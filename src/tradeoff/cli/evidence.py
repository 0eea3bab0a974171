"""`tradeoff link`, `comment`, `evidence`, `requests`, `audit`."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from tradeoff.cli.context import cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import InvalidInput


class Kind(enum.StrEnum):
    problem = "problem"
    feature = "feature"


def link(
    feedback_id: int,
    workspace: Workspace,
    feature: Annotated[int | None, typer.Option(help="Feature id.")] = None,
    problem: Annotated[int | None, typer.Option(help="Problem id.")] = None,
    quote: Annotated[str | None, typer.Option(help="An exact passage of the feedback to highlight.")] = None,
) -> None:
    """Link feedback to a problem or feature, with an optional quote from its text."""
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate

    if (feature is None) == (problem is None):
        raise InvalidInput("give exactly one of --feature or --problem")
    state = cli_state()
    with state.container.unit_of_work() as uow:
        obj = link_service.create(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                  data=LinkCreate(feedback_id=feedback_id, feature_id=feature, problem_id=problem,
                                                  quote=quote))
    typer.echo(f"linked feedback {feedback_id} (link {obj.id})")


def links(
    workspace: Workspace,
    feedback: Annotated[int | None, typer.Option(help="Links of this feedback item.")] = None,
    feature: Annotated[int | None, typer.Option(help="Links to this feature.")] = None,
    problem: Annotated[int | None, typer.Option(help="Links to this problem.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    cursor: Annotated[str | None, typer.Option(help="Cursor printed by the previous page.")] = None,
    as_json: Json = False,
) -> None:
    """List links from evidence to problems and features."""
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkOut
    from tradeoff.records import service as records

    filters = {k: v for k, v in (("feedback_id", feedback), ("feature_id", feature), ("problem_id", problem)) if v}
    with cli_state().container.unit_of_work() as uow:
        page = records.list_page(uow=uow, spec=link_service.SPEC, workspace_id=workspace_id(uow, workspace),
                                 filters=filters, cursor=cursor, limit=limit, archived=None)
        rows = [LinkOut.model_validate(x).model_dump(mode="json") for x in page.items]
    if as_json:
        emit_json({"items": rows, "next": page.next})
        return
    emit_table(rows, ["id", "feedback_id", "feature_id", "problem_id", "quote", "created_by"], title="links")
    if page.next:
        typer.echo(f"more: --cursor {page.next}")


def comment(kind: Kind, record_id: int, body: str, workspace: Workspace) -> None:
    """Comment on a problem or feature."""
    from tradeoff.comments import service as comment_service
    from tradeoff.comments.schemas import CommentCreate

    state = cli_state()
    with state.container.unit_of_work() as uow:
        c = comment_service.add(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                kind=kind.value, target_id=record_id, data=CommentCreate(body=body))
    typer.echo(f"comment {c.id} added")


def evidence(kind: Kind, record_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Evidence behind a problem or feature, and the customers (with ARR) who asked."""
    from tradeoff.comments import service as comment_service
    from tradeoff.links import service as link_service
    from tradeoff.records import service as records

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        records.get(uow=uow, spec=comment_service.TARGETS[kind.value], workspace_id=wid, record_id=record_id)
        d = link_service.demand(uow=uow, workspace_id=wid, kind=kind.value, target_id=record_id)
    if as_json:
        emit_json(d.model_dump(mode="json"))
        return
    arr = ", ".join(f"{cur} {amt:,.0f}" for cur, amt in d.arr_by_currency.items()) or "none"
    typer.echo(f"{d.feedback_count} pieces of evidence from {d.customer_count} customers; ARR behind it: {arr}")
    emit_table([c.model_dump() for c in d.customers], ["name", "segment", "arr", "currency", "feedback_count"],
               title="customers who asked")
    emit_table([{"date": "unknown" if e.date_unknown else e.reported_at.date(),
                 "customer": e.customer.name if e.customer else "",
                 "words": e.quote or e.text} for e in d.evidence[:20]], ["date", "customer", "words"],
               title="their words")


def requests(customer_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Everything a customer asked for, and the status of what it is linked to."""
    from tradeoff.customers import service as customer_service
    from tradeoff.links import service as link_service
    from tradeoff.records import service as records

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        records.get(uow=uow, spec=customer_service.SPEC, workspace_id=wid, record_id=customer_id)
        rows = [r.model_dump(mode="json")
                for r in link_service.customer_requests(uow=uow, workspace_id=wid, customer_id=customer_id)]
    if as_json:
        emit_json(rows)
    else:
        shown = [r | {"reported_at": "date unknown" if r["date_unknown"] else r["reported_at"]} for r in rows]
        emit_table(shown, ["reported_at", "text", "target_kind", "target_title", "status"], title="requests")


def audit_trail(
    workspace: Workspace,
    record_type: Annotated[str | None, typer.Option(help="customer, feedback, problem, feature, product, ...")] = None,
    record_id: Annotated[int | None, typer.Option(help="One record's trail.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: Json = False,
) -> None:
    """The audit trail of a workspace or of one record: who changed what, when, before and after."""
    from tradeoff.audit import service as audit

    with cli_state().container.unit_of_work() as uow:
        events = audit.list_events(uow=uow, workspace_id=workspace_id(uow, workspace), record_type=record_type,
                                   record_id=record_id, limit=limit)
        rows = [audit.event_out(e) for e in events]  # the API's shape
    if as_json:
        emit_json(rows)
    else:
        emit_table([r | {"at": r["at"][:19].replace("T", " "), "changes": ", ".join(r["changes"]),
                         "record": f"{r['record_type']} {r['record_id'] or ''}".strip()} for r in rows],
                   ["id", "at", "actor", "action", "record", "changes"], title="audit trail")


def register(root: typer.Typer) -> None:
    root.command("link")(link)
    root.command("links")(links)
    root.command("comment")(comment)
    root.command("evidence")(evidence)
    root.command("requests")(requests)
    root.command("audit")(audit_trail)
