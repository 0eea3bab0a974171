"""Sliding-window limits for failed logins (`LoginThrottle`), invitation links and public submissions.

`SharedWindowLimiter` counts in the database, so every server process (`tradeoff serve --workers N`) sees the same
count; `SlidingWindowLimiter` counts in memory, for a single process with no database at hand."""

from __future__ import annotations

import hashlib
import ipaddress
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, delete, func, insert, select

from tradeoff.accounts.model import RateEvent
from tradeoff.errors import RateLimited
from tradeoff.storage.base import utcnow


class WindowLimiter(Protocol):
    def blocked(self, *keys: str) -> bool: ...

    def hit(self, *keys: str) -> None: ...

    def reset(self, *keys: str) -> None: ...


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._hits[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = self.clock()
        with self._lock:
            return any(len(self._prune(k, now)) >= self.limit for k in keys)

    def hit(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                self._prune(k, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._hits.pop(k, None)


class SharedWindowLimiter:
    """At most `limit` hits per key (within `scope`) in any `window_seconds`, counted in the `rate_events` table. Each call runs in
    its own short transaction on the engine, so a hit survives the rollback of the request that made it (a failed
    login raises, and its own transaction is rolled back). Old events of a key are deleted as new ones arrive."""

    def __init__(self, engine: Engine, scope: str, limit: int, window_seconds: float = 60.0,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.scope = scope  # limits with different windows count apart ("login", "public-ip", ...)
        self.limit = limit
        self.window = timedelta(seconds=window_seconds)
        self.clock = clock

    def blocked(self, *keys: str) -> bool:
        since = self.clock() - self.window
        with self.engine.connect() as conn:
            for k in keys:
                n = conn.scalar(select(func.count()).select_from(RateEvent).where(
                    RateEvent.key_hash == self._hash(k), RateEvent.at > since))
                if (n or 0) >= self.limit:
                    return True
        return False

    def hit(self, *keys: str) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            for k in keys:
                h = self._hash(k)
                conn.execute(delete(RateEvent).where(RateEvent.key_hash == h, RateEvent.at <= now - self.window))
                conn.execute(insert(RateEvent).values(key_hash=h, at=now))

    def reset(self, *keys: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(RateEvent).where(RateEvent.key_hash.in_([self._hash(k) for k in keys])))

    def _hash(self, key: str) -> str:
        return hashlib.sha256(f"{self.scope}\0{key}".encode()).hexdigest()


def client_key(ip: str) -> str:
    """The client a login limit counts: an IPv4 address as it is, an IPv6 one by its /64 (one subscriber's network,
    whose own addresses change by the day, so counting them one by one would let a single client dodge the limit);
    a mapped IPv4 address as that address; anything unreadable (no client address) as given."""
    try:
        ip_ = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return ip
    if isinstance(ip_, ipaddress.IPv6Address):
        if ip_.ipv4_mapped is not None:
            return str(ip_.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip_}/64", strict=False))
    return str(ip_)


def _limiter(engine: Engine | None, scope: str, limit: int, window_seconds: float) -> WindowLimiter:
    return (SharedWindowLimiter(engine, scope, limit, window_seconds) if engine is not None
            else SlidingWindowLimiter(limit, window_seconds))


class LoginThrottle:
    """Who may try a password now, so that nobody can lock an account's owner out by failing logins to it.

    Failures count per (account, client address) and per client address, `attempts_per_minute` of each a minute:
    an attacker's failures slow the attacker down, not the owner signing in from elsewhere. Failures to one account
    from every address together count too, up to `account_ceiling` in `account_window_seconds` (a slow attack spread
    over many addresses); past that ceiling the account can still be signed in to from an address that signed in
    to it successfully within `known_for_seconds`, or by a caller who holds a valid session, and from nowhere else
    until the window has passed. A client address is `client_key` of the address the request came from (behind a
    proxy, the one `TRADEOFF_TRUSTED_PROXIES` lets it name)."""

    def __init__(self, attempts_per_minute: int, engine: Engine | None = None, *, account_ceiling: int = 100,
                 account_window_seconds: float = 15 * 60.0, known_for_seconds: float = 30 * 24 * 3600.0) -> None:
        """With an engine the counts are kept in the database, shared by every server process; without one, in this
        process only."""
        self.per_client = _limiter(engine, "login", attempts_per_minute, 60.0)
        self.per_account = _limiter(engine, "login-account", account_ceiling, account_window_seconds)
        self.known = _limiter(engine, "login-known", 1, known_for_seconds)  # one event: "signed in from here"
        self.account_minutes = max(1, round(account_window_seconds / 60))

    @staticmethod
    def _keys(email: str, ip: str) -> tuple[str, str, str]:
        """(account from this client, this client, the account) for a normalised email."""
        client = client_key(ip)
        return f"acct-ip:{email}\0{client}", f"ip:{client}", f"acct:{email}"

    def check(self, *, email: str, ip: str, has_session: bool = False) -> None:
        """RateLimited when a password may not be tried now for `email` from `ip`. `has_session`: the caller
        presents a valid session of this account (changing their password), which the account's ceiling spares."""
        account_ip, client, account = self._keys(email, ip)
        if self.per_client.blocked(account_ip, client):
            raise RateLimited("too many failed sign-ins from your address; wait a minute and try again")
        if (self.per_account.blocked(account) and not has_session
                and not self.known.blocked(account_ip)):
            raise RateLimited(f"too many failed sign-ins to this account from unfamiliar places; wait "
                              f"{self.account_minutes} minutes and try again, or sign in from where you have signed "
                              "in before")

    def failed(self, *, email: str, ip: str) -> None:
        account_ip, client, account = self._keys(email, ip)
        self.per_client.hit(account_ip, client)
        self.per_account.hit(account)

    def succeeded(self, *, email: str, ip: str) -> None:
        """The owner's own failures from this address are forgiven, and the address is remembered as theirs. The
        address's count (all accounts) is not: signing in to one's own account must not buy more guesses at others."""
        account_ip, _, _ = self._keys(email, ip)
        self.per_client.reset(account_ip)
        self.known.reset(account_ip)
        self.known.hit(account_ip)
