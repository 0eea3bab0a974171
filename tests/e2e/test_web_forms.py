"""The feature's number forms in the web UI (business case, scoring inputs, estimate) and the top-k stability page,
through TestClient on SQLite and PostgreSQL (the `container` fixture)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SYSTEM, World, make_world
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.components import service as component_service
from tradeoff.components.schemas import ComponentCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate, FeatureUpdate
from tradeoff.problems import service as problem_service
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.sizing import service as sizing
from tradeoff.sizing.schemas import ProblemSizeIn
from tradeoff.teams import service as team_service
from tradeoff.teams.schemas import MemberIn, TeamCreate


@dataclass
class Setup:
    world: World
    base: str
    problem: int
    feature: int
    other_feature: int
    component: int
    clients: dict[str, tuple[TestClient, str]]


@pytest.fixture(scope="module")
def setup(container: Container) -> Setup:
    world = make_world(container)
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        problem = problem_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                         data=ProblemCreate(statement="We chase late payers by email"))
        feature = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(
            title="Dunning emails", problem_ids=[problem.id], status="planned"))
        other = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(title="Late fees"))
        comp = component_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                        data=ComponentCreate(name="billing-service", debt_level=3))
        sizing.set_size(uow=uow, workspace_id=w, actor=SYSTEM, problem_id=problem.id, data=ProblemSizeIn.model_validate(
            {"customers": {"low": 10, "likely": 10, "high": 10},
             "cost_per_customer": {"low": 1000, "likely": 1000, "high": 1000},
             "capture": {"low": 0.5, "likely": 0.5, "high": 0.5}}))
        uow.flush()
        ids = (problem.id, feature.id, other.id, comp.id)
    clients = {}
    for name in ("alice", "erin", "sam", "charlie"):
        person = getattr(world, name)
        tc = web_client(container)
        clients[name] = (tc, sign_in(tc, person.email, person.password))
    return Setup(world, f"/w/{world.slug}", *ids, clients=clients)


def test_business_case_form_saves_and_shows_the_return(setup: Setup) -> None:
    tc, csrf = setup.clients["alice"]
    url = f"{setup.base}/features/{setup.feature}/case"
    page = tc.get(url)
    assert page.status_code == 200
    assert 'id="scores-title"' in page.text and "no business case yet" in page.text
    assert "not scored:" in page.text  # no inputs yet: every framework says what it misses

    bad = tc.post(url, data={"csrf_token": csrf, "effort_low": "8", "effort_likely": "4", "effort_high": "3",
                             "cost_per_person_week": "2000", "currency": "USD"})
    assert bad.status_code == 422
    assert "low 8 is above high 3" in bad.text
    assert 'name="effort_low" size="8" inputmode="decimal" value="8"' in bad.text  # the input is kept

    ok = tc.post(url, data={"csrf_token": csrf, "effort_low": "2", "effort_likely": "2", "effort_high": "2",
                            "cost_per_person_week": "1000", "currency": "USD", "horizon_years": "1",
                            "discount_rate": "0"})
    assert ok.status_code == 303
    shown = tc.get(url).text
    # value 10 customers × 1,000 × 0.5 = 5,000 a year; cost 2 weeks × 1,000 = 2,000 → NPV over 1 year = 3,000
    assert "total cost P50 USD 2,000" in shown
    assert "NPV P50 USD 3,000" in shown
    # a second tab saves first: the page opened before it cannot overwrite that save
    version = re.search(r'name="version" value="(\d+)"', shown)[1]
    body = {"csrf_token": csrf, "effort_low": "3", "effort_likely": "3", "effort_high": "3",
            "cost_per_person_week": "1000", "currency": "USD", "horizon_years": "1", "discount_rate": "0"}
    assert tc.post(url, data={**body, "version": version}).status_code == 303
    stale = tc.post(url, data={**body, "effort_likely": "9", "effort_high": "9", "version": version})
    assert stale.status_code == 422 and "changed since you read it" in stale.text
    assert "total cost P50 USD 3,000" in tc.get(url).text  # the second tab's save stands


def test_business_case_needs_edit_rights_csrf_and_membership(setup: Setup) -> None:
    url = f"{setup.base}/features/{setup.feature}/case"
    body = {"effort_low": "1", "effort_likely": "1", "effort_high": "1", "cost_per_person_week": "1"}
    sam, sam_csrf = setup.clients["sam"]
    assert sam.get(url).status_code == 200  # stakeholders read
    assert "Save business case" not in sam.get(url).text
    assert sam.post(url, data={**body, "csrf_token": sam_csrf}).status_code == 403
    alice, _ = setup.clients["alice"]
    assert alice.post(url, data=body).status_code == 403  # no CSRF token
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.get(url).status_code == 404
    assert charlie.post(url, data={**body, "csrf_token": charlie_csrf}).status_code == 404


def test_scoring_inputs_form_scores_every_framework(setup: Setup) -> None:
    tc, csrf = setup.clients["alice"]
    url = f"{setup.base}/features/{setup.other_feature}/scoring-inputs"
    bad = tc.post(url, data={"csrf_token": csrf, "reach": "40", "confidence": "1.5", "impact": "two"})
    assert bad.status_code == 422
    assert "enter a number, or low / likely / high" in bad.text  # impact
    assert 'value="two"' in bad.text and 'value="1.5"' in bad.text
    bad2 = tc.post(url, data={"csrf_token": csrf, "reach": "40", "confidence": "1.5"})
    assert bad2.status_code == 422 and "confidence is a share between 0 and 1" in bad2.text

    ok = tc.post(url, data={"csrf_token": csrf, "reach": "40", "impact": "2", "confidence": "0.5",
                            "effort": "2 / 4 / 8"})
    assert ok.status_code == 303
    page = tc.get(f"{setup.base}/features/{setup.other_feature}/case").text
    assert "reach 40" in page  # the RICE explanation, values filled in
    assert "<td>10</td>" in page  # RICE = 40 × 2 × 0.5 / 4 = 10
    assert 'value="2 / 4 / 8"' in page  # a range is shown back as low / likely / high


def test_estimate_form_by_an_engineer_with_explanation(setup: Setup) -> None:
    tc, csrf = setup.clients["erin"]
    url = f"{setup.base}/features/{setup.feature}/estimate"
    page = tc.get(url)
    assert page.status_code == 200 and "Not estimated yet" in page.text and "billing-service" in page.text
    assert "No suggestion: needs at least" in page.text  # no work history in this workspace

    bad = tc.post(url, data={"csrf_token": csrf, "optimistic": "10", "likely": "5", "pessimistic": "20",
                             "unit": "days", "confidence": "0.8", "drivers": "data_migration"})
    assert bad.status_code == 422
    assert "likely (5) is less than optimistic (10)" in bad.text
    assert 'value="data_migration" checked' in bad.text

    ok = tc.post(url, data={"csrf_token": csrf, "optimistic": "3", "likely": "5", "pessimistic": "12",
                            "unit": "days", "confidence": "0.8", "category": "feature",
                            "drivers": ["data_migration", "third_party"], "component_ids": str(setup.component)})
    assert ok.status_code == 303
    shown = tc.get(url).text
    assert 'id="est-why"' in shown and "Not estimated yet" not in shown
    assert f'value="{setup.component}" checked' in shown and 'value="third_party" checked' in shown
    table = shown.split('id="est-drivers"', 1)[1].split("</table>", 1)[0]
    shares = [int(x) for x in re.findall(r"<td>(\d+)%</td>", table)]
    assert len(shares) == 3 and all(0 < x <= 100 for x in shares) and abs(sum(shares) - 100) <= 2  # of the extra
    assert "+" in table and "person-days" in table
    # a refactor names what is refactored, and saving the form again keeps it
    version = re.search(r'name="version" value="(\d+)"', shown)
    assert version is not None
    edit = {"csrf_token": csrf, "optimistic": "3", "likely": "5", "pessimistic": "12", "unit": "days",
            "confidence": "0.8", "category": "feature", "drivers": ["refactor"],
            "refactor_component": str(setup.component), "component_ids": str(setup.component)}
    # a form opened before anyone had estimated it (no version) does not replace the estimate made meanwhile
    stale = tc.post(url, data=edit)
    assert stale.status_code == 422 and "was estimated meanwhile" in stale.text and "3–5–12 days" in stale.text
    ref = tc.post(url, data={**edit, "version": version[1]})
    assert ref.status_code == 303
    shown = tc.get(url).text
    assert f'<option value="{setup.component}" selected>billing-service</option>' in shown
    assert "refactor of billing-service" in shown.split('id="est-drivers"', 1)[1].split("</table>", 1)[0].lower()


def test_estimate_form_names_the_team_and_what_must_come_first(setup: Setup, container: Container) -> None:
    tc, csrf = setup.clients["erin"]
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=setup.world.slug).id
        team = team_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                   data=TeamCreate(name="Billing", members=[MemberIn(name="Ana")]))
        team_id = team.id
    body = {"csrf_token": csrf, "optimistic": "2", "likely": "3", "pessimistic": "5", "unit": "days",
            "confidence": "0.8", "category": "feature"}
    url = f"{setup.base}/features/{setup.other_feature}/estimate"
    page = tc.get(url).text
    assert "Team doing it" in page and f"Dunning emails (#{setup.feature})" in page  # the other features
    assert f"Late fees (#{setup.other_feature})" not in page  # not itself
    ok = tc.post(url, data={**body, "team_id": str(team_id), "depends_on": str(setup.feature)})
    assert ok.status_code == 303
    shown = tc.get(url).text
    assert f'<option value="{team_id}" selected>Billing</option>' in shown
    assert f'name="depends_on" value="{setup.feature}" checked' in shown
    # shipped work holds nothing up: not offered, unless already chosen (so it can be unticked)
    with container.unit_of_work() as uow:
        done = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                      data=FeatureCreate(title="Old exports", status="shipped")).id  # type: ignore[arg-type]
    assert f"Old exports (#{done})" not in tc.get(url).text
    with container.unit_of_work() as uow:  # a prerequisite that ships later stays listed, ticked, to be unticked
        later = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                       data=FeatureCreate(title="Old imports")).id
    page = tc.get(url).text
    ok = tc.post(url, data={**body, "team_id": str(team_id), "depends_on": [str(setup.feature), str(later)],
                            "version": re.search(r'name="version" value="(\d+)"', page)[1]})
    assert ok.status_code == 303
    with container.unit_of_work() as uow:
        feature_service.update(uow=uow, workspace_id=w, actor=SYSTEM, record_id=later,
                               data=FeatureUpdate(status="shipped"), if_match=None)  # type: ignore[arg-type]
    assert f'name="depends_on" value="{later}" checked' in tc.get(url).text
    # the other way round would be a cycle: refused, naming it, beside the field
    back = tc.post(f"{setup.base}/features/{setup.feature}/estimate",
                   data={**body, "depends_on": str(setup.other_feature)})
    assert back.status_code == 422 and "dependency cycle" in back.text


def test_estimate_is_refused_to_stakeholders_and_outsiders(setup: Setup) -> None:
    url = f"{setup.base}/features/{setup.feature}/estimate"
    body = {"optimistic": "1", "likely": "2", "pessimistic": "3"}
    sam, sam_csrf = setup.clients["sam"]
    assert "Save estimate" not in sam.get(url).text
    assert sam.post(url, data={**body, "csrf_token": sam_csrf}).status_code == 403
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.get(url).status_code == 404
    assert charlie.post(url, data={**body, "csrf_token": charlie_csrf}).status_code == 404


def test_stability_page(setup: Setup) -> None:
    tc, csrf = setup.clients["alice"]
    for fid, effort in ((setup.feature, "1 / 2 / 30"), (setup.other_feature, "3 / 4 / 5")):
        r = tc.post(f"{setup.base}/features/{fid}/scoring-inputs", data={
            "csrf_token": csrf, "reach": "40", "impact": "2", "confidence": "0.5", "effort": effort})
        assert r.status_code == 303
    page = tc.get(f"{setup.base}/ranking/stability?framework=rice&k=1")
    assert page.status_code == 200
    assert 'id="stability"' in page.text and "Uncertain inputs: effort" in page.text
    assert "Could break in" in page.text  # with k=1 and wide effort ranges, the other feature sometimes leads
    assert tc.get(f"{setup.base}/ranking").text.count("/ranking/stability") == 1
    assert setup.clients["charlie"][0].get(f"{setup.base}/ranking/stability").status_code == 404


def test_the_business_case_page_questions_an_effort_far_from_the_engineers_estimate(setup: Setup,
                                                                                   container: Container) -> None:
    from tradeoff.estimates import service as estimate_service
    from tradeoff.estimates.schemas import EstimateIn

    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=setup.world.slug).id
        fid = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(title="Dunning v2")).id
        estimate_service.save(uow=uow, workspace_id=w, actor=SYSTEM, feature_id=fid,
                              data=EstimateIn(optimistic=8, likely=10, pessimistic=15))  # 10 person-days: 2 weeks
    tc, csrf = setup.clients["alice"]
    url = f"{setup.base}/features/{fid}/case"
    assert "effort?" not in tc.get(url).text  # no business case: nothing to compare
    body = {"csrf_token": csrf, "effort_low": "6", "effort_likely": "8", "effort_high": "10",
            "cost_per_person_week": "1000", "currency": "USD"}
    assert tc.post(url, data=body).status_code == 303
    shown = tc.get(url).text
    assert "effort?</span> The business case says 8 person-weeks, the engineers estimate 2" in shown
    version = re.search(r'name="version" value="(\d+)"', shown)[1]  # type: ignore[index]
    near = {**body, "effort_low": "2", "effort_likely": "2.5", "effort_high": "3", "version": version}
    assert tc.post(url, data=near).status_code == 303
    assert "effort?" not in tc.get(url).text  # within 1.5 times of the estimate


def test_a_feature_is_started_from_the_problem_it_solves(setup: Setup) -> None:
    alice, _ = setup.clients["alice"]
    page = alice.get(f"{setup.base}/problems/{setup.problem}").text
    assert f'href="{setup.base}/features/new?problem={setup.problem}"' in page
    form = alice.get(f"{setup.base}/features/new?problem={setup.problem}")
    assert form.status_code == 200
    assert re.search(rf'<option value="{setup.problem}" selected>', form.text), "the problem is chosen already"
    assert alice.get(f"{setup.base}/features/new?problem=999999").status_code == 404
    sam, _ = setup.clients["sam"]  # a stakeholder adds no features: no button
    assert 'id="new-feature"' not in sam.get(f"{setup.base}/problems/{setup.problem}").text
    charlie, _ = setup.clients["charlie"]
    assert charlie.get(f"{setup.base}/features/new?problem={setup.problem}").status_code == 404
