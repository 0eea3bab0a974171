"""Demand weighted by value, top requested, close the loop, survey NPS, and PM corrections of triage."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from tests.conftest import World


def _iso(days_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()


def _setup(client, world: World) -> dict[str, int]:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    mk = lambda body: client.post(world.api("/customers"), json=body, headers=h).json()["id"]  # noqa: E731
    ids = {"big": mk({"name": "Big", "arr": 400000, "segment": "enterprise", "account_owner": "ae@x.io"}),
           "mid": mk({"name": "Mid", "arr": 50000, "segment": "mid_market"}),
           "eur": mk({"name": "Euro", "arr": 9000, "segment": "smb", "currency": "EUR"})}
    ids["export"] = client.post(world.api("/features"), json={"title": "Bulk export", "status": "shipped"}, headers=h).json()["id"]
    ids["sso"] = client.post(world.api("/features"), json={"title": "SSO"}, headers=h).json()["id"]
    rows = [("big", "export", 5, "sales_call"), ("big", "export", 50, "support"), ("mid", "export", 10, "survey"),
            ("eur", "export", 100, "interview"), ("mid", "sso", 3, "support"), ("mid", "sso", 4, "support"),
            ("mid", "sso", 5, "sales_call")]
    for cust, feat, days, source in rows:
        fb = client.post(world.api("/feedback"), json={"text": f"{feat} please, from {cust}", "customer_id": ids[cust],
                                                       "reported_at": _iso(days), "source": source,
                                                       "reporter": "rep@x.io"}, headers=h).json()
        r = client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": ids[feat]}, headers=h)
        assert r.status_code == 201
    return ids


def test_demand_summary(client, world: World) -> None:
    ids = _setup(client, world)
    d = client.get(world.api(f"/features/{ids['export']}/demand"), headers=world.erin.headers).json()
    assert d["feedback_count"] == 4 and d["customer_count"] == 3
    assert d["arr_by_currency"] == {"USD": "450000.00", "EUR": "9000.00"}
    assert d["arr_by_segment"]["USD"] == {"enterprise": "400000.00", "mid_market": "50000.00"}
    # none has a "customer since" day: their tenure is unknown, not "new" because their records were made today
    assert (d["new_customers"], d["existing_customers"], d["unknown_tenure"], d["prospects"]) == (0, 0, 3, 0)
    # Big has been a customer for years (its CRM says so); Mid signed last month
    h = world.alice.headers
    big = client.get(world.api(f"/customers/{ids['big']}"), headers=h)
    r = client.patch(world.api(f"/customers/{ids['big']}"), json={"customer_since": "2021-03-01"},
                     headers=h | {"If-Match": big.headers["etag"]})
    assert r.status_code == 200 and r.json()["customer_since"] == "2021-03-01", r.text
    mid = client.get(world.api(f"/customers/{ids['mid']}"), headers=h)
    r = client.patch(world.api(f"/customers/{ids['mid']}"), headers=h | {"If-Match": mid.headers["etag"]},
                     json={"customer_since": (datetime.now(UTC) - timedelta(days=30)).date().isoformat()})
    assert r.status_code == 200, r.text
    d2 = client.get(world.api(f"/features/{ids['export']}/demand"), headers=h).json()
    assert (d2["new_customers"], d2["existing_customers"], d2["unknown_tenure"]) == (1, 1, 1)
    assert d2["new_customer_arr"] == {"USD": "50000.00"}
    future = client.patch(world.api(f"/customers/{ids['mid']}"), json={"customer_since": "2999-01-01"}, headers=h)
    assert future.status_code == 422 and "2999-01-01 is in the future" in future.text
    t30, t90 = d["trends"]
    assert (t30["days"], t30["recent"]) == (30, 2) and (t90["recent"], t90["previous"]) == (3, 1)
    assert d["sources"] == {"sales_call": 1, "support": 1, "survey": 1, "interview": 1}
    assert d["quotes"][0]["customer_name"] == "Big"
    # one total in the workspace's currency beside the per-currency amounts; EUR has no rate, so it is named
    assert d["arr_total"]["currency"] == "USD" and float(d["arr_total"]["amount"]) == 450000
    assert "EUR 9,000 left out" in d["arr_total"]["left_out"]
    assert {k: float(v) for k, v in d["arr_by_segment_total"].items()} == {"enterprise": 400000, "mid_market": 50000,
                                                                           "smb": 0}


def test_top_requested_sorts(client, world: World) -> None:
    ids = _setup(client, world)
    by = {s: [r["id"] for r in client.get(world.api(f"/top-requested?kind=feature&sort={s}"),
                                          headers=world.alice.headers).json()["items"]]
          for s in ("count", "customers", "arr")}
    assert by["count"] == [ids["export"], ids["sso"]]  # 4 vs 3
    assert by["customers"] == [ids["export"], ids["sso"]]  # 3 vs 1
    res = client.get(world.api("/top-requested?sort=arr&currency=EUR"), headers=world.alice.headers).json()
    assert res["currency"] == "EUR" and res["items"][0]["arr"] == "9000.00"
    assert client.get(world.api("/top-requested?sort=loudest"), headers=world.alice.headers).status_code == 422


def test_top_requested_by_status_names_a_misspelt_one(client, world: World) -> None:
    ids = _setup(client, world)
    h = world.alice.headers
    shipped = client.get(world.api("/top-requested?kind=feature&status=shipped"), headers=h).json()["items"]
    assert [r["id"] for r in shipped] == [ids["export"]] and {r["status"] for r in shipped} == {"shipped"}
    for query, named in (("kind=feature&status=shiped", "unknown status 'shiped'"),
                         ("kind=problem&status=shipped", "problems have no status")):
        r = client.get(world.api(f"/top-requested?{query}"), headers=h)
        assert r.status_code == 422 and named in r.json()["detail"], r.text
        assert r.json()["errors"][0]["loc"] == ["query", "status"]


def test_close_the_loop(client, world: World) -> None:
    ids = _setup(client, world)
    res = client.get(world.api(f"/features/{ids['export']}/close-the-loop"), headers=world.sam.headers).json()
    assert res["shipped"] is True
    assert [c["customer"] for c in res["customers"]] == ["Big", "Mid", "Euro"]
    assert res["customers"][0]["account_owner"] == "ae@x.io" and len(res["customers"][0]["said"]) == 2
    assert res["customers"][0]["reporters"] == ["rep@x.io"]
    # the same list as a file for a mail merge: one row per customer, every passage they said
    r = client.get(world.api(f"/features/{ids['export']}/close-the-loop.csv"), headers=world.sam.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
    assert [x["customer"] for x in rows] == ["Big", "Mid", "Euro"]
    assert rows[0]["account owner"] == "ae@x.io" and rows[0]["heard by"] == "rep@x.io"
    assert rows[0]["what they said"] == "; ".join(s["words"] for s in res["customers"][0]["said"])
    assert client.get(world.api("/features/999999/close-the-loop.csv"), headers=world.sam.headers).status_code == 404


def test_close_the_loop_marks_customers_told(client, world: World) -> None:
    ids = _setup(client, world)
    url, h = world.api(f"/features/{ids['export']}/close-the-loop"), world.alice.headers
    told = client.post(f"{url}/told", json={"customer_ids": [ids["big"]]}, headers=world.sam.headers)  # sales may
    assert told.status_code == 200, told.text
    state = {c["customer"]: (c["told"], c["told_by"]) for c in told.json()["customers"]}
    assert state == {"Big": (True, world.sam.email), "Mid": (False, None), "Euro": (False, None)}
    assert (told.json()["told_count"], told.json()["to_tell_count"]) == (1, 2)
    assert client.get(url, headers=world.sam.headers).json() == told.json()  # stored, not just answered
    rows = list(csv.DictReader(io.StringIO(client.get(f"{url}.csv", headers=h).text, newline="")))
    assert [(r["customer"], bool(r["told"]), r["told by"]) for r in rows] == [
        ("Big", True, world.sam.email), ("Mid", False, ""), ("Euro", False, "")]
    # Big asks again after being told: to be told again, the earlier telling still shown
    fb = client.post(world.api("/feedback"), json={"text": "export again", "customer_id": ids["big"]}, headers=h).json()
    client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": ids["export"]}, headers=h)
    big = client.get(url, headers=h).json()["customers"][0]
    assert big["customer"] == "Big" and big["told"] is False and big["told_at"] is not None
    assert [s["told_at"] is None for s in big["said"]] == [False, False, True]
    # undo, and refusals that name what is wrong, with nothing written
    undone = client.post(f"{url}/told", json={"customer_ids": [ids["big"]], "told": False}, headers=h).json()
    assert undone["told_count"] == 0 and all(s["told_at"] is None for s in undone["customers"][0]["said"])
    bad = client.post(f"{url}/told", json={"customer_ids": [ids["mid"], 999999], "feedback_ids": [fb["id"] + 1000]},
                      headers=h)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "customer 999999 did not ask for this feature" in bad.json()["detail"]
    assert "feedback " + str(fb["id"] + 1000) + " is not evidence" in bad.json()["detail"]
    assert [e["loc"] for e in bad.json()["errors"]] == [["body", "customer_ids", 1], ["body", "feedback_ids", 0]]
    assert client.get(url, headers=h).json()["told_count"] == 0  # Mid was valid, but the request was refused whole
    assert "at least one customer" in client.post(f"{url}/told", json={}, headers=h).json()["detail"]
    not_shipped = client.post(world.api(f"/features/{ids['sso']}/close-the-loop/told"),
                              json={"customer_ids": [ids["mid"]]}, headers=h)
    assert not_shipped.status_code == 422 and "not shipped" in not_shipped.json()["detail"]
    audit = client.get(world.api(f"/audit?record_type=feature&record_id={ids['export']}"), headers=h)
    assert [e["action"] for e in audit.json()["items"]][:2] == ["untold", "told"], audit.text


def test_survey_responses_and_nps(client, world: World) -> None:
    h = world.alice.headers
    ent = client.post(world.api("/customers"), json={"name": "E", "segment": "enterprise"}, headers=h).json()["id"]
    for score in (10, 9, 3):
        r = client.post(world.api("/feedback"), json={"text": "survey", "source": "survey", "customer_id": ent,
                                                      "score_kind": "nps", "score": score}, headers=h)
        assert r.status_code == 201
    bad = client.post(world.api("/feedback"), json={"text": "x", "score_kind": "nps", "score": 11}, headers=h)
    assert bad.status_code == 422 and "0-10" in bad.text
    half = client.post(world.api("/feedback"), json={"text": "x", "score": 4}, headers=h)
    assert half.status_code == 422
    res = client.get(world.api("/surveys/nps"), headers=h).json()
    ent_row = next(r for r in res["nps"] if r["segment"] == "enterprise")
    assert (ent_row["promoters"], ent_row["detractors"], ent_row["nps"]) == (2, 1, 33.3)
    assert -100 <= ent_row["low"] < 33.3 < ent_row["high"] <= 100  # three answers: a wide range


def test_pm_correction_of_kind_is_remembered(client, world: World) -> None:
    h = world.bob.headers
    fb = client.post(world.api("/feedback"), json={"text": "The export button crashes"}, headers=h).json()
    assert fb["kind"] is None and fb["triaged_at"] is None
    r = client.patch(world.api(f"/feedback/{fb['id']}"), json={"kind": "bug"}, headers=h)
    assert r.status_code == 200
    assert (r.json()["kind"], r.json()["kind_source"], r.json()["kind_confidence"]) == ("bug", "pm", 1.0)
    assert client.get(world.api("/feedback?kind=bug"), headers=h).json()["items"][0]["id"] == fb["id"]


def test_a_features_demand_includes_the_evidence_of_the_problems_it_solves(client, world: World) -> None:
    ids = _setup(client, world)
    h = world.alice.headers
    prob = client.post(world.api("/problems"), json={"statement": "Month-end export takes a day"}, headers=h).json()
    other = client.post(world.api("/features"), json={"title": "Scheduled export", "status": "shipped",
                                                      "problem_ids": [prob["id"]]}, headers=h).json()["id"]
    client.patch(world.api(f"/features/{ids['export']}"), json={"problem_ids": [prob["id"]]},
                 headers=h | {"If-Match": client.get(world.api(f"/features/{ids['export']}"), headers=h).headers["ETag"]})
    new = client.post(world.api("/customers"), json={"name": "Newco", "arr": 70000, "segment": "smb"}, headers=h).json()
    # asked before the features shipped (a problem's ask made after a feature shipped asks for what it did not give)
    via = client.post(world.api("/feedback"), json={"text": "exports eat our month-end", "customer_id": new["id"],
                                                    "reported_at": _iso(2)}, headers=h).json()
    both = client.post(world.api("/feedback"), json={"text": "bulk export and month-end", "customer_id": ids["big"],
                                                     "reported_at": _iso(2)}, headers=h).json()
    late = client.post(world.api("/feedback"), json={"text": "month-end export still slow", "customer_id": ids["mid"]},
                       headers=h).json()
    client.post(world.api("/links"), json={"feedback_id": late["id"], "problem_id": prob["id"]}, headers=h)
    for fb, target in ((via, {"problem_id": prob["id"]}), (both, {"problem_id": prob["id"]}),
                       (both, {"feature_id": ids["export"]})):
        assert client.post(world.api("/links"), json={"feedback_id": fb["id"], **target}, headers=h).status_code == 201
    d = client.get(world.api(f"/features/{ids['export']}/demand"), headers=h).json()
    assert d["feedback_count"] == 7 and d["customer_count"] == 4  # 4 of its own + 2 through the problem + 1 both ways
    ev = client.get(world.api(f"/features/{ids['export']}/evidence"), headers=h).json()
    assert {e["feedback_id"]: e["via_problem_id"] for e in ev["evidence"]
            if e["feedback_id"] in (via["id"], both["id"])} == {via["id"]: prob["id"], both["id"]: None}
    assert ev["feedback_count"] == 7 and "Newco" in [c["name"] for c in ev["customers"]]
    top = client.get(world.api("/top-requested?kind=feature&sort=customers"), headers=h).json()["items"]
    assert [(r["id"], r["customer_count"]) for r in top][:2] == [(ids["export"], 4), (other, 3)]
    # close the loop: Newco asked through the problem; telling it for one feature leaves it to tell for the other
    url = world.api(f"/features/{ids['export']}/close-the-loop")
    assert "Newco" in [c["customer"] for c in client.get(url, headers=h).json()["customers"]]
    # Mid's ask about the problem came after it shipped: it asks for something the release did not give
    mid = next(c for c in client.get(url, headers=h).json()["customers"] if c["customer"] == "Mid")
    assert late["id"] not in [s["feedback_id"] for s in mid["said"]]
    told = client.post(f"{url}/told", json={"customer_ids": [new["id"]]}, headers=h).json()
    assert next(c for c in told["customers"] if c["customer"] == "Newco")["told"] is True
    theirs = client.get(world.api(f"/features/{other}/close-the-loop"), headers=h).json()
    assert next(c for c in theirs["customers"] if c["customer"] == "Newco")["told"] is False
    # thanks after the launch asks for nothing: still evidence, but nobody to tell
    assert client.patch(world.api(f"/feedback/{via['id']}"), json={"kind": "praise"}, headers=h).status_code == 200
    theirs = client.get(world.api(f"/features/{other}/close-the-loop"), headers=h).json()
    assert "Newco" not in [c["customer"] for c in theirs["customers"]]
    assert client.get(world.api(f"/features/{other}/demand"), headers=h).json()["feedback_count"] == 3
    # another feature that solves the same problem is still to come: its askers may wait for that one, not this
    r = client.patch(world.api(f"/feedback/{via['id']}"), json={"kind": "feature_request"}, headers=h)
    assert r.status_code == 200, r.text
    assert "Newco" in [c["customer"] for c in client.get(world.api(f"/features/{other}/close-the-loop"),
                                                         headers=h).json()["customers"]]
    soon = client.post(world.api("/features"), json={"title": "Month-end pack", "status": "planned",
                                                      "problem_ids": [prob["id"]]}, headers=h).json()["id"]
    loop = client.get(world.api(f"/features/{other}/close-the-loop"), headers=h).json()
    assert "Newco" not in [c["customer"] for c in loop["customers"]]
    assert client.get(world.api(f"/features/{soon}/demand"), headers=h).json()["customer_count"] == 3
    # an archived problem passes nothing on
    etag = client.get(world.api(f"/problems/{prob['id']}"), headers=h).headers["ETag"]
    assert client.delete(world.api(f"/problems/{prob['id']}"), headers=h | {"If-Match": etag}).status_code == 200
    assert client.get(world.api(f"/features/{ids['export']}/demand"), headers=h).json()["feedback_count"] == 5
    assert other not in [r["id"] for r in client.get(world.api("/top-requested?kind=feature"), headers=h).json()["items"]]


def test_crm_customers_without_customer_since_are_of_unknown_tenure_everywhere(client, container,
                                                                               world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A HubSpot export without "Customer since": a USD 120k account imported today is not a new customer."""
    from typer.testing import CliRunner

    from tests.e2e.conftest import sign_in, web_client
    from tradeoff.cli.main import app

    h = world.alice.headers
    crm = ("Company name,Record ID,Annual Revenue,Lifecycle Stage\n"
           "Globex,hs-1,120000,Customer\nHooli,hs-2,30000,Customer\nPied Piper,hs-3,,Lead\n")
    r = client.post(world.api("/imports/customers"), files={"file": ("companies.csv", crm.encode(), "text/csv")},
                    headers=h)
    assert r.status_code == 201, r.text
    customers = {c["name"]: c for c in client.get(world.api("/customers"), headers=h).json()["items"]}
    assert {c["customer_since"] for c in customers.values()} == {None}
    feature = client.post(world.api("/features"), json={"title": "Audit log export"}, headers=h).json()["id"]
    for name in ("Globex", "Hooli", "Pied Piper"):
        fb = client.post(world.api("/feedback"), json={"text": f"{name} needs the audit log",
                                                       "customer_id": customers[name]["id"]}, headers=h).json()
        assert client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": feature},
                           headers=h).status_code == 201
    d = client.get(world.api(f"/features/{feature}/demand"), headers=h).json()
    assert (d["customer_count"], d["new_customers"], d["existing_customers"], d["unknown_tenure"],
            d["prospects"]) == (3, 0, 0, 2, 1)
    assert d["new_customer_arr"] == {}
    assert client.get(world.api(f"/features/{feature}/demand"), headers=world.charlie.headers).status_code == 404

    tc = web_client(container)
    sign_in(tc, world.bob.email, world.bob.password)
    page = " ".join(tc.get(f"/w/{world.slug}/features/{feature}").text.split())
    assert "<strong>2</strong> tenure unknown" in page and "<strong>2</strong> new" not in page
    customer_page = tc.get(f"/w/{world.slug}/customers/{customers['Globex']['id']}").text
    assert re.search(r"Customer since</dt><dd><span[^>]*>unknown</span>", customer_page)

    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    out = CliRunner().invoke(app, ["demand", "feature", str(feature), "-w", world.slug], env=env)
    assert out.exit_code == 0, out.output
    assert "3 customers (0 new, 0 existing, 2 tenure unknown, 1 prospect)" in out.stdout
