"""The feedback list's tag filter on SQLite and PostgreSQL: the whole tag, any case, in the API, the web list, the CLI,
saved views and the bulk actions' "every item matching"."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app


def _seed(client, world: World) -> dict[str, int]:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    made = {}
    for name, tags in (("request", ["Feature Request", "mobile"]), ("also", ["feature request"]),
                       ("longer", ["feature request v2"]), ("bug", ["bug report"]), ("none", []),
                       ("unicode", ["Überweisung"])):
        r = client.post(world.api("/feedback"), json={"text": f"words of {name}", "tags": tags}, headers=h)
        assert r.status_code == 201, r.text
        made[name] = r.json()["id"]
    return made


def _ids(client, world: World, **params: str) -> list[int]:  # type: ignore[no-untyped-def]
    r = client.get(world.api("/feedback"), params={"sort": "id", **params}, headers=world.erin.headers)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def test_the_api_list_filters_on_a_whole_tag_in_any_case(client, world: World) -> None:  # type: ignore[no-untyped-def]
    made = _seed(client, world)
    assert _ids(client, world, tag="feature request") == [made["request"], made["also"]]  # not "… v2"
    assert _ids(client, world, tag="FEATURE REQUEST ") == [made["request"], made["also"]]
    assert _ids(client, world, tag="feature") == []  # a whole tag, not a part of one
    assert _ids(client, world, tag="Überweisung") == [made["unicode"]]
    assert _ids(client, world, tag="mobile", q="request") == [made["request"]]
    assert client.get(world.api("/feedback"), params={"tag": "x" * 51}, headers=world.alice.headers).status_code == 422
    csv = client.get(world.api("/feedback.csv"), params={"tag": "bug report"}, headers=world.alice.headers)
    assert csv.status_code == 200 and "words of bug" in csv.text and "words of request" not in csv.text
    assert client.get(world.api("/feedback"), params={"tag": "mobile"},
                      headers=world.charlie.headers).status_code == 404


def test_bulk_actions_match_on_a_tag_in_the_api_and_the_cli(client, container: Container, world: World,
                                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = _seed(client, world)
    h = world.alice.headers
    r = client.post(world.api("/feedback/bulk"), json={"action": "kind", "kind": "feature_request",
                                                       "match": {"tag": "Feature request"}}, headers=h)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["done"]) == [made["request"], made["also"]]
    assert client.post(world.api("/feedback/bulk"), json={"action": "archive", "match": {"tag": "bug report"}},
                       headers=world.charlie.headers).status_code == 404
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    runner = CliRunner()
    out = runner.invoke(app, ["bulk", "kind", "-w", world.slug, "--matching", "--filter", "tag=bug report",
                              "--kind", "bug", "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["done"] == [made["bug"]]
    listed = runner.invoke(app, ["feedback", "list", "-w", world.slug, "--filter", "tag=MOBILE", "--json"], env=env)
    assert [i["id"] for i in json.loads(listed.stdout)["items"]] == [made["request"]]
    wrong = runner.invoke(app, ["bulk", "kind", "-w", world.slug, "--matching", "--filter", "tags=bug report",
                                "--kind", "bug"], env=env)
    assert wrong.exit_code != 0 and "use " in wrong.output and "tag" in wrong.output.split("use ", 1)[1]


def test_the_web_list_has_a_tag_filter_and_tags_lead_to_it(client, container: Container,
                                                           world: World) -> None:  # type: ignore[no-untyped-def]
    made = _seed(client, world)
    tc = web_client(container)
    sign_in(tc, world.bob.email, world.bob.password)
    page = tc.get(f"/w/{world.slug}/feedback", params={"tag": "Feature Request"}).text
    assert re.search(r'<input id="flt-tag" name="tag" value="Feature Request"', page)
    shown = set(map(int, re.findall(r'href="/w/[^/]+/feedback/(\d+)"', page)))
    assert shown == {made["request"], made["also"]}
    whole = tc.get(f"/w/{world.slug}/feedback").text
    assert f'href="/w/{world.slug}/feedback?tag=feature%20request%20v2"' in whole  # a tag is a link to its list
    # a saved view keeps the tag
    r = client.post(world.api("/views"), json={"collection": "feedback", "name": "Requests",
                                               "query": {"filters": {"tag": "feature request"}}},
                    headers=world.alice.headers)
    assert r.status_code == 201, r.text
    assert client.post(world.api("/views"), json={"collection": "feedback", "name": "Bad",
                                                  "query": {"filters": {"tags": "x"}}},
                       headers=world.alice.headers).status_code == 422
    outsider = web_client(container)
    sign_in(outsider, world.charlie.email, world.charlie.password)
    assert outsider.get(f"/w/{world.slug}/feedback", params={"tag": "mobile"}).status_code == 404
