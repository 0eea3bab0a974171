"""Ranking analysis: rank by any framework, compare frameworks, test how stable a top 10 is, and find where
stakeholder groups disagree."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from tradeoff.core.formula import Formula, VectorResult, evaluate_many
from tradeoff.core.scoring import Score
from tradeoff.core.sizing import Distribution, Range, sample_ranges
from tradeoff.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class RankedItem:
    """An item's place: rank 1 is first. Not-scored items (value None) come after every scored item."""

    id: str
    rank: int
    value: float | None
    not_scored_reason: str | None = None


ScoreLike = Score | float | int | None


def _value(s: ScoreLike) -> tuple[float | None, str | None]:
    if isinstance(s, Score):
        return s.value, s.not_scored_reason
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return None, "not scored"
    return float(s), None


def rank(scores: Mapping[str, ScoreLike]) -> list[RankedItem]:
    """Rank items by score, highest first; ties broken by id; not-scored items last (by id).

    scores: item id -> Score, number, or None (not scored).
    """
    scored: list[tuple[float, str]] = []
    unscored: list[tuple[str, str | None]] = []
    for item_id, s in scores.items():
        v, reason = _value(s)
        if v is None:
            unscored.append((item_id, reason))
        else:
            scored.append((-v, item_id))
    scored.sort()
    unscored.sort(key=lambda t: t[0])
    out = [RankedItem(item_id, i + 1, -neg) for i, (neg, item_id) in enumerate(scored)]
    out += [
        RankedItem(item_id, len(out) + i + 1, None, reason) for i, (item_id, reason) in enumerate(unscored)
    ]
    return out


def rank_vector(ids: Sequence[str], result: VectorResult) -> list[RankedItem]:
    """Rank the result of `evaluate_many`/`score_many` (one value per id, same order); same rules as `rank`."""
    if len(ids) != len(result.values):
        raise InvalidInput(f"{len(ids)} ids for {len(result.values)} scores", [FieldError(["ids"], "length")])
    values = result.values
    key = np.where(np.isnan(values), np.inf, -values)
    order = np.lexsort((np.asarray(ids, dtype=str), key))
    texts = result.reason_texts
    codes = result.reason_codes
    return [
        RankedItem(
            ids[i], r + 1, None if codes[i] else float(values[i]), texts[codes[i]] if codes[i] else None
        )
        for r, i in enumerate(order.tolist())
    ]


# ---------------------------------------------------------------------------------------------- correlation


@dataclass(frozen=True)
class RankCorrelation:
    """Spearman's rho and Kendall's tau (−1..1; None when fewer than 2 items in common) over `items` items."""

    spearman: float | None
    kendall: float | None
    items: int


Ranking = Sequence[RankedItem] | Mapping[str, int]


def _ranks(r: Ranking) -> dict[str, int]:
    if isinstance(r, Mapping):
        return dict(r)
    return {item.id: item.rank for item in r if item.value is not None}


def rank_correlation(a: Ranking, b: Ranking) -> RankCorrelation:
    """Agreement of two rankings over the items scored in both (lists of RankedItem, or id -> rank)."""
    ra, rb = _ranks(a), _ranks(b)
    common = sorted(set(ra) & set(rb))
    if len(common) < 2:
        return RankCorrelation(None, None, len(common))
    x = [ra[i] for i in common]
    y = [rb[i] for i in common]
    from scipy import stats  # here, not at import: scipy.stats takes a second to load, and few calls need it

    rho = float(stats.spearmanr(x, y).statistic)
    tau = float(stats.kendalltau(x, y).statistic)
    return RankCorrelation(None if math.isnan(rho) else rho, None if math.isnan(tau) else tau, len(common))


@dataclass(frozen=True)
class RankSpread:
    """One item's rank under each framework (None = not scored there) and the spread (max − min rank)."""

    id: str
    ranks: dict[str, int | None]
    spread: int


@dataclass(frozen=True)
class FrameworkComparison:
    """Side by side: each item's rank per framework, the pairwise correlation matrices (rows and columns in
    `frameworks` order) and the items on which the frameworks disagree most."""

    frameworks: tuple[str, ...]
    ranks: dict[str, dict[str, int | None]]  # item -> framework -> rank
    spearman: tuple[tuple[float | None, ...], ...]
    kendall: tuple[tuple[float | None, ...], ...]
    disagreements: tuple[RankSpread, ...]


# Ranks a place apart (#1 and #2) are the same verdict given noise and ties: an item is a disagreement only when its
# ranks differ by at least this many places.
MIN_DISAGREEMENT = 2


