"""What every CLI command shares: settings and the container (built lazily), output helpers, error mapping."""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from tradeoff.errors import TradeoffError

# Every command module is imported to build the command line, for `--help` as much as for a command: what they
# import at the top must stay light. The application (settings, the database, services, Rich's tables) is
# imported when a command uses it; tests/unit/test_cli_imports.py checks the heavy libraries stay out.
if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from tradeoff.bootstrap import Container
    from tradeoff.exports.table import Table as ExportTable
    from tradeoff.settings import Settings
    from tradeoff.storage.uow import Actor


@cache
def console() -> Console:
    """Standard output's console: piped or redirected output is not cut to 80 columns (a terminal's own width, or
    COLUMNS, still wins)."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


@dataclass
class Cli:
    _settings: Settings | None = None
    _container: Container | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    # False for the commands that migrate the database themselves (`db upgrade`, `init`, ...): every other command
    # refuses a database whose schema is not this code's, in one line, before it fails on a missing column
    check_schema: bool = True

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from tradeoff.settings import load_settings

            self._settings = load_settings(**self.overrides)
        return self._settings

    @property
    def container(self) -> Container:
        if self._container is None:
            from tradeoff.bootstrap import bootstrap
            from tradeoff.storage import models  # noqa: F401  (every mapped class known before a session is used)

            container = bootstrap(self.settings)
            if self.check_schema:
                from tradeoff.storage.schema_check import check_schema

                try:
                    check_schema(container.engine)
                except TradeoffError:
                    container.engine.dispose()
                    raise
            self._container = container
        return self._container

    @property
    def actor(self) -> Actor:
        from tradeoff.storage.uow import Actor

        try:
            who = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            who = "operator"
        return Actor(user_id=None, label=f"cli:{who}", via="cli")


CsvOut = Annotated[Path | None, typer.Option(
    "--csv", metavar="FILE", help="Write every matching row to FILE as CSV ('-': standard output) instead of a table "
                                  "(paging options do not apply).")]


def emit_csv(table: ExportTable, path: Path) -> None:
    """Write an export as CSV to `path` ('-' prints it). The text is made first: a refused export writes nothing."""
    from tradeoff.exports.table import to_csv

    rows = list(table.rows)
    text = to_csv(replace(table, rows=rows))
    if str(path) == "-":
        sys.stdout.write(text)
        return
    path.write_text(text, encoding="utf-8", newline="")
    err_console().print(f"wrote {len(rows)} rows to {path}")


_state: Cli | None = None


def set_state(state: Cli) -> None:
    global _state
    _state = state


def cli_state() -> Cli:
    global _state
    if _state is None:
        _state = Cli()
    return _state


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def emit_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold", max_width=60)
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
    console().print(table)


def _loaded(module: str, *names: str) -> tuple[type[Exception], ...]:
    """The exception classes `names` of `module` if it is imported, else none: an error of a library no command
    has imported cannot have been raised, so there is no need to import it to catch it."""
    mod = sys.modules.get(module)
    return tuple(getattr(mod, n) for n in names) if mod is not None else ()


def _database_problem(exc: OperationalError | ProgrammingError) -> str | None:
    """What to do about a database the command could not use, or None for another failure (a traceback then)."""
    text = str(exc.orig)
    if "no such table" in text or "does not exist" in text and "relation" in text:
        return ("the database has no Tradeoff tables, or older ones than this version: run `tradeoff db upgrade` "
                "(TRADEOFF_HOME / TRADEOFF_DATABASE_URL choose which database)")
    if "could not connect" in text or "Connection refused" in text or "unable to open database file" in text:
        return f"cannot open the database: {text.splitlines()[0]}"
    return None


class ErrorMappingGroup(TyperGroup):
    """Turns a typed error anywhere below into one clear line on stderr and a non-zero exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TradeoffError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            for e in exc.errors[:20]:
                where = ".".join(str(p) for p in e.loc)
                typer.echo(f"  {where}: {e.msg}", err=True)
            sys.exit(exc.exit_code)
        # a value past every check that the database will not store
        except (OverflowError,) + _loaded("sqlalchemy.exc", "DataError") as exc:
            from tradeoff.api.problems import refused_value

            typer.echo(f"error: {refused_value(exc)}", err=True)
            sys.exit(2)
        except _loaded("sqlalchemy.exc", "OperationalError", "ProgrammingError") as exc:
            said = _database_problem(exc)  # type: ignore[arg-type]
            if said is None:
                raise
            typer.echo(f"error: {said}", err=True)
            sys.exit(1)
        except _loaded("sqlalchemy.exc", "StatementError") as exc:
            # a date or number the driver cannot convert
            if not isinstance(exc.orig, OverflowError):  # type: ignore[attr-defined]
                raise
            from tradeoff.api.problems import refused_value

            typer.echo(f"error: {refused_value(exc.orig)}", err=True)  # type: ignore[attr-defined]
            sys.exit(2)
        except _loaded("pydantic_core", "ValidationError") as exc:  # an option's value a schema refused
            typer.echo(f"error: {exc.error_count()} value(s) not accepted", err=True)  # type: ignore[attr-defined]
            for detail in exc.errors()[:20]:  # type: ignore[attr-defined]
                typer.echo(f"  {'.'.join(str(p) for p in detail['loc']) or 'value'}: {detail['msg']}", err=True)
            sys.exit(2)
        except OSError as exc:  # a file that cannot be read or written: say which and why, no traceback
            typer.echo(f"error: {exc.filename or 'file'}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        except UnicodeDecodeError:
            typer.echo("error: the file is not UTF-8 text", err=True)
            sys.exit(2)
