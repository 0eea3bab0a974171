"""Links from evidence to problems and features, and the demand views built on them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Integer, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tradeoff.audit import service as audit
from tradeoff.audit.model import AuditEvent
from tradeoff.customers.schemas import CustomerRef
from tradeoff.errors import Conflict, FieldError, InvalidInput, NotFound
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback, counts_as_evidence
from tradeoff.links.evidence import feature_evidence, once_each
from tradeoff.links.model import Link
from tradeoff.links.schemas import AskingCustomer, CustomerRequestOut, DemandOut, EvidenceOut, LinkCreate
from tradeoff.notifications import hooks as notifications
from tradeoff.problems import service as problem_service
from tradeoff.problems.model import Problem
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: LinkCreate) -> Link:
    feedback = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=data.feedback_id)
    if data.problem_id is not None:
        records.get_many(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, ids=[data.problem_id], field_name="problem_id")
    else:
        records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=[data.feature_id or 0], field_name="feature_id")
    if data.quote and data.quote not in feedback.text:
        raise InvalidInput(
            "quote must be an exact passage of the feedback text",
            [FieldError(["body", "quote"], "not found in the feedback text", data.quote[:80])],
        )
    target = Link.problem_id == data.problem_id if data.problem_id is not None else Link.feature_id == data.feature_id
    existing = uow.session.scalar(select(Link).where(Link.feedback_id == data.feedback_id, target))
    if existing is not None:
        raise Conflict(f"feedback {data.feedback_id} is already linked there (link {existing.id})")
    link = Link(workspace_id=workspace_id, created_by=actor.label, **data.model_dump())
    uow.session.add(link)
    try:
        uow.session.flush()
    except IntegrityError as exc:
        raise Conflict(f"feedback {data.feedback_id} is already linked there") from exc
    audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="link", record_type="feedback", record_id=data.feedback_id,
        after={"problem_id": data.problem_id, "feature_id": data.feature_id, "quote": data.quote},
    )
    notifications.feedback_linked(uow=uow, link=link, actor=actor)
    for dup in uow.session.scalars(select(Feedback.id).where(Feedback.workspace_id == workspace_id,
                                                             Feedback.duplicate_of_id == data.feedback_id)):
        mirror(uow=uow, workspace_id=workspace_id, actor=actor, feedback_id=dup, like=link)
    return link


def create_many(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feedback_ids: Sequence[int],
                problem_id: int | None = None, feature_id: int | None = None) -> tuple[list[Link], set[int]]:
    """Link many feedback items (this workspace's: the caller has checked them) to one problem or feature, as
    `create` does one by one without a quote: their merged duplicates are linked there too, and each link is in
    the audit trail as if made alone. The feature's owner hears of them once (one notification for the lot, the
    same as `create`'s for a single item). Those already linked there are left as they are: their ids come back
    beside the new links. A handful of statements however many items: one lookup of the links there, one of
    the duplicates, one insert of the links and one of their audit events."""
    ids = list(dict.fromkeys(feedback_ids))
    if not ids:
        return [], set()
    target = Link.problem_id == problem_id if problem_id is not None else Link.feature_id == feature_id
    already = set(uow.session.scalars(select(Link.feedback_id).where(Link.feedback_id.in_(ids), target)))
    todo = [i for i in ids if i not in already]
    if not todo:
        return [], already
    if problem_id is not None:
        records.get_many(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, ids=[problem_id],
                         field_name="problem_id")
    else:
        records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=[feature_id or 0],
                         field_name="feature_id")
    # merged duplicates of the items go where their originals go, unless listed themselves (then they are news
    # of their own) or linked there already
    listed = set(ids)
    duplicates: dict[int, list[int]] = defaultdict(list)
    for dup, original in uow.session.execute(
            select(Feedback.id, Feedback.duplicate_of_id).where(Feedback.workspace_id == workspace_id,
                                                                Feedback.duplicate_of_id.in_(todo))
            .order_by(Feedback.id)):
        if dup not in listed and original is not None:
            duplicates[original].append(dup)
    copied = {d for ds in duplicates.values() for d in ds}
    if copied:
        linked = set(uow.session.scalars(select(Link.feedback_id).where(Link.feedback_id.in_(copied), target)))
        duplicates = {o: [d for d in ds if d not in linked] for o, ds in duplicates.items()}
    rows: list[dict[str, Any]] = []
    trail: list[tuple[int, dict[str, Any]]] = []  # (feedback id, what its audit event says), in the order made
    for fid in todo:
        rows.append({"feedback_id": fid})
        trail.append((fid, {"problem_id": problem_id, "feature_id": feature_id, "quote": None}))
        for dup in duplicates.get(fid, []):
            rows.append({"feedback_id": dup})
            trail.append((dup, {"problem_id": problem_id, "feature_id": feature_id, "as_duplicate_of": fid}))
    common = {"workspace_id": workspace_id, "created_by": actor.label, "problem_id": problem_id,
              "feature_id": feature_id, "quote": None}
    try:  # one INSERT for them all (the ORM's unit of work would send one per link, to read back each id)
        made: dict[int, int] = {fid: lid for fid, lid in uow.session.execute(
            insert(Link).returning(Link.feedback_id, Link.id), [common | r for r in rows])}
    except IntegrityError as exc:  # linked there by another request meanwhile
        raise Conflict("some of these feedback items were linked there meanwhile; try again") from exc
    uow.session.execute(insert(AuditEvent), [
        {"workspace_id": workspace_id, "actor_id": actor.user_id, "actor_label": actor.label, "via": actor.via,
         "action": "link", "record_type": "feedback", "record_id": fid, "changes": audit.diff({}, after)}
        for fid, after in trail])
    by_id = {link.id: link for link in uow.session.scalars(select(Link).where(Link.id.in_([made[f] for f in todo])))}
    links = [by_id[made[f]] for f in todo]
    if len(links) == 1:
        notifications.feedback_linked(uow=uow, link=links[0], actor=actor)
    else:
        _evidence_added(uow, workspace_id, actor, links)
    return links, already


def _evidence_added(uow: UnitOfWork, workspace_id: int, actor: Actor, links: list[Link]) -> None:
    """`feedback.added_to_owned_feature` once for many links to one feature, to its owner only (when a subscribed
    member): `feedback_ids` and `link_ids` name them, `excerpt` is the first one's."""
    from tradeoff.accounts.model import Workspace
    from tradeoff.notifications import service as notification_service
    from tradeoff.notifications.model import EventType

    feature = uow.session.get(Feature, links[0].feature_id) if links[0].feature_id is not None else None
    if feature is None or not feature.owner:
        return
    first = uow.session.get(Feedback, links[0].feedback_id)
    excerpt = " ".join(first.text.split())[:280] if first is not None else ""
    slug = uow.session.scalar(select(Workspace.slug).where(Workspace.id == workspace_id)) or ""
    notification_service.publish(
        uow, workspace_id, EventType.feedback_added_to_owned_feature,
        {"feature_id": feature.id, "feature_title": feature.title, "count": len(links),
         "feedback_ids": [link.feedback_id for link in links], "link_ids": [link.id for link in links],
         "excerpt": excerpt, "linked_by": actor.label},
        subject=f"feature:{feature.id}",
        summary=f"{len(links)} new pieces of evidence on {feature.title}, the first “{excerpt[:120]}”",
        link=f"/w/{slug}/features/{feature.id}",
        only_users=notification_service.user_ids_by_email(uow, workspace_id, [feature.owner]), by=actor.user_id,
    )


def mirror(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feedback_id: int, like: Link) -> None:
    """Link a merged duplicate wherever its original is linked (`like`), so its customer counts in that demand; no
    notification (the original's link was the news). Nothing when it is linked there already."""
    target = Link.problem_id == like.problem_id if like.problem_id is not None else Link.feature_id == like.feature_id
    if uow.session.scalar(select(Link.id).where(Link.feedback_id == feedback_id, target)) is not None:
        return
    uow.session.add(Link(workspace_id=workspace_id, created_by=actor.label, feedback_id=feedback_id,
                         problem_id=like.problem_id, feature_id=like.feature_id))
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="link", record_type="feedback",
                 record_id=feedback_id, after={"problem_id": like.problem_id, "feature_id": like.feature_id,
                                               "as_duplicate_of": like.feedback_id})


