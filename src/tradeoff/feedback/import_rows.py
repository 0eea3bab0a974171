"""Reading a feedback CSV: decoding, dialect, column mapping and each row's values. No database here.

Rows are numbered the way a person sees them in a spreadsheet's data: row 1 is the first record after
the header line (the header does not count). Each row also carries the file line it starts on, which
differs from the row number when quoted cells span several lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from tradeoff.core.dates import DateReader, formats_for, own_order
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.import_kinds import KindReader
from tradeoff.feedback.model import Source
from tradeoff.feedback.schemas import text_problem, without_controls

FIELDS = ("text", "customer", "source", "date", "author", "tags", "kind", "score", "score_kind")
# The model's own words are accepted as field names too.
FIELD_ALIASES = {"reported_at": "date", "reporter": "author", "labels": "tags", "body": "text", "type": "kind"}
# Header names (normalised: lower case, punctuation as spaces) guessed for each field, best first.
GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "comment", "comments", "feedback", "body", "description"),
    "customer": ("customer", "account", "company", "customer name", "account name", "company name",
                 "customer id", "account id", "external id"),
    "source": ("source", "channel"),
    "date": ("date", "created", "created at", "created on", "reported at", "submitted at", "submitted",
             "submitted on", "received at", "timestamp", "response date", "responded at", "sent at"),
    "author": ("author", "reporter", "submitted by", "reported by"),
    "tags": ("tags", "labels", "tag"),
    # a single label or category says what the feedback is (app stores' "bug report", "feature request")
    "kind": ("kind", "type", "label", "category", "feedback type", "feedback kind", "kind of feedback"),
    "score": ("score", "nps", "nps score", "csat", "csat score", "survey score"),
    "score_kind": ("score kind", "score type", "survey type", "survey kind"),
}
SOURCE_ALIASES = {
    "sales": Source.sales_call, "call": Source.sales_call, "sales_calls": Source.sales_call,
    "ticket": Source.support, "support_ticket": Source.support, "helpdesk": Source.support,
    "nps": Source.survey, "csat": Source.survey,
    "user_interview": Source.interview, "customer_interview": Source.interview,
    "analytics": Source.usage, "product_usage": Source.usage,
}
MAX_TEXT = 20_000
MAX_SHORT = 200      # author, customer name
MAX_TAG = 50
MAX_TAGS = 20
SNIFF_CHARS = 32_768
_DELIMITERS = ",;\t|"
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CsvTable:
    """A decoded CSV: its header and records as (row number, first file line, cells)."""

    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    records: list[tuple[int, int, list[str]]]

    def mapped_rows(self, fields: Mapping[str, int]) -> tuple[list[tuple[int, int, Callable[[str], str]]], int]:
        """The non-blank records as (row, line, cell), where `cell(field)` is the stripped text of the column
        `fields` maps that field to ('' when unmapped or the record is short); and how many records were blank."""
        out: list[tuple[int, int, Callable[[str], str]]] = []
        blank = 0
        for row, line, cells in self.records:
            if not any(c.strip() for c in cells):
                blank += 1
                continue

            def cell(name: str, cells: list[str] = cells) -> str:
                i = fields.get(name)
                return cells[i].strip() if i is not None and i < len(cells) else ""

            out.append((row, line, cell))
        return out, blank

    def values_of(self, fields: Mapping[str, int], wanted: Iterable[str]) -> Iterable[str]:
        """Every cell of the columns mapped to the `wanted` fields (e.g. to learn the file's date order)."""
        columns = [fields[f] for f in wanted if f in fields]
        return (cells[i] for _row, _line, cells in self.records for i in columns if i < len(cells))

    def bad_row(self, row: int, line: int, fields: Mapping[str, int],
                problems: Iterable[tuple[str, str, str]]) -> list[BadRow]:
        """A record's problems, (field, value, reason) each, as bad rows naming the column the field was read from."""
        return [BadRow(row, line, f, self.columns[fields[f]] if f in fields else f, v, r) for f, v, r in problems]


@dataclass(frozen=True)
class RowValues:
    """One valid data row, mapped to feedback fields. `reported_at` None means "at import time"."""

    row: int
    line: int
    text: str
    customer: str | None
    source: str
    reported_at: datetime | None
    reporter: str
    tags: tuple[str, ...]
    score_kind: str | None = None  # a survey response: "nps" (0-10) or "csat" (1-5), with its score
    score: int | None = None
    kind: str | None = None  # read from the file: the PM's own kind (None: triage guesses it)


@dataclass(frozen=True)
class BadRow:
    """Why one cell of one row cannot be imported."""

    row: int
    line: int
    field: str
    column: str
    value: str
    reason: str

    def as_error(self) -> FieldError:
        return FieldError(["row", self.row, self.field], f"{self.reason} (column '{self.column}', line {self.line})",
                          _clip(self.value))

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "field": self.field, "column": self.column,
                "value": _clip(self.value), "reason": self.reason}


