"""A commitment refused for a past due date says so once, next to the date (not again in the chance box)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.conftest import World
from tests.e2e.conftest import sign_in, signed_in_page, web_client


def test_a_past_due_date_is_refused_once_beside_the_field(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    f = client.post(world.api("/features"), json={"title": "Audit log"}, headers=h).json()["id"]
    c = client.post(world.api("/customers"), json={"name": "Acme"}, headers=h).json()["id"]
    tc = web_client(container)
    token = sign_in(tc, world.alice.email, world.alice.password)
    past = (date.today() - timedelta(days=3)).isoformat()
    r = tc.post(f"/w/{world.slug}/commitments/new", data={"csrf_token": token, "feature_id": str(f),
                                                         "customer_id": str(c), "due": past,
                                                         "promised_by": "grace@example.com"})
    assert r.status_code == 422
    assert r.text.count("in the past") == 1
    due = r.text.split('id="f-due"', 1)[1].split("</div>", 1)[0]
    assert re.search(r'<p class="error-text" id="f-due-err" role="alert">[^<]*in the past', due)
    assert 'class="alert error"' not in r.text  # nothing above the form
    # the chance box beside the form is not asked about that date again when the page opens (it would repeat
    # the refusal): it answers once the date or the feature changes
    box = re.search(r'<div hx-get="[^"]*/commitments/check"[^>]*>', r.text)
    assert box and 'hx-trigger="change from:#f-feature_id, change from:#f-due"' in box.group(0)
    fresh = tc.get(f"/w/{world.slug}/commitments/new").text
    assert 'hx-trigger="load, change from:#f-feature_id, change from:#f-due"' in fresh


@pytest.mark.browser
def test_in_a_browser_the_refusal_is_seen_once(browser, live_server: str, client, world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    f = client.post(world.api("/features"), json={"title": "Audit log"}, headers=h).json()["id"]
    c = client.post(world.api("/customers"), json={"name": "Acme"}, headers=h).json()["id"]
    with signed_in_page(browser, live_server, world.alice, world.slug) as page:
        page.goto(f"/w/{world.slug}/commitments/new")
        page.locator("#f-feature_id").select_option(str(f))
        page.locator("#f-customer_id").select_option(str(c))
        page.locator("#f-due").fill((date.today() - timedelta(days=3)).isoformat())
        page.get_by_role("button", name="Save commitment").click()
        page.locator("#f-due-err").wait_for()
        page.wait_for_load_state("networkidle")  # whatever htmx would load on the refused page has loaded
        assert page.get_by_text(re.compile("in the past")).count() == 1
        assert "in the past" in page.locator("#f-due-err").inner_text()
