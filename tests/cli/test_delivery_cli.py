"""`tradeoff plan`, `tradeoff forecast`, `tradeoff commitments` and `tradeoff import workitems` end to end."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import SYSTEM
from tradeoff.accounts import service as accounts
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.schemas import EstimateIn


def test_plan_forecast_commitments_and_history_import(run, container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    slug = "dlv-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"o-{slug}@example.com", "--password-stdin", input="correct horse 1\n")
    team = json.loads(run("teams", "create", "-w", slug, "--name", "Core", "--members", "Ana", "--members", "Bo:0.5",
                          "--json").stdout)
    assert [m["availability"] for m in team["members"]] == [1.0, 0.5]
    feats = [json.loads(run("features", "create", "-w", slug, "--title", t, "--json").stdout)["id"]
             for t in ("Audit log", "Bulk send", "Credit notes")]
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        for fid, (o, m, p) in zip(feats, ((3, 4, 6), (5, 8, 12), (2, 3, 4)), strict=True):
            estimate_service.save(uow=uow, workspace_id=wid, actor=SYSTEM, feature_id=fid,
                                  data=EstimateIn(optimistic=o, likely=m, pessimistic=p, team_id=team["id"]))
    today = date.today()
    plan = json.loads(run("plans", "create", "-w", slug, "--name", "Q1", "--start", today.isoformat(), "--periods", "3",
                          "--value-source", "arr", "--live", "true", "--json").stdout)
    solved = json.loads(run("plan", "-w", slug, "--json", "--time-limit", "2").stdout)
    assert solved["plan_id"] == plan["id"] and {x["feature_id"] for x in solved["schedule"]} == set(feats)
    assert solved["gap"] <= 1e-3 and "greedy" in solved
    table = run("plan", "-w", slug).stdout
    assert "Credit" in table and "gap" in table and "sort-by-value-and-fill" in table
    assert "value delivered by: " in table and "last solve" not in table
    again = run("plan", "-w", slug, "--solve", "--time-limit", "2").stdout
    assert "last solve kept close to the last answer: none moved; none added; none dropped" in again
    fresh = json.loads(run("plan", "-w", slug, "--solve", "--fresh", "--time-limit", "2", "--json").stdout)
    assert fresh["since_last"]["kept_close"] is False and fresh["changed_since_solved"] == []
    run("estimate", str(feats[0]), "-w", slug, "--optimistic", "3", "--likely", "5", "--pessimistic", "6")
    assert "changed since it was solved: 1 estimate — the plan may no longer hold" in run("plan", "-w", slug).stdout
    assert json.loads(run("plan", "-w", slug, "--json").stdout)["changed_since_solved"] == [
        {"what": "1 estimate", "count": 1}]
    run("plan", "-w", slug, "--solve", "--time-limit", "2")
    what_if = json.loads(run("plan", "-w", slug, "--drop", str(feats[0]), "--json").stdout)
    assert [x["feature_id"] for x in what_if["diff"]["removed"]] == [feats[0]]
    text = run("plan", "-w", slug, "--add-people", f"{team['id']}=1").stdout
    assert "what-if '+1 person on " in text  # named after its change
    assert "P85: " in text and " → " in text  # and what it does to the dates
    joins = (today + timedelta(days=21)).isoformat()
    later = json.loads(run("plan", "-w", slug, "--add-people", f"{team['id']}=1", "--joining", joins,
                           "--ramp-up-weeks", "4", "--json").stdout)
    assert later["scenario"]["name"].endswith(f"on {team['name']} (joining {joins}, 4 weeks to full pace)")
    at_once = json.loads(run("plan", "-w", slug, "--add-people", f"{team['id']}=1", "--json").stdout)
    plan_cap, now_cap = at_once["plan"]["capacity"]["Core"], at_once["scenario"]["capacity"]["Core"]
    later_cap = later["scenario"]["capacity"]["Core"]
    assert later_cap[0] == plan_cap[0] < now_cap[0]  # nobody new in the first week: they join in the fourth
    assert sum(plan_cap) < sum(later_cap) < sum(now_cap)
    alone = run("plan", "-w", slug, "--joining", joins, ok=False)
    assert alone.exit_code != 0 and "give --add-people TEAM_ID=PEOPLE" in alone.output
    fc = json.loads(run("forecast", "-w", slug, "--target", (today + timedelta(days=200)).isoformat(),
                        "--json").stdout)
    assert fc["status"] == "ok" and len(fc["features"]) == 3
    assert all(f["probability_by_target"] == pytest.approx(1.0) for f in fc["features"])
    out = run("forecast", "-w", slug).stdout
    assert "P85" in out and "throughput forecast declined" in out
    bad = run("forecast", "-w", slug, "--target", (today - timedelta(days=3)).isoformat(), ok=False)
    assert bad.exit_code == 2 and "in the past" in bad.output
    cust = json.loads(run("customers", "create", "-w", slug, "--name", "Acme", "--arr", "90000", "--json").stdout)
    run("commitments", "create", "-w", slug, "--feature-id", str(feats[1]), "--customer-id", str(cust["id"]),
        "--due", (today + timedelta(days=1)).isoformat())
    ov = json.loads(run("commitments", "-w", slug, "--json").stdout)
    assert ov["at_risk_count"] == 1 and ov["items"][0]["customer"] == "Acme"
    assert ov["arr_at_risk"] == {"USD": 90000.0}
    shown = run("commitments", "-w", slug, "--at-risk", "--recompute").stdout
    assert "Acme" in shown and "1 at risk" in shown and "yes;" in shown  # the table wraps on narrow terminals
    assert "ARR at risk: USD 90,000\n" in shown  # one currency: no total beside it
    euro = json.loads(run("customers", "create", "-w", slug, "--name", "Bauhaus", "--arr", "50000", "--currency", "EUR",
                          "--json").stdout)
    run("commitments", "create", "-w", slug, "--feature-id", str(feats[1]), "--customer-id", str(euro["id"]),
        "--due", (today + timedelta(days=1)).isoformat())
    run("currencies", "set", "-w", slug, "--currency", "USD", "--rate", "EUR=1.1")
    both = run("commitments", "-w", slug, "--at-risk").stdout
    assert "ARR at risk: USD 90,000, EUR 50,000 (in all: USD 145,000)" in both
    run("commitments", "archive", "-w", slug, str(json.loads(run("commitments", "-w", slug, "--customer",
                                                                 str(euro["id"]), "--json").stdout)["items"][0]["id"]))
    kept = json.loads(run("commitments", "-w", slug, "--at-risk", "--json").stdout)["items"][0]["kept_by"]
    assert [i["customer"] for i in json.loads(run("commitments", "-w", slug, "--customer", str(cust["id"]),
                                                  "--json").stdout)["items"]] == ["Acme"]
    assert run("commitments", "-w", slug, "--customer", "999999", ok=False).exit_code != 0
    assert date.fromisoformat(kept) > today + timedelta(days=1)  # later than the promised date
    # the risk threshold can be changed from the CLI (as from the web and the API), and is checked
    lower = json.loads(run("commitments", "-w", slug, "--set-threshold", "0.5", "--json").stdout)
    assert lower["threshold"] == 0.5
    # the date a promise is likely enough by moves with the threshold at once (no stale date under a new label)
    assert date.fromisoformat(lower["items"][0]["kept_by"]) < date.fromisoformat(kept)
    assert "less than 1" in run("commitments", "-w", slug, "--set-threshold", "1", ok=False).output
    # one feature's way to customers: estimate, plan, forecast and the promise, in text and as JSON
    d = json.loads(run("delivery", "-w", slug, str(feats[1]), "--json").stdout)
    assert d["estimate"]["likely"] == 8 and d["plan"]["scheduled"] and d["plan"]["plan_id"] == plan["id"]
    assert d["forecast"]["p85"] == next(f["p85"] for f in fc["features"] if f["feature_id"] == feats[1])
    assert [c["customer"] for c in d["commitments"]] == ["Acme"] and d["commitments"][0]["at_risk"]
    text = run("delivery", "-w", slug, str(feats[1])).stdout
    assert "estimate: 5-12 person-days, likely 8" in text and "live plan 'Q1': period" in text
    assert f"P85 {d['forecast']['p85']}" in text and "promised to Acme by" in text
    assert f"(at risk; likely enough by {d['commitments'][0]['kept_by']})" in text
    assert run("delivery", "-w", slug, "999999", ok=False).exit_code != 0
    # a release with a target, named on the command line as JSON: its chance is on the feature's delivery
    rush = {"name": "Rush", "feature_ids": [feats[1]], "target": (today + timedelta(days=1)).isoformat()}
    run("plans", "update", str(plan["id"]), "-w", slug, "--releases", json.dumps(rush))
    r = json.loads(run("delivery", "-w", slug, str(feats[1]), "--json").stdout)["releases"][0]
    assert r["at_risk"] and r["probability"] < 0.7
    assert (f"release 'Rush' (1 feature), target {rush['target']}: {r['probability']:.0%} (at risk; likely enough "
            f"by {r['kept_by']})") in run("delivery", "-w", slug, str(feats[1])).stdout
    bad = run("plans", "update", str(plan["id"]), "-w", slug, "--releases", "{name: Rush}", ok=False)
    assert bad.exit_code == 2 and "--releases: not a JSON object" in bad.output
    # the record subcommands still work under the same group
    assert json.loads(run("commitments", "list", "-w", slug, "--json").stdout)["items"][0]["customer_id"] == cust["id"]
    csv = tmp_path / "history.csv"
    csv.write_text("Key,Title,Created,Resolved,Story Points\nW-1,Audit export,2025-01-02,2025-01-09,3\n"
                   "W-2,Bulk send fix,2025-01-03,,2\nW-3,,2025-01-04,2025-01-05,1\n", encoding="utf-8")
    refused = run("import", "workitems", str(csv), "-w", slug, ok=False)
    assert refused.exit_code == 2 and "row 3" in refused.output.replace("row 3 title", "row 3")
    preview = json.loads(run("import", "workitems", str(csv), "-w", slug, "--skip-bad-rows", "--dry-run",
                             "--json").stdout)
    assert preview["would_create"] == 2 and preview["bad_rows"][0]["row"] == 3
    # a dry run that would be refused exits 1, as the other imports' do
    not_ready = run("import", "workitems", str(csv), "-w", slug, "--dry-run", ok=False)
    assert not_ready.exit_code == 1 and "row 3" in not_ready.output and "nothing written" in not_ready.output
    done = json.loads(run("import", "workitems", str(csv), "-w", slug, "--skip-bad-rows", "--map", "points=Story Points",
                          "--json").stdout)
    assert done["created"] == 2 and done["skipped_rows"] == [3]


def test_a_members_days_off_from_the_command_line(run) -> None:  # type: ignore[no-untyped-def]
    slug = "off-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"o-{slug}@example.com", "--password-stdin", input="correct horse 1\n")
    team = json.loads(run("teams", "create", "-w", slug, "--name", "Core", "--members",
                          "Ana:1:2027-01-04..2027-01-08,2027-01-11", "--members", "Bo:50%", "--json").stdout)
    ana, bo = team["members"]
    assert [ana["holidays"], bo["availability"]] == [[["2027-01-04", "2027-01-08"], ["2027-01-11", "2027-01-11"]], 0.5]
    bad = run("teams", "create", "-w", slug, "--name", "Web", "--members", "Cy:1:soon", ok=False)
    assert bad.exit_code != 0 and "soon" in bad.output


def test_saved_what_ifs_side_by_side(run, container) -> None:  # type: ignore[no-untyped-def]
    slug = "wif-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"o-{slug}@example.com", "--password-stdin", input="correct horse 1\n")
    team = json.loads(run("teams", "create", "-w", slug, "--name", "Core", "--members", "Ana", "--json").stdout)
    feats = [json.loads(run("features", "create", "-w", slug, "--title", t, "--json").stdout)["id"]
             for t in ("Audit log", "Bulk send", "Credit notes")]
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        for fid, days in zip(feats, (6, 8, 4), strict=True):
            estimate_service.save(uow=uow, workspace_id=wid, actor=SYSTEM, feature_id=fid,
                                  data=EstimateIn(optimistic=days, likely=days, pessimistic=days, team_id=team["id"]))
    run("plans", "create", "-w", slug, "--name", "Q1", "--start", date.today().isoformat(), "--periods", "1",
        "--value-source", "manual", "--live", "true")
    assert "has no saved what-ifs" in run("what-ifs", "-w", slug).stdout
    refused = run("plan", "-w", slug, "--save", ok=False)
    assert refused.exit_code != 0 and "--save and --name are for a what-if" in refused.output
    run("plan", "-w", slug, "--time-limit", "2")
    hire = json.loads(run("plan", "-w", slug, "--add-people", f"{team['id']}=1", "--name", "Hire one", "--save",
                          "--json").stdout)
    drop = run("plan", "-w", slug, "--drop", str(feats[2]), "--save").stdout
    assert "saved as what-if " in drop
    side = json.loads(run("what-ifs", "-w", slug, "--json").stdout)
    assert [w["name"] for w in side["what_ifs"]] == ["Hire one", "without Credit notes"]
    assert side["what_ifs"][0]["id"] == hire["saved_what_if_id"]
    assert side["what_ifs"][0]["value"] == hire["scenario"]["value"] and not side["what_ifs"][0]["outdated"]
    assert [x["feature_id"] for x in side["what_ifs"][1]["removed"]] == [feats[2]]
    table = run("what-ifs", "-w", slug).stdout
    # (a table wraps long names on a narrow terminal: look for words, not whole names)
    assert "Hire one" in table and "Credit" in table and "solved again since" not in table
    # solving the plan again leaves the saved what-ifs compared with its earlier answer, until compared again
    run("plan", "-w", slug, "--solve", "--fresh", "--time-limit", "2")
    assert "--compare-again ID" in run("what-ifs", "-w", slug).stdout
    again = json.loads(run("what-ifs", "-w", slug, "--compare-again", str(hire["saved_what_if_id"]), "--json").stdout)
    assert [w["outdated"] for w in again["what_ifs"]] == [False, True]
    gone = json.loads(run("what-ifs", "-w", slug, "--delete", str(hire["saved_what_if_id"]), "--json").stdout)
    assert [w["name"] for w in gone["what_ifs"]] == ["without Credit notes"]
    missing = run("what-ifs", "-w", slug, "--delete", str(hire["saved_what_if_id"]), ok=False)
    assert missing.exit_code != 0 and "not found" in missing.output
