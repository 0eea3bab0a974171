"""Themes as last grouped, remembered by a fingerprint of what they were grouped from.

Grouping 2,000 unlinked items (their vectors read, a 2,000 x 2,000 distance matrix, average linkage, labels, and
the problems on record ranked against each theme) takes most of a second; the themes page and API are read far
more often than the unlinked feedback or the problems change. The grouping depends only on the texts (the items'
words and their customers' names, which labels leave out), the problems' statements and the method that measured
likeness: the fingerprint covers exactly these, so a remembered grouping is the one a new run would make. What
depends on the moment or on customers' money (trend, ARR, segment) is counted afresh on every request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tradeoff.core.text.themes import Theme


@dataclass(frozen=True)
class Grouped:
    """A grouping: the themes, and for each, the problems on record that say the same as (id, score)."""

    themes: tuple[Theme, ...]
    problems: tuple[tuple[tuple[int, float], ...], ...]


def fingerprint(method: str, items: Iterable[tuple[str, str | None]], problems: Mapping[int, str]) -> str:
    """Of the items grouped, in order, as (text, their customer's name), the problems on record and the method."""
    h = hashlib.blake2b(digest_size=16)
    h.update(method.encode())
    for text, name in items:
        h.update(b"\x00i" + text.encode() + b"\x00n" + (name or "").encode())
    for pid, statement in sorted(problems.items()):
        h.update(b"\x00p" + str(pid).encode() + b"\x00" + statement.encode())
    return h.hexdigest()


class ThemesMemo:
    """The last `size` groupings by (workspace, fingerprint); safe to share between threads."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[int, str], Grouped] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, workspace_id: int, key: str) -> Grouped | None:
        with self._lock:
            hit = self._kept.get((workspace_id, key))
            if hit is not None:
                self._kept.move_to_end((workspace_id, key))
            return hit

    def put(self, workspace_id: int, key: str, grouped: Grouped) -> None:
        with self._lock:
            self._kept[(workspace_id, key)] = grouped
            self._kept.move_to_end((workspace_id, key))
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


LEXICAL = ThemesMemo()  # for callers without an engine: grouping by words alone is a function of the texts
