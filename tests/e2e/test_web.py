"""The web UI through FastAPI's TestClient, on SQLite and PostgreSQL (via the `container` fixture)."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SYSTEM, World, _person
from tests.e2e.conftest import csrf_of, signed_in_clients, web_client
from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.app import create_app
from tradeoff.bootstrap import Container
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.links import service as link_service
from tradeoff.links.model import Link
from tradeoff.links.schemas import LinkCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.records import service as records
from tradeoff.web import routes_detail, routes_records, routes_workspace


@dataclass
class Seeded:
    world: World
    ids: dict[str, int]


def seed_records(c: Container, slug: str, token_owner: int | None = None, tag: str = "") -> dict[str, int]:
    """One of each record in `slug`, linked together, through the services (as the CLI would).
    `tag` makes names unique when a test seeds the shared workspace again."""
    with c.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        w = ws.id
        product = product_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=ProductCreate(name=f"Invoicing{tag}"))
        customer = customer_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=CustomerCreate(
            name=f"Globex Corporation{tag}", segment="enterprise", arr=Decimal("250000"), currency="EUR"))
        problem = problem_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=ProblemCreate(
            statement=f"I re-key every invoice into NetSuite by hand{tag}", persona="Controller", product_id=product.id))
        feature = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(
            title=f"NetSuite two-way sync{tag}", status="planned", persona="Controller", problem_ids=[problem.id],
            user_flow=["Connect NetSuite", "Map accounts", "Sync runs nightly"],
            acceptance_criteria=["Given a paid invoice When sync runs Then NetSuite shows it paid"]))
        feedback = feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text="Honestly the NetSuite export is what keeps us up at night; we re-key 300 invoices a month.",
            source="sales_call", customer_id=customer.id))
        link = link_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=LinkCreate(
            feedback_id=feedback.id, feature_id=feature.id, quote="we re-key 300 invoices a month"))
        uow.flush()
        tokens = accounts.list_tokens(uow=uow, workspace_id=w, user_id=token_owner) if token_owner else []
        return {"product": product.id, "customer": customer.id, "problem": problem.id, "feature": feature.id,
                "feedback": feedback.id, "link": link.id, "token": tokens[-1].id if tokens else 1}


@pytest.fixture(scope="module")
def seeded(container: Container) -> Seeded:
    tag = uuid.uuid4().hex[:8]
    slug, other = f"web-{tag}", f"webx-{tag}"
    people = {
        "alice": _person(container, slug, f"alice-{tag}@example.com", Role.owner, owner_of=True),
        "bob": _person(container, slug, f"bob-{tag}@example.com", Role.pm),
        "erin": _person(container, slug, f"erin-{tag}@example.com", Role.engineer),
        "sam": _person(container, slug, f"sam-{tag}@example.com", Role.stakeholder),
        "charlie": _person(container, other, f"charlie-{tag}@example.com", Role.owner, owner_of=True),
    }
    world = World(slug, other, **people)
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        invitation, _ = invitations.invite(uow=uow, workspace_id=ws.id, email=f"invited-{tag}@example.com",
                                           role=Role.pm, actor=SYSTEM)
        invitation_id = invitation.id
    return Seeded(world, seed_records(container, slug, token_owner=people["alice"].user_id)
                  | {"member": people["sam"].user_id, "invitation": invitation_id})


AsUser = Callable[[str], tuple[TestClient, str]]


@pytest.fixture(scope="module")
def as_user(container: Container, seeded: Seeded) -> AsUser:
    """A signed-in client per person, shared by the module\'s tests."""
    return signed_in_clients(container, seeded.world)


def count_of(c: Container, model: type, workspace_slug: str, **where: Any) -> int:
    with c.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=workspace_slug)
        stmt = select(model).where(model.workspace_id == ws.id)  # type: ignore[attr-defined]
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return len(list(uow.session.scalars(stmt)))


# ---------------------------------------------------------------- login, logout, cookies


