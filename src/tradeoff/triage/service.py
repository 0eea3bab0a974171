"""Triage of evidence: kind and sentiment in the background, similar items, merging, dismissals, themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from tradeoff.audit import service as audit
from tradeoff.core.text import classify, notes, themes
from tradeoff.core.text.duplicates import (
    build_similarity_index,
    find_similar,
    rank_similar,
    split_title,
    without_names,
)
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer
from tradeoff.errors import Conflict, FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback, SuggestionDismissal
from tradeoff.links import service as link_service
from tradeoff.links.live import linked_to_live
from tradeoff.links.model import Link
from tradeoff.links.schemas import LinkCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.model import Problem
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.records import service as records
from tradeoff.storage import search
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.triage import themes_memo, vectors
from tradeoff.triage.engine import TriageEngine

CANDIDATES = 400  # feedback texts compared per suggestion, pre-selected by full-text search
NEAREST = 50  # with stored vectors, feedback closest in meaning added to those candidates
# The least score a suggestion needs, by what matched and what is suggested. Set on the demo workspace, whose 400
# items each come from a known topic: lowest wrong suggestions for the right ones lost (docs/benchmarks.md). The
# sentence model's cosine between any two texts of one product is 0.3-0.5, which lifts every score it enters.
MIN_SCORE = {"lexical": {"feedback": 0.2, "problem": 0.2, "feature": 0.2},
             "model": {"feedback": 0.15, "problem": 0.3, "feature": 0.3}}


@dataclass(frozen=True)
class TriageStatus:
    total: int
    triaged: int

    @property
    def pending(self) -> int:
        return self.total - self.triaged


def status(*, uow: UnitOfWork, workspace_id: int) -> TriageStatus:
    total, done = uow.session.execute(
        select(func.count(), func.count(Feedback.triaged_at)).where(
            Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None))
    ).one()
    return TriageStatus(int(total), int(done))


def pending(*, uow: UnitOfWork, workspace_id: int, cap: int = 10_000) -> int:
    """Feedback not triaged yet, counted up to `cap` (cap + 1 means "more than cap"): cheap however much feedback
    the workspace has, for pages that only need to know that triage is still running."""
    rows = select(Feedback.id).where(Feedback.workspace_id == workspace_id, Feedback.triaged_at.is_(None),
                                     Feedback.archived_at.is_(None)).limit(cap + 1).subquery()
    return int(uow.session.scalar(select(func.count()).select_from(rows)) or 0)


def workspaces_with_pending(*, uow: UnitOfWork) -> list[int]:
    return list(uow.session.scalars(
        select(Feedback.workspace_id).where(Feedback.triaged_at.is_(None), Feedback.archived_at.is_(None)).distinct()
    ))


def triage_batch(*, uow: UnitOfWork, engine: TriageEngine, workspace_id: int, limit: int = 200) -> int:
    """Classify up to `limit` untriaged items. Writes only triage fields, without bumping the record's version
    (so nobody's edit is refused because triage ran), and never overwrites a PM's correction."""
    rows = uow.session.execute(
        select(Feedback.id, Feedback.text, Feedback.score_kind, Feedback.score).where(
            Feedback.workspace_id == workspace_id, Feedback.triaged_at.is_(None), Feedback.archived_at.is_(None))
        .order_by(Feedback.id).limit(limit)
    ).all()
    if not rows:
        return 0
    batch = [r.text for r in rows]
    made = engine.embed_texts(batch) if engine.embed is not None else None
    predictions = engine.classify(uow, workspace_id, batch, embeddings=made)
    if made is not None:  # kept for similar-item suggestions
        vectors.save(uow, workspace_id, engine.method, "feedback", {r.id: r.text for r in rows}, made)
    now = utcnow()
    for (fid, text, score_kind, score), pred in zip(rows, predictions, strict=True):
        mood = classify.survey_sentiment(score_kind, score) or classify.sentiment(text)
        uow.session.execute(
            update(Feedback)
            .where(Feedback.id == fid, or_(Feedback.kind_source.is_(None), Feedback.kind_source != "pm"))
            .values(kind=pred.label, kind_confidence=round(pred.confidence, 4), kind_source="model",
                    sentiment=mood.label, triaged_at=now)
            .execution_options(synchronize_session=False)
        )
        uow.session.execute(  # a corrected item still gets its sentiment and leaves the queue
            update(Feedback).where(Feedback.id == fid, Feedback.triaged_at.is_(None))
            .values(sentiment=mood.label, triaged_at=now).execution_options(synchronize_session=False)
        )
    return len(rows)


def retriage(*, uow: UnitOfWork, workspace_id: int) -> int:
    """Queue every model-classified item again (after corrections, to apply what was learned)."""
    res = uow.session.execute(
        update(Feedback).where(Feedback.workspace_id == workspace_id, Feedback.kind_source == "model")
        .values(triaged_at=None).execution_options(synchronize_session=False))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


# --- similar items -----------------------------------------------------------------------------------------


def _candidate_feedback(uow: UnitOfWork, workspace_id: int, fb: Feedback) -> list[tuple[int, str]]:
    words = [w for w in search.terms(fb.text) if len(w) > 3][:12]
    stmt = select(Feedback.id, Feedback.text).where(
        Feedback.workspace_id == workspace_id, Feedback.id != fb.id, Feedback.archived_at.is_(None))
    if words:
        stmt = stmt.where(search.any_word(uow.session, Feedback, words))
    return [(i, t) for i, t in uow.session.execute(stmt.order_by(Feedback.id.desc()).limit(CANDIDATES))]


def similar(*, uow: UnitOfWork, workspace_id: int, feedback_id: int, top_k: int = 5,
            min_score: float | None = None, engine: TriageEngine | None = None) -> dict[str, Any]:
    """The most similar feedback, problems and features ("looks like the same request as ..."), with scores in [0, 1].
    Dismissed suggestions and things the item is already linked to are left out.

    With an engine that embeds (the `ml` extra), meaning counts beside the words: the score also weighs the
    sentence model's cosine, and feedback candidates also include the `NEAREST` stored vectors closest to the
    item's, so a request worded differently is found even when it shares no word with this one. `method` in the
    answer names what matched. `min_score`: the least score shown, for every kind (default: `MIN_SCORE`'s)."""
    fb: Feedback = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=feedback_id)
    dismissed = {(k, t) for k, t in uow.session.execute(
        select(SuggestionDismissal.target_kind, SuggestionDismissal.target_id)
        .where(SuggestionDismissal.feedback_id == fb.id))}
    dismissed |= {("feedback", i) for i in uow.session.scalars(  # "not the same" holds both ways
        select(SuggestionDismissal.feedback_id).where(SuggestionDismissal.target_kind == "feedback",
                                                      SuggestionDismissal.target_id == fb.id))}
    linked = {(lk.target_kind, lk.target_id) for lk in link_service.links_of_feedback(
        uow=uow, workspace_id=workspace_id, feedback_id=fb.id)}
    embedder = _embedder(engine)
    query_vec = None
    pool = dict(_candidate_feedback(uow, workspace_id, fb))
    if embedder is not None:
        query_vec = vectors.vectors_for(uow, embedder, workspace_id, "feedback", {fb.id: fb.text})[0]
        near = embedder.vectors.nearest(uow, workspace_id, embedder.method, query_vec, NEAREST, exclude={fb.id})
        pool.update(vectors.texts(uow, workspace_id, "feedback", [i for i in near if i not in pool]))
    pool.pop(fb.id, None)
    # words are compared without the customers' names (who asked is not what was asked); vectors and titles
    # come from the texts as written
    names = _customer_names(uow, [fb.id, *pool])
    asked_by = [names[fb.id]] if fb.id in names else []
    query = without_names(fb.text, asked_by)
    compared = {i: without_names(t, [*asked_by, *([names[i]] if i in names else [])]) for i, t in pool.items()}
    groups: dict[str, dict[int, str]] = {
        "feedback": pool,
        "problem": vectors.texts(uow, workspace_id, "problem"),
        "feature": vectors.texts(uow, workspace_id, "feature"),
    }
    out: dict[str, Any] = {"feedback_id": fb.id, "method": embedder.method if embedder is not None else "lexical"}
    for kind, cands in groups.items():
        cands = {i: t for i, t in cands.items() if (kind, i) not in dismissed and (kind, i) not in linked}
        if not cands:
            out[kind] = []
            continue
        ids = list(cands)
        matrix = vectors.vectors_for(uow, embedder, workspace_id, kind, cands) if embedder is not None else None
        least = min_score if min_score is not None else MIN_SCORE["lexical" if embedder is None else "model"][kind]
        words = compared if kind == "feedback" else cands
        hits = find_similar(query, [words[i] for i in ids], top_k=top_k, min_score=least,
                            query_embedding=query_vec, existing_embeddings=matrix)
        out[kind] = [{"id": ids[h.index], "title": _title(kind, cands[ids[h.index]]), "score": round(h.score, 3)}
                     for h in hits]
    return out


def _customer_names(uow: UnitOfWork, feedback_ids: list[int]) -> dict[int, str]:
    """feedback id -> the name of the customer behind it, for those that have one (ids: a suggestion's item and its
    candidates, at most CANDIDATES + NEAREST + 1, so one IN list)."""
    return {i: n for i, n in uow.session.execute(
        select(Feedback.id, Customer.name).join(Customer, Customer.id == Feedback.customer_id)
        .where(Feedback.id.in_(feedback_ids)))}


def _embedder(engine: TriageEngine | None) -> TriageEngine | None:
    """The engine when it embeds (the `ml` extra), else None: matching by words alone."""
    return engine if engine is not None and engine.embed is not None else None


def _title(kind: str, text: str) -> str:
    """What a suggestion is shown by: a feature's title (its first line), else the text."""
    return (text.partition("\n")[0] if kind == "feature" else text)[:300]


def dismiss(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feedback_id: int, kind: str, target_id: int) -> None:
    records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=feedback_id)
    if kind not in ("feedback", "problem", "feature"):
        raise InvalidInput("kind must be feedback, problem or feature", [FieldError(["body", "kind"], "unknown", kind)])
    if kind == "feedback" and target_id == feedback_id:
        raise InvalidInput("an item is always the same as itself", [FieldError(["body", "target_id"], "same item", target_id)])
    spec = {"feedback": feedback_service.SPEC, "problem": problem_service.SPEC, "feature": feature_service.SPEC}[kind]
    records.get_many(uow=uow, spec=spec, workspace_id=workspace_id, ids=[target_id], field_name="target_id")
    already = uow.session.scalar(select(SuggestionDismissal.id).where(
        SuggestionDismissal.feedback_id == feedback_id, SuggestionDismissal.target_kind == kind,
        SuggestionDismissal.target_id == target_id))
    if already is None:
        uow.session.add(SuggestionDismissal(workspace_id=workspace_id, feedback_id=feedback_id, target_kind=kind,
                                            target_id=target_id))
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="dismiss", record_type="feedback",
                     record_id=feedback_id, after={"not_same_as": f"{kind} {target_id}"})