MAX_LISTED = 100  # bad rows named in a refusal


class _Options(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def skip_bad_rows(self) -> bool: ...


Opts = TypeVar("Opts", bound=_Options)
Row = TypeVar("Row")


@dataclass
class TablePlan(Generic[Opts, Row]):
    """What every CSV importer's plan holds, computed without writing: the file as read (`rows` are the valid rows,
    `problems` the bad ones), and the refusal they share."""

    options: Opts
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    mapping: dict[str, str]  # field -> column name actually used
    total_rows: int  # data rows after the header, blank ones included
    blank_rows: int
    rows: list[Row]
    problems: list[BadRow]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def bad_rows_blocker(self, where: str = "in the API") -> list[dict[str, str]]:
        """The blocker bad rows are, unless the person chose to skip them."""
        if not self.problems or self.options.skip_bad_rows:
            return []
        n = len(self.bad_rows)
        return [{"code": "bad_rows", "message": f"{n} bad row{'s' if n != 1 else ''}: fix them, or skip them "
                                                f"(--skip-bad-rows; skip_bad_rows {where})"}]

    def refused(self, blockers: list[dict[str, str]], more_errors: Sequence[FieldError] = (),
                rows_note: str = "Rows are numbered from 1 after the header line.") -> InvalidInput | None:
        """The refusal `blockers` make, naming every bad row (unless skipped) and `more_errors`; None without any."""
        if not blockers:
            return None
        errors = [p.as_error() for p in self.problems[:MAX_LISTED]] if not self.options.skip_bad_rows else []
        note = f" {rows_note}" if any(b["code"] == "bad_rows" for b in blockers) else ""
        return InvalidInput(f"{self.options.filename}: nothing was imported; "
                            + "; ".join(b["message"] for b in blockers) + "." + note, [*errors, *more_errors])


def _clip(value: str, limit: int = 120) -> str:
    return value if len(value) <= limit else value[:limit] + f"… ({len(value):,} characters)"


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


# -- the file -----------------------------------------------------------------------------------------

def decode(data: bytes, filename: str) -> tuple[str, str]:
    """(text, encoding name). UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1."""
    if not data.strip():
        raise InvalidInput(f"{filename} is empty; export it with a header line and one row per record",
                           [FieldError(["file"], "empty file", filename)])
    if data.startswith(b"PK\x03\x04"):
        raise InvalidInput(f"{filename} is a ZIP archive or an Excel workbook (.xlsx), not CSV; "
                           "save it as 'CSV UTF-8' and import that", [FieldError(["file"], "not a CSV file", filename)])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise _binary(filename, f"a NUL byte at byte {nul}")
        try:
            text = data.decode("utf-8-sig")
            encoding = "utf-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "latin-1 (windows-1252)"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise _binary(filename, "NUL characters")
    head = text[:65_536]
    if len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        raise _binary(filename, "many control characters")
    return text, encoding


def _binary(filename: str, what: str) -> InvalidInput:
    return InvalidInput(f"{filename} contains binary data ({what}), not CSV text; export it from its tool as CSV "
                        "(UTF-8) and import that", [FieldError(["file"], "binary data", filename)])


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon, tab or pipe: csv.Sniffer on a sample, checked against the header line; comma if unsure."""
    sample = text[:SNIFF_CHARS]
    try:
        found: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = None
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    if found is None or counts.get(found, 0) == 0:
        best = max(counts, key=lambda d: counts[d])
        found = best if counts[best] > 0 else ","
    return found


def read_table(data: bytes, *, filename: str) -> CsvTable:
    """Decode and parse a whole CSV file. Quoted cells may span lines; CRLF, LF and CR all work."""
    text, encoding = decode(data, filename)
    delimiter = sniff_delimiter(text)
    # Long cells must reach the row checks (which name the row) instead of stopping the parser.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    # Excel's quoting, whatever the sniffer guessed: it cannot see doubled quotes that are not in its sample.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    records: list[tuple[int, int, list[str]]] = []
    try:
        header = next(reader, None)
        if header is None or not any(c.strip() for c in header):
            raise InvalidInput(f"{filename} has no header line; its first line must name the columns",
                               [FieldError(["file"], "no header line", filename)])
        line = reader.line_num + 1
        for cells in reader:
            records.append((len(records) + 1, line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{filename}, line {reader.line_num}: not readable as CSV ({exc})",
                           [FieldError(["line", reader.line_num], str(exc))]) from exc
    columns = tuple(c.strip() or f"column {i + 1}" for i, c in enumerate(header))
    return CsvTable(encoding=encoding, delimiter=delimiter, columns=columns, records=records)


def map_pairs(pairs: Iterable[str], fields: Sequence[str], example: str) -> dict[str, str]:
    """['text=Comment', 'customer=Account'] -> {'text': 'Comment', 'customer': 'Account'}."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, column = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"mapping '{pair}' is not FIELD=COLUMN (e.g. {example}); fields: {', '.join(fields)}",
                               [FieldError(["map"], "not FIELD=COLUMN", pair)])
        out[key.strip()] = column.strip().strip('"')
    return out


