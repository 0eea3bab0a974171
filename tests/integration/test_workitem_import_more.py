"""Work-history import as an engineering manager meets it with real tracker exports, on SQLite and PostgreSQL:
a tracker's parent id is never a Tradeoff feature id, exports of two trackers do not overwrite each other,
importing again keeps feature links, cancelled work is not finished work, Jira Cloud's columns, unmatched
feature values in the CLI's text, and Azure DevOps' and German dates."""

from __future__ import annotations

import io
from typing import Any

from typer.testing import CliRunner

from tests.conftest import World
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app


def _import(client, world: World, data: str, **form: Any):  # type: ignore[no-untyped-def]
    return client.post(world.api("/imports/workitems"),
                       files={"file": ("history.csv", io.BytesIO(data.encode()), "text/csv")},
                       data={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in form.items()},
                       headers=world.erin.headers)


def _feature(client, world: World, title: str) -> int:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/features"), json={"title": title}, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _items(client, world: World) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = client.get(world.api("/workitems"), params={"limit": 200}, headers=world.alice.headers)
    assert r.status_code == 200, r.text
    return {i["key"]: i for i in r.json()["items"]}


def test_a_trackers_parent_id_is_never_taken_for_a_feature_id(client, world: World) -> None:
    fid = _feature(client, world, "Dunning")
    ado = ("ID,Work Item Type,Title,State,Created Date,Closed Date,Parent\n"
           f"101,User Story,Dunning emails,Closed,2025-03-01,2025-03-05,{fid}\n"
           f"102,User Story,Retry failed cards,Closed,2025-03-01,2025-03-06,{fid}\n")
    p = _import(client, world, ado, dry_run=True).json()
    assert "feature" not in p["mapping"] and p["linked_to_features"] == 0
    assert _import(client, world, ado).status_code == 201
    assert {i["feature_id"] for i in _items(client, world).values()} == {None}
    # a guessed epic column links by title only: a number in it is the tracker's id, not ours
    jira = ("Issue key,Summary,Status,Created,Resolved,Epic Link\n"
            f"PAY-1,Dunning emails,Done,2025-03-01,2025-03-05,{fid}\n"
            "PAY-2,Retry failed cards,Done,2025-03-01,2025-03-06,dunning\n")
    p = _import(client, world, jira, dry_run=True).json()
    assert p["mapping"]["feature"] == "Epic Link" and p["linked_to_features"] == 1
    assert p["unmatched_features"] == {str(fid): 1}
    assert any("--map feature=" in n for n in p["notes"])  # says how to mean our ids
    # mapped on purpose, a number is a Tradeoff feature id, written as Tradeoff writes it or bare
    p = _import(client, world, ado, dry_run=True, feature_column="Parent").json()
    assert p["linked_to_features"] == 2
    hashed = ado.replace(f",{fid}\n", f",#{fid}\n")
    assert _import(client, world, hashed, dry_run=True, feature_column="Parent").json()["linked_to_features"] == 2
    # no started column: cycle times are counted from creation, and the preview says so
    assert any(n.startswith("no 'started' column: cycle times count from when each item was created")
               for n in p["notes"])
    assert not any("resolved" in n for n in p["notes"])
    # no resolved column, or one that is empty: nothing is finished, and the preview says what that costs
    bare = "ID,Title,State,Created Date\n101,Dunning emails,Closed,2025-03-01\n"
    notes = _import(client, world, bare, dry_run=True).json()["notes"]
    assert any(n.startswith("no 'resolved' column: no item counts as finished") for n in notes), notes
    empty = "ID,Title,State,Created Date,Closed Date\n101,Dunning emails,Closed,2025-03-01,\n"
    notes = _import(client, world, empty, dry_run=True).json()["notes"]
    assert "no row has a date in 'Closed Date': no item counts as finished" in " ".join(notes), notes