def merge(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feedback_id: int, into_id: int) -> Feedback:
    """Merge a duplicate into another feedback item: the survivor is linked wherever the duplicate was, the duplicate
    wherever the survivor is (its customer still counts in that demand), and it is archived, pointing to it."""
    if feedback_id == into_id:
        raise InvalidInput("cannot merge a feedback item into itself", [FieldError(["body", "into_id"], "same item", into_id)])
    dup: Feedback = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=feedback_id)
    keep: Feedback = records.get(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, record_id=into_id)
    if dup.archived_at is not None:
        raise Conflict(f"feedback {feedback_id} is archived already")
    if keep.archived_at is not None:  # as the bulk merge: merging into an archived item would hide both (or loop)
        msg = f"feedback {into_id} is archived: the item that stays must be live"
        raise InvalidInput(f"into_id: {msg}", [FieldError(["body", "into_id"], msg, into_id)])
    for link in link_service.links_of_feedback(uow=uow, workspace_id=workspace_id, feedback_id=dup.id):
        target = Link.problem_id == link.problem_id if link.problem_id else Link.feature_id == link.feature_id
        if uow.session.scalar(select(Link.id).where(Link.feedback_id == keep.id, target)) is None:
            link_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=LinkCreate(
                feedback_id=keep.id, problem_id=link.problem_id, feature_id=link.feature_id))
    earlier = list(uow.session.scalars(select(Feedback).where(Feedback.workspace_id == workspace_id,
                                                              Feedback.duplicate_of_id == dup.id)))
    for item in [dup, *earlier]:  # what was merged into the duplicate now counts with the survivor too
        item.duplicate_of_id = keep.id
        for link in link_service.links_of_feedback(uow=uow, workspace_id=workspace_id, feedback_id=keep.id):
            link_service.mirror(uow=uow, workspace_id=workspace_id, actor=actor, feedback_id=item.id, like=link)
    dup.archive()
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="merge", record_type="feedback",
                 record_id=dup.id, after={"duplicate_of_id": keep.id})
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="merge_in", record_type="feedback",
                 record_id=keep.id, after={"duplicates": [item.id for item in [dup, *earlier]]})
    return keep


