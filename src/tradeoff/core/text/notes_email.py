"""Take apart a pasted email in call notes: drop what wraps its words (the header lines "From:", "Sent:", "To:",
"Cc:", "Subject:", a quoted message's "On … wrote:", the greeting, the sign-off, the signature and the footer) and
build the heading its words carry from its subject, its sender and its day. Used by `notes.split_note_items`, which
lends it its own reading of a line (`LineRules`) so that both read bullets, titles and days alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# --- what wraps a pasted email -------------------------------------------------------------------------------

# "From: Jane Doe <jane@x.com>", "Sent: Tuesday, December 1, 2026 10:32 AM", "Subject: RE: Export": a header line
_EMAIL_HEADER = re.compile(r"^\s*(?P<field>from|sent|date|to|cc|bcc|subject|reply-to)\s*:\s*(?P<value>.*)$",
                           re.IGNORECASE)
# "RE: ", "Fwd: ", "AW: " before a subject
_REPLY_PREFIX = re.compile(r"^(?:(?:re|fwd?|aw|wg|sv)\s*:\s*)+", re.IGNORECASE)
# "On Tue, 1 Dec 2026 at 10:32, Jane <jane@x.com> wrote:": where a quoted earlier message starts
_WROTE = re.compile(r"^\s*on\s+(?P<who>.{5,200}?)\s+wrote:\s*$", re.IGNORECASE)
# "-----Original Message-----", "---------- Forwarded message ---------": a line that only separates messages
_SEPARATOR_LINE = re.compile(r"^\s*-{2,}\s*(?:original message|forwarded message)\s*-*\s*$", re.IGNORECASE)
# "Hi Maya,", "Hello team,", "Dear Ms. Weber,", "Good morning all!": a greeting opening a message
_GREETING = re.compile(r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b[\w .'\u2019-]{0,40}[,!:.]?$",
                       re.IGNORECASE)
# "Thanks,", "Best regards,", "Cheers", "Thanks, Jane", "Sent from my iPhone": a sign-off; its signature follows
_SIGN_OFF = re.compile(
    r"^(?:(?:many )?thanks(?: again| a lot| so much| in advance)?|thank you(?: again| so much)?|"
    r"best(?: regards| wishes)?|(?:kind|warm|warmest) regards|regards|cheers|all the best|(?:yours )?sincerely|"
    r"talk soon|speak soon)"
    r"(?P<tail>\s*[,!.]+(?:\s*(?-i:[A-Z][\w.'\u2019-]*)(?:\s+(?-i:[A-Z][\w.'\u2019-]*)){0,2})?)?\s*$"
    r"|^sent from my \w+", re.IGNORECASE)
# "This email and any attachments are confidential …", "If you are not the intended recipient …": an email's footer
_DISCLAIMER = re.compile(r"^(?:this (?:e-?mail|message)\b.*\b(?:confidential|privileged|intended)|if you (?:are not|"
                         r"have received this)\b.*\b(?:intended|in error))", re.IGNORECASE)
# "P.S. the export is still broken": words after the signature
_POSTSCRIPT = re.compile(r"^p\.?\s?s\b", re.IGNORECASE)


@dataclass(frozen=True)
class EmailStart:
    """Where a pasted email's header stood: the heading its words carry (subject, sender, day)."""

    heading: str


@dataclass(frozen=True)
class LineRules:
    """How the notes' splitter reads a line, lent to the email handling (which cannot import it: the splitter
    imports this module) so that both read lines alike."""

    is_bullet: Callable[[str], bool]  # "- x", "1. x": an item, never a greeting, sign-off or signature line
    is_title: Callable[[str], bool]  # "Call w/ Stonegate — 12/01/2026": a call's title, not a signature line
    ends_sentence: Callable[[str], bool]  # "We still need SSO." ends one; "Greystone call 01.12." does not
    day_with_year: Callable[[str], date | None]  # "Tuesday, December 1, 2026 10:32 AM": that day, else None


