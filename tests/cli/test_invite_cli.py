"""`tradeoff invite`: the operator's way to make an invitation link (the same as an owner's)."""

from __future__ import annotations

import uuid

from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts


def test_invite_prints_only_the_link_and_user_add_still_adds(run, container) -> None:  # type: ignore[no-untyped-def]
    slug = "inv-" + uuid.uuid4().hex[:8]
    run("workspace", "create", slug, "--owner", f"o-{slug}@example.com")
    email = f"new-{slug}@example.com"
    link = run("invite", email, "-w", slug, "--role", "engineer").stdout.strip()
    assert link.startswith("/invite/") and "\n" not in link
    with container.unit_of_work() as uow:
        inv = invitations.by_token(uow=uow, token=link.removeprefix("/invite/"))
        assert (inv.email, inv.role, inv.invited_by.startswith("cli:")) == (email, "engineer", True)
    # inviting again replaces it; --server puts the address in front
    again = run("invite", email, "--workspace", slug, "--server", "https://tradeoff.example.com/").stdout.strip()
    assert again.startswith("https://tradeoff.example.com/invite/")
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        assert [(i.email, i.role) for i in invitations.pending(uow=uow, workspace_id=ws.id)] == [(email, "pm")]
    # a member is not invited; an unknown workspace is named
    member = run("invite", f"o-{slug}@example.com", "-w", slug, ok=False)
    assert member.exit_code == 4 and "already a member" in member.stderr
    missing = run("invite", email, "-w", "nope-" + slug, ok=False)
    assert missing.exit_code == 3 and "not found" in missing.stderr
    # the server's operator (trusted) still adds a person with a password directly
    run("user", "add", f"op-{slug}@example.com", "-w", slug, "--role", "stakeholder", "--password-stdin",
        input="operator-set-pw\n")
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        assert f"op-{slug}@example.com" in {m.user.email for m in accounts.members(uow=uow, workspace_id=ws.id)}
