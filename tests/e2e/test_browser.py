"""A real headless Chromium (Playwright) against a real uvicorn server: the PM's daily loop end to end.

Skips when /usr/bin/chromium is missing, unless TRADEOFF_REQUIRE_BROWSER=1 (as in CI), where it fails.
"""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import browser_sign_in, seeding, signed_in_page
from tradeoff.bootstrap import Container
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate

pytestmark = pytest.mark.browser  # the `browser` fixture (one Chromium per session) is in tests/e2e/conftest.py


def test_log_in_add_feedback_link_it_and_see_it_on_the_feature(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    tag = uuid.uuid4().hex[:6]
    with seeding(container, world.slug) as (uow, ws_id):
        customer_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=CustomerCreate(
            name=f"Acme Freight {tag}", segment="mid_market", arr=Decimal("84000"), currency="USD"))
        feature = feature_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=FeatureCreate(
            title=f"Bulk invoice reminders {tag}", status="discovery", user_flow=["Pick overdue invoices", "Send"]))
        feature_id = feature.id
    said = f"We chase forty overdue invoices by hand every Monday ({tag}). A bulk reminder would save a day."

    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        browser_sign_in(page, world.alice.email, world.alice.password, world.slug)

        page.get_by_role("link", name="Feedback", exact=True).click()
        page.wait_for_url(f"**/w/{world.slug}/feedback")
        quick_add = page.get_by_role("region", name="Add feedback")
        quick_add.get_by_label("What they said").fill(said)
        quick_add.get_by_label("Customer").fill(f"Acme Freight {tag}")
        quick_add.get_by_label("Source").select_option("support")
        quick_add.get_by_role("button", name="Add feedback").click()
        page.wait_for_url("**/feedback?added=*")
        assert page.get_by_role("status").inner_text().startswith("Feedback #")

        page.get_by_role("link", name=said[:40], exact=False).first.click()
        page.wait_for_url(f"**/w/{world.slug}/feedback/*")
        page.get_by_label("Find a feature or problem").fill(f"reminders {tag}")  # htmx narrows the choices
        page.wait_for_load_state("networkidle")  # ... and swaps them in: tick after the swap, or the tick is lost
        page.get_by_label(f"Bulk invoice reminders {tag}").check()
        page.get_by_label("Quote").fill("A bulk reminder would save a day.")
        page.get_by_role("button", name="Link", exact=True).click()
        page.wait_for_selector("text=Linked to")
        assert page.locator(".link-list li").count() == 1

        page.locator(".link-list").get_by_role("link", name=f"Bulk invoice reminders {tag}").click()
        page.wait_for_url(f"**/w/{world.slug}/features/{feature_id}")
        evidence = page.locator("section.evidence")
        assert "forty overdue invoices" in evidence.inner_text()
        assert evidence.locator("mark").inner_text() == "A bulk reminder would save a day."
        assert "USD 84,000" in evidence.inner_text()
        assert f"Acme Freight {tag}" in evidence.inner_text()
    finally:
        context.close()


def test_changing_the_password_in_one_browser_signs_the_other_out(browser: Any, live_server: str,
                                                                  world: World) -> None:
    new = f"new-passphrase-{uuid.uuid4().hex[:6]}"
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    try:
        laptop, phone = (c.new_page() for c in contexts)
        for page in (laptop, phone):
            page.set_default_timeout(30_000)
            browser_sign_in(page, world.bob.email, world.bob.password, world.slug)

        laptop.get_by_role("link", name="Your account").click()
        laptop.wait_for_url(f"**/w/{world.slug}/account")
        laptop.get_by_label("Current password").fill(world.bob.password)
        laptop.get_by_label("New password", exact=True).fill(new)
        laptop.get_by_label("New password, again").fill(new)
        laptop.get_by_role("button", name="Change password").click()
        laptop.wait_for_url("**/account?changed=1")
        assert "every other session was signed out" in laptop.get_by_role("status").inner_text()

        phone.reload()
        phone.wait_for_url("**/login?next=**")  # the other browser's session has ended
        laptop.get_by_role("link", name="Feedback", exact=True).click()
        laptop.wait_for_url(f"**/w/{world.slug}/feedback")  # this one goes on
    finally:
        for c in contexts:
            c.close()


def _three_customers(container: Container, world: World) -> str:
    """Initech, Initrode and Hooli, each named with a fresh tag (returned): a search for "TAG Ini" finds two."""
    tag = uuid.uuid4().hex[:6]
    with seeding(container, world.slug) as (uow, ws_id):
        for name in (f"Initech {tag}", f"Initrode {tag}", f"Hooli {tag}"):
            customer_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=CustomerCreate(name=name))
    return tag


def _search_customers(page: Any, slug: str, words: str) -> None:
    page.goto(f"/w/{slug}/customers")
    page.get_by_label("Search customers").fill(words)
    page.wait_for_url("**/customers?q=*")
    expect(page.locator("#results tbody tr")).to_have_count(2, timeout=20_000)


