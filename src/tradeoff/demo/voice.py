"""How feedback is written down per source, tone and hand: framings, greetings, sign-offs, typos.

Framings wrap a ``{body}``; ``compose.py`` fills every other slot. Templates mentioning ``{customer}``
are only used when the feedback has a customer.
"""

from __future__ import annotations

import random
import re

# Framings per source: (needs_customer, kinds it suits or None for any, template)
_PROBLEMS = ("pain", "bug", "request")
FRAMINGS: dict[str, tuple[tuple[bool, tuple[str, ...] | None, str], ...]] = {
    "sales_call": (
        (True, None, "Call with {customer} ({role}). {body} {rep_note}"),
        (True, None, '{customer} QBR. {first} ({role}) said: "{body}" {rep_note}'),
        (True, _PROBLEMS, "Discovery call, {customer}. {body}"),
        (True, None, "Notes from renewal call with {customer}: {body} {rep_note}"),
        (True, None, '{first} at {customer}: "{body}"'),
        (True, None, "{customer} / {first}, {role}. {body} {rep_note}"),
        (True, None, "Quick sync with {first} from {customer}. {body}"),
    ),
    "support": (
        (False, None, "{greeting}{body}{signoff}"),
        (False, None, "{greeting}{body}{signoff}"),
        (False, None, "Subject: {subject}\n\n{greeting}{body}{signoff}"),
        (False, _PROBLEMS + ("question",), "Ticket #{ticket}: {body}"),
        (True, None, "Chat transcript, {customer}: {body}"),
    ),
    "survey": (
        (False, None, "{body}"),
        (False, None, "{body}"),
        (False, None, "NPS {nps}: {body}"),
        (False, _PROBLEMS + ("churn",), "What's one thing we could improve? {body}"),
        (False, ("praise",), "What do you like most about Ledgerly? {body}"),
        (False, None, "CSAT {csat}/5. {body}"),
        (True, None, "Renewal survey ({customer}): {body}"),
    ),
    "interview": (
        (True, _PROBLEMS, "Interview with {first}, {role} at {customer}. {body} Workaround today: {workaround}."),
        (True, None, '{Role} at {customer}, discovery interview: "{body}"'),
        (True, None, "From customer interview ({customer}): {body}"),
        (True, ("pain", "bug"), "Shadowed {first} ({role}) at {customer} during month end. {body}"),
        (True, ("request",), "Interview, {customer} ({role}). {body} Asked to be in the beta."),
    ),
    "usage": (
        (False, None, "{body}"),
        (False, None, "Usage: {body}"),
        (False, None, "From the weekly product analytics review: {body}"),
        (False, None, "Data pull for the roadmap review. {body}"),
    ),
    "other": (
        (False, None, "Heard at {event}: {body}"),
        (False, None, "From a LinkedIn comment: {body}"),
        (False, None, "Community forum post: {body}"),
        (True, None, "Forwarded email from {customer}: {body}"),
        (True, None, 'Said by {first} ({role}, {customer}) at our customer dinner: "{body}"'),
        (True, ("praise", "pain", "request"), "{customer} left this in the G2 review: {body}"),
    ),
}

REP_NOTES: tuple[str, ...] = (
    "Renewal is in {renewal_month}.",
    "They mentioned {competitor} twice.",
    "Expansion of {n_small} more seats depends on this.",
    "Asked me for a date; I didn't give one.",
    "Champion is supportive but the CFO is sceptical.",
    "Follow-up booked for next {weekday}.",
    "Sounded frustrated.",
    "Otherwise a good call.",
    "",
    "",
)

