"""Adopting a solved plan: what it chooses that is still an idea or in discovery becomes planned in one step (API,
web, CLI), each change audited like an edit; shipped or in-progress work is left alone; outsiders and stakeholders
are refused. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tests.integration.test_delivery import TODAY, _plan, _planning_world
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app


def _solved(client, world: World) -> tuple[dict[str, int], int, set[int]]:  # type: ignore[no-untyped-def]
    ids = _planning_world(client, world)  # four features, all ideas
    pid = _plan(client, world, periods=1, start=(TODAY + timedelta(days=(7 - TODAY.weekday()) % 7)).isoformat(),
                period_days=14, values={str(ids["a"]): 8.5, str(ids["b"]): 6, str(ids["c"]): 6, str(ids["d"]): 12})
    r = client.post(world.api(f"/plans/{pid}/solve"), headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return ids, pid, {x["feature_id"] for x in r.json()["result"]["schedule"]}


def _status(client, world: World, fid: int) -> str:  # type: ignore[no-untyped-def]
    return str(client.get(world.api(f"/features/{fid}"), headers=world.alice.headers).json()["status"])


def test_api_marks_what_the_plan_chooses_planned_and_nothing_else(client, world: World) -> None:  # type: ignore[no-untyped-def]
    ids, pid, chosen = _solved(client, world)
    assert chosen == {ids["c"], ids["d"]}
    client.patch(world.api(f"/features/{ids['c']}"), json={"status": "in_progress"}, headers=world.alice.headers)
    url = world.api(f"/plans/{pid}/mark-planned")
    assert client.post(url, headers=world.sam.headers).status_code == 403  # a stakeholder reads, does not adopt
    outsider = client.post(f"/api/v1/workspaces/{world.slug}/plans/{pid}/mark-planned", headers=world.charlie.headers)
    assert outsider.status_code == 404 and _status(client, world, ids["d"]) == "idea"
    r = client.post(url, headers=world.bob.headers)
    assert r.status_code == 200, r.text
    assert [f["id"] for f in r.json()["marked"]] == [ids["d"]]  # c is in progress already: left alone
    assert {k: _status(client, world, ids[k]) for k in "abcd"} == {"a": "idea", "b": "idea", "c": "in_progress",
                                                                  "d": "planned"}
    assert client.post(url, headers=world.bob.headers).json()["marked"] == []  # nothing left to adopt
    audit = client.get(world.api("/audit"), params={"entity": "feature", "entity_id": ids["d"]},
                       headers=world.alice.headers)
    assert audit.status_code == 200 and "planned" in audit.text
    unsolved = _plan(client, world, name="Unsolved")
    r = client.post(world.api(f"/plans/{unsolved}/mark-planned"), headers=world.bob.headers)
    assert r.status_code == 422 and "not solved yet" in r.json()["detail"]


def test_web_plan_page_offers_to_mark_the_chosen_ideas_planned(client, container: Container, world: World) -> None:  # type: ignore[no-untyped-def]
    ids, pid, _ = _solved(client, world)
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/plans/{pid}")
    assert "2 of the features it chooses are still an idea or in discovery" in page.text
    action = f"/w/{world.slug}/plans/{pid}/mark-planned"
    assert f'action="{action}"' in page.text
    r = tc.post(action, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and "marked=2" in r.headers["location"]
    after = tc.get(r.headers["location"]).text
    assert "2 features marked planned" in after and 'id="not-planned"' not in after
    assert _status(client, world, ids["d"]) == "planned"
    outsider = web_client(container)
    token = sign_in(outsider, world.charlie.email, world.charlie.password)
    assert outsider.post(action, data={"csrf_token": token}).status_code == 404


def test_cli_plan_mark_planned(client, container: Container, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids, pid, _ = _solved(client, world)
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    runner = CliRunner()
    shown = runner.invoke(app, ["plan", str(pid), "-w", world.slug], env=env)
    assert shown.exit_code == 0 and "2 of the features it chooses are still ideas" in shown.output
    r = runner.invoke(app, ["plan", str(pid), "-w", world.slug, "--mark-planned"], env=env)
    assert r.exit_code == 0 and "marked planned: " in r.output and "Dunning" in r.output
    assert _status(client, world, ids["c"]) == "planned" == _status(client, world, ids["d"])
    bad = runner.invoke(app, ["plan", str(pid), "-w", world.slug, "--mark-planned", "--drop", str(ids["c"])], env=env)
    assert bad.exit_code != 0 and "not a what-if" in bad.output
