"""Split a pasted block of call notes into separate feedback items, each with the heading it was under (which
call: the day, the customer), and read a heading's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tradeoff.core.text.notes_email import EmailStart, LineRules, without_email_wrapping

# "- x", "* x", "• x", "– x", "1. x", "1) x", "(2) x", "a) x"
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013\u2014\u25aa\u25cf+]|\(?\d{1,3}[.)]|\(?[a-zA-Z][)])(?:\s+(?P<rest>.*))?$")
# "Call with Pilar (Kessler-Brandt), 5 Dec", "Notes from the Acme sync", "Call w/ Stonegate", "Meeting: Stonegate
# (Dec 1)", "Call - Acme": the line that says which call it was
_CALL_HEADER = re.compile(r"^(?:(?:call|meeting|notes|interview|sync|chat|demo|catch-up|qbr)\b.*\b(?:with|from)\b"
                          r"|(?:call|meeting|interview|sync|chat|demo|catch-up|qbr)\s+w/"
                          r"|(?:call|meeting)\s*[:|\u2013\u2014-]\s)", re.IGNORECASE)
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


def _day_with_year(text: str) -> date | None:
    """The day a text names with its year, in words or ISO ("Tuesday, December 1, 2026 10:32 AM"); else None."""
    found = _ISO.search(text)
    if found:
        month, day, year = int(found["m"]), int(found["d"]), int(found["y"])
    else:
        found = _DAY_MONTH.search(text) or _MONTH_DAY.search(text)
        if found is None or not found["y"]:
            return None
        month, day, year = _MONTHS[found["m"][:3].lower()], int(found["d"]), int(found["y"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- what a line of notes is ---------------------------------------------------------------------------------

# "**Requests**", "__Pain points:__", "**Attendees:**": a line that is all bold (a label or a heading)
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?\s*$")
# "## Pain points", "# Vantara Telecom, 3 Dec": a Markdown heading
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)[\s#]*$")
# "Requests", "Pain points", "Happy", "Feature requests", "What went well": a label sorting what was said on one
# call, not a new call: the items under it keep the call's heading ("Other notes" is not one: it heads its own list)
_SECTION_LABEL = re.compile(
    r"^(?:(?:feature|product|key|main|top|open|customer)\s+)?"
    r"(?:requests?|asks?|wants|wish(?:es| ?list)|pain ?points?|pains|problems?|issues?|bugs?|complaints?|"
    r"concerns?|blockers?|risks?|frustrations?|happy|unhappy|likes?|dislikes?|loves?|positives?|negatives?|praise|"
    r"wins?|highlights?|lowlights?|feedback|questions?|ideas?|suggestions?|pros|cons|the good|the bad|good|bad|"
    r"what went well|what could be better|takeaways?|summary|discussion|notes|observations?|insights?|quotes?|"
    r"themes?|context|background)$", re.IGNORECASE)
# "Next steps: send pricing", "Action items:", "Follow-ups:", "TODO: x", "Attendees: Marcus": what the team will do
# or who was there, not what the customer said; ending in ":", the list under it is that too
_NOT_FEEDBACK = re.compile(r"^(?:action items?|next steps?|follow[- ]?ups?|to[- ]?dos?|attendees|participants|"
                           r"agenda)\s*:", re.IGNORECASE)
# "Jonah: the export is slow", "Dana (CTO): SSO is a must", "Pricing: too high", "Feature request: x", "Q: x": up to
# three words, the first capitalised, and a colon before what was said. A person or a topic (which cannot be told
# apart), so kept as written. ("A: not yet" is not one: an answer goes with its question)
_LABELLED = re.compile(r"^(?:Q|[A-Z][\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){0,2})(?:\s*\([^()]{1,30}\))?\s*:\s+\S")
# what may stand between a day and the rest of a title: "Vantara Telecom, 3 Dec", "Tue 1 Dec — Redfern",
# "Meeting: Stonegate (Dec 1)", "Greystone call 01/12", "Dec 1st call"
_TITLE_GLUE = r"(?:[,(|:\u2013\u2014-]|\b(?:call|meeting|sync|qbr|demo|chat|interview|notes))"
_GLUE_BEFORE = re.compile(_TITLE_GLUE + r"$", re.IGNORECASE)
_GLUE_AFTER = re.compile(r"^(?:[).:]*$|" + _TITLE_GLUE + ")", re.IGNORECASE)
_WEEKDAY_AT_END = re.compile(r",?\s*" + _WEEKDAY.pattern + r",?$", re.IGNORECASE)

def split_note_items(text: str) -> list[NoteItem]:
    """Split call notes into items, in order, each with the heading it was under.

    A new item starts at each bullet ("- ", "* ", "• ", "1. ", "2) ", "a) "), at each "<someone> said: ..."
    line (the speaker marker is dropped, their words kept), at each "Jonah: ..." or "Pricing: ..." line (kept as
    written: a person and a topic look alike) and after each blank line. A line that follows an item without a
    blank line and without a marker continues that item. A short line directly followed by bullets that ends in
    ":", names the call ("Call with Dana (Acme), 5 Dec"), names a day ("Tue 1 Dec", "call 01/12") or is split by a
    dash ("Acme — CFO") is a heading, not an item; the items after it carry it until the next heading. So is a
    title ("Vantara Telecom, 3 Dec:", "Call w/ Stonegate — 12/01/2026") over a blank line or a paragraph, one
    after a list it is less indented than (or that ends in ":"), and a short bold or Markdown heading line.
    Lines between such a heading and its list are its details ("Attendees: Marcus, Samir", dropped) or, when they
    are not, one item of their own under it. Section labels ("**Requests**", "Pain points:", "## Happy") end the
    item above and keep the heading. "Next steps:", "Action items:", "Follow-ups:", "TODO:" lines and their lists
    are dropped. A pasted email loses its header, greeting, sign-off and signature; its subject, sender and day
    are the heading of its words. A bare bullet ("-" alone) starts an item whose words are on the next line.
    Whitespace is collapsed; empty items are dropped. Text without any marker or blank line is one item.
    """
    lines = without_email_wrapping(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), _EMAIL_RULES)
    last_words = max((n for n, raw in enumerate(lines) if isinstance(raw, str) and raw.strip()), default=-1)
    items: list[list[str]] = []
    current: list[str] | None = None
    kinds: list[str] = []  # "bullet" | "speaker" | "para", parallel to items
    headings: list[str] = []  # the heading each item was under, parallel to items
    last_speaker = ""  # the last speaker line as written, in case it turns out to head a list
    heading = ""
    indent = 0  # how far the current bullet item's marker is indented: a bullet indented more belongs to it
    details = False  # under "Attendees:", "Action items:": the list is about the call, not what was said
    dropped = False  # the line above was dropped ("TODO: check Peppol"): its lower-case continuation goes too

    def start(first: str, kind: str) -> list[str]:
        item = [first]
        items.append(item)
        kinds.append(kind)
        headings.append(heading)
        return item

    def lone_title() -> str | None:
        """The current item when it is only a title: the heading of what comes after it (taken off the items)."""
        if current is None or kinds[-1] != "para" or len(current) != 1 or not _is_title(current[0]):
            return None
        items.pop()
        kinds.pop()
        headings.pop()
        return current[0].rstrip(":").strip()

    for n, raw in enumerate(lines):
        if isinstance(raw, EmailStart):
            heading, current, details, dropped = raw.heading, None, False, False
            continue
        line = _MARKUP.sub("", raw).strip()  # "**Attendees:**" reads as "Attendees:"
        title = lone_title()  # "Call w/ Stonegate — 12/01/2026" over a blank line, a paragraph, a list
        if title is not None:
            heading, current = title, None
        if not line:
            current, details, dropped = None, False, False
            continue
        bullet = _BULLET.match(line)
        speaker = _SPEAKER.match(line)
        depth = len(raw) - len(raw.lstrip())
        marked = _marked_heading(raw)
        if _is_section_label(marked if marked is not None else line if line.endswith(":") else ""):
            current = None  # "**Requests**", "Pain points:": sorts what follows, under the same call
            continue
        if _NOT_FEEDBACK.match(line):
            current, details, dropped = None, line.endswith(":"), True
            continue
        if details or dropped:
            if (details and bullet) or (not bullet and line[:1].islower()):
                continue
            details = dropped = False
        if marked is not None and n < last_words and _short_title(marked):
            heading, current = marked.rstrip(":").strip(), None  # "## Tallgrass — 4 Dec", "**Greystone 01.12.**"
            continue
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
        if not bullet and not speaker and current is not None and (
                _LABELLED.match(line)  # "Jonah: the export is slow" after what Ines said
                or (kinds[-1] == "bullet" and _ends_list(line, depth, indent, _next_line(lines, n)))):
            current = None  # "Tallgrass Agritech, 4 Dec:" after Vantara's bullets: the next group's heading
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
    lone_title()  # a title with nothing under it says nothing
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
    if len(line.split()) > 12 or _ends_sentence(line):
        return False
    return bool(_CALL_HEADER.match(line) or _ISO.search(line) or _DAY_MONTH.search(line) or _MONTH_DAY.search(line)
                or _NUMERIC_DAY.search(line) or (dash_is_enough and _SEPARATOR.search(line)))


def _ends_sentence(line: str) -> bool:
    """"Exports are slow." ends a sentence; "Greystone call 01.12." ends on a day."""
    return line.endswith(("?", "!")) or (line.endswith(".") and not _NUMERIC_DAY.search(line[-12:]))


def _is_title(line: str) -> bool:
    """A line that can only be the title of a call, wherever it stands: short, ends no sentence, and says which
    call ("Call w/ Stonegate", "Meeting: Stonegate (Dec 1)") or has its day at an end, set off from the rest
    ("Vantara Telecom, 3 Dec:", "Tue 1 Dec — Redfern", "Greystone call 01/12"). "They need Peppol by 1 Jul" is
    something said, not a title."""
    text = line.rstrip(":").strip()
    if not text or len(text.split()) > 10 or _ends_sentence(text):
        return False
    if _CALL_HEADER.match(text):
        return True
    day = _ISO.search(text) or _DAY_MONTH.search(text) or _MONTH_DAY.search(text) or _NUMERIC_DAY.search(text)
    if day is None:
        return False
    before, after = _WEEKDAY_AT_END.sub("", text[:day.start()].strip()).strip(), text[day.end():].strip()
    if not before:  # "Tue 1 Dec — Redfern", "28 December: Acme", "5 Jan 2027 QBR"
        return bool(_GLUE_AFTER.match(after))
    return bool(_GLUE_BEFORE.search(before)) and not after.strip(").: ")  # "Vantara Telecom, 3 Dec"


def _ends_list(line: str, depth: int, indent: int, following: str | None) -> bool:
    """Whether a line after a bullet item heads the next list rather than continuing the item: a capitalised
    label ending in ":" ("Tallgrass Agritech, 4 Dec:"), or a title that is less indented than the bullets or
    names more than a day and is followed by a bullet (not "- They need Peppol by / 4 Dec")."""
    if not line[:1].isupper() and not line[:1].isdigit():
        return False
    if line.endswith(":"):
        return _is_bare_heading(line) and len(line.split()) <= 8
    if not _is_title(line):
        return False
    names_more = bool(re.search(r"[^\W\d_]{3,}", _MONTH_DAY.sub("", _DAY_MONTH.sub("", _WEEKDAY.sub("", line)))))
    return depth < indent or (names_more and following is not None and _BULLET.match(following) is not None)


def _next_line(lines: list[str | EmailStart], n: int) -> str | None:
    """The next line with words after line `n`, None at the end or at an email's start."""
    for raw in lines[n + 1:]:
        if isinstance(raw, EmailStart):
            return None
        if raw.strip():
            return raw.strip()
    return None


