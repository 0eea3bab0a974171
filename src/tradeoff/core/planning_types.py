"""The roadmap planner's inputs and outputs: candidate features, dependencies, teams with their capacity per
period, allocation rules, and the resulting plan and plan comparison. The rules they describe are in
``planning``'s docstring; all effort is in person-days and periods are indexed from 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Category = Literal["feature", "tech_debt", "platform"]
CATEGORIES: tuple[Category, ...] = ("feature", "tech_debt", "platform")
PlanStatus = Literal["optimal", "time_limit", "feasible"]


@dataclass(frozen=True)
class Candidate:
    """A feature that may be planned. ``value``: score or money (≥ 0); ``effort``: person-days per team name;
    ``deadline``: last period index (0-based) it may be scheduled in, or None; ``must_have``: always planned;
    ``committed``: promised to a customer, so always planned and by its deadline; ``span``: how many
    consecutive periods the work takes (its effort is spread evenly over them; the schedule gives the period it
    is done in, and a deadline applies to that period); ``started``: already being worked on, so always planned
    and worked on from the first period (done by period ``span`` − 1)."""

    id: str
    value: float
    effort: Mapping[str, float]
    must_have: bool = False
    deadline: int | None = None
    committed: bool = False
    category: Category = "feature"
    span: int = 1
    started: bool = False

    @property
    def required(self) -> bool:
        return self.must_have or self.committed or self.started

    def last_period(self, periods: int) -> int:
        """The last period it may be done in by its own rules (the plan's end, its deadline, and for started work
        its span), before any dependency pulls it earlier."""
        last = periods - 1 if self.deadline is None else min(self.deadline, periods - 1)
        return min(last, self.span - 1) if self.started else last


@dataclass(frozen=True)
class Dependency:
    """``feature`` needs ``prerequisite`` (both candidate ids)."""

    prerequisite: str
    feature: str


@dataclass(frozen=True)
class Team:
    """A team and its capacity in person-days for each period (one number per period)."""

    name: str
    capacity: tuple[float, ...]


@dataclass(frozen=True)
class AllocationRule:
    """Reserve ``min_share`` (0–1) of ``team``'s capacity (every team when None) in every period for work of
    ``categories``: the other work may use at most (1 − min_share) of it."""

    min_share: float
    team: str | None = None
    categories: tuple[Category, ...] = ("tech_debt", "platform")


@dataclass(frozen=True)
class PlanInput:
    """Everything the planner needs. ``periods``: number of periods; ``time_limit``: seconds for the solver."""

    candidates: tuple[Candidate, ...]
    teams: tuple[Team, ...]
    periods: int
    dependencies: tuple[Dependency, ...] = ()
    rules: tuple[AllocationRule, ...] = ()
    same_period_dependencies: bool = False
    time_limit: float = 30.0
    # a plan to stay close to, (feature id, period) pairs: a what-if's plan keeps its features where this plan has
    # them, each moved only as much earlier as the change lets it, instead of being sequenced afresh
    keep_close: tuple[tuple[str, int], ...] = ()
    # a what-if that changes as little of the plan in keep_close (none: an empty plan) as it can: of the plans worth
    # at least the best value found less a small tolerance, the one that moves, adds and leaves out the fewest
    # features (see ``planning_close``); without it, any plan worth more than the one kept close is taken, however
    # different
    stay_close: bool = False


@dataclass(frozen=True)
class KeptClose:
    """How a plan solved with ``stay_close`` kept to the plan it changes (``keep_close``). ``changed``: features
    done in another period, added or left out against that plan; ``best_changed``: the same for the best-value plan
    found first; ``best_value``: that plan's value; ``tolerance``: the share of it the plan may give up (0.1 %);
    ``searched``: False when the solve for the closest plan found none in
    its time, so the closest plan known before it is kept (the best-value one, or the plan placed close to the
    plan it changes when that one is worth enough)."""

    changed: int
    best_changed: int
    best_value: float
    tolerance: float
    searched: bool


@dataclass(frozen=True)
class RoadmapPlan:
    """A plan: ``schedule`` maps each chosen feature id to its period (0-based). ``value`` its total value,
    ``bound`` a proven upper bound on the best value, ``gap`` = (bound − value) / bound, ``seconds`` the time
    spent searching (LP relaxation, local search and HiGHS), ``greedy_*`` the "sort by value/effort and fill" plan (``greedy_feasible`` is False
    when it could not place every must-have), ``value_difference`` = value − greedy_value, ``load[team][p]``
    person-days used; ``kept_close`` how close a ``stay_close`` what-if stayed to its plan (None otherwise)."""

    schedule: Mapping[str, int]
    value: float
    bound: float
    gap: float
    status: PlanStatus
    seconds: float
    greedy_schedule: Mapping[str, int]
    greedy_value: float
    greedy_feasible: bool
    value_difference: float
    load: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    kept_close: KeptClose | None = None


@dataclass(frozen=True)
class PlanDiff:
    """What changed from ``base`` to ``other``: features added, removed, moved (id, from period, to period),
    and the value difference (other − base)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    moved: tuple[tuple[str, int, int], ...]
    value_difference: float
