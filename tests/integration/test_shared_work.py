"""Work shared between teams, on SQLite and PostgreSQL: an estimate names the lead team and other teams' shares;
the plan charges each team its share of the effort; the forecast finishes the feature with its slowest part and
makes what depends on it wait for every part; bad shares are refused naming the field; through the API, the CLI
and the web form."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tests.integration.test_delivery import _feature, _plan, _team
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app
from tradeoff.core.forecasting_backlog import mean_effort

TODAY = date.today()


def _put(client, world: World, fid: int, **body) -> object:  # type: ignore[no-untyped-def]
    return client.put(world.api(f"/features/{fid}/estimate"),
                      json={"optimistic": 8, "likely": 10, "pessimistic": 14, **body}, headers=world.erin.headers)


def test_bad_shares_are_refused_naming_the_field(client, world: World) -> None:
    core, web = _team(client, world, "Core"), _team(client, world, "Web", members=["Wu"])
    outsider_team = client.post(f"/api/v1/workspaces/{world.other_slug}/teams", json={"name": "Theirs"},
                                headers=world.charlie.headers).json()["id"]
    fid = _feature(client, world, "Ledger export")
    cases = [({"team_shares": {str(web): 0.3}}, "team_id"),  # no lead team
             ({"team_id": core, "team_shares": {str(core): 0.3}}, "lead team"),
             ({"team_id": core, "team_shares": {"999999": 0.3}}, "no team with id 999999"),
             ({"team_id": core, "team_shares": {str(outsider_team): 0.3}}, f"no team with id {outsider_team}"),
             ({"team_id": core, "team_shares": {str(web): 0.96}}, "96%"),
             ({"team_id": core, "team_shares": {str(web): 1.0}}, "less than 1"),
             ({"team_id": core, "team_shares": {str(web): -0.1}}, "greater than 0")]
    for body, words in cases:
        r = _put(client, world, fid, **body)
        assert r.status_code == 422, (body, r.text)
        assert words in r.text and r.json()["errors"][0]["loc"][:2] == ["body", "team_shares"], (body, r.text)
    assert client.get(world.api(f"/features/{fid}/estimate"), headers=world.alice.headers).status_code == 404


def test_shared_work_is_planned_and_forecast_team_by_team(client, world: World) -> None:
    core = _team(client, world, "Core", members=["Ana", "Bo"])  # about 10 person-days a week
    web = _team(client, world, "Web", members=[{"name": "Wu", "availability": 0.2}])  # about 1 a week
    shared, after = _feature(client, world, "Customer portal"), _feature(client, world, "Portal invoices")
    r = _put(client, world, shared, team_id=core, team_shares={str(web): 0.3})
    assert r.status_code == 200 and r.json()["team_shares"] == {str(web): 0.3}
    assert r.json()["split"] == [{"team_id": core, "team": "Core", "share": 0.7},
                                 {"team_id": web, "team": "Web", "share": 0.3}]
    assert _put(client, world, after, team_id=core, depends_on=[shared]).status_code == 200
    monday = TODAY + timedelta(days=(7 - TODAY.weekday()) % 7)
    pid = _plan(client, world, periods=6, start=monday.isoformat(), values={str(shared): 5, str(after): 3},
                live=True)
    res = client.post(world.api(f"/plans/{pid}/solve"), headers=world.alice.headers).json()["result"]
    rows = {x["feature_id"]: x for x in res["schedule"]}
    mean = mean_effort(8, 10, 14, 0.8)  # what the forecast draws from: 8/10/14 widened to 80% sure
    assert rows[shared]["effort_by_team"] == pytest.approx({"Core": 0.7 * mean, "Web": 0.3 * mean}, abs=0.01)
    assert rows[after]["effort_by_team"] == pytest.approx({"Core": mean}, abs=0.01)
    # Web's 3 person-days at 2 a sprint take two sprints: the shared feature spans them; its dependent comes later
    assert rows[shared]["period"] - rows[shared]["first_period"] == 1
    assert rows[after]["first_period"] > rows[shared]["period"]
    assert sum(res["load"]["Web"]) == pytest.approx(0.3 * mean, abs=0.01)

    fc = client.get(world.api(f"/forecast?plan_id={pid}"), headers=world.alice.headers).json()
    assert fc["status"] == "ok" and {t["team"] for t in fc["teams"]} == {"Core", "Web"}
    by = {f["feature_id"]: f for f in fc["features"]}
    assert by[shared]["shared_with"] == ["Web"] and by[after]["shared_with"] == []
    # Web does about 1 person-day a week, so its 3 days, not Core's 7, set the date: about 3 weeks, not 1
    p50 = date.fromisoformat(by[shared]["p50"])
    assert p50 >= date.fromisoformat(fc["start"]) + timedelta(days=14)
    assert date.fromisoformat(by[after]["p50"]) > p50  # waits for Web's part, though Core is free much earlier
    # all of it on Core: done within about a week and a half
    assert _put(client, world, shared, team_id=core, team_shares={}).status_code == 200
    alone = client.get(world.api(f"/features/{shared}/forecast"), headers=world.alice.headers).json()
    assert date.fromisoformat(alone["forecast"]["p50"]) < p50

    # a team that goes away takes the shared feature out of plan and forecast, saying why
    assert _put(client, world, shared, team_id=core, team_shares={str(web): 0.3}).status_code == 200
    ver = client.get(world.api(f"/teams/{web}"), headers=world.alice.headers).json()["version"]
    assert client.delete(world.api(f"/teams/{web}"), headers=world.alice.headers | {"If-Match": f'"{ver}"'}
                         ).json()["archived"] is True
    fc = client.get(world.api("/forecast"), headers=world.alice.headers).json()
    (why,) = [s["reason"] for s in fc["skipped"] if s["feature_id"] == shared]
    assert "Web" in why and "not an active team" in why
    pid2 = _plan(client, world, name="Without Web", periods=6, start=monday.isoformat(),
                 values={str(shared): 5, str(after): 3})
    res = client.post(world.api(f"/plans/{pid2}/solve"), headers=world.alice.headers).json()["result"]
    excluded = {x["feature_id"]: x["reason"] for x in res["excluded"]}
    assert "Web" in excluded[shared] and shared not in {x["feature_id"] for x in res["schedule"]}


def test_cli_and_web_form_set_shares(client, container: Container, world: World, tmp_path: Path) -> None:
    core, web = _team(client, world, "Core"), _team(client, world, "Web", members=["Wu"])
    fid = _feature(client, world, "Usage alerts")
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    args = ["estimate", str(fid), "-w", world.slug, "--optimistic", "2", "--likely", "4", "--pessimistic", "8",
            "--team", str(core)]
    out = CliRunner().invoke(app, [*args, "--share", f"{web}=25", "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["team_shares"] == {str(web): 0.25}
    shown = CliRunner().invoke(app, ["estimate", str(fid), "-w", world.slug], env=env)
    assert shown.exit_code == 0 and "shared: Core 75%, Web 25%" in shown.output, shown.output
    bad = CliRunner().invoke(app, [*args, "--share", "Web"], env=env)
    assert bad.exit_code != 0 and "TEAM_ID=PERCENT" in bad.output

    tc = web_client(container)
    token = sign_in(tc, world.erin.email, world.erin.password)
    page = tc.get(f"/w/{world.slug}/features/{fid}/estimate").text
    assert re.search(rf'name="share_{web}"[^>]*value="25"', page)  # the saved share, in percent
    assert f'name="share_{core}"' not in page  # the team doing it does the rest: no share box for it
    assert "Shared: Core 75%, Web 25% of the work." in page
    form = {"csrf_token": token, "optimistic": "2", "likely": "4", "pessimistic": "8", "unit": "days",
            "confidence": "0.8", "category": "feature", "team_id": str(core),
            "version": re.search(r'name="version" value="(\d+)"', page)[1]}
    refused = tc.post(f"/w/{world.slug}/features/{fid}/estimate", data={**form, f"share_{web}": "97"})
    assert refused.status_code == 422 and "97%" in refused.text and 'id="f-team-shares"' in refused.text
    for bad in ("-10", "lots"):
        refused = tc.post(f"/w/{world.slug}/features/{fid}/estimate", data={**form, f"share_{web}": bad})
        assert refused.status_code == 422 and re.search(r'id="f-team-shares".*?role="alert"', refused.text, re.S)
    saved = tc.post(f"/w/{world.slug}/features/{fid}/estimate", data={**form, f"share_{web}": "40"})
    assert saved.status_code == 303, saved.text[:300]
    est = client.get(world.api(f"/features/{fid}/estimate"), headers=world.alice.headers).json()
    assert est["team_shares"] == {str(web): 0.4}
    # the timeline draws the shared feature in both teams' lanes
    timeline = tc.get(f"/w/{world.slug}/roadmap/timeline").text
    assert "Usage alerts (with Web)" in timeline and "Usage alerts (with Core)" in timeline  # the tooltips
    assert timeline.count("Usage alerts ⇄") == 2
