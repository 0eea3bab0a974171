""""Needs attention" on both back ends: each kind of item appears when its condition holds and goes when it is
acted on; the API, the CLI and the home page show the same list; an outsider sees nothing of it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.integration.briefs_seed import ACTOR, NOW, Seeded, seed
from tradeoff.attention import service as attention
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.schemas import CommitmentCreate
from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionCreate
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.schemas import EstimateIn
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate, FeatureUpdate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanCreate
from tradeoff.records import service as records
from tradeoff.storage.base import utcnow


@pytest.fixture
def seeded(container: Container) -> Seeded:
    return seed(container, "attn-" + uuid.uuid4().hex[:8])


def kinds(c: Container, sd: Seeded, now=NOW) -> dict[str, attention.Item]:  # type: ignore[no-untyped-def]
    with c.unit_of_work() as uow:
        items = attention.attention(uow=uow, workspace_id=sd.workspace_id, now=now)
    assert [attention.SEVERITY_ORDER[i.severity] for i in items] == sorted(
        attention.SEVERITY_ORDER[i.severity] for i in items), "most urgent first"
    return {i.kind: i for i in items}


def test_each_item_appears_when_its_condition_holds(container: Container, seeded: Seeded) -> None:
    ids = seeded.ids
    a = dict(workspace_id=seeded.workspace_id, actor=ACTOR)
    before = kinds(container, seeded)
    assert before["blocker_open"].count == 1 and before["blocker_open"].refs[0].record_id == ids["blocker"]
    assert "feature_unestimated" not in before  # the seed's planned and started features are estimated
    assert "feedback_unlinked" not in before  # its feedback is linked and 10+ days old
    assert "plan_unsolved" not in before and "plan_stale" not in before  # no live plan yet
    # the seed's "Build or buy" decision has options but no choice yet
    assert before["decision_open"].refs[0].record_id == ids["decision_open"]
    assert "decision_unrecorded" not in before

    with container.unit_of_work() as uow:
        # planned work nobody estimated
        sso = feature_service.create(uow=uow, **a, data=FeatureCreate(
            title="Audit export", status="planned", product_id=ids["product"])).id
        # a promise whose date passed; and one whose feature cannot be forecast (it has no estimate)
        commitment_service.create(uow=uow, **a, data=CommitmentCreate(
            feature_id=ids["f2"], customer_id=ids["globex"], due=NOW.date() - timedelta(days=3)),
            today=NOW.date() - timedelta(days=30))
        commitment_service.create(uow=uow, **a, data=CommitmentCreate(
            feature_id=sso, customer_id=ids["initech"], due=NOW.date() + timedelta(days=60)), today=NOW.date())
        commitment_service.recompute(uow=uow, workspace_id=seeded.workspace_id, today=NOW.date())
        # fresh feedback linked to nothing
        feedback_service.create(uow=uow, **a, data=FeedbackCreate(
            text="Exports time out for big ledgers", source="support", reported_at=NOW - timedelta(days=1)))
        # a decision about Ledger sync, then its status changes without a new decision
        decision_service.create(uow=uow, **a, data=DecisionCreate(
            title="Ledger sync first", options=[{"name": "Now"}, {"name": "Later"}], choice="Now",
            feature_ids=[ids["f1"]]))
        f1 = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=seeded.workspace_id, record_id=ids["f1"])
        feature_service.update(uow=uow, **a, record_id=ids["f1"], data=FeatureUpdate(status="discovery"),
                               if_match=f1.version)
        # a live plan nobody has solved
        plan = plan_service.create(uow=uow, **a, data=PlanCreate(
            name="Next quarter", start=NOW.date(), periods=6, period_days=14, value_source="manual",
            values={ids["f1"]: 100.0, ids["f2"]: 50.0}, live=True), today=NOW.date())
        plan_id = plan.id

    got = kinds(container, seeded)
    assert got["feature_unestimated"].count == 1 and got["feature_unestimated"].refs[0].record_id == sso
    assert got["feature_unestimated"].path == f"features/{sso}/estimate"
    overdue = got["commitment_overdue"]
    assert overdue.severity == "high" and overdue.count == 1 and "Bulk refunds" in overdue.detail
    assert overdue.refs[0].record_id == ids["f2"]
    assert got["commitment_unforecast"].count == 1 and "Audit export" in got["commitment_unforecast"].detail
    assert got["feedback_unlinked"].count == 1 and got["feedback_unlinked"].refs[0].title.startswith("Exports")
    assert got["plan_unsolved"].path == f"plans/{plan_id}"
    unrecorded = got["decision_unrecorded"]
    assert unrecorded.refs[0].record_id == ids["f1"] and "planned → discovery" in unrecorded.detail
    with container.unit_of_work() as uow:
        assert got["triage_pending"].count == triage_pending(uow, seeded) > 2
        from tradeoff.triage import service as triage_service

        # counted only up to a cap (then "more than"), so the home page stays fast with a big backlog
        assert triage_service.pending(uow=uow, workspace_id=seeded.workspace_id, cap=2) == 3

    # acting on them clears them: ship the late feature, solve the plan, estimate the new one
    with container.unit_of_work() as uow:
        f2 = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=seeded.workspace_id, record_id=ids["f2"])
        feature_service.update(uow=uow, **a, record_id=ids["f2"], data=FeatureUpdate(status="shipped"),
                               if_match=f2.version)
        plan_service.solve(uow=uow, **a, plan_id=plan_id)
    got = kinds(container, seeded)
    assert "plan_unsolved" not in got and "plan_stale" not in got
    assert "commitment_overdue" not in got, "a shipped feature kept its promise"
    with container.unit_of_work() as uow:
        estimate_service.save(uow=uow, **a, feature_id=sso, data=EstimateIn(
            optimistic=2, likely=3, pessimistic=5, team_id=ids["team"]))  # after the plan was solved
    got = kinds(container, seeded)
    assert "feature_unestimated" not in got
    assert got["plan_stale"].count == 1 and got["plan_stale"].refs[0].record_id == plan_id
    # a week later the feedback is no longer "recent"
    assert "feedback_unlinked" not in kinds(container, seeded, NOW + timedelta(days=8))


def triage_pending(uow, sd: Seeded) -> int:  # type: ignore[no-untyped-def]
    from tradeoff.triage import service as triage_service

    return triage_service.status(uow=uow, workspace_id=sd.workspace_id).pending


def _token(c: Container, sd: Seeded) -> dict[str, str]:
    from tests.integration.test_briefs import _token as brief_token

    return brief_token(c, sd)


def test_api_cli_and_home_page_show_the_same_list(client, container: Container, seeded: Seeded, world,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    h = _token(container, seeded)
    r = client.get(f"/api/v1/workspaces/{seeded.slug}/attention", headers=h)
    assert r.status_code == 200
    body = r.json()
    with container.unit_of_work() as uow:
        expected = attention.out(attention.attention(uow=uow, workspace_id=seeded.workspace_id, now=utcnow()))
    assert [i["kind"] for i in body["items"]] == [i["kind"] for i in expected["items"]] and body["count"] >= 1
    assert "blocker_open" in [i["kind"] for i in body["items"]]
    # the outsider sees nothing
    r = client.get(f"/api/v1/workspaces/{seeded.slug}/attention", headers=world.charlie.headers)
    assert r.status_code == 404 and "Payments core" not in r.text

    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    out = CliRunner().invoke(app, ["attention", "-w", seeded.slug, "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert [i["kind"] for i in json.loads(out.output)["items"]] == [i["kind"] for i in body["items"]]
    table = CliRunner().invoke(app, ["attention", "-w", seeded.slug], env=env)
    assert table.exit_code == 0 and "open blocker" in table.output


def test_a_quiet_workspace_has_nothing_to_say(container: Container, world) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.accounts import service as accounts

    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        assert attention.attention(uow=uow, workspace_id=wid, now=utcnow()) == []


def test_open_deals_closing_soon_on_unshipped_features_and_past_their_close_are_named(
        container: Container, seeded: Seeded) -> None:
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import CustomerCreate
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate

    a = dict(workspace_id=seeded.workspace_id, actor=ACTOR)
    assert not {"deal_waiting", "deal_past_close"} & set(kinds(container, seeded))
    today = NOW.date()
    with container.unit_of_work() as uow:
        halcyon = customer_service.create(uow=uow, **a, data=CustomerCreate(
            name="Halcyon Freight", lifecycle="prospect", deal_value=96000, deal_close=today + timedelta(days=10))).id
        later = customer_service.create(uow=uow, **a, data=CustomerCreate(
            name="Later Corp", lifecycle="prospect", deal_value=1000, deal_close=today + timedelta(days=90))).id
        stale = customer_service.create(uow=uow, **a, data=CustomerCreate(
            name="Stale Co", arr=100, deal_value=5000, deal_close=today - timedelta(days=5))).id
        sso = feature_service.create(uow=uow, **a, data=FeatureCreate(title="SAML SSO", status="planned")).id
        for who in (halcyon, later):
            fb = feedback_service.create(uow=uow, **a, data=FeedbackCreate(text="We sign once SSO is live",
                                                                           customer_id=who, source="sales_call"))
            link_service.create(uow=uow, **a, data=LinkCreate(feedback_id=fb.id, feature_id=sso))
    got = kinds(container, seeded)
    waiting, past = got["deal_waiting"], got["deal_past_close"]
    # the one closing within 30 days, not the one in 90
    assert (waiting.count, [r.record_id for r in waiting.refs]) == (1, [halcyon]) and later != halcyon
    assert "Halcyon Freight (USD 96,000, closes" in waiting.detail and "SAML SSO" in waiting.detail
    assert waiting.severity == "medium" and waiting.path == "briefs/sales"
    assert (past.count, past.refs[0].record_id, past.severity) == (1, stale, "low")
    with container.unit_of_work() as uow:  # shipped: nothing left for the deal to wait on
        f = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=seeded.workspace_id, record_id=sso)
        feature_service.update(uow=uow, **a, record_id=sso, data=FeatureUpdate(status="shipped"), if_match=f.version)
    assert "deal_waiting" not in kinds(container, seeded)
