"""A CRM's opportunities export (one row per deal, an account on several rows) imported as customers with their open
deals through the API, on SQLite and PostgreSQL: grouped by customer, open deals summed, won deals not read as ARR,
lost deals left out; disagreeing rows and mixed currencies refused whole; without the option, the hint."""

from __future__ import annotations

from typing import Any

from tests.conftest import World

# 3 accounts, 6 deals: Acme two open and one won, Borealis one won and one open, Cobalt one lost
SALESFORCE = ("Account Name,Account ID,Opportunity Name,Stage,Amount,Close Date,Currency,Segment\n"
              "Acme Logistics,001A,Acme - Fleet add-on,Negotiation/Review,\"20,000.00\",2030-06-30,USD,Enterprise\n"
              "Borealis Bank,001B,Borealis - Pilot,Closed Won,\"15,000.00\",2025-11-30,EUR,\n"
              "Acme Logistics,001A,Acme - EU rollout,Proposal/Price Quote,\"5,000.00\",2030-03-31,USD,\n"
              "Cobalt Mining,001C,Cobalt - Starter,Closed Lost,\"9,000.00\",2025-10-01,USD,SMB\n"
              "Borealis Bank,001B,Borealis - Expansion,Prospecting,\"30,000.00\",2030-09-30,EUR,Mid-Market\n"
              "ACME LOGISTICS,,Acme - Renewal 2025,Closed Won,\"40,000.00\",2025-12-15,USD,Enterprise\n")


def _post(client: Any, world: World, body: bytes, **form: str) -> Any:
    return client.post(world.api("/imports/customers"), headers=world.alice.headers,
                       files={"file": ("opportunities.csv", body, "text/csv")}, data=form)