def test_another_trackers_export_with_the_same_keys_is_refused_until_prefixed(client, world: World) -> None:
    ado = "ID,Work Item Type,Title,State,Created Date,Closed Date,Story Points\n" + "".join(
        f"{i},User Story,ADO story {i},Closed,2025-03-01,2025-03-05,3\n" for i in range(1, 6))
    assert _import(client, world, ado).json()["created"] == 5
    github = "number,title,state,state_reason,created_at,closed_at\n" + "".join(
        f"{i},GitHub issue {i},closed,completed,2025-04-01T10:00:00Z,2025-04-02T10:00:00Z\n" for i in range(1, 4))
    p = _import(client, world, github, dry_run=True).json()
    assert not p["ready"] and [b["code"] for b in p["blockers"]] == ["key_clash"]
    message = p["blockers"][0]["message"]
    assert "rows 1, 2, 3" in message and "Azure DevOps" in message and "--key-prefix" in message
    r = _import(client, world, github, skip_bad_rows=True)
    assert r.status_code == 422 and ["row", 1, "key"] in [e["loc"] for e in r.json()["errors"]]
    assert _items(client, world)["1"]["title"] == "ADO story 1"  # untouched
    r = _import(client, world, github, key_prefix="GH-")
    assert r.status_code == 201 and r.json()["created"] == 3, r.text
    items = _items(client, world)
    assert items["GH-1"]["title"] == "GitHub issue 1" and items["1"]["title"] == "ADO story 1"
    assert _import(client, world, ado).json()["updated"] == 5  # the same tracker again: an update


def test_another_teams_items_are_not_taken_over(client, world: World) -> None:
    teams = [client.post(world.api("/teams"), json={"name": n, "members": ["Ana"]},
                         headers=world.alice.headers).json()["id"] for n in ("Payments", "Growth")]
    data = "Key,Title,Created,Resolved\nW-1,Thing,2025-03-01,2025-03-02\nW-2,Other,2025-03-01,\n"
    assert _import(client, world, data, team_id=teams[0]).status_code == 201
    r = _import(client, world, data, team_id=teams[1])
    assert r.status_code == 422 and "another team" in r.json()["detail"] and "rows 1, 2" in r.json()["detail"]
    assert _import(client, world, data, team_id=teams[0]).json()["updated"] == 2


def test_importing_again_without_the_feature_mapping_keeps_the_links(client, world: World) -> None:
    fid, other = _feature(client, world, "Dunning"), _feature(client, world, "Bulk send")
    data = "Key,Title,Created,Resolved,Tradeoff feature\n" + "".join(
        f"D-{i},Dunning step {i},2025-03-01,2025-03-0{i + 2},{fid}\n" for i in range(3))
    first = _import(client, world, data, feature_column="Tradeoff feature").json()
    assert first["linked_to_features"] == 3
    again = _import(client, world, data).json()  # the earlier mapping forgotten: the links stay
    assert again["updated"] == 3 and again["feature_links_kept"] == 3 and again["feature_links_cleared"] == 0
    assert {i["feature_id"] for i in _items(client, world).values()} == {fid}
    unknown = data.replace(f",{fid}\n", ",Nothing like it\n")  # a value matching no feature keeps the link too
    assert _import(client, world, unknown, feature_column="Tradeoff feature").json()["feature_links_kept"] == 3
    moved = data.replace(f"D-0,Dunning step 0,2025-03-01,2025-03-02,{fid}", "D-0,Dunning step 0,2025-03-01,"
                                                                           "2025-03-02,Bulk send")
    r = _import(client, world, moved, feature_column="Tradeoff feature").json()
    assert r["feature_links_changed"] == 1 and _items(client, world)["D-0"]["feature_id"] == other


def test_cancelled_work_is_imported_but_not_finished(client, world: World) -> None:
    fid = _feature(client, world, "Dunning")
    jira = ("Issue key,Summary,Status,Resolution,Created,Resolved,Story Points,Epic Link\n"
            "PAY-1,Shipped,Done,Done,2025-03-01,2025-03-05,3,Dunning\n"
            "PAY-2,Not doing it,Done,Won't Do,2025-03-01,2025-03-02,5,Dunning\n"
            "PAY-3,Same as PAY-1,Closed,Duplicate,2025-03-01,2025-03-02,2,\n"
            "PAY-4,Dropped,Cancelled,,2025-03-01,2025-03-03,1,\n")
    p = _import(client, world, jira, dry_run=True).json()
    assert p["mapping"]["resolution"] == "Resolution"
    assert p["finished_rows"] == 1 and p["cancelled_rows"] == 3
    assert any("3 cancelled" in n and "not finished" in n for n in p["notes"]), p["notes"]
    r = _import(client, world, jira)
    assert r.status_code == 201 and r.json()["cancelled_rows"] == 3
    summary = client.get(world.api("/workitems/summary"), headers=world.alice.headers).json()
    assert summary["items"] == 4 and summary["finished"] == 1
    items = _items(client, world)
    assert items["PAY-2"]["resolved_at"] is None and "Won't Do" in items["PAY-2"]["status"]
    assert items["PAY-2"]["feature_id"] is None  # cancelled work is no part of the feature's scope
    assert items["PAY-1"]["feature_id"] == fid
    ado = ("ID,Work Item Type,Title,State,Created Date,Closed Date\n"
           "7,User Story,Removed one,Removed,2025-03-01,2025-03-04\n")
    github = ("number,title,state,state_reason,created_at,closed_at\n"
              "8,Not planned,closed,not_planned,2025-03-01T00:00:00Z,2025-03-04T00:00:00Z\n")
    for data in (ado, github):
        p = _import(client, world, data, dry_run=True, key_prefix="X-").json()
        assert p["finished_rows"] == 0 and p["cancelled_rows"] == 1, p


