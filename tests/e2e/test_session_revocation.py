"""Signing out ends the session on the server: a copy of the cookie stops working too. A session also ends when it
has not been used for `session_idle_days`, and 14 days after sign-in however much it is used."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tradeoff.accounts.model import RevokedSession
from tradeoff.bootstrap import Container
from tradeoff.web import session as web_session

DAY = 24 * 3600


def _ip() -> str:
    return "10.{}.{}.{}".format(*random.sample(range(1, 255), 3))


def _signed_in(tc: TestClient, world: World) -> bool:
    r = tc.get(f"/w/{world.slug}")
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 200


def test_a_copy_of_the_session_cookie_stops_working_after_sign_out(container: Container, world: World) -> None:
    tc = web_client(container, _ip())
    csrf = sign_in(tc, world.bob.email, world.bob.password)
    other = web_client(container, _ip())
    other_csrf = sign_in(other, world.bob.email, world.bob.password)  # the same person in another browser
    stolen = web_client(container, _ip())
    stolen.cookies.update(tc.cookies)  # a copy of the cookie: a shared machine, a proxy log, a backup of a profile
    assert _signed_in(stolen, world)

    out = tc.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert not _signed_in(tc, world)
    assert not _signed_in(stolen, world)  # the copy is refused on the server, not only cleared in one browser
    assert stolen.get(f"/w/{world.slug}/feedback").headers["location"].startswith("/login")
    assert _signed_in(other, world)  # other sessions of the same person go on
    assert other.post("/logout", data={"csrf_token": other_csrf}).status_code == 303

    sign_in(tc, world.bob.email, world.bob.password)  # signing in again starts a new session, which works
    assert _signed_in(tc, world)


def test_revoked_session_ids_are_kept_until_the_session_would_have_ended(container: Container, world: World) -> None:
    with container.unit_of_work() as uow:  # one whose session has ended since: deleted by the next sign-out
        uow.session.add(RevokedSession(sid="ended-" + str(random.random()), expires_at=datetime.now(UTC) - timedelta(1)))
    tc = web_client(container, _ip())
    csrf = sign_in(tc, world.erin.email, world.erin.password)
    before = time.time()
    assert tc.post("/logout", data={"csrf_token": csrf}).status_code == 303
    with container.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(RevokedSession)))
    assert all(r.expires_at > datetime.now(UTC) for r in rows)  # the ended one is gone
    ours = max(rows, key=lambda r: r.expires_at)
    assert ours.expires_at.timestamp() == pytest.approx(before + web_session.MAX_AGE, abs=60)


def test_a_session_unused_for_the_idle_timeout_ends(container: Container, world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert container.settings.session_idle_days == 3
    now = [time.time()]
    monkeypatch.setattr(web_session, "clock", lambda: now[0])
    tc = web_client(container, _ip())
    sign_in(tc, world.sam.email, world.sam.password)

    now[0] += 3 * DAY - 600
    assert _signed_in(tc, world)  # used within three days: it goes on, and counts as used now
    now[0] += 3 * DAY - 600
    assert _signed_in(tc, world)
    now[0] += 2 * DAY
    bell = tc.get(f"/w/{world.slug}/notifications/bell", headers={"HX-Request": "true", "HX-Trigger": "bell"})
    assert bell.status_code == 200  # an open tab's poll is answered, but is not a person using the session
    now[0] += DAY + 60
    assert not _signed_in(tc, world)  # three days and a minute since it was last used
    assert tc.get("/login").status_code == 200


def test_a_session_ends_after_fourteen_days_however_much_it_is_used(container: Container, world: World,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    now = [time.time()]
    monkeypatch.setattr(web_session, "clock", lambda: now[0])
    tc = web_client(container, _ip())
    sign_in(tc, world.alice.email, world.alice.password)
    for _ in range(6):
        now[0] += 2 * DAY
        assert _signed_in(tc, world)
    now[0] += 2 * DAY + 60
    assert not _signed_in(tc, world)


def test_a_session_cookie_from_before_sessions_had_ids_signs_in_again(container: Container, world: World) -> None:
    """A cookie made by the previous version (user id and epoch only) cannot be revoked: it is not accepted."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    tc = web_client(container, _ip())
    data = base64.b64encode(json.dumps({"uid": world.alice.user_id, "ep": 0, "csrf": "x" * 43}).encode())
    cookie = TimestampSigner(container.settings.resolved_secret_key()).sign(data).decode()
    tc.cookies.set(web_session.COOKIE, cookie)
    assert not _signed_in(tc, world)
    login = tc.get("/login")
    assert login.status_code == 200 and csrf_of(login.text)
