"""HTML form fields: turning a POSTed form into a service input, and errors back into per-field messages.

No business rule lives here: the pydantic schemas and the services decide what is valid; this module only
translates between form strings and schema values, and between error locations and form fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from tradeoff.errors import FieldError, InvalidInput, TradeoffError
from tradeoff.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Field:
    """One form control. `name` is the schema field it feeds."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | number | date | select | lines | tags | multiselect | customer | email
    # | member (free text with the workspace's members offered by email)
    required: bool = False
    help: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for selects with fixed choices
    options_from: str = ""  # "products" | "problems" | "members": choices loaded per request
    blank: str = ""  # label of the empty choice of a select ("" = no empty choice)
    wide: bool = False
    rows: int = 3
    empty: str = ""  # what an empty input means: "keep" (""), "none" (None) or "omit" (default / unchanged)

    @property
    def when_empty(self) -> str:
        if self.empty:
            return self.empty
        if self.kind == "date" or (self.kind == "select" and self.blank):
            return "none"
        return "omit" if self.kind == "number" else "keep"


@dataclass
class FormState:
    """What a form shows: the user's raw input and the messages per field (and for the whole form)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""

    def add(self, name: str, msg: str) -> None:
        """A message beside a field; the same message twice (a form's own check and the schema's) shows once."""
        said = self.errors.setdefault(name, [])
        if msg not in said:
            said.append(msg)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message


def raw_values(fields: tuple[Field, ...], form: FormData) -> dict[str, Any]:
    """The user's input as typed, to re-render the form with it."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "multiselect":
            out[f.name] = [str(v) for v in form.getlist(f.name)]
        else:
            v = form.get(f.name)
            out[f.name] = v if isinstance(v, str) else ""
    return out


def unchanged_days(fields: tuple[Field, ...], data: dict[str, Any], obj: Any) -> dict[str, Any]:
    """`data` without the moments a date input shows as their day and the form sent back on the same day: saving
    an edit form must not move "2026-12-05 14:30" to midnight."""
    def same_day(f: Field) -> bool:
        now = getattr(obj, f.name, None)
        return isinstance(now, datetime) and data.get(f.name) == now.date().isoformat()
    return {k: v for k, v in data.items() if not any(f.name == k and f.kind == "date" and same_day(f) for f in fields)}


def to_input(fields: tuple[Field, ...], raw: dict[str, Any], state: FormState) -> dict[str, Any]:
    """Form strings → the dict a schema validates. Empty optional inputs mean 'none' (or 'default' on create)."""
    data: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.name, "")
        if f.kind == "customer":
            continue  # resolved by the route (name → id) because it needs the database
        if f.kind == "multiselect":
            ids = []
            for v in value:
                if v.strip().isdecimal():
                    ids.append(int(v))
                elif v.strip():
                    state.add(f.name, f"'{v}' is not a valid choice")
            data[f.name] = ids
        elif f.kind == "lines":
            data[f.name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif f.kind == "tags":
            data[f.name] = [t.strip() for t in value.split(",") if t.strip()]
        else:
            value = value.strip() if f.kind != "textarea" else value
            if value == "" and f.when_empty == "omit":
                continue
            if value == "" and f.when_empty == "none":
                data[f.name] = None
            else:
                data[f.name] = value.replace(",", "") if f.kind == "number" else value
    return data


def _message(err: Any) -> str:
    msg = str(err.get("msg", "is not valid"))
    msg = msg.removeprefix("Value error, ")
    if err.get("type") == "greater_than_equal":
        msg = f"must be {err.get('ctx', {}).get('ge', 0)} or more"
    elif err.get("type") == "missing" or (err.get("type") == "string_too_short"
                                          and err.get("ctx", {}).get("min_length") == 1):
        msg = "is required"
    elif err.get("type") == "date_from_datetime_parsing":
        msg = "enter a date as YYYY-MM-DD"
    return msg


def validation_to_state(exc: ValidationError, state: FormState, known: set[str]) -> None:
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if not (isinstance(p, str) and "[" in p)]
        name = str(loc[0]) if loc else ""
        msg = _message(err)
        if len(loc) > 1 and isinstance(loc[1], int):
            msg = f"line {loc[1] + 1}: {msg}"
        if name in known:
            state.add(name, msg)
        else:
            state.message = state.message or msg


def error_to_state(exc: TradeoffError, state: FormState, known: set[str]) -> None:
    """A service error → messages next to the fields it names, or one message above the form."""
    placed = False
    for e in exc.errors:
        name = _field_of(e)
        if name in known:
            state.add(name, e.msg if e.msg else exc.message)
            placed = True
    if not placed:
        state.message = exc.message


def _field_of(e: FieldError) -> str:
    loc = [p for p in e.loc if p != "body"]
    return str(loc[0]) if loc else ""


def validate(schema: type[BaseModel], data: dict[str, Any], state: FormState, known: set[str]) -> BaseModel | None:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        validation_to_state(exc, state, known)
        return None