def test_login_works_wrong_password_fails_and_logout_clears(container: Container, seeded: Seeded) -> None:
    world = seeded.world
    tc = web_client(container)
    page = tc.get("/login")
    assert page.status_code == 200
    icon = tc.get("/favicon.ico", follow_redirects=True)  # what browsers ask for before reading the page: served, not a 404
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    token = csrf_of(page.text)
    bad = tc.post("/login", data={"email": world.alice.email, "password": "not-the-password", "csrf_token": token})
    assert bad.status_code == 401
    assert "email or password is wrong" in bad.text
    assert world.alice.email in bad.text  # the email is kept, the password is not
    assert "not-the-password" not in bad.text
    assert tc.get(f"/w/{world.slug}").status_code == 303  # still signed out → login

    ok = tc.post("/login", data={"email": world.alice.email, "password": world.alice.password, "csrf_token": token,
                                 "next": "//evil.example/steal"})
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # never redirected off-site
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert world.alice.password not in ok.headers["set-cookie"]
    home = tc.get("/", follow_redirects=True)
    assert home.status_code == 200 and str(home.url).endswith(f"/w/{world.slug}")
    assert world.slug.title() in home.text

    out = tc.post("/logout", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303
    assert "expires=thu, 01 jan 1970" in out.headers["set-cookie"].lower()
    assert tc.get(f"/w/{world.slug}").status_code == 303


def test_secure_cookies_when_configured(container: Container) -> None:
    secure = Container(settings=container.settings.model_copy(update={"secure_cookies": True}), engine=container.engine,
               uow=container.uow, login_guard=container.login_guard)
    tc = TestClient(create_app(container=secure), base_url="https://testserver", follow_redirects=False)
    r = tc.get("/login")
    assert "secure" in r.headers["set-cookie"].lower()


# ---------------------------------------------------------------- CSRF


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789abcdef"])
def test_post_without_or_with_wrong_csrf_is_refused(container: Container, seeded: Seeded, as_user: AsUser, token: str | None) -> None:
    world = seeded.world
    tc, _ = as_user("alice")
    data = {"name": "Initech", "arr": "1000"}
    if token:
        data["csrf_token"] = token
    r = tc.post(f"/w/{world.slug}/customers/new", data=data)
    assert r.status_code == 403
    assert "security token" in r.text
    assert count_of(container, Customer, world.slug, name="Initech") == 0
    fb = tc.post(f"/w/{world.slug}/feedback/new", data={**data, "text": "please add dark mode", "quick": "1"})
    assert fb.status_code == 403
    assert count_of(container, Feedback, world.slug, text="please add dark mode") == 0
    # the login form is protected too
    anon = web_client(container)
    login = anon.post("/login", data={"email": world.alice.email, "password": world.alice.password,
                                      **({"csrf_token": token} if token else {})})
    assert login.status_code == 403


def test_htmx_header_carries_the_csrf_token(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    tc, token = as_user("alice")
    page = tc.get(f"/w/{world.slug}")
    assert f'"X-CSRF-Token": "{token}"' in page.text  # hx-headers on <body>
    r = tc.post(f"/w/{world.slug}/products/new", data={"name": "Payments"},
                headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert r.status_code == 204 and r.headers["HX-Redirect"].startswith(f"/w/{world.slug}/products/")


# ---------------------------------------------------------------- exports

def test_a_list_exports_what_it_shows_as_csv_for_excel(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, _ = as_user("sam")  # reading is enough: a stakeholder exports too
    slug = seeded.world.slug
    page = tc.get(f"/w/{slug}/customers?segment=enterprise")
    link = re.search(r'href="(/w/[^"]+/customers\.csv[^"]*)"', page.text)
    assert link is not None, "the list offers its export"
    r = tc.get(html.unescape(link.group(1)))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeff")  # Excel reads the accents right
    rows = list(csv.DictReader(io.StringIO(r.text[1:], newline="")))
    assert [x["name"] for x in rows] == ["Globex Corporation"] and rows[0]["segment"] == "enterprise"
    assert f'filename="{slug}-customers-' in r.headers["content-disposition"]
    # a filter that matches nothing exports headings only; a bad one is an error page, not a broken file
    assert tc.get(f"/w/{slug}/customers.csv?segment=smb").text.count("\n") == 1
    assert tc.get(f"/w/{slug}/features.csv?status=nonsense").status_code in (400, 422)
    for path, heading in (("ranking.csv", "rank"), ("top-requested.csv", "feature id"),
                          ("commitments.csv", "commitment id"), ("roadmap/forecast.csv", "feature id")):
        r = tc.get(f"/w/{slug}/{path}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), path
        assert next(csv.reader(io.StringIO(r.text[1:])))[0] == heading
    loop = tc.get(f"/w/{slug}/features/{seeded.ids['feature']}/close-the-loop.csv")
    assert [x["customer"] for x in csv.DictReader(io.StringIO(loop.text[1:]))] == ["Globex Corporation"]
    top = list(csv.DictReader(io.StringIO(tc.get(f"/w/{slug}/top-requested.csv").text[1:])))
    assert [(x["feature"], x["customers"]) for x in top] == [("NetSuite two-way sync", "1")]


def test_acting_on_many_feedback_items_from_the_list(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    slug = seeded.world.slug
    tc, token = as_user("bob")
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        ids = [feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text=f"Bulk item {i} {uuid.uuid4().hex[:6]}: please sync with NetSuite", source="support")).id
            for i in range(3)]
    page = tc.get(f"/w/{slug}/feedback")
    assert 'id="bulk"' in page.text and f'name="ids" value="{ids[0]}" form="bulk"' in page.text
    back = f"/w/{slug}/feedback?source=support"
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "next": back, "action": "link",
                                                 "ids": [str(i) for i in ids[:2]],
                                                 "target": f"feature:{seeded.ids['feature']}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(back + "&bulk=link&done=2")
    assert "Linked 2 feedback items to the feature." in tc.get(r.headers["location"]).text
    assert count_of(container, Link, slug, feature_id=seeded.ids["feature"]) == 3  # the seeded one and these two
    # nothing ticked, or no feature chosen: the list says what is missing, nothing changes
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "next": back, "action": "archive"},
                follow_redirects=True)
    assert "Select the feedback items first" in r.text
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "next": back, "action": "link",
                                                 "ids": [str(ids[2])]}, follow_redirects=True)
    assert "Choose the feature or problem" in r.text
    # a stakeholder may link evidence but not archive it; without the form's token nothing happens
    sam, sam_token = as_user("sam")
    refused = sam.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": sam_token, "action": "archive",
                                                         "ids": [str(ids[2])]})
    assert refused.status_code == 403
    assert tc.post(f"/w/{slug}/feedback/bulk", data={"action": "archive", "ids": [str(ids[2])]}).status_code == 403
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "action": "archive", "ids": [str(ids[2])],
                                                 "next": "https://evil.example/"}, follow_redirects=False)
    assert r.headers["location"].startswith(f"/w/{slug}/feedback?bulk=archive&done=1")  # never sent elsewhere
    assert count_of(container, Feedback, slug, id=ids[2]) == 1
    with container.unit_of_work() as uow:
        assert uow.session.get(Feedback, ids[2]).archived_at is not None


