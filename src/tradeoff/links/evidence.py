"""Which evidence stands behind a feature: what is linked to it, and what is linked to the problems it solves.

A feature exists to solve its problems, so whoever reported one of them asked for it too: the problem's evidence
counts in the feature's demand, its top-requested rank, its scores and its close-the-loop list, once per piece of
feedback, and marked as coming through the problem (`via_problem_id`) unless it is also linked to the feature
itself. An archived problem passes nothing on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from sqlalchemy import Integer, Subquery, literal, select, union_all

from tradeoff.features.model import feature_problems
from tradeoff.links.model import Link
from tradeoff.problems.model import Problem

T = TypeVar("T")


def feature_evidence(workspace_id: int, feature_ids: Collection[int] | None = None) -> Subquery:
    """Rows (feature_id, link_id, feedback_id, via_problem_id) of the features' evidence (all features, or
    `feature_ids`): each direct link with via_problem_id NULL, and each link to a live problem a feature solves
    with that problem's id. The same feedback can appear both ways: count it once (`DISTINCT feedback_id`), or
    prefer the direct row when listing it (`prefer_direct`)."""
    direct = select(Link.feature_id.label("feature_id"), Link.id.label("link_id"), Link.feedback_id.label("feedback_id"),
                    literal(None, Integer).label("via_problem_id")) \
        .where(Link.workspace_id == workspace_id, Link.feature_id.is_not(None))
    via = select(feature_problems.c.feature_id, Link.id, Link.feedback_id, Link.problem_id) \
        .join(feature_problems, feature_problems.c.problem_id == Link.problem_id) \
        .join(Problem, Problem.id == Link.problem_id) \
        .where(Link.workspace_id == workspace_id, Problem.archived_at.is_(None))
    if feature_ids is not None:
        ids = list(feature_ids)
        direct = direct.where(Link.feature_id.in_(ids))
        via = via.where(feature_problems.c.feature_id.in_(ids))
    return union_all(direct, via).subquery("feature_evidence")


def once_each(rows: Iterable[T], feedback_id: Callable[[T], int], via: Callable[[T], int | None]) -> list[T]:
    """One row per piece of feedback, in the order first seen: the direct one (`via` None) where it came both
    ways."""
    best: dict[int, T] = {}
    for row in rows:
        key = feedback_id(row)
        if key not in best or (via(best[key]) is not None and via(row) is None):
            best[key] = row
    return list(best.values())
