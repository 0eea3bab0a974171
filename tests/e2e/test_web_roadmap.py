"""Roadmap pages (Now / Next / Later, timeline SVG, plan with what-if, capacity, commitments) through the web UI."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from fastapi.routing import APIRoute

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.schemas import CommitmentCreate
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates.schemas import EstimateIn
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.plans import saved as saved_what_ifs
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanCreate, WhatIfIn
from tradeoff.records import service as records
from tradeoff.teams import service as team_service
from tradeoff.teams.schemas import MemberIn, TeamCreate
from tradeoff.web import routes_commitment_forms, routes_plan_forms, routes_roadmap


def _seed(c: Container, slug: str, *, what_if: bool = False) -> dict[str, int]:
    today = date.today()
    with c.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        team = team_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=TeamCreate(
            name="Core <team>", members=[MemberIn(name="Ana"), MemberIn(name="Bo", availability=0.5)], tech_share=0.2))
        ids = {"team": team.id}
        for key, title, cat, (o, m, p) in (("a", "Audit log export", "feature", (3, 4, 6)),
                                           ("b", "Refactor invoice service", "tech_debt", (2, 3, 5)),
                                           ("c", "Credit notes", "feature", (20, 30, 50))):
            f = feature_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=FeatureCreate(title=title))
            estimate_service.save(uow=uow, workspace_id=wid, actor=SYSTEM, feature_id=f.id, data=EstimateIn(
                optimistic=o, likely=m, pessimistic=p, team_id=team.id, category=cat))  # type: ignore[arg-type]
            ids[key] = f.id
        cust = customer_service.create(uow=uow, workspace_id=wid, actor=SYSTEM,
                                       data=CustomerCreate(name="Acme", arr=50000))  # type: ignore[arg-type]
        ids["commitment"] = commitment_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=CommitmentCreate(
            feature_id=ids["a"], customer_id=cust.id, due=today + timedelta(days=9))).id
        ids["cust"] = cust.id
        plan = plan_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=PlanCreate(
            name="Next quarter", start=today, periods=12, period_days=7, value_source="manual",  # type: ignore[arg-type]
            values={ids["a"]: 5, ids["b"]: 1, ids["c"]: 9}, time_limit=2, live=True))
        ids["plan"] = plan.id
    if what_if:  # solved, with a saved what-if
        with c.unit_of_work() as uow:
            plan_service.solve(uow=uow, workspace_id=wid, actor=SYSTEM, plan_id=plan.id)
            ids["what_if"] = saved_what_ifs.save(uow=uow, workspace_id=wid, actor=SYSTEM, plan_id=plan.id,
                                                 data=WhatIfIn(drop_features=[ids["c"]])).id
    return ids


def test_roadmap_pages(container: Container, world: World) -> None:
    ids = _seed(container, world.slug)
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    base = f"/w/{world.slug}"
    page = tc.get(f"{base}/plans/{ids['plan']}")
    assert page.status_code == 200 and "not solved yet" in page.text
    r = tc.post(f"{base}/plans/{ids['plan']}/solve", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    page = tc.get(f"{base}/plans/{ids['plan']}")
    assert "Optimality gap" in page.text and "Sort by value and fill" in page.text and "Audit log export" in page.text
    assert 'id="since-last"' not in page.text and 'name="fresh"' in page.text
    # solved again with nothing changed, the plan stays as it is and says so; from scratch is a choice
    assert tc.post(f"{base}/plans/{ids['plan']}/solve", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    again = tc.get(f"{base}/plans/{ids['plan']}").text
    assert "kept close to the last answer: none moved; none added; none dropped." in again
    assert tc.post(f"{base}/plans/{ids['plan']}/solve",
                   data={"csrf_token": csrf_of(page.text), "fresh": "1"}).status_code == 303
    assert "solved from scratch:" in tc.get(f"{base}/plans/{ids['plan']}").text
    assert 'id="plan-stale"' not in page.text
    # 32 person-days never fit in a week of 1.5 people: spread over the weeks it needs, named in the schedule
    assert "Not chosen" not in page.text
    # how much of each team's capacity the plan uses, period by period
    used = re.findall(r'title="([\d.,]+) of ([\d.,]+) person-days"', page.text)
    assert "Capacity used" in page.text and len(used) == 12  # one team, twelve weeks
    # each scheduled feature's forecast P85 beside its period (the Forecast page's answer for this plan)
    p85 = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)(?: <span class="risk[^>]*>later than planned</span>)?</td></tr>',
                     page.text)
    assert "Forecast P85" in page.text and len(p85) >= 2
    assert all(date.fromisoformat(d) >= date.today() for d in p85)
    assert "20% kept for tech</span>" in page.text  # the team's share for tech work, from the plan's own rules
    assert all(float(u) <= float(c) + 1e-6 for u, c in used) and any(float(u) > 0 for u, _ in used)
    # 20/30/50 person-days, 80% sure: the plan counts the mean the forecast draws from (34.3), not PERT's 31.7
    assert "&#39;Credit notes&#39; 34 person-days over 6 periods (Core &lt;team&gt;: about 6 a period" in page.text
    weeks = re.search(r"<td class=\"nowrap\">(\d+)–(\d+)</td><td class=\"nowrap\">[^<]*</td><td>[^<]*</td><td><a [^>]*>"
                      r"Credit notes</a>", page.text)
    assert weeks and int(weeks[2]) - int(weeks[1]) + 1 == 6  # 34.3 days at 6 a week (1.5 people, 20% kept for tech)
    r = tc.post(f"{base}/plans/{ids['plan']}/what-if", data={"csrf_token": csrf_of(page.text), "drop": str(ids["a"])},
                headers={"HX-Request": "true"})
    assert r.status_code == 200 and "removed: Audit log export" in r.text and "<html" not in r.text
    assert "P85 date of each feature, plan and what-if" in r.text and "not in it" in r.text  # dates side by side
    notes = r.text.split('id="what-if-notes"')[1].split("</ul>")[0]  # the what-if's notes, as the API gives them
    assert "<li>dropped: Audit log export</li>" in notes
    both = tc.post(f"{base}/plans/{ids['plan']}/what-if", headers={"HX-Request": "true"},
                   data={"csrf_token": csrf_of(page.text), "drop": [str(ids["a"]), str(ids["b"])]})
    assert "without Audit log export, without Refactor invoice service" in html.unescape(both.text)
    assert both.text.count('<input type="hidden" name="drop"') == 2  # saved as asked
    # a deadline moved before Credit notes' six weeks can be done: the what-if plans it no more
    assert 'name="deadline_feature"' in page.text
    r = tc.post(f"{base}/plans/{ids['plan']}/what-if", headers={"HX-Request": "true"},
                data={"csrf_token": csrf_of(page.text), "deadline_feature": str(ids["c"]),
                      "deadline": (date.today() + timedelta(days=27)).isoformat()})
    assert r.status_code == 200 and "removed: Credit notes" in r.text and "due 20" in r.text, r.text[:500]
    # people joining later, ramping up: named so in the what-if
    assert 'name="joins"' in page.text and 'name="ramp_up_weeks"' in page.text
    team_id = re.search(r'<select id="wi-team" name="team_id"><option value="">—</option><option value="(\d+)"',
                        page.text)
    assert team_id
    joins = (date.today() + timedelta(days=30)).isoformat()
    r = tc.post(f"{base}/plans/{ids['plan']}/what-if", headers={"HX-Request": "true"},
                data={"csrf_token": csrf_of(page.text), "team_id": team_id[1], "people": "1", "joins": joins,
                      "ramp_up_weeks": "6"})
    assert r.status_code == 200 and f"+1 person on Core &lt;team&gt; (joining {joins}, 6 weeks to full pace)" in r.text
    # a what-if worth discussing is saved (as it was typed) and compared with the others below the form
    assert "Save to compare" in r.text and f'<input type="hidden" name="joins" value="{joins}">' in r.text
    assert "None yet: try a what-if above" in page.text
    for form in ({"team_id": team_id[1], "people": "1", "joins": joins, "ramp_up_weeks": "6", "name": "Hire <Cy>"},
                 {"drop": str(ids["a"])}):
        saved = tc.post(f"{base}/plans/{ids['plan']}/what-ifs", data={"csrf_token": csrf_of(page.text), **form})
        assert saved.status_code == 303 and saved.headers["location"].endswith("#saved-what-ifs")
    side = tc.get(f"{base}/plans/{ids['plan']}").text.split('id="saved-what-ifs"')[1]
    assert "<th scope=\"col\">Hire &lt;Cy&gt;" in side and "<th scope=\"col\">without Audit log export" in side
    assert "Chance of keeping the promise of Audit log export to Acme" in side and "not in it" in side
    assert "solved again since" not in side
    refused = tc.post(f"{base}/plans/{ids['plan']}/what-ifs", data={"csrf_token": csrf_of(page.text), "people": "1"})
    assert refused.status_code == 422 and "Not saved: the what-if is not complete" in refused.text
    # solved again, the plan's saved what-ifs say so until compared again; one is deleted
    assert tc.post(f"{base}/plans/{ids['plan']}/solve", data={"csrf_token": csrf_of(page.text), "fresh": "1"}
                   ).status_code == 303
    side = tc.get(f"{base}/plans/{ids['plan']}").text.split('id="saved-what-ifs"')[1]
    assert side.count("the plan was solved again since") == 2
    assert side.count("against the plan as it was then") == 2  # its difference is not against the value shown
    first, second = (int(x) for x in re.findall(r"/what-ifs/(\d+)/delete", side))
    assert tc.post(f"{base}/plans/{ids['plan']}/what-ifs/{first}/compare-again",
                   data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert tc.post(f"{base}/plans/{ids['plan']}/what-ifs/{second}/delete",
                   data={"csrf_token": csrf_of(page.text)}).status_code == 303
    side = tc.get(f"{base}/plans/{ids['plan']}").text.split('id="saved-what-ifs"')[1]
    assert "Hire &lt;Cy&gt;" in side and "without Audit log export" not in side and "solved again since" not in side
    assert "against the plan as it was then" not in side
    assert tc.post(f"{base}/plans/{ids['plan']}/what-ifs/{second}/delete",
                   data={"csrf_token": csrf_of(page.text)}).status_code == 404
    # an incomplete or out-of-range what-if is refused in words, naming what is missing, before any solving
    for form, said in (({"people": "2"}, "choose the team the people join"), ({}, "choose a change to try"),
                       ({"joins": joins}, "give how many people join"),
                       ({"people": "1", "team_id": team_id[1], "ramp_up_weeks": "60"},
                        "weeks to full pace: input should be less than or equal to 52"),
                       ({"deadline_feature": str(ids["c"])}, "give the new deadline"),
                       ({"deadline_feature": str(ids["c"]), "deadline": "31/12"}, "new deadline: input should be"),
                       ({"cut_feature": str(ids["a"])}, "give the share of the feature to keep"),
                       ({"people": "100000", "team_id": "1"}, "people: input should be less than or equal to")):
        r = tc.post(f"{base}/plans/{ids['plan']}/what-if", data={"csrf_token": csrf_of(page.text), **form},
                    headers={"HX-Request": "true"})
        assert r.status_code == 422 and said in html.unescape(r.text) and "pydantic" not in r.text, (form, r.text[:300])
    # an estimate changed after the plan was solved: the plan page says its answer may no longer hold
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        estimate_service.save(uow=uow, workspace_id=wid, actor=SYSTEM, feature_id=ids["a"], data=EstimateIn(
            optimistic=3, likely=5, pessimistic=9, team_id=ids["team"]))  # type: ignore[arg-type]
    stale = tc.get(f"{base}/plans/{ids['plan']}").text
    assert 'id="plan-stale"' in stale and "1 estimate. The features, capacity and dates below may no longer" in stale
    with container.unit_of_work() as uow:  # back as it was, for what follows
        estimate_service.save(uow=uow, workspace_id=wid, actor=SYSTEM, feature_id=ids["a"], data=EstimateIn(
            optimistic=3, likely=4, pessimistic=6, team_id=ids["team"]))  # type: ignore[arg-type]
    board = tc.get(f"{base}/roadmap")
    assert board.status_code == 200
    for text in ("Now", "Next", "Later", "Technology lane", "Refactor invoice service", "P85"):
        assert text in board.text
    timeline = tc.get(f"{base}/roadmap/timeline")
    assert timeline.status_code == 200 and "<svg" in timeline.text and "Core &lt;team&gt;" in timeline.text
    assert "Core <team>" not in timeline.text.split("<svg", 1)[1]  # escaped inside the SVG
    cap = tc.get(f"{base}/capacity")
    assert cap.status_code == 200 and "Person-days" in cap.text and "50%" in cap.text
    assert "Periods of the live plan" in cap.text and cap.text.count("<tr><td>") == 12  # the live plan's weeks
    with container.unit_of_work() as uow:  # days off, each apart: a day as itself, a span from-to
        team = records.get(uow=uow, spec=team_service.SPEC, record_id=ids["team"],
                           workspace_id=accounts.workspace_by_slug(uow=uow, slug=world.slug).id)
        team.members[0].holidays = [["2027-01-04", "2027-01-08"], ["2027-01-15", "2027-01-15"]]
        team.days_off = [["2026-12-25", "2026-12-26"]]
    cap = tc.get(f"{base}/capacity").text
    assert "Ana · off 2027-01-04–2027-01-08; 2027-01-15" in cap and "the whole team off 2026-12-25–2026-12-26" in cap
    com = tc.get(f"{base}/commitments")
    assert com.status_code == 200 and "Acme" in com.text and "at risk" in com.text and "USD 50,000" in com.text
    assert re.search(r"70% chance by \d{4}-\d\d-\d\d</div>", com.text)  # the date that could be promised
    # a crossing names the promise and points at its row (the anchor notifications link to)
    assert f'<tr id="commitment-{ids["commitment"]}">' in com.text
    assert f'<a href="#commitment-{ids["commitment"]}">Audit log export for Acme</a> promised below 70%' in com.text
    only = tc.get(f"{base}/commitments?at_risk=1").text
    assert "Audit log export for Acme</a>" in only  # still named when the table is filtered
    # a promise made after the plan was solved, sooner than the plan finishes its feature: the page says so
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        commitment_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=CommitmentCreate(
            feature_id=ids["c"], customer_id=ids["cust"], due=date.today() + timedelta(days=9)))
    com = html.unescape(tc.get(f"{base}/commitments").text)
    assert "The live plan 'Next quarter' schedules it by" in com and "after the due date" in com
    assert com.count("The live plan 'Next quarter' schedules it by") == 2  # the kept promise says so too, quietly
    # the feature page loads its delivery summary after the page: estimate, place in the plan, P85, promise
    fp = tc.get(f"{base}/features/{ids['a']}").text
    assert f'hx-get="{base}/features/{ids["a"]}/delivery"' in fp
    assert fp.index('id="evidence-title"') < fp.index('id="delivery-title"')  # who asked comes first
    part = tc.get(f"{base}/features/{ids['a']}/delivery", headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    # without JavaScript (its noscript link, or the "chance by" form) it is a page of its own, with the answer
    page = tc.get(f"{base}/features/{ids['a']}/delivery?by={date.today() + timedelta(days=60)}")
    assert page.status_code == 200 and "<html" in page.text and "Delivery: " in page.text
    assert re.search(r"<strong>\d+%</strong> by \d{4}-\d\d-\d\d", page.text)
    assert "3–6" in part.text and "person-days, likely 4" in part.text and "Next quarter" in part.text
    assert re.search(r"P85 \d{4}-\d\d-\d\d", part.text) and "Acme</a> by" in part.text
    # the chart's markers carry the card's own dates (one forecast, one date each, wherever it is shown)
    for level in ("P50", "P85", "P95"):
        card = date.fromisoformat(re.search(rf"{level} (\d{{4}}-\d\d-\d\d)", part.text)[1])
        assert f'data-level="{level}" data-weeks' in part.text
        assert re.search(rf'data-level="{level}" data-weeks="[^"]*" data-date="{card.day} {card:%b %Y}"', part.text), level


ROADMAP_PAGES = [
    ("GET", "/roadmap"), ("GET", "/roadmap/timeline"), ("GET", "/capacity"), ("GET", "/commitments"),
    ("POST", "/commitments/recompute"), ("POST", "/commitments/threshold"), ("GET", "/plans/{plan}"), ("POST", "/plans/{plan}/solve"),
    ("POST", "/plans/{plan}/what-if"), ("GET", "/plans/new"), ("POST", "/plans/new"), ("GET", "/plans/{plan}/edit"),
    ("POST", "/plans/{plan}/edit"), ("GET", "/commitments/new"), ("POST", "/commitments/new"),
    ("GET", "/commitments/{commitment}/edit"), ("POST", "/commitments/{commitment}/edit"),
    ("GET", "/commitments/check"), ("GET", "/commitments.csv"), ("GET", "/roadmap/forecast.csv"),
    ("POST", "/commitments/{commitment}/withdraw"), ("POST", "/plans/{plan}/what-ifs"),
    ("POST", "/plans/{plan}/what-ifs/{what_if}/compare-again"), ("POST", "/plans/{plan}/what-ifs/{what_if}/delete"),
    ("POST", "/customers/{customer}/deal"), ("POST", "/plans/{plan}/mark-planned"),
]


def test_every_roadmap_page_is_in_the_outsider_list() -> None:
    def shape(path: str) -> str:
        return "/".join("*" if part.startswith("{") else part for part in path.split("/"))

    listed = {(m, shape("/w/{slug}" + p)) for m, p in ROADMAP_PAGES}
    routes = [r for module in (routes_roadmap, routes_plan_forms, routes_commitment_forms) for r in module.router.routes
              if isinstance(r, APIRoute)]
    assert len(routes) == len(ROADMAP_PAGES)
    for route in routes:
        for method in route.methods:
            assert (method, shape(route.path)) in listed, f"{method} {route.path} is missing from ROADMAP_PAGES"


def test_roadmap_pages_for_outsiders_and_readers(container: Container, world: World) -> None:
    ids = _seed(container, world.slug, what_if=True)
    base = f"/w/{world.slug}"
    outsider = web_client(container)
    token = sign_in(outsider, world.charlie.email, world.charlie.password)
    for method, path in ROADMAP_PAGES:
        url = base + path.format(plan=ids["plan"], commitment=ids["commitment"], what_if=ids["what_if"],
                                 customer=ids["cust"])
        r = outsider.get(url) if method == "GET" else outsider.post(url, data={"deal_value": "5",
            "csrf_token": token, "name": "Outsider plan", "start": date.today().isoformat(), "people": "3",
            "team_id": str(ids["team"]), "periods": "2", "feature_id": str(ids["c"]), "customer_id": str(ids["cust"]),
            "due": (date.today() + timedelta(days=300)).isoformat()})
        assert r.status_code == 404, f"{method} {url} → {r.status_code}"
        assert "Next quarter" not in r.text and "Core &lt;team&gt;" not in r.text
    with container.unit_of_work() as uow:
        plan = plan_service.get(uow=uow, workspace_id=accounts.workspace_by_slug(uow=uow, slug=world.slug).id,
                                plan_id=ids["plan"])
        assert plan.name == "Next quarter" and plan.periods == 12 and plan.result is not None  # nothing changed
        assert [w.name for w in saved_what_ifs.saved(uow=uow, workspace_id=plan.workspace_id, plan_id=plan.id)] == [
            "without Credit notes"]
        promised = commitment_service.overview(uow=uow, workspace_id=plan.workspace_id, at_risk_only=False)
        assert [c["due"] for c in promised["items"]] == [(date.today() + timedelta(days=9)).isoformat()]
    reader = web_client(container)
    csrf = sign_in(reader, world.sam.email, world.sam.password)
    assert reader.get(f"{base}/roadmap").status_code == 200
    assert reader.get(f"{base}/plans/new").status_code == 403
    assert reader.post(f"{base}/plans/new", data={"csrf_token": csrf, "name": "Mine"}).status_code == 403
    assert reader.post(f"{base}/plans/{ids['plan']}/solve", data={"csrf_token": csrf}).status_code == 403
    for path in (f"/plans/{ids['plan']}/what-ifs", f"/plans/{ids['plan']}/what-ifs/{ids['what_if']}/compare-again",
                 f"/plans/{ids['plan']}/what-ifs/{ids['what_if']}/delete"):
        assert reader.post(base + path, data={"csrf_token": csrf, "drop": str(ids["a"])}).status_code == 403, path
    assert reader.post(f"{base}/commitments/recompute", data={"csrf_token": csrf}).status_code == 403
    # a stakeholder (sales) records the promise they make; an engineer does not
    assert "Record a commitment" in reader.get(f"{base}/commitments").text
    form = reader.get(f"{base}/commitments/new?feature_id={ids['c']}")
    assert form.status_code == 200
    made = reader.post(f"{base}/commitments/new", data={
        "csrf_token": csrf_of(form.text), "feature_id": str(ids["c"]), "customer_id": str(ids["cust"]),
        "due": (date.today() + timedelta(days=120)).isoformat(), "promised_by": world.sam.email, "note": ""})
    assert made.status_code == 303, made.text[:300]
    again = reader.post(f"{base}/commitments/new", data={
        "csrf_token": csrf_of(form.text), "feature_id": str(ids["c"]), "customer_id": str(ids["cust"]),
        "due": (date.today() + timedelta(days=150)).isoformat(), "promised_by": world.sam.email, "note": ""})
    assert again.status_code == 422 and "move that promise instead" in html.unescape(again.text)
    said = reader.get(made.headers["location"].split("#")[0]).text
    assert re.search(r'id="just-saved">Recorded: Credit notes for Acme by \d{4}-\d\d-\d\d, a \d+% chance of keeping it',
                     said), said[:2000]
    # and keeps the customer's open deal up to date from its page (not the rest of the record)
    page = reader.get(f"{base}/customers/{ids['cust']}").text
    assert 'action="' + f'{base}/customers/{ids["cust"]}/deal"' in page and f'href="{base}/customers/{ids["cust"]}/edit"' not in page
    close = (date.today() + timedelta(days=40)).isoformat()
    version = re.search(r'name="version" value="(\d+)"', page.split('id="deal"')[1])
    assert version is not None
    deal = reader.post(f"{base}/customers/{ids['cust']}/deal", data={
        "csrf_token": csrf_of(page), "deal_value": "12500", "deal_close": close, "version": version[1]})
    assert deal.status_code == 303, deal.text[:300]
    shown = reader.get(deal.headers["location"].split("#")[0]).text
    assert "Deal saved." in shown and "USD 12,500 expected ARR" in shown
    bad = reader.post(f"{base}/customers/{ids['cust']}/deal", data={
        "csrf_token": csrf_of(page), "deal_value": "-3", "deal_close": close, "version": version[1]})
    assert bad.status_code == 422 and "deal value: must be 0 or more" in bad.text
    stale = reader.post(f"{base}/customers/{ids['cust']}/deal", data={
        "csrf_token": csrf_of(page), "deal_value": "1", "deal_close": close, "version": version[1]})
    assert stale.status_code == 422 and "changed since you read it" in stale.text
    engineer = web_client(container)
    sign_in(engineer, world.erin.email, world.erin.password)
    assert engineer.post(f"{base}/customers/{ids['cust']}/deal", data={
        "csrf_token": csrf_of(engineer.get(f"{base}/roadmap").text), "deal_value": "1"}).status_code == 403
    refused = engineer.get(f"{base}/commitments/new")
    assert refused.status_code == 403 and "Engineers cannot do this" in refused.text
    assert "Record a commitment" not in engineer.get(f"{base}/commitments").text
    assert web_client(container).get(f"{base}/roadmap").status_code == 303  # not signed in: to the login page


def test_a_pm_creates_and_edits_a_plan_in_the_web_ui(container: Container, world: World) -> None:
    ids = _seed(container, world.slug)
    base = f"/w/{world.slug}"
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"{base}/plans/new")
    assert page.status_code == 200 and "Credit notes (#" in page.text and "Core &lt;team&gt;" in page.text
    form = {"csrf_token": csrf_of(page.text), "name": "Two quarters", "start": date.today().isoformat(),
            "periods": "13", "period_days": "14", "value_source": "manual", "framework": "", "time_limit": "3",
            "days_per_point": "1", "team_ids": str(ids["team"]), "must_have": str(ids["b"]),
            "deadlines": f"#{ids['a']} | {(date.today() + timedelta(days=60)).isoformat()}\n#{ids['c']} | soon",
            "values": f"#{ids['a']} | 5\n#{ids['c']} | 9"}
    bad = tc.post(f"{base}/plans/new", data=form)
    assert bad.status_code == 422 and "line 2: &#39;soon&#39; is not a date (YYYY-MM-DD)" in bad.text
    assert "Two quarters" in bad.text  # what was typed is kept
    form["deadlines"] = form["deadlines"].replace("soon", (date.today() + timedelta(days=120)).isoformat())
    r = tc.post(f"{base}/plans/new", data=form)
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    plan_id = int(url.rsplit("/", 1)[1])
    page = tc.get(url)
    assert "Two quarters" in page.text and "not solved yet" in page.text
    # 14-day periods cannot keep the promise due in 9 days: said on the plan page, nothing saved
    r = tc.post(f"{url}/solve", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 422 and "Not solved: commitment #" in r.text and "renegotiate the date" in r.text
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        plan = plan_service.get(uow=uow, workspace_id=wid, plan_id=plan_id)
        assert plan.must_have == [ids["b"]] and plan.team_ids == [ids["team"]] and plan.values[str(ids["c"])] == 9
        assert plan.result is None and plan.live is False
        version = plan.version
    edit = tc.get(f"{url}/edit")
    assert edit.status_code == 200 and "Two quarters" in edit.text and f"#{ids['c']} | 9" in edit.text
    weekly = {**form, "csrf_token": csrf_of(edit.text), "version": str(version), "period_days": "7"}
    assert tc.post(f"{url}/edit", data=weekly).status_code == 303
    page = tc.get(url)
    assert tc.post(f"{url}/solve", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    # renaming keeps the answer; a stale form is refused, not lost silently; changing the horizon clears it
    r = tc.post(f"{url}/edit", data={**weekly, "name": "H1 and H2", "version": str(version + 2)})
    assert r.status_code == 303
    with container.unit_of_work() as uow:
        plan = plan_service.get(uow=uow, workspace_id=wid, plan_id=plan_id)
        assert plan.name == "H1 and H2" and plan.result is not None and plan.period_days == 7
        version = plan.version
    r = tc.post(f"{url}/edit", data={**weekly, "name": "H1 and H2", "periods": "6", "version": str(version - 1)})
    assert r.status_code == 422 and "changed" in r.text.lower()
    r = tc.post(f"{url}/edit", data={**weekly, "name": "H1 and H2", "periods": "6", "version": str(version)})
    assert r.status_code == 303
    with container.unit_of_work() as uow:
        plan = plan_service.get(uow=uow, workspace_id=wid, plan_id=plan_id)
        assert plan.periods == 6 and plan.result is None
        version = plan.version
    # releases with a target date: typed into the plan, forecast on the board with the chance of making it
    target = (date.today() + timedelta(days=30)).isoformat()
    rel = {**weekly, "name": "H1 and H2", "periods": "6", "live": "on", "version": str(version)}
    bad = tc.post(f"{url}/edit", data={**rel, "releases": f"Launch | next week | #{ids['a']}"})
    assert bad.status_code == 422 and "line 1: &#39;next week&#39; is not a date (YYYY-MM-DD)" in bad.text
    bad = tc.post(f"{url}/edit", data={**rel, "releases": "Launch | someday"})
    assert bad.status_code == 422 and "line 1: write name | YYYY-MM-DD (optional) | #feature" in bad.text
    rush = (date.today() + timedelta(days=1)).isoformat()
    ok = tc.post(f"{url}/edit", data={**rel, "releases": f"Launch | {target} | #{ids['a']}, #{ids['b']}\n"
                                                         f"Later | #{ids['c']}\nRush | {rush} | #{ids['a']}"})
    assert ok.status_code == 303
    assert f"Launch | {target} | #{ids['a']}, #{ids['b']}" in tc.get(f"{url}/edit").text
    page = tc.get(url)
    assert tc.post(f"{url}/solve", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    board = tc.get(f"{base}/roadmap").text
    row = board.split('<tr id="release-1">', 1)[1].split("</tr>", 1)[0]
    assert "Launch" in row and target in row and re.search(r'<span class="(risk|safe)">\d+%</span>', row)
    assert "Audit log export" in row and "Refactor invoice service" in row
    assert re.search(r'<div class="small (risk|muted)">the plan (schedules it by \d{4}-\d\d-\d\d|does not schedule)', row)
    assert "no target" in board.split('<tr id="release-2">', 1)[1].split("</tr>", 1)[0]
    # a target that cannot be made: in red with the date that could be aimed at instead, and on the home page
    row = board.split('<tr id="release-3">', 1)[1].split("</tr>", 1)[0]
    assert '<span class="risk">' in row and re.search(r"70% chance by \d{4}-\d\d-\d\d", row)
    home = tc.get(base).text
    assert "1 release below the 70% threshold" in home and f"Rush by {rush}: " in home
    assert f'href="{base}/roadmap#releases"' in home


def _new_feature(c: Container, world: World) -> int:
    with c.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        return feature_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=FeatureCreate(title="Late fees")).id


def test_a_pm_records_a_commitment_and_moves_its_date(container: Container, world: World) -> None:
    ids = _seed(container, world.slug)
    base = f"/w/{world.slug}"
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"{base}/commitments")
    assert "Record a commitment" in page.text and f"/commitments/{ids['commitment']}/edit" in page.text
    form = tc.get(f"{base}/commitments/new")
    assert form.status_code == 200 and f'value="{world.alice.email}"' in form.text  # promised by: who records it
    body = {"csrf_token": csrf_of(form.text), "feature_id": str(ids["c"]), "customer_id": str(ids["cust"]),
            "due": "next spring", "promised_by": "grace@example.com", "note": "renewal call"}
    bad = tc.post(f"{base}/commitments/new", data=body)
    assert bad.status_code == 422 and "next spring" in bad.text and "date" in bad.text.lower()
    past = tc.post(f"{base}/commitments/new", data={**body, "due": (date.today() - timedelta(days=3)).isoformat()})
    assert past.status_code == 422 and "past" in past.text
    empty = tc.post(f"{base}/commitments/new", data={"csrf_token": body["csrf_token"]})  # each field says it once
    assert empty.status_code == 422 and empty.text.count("is required") == 3 and "Field required" not in empty.text
    due = date.today() + timedelta(days=200)
    assert tc.post(f"{base}/commitments/new", data={**body, "due": due.isoformat()}).status_code == 303
    listed = tc.get(f"{base}/commitments").text
    assert due.isoformat() in listed and "grace@example.com" in listed and re.search(r"\d+%", listed)
    # the risk threshold is set on the page, as a percentage
    assert 'name="percent"' in listed and 'value="70"' in listed
    token = csrf_of(listed)
    assert tc.post(f"{base}/commitments/threshold", data={"csrf_token": token, "percent": "85"}).status_code == 303
    assert "Below 85% a commitment is at risk" in tc.get(f"{base}/commitments").text
    for bad_value in ("lots", "150"):
        r = tc.post(f"{base}/commitments/threshold", data={"csrf_token": token, "percent": bad_value})
        assert r.status_code == 422 and bad_value in r.text
    assert tc.post(f"{base}/commitments/threshold", data={"csrf_token": token, "percent": "70"}).status_code == 303
    edit = tc.get(f"{base}/commitments/{ids['commitment']}/edit")
    assert edit.status_code == 200 and "Audit log export" in edit.text and "Acme" in edit.text
    later = date.today() + timedelta(days=120)
    r = tc.post(f"{base}/commitments/{ids['commitment']}/edit", data={
        "csrf_token": csrf_of(edit.text), "due": later.isoformat(), "promised_by": "grace@example.com",
        "note": "moved after the call", "version": re.search(r'name="version" value="(\d+)"', edit.text)[1],
        "feature_id": str(ids["c"])})  # the feature stays whatever is posted
    assert r.status_code == 303
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        items = {c["id"]: c for c in commitment_service.overview(uow=uow, workspace_id=wid, at_risk_only=False)["items"]}
        moved = items[ids["commitment"]]
        assert moved["due"] == later.isoformat() and moved["feature_id"] == ids["a"] and not moved["at_risk"]
    # before promising, the form checks the date: the chance, and the first day it is likely enough
    assert 'hx-get="' + f"{base}/commitments/check" + '"' in tc.get(f"{base}/commitments/new").text
    soon = tc.get(f"{base}/commitments/check?feature_id={ids['c']}&due={(date.today() + timedelta(days=7)).isoformat()}")
    assert soon.status_code == 200 and "<html" not in soon.text
    assert re.search(r'<strong class="risk">\d+%</strong> chance that <em>Credit notes</em> is done by', soon.text)
    assert "a promise for that day would be at risk (below 70%)" in soon.text
    assert 'id="promise-plan"' in soon.text and "live plan &#39;Next quarter&#39; is not solved yet" in soon.text
    safe = re.search(r"Likely enough \(70%\) by <strong>(\d{4}-\d\d-\d\d)</strong>", soon.text)
    assert safe is not None
    then = tc.get(f"{base}/commitments/check?feature_id={ids['c']}&due={safe[1]}").text
    assert '<strong class="safe">' in then  # promising the suggested date is not at risk
    assert "Choose a feature" in tc.get(f"{base}/commitments/check").text
    assert "is not a date" in tc.get(f"{base}/commitments/check?feature_id={ids['c']}&due=soon").text
    assert "in the past" in tc.get(f"{base}/commitments/check?feature_id={ids['c']}&due=2020-01-01").text
    unestimated = tc.get(f"{base}/commitments/check?feature_id={_new_feature(container, world)}")
    assert "No forecast for" in unestimated.text and "not estimated yet" in unestimated.text
    # the customer's page lists what was promised to it, and records a new promise with the customer chosen
    page = tc.get(f"{base}/customers/{ids['cust']}").text
    promised = page.split('id="promised-title"', 1)[1].split("</section>", 1)[0]
    assert "Audit log export" in promised and later.isoformat() in promised and "grace@example.com" in promised
    form = tc.get(f"{base}/commitments/new?customer_id={ids['cust']}&feature_id={ids['b']}").text
    assert re.search(rf'<option value="{ids["cust"]}"\s+selected', form)
    assert re.search(rf'<option value="{ids["b"]}"\s+selected', form)
    # a promise that no longer stands is withdrawn from its page: it leaves the list, the history keeps it
    edit = tc.get(f"{base}/commitments/{ids['commitment']}/edit").text
    assert "Withdraw commitment" in edit
    r = tc.post(f"{base}/commitments/{ids['commitment']}/withdraw", data={"csrf_token": csrf_of(edit)})
    assert r.status_code == 303 and r.headers["location"].endswith(f"withdrawn={ids['commitment']}")
    page = tc.get(r.headers["location"]).text
    assert f"Commitment #{ids['commitment']} withdrawn." in page and f'id="commitment-{ids["commitment"]}"' not in page
    assert tc.post(f"{base}/commitments/{ids['commitment']}/withdraw", data={}).status_code == 403  # no CSRF token


def test_home_page_lists_what_needs_attention(container: Container, world: World) -> None:
    quiet = web_client(container)
    sign_in(quiet, world.alice.email, world.alice.password)
    page = quiet.get(f"/w/{world.slug}")
    assert page.status_code == 200 and "Nothing needs attention" in page.text
    ids = _seed(container, world.slug)
    page = quiet.get(f"/w/{world.slug}")
    assert "Nothing needs attention" not in page.text
    # the live plan has no answer yet, and the commitment is unlikely to be kept: both are named, with where to act
    assert re.search(rf'data-kind="plan_unsolved">\s*<a class="attention-title" href="/w/{world.slug}/plans/'
                     rf'{ids["plan"]}">', page.text)
    assert 'data-kind="commitment_at_risk"' in page.text and re.search(r"Audit log export for Acme by [-\d]+: \d+%", page.text)
    outsider = web_client(container)
    sign_in(outsider, world.charlie.email, world.charlie.password)
    r = outsider.get(f"/w/{world.slug}")
    assert r.status_code == 404 and "Audit log export" not in r.text