def note_reported_at(day: str, today: date) -> datetime | None:
    """When a pasted item was said, from its day ("2026-12-01"): noon UTC that day; None for no day (it is then
    reported now). A day that is not a date, or is after `today`, is refused naming it."""
    if not day.strip():
        return None
    try:
        when = date.fromisoformat(day.strip())
    except ValueError as exc:
        raise InvalidInput(f"day: '{day}' is not a date (YYYY-MM-DD)",
                           [FieldError(["body", "day"], "not a date", day)]) from exc
    if when > today:
        raise InvalidInput(f"day: {when} is in the future", [FieldError(["body", "day"], "in the future", day)])
    return datetime.combine(when, time(12), UTC)


def read_notes(*, uow: UnitOfWork, workspace_id: int, text: str, today: date) -> list[dict[str, Any]]:
    """The items of pasted notes, each with what its heading says: the customer it names (`customer_service.named_in`),
    else the name it gives: for one not on record yet (`new_customer`), or, when customers on record may go by it
    (`customer_service.like_named`: "Corvina" for Corvina Freight and Corvina Analytics), that name
    (`ambiguous_name`) and those customers (`candidates`, id and name) to choose from; the day ("Tue 1 Dec —
    Redfern Engineering (CFO)") and the kind of call (`source`: "(support escalation)"); None where it says
    nothing, for the person confirming them to fill in. Nothing is saved."""
    if not text.strip():
        raise InvalidInput("paste some call notes first", [FieldError(["body", "text"], "empty")])
    items = notes.split_note_items(text)
    named = customer_service.named_in(uow=uow, workspace_id=workspace_id, texts=[i.heading for i in items])
    # a name the heading gives that no customer on record has: offered, to add or correct
    given = {i.heading: notes.heading_name(i.heading) for i in items if i.heading and i.heading not in named}
    like = customer_service.like_named(uow=uow, workspace_id=workspace_id,
                                       names=[n for n in given.values() if n])
    out = []
    for i in items:
        c = named.get(i.heading)
        day = notes.heading_date(i.heading, today) if i.heading else None
        name = given.get(i.heading)
        maybe = like.get(name, []) if name else []
        out.append({"text": i.text, "heading": i.heading, "customer_id": c.id if c else None,
                    "customer": c.name if c else None, "reported_on": day,
                    "new_customer": name if name and not maybe else None,
                    # several on record may be the one it means (or one it only looks like): the person picks
                    "ambiguous_name": name if maybe else None,
                    "candidates": [{"id": m.id, "name": m.name} for m in maybe],
                    "source": notes.heading_source(i.heading) if i.heading else None})
    return out


