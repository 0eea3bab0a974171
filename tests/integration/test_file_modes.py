"""The install's home folder is private (0700) and the SQLite database with its -wal and -shm files and the secret
key are readable by their owner only (0600): they hold password and token hashes and customers' data."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tradeoff.bootstrap import bootstrap
from tradeoff.settings import Settings
from tradeoff.storage.db import make_engine
from tradeoff.storage.migrate import upgrade


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems run with (files 0644, folders 0755 unless asked otherwise)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_home_and_database_are_private(tmp_path: Path, usual_umask: None) -> None:
    home = tmp_path / "data" / "tradeoff"
    settings = Settings(home=home, triage_worker=False, notifications_worker=False, triage_model=False)
    c = bootstrap(settings)
    try:
        upgrade(c.engine)
        with c.engine.begin() as conn:  # a write, so the -wal and -shm files exist while the engine is open
            conn.execute(text("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                              "VALUES ('m', 'M', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        db = home / "tradeoff.db"
        assert _mode(home) == 0o700
        files = [db, db.with_name("tradeoff.db-wal"), db.with_name("tradeoff.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
        settings.resolved_secret_key()
        assert _mode(home / "secret.key") == 0o600
        assert not [p for p in home.iterdir() if _mode(p) & 0o077]  # nothing in the home readable by others
    finally:
        c.engine.dispose()


def test_an_existing_database_is_narrowed_to_its_owner(tmp_path: Path, usual_umask: None) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)  # made by an earlier version: 0644
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    assert _mode(db) == 0o644
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as c:
            assert c.execute(text("SELECT x FROM t")).scalar() == 1  # the data is still there
        assert _mode(db) == 0o600
        for extra in (db.with_name("old.db-wal"), db.with_name("old.db-shm")):
            assert not extra.exists() or _mode(extra) == 0o600
    finally:
        engine.dispose()
        conn.close()