def resolve_columns(
    columns: tuple[str, ...], mapping: Mapping[str, str], *, fields: Sequence[str],
    guesses: Mapping[str, Sequence[str]], aliases: Mapping[str, str],
) -> dict[str, int]:
    """Field -> column index. Explicit mapping first (column names match case-insensitively; an empty column
    name turns a field off), then guesses from header names for the fields left. Shared by every CSV importer."""
    exact = {c: i for i, c in reversed(list(enumerate(columns)))}
    loose = {_norm(c): i for i, c in reversed(list(enumerate(columns)))}
    found = ", ".join(f"'{c}'" for c in columns)
    chosen: dict[str, int] = {}
    off: set[str] = set()
    for key, column in mapping.items():
        field = aliases.get(key.strip().lower(), key.strip().lower())
        if field not in fields:
            raise InvalidInput(f"cannot map a column to '{key}'; the fields are {', '.join(fields)}",
                               [FieldError(["map", key], "unknown field", key)])
        if not column.strip():
            off.add(field)
            continue
        idx = exact.get(column, exact.get(column.strip(), loose.get(_norm(column))))
        if idx is None:
            raise InvalidInput(f"column '{column}' (mapped to {field}) is not in the file; its columns are {found}",
                               [FieldError(["map", field], "no such column", column)])
        chosen[field] = idx
    used = set(chosen.values())
    for field, names in guesses.items():
        if field in chosen or field in off:
            continue
        for name in names:
            idx = loose.get(name)
            if idx is not None and idx not in used:
                chosen[field] = idx
                used.add(idx)
                break
    return chosen


def wordiest_column(table: CsvTable, sample: int = 200) -> str | None:
    """The column whose cells hold the most words over the first `sample` rows: what a person most likely wrote,
    for a preview to start from when no header names the text column. None for a file with no words in it."""
    totals = [0] * len(table.columns)
    for _row, _line, cells in table.records[:sample]:
        for i, cell in enumerate(cells[:len(totals)]):
            totals[i] += len(cell.split())
    best = max(range(len(totals)), key=lambda i: (totals[i], -i), default=None)
    return table.columns[best] if best is not None and totals[best] > 0 else None


def resolve_with_required(columns: tuple[str, ...], mapping: Mapping[str, str], *, fields: Sequence[str],
                          guesses: Mapping[str, tuple[str, ...]], aliases: Mapping[str, str],
                          required: Sequence[str]) -> dict[str, int]:
    """Field -> column index (`resolve_columns`: the explicit mapping first, then guesses from the header), refusing
    a file without a column for each `required` field, naming the headers looked for and the file's columns."""
    found = resolve_columns(columns, mapping, fields=fields, guesses=guesses, aliases=aliases)
    for name in required:
        if name not in found:
            listed = ", ".join(f"'{c}'" for c in columns)
            raise InvalidInput(
                f"the file has no column for the required field '{name}' (looked for {', '.join(guesses[name])}); "
                f"its columns are {listed}. Name it: --map {name}=COLUMN",
                [FieldError(["column", name], "required column missing", list(columns))])
    return found


