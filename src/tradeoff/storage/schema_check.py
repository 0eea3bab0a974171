"""Is the database at the schema this code was written for? Every CLI command that opens the database and the
served web application ask before doing anything, so a database behind the code (a `git pull` without
`tradeoff db upgrade`) is named in one line instead of failing later on a missing column.

It must stay cheap: the code's newest revision is read from the migration files' text (their `revision =` and
`down_revision =` lines), without importing Alembic or running the scripts, and the database's from one query of
`alembic_version`. tests/unit/test_schema_check.py checks the answer matches Alembic's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from tradeoff.errors import SchemaMismatch

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


@dataclass(frozen=True)
class CodeRevisions:
    known: frozenset[str]
    heads: tuple[str, ...]

    @property
    def head(self) -> str:
        return ", ".join(self.heads)


@cache
def code_revisions() -> CodeRevisions:
    """Every revision the migration files define, and the heads: those no other revision builds on."""
    known: set[str] = set()
    built_on: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        known.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            built_on.update(_QUOTED.findall(down.group(1)))
    return CodeRevisions(frozenset(known), tuple(sorted(known - built_on)))


def database_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions `alembic_version` holds (none for a database never migrated), in one query."""
    try:
        with engine.connect() as conn:
            return tuple(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))
    except (OperationalError, ProgrammingError):
        # no such table is an empty database; anything else (cannot connect...) is for the caller to report
        with engine.connect() as conn:
            if inspect(conn).has_table("alembic_version"):
                raise
        return ()


def _newer(current: tuple[str, ...], code: CodeRevisions) -> SchemaMismatch | None:
    unknown = [r for r in current if r not in code.known]
    if not unknown:
        return None
    return SchemaMismatch(
        f"the database is at revision {', '.join(unknown)}, newer than this Tradeoff knows (its newest is "
        f"{code.head}): run the Tradeoff version that migrated it, or restore a backup into a new database")


def check_migratable(engine: Engine) -> None:
    """Raise SchemaMismatch when the database was migrated by a newer Tradeoff than this one: no migration of this
    code can bring it to this code's schema (Alembic would fail on a revision it cannot find)."""
    newer = _newer(database_revisions(engine), code_revisions())
    if newer is not None:
        raise newer


def check_schema(engine: Engine) -> None:
    """Raise SchemaMismatch unless the database is at exactly the code's newest revision."""
    code = code_revisions()
    current = database_revisions(engine)
    if current == code.heads:
        return
    if not current:
        raise SchemaMismatch("the database has no Tradeoff tables yet: run `tradeoff db upgrade` "
                             "(TRADEOFF_HOME / TRADEOFF_DATABASE_URL choose which database)")
    raise _newer(current, code) or SchemaMismatch(
        f"the database is at revision {', '.join(current)}, this Tradeoff needs {code.head}: "
        "run `tradeoff db upgrade`")
