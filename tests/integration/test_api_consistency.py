"""The API behaves the same way everywhere: idempotency under concurrency, If-Match, cursors, datetimes, types."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import World

SECRET_TEXT = "Our CFO says the invoice export leaks customer names"


@pytest.mark.parametrize(("plural", "item"), [("feedback", {"text": SECRET_TEXT}),
                                              ("competitors", {"name": "Acme Ledger"})])
def test_parallel_requests_with_one_idempotency_key_replay_the_first_result(
        client, world: World, plural: str, item: dict, caplog: pytest.LogCaptureFixture) -> None:
    headers = {**world.alice.headers, "Idempotency-Key": f"parallel-{plural}"}
    body = {"items": [item]}

    def post(_: int):  # type: ignore[no-untyped-def]
        return client.post(world.api(f"/{plural}/batch"), json=body, headers=headers)

    with caplog.at_level(logging.DEBUG), ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(post, range(12)))
    created = [a for a in answers if a.status_code == 201]
    assert created, [(a.status_code, a.text) for a in answers]
    assert all(a.json() == created[0].json() for a in created)  # one result, replayed
    for a in answers:
        if a.status_code != 201:
            assert a.status_code == 409 and a.headers["content-type"] == "application/problem+json", a.text
            assert "retry" in a.json()["detail"]
    listed = client.get(world.api(f"/{plural}?limit=200"), headers=world.alice.headers).json()["items"]
    assert len(listed) == 1  # written once
    assert SECRET_TEXT not in caplog.text


def test_a_database_error_names_no_values(container, world: World) -> None:
    """The server logs a failed request's exception: it must not carry the bodies (customer text) or secrets."""
    from sqlalchemy.exc import IntegrityError

    from tradeoff.accounts import service as accounts
    from tradeoff.records.model import IdempotencyRecord

    with pytest.raises(IntegrityError) as failed, container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        for _ in range(2):
            uow.session.add(IdempotencyRecord(workspace_id=ws.id, scope="batch:feedback", key="k", request_hash="h",
                                              status_code=201, response={"text": SECRET_TEXT}))
            uow.session.flush()
    assert "idempotency_keys" in str(failed.value) and SECRET_TEXT not in str(failed.value)


@pytest.fixture
def local_hooks(container):  # type: ignore[no-untyped-def]
    """The API with webhooks to local receivers allowed (nothing is delivered: the worker is off in tests)."""
    import dataclasses

    from fastapi.testclient import TestClient

    from tradeoff.app import create_app

    settings = container.settings.model_copy(update={"webhook_allow_private": True})
    with TestClient(create_app(container=dataclasses.replace(container, settings=settings)),
                    raise_server_exceptions=False) as tc:
        yield tc


def test_links_comments_and_webhooks_honour_if_match(local_hooks, world: World) -> None:
    client, h = local_hooks, world.alice.headers
    feature = client.post(world.api("/features"), json={"title": "SSO"}, headers=h).json()
    fb = client.post(world.api("/feedback"), json={"text": "we need SSO now"}, headers=h).json()
    link = client.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": feature["id"]}, headers=h)
    comment = client.post(world.api(f"/features/{feature['id']}/comments"), json={"body": "first"}, headers=h)
    hook = client.post(world.api("/webhooks"), json={"url": "http://127.0.0.1:9/hook",
                                                     "event_types": ["brief.published"]}, headers=h)
    cases = [(world.api(f"/links/{link.json()['id']}"), link, {"quote": "SSO"}, "quote"),
             (world.api(f"/comments/{comment.json()['id']}"), comment, {"body": "second"}, "body"),
             (world.api(f"/webhooks/{hook.json()['id']}"), hook, {"description": "ops"}, "description")]
    for url, created, change, field in cases:
        assert created.status_code == 201 and created.headers["ETag"] == '"1"', created.text
        assert created.json()["version"] == 1
        before = created.json()[field]
        stale = client.patch(url, json=change, headers={**h, "If-Match": '"999"'})
        assert stale.status_code == 412, (url, stale.text)
        assert stale.headers["content-type"] == "application/problem+json"
        assert client.delete(url, headers={**h, "If-Match": '"999"'}).status_code == 412
        ok = client.patch(url, json=change, headers={**h, "If-Match": '"1"'})
        assert ok.status_code == 200 and ok.headers["ETag"] == '"2"' and ok.json()[field] != before, ok.text
        assert client.patch(url, json=change, headers={**h, "If-Match": '"1"'}).status_code == 412
        assert client.patch(url, json=change, headers=h).status_code == 200  # If-Match stays optional
    assert client.get(cases[2][0], headers=h).headers["ETag"] == '"2"'
    listed = client.get(world.api(f"/links?feature_id={feature['id']}"), headers=h).json()["items"]
    assert listed[0]["version"] == 2
    for url, *_ in cases:
        assert client.delete(url, headers={**h, "If-Match": '"2"'}).status_code == 204


