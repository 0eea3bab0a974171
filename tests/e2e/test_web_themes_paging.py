"""Hundreds of themes: the page, the API and the CLI show them a page at a time, largest first, and can leave the
small ones out, saying how many they leave out."""

from __future__ import annotations

import re

import pytest

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tradeoff.triage import service as triage

# four themes of 4, 3, 2 and 2 items (and one item like no other)
SAID = ["PDF export times out on big reports", "exporting a big report to PDF times out",
        "the PDF export of reports keeps timing out", "PDF export of big reports times out every time",
        "SSO login with Okta fails", "Okta SSO login is broken since Monday", "our Okta SSO login fails again",
        "please add a dark mode to the dashboard", "dark mode for the dashboard would help at night",
        "webhook retries for failed deliveries", "retry failed webhook deliveries automatically",
        "lunch was nice"]


@pytest.fixture
def said(client, world: World) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for text in SAID:
        r = client.post(world.api("/feedback"), json={"text": text}, headers=world.alice.headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def test_the_api_pages_themes_and_leaves_small_ones_out(client, world: World, said: list[int]) -> None:  # type: ignore[no-untyped-def]
    h = world.bob.headers
    everything = client.get(world.api("/themes"), headers=h).json()
    assert [t["count"] for t in everything["items"]] == [4, 3, 2, 2]
    assert (everything["total"], everything["next"], everything["min_size"], everything["smaller_themes"]) == (
        4, None, 2, 0)
    first = client.get(world.api("/themes?limit=3"), headers=h).json()
    assert [t["count"] for t in first["items"]] == [4, 3, 2] and first["next"] == "3" and first["total"] == 4
    rest = client.get(world.api(f"/themes?limit=3&cursor={first['next']}"), headers=h).json()
    assert [t["count"] for t in rest["items"]] == [2] and rest["next"] is None
    assert {i for t in first["items"] + rest["items"] for i in t["feedback_ids"]} == set(said[:-1])
    large = client.get(world.api("/themes?min_size=3"), headers=h).json()
    assert [t["count"] for t in large["items"]] == [4, 3] and large["total"] == 2
    assert (large["smaller_themes"], large["smaller_items"], large["unthemed"]) == (2, 4, 1)
    for bad in ("min_size=1", "limit=0", "cursor=abc", "limit=201"):
        r = client.get(world.api(f"/themes?{bad}"), headers=h)
        assert r.status_code == 422, bad
    assert client.get(world.api("/themes?min_size=3"), headers=world.charlie.headers).status_code == 404


def test_the_themes_page_is_paged_with_a_smallest_size(container, world: World, said: list[int],  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triage, "THEMES_PAGE", 2)
    tc = web_client(container)
    token = sign_in(tc, world.bob.email, world.bob.password)
    base = f"/w/{world.slug}/themes"
    page = tc.get(base).text
    assert page.count('<li class="theme card"') == 2 and page.count('class="theme-form"') == 2
    assert "4 themes of 2 items or more, largest first; 1–2 here." in page
    assert f'href="{base}?min_size=2&amp;page=2">Next page' in page and 'rel="prev"' not in page
    second = tc.get(f"{base}?page=2").text
    assert second.count('<li class="theme card"') == 2 and '<ol class="themes" start="3">' in second
    assert 'id="theme-2"' in second and 'name="theme" value="3"' in second and "3–4 here" in second
    assert 'rel="next"' not in second and f'href="{base}?min_size=2&amp;page=1">← Previous page' in second
    # the smallest size: the small themes are left out and counted, with the way back to them
    large = tc.get(f"{base}?min_size=3").text
    assert large.count('<li class="theme card"') == 2 and 'rel="next"' not in large
    assert "2 themes of 3 items or more" in large and "2 smaller themes (4 items) hidden" in large
    assert '<option value="3" selected>3 items</option>' in large
    assert tc.get(f"{base}?min_size=10").text.count('<li class="theme card"') == 0
    assert "No theme has 10 items or more" in tc.get(f"{base}?min_size=10").text
    assert tc.get(f"{base}?min_size=abc&page=-1").status_code == 200  # nonsense in the address: the defaults
    # a theme's form refused on page 2: that page again, the message beside that theme
    refused = tc.post(f"{base}/problem", data={"csrf_token": token, "theme": "3", "min_size": "2",
                                               "statement": "Webhooks fail"})
    assert refused.status_code == 422 and '<ol class="themes" start="3">' in refused.text
    card = refused.text.split('id="theme-3"', 1)[1].split("</li>\n", 1)[0]
    assert re.search(r"needs at least one of its feedback items", card)
    assert csrf_of(refused.text)
