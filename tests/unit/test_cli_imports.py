"""The CLI starts fast: building the command line (what `tradeoff --help` needs) imports none of the heavy
libraries, and what it copies from the application to stay light still matches the application."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer._click import Context
from typer.core import TyperGroup
from typer.main import get_command

HEAVY = ("numpy", "scipy", "fastapi", "uvicorn", "sklearn", "torch")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}; import sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return list(ast.literal_eval(out.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import tradeoff.cli.main") == []


def test_building_the_command_line_loads_no_heavy_library() -> None:
    """What `tradeoff --help` does: every command's signature and help, without running one."""
    code = ("import typer.main, tradeoff.cli.main as m; c = typer.main.get_command(m.app); "
            "c.main(['--help'], prog_name='tradeoff', standalone_mode=False)")
    assert _loaded_after(code) == []


def test_choices_match_the_application() -> None:
    from tradeoff.accounts.model import Role
    from tradeoff.cli import choices
    from tradeoff.feedback.model import Source
    from tradeoff.records.everywhere import MAX_PER_KIND
    from tradeoff.views.service import LISTS

    assert [(m.name, m.value) for m in choices.Role] == [(m.name, m.value) for m in Role]
    assert [(m.name, m.value) for m in choices.Source] == [(m.name, m.value) for m in Source]
    assert tuple(LISTS) == choices.VIEW_LISTS
    assert choices.SEARCH_MAX_PER_KIND == MAX_PER_KIND
    from tradeoff.triage import service as triage

    assert (choices.THEMES_PAGE, choices.THEME_MIN_SIZE) == (triage.THEMES_PAGE, triage.THEME_MIN_SIZE)


def test_record_collections_match_the_api() -> None:
    from tradeoff.api.record_apis import RECORD_APIS
    from tradeoff.cli.records import RECORDS, record_api

    assert list(RECORDS) == [api.service.SPEC.plural for api in RECORD_APIS]
    for api in RECORD_APIS:
        mine = record_api(api.service.SPEC.plural)
        assert (mine.service, mine.create_schema, mine.update_schema, mine.out_schema, mine.filters_schema) == (
            api.service, api.create_schema, api.update_schema, api.out_schema, api.filters_schema)


def _walk(group: TyperGroup, prefix: str = "") -> list[str]:
    """Every command under `group`, as `tradeoff --help` and the subcommands' help find them."""
    ctx = Context(group)
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        names.append(prefix + name)
        if isinstance(command, TyperGroup):
            names += _walk(command, f"{prefix}{name} ")
    return names


@pytest.mark.parametrize("collection", ["products", "features", "decisions", "commitments"])
def test_record_groups_have_their_commands_when_used(collection: str) -> None:
    """A record group's commands are made when it is used, with the options of the collection's schemas."""
    from tradeoff.cli.main import app

    root = get_command(app)
    assert isinstance(root, TyperGroup)
    names = _walk(root)
    for sub in ("list", "show", "create", "update", "archive", "restore"):
        assert f"{collection} {sub}" in names
    group = root.get_command(Context(root), collection)
    assert isinstance(group, TyperGroup)
    create = group.get_command(Context(group), "create")
    assert create is not None
    assert "--workspace" in {o for p in create.params for o in p.opts}
    assert len(create.params) > 2  # the schema's fields as options


def test_every_command_made_when_used_is_documented() -> None:
    """tests/unit/test_docs.py reads the commands Typer has registered; a record group's commands are made when the
    group is used, so they are checked here with the same rule."""
    from pathlib import Path

    from tradeoff.cli.main import app

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    root = get_command(app)
    assert isinstance(root, TyperGroup)
    for command in _walk(root):
        words = command.split()
        assert f"tradeoff {words[0]}" in readme, f"README does not mention `tradeoff {words[0]}`"
        assert words[-1] in readme, f"README does not mention `{command}`"


def test_a_read_command_loads_no_heavy_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`tradeoff features list` on a real (SQLite) database: the command runs and answers, and none of the heavy
    libraries is loaded for it (the record schemas import FastAPI's encoder and the scoring core only when used)."""
    env = {"TRADEOFF_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cli = str(Path(sys.executable).with_name("tradeoff"))
    for args in (["db", "upgrade"], ["workspace", "create", "acme", "--owner", "pm@acme.example", "--password-stdin"]):
        subprocess.run([cli, *args], env=env, check=True, capture_output=True, input="a-long-password\n", text=True)
    code = ("import sys; from tradeoff.cli.main import main; "
            "sys.argv = ['tradeoff', 'features', 'list', '-w', 'acme', '--json']\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code)\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out[:out.rindex("}") + 1]) == {"items": [], "next": None}
    assert out.splitlines()[-1] == "[]"
