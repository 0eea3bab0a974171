"""The weekly digest: per subscriber, what changed in the seven days before `now`.

`build_digest` is deterministic given the database and `now` (no clock inside); `send_due_digests` sends one to
every member subscribed to `digest.weekly` whose last digest is a week old or more, as an in-app notification,
and records when, so the next one is due a week later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tradeoff.accounts.model import Membership, User, Workspace
from tradeoff.features.model import Feature
from tradeoff.feedback.model import Feedback, counts_as_evidence
from tradeoff.links.model import Link
from tradeoff.notifications.model import DigestRun, Event, EventType, Notification, Subscription
from tradeoff.storage.uow import UnitOfWork

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class DigestLine:
    text: str
    link: str = ""


@dataclass(frozen=True)
class Digest:
    workspace_id: int
    workspace_slug: str
    user_id: int
    email: str
    period_start: datetime
    period_end: datetime
    status_changes: list[DigestLine] = field(default_factory=list)
    new_evidence: list[DigestLine] = field(default_factory=list)
    at_risk: list[DigestLine] = field(default_factory=list)
    other: list[DigestLine] = field(default_factory=list)
    attention: list[DigestLine] = field(default_factory=list)  # what needs acting on at the end of the week

    @property
    def quiet(self) -> bool:
        """Nothing changed in the week in what the member follows."""
        return not (self.status_changes or self.new_evidence or self.at_risk or self.other)

    @property
    def empty(self) -> bool:
        return self.quiet and not self.attention

    def render(self) -> str:
        """Plain text, ready for the in-app notification or a chat message."""
        head = (f"Tradeoff weekly digest for {self.email} in {self.workspace_slug}: "
                f"{self.period_start:%d %b %Y} – {self.period_end:%d %b %Y} (UTC)")
        parts = [head]
        if self.quiet:
            parts.append("\nNothing changed this week in what you follow.")
        for title, lines in (("Needs attention", self.attention), ("Status changes", self.status_changes),
                             ("New evidence on features you own", self.new_evidence),
                             ("Promises at risk", self.at_risk), ("Also", self.other)):
            if lines:
                parts.append(f"\n{title} ({len(lines)}):\n" + "\n".join(f"- {line.text}" for line in lines))
        return "\n".join(parts)


def build_digest(*, uow: UnitOfWork, workspace_id: int, user_id: int, now: datetime) -> Digest:
    """What changed in [now − 7 days, now): feature status changes, evidence newly linked to features the member
    owns, commitments at risk, and forecast moves / briefs published; and, first, what needs acting on at `now`
    (the urgent and important items of the home page's list). Same data and `now` → same digest."""
    start = now - WEEK
    ws = uow.session.get(Workspace, workspace_id)
    user = uow.session.get(User, user_id)
    if ws is None or user is None:
        raise ValueError("unknown workspace or user")
    events = list(uow.session.scalars(select(Event).where(
        Event.workspace_id == workspace_id, Event.created_at >= start, Event.created_at < now,
    ).order_by(Event.created_at, Event.id)))
    base = f"/w/{ws.slug}"

    def line(e: Event) -> DigestLine:
        kind, _, ident = e.subject.partition(":")
        link = f"{base}/{kind}s/{ident}" if kind in ("feature", "plan") and ident.isdecimal() else ""
        return DigestLine(f"{e.created_at:%a %d %b}: {e.summary or e.event_type}", link)

    status = [line(e) for e in events if e.event_type == EventType.feature_status_changed.value]
    risk = [line(e) for e in events if e.event_type in (EventType.commitment_at_risk.value,
                                                         EventType.release_at_risk.value)]
    other = [line(e) for e in events if e.event_type in (EventType.forecast_moved.value,
                                                            EventType.brief_published.value)]
    # the columns a line shows, not whole records: a busy week links thousands of items to a PM's features
    rows = uow.session.execute(
        select(Link.quote, Feedback.text, Feature.title, Feature.id).join(Feature, Feature.id == Link.feature_id)
        .join(Feedback, Feedback.id == Link.feedback_id)
        .where(Link.workspace_id == workspace_id, Link.created_at >= start, Link.created_at < now,
               func.lower(Feature.owner) == user.email.lower(), counts_as_evidence())
        .order_by(Feature.title, Feature.id, Link.created_at, Link.id)
    ).all()
    evidence = []
    for quote, text, title, feature_id in rows:
        words = " ".join((quote or text).split())
        words = words if len(words) <= 140 else words[:139] + "…"
        evidence.append(DigestLine(f"{title}: “{words}”", f"{base}/features/{feature_id}"))
    from tradeoff.attention import service as attention_service

    attention = [DigestLine(f"{i.title}: {i.detail}", f"{base}/{i.path}")
                 for i in attention_service.attention(uow=uow, workspace_id=workspace_id, now=now)
                 if i.severity in ("high", "medium")]
    return Digest(workspace_id=workspace_id, workspace_slug=ws.slug, user_id=user_id, email=user.email,
                  period_start=start, period_end=now, status_changes=status, new_evidence=evidence, at_risk=risk,
                  other=other, attention=attention)


def due_subscribers(*, uow: UnitOfWork, now: datetime, workspace_id: int | None = None) -> list[tuple[int, int]]:
    """(workspace_id, user_id) of members subscribed to the digest whose last one was sent a week ago or more."""
    last = (select(DigestRun.workspace_id, DigestRun.user_id, func.max(DigestRun.sent_at).label("last"))
            .group_by(DigestRun.workspace_id, DigestRun.user_id).subquery())
    stmt = (select(Subscription.workspace_id, Subscription.user_id, last.c.last)
            .join(Membership, (Membership.user_id == Subscription.user_id)
                  & (Membership.workspace_id == Subscription.workspace_id))
            .outerjoin(last, (last.c.workspace_id == Subscription.workspace_id) & (last.c.user_id == Subscription.user_id))
            .where(Subscription.event_type == EventType.digest_weekly.value)
            .order_by(Subscription.workspace_id, Subscription.user_id))
    if workspace_id is not None:
        stmt = stmt.where(Subscription.workspace_id == workspace_id)
    out = []
    for ws_id, uid, sent in uow.session.execute(stmt):
        if sent is None or _aware(sent) <= now - WEEK:
            out.append((int(ws_id), int(uid)))
    return out


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def send_due_digests(*, uow: UnitOfWork, now: datetime, dry_run: bool = False,
                     workspace_id: int | None = None) -> list[Digest]:
    """Build (and unless `dry_run`, send and record) the digest of every subscriber who is due one."""
    out = []
    for ws_id, uid in due_subscribers(uow=uow, now=now, workspace_id=workspace_id):
        digest = build_digest(uow=uow, workspace_id=ws_id, user_id=uid, now=now)
        out.append(digest)
        if dry_run:
            continue
        text = digest.render()
        uow.session.add(DigestRun(workspace_id=ws_id, user_id=uid, period_start=digest.period_start,
                                  period_end=digest.period_end, sent_at=now, body=text))
        uow.session.add(Notification(workspace_id=ws_id, user_id=uid, event_type=EventType.digest_weekly.value,
                                     title=f"Weekly digest, {digest.period_start:%d %b} – {digest.period_end:%d %b}",
                                     body=text, link=f"/w/{digest.workspace_slug}/notifications", created_at=now))
    uow.session.flush()
    return out