def resolve_mapping(columns: tuple[str, ...], mapping: Mapping[str, str]) -> dict[str, int]:
    """The feedback importer's columns: `text` is required."""
    fields = resolve_columns(columns, mapping, fields=FIELDS, guesses=GUESSES, aliases=FIELD_ALIASES)
    if "text" not in fields:
        found = ", ".join(f"'{c}'" for c in columns)
        raise InvalidInput(
            "the file has no column for the required field 'text' (looked for a column named "
            f"{', '.join(GUESSES['text'])}); its columns are {found}. Name the column that holds what the "
            "customer said: --map text=COLUMN on the command line, text_column in the API or form",
            [FieldError(["column", "text"], "required column missing", list(columns))],
        )
    # a repeated header (two 'Comment' columns) is ambiguous: refuse rather than pick one (tags may repeat,
    # as Jira's Labels do: the first is read)
    twice = [(f, i) for f, i in fields.items() if f != "tags" and sum(_norm(c) == _norm(columns[i]) for c in columns) > 1]
    if twice:
        field, i = twice[0]
        where = [str(k + 1) for k, c in enumerate(columns) if _norm(c) == _norm(columns[i])]
        raise InvalidInput(f"the file has {len(where)} columns named '{columns[i]}' (columns {', '.join(where)}), "
                           f"mapped to {field}: rename them so each says what it holds",
                           [FieldError(["column", field], "column name repeated", columns[i])])
    return fields


# -- one value ----------------------------------------------------------------------------------------

def _score(raw: str, raw_kind: str, header_kind: str | None,
           problems: list[tuple[str, str, str]]) -> tuple[str | None, int | None]:
    """A row's survey score and its kind (nps 0-10, csat 1-5), or (None, None) for a row without one; problems
    are added to `problems`."""
    if not raw:
        return None, None
    kind = raw_kind.lower() or header_kind
    if kind not in ("nps", "csat"):
        problems.append(("score_kind" if raw_kind else "score", raw_kind or raw,
                         f"unknown score kind '{raw_kind}': use nps or csat" if raw_kind else
                         "say which survey the score is from: map a score_kind column (nps or csat), or name the "
                         "score column NPS or CSAT"))
        return None, None
    try:
        score = int(raw.removesuffix(".0"))
    except ValueError:
        problems.append(("score", raw, f"score '{raw}' is not a whole number"))
        return None, None
    low, high = (0, 10) if kind == "nps" else (1, 5)
    if not low <= score <= high:
        problems.append(("score", raw, f"{'an NPS' if kind == 'nps' else 'a CSAT'} score is {low}-{high}, not {score}"))
        return None, None
    return kind, score


def normalise_source(value: str) -> Source | None:
    """'Sales call', 'sales-call', 'SALES_CALL' -> Source.sales_call; None when not a known source."""
    key = re.sub(r"[^0-9a-z]+", "_", value.strip().lower()).strip("_")
    if key in Source.__members__:
        return Source(key)
    return SOURCE_ALIASES.get(key)


def mixed_orders(values: Sequence[tuple[int, str]]) -> dict[str, str]:
    """Why each date in `values`, one column's (row, date) pairs, cannot be read when it reads only in the order
    fewer of the column's dates do (both orders when as many read each way): a column holds its dates in one order,
    so 31/12/2025 and 12/31/2025 in one file say some of its dates are wrong, and that its order cannot settle
    04/05/2025. Keyed by the date as written."""
    by_order: dict[bool, list[tuple[int, str]]] = {True: [], False: []}
    for row, value in values:
        order = own_order(value)
        if order is not None:
            by_order[order].append((row, value.strip()))
    out: dict[str, str] = {}
    if not by_order[True] or not by_order[False]:
        return out
    words = {True: "day/month", False: "month/day"}
    for order in (True, False):
        if len(by_order[order]) > len(by_order[not order]):
            continue
        row, other = by_order[not order][0]
        dm, md = formats_for(other) or ("%d/%m/%Y", "%m/%d/%Y")
        for _row, value in by_order[order]:
            out[value] = (f"reads only as {words[order]}, but row {row}'s date {other} reads only as "
                          f"{words[not order]}: a column's dates are in one order; correct the ones that are not, or "
                          f"give the file's date format, e.g. {dm} or {md}")
    return out