SPEC = RecordSpec(
    name="link",
    plural="links",
    model=Link,
    sorts={"created_at": Link.created_at, "id": Link.id},
    default_sort="-created_at",
    filters={
        "feedback_id": lambda v: Link.feedback_id == int(v),
        "feature_id": lambda v: Link.feature_id == int(v),
        "problem_id": lambda v: Link.problem_id == int(v),
    },
    searchable=False,
)


def update_quote(*, uow: UnitOfWork, workspace_id: int, actor: Actor, link_id: int, quote: str | None,
                 if_match: int | None = None) -> Link:
    """Change (or clear) the highlighted passage; it must be an exact passage of the feedback."""
    link = get(uow=uow, workspace_id=workspace_id, link_id=link_id)
    records.check_version(SPEC, link, if_match)
    feedback = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=link.feedback_id)
    if quote and quote not in feedback.text:
        raise InvalidInput("quote must be an exact passage of the feedback text",
                           [FieldError(["body", "quote"], "not found in the feedback text", quote[:80])])
    before = link.quote
    link.quote = quote or None
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="link",
                 record_id=link.id, before={"quote": before}, after={"quote": link.quote})
    return link


def get(*, uow: UnitOfWork, workspace_id: int, link_id: int) -> Link:
    link = uow.session.scalar(select(Link).where(Link.workspace_id == workspace_id, Link.id == link_id))
    if link is None:
        raise NotFound(f"link {link_id} not found in this workspace")
    return link