@pytest.mark.parametrize(("path", "body"), [("/money-settings", {"currency": "EUR", "rates": {}}),
                                            ("/scoring/settings", {"default_framework": "rice"}),
                                            ("/feedback/batch", {"items": [{"text": "x"}]})])
def test_an_if_match_the_endpoint_cannot_check_is_refused_not_ignored(client, world: World, path: str,
                                                                      body: dict) -> None:
    h = world.alice.headers
    method = client.post if path.endswith("batch") else client.put
    r = method(world.api(path), json=body, headers={**h, "If-Match": '"999"'})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", r.text
    assert "does not check If-Match" in r.json()["detail"]
    assert method(world.api(path), json=body, headers=h).status_code in (200, 201)


def test_if_match_compares_strongly_evaluates_lists_and_star(client, world: World) -> None:
    h = world.alice.headers
    url = world.api(f"/products/{client.post(world.api('/products'), json={'name': 'P'}, headers=h).json()['id']}")
    assert client.patch(url, json={"description": "a"}, headers={**h, "If-Match": 'W/"1"'}).status_code == 412
    r = client.patch(url, json={"description": "b"}, headers={**h, "If-Match": '"999", "1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"', r.text
    r = client.patch(url, json={"description": "c"}, headers={**h, "If-Match": '"999", W/"2", "5"'})
    assert r.status_code == 412 and '"999", W/"2", "5"' in r.json()["detail"], r.text
    assert client.patch(url, json={"description": "d"}, headers={**h, "If-Match": "*"}).status_code == 200
    assert client.patch(world.api("/products/987654"), json={"description": "e"},
                        headers={**h, "If-Match": "*"}).status_code == 404
    r = client.patch(url, json={"description": "f"}, headers={**h, "If-Match": '"3", nonsense'})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["header", "If-Match"]
    assert client.get(url, headers=h).json()["description"] == "d"


def _walk(client, url: str, headers: dict[str, str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Every id of a list, following `next` back as `cursor` as with every list (a loop is a failure)."""
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert page.status_code == 200, page.text
        seen += [i["id"] for i in page.json()["items"]]
        if not (cursor := page.json()["next"]):
            return seen
    raise AssertionError(f"{url} never reached its last page: {seen}")


def test_audit_and_notifications_take_their_next_back_as_cursor(client, world: World) -> None:
    h = world.alice.headers
    feature = client.post(world.api("/features"), json={"title": "SSO"}, headers=h).json()
    bob = "@" + world.bob.email.split("@")[0]
    for i in range(5):
        r = client.post(world.api(f"/features/{feature['id']}/comments"), json={"body": f"{bob} look {i}"}, headers=h)
        assert r.status_code == 201
    events = _walk(client, world.api("/audit?limit=2"), h)
    assert events == [e["id"] for e in client.get(world.api("/audit?limit=200"), headers=h).json()["items"]]
    assert len(events) == len(set(events)) > 6 and events == sorted(events, reverse=True)
    mine = _walk(client, world.api("/notifications?limit=2"), world.bob.headers)
    assert len(mine) == len(set(mine)) == 5 and mine == sorted(mine, reverse=True)
    # before_id keeps working, and a cursor that is not one of these lists' is named
    assert client.get(world.api(f"/audit?limit=2&before_id={events[1]}"), headers=h).json()["items"][0]["id"] == events[2]
    r = client.get(world.api("/audit?cursor=abc"), headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "cursor"]


def test_the_delivery_log_pages_with_a_next_link_and_cursor(local_hooks, container, world: World) -> None:
    from tradeoff.accounts import service as accounts
    from tradeoff.notifications.model import Delivery

    client, h = local_hooks, world.alice.headers
    hook = client.post(world.api("/webhooks"), json={"url": "http://127.0.0.1:9/hook",
                                                     "event_types": ["brief.published"]}, headers=h).json()
    with container.unit_of_work() as uow:
        ws_id = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        for i in range(5):
            uow.session.add(Delivery(workspace_id=ws_id, uid=f"d-{world.slug}-{i}", webhook_id=hook["id"],
                                     event_type="brief.published", body="{}"))
    url, seen = world.api(f"/webhooks/{hook['id']}/deliveries?limit=2"), []
    while url:
        page = client.get(url, headers=h)
        assert page.status_code == 200 and len(seen) < 10, page.text
        seen += [d["id"] for d in page.json()]
        link = page.headers.get("Link")
        url = link[1:link.index(">")] if link else None
    assert len(seen) == len(set(seen)) == 5 and seen == sorted(seen, reverse=True)
    by_cursor = client.get(world.api(f"/webhooks/{hook['id']}/deliveries?limit=2&cursor={seen[1]}"), headers=h)
    assert [d["id"] for d in by_cursor.json()] == seen[2:4]


def test_a_write_answers_moments_as_a_get_then_does(client, world: World) -> None:
    h = world.alice.headers
    for sent, utc in [("2026-01-01T10:00:00+02:00", "2026-01-01T08:00:00Z"), ("2026-01-01T10:00:00", "2026-01-01T10:00:00Z")]:
        created = client.post(world.api("/feedback"), json={"text": "t", "reported_at": sent}, headers=h)
        assert created.status_code == 201, created.text
        got = client.get(world.api(f"/feedback/{created.json()['id']}"), headers=h).json()
        assert created.json()["reported_at"] == got["reported_at"] == utc
        patched = client.patch(world.api(f"/feedback/{got['id']}"), json={"reported_at": "2026-01-02T01:00:00-05:00"},
                               headers=h)
        assert patched.json() == client.get(world.api(f"/feedback/{got['id']}"), headers=h).json()
        assert patched.json()["reported_at"] == "2026-01-02T06:00:00Z"
        batch = client.post(world.api("/feedback/batch"), json={"items": [{"text": "b", "reported_at": sent}]},
                            headers=h).json()["items"][0]
        assert batch == client.get(world.api(f"/feedback/{batch['id']}"), headers=h).json()


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("patch", "/teams/{team}", {"sprint_days": True}, "sprint_days"),
    ("post", "/shares", {"product_id": True}, "product_id"),
    ("patch", "/feedback/{feedback}", {"reported_at": 12345}, "reported_at"),
    ("post", "/feedback", {"text": "t", "reported_at": 1.5e9}, "reported_at"),
    ("patch", "/features/{feature}", {"problem_ids": [True]}, "problem_ids"),
    ("post", "/feedback", {"text": "t", "customer_id": False}, "customer_id"),
])
def test_wrong_json_types_are_refused_naming_the_field(client, world: World, method: str, path: str, body: dict,
                                                       field: str) -> None:
    h = world.alice.headers
    ids = {"team": client.post(world.api("/teams"), json={"name": "T", "members": ["Ana"]}, headers=h).json()["id"],
           "feedback": client.post(world.api("/feedback"), json={"text": "x"}, headers=h).json()["id"],
           "feature": client.post(world.api("/features"), json={"title": "F"}, headers=h).json()["id"]}
    r = getattr(client, method)(world.api(path.format(**ids)), json=body, headers=h)
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert error["loc"][:2] == ["body", field] and ("not true or false" in error["msg"] or "not a number" in error["msg"])


def test_numbers_and_moments_as_text_still_read(client, world: World) -> None:
    """Web forms and CSV imports send text: "14" stays a number and an ISO date a moment."""
    from tradeoff.feedback.schemas import FeedbackUpdate
    from tradeoff.teams.schemas import TeamUpdate

    assert TeamUpdate.model_validate({"sprint_days": "14"}).sprint_days == 14
    assert str(FeedbackUpdate.model_validate({"reported_at": "2026-01-01"}).reported_at) == "2026-01-01 00:00:00+00:00"
