"""The server-rendered web UI: install_web() adds sessions, static files, pages and error pages to the app."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tradeoff.api.problems import http_error as api_http_error
from tradeoff.api.problems import refused_value
from tradeoff.bootstrap import Container
from tradeoff.errors import TradeoffError
from tradeoff.records.schemas import too_large
from tradeoff.web import (
    routes_auth,
    routes_briefs,
    routes_commitment_forms,
    routes_decisions,
    routes_delivery_forms,
    routes_detail,
    routes_feature_forms,
    routes_import,
    routes_import_customers,
    routes_import_workitems,
    routes_insights,
    routes_invite,
    routes_notify,
    routes_objective_forms,
    routes_plan_forms,
    routes_public,
    routes_records,
    routes_roadmap,
    routes_search,
    routes_strategy,
    routes_triage,
    routes_views,
    routes_workitems,
    routes_workspace,
)
from tradeoff.web import session as web_session
from tradeoff.web.render import is_htmx, redirect, render
from tradeoff.web.session import LoginRequired, permissions

STATIC = Path(__file__).with_name("static")
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Page not found",
          405: "Not allowed", 409: "Conflict", 412: "Changed meanwhile", 422: "Invalid input",
          429: "Too many attempts"}


def install_web(app: FastAPI, container: Container) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=container.settings.resolved_secret_key(),
        session_cookie=web_session.COOKIE,
        max_age=web_session.MAX_AGE,
        same_site="lax",
        https_only=container.settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/favicon.ico", lambda: RedirectResponse("/static/favicon.svg", status_code=308),
                      methods=["GET"], include_in_schema=False)
    for module in (routes_auth, routes_invite, routes_workspace, routes_strategy, routes_decisions, routes_triage, routes_import, routes_insights,
                   routes_notify, routes_public, routes_roadmap, routes_briefs, routes_feature_forms,
                   routes_objective_forms, routes_delivery_forms, routes_plan_forms, routes_commitment_forms, routes_import_workitems,
                   routes_import_customers,
                   routes_workitems, routes_views, routes_search, routes_records,
                   routes_detail):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(TradeoffError, tradeoff_error)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(OverflowError, database_refused)
    app.add_exception_handler(DataError, database_refused)
    app.add_exception_handler(PydanticValidationError, model_validation_error)


def error_page(request: Request, status: int, message: str, title: str | None = None) -> Response:
    title = title or TITLES.get(status, "Something went wrong")
    if is_htmx(request):
        return render(request, "error_partial.html", status, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
                      title=title, message=message)
    member = getattr(request.state, "member", None)
    extra = {"member": member, "perms": permissions(member), "section": "",
             "base": f"/w/{member.workspace_slug}"} if member and status != 404 else {}
    back = extra.get("base") or "/"
    return render(request, "error.html", status, page_title=title, status=status, title=title, message=message,
                  back=back, **extra)


async def tradeoff_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TradeoffError)
    return error_page(request, exc.status, exc.message)


async def login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return redirect(f"/login?next={quote(exc.next_url, safe='/')}", request)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/api/"):  # an API address the API's mount did not take (e.g. a newline in it)
        return await api_http_error(request, exc)
    if exc.status_code == 404:
        return error_page(request, 404, "There is nothing at this address. Check the link, or start again from "
                                        "your workspace.")
    return error_page(request, exc.status_code, str(exc.detail))


async def model_validation_error(request: Request, exc: Exception) -> Response:
    """A form value an input model refused where the page did not check it first: said, not a 500."""
    assert isinstance(exc, PydanticValidationError)
    said = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())) or 'input'}: {e.get('msg', '')}"
                     for e in exc.errors()[:5])
    return error_page(request, 422, f"That was not accepted: {said}.")


async def database_refused(request: Request, exc: Exception) -> Response:
    """A value the database will not store: a number too large in the address (/features/99999999999999999999:
    no record has that id), or a form value past every check (the database's own words)."""
    if any(too_large(v) for v in request.path_params.values()):
        return error_page(request, 404, "There is nothing at this address.")
    return error_page(request, 400, refused_value(exc).capitalize() + ".")


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
        return error_page(request, 404, "There is nothing at this address.")
    return error_page(request, 400, "The request was not understood; reload the page and try again.")
