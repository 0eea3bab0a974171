"""Split a pasted block of call notes into separate feedback items, each with the heading it was under (which
call: the day, the customer), and read a heading's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}
_MONTH = r"(?P<{g}>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# "1 Dec", "Tue 1 December", "Dec 1", "December 1st", "2026-12-01"
_DAY_MONTH = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format(g="m") + r"(?:\s+(?P<y>\d{4}))?\b",
                        re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b" + _MONTH.format(g="m") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{4}))?",
                        re.IGNORECASE)
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_WEEKDAYS = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rsday|urday)?\.?(?![a-z])", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[\u2013\u2014-]\s|\s\|\s")  # "Tue 1 Dec — Redfern (CFO)", "Acme | 2 Dec"
_NUMERIC_DAY = re.compile(r"\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b")  # "call 01/12": a day, but which is the month?
# a heading's detail line: "Attendees: Marcus, Samir", "Date: 1 Dec", "Present - CFO, AR lead"; or, ending in ":",
# a list about the call rather than what was said ("Action items:")
_DETAIL = re.compile(r"^(?:attendees|participants|present|people|who|date|when|time|where|location|agenda|with|"
                     r"from|by|cc|re|subject|action items?|next steps?|to ?dos?|follow[- ]ups?)\s*[:\u2013\u2014-]",
                     re.IGNORECASE)
_MARKUP = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")  # Markdown bold and italics


@dataclass(frozen=True)
class NoteItem:
    """One item of the notes, and the heading it was under ("Tue 1 Dec — Redfern Engineering (CFO)"; "" when
    none): which call it came from."""

    text: str
    heading: str = ""


def heading_date(heading: str, today: date) -> date | None:
    """The day a heading names ("Tue 1 Dec", "Dec 1", "2026-12-01"): without a year, the latest such day on or
    before `today` (notes are about calls that happened). None when it names no valid day, or a weekday that day
    is not ("Tue 29 Dec" when the latest 29 Dec was a Monday)."""
    iso = _ISO.search(heading)
    if iso:
        try:
            return date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError:
            return None
    found = _DAY_MONTH.search(heading) or _MONTH_DAY.search(heading)
    if not found:
        return _numeric_day(heading, today)
    month, day = _MONTHS[found["m"][:3].lower()], int(found["d"])
    years = [int(found["y"])] if found["y"] else [today.year, today.year - 1]
    named = _WEEKDAY.search(heading)
    for year in years:
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if found["y"] or d <= today:
            # "Tue 29 Dec" that falls on a Monday is not that day: left for the person to say
            if named and not found["y"] and d.weekday() != _WEEKDAYS[named[1][:3].lower()]:
                return None
            return d
    return None


_DOTTED = re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})?(?!\d)")
_SLASHED = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?!\d)")


def _numeric_day(heading: str, today: date) -> date | None:
    """A day written in numbers: "02.12.2026" and "01.12." day first (as everywhere dots are used); "01/12" and
    "12/01/2026" either way round, so the latest reading on or before `today` (notes are about calls that
    happened, mostly lately: "01/12" on 7 December is the 1st of December, not the 12th of January)."""
    dotted, slashed = _DOTTED.search(heading), _SLASHED.search(heading)
    if dotted:
        readings = [(int(dotted["d"]), int(dotted["m"]), dotted["y"])]
    elif slashed:
        a, b = int(slashed["a"]), int(slashed["b"])
        readings = [(a, b, slashed["y"]), (b, a, slashed["y"])]
    else:
        return None
    found: list[date] = []
    for day, month, year in readings:
        years = [int(year) + (2000 if len(year) == 2 else 0)] if year else [today.year, today.year - 1]
        for y in years:
            try:
                d = date(y, month, day)
            except ValueError:
                continue
            if year or d <= today:
                found.append(d)
                break
    past = [d for d in found if d <= today]
    return max(past) if past else (max(found) if found else None)


def split_note_items(text: str) -> list[NoteItem]:
    """Split call notes into items, in order, each with the heading it was under.

    A new item starts at each bullet ("- ", "* ", "• ", "1. ", "2) ", "a) "), at each "<someone> said: ..."
    line (the speaker marker is dropped, their words kept) and after each blank line. A line that
    follows an item without a blank line and without a marker continues that item. A short line directly
    followed by bullets that ends in ":", names the call ("Call with Dana (Acme), 5 Dec"), names a day ("Tue 1
    Dec", "call 01/12") or is split by a dash ("Acme — CFO") is a heading, not an item; the items after it carry it
    until the next heading. Lines between such a heading and its list are its details ("Attendees: Marcus, Samir",
    dropped) or, when they are not, one item of their own under it. A bare bullet ("-" alone) starts an item whose words are on the next line. Whitespace is collapsed; empty items
    are dropped. Text without any marker or blank line is one item.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    items: list[list[str]] = []
    current: list[str] | None = None
    kinds: list[str] = []  # "bullet" | "speaker" | "para", parallel to items
    headings: list[str] = []  # the heading each item was under, parallel to items
    last_speaker = ""  # the last speaker line as written, in case it turns out to head a list
    heading = ""
    indent = 0  # how far the current bullet item's marker is indented: a bullet indented more belongs to it
    details = False  # under "Attendees:", "Action items:": the list is about the call, not what was said

    def start(first: str, kind: str) -> list[str]:
        item = [first]
        items.append(item)
        kinds.append(kind)
        headings.append(heading)
        return item

    for raw in lines:
        line = _MARKUP.sub("", raw).strip()  # "**Attendees:**" reads as "Attendees:"
        if not line:
            current, details = None, False
            continue
        bullet = _BULLET.match(line)
        speaker = _SPEAKER.match(line)
        depth = len(raw) - len(raw.lstrip())
        if details:
            if bullet:
                continue
            details = False
        if bullet and current is not None and kinds[-1] == "bullet" and depth > indent:
            current.append("— " + (bullet.group("rest") or ""))  # a sub-point of the item above
            continue
        opened = current is not None and (
            # "Notes from the Acme call:", "Tue 1 Dec — Redfern"; over detail lines only one that names the call or
            # a day ("Acme — slow export" followed by more words is more likely feedback than a heading)
            (kinds[-1] == "para" and _heading(current[0], dash_is_enough=len(current) == 1))
            or (kinds[-1] == "speaker" and len(current) == 1 and not current[0] and bullet))  # "Dana said:" over bullets
        if (bullet or speaker) and opened and current is not None:
            was_speaker = kinds.pop() == "speaker"
            items.pop()
            headings.pop()
            if _DETAIL.match(current[0]) and len(current) == 1:  # "Attendees:" over a list of people
                details, current = True, None
                continue
            # a heading introducing a list: the items after it carry it. Lines under the heading before the list
            # are its details ("Attendees: Marcus, Samir": dropped) or, when they say more, an item of their own
            heading = (last_speaker if was_speaker else current[0]).rstrip(":").strip()
            said = [line for line in current[1:] if not _DETAIL.match(line)]
            if said:
                start(" ".join(said), "para")
            if len(current) > 1 and current[-1].endswith(":") and _DETAIL.match(current[-1]) and bullet:
                details, current = True, None  # "Greystone call / Attendees:" over the people: not feedback
                continue
        if bullet:
            current = start(bullet.group("rest") or "", "bullet")  # a bare "-": its words are on the next line
            indent = depth
        elif speaker:
            current = start(speaker.group("rest"), "speaker")
            last_speaker = line
        elif current is None:
            current = start(line, "para")
        else:
            current.append(line)
    # a paragraph that opens with a heading naming the call or its day, then says something: the heading, its
    # details dropped, and one item under it ("Greystone — Tue 1 Dec / Attendees: … / They want bulk send.")
    out: list[NoteItem] = []
    for part, kind, under in zip(items, kinds, headings, strict=True):
        if kind == "para" and len(part) > 1 and _heading(part[0], dash_is_enough=False) and not part[0].endswith(":"):
            said = [line for line in part[1:] if not _DETAIL.match(line)]
            out.append(NoteItem(" ".join(" ".join(said).split()), part[0].strip()))
            continue
        out.append(NoteItem(" ".join(" ".join(part).split()), under))
    return [item for item in out if item.text and not _is_bare_heading(item.text)]


def _heading(line: str, dash_is_enough: bool = True) -> bool:
    """A line introducing a list: it ends in ":", or it is short, ends no sentence and names the call ("Call with
    Dana, 5 Dec"), a day ("Tue 1 Dec") or (`dash_is_enough`) is split by a dash ("Redfern — CFO")."""
    if line.endswith(":"):
        return True
    if len(line.split()) > 12 or line.endswith(("?", "!")):
        return False
    if line.endswith(".") and not _NUMERIC_DAY.search(line[-12:]):  # "Greystone call 01.12." is still a heading
        return False
    return bool(_CALL_HEADER.match(line) or _ISO.search(line) or _DAY_MONTH.search(line) or _MONTH_DAY.search(line)
                or _NUMERIC_DAY.search(line) or (dash_is_enough and _SEPARATOR.search(line)))


def _is_bare_heading(item: str) -> bool:
    return item.endswith(":") and len(item.split()) <= 8 and not any(ch in item[:-1] for ch in ".?!")
