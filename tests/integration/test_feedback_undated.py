"""Feedback of unknown date in the feedback list, on SQLite and PostgreSQL: it was dated when it was imported, yet it
never sorts above dated feedback as if it were the newest; it comes after every dated item, newest or oldest first,
page after page; and a "Date unknown" filter finds it, in the API, the web list and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app


def _seed(client, world: World) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """(dated ids, newest first; undated ids). The undated were imported before the newest dated item was given."""
    h = world.alice.headers
    r = client.post(world.api("/imports/feedback"), headers=h,
                    files={"file": ("old.csv", b"text\nHistory one\nHistory two\nHistory three\n", "text/csv")})
    assert r.status_code == 201 and r.json()["undated"] == 3, r.text
    dated = {}
    for text, day in (("Said in June", "2025-06-01T10:00:00Z"), ("Said in January", "2025-01-15T10:00:00Z"),
                      ("Said long ago", "2024-03-03T10:00:00Z"), ("Said today", None)):
        body = {"text": text} | ({"reported_at": day} if day else {})
        r = client.post(world.api("/feedback"), json=body, headers=h)
        assert r.status_code == 201, r.text
        dated[text] = r.json()["id"]
    undated = [i["id"] for i in client.get(world.api("/feedback"), params={"sort": "id"}, headers=h).json()["items"]
               if i["date_unknown"]]
    assert len(undated) == 3
    newest_first = [dated[t] for t in ("Said today", "Said in June", "Said in January", "Said long ago")]
    return newest_first, undated


def _walk(client, world: World, limit: int, **params: str) -> list[int]:  # type: ignore[no-untyped-def]
    """Every id of the list, page after page of `limit` items."""
    ids: list[int] = []
    cursor = None
    while True:
        r = client.get(world.api("/feedback"), params={"limit": str(limit), **params,
                                                        **({"cursor": cursor} if cursor else {})},
                       headers=world.erin.headers)
        assert r.status_code == 200, r.text
        ids += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next"]
        if cursor is None:
            return ids


def test_undated_feedback_comes_after_the_dated_in_either_order_page_after_page(client, world: World) -> None:  # type: ignore[no-untyped-def]
    dated, undated = _seed(client, world)
    listed = _walk(client, world, 50)
    assert listed[:4] == dated  # newest first, the item said today above the history imported before it
    assert sorted(listed[4:]) == sorted(undated)
    for limit in (1, 2, 3, 4, 5):  # a page may end in the dated part, at its last item, or in the undated part
        assert _walk(client, world, limit) == listed, limit
    oldest_first = _walk(client, world, 50, sort="reported_at")
    assert oldest_first[:4] == dated[::-1] and sorted(oldest_first[4:]) == sorted(undated)
    for limit in (2, 4):
        assert _walk(client, world, limit, sort="reported_at") == oldest_first
    # the home page's "Latest feedback" is the same order: the history is not the latest
    assert [i["date_unknown"] for i in client.get(world.api("/feedback"), params={"limit": "4"},
                                                  headers=world.erin.headers).json()["items"]] == [False] * 4


def test_the_date_unknown_filter_in_the_api_the_web_and_the_cli(client, container: Container, world: World,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    dated, undated = _seed(client, world)
    assert sorted(_walk(client, world, 2, dated="false")) == sorted(undated)
    assert _walk(client, world, 2, dated="true") == dated
    assert client.get(world.api("/feedback"), params={"dated": "maybe"}, headers=world.alice.headers).status_code == 422
    assert client.get(world.api("/feedback"), params={"dated": "false"},
                      headers=world.charlie.headers).status_code == 404
    params = {p["name"]: p for p in client.get("/api/v1/openapi.json").json()["paths"][
        "/workspaces/{workspace}/feedback"]["get"]["parameters"]}
    assert "date is unknown" in params["dated"]["description"]

    tc = web_client(container)
    sign_in(tc, world.bob.email, world.bob.password)
    page = tc.get(f"/w/{world.slug}/feedback", params={"dated": "false"}).text
    assert re.search(r'<option value="false"\s+selected>Date unknown</option>', page), page[:3000]
    assert set(map(int, re.findall(r'href="/w/[^/]+/feedback/(\d+)"', page))) == set(undated)
    whole = tc.get(f"/w/{world.slug}/feedback").text
    shown = [int(i) for i in dict.fromkeys(re.findall(r'href="/w/[^/]+/feedback/(\d+)"', whole))]
    assert shown[:4] == dated and sorted(shown[4:]) == sorted(undated)
    home = tc.get(f"/w/{world.slug}").text
    latest = home[home.index("Latest feedback"):]
    assert latest.index("Said today") < latest.index("Said long ago") < latest.index("History one")
    outsider = web_client(container)
    sign_in(outsider, world.charlie.email, world.charlie.password)
    assert outsider.get(f"/w/{world.slug}/feedback", params={"dated": "false"}).status_code == 404

    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    runner = CliRunner()
    out = runner.invoke(app, ["feedback", "list", "-w", world.slug, "--filter", "dated=no", "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert sorted(i["id"] for i in json.loads(out.stdout)["items"]) == sorted(undated)
    out = runner.invoke(app, ["feedback", "list", "-w", world.slug, "--json"], env=env)
    assert [i["id"] for i in json.loads(out.stdout)["items"]][:4] == dated
    assert "dated" in runner.invoke(app, ["feedback", "list", "--help"], env=env).output


def test_a_features_evidence_a_customers_requests_and_competitor_mentions_put_the_undated_last(
        client, world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    acme = client.post(world.api("/customers"), json={"name": "Acme"}, headers=h).json()["id"]
    feature = client.post(world.api("/features"), json={"title": "SSO"}, headers=h).json()["id"]
    r = client.post(world.api("/imports/feedback"), headers=h, files={"file": (
        "old.csv", b"text,customer\nSSO please (Rivalsoft has it),Acme\nStill SSO (Rivalsoft),Acme\n", "text/csv")})
    assert r.status_code == 201 and r.json()["undated"] == 2, r.text
    ids = []
    for text, day in (("SSO in June, like Rivalsoft", "2025-06-01T10:00:00Z"),
                      ("SSO long ago, Rivalsoft", "2024-03-03T10:00:00Z")):
        r = client.post(world.api("/feedback"), json={"text": text, "customer_id": acme, "reported_at": day},
                        headers=h)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    every = client.get(world.api("/feedback"), params={"sort": "id"}, headers=h).json()["items"]
    for item in every:
        assert client.post(world.api("/links"), json={"feedback_id": item["id"], "feature_id": feature},
                           headers=h).status_code == 201
    undated = {i["id"] for i in every if i["date_unknown"]}
    evidence = client.get(world.api(f"/features/{feature}/evidence"), headers=h).json()["evidence"]
    assert [e["feedback_id"] for e in evidence][:2] == ids and {e["feedback_id"] for e in evidence[2:]} == undated
    asked = client.get(world.api(f"/customers/{acme}/requests"), headers=h).json()
    assert [a["feedback_id"] for a in asked][:2] == ids and {a["feedback_id"] for a in asked[2:]} == undated
    r = client.post(world.api("/competitors"), json={"name": "Rivalsoft"}, headers=h)
    assert r.status_code == 201, r.text
    matrix = client.get(world.api("/competitor-matrix"), headers=h).json()
    rival = next(c for c in matrix["competitors"] if c["name"] == "Rivalsoft")
    assert rival["mentions"] == 4 and [m["feedback_id"] for m in rival["recent_mentions"]][:2] == ids, rival
