"""Triage routes: status and run, similar items, dismiss, merge, call-note splitting, themes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from tradeoff.api.deps import CurrentMember, Uow
from tradeoff.api.responses.triage import SimilarOut, SplitNotesOut, ThemesOut, TriageRunOut, TriageStatusOut
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.schemas import FeedbackOut
from tradeoff.insights.schemas import encode
from tradeoff.problems.schemas import ProblemOut
from tradeoff.storage.base import utcnow
from tradeoff.triage import bulk as bulk_actions
from tradeoff.triage import service as triage
from tradeoff.triage import tuning
from tradeoff.triage.schemas import (
    BulkIn,
    BulkOut,
    DismissIn,
    MergeIn,
    NotesIn,
    ThemeToExistingIn,
    ThemeToProblemIn,
)
from tradeoff.triage.worker import drain

router = APIRouter(tags=["triage"])
W = "/workspaces/{workspace}"


@router.get(f"{W}/triage/status", operation_id="getTriageStatus", response_model=TriageStatusOut,
            response_model_exclude_unset=True, summary="How much feedback is triaged")
def status(member: CurrentMember, uow: Uow, request: Request) -> Any:
    s = triage.status(uow=uow, workspace_id=member.workspace_id)
    model = tuning.info(uow=uow, workspace_id=member.workspace_id)
    return {"total": s.total, "triaged": s.triaged, "pending": s.pending,
            "method": request.app.state.container.triage.method,
            "kind_model": model.as_dict() if model else None}


@router.post(f"{W}/triage/run", operation_id="runTriage", response_model=TriageRunOut,
             response_model_exclude_unset=True, summary="Triage all pending feedback now")
def run(member: CurrentMember, uow: Uow, request: Request) -> Any:
    member.require("edit")
    container = request.app.state.container
    n = drain(container.unit_of_work, container.triage, workspace_id=member.workspace_id)
    return {"triaged": n}


@router.get(f"{W}/feedback/{{record_id}}/similar", operation_id="listSimilar", response_model=SimilarOut,
            response_model_exclude_unset=True,
            summary="Feedback, problems and features that look like the same request, with a score in [0, 1]",
            description="`method`: what matched (`lexical`: shared words; else the local sentence model's name: "
                        "shared words and meaning).")
def similar(request: Request, member: CurrentMember, uow: Uow, record_id: int) -> Any:
    return triage.similar(uow=uow, workspace_id=member.workspace_id, feedback_id=record_id,
                          engine=request.app.state.container.triage)


@router.post(f"{W}/feedback/{{record_id}}/dismissals", operation_id="dismissSuggestion", status_code=204,
             summary="Not the same: never suggest this pair again")
def dismiss(member: CurrentMember, uow: Uow, record_id: int, body: DismissIn) -> None:
    member.require("evidence")
    triage.dismiss(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), feedback_id=record_id,
                   kind=body.kind, target_id=body.target_id)


@router.post(f"{W}/feedback/{{record_id}}/merge", operation_id="mergeFeedback", response_model=FeedbackOut,
             summary="Merge a duplicate into another item (its links move over; it is archived)")
def merge(member: CurrentMember, uow: Uow, record_id: int, body: MergeIn) -> Any:
    member.require("edit")
    return triage.merge(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                        feedback_id=record_id, into_id=body.into_id)


@router.post(f"{W}/feedback/split", operation_id="splitNotes", response_model=SplitNotesOut,
             response_model_exclude_unset=True,
             summary="Split pasted call notes into separate feedback items to confirm (nothing is saved)",
             description="`items`: the items' words, in order. `details`: the same items, each with the heading it was "
                         "under (\"Tue 1 Dec — Redfern Engineering (CFO)\"), the customer of this workspace the "
                         "heading names in full (`customer_id`, `customer`) and the day it names (`reported_on`), "
                         "null where it names none: what to send with each item to `POST …/feedback/batch`. A name "
                         "customers on record may go by is not offered as new: `ambiguous_name` and `candidates` "
                         "say which they are, to choose from.")
def split(member: CurrentMember, uow: Uow, body: NotesIn) -> Any:
    details = triage.read_notes(uow=uow, workspace_id=member.workspace_id, text=body.text, today=utcnow().date())
    return encode({"items": [d["text"] for d in details], "details": details})


@router.post(f"{W}/feedback/bulk", operation_id="bulkUpdateFeedback", response_model=BulkOut,
             summary="Link, set the kind of, archive or restore many feedback items (given by id, or every item a "
                     "search and filters match) at once, all or nothing")
def bulk(member: CurrentMember, uow: Uow, body: BulkIn) -> Any:
    member.require(bulk_actions.NEEDS[body.action])
    return bulk_actions.apply(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)


@router.get(f"{W}/themes", operation_id="listThemes", response_model=ThemesOut, response_model_exclude_unset=True,
            summary="Unlinked feedback grouped into named themes",
            description="`items`: the themes of at least `min_size` items, largest first, a page of `limit` "
                        "(`next`, given back as `cursor`, continues; `total` counts them); `smaller_themes` and "
                        "`smaller_items`: the themes under `min_size` left out; `considered`: the unlinked items "
                        "grouped; `unthemed`: how many of them are like no other and so in no theme (list them with "
                        "`GET …/feedback?linked=false`); `method`: what measured likeness (`lexical`, or the local "
                        "sentence model's name).")
def themes(
    request: Request, member: CurrentMember, uow: Uow,
    min_size: Annotated[int, Query(ge=triage.THEME_MIN_SIZE, le=5000,
                                   description="The fewest items a theme listed has (smaller ones are counted)")]
    = triage.THEME_MIN_SIZE,
    limit: Annotated[int, Query(ge=1, le=200, description="Themes per page")] = triage.THEMES_PAGE,
    cursor: Annotated[str | None, Query(max_length=20, description="The `next` of the page before")] = None,
) -> Any:
    if cursor is not None and not (cursor.isascii() and cursor.isdigit()):
        raise InvalidInput(f"cursor '{cursor}' is not a `next` this list returned",
                           [FieldError(["query", "cursor"], "not a cursor of this list", cursor)])
    out = triage.themes_overview(uow=uow, workspace_id=member.workspace_id, now=utcnow(),
                                 engine=request.app.state.container.triage, min_size=min_size,
                                 first=int(cursor or 0), page_size=limit)
    return encode({**out, "next": None if out["next"] is None else str(out["next"])})


@router.post(f"{W}/themes/existing-problem", operation_id="addThemeToProblem", response_model=ProblemOut,
             summary="Add a theme's feedback to a problem already on record, as its evidence")
def theme_to_existing(member: CurrentMember, uow: Uow, body: ThemeToExistingIn) -> Any:
    member.require("edit")
    problem, _added = triage.theme_to_existing_problem(uow=uow, workspace_id=member.workspace_id,
                                                       actor=member.actor("api"), problem_id=body.problem_id,
                                                       feedback_ids=body.feedback_ids)
    return problem


@router.post(f"{W}/themes/problem", operation_id="createProblemFromTheme", response_model=ProblemOut,
             status_code=201, summary="Turn a theme into a problem, carrying its evidence along")
def theme_to_problem(member: CurrentMember, uow: Uow, body: ThemeToProblemIn) -> Any:
    member.require("edit")
    return triage.theme_to_problem(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   **body.model_dump())
