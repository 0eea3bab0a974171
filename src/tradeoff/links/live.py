"""Whether a piece of feedback is linked to something still in play: a problem or feature that is not archived.
Evidence linked only to archived records counts as unlinked again (the inbox, themes, "needs attention"), so that
archiving a problem never hides what customers said; the links themselves are kept, and come back with it."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tradeoff.features.model import Feature
from tradeoff.feedback.model import Feedback
from tradeoff.links.model import Link
from tradeoff.problems.model import Problem


def linked_to_live() -> ColumnElement[bool]:
    """SQL: the feedback row has a link to a problem or feature that is not archived."""
    live_problem = exists(select(Problem.id).where(Problem.id == Link.problem_id, Problem.archived_at.is_(None)))
    live_feature = exists(select(Feature.id).where(Feature.id == Link.feature_id, Feature.archived_at.is_(None)))
    return exists(select(Link.id).where(Link.feedback_id == Feedback.id, or_(live_problem, live_feature)))
