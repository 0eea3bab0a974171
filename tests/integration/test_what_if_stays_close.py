"""A what-if through the API, on SQLite and PostgreSQL, changes only what its change needs: one more person on
Payments does not reshuffle Web's features when a plan worth nearly as much (within 0.1 %) leaves them alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import World

MONDAY = date.today() + timedelta(days=(7 - date.today().weekday()) % 7)


def _made(r: Any) -> int:
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _feature(client: Any, world: World, title: str, effort: float, team: int, **estimate: Any) -> int:
    fid = _made(client.post(world.api("/features"), json={"title": title}, headers=world.alice.headers))
    r = client.put(world.api(f"/features/{fid}/estimate"), headers=world.erin.headers, json={
        "optimistic": effort - 1, "likely": effort, "pessimistic": effort + 1, "team_id": team, **estimate})
    assert r.status_code == 200, r.text
    return fid


def test_one_more_person_on_payments_leaves_web_where_it_was(client: Any, world: World) -> None:
    # two people a team: 20 person-days in each of two fortnights. Payments' five features (10 days, worth 100
    # each) fit four; Web's four (10 days, worth 50) fill Web. Sync needs 10 days of each team and is worth 50.3.
    # With one more person Payments fits all five and has 10 days spare, so Sync fits too, but only in place of
    # a Web feature: 700.3 against 700, 0.04 % more. The what-if adds the fifth Payments feature and leaves Web be.
    h = world.alice.headers
    payments = _made(client.post(world.api("/teams"), json={"name": "Payments", "members": ["Ana", "Bo"]}, headers=h))
    web = _made(client.post(world.api("/teams"), json={"name": "Web", "members": ["Cy", "Di"]}, headers=h))
    values: dict[str, float] = {}
    pay = [_feature(client, world, f"Payments {i}", 10, payments) for i in range(5)]
    webs = [_feature(client, world, f"Web {i}", 10, web) for i in range(4)]
    sync = _feature(client, world, "Sync", 20, payments, team_shares={str(web): 0.5})
    values |= {str(f): 100.0 for f in pay} | {str(f): 50.0 for f in webs} | {str(sync): 50.3}
    pid = _made(client.post(world.api("/plans"), headers=h, json={
        "name": "Q3", "start": MONDAY.isoformat(), "periods": 2, "period_days": 14, "value_source": "manual",
        "time_limit": 4, "values": values}))
    solved = client.post(world.api(f"/plans/{pid}/solve"), headers=h)
    assert solved.status_code == 200, solved.text
    plan = {x["feature_id"]: x["period"] for x in solved.json()["result"]["schedule"]}
    assert solved.json()["result"]["value"] == 600 and set(webs) <= set(plan) and sync not in plan

    r = client.post(world.api(f"/plans/{pid}/what-if"), headers=h,
                    json={"add_people": [{"team_id": payments, "people": 1}]})
    assert r.status_code == 200, r.text
    w = r.json()
    scenario = {x["feature_id"]: x["period"] for x in w["scenario"]["schedule"]}
    assert {f: scenario.get(f) for f in webs} == {f: plan[f] for f in webs}  # every Web feature where it was
    assert sync not in scenario and set(pay) <= set(scenario)
    changed = {x["feature_id"] for part in ("added", "removed", "moved") for x in w["diff"][part]}
    assert not changed & set(webs)
    assert w["scenario"]["value"] == 700 and w["diff"]["value_difference"] == 100
    assert (f"{len(changed)} {'feature' if len(changed) == 1 else 'features'} moved, added or left out against the "
            "plan (the plan of the best value would change") in " ".join(w["scenario"]["notes"])
    assert "the closest plan within 0.1% of the best value" in " ".join(w["scenario"]["notes"])
