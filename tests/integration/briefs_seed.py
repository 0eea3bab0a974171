"""A small workspace with everything a brief reads: evidence, customers, problems, features, a team, estimates,
a component, an objective, decisions, a commitment and a blocker. Internal fields carry planted markers so
tests can prove the customer brief never shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.storage.uow import Actor

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ACTOR = Actor(user_id=None, label="seed", via="cli")
MARKERS = ("ZZCUSTNOTEZZ", "ZZESTNOTEZZ", "ZZRATIONALEZZ", "ZZDESCZZ", "ZZOWNERZZ", "ZZPROMISENOTEZZ")


@dataclass
class Seeded:
    slug: str
    workspace_id: int
    ids: dict[str, int] = field(default_factory=dict)


def seed(c: Container, slug: str) -> Seeded:
    from tradeoff.blockers import service as blocker_service
    from tradeoff.blockers.schemas import BlockerCreate
    from tradeoff.commitments import service as commitment_service
    from tradeoff.commitments.schemas import CommitmentCreate
    from tradeoff.components import service as component_service
    from tradeoff.components.schemas import ComponentCreate
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import CustomerCreate
    from tradeoff.decisions import service as decision_service
    from tradeoff.decisions.schemas import DecisionCreate
    from tradeoff.estimates import service as estimate_service
    from tradeoff.estimates.schemas import EstimateIn
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate
    from tradeoff.problems import service as problem_service
    from tradeoff.problems.schemas import ProblemCreate
    from tradeoff.products import service as product_service
    from tradeoff.products.schemas import ProductCreate
    from tradeoff.strategy import service as strategy_service
    from tradeoff.strategy.schemas import ObjectiveCreate
    from tradeoff.teams import service as team_service
    from tradeoff.teams.schemas import TeamCreate

    with c.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"owner@{slug}.example", password="pw-seed-123456")
        ws = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=ACTOR)
        uow.flush()
        w = ws.id
        out = Seeded(slug, w)
        ids = out.ids
        a = dict(uow=uow, workspace_id=w, actor=ACTOR)
        ids["product"] = product_service.create(**a, data=ProductCreate(name="Payments")).id
        ids["empty_product"] = product_service.create(**a, data=ProductCreate(name="Empty")).id
        cust = {}
        for name, seg, arr in (("Acme Corp", "enterprise", "120000"), ("Globex", "smb", "15000"),
                               ("Initech", "mid_market", "50000")):
            cust[name] = customer_service.create(**a, data=CustomerCreate(
                name=name, segment=seg, arr=Decimal(arr), notes=f"{MARKERS[0]} renewal risk",
                account_owner=f"{MARKERS[4]}@x.example")).id
        ids["acme"], ids["globex"], ids["initech"] = cust["Acme Corp"], cust["Globex"], cust["Initech"]
        prob = problem_service.create(**a, data=ProblemCreate(
            statement="Invoices fail to sync with the ledger", persona="Controller", product_id=ids["product"])).id
        ids["problem"] = prob
        p = ids["product"]
        f1 = feature_service.create(**a, data=FeatureCreate(
            title="Ledger sync", status="planned", persona="Controller", product_id=p, problem_ids=[prob],
            description=f"{MARKERS[3]} internal design notes", user_flow=["Connect the ledger", "Map accounts"],
            acceptance_criteria=["Invoices appear in the ledger within 5 minutes"])).id
        f2 = feature_service.create(**a, data=FeatureCreate(
            title="Bulk refunds", status="in_progress", persona="Support agent", product_id=p,
            acceptance_criteria=["Refund up to 500 payments at once"])).id
        f3 = feature_service.create(**a, data=FeatureCreate(
            title="Dark mode", status="shipped", product_id=p, problem_ids=[prob], description=f"{MARKERS[3]}",
            user_flow=["Open your profile", "Choose the dark theme"],
            acceptance_criteria=["Switch the whole app to a dark theme"])).id
        f4 = feature_service.create(**a, data=FeatureCreate(title="SSO", status="idea", product_id=p)).id
        ids.update(f1=f1, f2=f2, f3=f3, f4=f4)
        links = [("Acme Corp", "We badly need ledger sync before renewal", [f1, f3]),
                 ("Globex", "Syncing invoices by hand takes a day a month", [f1]),
                 ("Initech", "Refunding one by one is painful", [f2, f4])]
        for i, (name, text, feats) in enumerate(links):
            fb = feedback_service.create(**a, data=FeedbackCreate(
                text=text, customer_id=cust[name], source="sales_call",
                reported_at=NOW - timedelta(days=10 + i)))
            for fid in feats:
                link_service.create(**a, data=LinkCreate(feedback_id=fb.id, feature_id=fid))
        team = team_service.create(**a, data=TeamCreate(name="Core", members=[{"name": "Ana"}, {"name": "Bo"}]))
        ids["team"] = team.id
        comp = component_service.create(**a, data=ComponentCreate(name="Payments core", debt_level=4))
        ids["component"] = comp.id
        uow.flush()
        estimate_service.save(**a, feature_id=f2, data=EstimateIn(
            optimistic=3, likely=5, pessimistic=8, team_id=team.id, notes=MARKERS[1]))
        estimate_service.save(**a, feature_id=f1, data=EstimateIn(
            optimistic=5, likely=8, pessimistic=15, team_id=team.id, component_ids=[comp.id],
            drivers=[{"name": "data_migration"}], depends_on=[f2], notes=MARKERS[1]))
        from tradeoff.sizing import service as sizing_service
        from tradeoff.sizing.schemas import BusinessCaseIn, ProblemSizeIn

        sizing_service.set_size(**a, problem_id=prob, data=ProblemSizeIn(
            customers={"low": 20, "likely": 40, "high": 80},
            cost_per_customer={"low": 2000, "likely": 5000, "high": 9000, "currency": "USD"},
            capture={"low": 0.2, "likely": 0.4, "high": 0.6}, notes=MARKERS[1]))
        sizing_service.set_case(**a, feature_id=f1, data=BusinessCaseIn(
            effort_person_weeks={"low": 2, "likely": 3, "high": 6},
            cost_per_person_week={"low": 3000, "likely": 4000, "high": 5000, "currency": "USD"}))
        ids["objective"] = strategy_service.create(**a, data=ObjectiveCreate(
            title="Win mid-market finance teams", product_id=p, feature_ids=[f1],
            key_results=[{"metric": "Accounts on ledger sync", "baseline": 0, "target": 40, "current": 10}])).id
        ids["decision_open"] = decision_service.create(**a, data=DecisionCreate(
            title="Build or buy the ledger connector", product_id=p,
            options=[{"name": "Build"}, {"name": "Buy"}])).id
        ids["decision_taken"] = decision_service.create(**a, data=DecisionCreate(
            title="Refunds before SSO", product_id=p, options=[{"name": "Refunds"}, {"name": "SSO"}],
            choice="Refunds", rationale=MARKERS[2], decided_by="pm", decided_on=NOW.date() - timedelta(days=3))).id
        ids["commitment"] = commitment_service.create(**a, data=CommitmentCreate(
            feature_id=f1, customer_id=cust["Acme Corp"], due=NOW.date() + timedelta(days=45),
            note=MARKERS[5]), today=NOW.date()).id
        commitment_service.recompute(uow=uow, workspace_id=w, today=NOW.date())
        ids["blocker"] = blocker_service.create(**a, data=BlockerCreate(
            title="Payments core must be refactored first", component_id=comp.id, extra_optimistic=5,
            extra_likely=10, extra_pessimistic=20, feature_ids=[f1])).id
    return out


def seed_currencies(c: Container, sd: Seeded) -> None:
    """Ledger sync's askers in three currencies: Acme Corp CAD 120,000 (at 0.75: USD 90,000), Globex EUR 100,000
    (at 1.5: USD 150,000) and Hooli GBP 200,000, which has no rate. Raw amounts run the other way round."""
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import CustomerCreate, CustomerUpdate, MoneySettingsIn
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate

    with c.unit_of_work() as uow:
        a = dict(uow=uow, workspace_id=sd.workspace_id, actor=ACTOR)
        customer_service.update(**a, record_id=sd.ids["acme"], data=CustomerUpdate(currency="CAD"), if_match=None)
        customer_service.update(**a, record_id=sd.ids["globex"], data=CustomerUpdate(currency="EUR",
                                                                                      arr=100000), if_match=None)
        hooli = customer_service.create(**a, data=CustomerCreate(name="Hooli", arr=200000, currency="GBP")).id
        fb = feedback_service.create(**a, data=FeedbackCreate(text="Ledger sync or we leave", customer_id=hooli,
                                                              source="sales_call", reported_at=NOW))
        link_service.create(**a, data=LinkCreate(feedback_id=fb.id, feature_id=sd.ids["f1"]))
        customer_service.set_money(**a, data=MoneySettingsIn(currency="USD", rates={"EUR": 1.5, "CAD": 0.75}))
        sd.ids["hooli"] = hooli


def today() -> date:
    return NOW.date()


def seed_plan(c: Container, sd: Seeded) -> Seeded:
    """What the executive brief's first screen reads, on top of `seed`: more estimated work for the Core team than
    one quarter holds (Globex pays in EUR, at a rate the workspace sets), a live plan of twelve two-week periods
    from NOW valued by the ARR asking, a release target and promises it cannot keep, a feature too big for the
    plan and two without an estimate (SSO, Audit trail), a bet whose business case loses money, and a saved what-if
    (three more people on Core) that rescues the release and one promise, but not the other."""
    from sqlalchemy import update

    from tradeoff.commitments import service as commitment_service
    from tradeoff.commitments.schemas import CommitmentCreate
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.model import Customer
    from tradeoff.customers.schemas import MoneySettingsIn
    from tradeoff.estimates import service as estimate_service
    from tradeoff.estimates.schemas import EstimateIn
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate
    from tradeoff.plans import saved as saved_what_ifs
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.schemas import AddPeople, PlanCreate, ReleaseIn, WhatIfIn
    from tradeoff.sizing import service as sizing_service
    from tradeoff.sizing.schemas import BusinessCaseIn

    ids, today = sd.ids, NOW.date()
    with c.unit_of_work() as uow:
        a = dict(uow=uow, workspace_id=sd.workspace_id, actor=ACTOR)
        uow.session.execute(update(Customer).where(Customer.id == ids["globex"]).values(currency="EUR"))
        customer_service.set_money(**a, data=MoneySettingsIn(currency="USD", rates={"EUR": 1.1}))
        p = ids["product"]
        work = (("payouts", "Payouts export", "planned", 20, 30, 45, "Acme Corp"),
                ("tax", "Tax report", "planned", 30, 40, 60, "Globex"),
                ("dunning", "Dunning emails", "planned", 40, 60, 80, "Initech"),
                ("reports", "Saved reports", "discovery", 40, 50, 70, "Acme Corp"),
                ("entities", "Multiple legal entities", "idea", 500, 600, 800, "Acme Corp"))
        cust = {"Acme Corp": ids["acme"], "Globex": ids["globex"], "Initech": ids["initech"]}
        for key, title, st, lo, likely, hi, who in work:
            fid = feature_service.create(**a, data=FeatureCreate(title=title, status=st, product_id=p,
                                                                  problem_ids=[ids["problem"]] if key == "payouts"
                                                                  else [])).id
            ids[key] = fid
            estimate_service.save(**a, feature_id=fid, data=EstimateIn(optimistic=lo, likely=likely, pessimistic=hi,
                                                                      team_id=ids["team"]))
            fb = feedback_service.create(**a, data=FeedbackCreate(text=f"We need {title.lower()}",
                                                                  customer_id=cust[who], source="sales_call",
                                                                  reported_at=NOW - timedelta(days=5)))
            link_service.create(**a, data=LinkCreate(feedback_id=fb.id, feature_id=fid))
        ids["audit"] = feature_service.create(**a, data=FeatureCreate(title="Audit trail", status="planned",
                                                                      product_id=p)).id  # not estimated
        sizing_service.set_case(**a, feature_id=ids["payouts"], data=BusinessCaseIn(  # costs more than it returns
            effort_person_weeks={"low": 60, "likely": 90, "high": 150},
            cost_per_person_week={"low": 4000, "likely": 5000, "high": 6000, "currency": "USD"}))
        ids["promise_tax"] = commitment_service.create(**a, data=CommitmentCreate(
            feature_id=ids["tax"], customer_id=ids["globex"], due=today + timedelta(days=40)), today=today).id
        plan = plan_service.create(**a, today=today, data=PlanCreate(
            name="Next two quarters", start=today, periods=12, period_days=14, value_source="arr",  # type: ignore[arg-type]
            time_limit=5, live=True,
            releases=[ReleaseIn(name="Reporting", feature_ids=[ids["reports"]], target=today + timedelta(days=85))]))
        plan_service.solve(**a, plan_id=plan.id)
        commitment_service.recompute(uow=uow, workspace_id=sd.workspace_id, today=today)
        ids["plan"] = plan.id
        ids["what_if"] = saved_what_ifs.save(**a, plan_id=plan.id, data=WhatIfIn(
            name="Three more on Core", time_limit=5, add_people=[AddPeople(team_id=ids["team"], people=3)])).id
    return sd