def test_acting_on_every_feedback_item_a_search_matches(container: Container, seeded: Seeded, as_user: AsUser,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff.triage import bulk as bulk_actions

    slug = seeded.world.slug
    tc, token = as_user("bob")
    tag = uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        ids = [feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text=f"Dark mode please {tag} {i}", source="support" if i < 3 else "survey")).id for i in range(4)]
    listing = f"/w/{slug}/feedback?q={tag}&source=support"
    form = {"csrf_token": token, "next": listing, "action": "kind", "kind": "feature_request", "all_matching": "1"}
    monkeypatch.setattr(bulk_actions, "MAX_BULK", 2)  # more match than one action takes: refused whole
    r = tc.post(f"/w/{slug}/feedback/bulk", data=form, follow_redirects=True)
    assert "items match: narrow the search or filters first" in r.text
    assert all(f.kind is None for f in _feedback(container, ids))
    monkeypatch.undo()
    r = tc.post(f"/w/{slug}/feedback/bulk", data=form, follow_redirects=False)
    assert "bulk=kind&done=3" in r.headers["location"]  # the search and its filter, on every page; nothing ticked
    assert [f.kind for f in _feedback(container, ids)] == ["feature_request"] * 3 + [None]
    # checking triage's guesses: the list filters kinds a person set apart from guesses and sorts by confidence
    page = tc.get(f"/w/{slug}/feedback?q={tag}&kind_source=pm&sort=confidence")
    assert page.status_code == 200 and '<option value="confidence" selected' in page.text
    assert all(f'value="{i}" form="bulk"' in page.text for i in ids[:3]) and f'value="{ids[3]}"' not in page.text


def test_merging_ticked_feedback_keeps_the_first_reported(container: Container, seeded: Seeded,
                                                          as_user: AsUser) -> None:
    slug = seeded.world.slug
    tc, token = as_user("bob")
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        # ids ascending, reports in the other order: the middle id was reported first
        ids = [feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text=f"Duplicate ask {i}: an Okta connector", source="support",
            reported_at=datetime(2026, 3, day, tzinfo=UTC))).id for i, day in enumerate((9, 2, 5))]
    later_link = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "action": "link", "ids": [str(ids[2])],
                                                          "target": f"feature:{seeded.ids['feature']}"})
    assert "bulk=link&done=1" in later_link.headers["location"]
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "action": "merge", "ids": [str(ids[0])]},
                follow_redirects=True)
    assert "Select at least two items to merge" in r.text
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "action": "merge",
                                                 "ids": [str(i) for i in ids]}, follow_redirects=False)
    assert f"bulk=merge&done=2&skipped=0&into={ids[1]}" in r.headers["location"]
    assert f"Merged 2 feedback items into the first reported (feedback {ids[1]})." in tc.get(
        r.headers["location"]).text
    first, *later = _feedback(container, [ids[1], ids[0], ids[2]])
    assert first.archived_at is None and first.duplicate_of_id is None
    assert all(f.archived_at is not None and f.duplicate_of_id == ids[1] for f in later)
    # the later report's link moved to the one that stays
    assert count_of(container, Link, slug, feedback_id=ids[1], feature_id=seeded.ids["feature"]) == 1
    # keeping triage's guesses: the one that stays has no guess yet, so it is skipped and counted
    r = tc.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": token, "action": "confirm", "ids": [str(ids[1])]},
                follow_redirects=True)
    assert "Kept triage&#39;s guess on 0 feedback items as checked; 1 skipped (not triaged yet, or already " \
           "checked)." in r.text
    sam, sam_token = as_user("sam")  # a stakeholder may not merge
    assert sam.post(f"/w/{slug}/feedback/bulk", data={"csrf_token": sam_token, "action": "merge",
                                                      "ids": [str(i) for i in ids]}).status_code == 403