def test_jira_cloud_columns_and_a_points_column_left_unmapped(client, world: World) -> None:
    fid = _feature(client, world, "Dunning")
    data = ("Issue key,Issue id,Summary,Custom field (Story point estimate),Custom field (Epic Link),Parent summary,"
            "Created,Resolved\n"
            f"PAY-1,10001,Dunning emails,5,{fid},Dunning,2025-03-01,2025-03-05\n")
    p = _import(client, world, data, dry_run=True).json()
    assert p["mapping"]["points"] == "Custom field (Story point estimate)" and p["with_points"] == 1
    assert p["mapping"]["feature"] == "Parent summary" and p["sample"][0]["feature_id"] == fid
    p = _import(client, world, data, dry_run=True, feature_column="Custom field (Epic Link)").json()
    assert p["linked_to_features"] == 1  # mapped on purpose: the user says the numbers are ours
    odd = "Key,Title,Created,SP (team),Resolved\nW-1,Thing,2025-03-01,3,2025-03-02\n"
    p = _import(client, world, odd, dry_run=True).json()
    assert "points" not in p["mapping"]
    assert any("no points column found" in n and "--map points='SP (team)'" in n for n in p["notes"]), p["notes"]


def test_cli_text_names_unmatched_feature_values(container: Container, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "history.csv"
    csv.write_text("Key,Title,Created,Resolved,Epic\n" + "".join(
        f"W-{i},Thing {i},2025-03-01,2025-03-02,{name}\n"
        for i, name in enumerate(["Checkout revamp", "Checkout revamp", "Mobile app", "Dark mode"])), encoding="utf-8")
    runner = CliRunner()
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    for extra in (["--dry-run"], []):
        r = runner.invoke(app, ["import", "workitems", str(csv), "-w", world.slug, *extra], env=env)
        assert r.exit_code == 0, r.output
        assert "3 feature values matched no feature" in r.output, r.output
        assert "'Checkout revamp' (2 rows)" in r.output and "'Mobile app' (1 row)" in r.output


def test_dates_whose_order_the_rest_of_the_file_tells(client, world: World) -> None:
    ado = ("ID,Title,State,Created Date,Closed Date\n"
           "1,One,Closed,5/3/2025 9:00:00 AM,5/28/2025 5:00:00 PM\n"
           "2,Two,Closed,4/1/2025 10:15:00 AM,4/2/2025 11:00:00 PM\n")
    p = _import(client, world, ado, dry_run=True).json()
    assert p["bad_row_count"] == 0, p["bad_rows"]
    assert p["sample"][0]["created"].startswith("2025-05-03T09:00") and p["sample"][0]["resolved"].startswith(
        "2025-05-28T17:00")
    german = "Key,Title,Created,Resolved\nW-1,Eins,03.02.2025,04.02.2025 14:30\n"
    p = _import(client, world, german, dry_run=True).json()
    assert p["bad_row_count"] == 0 and p["sample"][0]["created"].startswith("2025-02-03"), p["bad_rows"]
    unclear = "ID,Title,Created Date\n1,One,5/3/2025 9:00:00 AM\n"
    p = _import(client, world, unclear, dry_run=True).json()
    reason = p["bad_rows"][0]["reason"]
    assert "5/3/2025 9:00:00 AM" in reason and "%m/%d/%Y %I:%M:%S %p" in reason, reason
    p = _import(client, world, unclear, dry_run=True, date_format="%m/%d/%Y %I:%M:%S %p").json()
    assert p["bad_row_count"] == 0 and p["sample"][0]["created"].startswith("2025-05-03T09:00")
    p = _import(client, world, unclear, dry_run=True, date_format="%m/%d/%Y").json()  # the time after it is fine
    assert p["bad_row_count"] == 0 and p["sample"][0]["created"].startswith("2025-05-03T09:00"), p["bad_rows"]
