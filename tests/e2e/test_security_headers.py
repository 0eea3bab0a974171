"""Browser security headers on every response, a Content-Security-Policy the pages keep to (no inline script, no
inline event handler, no htmx filter evaluated as code), and an API docs page that loads nothing from elsewhere."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import seeding, sign_in, web_client
from tradeoff.bootstrap import Container
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.publishing import service as publishing

WEB = Path(__file__).resolve().parents[2] / "src" / "tradeoff" / "web"


def _csp(value: str) -> dict[str, str]:
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in value.split(";")) if d}


def test_every_web_response_has_the_security_headers(container: Container, world: World) -> None:
    with seeding(container, world.slug) as (uow, ws_id):
        product = product_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM,
                                          data=ProductCreate(name=f"Billing {uuid.uuid4().hex[:6]}"))
        share = publishing.create_share(uow=uow, workspace_id=ws_id, actor=SYSTEM, product_id=product.id)
        public_path = share.path
    tc = web_client(container)
    pages = {"login": tc.get("/login")}
    sign_in(tc, world.alice.email, world.alice.password)
    pages |= {"home": tc.get(f"/w/{world.slug}"), "feedback": tc.get(f"/w/{world.slug}/feedback"),
              "missing": tc.get(f"/w/{world.slug}/nothing-here"), "css": tc.get("/static/app.css"),
              "redirect": tc.get("/"), "public": web_client(container).get(public_path)}
    for name, r in pages.items():
        assert r.headers["x-content-type-options"] == "nosniff", name
        assert r.headers["x-frame-options"] == "DENY", name
        csp = _csp(r.headers["content-security-policy"])
        assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'", name
        assert csp["script-src"] == "'self'", name  # no inline script, no eval
        assert csp["object-src"] == "'none'" and csp["form-action"] == "'self'", name
        expected_referrer = "no-referrer" if name == "public" else "same-origin"  # the share link stays private
        assert r.headers["referrer-policy"] == expected_referrer, name
    api = tc.get(world.api("/features"), headers=world.alice.headers)
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_no_template_or_script_needs_inline_code() -> None:
    """What the policy would block: an inline <script>, an inline event handler, a javascript: URL, or an htmx
    trigger filter or js: value (htmx evaluates those as code)."""
    found = []
    checks = {"inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
              "event handler": re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.I),
              "javascript: URL": re.compile(r"javascript:", re.I),
              "htmx filter": re.compile(r"hx-trigger=\"[^\"]*\["),
              "htmx js value": re.compile(r"hx-vals=['\"]\s*js:|hx-vars|hx-on")}
    files = [*(WEB / "templates").rglob("*.html"), *Path(WEB.parent / "briefs").rglob("*.py"),
             *(WEB.parent / "charts").rglob("*.py")]
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        for what, pattern in checks.items():
            for m in pattern.finditer(text):
                found.append(f"{path.relative_to(WEB.parent)}: {what}: {m.group(0)}")
    assert found == []


def test_the_api_docs_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert not re.search(r"https?://", page.text), page.text  # no CDN, no validator badge, no remote favicon
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 100, asset
    assert "'self'" in page.headers["content-security-policy"]
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Tradeoff API"