def _feedback(container: Container, ids: list[int]) -> list[Any]:
    with container.unit_of_work() as uow:
        rows = {f.id: f for f in uow.session.scalars(select(Feedback).where(Feedback.id.in_(ids)))}
        uow.session.expunge_all()
        return [rows[i] for i in ids]


# ---------------------------------------------------------------- outsiders see nothing

PAGES = [
    ("GET", "/w/{slug}"),
    ("GET", "/w/{slug}/audit"),
    ("GET", "/w/{slug}/tokens"),
    ("POST", "/w/{slug}/tokens"),
    ("POST", "/w/{slug}/tokens/{token}/revoke"),
    ("GET", "/w/{slug}/account"),
    ("POST", "/w/{slug}/account/password"),
    ("POST", "/w/{slug}/account/sign-out-everywhere"),
    ("GET", "/w/{slug}/members"),
    ("POST", "/w/{slug}/invitations"),
    ("POST", "/w/{slug}/invitations/{invitation}/revoke"),
    ("POST", "/w/{slug}/members/{member}/role"),
    ("POST", "/w/{slug}/members/{member}/remove"),
    ("GET", "/w/{slug}/pick/customers"),
    ("GET", "/w/{slug}/pick/targets"),
    ("POST", "/w/{slug}/feedback/{feedback}/links"),
    ("POST", "/w/{slug}/links/{link}/delete"),
    ("POST", "/w/{slug}/features/{feature}/comments"),
    ("POST", "/w/{slug}/problems/{problem}/comments"),
    ("GET", "/w/{slug}/features/{feature}/delivery"),
    ("GET", "/w/{slug}/features/{feature}/close-the-loop.csv"),
    ("POST", "/w/{slug}/features/{feature}/close-the-loop/told"),
    ("GET", "/w/{slug}/ranking.csv"),  # the other exports are in their pages' outsider lists
] + [
    (method, path.replace("KIND", kind).replace("{id}", "{" + one + "}"))
    for kind, one in [("products", "product"), ("customers", "customer"), ("feedback", "feedback"),
                      ("problems", "problem"), ("features", "feature")]
    for method, path in [
        ("GET", "/w/{slug}/KIND"), ("GET", "/w/{slug}/KIND.csv"), ("GET", "/w/{slug}/KIND/new"), ("POST", "/w/{slug}/KIND/new"),
        ("GET", "/w/{slug}/KIND/{id}"), ("GET", "/w/{slug}/KIND/{id}/edit"), ("POST", "/w/{slug}/KIND/{id}/edit"),
        ("POST", "/w/{slug}/KIND/{id}/archive"), ("POST", "/w/{slug}/KIND/{id}/restore"),
    ]
]


def test_every_workspace_page_is_in_the_outsider_list() -> None:
    listed = {(m, _shape(p)) for m, p in PAGES}
    routes = [r for module in (routes_detail, routes_records, routes_workspace) for r in module.router.routes
              if isinstance(r, APIRoute) and r.path.startswith("/w/{slug}")]
    assert len(routes) >= 50
    for route in routes:
        for method in route.methods:
            assert (method, _shape(route.path)) in listed, f"{method} {route.path} is missing from PAGES"


def _shape(path: str) -> str:
    """'/w/{slug}/features/{feature}' and '/w/{slug}/features/{record_id}' → '/w/*/features/*'."""
    return "/".join("*" if part.startswith("{") else part for part in path.split("/"))


@pytest.mark.parametrize(("method", "path"), PAGES, ids=[f"{m} {p}" for m, p in PAGES])
def test_outsider_gets_404_on_every_workspace_page(container: Container, seeded: Seeded, method: str,
                                                   path: str, outsider: tuple[Any, str]) -> None:
    tc, token = outsider
    url = path.format(slug=seeded.world.slug, **seeded.ids)
    if method == "GET":
        r = tc.get(url)
    else:
        r = tc.post(url, data={"csrf_token": token, "name": "x", "text": "x", "body": "x", "title": "x",
                               "statement": "x", "email": "x@example.com", "role": "owner", "target": "feature:1"})
    assert r.status_code == 404, f"{method} {url} → {r.status_code}"
    assert seeded.world.slug.title() not in r.text  # not even the workspace name
    assert "Globex" not in r.text and "NetSuite" not in r.text


