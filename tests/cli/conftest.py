"""The `run` fixture: invoke the real CLI (Typer's CliRunner) against the test database of the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradeoff.cli.main import app


@pytest.fixture
def run(container, tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}

    def _run(*args: str, input: str | None = None, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, list(args), env=env, input=input)
        if ok:
            assert result.exit_code == 0, (args, result.output, result.stderr if result.stderr_bytes else "")
        return result

    return _run
