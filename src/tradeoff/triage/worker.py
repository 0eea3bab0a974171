"""Background triage: a daemon thread in the server that classifies new feedback in small batches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.triage.engine import TriageEngine

log = logging.getLogger("tradeoff.triage")


def drain(uow_factory: Callable[[], UnitOfWork], engine: TriageEngine, *, batch: int = 200,
          progress: Callable[[int], None] | None = None, workspace_id: int | None = None) -> int:
    """Triage everything pending (in one workspace or all), one committed batch at a time. Returns how many."""
    done = 0
    while True:
        with uow_factory() as uow:
            ids = [workspace_id] if workspace_id is not None else triage.workspaces_with_pending(uow=uow)
            n = sum(triage.triage_batch(uow=uow, engine=engine, workspace_id=w, limit=batch) for w in ids)
        if n == 0:
            return done
        done += n
        if progress:
            progress(n)


class TriageWorker:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], engine_factory: Callable[[], TriageEngine],
                 interval: float = 2.0) -> None:
        self._uow = uow_factory
        self._engine_factory = engine_factory
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tradeoff-triage", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        engine: TriageEngine | None = None
        while not self._stop.is_set():
            try:
                engine = engine or self._engine_factory()
                n = drain(self._uow, engine)
                if n:
                    log.info("triaged %d feedback items", n)
            except Exception:  # noqa: BLE001 - keep the worker alive; the items stay queued
                log.exception("triage batch failed; will retry")
            self._stop.wait(self.interval)
