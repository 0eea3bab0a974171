"""The backlog simulation's inputs (features, teams, releases) and their checks: validated, ordered so that a
feature comes after what it depends on, and whether the teams' throughput histories are enough to forecast with.

The simulation itself is `tradeoff.core.forecasting_backlog.simulate_backlog`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tradeoff.errors import InvalidInput

MIN_HISTORY_WEEKS = 8


@dataclass(frozen=True)
class BacklogFeature:
    """One feature of the backlog. Efforts are in the team's capacity unit (person-days or points)."""

    key: str
    team: str
    optimistic: float
    likely: float
    pessimistic: float
    depends_on: tuple[str, ...] = ()
    confidence: float = 1.0  # how sure the estimator is that the effort lands in [optimistic, pessimistic]
    chance: float = 1.0  # the chance the work is needed at all (a risk's): in the other trials it takes no time
    gate: bool = False  # work that only holds others up (a blocker's): it does not give its team another lane


@dataclass(frozen=True)
class BacklogTeam:
    """A team: ``capacity_per_week`` in effort units per week, or ``throughput_history`` (effort finished in each
    past week, oldest first) to sample its pace from; ``wip_limit``: features in progress at once;
    ``calendar``: the team's pace in each week from the start as a share of its usual pace (holidays, leave,
    part-time weeks: 0.6 when two of five people are away), weeks after it at 1."""

    name: str
    capacity_per_week: float | None = None
    throughput_history: tuple[float, ...] = ()
    wip_limit: int = 1
    calendar: tuple[float, ...] = ()


@dataclass(frozen=True)
class Release:
    """A named set of features; the release is done when its last feature is."""

    name: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class PreparedBacklog:
    """Validated, ordered inputs of the simulation (used by ``simulate_backlog`` and the reference loop)."""

    order: tuple[int, ...]  # feature indices in processing order
    team_of: tuple[int, ...]  # team index of each feature
    deps: tuple[tuple[int, ...], ...]  # dependency indices of each feature
    wip: tuple[int, ...]  # lanes of each team: its WIP limit, or its number of features when it has fewer


def prepare_backlog(features: Sequence[BacklogFeature], teams: Sequence[BacklogTeam]) -> PreparedBacklog:
    """Validate the backlog and order it (backlog order, dependencies first). Raises InvalidInput."""
    team_idx: dict[str, int] = {}
    for t in teams:
        if t.name in team_idx:
            raise InvalidInput(f"team {t.name!r} is listed twice")
        team_idx[t.name] = len(team_idx)
        if t.wip_limit < 1:
            raise InvalidInput(f"team {t.name!r}: wip_limit must be at least 1, got {t.wip_limit}")
        if t.capacity_per_week is not None and not t.capacity_per_week > 0:
            raise InvalidInput(
                f"team {t.name!r}: capacity_per_week must be more than 0, got {t.capacity_per_week}; "
                "a team without capacity never finishes anything"
            )
        if t.capacity_per_week is None and not t.throughput_history:
            raise InvalidInput(f"team {t.name!r}: give a capacity_per_week or a throughput_history")
        if any(x < 0 or not math.isfinite(x) for x in t.throughput_history):
            raise InvalidInput(f"team {t.name!r}: throughput_history must hold finite values >= 0")
        if any(x < 0 or not math.isfinite(x) for x in t.calendar):
            raise InvalidInput(f"team {t.name!r}: calendar must hold finite shares >= 0")
    key_idx: dict[str, int] = {}
    for i, f in enumerate(features):
        if f.key in key_idx:
            raise InvalidInput(f"feature {f.key!r} is listed twice")
        key_idx[f.key] = i
        if f.team not in team_idx:
            raise InvalidInput(f"feature {f.key!r}: unknown team {f.team!r}")
        vals = (f.optimistic, f.likely, f.pessimistic)
        if not all(math.isfinite(v) for v in vals) or f.optimistic < 0:
            raise InvalidInput(f"feature {f.key!r}: efforts must be finite and >= 0, got {vals}")
        if f.optimistic > f.pessimistic:
            raise InvalidInput(
                f"feature {f.key!r}: optimistic effort {f.optimistic} is more than pessimistic {f.pessimistic}"
            )
        if not 0 < f.confidence <= 1:
            raise InvalidInput(f"feature {f.key!r}: confidence must be in (0, 1], got {f.confidence}")
        if not 0 < f.chance <= 1:
            raise InvalidInput(f"feature {f.key!r}: chance must be in (0, 1], got {f.chance}")
        if not f.optimistic <= f.likely <= f.pessimistic:
            raise InvalidInput(
                f"feature {f.key!r}: likely effort {f.likely} is outside [{f.optimistic}, {f.pessimistic}]"
            )
    deps: list[tuple[int, ...]] = []
    for f in features:
        for d in f.depends_on:
            if d not in key_idx:
                raise InvalidInput(f"feature {f.key!r} depends on unknown feature {d!r}")
            if d == f.key:
                raise InvalidInput(
                    f"dependency cycle: {f.key} -> {f.key} (a feature cannot depend on itself)"
                )
        deps.append(tuple(key_idx[d] for d in dict.fromkeys(f.depends_on)))
    order = _gates_just_in_time(_topological_order(deps, [f.key for f in features]), deps,
                                [f.gate for f in features])
    team_of = tuple(team_idx[f.team] for f in features)
    # a team that can never have as many features in progress as its WIP limit puts its whole capacity on those
    # it can (as the planner does): one feature alone gets all of it, two that must be done one after the other
    # get it in turn, not a 1/WIP share each with the other lanes idle. Work that only holds others up (a gate)
    # is done on one of their lanes: it opens none of its own.
    widths = team_widths(deps, order, team_of, [f.gate for f in features], len(teams),
                         [t.wip_limit for t in teams])
    return PreparedBacklog(order, team_of, tuple(deps), tuple(max(1, min(t.wip_limit, widths[j]))
                                                              for j, t in enumerate(teams)))


