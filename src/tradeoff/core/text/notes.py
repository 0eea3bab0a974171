"""Split a pasted block of call notes into separate feedback items."""

from __future__ import annotations

import re

# "- x", "* x", "• x", "– x", "1. x", "1) x", "(2) x", "a) x"
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013\u2014\u25aa\u25cf+]|\(?\d{1,3}[.)]|\(?[a-zA-Z][)])(?:\s+(?P<rest>.*))?$")
# "Call with Pilar (Kessler-Brandt), 5 Dec", "Notes from the Acme sync": the line that says which call it was
_CALL_HEADER = re.compile(r"^(?:call|meeting|notes|interview|sync|chat|demo|catch-up|qbr)\b.*\b(?:with|from)\b",
                          re.IGNORECASE)
# "Customer said: x", "Dana (CTO) asked: x", "They mentioned - x"
_SPEAKER = re.compile(
    r"^\s*(?P<who>[\w][\w .'()/&-]{0,40}?)\s+(?:said|says|asked|asks|mentioned|mentions|noted|notes|"
    r"requested|requests|complained|complains|added|adds)\s*[:\u2013\u2014-]\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


def split_notes(text: str) -> list[str]:
    """Split call notes into items, in order.

    A new item starts at each bullet ("- ", "* ", "• ", "1. ", "2) ", "a) "), at each "<someone> said: ..."
    line (the speaker marker is dropped, their words kept) and after each blank line. A line that
    follows an item without a blank line and without a marker continues that item. A line ending in
    ":", or naming the call ("Call with Dana (Acme), 5 Dec"), directly followed by bullets is a heading, not an
    item. A bare bullet ("-" alone) starts an item whose words are on the next line. Whitespace is collapsed; empty items
    are dropped. Text without any marker or blank line is one item.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    items: list[list[str]] = []
    current: list[str] | None = None
    kinds: list[str] = []  # "bullet" | "speaker" | "para", parallel to items

    def start(first: str, kind: str) -> list[str]:
        item = [first]
        items.append(item)
        kinds.append(kind)
        return item

    for raw in lines:
        line = raw.strip()
        if not line:
            current = None
            continue
        bullet = _BULLET.match(line)
        speaker = _SPEAKER.match(line)
        if bullet:
            if current is not None and kinds[-1] == "para" and len(current) == 1 and _heading(current[0]):
                # A heading such as "Notes from the Acme call:" introducing a list.
                items.pop()
                kinds.pop()
            current = start(bullet.group("rest") or "", "bullet")  # a bare "-": its words are on the next line
        elif speaker:
            current = start(speaker.group("rest"), "speaker")
        elif current is None:
            current = start(line, "para")
        else:
            current.append(line)
    out = [" ".join(" ".join(part).split()) for part in items]
    return [item for item in out if item and not _is_bare_heading(item)]


def _heading(line: str) -> bool:
    """A line introducing a list: it ends in ":" or names the call ("Call with Dana, 5 Dec"), and says no more."""
    if line.endswith(":"):
        return True
    return bool(_CALL_HEADER.match(line)) and len(line.split()) <= 12 and not line.endswith((".", "?", "!"))


def _is_bare_heading(item: str) -> bool:
    return item.endswith(":") and len(item.split()) <= 8 and not any(ch in item[:-1] for ch in ".?!")
