"""End-to-end fixtures: a real uvicorn server for the browser test, and helpers to drive the web UI."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tradeoff.app import create_app
from tradeoff.bootstrap import Container

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no form with a CSRF token"
    return found.group(1)


def web_client(container: Container) -> TestClient:
    """A fresh browser-like client (its own cookie jar) against the app; not following redirects."""
    return TestClient(create_app(container=container), raise_server_exceptions=False, follow_redirects=False)


def sign_in(tc: TestClient, email: str, password: str) -> str:
    """Sign in through the login form; returns the session's CSRF token for later POSTs."""
    page = tc.get("/login")
    r = tc.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text), "next": "/"})
    assert r.status_code == 303, r.text[:500]
    return csrf_of(tc.get("/login", follow_redirects=True).text)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(container: Container) -> Iterator[str]:
    """The whole app served by uvicorn on a free 127.0.0.1 port, in a background thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(container=container), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