GREETINGS: tuple[str, ...] = ("Hi team,\n\n", "Hello,\n", "Hi Lena,\n\n", "", "", "", "Good morning,\n\n", "Hi there!\n")
SIGNOFFS: tuple[str, ...] = (
    "\n\nThanks,\n{first}",
    " Thanks!",
    "",
    "",
    "\nCheers",
    "\n\nRegards,\n{first} ({role})",
    " Thx",
)
# Only where an answer is expected.
ASKING_SIGNOFFS: tuple[str, ...] = (" Please advise.", " Can someone get back to me?", " Let me know.")
SUBJECTS: dict[str, tuple[str, ...]] = {
    "pain": ("Question about {tag}", "Help with {tag}", "{tag} issue"),
    "bug": ("Bug?", "URGENT: {tag}", "Something is wrong with {tag}", "{tag} broken"),
    "request": ("Feature request", "Suggestion: {tag}", "Request"),
    "praise": ("Thank you", "Feedback"),
    "question": ("Quick question", "Question", "How do I...?"),
    "other": ("Account change", "Billing"),
    "churn": ("Renewal", "Our contract"),
}
WORKAROUNDS: tuple[str, ...] = (
    "a spreadsheet",
    "a shared inbox and sticky notes",
    "a script one of their engineers wrote",
    "doing it by hand",
    "a weekly meeting to go through the list",
    "exporting to Excel",
)
EVENTS: tuple[str, ...] = (
    "FinOps Summit",
    "the AR leaders meetup in Chicago",
    "our webinar on collections",
    "the London finance breakfast",
    "the partner day with our NetSuite consultants",
    "SaaS Billing Days in Amsterdam",
)
BANKS: tuple[str, ...] = ("Chase", "Wells Fargo", "Barclays", "HSBC", "ING", "Mercury", "Deutsche Bank")
LANGUAGES: tuple[str, ...] = ("Python", "Go", "TypeScript", "Ruby", "C#", "PHP")
COUNTRIES: tuple[str, ...] = ("Germany", "France", "Belgium", "Spain", "Italy", "the Netherlands")

# Tones: extra sentences placed before or after the body.
ANGRY_TAILS: tuple[str, ...] = (
    "This is really frustrating.",
    "Third time this quarter.",
    "We pay {arr_text} a year for this.",
    "Not acceptable.",
    "Please fix this asap.",
    "Honestly considering {competitor} at this point.",
    "Nobody has got back to me on the last ticket either.",
)
POLITE_HEADS: tuple[str, ...] = (
    "Hope you're well. ",
    "Thanks for a great product so far. ",
    "Small request, not urgent. ",
    "Love the product, one thing though. ",
    "Not sure this is the right place for it. ",
)

# Common misspellings people really make.
_MISSPELLINGS: tuple[tuple[str, str], ...] = (
    ("don't", "dont"),
    ("can't", "cant"),
    ("doesn't", "doesnt"),
    ("it's", "its"),
    ("receive", "recieve"),
    ("separate", "seperate"),
    ("invoices", "invoces"),
    ("because", "becuase"),
    ("the ", "teh "),
    ("definitely", "definately"),
    ("payment", "paymnet"),
    ("customer", "cusotmer"),
)
_WORD = re.compile(r"[A-Za-z]{6,}")


def add_typo(text: str, rng: random.Random) -> str:
    """Return `text` with one human-looking typo (a known misspelling or a slipped key)."""
    candidates = [(a, b) for a, b in _MISSPELLINGS if a in text]
    if candidates and rng.random() < 0.5:
        wrong, right = rng.choice(candidates)
        return text.replace(wrong, right, 1)
    words = list(_WORD.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    word = m.group(0)
    i = rng.randrange(1, len(word) - 2)
    op = rng.randrange(3)
    if op == 0:  # swap two neighbours
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif op == 1:  # drop a letter
        typo = word[:i] + word[i + 1 :]
    else:  # double a letter
        typo = word[:i] + word[i] + word[i:]
    return text[: m.start()] + typo + text[m.end() :]


def make_terse(text: str) -> str:
    """Lower-case the first letter and drop the final full stop, the way quick notes are typed."""
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text[:-1] if text.endswith(".") else text
