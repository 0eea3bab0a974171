"""Background triage: a daemon thread in the server that classifies new feedback in small batches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tradeoff.embeddings.tuning import TuneSettings
from tradeoff.storage.db import refresh_statistics
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.triage import tuning, vectors
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


def embed_missing(uow_factory: Callable[[], UnitOfWork], engine: TriageEngine, *, batch: int = 256,
                  workspace_id: int | None = None, at_most: int | None = None) -> int:
    """Store vectors for everything that lacks a current one (in one workspace or all), one committed batch at a
    time (see ``vectors.fill``), stopping after about `at_most`. Nothing to do for an engine without an embedder.
    Returns how many were stored."""
    if engine.embed is None:
        return 0
    done = 0
    with uow_factory() as uow:
        ids = [workspace_id] if workspace_id is not None else vectors.workspaces_to_fill(uow)
    for wid in ids:
        while at_most is None or done < at_most:
            with uow_factory() as uow:
                n = vectors.fill(uow, engine, wid, limit=batch)
            done += n
            if n < batch:
                break
    return done


def tune_workspace(uow_factory: Callable[[], UnitOfWork], workspace_id: int, *,
                   settings: TuneSettings | None = None, progress: Callable[[int, int], None] | None = None,
                   retriage: bool = True) -> tuning.KindModelInfo:
    """Fine-tune a workspace's kind model and, with `retriage`, queue its model-classified feedback to be
    classified again with it (the next `drain` does it; a PM's corrections are never touched)."""
    done = tuning.tune(uow_factory, workspace_id=workspace_id, settings=settings, progress=progress)
    log.info("fine-tuned the kind model of workspace %d on %d examples in %.0f s",
             workspace_id, done.examples, done.seconds)
    if retriage:
        with uow_factory() as uow:
            triage.retriage(uow=uow, workspace_id=workspace_id)
    return done


def tune_due(uow_factory: Callable[[], UnitOfWork], engine: TriageEngine, *, min_corrections: int) -> int:
    """Fine-tune the kind model of every workspace that is due (see `tuning.workspaces_due`), re-triaging its
    model-classified feedback with it. Returns how many workspaces were tuned."""
    if not engine.tuned:
        return 0
    with uow_factory() as uow:
        due = tuning.workspaces_due(uow=uow, min_corrections=min_corrections)
    for workspace_id in due:
        tune_workspace(uow_factory, workspace_id)
    return len(due)


STATS_EVERY = 900.0  # seconds between refreshes of the query planner's statistics


class TriageWorker:
    """Triages new feedback every `interval` seconds; when `tune_min_corrections` is set, also fine-tunes the kind
    model of workspaces that are due. Tuning takes minutes of CPU, so it runs in a thread of its own: new feedback
    goes on being triaged (with the model in use until then) while a workspace's model is being tuned."""

    EMBED_PER_ROUND = 2048

    def __init__(self, uow_factory: Callable[[], UnitOfWork], engine_factory: Callable[[], TriageEngine],
                 interval: float = 2.0, *, tune_min_corrections: int | None = None) -> None:
        self._uow = uow_factory
        self._engine_factory = engine_factory
        self.interval = interval
        self.tune_min_corrections = tune_min_corrections
        self._tune_after = 0.0  # monotonic time before which tuning is not looked at again
        self._embed_after = 0.0  # likewise for storing missing vectors
        self._stats_at: float | None = None  # monotonic time the planner's statistics were last refreshed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tuner: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tradeoff-triage", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._tuner is not None:  # a fine-tuning run cannot be cut short; its daemon thread ends with the process
            self._tuner.join(timeout=1)

    @property
    def tuning(self) -> bool:
        """Whether a fine-tuning run is in progress."""
        return self._tuner is not None and self._tuner.is_alive()

    def _run(self) -> None:
        engine: TriageEngine | None = None
        while not self._stop.is_set():
            try:
                engine = engine or self._engine_factory()
                self._drain_each(engine)
                self._maybe_embed(engine)
                self._maybe_tune(engine)
            except Exception:  # noqa: BLE001 - keep the worker alive; the items stay queued
                log.exception("triage round failed; will retry")
            try:  # after the round's work, never in its way
                self._maybe_refresh_statistics()
            except Exception:  # noqa: BLE001 - statistics only help the planner: the next try is in STATS_EVERY
                log.exception("refreshing the query planner's statistics failed")
            self._stop.wait(self.interval)

    def _maybe_refresh_statistics(self) -> None:
        """The query planner's statistics, refreshed as the server starts and every STATS_EVERY seconds after, so
        that plans follow the data as it grows (imports, triage)."""
        now = time.monotonic()
        if self._stats_at is not None and now - self._stats_at < STATS_EVERY:
            return
        self._stats_at = now
        with self._uow() as uow:
            refresh_statistics(uow.session)

    def _drain_each(self, engine: TriageEngine) -> None:
        """Drain every workspace with pending feedback, each on its own: one workspace whose triage fails (its items
        stay queued and are tried again next round) does not hold up the others, nor fine-tuning."""
        with self._uow() as uow:
            pending = triage.workspaces_with_pending(uow=uow)
        for workspace_id in pending:
            if self._stop.is_set():
                return
            try:
                n = drain(self._uow, engine, workspace_id=workspace_id)
            except Exception:  # noqa: BLE001 - see the docstring
                log.exception("triaging workspace %d failed; its items stay queued", workspace_id)
                continue
            if n:
                log.info("triaged %d feedback items in workspace %d", n, workspace_id)

    def _maybe_embed(self, engine: TriageEngine) -> None:
        """Every 30 s, store vectors of problems, features and feedback that have none made from their text: up to
        `EMBED_PER_ROUND` a round, so new feedback is triaged in between; a round that had more to do is followed by
        another at once (a workspace from before the model was installed is caught up in minutes)."""
        if engine.embed is None or self._stop.is_set() or time.monotonic() < self._embed_after:
            return
        n = embed_missing(self._uow, engine, at_most=self.EMBED_PER_ROUND)
        self._embed_after = 0.0 if n >= self.EMBED_PER_ROUND else time.monotonic() + 30.0
        if n:
            log.info("stored %d embeddings for similar-item suggestions", n)
        with self._uow() as uow:  # read what is new into memory here, not in someone's request
            for workspace_id in vectors.workspaces_to_fill(uow):
                engine.vectors.warm(uow, workspace_id, engine.method)

    def _maybe_tune(self, engine: TriageEngine) -> None:
        if (self.tune_min_corrections is None or self._stop.is_set() or self.tuning
                or time.monotonic() < self._tune_after):
            return
        self._tune_after = time.monotonic() + 60.0  # corrections arrive by hand: a look a minute is plenty
        self._tuner = threading.Thread(target=self._tune, args=(engine, self.tune_min_corrections),
                                       name="tradeoff-tune", daemon=True)
        self._tuner.start()

    def _tune(self, engine: TriageEngine, min_corrections: int) -> None:
        try:
            tune_due(self._uow, engine, min_corrections=min_corrections)
        except Exception:  # noqa: BLE001 - triage goes on with the regression alone; try tuning again later
            log.exception("fine-tuning a kind model failed; trying again in an hour")
            self._tune_after = time.monotonic() + 3600.0
