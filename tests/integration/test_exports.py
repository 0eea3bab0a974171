"""CSV exports through the API on SQLite and PostgreSQL: every record a list would show (all pages, its search,
filters and sort), the ranked backlog, demand, promises and the forecast, each the same as its JSON sibling;
spreadsheet formulas neutralised; bad parameters refused as problem+json. (Outsiders: test_api_safety walks every
endpoint, these included.)"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from tests.conftest import World
from tests.integration.test_api_strategy import _three_features
from tests.integration.test_delivery import _planning_world


def _csv(r: Any) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text, newline="")))


def test_a_record_export_holds_every_matching_record_not_one_page(client, world: World) -> None:
    h = world.alice.headers
    items = [{"name": f"Customer {i:03d}", "segment": "enterprise" if i % 3 == 0 else "smb", "arr": 1000 + i}
             for i in range(230)] + [{"name": "=HYPERLINK(\"http://evil\",\"click\")", "segment": "smb"}]
    r = client.post(world.api("/customers/batch"), json={"items": items}, headers=h)
    assert r.status_code == 201, r.text
    rows = _csv(client.get(world.api("/customers.csv?sort=-arr"), headers=h))
    assert len(rows) == 231  # more than the largest page (200)
    listed, cursor = [], None
    while True:
        page = client.get(world.api("/customers?sort=-arr&limit=200" + (f"&cursor={cursor}" if cursor else "")),
                          headers=h).json()
        listed += page["items"]
        if not (cursor := page["next"]):
            break
    assert [int(r["id"]) for r in rows] == [c["id"] for c in listed]
    assert rows[0]["name"] == listed[0]["name"] and rows[0]["arr"] == str(listed[0]["arr"])
    # a record referred to is named (its id has its own column)
    cust = listed[0]
    fb = client.post(world.api("/feedback"), json={"text": "Need SSO", "customer_id": cust["id"]}, headers=h).json()
    (row,) = _csv(client.get(world.api("/feedback.csv?q=SSO"), headers=h))
    assert (row["id"], row["customer_id"], row["customer"]) == (str(fb["id"]), str(cust["id"]), cust["name"])
    # a name a spreadsheet would run as a formula is written as text
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=")
    # the list's filters and search apply
    smb = _csv(client.get(world.api("/customers.csv?segment=smb&q=Customer"), headers=h))
    assert smb and all(r["segment"] == "smb" and r["name"].startswith("Customer") for r in smb)
    assert len(smb) == sum(1 for i in range(230) if i % 3)
    # the file says whose and what it is
    disposition = client.get(world.api("/customers.csv"), headers=h).headers["content-disposition"]
    assert disposition == f'attachment; filename="{world.slug}-customers-{date.today().isoformat()}.csv"'
    # bad parameters are refused like the list's, naming them, not a broken file
    bad = client.get(world.api("/customers.csv?sort=shoe_size"), headers=h)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["loc"] == ["query", "sort"]
    # archived records only when asked for
    cid = rows[0]["id"]
    assert client.delete(world.api(f"/customers/{cid}"), headers=h).status_code == 200
    assert cid not in {r["id"] for r in _csv(client.get(world.api("/customers.csv"), headers=h))}
    assert [r["id"] for r in _csv(client.get(world.api("/customers.csv?archived=true"), headers=h))] == [cid]


def test_ranking_and_demand_exports_match_their_screens(client, world: World) -> None:
    h = world.alice.headers
    _three_features(client, world)
    ranked = client.get(world.api("/ranking?framework=rice"), headers=h).json()
    rows = _csv(client.get(world.api("/ranking.csv?framework=rice"), headers=h))
    assert [(int(r["rank"]), int(r["feature id"]), r["feature"]) for r in rows] == \
        [(i["rank"], i["id"], i["title"]) for i in ranked["items"]]
    assert [float(r["score (rice)"]) for r in rows] == [i["score"] for i in ranked["items"]]
    assert float(rows[0]["reach"]) == 10 and rows[0]["reach from"] and rows[0]["how the score is made"] == ranked["items"][0]["explanation"]
    assert client.get(world.api("/ranking.csv?framework=zzz"), headers=h).status_code == 422
    # demand: a feature with evidence from two customers
    fid = ranked["items"][0]["id"]
    for name, arr in (("Big", 90000), ("Small", 1000)):
        cust = client.post(world.api("/customers"), json={"name": name, "arr": arr}, headers=h).json()["id"]
        fb = client.post(world.api("/feedback"), json={"text": f"{name} wants it", "customer_id": cust},
                         headers=h).json()["id"]
        assert client.post(world.api("/links"), json={"feedback_id": fb, "feature_id": fid},
                           headers=h).status_code == 201
    top = client.get(world.api("/top-requested?kind=feature&sort=arr"), headers=h).json()
    rows = _csv(client.get(world.api("/top-requested.csv?kind=feature&sort=arr"), headers=h))
    assert [(int(r["feature id"]), int(r["customers"])) for r in rows] == \
        [(i["id"], i["customer_count"]) for i in top["items"]] == [(fid, 2)]
    assert rows[0][f"ARR ({top['currency']})"] == str(top["items"][0]["arr"])


def test_promises_and_forecast_exports(client, world: World) -> None:
    h = world.alice.headers
    ids = _planning_world(client, world)
    cust = client.post(world.api("/customers"), json={"name": "Acme", "arr": 50000}, headers=h).json()["id"]
    for key, days in (("c", 90), ("d", 3)):
        assert client.post(world.api("/commitments"), json={
            "feature_id": ids[key], "customer_id": cust, "due": (date.today() + timedelta(days=days)).isoformat()},
            headers=h).status_code == 201
    overview = client.get(world.api("/commitment-overview"), headers=h).json()
    rows = _csv(client.get(world.api("/commitment-overview.csv"), headers=h))
    chance = "chance (at risk below 70%)"
    assert [(int(r["commitment id"]), float(r[chance]), r["at risk"]) for r in rows] == \
        [(i["id"], i["probability"], "yes" if i["at_risk"] else "no") for i in overview["items"]]
    assert {r["at risk"] for r in rows} == {"yes", "no"}  # due in 3 days: at risk; in 90: safe
    at_risk = _csv(client.get(world.api("/commitment-overview.csv?at_risk=true"), headers=h))
    assert [r["feature"] for r in at_risk] == ["Dunning"]
    # forecast: every forecast feature's dates, and the unforecast ones saying why
    unestimated = client.post(world.api("/features"), json={"title": "Later idea", "status": "planned"},
                              headers=h).json()["id"]
    target = (date.today() + timedelta(days=30)).isoformat()
    fc = client.get(world.api(f"/forecast?target={target}"), headers=h).json()
    rows = _csv(client.get(world.api(f"/forecast.csv?target={target}"), headers=h))
    dated = [r for r in rows if r["P85"]]
    assert [(int(r["feature id"]), r["P50"], r["P85"], r["P95"], float(r[f"chance by {target}"])) for r in dated] \
        == [(f["feature_id"], f["p50"], f["p85"], f["p95"], f["probability_by_target"]) for f in fc["features"]]
    assert {int(r["feature id"]) for r in dated} == {ids[k] for k in "abcd"}
    assert unestimated not in {int(r["feature id"]) for r in rows}  # an idea nobody planned is not a forecast row
    past = client.get(world.api(f"/forecast.csv?target={date.today() - timedelta(days=1)}"), headers=h)
    assert past.status_code == 422 and past.json()["errors"][0]["loc"] == ["query", "target"]
