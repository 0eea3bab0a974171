"""Briefs read demand in a fixed number of statements: ranking every open feature by who asked for it, or listing
who asked for each planned one, never reads each feature's evidence on its own. And the batched reading counts
exactly what one feature's full demand counts (the briefs must read the same, byte for byte)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from tests.integration.briefs_seed import ACTOR, NOW
from tests.integration.test_storage import reads_only
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.briefs import facts
from tradeoff.briefs import service as briefs
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import CustomerCreate, MoneySettingsIn
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.links import service as link_service
from tradeoff.links.schemas import LinkCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.model import Problem
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.storage.db import Statements

OPEN = ("planned", "in_progress", "idea", "discovery")  # what the exec ranks and the sales brief lists


def _workspace(c: Container, per_status: int) -> tuple[int, int, str]:
    """A workspace with `per_status` features of each open status, each asked for by a customer (directly, and
    every other one also through a problem it solves). Returns (workspace id, a customer who asked, slug)."""
    slug = "bq-" + uuid.uuid4().hex[:8]
    with c.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"owner@{slug}.example", password="pw-seed-123456")
        ws = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=ACTOR)
        uow.flush()
        a = dict(uow=uow, workspace_id=ws.id, actor=ACTOR)
        custs = [customer_service.create(**a, data=CustomerCreate(name=f"Customer {i}", segment="smb",
                                                                  arr=Decimal(1000 * (i + 1)))).id for i in range(3)]
        prob = problem_service.create(**a, data=ProblemCreate(statement="Month-end close takes days")).id
        fb = feedback_service.create(**a, data=FeedbackCreate(text="closing the books is slow", customer_id=custs[0],
                                                               reported_at=NOW - timedelta(days=3)))
        link_service.create(**a, data=LinkCreate(feedback_id=fb.id, problem_id=prob))
        for i in range(per_status):
            for status in OPEN:
                f = feature_service.create(**a, data=FeatureCreate(title=f"{status} {i}", status=status,
                                                                   problem_ids=[prob] if i % 2 else []))
                fb = feedback_service.create(**a, data=FeedbackCreate(
                    text=f"we need {status} {i}", customer_id=custs[i % 3], reported_at=NOW - timedelta(days=i)))
                link_service.create(**a, data=LinkCreate(feedback_id=fb.id, feature_id=f.id))
        return ws.id, custs[0], slug


def _selects(c: Container, wid: int, slug: str, req: briefs.Request) -> int:
    with c.unit_of_work() as uow:  # once first: what a process reads once (cached since) is not counted
        briefs.build(uow=uow, workspace_id=wid, slug=slug, req=req, now=NOW)
    with Statements(c.engine, reads_only) as qc, c.unit_of_work() as uow:
        briefs.build(uow=uow, workspace_id=wid, slug=slug, req=req, now=NOW)
    return qc.count


def test_brief_statements_do_not_grow_with_the_features(container: Container) -> None:
    small, large = _workspace(container, 3), _workspace(container, 9)  # 12 and 36 open features
    counts = {}
    for audience in ("exec", "sales", "customers"):
        counts[audience] = [_selects(container, wid, slug, briefs.Request(
            audience, customer_id=customer if audience == "customers" else None)) for wid, customer, slug in (small, large)]
    # one evidence read per feature would add 24 statements to the larger workspace's brief
    assert all(small_n == large_n for small_n, large_n in counts.values()), counts


def test_feature_askers_count_what_each_features_demand_counts(container: Container) -> None:
    """Evidence both linked to a feature and through its problem counts once; an archived problem passes nothing
    on; archived feedback is left out but a merged duplicate counts; feedback without a customer counts as
    evidence and asks as nobody; customers pay in two currencies."""
    slug = "bq-" + uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"owner@{slug}.example", password="pw-seed-123456")
        ws = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=ACTOR)
        uow.flush()
        w = ws.id
        a = dict(uow=uow, workspace_id=w, actor=ACTOR)
        customer_service.set_money(**a, data=MoneySettingsIn(currency="USD"))  # EUR without a rate
        cust = [customer_service.create(**a, data=CustomerCreate(name=name, segment=seg, arr=Decimal(arr),
                                                                 currency=cur)).id
                for name, seg, arr, cur in (("Acme", "enterprise", "120000.50", "USD"), ("Globex", "smb", "0", "USD"),
                                            ("Initech", "mid_market", "50000", "EUR"), ("Umbrella", "other", "7", "EUR"))]
        live = problem_service.create(**a, data=ProblemCreate(statement="Invoices do not sync")).id
        gone = problem_service.create(**a, data=ProblemCreate(statement="Old problem")).id
        feats = [feature_service.create(**a, data=FeatureCreate(title=t, status=st, problem_ids=p)).id
                 for t, st, p in (("Ledger sync", "planned", [live, gone]), ("Refunds", "idea", [live]),
                                  ("SSO", "shipped", []), ("Nothing yet", "idea", []))]

        def said(text: str, customer: int | None, *, feature: int | None = None, problem: int | None = None,
                 archived: bool = False, duplicate: bool = False) -> None:
            fb = feedback_service.create(**a, data=FeedbackCreate(text=text, customer_id=customer,
                                                                  reported_at=NOW - timedelta(days=len(text))))
            link_service.create(**a, data=LinkCreate(feedback_id=fb.id, feature_id=feature, problem_id=problem))
            if feature is not None and problem is None and text.startswith("both"):
                link_service.create(**a, data=LinkCreate(feedback_id=fb.id, problem_id=live))
            if archived or duplicate:
                row = uow.session.get(Feedback, fb.id)
                row.archived_at = NOW
                row.duplicate_of_id = fb.id if duplicate else None

        said("both ways: sync please", cust[0], feature=feats[0])
        said("via the problem", cust[2], problem=live)
        said("via the archived problem", cust[3], problem=gone)
        said("archived", cust[1], feature=feats[0], archived=True)
        said("merged duplicate", cust[1], feature=feats[1], duplicate=True)
        said("nobody in particular", None, feature=feats[1])
        said("again from Acme", cust[0], feature=feats[1])
        said("sso", cust[3], feature=feats[2])
        uow.session.get(Problem, gone).archived_at = NOW  # type: ignore[union-attr]
        uow.flush()

        batched = facts.feature_askers(uow, w, None)
        assert set(batched) == set(feats[:3])  # a feature without evidence is left out
        for fid in feats:
            full = facts.feature_demand(uow, w, fid, NOW)
            got = batched.get(fid, facts.Askers())
            assert (got.feedback_count, got.customers, got.arr_by_currency) == \
                (full.feedback_count, full.customers, full.arr_by_currency), fid
            assert facts.feature_askers(uow, w, [fid]).get(fid, facts.Askers()) == got  # by id, the same
        assert batched[feats[0]].feedback_count == 2 and batched[feats[1]].feedback_count == 5
        assert [x.name for x in batched[feats[1]].customers] == ["Acme", "Initech", "Globex"]
        # most ARR first in the workspace's currency: EUR, without a rate, after USD; at 3 USD a euro, before it
        customer_service.set_money(**a, data=MoneySettingsIn(currency="USD", rates={"EUR": 3.0}))
        assert [x.name for x in facts.feature_askers(uow, w, None)[feats[1]].customers] == \
            ["Initech", "Acme", "Globex"] == [x.name for x in facts.feature_demand(uow, w, feats[1], NOW).customers]
        assert batched[feats[1]].arr_by_currency == {"USD": Decimal("120000.50"), "EUR": Decimal("50000")}