def test_searching_a_list_then_exporting_downloads_what_the_search_shows(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    tag = _three_customers(container, world)
    with signed_in_page(browser, live_server, world.alice, world.slug, accept_downloads=True) as page:
        _search_customers(page, world.slug, f"{tag} Ini")  # htmx replaces the results, the export link with them
        with page.expect_download() as info:
            page.get_by_role("link", name="Export these as CSV").click()
        download = info.value
        assert download.suggested_filename.startswith(f"{world.slug}-customers-")
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        assert sorted(r["name"] for r in csv.DictReader(io.StringIO(text))) == [f"Initech {tag}", f"Initrode {tag}"]


def test_ticking_feedback_on_the_list_and_linking_them_at_once(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.links import service as link_service

    tag = uuid.uuid4().hex[:6]
    with seeding(container, world.slug) as (uow, ws_id):
        feature = feature_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=FeatureCreate(
            title=f"Scheduled exports {tag}"))
        feature_id = feature.id
        for i in range(3):
            feedback_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=FeedbackCreate(
                text=f"Export every Friday please ({tag} {i})", source="support"))
    with signed_in_page(browser, live_server, world.alice, world.slug) as page:
        page.goto(f"/w/{world.slug}/feedback?q={tag}")
        page.get_by_label("Select every item on this page").check()
        page.get_by_text("Link the selected items…").click()
        page.get_by_label("Find a feature or problem").fill(f"exports {tag}")
        page.get_by_label(f"Scheduled exports {tag}").check()
        page.get_by_role("button", name="Link selected").click()
        page.wait_for_url("**/feedback?q=*&bulk=link*")
        assert "Linked 3 feedback items to the feature." in page.get_by_role("status").inner_text()
        with seeding(container, world.slug) as (uow, ws_id):
            demand = link_service.demand(uow=uow, workspace_id=ws_id, kind="feature", target_id=feature_id)
            assert demand.feedback_count == 3


def test_searching_a_list_then_saving_it_as_a_view_and_opening_it_later(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    tag = _three_customers(container, world)
    with signed_in_page(browser, live_server, world.bob, world.slug) as page:
        _search_customers(page, world.slug, f"{tag} Ini")  # htmx replaces the results, the save-view form with them
        page.get_by_text("Save as view").click()
        page.get_by_label("View name").fill(f"Ini {tag}")
        page.get_by_label("Share with the workspace").check()
        page.get_by_role("button", name="Save view").click()
        page.wait_for_url("**view_saved=*")
        assert page.get_by_role("status").inner_text() == f"View 'Ini {tag}' saved."
        page.goto(f"/w/{world.slug}/customers")
        assert page.locator("#results tbody tr").count() >= 3
        page.get_by_role("link", name=f"Ini {tag}").click()
        expect(page.locator("#results tbody tr")).to_have_count(2, timeout=20_000)
        assert page.get_by_label("Search customers").input_value() == f"{tag} Ini"
        assert page.locator(".view-chip.current").inner_text().startswith(f"Ini {tag}")
    with signed_in_page(browser, live_server, world.erin, world.slug) as page:  # shared: the engineer has it too
        page.goto(f"/w/{world.slug}/customers")
        page.get_by_role("link", name=f"Ini {tag}").click()
        expect(page.locator("#results tbody tr")).to_have_count(2, timeout=20_000)


def test_search_everything_from_the_sidebar_and_open_a_hit(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    tag = _three_customers(container, world)
    with signed_in_page(browser, live_server, world.erin, world.slug) as page:
        page.goto(f"/w/{world.slug}")  # the home page (a list page puts the cursor in its own search)
        page.locator("body").press("/")  # "/" puts the cursor in the sidebar's search box
        page.keyboard.type(f"initrode {tag}")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=*")
        page.get_by_role("link", name=f"Initrode {tag}").click()
        page.wait_for_url("**/customers/*")
        assert page.get_by_role("heading", level=1).inner_text().startswith(f"Initrode {tag}")


def test_typing_at_in_a_comment_suggests_members_and_the_mention_is_marked(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    with seeding(container, world.slug) as (uow, ws_id):
        fid = feature_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM,
                                     data=FeatureCreate(title=f"Retry schedule {uuid.uuid4().hex[:6]}")).id
    erin = world.erin.email.split("@")[0]
    with signed_in_page(browser, live_server, world.bob, world.slug) as page:
        page.goto(f"/w/{world.slug}/features/{fid}")
        box = page.get_by_role("combobox", name="Add a comment")
        box.click()
        page.keyboard.type("Can @")
        options = page.get_by_role("listbox", name="Members to mention").get_by_role("option")
        names = options.all_inner_texts()
        assert len(names) == 3 and not any(world.bob.email.split("@")[0] in n for n in names)  # not the author
        page.keyboard.type("er")  # narrows to Erin
        assert options.all_inner_texts() == [f"{erin.title()} @{erin}"]
        page.keyboard.press("Enter")  # chooses; does not start a new line
        page.keyboard.type("confirm the date?")
        assert box.input_value() == f"Can @{erin} confirm the date?"
        assert box.get_attribute("aria-expanded") == "false"
        page.keyboard.type(" cc @sa")
        page.keyboard.press("ArrowDown")  # one match: the arrow stays on it
        page.keyboard.press("Escape")  # closes the list and leaves the text as typed
        assert box.input_value().endswith(" cc @sa") and box.get_attribute("aria-expanded") == "false"
        page.get_by_role("button", name="Comment", exact=True).click()
        page.wait_for_selector(".comments li")
        marked = page.locator(".comments li .mention")
        assert marked.all_inner_texts() == [f"@{erin}"]  # "@sa" names nobody: not marked
        assert page.locator(".comments li .who").inner_text() == world.bob.email.split("@")[0].title()  # by name
