"""CSV import of customers and prospects through the API, on SQLite and PostgreSQL: created and updated by
external id and by name, the file refused whole naming every bad row, dialects, permissions, audit and search."""

from __future__ import annotations

from typing import Any

from tests.conftest import World

HUBSPOT = ("Record ID,Company name,Lifecycle Stage,Annual Revenue,Currency,Company owner,Close Date,Amount,Industry\n"
           "101,Acme Logistics,Customer,\"$120,000\",USD,ana@example.com,,,Transport\n"
           "102,Borealis Bank,Lead,,EUR,bo@example.com,2030-03-31,\"45,000.00\",Banking\n"
           "103,Cobalt Mining,Evangelist,\"12,500.50\",USD,,,,Mining\n")


def _post(client: Any, world: World, body: bytes, who: str = "alice", name: str = "crm.csv",
          **form: str) -> Any:
    return client.post(world.api("/imports/customers"), headers=getattr(world, who).headers,
                       files={"file": (name, body, "text/csv")}, data=form)


def _customers(client: Any, world: World, query: str = "") -> list[dict[str, Any]]:
    r = client.get(world.api(f"/customers?limit=200{query}"), headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _by_name(client: Any, world: World) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in _customers(client, world)}


def test_a_hubspot_export_creates_customers_and_prospects(client: Any, world: World) -> None:
    preview = _post(client, world, HUBSPOT.encode(), dry_run="true")
    assert preview.status_code == 200, preview.text
    p = preview.json()
    assert p["mapping"] == {"name": "Company name", "external_id": "Record ID", "arr": "Annual Revenue",
                            "currency": "Currency", "account_owner": "Company owner", "lifecycle": "Lifecycle Stage",
                            "deal_value": "Amount", "deal_close": "Close Date"}
    assert (p["would_create"], p["would_update"], p["bad_row_count"], p["prospects"]) == (3, 0, 0, 1)
    assert any("Industry" in n for n in p["notes"]) and any("Annual Revenue" in n for n in p["notes"])
    assert _customers(client, world) == []  # the dry run wrote nothing

    done = _post(client, world, HUBSPOT.encode())
    assert done.status_code == 201, done.text
    assert (done.json()["created"], done.json()["updated"], done.json()["unchanged"]) == (3, 0, 0)
    got = _by_name(client, world)
    acme, borealis, cobalt = got["Acme Logistics"], got["Borealis Bank"], got["Cobalt Mining"]
    assert (acme["external_id"], acme["arr"], acme["currency"], acme["lifecycle"], acme["account_owner"]) == (
        "101", "120000.00", "USD", "customer", "ana@example.com")
    assert (borealis["lifecycle"], borealis["arr"], borealis["deal_value"], borealis["deal_close"],
            borealis["currency"]) == ("prospect", "0.00", "45000.00", "2030-03-31", "EUR")
    assert (cobalt["lifecycle"], cobalt["arr"], cobalt["segment"]) == ("customer", "12500.50", "other")

    # one audit event per customer, as for a customer made by hand
    events = client.get(world.api(f"/audit?record_type=customer&record_id={acme['id']}"),
                        headers=world.alice.headers)
    assert events.status_code == 200, events.text
    assert [e["action"] for e in events.json()["items"]] == ["create"]

    # the search finds an imported name
    assert [c["name"] for c in _customers(client, world, "&q=borealis")] == ["Borealis Bank"]


