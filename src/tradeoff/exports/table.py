"""A table to export (named columns, rows of plain values) and its CSV text.

Plain data in, text out: no database, no clock. Cells are written so that a spreadsheet shows what Tradeoff
stores: lists as "a; b", objects as JSON, booleans as yes/no, nothing as an empty cell; and a text that a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return: "CSV injection") is
prefixed with an apostrophe, which spreadsheets hide and read as "this is text".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_BOM = "\ufeff"  # Excel reads a UTF-8 file as its local code page unless the file starts with this


@dataclass(frozen=True)
class Column:
    key: str  # the row's key
    header: str  # the heading a person reads


@dataclass(frozen=True)
class Table:
    """`name`: what the file is about, for its file name (e.g. "features", "ranking")."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[Mapping[str, Any]]  # read once, as the file is written: a long list need not be held whole


def columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, h) for k, h in pairs)


def cell(value: Any) -> str:
    """One value as the text of a cell (see the module docstring)."""
    if isinstance(value, str):  # the common case first: exports of large lists are mostly text
        text = value
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "yes" if value else "no"
    elif isinstance(value, int | float):
        return repr(value) if isinstance(value, float) and value != value else str(value)  # nan stays visible
    elif isinstance(value, dict | Mapping):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, list | tuple) or (isinstance(value, Sequence) and not isinstance(value, bytes)):
        text = "; ".join(json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict | Mapping) else cell(v)
                         for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table, *, excel: bool = False) -> str:
    """The table as CSV (RFC 4180: comma-separated, quoted where needed, CRLF line ends), headings first.
    `excel`: start with a byte-order mark so that Excel reads accented letters right."""
    return "".join(iter_csv(table, excel=excel))


def iter_csv(table: Table, *, excel: bool = False, rows_per_chunk: int = 1000) -> Iterator[str]:
    """`to_csv` in pieces of `rows_per_chunk` rows, for a file sent while its rows are still being read."""
    out = io.StringIO()
    if excel:
        out.write(EXCEL_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    keys = [c.key for c in table.columns]
    for i, row in enumerate(table.rows, 1):
        writer.writerow([cell(row.get(k)) for k in keys])
        if i % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def attachment(name: str, *, workspace: str, on: date) -> dict[str, str]:
    """The header that makes a download of it, named whose, what (a table's name) and when, e.g.
    "acme-features-2026-12-06.csv"."""
    return {"Content-Disposition": f'attachment; filename="{workspace}-{name}-{on.isoformat()}.csv"'}
