"""Jinja2 environment, display filters (money, dates, quotes) and the render helpers every web route uses."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from tradeoff import __version__
from tradeoff.core.formula import format_amount, format_number
from tradeoff.exports.table import CSV_MEDIA_TYPE, Table, attachment, to_csv
from tradeoff.notifications.hooks import MENTION
from tradeoff.web import session as web_session
from tradeoff.web.import_words import web_words

TEMPLATES = Path(__file__).with_name("templates")

LABELS = {
    "sales_call": "Sales call", "support": "Support", "survey": "Survey", "interview": "Interview", "usage": "Usage",
    "other": "Other", "enterprise": "Enterprise", "mid_market": "Mid-market", "smb": "SMB", "startup": "Startup", "customer": "Customer", "prospect": "Prospect",
    "idea": "Idea", "discovery": "Discovery", "planned": "Planned", "in_progress": "In progress",
    "shipped": "Shipped", "wont_do": "Won't do", "owner": "Owner", "pm": "PM", "engineer": "Engineer",
    "stakeholder": "Stakeholder", "bug": "Bug", "feature_request": "Feature request", "praise": "Praise",
    "question": "Question", "negative": "Negative", "neutral": "Neutral", "positive": "Positive",
    "unknown": "Unknown", "all": "All segments",
}


def money(amount: Decimal | float | int | None, currency: str = "") -> str:
    """'USD 120,000' (cents shown only when there are any)."""
    if amount is None:
        return "—"
    value = Decimal(str(amount))
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{currency} {text}".strip()


def pays(customer: Any) -> str:
    """What a customer pays (their ARR), or 'prospect' for one who pays nothing yet: never 'USD 0' for a prospect."""
    if getattr(customer, "lifecycle", "customer") == "prospect":
        return "prospect"
    return money(customer.arr, customer.currency)


def rough_money(amount: Decimal | float | int | None, currency: str = "") -> str:
    """A simulated amount to three significant figures ('USD 209,000'): its cents would be false precision."""
    if amount is None:
        return "—"
    x = float(amount)
    if x == 0:
        return money(0, currency)
    digits = 2 - int(math.floor(math.log10(abs(x))))
    return money(round(x, min(digits, 0)), currency)


def amount(value: float | None, unit: str | None = "", signed: bool = False) -> str:
    """A plan's value in its unit ('USD 8,209,482'; a score without one), '—' when there is none."""
    return "—" if value is None else format_amount(float(value), unit or "", signed=signed)


def number(value: Decimal | float | int | None) -> str:
    """A number for people: '12,346', '0.5', '1,000,000' (never '1.235e+04'); '—' when there is none."""
    return "—" if value is None else format_number(float(value))


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value.day} {value:%b %Y}"


def said_on(feedback: Any) -> str:
    """When a piece of feedback was said, as a day ('7 Dec 2026'); for one whose date is unknown (imported from a file
    without dates), that and when it was imported: 'date unknown (imported 7 Dec)'. Takes a record, an answer or a
    dict with `reported_at` and `date_unknown`."""
    def field(name: str) -> Any:
        return feedback.get(name) if isinstance(feedback, dict) else getattr(feedback, name, None)

    when = field("reported_at")
    if not field("date_unknown") or when is None:
        return day(when)
    imported = f"{when.day} {when:%b}" if when.year == datetime.now(UTC).year else day(when)
    return f"date unknown (imported {imported})"


def moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = value.astimezone(UTC)
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def ago(value: datetime | None) -> str:
    """'3 days ago' style, for scanning lists; the exact time is in the title attribute."""
    if value is None:
        return "—"
    seconds = (datetime.now(UTC) - value.astimezone(UTC)).total_seconds()
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def sentence(value: Any) -> str:
    """The text with its first letter capitalised and the rest as written (Jinja's `capitalize` lowercases the
    rest, names included)."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


def label(value: Any) -> str:
    if value is None or value == "":
        return "—"
    raw = str(getattr(value, "value", value))
    return LABELS.get(raw, raw.replace("_", " "))


FRAMEWORKS = {"rice": "RICE", "ice": "ICE", "wsjf": "WSJF", "value_effort": "Value / effort",
              "weighted": "Weighted criteria"}


def framework(name: Any) -> str:
    """A scoring framework as people name it (RICE, Value / effort); a workspace's own formula by its own name."""
    return FRAMEWORKS.get(str(name), str(name))


def field_name(name: Any) -> str:
    """A record's field as words: 'problem.cost_per_customer' -> 'cost per customer', 'annual_value' -> 'annual
    value'."""
    return str(name).rsplit(".", 1)[-1].replace("_", " ")


def in_words(text: Any) -> str:
    """A sentence that names fields by their code names ('missing new_customer_demand') with words instead."""
    return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", lambda mt: mt.group(0).replace("_", " "), str(text or ""))


def whole(value: Any) -> str:
    """A number to the nearest whole, halves up (12.5 -> 13; Python's own rounding would say 12)."""
    return f"{Decimal(str(value or 0)).quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"


@pass_context
def person(context: Any, email: Any) -> Markup:
    """Someone named by email as the page names people: a member by name (the email on hover), anyone else by
    email. The page's `people` (lower-case email -> name) says who the members are."""
    if not email:
        return Markup("—")
    name = (context.get("people") or {}).get(str(email).lower())
    return Markup('<span title="{}">{}</span>').format(email, name) if name else Markup("{}").format(email)