def split_tags(value: str) -> list[str]:
    """Tags separated by commas or semicolons, trimmed, without empties or repeats, sorted."""
    return sorted({t.strip() for t in re.split(r"[,;]", value) if t.strip()})


# -- rows ---------------------------------------------------------------------------------------------

def parse_rows(
    table: CsvTable, fields: Mapping[str, int], *, date_format: str | None = None,
    default_source: Source | None = None, kinds: KindReader | None = None,
) -> tuple[list[RowValues], list[BadRow], int]:
    """(valid rows, problems of bad rows, number of blank rows). A row can have several problems;
    blank rows (every cell empty) are neither imported nor bad. `kinds` reads the kind column (default: the kinds'
    own words, other values refused)."""
    kinds = kinds or KindReader({})
    good: list[RowValues] = []
    bad: list[BadRow] = []
    allowed = ", ".join(s.value for s in Source)
    names = {f: table.columns[i] for f, i in fields.items()}
    # without a score_kind column, the score column's own name says which survey it is ("NPS", "CSAT score")
    header_kind = next((k for k in ("nps", "csat") if k in names.get("score", "").lower()), None)
    rows, blank = table.mapped_rows(fields)
    # the day/month order of numeric dates (04/05/2026) is the one the file's other dates show (31/12/2026)
    dates = DateReader.for_values(table.values_of(fields, ["date"]), date_format)
    mixed = mixed_orders([(r, cell("date")) for r, _line, cell in rows]) if dates.disagree and not date_format else {}
    for row, line, cell in rows:
        problems: list[tuple[str, str, str]] = []  # field, value, reason
        text = cell("text").strip().replace("\r\n", "\n").replace("\r", "\n")
        if not text:
            problems.append(("text", cell("text"), "text is empty"))
        elif problem := text_problem(text):
            problems.append(("text", text[:200], problem))
        elif len(text) > MAX_TEXT:
            problems.append(("text", text, f"text is {len(text):,} characters; the limit is {MAX_TEXT:,}"))
        text = without_controls(text)
        customer = cell("customer").strip() or None
        if customer and len(customer) > MAX_SHORT:
            problems.append(("customer", customer, f"customer is longer than {MAX_SHORT} characters"))
        raw_source = cell("source").strip()
        source = normalise_source(raw_source) if raw_source else (default_source or Source.other)
        if source is None:
            if default_source is None:
                problems.append(("source", raw_source, f"unknown source '{raw_source}'; use one of {allowed} "
                                 "(or give a default source for unknown values)"))
            source = default_source
        raw_date = cell("date").strip()
        reported_at = None
        if raw_date in mixed:
            problems.append(("date", raw_date, mixed[raw_date]))
        elif raw_date:
            try:
                reported_at = dates.read(raw_date)
            except ValueError as exc:
                problems.append(("date", raw_date, str(exc)))
            else:  # a day of slack for time zones: feedback cannot be reported later than today
                if reported_at.date() > datetime.now(UTC).date() + timedelta(days=1):
                    problems.append(("date", raw_date, f"{reported_at.date()} is in the future: feedback is "
                                                       "dated when it was given"))
        reporter = cell("author").strip()
        if len(reporter) > MAX_SHORT:
            problems.append(("author", reporter, f"author is longer than {MAX_SHORT} characters"))
        tags = split_tags(cell("tags"))
        long_tags = [t for t in tags if len(t) > MAX_TAG]
        if long_tags:
            problems.append(("tags", long_tags[0], f"a tag is longer than {MAX_TAG} characters"))
        elif len(tags) > MAX_TAGS:
            problems.append(("tags", cell("tags"), f"{len(tags)} tags; at most {MAX_TAGS}"))
        score_kind, score = _score(cell("score").strip(), cell("score_kind").strip(), header_kind, problems)
        kind, kind_problem = kinds.read(cell("kind"))
        if kind_problem:
            problems.append(("kind", cell("kind").strip(), kind_problem))
        if problems:
            bad.extend(BadRow(row, line, f, names.get(f, f), v, r) for f, v, r in problems)
            continue
        assert source is not None
        if score is not None and not raw_source and default_source is None:
            source = Source.survey  # a scored row with no source is a survey response
        good.append(RowValues(row=row, line=line, text=text, customer=customer, source=source.value,
                              reported_at=reported_at, reporter=reporter, tags=tuple(tags), score_kind=score_kind,
                              score=score, kind=kind))
    return good, bad, blank
