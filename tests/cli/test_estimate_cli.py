"""`tradeoff estimate` and `tradeoff suggest-estimate`."""

from __future__ import annotations

import json


def test_set_show_and_explain_an_estimate(run, world) -> None:  # type: ignore[no-untyped-def]
    import re

    r = run("features", "create", "-w", world.slug, "--title", "Bank feed import", "--json")
    fid = json.loads(r.stdout)["id"]
    missing = run("estimate", str(fid), "-w", world.slug, ok=False)
    assert missing.exit_code != 0 and "no estimate yet" in missing.stderr
    bad = run("estimate", str(fid), "-w", world.slug, "--optimistic", "5", "--likely", "3", "--pessimistic", "9",
              ok=False)
    assert bad.exit_code != 0 and "likely (3) is less than optimistic (5)" in bad.stderr
    out = json.loads(run("estimate", str(fid), "-w", world.slug, "--optimistic", "2", "--likely", "4",
                         "--pessimistic", "12", "--driver", "data_migration", "--json").stdout)
    assert (out["optimistic"], out["likely"], out["pessimistic"]) == (2.0, 4.0, 12.0)
    assert "data migration" in out["explanation"]
    shown = run("estimate", str(fid), "-w", world.slug).stdout
    assert "2.0 / 4.0 / 12.0 days" in shown and re.search(r"extra [0-9.]+ person-days", shown)
    sug = json.loads(run("suggest-estimate", str(fid), "-w", world.slug, "--json").stdout)
    assert sug["status"] == "declined" and "Import work history" in sug["reason"]  # no history yet: says what it needs