@pytest.fixture(scope="module")
def outsider(as_user: AsUser) -> tuple[TestClient, str]:
    return as_user("charlie")


def test_outsider_changed_nothing(container: Container, seeded: Seeded, outsider: tuple[Any, str]) -> None:
    tc, token = outsider
    for method, path in PAGES:
        if method == "POST":
            tc.post(path.format(slug=seeded.world.slug, **seeded.ids), data={"csrf_token": token, "name": "Hacked"})
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=seeded.world.slug)
        feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=ws.id, record_id=seeded.ids["feature"])
        assert feature.title == "NetSuite two-way sync" and not feature.archived
        assert not any(mb.user.email == seeded.world.charlie.email
                       for mb in accounts.members(uow=uow, workspace_id=ws.id))
    assert count_of(container, Customer, seeded.world.slug, name="Hacked") == 0


def test_signed_out_visitor_is_sent_to_login(container: Container, seeded: Seeded) -> None:
    tc = web_client(container)
    r = tc.get(f"/w/{seeded.world.slug}/features/{seeded.ids['feature']}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next=/w/{seeded.world.slug}/features/{seeded.ids['feature']}"


# ---------------------------------------------------------------- forms


def test_create_form_shows_inline_errors_and_keeps_the_input(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, token = as_user("bob")
    w = seeded.world.slug
    r = tc.post(f"/w/{w}/customers/new", data={"csrf_token": token, "name": "Umbrella Health", "arr": "-5000",
                                               "currency": "usd", "plan": "Scale", "segment": "smb"})
    assert r.status_code == 422
    html = r.text
    arr_field = html[html.index('id="f-arr"'):]
    assert "must be 0 or more" in arr_field[:800]  # the message sits right under the ARR input
    assert 'value="Umbrella Health"' in html and 'value="Scale"' in html and 'value="-5000"' in html
    assert '<option value="smb" selected>' in html
    assert count_of(container, Customer, w, name="Umbrella Health") == 0

    blank = tc.post(f"/w/{w}/features/new", data={"csrf_token": token, "title": "  ", "user_flow": "Open\nClick"})
    assert blank.status_code == 422
    title_part = blank.text[blank.text.index('id="f-title"'):]
    assert "is required" in title_part[:800]
    assert "Open\nClick" in blank.text

    bad_customer = tc.post(f"/w/{w}/feedback/new", data={"csrf_token": token, "text": "It's slow",
                                                         "customer_id": "Nobody Inc", "source": "support"})
    assert bad_customer.status_code == 422
    assert "no customer named &#39;Nobody Inc&#39;" in bad_customer.text
    assert "It&#39;s slow" in bad_customer.text


def test_edit_with_stale_version_is_refused(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, token = as_user("bob")
    w, pid = seeded.world.slug, seeded.ids["product"]
    form = tc.get(f"/w/{w}/products/{pid}/edit").text
    assert 'value="Invoicing"' in form
    r = tc.post(f"/w/{w}/products/{pid}/edit", data={"csrf_token": token, "version": "999", "name": "Invoicing 2"})
    assert r.status_code == 422 and "changed since you read it" in r.text


def test_stakeholder_cannot_edit_a_feature_but_can_add_feedback(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, token = as_user("sam")
    w, fid = seeded.world.slug, seeded.ids["feature"]
    page = tc.get(f"/w/{w}/features/{fid}")
    assert page.status_code == 200
    assert f"/features/{fid}/edit" not in page.text and "/archive" not in page.text
    assert 'name="body"' in page.text  # but may comment
    assert tc.get(f"/w/{w}/features/{fid}/edit").status_code == 403
    r = tc.post(f"/w/{w}/features/{fid}/edit", data={"csrf_token": token, "version": "1", "title": "Renamed"})
    assert r.status_code == 403
    assert tc.post(f"/w/{w}/features/{fid}/archive", data={"csrf_token": token}).status_code == 403
    assert "New feature" not in tc.get(f"/w/{w}/features").text

    before = count_of(container, Feedback, w)
    added = tc.post(f"/w/{w}/feedback/new", data={"csrf_token": token, "quick": "1", "reporter": "sam",
                                                  "text": "Our CFO asked again for the NetSuite sync.",
                                                  "customer_id": "globex corporation", "source": "interview"})
    assert added.status_code == 303 and "added=" in added.headers["location"]
    assert count_of(container, Feedback, w) == before + 1
    # said on a call last week: quick-add takes the day; an edit that leaves the day keeps the time it was recorded
    day = (date.today() - timedelta(days=6)).isoformat()
    dated = tc.post(f"/w/{w}/feedback/new", data={"csrf_token": token, "quick": "1", "reporter": "sam",
                                                  "text": "Renewal hinges on SSO, said their IT lead.",
                                                  "customer_id": "globex corporation", "source": "sales_call",
                                                  "reported_at": day})
    assert dated.status_code == 303
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=w)
        fb = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=ws.id,
                         record_id=int(dated.headers["location"].split("added=")[1]))
        assert fb.reported_at.date().isoformat() == day
        fb.reported_at = fb.reported_at.replace(hour=14, minute=30)
        fid_fb = fb.id
    owner, owner_token = as_user("alice")
    form = owner.get(f"/w/{w}/feedback/{fid_fb}/edit").text
    assert f'value="{day}"' in form  # the moment shown as its day
    fields = dict(re.findall(r'<input[^>]*name="(reporter|reported_at|version)"[^>]*value="([^"]*)"', form))
    saved = owner.post(f"/w/{w}/feedback/{fid_fb}/edit", data={
        "csrf_token": owner_token, "text": "Renewal hinges on SSO, said their IT lead (CISO).",
        "customer_id": "Globex Corporation", "source": "sales_call", "tags": "", **fields})
    assert saved.status_code == 303, re.findall(r"(?:alert[^>]*>|error-text\">)([^<]*)", saved.text)
    with container.unit_of_work() as uow:
        fb = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=ws.id, record_id=fid_fb)
        assert fb.text.endswith("(CISO).") and (fb.reported_at.hour, fb.reported_at.minute) == (14, 30)
    future = tc.post(f"/w/{w}/feedback/new", data={"csrf_token": token, "quick": "1", "text": "Later words",
                                                   "source": "support", "reported_at": "2999-01-01"})
    assert future.status_code == 422 and "future" in future.text
    comment = tc.post(f"/w/{w}/features/{fid}/comments", data={"csrf_token": token, "body": "Sales needs a date"})
    assert comment.status_code == 303
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=w)
        assert records.get(uow=uow, spec=feature_service.SPEC, workspace_id=ws.id, record_id=fid).title == \
            "NetSuite two-way sync"


