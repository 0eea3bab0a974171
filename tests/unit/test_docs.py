"""The README documents every setting and every CLI command (as Datasette's tests/test_docs.py does)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from tradeoff.cli.main import app
from tradeoff.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"TRADEOFF_{field.upper()}" in README, f"README does not document TRADEOFF_{field.upper()}"


def _commands(t: typer.Typer, prefix: str = "") -> list[str]:
    names = [f"{prefix}{c.name or c.callback.__name__.replace('_', '-')}" for c in t.registered_commands]  # type: ignore[union-attr]
    for g in t.registered_groups:
        names.append(f"{prefix}{g.name}")
        names += _commands(g.typer_instance, f"{prefix}{g.name} ")  # type: ignore[arg-type]
    return names


@pytest.mark.parametrize("command", _commands(app))
def test_every_command_is_documented(command: str) -> None:
    words = command.split()
    # a command is documented when the README mentions `tradeoff <group> ... <command>` in any grouping form
    assert f"tradeoff {words[0]}" in README, f"README does not mention `tradeoff {words[0]}`"
    assert words[-1] in README, f"README does not mention `{command}`"
