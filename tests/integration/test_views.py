"""Saved views of the record lists, through the API: checked when saved, private or shared, and named uniquely."""

from __future__ import annotations

from tests.conftest import World


def _feedback(client, world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    for text, kind in (("Export crashes on save", "bug"), ("Please add SSO", "feature_request"),
                       ("Export is slow", "bug")):
        fid = client.post(world.api("/feedback"), json={"text": text}, headers=h).json()["id"]
        assert client.patch(world.api(f"/feedback/{fid}"), json={"kind": kind}, headers=h).status_code == 200


def test_a_saved_view_keeps_the_query_and_gives_the_list_its_parameters(client, world: World) -> None:
    _feedback(client, world)
    body = {"collection": "feedback", "name": "Export bugs",
            "query": {"q": "export", "sort": "-id", "filters": {"kind": "bug"}}}
    r = client.post(world.api("/views"), json=body, headers=world.bob.headers)
    assert r.status_code == 201, r.text
    view = r.json()
    assert view["query"] == {"q": "export", "sort": "-id", "filters": {"kind": "bug"}} and view["shared"] is False
    assert view["params"] == {"q": "export", "sort": "-id", "kind": "bug"}
    assert r.headers["location"].endswith(f"/views/{view['id']}")
    items = client.get(world.api("/feedback"), params=view["params"], headers=world.bob.headers).json()["items"]
    assert [i["text"] for i in items] == ["Export is slow", "Export crashes on save"]
    # the list's default sort is not stored; the same name for another list is fine
    r = client.post(world.api("/views"), json={"collection": "features", "name": "export bugs",
                                               "query": {"sort": "-created_at"}}, headers=world.bob.headers)
    assert r.status_code == 201 and r.json()["query"] == {"filters": {}}, r.text


def test_a_personal_view_is_its_owners_and_a_shared_one_everyones(client, world: World) -> None:
    mine = client.post(world.api("/views"), json={"collection": "features", "name": "Mine"},
                       headers=world.erin.headers).json()
    shared = client.post(world.api("/views"), json={"collection": "features", "name": "Team", "shared": True},
                         headers=world.bob.headers).json()
    names = {p: [v["name"] for v in client.get(world.api("/views"), headers=getattr(world, p).headers).json()]
             for p in ("alice", "bob", "erin", "sam")}
    assert names == {"alice": ["Team"], "bob": ["Team"], "erin": ["Team", "Mine"], "sam": ["Team"]}
    assert client.get(world.api(f"/views/{mine['id']}"), headers=world.bob.headers).status_code == 404
    assert client.delete(world.api(f"/views/{mine['id']}"), headers=world.bob.headers).status_code == 404
    # an engineer or a stakeholder keeps views of their own but neither shares nor removes shared ones
    r = client.post(world.api("/views"), json={"collection": "features", "name": "X", "shared": True},
                    headers=world.sam.headers)
    assert r.status_code == 403
    assert client.delete(world.api(f"/views/{shared['id']}"), headers=world.erin.headers).status_code == 403
    assert client.delete(world.api(f"/views/{mine['id']}"), headers=world.erin.headers).status_code == 204
    assert client.delete(world.api(f"/views/{shared['id']}"), headers=world.alice.headers).status_code == 204
    assert client.get(world.api("/views"), headers=world.erin.headers).json() == []
    trail = client.get(world.api("/audit"), params={"record_type": "view"}, headers=world.alice.headers).json()
    assert {e["action"] for e in trail["items"]} == {"create", "delete"}
    # the outsider sees none of it
    assert client.get(world.api("/views"), headers=world.charlie.headers).status_code == 404


def test_a_view_the_list_would_refuse_is_refused_naming_what(client, world: World) -> None:
    h = world.bob.headers
    for query, loc, said in (
        ({"filters": {"colour": "red"}}, ["body", "query", "filters", "colour"], "cannot filter feedback on 'colour'"),
        ({"filters": {"kind": "bugg"}}, ["body", "query", "filters", "kind"], "filter kind"),
        ({"sort": "loudest"}, ["query", "sort"], "cannot sort feedback by 'loudest'"),
    ):
        r = client.post(world.api("/views"), json={"collection": "feedback", "name": "V", "query": query}, headers=h)
        assert r.status_code == 422 and said in r.json()["detail"], r.text
        assert r.json()["errors"][0]["loc"] == loc
    for body, field in (({"collection": "widgets", "name": "V"}, "collection"),
                        ({"collection": "feedback", "name": "   "}, "name"),
                        ({"collection": "feedback", "name": "V", "colour": 1}, "colour")):
        r = client.post(world.api("/views"), json=body, headers=h)
        assert r.status_code == 422 and field in str(r.json()["errors"][0]["loc"]), r.text
    assert client.get(world.api("/views"), headers=h).json() == []


def test_names_are_unique_among_the_views_a_person_sees(client, world: World) -> None:
    assert client.post(world.api("/views"), json={"collection": "problems", "name": "Churn", "shared": True},
                       headers=world.bob.headers).status_code == 201
    r = client.post(world.api("/views"), json={"collection": "problems", "name": "churn"}, headers=world.erin.headers)
    assert r.status_code == 409 and "a shared view of problems is already called 'Churn'" in r.json()["detail"]
    assert r.json()["errors"][0]["loc"] == ["body", "name"]
