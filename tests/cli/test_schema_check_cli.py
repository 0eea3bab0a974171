"""A database behind (or ahead of) the code: every command names it in one line and what to run, on both back ends;
the commands that migrate still run, and the web application refuses to start on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import fresh_database_url
from tradeoff.bootstrap import bootstrap
from tradeoff.cli.main import app
from tradeoff.errors import SchemaMismatch
from tradeoff.settings import Settings
from tradeoff.storage.migrate import head_revision, revisions, upgrade


@pytest.fixture
def stale(backend: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database one migration behind the code, with a workspace in it."""
    gen = fresh_database_url(backend, tmp_path)
    url = next(gen)
    c = bootstrap(Settings(home=tmp_path, database_url=url))
    upgrade(c.engine, revisions()[-2])
    c.engine.dispose()
    yield url
    next(gen, None)


def _invoke(url: str, home: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"TRADEOFF_DATABASE_URL": url, "TRADEOFF_HOME": str(home)},
                              input=input)


def test_a_command_on_a_database_behind_the_code_says_so_in_one_line(stale: str, tmp_path: Path) -> None:
    behind, head = revisions()[-2], head_revision()
    for args in (["forecast", "-w", "acme"], ["features", "list", "-w", "acme"], ["workspace", "list"]):
        r = _invoke(stale, tmp_path, *args)
        assert r.exit_code == 1, (args, r.output)
        assert r.stderr.splitlines() == [f"error: the database is at revision {behind}, this Tradeoff needs {head}: "
                                         "run `tradeoff db upgrade`"], args
        assert r.stdout == ""
    # --help and `db current` still answer; `db upgrade` fixes it, and the command then runs
    assert _invoke(stale, tmp_path, "features", "--help").exit_code == 0
    current = _invoke(stale, tmp_path, "db", "current")
    assert current.exit_code == 0 and f"current {behind}, newest {head}" in current.stdout
    assert _invoke(stale, tmp_path, "db", "upgrade").stdout.strip() == f"database at revision {head}"
    assert _invoke(stale, tmp_path, "workspace", "list").exit_code == 0


def test_init_migrates_a_database_behind_the_code(stale: str, tmp_path: Path) -> None:
    r = _invoke(stale, tmp_path, "init", "-w", "acme", "--owner", "pm@acme.example", "--password-stdin",
                input="a-long-password\n")
    assert r.exit_code == 0, r.output
    assert _invoke(stale, tmp_path, "features", "list", "-w", "acme", "--json").exit_code == 0


def test_a_database_a_newer_tradeoff_migrated_is_named_even_by_the_commands_that_migrate(
        stale: str, tmp_path: Path) -> None:
    c = bootstrap(Settings(home=tmp_path, database_url=stale))
    with c.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '29991231_99'"))
    c.engine.dispose()
    for args in (["workspace", "list"], ["db", "upgrade"], ["init", "-w", "acme", "--owner", "pm@acme.example"]):
        r = _invoke(stale, tmp_path, *args)
        assert r.exit_code == 1, (args, r.output)
        assert r.stderr.splitlines() == [
            f"error: the database is at revision 29991231_99, newer than this Tradeoff knows (its newest is "
            f"{head_revision()}): run the Tradeoff version that migrated it, or restore a backup into a new "
            "database"], args


def test_the_web_application_refuses_to_start_on_a_database_behind_the_code(
        stale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tradeoff.app import asgi, create_app

    c = bootstrap(Settings(home=tmp_path, database_url=stale, triage_worker=False, notifications_worker=False))
    with pytest.raises(SchemaMismatch, match="run `tradeoff db upgrade`"):
        create_app(container=c)
    c.engine.dispose()
    # the served process (`uvicorn --factory tradeoff.app:asgi`, each worker of `tradeoff serve`): one line, exit 1
    monkeypatch.setenv("TRADEOFF_DATABASE_URL", stale)
    monkeypatch.setenv("TRADEOFF_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        asgi()
    assert stopped.value.code == 1
    assert capsys.readouterr().err.startswith(f"error: the database is at revision {revisions()[-2]}, ")
