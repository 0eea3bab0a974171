"""The `tradeoff` command: set-up, people and tokens, records, backup/restore, evaluations, the server."""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradeoff.cli.choices import Role
from tradeoff.cli.context import Cli, ErrorMappingGroup, cli_state, emit_json, emit_table, set_state
from tradeoff.errors import InvalidInput, TradeoffError

if TYPE_CHECKING:
    from tradeoff.accounts import service as accounts

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Tradeoff: evidence → problems → features → priorities → plans → forecasts.")
db_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Create and migrate the database.")
user_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="People.")
workspace_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="Workspaces.")
token_app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True, help="API tokens (shown once, stored hashed).")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.add_typer(token_app, name="token")

Workspace = Annotated[str, typer.Option("--workspace", "-w", envvar="TRADEOFF_WORKSPACE", help="Workspace slug.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]
# commands that bring the database to this code's schema themselves (or only report it): the others refuse to run on
# a database at another revision
MIGRATING_COMMANDS = frozenset({"db", "init", "demo", "restore", "serve"})


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option(envvar="TRADEOFF_HOME", help="Data folder (default ./.tradeoff).")] = None,
    database_url: Annotated[str | None, typer.Option(envvar="TRADEOFF_DATABASE_URL", help="SQLAlchemy URL.")] = None,
) -> None:
    overrides: dict[str, object] = {}
    if home is not None:
        overrides["home"] = home
    if database_url:
        overrides["database_url"] = database_url
    set_state(Cli(overrides=overrides, check_schema=ctx.invoked_subcommand not in MIGRATING_COMMANDS))


def _read_password(from_stdin: bool, prompt: bool = True) -> str | None:
    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise InvalidInput("no password on standard input")
        return pw
    if prompt and sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return None


def _migrate() -> str:
    from tradeoff.storage.migrate import current_revision, upgrade
    from tradeoff.storage.schema_check import check_migratable

    c = cli_state().container
    check_migratable(c.engine)  # a newer Tradeoff's database: say so, rather than Alembic's missing revision
    upgrade(c.engine)
    return current_revision(c.engine) or "?"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or migrate it to the newest schema."""
    rev = _migrate()
    from tradeoff.storage.db import refresh_statistics

    with cli_state().container.unit_of_work() as uow:  # a migration may add indexes: let the planner weigh them
        refresh_statistics(uow.session)
    typer.echo(f"database at revision {rev}")


@db_app.command("current")
def db_current(as_json: Json = False) -> None:
    """Show the database's schema revision and the newest one."""
    from tradeoff.storage.migrate import current_revision, head_revision

    cur, head = current_revision(cli_state().container.engine), head_revision()
    if as_json:
        emit_json({"current": cur, "head": head, "up_to_date": cur == head})
    else:
        typer.echo(f"current {cur or '(empty database)'}, newest {head}")


@app.command()
def init(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Slug of the first workspace.")],
    owner: Annotated[str, typer.Option(help="Owner's email.")],
    password_stdin: PasswordStdin = False,
    name: Annotated[str | None, typer.Option(help="Workspace name (default: the slug).")] = None,
) -> None:
    """Create or upgrade the database, the workspace and its owner, without prompts when --password-stdin."""
    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import Role as AccountRole

    password = _read_password(password_stdin)
    _migrate()
    state = cli_state()
    with state.container.unit_of_work() as uow:
        saved = accounts.save_user(uow=uow, email=owner, password=password, actor=state.actor)
        user = saved.user
        try:
            ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
            accounts.set_member(uow=uow, workspace=ws, user=user, role=AccountRole.owner, actor=state.actor)
            typer.echo(f"workspace {workspace} exists; {user.email} is its owner")
        except TradeoffError:
            accounts.create_workspace(uow=uow, slug=workspace, name=name or workspace, owner=user, actor=state.actor)
            typer.echo(f"created workspace {workspace} owned by {user.email}")
    _say_reset(saved)


@user_app.command("add")
def user_add(
    email: str,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_stdin: PasswordStdin = False,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Also add to this workspace.")] = None,
    role: Annotated[Role, typer.Option(help="Role in --workspace.")] = Role.pm,
) -> None:
    """Add a person (or reset their password: their web sessions end and their API tokens are revoked), optionally
    as a member of a workspace."""
    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import Role as AccountRole

    password = _read_password(password_stdin)
    state = cli_state()
    with state.container.unit_of_work() as uow:
        saved = accounts.save_user(uow=uow, email=email, name=name, password=password, actor=state.actor)
        user, created = saved.user, saved.created
        if workspace:
            ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
            accounts.set_member(uow=uow, workspace=ws, user=user, role=AccountRole(role), actor=state.actor)
    typer.echo(f"{'added' if created else 'updated'} {user.email}" + (f" as {role.value} of {workspace}" if workspace else ""))
    _say_reset(saved)


