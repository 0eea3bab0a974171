"""CSV reading shared by the text evaluations: UTF-8 (with or without BOM) or Latin-1, named columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from tradeoff.errors import FieldError, InvalidInput

csv.field_size_limit(16 * 1024 * 1024)  # Jira descriptions can be long


def read_text(path: Path) -> str:
    """File contents decoded as UTF-8 (a BOM is dropped), falling back to Latin-1."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as (line number of the row's start, {column: value}), header matched exactly
    after trimming spaces. A missing column raises InvalidInput naming it and listing the columns found."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(repr(h) for h in header) or "none"
        raise InvalidInput(
            f"{path.name}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}; columns found: {found}",
            errors=[FieldError(loc=["column", m], msg="missing column") for m in missing],
        )
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num
    for row in reader:
        rows.append((line + 1, {k: (v or "") for k, v in row.items() if k is not None}))
        line = reader.line_num
    return rows
