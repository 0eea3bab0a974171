"""Joining a workspace by invitation, through the web UI (TestClient, SQLite and PostgreSQL).

The audit's takeover: an owner of one workspace "added" newhire@x with a password they chose, and when another
workspace's owner added the same person later, that password stayed. Now owners only invite; the invited person
chooses their own password or signs in, and joins only by accepting."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.conftest import World
from tests.e2e.conftest import csrf_of, sign_in, signed_in_clients, web_client
from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import User
from tradeoff.app import create_app
from tradeoff.bootstrap import Container
from tradeoff.storage.base import utcnow

LINK = re.compile(r'id="invite-link">([^<]+)<')


def _invite(tc: TestClient, csrf: str, slug: str, email: str, role: str = "pm", **extra: str) -> tuple[int, str, str]:
    """(status, page, the link's path) of an owner's invitation from the members page."""
    r = tc.post(f"/w/{slug}/invitations", data={"csrf_token": csrf, "email": email, "role": role, **extra})
    found = LINK.search(r.text)
    return r.status_code, r.text, urlsplit(found.group(1)).path if found else ""


def _role_in(c: Container, slug: str, email: str) -> str | None:
    with c.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        return next((m.role for m in accounts.members(uow=uow, workspace_id=ws.id) if m.user.email == email), None)


def _user(c: Container, email: str) -> User | None:
    with c.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.email == email))
        if user is not None:
            uow.session.expunge(user)
        return user


def _login_status(c: Container, email: str, password: str) -> int:
    probe = web_client(c, ip=f"10.1.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")  # failures on its own IP
    page = probe.get("/login")
    return probe.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}).status_code


def _join(tc: TestClient, path: str, name: str, password: str, confirm: str | None = None) -> Response:
    """A new person's answer to the link's page: their name and password."""
    page = tc.get(path)
    assert page.status_code == 200, page.text[:300]
    return tc.post(f"{path}/join", data={"csrf_token": csrf_of(page.text), "name": name, "password": password,
                                         "confirm_password": password if confirm is None else confirm})


def test_the_takeover_fails_the_attacker_never_chooses_a_password(container: Container, world: World) -> None:
    people = signed_in_clients(container, world)
    charlie, charlie_csrf = people("charlie")  # owner of another workspace: the attacker
    alice, alice_csrf = people("alice")
    newhire = f"newhire-{uuid.uuid4().hex[:6]}@example.com"
    # the attacker's "password" is not a field of an invitation: it is ignored, and no account is made
    status, page, attacker_link = _invite(charlie, charlie_csrf, world.other_slug, newhire, "pm",
                                          password="Attacker-pass", name="Mallory")
    assert status == 200 and attacker_link.startswith("/invite/")
    assert f"Invitation for {newhire} as PM: send them this link" in page
    assert _user(container, newhire) is None and _role_in(container, world.other_slug, newhire) is None
    # the second owner's invitation says the same as for anyone, and shows nothing about an account
    status, page, link = _invite(alice, alice_csrf, world.slug, newhire, "engineer")
    assert status == 200 and f"Invitation for {newhire} as Engineer: send them this link" in page
    # the person joins alice's workspace with the password they choose, and only that workspace
    person = web_client(container)
    r = _join(person, link, "Nadia New", "nadias-own-password")
    assert r.status_code == 303 and r.headers["location"] == f"/w/{world.slug}"
    assert person.get(f"/w/{world.slug}").status_code == 200  # signed in by joining
    assert _role_in(container, world.slug, newhire) == "engineer"
    assert _role_in(container, world.other_slug, newhire) is None  # not in the attacker's workspace until accepted
    assert _login_status(container, newhire, "Attacker-pass") == 401
    assert _login_status(container, newhire, "nadias-own-password") == 303
    # the attacker's own link can no longer make an account or set a password for that email
    r = _join(web_client(container, ip="10.2.0.1"), attacker_link, "Mallory", "Attacker-pass")
    assert r.status_code == 409 and "already an account" in r.text
    assert _login_status(container, newhire, "Attacker-pass") == 401
    assert _role_in(container, world.other_slug, newhire) is None


def test_inviting_someone_with_an_account_answers_as_for_anyone(container: Container, world: World) -> None:
    """Erin has an account (in alice's workspace). Charlie's invitation of her reads exactly like one of a stranger,
    names nobody, and adds her nowhere; holding the link, he still cannot set her password."""
    charlie, csrf = signed_in_clients(container, world)("charlie")
    stranger = f"stranger-{uuid.uuid4().hex[:6]}@example.com"
    _, known_page, known_link = _invite(charlie, csrf, world.other_slug, world.erin.email, "stakeholder")
    _, new_page, _ = _invite(charlie, csrf, world.other_slug, stranger, "stakeholder")

    def flash(page: str, email: str) -> str:
        return re.search(r'<div class="alert ok" role="status">(.*?)</div>', page, re.S).group(1).replace(email, "X")  # type: ignore[union-attr]

    assert flash(known_page, world.erin.email) == flash(new_page, stranger)
    erin_name = world.erin.email.split("@")[0].title()
    assert erin_name not in known_page and "existing password" not in known_page
    assert _role_in(container, world.other_slug, world.erin.email) is None
    # the link's page is the same for every visitor who is not signed in: it does not say an account exists
    anonymous = web_client(container, ip="10.3.0.1")
    page = anonymous.get(known_link)
    assert page.status_code == 200 and "New to Tradeoff?" in page.text and "Sign in to accept" in page.text
    assert erin_name not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    r = _join(anonymous, known_link, "Erin Evil Twin", "charlie-chose-this")
    assert r.status_code == 409 and "sign in with it to accept" in r.text
    assert _login_status(container, world.erin.email, "charlie-chose-this") == 401
    assert _login_status(container, world.erin.email, world.erin.password) == 303
    assert _role_in(container, world.other_slug, world.erin.email) is None


def test_an_existing_user_signs_in_then_accepts_or_declines(container: Container, world: World) -> None:
    people = signed_in_clients(container, world)
    charlie, csrf = people("charlie")
    _, _, link = _invite(charlie, csrf, world.other_slug, world.erin.email, "pm")
    # not signed in: accepting asks for a sign-in that comes back to the link
    visitor = web_client(container)
    page = visitor.get(link)
    assert f'href="/login?next={link}"' in page.text
    r = visitor.post(f"{link}/accept", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == f"/login?next={link}"
    login = visitor.get(r.headers["location"])
    r = visitor.post("/login", data={"email": world.erin.email, "password": world.erin.password, "next": link,
                                     "csrf_token": csrf_of(login.text)})
    assert r.status_code == 303 and r.headers["location"] == link
    page = visitor.get(link)
    assert "Accept and join" in page.text and "Decline the invitation" in page.text
    assert _role_in(container, world.other_slug, world.erin.email) is None  # opening the link joins nobody
    r = visitor.post(f"{link}/accept", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{world.other_slug}"
    assert _role_in(container, world.other_slug, world.erin.email) == "pm"
    assert _role_in(container, world.slug, world.erin.email) == "engineer"  # her other workspace is unchanged
    # a used link says so, and nothing more
    again = web_client(container, ip="10.4.0.1").get(link)
    assert again.status_code == 404 and "already been used" in again.text and world.erin.email not in again.text
    # declining: the link is used up and she joins nothing
    sam, sam_csrf = people("sam")
    _, _, link = _invite(charlie, csrf, world.other_slug, world.sam.email, "engineer")
    page = sam.get(link)
    r = sam.post(f"{link}/decline", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "You declined the invitation" in r.text
    assert _role_in(container, world.other_slug, world.sam.email) is None
    assert sam.get(link).status_code == 404
    trail = charlie.get(f"/w/{world.other_slug}/audit?record_type=invitation").text
    assert "accepted" in trail and "declined" in trail


def test_a_different_signed_in_account_cannot_accept(container: Container, world: World) -> None:
    """The link is a bearer secret, but the invitation names an email: only that account joins."""
    people = signed_in_clients(container, world)
    charlie, csrf = people("charlie")
    newcomer = f"newcomer-{uuid.uuid4().hex[:6]}@example.com"
    _, _, link = _invite(charlie, csrf, world.other_slug, newcomer, "owner")
    bob = web_client(container, ip="10.5.0.1")
    bob_csrf = sign_in(bob, world.bob.email, world.bob.password)
    page = bob.get(link)
    assert page.status_code == 200
    assert f"You are signed in as {world.bob.email}, but this invitation is for {newcomer}" in page.text
    assert "Accept and join" not in page.text and "New to Tradeoff?" not in page.text
    r = bob.post(f"{link}/accept", data={"csrf_token": bob_csrf})
    assert r.status_code == 403 and "Sign out, then open the link again" in r.text
    r = bob.post(f"{link}/join", data={"csrf_token": bob_csrf, "name": "Bob", "password": "bobs-new-account",
                                       "confirm_password": "bobs-new-account"})
    assert r.status_code == 409 and _user(container, newcomer) is None
    assert _role_in(container, world.other_slug, world.bob.email) is None
    # signing out from the link's page comes back to it, now with the form for a new person; the link still works
    r = bob.post(f"{link}/sign-out", data={"csrf_token": bob_csrf})
    assert r.status_code == 303 and r.headers["location"] == link
    assert "New to Tradeoff?" in bob.get(link).text
    assert _join(bob, link, "Nia Newcomer", "a-good-password").status_code == 303
    assert _role_in(container, world.other_slug, newcomer) == "owner"


def test_the_join_form_checks_name_and_password_and_forms_need_their_token(container: Container,
                                                                           world: World) -> None:
    alice, csrf = signed_in_clients(container, world)("alice")
    email = f"kit-{uuid.uuid4().hex[:6]}@example.com"
    _, _, link = _invite(alice, csrf, world.slug, email, "stakeholder")
    tc = web_client(container, ip="10.6.0.1")
    r = _join(tc, link, "Kit", "short")
    assert r.status_code == 422 and "shorter than 8 characters" in r.text and 'value="short"' not in r.text
    r = _join(tc, link, "Kit", "long-enough-1", "long-enough-2")
    assert r.status_code == 422 and "does not match the password" in r.text
    r = _join(tc, link, "   ", "long-enough-1")
    assert r.status_code == 422 and "enter your name" in r.text
    for action in ("join", "accept", "decline", "sign-out"):
        r = tc.post(f"{link}/{action}", data={"name": "Kit", "password": "long-enough-1",
                                              "confirm_password": "long-enough-1"})
        assert r.status_code == 403 and "security token" in r.text, action
    assert _user(container, email) is None
    assert _join(tc, link, "Kit", "long-enough-1").status_code == 303
    assert _role_in(container, world.slug, email) == "stakeholder"


def test_expired_revoked_replaced_and_unknown_links_say_so(container: Container, world: World) -> None:
    alice, csrf = signed_in_clients(container, world)("alice")
    tc = web_client(container, ip="10.7.0.1")
    email = f"late-{uuid.uuid4().hex[:6]}@example.com"
    # expired after 7 days
    _, _, link = _invite(alice, csrf, world.slug, email)
    with container.unit_of_work() as uow:
        row = invitations.by_token(uow=uow, token=link.rsplit("/", 1)[1])
        assert timedelta(days=6, hours=23) < row.expires_at - utcnow() <= timedelta(days=7)
        row.expires_at = utcnow() - timedelta(seconds=1)
    r = tc.get(link)
    assert r.status_code == 404 and "This invitation expired on" in r.text and email not in r.text
    assert tc.post(f"{link}/join", data={"csrf_token": csrf_of(tc.get("/login").text), "name": "L",
                                         "password": "long-enough", "confirm_password": "long-enough"}
                   ).status_code == 404
    assert _user(container, email) is None
    # inviting again replaces the pending invitation: the older link is withdrawn, the page lists one
    _, _, first = _invite(alice, csrf, world.slug, email, "pm")
    _, page, second = _invite(alice, csrf, world.slug, email, "engineer")
    assert page.count(f"<td>{email}</td>") == 1
    assert "withdrawn (or replaced by a newer one)" in tc.get(first).text
    assert tc.get(second).status_code == 200
    # revoking from the members page
    members = alice.get(f"/w/{world.slug}/members").text
    inv_id = int(re.search(rf'<tr id="invitation-(\d+)"><td>{re.escape(email)}</td><td>Engineer</td>', members)[1])  # type: ignore[index]
    assert world.alice.email in members.split(f'id="invitation-{inv_id}"')[1].split("</tr>")[0]  # invited by
    r = alice.post(f"/w/{world.slug}/invitations/{inv_id}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 200 and f"The invitation for {email} is withdrawn" in r.text
    assert f'id="invitation-{inv_id}"' not in r.text and "No pending invitations." in r.text
    assert tc.get(second).status_code == 404
    assert alice.post(f"/w/{world.slug}/invitations/{inv_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    # an unknown link, or one cut short
    assert "not valid" in tc.get("/invite/" + "x" * 43).text
    assert tc.get("/invite/abc").status_code == 404
    assert _user(container, email) is None


def test_only_owners_invite_and_members_are_not_invited_again(container: Container, world: World) -> None:
    people = signed_in_clients(container, world)
    alice, csrf = people("alice")
    status, page, link = _invite(alice, csrf, world.slug, world.bob.email, "owner")
    assert status == 422 and "already a member of this workspace" in page and not link
    status, page, _ = _invite(alice, csrf, world.slug, "not-an-email", "pm")
    assert status == 422 and "email" in page
    status, page, _ = _invite(alice, csrf, world.slug, "ok@example.com", "king")
    assert status == 422
    _, _, link = _invite(alice, csrf, world.slug, f"p-{uuid.uuid4().hex[:6]}@example.com")
    with container.unit_of_work() as uow:
        inv_id = invitations.by_token(uow=uow, token=link.rsplit("/", 1)[1]).id
    for name in ("bob", "erin", "sam"):
        tc, token = people(name)
        assert tc.post(f"/w/{world.slug}/invitations", data={"csrf_token": token, "email": "x@example.com",
                                                             "role": "owner"}).status_code == 403
        assert tc.post(f"/w/{world.slug}/invitations/{inv_id}/revoke", data={"csrf_token": token}).status_code == 403
    # the outsider's workspace has no such invitation
    charlie, charlie_csrf = people("charlie")
    assert charlie.post(f"/w/{world.other_slug}/invitations/{inv_id}/revoke",
                        data={"csrf_token": charlie_csrf}).status_code == 404
    assert web_client(container).get(link).status_code == 200  # still pending


def test_failed_links_are_limited_per_ip(container: Container, world: World) -> None:
    app = create_app(container=container)
    app.state.invite_guard = invitations.InviteGuard(failures_per_hour=2)  # in memory, this app only
    tc = TestClient(app, raise_server_exceptions=False, follow_redirects=False, client=("10.8.0.1", 50000))
    assert [tc.get("/invite/" + c * 43).status_code for c in "abc"] == [404, 404, 429]
    alice, csrf = signed_in_clients(container, world)("alice")
    _, _, link = _invite(alice, csrf, world.slug, f"q-{uuid.uuid4().hex[:6]}@example.com")
    assert tc.get(link).status_code == 429  # even a good link, from that IP, for now
    other = TestClient(app, raise_server_exceptions=False, follow_redirects=False, client=("10.8.0.2", 50000))
    assert other.get(link).status_code == 200