def _say_reset(saved: accounts.SavedUser) -> None:
    """An admin's password reset on an existing account: say what else it ended."""
    if saved.password_reset:
        n = saved.tokens_revoked
        typer.echo(f"new password set for {saved.user.email}: every web session of theirs is signed out and "
                   f"{n} API token{'' if n == 1 else 's'} revoked" + (" (make new ones with `tradeoff token create`)"
                                                                     if n else ""))


@user_app.command("remove")
def user_remove(
    email: str,
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="The workspace to take them out of.")],
) -> None:
    """Take a person out of a workspace; their API tokens for it are revoked (never the last owner)."""
    from tradeoff.accounts import service as accounts

    state = cli_state()
    with state.container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
        row = accounts.member_row(uow=uow, workspace_id=ws.id, email=email)
        accounts.remove_member(uow=uow, workspace_id=ws.id, user_id=row.user_id, actor=state.actor)
    typer.echo(f"removed {email} from {workspace}")


@app.command()
def invite(
    email: str,
    workspace: Workspace,
    role: Annotated[Role, typer.Option(help="Their role once they accept.")] = Role.pm,
    server: Annotated[str, typer.Option(help="The address people open Tradeoff at, e.g. https://tradeoff.example.com "
                                             "(put in front of the link).")] = "",
) -> None:
    """Invite a person into a workspace: prints only the link to pass on (shown once; valid 7 days). They choose their
    own password, or sign in if they already have an account."""
    from tradeoff.accounts import invitations
    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import Role as AccountRole

    state = cli_state()
    with state.container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
        _, token = invitations.invite(uow=uow, workspace_id=ws.id, email=email, role=AccountRole(role),
                                      actor=state.actor)
    typer.echo(server.rstrip("/") + invitations.link(token))


