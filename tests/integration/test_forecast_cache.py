"""What forecasts remember, on SQLite and PostgreSQL: the throughput calibration per work history (computed once
while the history stays the same, again after an import, and the same answer as computing it afresh), and one
forecast per transaction for a batch of promises or an estimate saved, with the chances a promise gets alone."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from tests.conftest import World
from tradeoff.accounts import service as accounts
from tradeoff.commitments import service as commitment_service
from tradeoff.core import forecasting
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.schemas import EstimateIn
from tradeoff.forecasts import service as forecast_service
from tradeoff.storage.uow import Actor
from tradeoff.workitems import history as work_history
from tradeoff.workitems import service as workitem_service

TODAY = date.today()


def _history_csv(n: int, start: date, first: int = 1) -> bytes:
    """`n` stories finished every other day from `start`, every fourth one part of a feature, the last two open."""
    lines = ["Issue key,Summary,Issue Type,Status,Created,Resolved,Story Points,Feature"]
    for i in range(n):
        created = start + timedelta(days=2 * i)
        resolved = (created + timedelta(days=3)).isoformat() if i < n - 2 or n < 3 else ""
        feature = f"Feature {'abc'[i % 3]}" if i % 4 == 0 else ""
        lines.append(f"HIS-{first + i},Story {first + i},Story,{'Done' if resolved else 'Open'},{created.isoformat()},"
                     f"{resolved},{1 + i % 5},{feature}")
    return ("\n".join(lines) + "\n").encode()


def _import(client, world: World, data: bytes) -> None:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/imports/workitems"), files={"file": ("h.csv", io.BytesIO(data), "text/csv")},
                    headers=world.erin.headers)
    assert r.status_code == 201, r.text


def _delivery_world(client, world: World) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A team, three estimated features and 120 finished work items over the last 8 months."""
    h = world.alice.headers
    tid = client.post(world.api("/teams"), json={"name": "Core", "members": ["Ana", "Bo"]}, headers=h).json()["id"]
    ids = {"tid": tid}
    for key, (o, m, p) in {"a": (5, 8, 13), "b": (3, 5, 8), "c": (8, 13, 21)}.items():
        ids[key] = client.post(world.api("/features"), json={"title": f"Feature {key}"}, headers=h).json()["id"]
        r = client.put(world.api(f"/features/{ids[key]}/estimate"),
                       json={"optimistic": o, "likely": m, "pessimistic": p, "team_id": tid}, headers=world.erin.headers)
        assert r.status_code == 200, r.text
    _import(client, world, _history_csv(120, TODAY - timedelta(days=245)))
    return ids


@pytest.fixture
def calibrations(monkeypatch):  # type: ignore[no-untyped-def]
    """How many times the walk-forward calibration ran."""
    calls = {"n": 0}
    real = forecasting.walk_forward

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(forecasting, "walk_forward", counted)
    return calls


@pytest.fixture
def forecasts(monkeypatch):  # type: ignore[no-untyped-def]
    """How many times the workspace forecast (the simulation of every estimated feature) was asked for."""
    calls = {"n": 0}
    real = forecast_service.forecast

    def counted(**kwargs: Any) -> Any:
        calls["n"] += 1
        return real(**kwargs)

    monkeypatch.setattr(forecast_service, "forecast", counted)
    return calls


def test_the_calibration_runs_once_per_history_and_again_after_an_import(client, world: World,  # type: ignore[no-untyped-def]
                                                                         calibrations) -> None:
    _delivery_world(client, world)
    h = world.alice.headers
    work_history.CACHE.clear()
    first = client.get(world.api("/forecast"), headers=h).json()
    summary = client.get(world.api("/workitems/summary"), headers=h).json()
    assert first["throughput"]["status"] == "ok", first["throughput"]
    assert calibrations["n"] == 2  # the page and the summary draw from their own random streams
    for _ in range(2):
        assert client.get(world.api("/forecast"), headers=h).json() == first
        assert client.get(world.api("/workitems/summary"), headers=h).json() == summary
        assert client.get(world.api("/forecast.csv"), headers=h).status_code == 200
    assert calibrations["n"] == 2  # the same history: calibrated once
    # one more finished item is a new history: calibrated again, and the answer says so
    _import(client, world, _history_csv(1, TODAY - timedelta(days=5), first=500))
    again = client.get(world.api("/forecast"), headers=h).json()
    assert calibrations["n"] == 3
    assert again["throughput"]["finished_items"] == first["throughput"]["finished_items"] + 1
    assert client.get(world.api("/forecast"), headers=h).json() == again
    assert calibrations["n"] == 3
    # re-importing the same key with another date changes no count nor id, but it is another history all the same
    _import(client, world, _history_csv(1, TODAY - timedelta(days=9), first=500))
    client.get(world.api("/forecast"), headers=h)
    assert calibrations["n"] == 4


