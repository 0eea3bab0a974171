"""Full-text search on both back ends: SQLite FTS5 (external-content tables kept by triggers) and, on
PostgreSQL, a stored generated tsvector column `search_fts` ('simple' configuration; the first searched column
weighted A, the others D) under a GIN index. Services only call `matches(model, q)` and `ranked(...)`."""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy import table as table_clause
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

# table -> columns searched. Migrations pass their own frozen copy of this mapping.
SEARCHABLE: dict[str, tuple[str, ...]] = {
    "products": ("name", "description"),
    "customers": ("name", "notes", "plan"),
    "feedback": ("text",),
    "problems": ("statement", "persona"),
    "features": ("title", "description"),
    "decisions": ("title", "context", "choice", "rationale"),
}

_WORD = re.compile(r"\w+", re.UNICODE)
SPARSE_MATCHES = 2000


def _pg_document(table: str, columns: tuple[str, ...]) -> str:
    return " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in columns)


def install(conn: Connection, tables: dict[str, tuple[str, ...]]) -> None:
    """Create the search structures for `tables` on this connection's back end."""
    if conn.dialect.name == "sqlite":
        for table, cols in tables.items():
            collist = ", ".join(cols)
            new = ", ".join(f"new.{c}" for c in cols)
            old = ", ".join(f"old.{c}" for c in cols)
            conn.execute(text(
                f"CREATE VIRTUAL TABLE {table}_fts USING fts5({collist}, content='{table}', "
                f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
            ))
            conn.execute(text(
                f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {table}_fts(rowid, {collist}) VALUES (new.id, {new}); END"
            ))
            conn.execute(text(
                f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {table}_fts({table}_fts, rowid, {collist}) VALUES ('delete', old.id, {old}); END"
            ))
            conn.execute(text(
                f"CREATE TRIGGER {table}_fts_au AFTER UPDATE ON {table} BEGIN "
                f"INSERT INTO {table}_fts({table}_fts, rowid, {collist}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {table}_fts(rowid, {collist}) VALUES (new.id, {new}); END"
            ))
            conn.execute(text(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')"))
    else:
        for table, cols in tables.items():
            doc = _pg_document(table, cols)
            conn.execute(text(
                f"CREATE INDEX IF NOT EXISTS ix_{table}_fts ON {table} USING gin (to_tsvector('simple', {doc}))"
            ))


PG_VECTOR = "search_fts"  # ends in _fts: made by hand, not from the models (migrations/env.py leaves it out)


def _pg_vector_sql(columns: tuple[str, ...]) -> str:
    """The generated column's expression: each searched column's words, the first weighted A, the rest D."""
    return " || ".join(f"setweight(to_tsvector('simple', coalesce({c}, '')), '{'A' if i == 0 else 'D'}')"
                       for i, c in enumerate(columns))


def install_pg_vectors(conn: Connection, tables: dict[str, tuple[str, ...]]) -> None:
    """PostgreSQL: replace the expression index `install` made by a stored tsvector column and a GIN index on it,
    so that neither a match nor its ranking parses the text again (a common word's matches went from ~50 ms to
    ~1 ms on 200,000 feedback items). SQLite: nothing to do."""
    if conn.dialect.name != "postgresql":
        return
    for table, cols in tables.items():
        conn.execute(text(f"DROP INDEX IF EXISTS ix_{table}_fts"))
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {PG_VECTOR} tsvector "
                          f"GENERATED ALWAYS AS ({_pg_vector_sql(cols)}) STORED"))
        conn.execute(text(f"CREATE INDEX ix_{table}_fts ON {table} USING gin ({PG_VECTOR})"))


