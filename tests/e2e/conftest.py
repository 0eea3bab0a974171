"""End-to-end fixtures: a real uvicorn server for the browser test, and helpers to drive the web UI."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tradeoff.app import create_app
from tradeoff.bootstrap import Container

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no form with a CSRF token"
    return found.group(1)


def web_client(container: Container, ip: str = "testclient") -> TestClient:
    """A fresh browser-like client (its own cookie jar) against the app; not following redirects. Tests that fail
    logins on purpose give an `ip` of their own, so the per-IP login limit does not spill into other tests."""
    return TestClient(create_app(container=container), raise_server_exceptions=False, follow_redirects=False,
                      client=(ip, 50000))


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


def _unavailable(why: str) -> None:
    if os.environ.get("TRADEOFF_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required but {why}")
    pytest.skip(f"{why}; install Debian's chromium (apt-get install chromium) to run the browser test")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test module (Playwright's sync API allows one at a time)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def signed_in_clients(container: Container, world: Any) -> Callable[[str], tuple[TestClient, str]]:
    """One signed-in client per person of `world`, created on first use and shared (signing in costs a hash)."""
    cache: dict[str, tuple[TestClient, str]] = {}

    def get(name: str) -> tuple[TestClient, str]:
        if name not in cache:
            person = getattr(world, name)
            tc = web_client(container)
            cache[name] = (tc, sign_in(tc, person.email, person.password))
        return cache[name]

    return get


def browser_sign_in(page: Any, email: str, password: str, slug: str, base: str = "") -> None:
    """Sign in through the login page of a real browser and wait for the workspace's home page."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/w/{slug}")


@contextmanager
def signed_in_page(browser: Any, base: str, person: Any, slug: str, timeout_ms: int = 30_000,
                   **context_options: Any) -> Iterator[Any]:
    """A page of a fresh browser context, signed in as `person` (a World person) in workspace `slug`; the
    context is closed afterwards whatever happens."""
    context = browser.new_context(base_url=base, **context_options)
    context.set_default_timeout(timeout_ms)
    try:
        page = context.new_page()
        browser_sign_in(page, person.email, person.password, slug)
        yield page
    finally:
        context.close()


@contextmanager
def seeding(container: Container, slug: str) -> Iterator[tuple[Any, int]]:
    """A unit of work and the id of workspace `slug`, to seed records through the services before a page is used."""
    from tradeoff.accounts import service as accounts

    with container.unit_of_work() as uow:
        yield uow, accounts.workspace_by_slug(uow=uow, slug=slug).id