def initial_values(fields: tuple[Field, ...], obj: Any) -> dict[str, Any]:
    """A record's current values as form strings, for an edit form."""
    out: dict[str, Any] = {}
    for f in fields:
        value = getattr(obj, f.name, None)
        if f.kind == "customer":
            cust = getattr(obj, "customer", None)
            out[f.name] = cust.name if cust is not None else ""
        elif f.kind == "multiselect":
            out[f.name] = [str(v) for v in (value or [])]
        elif f.kind == "lines":
            out[f.name] = "\n".join(value or [])
        elif f.kind == "tags":
            out[f.name] = ", ".join(value or [])
        elif isinstance(value, Decimal):
            out[f.name] = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
        elif isinstance(value, datetime) and f.kind == "date":  # a moment shown as its day
            # feedback whose date is unknown holds only when it was imported: left empty to be given, not shown as
            # the day it was said (empty leaves it unknown)
            out[f.name] = "" if getattr(obj, "date_unknown", False) else value.date().isoformat()
        elif isinstance(value, date):
            out[f.name] = value.isoformat()
        elif value is None:
            out[f.name] = ""
        else:
            out[f.name] = str(getattr(value, "value", value))
    return out


def invalid(name: str, msg: str) -> InvalidInput:
    return InvalidInput(f"{name}: {msg}", [FieldError(["body", name], msg)])


# --- saving a form through a service, with errors shown next to the fields --------------------------------

RANGE_PARTS = ("low", "likely", "high")
INLINE = (409, 412, 422)  # service errors shown next to the form instead of an error page


def field_text(form: Any, name: str, *, strip: bool = True) -> str:
    """A text field of a submitted form ('' when absent or a file)."""
    v = form.get(name)
    if not isinstance(v, str):
        return ""
    return v.strip() if strip else v


def fmt_number(x: Any) -> str:
    """A number as a form shows it back (no trailing zeros); '' for none."""
    if x is None or x == "":
        return ""
    return f"{float(x):g}"


def _place(state: FormState, loc: list[Any], msg: str, known: set[str]) -> None:
    """An error location ("body", "values", "reach", …) → the message next to the form field it names."""
    parts = [str(p) for p in loc if p != "body"]
    if parts and parts[0] == "values" and len(parts) > 1:
        parts = parts[1:]
    name = parts[0] if parts else ""
    if len(parts) > 1 and parts[1] in RANGE_PARTS:
        name = f"{name}_{parts[1]}" if f"{name}_{parts[1]}" in known else name
    if name in known:
        state.add(name, msg)
    else:
        state.message = state.message or msg


def _pydantic_errors(exc: ValidationError, state: FormState, known: set[str]) -> None:
    for err in exc.errors():
        msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        if err.get("type") == "greater_than_equal":
            msg = f"must be {err.get('ctx', {}).get('ge', 0)} or more"
        _place(state, list(err.get("loc", ())), msg, known)


def _service_errors(exc: TradeoffError, state: FormState, known: set[str]) -> None:
    for e in exc.errors:
        _place(state, list(e.loc), exc.message, known)
    if not exc.errors:
        state.message = exc.message


def save_or_errors(uow: UnitOfWork, state: FormState, known: set[str], action: Any) -> bool:
    """Run a service write; on invalid input roll back and put the messages in `state`. True when it saved."""
    try:
        action()
    except ValidationError as exc:
        _pydantic_errors(exc, state, known)
    except TradeoffError as exc:
        if exc.status not in INLINE:
            raise
        uow.session.rollback()
        _service_errors(exc, state, known)
    else:
        return True
    if state.ok:  # an error without a message still must not pass as saved
        state.message = "this was not saved"
    return False


def int_or_none(v: str | None) -> int | None:
    """A query or form value as an id, or None when it is not a whole number."""
    return int(v) if v and v.isdecimal() else None


# --- forms written by hand: a record's version, list fields entered one per line ---------------------------


def form_version(values: Any) -> int | None:
    """The record version the form was loaded at (its hidden `version` field), sent as If-Match; None if absent.
    `values` is the posted form or a dict of its fields."""
    v = values.get("version")
    return int(v) if isinstance(v, str) and v.isdecimal() else None


def create_or_update(uow: UnitOfWork, state: FormState, known: set[str], service: Any, m: Any, record: Any,
                     data: Any) -> Any:
    """Create a record with `service` (a domain service module with `create` and `update`), or update `record` at
    the version the form was loaded at. Returns the saved record, or None with the service's errors in `state`."""
    saved: list[Any] = []

    def action() -> None:
        if record is None:
            saved.append(service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=data))
        else:
            saved.append(service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                        record_id=record.id, data=data, if_match=form_version(state.values)))

    return saved[0] if save_or_errors(uow, state, known, action) else None


def validated_body(schema: type[BaseModel], body: dict[str, Any], state: FormState, known: set[str],
               line_numbers: dict[str, list[int]]) -> Any:
    """The schema built from `body`, or None with messages in `state`. An item of a list entered one per line
    (`line_numbers[field][i]` is the textarea line of item i) is named by its line number."""
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [p for p in err.get("loc", ()) if p != "body"]
            msg = _message(err)
            name = str(loc[0]) if loc else ""
            lines = line_numbers.get(name, [])
            if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(lines):
                part = ".".join(str(p) for p in loc[2:] if not isinstance(p, int))
                msg = f"line {lines[loc[1]]}: {part + ': ' if part else ''}{msg}"
            if name in known:
                state.add(name, msg)
            else:
                state.message = state.message or msg
        return None


def numbered_lines(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank lines of a textarea as (line number, '|'-separated parts)."""
    return [(n, [p.strip() for p in line.split("|")]) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
