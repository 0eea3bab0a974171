"""`tradeoff import customers` end to end: refused naming the bad rows, a dry run that writes nothing, an import
that creates, and one that updates."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path


def _workspace(run, prefix: str) -> str:  # type: ignore[no-untyped-def]
    """A new workspace's slug, made with `tradeoff init`."""
    slug = prefix + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"o-{slug}@example.com", "--password-stdin", input="correct horse 1\n")
    return slug


def test_import_customers_from_the_command_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    slug = _workspace(run, "cus-")
    csv = tmp_path / "salesforce.csv"
    csv.write_text("Account ID;Account Name;Type;Annual Revenue;Opportunity Amount;Renewal\n"
                   "001A;Redfern Engineering;Customer - Direct;12.500,00;;31/01/2031\n"
                   "001B;Solace Health;Prospect;;40.000;\n"
                   "001C;Tern Bank;Partner;;;\n", encoding="cp1252")
    refused = run("import", "customers", str(csv), "-w", slug, ok=False)
    assert refused.exit_code == 2 and "row 3 lifecycle" in refused.output and "Partner" in refused.output
    assert json.loads(run("customers", "list", "-w", slug, "--json").stdout)["items"] == []

    preview = run("import", "customers", str(csv), "-w", slug, "--skip-bad-rows", "--dry-run",
                  "--map", "renewal_date=Renewal", "--date-format", "%d/%m/%Y", "--json")
    p = json.loads(preview.stdout)
    assert (p["would_create"], p["bad_rows"][0]["row"], p["mapping"]["lifecycle"]) == (2, 3, "Type")
    assert "would create" in run("import", "customers", str(csv), "-w", slug, "--skip-bad-rows", "--dry-run",
                                 "--map", "renewal_date=Renewal", "--date-format", "%d/%m/%Y").stdout
    assert json.loads(run("customers", "list", "-w", slug, "--json").stdout)["items"] == []

    done = json.loads(run("import", "customers", str(csv), "-w", slug, "--skip-bad-rows", "--map",
                          "renewal_date=Renewal", "--date-format", "%d/%m/%Y", "--json").stdout)
    assert (done["created"], done["updated"], done["skipped_rows"]) == (2, 0, [3])
    items = {c["name"]: c for c in json.loads(run("customers", "list", "-w", slug, "--json").stdout)["items"]}
    assert (items["Redfern Engineering"]["arr"], items["Redfern Engineering"]["renewal_date"]) == (
        "12500.00", "2031-01-31")
    assert (items["Solace Health"]["lifecycle"], items["Solace Health"]["deal_value"]) == ("prospect", "40000.00")

    again = tmp_path / "again.csv"
    again.write_text("Account ID,Account Name,Type\n001B,Solace Health,Customer\n", encoding="utf-8")
    out = run("import", "customers", str(again), "-w", slug).stdout
    assert "created 0 customers, updated 1, 0 unchanged" in out


def test_import_an_opportunities_export_one_row_per_deal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    slug = _workspace(run, "deals-")
    csv = tmp_path / "opportunities.csv"
    csv.write_text("Account Name,Account ID,Opportunity Name,Stage,Amount,Close Date,Currency\n"
                   "Redfern Engineering,001A,Redfern - Sensors,Negotiation/Review,\"20,000\",2030-06-30,USD\n"
                   "Solace Health,001B,Solace - Pilot,Closed Won,\"15,000\",2025-11-30,EUR\n"
                   "Redfern Engineering,001A,Redfern - EU,Prospecting,\"5,000\",2030-03-31,USD\n"
                   "Tern Bank,001C,Tern - Starter,Closed Lost,\"9,000\",2025-10-01,USD\n"
                   "Solace Health,001B,Solace - Expansion,Qualification,\"30,000\",2030-09-30,EUR\n"
                   "Redfern Engineering,001A,Redfern - Renewal,Closed Won,\"40,000\",2025-12-15,USD\n",
                   encoding="utf-8")
    refused = run("import", "customers", str(csv), "-w", slug, ok=False)
    assert refused.exit_code == 2 and "keep one of rows 1 and 3" in refused.output
    assert "--rows-are-deals" in refused.output

    preview = run("import", "customers", str(csv), "-w", slug, "--rows-are-deals", "--dry-run").stdout
    assert "one row per deal: 3 customers; 3 open, 2 won and 1 lost deals" in preview
    assert "2 won deals not counted as ARR: import ARR from the accounts export" in preview
    assert json.loads(run("customers", "list", "-w", slug, "--json").stdout)["items"] == []

    done = json.loads(run("import", "customers", str(csv), "-w", slug, "--rows-are-deals", "--json").stdout)
    assert (done["created"], done["updated"]) == (3, 0)
    items = {c["name"]: c for c in json.loads(run("customers", "list", "-w", slug, "--json").stdout)["items"]}
    assert {n: (c["deal_value"], c["deal_close"], c["arr"]) for n, c in items.items()} == {
        "Redfern Engineering": ("25000.00", "2030-03-31", "0.00"),
        "Solace Health": ("30000.00", "2030-09-30", "0.00"),
        "Tern Bank": ("0.00", None, "0.00")}

    helped = " ".join(re.sub(r"[│╭╮╰╯─]", " ", run("import", "customers", "--help").stdout).split())
    for words in ("--rows-are-deals", "Closed Won", "closedwon", "Closed Lost", "Opportunity Stage"):
        assert words in helped, words
