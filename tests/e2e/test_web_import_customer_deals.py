"""An opportunities export (one row per deal) imported on the web's customer import pages: the "One row per deal" box
on the upload form, the preview's customers and deals, the refusal that points to the box when it is not ticked,
and ticking it on the preview (the columns are guessed again and previewed before anything is imported)."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tests.e2e.test_web_import_words import speaks_the_web, upload
from tests.integration.test_import_customers_deals import SALESFORCE
from tradeoff.bootstrap import Container

# a HubSpot deals export: Record ID is the deal's, not the company's
HUBSPOT_DEALS = ("Record ID,Deal Name,Deal Stage,Amount,Close Date,Company name\n"
                 "9001,Northwind - Seats,Contract Sent,\"12,000\",2030-05-31,Northwind Traders\n"
                 "9002,Northwind - Pilot,closedwon,\"3,000\",2025-09-30,Northwind Traders\n"
                 "9003,Oceanic - Fleet,Appointment Scheduled,\"8,000\",2030-07-31,Oceanic Freight\n")


def _customers(client: Any, world: World) -> dict[str, dict[str, Any]]:
    r = client.get(world.api("/customers?limit=200"), headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return {c["name"]: c for c in r.json()["items"]}


def test_the_upload_form_reads_one_row_per_deal_when_ticked(client: Any, container: Container,
                                                            world: World) -> None:
    base = f"/w/{world.slug}/import/customers"
    tc = web_client(container)
    token = sign_in(tc, world.bob.email, world.bob.password)
    form = tc.get(base).text
    assert 'name="rows_are_deals"' in form and "One row per deal" in form
    page, carry = upload(tc, base, token, "opportunities.csv", SALESFORCE, rows_are_deals="1")
    words = speaks_the_web(page, "The file holds 3 customers and their deals: 3 open, 2 won, 1 lost.",
                           "2 won deals not counted as ARR: import ARR from the accounts export",
                           "Ready: 3 new customers, 0 updated, 0 unchanged", "Import 6 rows")
    assert "Deal stage" in words
    assert re.search(r'name="rows_are_deals" value="1"[^>]*checked', page)
    done = tc.post(f"{base}/run", data={**carry, "shown_as_deals": "1"})
    assert done.status_code == 200, done.text[:500]
    got = _customers(client, world)
    assert {n: (c["deal_value"], c["deal_close"]) for n, c in got.items()} == {
        "Acme Logistics": ("25000.00", "2030-03-31"), "Borealis Bank": ("30000.00", "2030-09-30"),
        "Cobalt Mining": ("0.00", None)}


def test_unticked_the_refusal_points_to_the_box_and_ticking_it_guesses_the_columns_again(
        client: Any, container: Container, world: World) -> None:
    base = f"/w/{world.slug}/import/customers"
    tc = web_client(container)
    token = sign_in(tc, world.alice.email, world.alice.password)
    page, carry = upload(tc, base, token, "deals.csv", HUBSPOT_DEALS)
    # read one customer a row: the deal's Record ID is taken for the company's, and a company is on two rows
    speaks_the_web(page, "Not ready to import")
    refused = tc.post(f"{base}/run", data={**carry, "shown_as_deals": "0"})
    assert refused.status_code == 422
    speaks_the_web(refused.text, "keep one of rows 1 and 2; if the file has one row per deal, tick “One row per deal”")

    # the box ticked on the preview: the mapping shown was for one customer a row, so it is guessed again
    mapped = {"map_name": "Company name", "map_external_id": "Record ID", "map_deal_value": "Amount"}
    early = tc.post(f"{base}/run", data={**carry, **mapped, "shown_as_deals": "0", "rows_are_deals": "1"})
    assert early.status_code == 422
    speaks_the_web(early.text, "“One row per deal” was changed after the preview", "Ready: 2 new customers")
    assert _customers(client, world) == {}
    again = tc.post(f"{base}/preview", data={**carry, **mapped, "shown_as_deals": "0", "rows_are_deals": "1"})
    assert again.status_code == 200
    speaks_the_web(again.text, "The file holds 2 customers and their deals: 2 open, 1 won, 0 lost.",
                   "Ready: 2 new customers")
    assert re.search(r'<option value="Record ID"\s*selected', again.text) is None  # not the customer's id
    done = tc.post(f"{base}/run", data={**carry, "shown_as_deals": "1", "rows_are_deals": "1",
                                        "map_name": "Company name", "map_deal_value": "Amount",
                                        "map_stage": "Deal Stage", "map_external_id": ""})
    assert done.status_code == 200, done.text[:500]
    got = _customers(client, world)
    assert (got["Northwind Traders"]["deal_value"], got["Northwind Traders"]["lifecycle"],
            got["Northwind Traders"]["external_id"]) == ("12000.00", "customer", None)
    assert (got["Oceanic Freight"]["deal_value"], got["Oceanic Freight"]["lifecycle"]) == ("8000.00", "prospect")