@workspace_app.command("create")
def workspace_create(
    slug: str,
    owner: Annotated[str, typer.Option(help="Owner's email (created if new).")],
    password_stdin: PasswordStdin = False,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a workspace with its owner."""
    from tradeoff.accounts import service as accounts

    password = _read_password(password_stdin, prompt=False)
    state = cli_state()
    with state.container.unit_of_work() as uow:
        saved = accounts.save_user(uow=uow, email=owner, password=password, actor=state.actor)
        accounts.create_workspace(uow=uow, slug=slug, name=name or slug, owner=saved.user, actor=state.actor)
    typer.echo(f"created workspace {slug} owned by {owner}")
    _say_reset(saved)


@workspace_app.command("list")
def workspace_list(as_json: Json = False) -> None:
    """List workspaces and their members."""
    from sqlalchemy import select

    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import Workspace as Ws

    with cli_state().container.unit_of_work() as uow:
        rows = [{"slug": w.slug, "name": w.name,
                 "members": len(accounts.members(uow=uow, workspace_id=w.id))}
                for w in uow.session.scalars(select(Ws).order_by(Ws.slug))]
    emit_json(rows) if as_json else emit_table(rows, ["slug", "name", "members"], title="workspaces")


@token_app.command("create")
def token_create(
    workspace: Workspace,
    user: Annotated[str, typer.Option(help="Email of the token's owner (a member of the workspace).")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Create an API token and print only the token (it is never shown again)."""
    from tradeoff.accounts import service as accounts

    state = cli_state()
    with state.container.unit_of_work() as uow:
        member = _member(uow, workspace, user)
        _, token = accounts.create_token(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                         name=name, actor=state.actor)
    typer.echo(token)


@token_app.command("list")
def token_list(workspace: Workspace, user: Annotated[str, typer.Option(help="Owner's email.")], as_json: Json = False) -> None:
    """List a person's tokens in a workspace (prefix, last used, revoked)."""
    from tradeoff.accounts import service as accounts

    with cli_state().container.unit_of_work() as uow:
        member = _member(uow, workspace, user)
        rows = [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
                 "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                 "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
                for t in accounts.list_tokens(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id)]
    emit_json(rows) if as_json else emit_table(rows, list(rows[0]) if rows else ["id"], title="tokens")


@token_app.command("revoke")
def token_revoke(token_id: int, workspace: Workspace, user: Annotated[str, typer.Option(help="Owner's email.")]) -> None:
    """Revoke a token; requests with it are refused from then on."""
    from tradeoff.accounts import service as accounts

    state = cli_state()
    with state.container.unit_of_work() as uow:
        member = _member(uow, workspace, user)
        accounts.revoke_token(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id, token_id=token_id,
                              actor=state.actor)
    typer.echo(f"revoked token {token_id}")


def _member(uow, slug: str, email: str) -> accounts.Member:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import User

    user = uow.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise InvalidInput(f"no user {email}; add one with `tradeoff user add`")
    return accounts.membership(uow=uow, slug=slug, user_id=user.id)


@app.command()
def demo(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Slug for the demo workspace.")] = "demo",
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing when it already exists.")] = False,
) -> None:
    """Load the demo workspace (a B2B invoicing product) and print how to log in."""
    from tradeoff.accounts import service as accounts
    from tradeoff.demo.load import load_demo

    _migrate()
    state = cli_state()
    cred = state.settings.home / "demo-login.txt"
    with state.container.unit_of_work() as uow:
        try:
            accounts.workspace_by_slug(uow=uow, slug=workspace)
            exists = True
        except TradeoffError:
            exists = False
        if exists and not if_missing:
            raise InvalidInput(f"workspace {workspace} already exists")
        if not exists:
            password = secrets.token_urlsafe(9)
            summary = load_demo(uow=uow, password=password, anchor=date.today(), slug=workspace)
            state.settings.ensure_home()
            cred.write_text(f"{summary.owner_email}\n{password}\n")
            cred.chmod(0o600)
            typer.echo("loaded demo workspace: " + ", ".join(f"{v} {k}" for k, v in summary.counts.items()))
    if cred.exists():
        email, password = cred.read_text().split("\n")[:2]
        typer.echo(f"log in as {email} with password {password} (also in {cred})")
        with state.container.unit_of_work() as uow:
            from tradeoff.publishing import service as publishing

            ws = accounts.workspace_by_slug(uow=uow, slug=workspace)
            shares = publishing.list_shares(uow=uow, workspace_id=ws.id)
            if shares:
                typer.echo(f"public roadmap (no login): /p/{shares[0].token}")
    typer.echo(_matcher_note(state))


def _matcher_note(state: Cli) -> str:
    """Say which text matcher triage uses, and what the optional model adds."""
    from tradeoff.triage.engine import default_engine

    method = default_engine().method if state.settings.triage_model else "lexical"
    if method == "lexical":
        return ("triage matcher: lexical (TF-IDF). `pip install 'tradeoff[ml]'` adds a local sentence-embedding model "
                "that finds duplicates and themes by meaning, not shared words, and fine-tunes each workspace's kind "
                "model on its corrections (figures in docs/benchmarks.md)")
    return (f"triage matcher: {method} (local sentence-embedding model, nothing downloaded at run time; "
            f"`tradeoff triage tune` fine-tunes a workspace's kind model on its corrections)")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web UI and the API (honours TRADEOFF_HOME, TRADEOFF_DATABASE_URL and TRADEOFF_TRUSTED_PROXIES)."""
    import os

    import uvicorn

    state = cli_state()
    for key, value in state.overrides.items():  # so worker processes build the same settings
        os.environ[f"TRADEOFF_{key.upper()}"] = str(value)
    _migrate()
    # X-Forwarded-For names the client only when it comes from a proxy of ours: believed from anyone else (uvicorn
    # trusts 127.0.0.1 by default), a local client could claim any address and dodge the per-IP login limit
    proxies = state.settings.trusted_proxy_list
    typer.echo(f"Tradeoff at http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)")
    if proxies:
        typer.echo(f"forwarded client addresses are believed from {', '.join(proxies)} only")
    uvicorn.run("tradeoff.app:asgi", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=False, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


@app.command()
def backup(file: Path, workspace: Workspace) -> None:
    """Write a lossless JSON backup of a workspace to FILE ('-' for standard output)."""
    from tradeoff.backup.service import backup as do_backup

    with cli_state().container.unit_of_work() as uow:
        doc = do_backup(uow=uow, slug=workspace)
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True)
    if str(file) == "-":
        typer.echo(text)
    else:
        file.write_text(text, encoding="utf-8")
        typer.echo(f"backed up {workspace} to {file}")


@app.command()
def restore(
    file: Path,
    as_slug: Annotated[str | None, typer.Option("--as", help="Restore under another slug.")] = None,
) -> None:
    """Restore a backup FILE as a new workspace. All or nothing."""
    from tradeoff.backup.service import restore as do_restore

    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(f"{file}: no such file") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{file}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    _migrate()
    with cli_state().container.unit_of_work() as uow:
        ws = do_restore(uow=uow, doc=doc, slug=as_slug)
        slug = ws.slug
    typer.echo(f"restored workspace {slug}")


def _register() -> None:
    from tradeoff.cli import (
        delivery,
        estimates,
        evals,
        evidence,
        imports,
        insights,
        records,
        strategy,
        triage,
    )

    records.register(app)
    imports.register(app)
    evidence.register(app)
    insights.register(app)
    strategy.register(app)  # after records: it extends `decisions`
    triage.register(app)
    estimates.register(app)
    delivery.register(app)  # after records and imports: it extends `commitments` and `import`
    from tradeoff.cli import notify

    notify.register(app)  # webhooks, digest, share
    from tradeoff.cli import briefs

    briefs.register(app)  # brief, blocker, implications
    from tradeoff.cli import views

    views.register(app)
    from tradeoff.cli import currencies

    currencies.register(app)
    app.add_typer(evals.app, name="eval")


_register()


def main() -> None:
    app(prog_name="tradeoff")