def test_feature_page_shows_evidence_with_the_customers_arr(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, _ = as_user("erin")
    html = tc.get(f"/w/{seeded.world.slug}/features/{seeded.ids['feature']}").text
    assert "Globex Corporation" in html
    assert "EUR 250,000" in html  # ARR with currency and thousands separators
    assert "<mark>we re-key 300 invoices a month</mark>" in html  # the quote, highlighted in their words
    assert "I re-key every invoice into NetSuite by hand" in html  # the problem
    # evidence first: who asked and their words come before problems, flow and criteria
    assert html.index("Evidence") < html.index("Problem it solves") < html.index("User flow")
    assert html.index("Connect NetSuite") < html.index("Map accounts") < html.index("Sync runs nightly")


def test_feature_and_problem_lists_show_the_demand_behind_each(container: Container, seeded: Seeded,
                                                               as_user: AsUser) -> None:
    tc, _ = as_user("bob")
    for kind, key in (("features", "feature"), ("problems", "problem")):
        html = tc.get(f"/w/{seeded.world.slug}/{kind}?q=NetSuite").text
        row = html.split(f'href="/w/{seeded.world.slug}/{kind}/{seeded.ids[key]}"', 1)[1].split("</tr>", 1)[0]
        cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)
        assert cells[0] == ("1" if kind == "features" else "0")  # Globex asked for the feature; no link to the problem
        assert ("250,000" in cells[1]) == (kind == "features")
    assert "ARR (" in html and "Customers" in html


