"""Sign in, sign out, the front door (/) and the workspace switcher."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tradeoff.accounts import service as accounts
from tradeoff.errors import RateLimited, Unauthenticated
from tradeoff.web import session as web_session
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, Uow

router = APIRouter()


def _safe_next(raw: object) -> str:
    """Only local paths: never redirect a person to another site after login."""
    if isinstance(raw, str) and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/"


@router.get("/", response_class=HTMLResponse)
def index(request: Request, uow: Uow) -> Response:
    uid = web_session.valid_user_id(request, uow)
    if uid is None:
        return redirect("/login")
    spaces = accounts.workspaces_of(uow=uow, user_id=uid)
    if not spaces:
        return render(request, "empty_workspaces.html", page_title="No workspace")
    return redirect(f"/w/{spaces[0][0].slug}")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, uow: Uow) -> Response:
    if web_session.valid_user_id(request, uow) is not None:
        return redirect(_safe_next(request.query_params.get("next")))
    return render(request, "login.html", page_title="Sign in", email="",
                  next_url=_safe_next(request.query_params.get("next")), error="")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: CheckedForm, uow: Uow) -> Response:
    email = form.get("email")
    password = form.get("password")
    email = email.strip() if isinstance(email, str) else ""
    next_url = _safe_next(form.get("next"))
    guard = web_session.container(request).login_guard
    ip = request.client.host if request.client else "unknown"
    try:
        user = guard.login(uow=uow, email=email, password=password if isinstance(password, str) else "", ip=ip)
    except (Unauthenticated, RateLimited) as exc:
        page = render(request, "login.html", exc.status, page_title="Sign in", email=email, next_url=next_url,
                      error=exc.message)
        if isinstance(exc, RateLimited):  # as the API's 429: when to try again
            page.headers["Retry-After"] = "60"
        return page
    web_session.sign_in(request, user.id, user.session_epoch)
    return redirect(next_url)


@router.post("/logout")
def logout(request: Request, form: CheckedForm, uow: Uow) -> Response:
    web_session.sign_out(request, uow)  # revoked on the server too: a copy of the cookie stops working
    return redirect("/login")


@router.get("/switch")
def switch(request: Request) -> Response:
    slug = request.query_params.get("to", "")
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        return redirect("/")
    return redirect(f"/w/{slug}")