# --- themes --------------------------------------------------------------------------------------------------


THEMES_PAGE = 25  # themes per page: each comes with a form, and a workspace can have hundreds
THEME_MIN_SIZE = 2  # the smallest group that is a theme at all (cluster_themes leaves single items out)


def themes_overview(*, uow: UnitOfWork, workspace_id: int, now: datetime, limit: int = 2000,
                    engine: TriageEngine | None = None, min_size: int = THEME_MIN_SIZE, first: int = 0,
                    page_size: int | None = THEMES_PAGE) -> dict[str, Any]:
    """Group recent feedback that is not linked to anything into named themes, with demand behind each. Praise
    is left out (it names no problem to solve); so are duplicates, which count with their original.
    `items`: the themes of at least `min_size` items, largest first, `page_size` of them (None: all) from the
    `first`; `total`: how many themes are that large; `next`: the `first` of the next page (None: the last);
    `smaller_themes` / `smaller_items`: the themes under `min_size` left out, and their items;
    `considered`: the unlinked items grouped (the newest, up to the limit); `unthemed`: how many of them are like
    no other, so in no theme: to link one by one;
    `method`: what measured likeness (an engine that embeds groups by the stored sentence vectors)."""
    bad = []
    if min_size < THEME_MIN_SIZE:
        bad.append(FieldError(["query", "min_size"], f"must be at least {THEME_MIN_SIZE}: a theme has two items or "
                                                     "more", min_size))
    if first < 0:
        bad.append(FieldError(["query", "cursor"], "must be 0 or more", first))
    if page_size is not None and page_size < 1:
        bad.append(FieldError(["query", "limit"], "must be at least 1", page_size))
    if bad:
        raise InvalidInput("; ".join(f"{e.loc[-1]} {e.msg}, got {e.value}" for e in bad), bad)
    unlinked = ~linked_to_live()
    rows = uow.session.execute(
        select(Feedback.id, Feedback.text, Feedback.reported_at, Customer.id, Customer.arr, Customer.currency,
               Customer.name, Customer.segment, Feedback.date_unknown)
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .where(Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None), unlinked,
               Feedback.duplicate_of_id.is_(None), or_(Feedback.kind.is_(None), Feedback.kind != "praise"))
        .order_by(Feedback.reported_at.desc()).limit(min(limit, themes.MAX_THEME_TEXTS))
    ).all()
    embedder = _embedder(engine)
    method = embedder.method if embedder is not None else "lexical"
    method_kind = "lexical" if embedder is None else "model"
    if len(rows) < 2:
        return {"items": [], "considered": len(rows), "unthemed": len(rows), "method": method, "total": 0,
                "next": None, "min_size": min_size, "smaller_themes": 0, "smaller_items": 0}
    problems = vectors.texts(uow, workspace_id, "problem")
    # grouped once per set of texts: the same unlinked items and problems group the same way (themes_memo)
    memo = engine.themes if engine is not None else themes_memo.LEXICAL
    key = themes_memo.fingerprint(method, ((r[1], r[6]) for r in rows), problems)
    grouped = memo.get(workspace_id, key)
    if grouped is None:
        grouped = _group(uow, workspace_id, embedder, rows, problems, method_kind)
        memo.put(workspace_id, key, grouped)
    themed = sum(len(t.member_indices) for t in grouped.themes)
    large = [(t, like) for t, like in zip(grouped.themes, grouped.problems, strict=True)
             if len(t.member_indices) >= min_size]  # largest first, as grouped
    smaller = [t for t in grouped.themes if len(t.member_indices) < min_size]
    end = len(large) if page_size is None else first + page_size
    out: list[dict[str, Any]] = []
    money = customer_service.money(uow, workspace_id)
    for t, like in large[first:end]:
        members = [rows[i] for i in t.member_indices]
        customers = {r[3]: (r[4], r[5]) for r in members if r[3] is not None}
        arr: defaultdict[str, Decimal] = defaultdict(Decimal)
        for amount, cur in customers.values():
            arr[cur] += amount
        total, left_out = money.total(arr)
        dated = [r[2] for r in members if not r[8]]  # an item whose date is unknown is in neither window
        recent = sum(1 for when in dated if when >= now - timedelta(days=30))
        previous = sum(1 for when in dated if now - timedelta(days=60) <= when < now - timedelta(days=30))
        out.append({
            "label": t.label, "terms": list(t.terms), "feedback_ids": [r[0] for r in members],
            "count": len(members), "customer_count": len(customers),
            "arr_by_currency": {k: Decimal(v) for k, v in arr.items()},
            # in the workspace's currency, others at its rates (what has no rate: arr_left_out)
            # (converted at rates, the total is as exact as they are: whole units, not cents)
            "arr": Decimal(str(round(total, 2) if set(arr) <= {money.currency} else round(total))),
            "currency": money.currency, "arr_left_out": left_out,
            # the segment every customer of the theme is in, if one: what its problem is likely about
            "segment": segments.pop() if len(segments := {r[7] for r in members if r[3] is not None}) == 1 else None,
            "trend": {"last_30_days": recent, "previous_30_days": previous, "undated": len(members) - len(dated)},
            "representative": {"feedback_id": rows[t.representative][0], "text": rows[t.representative][1]},
            # a problem already on record that says the same: add the theme's items to it instead of a new one
            "problems": [{"id": pid, "title": problems[pid][:300], "score": score} for pid, score in like],
        })
    return {"items": out, "considered": len(rows), "unthemed": len(rows) - themed, "method": method,
            "total": len(large), "next": end if end < len(large) else None, "min_size": min_size,
            "smaller_themes": len(smaller), "smaller_items": sum(len(t.member_indices) for t in smaller)}