def compare_frameworks(
    scores: Mapping[str, Mapping[str, ScoreLike]], *, top: int = 10, min_spread: int = MIN_DISAGREEMENT
) -> FrameworkComparison:
    """Compare rankings of the same items under several frameworks.

    scores: framework name -> (item id -> Score or number). top: how many disagreements to return. min_spread: the
    fewest places (max − min rank) between an item's ranks for it to count as a disagreement.
    """
    names = tuple(scores)
    rankings = {f: rank(scores[f]) for f in names}
    items = sorted({i for s in scores.values() for i in s})
    by_fw = {f: {r.id: (r.rank if r.value is not None else None) for r in rankings[f]} for f in names}
    ranks = {i: {f: by_fw[f].get(i) for f in names} for i in items}
    n = len(names)
    rho: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    tau: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for i, j in combinations(range(n), 2):
        c = rank_correlation(rankings[names[i]], rankings[names[j]])
        rho[i][j] = rho[j][i] = c.spearman
        tau[i][j] = tau[j][i] = c.kendall
    spreads = []
    for item_id in items:
        known = [r for r in ranks[item_id].values() if r is not None]
        if len(known) >= 2 and max(known) - min(known) >= min_spread:
            spreads.append(RankSpread(item_id, ranks[item_id], max(known) - min(known)))
    spreads.sort(key=lambda s: (-s.spread, s.id))
    return FrameworkComparison(
        names, ranks, tuple(tuple(r) for r in rho), tuple(tuple(r) for r in tau), tuple(spreads[:top])
    )


# ---------------------------------------------------------------------------------------------- stability


@dataclass(frozen=True)
class TopKStability:
    """How robust the top k is to the uncertainty in the inputs.

    baseline_top: the top k with every input at its likely value. probability_in_top: item -> share of draws
    in which it is in the top k. expected_overlap: mean number of baseline top-k items still in a draw's top k
    (share: ÷ k).
    """

    k: int
    draws: int
    baseline_top: tuple[str, ...]
    probability_in_top: dict[str, float]
    expected_overlap: float
    expected_overlap_share: float


def _column(items: Sequence[Mapping[str, Range | float | None]], field: str) -> list[Range | float | None]:
    return [vals.get(field) for vals in items]


def top_k_stability(
    formula: Formula,
    items: Mapping[str, Mapping[str, Range | float | int | None]],
    *,
    rng: np.random.Generator,
    draws: int = 1000,
    k: int = 10,
    distribution: Distribution = "triangular",
) -> TopKStability:
    """Perturb every uncertain input within its range and see how often each item stays in the top k.

    formula: how items are scored (a built-in framework's formula or a custom one). items: id -> {field: a
    Range (uncertain), a number (known) or None (missing)}. rng: random generator. draws: Monte Carlo draws.
    Ties are broken by id, as in `rank`.
    """
    if k < 1 or draws < 1:
        raise InvalidInput("k and draws must be at least 1", [FieldError(["k"], "too small")])
    ids = sorted(items)
    n = len(ids)
    rows = [items[i] for i in ids]
    base_cols: dict[str, NDArray[np.float64]] = {}
    drawn: dict[str, NDArray[np.float64]] = {}
    for field in formula.fields:
        col = _column(rows, field)
        base = np.array(
            [c.likely if isinstance(c, Range) else (np.nan if c is None else float(c)) for c in col]
        )
        base_cols[field] = base
        uncertain = [j for j, c in enumerate(col) if isinstance(c, Range)]
        if uncertain:
            ranges = [c for c in col if isinstance(c, Range)]
            for r, j in zip(ranges, uncertain, strict=True):
                if not (math.isfinite(r.low) and r.low <= r.likely <= r.high and math.isfinite(r.high)):
                    raise InvalidInput(
                        f"item {ids[j]}: {field} needs low ≤ likely ≤ high, got {r.low:g}/{r.likely:g}/{r.high:g}",
                        [FieldError([ids[j], field], "bad range")],
                    )
            m = np.repeat(base[None, :], draws, axis=0)
            m[:, uncertain] = sample_ranges(rng, ranges, draws, distribution).T
            drawn[field] = m
        else:
            drawn[field] = np.broadcast_to(base[None, :], (draws, n))
    baseline = rank_vector(ids, evaluate_many(formula, base_cols, size=n))
    base_top = [r.id for r in baseline[:k] if r.value is not None]
    flat = {f: np.ascontiguousarray(m).reshape(-1) for f, m in drawn.items()}
    values = evaluate_many(formula, flat, size=draws * n).values.reshape(draws, n)
    key = np.where(np.isnan(values), np.inf, -values)
    order = np.argsort(key, axis=1, kind="stable")[:, :k]  # ids are sorted, so stable = tie-break by id
    in_top = np.zeros((draws, n), dtype=bool)
    np.put_along_axis(in_top, order, True, axis=1)
    in_top &= ~np.isnan(values)
    prob = in_top.mean(axis=0)
    index = {i: j for j, i in enumerate(ids)}
    overlap = in_top[:, [index[i] for i in base_top]].sum(axis=1).mean() if base_top else 0.0
    return TopKStability(
        k,
        draws,
        tuple(base_top),
        {i: float(prob[j]) for j, i in enumerate(ids)},
        float(overlap),
        float(overlap) / k,
    )


# ---------------------------------------------------------------------------------------------- stakeholders

STAKEHOLDER_GROUPS = ("sales", "support", "engineering", "marketing", "executive")


