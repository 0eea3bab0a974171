"""`tradeoff webhooks list|add|deliver|deliveries|resend`, `tradeoff digest send|preview`,
`tradeoff share create|list|revoke`."""

from __future__ import annotations

from typing import Annotated

import typer

from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id

webhooks_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True,
                           help="Outbound webhooks: signed JSON POSTs when events happen.")
digest_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="The weekly digest per subscriber.")
share_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True,
                        help="Public roadmap links (no login): /p/<token> and /p/<token>/changelog.")


@webhooks_app.command("list")
def list_hooks(workspace: Workspace, as_json: Json = False) -> None:
    """The workspace's webhooks (secrets are never shown again)."""
    from tradeoff.notifications import webhooks

    with cli_state().container.unit_of_work() as uow:
        rows = [{"id": h.id, "url": h.url, "events": ",".join(h.event_types), "active": h.active,
                 "secret": h.secret_hint} for h in webhooks.list_webhooks(uow=uow, workspace_id=workspace_id(uow, workspace))]
    emit_json(rows) if as_json else emit_table(rows, ["id", "url", "events", "active", "secret"])


@webhooks_app.command("add")
def add_hook(
    url: str, workspace: Workspace,
    event: Annotated[list[str], typer.Option("--event", "-e", help="Event type (repeat), e.g. feature.status_changed.")],
    description: Annotated[str, typer.Option(help="A note for your team.")] = "",
) -> None:
    """Add a webhook; prints its signing secret once."""
    from tradeoff.notifications import webhooks

    state = cli_state()
    with state.container.unit_of_work() as uow:
        hook, secret = webhooks.create(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, url=url,
                                       event_types=event, description=description,
                                       allow_private=state.settings.webhook_allow_private)
        hook_id = hook.id
    typer.echo(f"webhook {hook_id} added; signing secret (shown once): {secret}")


@webhooks_app.command("deliver")
def deliver(
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Keep going through retries until nothing is "
                                                                  "pending (waits out the backoff).")] = False,
) -> None:
    """Send every webhook delivery that is due, in all workspaces (for cron when the server's worker is off)."""
    from tradeoff.notifications.delivery import deliver_due, deliver_until_idle
    from tradeoff.notifications.worker import policy_from, sender_from

    state = cli_state()
    c = state.container
    policy, sender = policy_from(state.settings), sender_from(state.settings)
    if until_idle:
        n = deliver_until_idle(c.unit_of_work, sender=sender, policy=policy)
    else:
        n = deliver_due(c.unit_of_work, sender=sender, policy=policy)
    typer.echo(f"made {n} delivery attempts")


@webhooks_app.command("deliveries")
def deliveries(webhook_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """The delivery log of a webhook: status, attempts, last status code or error."""
    from tradeoff.notifications import webhooks
    from tradeoff.notifications.schemas import DeliveryOut

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        rows = [DeliveryOut.model_validate(d).model_dump(mode="json")  # the API's shape
                for d in webhooks.deliveries(uow=uow, workspace_id=wid, webhook_id=webhook_id)]
    emit_json(rows) if as_json else emit_table(
        rows, ["id", "event_type", "status", "attempts", "last_status_code", "last_error"])


@webhooks_app.command("resend")
def resend(delivery_id: int, workspace: Workspace) -> None:
    """Queue a delivery again (sent by the worker or the next `tradeoff webhooks deliver`)."""
    from tradeoff.notifications import webhooks

    state = cli_state()
    with state.container.unit_of_work() as uow:
        d = webhooks.resend(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                            delivery_id=delivery_id)
        new_id = d.id
    typer.echo(f"queued delivery {new_id}")


@digest_app.command("send")
def digest_send(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the digests that are due; send nothing.")] = False,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Only this workspace.")] = None,
) -> None:
    """Send the weekly digest to every subscriber whose last one is a week old (in-app notification)."""
    from tradeoff.notifications import digest as digest_service
    from tradeoff.storage.base import utcnow

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace) if workspace else None
        sent = digest_service.send_due_digests(uow=uow, now=utcnow(), dry_run=dry_run, workspace_id=wid)
        texts = [d.render() for d in sent]
    for text in texts if dry_run else []:
        typer.echo(text + "\n")
    typer.echo(f"{len(texts)} digests {'due (dry run: nothing sent)' if dry_run else 'sent'}")


@share_app.command("create")
def share_create(product_id: int, workspace: Workspace,
                 label: Annotated[str, typer.Option(help="A note for your team.")] = "") -> None:
    """Create a public roadmap link for a product; prints its path."""
    from tradeoff.publishing import service as publishing

    state = cli_state()
    with state.container.unit_of_work() as uow:
        share = publishing.create_share(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                        product_id=product_id, label=label)
        path = share.path
    typer.echo(f"public roadmap: {path}  (changelog: {path}/changelog)")


@share_app.command("list")
def share_list(workspace: Workspace, as_json: Json = False) -> None:
    """Public roadmap links of the workspace."""
    from tradeoff.publishing import service as publishing

    with cli_state().container.unit_of_work() as uow:
        rows = [{"id": s.id, "product_id": s.product_id, "path": s.path, "label": s.label, "active": s.active}
                for s in publishing.list_shares(uow=uow, workspace_id=workspace_id(uow, workspace))]
    emit_json(rows) if as_json else emit_table(rows, ["id", "product_id", "path", "label", "active"])


@share_app.command("revoke")
def share_revoke(share_id: int, workspace: Workspace) -> None:
    """Revoke a link: its pages answer 404 from now on."""
    from tradeoff.publishing import service as publishing

    state = cli_state()
    with state.container.unit_of_work() as uow:
        publishing.revoke_share(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor, share_id=share_id)
    typer.echo(f"share {share_id} revoked")


def register(root: typer.Typer) -> None:
    root.add_typer(webhooks_app, name="webhooks")
    root.add_typer(digest_app, name="digest")
    root.add_typer(share_app, name="share")