def _group(uow: UnitOfWork, workspace_id: int, embedder: TriageEngine | None, rows: Sequence[Any],
           problems: dict[int, str], method_kind: str) -> themes_memo.Grouped:
    """The unlinked items (`rows`, as `themes_overview` reads them) grouped into themes, and each theme's like
    problems on record as (id, score), best first."""
    embeddings = (vectors.vectors_for(uow, embedder, workspace_id, "feedback", {r[0]: r[1] for r in rows})
                  if embedder is not None else None)
    # labels from the items' words without their customers' names: who asked is not what the theme is about
    label_texts = [without_names(r[1], [r[6]] if r[6] else []) for r in rows]
    found = themes.cluster_themes([r[1] for r in rows], embeddings, label_texts=label_texts)
    problem_ids = list(problems)
    problem_matrix = (vectors.vectors_for(uow, embedder, workspace_id, "problem", problems)
                      if embedder is not None and problems else None)
    # the problems on record indexed once, each theme's label ranked against them
    problem_index = (build_similarity_index([split_title(problems[i]) for i in problem_ids], embeddings=problem_matrix)
                     if problems else None)
    like = tuple(
        tuple((problem_ids[h.index], round(h.score, 3))
              for h in (rank_similar(problem_index, split_title(label_texts[t.representative]),
                                     top_k=THEME_PROBLEMS, min_score=MIN_SCORE[method_kind]["problem"],
                                     query_embedding=None if embeddings is None else embeddings[t.representative])
                        if problem_index else []))
        for t in found)
    return themes_memo.Grouped(tuple(found), like)