def uninstall_pg_vectors(conn: Connection, tables: dict[str, tuple[str, ...]]) -> None:
    """Back to the expression indexes of `install`."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text(f"DROP INDEX IF EXISTS ix_{table}_fts"))
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {PG_VECTOR}"))
    install(conn, tables)


def uninstall(conn: Connection, tables: dict[str, tuple[str, ...]]) -> None:
    for table in tables:
        if conn.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {table}_fts"))
        else:
            conn.execute(text(f"DROP INDEX IF EXISTS ix_{table}_fts"))


def terms(q: str) -> list[str]:
    return _WORD.findall(q.lower())[:12]


def _fts5_query(words: list[str]) -> str:
    """Every word, quoted; the last as a prefix (search-as-you-type): '"quokka" "expo"*'."""
    return " ".join([*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}"*'])


def _pg_tsquery(words: list[str]) -> str:
    """The same for PostgreSQL: 'quokka & expo:*'."""
    return " & ".join(words[:-1] + [words[-1] + ":*"])


def matches(session: Session, model: type, q: str) -> ColumnElement[bool] | None:
    """A WHERE clause selecting rows of `model` whose searchable text matches every word of `q`
    (prefix match on the last word, so search-as-you-type works). None when `q` has no words."""
    words = terms(q)
    if not words:
        return None
    table = model.__tablename__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        fts_query = _fts5_query(words)
        fts: ColumnClause[Any] = literal_column(f"{table}_fts")
        ids: Select[int] = select(literal_column("rowid")).select_from(text(f"{table}_fts")).where(fts.op("MATCH")(fts_query))
        # Few matches: look them up by id. Many matches: walk the list's own sort index and test membership
        # (`id + 0` keeps SQLite from turning thousands of matches into lookups followed by a sort).
        probe = session.execute(ids.limit(SPARSE_MATCHES + 1)).scalars().all()
        if len(probe) <= SPARSE_MATCHES:
            return model.id.in_(probe)  # type: ignore[attr-defined,no-any-return]
        return (model.id + 0).in_(ids)  # type: ignore[attr-defined,no-any-return]
    vector: ColumnClause[Any] = literal_column(f"{table}.{PG_VECTOR}")
    clause = vector.op("@@")(func.to_tsquery("simple", _pg_tsquery(words)))
    # The same on PostgreSQL, which cannot tell how common a prefix is ("quokka:*" is guessed to match 2% of the
    # rows): left to itself it walks a rare word's whole table in the list's order (175 ms on 200,000 items).
    # Words the statistics know as common are left to that walk, which soon finds a page; a rarer word's few
    # matches come from the index.
    if not _pg_rare(session, table, words):
        return clause
    found = _pg_probe(session, model, clause, SPARSE_MATCHES + 1)
    return _pg_among(model.id, found) if len(found) <= SPARSE_MATCHES else clause  # type: ignore[attr-defined]


def _pg_probe(session: Session, model: type, clause: ColumnElement[bool], limit: int) -> list[int]:
    """Up to `limit` ids of the rows `clause` (a search_fts match) selects, through the GIN index only (a bitmap
    scan: a rare word's few matches at once, a common word's first `limit` without reading the rest). The
    planner settings last only for this statement's transaction and are reset right after."""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_indexscan = off"))
    try:
        return list(session.scalars(select(model.id).where(clause).limit(limit)))  # type: ignore[attr-defined]
    finally:
        session.execute(text("RESET enable_seqscan"))
        session.execute(text("RESET enable_indexscan"))


def any_word(session: Session, model: type, words: list[str]) -> ColumnElement[bool]:
    """A WHERE clause selecting rows of `model` whose searchable text has at least one of `words` (whole words),
    through the same index as `matches`: candidates for a similarity check."""
    table = model.__tablename__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        fts: ColumnClause[Any] = literal_column(f"{table}_fts")
        ids: Select[int] = select(literal_column("rowid")).select_from(text(f"{table}_fts")).where(
            fts.op("MATCH")(" OR ".join(f'"{w}"' for w in words)))
        return model.id.in_(ids)  # type: ignore[attr-defined,no-any-return]
    vector: ColumnClause[Any] = literal_column(f"{table}.{PG_VECTOR}")
    return vector.op("@@")(func.to_tsquery("simple", " | ".join(words)))  # the caller takes the newest few


TITLE_WEIGHT = 4.0  # a word in a record's first searched column (its name, title or statement) counts this much more
RANK_AMONG = 500  # the newest matches ranked: ranking all of a word's tens of thousands of rows would cost ~100 ms