def _marked_heading(raw: str) -> str | None:
    """The words of a line marked as a heading: all bold ("**Requests**") or Markdown ("## Pain points")."""
    found = _BOLD_LINE.match(raw) or _MD_HEADING.match(raw)
    return found["text"].strip() if found else None


def _is_section_label(label: str) -> bool:
    """A label alone on its line ("Requests:", "**Pain points**", "## Happy") that sorts what was said on a call."""
    return _SECTION_LABEL.match(label.rstrip(": ")) is not None


def _short_title(text: str) -> bool:
    """A marked line short enough to be a heading, not a sentence in bold ("**Export is broken.**")."""
    return 0 < len(text.split()) <= 8 and not _ends_sentence(text.rstrip(":"))


def _is_bare_heading(item: str) -> bool:
    return item.endswith(":") and len(item.split()) <= 8 and not any(ch in item[:-1] for ch in ".?!")


# how this module reads a line, lent to the email handling so that it reads bullets, titles and days alike
_EMAIL_RULES = LineRules(is_bullet=lambda line: _BULLET.match(line) is not None, is_title=_is_title,
                         ends_sentence=_ends_sentence, day_with_year=_day_with_year)


# what a heading says the call was: "(support escalation)", "— sales call", "Interview with …"
_SOURCE_WORDS = (
    (re.compile(r"\b(?:support|escalation|ticket|helpdesk|incident)\b", re.IGNORECASE), "support"),
    (re.compile(r"\b(?:interviews?|user research|usability)\b", re.IGNORECASE), "interview"),
    (re.compile(r"\b(?:survey|nps|csat)\b", re.IGNORECASE), "survey"),
    (re.compile(r"\b(?:sales|demo|discovery|renewal|qbr|prospect|pricing call)\b", re.IGNORECASE), "sales_call"),
)
_PAREN = re.compile(r"\([^)]*\)")
_NAME_NOISE = re.compile(r"^(?:call|meeting|notes|sync|chat|interview|demo|qbr|catch-up)\b(?:\s+(?:with|from|w/))?\s*"
                         r"|\s*\b(?:call|meeting|notes|sync|demo|qbr)$", re.IGNORECASE)


