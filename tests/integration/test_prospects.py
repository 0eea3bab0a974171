"""Prospects and open deals: a prospect has no ARR, its deal (and a customer's expansion deal) is counted beside the
ARR behind a feature, ranked in top requested, shown with promises, and in the sales brief with the chance each
feature it waits on is done by the expected close."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import World


def _mk(client, world: World, body: dict) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = client.post(world.api("/customers"), json=body, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _ask(client, world: World, customer: int, feature: int, text: str) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    fb = client.post(world.api("/feedback"), json={"text": text, "customer_id": customer, "source": "sales_call"},
                     headers=h).json()
    assert client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": feature},
                       headers=h).status_code == 201


def test_a_prospect_pays_nothing_and_its_deal_is_counted_apart_from_arr(client, world: World) -> None:
    h = world.alice.headers
    close = (date.today() + timedelta(days=40)).isoformat()
    # a prospect with ARR is refused, naming the field, on create and on a change that would make one
    bad = client.post(world.api("/customers"), json={"name": "Halcyon", "lifecycle": "prospect", "arr": 5000},
                      headers=h)
    assert bad.status_code == 422 and "a prospect pays nothing yet" in bad.text, bad.text
    assert client.post(world.api("/customers"), json={"name": "X", "lifecycle": "lead"}, headers=h).status_code == 422
    assert client.post(world.api("/customers"), json={"name": "X", "deal_value": -1}, headers=h).status_code == 422
    halcyon = _mk(client, world, {"name": "Halcyon", "lifecycle": "prospect", "deal_value": 96000, "deal_close": close,
                                  "segment": "enterprise"})
    assert (halcyon["lifecycle"], halcyon["arr"], halcyon["deal_value"]) == ("prospect", "0.00", "96000.00")
    r = client.patch(world.api(f"/customers/{halcyon['id']}"), json={"arr": 1000}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "arr"], r.text
    big = _mk(client, world, {"name": "Big", "arr": 400000, "deal_value": 50000, "deal_close": "2027-01-15"})
    small = _mk(client, world, {"name": "Small", "arr": 20000})
    # a customer who pays cannot quietly become a prospect with ARR left on it
    r = client.patch(world.api(f"/customers/{small['id']}"), json={"lifecycle": "prospect"}, headers=h)
    assert r.status_code == 422 and "a prospect pays nothing yet" in r.text, r.text
    sso = client.post(world.api("/features"), json={"title": "SSO"}, headers=h).json()["id"]
    export = client.post(world.api("/features"), json={"title": "Export"}, headers=h).json()["id"]
    _ask(client, world, halcyon["id"], sso, "We sign once SSO is live")
    _ask(client, world, big["id"], sso, "SSO for our 3,000 users")
    _ask(client, world, small["id"], export, "Export please")
    _ask(client, world, big["id"], export, "Export to our warehouse")
    d = client.get(world.api(f"/features/{sso}/demand"), headers=world.erin.headers).json()
    assert (d["customer_count"], d["prospects"], d["new_customers"] + d["existing_customers"] + d["unknown_tenure"]) \
        == (2, 1, 1)
    assert d["arr_by_currency"] == {"USD": "400000.00"}
    assert (d["deals"], d["deal_value_by_currency"], d["next_close"]) == (2, {"USD": "146000.00"}, "2027-01-15")
    assert float(d["deal_value_total"]["amount"]) == 146000
    # top requested by open deals: SSO (146,000 waiting) before Export (50,000), though Export has more ARR
    top = client.get(world.api("/top-requested?sort=deals"), headers=h).json()
    assert [(i["id"], float(i["deal_value"]), i["deals"]) for i in top["items"]] == [(sso, 146000, 2), (export, 50000, 1)]
    shipped = client.post(world.api("/features"), json={"title": "Old", "status": "shipped"}, headers=h).json()["id"]
    _ask(client, world, big["id"], shipped, "Glad you built it")
    top = client.get(world.api("/top-requested?sort=deals"), headers=h).json()
    assert next(i for i in top["items"] if i["id"] == shipped)["deals"] == 0  # no deal waits on a shipped feature
    by_arr = client.get(world.api("/top-requested?sort=arr"), headers=h).json()
    assert by_arr["items"][0]["id"] == export  # most ARR, though SSO has the most waiting in deals
    table = client.get(world.api("/top-requested.csv?sort=deals"), headers=h).text
    assert "open deals' expected ARR (USD)" in table.splitlines()[0] and ",146000" in table
    # the customers list filters prospects and sorts by open deal
    prospects = client.get(world.api("/customers?lifecycle=prospect"), headers=h).json()["items"]
    assert [c["name"] for c in prospects] == ["Halcyon"]
    by_deal = client.get(world.api("/customers?sort=-deal_value"), headers=h).json()["items"]
    assert [c["name"] for c in by_deal][:2] == ["Halcyon", "Big"]
    # a promise to a prospect puts no ARR at risk, but names the deal waiting on it
    promise = client.post(world.api("/commitments"), json={"feature_id": sso, "customer_id": halcyon["id"],
                                                          "due": close}, headers=h)
    assert promise.status_code == 201, promise.text
    ov = client.get(world.api("/commitment-overview"), headers=h).json()
    row = next(i for i in ov["items"] if i["id"] == promise.json()["id"])
    assert (row["prospect"], row["arr_at_stake"], row["deal_at_stake"], row["deal_close"]) == (True, 0, 96000, close)
    assert row["due_after_deal_close"] is False  # due the day the deal is expected to close
    later = (date.today() + timedelta(days=41)).isoformat()
    client.patch(world.api(f"/commitments/{row['id']}"), json={"due": later}, headers=h)
    row = next(i for i in client.get(world.api("/commitment-overview"), headers=h).json()["items"]
               if i["id"] == row["id"])
    assert row["due_after_deal_close"] is True
    # the outsider sees none of it
    out = world.charlie.headers
    assert client.get(world.api(f"/features/{sso}/demand"), headers=out).status_code == 404
    assert client.get(world.api("/customers?lifecycle=prospect"), headers=out).status_code == 404


def test_the_sales_brief_lists_open_deals_with_the_chance_by_their_close(client, world: World) -> None:
    h = world.alice.headers
    halcyon = _mk(client, world, {"name": "Halcyon", "lifecycle": "prospect", "deal_value": 96000,
                                  "deal_close": (date.today() + timedelta(days=30)).isoformat()})
    sso = client.post(world.api("/features"), json={"title": "SSO", "status": "planned"}, headers=h).json()["id"]
    idea = client.post(world.api("/features"), json={"title": "Dark mode"}, headers=h).json()["id"]
    _ask(client, world, halcyon["id"], sso, "We sign once SSO is live")
    _ask(client, world, halcyon["id"], idea, "And dark mode")
    brief = client.get(world.api("/briefs/sales"), headers=h).text
    section = brief.split("## Open deals waiting on features")[1].split("\n## ")[0]
    row = next(line for line in section.splitlines() if line.startswith("| Halcyon"))
    assert "(prospect)" in row and "USD 96,000" in row
    # no forecast here (no estimates or work history): the planned feature says so, the idea has no date
    assert "SSO" in row and "not yet forecast" in row and "not planned, no date: Dark mode" in row
    # without deals the section is left out
    client.patch(world.api(f"/customers/{halcyon['id']}"), json={"deal_value": 0}, headers=h)
    assert "Open deals waiting" not in client.get(world.api("/briefs/sales"), headers=h).text


def test_a_plan_can_value_features_by_arr_and_the_open_deals_waiting_on_them(client, world: World) -> None:
    h = world.alice.headers
    team = client.post(world.api("/teams"), json={"name": "Core", "members": ["Ana"]}, headers=h).json()["id"]
    feats = {}
    for title in ("SSO", "Export"):
        feats[title] = client.post(world.api("/features"), json={"title": title}, headers=h).json()["id"]
        assert client.put(world.api(f"/features/{feats[title]}/estimate"), headers=h, json={
            "optimistic": 2, "likely": 3, "pessimistic": 4, "team_id": team}).status_code == 200
    halcyon = _mk(client, world, {"name": "Halcyon", "lifecycle": "prospect", "deal_value": 96000})
    big = _mk(client, world, {"name": "Big", "arr": 40000, "deal_value": 10000})
    _ask(client, world, halcyon["id"], feats["SSO"], "We sign once SSO is live")
    _ask(client, world, big["id"], feats["Export"], "Export please")
    values = {}
    for source in ("arr", "arr_deals"):
        plan = client.post(world.api("/plans"), json={"name": source, "start": date.today().isoformat(), "periods": 2,
                                                      "period_days": 14, "value_source": source, "time_limit": 2},
                           headers=h)
        assert plan.status_code == 201, plan.text
        res = client.post(world.api(f"/plans/{plan.json()['id']}/solve"), headers=h).json()["result"]
        values[source] = {x["feature_id"]: x["value"] for x in res["schedule"]}
        assert res["value_unit"] == "USD"
    assert values["arr"] == {feats["SSO"]: 0, feats["Export"]: 40000}  # a prospect adds no ARR
    assert values["arr_deals"] == {feats["SSO"]: 96000, feats["Export"]: 50000}
    assert "open deals" in res["value_note"]


def test_a_prospect_who_becomes_a_customer_has_won_their_deal(client, world: World) -> None:
    h = world.alice.headers
    close = (date.today() + timedelta(days=20)).isoformat()
    won = _mk(client, world, {"name": "Won Co", "lifecycle": "prospect", "deal_value": 38000, "deal_close": close})
    # as the API's PATCH of the lifecycle alone, and as the web form (which sends the unchanged deal along)
    r = client.patch(world.api(f"/customers/{won['id']}"), json={"lifecycle": "customer", "arr": 38000}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["deal_value"], r.json()["deal_close"], r.json()["customer_since"]) == \
        ("0.00", None, date.today().isoformat())
    form = _mk(client, world, {"name": "Form Co", "lifecycle": "prospect", "deal_value": 5000, "deal_close": close})
    r = client.patch(world.api(f"/customers/{form['id']}"), headers=h, json={
        "lifecycle": "customer", "arr": 5000, "deal_value": "5000.00", "deal_close": close,
        "customer_since": "2026-01-05"})
    assert (r.json()["deal_value"], r.json()["deal_close"], r.json()["customer_since"]) == ("0.00", None, "2026-01-05")
    # a new deal given with the change is kept (an expansion agreed at signature)
    more = _mk(client, world, {"name": "More Co", "lifecycle": "prospect", "deal_value": 1000})
    r = client.patch(world.api(f"/customers/{more['id']}"), json={"lifecycle": "customer", "deal_value": 400},
                     headers=h)
    assert r.json()["deal_value"] == "400.00"
    # a deal cleared to 0 takes its close with it; a close date without a deal is refused, naming the field
    exp = _mk(client, world, {"name": "Exp Co", "arr": 100, "deal_value": 50, "deal_close": close})
    r = client.patch(world.api(f"/customers/{exp['id']}"), json={"deal_value": 0}, headers=h)
    assert (r.json()["deal_value"], r.json()["deal_close"]) == ("0.00", None)
    r = client.patch(world.api(f"/customers/{exp['id']}"), json={"deal_close": close}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "deal_close"], r.text
    bad = client.post(world.api("/customers"), json={"name": "Z", "deal_close": close}, headers=h)
    assert bad.status_code == 422 and "a close date needs an open deal" in bad.text
    # the CSV import applies the same rules: the CRM says Customer now, so the deal was won
    csv = b"Name,Lifecycle Stage,ARR\nWon by import,Customer,900\n"
    _mk(client, world, {"name": "Won by import", "lifecycle": "prospect", "deal_value": 900, "deal_close": close})
    r = client.post(world.api("/imports/customers"), files={"file": ("crm.csv", csv, "text/csv")}, headers=h)
    assert r.status_code == 201 and r.json()["updated"] == 1, r.text
    row = client.get(world.api("/customers?q=import"), headers=h).json()["items"][0]
    assert (row["lifecycle"], row["arr"], row["deal_value"], row["deal_close"]) == ("customer", "900.00", "0.00", None)


def test_a_promise_on_a_feature_still_in_discovery_says_so(client, world: World) -> None:
    h = world.alice.headers
    cust = _mk(client, world, {"name": "Contoso", "arr": 1000})
    feat = client.post(world.api("/features"), json={"title": "SEPA", "status": "discovery"}, headers=h).json()["id"]
    due = (date.today() + timedelta(days=60)).isoformat()
    made = client.post(world.api("/commitments"), json={"feature_id": feat, "customer_id": cust["id"], "due": due},
                       headers=world.sam.headers)
    assert made.status_code == 201, made.text
    row = next(i for i in client.get(world.api("/commitment-overview"), headers=h).json()["items"]
               if i["id"] == made.json()["id"])
    assert row["not_planned"] == "discovery"
    client.patch(world.api(f"/features/{feat}"), json={"status": "planned"}, headers=h)
    row = next(i for i in client.get(world.api("/commitment-overview"), headers=h).json()["items"]
               if i["id"] == made.json()["id"])
    assert row["not_planned"] is None


def test_sales_keep_a_deal_up_to_date_without_editing_the_customer(client, world: World) -> None:
    pros = _mk(client, world, {"name": "Halcyon", "lifecycle": "prospect"})
    url = world.api(f"/customers/{pros['id']}/deal")
    close = (date.today() + timedelta(days=30)).isoformat()
    r = client.put(url, json={"deal_value": 96000, "deal_close": close}, headers=world.sam.headers | {"If-Match": '"1"'})
    assert r.status_code == 200 and (r.json()["deal_value"], r.json()["deal_close"]) == ("96000.00", close), r.text
    assert r.headers["etag"] == '"2"'
    stale = client.put(url, json={"deal_value": 1}, headers=world.sam.headers | {"If-Match": '"1"'})
    assert stale.status_code == 412
    # the rest of the record stays the PM's: a stakeholder cannot edit it, an engineer cannot touch the deal
    assert client.patch(world.api(f"/customers/{pros['id']}"), json={"name": "X"},
                        headers=world.sam.headers).status_code == 403
    assert client.put(url, json={"deal_value": 1}, headers=world.erin.headers).status_code == 403
    assert client.put(url, json={"deal_value": 1}, headers=world.charlie.headers).status_code == 404
    assert client.put(url, json={"deal_value": -5}, headers=world.sam.headers).status_code == 422
    cleared = client.put(url, json={"deal_value": 0}, headers=world.sam.headers).json()
    assert (cleared["deal_value"], cleared["deal_close"]) == ("0.00", None)


def test_nothing_is_promised_on_a_shipped_feature(client, world: World) -> None:
    cust = _mk(client, world, {"name": "Late Co", "arr": 10})
    done = client.post(world.api("/features"), json={"title": "Old news", "status": "shipped"},
                       headers=world.alice.headers).json()["id"]
    r = client.post(world.api("/commitments"), headers=world.sam.headers, json={
        "feature_id": done, "customer_id": cust["id"], "due": (date.today() + timedelta(days=9)).isoformat()})
    assert r.status_code == 422 and "has shipped" in r.text and r.json()["errors"][0]["loc"] == ["body", "feature_id"]