def duplicates_of(*, uow: UnitOfWork, workspace_id: int, feedback_id: int) -> list[Feedback]:
    """The items merged into this one as its duplicates, oldest first (their customers count with it)."""
    return list(uow.session.scalars(
        select(Feedback).options(joinedload(Feedback.customer))
        .where(Feedback.workspace_id == workspace_id, Feedback.duplicate_of_id == feedback_id).order_by(Feedback.id)))


THEME_PROBLEMS = 2  # existing problems suggested for a theme


def theme_to_existing_problem(*, uow: UnitOfWork, workspace_id: int, actor: Actor, problem_id: int,
                              feedback_ids: list[int]) -> tuple[Problem, int]:
    """Add a theme's feedback to a problem already on record, as its evidence (instead of a new problem that says
    the same). Returns the problem and how many items were newly linked (those linked already are left as they
    are)."""
    problem = records.get(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, record_id=problem_id)
    if problem.archived_at is not None:
        raise InvalidInput(f"problem #{problem_id} is archived: restore it first, or choose another",
                           [FieldError(["body", "problem_id"], "archived", problem_id)])
    ids = _theme_items(uow, workspace_id, feedback_ids, "adding a theme to a problem needs at least one of its "
                                                        "feedback items: none was chosen")
    already = set(uow.session.scalars(select(Link.feedback_id).where(Link.problem_id == problem.id,
                                                                     Link.feedback_id.in_(ids))))
    for fid in ids:
        if fid not in already:
            link_service.create(uow=uow, workspace_id=workspace_id, actor=actor,
                                data=LinkCreate(feedback_id=fid, problem_id=problem.id))
    return problem, len([i for i in ids if i not in already])


