"""`tradeoff views list|save|delete`: the workspace's shared saved views of the record lists. A view is used with
`tradeoff feedback list --view NAME` (and the same for products, customers, problems and features)."""

from __future__ import annotations

from typing import Annotated

import typer

from tradeoff.cli.choices import VIEW_LISTS
from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, parse_filters, record_api, workspace_id
from tradeoff.errors import InvalidInput

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True,
                  help="Shared saved views of the lists: a search, filters and sort under a name.")
CollectionOpt = Annotated[str | None, typer.Option("--collection", help=f"One of {', '.join(VIEW_LISTS)}.")]


def _collection(value: str | None) -> str | None:
    from tradeoff.views import service as views

    if value is not None and value not in views.LISTS:
        raise InvalidInput(f"--collection: '{value}' has no saved views; use one of {', '.join(views.LISTS)}")
    return value


@app.command("list", help="Shared views, by list (the CLI acts for the workspace, so personal views are not shown).")
def list_views(workspace: Workspace, collection: CollectionOpt = None, as_json: Json = False) -> None:
    from tradeoff.views import service as views
    from tradeoff.views.schemas import ViewOut

    with cli_state().container.unit_of_work() as uow:
        rows = [ViewOut.model_validate(v).model_dump(mode="json") | {"params": views.params(v)}
                for v in views.visible(uow=uow, workspace_id=workspace_id(uow, workspace), user_id=None,
                                       collection=_collection(collection))]
    if as_json:
        emit_json(rows)
        return
    emit_table([{"id": r["id"], "list": r["collection"], "name": r["name"],
                 "shows": " ".join(f"{k}={v}" for k, v in r["params"].items()) or "everything",
                 "by": r["owner"]} for r in rows], ["id", "list", "name", "shows", "by"],
               title=f"shared views in {workspace}")


@app.command("save", help="Save a search, filters and sort as a view shared with the workspace.")
def save(
    name: str, workspace: Workspace,
    collection: Annotated[str, typer.Option("--collection", help=f"One of {', '.join(VIEW_LISTS)}.")],
    q: Annotated[str | None, typer.Option(help="Full-text search.")] = None,
    sort: Annotated[str | None, typer.Option(help="A sort the list knows; prefix - to reverse.")] = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", metavar="FIELD=VALUE")] = None,
    archived: Annotated[bool, typer.Option("--archived", help="Archived records instead.")] = False,
    as_json: Json = False,
) -> None:
    from pydantic import ValidationError

    from tradeoff.views import service as views
    from tradeoff.views.schemas import ViewCreate, ViewOut

    _collection(collection)
    parse_filters(record_api(collection), filters)  # names a bad filter the way `list --filter` does
    given: dict[str, str | int | float | bool] = {k.strip(): v.strip() for k, v in
                                                  (f.split("=", 1) for f in filters or [])}
    state = cli_state()
    with state.container.unit_of_work() as uow:
        try:
            data = ViewCreate.model_validate({"collection": collection, "name": name, "shared": True, "query": {
                "q": q, "sort": sort, "archived": archived, "filters": given}})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InvalidInput(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from exc
        view = views.create(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, data=data,
                            can_share=True)
        row = ViewOut.model_validate(view).model_dump(mode="json") | {"params": views.params(view)}
    if as_json:
        emit_json(row)
    else:
        typer.echo(f"saved view {row['id']} '{row['name']}': tradeoff {collection} list --view \"{row['name']}\"")


@app.command("delete", help="Delete a shared view.")
def delete(view_id: int, workspace: Workspace) -> None:
    from tradeoff.views import service as views

    state = cli_state()
    with state.container.unit_of_work() as uow:
        views.delete(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, view_id=view_id,
                     can_edit_records=True)
    typer.echo(f"deleted view {view_id}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="views")
