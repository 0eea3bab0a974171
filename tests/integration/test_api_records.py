"""The record API on both back ends: CRUD, ETags, archive/restore, search, filters, keyset pagination."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import World

BODIES = {
    "products": ({"name": "Ledger"}, {"description": "Invoices"}),
    "customers": ({"name": "Globex", "arr": "1200.50", "segment": "smb", "currency": "eur"}, {"plan": "Pro"}),
    "feedback": ({"text": "Exports to CSV break on umlauts", "source": "support", "tags": ["csv", "export"]},
                 {"source": "survey"}),
    "problems": ({"statement": "Month-end close takes three days", "persona": "Controller"}, {"segment": "smb"}),
    "features": ({"title": "CSV export", "user_flow": ["Open invoices", "Click export"],
                  "acceptance_criteria": ["Given invoices, when I export, then I get a CSV"]}, {"status": "planned"}),
}


@pytest.mark.parametrize("plural", list(BODIES))
def test_crud_with_etags(client, world: World, plural: str) -> None:
    create, patch = BODIES[plural]
    h = world.bob.headers
    r = client.post(world.api(f"/{plural}"), json=create, headers=h)
    assert r.status_code == 201, r.text
    rec = r.json()
    url = world.api(f"/{plural}/{rec['id']}")
    assert r.headers["ETag"] == '"1"' and r.headers["Location"] == url  # where the client finds it

    got = client.get(url, headers=h)
    assert got.status_code == 200 and got.json() == rec and got.headers["ETag"] == '"1"'

    ok = client.patch(url, json=patch, headers={**h, "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"2"'
    for k, v in patch.items():
        assert ok.json()[k] == v

    stale = client.patch(url, json=create, headers={**h, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert client.get(url, headers=h).json() == ok.json()  # nothing changed

    assert client.delete(url, headers={**h, "If-Match": '"1"'}).status_code == 412
    archived = client.delete(url, headers={**h, "If-Match": '"2"'})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    listed = client.get(world.api(f"/{plural}"), headers=h).json()["items"]
    assert rec["id"] not in [i["id"] for i in listed]
    in_archive = client.get(world.api(f"/{plural}?archived=true"), headers=h).json()["items"]
    assert rec["id"] in [i["id"] for i in in_archive]
    restored = client.post(url + "/restore", headers=h)
    assert restored.status_code == 200 and restored.json()["archived"] is False


def test_keyset_pagination_visits_every_row_once_in_order(client, world: World) -> None:
    h = world.alice.headers
    arrs = [5, 1, 3, 3, 3, 9, 0, 7, 3, 2, 8, 3]
    items = [{"name": f"C{i:02d}", "arr": a} for i, a in enumerate(arrs)]
    assert client.post(world.api("/customers/batch"), json={"items": items}, headers=h).status_code == 201
    seen, cursor = [], None
    while True:
        url = world.api("/customers?sort=-arr&limit=5") + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=h).json()
        seen += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == len(arrs) and len({s["id"] for s in seen}) == len(arrs)
    keys = [(-float(s["arr"]), -s["id"]) for s in seen]
    assert keys == sorted(keys)


def test_keyset_pagination_on_timestamps(client, world: World) -> None:
    h = world.alice.headers
    stamps = ["2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z", "2026-03-01T08:30:00+02:00", "2025-12-31T23:59:59Z",
              "2026-02-14T12:00:00Z", "2026-01-05T10:00:00Z", "2026-07-07T07:07:07Z"]
    items = [{"text": f"item {i}", "reported_at": s} for i, s in enumerate(stamps)]
    assert client.post(world.api("/feedback/batch"), json={"items": items}, headers=h).status_code == 201
    for sort in ("-reported_at", "reported_at"):
        seen, cursor = [], None
        while True:
            url = world.api(f"/feedback?sort={sort}&limit=2") + (f"&cursor={cursor}" if cursor else "")
            r = client.get(url, headers=h)
            assert r.status_code == 200, r.text
            seen += r.json()["items"]
            cursor = r.json()["next"]
            if not cursor:
                break
        assert len({s["id"] for s in seen}) == len(stamps) == len(seen)
        got = [s["reported_at"] for s in seen]
        assert got == sorted(got, reverse=sort.startswith("-"))


def test_cursor_from_another_sort_is_refused(client, world: World) -> None:
    h = world.alice.headers
    client.post(world.api("/customers/batch"), json={"items": [{"name": "A"}, {"name": "B"}]}, headers=h)
    nxt = client.get(world.api("/customers?sort=name&limit=1"), headers=h).json()["next"]
    r = client.get(world.api(f"/customers?sort=-arr&cursor={nxt}"), headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "cursor"]
    assert client.get(world.api("/customers?sort=colour"), headers=h).status_code == 422


@pytest.mark.parametrize("sparse_limit", [2000, 0], ids=["few-matches-plan", "many-matches-plan"])
def test_full_text_search_and_filters(client, world: World, sparse_limit: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.storage import search

    monkeypatch.setattr(search, "SPARSE_MATCHES", sparse_limit)
    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Initech", "segment": "enterprise"}, headers=h).json()
    texts = ["The PDF invoice is blurry when printed", "Please support Xero sync", "Invoices arrive late by email"]
    for i, t in enumerate(texts):
        body = {"text": t, "source": "support" if i else "sales_call", "customer_id": cust["id"] if i == 1 else None}
        assert client.post(world.api("/feedback"), json=body, headers=h).status_code == 201

    def search(query: str) -> list[str]:
        return sorted(i["text"] for i in client.get(world.api("/feedback"), params=query, headers=h).json()["items"])

    assert search("q=xero") == [texts[1]]
    assert search("q=invoic") == sorted([texts[0], texts[2]])  # prefix match on the last word
    assert search("q=pdf printed") == [texts[0]]
    assert search("q=nothing+like+this") == []
    assert search("source=sales_call") == [texts[0]]
    assert search(f"customer_id={cust['id']}") == [texts[1]]
    assert client.get(world.api("/customers?segment=enterprise"), headers=h).json()["items"][0]["name"] == "Initech"


def test_feature_problem_links_bump_version_and_validate_ids(client, world: World) -> None:
    h = world.alice.headers
    p = client.post(world.api("/problems"), json={"statement": "Chasing payments by hand"}, headers=h).json()
    f = client.post(world.api("/features"), json={"title": "Reminders"}, headers=h).json()
    r = client.patch(world.api(f"/features/{f['id']}"), json={"problem_ids": [p["id"]]}, headers={**h, "If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["problem_ids"] == [p["id"]] and r.json()["version"] == 2
    bad = client.patch(world.api(f"/features/{f['id']}"), json={"problem_ids": [999999]}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "problem_ids"]


def test_evidence_and_customer_requests(client, world: World) -> None:
    h = world.alice.headers
    big = client.post(world.api("/customers"), json={"name": "Big", "arr": 500000}, headers=h).json()
    small = client.post(world.api("/customers"), json={"name": "Small", "arr": 1000, "currency": "GBP"}, headers=h).json()
    feat = client.post(world.api("/features"), json={"title": "Bulk export", "status": "planned"}, headers=h).json()
    fb = [client.post(world.api("/feedback"), json={"text": f"We need bulk export #{i}", "customer_id": c["id"]},
                      headers=h).json() for i, c in enumerate([big, small, big])]
    for item in fb:
        r = client.post(world.api("/links"), json={"feedback_id": item["id"], "feature_id": feat["id"],
                                                   "quote": "bulk export"}, headers=h)
        assert r.status_code == 201, r.text
    dup = client.post(world.api("/links"), json={"feedback_id": fb[0]["id"], "feature_id": feat["id"]}, headers=h)
    assert dup.status_code == 409
    bad_quote = client.post(world.api("/links"), json={"feedback_id": fb[0]["id"], "feature_id": feat["id"],
                                                       "quote": "not in the text"}, headers=h)
    assert bad_quote.status_code == 422
    d = client.get(world.api(f"/features/{feat['id']}/evidence"), headers=h).json()
    assert d["feedback_count"] == 3 and d["customer_count"] == 2
    assert d["arr_by_currency"] == {"USD": "500000.00", "GBP": "1000.00"}
    assert [c["name"] for c in d["customers"]] == ["Big", "Small"]
    assert d["customers"][0]["feedback_count"] == 2
    reqs = client.get(world.api(f"/customers/{big['id']}/requests"), headers=h).json()
    assert {(r["target_title"], r["status"]) for r in reqs} == {("Bulk export", "planned")} and len(reqs) == 2


def test_comments(client, world: World) -> None:
    p = client.post(world.api("/problems"), json={"statement": "Dunning is manual"}, headers=world.alice.headers).json()
    r = client.post(world.api(f"/problems/{p['id']}/comments"), json={"body": "Seen this at 3 accounts"},
                    headers=world.sam.headers)
    assert r.status_code == 201 and r.json()["author"] == world.sam.email
    listed = client.get(world.api(f"/problems/{p['id']}/comments"), headers=world.erin.headers).json()
    assert [c["body"] for c in listed] == ["Seen this at 3 accounts"]


def test_roles(client, world: World) -> None:
    assert client.post(world.api("/customers"), json={"name": "X"}, headers=world.sam.headers).status_code == 403
    assert client.post(world.api("/customers"), json={"name": "X"}, headers=world.erin.headers).status_code == 403
    assert client.post(world.api("/feedback"), json={"text": "hi"}, headers=world.sam.headers).status_code == 201
    assert client.get(world.api("/customers"), headers=world.erin.headers).status_code == 200
    r = client.put(world.api("/members"), json={"email": world.sam.email, "role": "pm"}, headers=world.bob.headers)
    assert r.status_code == 403
    r = client.put(world.api("/members"), json={"email": world.sam.email, "role": "pm"}, headers=world.alice.headers)
    assert r.status_code == 200 and r.json()["role"] == "pm"
    r = client.put(world.api("/members"), json={"user_id": world.sam.user_id, "role": "engineer"},
                   headers=world.alice.headers)
    assert r.status_code == 200 and (r.json()["email"], r.json()["role"]) == (world.sam.email, "engineer")
    # someone who is not a member is invited (POST …/invitations), never added here
    r = client.put(world.api("/members"), json={"email": "new@example.com", "role": "pm"}, headers=world.alice.headers)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    # the only owner cannot stop being one; once there is a second owner, either may step down
    r = client.put(world.api("/members"), json={"email": world.alice.email, "role": "pm"}, headers=world.alice.headers)
    assert r.status_code == 409 and "only owner" in r.json()["detail"]
    assert client.put(world.api("/members"), json={"email": world.sam.email, "role": "owner"},
                      headers=world.alice.headers).status_code == 200
    r = client.put(world.api("/members"), json={"email": world.alice.email, "role": "pm"}, headers=world.alice.headers)
    assert r.status_code == 200 and r.json()["role"] == "pm"


def test_removing_a_member_revokes_their_tokens_and_never_the_last_owner(client, world: World) -> None:
    owner = world.alice.headers
    assert client.get(world.api("/features"), headers=world.erin.headers).status_code == 200
    assert client.delete(world.api(f"/members/{world.erin.user_id}"), headers=world.bob.headers).status_code == 403
    assert client.delete(world.api(f"/members/{world.erin.user_id}"),
                         headers=world.charlie.headers).status_code == 404  # the outsider
    r = client.delete(world.api(f"/members/{world.erin.user_id}"), headers=owner)
    assert r.status_code == 204, r.text
    assert client.get(world.api("/features"), headers=world.erin.headers).status_code in (401, 404)  # token gone
    assert world.erin.email not in {m["email"] for m in client.get(world.api("/members"), headers=owner).json()}
    assert client.delete(world.api(f"/members/{world.erin.user_id}"), headers=owner).status_code == 404
    r = client.delete(world.api(f"/members/{world.alice.user_id}"), headers=owner)
    assert r.status_code == 409 and "only owner" in r.json()["detail"]
    trail = client.get(world.api("/audit"), params={"record_type": "user"}, headers=owner).json()["items"]
    assert any(e["changes"].get("removed") for e in trail), trail


def test_links_list_and_quote_edit_and_comment_edit_delete(client, world: World) -> None:
    h = world.bob.headers
    fb = client.post(world.api("/feedback"), json={"text": "Dunning emails should come from our domain"}, headers=h).json()
    feat = client.post(world.api("/features"), json={"title": "Custom sender domain"}, headers=h).json()
    prob = client.post(world.api("/problems"), json={"statement": "Reminders look like spam"}, headers=h).json()
    a = client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": feat["id"]}, headers=h).json()
    client.post(world.api("/links"), json={"feedback_id": fb["id"], "problem_id": prob["id"]}, headers=h)
    by_feature = client.get(world.api(f"/links?feature_id={feat['id']}"), headers=h).json()
    assert [x["id"] for x in by_feature["items"]] == [a["id"]] and by_feature["next"] is None
    assert len(client.get(world.api(f"/links?feedback_id={fb['id']}&limit=1"), headers=h).json()["items"]) == 1
    ok = client.patch(world.api(f"/links/{a['id']}"), json={"quote": "from our domain"}, headers=h)
    assert ok.status_code == 200 and ok.json()["quote"] == "from our domain"
    bad = client.patch(world.api(f"/links/{a['id']}"), json={"quote": "not said"}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "quote"]
    assert client.patch(world.api(f"/links/{a['id']}"), json={"quote": "x"}, headers=world.sam.headers).status_code == 403

    c = client.post(world.api(f"/features/{feat['id']}/comments"), json={"body": "Needs DKIM"},
                    headers=world.sam.headers).json()
    assert client.patch(world.api(f"/comments/{c['id']}"), json={"body": "edited"},
                        headers=world.erin.headers).status_code == 403  # not the author, not a PM
    rewritten = client.patch(world.api(f"/comments/{c['id']}"), json={"body": "Not needed"}, headers=world.bob.headers)
    assert rewritten.status_code == 403 and "only the comment's author" in rewritten.text  # a PM deletes, never rewrites
    r = client.patch(world.api(f"/comments/{c['id']}"), json={"body": "Needs DKIM and SPF"}, headers=world.sam.headers)
    assert r.status_code == 200 and r.json()["body"] == "Needs DKIM and SPF"
    assert client.delete(world.api(f"/comments/{c['id']}"), headers=world.bob.headers).status_code == 204
    assert client.get(world.api(f"/features/{feat['id']}/comments"), headers=h).json() == []
    trail = client.get(world.api("/audit?record_type=comment"), headers=h).json()["items"]
    assert [e["action"] for e in trail] == ["delete", "update"]


def test_paging_by_a_column_some_rows_leave_empty_reaches_every_row(client, world: World) -> None:
    h = world.alice.headers
    dates = [None, "2026-10-01", None, "2026-09-01", "2026-10-01", None]
    ids = []
    for i, d in enumerate(dates):
        body = {"title": f"Decision {i}", "options": [{"name": "A"}, {"name": "B"}]}
        if d:
            body |= {"choice": "A", "decided_on": d}
        r = client.post(world.api("/decisions"), json=body, headers=h)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    for sort in ("decided_on", "-decided_on"):
        for limit in (1, 2, 4):
            seen, cursor = [], None
            while True:
                page = client.get(world.api("/decisions"), params={"sort": sort, "limit": limit,
                                                                   **({"cursor": cursor} if cursor else {})},
                                  headers=h).json()
                seen += [(x["id"], x["decided_on"]) for x in page["items"]]
                if not (cursor := page["next"]):
                    break
            decided = sorted(((i, d) for i, d in zip(ids, dates, strict=True) if d),
                             key=lambda p: (p[1], p[0]), reverse=sort.startswith("-"))
            undecided = sorted(((i, d) for i, d in zip(ids, dates, strict=True) if not d),
                               reverse=sort.startswith("-"))
            assert seen == decided + undecided, (sort, limit)  # every row once; those without a date last
    bad = base64.urlsafe_b64encode(json.dumps(["arr", "abc", 1]).encode()).decode()
    for cursor in (bad, base64.urlsafe_b64encode(json.dumps(["arr", "NaN", 1]).encode()).decode()):
        r = client.get(world.api("/customers"), params={"sort": "arr", "cursor": cursor}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "cursor"], r.text


def test_a_date_whose_utc_time_falls_outside_the_calendar_is_refused_not_a_500(client, world: World) -> None:
    h = world.alice.headers
    for when in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00"):
        r = client.post(world.api("/feedback"), json={"text": "x", "reported_at": when}, headers=h)
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    fb = client.post(world.api("/feedback"), json={"text": "x"}, headers=h).json()
    r = client.patch(world.api(f"/feedback/{fb['id']}"), json={"reported_at": "0001-01-01T00:00:00+01:00"}, headers=h)
    assert r.status_code == 422, r.text
    assert client.get(world.api(f"/feedback/{fb['id']}"), headers=h).json()["version"] == fb["version"]


def test_a_body_that_is_not_json_is_a_400_saying_where_reading_stopped(client, world: World) -> None:
    r = client.post(world.api("/features"), content=b'{"title": "x",', headers={
        **world.alice.headers, "content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", r.text
    assert "not valid JSON" in r.json()["detail"] and "character 14" in r.json()["detail"]
    r = client.post(world.api("/features"), json={"title": 5}, headers=world.alice.headers)  # JSON, wrong type: 422
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "title"]


def test_a_misspelt_list_filter_is_named_not_ignored(client, world: World) -> None:
    h = world.alice.headers
    for url in ("/features?statuz=shipped", "/features.csv?statuz=shipped", "/feedback?kind=bug&colour=red"):
        r = client.get(world.api(url), headers=h)
        assert r.status_code == 422, (url, r.status_code)
        bad = [e["loc"] for e in r.json()["errors"]]
        assert bad in ([["query", "statuz"]], [["query", "colour"]]) and "this list takes" in r.json()["detail"]
    assert client.get(world.api("/features?status=shipped&q=x&sort=-id&limit=5&archived=false"),
                      headers=h).status_code == 200