def _theme_items(uow: UnitOfWork, workspace_id: int, feedback_ids: list[int], none_chosen: str) -> list[int]:
    """A theme's chosen items, checked: at least one, all in the workspace, none archived or merged."""
    if not feedback_ids:
        raise InvalidInput(none_chosen, [FieldError(["body", "feedback_ids"], "empty")])
    items = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, ids=feedback_ids,
                             field_name="feedback_ids")
    archived = sorted(f.id for f in items if f.archived_at is not None)
    if archived:  # merged duplicates count through their original; archived items are not evidence any more
        raise InvalidInput(f"feedback {', '.join(f'#{i}' for i in archived)} is archived (or merged into another "
                           "item): leave it out, or restore it first",
                           [FieldError(["body", "feedback_ids"], f"archived: {', '.join(map(str, archived))}")])
    return list(dict.fromkeys(feedback_ids))


def theme_to_problem(
    *, uow: UnitOfWork, workspace_id: int, actor: Actor, statement: str, feedback_ids: list[int],
    persona: str = "", segment: str = "", product_id: int | None = None,
) -> Problem:
    """Turn a theme into a problem in one step, carrying its evidence along (each item linked to the problem).
    A theme is made of feedback no problem holds yet: an item linked to a problem since the themes were shown (the
    same theme sent twice, or a colleague's work) is refused with a Conflict naming the problem, so a double
    submit makes no second problem."""
    ids = _theme_items(uow, workspace_id, feedback_ids,
                       "a problem made from a theme needs at least one of its feedback items: none was chosen")
    held = uow.session.execute(
        select(Link.feedback_id, Problem.id).join(Problem, Problem.id == Link.problem_id)
        .where(Link.workspace_id == workspace_id, Link.feedback_id.in_(ids), Problem.archived_at.is_(None))
        .order_by(Link.feedback_id, Problem.id)).all()
    if held:
        problems = sorted({p for _, p in held})
        items = sorted({f for f, _ in held})
        whole = len(items) == len(ids) and len(problems) == 1
        raise Conflict(
            (f"these feedback items are already the evidence of problem #{problems[0]}: the theme was made into a "
             "problem already (sent twice?)") if whole else
            (f"feedback {', '.join(f'#{i}' for i in items)} became evidence of problem "
             f"{', '.join(f'#{p}' for p in problems)} after the themes were shown: leave "
             f"{'it' if len(items) == 1 else 'them'} out, or add the theme to that problem"),
            [FieldError(["body", "feedback_ids"], "already evidence of a problem", items)])
    problem = problem_service.create(uow=uow, workspace_id=workspace_id, actor=actor, data=ProblemCreate(
        statement=statement, persona=persona, segment=segment, product_id=product_id))
    for fid in ids:
        link_service.create(uow=uow, workspace_id=workspace_id, actor=actor,
                            data=LinkCreate(feedback_id=fid, problem_id=problem.id))
    return problem


