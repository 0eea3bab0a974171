"""Notifications and webhooks: in-app notifications per subscription, signed deliveries to a REAL local HTTP
receiver (ok, fails twice then succeeds, never answers), backoff and give-up, the delivery log, re-send, URL
checks, the weekly digest, and the web pages and CLI commands around them."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import SYSTEM, World
from tradeoff.bootstrap import Container
from tradeoff.errors import InvalidInput
from tradeoff.notifications import digest, webhooks
from tradeoff.notifications import service as notifications
from tradeoff.notifications.delivery import HttpxSender, Policy, deliver_until_idle, sign, verify
from tradeoff.notifications.model import EventType
from tradeoff.notifications.schemas import DeliveryOut
from tradeoff.notifications.urls import check_url
from tradeoff.storage.base import utcnow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- a real HTTP receiver on 127.0.0.1 ----------------------------------------------------------------------------

class Receiver:
    """Records every POST. `script` is the status code per request in order (then 200); 'hang' never answers."""

    def __init__(self, script: list[int | str] | None = None) -> None:
        self.script = list(script or [])
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                step = receiver.script.pop(0) if receiver.script else 200
                if step == "hang":
                    receiver.release.wait(5)  # longer than the sender's timeout
                    return
                self.send_response(int(step))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class FakeTime:
    """A clock that real time moves and `sleep` jumps forward, so backoff waits take no time."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return utcnow() + timedelta(seconds=self.offset)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds


@pytest.fixture(scope="module")
def ncontainer(container: Container) -> Container:
    """The shared database, with the background worker off (tests deliver explicitly) and local receivers allowed."""
    settings = container.settings.model_copy(update={"notifications_worker": False, "webhook_allow_private": True})
    return dataclasses.replace(container, settings=settings)


@pytest.fixture(scope="module")
def api(ncontainer: Container) -> Iterator[TestClient]:
    from tradeoff.app import create_app

    with TestClient(create_app(container=ncontainer), raise_server_exceptions=False) as tc:
        yield tc


def _ws_id(c: Container, slug: str) -> int:
    from tradeoff.accounts import service as accounts

    with c.unit_of_work() as uow:
        return accounts.workspace_by_slug(uow=uow, slug=slug).id


def _deliver(c: Container, slug: str, policy: Policy, fake: FakeTime | None = None) -> int:
    fake = fake or FakeTime()
    return deliver_until_idle(c.unit_of_work, sender=HttpxSender(allow_private=True), policy=policy, clock=fake.now,
                              sleep=fake.sleep, rng=random.Random(7), workspace_id=_ws_id(c, slug))


