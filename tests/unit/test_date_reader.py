"""Numeric dates in an import file: a date that reads only one way is read that way, whatever the file's others say;
the others are settled by the file's dates that read one way only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tradeoff.core.dates import DateReader


def test_a_date_with_one_valid_reading_is_read_so_even_when_the_file_disagrees() -> None:
    # one date reads only as day/month, another only as month/day: the file cannot settle 5/3/2026
    reader = DateReader.for_values(["31/12/2026", "12/30/2026", "5/3/2026"])
    assert reader.disagree and reader.day_first is None
    assert reader.read("31/12/2026") == datetime(2026, 12, 31, tzinfo=UTC)
    assert reader.read("12/30/2026 5:00 PM") == datetime(2026, 12, 30, 17, tzinfo=UTC)
    with pytest.raises(ValueError, match="ambiguous: day/month or month/day, and the file's dates disagree"):
        reader.read("5/3/2026")


def test_a_lone_date_that_reads_one_way_settles_the_file() -> None:
    reader = DateReader.for_values(["31/12/2026"])
    assert reader.read("31/12/2026") == datetime(2026, 12, 31, tzinfo=UTC)
    settled = DateReader.for_values(["04/05/2026", "31/12/2026", ""])
    assert settled.read("04/05/2026") == datetime(2026, 5, 4, tzinfo=UTC)  # day/month, as 31/12 says
    # a reader built from other values (none of them telling) still reads a date that tells by itself
    blind = DateReader.for_values(["04/05/2026"])
    assert blind.read("31/12/2026") == datetime(2026, 12, 31, tzinfo=UTC)
    assert blind.read("2026-12-31") == datetime(2026, 12, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="no date in the file has a day above 12"):
        blind.read("04/05/2026")
    with pytest.raises(ValueError, match="not a valid date"):
        blind.read("31/13/2026")  # neither reading is a date