@dataclass(frozen=True)
class StakeholderVote:
    """One stakeholder's score for one item: higher = more important, on the group's own scale (e.g. 1–5 or
    a share of 100 points). group: sales, support, engineering, marketing, executive (or the team's own)."""

    group: str
    item_id: str
    score: float
    reason: str = ""
    stakeholder: str = ""


@dataclass(frozen=True)
class GroupView:
    """One group's ranking (value = the group's mean score) and its reasons per item."""

    group: str
    ranking: tuple[RankedItem, ...]
    reasons: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class StakeholderDisagreement:
    """An item the groups see differently: `spread` is max − min of the groups' normalised positions
    (0 = same place, 1 = top for one group and bottom for another)."""

    item_id: str
    spread: float
    ranks: dict[str, int]
    ranked_by: dict[str, int]  # group -> how many items the group ranked
    reasons: dict[str, tuple[str, ...]]
    summary: str


@dataclass(frozen=True)
class StakeholderAnalysis:
    groups: dict[str, GroupView]
    consensus: tuple[RankedItem, ...]  # value = consensus points, 0–1
    disagreements: tuple[StakeholderDisagreement, ...]


def _points(position: int, count: int) -> float:
    """Normalised Borda points: 1 for first, 0 for last of `count`."""
    return 1.0 if count == 1 else (count - position) / (count - 1)


def stakeholder_analysis(
    votes: Sequence[StakeholderVote], *, group_weights: Mapping[str, float] | None = None, top: int = 10
) -> StakeholderAnalysis:
    """Each group's ranking, a consensus ranking and the widest disagreements — the conversations to have.

    Within a group, an item's score is the mean of its members' scores. Consensus is a normalised Borda
    count: each group gives its first item 1 point and its last 0 (points in between evenly); an item a group
    did not score gets 0 from it; the consensus value is the weighted mean over groups (group_weights, default
    equal). Disagreement is the spread of the points of the groups that scored the item.
    """
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    reasons: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, v in enumerate(votes, start=1):
        group = v.group.strip().lower()
        if not group:
            raise InvalidInput(f"vote {n}: group is empty", [FieldError(["votes", n, "group"], "empty")])
        if not v.item_id:
            raise InvalidInput(f"vote {n}: item_id is empty", [FieldError(["votes", n, "item_id"], "empty")])
        if not isinstance(v.score, int | float) or not math.isfinite(v.score):
            raise InvalidInput(
                f"vote {n}: score must be a finite number, got {v.score!r}",
                [FieldError(["votes", n, "score"], "bad")],
            )
        sums[group][v.item_id].append(float(v.score))
        if v.reason.strip() and v.reason.strip() not in reasons[group][v.item_id]:
            reasons[group][v.item_id].append(v.reason.strip())
    weights = {g: 1.0 for g in sums}
    for g, w in (group_weights or {}).items():
        if not math.isfinite(w) or w < 0:
            raise InvalidInput(
                f"group weight for {g} must be ≥ 0, got {w}", [FieldError(["group_weights", g], "negative")]
            )
        if g.strip().lower() in weights:
            weights[g.strip().lower()] = w
    views: dict[str, GroupView] = {}
    points: dict[str, dict[str, float]] = {}
    for g in sorted(sums):
        ranking = rank({i: sum(s) / len(s) for i, s in sums[g].items()})
        views[g] = GroupView(g, tuple(ranking), {i: tuple(r) for i, r in reasons[g].items()})
        points[g] = {r.id: _points(r.rank, len(ranking)) for r in ranking}
    items = sorted({i for g in sums for i in sums[g]})
    total_w = sum(weights.values())
    consensus = rank(
        {
            i: (sum(weights[g] * points[g].get(i, 0.0) for g in points) / total_w if total_w else 0.0)
            for i in items
        }
    )
    found: list[StakeholderDisagreement] = []
    for i in items:
        groups = [g for g in points if i in points[g]]
        if len(groups) < 2:
            continue
        pts = {g: points[g][i] for g in groups}
        hi_g = max(groups, key=lambda g: (pts[g], g))
        lo_g = min(groups, key=lambda g: (pts[g], g))
        spread = pts[hi_g] - pts[lo_g]
        if spread <= 0:
            continue
        ranks = {g: next(r.rank for r in views[g].ranking if r.id == i) for g in groups}
        counts = {g: len(views[g].ranking) for g in groups}

        def said(g: str, item: str = i) -> str:
            rs = reasons[g].get(item)
            return f' ("{rs[0]}")' if rs else ""

        summary = (
            f"{hi_g} ranks {i} #{ranks[hi_g]} of {counts[hi_g]}{said(hi_g)} but {lo_g} ranks it "
            f"#{ranks[lo_g]} of {counts[lo_g]}{said(lo_g)}"
        )
        found.append(
            StakeholderDisagreement(
                i, spread, ranks, counts, {g: tuple(reasons[g].get(i, [])) for g in groups}, summary
            )
        )
    found.sort(key=lambda d: (-d.spread, d.item_id))
    return StakeholderAnalysis(views, tuple(consensus), tuple(found[:top]))
