"""Invitations through the API, and the invitation service's rules (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import SYSTEM, World
from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Invitation, Role, User
from tradeoff.bootstrap import Container
from tradeoff.errors import Conflict, NotFound, PermissionDenied
from tradeoff.storage.base import utcnow

KEYS = {"id", "email", "role", "invited_by", "created_at", "expires_at"}


def _users(c: Container, email: str) -> int:
    with c.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(User).where(User.email == email)) or 0)


def test_an_invitation_answers_the_same_whether_or_not_an_account_exists(client, container, world: World) -> None:
    owner = world.charlie.headers  # another workspace's owner, inviting someone who has an account elsewhere
    stranger = f"stranger-{uuid.uuid4().hex[:6]}@example.com"
    known = client.post(f"/api/v1/workspaces/{world.other_slug}/invitations",
                        json={"email": world.erin.email, "role": "pm"}, headers=owner)
    new = client.post(f"/api/v1/workspaces/{world.other_slug}/invitations", json={"email": stranger, "role": "pm"},
                      headers=owner)
    assert known.status_code == new.status_code == 201
    assert set(known.json()) == set(new.json()) == KEYS | {"link"}  # no user id, no name
    assert known.json()["link"].startswith("/invite/") and known.json()["invited_by"] == world.charlie.email
    assert known.json()["expires_at"] > known.json()["created_at"]
    assert _users(container, stranger) == 0  # no account is made by inviting
    members = client.get(f"/api/v1/workspaces/{world.other_slug}/members", headers=owner).json()
    assert world.erin.email not in {m["email"] for m in members}  # nobody joins without accepting
    # the old way in is closed: PUT …/members creates nobody and says nothing about accounts
    r = client.put(f"/api/v1/workspaces/{world.other_slug}/members", json={"email": stranger, "role": "pm"},
                   headers=owner)
    assert r.status_code == 404 and _users(container, stranger) == 0
    r = client.put(f"/api/v1/workspaces/{world.other_slug}/members", json={"email": world.erin.email, "role": "pm"},
                   headers=owner)
    assert r.status_code == 404 and "not a member" in r.json()["detail"]
    r = client.put(f"/api/v1/workspaces/{world.other_slug}/members",
                   json={"email": stranger, "role": "pm", "name": "X", "password": "Attacker-pass"}, headers=owner)
    assert r.status_code == 422 and _users(container, stranger) == 0
    r = client.put(f"/api/v1/workspaces/{world.other_slug}/members", json={"role": "pm"}, headers=owner)
    assert r.status_code == 422 and "user_id or their email" in r.text


def test_list_revoke_and_invite_again(client, world: World) -> None:
    h = world.alice.headers
    email = f"again-{uuid.uuid4().hex[:6]}@example.com"
    first = client.post(world.api("/invitations"), json={"email": email.upper(), "role": "pm"}, headers=h).json()
    assert first["email"] == email
    second = client.post(world.api("/invitations"), json={"email": email, "role": "engineer"}, headers=h).json()
    listed = client.get(world.api("/invitations"), headers=h).json()
    mine = [i for i in listed if i["email"] == email]
    assert [(i["id"], i["role"]) for i in mine] == [(second["id"], "engineer")]  # the newer replaced the older
    assert all(set(i) == KEYS for i in listed)  # a link is shown once, never in a list
    r = client.delete(world.api(f"/invitations/{second['id']}"), headers=h)
    assert r.status_code == 200 and r.json()["id"] == second["id"]
    assert email not in {i["email"] for i in client.get(world.api("/invitations"), headers=h).json()}
    r = client.delete(world.api(f"/invitations/{second['id']}"), headers=h)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    trail = client.get(world.api("/audit"), params={"record_type": "invitation"}, headers=h).json()["items"]
    assert [e["action"] for e in trail][:3] == ["revoke", "create", "create"]
    assert not any("token" in str(e["changes"]) for e in trail)


def test_only_owners_manage_invitations(client, world: World) -> None:
    inv = client.post(world.api("/invitations"), json={"email": "o@example.com", "role": "pm"},
                      headers=world.alice.headers).json()
    for person in (world.bob, world.erin, world.sam):
        assert client.post(world.api("/invitations"), json={"email": "p@example.com", "role": "owner"},
                           headers=person.headers).status_code == 403
        assert client.get(world.api("/invitations"), headers=person.headers).status_code == 403
        assert client.delete(world.api(f"/invitations/{inv['id']}"), headers=person.headers).status_code == 403
    # a member is not invited again; a bad email or role is named
    r = client.post(world.api("/invitations"), json={"email": world.bob.email, "role": "owner"},
                    headers=world.alice.headers)
    assert r.status_code == 409 and r.json()["errors"][0]["loc"] == ["body", "email"]
    r = client.post(world.api("/invitations"), json={"email": "nope", "role": "king"}, headers=world.alice.headers)
    assert r.status_code == 422 and {tuple(e["loc"]) for e in r.json()["errors"]} == {("body", "email"),
                                                                                       ("body", "role")}


def _token(c: Container, slug: str, email: str, role: Role = Role.pm) -> str:
    with c.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        return invitations.invite(uow=uow, workspace_id=ws.id, email=email, role=role, actor=SYSTEM)[1]


def test_the_service_lets_only_the_invited_email_join_once(container: Container, world: World) -> None:
    token = _token(container, world.other_slug, world.erin.email, Role.engineer)
    with container.unit_of_work() as uow:
        row = uow.session.scalar(select(Invitation).where(Invitation.email == world.erin.email)
                                 .order_by(Invitation.id.desc()).limit(1))
        assert row is not None and len(row.token_hash) == 64  # only its hash is kept
        assert token not in {str(getattr(row, c.key)) for c in Invitation.__table__.columns}
    with pytest.raises(PermissionDenied, match="for " + world.erin.email), container.unit_of_work() as uow:
        invitations.accept(uow=uow, token=token, user_id=world.bob.user_id)
    with pytest.raises(Conflict, match="already an account"), container.unit_of_work() as uow:
        invitations.join(uow=uow, token=token, name="Twin", password="someone-elses")
    with container.unit_of_work() as uow:
        ws = invitations.accept(uow=uow, token=token, user_id=world.erin.user_id)
        assert ws.slug == world.other_slug
    with pytest.raises(NotFound, match="already been used"), container.unit_of_work() as uow:
        invitations.accept(uow=uow, token=token, user_id=world.erin.user_id)
    with container.unit_of_work() as uow:
        member = accounts.membership(uow=uow, slug=world.other_slug, user_id=world.erin.user_id)
        assert member.role == Role.engineer


def test_an_invitation_expires_after_seven_days(container: Container, world: World) -> None:
    email = f"week-{uuid.uuid4().hex[:6]}@example.com"
    token = _token(container, world.slug, email)
    later = utcnow() + timedelta(days=invitations.VALID_DAYS, seconds=1)
    with container.unit_of_work() as uow:
        assert invitations.by_token(uow=uow, token=token, now=utcnow() + timedelta(days=6)).email == email
        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        assert email not in {i.email for i in invitations.pending(uow=uow, workspace_id=ws.id, now=later)}
    with pytest.raises(NotFound, match="expired"), container.unit_of_work() as uow:
        invitations.join(uow=uow, token=token, name="Late", password="long-enough", now=later)
    assert _users(container, email) == 0


def test_accepting_when_already_a_member_keeps_the_role(container: Container, world: World) -> None:
    """Added meanwhile by the operator (`tradeoff user add -w`): accepting uses the link up and changes no role (an
    old invitation must never demote, or promote, anyone)."""
    token = _token(container, world.other_slug, world.sam.email, Role.owner)
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=world.other_slug)
        sam = uow.session.get(User, world.sam.user_id)
        assert sam is not None
        accounts.set_member(uow=uow, workspace=ws, user=sam, role=Role.stakeholder, actor=SYSTEM)
    with container.unit_of_work() as uow:
        invitations.accept(uow=uow, token=token, user_id=world.sam.user_id)
    with container.unit_of_work() as uow:
        assert accounts.membership(uow=uow, slug=world.other_slug, user_id=world.sam.user_id).role == Role.stakeholder
    with pytest.raises(NotFound, match="already been used"), container.unit_of_work() as uow:
        invitations.by_token(uow=uow, token=token)
