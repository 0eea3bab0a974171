"""`tradeoff customers|feedback|problems|features|products list|show|create|update|archive|restore`.

Options of `create`/`update` are generated from the same pydantic schemas the API uses, so the two doors
accept exactly the same fields and give the same errors.
"""


import enum
import importlib
import inspect
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.main import get_group

from tradeoff.cli.choices import VIEW_LISTS
from tradeoff.cli.context import CsvOut, ErrorMappingGroup, cli_state, emit_csv, emit_json, emit_table
from tradeoff.errors import FieldError, InvalidInput

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tradeoff.storage.uow import UnitOfWork

COLUMNS = {
    "products": ["id", "name", "description"],
    "customers": ["id", "name", "lifecycle", "segment", "arr", "currency", "plan", "renewal_date", "deal_value", "deal_close"],
    "feedback": ["id", "reported_at", "source", "customer", "text"],
    "problems": ["id", "statement", "persona", "segment"],
    "features": ["id", "title", "status", "persona", "owner"],
    "objectives": ["id", "title", "product_id"],
    "decisions": ["id", "decided_on", "title", "choice", "decided_by"],
    "competitors": ["id", "name", "website"],
    "teams": ["id", "name", "period_kind", "period_days", "wip_limit", "tech_share"],
    "components": ["id", "name", "kind", "debt_level", "owner_team_id"],
    "plans": ["id", "name", "start", "periods", "period_days", "value_source", "live", "solved_at"],
    "commitments": ["id", "feature_id", "customer_id", "due", "promised_by", "probability"],
}

Workspace = Annotated[str, typer.Option("--workspace", "-w", envvar="TRADEOFF_WORKSPACE", help="Workspace slug.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def workspace_id(uow: "UnitOfWork", slug: str) -> int:
    from tradeoff.accounts import service as accounts

    return accounts.workspace_by_slug(uow=uow, slug=slug).id


# The collections `tradeoff.api.record_apis.RECORD_APIS` serves, in its order: each one's service and schemas
# module and the stem of its schemas' names (ProductCreate, ProductUpdate, ProductOut, ProductFilters). Named here
# rather than imported from there, which imports every collection's service (and the API's): a command imports
# only its own collection's. tests/unit/test_cli_imports.py checks the two agree.
RECORDS: dict[str, tuple[str, str]] = {
    "products": ("tradeoff.products", "Product"),
    "customers": ("tradeoff.customers", "Customer"),
    "feedback": ("tradeoff.feedback", "Feedback"),
    "problems": ("tradeoff.problems", "Problem"),
    "features": ("tradeoff.features", "Feature"),
    "objectives": ("tradeoff.strategy", "Objective"),
    "decisions": ("tradeoff.decisions", "Decision"),
    "competitors": ("tradeoff.competitors", "Competitor"),
    "teams": ("tradeoff.teams", "Team"),
    "components": ("tradeoff.components", "Component"),
    "plans": ("tradeoff.plans", "Plan"),
    "commitments": ("tradeoff.commitments", "Commitment"),
}


@dataclass(frozen=True)
class RecordApi:
    """A record collection's service and schemas: the part of `tradeoff.api.records.RecordApi` the CLI uses."""

    service: ModuleType  # has SPEC, create(), update()
    create_schema: "type[BaseModel]"
    update_schema: "type[BaseModel]"
    out_schema: "type[BaseModel]"
    filters_schema: "type[BaseModel]"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is_list) for Optional[...] / list[...] / Annotated[...] annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (str, False)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        return inner, True
    return annotation, False


def _structured(annotation: Any) -> bool:
    """A field given on the command line as JSON: an object (a mapping or a nested record)."""
    from pydantic import BaseModel

    inner, _ = _unwrap(annotation)
    return typing.get_origin(inner) is dict or inner is dict or (isinstance(inner, type) and issubclass(inner, BaseModel))


def _field_params(schema: "type[BaseModel]") -> list[inspect.Parameter]:
    params = []
    for name, field in schema.model_fields.items():
        inner, is_list = _unwrap(field.annotation)
        py: Any = inner if (inner is int or (isinstance(inner, type) and issubclass(inner, enum.Enum))) else str
        annotation: Any = list[py] | None if is_list else py | None
        flag = "--" + name.replace("_", "-")
        helps = (["a JSON object"] if _structured(field.annotation) else []) + (["repeat for several"] if is_list else [])
        opt = typer.Option(flag, help=", ".join(helps) or None, show_default=False)
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                        annotation=Annotated[annotation, opt]))
    return params


def _with_signature(fn: Callable[..., Any], fixed: list[inspect.Parameter], schema: "type[BaseModel]") -> Callable[..., Any]:
    params = fixed + _field_params(schema)
    fn.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params}
    return fn


