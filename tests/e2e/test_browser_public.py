"""A real headless Chromium, logged out, on a public roadmap link: public items only, then feedback sent from it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import seeding
from tradeoff.bootstrap import Container
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.feedback import service as feedback_service
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.publishing import service as publishing
from tradeoff.records import service as records

pytestmark = pytest.mark.browser


def test_public_roadmap_logged_out_shows_public_items_and_takes_feedback(
    browser: Any, live_server: str, container: Container, world: World
) -> None:
    tag = uuid.uuid4().hex[:6]
    with seeding(container, world.slug) as (uow, ws_id):
        product = product_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM,
                                          data=ProductCreate(name=f"Invoicing {tag}"))
        for title, status, public, public_title in (
            (f"INTERNAL-{tag}-reminders", "in_progress", True, "Automatic payment reminders"),
            (f"Secret repricing {tag}", "planned", None, None),
            ("Multi-currency invoices", "discovery", True, None),
        ):
            feature_service.create(uow=uow, workspace_id=ws_id, actor=SYSTEM, data=FeatureCreate(
                title=title, status=status, product_id=product.id, public=public, public_title=public_title))
        share = publishing.create_share(uow=uow, workspace_id=ws_id, actor=SYSTEM, product_id=product.id)
        path, workspace_id = share.path, ws_id

    context = browser.new_context(base_url=live_server)  # a fresh context: no session, logged out
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(path)
        assert page.get_by_role("heading", name=f"Invoicing {tag}").is_visible()
        now = page.get_by_role("region", name="Now")
        assert now.get_by_role("heading", name="Automatic payment reminders").is_visible()
        assert page.get_by_role("region", name="Later").get_by_text("Multi-currency invoices").is_visible()
        html = page.content()
        assert f"INTERNAL-{tag}" not in html and f"Secret repricing {tag}" not in html

        form = page.get_by_role("region", name="Tell us what you need")
        form.get_by_label("Email").fill(f"dana-{tag}@customer.example")
        form.get_by_label("Name").fill("Dana")
        form.get_by_label("Company").fill("Initech")
        form.get_by_label("Your feedback").fill(f"Reminders in Spanish too, please ({tag})")
        form.get_by_role("button", name="Send feedback").click()
        assert "reached the product team" in page.get_by_role("status").inner_text()
    finally:
        context.close()

    with container.unit_of_work() as uow:
        page_ = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id,
                                  filters={"reporter": f"dana-{tag}@customer.example"})
        assert len(page_.items) == 1 and page_.items[0].tags == ["public-roadmap"]
        assert f"Reminders in Spanish too, please ({tag})" in page_.items[0].text
