"""What-if dates: a deadline the what-if moves is the day that feature's promises are due in it ("what if we
renegotiated to then?"), and the dates that move are listed, not hidden; the hire's joining day is read under the
web form's name too. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tests.integration.test_delivery import TODAY, _plan, _planning_world
from tradeoff.bootstrap import Container


def _promised(client, world: World) -> tuple[dict[str, int], int, int, date]:  # type: ignore[no-untyped-def]
    ids = _planning_world(client, world)
    start = TODAY + timedelta(days=(7 - TODAY.weekday()) % 7)
    pid = _plan(client, world, periods=6, start=start.isoformat(), period_days=14, live=True,
                values={str(ids[k]): v for k, v in (("a", 8.5), ("b", 6), ("c", 6), ("d", 12))})
    assert client.post(world.api(f"/plans/{pid}/solve"), headers=world.alice.headers).status_code == 200
    cust = client.post(world.api("/customers"), json={"name": "Acme Corp", "arr": "50000"},
                       headers=world.alice.headers).json()["id"]
    due = start + timedelta(days=16)  # in the second period: the plan holds it, but 13 person-days by then is a stretch
    r = client.post(world.api("/commitments"), json={"feature_id": ids["d"], "customer_id": cust,
                                                     "due": due.isoformat()}, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return ids, pid, int(r.json()["id"]), due


def test_a_moved_deadline_is_when_its_promises_are_due_in_the_what_if(client, world: World) -> None:  # type: ignore[no-untyped-def]
    ids, pid, cid, due = _promised(client, world)
    later = due + timedelta(days=120)
    w = client.post(world.api(f"/plans/{pid}/what-if"),
                    json={"move_deadlines": [{"feature_id": ids["d"], "deadline": later.isoformat()}]},
                    headers=world.alice.headers)
    assert w.status_code == 200, w.text
    row = next(c for c in w.json()["dates"]["commitments"] if c["commitment_id"] == cid)
    assert row["due"] == due.isoformat() and row["what_if_due"] == later.isoformat()
    assert row["plan_probability"] < 0.5 < row["what_if_probability"]  # renegotiated: likely kept
    # a what-if that moves nothing keeps the promise's own due date and its chance
    w = client.post(world.api(f"/plans/{pid}/what-if"), json={"drop_features": [ids["b"]]},
                    headers=world.alice.headers).json()
    row = next(c for c in w["dates"]["commitments"] if c["commitment_id"] == cid)
    assert row["what_if_due"] == row["due"] == due.isoformat()


def test_the_what_if_lists_the_dates_that_move_and_reads_joins(client, container: Container, world: World) -> None:  # type: ignore[no-untyped-def]
    ids, pid, _, _ = _promised(client, world)
    joins = (TODAY + timedelta(days=20)).isoformat()
    api = client.post(world.api(f"/plans/{pid}/what-if"),
                      json={"add_people": [{"team_id": ids["tid"], "people": 2, "joins": joins}]},
                      headers=world.alice.headers)
    assert api.status_code == 200, api.text
    assert joins in api.json()["scenario"]["name"]  # "+2 people on Core (joining …)": the day was read
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/plans/{pid}")
    r = tc.post(f"/w/{world.slug}/plans/{pid}/what-if", data={"csrf_token": csrf_of(page.text),
                                                               "team_id": str(ids["tid"]), "people": "2"})
    assert r.status_code == 200, r.text[:500]
    moves = r.text.split('id="what-if-moves"', 1)[1].split("</ul>", 1)[0]
    assert "→ <strong>" in moves and "(sooner)" in moves  # two more people: some P85 dates come sooner
