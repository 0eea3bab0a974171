"""The public roadmap and changelog: share links (create / list / revoke), Now / Next / Later from public features
only, the changelog with shipped dates, customer feedback and upvotes into the inbox (CSRF, honeypot, length
limits, rate limits), revoked links 404 — and no internal field ever reaches a public page or its HTML source."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World
from tradeoff.bootstrap import Container
from tradeoff.publishing.service import PublicGuard
from tradeoff.storage.uow import Actor

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def app_client(container: Container) -> Iterator[TestClient]:
    from tradeoff.app import create_app

    settings = container.settings.model_copy(update={"notifications_worker": False})
    c = dataclasses.replace(container, settings=settings)
    with TestClient(create_app(container=c), raise_server_exceptions=False, follow_redirects=False) as tc:
        yield tc


def _marker(name: str) -> str:
    return f"ZQ{name.upper()}{uuid.uuid4().hex[:10]}"


def _post(tc: TestClient, world: World, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = tc.post(world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code == 201, (path, r.text)
    return r.json()  # type: ignore[no-any-return]


def _patch(tc: TestClient, world: World, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = tc.patch(world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code == 200, (path, r.text)
    return r.json()  # type: ignore[no-any-return]


def _seed(tc: TestClient, world: World) -> dict[str, Any]:
    """A product with public and internal features, and a unique marker in every internal field."""
    m = {k: _marker(k) for k in ("proddesc", "custname", "custnotes", "custplan", "custowner", "custext", "feedback",
                                 "problem", "persona", "t1", "d1", "d2", "d3", "t4", "d4", "t6", "t7", "flow",
                                 "criteria", "comment", "ownerlocal", "reporter", "quote", "label", "otherprod", "vote")}
    arr = "987654321.77"
    product = _post(tc, world, "/products", {"name": "Acme Billing", "description": m["proddesc"]})
    other = _post(tc, world, "/products", {"name": m["otherprod"]})
    cust = _post(tc, world, "/customers", {"name": m["custname"], "arr": arr, "notes": m["custnotes"],
                                           "plan": m["custplan"], "account_owner": m["custowner"],
                                           "external_id": m["custext"], "segment": "enterprise"})
    owner = f"{m['ownerlocal'].lower()}@example.com"
    common = {"product_id": product["id"], "owner": owner, "persona": m["persona"], "user_flow": [m["flow"]],
              "acceptance_criteria": [m["criteria"]]}
    f1 = _post(tc, world, "/features", {**common, "title": m["t1"], "description": m["d1"], "status": "in_progress",
                                        "public": True, "public_title": "Faster invoices",
                                        "public_description": "Send an invoice in one click."})
    f2 = _post(tc, world, "/features", {**common, "title": "Bulk export", "description": m["d2"],
                                        "status": "planned", "public": True})
    f3 = _post(tc, world, "/features", {**common, "title": "Dark mode", "description": m["d3"], "status": "discovery",
                                        "public": True, "public_title": "  "})
    f4 = _post(tc, world, "/features", {**common, "title": m["t4"], "description": m["d4"], "status": "in_progress"})
    f5 = _post(tc, world, "/features", {**common, "title": "Internal SSO codename", "status": "in_progress",
                                        "public": True, "public_title": "Single sign-on",
                                        "public_description": "Sign in with your company account."})
    _patch(tc, world, f"/features/{f5['id']}", {"status": "shipped"})
    f6 = _post(tc, world, "/features", {"title": m["t6"], "status": "planned", "public": True,
                                        "product_id": other["id"]})
    f7 = _post(tc, world, "/features", {**common, "title": m["t7"], "status": "planned", "public": True})
    assert tc.delete(world.api(f"/features/{f7['id']}"), headers=world.alice.headers).status_code == 200
    fb = _post(tc, world, "/feedback", {"text": f"{m['feedback']} {m['quote']} please", "customer_id": cust["id"],
                                        "reporter": f"{m['reporter'].lower()}@example.com"})
    prob = _post(tc, world, "/problems", {"statement": m["problem"], "product_id": product["id"]})
    _patch(tc, world, f"/features/{f1['id']}", {"problem_ids": [prob["id"]]})
    _post(tc, world, "/links", {"feedback_id": fb["id"], "feature_id": f1["id"], "quote": m["quote"]})
    _post(tc, world, "/links", {"feedback_id": fb["id"], "problem_id": prob["id"]})
    _post(tc, world, f"/features/{f1['id']}/comments", {"body": m["comment"]})
    # scores: scoring inputs and a stakeholder vote with its reason (other domains; skipped if not wired)
    r = tc.put(world.api(f"/features/{f1['id']}/scoring-inputs"), json={"values": {"reach": 73519.25}},
               headers=world.alice.headers)
    assert r.status_code in (200, 404), r.text
    r = tc.put(world.api(f"/features/{f1['id']}/votes"), json={"group": "sales", "score": 7.25, "reason": m["vote"]},
               headers=world.alice.headers)
    assert r.status_code in (200, 201, 404), r.text
    share = _post(tc, world, "/shares", {"product_id": product["id"], "label": m["label"]})
    return {"m": m, "arr": arr, "owner": owner, "share": share, "product": product,
            "features": [f1, f2, f3, f4, f5, f6, f7]}


def _columns(html: str) -> dict[str, str]:
    parts = re.split(r'<h2 id="col-(now|next|later)"', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_public_pages_show_public_items_only_and_never_an_internal_field(app_client: TestClient, world: World) -> None:
    tc = app_client
    s = _seed(tc, world)
    path = s["share"]["path"]
    assert re.fullmatch(r"/p/[A-Za-z0-9_-]{43}", path)
    roadmap = tc.get(path)
    assert roadmap.status_code == 200 and roadmap.headers["referrer-policy"] == "no-referrer"
    cols = _columns(roadmap.text)
    assert "Faster invoices" in cols["now"] and "Send an invoice in one click." in cols["now"]
    assert "Bulk export" in cols["next"] and "Dark mode" in cols["later"]
    assert "Single sign-on" not in roadmap.text  # shipped: on the changelog, not the roadmap
    changelog = tc.get(path + "/changelog")
    assert changelog.status_code == 200 and "Single sign-on" in changelog.text and "Shipped " in changelog.text
    assert "Upvote" not in changelog.text and "Upvote" in roadmap.text  # nothing to vote for once it has shipped
    assert "Faster invoices" not in changelog.text
    data = tc.get(path + "/roadmap.json")
    assert data.status_code == 200
    doc = data.json()
    assert [i["title"] for i in doc["now"]] == ["Faster invoices"] and doc["shipped"][0]["shipped_on"]
    assert set(doc["now"][0]) == {"ref", "title", "description", "shipped_on"}
    internal = list(s["m"].values()) + [s["arr"], "987,654,321", "987654321", "73519", "7.25", s["owner"],
                                        world.alice.email, world.bob.email,
                                        "Internal SSO codename", "enterprise", "Enterprise"]
    for name, page in (("roadmap", roadmap.text), ("changelog", changelog.text), ("json", data.text)):
        leaked = [x for x in internal if x.lower() in page.lower()]
        assert not leaked, f"{name} leaks internal fields: {leaked}"
    # internal ids of features do not appear as such either: items are referred to by an opaque ref
    assert all(re.fullmatch(r"[0-9a-f]+-[0-9a-f]{16}", i["ref"]) for i in doc["now"] + doc["next"] + doc["later"])


def test_revoked_or_unknown_links_are_404_without_leaking(app_client: TestClient, world: World) -> None:
    tc = app_client
    s = _seed(tc, world)
    path = s["share"]["path"]
    assert tc.get(path).status_code == 200
    listed = tc.get(world.api("/shares"), headers=world.bob.headers).json()
    assert [x["id"] for x in listed] == [s["share"]["id"]] and listed[0]["active"] is True
    r = tc.delete(world.api(f"/shares/{s['share']['id']}"), headers=world.alice.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    for suffix in ("", "/changelog", "/roadmap.json"):
        r = tc.get(path + suffix)
        assert r.status_code == 404 and "Acme Billing" not in r.text and "Faster invoices" not in r.text
    assert tc.get("/p/" + "x" * 43).status_code == 404
    assert tc.get("/p/short").status_code == 404
    csrf = CSRF.search(tc.get("/login").text).group(1)  # type: ignore[union-attr]
    r = tc.post(path + "/feedback", data={"csrf_token": csrf, "kind": "feedback", "email": "a@b.co", "message": "hi"})
    assert r.status_code == 404


def test_share_management_rules(app_client: TestClient, world: World) -> None:
    tc = app_client
    product = _post(tc, world, "/products", {"name": "P"})
    assert tc.post(world.api("/shares"), json={"product_id": product["id"]}, headers=world.erin.headers).status_code == 403
    assert tc.get(world.api("/shares"), headers=world.sam.headers).status_code == 403
    r = tc.post(world.api("/shares"), json={"product_id": 99999999}, headers=world.bob.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "product_id"]
    share = tc.post(world.api("/shares"), json={"product_id": product["id"]}, headers=world.bob.headers).json()
    assert tc.delete(world.api(f"/shares/{share['id']}"), headers=world.charlie.headers).status_code == 404
    assert tc.get(share["path"]).status_code == 200
    # an archived product's links stop working too
    assert tc.delete(world.api(f"/products/{product['id']}"), headers=world.alice.headers).status_code == 200
    assert tc.get(share["path"]).status_code == 404


def _form(tc: TestClient, path: str) -> str:
    return CSRF.search(tc.get(path).text).group(1)  # type: ignore[union-attr]


def test_customers_send_feedback_and_upvotes_into_the_inbox(app_client: TestClient, world: World) -> None:
    tc = app_client
    s = _seed(tc, world)
    path = s["share"]["path"]
    f1 = s["features"][0]
    csrf = _form(tc, path)
    email = f"pat-{uuid.uuid4().hex[:6]}@customer.example"
    r = tc.post(path + "/feedback", data={"csrf_token": csrf, "kind": "feedback", "email": email.upper(),
                                          "name": "Pat Lee", "company": "Globex", "message": "Please add PayPal",
                                          "website": ""})
    assert r.status_code == 200 and "reached the product team" in r.text
    inbox = tc.get(world.api(f"/feedback?reporter={email}"), headers=world.alice.headers).json()["items"]
    assert len(inbox) == 1
    fb = inbox[0]
    assert fb["source"] == "other" and fb["tags"] == ["public-roadmap"] and fb["reporter"] == email
    assert fb["text"].startswith("Please add PayPal") and "Pat Lee, Globex" in fb["text"]

    ref = tc.get(path + "/roadmap.json").json()["now"][0]["ref"]
    for _ in range(2):  # the same person upvoting twice counts once
        r = tc.post(path + "/feedback", data={"csrf_token": csrf, "kind": "upvote", "ref": ref, "email": email})
        assert r.status_code == 200 and "Thanks for your vote" in r.text
    evidence = tc.get(world.api(f"/features/{f1['id']}/evidence"), headers=world.alice.headers).json()["evidence"]
    votes = [e for e in evidence if "Upvote from the public roadmap" in e["text"]]
    assert len(votes) == 1 and "Faster invoices" in votes[0]["text"]
    # a ref for another product's feature, a forged ref, or a private feature cannot be upvoted
    other_ref = ref.split("-")[0] + "-" + "0" * 16
    r = tc.post(path + "/feedback", data={"csrf_token": csrf, "kind": "upvote", "ref": other_ref, "email": email})
    assert r.status_code == 422 and "cannot be upvoted" in r.text


def test_public_form_is_protected(app_client: TestClient, world: World) -> None:
    tc = app_client
    s = _seed(tc, world)
    path = s["share"]["path"]
    before = len(tc.get(world.api("/feedback?limit=200"), headers=world.alice.headers).json()["items"])
    ok = {"kind": "feedback", "email": "x@y.example", "message": "Hello"}
    assert tc.post(path + "/feedback", data=ok).status_code == 403  # no CSRF token
    csrf = _form(tc, path)
    assert tc.post(path + "/feedback", data={**ok, "csrf_token": "forged" * 5}).status_code == 403
    # the honeypot: accepted silently, nothing stored
    r = tc.post(path + "/feedback", data={**ok, "csrf_token": csrf, "website": "http://spam.example"})
    assert r.status_code == 200
    for bad, field in (({"email": "not-an-email"}, "valid email"), ({"message": "x" * 2001}, "at most 2000"),
                       ({"name": "n" * 101}, "at most 100"), ({"message": "   "}, "tell us what you need"),
                       ({"kind": "delete"}, "Input should be")):
        r = tc.post(path + "/feedback", data={**ok, "csrf_token": csrf, **bad})
        assert r.status_code == 422 and field in r.text, (bad, r.text[:300])
    assert len(tc.get(world.api("/feedback?limit=200"), headers=world.alice.headers).json()["items"]) == before
    # rate limits: per IP (and per share link)
    tc.app.state.public_guard = PublicGuard(per_ip_per_hour=2, per_share_per_hour=100)  # type: ignore[attr-defined]
    codes = [tc.post(path + "/feedback", data={**ok, "csrf_token": csrf}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    tc.app.state.public_guard = PublicGuard(per_ip_per_hour=100, per_share_per_hour=1)  # type: ignore[attr-defined]
    codes = [tc.post(path + "/feedback", data={**ok, "csrf_token": csrf}).status_code for _ in range(2)]
    assert codes == [200, 429]
    tc.app.state.public_guard = PublicGuard()  # type: ignore[attr-defined]


def test_shipped_at_is_recorded_when_status_becomes_shipped(app_client: TestClient, world: World) -> None:
    tc = app_client
    f = _post(tc, world, "/features", {"title": "Webhooks"})
    assert f["shipped_at"] is None and f["public"] is None
    shipped = _patch(tc, world, f"/features/{f['id']}", {"status": "shipped"})
    assert shipped["shipped_at"] is not None
    same = _patch(tc, world, f"/features/{f['id']}", {"title": "Webhooks v1"})
    assert same["shipped_at"] == shipped["shipped_at"]
    direct = _post(tc, world, "/features", {"title": "Born shipped", "status": "shipped"})
    assert direct["shipped_at"] is not None


def test_a_pm_marks_a_feature_public_in_the_web_form(app_client: TestClient, world: World) -> None:
    tc = app_client
    product = _post(tc, world, "/products", {"name": "Ledger"})
    share = _post(tc, world, "/shares", {"product_id": product["id"]})
    page = tc.get("/login")
    r = tc.post("/login", data={"email": world.bob.email, "password": world.bob.password, "next": "/",
                                "csrf_token": CSRF.search(page.text).group(1)})  # type: ignore[union-attr]
    assert r.status_code == 303
    form = tc.get(f"/w/{world.slug}/features/new")
    assert 'name="public"' in form.text and 'name="public_title"' in form.text
    csrf = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    base = {"csrf_token": csrf, "status": "planned", "product_id": str(product["id"]), "user_flow": "",
            "acceptance_criteria": "", "persona": "", "owner": "", "description": "INTERNAL-ONLY words"}
    r = tc.post(f"/w/{world.slug}/features/new", data={**base, "title": "Ledger v2 (codename Moose)",
                                                       "public": "True", "public_title": "A faster ledger",
                                                       "public_description": "Reports in seconds."})
    assert r.status_code == 303, r.text[:500]
    r = tc.post(f"/w/{world.slug}/features/new", data={**base, "title": "Hidden one", "public": "False"})
    assert r.status_code == 303
    tc.post("/logout", data={"csrf_token": csrf})
    public = tc.get(share["path"]).text
    assert "A faster ledger" in public and "Reports in seconds." in public
    assert "Moose" not in public and "INTERNAL-ONLY" not in public and "Hidden one" not in public


def test_with_a_solved_live_plan_the_columns_are_the_roadmap_boards(app_client: TestClient, world: World) -> None:
    """Customers see a feature where the team's own roadmap puts it: planned for the first period is Now whatever
    its status says; planned but not chosen by the plan is Later; in progress stays Now."""
    tc = app_client
    s = _seed(tc, world)
    path = s["share"]["path"]
    f1, f2, f3 = s["features"][:3]  # in progress, planned (Bulk export), discovery (Dark mode)
    before = tc.get(path + "/roadmap.json").json()
    assert [i["title"] for i in before["next"]] == ["Bulk export"] and [i["title"] for i in before["later"]] == [
        "Dark mode"]
    team = _post(tc, world, "/teams", {"name": "Core", "members": ["Ana", "Bo"]})
    r = tc.put(world.api(f"/features/{f3['id']}/estimate"), json={"optimistic": 2, "likely": 3, "pessimistic": 4,
                                                                "team_id": team["id"]}, headers=world.erin.headers)
    assert r.status_code == 200, r.text
    plan = _post(tc, world, "/plans", {"name": "Next", "start": date.today().isoformat(), "periods": 3,
                                       "period_days": 14, "value_source": "manual", "values": {str(f3["id"]): 5},
                                       "time_limit": 2, "live": True})
    assert tc.post(world.api(f"/plans/{plan['id']}/solve"), headers=world.alice.headers).status_code == 200
    board = tc.get(world.api("/roadmap"), headers=world.alice.headers).json()
    assert {f1["id"], f3["id"]} <= {i["feature_id"] for i in board["now"]}  # the internal board, for comparison
    after = tc.get(path + "/roadmap.json").json()
    assert {i["title"] for i in after["now"]} == {"Faster invoices", "Dark mode"}
    assert [i["title"] for i in after["later"]] == ["Bulk export"] and after["next"] == []
    assert _columns(tc.get(path).text)["now"].count("Dark mode") == 1


def test_work_in_progress_is_now_whatever_period_the_plan_gives_it(container: Container, world: World) -> None:
    from tradeoff.accounts import service as accounts
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.model import Plan

    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        actor = Actor(None, "t", "cli")
        started = feature_service.create(uow=uow, workspace_id=w, actor=actor,
                                         data=FeatureCreate(title="Started", status="in_progress")).id
        later = feature_service.create(uow=uow, workspace_id=w, actor=actor,
                                       data=FeatureCreate(title="Planned late", status="planned")).id
        plan = Plan(workspace_id=w, name="p", start=date.today(), result={"schedule": [
            {"feature_id": started, "period": 5, "team": "Core"}, {"feature_id": later, "period": 5, "team": "Core"}]})
        board = plan_service.board(uow=uow, workspace_id=w, plan=plan)
    now = {i["feature_id"]: i for i in board["now"]}
    assert started in now and now[started]["period"] == 6  # its planned period is still shown
    assert later in {i["feature_id"] for i in board["later"]}


def test_public_lanes_are_the_boards_for_the_public_features_of_the_shared_product(container: Container) -> None:
    """Why a public Next can be empty while the internal board's is not: the board shows every product and every
    feature, the public page only the shared product's public ones. Each public feature is in the lane the board
    puts it in (Next included); the board's other Next items (private, or another product's) are not shown."""
    from datetime import UTC, datetime

    from tradeoff.accounts import service as accounts
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.model import Plan
    from tradeoff.products import service as product_service
    from tradeoff.products.schemas import ProductCreate
    from tradeoff.publishing import service as publishing

    actor = Actor(None, "t", "cli")
    slug = "lanes-" + uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"o@{slug}.example", password="pw-lanes-123456")
        w = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=actor).id
        uow.flush()
        a = dict(uow=uow, workspace_id=w, actor=actor)
        shared = product_service.create(**a, data=ProductCreate(name="Invoicing")).id  # type: ignore[arg-type]
        other = product_service.create(**a, data=ProductCreate(name="Payments")).id  # type: ignore[arg-type]
        schedule = []
        # name: (status, product, public, the period the plan starts it in (0-based) or None: not chosen)
        for name, (status, product, public, first) in {
                "started": ("in_progress", shared, True, 0), "soon": ("planned", shared, True, 1),
                "idea soon": ("idea", shared, True, 2), "private soon": ("planned", shared, None, 1),
                "elsewhere soon": ("planned", other, True, 1), "late": ("planned", shared, True, 4),
                "unplanned": ("planned", shared, True, None), "explore": ("discovery", shared, True, None)}.items():
            fid = feature_service.create(**a, data=FeatureCreate(  # type: ignore[arg-type]
                title=name, status=status, product_id=product, public=public)).id
            if first is not None:
                schedule.append({"feature_id": fid, "period": first, "first_period": first, "team": "Core"})
        uow.session.add(Plan(workspace_id=w, name="live", start=date.today(), periods=6, live=True,
                             result={"schedule": schedule}, solved_at=datetime.now(UTC)))
        uow.flush()
        share = publishing.create_share(**a, product_id=shared)  # type: ignore[arg-type]
        share, product = publishing.resolve(uow=uow, token=share.token)
        public = publishing.roadmap(uow=uow, share=share, product=product)
        board = plan_service.board(uow=uow, workspace_id=w, plan=plan_service.live_plan(uow=uow, workspace_id=w))
    titles = {lane: sorted(i.title for i in getattr(public, lane)) for lane in ("now", "next", "later")}
    assert titles == {"now": ["started"], "next": ["idea soon", "soon"], "later": ["explore", "late", "unplanned"]}
    on_board = {i["title"]: lane for lane in ("now", "next", "later") for i in board[lane]}
    assert {"private soon", "elsewhere soon"} <= {t for t, lane in on_board.items() if lane == "next"}
    for lane, shown in titles.items():  # every public feature in the board's lane for it
        assert all(on_board[t] == lane for t in shown), (lane, shown, on_board)
