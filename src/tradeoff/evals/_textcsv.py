"""Files read by the evaluations: decoded as the feedback importer decodes (UTF-8 with or without BOM, else
Windows-1252/Latin-1), CSV rows numbered as the importers number them, named columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.import_rows import decode

csv.field_size_limit(16 * 1024 * 1024)  # Jira descriptions can be long


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number (1 = the first row after the header), the file line it starts on (they differ
    by more than one when quoted cells span lines) and its cells by column name."""

    number: int
    line: int
    values: dict[str, str]

    def where(self, path: Path) -> str:
        """`items.csv row 7`, with the line when a cell above spans lines."""
        line = f" (line {self.line})" if self.line != self.number + 1 else ""
        return f"{path.name} row {self.number}{line}"


def read_text(path: Path) -> str:
    """A file's text. Errors name the file: unreadable, empty, or binary rather than text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise InvalidInput(f"{path.name} is empty", [FieldError(["file"], "empty file", path.name)])
    return decode(raw, path.name)[0]


def read_csv(path: Path, required: Sequence[str] = ()) -> tuple[list[str], list[CsvRow]]:
    """(header, rows) of a CSV file; header names are trimmed of spaces and matched exactly. Blank rows are
    counted but not returned. A missing required column raises InvalidInput naming it and listing the columns found."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            found = ", ".join(repr(h) for h in header) or "none"
            raise InvalidInput(
                f"{path.name}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; columns found: {found}",
                errors=[FieldError(loc=["column", m], msg="missing column") for m in missing],
            )
        rows: list[CsvRow] = []
        line = reader.line_num + 1
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                padded = cells + [""] * (len(header) - len(cells))
                rows.append(CsvRow(number, line, dict(zip(header, padded, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{path.name} line {reader.line_num}: not readable as CSV ({exc})") from exc
    return header, rows
