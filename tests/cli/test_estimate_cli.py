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
    tech = json.loads(run("estimate", str(fid), "-w", world.slug, "--optimistic", "2", "--likely", "4",
                          "--pessimistic", "12", "--category", "tech_debt", "--json").stdout)
    assert tech["category"] == "tech_debt"
    # the range set again with nothing else said keeps the rest of the estimate (drivers, team, kind of work)
    team = json.loads(run("teams", "create", "-w", world.slug, "--name", "Core", "--members", "Ana", "--json").stdout)
    comp = json.loads(run("components", "create", "-w", world.slug, "--name", "invoice-service", "--debt-level", "4",
                          "--json").stdout)
    full = json.loads(run("estimate", str(fid), "-w", world.slug, "--team", str(team["id"]), "--driver",
                          f"refactor={comp['id']}", "--driver", "unknowns", "--component", str(comp["id"]),
                          "--json").stdout)  # no range given: only these parts change
    assert (full["likely"], full["category"], full["team_id"]) == (4.0, "tech_debt", team["id"])
    assert {(d["name"], d.get("component_id")) for d in full["drivers"]} == {("refactor", comp["id"]),
                                                                             ("unknowns", None)}
    ranged = json.loads(run("estimate", str(fid), "-w", world.slug, "--optimistic", "32", "--likely", "48",
                            "--pessimistic", "88", "--json").stdout)
    assert (ranged["likely"], ranged["team_id"], ranged["category"]) == (48.0, team["id"], "tech_debt")
    assert ranged["drivers"] == full["drivers"] and ranged["component_ids"] == [comp["id"]]
    cleared = json.loads(run("estimate", str(fid), "-w", world.slug, "--clear", "drivers", "--clear", "team",
                             "--json").stdout)
    assert cleared["drivers"] == [] and cleared["team_id"] is None and cleared["component_ids"] == [comp["id"]]
    half = run("estimate", str(fid), "-w", world.slug, "--likely", "50", ok=False)
    assert half.exit_code != 0 and "give all three" in half.stderr
    assert "--category" in run("estimate", str(fid), "-w", world.slug, "--optimistic", "2", "--likely", "4",
                               "--pessimistic", "12", "--category", "chores", ok=False).stderr
    sug = json.loads(run("suggest-estimate", str(fid), "-w", world.slug, "--json").stdout)
    assert sug["status"] == "declined" and "Import work history" in sug["reason"]  # no history yet: says what it needs


def _project_csv(path):  # type: ignore[no-untyped-def]
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["issuekey", "title", "description", "storypoint", "split_mark"])
        for i in range(30):
            topic, points = ("login", 1) if i % 2 == 0 else ("report", 8)
            w.writerow([f"A-{i}", f"{topic} item{i}", "", points, "train" if i < 24 else "test"])
    return path


def test_eval_estimate_method_option(run, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tradeoff import embeddings

    path = str(_project_csv(tmp_path / "p.csv"))
    shown = run("eval", "estimate", path).stdout
    assert shown.startswith("Method: lexical — nearest neighbours by TF-IDF") and "p.csv" in shown  # auto = product
    out = json.loads(run("eval", "estimate", path, "--method", "lexical", "--json").stdout)
    assert out["method"] == "lexical" and out["projects"][0]["n_test"] == 6
    bad = run("eval", "estimate", path, "--method", "bert", ok=False)
    assert bad.exit_code != 0 and "bert" in bad.output + (bad.stderr if bad.stderr_bytes else "")
    monkeypatch.setattr(embeddings, "model_available", lambda: False)
    missing = run("eval", "estimate", path, "--method", "model", ok=False)
    assert missing.exit_code != 0 and "pip install tradeoff[ml]" in missing.stderr


def test_suggest_estimate_in_points_or_nothing_similar_enough(run, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from tests.integration.test_estimate_suggestion import _sized

    path = tmp_path / "sized.csv"
    path.write_bytes(_sized("COMPASS", {"schema": 3, "aggregation": 8, "typo": 1}, date.today() - timedelta(days=200)))
    run("import", "workitems", "-w", world.slug, str(path))
    like = json.loads(run("features", "create", "-w", world.slug, "--title", "Schema view: show the types of "
                          "embedded document fields", "--json").stdout)["id"]
    unlike = json.loads(run("features", "create", "-w", world.slug, "--title", "Bulk export of invoices to CSV",
                            "--json").stdout)["id"]
    shown = run("suggest-estimate", str(like), "-w", world.slug).stdout
    assert "suggested range (story points): P10" in shown and "P50 3 " in shown and "COMPASS-" in shown
    nothing = run("suggest-estimate", str(unlike), "-w", world.slug).stdout
    assert nothing.startswith("no suggestion: Nothing similar enough in your history (best match 0.0")
    assert "suggested range" not in nothing
    unknown = run("suggest-estimate", str(like), "-w", world.slug, "--team", "999999", ok=False)
    assert unknown.exit_code != 0 and "team 999999 not found" in unknown.stderr