def team_widths(deps: Sequence[tuple[int, ...]], order: Sequence[int], team_of: Sequence[int],
                gate: Sequence[bool], n_teams: int, cap: Sequence[int]) -> list[int]:
    """How many of each team's features (gates aside) could ever be in progress at once: the most of them none of
    which waits, directly or through other work (another team's too), for another — a largest antichain of the
    dependency order. By Dilworth's theorem that is the number of features less a largest matching of "comes
    before" pairs. Only computed up to `cap` (a team's WIP limit): a team whose features are fewer, or have no
    order among them, needs no matching."""
    members: list[list[int]] = [[] for _ in range(n_teams)]
    for i, (j, g) in enumerate(zip(team_of, gate, strict=True)):
        if not g:
            members[j].append(i)
    widths = [len(m) for m in members]
    if not any(deps):
        return widths
    n = len(deps)
    before = np.zeros((n, n), dtype=bool)  # before[i, k]: k must be done before i can start
    for i in order:  # prerequisites first, so their rows are complete
        for d in deps[i]:
            before[i] |= before[d]
            before[i, d] = True
    for j, m in enumerate(members):
        if len(m) < 2 or cap[j] < 2:
            continue
        among = before[np.ix_(m, m)]
        if not among.any():
            continue
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import maximum_bipartite_matching

        matched = int((maximum_bipartite_matching(csr_matrix(among), perm_type="column") >= 0).sum())
        widths[j] = len(m) - matched
    return widths


def _gates_just_in_time(order: tuple[int, ...], deps: Sequence[tuple[int, ...]],
                        gate: Sequence[bool]) -> tuple[int, ...]:
    """Each gate (a blocker's work) moved to just before the first work that waits for it: its team does what
    comes before in the backlog first (a prerequisite of the held feature, say), not the blocker's work ahead of
    everything. Moving work later keeps whatever it waits for before it."""
    if not any(gate):
        return order
    out = list(order)
    for g in (i for i, is_gate in enumerate(gate) if is_gate):
        held = [k for k, i in enumerate(out) if g in deps[i]]
        if not held:
            continue
        out.remove(g)
        out.insert(held[0] - 1, g)  # the first held one moved up by one when the gate left
    return tuple(out)


def _topological_order(deps: Sequence[tuple[int, ...]], keys: Sequence[str]) -> tuple[int, ...]:
    n = len(deps)
    children: list[list[int]] = [[] for _ in range(n)]
    missing = [len(d) for d in deps]
    for i, d in enumerate(deps):
        for j in d:
            children[j].append(i)
    ready = [i for i in range(n) if missing[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for ch in children[i]:
            missing[ch] -= 1
            if missing[ch] == 0:
                heapq.heappush(ready, ch)
    if len(order) < n:
        cycle = " -> ".join(keys[i] for i in _find_cycle(deps, missing))
        raise InvalidInput(
            f"dependency cycle: {cycle} (A -> B means A depends on B); remove one of these dependencies"
        )
    return tuple(order)


def _find_cycle(deps: Sequence[tuple[int, ...]], missing: Sequence[int]) -> list[int]:
    # every feature left with unmet dependencies depends on another one left: walk until a repeat
    start = next(i for i in range(len(deps)) if missing[i] > 0)
    seen: dict[int, int] = {}
    path: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(j for j in deps[node] if missing[j] > 0)
    return path[seen[node] :] + [node]


def history_decline_reason(teams: Sequence[BacklogTeam]) -> str:
    """Why the throughput histories are too thin to forecast with, or "" if they are enough."""
    for t in teams:
        if t.capacity_per_week is None:
            h = t.throughput_history
            if len(h) < MIN_HISTORY_WEEKS:
                return (
                    f"team {t.name!r}: needs at least {MIN_HISTORY_WEEKS} weeks of throughput history; "
                    f"has {len(h)}"
                )
            if sum(h) <= 0:
                return f"team {t.name!r}: nothing was finished in its {len(h)} weeks of history"
    return ""