def test_rows_update_by_external_id_then_by_name_with_only_the_columns_the_file_has(client: Any,
                                                                                     world: World) -> None:
    assert _post(client, world, HUBSPOT.encode()).status_code == 201
    made = client.post(world.api("/customers"), headers=world.alice.headers,
                       json={"name": "Delta Foods", "segment": "smb", "arr": "9000", "plan": "Team"})
    assert made.status_code == 201, made.text
    # 101 renamed in the CRM (matched by id); Delta Foods gets its CRM id (matched by name, any case); Cobalt as
    # it was; a new one
    again = ("Account ID,Account Name,ARR,Segment\n"
             "101,Acme Logistics Group,\"130,000\",Enterprise\n"
             "D-7,DELTA FOODS,9000,SMB\n"
             "103,Cobalt Mining,\"12,500.50\",\n"
             "104,Echo Health,\"€ 9.000,50\",Mid-Market\n").encode()
    p = _post(client, world, again, dry_run="true").json()
    assert [(s["row"], s["action"], s["matched_by"]) for s in p["sample"]] == [
        (1, "update", "external_id"), (2, "update", "name"), (3, "unchanged", "external_id"), (4, "create", None)]
    assert p["sample"][0]["changed_fields"] == ["arr", "name", "segment"]
    done = _post(client, world, again)
    assert done.status_code == 201, done.text
    assert (done.json()["created"], done.json()["updated"], done.json()["unchanged"]) == (1, 2, 1)
    got = _by_name(client, world)
    assert "Acme Logistics" not in got
    acme = got["Acme Logistics Group"]
    # columns the file lacks are kept: owner, currency, lifecycle
    assert (acme["arr"], acme["segment"], acme["account_owner"], acme["currency"], acme["version"]) == (
        "130000.00", "enterprise", "ana@example.com", "USD", 2)
    delta = got["Delta Foods"]
    assert (delta["id"], delta["external_id"], delta["plan"], delta["segment"]) == (
        made.json()["id"], "D-7", "Team", "smb")
    assert (got["Echo Health"]["arr"], got["Echo Health"]["segment"], got["Echo Health"]["currency"]) == (
        "9000.50", "mid_market", "EUR")
    events = client.get(world.api(f"/audit?record_type=customer&record_id={acme['id']}"),
                        headers=world.alice.headers).json()["items"]
    assert sorted(e["action"] for e in events) == ["create", "update"]


