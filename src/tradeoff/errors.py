"""Typed domain errors. Raised by services and core, translated once per door (API, web, CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    """One problem with one input: where it is (`loc`, e.g. ``["body", "arr"]`` or ``["row", 7, "text"]``) and why."""

    loc: list[str | int]
    msg: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"loc": list(self.loc), "msg": self.msg}
        if self.value is not None:  # as JSON gives it back: a money amount or a day as its text, never a crash
            out["value"] = self.value if isinstance(self.value, str | int | float | bool | list | dict) \
                else str(self.value)
        return out


@dataclass
class TradeoffError(Exception):
    """Base of every error a person can cause. `message` says what was wrong and what to do."""

    message: str
    errors: list[FieldError] = field(default_factory=list)

    status = 400
    title = "Bad request"
    slug = "bad-request"
    exit_code = 1

    def __str__(self) -> str:
        return self.message


class InvalidInput(TradeoffError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"
    exit_code = 2


class NotFound(TradeoffError):
    status = 404
    title = "Not found"
    slug = "not-found"
    exit_code = 3


class Conflict(TradeoffError):
    status = 409
    title = "Conflict"
    slug = "conflict"
    exit_code = 4


class PreconditionFailed(TradeoffError):
    """The record changed since the client read it (stale If-Match)."""

    status = 412
    title = "Precondition failed"
    slug = "precondition-failed"
    exit_code = 4


class NotSupported(TradeoffError):
    """The request asks for something this operation does not do (e.g. an If-Match it cannot check)."""

    status = 400
    title = "Not supported"
    slug = "not-supported"
    exit_code = 2


class PermissionDenied(TradeoffError):
    status = 403
    title = "Permission denied"
    slug = "permission-denied"
    exit_code = 5


class Unauthenticated(TradeoffError):
    status = 401
    title = "Not authenticated"
    slug = "unauthenticated"
    exit_code = 5


class RateLimited(TradeoffError):
    status = 429
    title = "Too many requests"
    slug = "rate-limited"
    exit_code = 6


class Infeasible(TradeoffError):
    """A calculation has no answer for the given inputs (e.g. a plan no schedule can satisfy)."""

    status = 422
    title = "No feasible answer"
    slug = "infeasible"
    exit_code = 2


class SchemaMismatch(TradeoffError):
    """The database's schema is not the one this code was written for: a migration to run (`tradeoff db upgrade`),
    or a database a newer Tradeoff migrated."""

    status = 503
    title = "Database schema out of date"
    slug = "schema-mismatch"
    exit_code = 1
