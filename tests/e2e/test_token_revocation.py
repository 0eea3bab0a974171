"""An admin's password reset (`tradeoff user add EMAIL --password-stdin` on an existing account) revokes the
person's API tokens as well as their web sessions, and says so; "sign out everywhere" can revoke them too."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import csrf_of, sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.audit import service as audit
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app as cli


def _ip() -> str:
    return "10.{}.{}.{}".format(*random.sample(range(1, 255), 3))


def _api_ok(tc: TestClient, world: World, headers: dict[str, str]) -> bool:
    r = tc.get(world.api("/features"), headers=headers)
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


def test_an_admin_password_reset_revokes_the_api_tokens_and_says_so(client: TestClient, container: Container,
                                                                    world: World, tmp_path: Path) -> None:
    with container.unit_of_work() as uow:  # a second token of sam's, in another workspace of theirs
        other = accounts.workspace_by_slug(uow=uow, slug=world.other_slug)
        accounts.set_member(uow=uow, workspace=other, user=uow.session.get(accounts.User, world.sam.user_id),
                            role=accounts.Role.pm, actor=SYSTEM)
        _, elsewhere = accounts.create_token(uow=uow, workspace_id=other.id, user_id=world.sam.user_id, name="ci",
                                             actor=SYSTEM)
    assert _api_ok(client, world, world.sam.headers)
    browser = web_client(container, _ip())
    sign_in(browser, world.sam.email, world.sam.password)

    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    result = CliRunner().invoke(cli, ["user", "add", world.sam.email, "--password-stdin"], env=env,
                                input="a-new-password-1\n")
    assert result.exit_code == 0, result.output
    assert f"updated {world.sam.email}" in result.output
    assert "every web session of theirs is signed out and 2 API tokens revoked" in result.output

    assert not _api_ok(client, world, world.sam.headers)
    assert client.get(f"/api/v1/workspaces/{world.other_slug}/features",
                      headers={"Authorization": f"Bearer {elsewhere}"}).status_code == 401
    assert browser.get(f"/w/{world.slug}").status_code == 303  # the web session ended, as before
    assert _api_ok(client, world, world.alice.headers)  # nobody else's tokens
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=world.slug)
        events = audit.list_events(uow=uow, workspace_id=ws.id, record_type="api_token")
        revoked = [e for e in events if e.action == "revoke"]
        assert [e.changes["why"]["after"] for e in revoked] == ["password reset"]  # in the audit log, with why
        assert revoked[0].actor_label.startswith("cli:")

    again = CliRunner().invoke(cli, ["user", "add", world.sam.email, "--password-stdin"], env=env,
                               input="a-third-password-1\n")
    assert again.exit_code == 0 and "0 API tokens revoked" in again.output
    without = CliRunner().invoke(cli, ["user", "add", world.sam.email, "--name", "Sam"], env=env)
    assert without.exit_code == 0 and "revoked" not in without.output  # no password given: nothing reset


def test_sign_out_everywhere_can_revoke_your_api_tokens_too(client: TestClient, container: Container,
                                                            world: World) -> None:
    tc = web_client(container, _ip())
    sign_in(tc, world.erin.email, world.erin.password)
    page = tc.get(f"/w/{world.slug}/account")
    assert 'name="revoke_tokens"' in page.text and "Also revoke my API tokens" in page.text
    out = tc.post(f"/w/{world.slug}/account/sign-out-everywhere", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    assert _api_ok(client, world, world.erin.headers)  # not asked: the tokens go on

    sign_in(tc, world.erin.email, world.erin.password)
    page = tc.get(f"/w/{world.slug}/account")
    out = tc.post(f"/w/{world.slug}/account/sign-out-everywhere",
                  data={"csrf_token": csrf_of(page.text), "revoke_tokens": "1"})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert tc.get(f"/w/{world.slug}").status_code == 303
    assert not _api_ok(client, world, world.erin.headers)
    assert _api_ok(client, world, world.bob.headers)