def ranked(session: Session, model: type, q: str, where: list[ColumnElement[bool]], limit: int) -> list[int]:
    """Ids of the rows of `model` matching every word of `q` (as `matches`) and every clause of `where`, best match
    first among the newest RANK_AMONG of them: SQLite's BM25 and PostgreSQL's ts_rank, a match in the first searched
    column weighing TITLE_WEIGHT times one elsewhere. Ties keep the newest first."""
    words = terms(q)
    if not words:
        return []
    table = model.__tablename__  # type: ignore[attr-defined]
    cols = SEARCHABLE[table]
    ident = model.id  # type: ignore[attr-defined]
    match = matches(session, model, q)
    assert match is not None  # there are words
    if session.get_bind().dialect.name == "sqlite":
        # bm25() needs the MATCH itself: rank the matches from the newest RANK_AMONG's oldest id on, a rowid range
        # FTS5 applies itself
        floor = session.scalar(select(ident).where(match, *where).order_by(ident.desc()).offset(RANK_AMONG - 1).limit(1))
        fts_query = _fts5_query(words)
        fts = table_clause(f"{table}_fts", column("rowid"))
        fts_name: ColumnClause[Any] = literal_column(f"{table}_fts")
        score: ColumnElement[Any] = func.bm25(fts_name, TITLE_WEIGHT, *([1.0] * (len(cols) - 1)))  # lower is better
        newest = [fts.c.rowid >= floor] if floor is not None else []
        stmt = (select(ident).select_from(fts).join(model, ident == fts.c.rowid)
                .where(fts_name.op("MATCH")(fts_query), *newest, *where).order_by(score, ident.desc()).limit(limit))
        return list(session.scalars(stmt))
    # the newest RANK_AMONG matches (a rare word's through the index, as `matches` finds them), then ranked
    ids = list(session.scalars(select(ident).where(match, *where).order_by(ident.desc()).limit(RANK_AMONG)))
    vector: ColumnClause[Any] = literal_column(f"{table}.{PG_VECTOR}")
    tsquery = func.to_tsquery("simple", _pg_tsquery(words))
    # the stored vector weighs the first column A and the others D; ts_rank's weights are {D, C, B, A}: A counts
    # TITLE_WEIGHT times D
    weights: ColumnClause[Any] = literal_column(f"'{{0.1, 0.2, 0.4, {0.1 * TITLE_WEIGHT}}}'::float4[]")
    score = func.ts_rank(weights, vector, tsquery)
    return list(session.scalars(select(ident).where(_pg_among(ident, ids)).order_by(score.desc(), ident.desc())
                                .limit(limit)))


def _pg_among(ident: Any, ids: list[int]) -> ColumnElement[bool]:
    """`ident` is one of `ids`, sent as one array (hundreds of ids as one parameter, not hundreds)."""
    clause: ColumnElement[bool] = ident == any_(bindparam("among_ids", ids, type_=ARRAY(Integer), unique=True))
    return clause


STATS_SECONDS = 600.0  # how long a table's common words are remembered (they change when it is analysed)
_common: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}


def _pg_elements(session: Session, table: str) -> frozenset[str]:
    """The words PostgreSQL's statistics list as the most common in `table`'s search vectors (empty before the
    table is first analysed), remembered for STATS_SECONDS."""
    key = (str(session.get_bind().engine.url), table)
    now = time.monotonic()
    known = _common.get(key)
    if known is not None and known[0] > now:
        return known[1]
    raw = session.scalar(text("SELECT most_common_elems::text FROM pg_stats WHERE schemaname = current_schema() "
                              "AND tablename = :t AND attname = :c"), {"t": table, "c": PG_VECTOR})
    elements = frozenset(e.strip('"') for e in raw.strip("{}").split(",")) if raw else frozenset()
    _common[key] = (now + STATS_SECONDS, elements)
    return elements


def _pg_rare(session: Session, table: str, words: list[str]) -> bool:
    """Some word (the last as a prefix) is not among the statistics' most common: the matches are few enough to
    read through the index. Without statistics nothing is called rare."""
    common = _pg_elements(session, table)
    if not common or not words:
        return False
    *whole, last = words
    return any(w not in common for w in whole) or not any(e.startswith(last) for e in common)
