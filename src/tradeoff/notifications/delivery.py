"""Sending webhook deliveries: HMAC-SHA256 signatures, one attempt per due delivery, exponential backoff with
jitter, every attempt logged, giving up after the last one. Used by the background worker and the CLI.

Network calls happen outside any database transaction: due deliveries are first *claimed* (their next attempt
pushed past the request timeout, so a second runner skips them), then sent, then the outcome is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy import func, select

from tradeoff import __version__
from tradeoff.errors import InvalidInput
from tradeoff.notifications.model import Delivery, DeliveryAttempt, DeliveryStatus, Webhook
from tradeoff.notifications.urls import Resolver, Target, checked_target, resolve
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork

MAX_ERROR = 500


def sign(secret: str, timestamp: int, body: str) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, f"{timestamp}.{body}"): what X-Tradeoff-Signature carries.
    A receiver recomputes it with its copy of the secret and rejects old timestamps to stop replays."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: str, signature: str) -> bool:
    """What a receiver does (and what the tests do): constant-time comparison of the signature."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


@dataclass(frozen=True)
class Policy:
    """How hard to try: `max_attempts` in all, waiting base·2^(n-1) seconds (capped at `max_delay`) after the
    n-th failure, stretched by up to `jitter` (a fraction) so receivers that failed together are not hit together."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 3600.0
    jitter: float = 0.2
    timeout: float = 5.0

    def delay(self, failures: int, rng: random.Random) -> float:
        """Seconds to wait after the `failures`-th failed attempt (1-based)."""
        raw = min(self.max_delay, self.base_delay * 2 ** max(0, failures - 1))
        return float(raw * (1.0 + self.jitter * rng.random()))


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Sender(Protocol):
    def __call__(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> Outcome: ...


class HttpxSender:
    """POSTs with httpx: no redirects followed (a 3xx is a failed attempt), a short timeout, and the address checked
    on every call. Unless private addresses are allowed, the host name is resolved once, every address it resolves
    to is checked, and the connection goes to a checked address, never to the name resolved again: DNS that answers
    a public address to the check and 127.0.0.1 to the connection (rebinding) reaches nothing. The request still
    names the host (Host header, TLS SNI) and its certificate is verified for that name."""

    def __init__(self, *, allow_private: bool, resolver: Resolver = resolve, verify: ssl.SSLContext | bool = True) -> None:
        """`resolver`: the name lookup used for the check and the connection alike; `verify`: the TLS trust (an
        SSLContext trusting a test CA in tests; certificates are always verified by default)."""
        self.allow_private = allow_private
        self.resolver = resolver
        self.verify = verify

    def __call__(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> Outcome:
        started = time.perf_counter()
        try:
            # resolved now, not when the webhook was saved: DNS may have changed since
            target = checked_target(url, allow_private=self.allow_private, resolver=self.resolver)
            with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=self.verify) as client:
                r = _post(client, target, headers, body)
            if r.is_success:
                return Outcome(r.status_code, None, _ms(started))
            why = " (redirects are not followed: give the receiver's final URL)" if r.is_redirect else ""
            return Outcome(r.status_code, f"HTTP {r.status_code}{why}", _ms(started))
        except InvalidInput as exc:
            return Outcome(None, f"refused: {exc.message}"[:MAX_ERROR], _ms(started))
        except httpx.TimeoutException:
            return Outcome(None, f"timed out after {timeout:g} s", _ms(started))
        except httpx.HTTPError as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR], _ms(started))


def _post(client: httpx.Client, target: Target, headers: dict[str, str], body: bytes) -> httpx.Response:
    """POST to `target`: to the URL as it is when it has no pinned addresses, else to each checked address in turn
    (the next only when one refuses the connection), with the URL's host in the Host header and as the TLS server
    name, so virtual hosting and certificate verification work as if the name had been connected to."""
    if not target.addresses:
        return client.post(target.url, content=body, headers=headers)
    url = httpx.URL(target.url)
    named = {"Host": url.netloc.decode("ascii"), **headers}
    refused: httpx.ConnectError | None = None
    for address in target.addresses:
        try:
            return client.post(url.copy_with(host=address), content=body, headers=named,
                               extensions={"sni_hostname": url.raw_host.decode("ascii")})
        except httpx.ConnectError as exc:
            refused = exc
    assert refused is not None
    raise refused


def _ms(started: float) -> int:
    return int(round((time.perf_counter() - started) * 1000))


@dataclass(frozen=True)
class _Claimed:
    id: int
    uid: str
    url: str
    secret: str
    body: str
    event_type: str
    attempt: int


def _claim(uow_factory: Callable[[], UnitOfWork], now: datetime, policy: Policy, limit: int,
           workspace_id: int | None) -> list[_Claimed]:
    lease = timedelta(seconds=policy.timeout * 2 + 30)
    with uow_factory() as uow:
        stmt = (select(Delivery, Webhook).join(Webhook, Webhook.id == Delivery.webhook_id)
                .where(Delivery.status == DeliveryStatus.pending.value, Delivery.next_attempt_at <= now))
        if workspace_id is not None:
            stmt = stmt.where(Delivery.workspace_id == workspace_id)
        rows = uow.session.execute(
            stmt.order_by(Delivery.next_attempt_at, Delivery.id).limit(limit).with_for_update(skip_locked=True, of=Delivery)
        ).all()
        out = []
        for d, hook in rows:
            d.next_attempt_at = now + lease
            out.append(_Claimed(d.id, d.uid, hook.url, hook.secret, d.body, d.event_type, d.attempts + 1))
    return out


def _headers(c: _Claimed, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"Tradeoff-Webhooks/{__version__}",
        "X-Tradeoff-Event": c.event_type,
        "X-Tradeoff-Delivery": c.uid,
        "X-Tradeoff-Timestamp": str(timestamp),
        "X-Tradeoff-Signature": sign(c.secret, timestamp, c.body),
    }


def _record(uow_factory: Callable[[], UnitOfWork], c: _Claimed, outcome: Outcome, at: datetime, policy: Policy,
            rng: random.Random) -> None:
    with uow_factory() as uow:
        d = uow.session.get(Delivery, c.id)
        if d is None:  # its webhook was deleted meanwhile
            return
        uow.session.add(DeliveryAttempt(workspace_id=d.workspace_id, delivery_id=d.id, number=c.attempt, at=at,
                                        status_code=outcome.status_code, error=outcome.error,
                                        duration_ms=outcome.duration_ms))
        d.attempts = c.attempt
        d.last_status_code = outcome.status_code
        d.last_error = outcome.error
        if outcome.ok:
            d.status, d.next_attempt_at, d.finished_at = DeliveryStatus.delivered.value, None, at
        elif c.attempt >= policy.max_attempts:
            d.status, d.next_attempt_at, d.finished_at = DeliveryStatus.failed.value, None, at
        else:
            d.next_attempt_at = at + timedelta(seconds=policy.delay(c.attempt, rng))


def deliver_due(uow_factory: Callable[[], UnitOfWork], *, sender: Sender, policy: Policy = Policy(),
                clock: Callable[[], datetime] = utcnow, rng: random.Random | None = None, limit: int = 50,
                workspace_id: int | None = None) -> int:
    """Make one attempt at every delivery that is due now (at most `limit`; in one workspace or all).
    Returns how many were attempted."""
    rng = rng or random.Random()
    claimed = _claim(uow_factory, clock(), policy, limit, workspace_id)
    for c in claimed:
        at = clock()
        body = c.body.encode("utf-8")
        outcome = sender(c.url, _headers(c, int(at.timestamp())), body, policy.timeout)
        _record(uow_factory, c, outcome, at, policy, rng)
    return len(claimed)


def next_due(uow_factory: Callable[[], UnitOfWork], workspace_id: int | None = None) -> datetime | None:
    """When the soonest pending delivery is due, or None when nothing is pending."""
    stmt = select(func.min(Delivery.next_attempt_at)).where(Delivery.status == DeliveryStatus.pending.value)
    if workspace_id is not None:
        stmt = stmt.where(Delivery.workspace_id == workspace_id)
    with uow_factory() as uow:
        return uow.session.scalar(stmt)


def deliver_until_idle(uow_factory: Callable[[], UnitOfWork], *, sender: Sender, policy: Policy = Policy(),
                       clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] = time.sleep,
                       rng: random.Random | None = None, max_wait: float = 3600.0,
                       workspace_id: int | None = None) -> int:
    """Attempt, wait for the backoff, attempt again… until every delivery is delivered or given up on, or the
    next one is more than `max_wait` seconds away. `clock` and `sleep` are parameters so tests run fast."""
    rng = rng or random.Random()
    total = 0
    while True:
        total += deliver_due(uow_factory, sender=sender, policy=policy, clock=clock, rng=rng,
                             workspace_id=workspace_id)
        due = next_due(uow_factory, workspace_id)
        if due is None:
            return total
        wait = (due - clock()).total_seconds()
        if wait > max_wait:
            return total
        if wait > 0:
            sleep(wait)
