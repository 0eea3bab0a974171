from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from tradeoff.storage.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # Full-text search structures are created by hand (storage/search.py), not from the metadata.
    return not (name or "").endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config"))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        # storage/migrate.py always sets it; only a hand-written alembic config can miss it
        raise RuntimeError("alembic config has no sqlalchemy.url and no connection was passed in")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