def _by_name(client: Any, world: World) -> dict[str, dict[str, Any]]:
    r = client.get(world.api("/customers?limit=200"), headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return {c["name"]: c for c in r.json()["items"]}


def _errors(r: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for e in r.json()["errors"]:
        out.setdefault(e["loc"][1], []).append(e["msg"])
    return out


def test_an_opportunities_export_makes_one_customer_per_account_with_its_open_deals(client: Any,
                                                                                     world: World) -> None:
    preview = _post(client, world, SALESFORCE.encode(), rows_are_deals="true", dry_run="true")
    assert preview.status_code == 200, preview.text
    p = preview.json()
    assert p["mapping"] == {"name": "Account Name", "external_id": "Account ID", "segment": "Segment",
                            "currency": "Currency", "deal_value": "Amount", "deal_close": "Close Date",
                            "stage": "Stage"}
    assert (p["rows_are_deals"], p["customers"], p["deals"]) == (True, 3, {"open": 3, "won": 2, "lost": 1})
    assert (p["would_create"], p["valid_rows"], p["bad_row_count"], p["ready"]) == (3, 6, 0, True)
    assert "2 won deals not counted as ARR: import ARR from the accounts export" in p["notes"]
    acme = p["sample"][0]
    assert (acme["name"], acme["deal_rows"], acme["deals"], acme["deal_value"], acme["deal_close"]) == (
        "Acme Logistics", [1, 3, 6], {"open": 2, "won": 1, "lost": 0}, "25000.00", "2030-03-31")
    assert _by_name(client, world) == {}  # the dry run wrote nothing

    done = _post(client, world, SALESFORCE.encode(), rows_are_deals="true")
    assert done.status_code == 201, done.text
    assert (done.json()["created"], done.json()["updated"]) == (3, 0)
    got = _by_name(client, world)
    assert sorted(got) == ["Acme Logistics", "Borealis Bank", "Cobalt Mining"]
    acme, borealis, cobalt = got["Acme Logistics"], got["Borealis Bank"], got["Cobalt Mining"]
    assert (acme["external_id"], acme["deal_value"], acme["deal_close"], acme["arr"], acme["segment"],
            acme["currency"], acme["lifecycle"]) == ("001A", "25000.00", "2030-03-31", "0.00", "enterprise", "USD",
                                                     "customer")
    assert (borealis["deal_value"], borealis["deal_close"], borealis["currency"], borealis["segment"],
            borealis["lifecycle"], borealis["arr"]) == ("30000.00", "2030-09-30", "EUR", "mid_market", "customer",
                                                        "0.00")
    # lost only: no deal, and a prospect (they never bought)
    assert (cobalt["deal_value"], cobalt["deal_close"], cobalt["lifecycle"], cobalt["segment"]) == (
        "0.00", None, "prospect", "smb")

    again = _post(client, world, SALESFORCE.encode(), rows_are_deals="true")
    assert again.status_code == 201, again.text
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 3)


def test_deals_update_customers_without_touching_their_arr(client: Any, world: World) -> None:
    made = {name: client.post(world.api("/customers"), headers=world.alice.headers, json=body).json() for name, body in (
        ("Acme Logistics", {"name": "Acme Logistics", "arr": "50000", "deal_value": "99000",
                            "deal_close": "2031-01-01"}),
        ("Borealis Bank", {"name": "Borealis Bank", "lifecycle": "prospect", "currency": "EUR", "deal_value": "45000",
                           "deal_close": "2030-01-31"}),
        ("Cobalt Mining", {"name": "Cobalt Mining", "lifecycle": "prospect", "deal_value": "12000",
                           "deal_close": "2030-01-01"}))}
    done = _post(client, world, SALESFORCE.encode(), rows_are_deals="true")
    assert done.status_code == 201, done.text
    assert (done.json()["created"], done.json()["updated"]) == (0, 3)
    got = _by_name(client, world)
    acme, borealis, cobalt = got["Acme Logistics"], got["Borealis Bank"], got["Cobalt Mining"]
    assert acme["id"] == made["Acme Logistics"]["id"]
    assert (acme["arr"], acme["deal_value"], acme["deal_close"], acme["lifecycle"]) == (
        "50000.00", "25000.00", "2030-03-31", "customer")
    # a prospect with a won deal is a customer now, with its open deal
    assert (borealis["lifecycle"], borealis["deal_value"], borealis["deal_close"], borealis["arr"]) == (
        "customer", "30000.00", "2030-09-30", "0.00")
    # its only deal lost: no open deal left, still a prospect
    assert (cobalt["lifecycle"], cobalt["deal_value"], cobalt["deal_close"]) == ("prospect", "0.00", None)


def test_a_prospect_who_wins_keeps_the_open_deals_the_file_lists_even_at_its_old_value(client: Any,
                                                                                      world: World) -> None:
    # Borealis' open deal in the file is worth what its deal was before (30,000): the file lists its deals, so the
    # open one is its deal, not the one it won
    r = client.post(world.api("/customers"), headers=world.alice.headers, json={
        "name": "Borealis Bank", "lifecycle": "prospect", "currency": "EUR", "deal_value": "30000",
        "deal_close": "2030-01-31"})
    assert r.status_code == 201, r.text
    assert _post(client, world, SALESFORCE.encode(), rows_are_deals="true").status_code == 201
    borealis = _by_name(client, world)["Borealis Bank"]
    assert (borealis["lifecycle"], borealis["deal_value"], borealis["deal_close"]) == (
        "customer", "30000.00", "2030-09-30")


def test_without_the_option_the_file_is_refused_with_the_hint(client: Any, world: World) -> None:
    r = _post(client, world, SALESFORCE.encode())
    assert r.status_code == 422, r.text
    by_row = _errors(r)
    assert "rows 1 and 3" in by_row[1][0]
    assert all('import it with --rows-are-deals ("One row per deal" on the web form)' in m
               for msgs in by_row.values() for m in msgs if "same customer" in m)
    assert _by_name(client, world) == {}
    # a stage column is a deal's: it needs the option
    staged = _post(client, world, b"Name,Stage\nDelta,Closed Won\n", stage_column="Stage")
    assert staged.status_code == 422 and "--rows-are-deals" in staged.json()["detail"]


def test_rows_of_one_customer_that_disagree_are_refused_naming_both(client: Any, world: World) -> None:
    body = SALESFORCE.replace("Mid-Market", "SMB").encode()  # Borealis: segment '' on row 2, SMB on row 5… and
    body += b"Borealis Bank,001B,Borealis - Upsell,Prospecting,1000,2030-10-31,EUR,Enterprise\n"  # row 7: enterprise
    r = _post(client, world, body, rows_are_deals="true")
    assert r.status_code == 422, r.text
    by_row = _errors(r)
    assert sorted(by_row) == [2, 5, 7]
    (conflict,) = by_row[7]
    assert "column 'Segment'" in conflict and "'smb' on row 5" in conflict and "'enterprise' on row 7" in conflict
    assert [m.split(" (column")[0] for m in by_row[5]] == [conflict.split(" (column")[0]]
    assert "row 5 is about the same customer" in by_row[2][0]  # its other deal goes with it
    assert "nothing was imported" in r.json()["detail"]
    assert _by_name(client, world) == {}

    skipped = _post(client, world, body, rows_are_deals="true", skip_bad_rows="true")
    assert skipped.status_code == 201, skipped.text
    assert skipped.json()["skipped_rows"] == [2, 5, 7]
    assert sorted(_by_name(client, world)) == ["Acme Logistics", "Cobalt Mining"]


def test_a_customer_with_deals_in_two_currencies_is_refused(client: Any, world: World) -> None:
    body = (b"Account Name,Opportunity Name,Stage,Amount,Close Date\n"
            b"Echo Health,Echo - Clinics,Qualification,\"USD 12,000\",2030-05-31\n"
            b"Echo Health,Echo - Labs,Closed Lost,\"EUR 3,000\",2029-12-31\n"
            b"Fjord Air,Fjord - Crew app,Qualification,\"EUR 8,000\",2030-02-28\n")
    r = _post(client, world, body, rows_are_deals="true")
    assert r.status_code == 422, r.text
    by_row = _errors(r)
    assert sorted(by_row) == [1, 2]
    assert "two currencies" in by_row[1][0] and "USD" in by_row[1][0] and "EUR" in by_row[1][0]
    assert _by_name(client, world) == {}


def test_without_a_stage_column_every_row_is_an_open_deal(client: Any, world: World) -> None:
    body = (b"Company name,Deal Name,Amount,Close Date,ARR,Lifecycle Stage\n"
            b"Gamma Labs,Gamma - A,1000,2030-04-30,5000,Customer\n"
            b"gamma labs,Gamma - B,2500,2030-01-31,,\n")
    p = _post(client, world, body, rows_are_deals="true", dry_run="true").json()
    assert (p["customers"], p["deals"]) == (1, {"open": 2, "won": 0, "lost": 0})
    assert any("no stage column" in n for n in p["notes"])
    assert _post(client, world, body, rows_are_deals="true").status_code == 201
    gamma = _by_name(client, world)["Gamma Labs"]
    # the ARR and lifecycle columns are the customer's, read as they are
    assert (gamma["deal_value"], gamma["deal_close"], gamma["arr"], gamma["lifecycle"]) == (
        "3500.00", "2030-01-31", "5000.00", "customer")


def test_the_option_is_documented_in_openapi(client: Any) -> None:
    op = client.get("/api/v1/openapi.json").json()["paths"]["/workspaces/{workspace}/imports/customers"]["post"]
    assert "rows_are_deals" in op["description"]
    ref = op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"][ref]
    assert "one row per deal" in schema["properties"]["rows_are_deals"]["description"]
    assert "stage_column" in schema["properties"]