def test_a_file_with_bad_rows_is_refused_whole_naming_every_row(client: Any, world: World) -> None:
    body = (b"Name,ARR,Lifecycle,Segment,Currency,Customer since\n"
            b"Good One,1000,Customer,SMB,USD,2024-01-02\n"
            b",500,Customer,,,\n"                                  # 2: no name
            b"Bad Money,12 thousand,Customer,,,\n"                 # 3: unreadable amount
            b"Paying Lead,\"5,000\",Lead,,,\n"                     # 4: a prospect with ARR
            b"Odd Stage,0,Partner,,,\n"                            # 5: unknown lifecycle
            b"Odd Segment,0,Customer,Huge,,\n"                     # 6: unknown segment
            b"Minus,-20,Customer,,,\n"                             # 7: negative
            b"Dollar,20,Customer,,$,\n"                            # 8: not a currency code
            b"Tomorrowland,20,Customer,,USD,2150-01-01\n"          # 9: customer since in the future
            b"Good Two,0,Prospect,startup,EUR,\n")
    r = _post(client, world, body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    rows = {e["loc"][1]: e for e in problem["errors"]}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [rows[n]["loc"][2] for n in sorted(rows)] == ["name", "arr", "arr", "lifecycle", "segment", "arr",
                                                         "currency", "customer_since"]
    assert "name is empty" in rows[2]["msg"]
    assert "12 thousand" in rows[3]["msg"] and "not an amount" in rows[3]["msg"]
    assert "prospect pays nothing" in rows[4]["msg"]
    assert "Partner" in rows[5]["msg"]
    assert "enterprise, mid_market, smb, startup, other" in rows[6]["msg"]
    assert "negative" in rows[7]["msg"]
    assert "in the future" in rows[9]["msg"]
    assert "nothing was imported" in problem["detail"]
    assert _customers(client, world) == []

    skipped = _post(client, world, body, skip_bad_rows="true")
    assert skipped.status_code == 201, skipped.text
    assert skipped.json()["skipped_rows"] == [2, 3, 4, 5, 6, 7, 8, 9]
    got = _by_name(client, world)
    assert sorted(got) == ["Good One", "Good Two"]
    assert (got["Good Two"]["lifecycle"], got["Good Two"]["segment"], got["Good Two"]["currency"]) == (
        "prospect", "startup", "EUR")


def test_an_existing_customer_with_arr_cannot_become_a_prospect(client: Any, world: World) -> None:
    assert client.post(world.api("/customers"), headers=world.alice.headers,
                       json={"name": "Fjord Air", "arr": "50000"}).status_code == 201
    r = _post(client, world, b"Company,Type\nFjord Air,Prospect\n")
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error["loc"] == ["row", 1, "lifecycle"] and "cannot become a prospect" in error["msg"]
    # with its ARR set to 0 in the same row it can
    assert _post(client, world, b"Company,Type,ARR\nFjord Air,Prospect,0\n").status_code == 201
    assert _by_name(client, world)["Fjord Air"]["lifecycle"] == "prospect"


def test_two_rows_for_one_customer_are_both_named(client: Any, world: World) -> None:
    assert client.post(world.api("/customers"), headers=world.alice.headers,
                       json={"name": "Gamma Labs", "external_id": "G-1"}).status_code == 201
    body = (b"External ID,Name,ARR\n"
            b"X-1,Helix,100\n"
            b"X-2,Iris,100\n"
            b"X-1,Helix Again,200\n"       # 3: the same external id as row 1
            b"X-4,iris,300\n"              # 4: the same name as row 2
            b"G-1,Gamma Labs,10\n"
            b",gamma labs,20\n")  # 6: the same customer as row 5 (matched by name)
    r = _post(client, world, body)
    assert r.status_code == 422, r.text
    by_row: dict[int, list[str]] = {}
    for e in r.json()["errors"]:
        by_row.setdefault(e["loc"][1], []).append(e["msg"])
    assert sorted(by_row) == [1, 2, 3, 4, 5, 6]
    assert "rows 1 and 3" in by_row[1][0] and "rows 1 and 3" in by_row[3][0]
    assert "rows 2 and 4" in by_row[2][0] and "rows 2 and 4" in by_row[4][0]
    assert "rows 5 and 6" in by_row[6][0]


def test_a_name_matching_a_customer_with_another_external_id_is_a_bad_row(client: Any, world: World) -> None:
    assert client.post(world.api("/customers"), headers=world.alice.headers,
                       json={"name": "Juno Retail", "external_id": "J-1"}).status_code == 201
    r = _post(client, world, b"Account ID,Account Name\nJ-2,Juno Retail\n")
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["loc"] == ["row", 1, "external_id"] and "'J-1'" in error["msg"] and "'J-2'" in error["msg"]


def test_latin1_bom_semicolon_and_tab_files(client: Any, world: World) -> None:
    latin1 = "Société;ARR;Devise\nCrème Brûlée SARL;9.000,50;EUR\n".encode("cp1252")
    r = _post(client, world, latin1, name="fr.csv", name_column="Société", currency_column="Devise")
    assert r.status_code == 201, r.text
    bom = "\ufeffAccount Name,Annual Revenue\nZürich Versicherung,\"1,250,000\"\n".encode()
    assert _post(client, world, bom).status_code == 201
    tab = b"Company name\tARR\tType\nTab Co\t12500.00\tCustomer\n"
    assert _post(client, world, tab).status_code == 201
    got = _by_name(client, world)
    assert (got["Crème Brûlée SARL"]["arr"], got["Crème Brûlée SARL"]["currency"]) == ("9000.50", "EUR")
    assert got["Zürich Versicherung"]["arr"] == "1250000.00"
    assert got["Tab Co"]["arr"] == "12500.00"
    assert [c["name"] for c in _customers(client, world, "&q=brûlée")] == ["Crème Brûlée SARL"]


def test_dates_with_a_given_format(client: Any, world: World) -> None:
    body = b"Name,Renewal date,Customer since\nKite,31/12/2030,01/02/2020\n"
    assert _post(client, world, body, date_format="%d/%m/%Y").status_code == 201
    kite = _by_name(client, world)["Kite"]
    assert (kite["renewal_date"], kite["customer_since"]) == ("2030-12-31", "2020-02-01")
    bad = _post(client, world, body, date_format="%Y%Y")
    assert bad.status_code == 422 and "date_format" in bad.text


def test_who_may_import(client: Any, world: World) -> None:
    body = b"Name\nLambda\n"
    assert _post(client, world, body, who="charlie").status_code == 404
    for who in ("erin", "sam"):
        refused = _post(client, world, body, who=who)
        assert refused.status_code == 403, (who, refused.text)
    assert _customers(client, world) == []
    assert _post(client, world, body, who="bob").status_code == 201


def test_a_file_without_a_name_column_is_refused_naming_its_columns(client: Any, world: World) -> None:
    r = _post(client, world, b"ARR,Plan\n100,Team\n")
    assert r.status_code == 422
    assert "'name'" in r.json()["detail"] and "'ARR', 'Plan'" in r.json()["detail"]


def test_names_match_in_any_case_beyond_ascii(client: Any, world: World) -> None:
    made = client.post(world.api("/customers"), headers=world.alice.headers, json={"name": "Ärzte Élan GmbH"})
    assert made.status_code == 201
    done = _post(client, world, "Name,Plan\nÄRZTE ÉLAN GMBH,Scale\n".encode())
    assert done.status_code == 201, done.text
    assert (done.json()["created"], done.json()["updated"]) == (0, 1)
    assert _by_name(client, world)["Ärzte Élan GmbH"]["plan"] == "Scale"  # the stored spelling stays