def delete(*, uow: UnitOfWork, workspace_id: int, actor: Actor, link_id: int, if_match: int | None = None) -> None:
    link = get(uow=uow, workspace_id=workspace_id, link_id=link_id)
    records.check_version(SPEC, link, if_match)
    audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="unlink", record_type="feedback", record_id=link.feedback_id,
        before={"problem_id": link.problem_id, "feature_id": link.feature_id, "quote": link.quote},
    )
    target = Link.problem_id == link.problem_id if link.problem_id is not None else Link.feature_id == link.feature_id
    copies = uow.session.scalars(select(Link).join(Feedback, Feedback.id == Link.feedback_id).where(
        Link.workspace_id == workspace_id, target, Feedback.duplicate_of_id == link.feedback_id))
    for copy in copies:  # its merged duplicates were linked there because it was: they go with it
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="unlink", record_type="feedback",
                     record_id=copy.feedback_id, before={"problem_id": copy.problem_id, "feature_id": copy.feature_id,
                                                         "as_duplicate_of": link.feedback_id})
        uow.session.delete(copy)
    uow.session.delete(link)
    uow.session.flush()


def links_of_feedback(*, uow: UnitOfWork, workspace_id: int, feedback_id: int) -> list[Link]:
    return list(uow.session.scalars(
        select(Link).where(Link.workspace_id == workspace_id, Link.feedback_id == feedback_id).order_by(Link.id)
    ))


def demand(*, uow: UnitOfWork, workspace_id: int, kind: str, target_id: int, evidence_limit: int = 500) -> DemandOut:
    """Every piece of evidence behind a problem or feature (a feature's own and its problems', once each: those
    through a problem name it), and the customers (with ARR) who asked."""
    if kind == "problem":
        stmt = select(Link, Feedback, literal(None, Integer)).join(Feedback, Feedback.id == Link.feedback_id) \
            .where(Link.workspace_id == workspace_id, Link.problem_id == target_id)
    else:
        fe = feature_evidence(workspace_id, [target_id])
        stmt = select(Link, Feedback, fe.c.via_problem_id).join(fe, fe.c.link_id == Link.id) \
            .join(Feedback, Feedback.id == Link.feedback_id)
    rows = once_each(uow.session.execute(
        stmt.options(joinedload(Feedback.customer)).where(counts_as_evidence())
        .order_by(Feedback.date_unknown, Feedback.reported_at.desc(), Link.id.desc())  # undated last
    ).all(), lambda r: r[1].id, lambda r: r[2])
    evidence: list[EvidenceOut] = []
    per_customer: dict[int, AskingCustomer] = {}
    counts: dict[int, int] = defaultdict(int)
    for link, fb, via in rows:
        cust = fb.customer
        if len(evidence) < evidence_limit:
            evidence.append(EvidenceOut(
                link_id=link.id, feedback_id=fb.id, text=fb.text, quote=link.quote, source=fb.source,
                reported_at=fb.reported_at, date_unknown=fb.date_unknown, customer=CustomerRef.model_validate(cust) if cust else None,
                duplicate_of_id=fb.duplicate_of_id, via_problem_id=via,
            ))
        if cust is not None:
            counts[cust.id] += 1
            per_customer[cust.id] = AskingCustomer(
                id=cust.id, name=cust.name, segment=cust.segment, arr=cust.arr, currency=cust.currency, feedback_count=0,
                lifecycle=cust.lifecycle, deal_value=cust.deal_value, deal_close=cust.deal_close,
            )
    customers = []
    arr: dict[str, Decimal] = defaultdict(Decimal)
    for cid, c in per_customer.items():
        c.feedback_count = counts[cid]
        arr[c.currency] += c.arr
        customers.append(c)
    customers.sort(key=lambda c: (-c.arr, c.name))
    return DemandOut(
        feedback_count=len(rows), customer_count=len(customers), arr_by_currency=dict(arr),
        evidence=evidence, customers=customers,
    )


def customer_requests(*, uow: UnitOfWork, workspace_id: int, customer_id: int) -> list[CustomerRequestOut]:
    """Everything a customer asked for, and the status of what it is linked to."""
    rows = uow.session.execute(
        select(Feedback, Feature, Problem)
        .outerjoin(Link, Link.feedback_id == Feedback.id)
        .outerjoin(Feature, Feature.id == Link.feature_id)
        .outerjoin(Problem, Problem.id == Link.problem_id)
        .where(Feedback.workspace_id == workspace_id, Feedback.customer_id == customer_id, counts_as_evidence())
        .order_by(Feedback.date_unknown, Feedback.reported_at.desc(), Feedback.id.desc(), Link.id)
    ).all()
    out = []
    for fb, feature, problem in rows:
        kind: Literal["problem", "feature"] | None = None
        target_id: int | None = None
        title: str | None = None
        status: str | None = None
        if feature is not None:
            kind, target_id, title, status = "feature", feature.id, feature.title, feature.status
        elif problem is not None:
            kind, target_id, title, status = "problem", problem.id, problem.statement, None
        out.append(CustomerRequestOut(
            feedback_id=fb.id, text=fb.text, reported_at=fb.reported_at, date_unknown=fb.date_unknown,
            source=fb.source,
            target_kind=kind, target_id=target_id, target_title=title, status=status,
        ))
    return out
