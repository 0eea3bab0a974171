"""The "sort by value / effort and fill" greedy roadmap: the baseline a plan is compared with, and one of the
starts handed to the exact solver.
"""

from __future__ import annotations

import numpy as np

from tradeoff.core.planning_prepare import _Prepared
from tradeoff.core.planning_types import PlanInput


def _greedy(inp: PlanInput, prep: _Prepared) -> tuple[dict[str, int], bool]:
    """Must-haves first (earliest deadline first), then by value / total effort; each done in the earliest period
    where its prerequisites are already placed and every team it needs has room in every period it is worked on."""
    cands, teams = inp.candidates, inp.teams
    lag = 0 if inp.same_period_dependencies else 1
    free = {t.name: list(t.capacity) for t in teams}
    # room left under each applicable allocation rule, per (rule, team) and period
    room = {(k, t.name): [c * (1 - r.min_share) for c in t.capacity] for k, r in enumerate(inp.rules) for t in teams
            if r.team is None or r.team == t.name}
    placed: dict[int, int] = {}
    rank = {i: k for k, i in enumerate(prep.order)}

    def key_required(i: int) -> tuple[int, int]:
        return (prep.latest[i], rank[i])

    def key_optional(i: int) -> tuple[float, int]:
        total = sum(cands[i].effort.values())
        return (-(cands[i].value / total) if total > 0 else -np.inf, rank[i])

    req = sorted((i for i in range(len(cands)) if prep.required[i]), key=key_required)
    opt = sorted((i for i in range(len(cands)) if not prep.required[i]), key=key_optional)
    feasible = True
    for group in (req, opt):
        pending = list(group)
        progress = True
        while pending and progress:  # retry items whose prerequisites were placed later in the same pass
            progress = False
            rest: list[int] = []
            for i in pending:
                c = cands[i]
                if any(p not in placed for p in prep.pre[i]):
                    rest.append(i)
                    continue
                start = max([prep.earliest[i]] + [placed[p] + lag + c.span - 1 for p in prep.pre[i]])
                rules = [(k, tn) for (k, tn) in room if c.category not in inp.rules[k].categories and tn in c.effort]
                for period in range(start, prep.latest[i] + 1):
                    work = range(period - c.span + 1, period + 1)  # the periods it is worked on
                    if all(e / c.span <= free[tn][q] + 1e-9 for tn, e in c.effort.items() for q in work) and all(
                        c.effort[tn] / c.span <= room[(k, tn)][q] + 1e-9 for k, tn in rules for q in work
                    ):
                        placed[i] = period
                        for q in work:
                            for tn, e in c.effort.items():
                                free[tn][q] -= e / c.span
                            for k, tn in rules:
                                room[(k, tn)][q] -= c.effort[tn] / c.span
                        progress = True
                        break
            pending = rest
        if group is req and any(i not in placed for i in req):
            feasible = False
    return {cands[i].id: p for i, p in placed.items()}, feasible
