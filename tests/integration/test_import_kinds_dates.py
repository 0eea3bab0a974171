"""A PM imports her own history on SQLite and PostgreSQL: feedback without dates is of unknown date (in no trend, no
"rising", no "from the last 7 days"), and a kind column is read as her own kinds, each value mapped clearly."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import World, shared_data
from tests.e2e.conftest import sign_in, web_client
from tests.e2e.test_web_import_words import speaks_the_web, upload
from tradeoff.attention import service as attention
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app
from tradeoff.feedback.model import Feedback
from tradeoff.triage import service as triage_service
from tradeoff.triage.engine import TriageEngine

REVIEWS = ("id,text,label\n"
           "3,Can't access my account after the update,bug report\n"
           "5,Please add a dark mode,feature request\n"
           "6,Great app I love it,rating\n"
           "7,Easy to use and fast,user experience\n")


def _import(client, world: World, data: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(world.api("/imports/feedback"), files={"file": ("reviews.csv", data.encode(), "text/csv")},
                       data=form, headers=world.alice.headers)


def _workspace_id(container: Container, world: World) -> int:
    from tradeoff.accounts import service as accounts

    with container.unit_of_work() as uow:
        return int(accounts.workspace_by_slug(uow=uow, slug=world.slug).id)


def test_feedback_without_dates_is_of_unknown_date_and_counts_in_no_recency(client, container: Container,
                                                                            world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    preview = _import(client, world, REVIEWS, dry_run="true", unknown_kinds="triage").json()
    assert "date" not in preview["mapping"] and {s["reported_at"] for s in preview["sample"]} == {None}
    r = _import(client, world, REVIEWS, unknown_kinds="triage")
    assert r.status_code == 201, r.text
    assert r.json()["undated"] == 4
    items = client.get(world.api("/feedback?sort=id"), headers=h).json()["items"]
    assert [i["date_unknown"] for i in items] == [True] * 4
    today = datetime.now(UTC)
    assert all(abs(datetime.fromisoformat(i["reported_at"].replace("Z", "+00:00")) - today) < timedelta(hours=1)
               for i in items)  # dated by the import, so it sorts and pages; marked as not the day it was said

    # one piece of feedback really given this week, beside the history
    fresh = client.post(world.api("/feedback"), json={"text": "Export to PDF fails since Monday"}, headers=h).json()
    assert fresh["date_unknown"] is False
    ws_id = _workspace_id(container, world)
    with container.unit_of_work() as uow:
        found = {i.kind: i for i in attention.attention(uow=uow, workspace_id=ws_id, now=datetime.now(UTC))}
    unlinked = found["feedback_unlinked"]
    assert unlinked.count == 1 and [ref.record_id for ref in unlinked.refs] == [fresh["id"]]
    assert unlinked.title == "1 piece of feedback from the last 7 days linked to nothing"
    since = (today - timedelta(days=3)).isoformat()
    assert [i["id"] for i in client.get(world.api("/feedback"), params={"since": since}, headers=h).json()["items"]] \
        == [fresh["id"]]  # "said since": an item of unknown date was not

    # linked as evidence: counted, but in no trend ("39 vs 0 … rising" was the import day)
    feature = client.post(world.api("/features"), json={"title": "Account access"}, headers=h).json()["id"]
    done = client.post(world.api("/feedback/bulk"), json={"action": "link", "feature_id": feature,
                                                          "ids": [i["id"] for i in items]}, headers=h)
    assert done.status_code == 200, done.text
    d = client.get(world.api(f"/features/{feature}/demand"), headers=world.erin.headers).json()
    assert d["feedback_count"] == 4 and d["undated"] == 4
    assert [(t["recent"], t["previous"], t["direction"]) for t in d["trends"]] == [(0, 0, "flat"), (0, 0, "flat")]
    assert all(q["date_unknown"] and "date unknown" in q["why"] for q in d["quotes"])
    evidence = client.get(world.api(f"/features/{feature}/evidence"), headers=h).json()["evidence"]
    assert len(evidence) == 4 and all(e["date_unknown"] for e in evidence)

    # the pages say so instead of a day
    tc = web_client(container)
    sign_in(tc, world.bob.email, world.bob.password)
    day = f"{today.day} {today:%b}"
    assert f"date unknown (imported {day})" in tc.get(f"/w/{world.slug}/feedback/{items[0]['id']}").text
    assert f"date unknown (imported {day})" in tc.get(f"/w/{world.slug}/feedback").text
    page = tc.get(f"/w/{world.slug}/features/{feature}").text
    assert "Last 30 days: 0" in page and "↑ rising" not in page
    assert "4 pieces of unknown date (imported without one) in no trend" in page
    # the edit form leaves the day empty (saving keeps it unknown); a day given makes it known
    form = tc.get(f"/w/{world.slug}/feedback/{items[0]['id']}/edit").text
    field = re.search(r'<input[^>]*name="reported_at"[^>]*>', form)
    assert field and today.date().isoformat() not in field[0], field
    one = client.get(world.api(f"/feedback/{items[0]['id']}"), headers=h)
    r = client.patch(world.api(f"/feedback/{items[0]['id']}"), json={"text": "Can't access my account!"},
                     headers=h | {"If-Match": one.headers["etag"]})
    assert r.status_code == 200 and r.json()["date_unknown"] is True  # another change leaves the date unknown
    r = client.patch(world.api(f"/feedback/{items[0]['id']}"), json={"reported_at": "2024-05-02T10:00:00Z"},
                     headers=h | {"If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text
    assert (r.json()["date_unknown"], r.json()["reported_at"][:10]) == (False, "2024-05-02")

    # an outsider sees none of it
    for path in ("/feedback?tag=x", f"/features/{feature}/demand", "/attention"):
        assert client.get(world.api(path), headers=world.charlie.headers).status_code == 404, path
    r = client.post(world.api("/imports/feedback"), files={"file": ("r.csv", REVIEWS.encode(), "text/csv")},
                    data={"dry_run": "true"}, headers=world.charlie.headers)
    assert r.status_code == 404


def test_a_kind_column_is_read_as_the_pms_own_kinds_with_a_clear_mapping(client, container: Container,
                                                                       world: World) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    preview = _import(client, world, REVIEWS, dry_run="true").json()
    assert preview["mapping"] == {"text": "text", "kind": "label"}  # not tags
    assert preview["kinds"] == [
        {"value": "bug report", "rows": 1, "kind": "bug", "by": "known"},
        {"value": "feature request", "rows": 1, "kind": "feature_request", "by": "known"},
        {"value": "rating", "rows": 1, "kind": None, "by": "unknown"},
        {"value": "user experience", "rows": 1, "kind": None, "by": "unknown"}]
    assert [(b["row"], b["field"], b["column"], b["value"]) for b in preview["bad_rows"]] == [
        (3, "kind", "label", "rating"), (4, "kind", "label", "user experience")]
    assert not preview["ready"] and [s["kind"] for s in preview["sample"]] == ["bug", "feature_request"]

    refused = _import(client, world, REVIEWS)
    assert refused.status_code == 422
    assert {(e["loc"][1], e["value"]) for e in refused.json()["errors"]} == {(3, "rating"), (4, "user experience")}
    assert _import(client, world, REVIEWS, kind_values='{"rating": "great"}').status_code == 422
    assert "'great' is not a kind" in _import(client, world, REVIEWS, kind_values='{"rating": "great"}').text

    r = _import(client, world, REVIEWS, kind_values=json.dumps({"rating": "praise", "user experience": "triage"}))
    assert r.status_code == 201, r.text
    assert r.json()["kinds_from_file"] == 3
    ws_id = _workspace_id(container, world)
    with container.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Feedback).where(Feedback.workspace_id == ws_id).order_by(Feedback.id)))
        assert [(f.kind, f.kind_source, f.tags) for f in rows] == [
            ("bug", "pm", []), ("feature_request", "pm", []), ("praise", "pm", []), (None, None, [])]
        # triage keeps her kinds (and learns from them) and guesses only the one she left to it
        while triage_service.triage_batch(uow=uow, engine=TriageEngine(), workspace_id=ws_id):
            pass
        uow.session.expire_all()
        rows = list(uow.session.scalars(select(Feedback).where(Feedback.workspace_id == ws_id).order_by(Feedback.id)))
        assert [(f.kind, f.kind_source) for f in rows[:3]] == [("bug", "pm"), ("feature_request", "pm"), ("praise", "pm")]
        assert rows[3].kind_source == "model" and all(f.triaged_at and f.sentiment for f in rows)
    pm_kinds = client.get(world.api("/feedback?kind_source=pm"), headers=h).json()["items"]
    assert len(pm_kinds) == 3


def test_the_cli_maps_kind_values_and_shows_the_mapping(container: Container, world: World, tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS, encoding="utf-8")
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    runner = CliRunner()
    dry = runner.invoke(app, ["import", "feedback", str(path), "-w", world.slug, "--dry-run"], env=env)
    assert dry.exit_code == 1, dry.output  # would be refused: two values are not kinds
    assert "kinds in 'label': bug report (1 row) → bug; feature request (1 row) → feature_request; rating (1 row) " \
           "→ unknown" in dry.stdout
    assert "every item is imported with its date unknown" in dry.stdout
    assert "'rating' is not a kind Tradeoff knows" in dry.stdout
    done = runner.invoke(app, ["import", "feedback", str(path), "-w", world.slug, "--kind-value", "rating=praise",
                               "--kind-value", "user experience=other", "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["kinds_from_file"] == 4
    listed = json.loads(runner.invoke(app, ["feedback", "list", "-w", world.slug, "--filter", "kind=other", "--json"],
                                      env=env).stdout)["items"]
    assert [i["text"] for i in listed] == ["Easy to use and fast"] and listed[0]["kind_source"] == "pm"
    table = runner.invoke(app, ["feedback", "list", "-w", world.slug], env=env).stdout
    assert "date unknown (imported" in table
    bad = runner.invoke(app, ["import", "feedback", str(path), "-w", world.slug, "--kind-value", "rating=great"], env=env)
    assert bad.exit_code != 0 and "'great' is not a kind" in bad.output


def test_the_web_import_maps_each_kind_value_in_the_pages_words(container: Container, world: World) -> None:
    base = f"/w/{world.slug}/import"
    tc = web_client(container)
    token = sign_in(tc, world.bob.email, world.bob.password)
    page, carry = upload(tc, base, token, "reviews.csv", REVIEWS)
    words = speaks_the_web(page, "Kinds", "not a kind Tradeoff knows", "(choose it under “Kinds”)",
                           "No column holds dates: every item is imported with its date unknown")
    assert "Leave for triage to guess" in words
    assert 'name="kind_from" value="rating"' in page and 'name="map_kind"' in page
    chosen = {**carry, "map_text": "text", "map_kind": "label",
              "kind_from": ["bug report", "feature request", "rating", "user experience"],
              "kind_to": ["bug", "feature_request", "praise", "triage"]}
    checked = tc.post(f"{base}/preview", data=chosen)
    assert checked.status_code == 200 and "Ready: 4 feedback items" in speaks_the_web(checked.text)
    done = tc.post(f"{base}/run", data={**chosen, "expected": "4"})
    assert done.status_code == 200, done.text[:500]
    with container.unit_of_work() as uow:
        ws_id = _workspace_id(container, world)
        kinds = list(uow.session.scalars(select(Feedback.kind).where(Feedback.workspace_id == ws_id)
                                         .order_by(Feedback.id)))
    assert kinds == ["bug", "feature_request", "praise", None]


def test_the_app_reviews_file_imports_with_its_labels_as_kinds_and_no_false_recency(client, container: Container,
                                                                                    world: World) -> None:  # type: ignore[no-untyped-def]
    data = shared_data("feedback", "app_reviews.csv").read_text(encoding="utf-8")
    labels = {r["label"] for r in csv.DictReader(io.StringIO(data))}
    assert labels == {"bug report", "feature request", "rating", "user experience"}
    preview = _import(client, world, data, dry_run="true").json()
    by_value = {k["value"]: (k["rows"], k["kind"]) for k in preview["kinds"]}
    assert by_value == {"feature request": (933, "feature_request"), "bug report": (846, "bug"),
                        "rating": (495, None), "user experience": (395, None)}
    r = _import(client, world, data, kind_values=json.dumps({"rating": "praise", "user experience": "other"}))
    assert r.status_code == 201, r.text
    assert (r.json()["created_feedback"], r.json()["kinds_from_file"], r.json()["undated"]) == (2669, 2669, 2669)
    with container.unit_of_work() as uow:
        found = {i.kind for i in attention.attention(uow=uow, workspace_id=_workspace_id(container, world),
                                                     now=datetime.now(UTC))}
    assert "feedback_unlinked" not in found  # not "2,568 pieces of feedback from the last 7 days"
    tagged = client.get(world.api("/feedback"), params={"tag": "feature request"}, headers=world.alice.headers)
    assert tagged.json()["items"] == []  # the labels became kinds, not tags


def test_the_web_preview_and_the_api_read_numeric_dates_in_the_files_order(client, container: Container,
                                                                          world: World) -> None:  # type: ignore[no-untyped-def]
    us = "Comment,Created\nSSO please,12/31/2025\nExports are slow,04/05/2025\n"
    preview = _import(client, world, us, dry_run="true").json()
    assert preview["ready"] and [s["reported_at"][:10] for s in preview["sample"]] == ["2025-12-31", "2025-04-05"]
    base = f"/w/{world.slug}/import"
    tc = web_client(container)
    token = sign_in(tc, world.bob.email, world.bob.password)
    page, carry = upload(tc, base, token, "us.csv", us)
    speaks_the_web(page, "Ready: 2 feedback items")
    page, carry = upload(tc, base, token, "blind.csv", "Comment,Created\nSSO please,04/05/2025\n")
    words = speaks_the_web(page, "ambiguous: day/month or month/day", "%d/%m/%Y or %m/%d/%Y")
    assert "Ready:" not in words
    checked = tc.post(f"{base}/preview", data={**carry, "map_text": "Comment", "map_date": "Created",
                                               "date_format": "%d/%m/%Y"})
    assert checked.status_code == 200 and "Ready: 1 feedback item" in speaks_the_web(checked.text)
    mixed = _import(client, world, "Comment,Created\nSSO please,31/12/2025\nExports are slow,12/31/2025\n")
    assert mixed.status_code == 422 and [e["loc"] for e in mixed.json()["errors"]] == [["row", 1, "date"],
                                                                                       ["row", 2, "date"]]
