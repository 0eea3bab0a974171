"""Your account: changing your password and signing out everywhere end the other web sessions (session epochs)."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container


def _ip() -> str:
    """An address of this test's own: the login limit counts failures per IP, and these tests fail on purpose."""
    return "10.{}.{}.{}".format(*random.sample(range(1, 255), 3))


def _signed_in(tc: TestClient, world: World) -> bool:
    r = tc.get(f"/w/{world.slug}")
    return r.status_code == 200


def _login_status(container: Container, email: str, password: str, ip: str) -> int:
    tc = web_client(container, ip)
    token = csrf_of(tc.get("/login").text)
    return tc.post("/login", data={"email": email, "password": password, "csrf_token": token}).status_code


def test_changing_your_password_keeps_this_session_and_ends_the_others(container: Container, world: World) -> None:
    ip = _ip()
    here, there = web_client(container, ip), web_client(container, ip)
    sign_in(here, world.alice.email, world.alice.password)
    sign_in(there, world.alice.email, world.alice.password)
    stolen = web_client(container, _ip())
    stolen.cookies.update(there.cookies)  # a copy of a session cookie, e.g. left on a shared machine
    assert _signed_in(stolen, world)

    page = here.get(f"/w/{world.slug}/account")
    assert page.status_code == 200 and "Change your password" in page.text and world.alice.email in page.text
    token = csrf_of(page.text)
    url = f"/w/{world.slug}/account/password"
    new = "a-much-longer-passphrase"

    def post(current: str, new_password: str, confirm: str, csrf: str | None = token):  # type: ignore[no-untyped-def]
        data = {"current_password": current, "new_password": new_password, "confirm_password": confirm}
        return here.post(url, data={**data, "csrf_token": csrf} if csrf else data)

    wrong = post("not-my-password", new, new)
    assert wrong.status_code == 422 and "wrong password" in wrong.text and "current_password-error" in wrong.text
    assert "not-my-password" not in wrong.text and new not in wrong.text  # passwords never come back in the page
    mismatch = post(world.alice.password, new, new + "x")
    assert mismatch.status_code == 422 and "does not match the new password" in mismatch.text
    short = post(world.alice.password, "short", "short")
    assert short.status_code == 422 and "shorter than 8 characters" in short.text
    same = post(world.alice.password, world.alice.password, world.alice.password)
    assert same.status_code == 422 and "same as the current password" in same.text
    assert post(world.alice.password, new, new, csrf=None).status_code == 403
    assert _signed_in(there, world) and _signed_in(stolen, world)  # nothing above changed anything
    assert _login_status(container, world.alice.email, world.alice.password, ip) == 303

    done = post(world.alice.password, new, new)
    assert done.status_code == 303 and done.headers["location"] == f"/w/{world.slug}/account?changed=1"
    shown = here.get(done.headers["location"])
    assert shown.status_code == 200 and "every other session was signed out" in shown.text
    assert csrf_of(shown.text) != token  # a fresh session: the old CSRF token is gone with it
    assert _signed_in(here, world)
    assert not _signed_in(there, world) and not _signed_in(stolen, world)
    assert there.get(f"/w/{world.slug}").headers["location"].startswith("/login")
    assert _login_status(container, world.alice.email, world.alice.password, ip) == 401
    assert _login_status(container, world.alice.email, new, ip) == 303
    api = here.get(f"/api/v1/workspaces/{world.slug}/features", headers=world.alice.headers)
    assert api.status_code == 200  # API tokens are revoked on their own page, not by a password change


def test_wrong_current_passwords_are_limited_like_logins(container: Container, world: World) -> None:
    tc = web_client(container, _ip())
    sign_in(tc, world.bob.email, world.bob.password)
    token = csrf_of(tc.get(f"/w/{world.slug}/account").text)
    statuses = [tc.post(f"/w/{world.slug}/account/password",
                        data={"csrf_token": token, "current_password": f"guess-{i}", "new_password": "new-password-1",
                              "confirm_password": "new-password-1"}).status_code for i in range(12)]
    assert statuses[0] == 422 and statuses[-1] == 429  # a stolen session is not a way to guess the password
    assert _signed_in(tc, world)


def test_sign_out_everywhere_ends_every_session_including_this_one(container: Container, world: World) -> None:
    here, there = web_client(container, _ip()), web_client(container, _ip())
    sign_in(here, world.erin.email, world.erin.password)
    sign_in(there, world.erin.email, world.erin.password)
    token = csrf_of(here.get(f"/w/{world.slug}/account").text)
    assert here.post(f"/w/{world.slug}/account/sign-out-everywhere", data={}).status_code == 403  # no CSRF token
    assert _signed_in(there, world)
    out = here.post(f"/w/{world.slug}/account/sign-out-everywhere", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert not _signed_in(here, world) and not _signed_in(there, world)
    assert here.get("/login").status_code == 200  # the login page shows (no loop through a stale session)
    sign_in(here, world.erin.email, world.erin.password)  # the same password still works
    assert _signed_in(here, world)


def test_a_password_set_by_an_admin_ends_the_sessions_and_deactivation_ends_them_too(container: Container,
                                                                                     world: World) -> None:
    tc = web_client(container, _ip())
    sign_in(tc, world.sam.email, world.sam.password)
    with container.unit_of_work() as uow:  # what `tradeoff user add EMAIL --password-stdin` does
        accounts.get_or_create_user(uow=uow, email=world.sam.email, password="reset-by-admin-1")
    assert not _signed_in(tc, world)
    sign_in(tc, world.sam.email, "reset-by-admin-1")
    assert _signed_in(tc, world)
    with container.unit_of_work() as uow:
        from tradeoff.accounts.model import User

        user = uow.session.get(User, world.sam.user_id)
        assert user is not None
        user.is_active = False
    assert not _signed_in(tc, world)
    assert tc.get("/").headers["location"] == "/login"