def _feature(api: TestClient, world: World, **extra: Any) -> dict[str, Any]:
    r = api.post(world.api("/features"), json={"title": "SAML SSO", **extra}, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _hook(api: TestClient, world: World, url: str, events: list[str]) -> dict[str, Any]:
    r = api.post(world.api("/webhooks"), json={"url": url, "event_types": events}, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


# --- in-app notifications ----------------------------------------------------------------------------------------

def test_subscribers_get_in_app_notifications_and_can_read_them(api: TestClient, world: World) -> None:
    r = api.put(world.api("/subscriptions"), json={"event_types": ["feature.status_changed"]}, headers=world.bob.headers)
    assert r.status_code == 200 and r.json()["event_types"] == ["feature.status_changed"]
    assert "commitment.at_risk" in r.json()["available"]
    f = _feature(api, world)
    assert api.patch(world.api(f"/features/{f['id']}"), json={"status": "planned"},
                     headers=world.alice.headers).status_code == 200
    mine = api.get(world.api("/notifications"), headers=world.bob.headers).json()
    assert mine["unread"] == 1 and len(mine["items"]) == 1
    n = mine["items"][0]
    assert n["event_type"] == "feature.status_changed" and "idea → planned" in n["title"]
    assert n["link"].endswith(f"/features/{f['id']}")
    # not subscribed: nothing; a title edit is not a status change: nothing new
    assert api.get(world.api("/notifications"), headers=world.erin.headers).json()["unread"] == 0
    api.patch(world.api(f"/features/{f['id']}"), json={"title": "SAML single sign-on"}, headers=world.alice.headers)
    assert api.get(world.api("/notifications"), headers=world.bob.headers).json()["unread"] == 1
    r = api.post(world.api(f"/notifications/{n['id']}/read"), headers=world.bob.headers)
    assert r.status_code == 200 and r.json()["unread"] is False
    assert api.get(world.api("/notifications?unread=true"), headers=world.bob.headers).json()["items"] == []
    # someone else's notification is not found, not readable
    assert api.post(world.api(f"/notifications/{n['id']}/read"), headers=world.erin.headers).status_code == 404
    bad = api.put(world.api("/subscriptions"), json={"event_types": ["feature.deleted"]}, headers=world.bob.headers)
    assert bad.status_code == 422


def test_new_evidence_notifies_only_the_features_owner(api: TestClient, world: World) -> None:
    for person in (world.bob, world.sam):
        api.put(world.api("/subscriptions"), json={"event_types": ["feedback.added_to_owned_feature"]},
                headers=person.headers)
    f = _feature(api, world, owner=world.bob.email.upper())  # owner emails match case-insensitively
    fb = api.post(world.api("/feedback"), json={"text": "We cannot roll out without SSO"}, headers=world.alice.headers)
    r = api.post(world.api("/links"), json={"feedback_id": fb.json()["id"], "feature_id": f["id"]},
                 headers=world.alice.headers)
    assert r.status_code == 201
    bob = api.get(world.api("/notifications"), headers=world.bob.headers).json()
    assert bob["unread"] == 1 and "cannot roll out without SSO" in bob["items"][0]["title"]
    assert api.get(world.api("/notifications"), headers=world.sam.headers).json()["unread"] == 0
    # linking to a problem is not evidence on a feature
    p = api.post(world.api("/problems"), json={"statement": "Security reviews block deals"}, headers=world.alice.headers)
    api.post(world.api("/links"), json={"feedback_id": fb.json()["id"], "problem_id": p.json()["id"]},
             headers=world.alice.headers)
    assert api.get(world.api("/notifications"), headers=world.bob.headers).json()["unread"] == 1
    # the owner linking evidence themselves is not told of it; nor is anyone of a status they changed
    fb2 = api.post(world.api("/feedback"), json={"text": "SSO again"}, headers=world.bob.headers).json()
    assert api.post(world.api("/links"), json={"feedback_id": fb2["id"], "feature_id": f["id"]},
                    headers=world.bob.headers).status_code == 201
    api.put(world.api("/subscriptions"), json={"event_types": ["feature.status_changed"]}, headers=world.bob.headers)
    api.patch(world.api(f"/features/{f['id']}"), json={"status": "planned"}, headers=world.bob.headers)
    assert api.get(world.api("/notifications"), headers=world.bob.headers).json()["unread"] == 1


def test_publish_works_for_other_domains_and_refuses_bad_events(ncontainer: Container, world: World) -> None:
    wid = _ws_id(ncontainer, world.slug)
    with ncontainer.unit_of_work() as uow:
        notifications.subscribe(uow=uow, workspace_id=wid, user_id=world.alice.user_id, event_type="commitment.at_risk")
        ev = notifications.publish(uow, wid, "commitment.at_risk", {"commitment_id": 3, "p85": "2027-03-01"},
                                   subject="commitment:3", summary="Umbrella SSO by March is at risk")
        assert ev.id and ev.payload["commitment_id"] == 3
        with pytest.raises(InvalidInput, match="unknown event type 'feature.deleted'"):
            notifications.publish(uow, wid, "feature.deleted", {})
        with pytest.raises(InvalidInput, match=r"over the 65536-byte limit"):
            notifications.publish(uow, wid, EventType.brief_published, {"text": "x" * 70_000})
        items = notifications.notifications(uow=uow, workspace_id=wid, user_id=world.alice.user_id)
        assert [n.title for n in items] == ["Umbrella SSO by March is at risk"]


# --- webhook URLs -----------------------------------------------------------------------------------------------

def test_webhook_urls_must_be_http_and_public_unless_allowed() -> None:
    public = lambda host, port: ["93.184.216.34"]  # noqa: E731
    private = lambda host, port: ["10.1.2.3"]  # noqa: E731
    assert check_url(" https://hooks.example.com/x ", allow_private=False, resolver=public) == "https://hooks.example.com/x"
    for url, why in [("ftp://hooks.example.com/x", "http:// or https://"), ("javascript:alert(1)", "http:// or https://"),
                     ("https:///nohost", "no host"), ("http://localhost:8000/x", "this server itself"),
                     ("http://127.0.0.1:9/x", "loopback"), ("http://[::1]/x", "loopback"),
                     ("http://169.254.169.254/latest/meta-data", "link-local"), ("http://0.0.0.0/", "unspecified"),
                     ("https://user:pw@hooks.example.com/", "user name or password"),
                     ("http://[2002:7f00:1::]/", "6to4 of 127.0.0.1"), ("http://[2002:a9fe:a9fe::]/", "6to4"),
                     ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo")]:
        with pytest.raises(InvalidInput, match=re.escape(why)):
            check_url(url, allow_private=False, resolver=public)
    with pytest.raises(InvalidInput, match="private or reserved"):
        check_url("https://internal.example.com/", allow_private=False, resolver=private)
    assert check_url("http://127.0.0.1:9/x", allow_private=True) == "http://127.0.0.1:9/x"
    with pytest.raises(InvalidInput, match="http:// or https://"):
        check_url("file:///etc/passwd", allow_private=True)


def test_webhook_api_refuses_loopback_when_not_allowed(client: TestClient, world: World) -> None:
    # the shared `client` runs with the default settings: TRADEOFF_WEBHOOK_ALLOW_PRIVATE is false
    for url in ("http://127.0.0.1:8080/hook", "ftp://example.com/x", "http://localhost/x"):
        r = client.post(world.api("/webhooks"), json={"url": url, "event_types": ["brief.published"]},
                        headers=world.alice.headers)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "url"], r.text
    r = client.post(world.api("/webhooks"), json={"url": "http://127.0.0.1/x", "event_types": []},
                    headers=world.alice.headers)
    assert r.status_code == 422
    # engineers and stakeholders do not manage webhooks; outsiders do not see them
    r = client.get(world.api("/webhooks"), headers=world.erin.headers)
    assert r.status_code == 403
    assert client.get(world.api("/webhooks"), headers=world.charlie.headers).status_code == 404


# --- deliveries against a real receiver ---------------------------------------------------------------------------

def test_signed_delivery_and_log(api: TestClient, ncontainer: Container, world: World) -> None:
    with Receiver() as rx:
        hook = _hook(api, world, rx.url, ["feature.status_changed"])
        secret = hook["secret"]
        assert secret.startswith("whsec_") and hook["secret_hint"] == secret[:8] + "…"
        listed = api.get(world.api("/webhooks"), headers=world.alice.headers).json()
        assert listed[0]["id"] == hook["id"] and "secret" not in listed[0]
        f = _feature(api, world)
        api.patch(world.api(f"/features/{f['id']}"), json={"status": "in_progress"}, headers=world.alice.headers)
        assert _deliver(ncontainer, world.slug, Policy(max_attempts=3, timeout=2.0)) == 1
    assert len(rx.requests) == 1
    req = rx.requests[0]
    h, body = req["headers"], req["body"]
    assert h["x-tradeoff-event"] == "feature.status_changed" and h["content-type"] == "application/json"
    assert verify(secret, h["x-tradeoff-timestamp"], body, h["x-tradeoff-signature"])
    assert h["x-tradeoff-signature"] == sign(secret, int(h["x-tradeoff-timestamp"]), body)
    assert not verify(secret, h["x-tradeoff-timestamp"], body + " ", h["x-tradeoff-signature"])  # tampered body
    assert not verify("whsec_wrong", h["x-tradeoff-timestamp"], body, h["x-tradeoff-signature"])
    doc = json.loads(body)
    assert doc["event"] == "feature.status_changed" and doc["workspace"] == world.slug
    assert doc["data"]["feature_id"] == f["id"] and doc["data"]["from"] == "idea" and doc["data"]["to"] == "in_progress"
    log = api.get(world.api(f"/webhooks/{hook['id']}/deliveries"), headers=world.alice.headers).json()
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [("delivered", 1, 200)]
    assert log[0]["uid"] == h["x-tradeoff-delivery"]
    detail = api.get(world.api(f"/deliveries/{log[0]['id']}"), headers=world.alice.headers).json()
    assert detail["body"] == body and [a["status_code"] for a in detail["attempt_log"]] == [200]
    assert detail["attempt_log"][0]["duration_ms"] >= 0
    # a paused webhook gets nothing
    api.patch(world.api(f"/webhooks/{hook['id']}"), json={"active": False}, headers=world.alice.headers)
    api.patch(world.api(f"/features/{f['id']}"), json={"status": "shipped"}, headers=world.alice.headers)
    assert len(api.get(world.api(f"/webhooks/{hook['id']}/deliveries"), headers=world.alice.headers).json()) == 1


def test_receiver_failing_twice_then_succeeding_is_retried_with_backoff(api: TestClient, ncontainer: Container,
                                                                        world: World) -> None:
    with Receiver([500, 503]) as rx:
        hook = _hook(api, world, rx.url, ["brief.published"])
        with ncontainer.unit_of_work() as uow:
            notifications.publish(uow, _ws_id(ncontainer, world.slug), "brief.published", {"brief_id": 1})
        fake = FakeTime()
        assert _deliver(ncontainer, world.slug, Policy(max_attempts=5, base_delay=1.0, jitter=0.2, timeout=2.0),
                        fake) == 3
    assert len(rx.requests) == 3
    # the same delivery (same id and body) each time, freshly signed
    assert len({r["headers"]["x-tradeoff-delivery"] for r in rx.requests}) == 1
    assert len({r["body"] for r in rx.requests}) == 1
    log = api.get(world.api(f"/webhooks/{hook['id']}/deliveries"), headers=world.alice.headers).json()
    detail = api.get(world.api(f"/deliveries/{log[0]['id']}"), headers=world.alice.headers).json()
    # exponential backoff with up to 20 % jitter: ~1 s, then ~2 s between attempts (waited on the fake clock)
    assert len(fake.sleeps) == 2
    at = [datetime.fromisoformat(a["at"]) for a in detail["attempt_log"]]
    gaps = [(b - a).total_seconds() for a, b in zip(at, at[1:], strict=False)]
    assert 1.0 <= gaps[0] <= 1.2 + 0.3 and 2.0 <= gaps[1] <= 2.4 + 0.3, gaps
    assert detail["status"] == "delivered" and detail["attempts"] == 3
    assert [(a["number"], a["status_code"]) for a in detail["attempt_log"]] == [(1, 500), (2, 503), (3, 200)]
    assert detail["attempt_log"][0]["error"] == "HTTP 500"


def test_receiver_that_never_answers_times_out_and_is_given_up_on(api: TestClient, ncontainer: Container,
                                                                  world: World) -> None:
    with Receiver(["hang", "hang", "hang"]) as rx:
        hook = _hook(api, world, rx.url, ["forecast.moved"])
        with ncontainer.unit_of_work() as uow:
            notifications.publish(uow, _ws_id(ncontainer, world.slug), "forecast.moved", {"feature_id": 1, "days": 9})
        fake = FakeTime()
        started = time.monotonic()
        _deliver(ncontainer, world.slug, Policy(max_attempts=3, base_delay=1.0, timeout=0.3), fake)
        elapsed = time.monotonic() - started
    assert len(rx.requests) == 3 and len(fake.sleeps) == 2
    assert elapsed < 5  # three 0.3 s timeouts, not the receiver's 5 s hang
    log = api.get(world.api(f"/webhooks/{hook['id']}/deliveries"), headers=world.alice.headers).json()
    assert log[0]["status"] == "failed" and log[0]["attempts"] == 3 and log[0]["finished_at"]
    detail = api.get(world.api(f"/deliveries/{log[0]['id']}"), headers=world.alice.headers).json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [None, None, None]
    assert all("timed out" in a["error"] for a in detail["attempt_log"])
    assert all(a["duration_ms"] >= 250 for a in detail["attempt_log"])

    # manual re-send: a new delivery of the same body, sent when the receiver is back
    with Receiver() as rx2:
        api.patch(world.api(f"/webhooks/{hook['id']}"), json={"url": rx2.url}, headers=world.alice.headers)
        r = api.post(world.api(f"/deliveries/{log[0]['id']}/resend"), headers=world.alice.headers)
        assert r.status_code == 201 and r.json()["status"] == "pending" and r.json()["uid"] != log[0]["uid"]
        _deliver(ncontainer, world.slug, Policy(max_attempts=3, timeout=2.0))
    assert len(rx2.requests) == 1 and rx2.requests[0]["body"] == detail["body"]
    assert rx2.requests[0]["headers"]["x-tradeoff-delivery"] == r.json()["uid"]


def test_unreachable_receiver_is_logged_as_an_error(ncontainer: Container, world: World) -> None:
    with Receiver() as rx:
        url = rx.url
    wid = _ws_id(ncontainer, world.slug)
    with ncontainer.unit_of_work() as uow:  # the receiver is gone: connection refused
        hook, _ = webhooks.create(uow=uow, workspace_id=wid, actor=SYSTEM, url=url, event_types=["brief.published"],
                                  allow_private=True)
        hook_id = hook.id
        notifications.publish(uow, wid, "brief.published", {"brief_id": 2})
    _deliver(ncontainer, world.slug, Policy(max_attempts=2, timeout=0.5))
    with ncontainer.unit_of_work() as uow:
        d = webhooks.deliveries(uow=uow, workspace_id=wid, webhook_id=hook_id)[0]
        assert d.status == "failed" and d.attempts == 2 and d.last_status_code is None
        assert d.last_error and "Connect" in d.last_error


# --- the weekly digest --------------------------------------------------------------------------------------------

def test_weekly_digest_is_deterministic_and_sent_once_a_week(api: TestClient, ncontainer: Container,
                                                             world: World) -> None:
    wid = _ws_id(ncontainer, world.slug)
    f = _feature(api, world, owner=world.bob.email)
    fb = api.post(world.api("/feedback"), json={"text": "Okta support please"}, headers=world.alice.headers).json()
    api.post(world.api("/links"), json={"feedback_id": fb["id"], "feature_id": f["id"]}, headers=world.alice.headers)
    api.patch(world.api(f"/features/{f['id']}"), json={"status": "planned"}, headers=world.alice.headers)
    with ncontainer.unit_of_work() as uow:
        notifications.publish(uow, wid, "commitment.at_risk", {"commitment_id": 9},
                              summary="Initech SSO by Q1 fell to 61 %")
        old = notifications.publish(uow, wid, "commitment.at_risk", {"commitment_id": 8}, summary="ANCIENT-RISK",
                                    now=utcnow() - timedelta(days=30))
        assert old.id
        notifications.subscribe(uow=uow, workspace_id=wid, user_id=world.bob.user_id, event_type="digest.weekly")
    now = utcnow() + timedelta(minutes=1)
    with ncontainer.unit_of_work() as uow:
        d1 = digest.build_digest(uow=uow, workspace_id=wid, user_id=world.bob.user_id, now=now)
        d2 = digest.build_digest(uow=uow, workspace_id=wid, user_id=world.bob.user_id, now=now)
    assert d1 == d2 and d1.render() == d2.render()
    text = d1.render()
    assert "SAML SSO: idea → planned" in text and "Okta support please" in text
    assert "Initech SSO by Q1 fell to 61 %" in text and "ANCIENT-RISK" not in text
    with ncontainer.unit_of_work() as uow:  # alice owns nothing: no evidence section for her
        alice = digest.build_digest(uow=uow, workspace_id=wid, user_id=world.alice.user_id, now=now)
    assert alice.new_evidence == [] and alice.status_changes
    with ncontainer.unit_of_work() as uow:
        dry = digest.send_due_digests(uow=uow, now=now, dry_run=True, workspace_id=wid)
    assert [d.user_id for d in dry] == [world.bob.user_id]
    with ncontainer.unit_of_work() as uow:
        sent = digest.send_due_digests(uow=uow, now=now, workspace_id=wid)
    assert [d.user_id for d in sent] == [world.bob.user_id]
    with ncontainer.unit_of_work() as uow:
        assert digest.send_due_digests(uow=uow, now=now + timedelta(days=6), workspace_id=wid) == []
        again = digest.send_due_digests(uow=uow, now=now + timedelta(days=7), workspace_id=wid)
    assert [d.user_id for d in again] == [world.bob.user_id] and again[0].quiet  # nothing changed that week
    # but what needs acting on is still said, first: the planned feature nobody has estimated
    assert [line.link for line in again[0].attention] == [f"/w/{world.slug}/features/{f['id']}/estimate"]
    body = again[0].render()
    assert "Nothing changed this week" in body and "Needs attention (1):" in body and "without an estimate" in body
    items = api.get(world.api("/notifications"), headers=world.bob.headers).json()["items"]
    assert [i["event_type"] for i in items].count("digest.weekly") == 2
    assert any("Okta support please" in i["body"] for i in items if i["event_type"] == "digest.weekly")


# --- web pages and CLI --------------------------------------------------------------------------------------------

def _sign_in(tc: TestClient, email: str, password: str) -> str:
    page = tc.get("/login")
    r = tc.post("/login", data={"email": email, "password": password, "csrf_token": CSRF.search(page.text).group(1),
                                "next": "/"})
    assert r.status_code == 303
    return CSRF.search(tc.get("/login", follow_redirects=True).text).group(1)  # type: ignore[union-attr]


def test_web_bell_notifications_and_webhooks_pages(ncontainer: Container, world: World) -> None:
    from tradeoff.app import create_app

    with TestClient(create_app(container=ncontainer), follow_redirects=False) as tc, Receiver() as rx:
        csrf = _sign_in(tc, world.bob.email, world.bob.password)
        base = f"/w/{world.slug}"
        r = tc.post(f"{base}/subscriptions", data={"csrf_token": csrf, "event_types": ["feature.status_changed"]})
        assert r.status_code == 200 and "Subscriptions saved" in r.text
        assert f'hx-get="/w/{world.slug}/notifications/bell"' in tc.get(base).text
        assert "count-badge" not in tc.get(f"{base}/notifications/bell").text
        with ncontainer.unit_of_work() as uow:
            notifications.publish(uow, _ws_id(ncontainer, world.slug), "feature.status_changed", {"feature_id": 1},
                                  summary="Bulk export: planned → in progress")
        bell = tc.get(f"{base}/notifications/bell").text
        assert 'data-unread="1"' in bell
        page = tc.get(f"{base}/notifications").text
        assert "Bulk export: planned → in progress" in page and "1 unread" in page
        assert tc.post(f"{base}/notifications/read-all", data={}).status_code == 403  # no CSRF token
        assert tc.post(f"{base}/notifications/read-all", data={"csrf_token": csrf}).status_code == 303
        assert "count-badge" not in tc.get(f"{base}/notifications/bell").text

        r = tc.post(f"{base}/webhooks", data={"csrf_token": csrf, "url": "gopher://x", "event_types": ["brief.published"]})
        assert r.status_code == 422 and "http:// or https://" in r.text
        r = tc.post(f"{base}/webhooks", data={"csrf_token": csrf, "url": rx.url, "event_types": ["brief.published"]})
        assert r.status_code == 200
        secret = re.search(r'id="new-secret">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
        assert secret.startswith("whsec_") and secret not in tc.get(f"{base}/webhooks").text
        with ncontainer.unit_of_work() as uow:
            notifications.publish(uow, _ws_id(ncontainer, world.slug), "brief.published", {"brief_id": 5})
        _deliver(ncontainer, world.slug, Policy(timeout=2.0))
        hook_id = re.search(rf'href="{base}/webhooks/(\d+)"', tc.get(f"{base}/webhooks").text).group(1)  # type: ignore[union-attr]
        log = tc.get(f"{base}/webhooks/{hook_id}").text
        assert "HTTP 200" in log and "delivered" in log
    # a stakeholder cannot open the webhooks page
    with TestClient(create_app(container=ncontainer), follow_redirects=False) as tc:
        _sign_in(tc, world.sam.email, world.sam.password)
        assert tc.get(f"/w/{world.slug}/webhooks").status_code == 403


def test_cli_webhooks_deliver_and_digest_dry_run(ncontainer: Container, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.cli.main import app

    env = {"TRADEOFF_DATABASE_URL": ncontainer.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path), "TRADEOFF_WEBHOOK_ALLOW_PRIVATE": "true"}
    runner = CliRunner()
    wid = _ws_id(ncontainer, world.slug)
    with Receiver() as rx:
        r = runner.invoke(app, ["webhooks", "add", rx.url, "-w", world.slug, "--event", "brief.published"], env=env)
        assert r.exit_code == 0 and "whsec_" in r.output
        with ncontainer.unit_of_work() as uow:
            notifications.publish(uow, wid, "brief.published", {"brief_id": uuid.uuid4().hex})
        r = runner.invoke(app, ["webhooks", "deliver"], env=env)
        assert r.exit_code == 0 and "made" in r.output
    assert len(rx.requests) == 1
    # the delivery log in the API's shape (DeliveryOut), moments in UTC with a Z
    hook_id = json.loads(runner.invoke(app, ["webhooks", "list", "-w", world.slug, "--json"], env=env).output)[0]["id"]
    r = runner.invoke(app, ["webhooks", "deliveries", str(hook_id), "-w", world.slug, "--json"], env=env)
    (row,) = json.loads(r.output)
    assert set(row) == set(DeliveryOut.model_fields) and row["status"] == "delivered"
    assert row["created_at"].endswith("Z") and row["finished_at"].endswith("Z")
    r = runner.invoke(app, ["webhooks", "add", "ftp://x", "-w", world.slug, "--event", "brief.published"], env=env)
    assert r.exit_code == 2 and "http:// or https://" in r.output
    with ncontainer.unit_of_work() as uow:
        notifications.subscribe(uow=uow, workspace_id=wid, user_id=world.erin.user_id, event_type="digest.weekly")
    r = runner.invoke(app, ["digest", "send", "--dry-run", "-w", world.slug], env=env)
    assert r.exit_code == 0 and world.erin.email in r.output and "dry run" in r.output
    with ncontainer.unit_of_work() as uow:  # nothing was recorded
        assert [u for _, u in digest.due_subscribers(uow=uow, now=utcnow(), workspace_id=wid)] == [world.erin.user_id]


def test_commitment_falling_at_risk_and_saved_briefs_are_published(client, container, world) -> None:  # type: ignore[no-untyped-def]
    """The events other domains raise reach subscribers: commitment.at_risk and brief.published."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from tradeoff.briefs import service as briefs
    from tradeoff.commitments import service as commitments
    from tradeoff.notifications.model import Event
    from tradeoff.storage.base import utcnow

    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Promised Co", "arr": 1000}, headers=h).json()
    feat = client.post(world.api("/features"), json={"title": "Never estimated", "owner": world.bob.email},
                       headers=h).json()
    due = (date.today() + timedelta(days=30)).isoformat()
    r = client.post(world.api("/commitments"), json={"feature_id": feat["id"], "customer_id": cust["id"], "due": due,
                                                     "promised_by": world.erin.email}, headers=h)
    assert r.status_code == 201, r.text
    with container.unit_of_work() as uow:
        from tradeoff.accounts import service as accounts

        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        result = commitments.recompute(uow=uow, workspace_id=ws.id, today=date.today(), trials=200)
        briefs.save(uow=uow, workspace_id=ws.id, slug=world.slug, actor=commitments_actor(world),
                    req=briefs.Request("exec"), now=utcnow())
        kinds = [e.event_type for e in uow.session.scalars(select(Event).where(Event.workspace_id == ws.id))]
    assert "brief.published" in kinds
    # an unestimated feature cannot be forecast, so nobody can vouch for the promise: it is at risk
    events = client.get(world.api("/commitment-events"), headers=h).json()
    events = events["items"] if isinstance(events, dict) else events
    assert [e["kind"] for e in events] == ["at_risk"] and result["events"] == []  # recorded once, not again
    assert kinds.count("commitment.at_risk") == 1
    # who made the promise (erin) and who owns the feature (bob) hear of it without subscribing; others do not
    for person, expected in ((world.erin, 1), (world.bob, 1), (world.sam, 0)):
        got = client.get(world.api("/notifications"), headers=person.headers).json()
        at_risk = [n for n in got["items"] if n["event_type"] == "commitment.at_risk"]
        assert len(at_risk) == expected, (person.email, got["items"])
        if at_risk:  # named by what was promised to whom, not by an id
            assert f"the promise of Never estimated to {cust['name']} by {due}" in at_risk[0]["title"]


def commitments_actor(world):  # type: ignore[no-untyped-def]
    from tradeoff.storage.uow import Actor

    return Actor(world.alice.user_id, world.alice.email, "api")


def test_forecast_moved_is_published_when_a_promise_moves_without_crossing(client, container, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from sqlalchemy import select

    from tradeoff.accounts import service as accounts
    from tradeoff.commitments import service as commitments
    from tradeoff.forecasts import service as forecast_service
    from tradeoff.notifications.model import Event

    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Moving Co"}, headers=h).json()
    feat = client.post(world.api("/features"), json={"title": "Moving target"}, headers=h).json()
    chance = {"p": 0.95}
    monkeypatch.setattr(forecast_service, "forecast", lambda **kw: {"status": "ok", "skipped": []})
    monkeypatch.setattr(forecast_service, "feature_probability", lambda fc, fid, when: chance["p"])
    monkeypatch.setattr(forecast_service, "feature_date_at", lambda fc, fid, level: None)
    due = (date.today() + timedelta(days=60)).isoformat()
    assert client.post(world.api("/commitments"), json={"feature_id": feat["id"], "customer_id": cust["id"],
                                                        "due": due}, headers=h).status_code == 201

    def kinds() -> list[str]:
        with container.unit_of_work() as uow:
            ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
            commitments.recompute(uow=uow, workspace_id=ws.id, today=date.today(), trials=200)
            return [e.event_type for e in uow.session.scalars(select(Event).where(Event.workspace_id == ws.id))]

    assert "forecast.moved" not in kinds()
    chance["p"] = 0.80  # 15 points lower, still above the 70% threshold
    assert kinds().count("forecast.moved") == 1
    chance["p"] = 0.78  # a small wobble is not news
    assert kinds().count("forecast.moved") == 1


def test_a_mention_in_a_comment_notifies_the_person_named(api: TestClient, world: World) -> None:
    f = _feature(api, world)
    bob_handle = world.bob.email.split("@")[0]
    # named by the part before the @ and by the whole email (any case); the author and outsiders are not notified
    body = (f"@{bob_handle.upper()} can you size this? cc @{world.erin.email}. "
            f"Not @{world.charlie.email.split('@')[0]}, nor me @{world.alice.email.split('@')[0]}, nor a@b email.")
    r = api.post(world.api(f"/features/{f['id']}/comments"), json={"body": body}, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    for person in (world.bob, world.erin):  # not subscribed to anything: a mention reaches them anyway
        mine = api.get(world.api("/notifications"), headers=person.headers).json()
        assert mine["unread"] == 1, person.email
        n = mine["items"][0]
        assert n["event_type"] == "comment.mentioned" and "can you size this?" in n["title"]
        assert n["link"].endswith(f"/features/{f['id']}#comment-{r.json()['id']}")
    for person in (world.alice, world.sam, world.charlie):
        got = api.get(world.api("/notifications") if person is not world.charlie
                      else f"/api/v1/workspaces/{world.other_slug}/notifications", headers=person.headers).json()
        assert got["unread"] == 0, person.email
    # an edit notifies only the people it names for the first time
    cid = r.json()["id"]
    r = api.patch(world.api(f"/comments/{cid}"), json={"body": body + f" Also @{world.sam.email}"},
                  headers=world.alice.headers)
    assert r.status_code == 200, r.text
    assert api.get(world.api("/notifications"), headers=world.sam.headers).json()["unread"] == 1
    assert api.get(world.api("/notifications"), headers=world.bob.headers).json()["unread"] == 1


def test_members_are_offered_for_mentions_by_a_handle_that_names_only_them(ncontainer: Container, world: World) -> None:
    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import Role

    twin = world.bob.email.split("@")[0] + "@elsewhere.example"  # same part before the @ as bob's
    with ncontainer.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=twin, name="Bob Twin", password="pw-" + uuid.uuid4().hex)
        accounts.set_member(uow=uow, workspace=accounts.workspace_by_slug(uow=uow, slug=world.slug), user=user,
                            role=Role.engineer, actor=SYSTEM)
    with ncontainer.unit_of_work() as uow:
        ws = _ws_id(ncontainer, world.slug)
        people = notifications.mentionable(uow, ws)
        by_email = {p.email: p for p in people}
        assert world.charlie.email not in by_email  # the outsider is not offered
        assert by_email[world.erin.email].handle == world.erin.email.split("@")[0]  # short where it is unique
        assert {by_email[world.bob.email].handle, by_email[twin].handle} == {world.bob.email, twin}  # shared: whole email
        assert [p.name.lower() for p in people] == sorted(p.name.lower() for p in people)
        for p in people:  # each offered handle notifies exactly that member
            assert notifications.member_ids_by_handle(uow, ws, [p.handle]) == [p.user_id]
        assert world.bob.email.split("@")[0] in by_email[world.bob.email].named_by  # still names both, as written


def test_the_audit_log_keeps_a_webhooks_host_not_the_secret_in_its_address(api: TestClient, world: World) -> None:
    hook = _hook(api, world, "http://127.0.0.1:9/services/T01/B02/s3cr3t?token=abc", ["feature.status_changed"])
    r = api.patch(world.api(f"/webhooks/{hook['id']}"), json={"url": "http://127.0.0.1:9/services/T01/B02/n3w"},
                  headers=world.alice.headers)
    assert r.status_code == 200, r.text
    assert api.get(world.api("/webhooks"), headers=world.sam.headers).status_code == 403
    trail = api.get(world.api("/audit"), params={"record_type": "webhook"}, headers=world.sam.headers)
    assert trail.status_code == 200 and len(trail.json()["items"]) == 2
    text = trail.text
    # the path, not "T01" alone: between 01:00 and 01:59 every ISO timestamp contains "T01"
    assert "s3cr3t" not in text and "token=abc" not in text and "n3w" not in text and "/T01/B02" not in text
    assert "http://127.0.0.1:9/…" in text and "(changed)" in text  # the change is recorded without the secret
