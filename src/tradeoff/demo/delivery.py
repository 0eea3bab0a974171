"""Delivery content of the demo workspace: teams, components with debt, estimates, a year of work history, the
plan for the next two quarters and a few commitments (one of them at risk). Loaded through the services."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert

from tradeoff.blockers import service as blocker_service
from tradeoff.blockers.model import BlockerKind
from tradeoff.blockers.schemas import BlockerCreate
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.schemas import CommitmentCreate
from tradeoff.components import service as component_service
from tradeoff.components.schemas import ComponentCreate
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.schemas import DriverIn, EstimateIn
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanCreate, PlanUpdate, ReleaseIn
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.teams.schemas import HolidayIn, MemberIn, TeamCreate
from tradeoff.workitems.model import WorkItem

# name, wip limit, share kept for tech work, members (name, availability, holiday offsets in days from anchor)
TEAMS: tuple[tuple[str, int, float, tuple[tuple[str, float, tuple[tuple[int, int], ...]], ...]], ...] = (
    ("Invoicing", 3, 0.2, (("Priya Natarajan", 0.8, ()), ("Arjun Mehta", 1.0, ((24, 35),)), ("Chloe Dubois", 1.0, ()),
                          ("Felix Wagner", 0.5, ()), ("Hana Sato", 1.0, ((60, 69),)))),
    ("Payments", 3, 0.2, (("Tomasz Kowalczyk", 0.8, ()), ("Amara Nwosu", 1.0, ()), ("Diego Alvarez", 1.0, ((31, 38),)),
                         ("Ines Costa", 1.0, ()))),
    ("Platform", 2, 0.3, (("Noah Berg", 1.0, ()), ("Sofia Rossi", 1.0, ((45, 52),)), ("Yusuf Demir", 0.6, ()))),
)

# name, kind, debt 0-5, owner team, description
COMPONENTS: tuple[tuple[str, str, int, str, str], ...] = (
    ("invoice-service", "service", 4, "Invoicing", "Invoice lifecycle; a 2019 monolith module split out in a hurry"),
    ("ledger", "module", 2, "Payments", "Double-entry ledger behind balances and payouts"),
    ("netsuite-connector", "service", 5, "Invoicing", "Hand-written SOAP client; retries by cron"),
    ("payments-gateway", "service", 1, "Payments", "Card and bank rails behind one interface"),
    ("auth", "service", 3, "Platform", "Sessions, API keys and roles"),
    ("webhooks-dispatcher", "service", 3, "Platform", "Outgoing webhooks; no ordering guarantees yet"),
    ("reporting", "module", 2, "Invoicing", "Report queries over the read replica"),
    ("public-api", "service", 1, "Platform", "REST API gateway and docs"),
)

# feature key: (team, optimistic, likely, pessimistic days, drivers [(name, component)], components, category,
#               depends on feature keys)
ESTIMATES: dict[str, tuple[str, float, float, float, tuple[tuple[str, str | None], ...], tuple[str, ...], str,
                           tuple[str, ...]]] = {
    "reminder-escalation": ("Invoicing", 8, 12, 20, (), ("invoice-service",), "feature", ()),
    "multi-entity": ("Invoicing", 50, 80, 160, (("data_migration", None), ("unknowns", None)),
                     ("invoice-service", "ledger"), "feature", ()),
    "vat-validation": ("Invoicing", 12, 18, 32, (("third_party", None),), ("invoice-service",), "feature", ()),
    "invoice-approval-rules": ("Invoicing", 10, 16, 28, (), ("invoice-service",), "feature", ()),
    "custom-invoice-fields": ("Invoicing", 6, 10, 18, (), ("invoice-service",), "feature", ()),
    "ap-portal-submission": ("Invoicing", 24, 40, 80, (("third_party", None), ("unknowns", None)), (), "feature", ()),
    "credit-notes": ("Invoicing", 16, 24, 44, (("refactor", "invoice-service"),), ("invoice-service", "ledger"),
                     "feature", ()),
    "customer-billing-portal": ("Invoicing", 30, 44, 80, (("new_api", None), ("security_review", None)),
                                ("auth", "invoice-service"), "feature", ("credit-notes",)),
    "proration-preview": ("Invoicing", 8, 12, 24, (), ("invoice-service",), "feature", ()),
    "bulk-send-and-schedule": ("Invoicing", 10, 16, 26, (), ("invoice-service",), "feature", ()),
    "report-builder": ("Invoicing", 24, 36, 70, (("unknowns", None),), ("reporting",), "feature", ()),
    "netsuite-sync-health": ("Invoicing", 12, 20, 40, (("refactor", "netsuite-connector"),), ("netsuite-connector",),
                             "tech_debt", ()),
    "netsuite-two-way-sync": ("Invoicing", 30, 50, 100, (("third_party", None), ("data_migration", None)),
                              ("netsuite-connector",), "feature", ("netsuite-sync-health",)),
    "usage-metering-api": ("Platform", 16, 24, 40, (("new_api", None),), ("public-api",), "platform", ()),
    "tax-engine-integration": ("Invoicing", 20, 32, 60, (("third_party", None),), ("invoice-service",), "feature", ()),
    "api-reference-examples": ("Platform", 6, 10, 16, (), ("public-api",), "platform", ()),
    "sandbox-test-clock": ("Platform", 16, 24, 48, (("unknowns", None),), ("public-api", "ledger"), "platform", ()),
    "account-scoped-roles": ("Platform", 12, 18, 32, (("security_review", None),), ("auth",), "feature",
                             ("saml-sso-scim",)),
    "invoice-audit-log": ("Platform", 8, 12, 20, (), ("invoice-service",), "feature", ()),
    "accounting-customer-matching": ("Invoicing", 10, 16, 30, (), (), "feature", ()),
    "xero-sync": ("Invoicing", 20, 30, 60, (("third_party", None),), (), "feature", ()),
    "salesforce-quote-to-invoice": ("Invoicing", 20, 28, 56, (("third_party", None),), ("invoice-service",),
                                    "feature", ()),
    "saml-sso-scim": ("Platform", 16, 24, 44, (("security_review", None), ("third_party", None)), ("auth",),
                      "feature", ()),
    "fast-invoice-list": ("Platform", 8, 14, 24, (("refactor", "invoice-service"),), ("invoice-service",),
                          "tech_debt", ()),
    "webhook-ordering-and-replay": ("Platform", 12, 20, 36, (("refactor", "webhooks-dispatcher"),),
                                    ("webhooks-dispatcher",), "platform", ()),
    "reconciliation-workspace": ("Payments", 24, 36, 64, (("unknowns", None),), ("ledger",), "feature",
                                 ("bank-transfer-matching",)),
    "cash-forecast": ("Payments", 16, 24, 48, (("unknowns", None),), ("ledger", "reporting"), "feature", ()),
    "ach-bank-payments": ("Payments", 16, 24, 40, (("third_party", None), ("security_review", None)),
                          ("payments-gateway",), "feature", ()),
    "bank-transfer-matching": ("Payments", 16, 24, 44, (("data_migration", None),), ("ledger",), "feature", ()),
    "virtual-account-numbers": ("Payments", 20, 30, 56, (("third_party", None),), ("payments-gateway",), "feature",
                                ("bank-transfer-matching",)),
    "smart-card-retries": ("Payments", 8, 12, 20, (), ("payments-gateway",), "feature", ()),
    "card-account-updater": ("Payments", 8, 14, 24, (("third_party", None),), ("payments-gateway",), "feature", ()),
    "multi-currency-reports": ("Payments", 16, 24, 40, (), ("reporting", "ledger"), "feature", ()),
    "sepa-direct-debit": ("Payments", 20, 32, 60, (("third_party", None), ("security_review", None)),
                          ("payments-gateway",), "feature", ()),
    "dispute-evidence-pack": ("Payments", 8, 12, 20, (), ("payments-gateway",), "feature", ()),
}

# work shared with other teams: feature key -> {team: its share of the effort}; the estimate's team does the rest
SHARED: dict[str, dict[str, float]] = {
    "multi-entity": {"Payments": 0.3},  # the ledger has to learn about entities too
    "customer-billing-portal": {"Platform": 0.25},  # sign-in, roles and the security review
}

# (feature key, customer key, due in days from the anchor, promised by): the last one is the risky promise
COMMITMENTS: tuple[tuple[str, str, int, str], ...] = (
    ("saml-sso-scim", "vantara-telecom", 120, "grace.lindqvist@ledgerly.example"),
    ("ach-bank-payments", "pelican-bay-logistics", 150, "jonah.price@ledgerly.example"),
    ("credit-notes", "kessler-brandt-industrie-ag", 24, "grace.lindqvist@ledgerly.example"),
)

# features finished in the past year, each delivered by a run of its team's work items (linked like an epic link):
# (team, demo key of a shipped feature or a title for one shipped and archived earlier, description, points)
FINISHED: tuple[tuple[str, str, str, int], ...] = (
    ("Invoicing", "Recurring invoices", "Invoice a customer on a schedule, with the next date and the amount "
                                        "worked out from the subscription.", 55),
    ("Payments", "Card payments with 3-D Secure", "Strong customer authentication for card payments in the EU, "
                                                  "with the challenge flow inside the payment page.", 48),
    ("Platform", "Scoped API keys", "API keys limited to chosen resources and read or write access.", 26),
    ("Invoicing", "Partial payments on invoices", "Record several payments against one invoice and show the "
                                                  "balance left.", 34),
    ("Payments", "Refunds from the invoice page", "Refund all or part of a card payment without leaving the "
                                                  "invoice.", 29),
    ("Platform", "Signed webhooks", "Every webhook carries a signature the receiver can check with a shared "
                                    "secret.", 21),
    ("Invoicing", "Late fees on overdue invoices", "Add a fixed or percentage fee when an invoice is overdue, "
                                                   "with a grace period.", 24),
    ("Payments", "Payout schedule settings", "Choose daily, weekly or monthly payouts and a minimum amount.", 18),
    ("Invoicing", "automatic-payment-reminders", "", 38),
    ("Invoicing", "branded-invoice-templates", "", 30),
    ("Payments", "payout-breakdown", "", 26),
    ("Platform", "api-idempotency-keys", "", 19),
    ("Platform", "usage-csv-import", "", 23),
)

# work history: (title template, points choices) per team; {x} is filled from the team's nouns
WORK: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "Invoicing": (("Fix rounding in {x}", (1, 2)), ("Add filter to {x} list", (2, 3)), ("Sync {x} to NetSuite", (5, 8)),
                  ("Export {x} as CSV", (2, 3)), ("Migrate {x} data to new schema", (8, 13)),
                  ("New email template for {x}", (1, 2, 3)), ("Integrate {x} with external tax service", (5, 8, 13))),
    "Payments": (("Retry failed {x}", (2, 3)), ("Reconcile {x} with bank statement", (5, 8)),
                 ("Add {x} to payout report", (2, 3)), ("Support {x} over ACH", (5, 8, 13)),
                 ("Fix {x} webhook payload", (1, 2)), ("Validate {x} currency", (1, 2, 3))),
    "Platform": (("Rate limit {x} endpoint", (2, 3)), ("Document {x} API", (1, 2)), ("Add SSO login for {x}", (5, 8)),
                 ("Upgrade {x} dependencies", (1, 2, 3)), ("Refactor {x} permissions", (5, 8, 13)),
                 ("Replay {x} webhooks", (3, 5))),
}
NOUNS = {"Invoicing": ("invoice", "credit note", "customer", "reminder", "approval", "line item"),
         "Payments": ("card payment", "payout", "refund", "dispute", "bank transfer", "mandate"),
         "Platform": ("API key", "webhook", "role", "audit event", "sandbox", "usage record")}
POINTS_PER_WEEK = {"Invoicing": 20.0, "Payments": 17.0, "Platform": 11.0}


def _work_history(rng: random.Random, team: str, team_id: int, anchor: date, workspace_id: int,
                  start_key: int) -> list[dict[str, Any]]:
    """A year of finished work (and a few open items): bursty weeks, two quiet holiday weeks, pace drifting."""
    rows: list[dict[str, Any]] = []
    end = datetime(anchor.year, anchor.month, anchor.day, 9, tzinfo=UTC)
    key = start_key
    prefix = team[:3].upper()
    for week in range(52, 0, -1):
        quiet = week in (48, 47, 22)  # year-end and a summer week
        target = POINTS_PER_WEEK[team] * (0.15 if quiet else rng.uniform(0.6, 1.4))
        done = 0.0
        while done < target:
            template, choices = rng.choice(WORK[team])
            pts = rng.choice(choices)
            done += pts
            resolved = end - timedelta(days=7 * week - rng.uniform(0, 7))
            cycle = pts * rng.uniform(0.6, 1.6) + rng.uniform(0, 2)
            key += 1
            rows.append({"workspace_id": workspace_id, "key": f"{prefix}-{key}", "title":
                         template.format(x=rng.choice(NOUNS[team])), "description": "", "type": "Story",
                         "status": "Done", "opened_at": resolved - timedelta(days=cycle + rng.uniform(1, 20)),
                         "started_at": resolved - timedelta(days=cycle), "resolved_at": resolved, "points": float(pts),
                         "feature_id": None, "team_id": team_id, "source": "demo"})
    for _ in range(6):
        template, choices = rng.choice(WORK[team])
        key += 1
        opened = end - timedelta(days=rng.uniform(1, 30))
        rows.append({"workspace_id": workspace_id, "key": f"{prefix}-{key}", "title":
                     template.format(x=rng.choice(NOUNS[team])), "description": "", "type": "Story",
                     "status": "In Progress", "opened_at": opened, "started_at": opened + timedelta(days=1),
                     "resolved_at": None, "points": float(rng.choice(choices)), "feature_id": None,
                     "team_id": team_id, "source": "demo"})
    return rows


def _link_finished_features(*, uow: UnitOfWork, workspace_id: int, actor: Actor, rows: list[dict[str, Any]],
                            features: dict[str, Any], team_ids: dict[str, int]) -> None:
    """Link runs of finished work items to the features they delivered (FINISHED), spread over the year; the
    features shipped earlier are created, shipped and archived."""
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.records import service as records

    done = {team: [r for r in rows if r["resolved_at"] is not None and r["team_id"] == tid]
            for team, tid in team_ids.items()}
    per_team: dict[str, list[tuple[str, str, int]]] = {}
    for team, key, text, points in FINISHED:
        per_team.setdefault(team, []).append((key, text, points))
    for team, todo in per_team.items():
        items = done.get(team, [])
        step = len(items) // (len(todo) + 1)
        for j, (key, text, points) in enumerate(todo):
            if key in features:
                feature = features[key]
            elif text:
                feature = feature_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=FeatureCreate(
                    title=key, description=text, status="shipped"))  # type: ignore[arg-type]
            else:
                continue
            total, last = 0.0, None
            for r in items[(j + 1) * step - step // 2:]:
                if total >= points:
                    break
                if r["feature_id"] is None:
                    r["feature_id"] = feature.id
                    total += r["points"]
                    last = r["resolved_at"]
            if last is not None:
                feature.shipped_at = last
            if key not in features:
                records.set_archived(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, actor=actor,
                                     record_id=feature.id, archived=True)


# work in progress the tracker already links to its feature: (feature, team, done items, open items); the plan and the
# forecast count what is left of it (the promised credit notes have no linked work yet)
STARTED: tuple[tuple[str, str, int, int], ...] = (("fast-invoice-list", "Platform", 2, 3),
                                                  ("ach-bank-payments", "Payments", 2, 4))


def _link_work_in_progress(rows: list[dict[str, Any]], features: dict[str, Any], team_ids: dict[str, int]) -> None:
    """Link the newest finished work items and some open ones of each team to its feature in progress."""
    for key, team, done, still_open in STARTED:
        if key not in features:
            continue
        mine = [r for r in rows if r["team_id"] == team_ids[team] and r["feature_id"] is None]
        finished = sorted((r for r in mine if r["resolved_at"] is not None), key=lambda r: r["resolved_at"])
        for r in finished[-done:] + [r for r in mine if r["resolved_at"] is None][:still_open]:
            r["feature_id"] = features[key].id


def _public_holidays(anchor: date) -> list[HolidayIn]:
    """The whole company's days off in the year ahead of the anchor: Christmas and New Year's Day."""
    days = [(date(y, 12, 24), date(y, 12, 26)) for y in (anchor.year, anchor.year + 1)]
    days += [(date(y, 1, 1), date(y, 1, 1)) for y in (anchor.year + 1, anchor.year + 2)]
    return [HolidayIn(start=a, end=b) for a, b in days if anchor <= b <= anchor + timedelta(days=366)]


def load_delivery(*, uow: UnitOfWork, workspace_id: int, actor: Actor, anchor: date, features: dict[str, Any],
                  customers: dict[str, Any], seed: int = 7) -> dict[str, int]:
    """Add the delivery side of the demo to workspace `workspace_id` (features and customers by their demo key)."""
    rng = random.Random(seed * 31 + 5)
    teams = {}
    for name, wip, share, members in TEAMS:
        teams[name] = team_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=TeamCreate(
            name=name, wip_limit=wip, tech_share=share, members=[MemberIn(
                name=m, availability=a, holidays=[HolidayIn(start=anchor + timedelta(days=s),
                                                            end=anchor + timedelta(days=e)) for s, e in hols])
                for m, a, hols in members], days_off=_public_holidays(anchor)))
    components = {}
    for name, kind, debt, owner, text in COMPONENTS:
        components[name] = component_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=ComponentCreate(
            name=name, kind=kind, debt_level=debt, owner_team_id=teams[owner].id, description=text))  # type: ignore[arg-type]
    estimated = 0
    pending = dict(ESTIMATES)
    while pending:  # prerequisites first, so every dependency already has its estimate
        for key, (team, o, m, p, drivers, comps, category, deps) in list(pending.items()):
            if key not in features or any(d in pending for d in deps):
                if key not in features:
                    del pending[key]
                continue
            estimate_service.save(uow=uow, workspace_id=workspace_id, actor=actor, feature_id=features[key].id,
                                  data=EstimateIn(
                                      optimistic=o, likely=m, pessimistic=p, team_id=teams[team].id,
                                      drivers=[DriverIn(name=d, component_id=components[c].id if c else None)  # type: ignore[arg-type]
                                               for d, c in drivers],
                                      component_ids=[components[c].id for c in comps], category=category,  # type: ignore[arg-type]
                                      depends_on=[features[d].id for d in deps if d in features],
                                      team_shares={teams[t].id: v for t, v in SHARED.get(key, {}).items()},
                                      confidence=0.8))
            estimated += 1
            del pending[key]
    rows: list[dict[str, Any]] = []
    for i, name in enumerate(teams):
        rows += _work_history(rng, name, teams[name].id, anchor, workspace_id, 1000 * (i + 1))
    _link_finished_features(uow=uow, workspace_id=workspace_id, actor=actor, rows=rows, features=features,
                            team_ids={name: t.id for name, t in teams.items()})
    _link_work_in_progress(rows, features, {name: t.id for name, t in teams.items()})
    now = datetime.now(UTC)
    for r in rows:
        r |= {"created_at": now, "updated_at": now}
    table = cast(Table, WorkItem.__table__)
    for i in range(0, len(rows), 1000):
        uow.session.execute(insert(table), rows[i:i + 1000])
    if "netsuite-two-way-sync" in features:  # a risk engineering sees: every forecast counts it at its chance
        blocker_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=BlockerCreate(
            title="NetSuite may retire the SOAP endpoints the connector uses", kind=BlockerKind.risk, likelihood=0.35,
            component_id=components["netsuite-connector"].id, extra_optimistic=10, extra_likely=15,
            extra_pessimistic=30, feature_ids=[features["netsuite-two-way-sync"].id],
            description="Their 2027.1 release notes announce a REST-first API; if SOAP goes, the two-way sync is "
                        "built on a rewritten client."))
    promises = 0
    for fkey, ckey, days, who in COMMITMENTS:
        if fkey in features and ckey in customers:
            commitment_service.create(uow=uow, workspace_id=workspace_id, actor=actor, today=anchor,
                                      data=CommitmentCreate(feature_id=features[fkey].id, customer_id=customers[ckey].id,
                                                            due=anchor + timedelta(days=days), promised_by=who,
                                                            note="Promised on the renewal call"),
                                      forecast=False)  # forecast once the plan is solved, below
            promises += 1
    release = [features[k].id for k in ("saml-sso-scim", "account-scoped-roles", "invoice-audit-log")
               if k in features]
    plan = plan_service.create(uow=uow, workspace_id=workspace_id, actor=actor, today=anchor, data=PlanCreate(
        name="Next two quarters", description="The roadmap for the next 26 weeks: two-week sprints, value = ARR of "
                                              "the customers who asked.",
        start=anchor, periods=13, period_days=14, value_source="arr",  # type: ignore[arg-type]
        releases=([ReleaseIn(name="Enterprise readiness", feature_ids=release,  # aimed at the enterprise webinar
                             target=anchor + timedelta(days=135))] if release else [])
        + ([ReleaseIn(name="Month-end close", feature_ids=[features["reconciliation-workspace"].id],  # too soon
                      target=anchor + timedelta(days=45))] if "reconciliation-workspace" in features else []),
        time_limit=10.0, live=False))
    # solved before it goes live, so the promises are first forecast in the plan's order (going live forecasts
    # them): the chance their first notice gives is the one the commitments page shows
    plan_service.solve(uow=uow, workspace_id=workspace_id, actor=actor, plan_id=plan.id)
    plan_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=plan.id,
                        data=PlanUpdate(live=True), if_match=None, today=anchor)
    commitment_service.recompute(uow=uow, workspace_id=workspace_id, today=anchor)
    return {"teams": len(teams), "components": len(components), "estimates": estimated, "work_items": len(rows),
            "plans": 1, "commitments": promises}


def save_what_ifs(*, uow: UnitOfWork, workspace_id: int, actor: Actor, anchor: date, features: dict[str, Any]) -> int:
    """The what-ifs the PM keeps on the live plan to discuss: a Payments hire joining in four weeks and taking four
    to reach full pace, the plan without the fast invoice list, and the at-risk credit-notes promise moved to
    February."""
    from tradeoff.plans import saved as saved_what_ifs
    from tradeoff.plans.schemas import AddPeople, MoveDeadline, WhatIfIn

    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    payments = next(t for t in team_service.active(uow=uow, workspace_id=workspace_id) if t.name == "Payments")
    if plan is None:
        return 0
    asks = [WhatIfIn(name="Hire one for Payments next month", time_limit=5.0, add_people=[AddPeople(
        team_id=payments.id, people=1, start=anchor + timedelta(days=28), ramp_up_weeks=4)])]
    if "fast-invoice-list" in features:
        asks.append(WhatIfIn(name="Without the fast invoice list", time_limit=5.0,
                             drop_features=[features["fast-invoice-list"].id]))
    if "credit-notes" in features:  # the promise at risk, renegotiated: its chance by the later date
        asks.append(WhatIfIn(name="Credit notes promised for February", time_limit=5.0, move_deadlines=[
            MoveDeadline(feature_id=features["credit-notes"].id, deadline=anchor + timedelta(days=60))]))
    for data in asks:
        saved_what_ifs.save(uow=uow, workspace_id=workspace_id, actor=actor, plan_id=plan.id, data=data)
    return len(asks)