def heading_source(heading: str) -> str | None:
    """The source a heading names ("Thu 3 Dec — Vantara (support escalation)": support; "Acme — sales call"), or
    None. One of: support, interview, survey, sales_call; the first named wins in that order."""
    for pattern, source in _SOURCE_WORDS:
        if pattern.search(heading):
            return source
    return None


def heading_name(heading: str) -> str | None:
    """The customer's name a heading gives when it names none on record: "Thu 3 Dec — ACME Logistics (CFO)" →
    "ACME Logistics", "Call with Borealis Freight, 2 Dec" → "Borealis Freight". The part of the heading that is
    neither a day nor a description in brackets nor the kind of call; None when no single part is left."""
    text = _PAREN.sub(" ", heading)
    parts = [p.strip(" ,;:*#_") for p in re.split(r"\s[\u2013\u2014-]\s|\s\|\s|,|:", text)]
    names = []
    for p in parts:
        for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY, _NUMERIC_DAY, _WEEKDAY):
            p = pattern.sub(" ", p)
        p = _NAME_NOISE.sub("", re.sub(r"\s+", " ", p).strip()).strip(" ,;:*#_-")
        p = p.rsplit(" at ", 1)[-1]  # "Dana at Stonegate": the customer is Stonegate
        if p and any(ch.isalpha() for ch in p) and heading_source(p) is None and p[0].isupper():
            names.append(p)
    return names[0] if len(names) == 1 and len(names[0]) <= 120 else None
