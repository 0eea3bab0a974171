"""Search everything through the API, on SQLite and PostgreSQL: every kind at once, archived records left out."""

from __future__ import annotations

from tests.conftest import World


def test_one_search_finds_each_kind_and_says_when_there_is_more(client, world: World) -> None:
    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Quokka Freight", "arr": 1000}, headers=h).json()
    fb_ids = [client.post(world.api("/feedback"), json={"text": f"Quokka export number {i} fails",
                                                        "customer_id": cust["id"]}, headers=h).json()["id"]
              for i in range(3)]
    feat = client.post(world.api("/features"), json={"title": "Quokka-proof export", "status": "planned"},
                       headers=h).json()
    client.post(world.api("/problems"), json={"statement": "Exports lose rows", "persona": "Analyst"}, headers=h)
    gone = client.post(world.api("/features"), json={"title": "Quokka archive me"}, headers=h).json()
    assert client.delete(world.api(f"/features/{gone['id']}"), headers=h).status_code == 200
    r = client.get(world.api("/search"), params={"q": "quokka", "per_kind": 2}, headers=world.sam.headers)
    assert r.status_code == 200, r.text
    groups = {g["kind"]: g for g in r.json()["groups"]}
    assert list(groups) == ["features", "feedback", "customers"]  # kinds in a fixed order; none without a match
    assert [i["id"] for i in groups["features"]["items"]] == [feat["id"]] and not groups["features"]["more"]
    assert groups["features"]["items"][0]["detail"] == "planned"
    assert len(groups["feedback"]["items"]) == 2 and groups["feedback"]["more"] is True
    assert {i["id"] for i in groups["feedback"]["items"]} <= set(fb_ids)
    assert groups["feedback"]["items"][0]["detail"].startswith("Quokka Freight · other · ")
    # every word must match; the last as a prefix
    r = client.get(world.api("/search"), params={"q": "quokka expo"}, headers=h).json()
    assert {g["kind"] for g in r["groups"]} == {"features", "feedback"}
    assert client.get(world.api("/search"), params={"q": "zebra"}, headers=h).json()["groups"] == []
    for params, field in (({"q": " !? "}, "q"), ({"q": "x", "per_kind": 0}, "per_kind"), ({}, "q")):
        r = client.get(world.api("/search"), params=params, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", field], r.text
    # the outsider's workspace has its own records: none of these
    assert client.get(world.api("/search"), params={"q": "quokka"}, headers=world.charlie.headers).status_code == 404
