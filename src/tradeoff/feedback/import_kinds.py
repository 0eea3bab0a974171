"""The kind column of a feedback CSV: each value the file uses, mapped to one of Tradeoff's kinds. No database here.

A value is read as a kind when it is one ("bug", "Feature request", "feature_request") or one of the common words
for one ("bug report", "enhancement", "kudos"); the person maps any other ("rating=praise", "user experience=other"),
or leaves it for triage to guess ("rating=triage"). A value nobody mapped makes its row a bad row naming the row and
the value, unless the person chose to leave such rows to triage too (`unknown="triage"`). An empty cell has no
kind: triage guesses it, as for a file without the column.

A kind read from the file is the PM's own (`kind_source` "pm"): triage keeps it and learns from it like a correction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.model import Kind

Unknown = Literal["refuse", "triage"]
UNKNOWN_CHOICES: tuple[Unknown, ...] = ("refuse", "triage")
TRIAGE = "triage"  # as a mapping's kind: no kind, for triage to guess
MAX_VALUES = 100  # distinct values listed in a preview

# the words that mean a kind, as written in exports and spreadsheets (keys normalised by `value_key`)
KIND_WORDS: dict[str, Kind] = {
    **{w: Kind.bug for w in ("bug", "bugs", "bug report", "bug reports", "defect", "defects")},
    **{w: Kind.feature_request for w in ("feature request", "feature requests", "feature", "features", "enhancement",
                                         "enhancements", "improvement", "improvements", "idea", "ideas", "suggestion",
                                         "suggestions", "wish", "request")},
    **{w: Kind.praise for w in ("praise", "compliment", "compliments", "kudos", "appreciation")},
    **{w: Kind.question for w in ("question", "questions", "how to", "inquiry", "enquiry", "query")},
    **{w: Kind.other for w in ("other", "misc", "miscellaneous", "general")},
}
KINDS_IN_WORDS = ", ".join(k.value.replace("_", " ") for k in Kind)


def value_key(value: str) -> str:
    """A value as compared: case, spacing and punctuation aside ('Bug-Report ' is 'bug report')."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value.casefold()).split())


def known_kind(value: str) -> Kind | None:
    """The kind a value names by itself (a kind, or a common word for one); None for any other."""
    return KIND_WORDS.get(value_key(value))


def chosen_kinds(kind_values: Mapping[str, str]) -> dict[str, Kind | None]:
    """The person's mapping (value as in the file -> a kind, a word for one, or 'triage' / '' for no kind) keyed by
    `value_key`; a kind that is none of these is refused, naming the pair."""
    out: dict[str, Kind | None] = {}
    for value, kind in kind_values.items():
        if not value_key(value):
            raise InvalidInput(f"kind mapping '{value}={kind}' names no value; give VALUE=KIND, e.g. rating=praise",
                               [FieldError(["body", "kind_values", value], "no value", value)])
        if value_key(kind) in ("", TRIAGE):
            out[value_key(value)] = None
            continue
        found = known_kind(kind)
        if found is None:
            raise InvalidInput(f"kind mapping '{value}={kind}': '{kind}' is not a kind; use one of {KINDS_IN_WORDS}, "
                               "or triage to leave such rows for triage to guess",
                               [FieldError(["body", "kind_values", value], "not a kind", kind)])
        out[value_key(value)] = found
    return out


def parse_kind_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """['rating=praise', 'user experience=other'] -> {'rating': 'praise', 'user experience': 'other'} (the value may
    itself hold '=': the last one separates the kind)."""
    out: dict[str, str] = {}
    for pair in pairs:
        value, sep, kind = pair.rpartition("=")
        if not sep:
            raise InvalidInput(f"kind mapping '{pair}' is not VALUE=KIND (e.g. rating=praise); kinds: {KINDS_IN_WORDS}, "
                               "or triage", [FieldError(["body", "kind_values"], "not VALUE=KIND", pair)])
        out[value.strip()] = kind.strip()
    return out


def check_unknown(unknown: str) -> Unknown:
    if unknown not in UNKNOWN_CHOICES:
        raise InvalidInput(f"unknown_kinds '{unknown}' is not one of {', '.join(UNKNOWN_CHOICES)}",
                           [FieldError(["body", "unknown_kinds"], "not a choice", unknown)])
    return unknown


@dataclass(frozen=True)
class KindReader:
    """How a file's kind values are read: the person's mapping first, then the kinds' own words."""

    chosen: Mapping[str, Kind | None]
    unknown: Unknown = "refuse"

    def read(self, raw: str) -> tuple[str | None, str | None]:
        """(kind, problem) of one cell: the kind's value or None (no kind: for triage), and why the row is bad, if
        it is."""
        key = value_key(raw)
        if not key:
            return None, None
        if key in self.chosen:
            found = self.chosen[key]
            return (found.value if found else None), None
        known = KIND_WORDS.get(key)
        if known is not None:
            return known.value, None
        if self.unknown == "triage":
            return None, None
        return None, (f"'{raw}' is not a kind Tradeoff knows: say which kind it is (--kind-value '{raw}=KIND'; "
                      "kind_values in the API), or leave such rows to triage (--unknown-kinds triage; unknown_kinds "
                      f"in the API). The kinds: {KINDS_IN_WORDS}")

    def summary(self, cells: Iterable[str]) -> list[dict[str, Any]]:
        """Each distinct value of the column (first spelling met), how many rows have it and the kind it is read as:
        `by` is "known" (the kind's own words), "chosen" (the person's mapping; kind null: left to triage) or
        "unknown" (kind null: bad rows, or left to triage when unknown values are)."""
        counts: dict[str, list[Any]] = {}
        for cell in cells:
            key = value_key(cell)
            if key:
                counts.setdefault(key, [cell.strip(), 0])[1] += 1
        out = []
        for key, (value, rows) in sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0])):
            if key in self.chosen:
                found, by = self.chosen[key], "chosen"
            else:
                found = KIND_WORDS.get(key)
                by = "known" if found else "unknown"
            out.append({"value": value, "rows": rows, "kind": found.value if found else None, "by": by})
        return out
