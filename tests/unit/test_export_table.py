"""The CSV writer: every value comes back from a CSV reader as the cell it was written as, headings first, and no
cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from tradeoff.exports.table import EXCEL_BOM, FORMULA_START, Table, cell, columns, to_csv

VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
                   st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                              max_size=2))


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@given(st.lists(st.tuples(VALUES, VALUES), max_size=8))
def test_every_cell_reads_back_as_written_and_none_is_a_formula(rows: list[tuple[object, object]]) -> None:
    table = Table("t", columns(("a", "first"), ("b", "second, with a comma")),
                  tuple({"a": a, "b": b} for a, b in rows))
    back = _read(to_csv(table))
    assert back[0] == ["first", "second, with a comma"]
    assert back[1:] == [[cell(a), cell(b)] for a, b in rows]
    for (a, b), row in zip(rows, back[1:], strict=True):
        for value, text in zip((a, b), row, strict=True):  # a negative number is a number, not a formula
            assert not text.startswith(FORMULA_START) or isinstance(value, int | float) and float(text) < 0 or \
                text == "-0.0"


@given(st.text())
def test_text_is_kept_or_marked_as_text(text: str) -> None:
    shown = cell(text)
    assert shown == ("'" + text if text.startswith(FORMULA_START) else text)


def test_what_a_spreadsheet_shows() -> None:
    assert cell(None) == "" and cell(True) == "yes" and cell(False) == "no"
    assert cell(-3) == "-3" and cell(2.5) == "2.5"  # numbers are numbers, negative ones too
    assert cell("-3") == "'-3" and cell("=SUM(A1:A9)") == "'=SUM(A1:A9)" and cell("@cmd") == "'@cmd"
    assert cell(["SSO", "SAML"]) == "SSO; SAML" and cell([1, 2]) == "1; 2"
    assert json.loads(cell({"EUR": 10, "USD": 5})) == {"EUR": 10, "USD": 5}
    assert cell(["=1+1"]) == "'=1+1"  # a list starting with a formula is text too


def test_rows_are_read_once_and_excel_gets_a_byte_order_mark() -> None:
    rows = iter([{"a": "é"}, {"a": "ü"}])
    text = to_csv(Table("t", columns(("a", "a")), rows), excel=True)
    assert text.startswith(EXCEL_BOM) and text.endswith("\r\n")
    assert _read(text[1:]) == [["a"], ["é"], ["ü"]]
    assert next(rows, None) is None
