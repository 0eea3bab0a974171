"""Customers imported from a CRM export in a real headless Chromium: the Customers list's "Import CSV" button,
upload, the preview with its guessed columns and bad rows, skipping them, importing, and the customers in the
list. Beside it, without a browser: the forms need their CSRF token and the edit role."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import sign_in, signed_in_page, web_client
from tradeoff.bootstrap import Container

CRM = ("Record ID,Company name,Lifecycle Stage,ARR,Amount,Close Date,Company owner\n"
       "501,Northwind Traders,Customer,\"$48,000\",,,ana@example.com\n"
       "502,Oceanic Freight,Lead,,\"20,000\",2030-06-30,bo@example.com\n"
       "503,Paying Lead Ltd,Lead,\"9,000\",,,\n")


@pytest.mark.browser
def test_a_pm_imports_a_crm_export_from_the_customers_list(browser: Any, live_server: str, container: Container,
                                                          world: World, tmp_path: Path) -> None:
    csv = tmp_path / "hubspot-companies.csv"
    csv.write_text(CRM, encoding="utf-8")
    with signed_in_page(browser, live_server, world.bob, world.slug) as page:
        page.goto(f"/w/{world.slug}/customers")
        page.get_by_role("link", name="Import CSV").click()
        page.wait_for_url("**/import/customers")
        page.get_by_label("CSV file").set_input_files(str(csv))
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_selector("text=Preview of hubspot-companies.csv")
        # the columns guessed from HubSpot's header, the first rows and the bad one
        assert page.get_by_label("External id (the CRM's record id)").input_value() == "Record ID"
        assert page.get_by_label("Lifecycle (customer or prospect)").input_value() == "Lifecycle Stage"
        main = page.locator("main").inner_text()
        assert "Northwind Traders" in main and "Oceanic Freight" in main
        assert "a prospect pays nothing yet" in main and "Not ready to import" in main
        assert page.get_by_role("button", name=re.compile(r"^Import \d+ rows?$")).is_disabled()

        page.get_by_label("Skip these rows and import the rest").check()
        page.get_by_role("button", name="Check again (dry run)").click()
        page.wait_for_selector("text=Ready: 2 new customers, 0 updated, 0 unchanged, 1 row skipped")
        page.get_by_role("button", name="Import 2 rows").click()
        page.wait_for_selector("text=2 customers added, 0 updated and 0 unchanged")

        page.get_by_role("link", name="See the customers").click()
        page.wait_for_url("**/customers")
        listed = page.locator("main").inner_text()
        assert "Northwind Traders" in listed and "Oceanic Freight" in listed and "Paying Lead Ltd" not in listed


def test_the_import_forms_need_csrf_and_the_edit_role(container: Container, world: World) -> None:
    base = f"/w/{world.slug}"
    owner = web_client(container)
    token = sign_in(owner, world.alice.email, world.alice.password)
    listing = owner.get(f"{base}/customers").text
    assert f'href="{base}/import/customers"' in listing
    assert f'href="{base}/import/customers"' in owner.get(f"{base}/import").text
    files = {"file": ("crm.csv", b"Name,ARR\nQuill,100\n", "text/csv")}
    assert owner.post(f"{base}/import/customers", files=files).status_code == 403  # no CSRF token
    up = owner.post(f"{base}/import/customers", data={"csrf_token": token}, files=files)
    assert up.status_code == 200 and "Ready: 1 new customer," in up.text

    engineer = web_client(container)
    erin_token = sign_in(engineer, world.erin.email, world.erin.password)
    assert f'href="{base}/import/customers"' not in engineer.get(f"{base}/customers").text
    assert engineer.get(f"{base}/import/customers").status_code == 403
    assert engineer.post(f"{base}/import/customers", data={"csrf_token": erin_token},
                         files=files).status_code == 403


def test_the_import_pages_are_hidden_from_outsiders(container: Container, world: World) -> None:
    from tradeoff.web import routes_import_customers

    base = f"/w/{world.slug}"
    paths = [(m, r.path.replace("/w/{slug}", base)) for r in routes_import_customers.router.routes
             for m in r.methods]  # type: ignore[attr-defined]
    assert paths
    outsider = web_client(container)
    token = sign_in(outsider, world.charlie.email, world.charlie.password)
    for method, url in paths:
        r = outsider.get(url) if method == "GET" else outsider.post(
            url, data={"csrf_token": token}, files={"file": ("crm.csv", b"Name,ARR\nQuill,100\n", "text/csv")})
        assert r.status_code == 404 and world.slug.title() not in r.text, f"{method} {url} → {r.status_code}"


@pytest.mark.browser
def test_a_pm_imports_an_opportunities_export_one_row_per_deal(browser: Any, live_server: str, container: Container,
                                                               world: World, tmp_path: Path) -> None:
    from tests.integration.test_import_customers_deals import SALESFORCE

    csv = tmp_path / "opportunities.csv"
    csv.write_text(SALESFORCE, encoding="utf-8")
    with signed_in_page(browser, live_server, world.bob, world.slug) as page:
        page.goto(f"/w/{world.slug}/import/customers")
        page.get_by_label("CSV file").set_input_files(str(csv))
        page.get_by_label("One row per deal").check()
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_selector("text=Preview of opportunities.csv")
        assert page.get_by_label("One row per deal").is_checked()
        assert page.get_by_label("Deal stage (open, won or lost)").input_value() == "Stage"
        main = page.locator("main").inner_text()
        assert "The file holds 3 customers and their deals: 3 open, 2 won, 1 lost." in main
        page.get_by_role("button", name="Import 6 rows").click()
        page.wait_for_selector("text=3 customers added, 0 updated and 0 unchanged")
        page.get_by_role("link", name="See the customers").click()
        page.wait_for_url("**/customers")
        listed = page.locator("main").inner_text()
        assert "Acme Logistics" in listed and "Borealis Bank" in listed and "Cobalt Mining" in listed