PAST = {"create": "created", "update": "updated", "archive": "archived", "restore": "restored", "link": "linked",
        "unlink": "unlinked", "comment": "commented on", "member": "set the role of", "revoke": "revoked",
        "merge": "merged", "dismiss": "dismissed a suggestion for", "import": "imported", "solve": "solved",
        "delete": "deleted", "resend": "resent", "merge_in": "merged a duplicate into", "told": "marked told for",
        "untold": "marked not yet told for", "compare": "compared again", "accept": "accepted",
        "decline": "declined"}
PAGES = {"product": "products", "customer": "customers", "feedback": "feedback", "problem": "problems",
         "feature": "features", "plan": "plans", "blocker": "blockers", "decision": "decisions"}


def past(action: str) -> str:
    return PAST.get(action, action)


_ISO_MOMENT = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|\+00:00)?$")


_LABELLED = frozenset({"status", "kind", "source", "segment", "sentiment", "role", "lifecycle"})  # fields whose values have labels


def change_key(key: str) -> str:
    """A field named in the audit trail as words: 'customer_id' -> 'customer', 'problem_ids' -> 'problems'."""
    if key.endswith("_ids"):
        key = key[:-4] + "s"
    elif key.endswith("_id"):
        key = key[:-3]
    return key.replace("_", " ")


def changed_value(value: Any, key: str = "") -> str:
    """A value in the audit trail as people read it: text as is (a status or kind by its label, a moment as
    'YYYY-MM-DD HH:MM UTC'), a record's id as #id, a list of texts one per line, anything else as JSON with its own
    characters (the page escapes it; no \\u0027 for an apostrophe)."""
    if key.endswith("_id") and isinstance(value, int):
        return f"#{value}"
    if key.endswith("_ids") and isinstance(value, list) and all(isinstance(v, int) for v in value):
        return ", ".join(f"#{v}" for v in value) or "none"
    if isinstance(value, str):
        moment = _ISO_MOMENT.match(value)
        if moment:
            return f"{moment[1]} {moment[2]} UTC"
        return LABELS.get(value, value) if key in _LABELLED else value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(f"• {v}" for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def record_url(slug: str, record_type: str, record_id: int | None) -> str | None:
    """Where a record named in the audit log lives, if it has a page."""
    plural = PAGES.get(record_type)
    return f"/w/{slug}/{plural}/{record_id}" if plural and record_id is not None else None


def highlight(text: str, quote: str | None) -> Markup:
    """The verbatim text with the linked quote marked (escaped first; only the first occurrence)."""
    safe = str(escape(text))
    if quote:
        q = str(escape(quote))
        if q in safe:
            safe = safe.replace(q, f"<mark>{q}</mark>", 1)
    return Markup(safe)


def mentions(text: str, handles: Collection[str]) -> Markup:
    """The text, escaped, with each @handle that names a member (one of `handles`, lower case) marked."""
    def mark(m: re.Match[str]) -> str:
        said = m.group(0).rstrip(".")  # a trailing dot ends the sentence
        return f'<strong class="mention">{said}</strong>{m.group(0)[len(said):]}' if said[1:].lower() in handles else m.group(0)
    return Markup(MENTION.sub(mark, str(escape(text))))


def truncate_words(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def share(value: Decimal | float | int | None, total: Decimal | float | int | None) -> float:
    """value as a percentage of total (0-100, one decimal), for the width of a CSS bar; 0 when total is 0."""
    if not value or not total:
        return 0.0
    return round(max(0.0, min(100.0, 100.0 * float(value) / float(total))), 1)


@pass_context
def _query(context: Context, **changes: Any) -> str:
    """The current query string with `changes` applied (None removes a key)."""
    params = dict(context["request"].query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def _build_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, pays=pays, amount=amount, number=number, day=day, said_on=said_on, moment=moment, ago=ago, label=label, highlight=highlight, mentions=mentions,
                       excerpt=truncate_words, past=past, share=share, sentence=sentence,
                       changed=changed_value, change_key=change_key, person=person, whole=whole, rough_money=rough_money, framework=framework, field_name=field_name,
                       in_words=in_words, web_words=web_words)
    env.globals.update(version=__version__, labels=LABELS, query=_query, record_url=record_url)
    return env


ENV = _build_env()


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    context.setdefault("page_title", "")
    context.update(request=request, csrf_token=web_session.csrf_token(request), path=request.url.path,
                   htmx=is_htmx(request))
    html = ENV.get_template(template).render(context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})})


def csv_download(table: Table | Iterator[str], member: Any, name: str = "") -> Response:
    """A table (or the CSV text of a long one, in pieces sent as they are read: then `name` says what it is) as
    a CSV file to download, for Excel (byte-order mark) and every other spreadsheet."""
    headers = attachment(table.name if isinstance(table, Table) else name, workspace=member.workspace_slug,
                         on=date.today())
    if isinstance(table, Table):
        return Response(to_csv(table, excel=True), media_type=CSV_MEDIA_TYPE, headers=headers)
    return StreamingResponse(table, media_type=CSV_MEDIA_TYPE, headers=headers)


def redirect(url: str, request: Request | None = None) -> Response:
    """303 See Other after a POST; htmx requests get HX-Redirect so the whole page navigates."""
    if request is not None and is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
