"""Issue 3's "done when" in a real headless Chromium: paste call notes into a demo-like workspace, confirm the
items, run triage, see kinds, turn a theme into a problem, and see the problem's demand by customers and ARR.

Skips when /usr/bin/chromium is missing, unless TRADEOFF_REQUIRE_BROWSER=1 (as in CI), where it fails.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import SYSTEM, _person
from tests.e2e.conftest import browser_sign_in
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.bootstrap import Container
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate

pytestmark = pytest.mark.browser  # the `browser` fixture is in tests/e2e/conftest.py

NOTES = """Call with Northwind Traders, Tuesday:
- They need single sign-on with Okta before rolling out to 400 staff.
- The invoice PDF export is blurry when printed.
- Okta single sign-on is a blocker for their security review.
- Love the new payment reminders, the AR team saved hours.
- How do we add a second billing contact?
"""


def demo_like_workspace(c: Container, tag: str) -> tuple[str, str, str]:
    """A small Ledgerly-like workspace: customers with ARR, some feedback already there (one linked)."""
    slug = f"demo-{tag}"
    pm = _person(c, slug, f"pat-{tag}@example.com", Role.owner, owner_of=True)
    with c.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        made = {}
        for name, segment, arr, cur in [("Northwind Traders", "mid_market", "120000", "USD"),
                                        ("Contoso Bank", "enterprise", "310000", "EUR"),
                                        ("Fabrikam", "smb", "9000", "USD")]:
            made[name] = customer_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=CustomerCreate(
                name=name, segment=segment, arr=Decimal(arr), currency=cur)).id
        for text, who in [("Single sign-on with Okta is required by our IT team.", "Contoso Bank"),
                          ("The mobile app crashes when I open an invoice.", "Fabrikam"),
                          ("Please add dark mode to the dashboard.", None)]:
            feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
                text=text, source="support", customer_id=made[who] if who else None))
        sync = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(
            title="NetSuite two-way sync", status="planned"))
        asked = feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text="Our finance team wants NetSuite sync for invoices.", source="sales_call",
            customer_id=made["Fabrikam"]))
        link_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=LinkCreate(feedback_id=asked.id,
                                                                                    feature_id=sync.id))
    return slug, pm.email, pm.password


def test_paste_notes_triage_theme_to_problem_and_its_demand(browser: Any, live_server: str,
                                                            container: Container) -> None:
    slug, email, password = demo_like_workspace(container, uuid.uuid4().hex[:6])
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        browser_sign_in(page, email, password, slug)

        # paste a call's notes and confirm the items
        page.get_by_role("link", name="Feedback", exact=True).click()
        page.get_by_role("link", name="Paste call notes").click()
        page.get_by_label("Call notes").fill(NOTES)
        page.get_by_label("Customer").fill("Northwind Traders")
        page.get_by_label("Source").select_option("sales_call")
        page.get_by_role("button", name="Split into items").click()
        items = page.locator("textarea[name=item]")
        items.first.wait_for()
        assert items.count() == 5
        assert items.nth(2).input_value().startswith("Okta single sign-on is a blocker")
        page.get_by_role("button", name="Create 5 feedback items").click()
        page.wait_for_url("**/feedback?pasted=5&sort=-created_at")
        assert "5 feedback items added" in page.get_by_role("status").inner_text()
        assert re.search(r"0 of 9 triaged", page.locator("#triage-status").inner_text())

        # triage them, see their kinds, and correct one in place (htmx)
        page.get_by_role("button", name="Triage now").click()
        page.wait_for_url("**/feedback?triage_ran=9")
        assert "9 of 9 triaged" in page.locator("#triage-status").inner_text()
        assert page.locator(".badge.kind").count() == 9
        row = page.locator("tr", has_text="Love the new payment reminders")
        row.get_by_label(re.compile("Correct the kind")).select_option("praise")
        row.locator(".corrected").wait_for()
        assert row.locator(".badge.kind").inner_text() == "Praise"
        # ...and keep a right guess with one click: it becomes a person's kind, which triage learns from
        sso = page.locator("tr", has_text="Okta single sign-on is a blocker")
        guess = sso.locator(".badge.kind").inner_text()
        sso.get_by_role("button", name=re.compile("guess for feedback #\\d+ is right")).click()
        sso.locator(".corrected").wait_for()
        # kept by a person, the guess is no longer marked unsure ("Feature request?" becomes "Feature request")
        assert sso.locator(".badge.kind").inner_text() == guess.removesuffix("?") and sso.locator(".kind-right").count() == 0
        # from the keyboard the arrows only browse the kinds; Enter saves the one chosen
        pdf = page.locator("tr", has_text="The invoice PDF export is blurry")
        select = pdf.get_by_label(re.compile("Correct the kind"))
        select.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        chosen = select.input_value()
        chosen_text = select.locator(f"option[value='{chosen}']").inner_text()
        page.wait_for_timeout(400)  # nothing may be sent while browsing
        assert pdf.locator(".corrected").count() == 0 and chosen
        page.keyboard.press("Enter")
        pdf.locator(".corrected").wait_for()
        assert pdf.locator(".badge.kind").inner_text() == chosen_text

        # a theme turned into a problem carries its evidence along
        page.get_by_role("link", name="Themes", exact=True).click()
        page.wait_for_url(f"**/w/{slug}/themes")
        theme = page.locator("li.theme", has_text="Okta")
        assert theme.count() == 1
        assert "3 items" in theme.locator(".theme-stats").inner_text()
        theme.get_by_text(re.compile(r"^The 3 items: untick any")).click()
        item = theme.locator(".theme-items").get_by_label(re.compile("required by our IT team"))
        assert item.is_visible() and item.is_checked()  # each item ticked, to be left out if it does not belong
        theme.get_by_label("Problem statement").fill("Staff cannot sign in with their Okta accounts")
        theme.get_by_role("button", name="Turn into problem").click()
        page.wait_for_url(f"**/w/{slug}/problems/*")

        evidence = page.locator("section.evidence")
        text = evidence.inner_text()
        assert "Staff cannot sign in with their Okta accounts" in page.locator("h1").inner_text()
        assert re.search(r"\b2\s+customers asked", text)
        assert "EUR 310,000" in text and "USD 120,000" in text
        assert "arr by segment" in text.lower()
        assert "Contoso Bank" in text and "Northwind Traders" in text
    finally:
        context.close()


def test_a_merge_asks_first_and_cancelling_merges_nothing(browser: Any, live_server: str,
                                                          container: Container) -> None:
    slug, email, password = demo_like_workspace(container, uuid.uuid4().hex[:6])
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        a, b = (feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text=t, source="support")).id for t in ("Bulk invoice reminders would save our AR team a day.",
                                                     "We need bulk invoice reminders to save our AR team a day."))
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        browser_sign_in(page, email, password, slug)
        page.goto(f"/w/{slug}/feedback/{a}?similar=1")
        merge = page.get_by_role("button", name=f"Merge into #{b}")
        asked: list[str] = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        merge.click()
        page.wait_for_timeout(300)
        assert asked and asked[0].startswith(f"Merge #{a} into #{b}?")
        assert page.url.endswith(f"/feedback/{a}?similar=1")  # cancelled: nothing sent
        page.once("dialog", lambda d: d.accept())
        merge.click()
        page.wait_for_url(f"**/feedback/{b}?merged={a}")
        assert page.locator("#duplicates").get_by_role("link", name=f"#{a}").is_visible()
    finally:
        context.close()
