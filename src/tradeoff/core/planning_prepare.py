"""Checking and preparing a roadmap's input before any solver runs.

Malformed input (unknown team or feature, negative effort, a team with zero capacity in every period...) raises
InvalidInput naming the field. A dependency cycle, a deadline earlier than a dependency chain allows, or
must-haves that cannot fit a team's capacity raise Infeasible naming the cause. The result (``_Prepared``) says
which features are required, each one's earliest and latest period, and a prerequisites-first order.
``span_needed`` / ``fit_spans`` say how many periods a candidate bigger than its team's typical period needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from tradeoff.core.planning_types import CATEGORIES, Candidate, Category, PlanInput, Team
from tradeoff.errors import FieldError, Infeasible, InvalidInput


def _bad(msg: str, loc: list[str | int], value: object = None) -> InvalidInput:
    return InvalidInput(msg, [FieldError(loc, msg, value)])


def _periods_text(last: int) -> str:
    return "period 1" if last == 0 else f"periods 1–{last + 1}"


def _validate(inp: PlanInput) -> dict[str, int]:
    if inp.periods < 1:
        raise _bad(f"periods must be at least 1, got {inp.periods}", ["periods"], inp.periods)
    teams = {t.name: t for t in inp.teams}
    if len(teams) != len(inp.teams):
        raise _bad("team names must be unique", ["teams"])
    for t in inp.teams:
        if len(t.capacity) != inp.periods:
            raise _bad(
                f"team {t.name} has {len(t.capacity)} capacity values but the plan has {inp.periods} periods",
                ["teams", t.name, "capacity"],
                len(t.capacity),
            )
        for p, cap in enumerate(t.capacity):
            if not np.isfinite(cap) or cap < 0:
                raise _bad(
                    f"team {t.name} capacity in period {p + 1} must be ≥ 0, got {cap}", ["teams", t.name, "capacity", p], cap
                )
        if sum(t.capacity) <= 0:
            raise _bad(f"team {t.name} has zero capacity in every period", ["teams", t.name, "capacity"], 0)
    index: dict[str, int] = {}
    for i, c in enumerate(inp.candidates):
        if c.id in index:
            raise _bad(f"feature id {c.id} appears twice", ["candidates", i, "id"], c.id)
        index[c.id] = i
        if not np.isfinite(c.value) or c.value < 0:
            raise _bad(f"feature {c.id} value must be ≥ 0, got {c.value}", ["candidates", c.id, "value"], c.value)
        if c.category not in CATEGORIES:
            raise _bad(f"feature {c.id} category must be one of {', '.join(CATEGORIES)}", ["candidates", c.id, "category"], c.category)
        for team, e in c.effort.items():
            if team not in teams:
                raise _bad(f"feature {c.id} needs effort from unknown team {team}", ["candidates", c.id, "effort", team], team)
            if not np.isfinite(e) or e < 0:
                raise _bad(f"feature {c.id} effort for team {team} must be ≥ 0, got {e}", ["candidates", c.id, "effort", team], e)
        if c.deadline is not None and not c.deadline >= 0:
            raise _bad(f"feature {c.id} deadline must be a period index ≥ 0, got {c.deadline}", ["candidates", c.id, "deadline"], c.deadline)
        if not isinstance(c.span, int) or not 1 <= c.span <= inp.periods:
            raise _bad(f"feature {c.id} span must be a whole number of periods from 1 to {inp.periods}, got {c.span}",
                       ["candidates", c.id, "span"], c.span)
        if c.committed and c.deadline is None:
            raise _bad(f"committed feature {c.id} needs a deadline", ["candidates", c.id, "deadline"])
    for d in inp.dependencies:
        for fid in (d.prerequisite, d.feature):
            if fid not in index:
                raise _bad(f"dependency {d.prerequisite} → {d.feature} names unknown feature {fid}", ["dependencies"], fid)
    for r in inp.rules:
        if not 0 <= r.min_share <= 1:
            raise _bad(f"allocation rule share must be between 0 and 1, got {r.min_share}", ["rules", "min_share"], r.min_share)
        if r.team is not None and r.team not in teams:
            raise _bad(f"allocation rule names unknown team {r.team}", ["rules", "team"], r.team)
    if inp.time_limit <= 0:
        raise _bad(f"time_limit must be > 0 seconds, got {inp.time_limit}", ["time_limit"], inp.time_limit)
    return index


def _prerequisites(inp: PlanInput, index: dict[str, int]) -> list[list[int]]:
    pre: list[list[int]] = [[] for _ in inp.candidates]
    for d in inp.dependencies:
        if d.prerequisite == d.feature:
            raise Infeasible(f"dependency cycle: {d.feature} → {d.feature}", [FieldError(["dependencies"], "cycle", d.feature)])
        pre[index[d.feature]].append(index[d.prerequisite])
    return pre


def _topological(inp: PlanInput, pre: list[list[int]]) -> list[int]:
    """Order with prerequisites first; raises Infeasible naming a cycle."""
    n = len(pre)
    state = [0] * n
    order: list[int] = []
    ids = [c.id for c in inp.candidates]
    for root in range(n):
        if state[root]:
            continue
        stack = [(root, 0)]
        path = [root]
        state[root] = 1
        while stack:
            node, k = stack[-1]
            if k < len(pre[node]):
                stack[-1] = (node, k + 1)
                p = pre[node][k]
                if state[p] == 1:
                    cyc = path[path.index(p) :] + [p]
                    text = " → ".join(ids[i] for i in reversed(cyc))
                    raise Infeasible(f"dependency cycle: {text}", [FieldError(["dependencies"], "cycle", text)])
                if state[p] == 0:
                    state[p] = 1
                    stack.append((p, 0))
                    path.append(p)
                continue
            state[node] = 2
            order.append(node)
            stack.pop()
            path.pop()
    return order


def _feature_limit(inp: PlanInput, team: Team, category: Category) -> tuple[float, ...]:
    """Capacity per period usable by a feature of ``category`` on ``team`` after the reserving rules."""
    share = 0.0
    for r in inp.rules:
        if (r.team is None or r.team == team.name) and category not in r.categories:
            share = max(share, r.min_share)
    return tuple(c * (1 - share) for c in team.capacity)


def span_needed(inp: PlanInput, c: Candidate) -> tuple[int, float]:
    """How many periods candidate `c` needs: for each team it needs, the fewest periods in which that team, at
    its typical (median non-zero) capacity per period left for `c`'s category by the allocation rules, does its
    effort; the most of those, capped at the plan's length (a candidate too big for the whole plan then fits
    nowhere and is not chosen). Also returns the typical capacity of the team that sets it."""
    span, typical = 1, 0.0
    teams = {t.name: t for t in inp.teams}
    for name, effort in c.effort.items():
        usable = sorted(x for x in _feature_limit(inp, teams[name], c.category) if x > 0)
        per = usable[len(usable) // 2] if usable else 0.0
        need = math.ceil(effort / per - 1e-9) if per > 0 and effort > per else 1
        if need > span or not typical:
            span, typical = max(span, need), per
    return min(span, inp.periods), typical


def fit_spans(inp: PlanInput) -> PlanInput:
    """`inp` with every candidate's span set by `span_needed`: work bigger than a team's typical period is spread
    over the periods it needs."""
    return replace(inp, candidates=tuple(replace(c, span=span_needed(inp, c)[0]) for c in inp.candidates))


@dataclass(frozen=True)
class _Prepared:
    required: tuple[bool, ...]
    earliest: tuple[int, ...]
    latest: tuple[int, ...]
    order: tuple[int, ...]
    pre: tuple[tuple[int, ...], ...]


def _prepare(inp: PlanInput, index: dict[str, int], check: bool = True) -> _Prepared:
    pre = _prerequisites(inp, index)
    order = _topological(inp, pre)
    n, lag = len(inp.candidates), 0 if inp.same_period_dependencies else 1
    cands = inp.candidates
    required = [c.required for c in cands]
    for i in reversed(order):  # dependents before prerequisites: a required feature's prerequisites are required
        if required[i]:
            for p in pre[i]:
                required[p] = True
    latest = [c.last_period(inp.periods) for c in cands]
    for i in reversed(order):  # a required feature pulls its prerequisites earlier; an optional one does not
        if required[i]:
            for p in pre[i]:
                latest[p] = min(latest[p], latest[i] - lag - (cands[i].span - 1))
    # periods are the ones features are done in: a feature spanning k periods is done k − 1 after it starts
    earliest = [c.span - 1 for c in cands]
    chain: list[list[int]] = [[i] for i in range(n)]
    for i in order:
        for p in pre[i]:
            if earliest[p] + lag + cands[i].span - 1 > earliest[i]:
                earliest[i] = earliest[p] + lag + cands[i].span - 1
                chain[i] = chain[p] + [i]
    teams = {t.name: t for t in inp.teams}
    if check:
        for i in reversed(order):  # dependents first, so a too-early deadline is reported on its own feature
            c = cands[i]
            if not required[i]:
                continue
            why = ("must-have" if c.must_have else "committed" if c.committed else "in-progress" if c.started
                   else "prerequisite of a must-have")
            if earliest[i] > latest[i]:
                path = " → ".join(cands[j].id for j in chain[i])
                raise Infeasible(
                    f"{why} feature {c.id} cannot be scheduled: its dependency chain {path} needs "
                    f"{earliest[i] + 1} periods but it must be done by period {latest[i] + 1}",
                    [FieldError(["candidates", c.id, "deadline"], "deadline too early for its dependencies", latest[i])],
                )
            for team_name, e in c.effort.items():
                lim = _feature_limit(inp, teams[team_name], c.category)[earliest[i] - c.span + 1 : latest[i] + 1]
                per = e / c.span
                if per > max(lim, default=0.0) + 1e-9:
                    spread = f" a period over {c.span} periods" if c.span > 1 else ""
                    raise Infeasible(
                        f"{why} feature {c.id} needs {per:g} person-days{spread} but team {team_name} has at most "
                        f"{max(lim, default=0.0):g} in any single period of periods "
                        f"{earliest[i] - c.span + 2}–{latest[i] + 1}"
                        + (" before its deadline" if c.deadline is not None else "")
                        + (" (it is in progress, so it is worked on from the first period)" if c.started else ""),
                        [FieldError(["candidates", c.id, "effort", team_name], "exceeds capacity", e)],
                    )
        for t in inp.teams:
            for last in range(inp.periods):
                due = [i for i in range(n) if required[i] and latest[i] <= last and cands[i].effort.get(t.name, 0) > 0]
                need = sum(cands[i].effort[t.name] for i in due)
                have = sum(t.capacity[: last + 1])
                if need > have + 1e-9:
                    names = ", ".join(cands[i].id for i in due[:8]) + (" …" if len(due) > 8 else "")
                    raise Infeasible(
                        f"features that must be planned (must-have, committed, in progress or needed by one) {names} "
                        f"need {need:g} person-days from team {t.name} by period "
                        f"{last + 1} but {t.name} has {have:g} in {_periods_text(last)}",
                        [FieldError(["teams", t.name, "capacity"], "not enough capacity for must-haves", need)],
                    )
                for r in inp.rules:  # the same for the work an allocation rule keeps out of its reserve
                    if r.team not in (None, t.name) or r.min_share <= 0:
                        continue
                    kept = [i for i in due if cands[i].category not in r.categories]
                    need = sum(cands[i].effort[t.name] for i in kept)
                    have = sum(t.capacity[: last + 1]) * (1 - r.min_share)
                    if need > have + 1e-9:
                        names = ", ".join(cands[i].id for i in kept[:8]) + (" …" if len(kept) > 8 else "")
                        raise Infeasible(
                            f"features that must be planned (must-have, committed, in progress or needed by one) "
                            f"{names} need {need:g} person-days from team {t.name} by period {last + 1} but {t.name} "
                            f"has {have:g} for them in {_periods_text(last)}, after the {r.min_share:.0%} kept for "
                            f"{' and '.join(k.replace('_', ' ') for k in r.categories)} work",
                            [FieldError(["teams", t.name, "capacity"], "not enough capacity for must-haves", need)],
                        )
    return _Prepared(tuple(required), tuple(earliest), tuple(latest), tuple(order), tuple(tuple(p) for p in pre))
