"""A real headless Chromium walks the main pages under the Content-Security-Policy and uses what runs script on them
(htmx loads and swaps, list filters, the kind select, "select all", the pasted-notes counter, the workspace
switcher's kind of self-submitting select): the browser refuses nothing, and nothing is loaded from another host
(the API's Swagger UI included)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import seeding, signed_in_page
from tests.e2e.test_web_roadmap import _seed as seed_plan
from tradeoff.bootstrap import Container
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.publishing import service as publishing

pytestmark = pytest.mark.browser

# every violation is also reported to the page as an event: kept where the test can read it (an init script is
# added by the browser itself, outside the page's policy)
WATCH = """window.__refused = [];
document.addEventListener('securitypolicyviolation',
  e => window.__refused.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));"""


class Watcher:
    def __init__(self, base: str) -> None:
        self.host = urlsplit(base).netloc
        self.console: list[str] = []
        self.errors: list[str] = []
        self.elsewhere: list[str] = []

    def attach(self, page: Any) -> None:
        page.add_init_script(WATCH)
        page.on("console", lambda m: self.console.append(m.text)
                if "Refused to" in m.text or "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.elsewhere.append(r.url)
                if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != self.host else None)

    def visit(self, page: Any, path: str, ready: str = "main") -> None:
        page.goto(path)
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        self.check(page, path)

    def check(self, page: Any, where: str) -> None:
        refused = page.evaluate("window.__refused || []")
        assert refused == [] and self.console == [], (where, refused, self.console)
        assert self.errors == [], (where, self.errors)
        assert self.elsewhere == [], (where, self.elsewhere)


def test_the_main_pages_run_under_the_content_security_policy(browser: Any, live_server: str,
                                                               container: Container, world: World) -> None:
    tag = uuid.uuid4().hex[:6]
    ids = seed_plan(container, world.slug, what_if=True)  # a team, estimated features, a solved live plan
    with seeding(container, world.slug) as (uow, ws_id):
        for text in (f"Exports time out every Monday ({tag})", f"Please add NetSuite sync ({tag})",
                     f"Dark mode would be lovely ({tag})"):
            feedback_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM,
                                    data=FeedbackCreate(text=text, source="support"))
        product = product_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM,
                                          data=ProductCreate(name=f"Invoicing {tag}"))
        share_path = publishing.create_share(uow=uow, workspace_id=ws_id, actor=SYSTEM, product_id=product.id).path
    base = f"/w/{world.slug}"
    watch = Watcher(live_server)

    with signed_in_page(browser, live_server, world.alice, world.slug) as page:
        watch.attach(page)
        page.reload()  # the init script watches from here on (the sign-in page came before it)
        watch.check(page, "home")
        for path in (f"{base}/features/{ids['a']}", f"{base}/plans/{ids['plan']}", f"{base}/roadmap",
                     f"{base}/roadmap/timeline", f"{base}/commitments", f"{base}/briefs?audience=exec",
                     f"{base}/themes", f"{base}/customers", f"{base}/account", f"{base}/audit"):
            watch.visit(page, path)

        # the feedback list: the search and a filter refresh the list through htmx, the kind select saves itself,
        # "select all" ticks every row
        watch.visit(page, f"{base}/feedback")
        page.locator("#q").fill(tag)
        page.wait_for_url(f"**q={tag}**")
        page.locator("table.feedback-table tbody tr").first.wait_for()
        assert page.locator("table.feedback-table tbody tr").count() == 3
        page.locator("#flt-source").select_option("support")
        page.wait_for_url("**source=support**")
        page.get_by_label("Select every item on this page").check()
        boxes = page.locator("input[form=bulk][name=ids]")
        assert boxes.count() == 3 and all(boxes.nth(i).is_checked() for i in range(3))
        first = page.locator("select.kind-select").first
        kind_cell = first.locator("xpath=ancestor::div[contains(@class, 'kind-cell')]")
        cell_id = kind_cell.get_attribute("id")
        first.select_option("bug")
        page.locator(f"#{cell_id} .badge.kind-bug").wait_for()  # saved and swapped in by htmx
        watch.check(page, "feedback list")

        # the audit log's record filter applies itself when changed
        watch.visit(page, f"{base}/audit")
        page.locator("#record_type").select_option("feedback")
        page.wait_for_url("**record_type=feedback**")
        watch.check(page, "audit log")

        # pasted call notes: unticking an item recounts the create button
        watch.visit(page, f"{base}/feedback/paste")
        page.locator("#f-text").fill("- Needs NetSuite sync before renewal\n- CFO asked about SSO\n- Export is slow")
        page.get_by_role("button", name="Split into items").click()
        create = page.locator("button.create-count")
        create.wait_for()
        assert create.inner_text() == "Create 3 feedback items"
        page.locator("input[name=keep]").first.uncheck()
        assert create.inner_text() == "Create 2 feedback items"
        watch.check(page, "paste")

        # the API's Swagger UI: its script and styles come from this server, and it draws the API
        watch.visit(page, "/api/v1/docs", ready=".swagger-ui .information-container .title")
        assert "Tradeoff API" in page.locator(".swagger-ui .information-container .title").inner_text()
        page.locator(".opblock").first.wait_for()

    context = browser.new_context(base_url=live_server)  # the public roadmap, logged out
    try:
        page = context.new_page()
        watch.attach(page)
        watch.visit(page, share_path)
        assert page.get_by_role("heading", name=f"Invoicing {tag}").is_visible()
    finally:
        context.close()
