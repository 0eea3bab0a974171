"""Background delivery: a daemon thread in the server that sends due webhook deliveries and weekly digests."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime

from tradeoff.notifications import digest
from tradeoff.notifications.delivery import HttpxSender, Policy, Sender, deliver_due
from tradeoff.settings import Settings
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork

log = logging.getLogger("tradeoff.notifications")


def policy_from(settings: Settings) -> Policy:
    return Policy(max_attempts=settings.webhook_max_attempts, timeout=settings.webhook_timeout)


def sender_from(settings: Settings) -> Sender:
    return HttpxSender(allow_private=settings.webhook_allow_private)


def send_digests(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    with uow_factory() as uow:
        return len(digest.send_due_digests(uow=uow, now=now))


class NotificationWorker:
    """Every `interval` seconds: one attempt at each due delivery; every `digest_interval`: due digests."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], settings: Settings, *, interval: float = 1.0,
                 digest_interval: float = 3600.0, sender: Sender | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._uow = uow_factory
        self.policy = policy_from(settings)
        self.sender = sender or sender_from(settings)
        self.interval = interval
        self.digest_interval = digest_interval
        self.clock = clock
        self._rng = random.Random()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tradeoff-notifications", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout + 5)
            self._thread = None

    def _run(self) -> None:
        last_digest: datetime | None = None
        while not self._stop.is_set():
            try:
                n = deliver_due(self._uow, sender=self.sender, policy=self.policy, clock=self.clock, rng=self._rng)
                if n:
                    log.info("made %d webhook delivery attempts", n)
                now = self.clock()
                if last_digest is None or (now - last_digest).total_seconds() >= self.digest_interval:
                    last_digest = now
                    sent = send_digests(self._uow, now)
                    if sent:
                        log.info("sent %d weekly digests", sent)
            except Exception:  # noqa: BLE001 - keep the worker alive; deliveries stay queued
                log.exception("notification worker round failed; will retry")
            self._stop.wait(self.interval)