# --- pasted emails -------------------------------------------------------------------------------------------


def without_email_wrapping(lines: list[str], rules: LineRules) -> list[str | EmailStart]:
    """The lines without what wraps an email's words: each header ("From:", "Sent:", "To:", "Subject:" …, given
    back as an `EmailStart` carrying the heading of the words under it), the greeting opening a message ("Hi
    Maya,"), the sign-off ("Best regards,") and the signature under it (short lines: name, title, phone,
    company; a footer). In notes that are not an email a sign-off counts only with its comma ("Thanks,"), so
    "Thanks!" over what was said stays; a sentence ("Thanks for fixing X, but Y is still broken") always does."""
    is_email = any(_email_header(lines, n)[0] for n in range(len(lines)))
    out: list[str | EmailStart] = []
    opening = True  # the next line with words may be a greeting
    signature = False  # under a sign-off
    n = 0
    while n < len(lines):
        line = lines[n].strip()
        size, fields = _email_header(lines, n)
        if size or _WROTE.match(line) or _SEPARATOR_LINE.match(line):
            wrote = _WROTE.match(line)
            if size:
                out.append(EmailStart(_email_heading(fields, rules)))
            elif wrote:
                out.append(EmailStart(_email_heading({"from": wrote["who"]}, rules)))
            n, opening, signature = n + max(size, 1), True, False
            continue
        n += 1
        if not line:
            out.append("")
            signature = False  # a signature is one block of lines
            continue
        plain = not rules.is_bullet(line)
        if (signature and plain and _signature_line(line, rules)) or (is_email and _DISCLAIMER.match(line)):
            continue  # "Jane Doe", "Head of Finance Operations", "+1 555 0100"
        signature = False
        if opening and plain and _GREETING.match(line) and len(line.split()) <= 6:
            opening, is_email = False, True
            continue
        opening = False
        sign_off = _SIGN_OFF.match(line) if plain else None
        if sign_off and (is_email or "," in (sign_off["tail"] or "")):
            signature = True
            continue
        out.append(lines[n - 1])
    return out


def _signature_line(line: str, rules: LineRules) -> bool:
    """A line of a signature: short ("Jane Doe", "Head of Finance Operations", "+1 555 0100 | stonegate.com"), not
    a title, a postscript or a sentence ("We still need SSO.")."""
    words = len(line.split())
    return (words <= 10 and not rules.is_title(line) and not _POSTSCRIPT.match(line)
            and not (words >= 5 and rules.ends_sentence(line)))


def _email_header(lines: list[str], n: int) -> tuple[int, dict[str, str]]:
    """The email header starting at line `n`: how many lines it takes and its fields ("from", "sent", "subject"
    …). A header is two header lines or more, one of them "From:" or "Subject:"; else (0, {})."""
    fields: dict[str, str] = {}
    size = 0
    while n + size < len(lines):
        found = _EMAIL_HEADER.match(lines[n + size])
        if found is None:
            break
        fields.setdefault(found["field"].lower(), found["value"].strip())
        size += 1
    if size >= 2 and ("from" in fields or "subject" in fields):
        return size, fields
    return 0, {}


def _email_heading(fields: dict[str, str], rules: LineRules) -> str:
    """The heading of an email's words: its subject, its sender (the customer may be named there, or by the
    address's domain) and its day ("Export problems — Jane Doe <jane@stonegate.com> — 2026-12-01"). A day with a
    month's name and a year is written as ISO so it is read the same whatever the subject says; one in numbers
    ("01/12/2026") is left as written, for `heading_date`'s rules."""
    subject = _REPLY_PREFIX.sub("", fields.get("subject", "")).strip()
    sent = fields.get("sent") or fields.get("date") or ""
    day = rules.day_with_year(sent)
    return " \u2014 ".join(part for part in (subject, fields.get("from", ""), day.isoformat() if day else sent) if part)

