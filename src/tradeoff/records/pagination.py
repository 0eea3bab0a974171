"""Keyset pagination: an opaque cursor holds the last row's sort value and id."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Select, TypeDecorator, and_, literal, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from tradeoff.errors import FieldError, InvalidInput

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next: str | None


def _encode_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _decode_value(raw: Any, python_type: type) -> Any:
    if raw is None:
        return None
    if python_type is Decimal:
        value = Decimal(str(raw))
        if not value.is_finite():
            raise ValueError(f"not a number: {raw}")
        return value
    if python_type is datetime:
        return datetime.fromisoformat(raw)
    if python_type is date:
        return date.fromisoformat(raw)
    return python_type(raw)


def encode_cursor(sort: str, value: Any, row_id: int, *, tail: bool = False) -> str:
    """`tail`: the row is one of those the sort puts after all others (`RecordSpec.sort_last`)."""
    parts = [sort, _encode_value(value), row_id, *([1] if tail else [])]
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    padded = cursor + "=" * (-len(cursor) % 4)
    parts = json.loads(base64.urlsafe_b64decode(padded))
    if not isinstance(parts, list) or len(parts) not in (3, 4):
        raise ValueError("not a cursor")
    return parts


def cursor_in_tail(cursor: str | None) -> bool:
    """Whether `cursor` stopped among the rows its sort puts last (an invalid cursor is refused by `apply_keyset`)."""
    if not cursor:
        return False
    try:
        return len(_decode_cursor(cursor)) == 4
    except (ValueError, TypeError, json.JSONDecodeError):
        return False


def apply_keyset(
    stmt: Select[Any],
    *,
    sort: str,
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    cursor: str | None,
    limit: int,
) -> Select[Any]:
    """Order by (column, id) in the direction `sort` names ('-x' = descending) and start after `cursor`."""
    descending = sort.startswith("-")
    if cursor:
        try:
            cur_sort, raw_value, last_id = _decode_cursor(cursor)[:3]
            if cur_sort != sort:
                raise ValueError("cursor belongs to another sort order")
            ctype = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
            value = _decode_value(raw_value, ctype.python_type)
            last_id = int(last_id)
        except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError) as exc:
            raise InvalidInput(
                "cursor is not valid for this list; start again without it",
                [FieldError(["query", "cursor"], "invalid cursor", cursor)],
            ) from exc
        if _nullable(column):  # rows without a value come last, in either direction, ordered by id
            later_id = id_column < last_id if descending else id_column > last_id
            if value is None:
                stmt = stmt.where(column.is_(None), later_id)
            else:
                v = literal(value, column.type)
                stmt = stmt.where(or_(column < v if descending else column > v, and_(column == v, later_id),
                                      column.is_(None)))
        else:  # row-value comparison: both back ends walk the (column, id) index from the cursor on
            row, after = tuple_(column, id_column), tuple_(literal(value, column.type), literal(last_id))
            stmt = stmt.where(row < after if descending else row > after)
    order: tuple[Any, ...] = (column.desc(), id_column.desc()) if descending else (column.asc(), id_column.asc())
    if _nullable(column):
        order = (column.is_(None).asc(), *order)
    return stmt.order_by(*order).limit(limit + 1)


def _nullable(column: InstrumentedAttribute[Any]) -> bool:
    """A sort column that may hold NULL (a row-value comparison with NULL is never true: such rows need their own
    rule). Computed sort expressions (a coalesce) are never NULL."""
    expr = getattr(column, "expression", None)
    return isinstance(expr, Column) and bool(expr.nullable)
