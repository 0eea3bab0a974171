"""create_app: the ASGI application (web UI at /, API at /api/v1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tradeoff.api.app import build_api
from tradeoff.bootstrap import Container, bootstrap
from tradeoff.middleware.body_limit import BodyLimit
from tradeoff.middleware.security_headers import SecurityHeaders
from tradeoff.notifications.worker import NotificationWorker
from tradeoff.settings import Settings, load_settings
from tradeoff.storage.schema_check import check_schema
from tradeoff.triage.worker import TriageWorker


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """Raises SchemaMismatch when the database is not at this code's schema: a server on a database behind the code
    would answer some pages and fail others on a missing column (`tradeoff serve` migrates before it starts)."""
    container = container or bootstrap(settings or load_settings())
    check_schema(container.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if container.settings.triage_worker:
            s = container.settings
            worker = TriageWorker(container.unit_of_work, lambda: container.triage,
                                  tune_min_corrections=s.triage_tune_min_corrections if s.triage_tune else None)
            worker.start()
        notifier = None
        if container.settings.notifications_worker:
            notifier = NotificationWorker(container.unit_of_work, container.settings)
            notifier.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if notifier is not None:
                notifier.stop()

    app = FastAPI(title="Tradeoff", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.container = container
    app.mount("/api/v1", build_api(container))
    try:
        from tradeoff.web.app import install_web
    except ImportError:  # web UI not built yet
        pass
    else:
        install_web(app, container)
    # added last, so outermost (Starlette puts each one added around the ones before): a body too large is refused
    # before sessions, routes or authentication see it, and every answer, that refusal included, gets the headers
    app.add_middleware(BodyLimit, max_bytes=container.settings.max_request_bytes,
                       import_max_bytes=container.settings.max_import_request_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def asgi() -> FastAPI:
    """Factory for `uvicorn --factory tradeoff.app:asgi` (the served process, not tests). Everything built so far
    lives as long as the process, so it is moved out of the garbage collector's reach (`gc.freeze`): a full
    collection then scans only what requests create, instead of the whole application each time (a request that
    runs a forecast allocates enough to trigger one every few requests; on the bench workspace they took about
    90 ms each)."""
    import gc
    import sys

    from tradeoff.errors import SchemaMismatch

    try:
        app = create_app()
    except SchemaMismatch as exc:  # one line, as the CLI says it, instead of uvicorn's traceback
        sys.stderr.write(f"error: {exc.message}\n")
        raise SystemExit(1) from None
    gc.collect()
    gc.freeze()
    return app
