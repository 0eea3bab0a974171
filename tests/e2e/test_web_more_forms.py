"""Objective, product-strategy, team and component forms in the web UI, through TestClient on SQLite and
PostgreSQL (the `container` fixture): happy path, an inline validation error that keeps the input, role rules
and the outsider's 404."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SYSTEM, World, make_world
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate


@dataclass
class Setup:
    world: World
    base: str
    product: int
    problem: int
    feature: int
    clients: dict[str, tuple[TestClient, str]]


@pytest.fixture(scope="module")
def setup(container: Container) -> Setup:
    world = make_world(container)
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        product = product_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=ProductCreate(name="Billing"))
        problem = problem_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                         data=ProblemCreate(statement="Customers leave after a failed payment"))
        feature = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                         data=FeatureCreate(title="Card retry", problem_ids=[problem.id]))
        uow.flush()
        ids = (product.id, problem.id, feature.id)
    clients = {}
    for name in ("alice", "erin", "sam", "charlie"):
        person = getattr(world, name)
        tc = web_client(container)
        clients[name] = (tc, sign_in(tc, person.email, person.password))
    return Setup(world, f"/w/{world.slug}", *ids, clients=clients)


def test_objective_create_show_and_edit(setup: Setup) -> None:
    tc, csrf = setup.clients["alice"]
    new = f"{setup.base}/objectives/new"
    assert "Save objective" in tc.get(new).text
    bad = tc.post(new, data={"csrf_token": csrf, "title": "Keep paying customers",
                             "key_results": "churn | eight | 5"})
    assert bad.status_code == 422
    assert "line 1: baseline: " in bad.text and "valid number" in bad.text
    assert "churn | eight | 5</textarea>" in bad.text  # the input is kept
    same = tc.post(new, data={"csrf_token": csrf, "title": "Keep paying customers", "key_results": "churn | 8 | 8"})
    assert same.status_code == 422 and "target equals baseline" in same.text  # the service's rule, inline

    ok = tc.post(new, data={"csrf_token": csrf, "title": "Keep paying customers", "product_id": str(setup.product),
                            "key_results": "churn | 8 | 5 | 7 | % | 2027-06-30",
                            "problem_ids": str(setup.problem), "feature_ids": str(setup.feature)})
    assert ok.status_code == 303
    url = ok.headers["location"]
    page = tc.get(url).text
    # churn from 8 % towards 5 %, now 7 %: (7 − 8) / (5 − 8) = 1/3 of the way
    assert "<td>33%</td>" in page and "2027-06-30" in page
    assert "Customers leave after a failed payment" in page and "Card retry" in page
    assert "Keep paying customers" in tc.get(f"{setup.base}/objectives").text

    edit = tc.get(f"{url}/edit").text
    assert "churn | 8 | 5 | 7 | % | 2027-06-30</textarea>" in edit
    version = re.search(r'name="version" value="(\d+)"', edit)
    assert version
    changed = tc.post(f"{url}/edit", data={"csrf_token": csrf, "title": "Keep paying customers",
                                           "version": version.group(1), "key_results": "churn | 8 | 4 | 6 | %",
                                           "problem_ids": str(setup.problem)})
    assert changed.status_code == 303
    page = tc.get(url).text
    assert "<td>50%</td>" in page  # (6 − 8) / (4 − 8) = 1/2
    assert "Card retry" not in page  # the feature was unticked
    stale = tc.post(f"{url}/edit", data={"csrf_token": csrf, "title": "Old", "version": version.group(1)})
    assert stale.status_code == 422 and 'value="Old"' in stale.text  # changed meanwhile: shown, not saved


def test_objectives_role_rules(setup: Setup) -> None:
    new = f"{setup.base}/objectives/new"
    sam, sam_csrf = setup.clients["sam"]
    assert sam.get(f"{setup.base}/objectives").status_code == 200
    assert "New objective" not in sam.get(f"{setup.base}/objectives").text
    assert sam.post(new, data={"csrf_token": sam_csrf, "title": "x"}).status_code == 403
    alice, _ = setup.clients["alice"]
    assert alice.post(new, data={"title": "x"}).status_code == 403  # no CSRF token
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.get(f"{setup.base}/objectives").status_code == 404
    assert charlie.post(new, data={"csrf_token": charlie_csrf, "title": "x"}).status_code == 404


def test_product_stage_and_weight_overrides(setup: Setup) -> None:
    tc, csrf = setup.clients["alice"]
    url = f"{setup.base}/products/{setup.product}/strategy"
    page = tc.get(url).text
    assert 'id="stage-now">growth<' in page  # no stage yet: the default
    assert f"/products/{setup.product}/strategy" in tc.get(f"{setup.base}/products/{setup.product}").text

    bad = tc.post(url, data={"csrf_token": csrf, "stage": "retention", "w_reach": "-1"})
    assert bad.status_code == 422
    assert "must be 0 or more" in bad.text and 'value="-1"' in bad.text

    ok = tc.post(url, data={"csrf_token": csrf, "stage": "retention", "w_reach": "0.5"})
    assert ok.status_code == 303
    page = tc.get(url).text
    assert 'id="stage-now">retention<' in page
    # retention's default for ARR at risk is 0.3 and for reach 0.1; reach is overridden to 0.5
    row = re.search(r"<tr><td>reach</td>(.*?)</tr>", page, re.I)
    assert row and row.group(1) == "<td>0.1</td><td>0.5</td><td>0.5</td>"
    assert re.search(r"<tr><td>Arr at risk</td><td>0.3</td><td></td><td>0.3</td></tr>", page, re.I)

    sam, sam_csrf = setup.clients["sam"]
    assert "Save strategy" not in sam.get(url).text
    assert sam.post(url, data={"csrf_token": sam_csrf, "stage": "growth"}).status_code == 403
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.post(url, data={"csrf_token": charlie_csrf, "stage": "growth"}).status_code == 404


def _edit_link(html: str, kind: str, name: str) -> str:
    found = re.search(rf"<tr[^>]*><td>{name}</td>.*?href=\"([^\"]*/{kind}/\d+/edit)\"", html, re.S)
    assert found, f"no edit link for {name}"
    return found.group(1)


def _member_ids(container: Container, slug: str, team: str) -> dict[str, int]:
    from sqlalchemy import select

    from tradeoff.teams.model import Team, TeamMember
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug).id
        return {n: i for n, i in uow.session.execute(
            select(TeamMember.name, TeamMember.id).join(Team, Team.id == TeamMember.team_id)
            .where(Team.workspace_id == ws, Team.name == team))}


def test_team_create_and_edit_by_an_engineer(setup: Setup, container: Container) -> None:
    tc, csrf = setup.clients["erin"]
    new = f"{setup.base}/teams/new"
    bad = tc.post(new, data={"csrf_token": csrf, "name": "Payments", "sprint_days": "10",
                             "members": "Ana | 1.5\n\nBo | 1 | 2026-12-31..2026-12-24"})
    assert bad.status_code == 422
    assert "line 1: availability: " in bad.text and "less than or equal to 1" in bad.text
    assert "line 3: holidays: holiday ends (2026-12-24) before it starts (2026-12-31)" in bad.text
    assert "Ana | 1.5\n\nBo | 1 | 2026-12-31..2026-12-24</textarea>" in bad.text  # a blank line counts

    ok = tc.post(new, data={"csrf_token": csrf, "name": "Payments", "period_kind": "sprint", "sprint_days": "10",
                            "wip_limit": "2", "tech_share": "0.2",
                            "members": "Ana | 0.5 | 2026-12-24..2026-12-31\nBo"})
    assert ok.status_code == 303
    listing = re.sub(r">\s+<", "><", tc.get(f"{setup.base}/teams").text)
    assert "Ana (50%), Bo" in listing and "<td>10 days</td><td>2</td><td>20%</td>" in listing
    edit_url = _edit_link(listing, "teams", "Payments")
    form = tc.get(edit_url).text
    assert "Ana | 0.5 | 2026-12-24..2026-12-31\nBo | 1</textarea>" in form
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version
    before = _member_ids(container, setup.world.slug, "Payments")
    assert 'name="days_off"' in form
    changed = tc.post(edit_url, data={"csrf_token": csrf, "name": "Payments", "period_kind": "week",
                                      "wip_limit": "4", "tech_share": "0", "version": version.group(1),
                                      "members": "Ana | 0.5", "days_off": "2026-12-24..2026-12-26; 2027-01-01"})
    assert changed.status_code == 303, changed.text
    assert 'value="2026-12-24..2026-12-26; 2027-01-01"' in tc.get(edit_url).text  # the team's days off, kept
    listing = re.sub(r">\s+<", "><", tc.get(f"{setup.base}/teams").text)
    assert "<td>Ana (50%)</td><td>7 days</td><td>4</td><td>0%</td>" in listing  # weeks are 7 days
    assert _member_ids(container, setup.world.slug, "Payments") == {"Ana": before["Ana"]}  # Ana kept, Bo left

    sam, sam_csrf = setup.clients["sam"]
    assert sam.post(new, data={"csrf_token": sam_csrf, "name": "X"}).status_code == 403
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.get(edit_url).status_code == 404
    assert charlie.post(edit_url, data={"csrf_token": charlie_csrf, "name": "X"}).status_code == 404


def test_component_create_and_edit_by_an_engineer(setup: Setup) -> None:
    tc, csrf = setup.clients["erin"]
    tc.post(f"{setup.base}/teams/new", data={"csrf_token": csrf, "name": "Platform", "members": "Cy"})
    new = f"{setup.base}/components/new"
    form = tc.get(new).text
    team_id = re.search(r'<option value="(\d+)" >Platform</option>', form)
    assert team_id
    bad = tc.post(new, data={"csrf_token": csrf, "name": "ledger", "kind": "module", "debt_level": "7"})
    assert bad.status_code == 422
    assert "less than or equal to 5" in bad.text and 'value="7"' in bad.text

    ok = tc.post(new, data={"csrf_token": csrf, "name": "ledger", "kind": "module", "debt_level": "4",
                            "owner_team_id": team_id.group(1)})
    assert ok.status_code == 303
    listing = tc.get(f"{setup.base}/components").text
    assert "<td>ledger</td><td>module</td><td>4</td><td>Platform</td>" in listing
    edit_url = _edit_link(listing, "components", "ledger")
    dup = tc.post(new, data={"csrf_token": csrf, "name": "ledger"})
    assert dup.status_code == 422 and "already exists" in dup.text
    changed = tc.post(edit_url, data={"csrf_token": csrf, "name": "ledger", "kind": "service", "debt_level": "1"})
    assert changed.status_code == 303
    assert "<td>ledger</td><td>service</td><td>1</td><td></td>" in tc.get(f"{setup.base}/components").text

    sam, sam_csrf = setup.clients["sam"]
    assert "New component" not in sam.get(f"{setup.base}/components").text
    assert sam.post(edit_url, data={"csrf_token": sam_csrf, "name": "x"}).status_code == 403
    charlie, charlie_csrf = setup.clients["charlie"]
    assert charlie.get(f"{setup.base}/components").status_code == 404
    assert charlie.post(new, data={"csrf_token": charlie_csrf, "name": "x"}).status_code == 404


def test_member_line_round_trip_keeps_email() -> None:
    from types import SimpleNamespace

    from tradeoff.web.forms import FormState
    from tradeoff.web.routes_delivery_forms import _member_line, _parse_members

    line = _member_line(SimpleNamespace(name="Ana", availability=0.5, holidays=[("2026-12-24", "2026-12-31")],
                                        email="ana@x.io"))
    assert line == "Ana | 0.5 | 2026-12-24..2026-12-31 | ana@x.io"
    parsed = _parse_members(line, FormState(values={}), [])
    assert parsed == [{"name": "Ana", "availability": "0.5", "holidays": [{"start": "2026-12-24", "end": "2026-12-31"}],
                       "email": "ana@x.io"}]
    assert _member_line(SimpleNamespace(name="Bo", availability=1.0, holidays=[], email="")) == "Bo | 1"


def test_a_features_owner_is_chosen_from_the_members(setup: Setup) -> None:
    """The owner field offers the workspace's members (not the outsider); the feature page names a member owner
    and says when an owner is not a member, so would not be told of evidence or promises at risk."""
    tc, csrf = setup.clients["alice"]
    form = tc.get(f"{setup.base}/features/{setup.feature}/edit").text
    offered = re.findall(r'<option value="([^"]+@example\.com)">', form[form.index('id="f-owner-list"'):])
    w = setup.world
    assert set(offered) == {w.alice.email, w.bob.email, w.erin.email, w.sam.email}
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    for owner, shown in ((w.erin.email, "not a member"), ("someone@elsewhere.example", "not a member")):
        r = tc.post(f"{setup.base}/features/{setup.feature}/edit",
                    data={"csrf_token": csrf, "version": version, "title": "Card retry", "status": "idea",
                          "owner": owner, "public": "False"})
        assert r.status_code == 303, r.text[:400]
        page = tc.get(f"{setup.base}/features/{setup.feature}").text
        head = page[:page.index("</header>")]
        assert (shown in head) == (owner != w.erin.email) and owner.split("@")[0] in head
        version = str(int(version) + 1)
    listing = tc.get(f"{setup.base}/features").text
    assert 'id="flt-owner-list"' in listing and w.bob.email in listing