def _json(name: str, text: str) -> Any:
    """A JSON object or list given as an option; other text is left to the field's own parsing (a shorthand such
    as a team member's "Bo:0.5")."""
    if not text.lstrip().startswith(("{", "[")):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        flag = "--" + name.replace("_", "-")
        raise InvalidInput(f"{flag}: not a JSON object ({exc.msg} at character {exc.pos}): {text[:80]}",
                           [FieldError(["option", name], "not JSON", text[:80])]) from exc


def _parse(schema: "type[BaseModel]", values: dict[str, Any]) -> "BaseModel":
    from pydantic import ValidationError

    given = {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in values.items() if v is not None}
    for name, v in list(given.items()):
        field = schema.model_fields.get(name)
        if field is not None and _structured(field.annotation):
            given[name] = [_json(name, x) for x in v] if isinstance(v, list) else _json(name, v)
    try:
        return schema.model_validate(given)
    except ValidationError as exc:
        errors = [FieldError(["option", *e["loc"]], e["msg"]) for e in exc.errors()]
        first = errors[0]
        name = str(first.loc[1]).replace("_", "-") if len(first.loc) > 1 else "input"
        raise InvalidInput(f"--{name}: {first.msg}", errors) from exc


def _summary(plural: str, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    if plural == "feedback":
        out["customer"] = (row.get("customer") or {}).get("name")
        out["text"] = (row["text"][:80] + "…") if len(row["text"]) > 80 else row["text"]
        if row.get("date_unknown"):
            out["reported_at"] = f"date unknown (imported {str(row['reported_at'])[:10]})"
    if plural == "problems":
        out["statement"] = row["statement"][:80]
    return out


@cache
def record_api(collection: str) -> RecordApi:
    """The collection's service and schemas, imported now."""
    package, stem = RECORDS[collection]
    service = importlib.import_module(f"{package}.service")
    schemas = importlib.import_module(f"{package}.schemas")
    return RecordApi(service, *(getattr(schemas, f"{stem}{kind}") for kind in ("Create", "Update", "Out", "Filters")))


def parse_filters(api: RecordApi, filters: list[str] | None) -> dict[str, Any]:
    """`--filter FIELD=VALUE` options as the list's filters, each field and value checked and named when wrong."""
    from pydantic import ValidationError

    spec = api.service.SPEC
    parsed: dict[str, Any] = {}
    for f in filters or []:
        if "=" not in f:
            raise InvalidInput(f"--filter '{f}' must look like FIELD=VALUE")
        k, v = f.split("=", 1)
        if k.strip() not in spec.filters:
            raise InvalidInput(f"--filter: cannot filter {spec.plural} on '{k}'; use {', '.join(spec.filters)}")
        parsed[k.strip()] = v.strip()
    try:
        return api.filters_schema.model_validate(parsed).model_dump(exclude_none=True)
    except ValidationError as exc:
        raise InvalidInput(f"--filter: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}") from exc


def _apply_view(uow: "UnitOfWork", workspace: str, collection: str, name: str, q: str | None, sort: str | None,
                archived: bool, filters: list[str] | None) -> tuple[str | None, str | None, bool, list[str]]:
    """A shared view's query with the command line's options laid over it (`views.overlay`)."""
    from tradeoff.views import service as view_service

    if collection not in view_service.LISTS:
        raise InvalidInput(f"--view: {collection} have no saved views")
    found = view_service.find(uow=uow, workspace_id=workspace_id(uow, workspace), user_id=None,
                              collection=collection, name=name)
    if found is None:
        raise InvalidInput(f"--view: no shared view of {collection} is called '{name}'; "
                           f"`tradeoff views list --collection {collection}` lists them")
    malformed = [f for f in filters or [] if "=" not in f]  # kept, so that parse_filters names them
    given = dict(f.split("=", 1) for f in filters or [] if "=" in f)
    ps = view_service.overlay(found, q=q, sort=sort, archived=archived, filters=given)
    rest = [f"{k}={v}" for k, v in ps.items() if k not in ("q", "sort", "archived")]
    return ps.get("q"), ps.get("sort"), ps.get("archived") == "1", rest + malformed


def record_app(api: RecordApi) -> typer.Typer:
    from tradeoff.records import service as records

    spec = api.service.SPEC
    service = api.service
    app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help=f"List, show, create and change {spec.plural}.")

    def dump(obj: Any) -> dict[str, Any]:
        return api.out_schema.model_validate(obj).model_dump(mode="json")

    @app.command("list", help=f"List {spec.plural}: search with --q, sort with --sort, page with --cursor.")
    def list_(
        workspace: Workspace,
        q: Annotated[str | None, typer.Option(help="Full-text search.")] = None,
        sort: Annotated[str | None, typer.Option(help=f"One of {', '.join(spec.sorts)}; prefix - to reverse.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
        cursor: Annotated[str | None, typer.Option(help="Cursor printed by the previous page.")] = None,
        archived: Annotated[bool, typer.Option("--archived", help="List archived records instead.")] = False,
        filters: Annotated[list[str] | None, typer.Option("--filter", metavar="FIELD=VALUE",
                                                          help=f"Filter on {', '.join(spec.filters) or 'nothing'}.")] = None,
        view: Annotated[str | None, typer.Option(
            "--view", help="Start from a shared saved view (by name); --q, --sort, --filter and --archived add to it.",
            hidden=spec.plural not in VIEW_LISTS)] = None,
        as_json: Json = False,
        csv_file: CsvOut = None,
    ) -> None:
        with cli_state().container.unit_of_work() as uow:
            if view is not None:
                q, sort, archived, filters = _apply_view(uow, workspace, spec.plural, view, q, sort, archived, filters)
            parsed = parse_filters(api, filters)
            if csv_file is not None:  # every matching record, not one page
                from tradeoff.exports import service as exports

                emit_csv(exports.record_table(uow=uow, spec=spec, out_schema=api.out_schema,
                                              workspace_id=workspace_id(uow, workspace), q=q, filters=parsed,
                                              sort=sort, archived=archived), csv_file)
                return
            page = records.list_page(uow=uow, spec=spec, workspace_id=workspace_id(uow, workspace), q=q,
                                     filters=parsed, sort=sort, cursor=cursor, limit=limit, archived=archived)
            rows = [dump(o) for o in page.items]
        if as_json:
            emit_json({"items": rows, "next": page.next})
            return
        emit_table([_summary(spec.plural, r) for r in rows], COLUMNS[spec.plural], title=f"{spec.plural} in {workspace}")
        if page.next:
            typer.echo(f"more: --cursor {page.next}")

    @app.command("show", help=f"Show one {spec.name}.")
    def show(record_id: int, workspace: Workspace, as_json: Json = False) -> None:
        with cli_state().container.unit_of_work() as uow:
            row = dump(records.get(uow=uow, spec=spec, workspace_id=workspace_id(uow, workspace), record_id=record_id))
        if as_json:
            emit_json(row)
        else:
            emit_table([{"field": k, "value": v} for k, v in row.items()], ["field", "value"],
                       title=f"{spec.name} {record_id}")

    def create(*, workspace: str, as_json: bool = False, **values: Any) -> None:
        data = _parse(api.create_schema, values)
        state = cli_state()
        with state.container.unit_of_work() as uow:
            row = dump(service.create(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, data=data))
        emit_json(row) if as_json else typer.echo(f"created {spec.name} {row['id']}")

    fixed = [inspect.Parameter("workspace", inspect.Parameter.KEYWORD_ONLY, annotation=Workspace),
             inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Json)]
    app.command("create", help=f"Create a {spec.name}.")(_with_signature(create, list(fixed), api.create_schema))

    def update(record_id: int, *, workspace: str, if_version: int | None = None, as_json: bool = False,
               **values: Any) -> None:
        if all(v is None for v in values.values()):
            raise InvalidInput("nothing to change: give at least one field option (see --help)")
        data = _parse(api.update_schema, {k: v for k, v in values.items() if v is not None})
        state = cli_state()
        with state.container.unit_of_work() as uow:
            row = dump(service.update(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                      record_id=record_id, data=data, if_match=if_version))
        emit_json(row) if as_json else typer.echo(f"updated {spec.name} {record_id} (version {row['version']})")

    update_fixed = [
        inspect.Parameter("record_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
        *fixed,
        inspect.Parameter("if_version", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            int | None, typer.Option("--if-version", help="Refuse if the record's version is not this one.")]),
    ]
    app.command("update", help=f"Change fields of a {spec.name}.")(_with_signature(update, update_fixed, api.update_schema))

    def toggle(archived: bool) -> Callable[..., None]:
        def run(record_id: int, workspace: Workspace) -> None:
            state = cli_state()
            with state.container.unit_of_work() as uow:
                records.set_archived(uow=uow, spec=spec, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                     record_id=record_id, archived=archived)
            typer.echo(f"{'archived' if archived else 'restored'} {spec.name} {record_id}")
        return run

    app.command("archive", help=f"Archive a {spec.name}.")(toggle(True))
    app.command("restore", help=f"Restore an archived {spec.name}.")(toggle(False))
    return app


class RecordGroup(ErrorMappingGroup):
    """`tradeoff PLURAL`, whose commands (their options come from the collection's schemas) are made when the
    group is used: showing the top-level help or running another command imports no collection's service."""

    def _load(self) -> None:
        if getattr(self, "_loaded", False):
            return
        self._loaded = True
        made = get_group(record_app(record_api(self.name or "")))
        for name, command in made.commands.items():
            self.commands.setdefault(name, command)

    def list_commands(self, ctx: Any) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load()
        return super().get_command(ctx, cmd_name)


def register(root: typer.Typer) -> None:
    for plural in RECORDS:
        root.add_typer(typer.Typer(cls=RecordGroup, no_args_is_help=True,
                                   help=f"List, show, create and change {plural}."), name=plural)
