"""The public roadmap and changelog (/p/<token>): no login, customer-facing fields only, feedback and upvotes
arrive in the evidence inbox. CSRF uses the signed session cookie's token like every other form; submissions are
rate-limited per IP and per share link, length-limited, and a honeypot field catches form-filling bots."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from tradeoff.errors import TradeoffError
from tradeoff.publishing import service as publishing
from tradeoff.publishing.schemas import PublicSubmissionIn
from tradeoff.web import session as web_session
from tradeoff.web.render import render
from tradeoff.web.session import CheckedForm, Uow

router = APIRouter()
Token = Annotated[str, Path(min_length=1, max_length=64)]
# the token is the key: never send it onward in a Referer, and keep the pages out of search engines
HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
FIELDS = ("kind", "email", "name", "company", "message", "ref", "website")


def guard(request: Request) -> publishing.PublicGuard:
    g = getattr(request.app.state, "public_guard", None)
    if g is None:
        g = request.app.state.public_guard = publishing.PublicGuard(engine=web_session.container(request).engine)
    return g


def _page(request: Request, uow: Any, token: str, template: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    share, product = publishing.resolve(uow=uow, token=token)
    data = publishing.roadmap(uow=uow, share=share, product=product)
    return render(request, template, status_code, HEADERS, page_title=f"{data.product} roadmap", roadmap=data,
                  base=f"/p/{token}", tab="changelog" if "changelog" in template else "roadmap",
                  **({"values": {}, "errors": {}, "sent": ""} | extra))


@router.get("/p/{token}", response_class=HTMLResponse)
def public_roadmap(request: Request, uow: Uow, token: Token) -> HTMLResponse:
    return _page(request, uow, token, "public/roadmap.html")


@router.get("/p/{token}/changelog", response_class=HTMLResponse)
def public_changelog(request: Request, uow: Uow, token: Token) -> HTMLResponse:
    return _page(request, uow, token, "public/changelog.html")


@router.get("/p/{token}/roadmap.json")
def public_json(uow: Uow, token: Token) -> Response:
    share, product = publishing.resolve(uow=uow, token=token)
    data = publishing.roadmap(uow=uow, share=share, product=product)
    return JSONResponse(data.model_dump(mode="json"), headers={**HEADERS, "Cache-Control": "no-store"})


@router.post("/p/{token}/feedback", response_class=HTMLResponse)
def public_submit(request: Request, form: CheckedForm, uow: Uow, token: Token) -> HTMLResponse:
    share, _ = publishing.resolve(uow=uow, token=token)
    values = {k: v for k in FIELDS if isinstance(v := form.get(k), str)}
    where = "changelog" if form.get("from") == "changelog" else "roadmap"
    template = f"public/{where}.html"
    try:
        data = PublicSubmissionIn.model_validate(values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]) if e["loc"] else "form": _message(e) for e in exc.errors()}
        return _page(request, uow, token, template, 422, values=values, errors=errors)
    ip = request.client.host if request.client else "unknown"
    guard(request).check(ip=ip, share_id=share.id)
    try:
        publishing.submit(uow=uow, share=share, data=data)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        errors = {str(e.loc[-1]): e.msg for e in exc.errors} or {"form": exc.message}
        return _page(request, uow, token, template, 422, values=values, errors=errors)
    uow.session.commit()
    thanks = "Thanks for your vote — the team will see it." if data.kind == "upvote" else \
        "Thanks — your feedback has reached the product team."
    return _page(request, uow, token, template, sent=thanks)


def _message(error: Any) -> str:
    field = error["loc"][0] if error["loc"] else ""
    if field == "email":
        return "enter a valid email address so we can follow up"
    if error.get("type") == "string_too_long":
        return f"too long: at most {error.get('ctx', {}).get('max_length', '?')} characters"
    return str(error.get("msg", "invalid"))
