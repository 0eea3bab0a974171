"""Engine and session factory. SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tradeoff.storage.files import private_sqlite_file


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """`hide_parameters`: a database error (logged with its traceback) or the SQL log names the statement, never
    the values bound to it, which carry customers' feedback, tokens and webhook secrets."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            private_sqlite_file(Path(parsed.database))  # it holds password and token hashes: 0600, in a 0700 folder
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_size=10, max_overflow=20, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def is_sqlite(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "sqlite"


def refresh_statistics(session: Session) -> None:
    """Tell SQLite's query planner how big the tables and how selective the indexes are (ANALYZE, sampling at most
    1,000 rows per index: tens of milliseconds on a database of 50,000 feedback items). SQLite keeps no statistics
    unless asked, and without them it may read a record's evidence through the workspace index, walking every link
    (8x slower at 24,000 links). PostgreSQL's autovacuum keeps its own: nothing to do there."""
    if not is_sqlite(session):
        return
    # ANALYZE writes: when another writer holds the database it waits 2 s at most, then gives up until next time
    session.execute(text("PRAGMA busy_timeout=2000"))
    try:
        session.execute(text("PRAGMA analysis_limit=1000"))
        session.execute(text("ANALYZE"))
    except OperationalError:
        session.rollback()
    finally:
        session.execute(text("PRAGMA busy_timeout=30000"))


class Statements:
    """Counts the SQL statements an engine runs while the block is open (every one, or only those `counted`
    keeps): for benchmarks and tests that bound how many queries a request costs."""

    def __init__(self, engine: Engine, counted: Callable[[str], bool] | None = None) -> None:
        self.engine, self.count, self._counted = engine, 0, counted

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        if self._counted is None or self._counted(statement):
            self.count += 1
