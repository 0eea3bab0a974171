"""Reading a JSON list of texts kept in a column (feedback's tags) in SQL, the same on SQLite and PostgreSQL.

`list_has(column, text)` is true when one of the column's texts equals `text`, letter case aside: an EXISTS over
SQLite's `json_each` or PostgreSQL's `jsonb_array_elements_text`. Both sides go through the database's own `lower`,
so a match is the same whichever side has capitals (SQLite's `lower` folds ASCII letters only).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, literal
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class list_has(FunctionElement[bool]):  # noqa: N801 - named like the SQL functions it stands for
    """`column` (a JSON list of texts) holds `text`, letter case aside."""

    type = Boolean()
    name = "list_has"
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any], text: str) -> None:
        super().__init__(column, literal(text, String))


def _parts(element: list_has, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    column, text = element.clauses
    return compiler.process(column, **kw), compiler.process(text, **kw)


@compiles(list_has, "sqlite")
def _sqlite(element: list_has, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = _parts(element, compiler, **kw)
    return (f"EXISTS (SELECT 1 FROM json_each({column}) AS list_item "
            f"WHERE lower(list_item.value) = lower({text}))")


@compiles(list_has, "postgresql")
def _postgresql(element: list_has, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = _parts(element, compiler, **kw)
    return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({column}) AS list_item(value) "
            f"WHERE lower(list_item.value) = lower({text}))")


@compiles(list_has)
def _other(element: list_has, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"list_has is not written for {compiler.dialect.name}; Tradeoff runs on SQLite and PostgreSQL")