def test_a_remembered_forecast_is_the_one_computed_afresh(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    _delivery_world(client, world)
    h = world.alice.headers
    work_history.CACHE.clear()
    cold = client.get(world.api("/forecast"), headers=h).json()
    warm = client.get(world.api("/forecast"), headers=h).json()
    assert warm == cold
    work_history.CACHE.clear()
    assert client.get(world.api("/forecast"), headers=h).json() == cold
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        now = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
        # what the core says with no memory at all, and where it leaves its generator
        core_rng = np.random.default_rng([7, 1])
        times = workitem_service.finished_times(uow=uow, workspace_id=wid, before=now)
        t = forecasting.forecast_throughput(times, now=now, rng=core_rng)
        rngs = [np.random.default_rng([7, 1]) for _ in range(2)]
        answers = [forecast_service.throughput_forecast(uow=uow, workspace_id=wid, today=TODAY, rng=r) for r in rngs]
        assert len(work_history.CACHE) > 0
        assert answers[0] == answers[1]
        assert [(c["weeks"], c["p50"], c["p85"], c["p95"]) for c in answers[0]["counts"]] == \
            [(c.weeks, c.p50, c.p85, c.p95) for c in t.counts]
        assert [d["p85"] for d in answers[0]["dates"]] == [d.p85.date().isoformat() if d.p85 else None
                                                          for d in t.dates]
        for r in rngs:  # the caller's generator goes on as if the forecast had been computed
            assert r.bit_generator.state == core_rng.bit_generator.state
        # the features' progress and the teams' weekly points read from the cache are what the queries say
        work = work_history.WorkHistory.of(uow=uow, workspace_id=wid)
        progress = workitem_service.progress(uow=uow, workspace_id=wid)
        points = workitem_service.weekly_points(uow=uow, workspace_id=wid, team_id=None, today=TODAY)
        assert len(progress) == 3 and len(points) > 30
        some = sorted(progress)[:2]
        for _ in range(2):
            assert work.progress(uow=uow) == progress
            assert work.progress(uow=uow, feature_ids=some) == workitem_service.progress(
                uow=uow, workspace_id=wid, feature_ids=some)
            assert work.weekly_points(uow=uow, team_id=None, today=TODAY) == points


def test_a_batch_of_promises_is_forecast_once_with_the_chances_each_gets_alone(client, container,  # type: ignore[no-untyped-def]
                                                                              world: World, forecasts) -> None:
    ids = _delivery_world(client, world)
    h = world.alice.headers
    custs = client.post(world.api("/customers/batch"), json={"items": [{"name": f"C{i}"} for i in range(6)]},
                        headers=h).json()["items"]
    items = [{"feature_id": ids["abc"[i % 3]], "customer_id": c["id"],
              "due": (TODAY + timedelta(days=20 + 15 * i)).isoformat()} for i, c in enumerate(custs)]
    forecasts["n"] = 0
    r = client.post(world.api("/commitments/batch"), json={"items": items}, headers=h)
    assert r.status_code == 201, r.text
    assert forecasts["n"] == 1  # not one per promise
    made = r.json()["items"]
    assert all(m["forecast_at"] for m in made) and any(0 < (m["probability"] or 0) < 1 for m in made)
    # each the chance, safe date and reason a forecast of the whole workspace gives it now
    assert client.post(world.api("/commitment-forecasts"), headers=h).json()["events"] == []
    for m in made:
        now = client.get(world.api(f"/commitments/{m['id']}"), headers=h).json()
        assert (now["probability"], now["kept_by"], now["forecast_reason"]) == \
            (m["probability"], m["kept_by"], m["forecast_reason"])
        assert now["version"] == m["version"]  # derived facts: not an edit
    # and the chance one promise made alone gets
    other = client.post(world.api("/customers"), json={"name": "Alone"}, headers=h).json()["id"]
    alone = client.post(world.api("/commitments"), json=items[4] | {"customer_id": other}, headers=h).json()
    assert alone["probability"] == made[4]["probability"] and alone["kept_by"] == made[4]["kept_by"]
    # an estimate saved re-forecasts every promise once
    forecasts["n"] = 0
    r = client.put(world.api(f"/features/{ids['a']}/estimate"),
                   json={"optimistic": 20, "likely": 30, "pessimistic": 40, "team_id": ids["tid"]},
                   headers=world.erin.headers)
    assert r.status_code == 200 and forecasts["n"] == 1


def test_a_transaction_that_changes_an_input_is_forecast_again(client, container, world: World,  # type: ignore[no-untyped-def]
                                                               forecasts) -> None:
    ids = _delivery_world(client, world)
    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Acme"}, headers=h).json()["id"]
    due = (TODAY + timedelta(days=60)).isoformat()
    made = client.post(world.api("/commitments"), json={"feature_id": ids["a"], "customer_id": cust, "due": due},
                       headers=h).json()
    actor = Actor(world.alice.user_id, world.alice.email, "api")
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        forecasts["n"] = 0
        for _ in range(3):  # nothing changed in between: forecast once
            commitment_service.recompute(uow=uow, workspace_id=wid, today=TODAY, only=[made["id"]])
        assert forecasts["n"] == 1
        before = commitment_service.recompute(uow=uow, workspace_id=wid, today=TODAY)
        chance = uow.session.get(commitment_service.Commitment, made["id"]).probability  # type: ignore[union-attr]
        assert forecasts["n"] == 1 and before["recomputed"] == 1
        # a much bigger estimate in the same transaction: its own refresh forecasts again, later and less likely
        estimate_service.save(uow=uow, workspace_id=wid, actor=actor, feature_id=ids["a"],
                              data=EstimateIn(optimistic=150, likely=200, pessimistic=300, team_id=ids["tid"]))
        assert forecasts["n"] == 2
        after = uow.session.get(commitment_service.Commitment, made["id"]).probability  # type: ignore[union-attr]
        assert after is not None and chance is not None and after < chance
        commitment_service.recompute(uow=uow, workspace_id=wid, today=TODAY, only=[made["id"]])
        assert forecasts["n"] == 2
    # a new transaction forecasts afresh
    with container.unit_of_work() as uow:
        commitment_service.recompute(uow=uow, workspace_id=wid, today=TODAY, only=[made["id"]])
    assert forecasts["n"] == 3


def test_work_history_fingerprint_is_one_cheap_query(container, world: World) -> None:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        event.listen(container.engine, "before_cursor_execute", seen)
        try:
            work = work_history.WorkHistory.of(uow=uow, workspace_id=wid)
        finally:
            event.remove(container.engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and work.key[1:] == (0, None, None, 0, 0, 0)
