"""Full-text search on both back ends: SQLite FTS5 (external-content tables kept by triggers) and, on
PostgreSQL, a stored generated tsvector column `search_fts` ('simple' configuration; the first searched column
weighted A, the others D) under a GIN index. Services only call `matches(model, q)` and `ranked(...)`."""

from __future__ import annotations

import re
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
    # Common words (one in twenty of the newest rows or more) are left to that walk, which soon finds a page.
    common = int(WALK_FIRST * WALK_DENSITY)
    if len(_pg_common(session, model, clause, [], common)) >= common:
        return clause
    found = _pg_probe(session, model, clause, SPARSE_MATCHES + 1)
    if len(found) <= SPARSE_MATCHES:
        return model.id.in_(found)  # type: ignore[attr-defined,no-any-return]
    return clause


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
WALK_FIRST = 2_000  # PostgreSQL: the newest rows walked first for a common word's newest matches
WALK_DENSITY = 0.05  # ... and walked on when at least this share of them matched; else the index is read
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
    if session.get_bind().dialect.name == "sqlite":
        match = matches(session, model, q)
        assert match is not None  # there are words
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
    vector: ColumnClause[Any] = literal_column(f"{table}.{PG_VECTOR}")
    tsquery = func.to_tsquery("simple", _pg_tsquery(words))
    ids = _pg_newest_matches(session, model, vector.op("@@")(tsquery), where)
    # the stored vector weighs the first column A and the others D; ts_rank's weights are {D, C, B, A}: A counts
    # TITLE_WEIGHT times D
    weights: ColumnClause[Any] = literal_column(f"'{{0.1, 0.2, 0.4, {0.1 * TITLE_WEIGHT}}}'::float4[]")
    score = func.ts_rank(weights, vector, tsquery)
    return list(session.scalars(select(ident).where(_pg_among(ident, ids)).order_by(score.desc(), ident.desc())
                                .limit(limit)))


def _pg_among(ident: Any, ids: list[int]) -> ColumnElement[bool]:
    """`ident` is one of `ids`, sent as one array (hundreds of ids as one parameter, not hundreds)."""
    clause: ColumnElement[bool] = ident == any_(bindparam("among_ids", ids, type_=ARRAY(Integer)))
    return clause


def _pg_common(session: Session, model: type, clause: ColumnElement[bool], where: list[ColumnElement[bool]],
               want: int) -> list[int]:
    """Ids (newest first, up to `want`) among the newest WALK_FIRST rows `where` selects that `clause` matches:
    a walk of the primary key, a few milliseconds, that tells how common the words are."""
    ident = model.id  # type: ignore[attr-defined]
    vector: ColumnClause[Any] = literal_column(f"{model.__tablename__}.{PG_VECTOR}")  # type: ignore[attr-defined]
    newest = (select(ident.label("id"), vector.label(PG_VECTOR)).where(*where).order_by(ident.desc())
              .limit(WALK_FIRST).subquery())
    return list(session.scalars(select(newest.c.id).where(newest.c[PG_VECTOR].op("@@")(clause.right))
                                .limit(want)))


def _pg_newest_matches(session: Session, model: type, clause: ColumnElement[bool],
                       where: list[ColumnElement[bool]]) -> list[int]:
    """Ids of the newest RANK_AMONG rows `clause` and `where` select, read the cheapest way for how common the
    words are (PostgreSQL's planner cannot tell for a prefix, and guesses wrong both ways):
    1. a common word's newest matches lie among the newest rows: walk WALK_FIRST of them, newest first;
    2. words that matched at least one in twenty of those rows: walk on, newest first, until enough are found;
    3. rarer words: the index finds their matches at once (up to SPARSE_MATCHES of them), or, when there are
       more, all of them through the index, keeping the newest."""
    ident = model.id  # type: ignore[attr-defined]
    walked = _pg_common(session, model, clause, where, RANK_AMONG)
    if len(walked) == RANK_AMONG:
        return walked
    if len(walked) < WALK_FIRST * WALK_DENSITY:
        probe = _pg_probe(session, model, clause, SPARSE_MATCHES + 1)
        if len(probe) <= SPARSE_MATCHES:
            return list(session.scalars(select(ident).where(_pg_among(ident, probe), *where).order_by(ident.desc())
                                        .limit(RANK_AMONG)))
        plan = "enable_indexscan"
    else:
        plan = "enable_bitmapscan"
    session.execute(text(f"SET LOCAL {plan} = off"))
    try:
        return list(session.scalars(select(ident).where(clause, *where).order_by(ident.desc()).limit(RANK_AMONG)))
    finally:
        session.execute(text(f"RESET {plan}"))
