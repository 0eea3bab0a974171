"""Forecasts that say what they stand on: when the live plan starts later than today, every forecast (the Forecast
screen, a feature's delivery, promises, briefs, blocker impact) starts from the plan's start, so no page says a
feature of the plan is likely done before the plan begins; an old export gives no throughput forecast. On SQLite
and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.integration.briefs_seed import NOW, seed
from tradeoff.bootstrap import Container
from tradeoff.briefs import forecast as fc_mod
from tradeoff.commitments import service as commitment_service
from tradeoff.features.model import Feature
from tradeoff.forecasts import service as forecast_service
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanCreate
from tradeoff.storage.uow import Actor

TODAY = NOW.date()


def test_every_forecast_starts_when_the_live_plan_does(container: Container) -> None:
    sd = seed(container, "start-" + uuid.uuid4().hex[:8])
    begins = TODAY + timedelta(days=43)
    with container.unit_of_work() as uow:
        before = forecast_service.forecast(uow=uow, workspace_id=sd.workspace_id, today=TODAY, throughput=False)
        assert before["start"] == TODAY.isoformat()  # no plan yet: from today
        plan_service.create(uow=uow, workspace_id=sd.workspace_id, actor=Actor(None, "t", "api"), today=TODAY,
                            data=PlanCreate(name="Next half", start=begins, periods=6, period_days=14,  # type: ignore[arg-type]
                                            value_source="arr", live=True))
    with container.unit_of_work() as uow:
        fc = forecast_service.forecast(uow=uow, workspace_id=sd.workspace_id, today=TODAY, throughput=False)
        one = forecast_service.feature_forecast(uow=uow, workspace_id=sd.workspace_id, feature_id=sd.ids["f1"],
                                                today=TODAY)
        feats = list(uow.session.query(Feature).filter(Feature.workspace_id == sd.workspace_id))
        brief = fc_mod.roadmap_forecast(uow, sd.workspace_id, feats, TODAY)
        commitment_service.recompute(uow=uow, workspace_id=sd.workspace_id, today=TODAY)
        promise = next(r for r in commitment_service.overview(uow=uow, workspace_id=sd.workspace_id)["items"]
                       if r["id"] == sd.ids["commitment"])
    assert fc["start"] == begins.isoformat() and one["start"] == begins.isoformat() and brief.start == begins
    for f in fc["features"]:
        assert date.fromisoformat(f["p50"]) > begins, f["title"]  # nothing done before the plan begins
        # the briefs say the same dates as the Forecast screen
        assert brief.features[f["feature_id"]].p85.isoformat() == f["p85"]
    assert one["forecast"]["p85"] == next(f["p85"] for f in fc["features"] if f["feature_id"] == sd.ids["f1"])
    f1_before = next(f for f in before["features"] if f["feature_id"] == sd.ids["f1"])
    assert one["forecast"]["p85"] > f1_before["p85"]  # 43 days later to start: later to finish
    # the promise's chance is read from the same forecast (due 45 days out: 2 days after the plan starts)
    assert promise["probability"] is not None and promise["probability"] < 0.05


def test_an_old_export_gives_no_throughput_forecast_and_says_why(client, world) -> None:  # type: ignore[no-untyped-def]
    """A history whose newest finished item is months old (an export from last spring) declines, naming the day it
    ends, instead of promising "at least 0 items in the next 8 weeks"; the work history page says the same."""
    from tests.integration.test_delivery import _history_csv, _import

    today = date.today()
    assert _import(client, world, _history_csv(40, today - timedelta(days=330))).status_code == 201
    tp = client.get(world.api("/workitems/summary"), headers=world.alice.headers).json()["throughput"]
    # row i is created on day i and resolved 3 + its points (2, 8, 1, 5 in turn) days later: row 37 is the newest
    newest = today - timedelta(days=330) + timedelta(days=max(i + 3 + (2, 8, 1, 5)[i % 4] for i in range(40)))
    assert tp["status"] == "declined" and f"ends on {newest.isoformat()}" in tp["reason"], tp
    assert tp["counts"] == [] and tp["dates"] == [] and "Import" in tp["reason"]
    fc = client.get(world.api("/forecast"), headers=world.alice.headers).json()
    assert fc["throughput"]["status"] == "declined"
    # recent work: the same history, moved to end a month ago, is forecast again
    assert _import(client, world, _history_csv(40, today - timedelta(days=80))).status_code == 201
    assert client.get(world.api("/workitems/summary"),
                      headers=world.alice.headers).json()["throughput"]["status"] == "ok"
