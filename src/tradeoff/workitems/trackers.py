"""What a tracker's export says beyond its cells: which tracker wrote it (its keys are unique only there), which
items were cancelled rather than finished, and which column looks like story points when none was named."""

from __future__ import annotations

import re
from collections.abc import Iterable

UNKNOWN = "csv"  # a CSV file whose header names no tracker (and every item imported before trackers were told)
TRACKERS = {"csv:jira": "Jira", "csv:azure-devops": "Azure DevOps", "csv:github": "GitHub"}
# header names (normalised) only one tracker's export has; the first tracker with one of them wrote the file
_SIGNS = (("csv:jira", ("issue key", "issue id", "issue type", "custom field story point estimate")),
          ("csv:azure-devops", ("work item type", "area path", "iteration path")),
          ("csv:github", ("state reason", "html url", "closed at", "node id")))
# a resolution, state or state reason that means the work was not done (normalised)
CANCELLED = frozenset({
    "won t do", "wont do", "won t fix", "wont fix", "won t implement", "duplicate", "duplicated", "cancelled",
    "canceled", "removed", "not planned", "rejected", "obsolete", "abandoned", "cut", "invalid", "declined",
    "cannot reproduce", "incomplete", "not a problem", "not a bug", "out of scope"})
_POINTS_WORDS = frozenset({"point", "points", "pts", "sp", "estimate", "effort", "size", "storypoints"})
_TIME_WORDS = frozenset({"original", "remaining", "time", "spent", "hours", "seconds", "days"})  # Jira's time tracking


def words(text: str) -> str:
    """'Won't Do' -> 'won t do'; 'not_planned' -> 'not planned'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def source_of(columns: Iterable[str]) -> str:
    """The `source` stored on the file's items: 'csv:jira', 'csv:azure-devops', 'csv:github' or 'csv'."""
    names = {words(c) for c in columns}
    return next((source for source, signs in _SIGNS if names.intersection(signs)), UNKNOWN)


def tracker_name(source: str) -> str:
    return TRACKERS.get(source, "an unknown tracker")


def other_tracker(stored: str, incoming: str) -> bool:
    """True when an item from one known tracker would be overwritten by another's item with the same key."""
    return stored in TRACKERS and incoming in TRACKERS and stored != incoming


def cancel_reason(status: str, resolution: str) -> str | None:
    """Why the item was not done (its resolution or state, as written), or None when nothing says it was not."""
    return next((v for v in (resolution, status) if v and words(v) in CANCELLED), None)


def points_lookalike(columns: tuple[str, ...], taken: Iterable[int]) -> str | None:
    """The first column not already mapped whose name looks like story points ('SP (team)', 'Estimate pts')."""
    used = set(taken)
    return next((c for i, c in enumerate(columns) if i not in used and _looks_like_points(words(c))), None)


def _looks_like_points(name: str) -> bool:
    said = set(name.split())
    return bool(said & _POINTS_WORDS or "point" in name) and not said & _TIME_WORDS
