"""Reference-class suggestions from a real-shaped work history, on SQLite and PostgreSQL: a range in story points
(the unit the estimate form takes) from the items a team sized, elapsed time only as context, "nothing similar
enough" instead of a range from unrelated work, the team's own items first, and the fitted index kept between
requests while the history stays the same."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from tests.conftest import World
from tradeoff.core.estimation import ReferenceIndex
from tradeoff.core.estimation_match import SIMILARITY_FLOOR

TODAY = date.today()
FIELDS = ["array", "nested", "date", "string", "binary", "decimal", "object id", "boolean"]
STAGES = ["match", "group", "project", "lookup", "unwind", "sort", "facet", "bucket"]
SCREENS = ["connect", "settings", "about", "export", "import", "indexes", "explain", "validation"]
AUTHS = ["password", "identity file", "kerberos", "ldap", "x509", "agent", "passphrase", "jump host"]


def _sized(prefix: str, topics: dict[str, int], start: date) -> bytes:
    """A file of items sized in story points that says nothing of their state (no status, no resolved date),
    like a story-points export: `topics` name which kinds of work, each with its points."""
    kinds = {
        "schema": [(f"Schema view: show the types of {f} fields",
                    f"In the schema view, list the types found in the sampled documents for {f} fields.")
                   for f in FIELDS],
        "aggregation": [(f"Aggregation pipeline builder: editor for the {s} stage",
                         f"Add a stage editor with autocomplete and a preview for {s} to the pipeline builder.")
                        for s in STAGES],
        "typo": [(f"Fix typo on the {s} screen", f"Copy fix: a misspelt word on the {s} screen.") for s in SCREENS],
        "ssh": [(f"Connect over an SSH tunnel with {a} authentication",
                 f"Let users reach a replica set through an SSH tunnel using {a}.") for a in AUTHS],
    }
    lines = ["Issue key,Summary,Description,Created,Story Points"]
    n = 0
    for topic, points in topics.items():
        for title, description in kinds[topic]:
            n += 1
            lines.append(f'{prefix}-{n},"{title}","{description}",{start + timedelta(days=3 * n)},{points}')
    return ("\n".join(lines) + "\n").encode()


def _finished(start: date) -> bytes:
    """A tracker export of finished work with dates and no points: HDFS chores, and four schema-view fixes that
    took 2, 4, 6 and 8 days from creation to done."""
    lines = ["Issue key,Summary,Issue Type,Status,Created,Resolved"]
    for i in range(20):
        day = start + timedelta(days=5 * i)
        lines.append(f"HDFS-{i},HDFS balancer moves blocks slowly on rack {i} of the cluster,Bug,Resolved,{day},"
                     f"{day + timedelta(days=10 + i)}")
    for i, (f, took) in enumerate(zip(["array", "date", "decimal", "boolean"], [2, 4, 6, 8], strict=True)):
        day = start + timedelta(days=7 * i + 1)
        lines.append(f"SV-{i},Schema view shows the wrong types of {f} fields,Bug,Resolved,{day},"
                     f"{day + timedelta(days=took)}")
    return ("\n".join(lines) + "\n").encode()


def _import(client, world: World, data: bytes, **form: Any) -> None:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/imports/workitems"), files={"file": ("history.csv", io.BytesIO(data), "text/csv")},
                    data={k: str(v) for k, v in form.items()}, headers=world.erin.headers)
    assert r.status_code == 201, r.text


def _feature(client, world: World, title: str, description: str) -> int:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/features"), json={"title": title, "description": description},
                    headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _suggestion(client, world: World, fid: int, **params: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.get(world.api(f"/features/{fid}/estimate-suggestion"), params=params, headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _history(client, world: World) -> None:  # type: ignore[no-untyped-def]
    _import(client, world, _sized("COMPASS", {"schema": 3, "aggregation": 8, "typo": 1, "ssh": 5},
                                  TODAY - timedelta(days=200)), key_column="Issue key")
    _import(client, world, _finished(TODAY - timedelta(days=300)))


def test_a_points_history_gives_a_range_in_points_and_elapsed_time_only_as_context(client, container,  # type: ignore[no-untyped-def]
                                                                                   world: World) -> None:
    _history(client, world)
    fid = _feature(client, world, "Schema view: show the types of embedded document fields",
                   "List the types of the fields of embedded documents in the schema view, from sampled documents.")
    s = _suggestion(client, world, fid)
    # the sized items are the reference, though the file said nothing of their state; the finished items
    # without points are not, and their days are not offered as the estimate
    assert s["status"] == "ok" and s["unit"] == "points" and s["reference"] == "work items", s
    assert s["history_items"] == 32 and s["p50"] == 3 and s["p10"] <= 3 <= s["p90"]
    assert s["similar_items"] >= 3 and s["best_similarity"] >= SIMILARITY_FLOOR
    assert [n["key"].startswith("COMPASS-") for n in s["neighbours"][:3]] == [True] * 3
    assert {n["actual"] for n in s["neighbours"][:3]} == {3}
    sims = [n["similarity"] for n in s["neighbours"]]
    assert sims == sorted(sims, reverse=True) and sims[0] == s["best_similarity"]
    assert s["neighbours"][0]["title"].startswith("Schema view: show the types of")
    elapsed = s["cycle_time"]  # what the four similar finished fixes took, from creation to done
    assert (elapsed["items"], elapsed["low"], elapsed["median"], elapsed["high"]) == (4, 2, 5, 8)
    assert "2–8 days from creation to done" in elapsed["text"] and "not effort" in elapsed["text"]

    from tests.e2e.conftest import sign_in, web_client

    tc = web_client(container)
    sign_in(tc, world.erin.email, world.erin.password)
    page = tc.get(f"/w/{world.slug}/features/{fid}/estimate").text
    assert re.search(r"Suggested P10 [\d.]+ · <strong>P50 3</strong> · P90 [\d.]+ story points", page)
    assert "days of cycle time" not in page and "2–8 days from creation to done" in page
    assert f'href="/w/{world.slug}/features/{fid}/estimate?start=suggestion' in page
    filled = tc.get(f"/w/{world.slug}/features/{fid}/estimate", params={"start": "suggestion"}).text
    assert re.search(r'name="likely"[^>]*value="3"', filled) and '<option value="points" selected>' in filled


def test_unrelated_history_says_nothing_is_similar_enough_and_suggests_no_range(client, container,  # type: ignore[no-untyped-def]
                                                                               world: World) -> None:
    _history(client, world)
    fid = _feature(client, world, "Bulk export of invoices to CSV",
                   "Finance admins download every invoice of a billing period as one spreadsheet.")
    s = _suggestion(client, world, fid)
    assert s["status"] == "declined" and s["history_items"] == 32, s
    assert not {"p10", "p50", "p90"} & set(s)  # no range at all
    assert s["best_similarity"] < SIMILARITY_FLOOR and s["similar_items"] < 3
    assert f"Nothing similar enough in your history (best match {s['best_similarity']:.2f})" in s["reason"]
    assert "cycle_time" not in s  # nothing finished resembles it either

    from tests.e2e.conftest import sign_in, web_client

    tc = web_client(container)
    sign_in(tc, world.erin.email, world.erin.password)
    page = tc.get(f"/w/{world.slug}/features/{fid}/estimate").text
    assert "Nothing similar enough in your history" in page and "Suggested P10" not in page
    assert "start=suggestion" not in page
    # an outsider sees neither the suggestion nor that the feature exists, in either workspace
    outsider = world.charlie.headers
    assert client.get(world.api(f"/features/{fid}/estimate-suggestion"), headers=outsider).status_code == 404
    other = f"/api/v1/workspaces/{world.other_slug}/features/{fid}/estimate-suggestion"
    assert client.get(other, headers=outsider).status_code == 404


def test_finished_work_without_points_gives_no_range_in_days(client, world: World) -> None:
    _import(client, world, _finished(TODAY - timedelta(days=300)))
    fid = _feature(client, world, "Schema view: show the types of embedded document fields", "")
    s = _suggestion(client, world, fid)
    assert s["status"] == "declined" and s["unit"] == "points" and "p50" not in s, s
    assert "no story points" in s["reason"] and "elapsed time is not effort" in s["reason"]
    assert s["cycle_time"]["items"] == 4  # what similar work took, as context


def test_the_teams_own_sized_items_come_first(client, world: World) -> None:  # type: ignore[no-untyped-def]
    teams = [client.post(world.api("/teams"), json={"name": name, "members": ["Ana"]}, headers=world.alice.headers)
             .json()["id"] for name in ("Explorer", "Pipelines")]
    start = TODAY - timedelta(days=300)
    _import(client, world, _sized("EXP", {"schema": 2, "typo": 1}, start), key_column="Issue key", team_id=teams[0])
    # the other team sized the same kind of work bigger, and more recently
    _import(client, world, _sized("PIP", {"schema": 13, "aggregation": 8}, start + timedelta(days=120)),
            key_column="Issue key", team_id=teams[1])
    fid = _feature(client, world, "Schema view: show the types of embedded document fields", "")
    r = client.put(world.api(f"/features/{fid}/estimate"), headers=world.erin.headers,
                   json={"optimistic": 1, "likely": 2, "pessimistic": 5, "unit": "points", "team_id": teams[0]})
    assert r.status_code == 200, r.text
    own = _suggestion(client, world, fid)  # the estimate names the team doing it
    assert own["status"] == "ok" and own["team_id"] == teams[0] and own["team"] == "Explorer", own
    assert own["p50"] == 2 and own["history_items"] == 16
    assert all(n["key"].startswith("EXP-") for n in own["neighbours"])
    other = _suggestion(client, world, fid, team_id=teams[1])  # asked for the other team
    assert other["team"] == "Pipelines" and other["p50"] == 13
    assert all(n["key"].startswith("PIP-") for n in other["neighbours"])
    assert client.get(world.api(f"/features/{fid}/estimate-suggestion"), params={"team_id": 10**6},
                      headers=world.alice.headers).status_code == 404  # no such team here


def test_the_fitted_index_is_kept_while_the_history_stays_the_same(client, world: World,  # type: ignore[no-untyped-def]
                                                                   monkeypatch) -> None:
    fits: list[int] = []
    fit = ReferenceIndex.fit

    def counted(cls, history, **kw):  # type: ignore[no-untyped-def]
        fits.append(len(history))
        return fit(history, **kw)

    monkeypatch.setattr(ReferenceIndex, "fit", classmethod(counted))
    _history(client, world)
    fid = _feature(client, world, "Schema view: show the types of embedded document fields", "")
    first = _suggestion(client, world, fid)
    again = _suggestion(client, world, _feature(client, world, "Aggregation pipeline: editor for a new stage", ""))
    assert first["status"] == again["status"] == "ok" and again["p50"] == 8
    assert fits == [32]  # fitted once for both features and both requests
    _suggestion(client, world, fid)
    assert fits == [32]
    _import(client, world, _sized("LATE", {"schema": 3}, TODAY - timedelta(days=40)), key_column="Issue key")
    assert _suggestion(client, world, fid)["history_items"] == 40 and fits == [32, 40]  # a new history: refitted
