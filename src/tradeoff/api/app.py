"""The REST API, mounted at /api/v1 with its own OpenAPI document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradeoff import __version__
from tradeoff.api import problems
from tradeoff.api.briefs import router as briefs_router
from tradeoff.api.delivery import router as delivery_router
from tradeoff.api.deps import if_match_checked, numbers_fit
from tradeoff.api.imports import router as imports_router
from tradeoff.api.insights import router as insights_router
from tradeoff.api.notifications import router as notifications_router
from tradeoff.api.publishing import router as publishing_router
from tradeoff.api.record_apis import RECORD_APIS
from tradeoff.api.records import build_router
from tradeoff.api.routes import router as extra_router
from tradeoff.api.strategy import router as strategy_router
from tradeoff.api.triage import router as triage_router
from tradeoff.api.views import router as views_router
from tradeoff.bootstrap import Container
from tradeoff.errors import TradeoffError


def build_api(container: Container) -> FastAPI:
    api = FastAPI(
        title="Tradeoff API",
        version=__version__,
        description="Evidence → problems → features → priorities → plans → forecasts. "
        "Authenticate with `Authorization: Bearer <token>`; errors are RFC 9457 application/problem+json.",
        openapi_url="/openapi.json",
        docs_url=None,  # served below from local files: nothing is downloaded at run time
        redoc_url=None,
        dependencies=[Depends(numbers_fit), Depends(if_match_checked)],
    )
    api.state.container = container
    for rec in RECORD_APIS:
        api.include_router(build_router(rec))
    api.include_router(extra_router)
    api.include_router(imports_router)
    api.include_router(insights_router)
    api.include_router(briefs_router)
    api.include_router(delivery_router)
    api.include_router(strategy_router)
    api.include_router(triage_router)
    api.include_router(publishing_router)
    api.include_router(notifications_router)
    api.include_router(views_router)
    api.add_exception_handler(TradeoffError, problems.tradeoff_error)
    api.add_exception_handler(RequestValidationError, problems.validation_error)
    api.add_exception_handler(StarletteHTTPException, problems.http_error)
    api.add_exception_handler(OverflowError, problems.database_refused)
    api.add_exception_handler(DataError, problems.database_refused)
    api.add_exception_handler(StatementError, problems.statement_refused)
    api.add_exception_handler(PydanticValidationError, problems.model_validation_error)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = problems.document(get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes))
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    _local_docs(api)
    return api


def _local_docs(api: FastAPI) -> None:
    """The Swagger UI at /docs, its script and styles served from the fastapi-offline package's copy."""
    api.mount("/docs-assets", StaticFiles(directory=Path(fastapi_offline.__file__).with_name("static")),
              name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(openapi_url=f"{root}/openapi.json", title="Tradeoff API",
                                   swagger_js_url=f"{root}/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg",
                                   swagger_ui_parameters={"validatorUrl": None})  # no badge from validator.swagger.io
