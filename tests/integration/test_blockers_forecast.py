"""Open blockers and risks move every forecast: a blocker's work is done before the features it holds up, a
risk's at its likelihood; closing one gives the dates back; its impact is the forecast with it against without
it (the other open ones counted); blockers are edited with If-Match. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.integration.briefs_seed import NOW, Seeded, seed, seed_currencies
from tradeoff.blockers import service as blocker_service
from tradeoff.blockers.schemas import BlockerCreate, BlockerUpdate
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.schemas import CommitmentUpdate
from tradeoff.errors import InvalidInput
from tradeoff.forecasts import service as forecast_service
from tradeoff.storage.uow import Actor

ACTOR = Actor(user_id=None, label="test", via="cli")
TODAY = NOW.date()


@pytest.fixture
def seeded(container: Container) -> Seeded:
    return seed(container, "gate-" + uuid.uuid4().hex[:8])  # Ledger sync (f1) is held up by a 5-10-20 day blocker


def _forecast(c: Container, sd: Seeded) -> dict[str, Any]:
    with c.unit_of_work() as uow:
        return forecast_service.forecast(uow=uow, workspace_id=sd.workspace_id, today=TODAY, throughput=False,
                                         histograms=False)


def _p85(fc: dict[str, Any], fid: int) -> date:
    return date.fromisoformat(next(f["p85"] for f in fc["features"] if f["feature_id"] == fid))


def _promise_chance(c: Container, sd: Seeded) -> float:
    with c.unit_of_work() as uow:
        commitment_service.recompute(uow=uow, workspace_id=sd.workspace_id, today=TODAY)
        rows = commitment_service.overview(uow=uow, workspace_id=sd.workspace_id)["items"]
    return float(next(r["probability"] for r in rows if r["id"] == sd.ids["commitment"]))


def _close(c: Container, sd: Seeded, blocker_id: int) -> None:
    with c.unit_of_work() as uow:
        blocker_service.archive(uow=uow, workspace_id=sd.workspace_id, actor=ACTOR, blocker_id=blocker_id)


def _add(c: Container, sd: Seeded, **kw: Any) -> int:
    data = {"title": "Ledger API rate limits", "extra_optimistic": 10, "extra_likely": 10, "extra_pessimistic": 10,
            "feature_ids": [sd.ids["f1"]]} | kw
    with c.unit_of_work() as uow:
        return blocker_service.create(uow=uow, workspace_id=sd.workspace_id, actor=ACTOR,
                                      data=BlockerCreate(**data)).id


def test_an_open_blocker_moves_the_forecast_and_the_promise_and_closing_it_gives_them_back(
        container: Container, seeded: Seeded) -> None:
    f1, f2 = seeded.ids["f1"], seeded.ids["f2"]
    with container.unit_of_work() as uow:  # promised for 20 days out: kept without the blocker, not with it
        commitment_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR,
                                  record_id=seeded.ids["commitment"],
                                  data=CommitmentUpdate(due=TODAY + timedelta(days=20)), if_match=None, today=TODAY)
    held = _forecast(container, seeded)
    chance_held = _promise_chance(container, seeded)
    row = {b["blocker_id"]: b for b in held["blockers"]}[seeded.ids["blocker"]]
    assert row["counted"] and row["team"] == "Core" and row["held_up"] == [{"feature_id": f1, "title": "Ledger sync"}]
    assert all(not str(f["feature_id"]).startswith("blocker") for f in held["features"])
    # its work is done before Ledger sync starts, so it is cleared before Ledger sync is done
    assert date.fromisoformat(row["p85"]) < _p85(held, f1)
    _close(container, seeded, seeded.ids["blocker"])
    free = _forecast(container, seeded)
    assert free["blockers"] == []
    assert _p85(free, f1) < _p85(held, f1)  # 5-10-20 person-days on a team of two: more than a week
    assert _p85(free, f2) <= _p85(held, f2)  # Bulk refunds is not held up
    assert _promise_chance(container, seeded) > chance_held + 0.3


def test_a_risk_counts_at_its_likelihood(container: Container, seeded: Seeded) -> None:
    f1 = seeded.ids["f1"]
    _close(container, seeded, seeded.ids["blocker"])
    none = _p85(_forecast(container, seeded), f1)
    rid = _add(container, seeded, kind="risk", likelihood=1.0, extra_optimistic=15, extra_likely=20,
               extra_pessimistic=30)
    certain = _p85(_forecast(container, seeded), f1)
    with container.unit_of_work() as uow:
        b = blocker_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR, blocker_id=rid,
                                   data=BlockerUpdate(likelihood=0.1), if_match=None)
        assert b.likelihood == 0.1 and b.version == 2
    unlikely = _forecast(container, seeded)
    assert none < certain and none <= _p85(unlikely, f1) < certain  # at 10% it moves P85 less than when certain
    assert {b["blocker_id"]: b["likelihood"] for b in unlikely["blockers"]} == {rid: 0.1}


def test_impact_is_the_forecast_with_it_against_without_it(container: Container, seeded: Seeded) -> None:
    f1 = seeded.ids["f1"]
    other = _add(container, seeded)  # a second blocker on Ledger sync, open too
    both = _p85(_forecast(container, seeded), f1)
    with container.unit_of_work() as uow:
        b = blocker_service.get(uow=uow, workspace_id=seeded.workspace_id, blocker_id=seeded.ids["blocker"])
        res = blocker_service.impact(uow=uow, workspace_id=seeded.workspace_id, blocker=b, now=NOW)
    slip = {r["feature_id"]: r for r in res["slips"]}[f1]
    # "with it" is what the Forecast screen shows; "without it" still counts the other blocker
    assert slip["p85_after"] == both.isoformat()
    _close(container, seeded, seeded.ids["blocker"])
    assert slip["p85_before"] == _p85(_forecast(container, seeded), f1).isoformat()
    assert slip["slip_days"] > 0 and res["cleared"]["p85"] < slip["p85_after"]
    assert "done by" in res["summary"]
    # a closed blocker's impact: what it would cost if it came back
    with container.unit_of_work() as uow:
        b = blocker_service.get(uow=uow, workspace_id=seeded.workspace_id, blocker_id=seeded.ids["blocker"])
        again = blocker_service.impact(uow=uow, workspace_id=seeded.workspace_id, blocker=b, now=NOW)
    assert {r["feature_id"]: r["p85_after"] for r in again["slips"]}[f1] == both.isoformat()
    assert other != seeded.ids["blocker"]


def test_a_blocker_is_certain_and_its_range_stays_in_order(container: Container, seeded: Seeded) -> None:
    bid = seeded.ids["blocker"]
    with container.unit_of_work() as uow, pytest.raises(InvalidInput) as exc:
        blocker_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR, blocker_id=bid,
                               data=BlockerUpdate(likelihood=0.5), if_match=None)
    assert exc.value.errors[0].loc == ["body", "likelihood"] and "record" in exc.value.message
    with container.unit_of_work() as uow, pytest.raises(InvalidInput) as exc:
        blocker_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR, blocker_id=bid,
                               data=BlockerUpdate(extra_optimistic=25), if_match=None)  # above its likely 10
    assert exc.value.errors[0].loc == ["body", "extra_likely"]
    with container.unit_of_work() as uow:
        risk = blocker_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR, blocker_id=bid,
                                      data=BlockerUpdate(kind="risk", likelihood=0.3), if_match=None)
        assert (risk.kind, risk.likelihood) == ("risk", 0.3)
        back = blocker_service.update(uow=uow, workspace_id=seeded.workspace_id, actor=ACTOR, blocker_id=bid,
                                      data=BlockerUpdate(kind="blocker"), if_match=None)
        assert (back.kind, back.likelihood) == ("blocker", 1.0)  # certain again


def test_api_edits_a_blocker_with_if_match_and_refuses_outsiders(client, container: Container, world) -> None:  # type: ignore[no-untyped-def]
    base = world.api()
    h = world.alice.headers
    team = client.post(world.api("/teams"), json={"name": "Core", "members": [{"name": "Ana"}]}, headers=h).json()
    feat = client.post(world.api("/features"), json={"title": "Ledger sync", "status": "planned"}, headers=h).json()
    r = client.put(world.api(f"/features/{feat['id']}/estimate"),
                   json={"optimistic": 3, "likely": 5, "pessimistic": 8, "team_id": team["id"]}, headers=h)
    assert r.status_code in (200, 201), r.text
    made = client.post(f"{base}/blockers", json={"title": "Vendor SDK upgrade", "kind": "risk", "likelihood": 0.4,
                                                 "extra_optimistic": 2, "extra_likely": 4, "extra_pessimistic": 9,
                                                 "feature_ids": [feat["id"]]}, headers=h)
    assert made.status_code == 201 and made.json()["likelihood"] == 0.4
    url = f"{base}/blockers/{made.json()['id']}"
    fc = client.get(f"{base}/forecast", headers=h).json()
    assert [(b["blocker_id"], b["counted"], b["team"]) for b in fc["blockers"]] == [(made.json()["id"], True, "Core")]
    ok = client.patch(url, json={"likelihood": 0.7}, headers={**h, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["likelihood"] == 0.7 and ok.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"likelihood": 0.2}, headers={**h, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=h).json()["likelihood"] == 0.7  # the stale edit is not applied
    for bad, field in (({"likelihood": 0}, "likelihood"), ({"likelihood": 1.5}, "likelihood"),
                       ({"kind": "blocker", "likelihood": 0.5}, "likelihood"), ({"feature_ids": [999999]}, "feature_ids")):
        r = client.patch(url, json=bad, headers=h)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), bad
        assert field in r.text, (bad, r.text)
    assert client.patch(url, json={"likelihood": 0.5}, headers=world.sam.headers).status_code == 403
    r = client.patch(url, json={"likelihood": 0.5}, headers=world.charlie.headers)
    assert r.status_code == 404 and "Vendor" not in r.text
    r = client.patch(f"/api/v1/workspaces/{world.other_slug}/blockers/{made.json()['id']}", json={"likelihood": 0.5},
                     headers=world.charlie.headers)
    assert r.status_code == 404 and "Vendor" not in r.text


def test_cli_updates_a_blocker_and_every_forecast_names_it(container: Container, seeded: Seeded,
                                                             tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    bid = str(seeded.ids["blocker"])
    r = runner.invoke(app, ["blocker", "update", bid, "-w", seeded.slug, "--kind", "risk", "--likelihood", "0.4",
                            "--version", "1"], env=env)
    assert r.exit_code == 0, r.output
    assert "(risk, 40% likely)" in r.output and "done by" in r.output
    stale = runner.invoke(app, ["blocker", "update", bid, "-w", seeded.slug, "--likelihood", "0.9",
                                "--version", "1"], env=env)
    assert stale.exit_code != 0 and stale.output.startswith("error:")
    bad = runner.invoke(app, ["blocker", "update", bid, "-w", seeded.slug, "--kind", "blocker", "--likelihood",
                              "0.5"], env=env)
    assert bad.exit_code != 0 and "likelihood" in bad.output
    nothing = runner.invoke(app, ["blocker", "update", bid, "-w", seeded.slug], env=env)
    assert nothing.exit_code != 0 and "nothing to change" in nothing.output
    listed = runner.invoke(app, ["blocker", "list", "-w", seeded.slug, "--json"], env=env)
    row = json.loads(listed.output)[0]
    assert row["likelihood"] == 0.4 and row["done_by_p85"] is not None and row["version"] == 2
    fc = runner.invoke(app, ["forecast", "-w", seeded.slug], env=env)
    assert fc.exit_code == 0 and f"risk #{bid} Payments core must be refactored first (40% likely): done by" in fc.output
    d = runner.invoke(app, ["delivery", str(seeded.ids["f1"]), "-w", seeded.slug], env=env)
    assert d.exit_code == 0 and f"waits for risk #{bid}" in d.output


def test_impact_totals_arr_in_the_workspace_currency_and_names_what_has_no_rate(container: Container,
                                                                                seeded: Seeded) -> None:
    seed_currencies(container, seeded)
    with container.unit_of_work() as uow:
        b = blocker_service.get(uow=uow, workspace_id=seeded.workspace_id, blocker_id=seeded.ids["blocker"])
        res = blocker_service.impact(uow=uow, workspace_id=seeded.workspace_id, blocker=b, now=NOW)
    assert res["status"] == "ok"
    assert res["arr_by_currency"] == {"CAD": 120000, "EUR": 100000, "GBP": 200000}  # kept as it was
    assert res["arr_total"]["amount"] == 240000 and res["arr_total"]["currency"] == "USD"  # 90,000 + 150,000
    assert res["arr_total"]["how"] == "USD; CAD at 0.75, EUR at 1.5"
    assert res["arr_without_rate"] == {"GBP": 200000}
    assert "3 customer(s) with USD 240,000 ARR and GBP 200,000 (no exchange rate) are affected" in res["summary"]
    # by worth in USD, not by raw amount (which would put Hooli, then Acme, first); no rate: last
    assert [c["customer_id"] for c in res["customers"]] == \
        [seeded.ids["globex"], seeded.ids["acme"], seeded.ids["hooli"]]


def test_impact_in_one_currency_reads_as_before(container: Container, seeded: Seeded) -> None:
    with container.unit_of_work() as uow:
        b = blocker_service.get(uow=uow, workspace_id=seeded.workspace_id, blocker_id=seeded.ids["blocker"])
        res = blocker_service.impact(uow=uow, workspace_id=seeded.workspace_id, blocker=b, now=NOW)
    assert res["arr_total"]["amount"] == 135000 and res["arr_without_rate"] == {}  # Acme 120,000 + Globex 15,000
    assert "2 customer(s) with USD 135,000 ARR are affected" in res["summary"]
    assert "exchange rate" not in res["summary"]
    assert [c["name"] for c in res["customers"]] == ["Acme Corp", "Globex"]


def test_api_and_cli_give_the_impact_total(client, container: Container, seeded: Seeded,  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    from sqlalchemy import select

    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import User

    seed_currencies(container, seeded)
    with container.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.email == f"owner@{seeded.slug}.example"))
        assert user is not None
        _, tok = accounts.create_token(uow=uow, workspace_id=seeded.workspace_id, user_id=user.id, name="t",
                                       actor=ACTOR)
    bid = seeded.ids["blocker"]
    r = client.get(f"/api/v1/workspaces/{seeded.slug}/blockers/{bid}/impact",
                   headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["arr_total"] == {"amount": "240000.00", "currency": "USD", "how": "USD; CAD at 0.75, EUR at 1.5"}
    assert d["arr_without_rate"] == {"GBP": "200000.00"}
    assert d["arr_by_currency"] == {"CAD": "120000.00", "EUR": "100000.00", "GBP": "200000.00"}
    assert [(c["name"], c["arr_in_workspace_currency"]) for c in d["customers"]] == [
        ("Globex", "150000.00"), ("Acme Corp", "90000.00"), ("Hooli", None)]  # no rate: not guessed
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    out = CliRunner().invoke(app, ["blocker", "impact", str(bid), "-w", seeded.slug, "--json"], env=env)
    assert out.exit_code == 0, out.output
    j = json.loads(out.output)
    assert (j["arr_total"]["amount"], j["arr_total"]["currency"], j["arr_without_rate"]) == \
        ("240000.00", "USD", {"GBP": "200000.00"})
    assert "USD 240,000 ARR and GBP 200,000 (no exchange rate)" in j["summary"]
    text = CliRunner().invoke(app, ["blocker", "impact", str(bid), "-w", seeded.slug], env=env)
    assert text.exit_code == 0, text.output
    assert "USD 240,000 ARR and GBP 200,000 (no exchange rate)" in " ".join(text.output.split())
    table = text.output[text.output.index("customers affected"):]  # after the commitments table, which names Acme
    assert "exchange rates: USD; CAD at 0.75, EUR at 1.5" in " ".join(table.split())
    assert table.index("Globex") < table.index("Acme Corp") < table.index("Hooli") and "GBP 200,000" in table
    row = {n: next(line for line in table.splitlines() if n in line) for n in ("Globex", "Acme", "Hooli")}
    assert "150,000" in row["Globex"] and "90,000" in row["Acme"] and "no rate" in row["Hooli"], table
