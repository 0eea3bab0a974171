"""Sliding-window limits for failed logins (per account and per IP) and public submissions.

`SharedWindowLimiter` counts in the database, so every server process (`tradeoff serve --workers N`) sees the same
count; `SlidingWindowLimiter` counts in memory, for a single process with no database at hand."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, delete, func, insert, select

from tradeoff.accounts.model import RateEvent
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
