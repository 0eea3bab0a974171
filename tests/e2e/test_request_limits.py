"""Request bodies past the size limit are refused with 413 before they are read (a declared Content-Length) or as
soon as they pass it (a streamed body), on the API (problem+json) and the web UI (a short page), before any
authentication or CSRF check; file imports have a larger limit, never below what the importers take."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World
from tests.e2e.conftest import sign_in
from tradeoff.app import create_app
from tradeoff.bootstrap import Container
from tradeoff.customers.importer import MAX_BYTES as CUSTOMER_FILE_LIMIT
from tradeoff.feedback.importer import MAX_BYTES as FEEDBACK_FILE_LIMIT
from tradeoff.middleware.body_limit import IMPORT_PATHS
from tradeoff.settings import IMPORT_FORM_ALLOWANCE, Settings
from tradeoff.workitems.importer import MAX_BYTES as WORKITEM_FILE_LIMIT

LIMIT = 4096
CHUNK = 64 * 1024


def _limited(container: Container, **settings: Any) -> Container:
    return Container(settings=container.settings.model_copy(update={"max_request_bytes": LIMIT, **settings}),
                     engine=container.engine, uow=container.uow, login_guard=container.login_guard)


@dataclass
class Answer:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks_read: int = 0


def _call(app: Any, path: str, chunks: list[bytes], headers: dict[str, str]) -> Answer:
    """One POST straight into the ASGI app, its body given in `chunks`; counts how many chunks the app read."""
    answer = Answer()

    async def receive() -> dict[str, Any]:
        if answer.chunks_read < len(chunks):
            answer.chunks_read += 1
            return {"type": "http.request", "body": chunks[answer.chunks_read - 1],
                    "more_body": answer.chunks_read < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    # in a thread of its own: a browser test of the same session may have left an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return answer


def test_an_unauthenticated_api_post_declaring_a_huge_body_is_refused_unread(container: Container) -> None:
    app = create_app(container=_limited(container))
    chunks = [b"[" + b"1," * (CHUNK // 2 - 1) + b"1]"]
    got = _call(app, "/api/v1/workspaces/x/feedback", chunks,
                {"content-type": "application/json", "content-length": str(500 * 1024 * 1024)})
    assert got.status == 413 and got.chunks_read == 0  # refused before a byte of it was read, and before the 401
    assert got.headers["content-type"] == "application/problem+json"
    problem = json.loads(got.body)
    assert problem["status"] == 413 and problem["title"] == "Content too large"
    assert problem["instance"] == "/api/v1/workspaces/x/feedback" and "4096 bytes" in problem["detail"]


def test_a_streamed_api_body_is_read_only_until_it_passes_the_limit(container: Container) -> None:
    app = create_app(container=_limited(container))
    chunks = [b"[" + b" " * (CHUNK - 1)] + [b" " * CHUNK] * 62 + [b"]"]  # 4 MB of JSON, no Content-Length
    got = _call(app, "/api/v1/workspaces/x/feedback", chunks, {"content-type": "application/json"})
    assert got.status == 413 and got.headers["content-type"] == "application/problem+json"
    assert got.chunks_read == 1  # the first chunk already passed the limit: nothing more was read


def test_web_forms_over_the_limit_get_a_short_page_before_the_csrf_check(container: Container) -> None:
    app = create_app(container=_limited(container))
    big = b"x" * (2 * LIMIT)
    declared = _call(app, "/login", [b"email=a&password=" + big],
                     {"content-type": "application/x-www-form-urlencoded", "content-length": str(17 + len(big))})
    assert declared.status == 413 and declared.chunks_read == 0
    assert declared.headers["content-type"].startswith("text/html") and b"Too large" in declared.body
    boundary = "b0undary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n").encode()
    streamed = _call(app, "/w/x/feedback/new", [part + b"y" * CHUNK] + [b"y" * CHUNK] * 20 + [f"\r\n--{boundary}--\r\n".encode()],
                     {"content-type": f"multipart/form-data; boundary={boundary}"})
    assert streamed.status == 413 and streamed.chunks_read == 1 and b"Too large" in streamed.body
    assert streamed.headers["x-frame-options"] == "DENY"  # the refusal is a response like any other


def test_requests_under_the_limit_work_and_imports_have_the_larger_limit(container: Container, world: World) -> None:
    tc = TestClient(create_app(container=_limited(container)), raise_server_exceptions=False, follow_redirects=False)
    ok = tc.post(world.api("/feedback"), json={"text": "Exports time out on Mondays"}, headers=world.alice.headers)
    assert ok.status_code == 201
    over = tc.post(world.api("/feedback"), json={"text": "x" * LIMIT}, headers=world.alice.headers)
    assert over.status_code == 413 and over.json()["status"] == 413
    csv = ("text\n" + "A long piece of feedback about exports\n" * 400).encode()  # 16 KB: over the general limit
    assert len(csv) > 2 * LIMIT
    api = tc.post(world.api("/imports/feedback"), files={"file": ("f.csv", csv, "text/csv")},
                  data={"dry_run": "true"}, headers=world.alice.headers)
    assert api.status_code == 200 and api.json()["rows"] == 400  # taken whole by the import route
    csrf = sign_in(tc, world.alice.email, world.alice.password)
    web = tc.post(f"/w/{world.slug}/import", files={"file": ("f.csv", csv, "text/csv")},
                  data={"csrf_token": csrf, "source": "support"})
    assert web.status_code == 200 and "400" in web.text  # the preview of the uploaded file
    refused = tc.post(f"/w/{world.slug}/feedback/new", data={"csrf_token": csrf, "text": "y" * (2 * LIMIT)})
    assert refused.status_code == 413


def test_the_import_limit_never_refuses_a_file_the_importers_take(client: TestClient) -> None:
    default = Settings().max_import_request_bytes
    for file_limit in (FEEDBACK_FILE_LIMIT, WORKITEM_FILE_LIMIT, CUSTOMER_FILE_LIMIT):
        assert default >= file_limit + IMPORT_FORM_ALLOWANCE
    with pytest.raises(ValueError, match="TRADEOFF_MAX_IMPORT_REQUEST_BYTES"):
        Settings(max_import_request_bytes=FEEDBACK_FILE_LIMIT)
    # every route that takes a file upload has the import limit: the API's multipart routes and the web's uploads
    spec = client.get("/api/v1/openapi.json").json()
    uploads = [path for path, ops in spec["paths"].items() for op in ops.values()
               if "multipart/form-data" in op.get("requestBody", {}).get("content", {})]
    assert len(uploads) >= 2
    for path in uploads:
        assert IMPORT_PATHS.match("/api/v1" + path.replace("{workspace}", "acme")), path
    for path in ("/w/acme/import", "/w/acme/import/work-items", "/w/acme/import/customers"):
        assert IMPORT_PATHS.match(path)
    # and every web page that takes a file upload: each import page's form posts the file to the page itself
    from tradeoff.web import routes_import, routes_import_customers, routes_import_workitems

    pages = [r.path for m in (routes_import, routes_import_customers, routes_import_workitems) for r in m.router.routes
             if "GET" in r.methods]  # type: ignore[attr-defined]
    assert len(pages) == 3
    for path in pages:
        assert IMPORT_PATHS.match(path.replace("{slug}", "acme")), path
    for path in ("/w/acme/feedback/new", "/w/acme/import/run", "/api/v1/workspaces/acme/feedback", "/login"):
        assert not IMPORT_PATHS.match(path)