def test_customer_page_shows_what_they_asked_for_and_its_status(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, _ = as_user("erin")
    html = tc.get(f"/w/{seeded.world.slug}/customers/{seeded.ids['customer']}").text
    assert "EUR 250,000" in html and "NetSuite two-way sync" in html and "Planned" in html


def test_link_feedback_to_a_problem_from_the_feedback_page(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    ids = seed_records(container, world.slug, tag=" (link)")
    tc, token = as_user("bob")
    url = f"/w/{world.slug}/feedback/{ids['feedback']}/links"
    bad = tc.post(url, data={"csrf_token": token, "target": f"problem:{ids['problem']}", "quote": "not in the text"})
    assert bad.status_code == 422 and "not found in the feedback text" in bad.text
    ok = tc.post(url, data={"csrf_token": token, "target": f"problem:{ids['problem']}", "quote": "NetSuite export"})
    assert ok.status_code == 303
    problem_page = tc.get(f"/w/{world.slug}/problems/{ids['problem']}").text
    assert "<mark>NetSuite export</mark>" in problem_page and "NetSuite two-way sync" in problem_page


def test_lists_search_filter_and_paginate(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        for i in range(55):
            customer_service.create(uow=uow, workspace_id=ws.id, actor=SYSTEM, data=CustomerCreate(
                name=f"Customer {i:02d}", segment="smb" if i % 2 else "enterprise", arr=Decimal(1000 * i)))
    tc, _ = as_user("erin")
    first = tc.get(f"/w/{world.slug}/customers?sort=name")
    assert "Customer 00" in first.text and "Customer 55" not in first.text and "Customer 50" not in first.text
    nxt = first.text[first.text.index('rel="next" href="') + 17:]
    nxt_url = nxt[: nxt.index('"')].replace("&amp;", "&")
    second = tc.get(f"/w/{world.slug}/customers{nxt_url}")
    assert "Customer 54" in second.text and "Customer 00" not in second.text
    filtered = tc.get(f"/w/{world.slug}/customers?segment=enterprise&sort=-arr")
    assert "Customer 54" in filtered.text and "Customer 53" not in filtered.text
    assert filtered.text.index("Customer 54") < filtered.text.index("Customer 52")
    found = tc.get(f"/w/{world.slug}/customers?q=Customer%2007")
    assert "Customer 07" in found.text and "Customer 08" not in found.text
    bad = tc.get(f"/w/{world.slug}/customers?segment=galactic")
    assert bad.status_code == 200 and "filter segment" in bad.text


def test_tokens_page_shows_a_new_token_once_and_revokes(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    tc, token = as_user("bob")
    created = tc.post(f"/w/{world.slug}/tokens", data={"csrf_token": token, "name": "CRM sync"})
    assert created.status_code == 200 and "tdo_" in created.text
    secret = created.text.split('id="new-token">')[1].split("<")[0]
    api = web_client(container)
    assert api.get(f"/api/v1/workspaces/{world.slug}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = tc.get(f"/w/{world.slug}/tokens").text
    assert secret not in listing and "CRM sync" in listing
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        row = [t for t in accounts.list_tokens(uow=uow, workspace_id=ws.id, user_id=world.bob.user_id)
               if t.name == "CRM sync"][0]
    assert tc.post(f"/w/{world.slug}/tokens/{row.id}/revoke", data={"csrf_token": token}).status_code == 303
    assert api.get(f"/api/v1/workspaces/{world.slug}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_owner_invites_a_member_and_others_cannot(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    tc, token = as_user("alice")
    new_email = f"nina-{uuid.uuid4().hex[:6]}@example.com"
    # the members page invites: a link to pass on, and the invited person chooses their own password
    r = tc.post(f"/w/{world.slug}/invitations", data={"csrf_token": token, "email": new_email, "role": "stakeholder"})
    assert r.status_code == 200 and f"Invitation for {new_email} as Stakeholder" in r.text
    link = re.search(r'id="invite-link">http://testserver(/invite/[^<]+)<', r.text)[1]  # type: ignore[index]
    nina = web_client(container)
    page = nina.get(link)
    joined = nina.post(f"{link}/join", data={"csrf_token": csrf_of(page.text), "name": "Nina",
                                             "password": "a-long-password", "confirm_password": "a-long-password"})
    assert joined.status_code == 303
    assert nina.get(f"/w/{world.slug}").status_code == 200
    # an owner cannot take over an existing account: inviting it asks no password, and its link sets none
    again = tc.post(f"/w/{world.slug}/invitations", data={"csrf_token": token, "email": world.charlie.email,
                                                          "role": "engineer", "password": "owner-chosen-pw"})
    assert again.status_code == 200
    link = re.search(r'id="invite-link">http://testserver(/invite/[^<]+)<', again.text)[1]  # type: ignore[index]
    probe = web_client(container, ip="10.0.9.1")
    page = probe.get(link)
    taken = probe.post(f"{link}/join", data={"csrf_token": csrf_of(page.text), "name": "C",
                                             "password": "owner-chosen-pw", "confirm_password": "owner-chosen-pw"})
    assert taken.status_code == 409
    page = probe.get("/login")
    bad = probe.post("/login", data={"email": world.charlie.email, "password": "owner-chosen-pw",
                                     "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 401
    # a member is not invited again (their role changes in the table)
    self_invite = tc.post(f"/w/{world.slug}/invitations", data={"csrf_token": token, "email": world.alice.email,
                                                                "role": "stakeholder"})
    assert self_invite.status_code == 422 and "already a member" in self_invite.text
    page = tc.get(f"/w/{world.slug}/members")
    assert page.status_code == 200 and world.charlie.email in page.text  # pending, listed
    # each member's row changes their role or takes them out; the last owner stays
    nina_id = int(re.search(rf'<tr id="member-(\d+)"><td>Nina</td><td>{re.escape(new_email)}', page.text)[1])  # type: ignore[index]
    assert f'aria-label="Remove {world.alice.email}' not in page.text  # not yourself
    r = tc.post(f"/w/{world.slug}/members/{nina_id}/role", data={"csrf_token": token, "role": "engineer"})
    assert r.status_code == 200 and f"{new_email} is now Engineer" in r.text
    r = tc.post(f"/w/{world.slug}/members/{world.alice.user_id}/role", data={"csrf_token": token, "role": "pm"})
    assert r.status_code == 409 and "only owner" in r.text
    r = tc.post(f"/w/{world.slug}/members/{nina_id}/remove", data={"csrf_token": token})
    assert r.status_code == 200 and "Removed from the workspace" in r.text and new_email not in r.text
    assert nina.get(f"/w/{world.slug}").status_code == 404  # her session no longer opens the workspace
    bob, bob_token = as_user("bob")
    assert bob.get(f"/w/{world.slug}/members").status_code == 403
    assert bob.post(f"/w/{world.slug}/invitations", data={"csrf_token": bob_token, "email": "x@example.com",
                                                          "role": "owner"}).status_code == 403
    assert bob.post(f"/w/{world.slug}/invitations/{seeded.ids['invitation']}/revoke",
                    data={"csrf_token": bob_token}).status_code == 403


def test_errors_are_pages_and_htmx_gets_a_partial(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    tc, _ = as_user("bob")
    page = tc.get(f"/w/{world.slug}/features/999999")
    assert page.status_code == 404 and "<html" in page.text and "feature 999999 not found" in page.text
    partial = tc.get(f"/w/{world.slug}/features/999999", headers={"HX-Request": "true"})
    assert partial.status_code == 404 and "<html" not in partial.text and "not found" in partial.text
    assert tc.get("/no/such/page").status_code == 404


def test_archive_and_restore(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    world = seeded.world
    ids = seed_records(container, world.slug, tag=" (archive)")
    tc, token = as_user("bob")
    w, pid, text = world.slug, ids["problem"], "NetSuite by hand (archive)"
    asks = html.unescape(tc.get(f"/w/{w}/problems/{pid}").text)  # asked first, saying what archiving does
    assert 'data-confirm="Archive this problem? It leaves lists, plans and briefs, and the feedback linked only to it ' \
           'counts as unlinked again. Restore brings it back with its links."' in asks
    assert tc.post(f"/w/{w}/problems/{pid}/archive", data={"csrf_token": token}).status_code == 303
    assert "data-confirm" not in tc.get(f"/w/{w}/problems/{pid}").text.split('class="actions"')[1][:400]
    assert text not in tc.get(f"/w/{w}/problems").text
    assert text in tc.get(f"/w/{w}/problems?archived=1").text
    assert "was archived" in tc.get(f"/w/{w}/problems/{pid}").text
    assert tc.post(f"/w/{w}/problems/{pid}/restore", data={"csrf_token": token}).status_code == 303
    assert text in tc.get(f"/w/{w}/problems").text
    audit = tc.get(f"/w/{w}/audit?record_type=problem&record_id={pid}").text
    assert "archive" in audit and "restore" in audit
    # records are named by what they are called, not by their number alone
    named = re.compile(rf'>problem “[^”<]*{re.escape(text)}”</a>')
    assert named.search(html.unescape(audit)) and f"problem #{pid}</a>" not in audit
    assert named.search(html.unescape(tc.get(f"/w/{w}").text))  # and on the home page's recent activity


def test_unicode_digits_in_addresses_are_text_not_a_crash(container: Container, seeded: Seeded,
                                                          as_user: AsUser) -> None:
    """'²' is a digit to Python's str.isdigit but not a number to int(): every guard reads decimals only."""
    tc, _ = as_user("alice")
    base = f"/w/{seeded.world.slug}"
    for url in (f"{base}/feedback?pasted=²&triage_ran=²&added=²", f"{base}/feedback?customer_id=²",
                f"{base}/audit?record_id=²&before=²", f"{base}/features/{seeded.ids['feature']}?merged=²",
                f"{base}/commitments/check?feature_id=²&due=2030-01-01", f"{base}/briefs?customer=²"):
        r = tc.get(url)
        assert r.status_code in (200, 422), (url, r.status_code)
    r = tc.get(f"{base}/features/{'9' * 30}")
    assert r.status_code == 404  # an id no database can hold: nothing at this address
