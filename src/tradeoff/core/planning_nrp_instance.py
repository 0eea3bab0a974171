"""A Next Release Problem instance (the problem is described in ``planning_nrp``): its types, the instance file
format of Xuan et al., and what a selection of requirements delivers (prerequisite closures, profit, cost and
satisfied customers).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tradeoff.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class NrpCustomer:
    """One customer: the profit they bring and the (1-based) ids of the requirements they ask for."""

    profit: float
    requests: tuple[int, ...]


@dataclass(frozen=True)
class NrpInstance:
    """An NRP instance. ``costs[r - 1]`` is the cost of requirement ``r``; a dependency ``(a, b)`` means that
    requirement ``b`` needs requirement ``a`` (``a`` is a prerequisite of ``b``)."""

    costs: tuple[float, ...]
    dependencies: tuple[tuple[int, int], ...]
    customers: tuple[NrpCustomer, ...]
    levels: tuple[int, ...] = ()

    @property
    def n_requirements(self) -> int:
        return len(self.costs)

    @property
    def total_cost(self) -> float:
        return float(sum(self.costs))

    def budget(self, cost_ratio: float) -> float:
        return cost_ratio * self.total_cost



# --------------------------------------------------------------------------------------------------- parsing


def parse_nrp(text: str, source: str = "NRP file") -> NrpInstance:
    """Parse the instance format of Xuan et al. (classic and realistic sets).

    Layout: number of levels; per level its number of requirements then their costs; number of dependencies then
    that many ``a b`` pairs (``b`` needs ``a``); number of customers then per customer ``profit q r1 .. rq``.
    Tokens are separated by any white space. Lines starting with ``^`` are annotations and are skipped (the
    distributed ``example.txt`` has them). ``source`` names the file in error messages, which also give the
    line (1-based) and what was expected there.
    """
    tokens: list[str] = []
    token_lines: list[int] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("^"):
            continue
        words = line.split()
        tokens.extend(words)
        token_lines.extend([number] * len(words))
    pos = 0

    def at() -> str:
        """Where the last token taken is: the file and its line."""
        return f"{source} line {token_lines[pos - 1]}"

    def bad(message: str, msg: str, value: object = None) -> InvalidInput:
        return InvalidInput(f"{at()}: {message}", [FieldError(["line", token_lines[pos - 1]], msg, value)])

    def take(what: str) -> float:
        nonlocal pos
        if pos >= len(tokens):
            raise InvalidInput(
                f"{source} ends early after line {len(lines)}: expected {what}",
                [FieldError(["line", len(lines) + 1], f"missing {what}")],
            )
        tok = tokens[pos]
        pos += 1
        try:
            return float(int(tok))
        except ValueError:
            try:
                value = float(tok)
            except ValueError:
                raise bad(f"expected a number for {what}, found {tok!r}", f"not a number ({what})", tok) from None
            if not math.isfinite(value):
                raise bad(f"{what} is not finite ({tok})", f"not finite ({what})", tok) from None
            return value

    def take_count(what: str) -> int:
        v = take(what)
        if v < 0 or not float(v).is_integer():
            raise bad(f"{what} must be a non-negative whole number, found {v:g}", f"bad {what}", v)
        return int(v)

    n_levels = take_count("the number of levels")
    costs: list[float] = []
    levels: list[int] = []
    for lv in range(n_levels):
        k = take_count(f"the number of requirements in level {lv + 1}")
        levels.append(k)
        for _ in range(k):
            c = take(f"a requirement cost (level {lv + 1})")
            if c < 0:
                raise bad(f"requirement {len(costs) + 1} has a negative cost ({c:g})", "negative cost", c)
            costs.append(_num(c))
    n = len(costs)

    def req_id(what: str) -> int:
        v = take_count(what)
        if not 1 <= v <= n:
            raise bad(f"{what} refers to requirement {v}, but ids run from 1 to {n}", "unknown requirement id", v)
        return v

    n_deps = take_count("the number of dependencies")
    deps = tuple((req_id("a dependency"), req_id("a dependency")) for _ in range(n_deps))
    n_customers = take_count("the number of customers")
    customers: list[NrpCustomer] = []
    for i in range(n_customers):
        profit = take(f"the profit of customer {i + 1}")
        if profit < 0:
            raise bad(f"customer {i + 1} has a negative profit ({profit:g})", "negative profit", profit)
        q = take_count(f"the number of requests of customer {i + 1}")
        reqs = tuple(req_id(f"a request of customer {i + 1}") for _ in range(q))
        customers.append(NrpCustomer(_num(profit), reqs))
    if pos != len(tokens):
        pos += 1  # point at the first unexpected token
        raise bad(f"{len(tokens) - pos + 1} unexpected tokens after the last customer (from {tokens[pos - 1]!r})",
                  "unexpected trailing data", tokens[pos - 1])
    return NrpInstance(tuple(costs), deps, tuple(customers), tuple(levels))


def _num(v: float) -> float:
    """Keep whole numbers as ints (exact sums, integral bounds), other values as floats."""
    return int(v) if float(v).is_integer() else float(v)


# --------------------------------------------------------------------------------------------- evaluation


def _prerequisites(inst: NrpInstance) -> list[list[int]]:
    """For each requirement id (1-based), the requirements it directly needs."""
    prereqs: list[list[int]] = [[] for _ in range(inst.n_requirements + 1)]
    for a, b in inst.dependencies:
        prereqs[b].append(a)
    return prereqs


def _with_prerequisites(prereqs: Sequence[Sequence[int]], start: Iterable[int]) -> frozenset[int]:
    """`start` plus every requirement it needs, transitively."""
    seen = set(start)
    stack = list(seen)
    while stack:
        for p in prereqs[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return frozenset(seen)


def requirement_closures(inst: NrpInstance) -> tuple[frozenset[int], ...]:
    """For each customer, the requested requirements together with all their prerequisites (transitively)."""
    prereqs = _prerequisites(inst)
    memo: dict[int, frozenset[int]] = {}

    def ancestors(r: int) -> frozenset[int]:
        if r not in memo:
            memo[r] = _with_prerequisites(prereqs, (r,))
        return memo[r]

    return tuple(frozenset().union(*(ancestors(r) for r in cust.requests)) for cust in inst.customers)


def dependency_closure(inst: NrpInstance, selected: Iterable[int]) -> frozenset[int]:
    """`selected` plus every prerequisite of its members."""
    return _with_prerequisites(_prerequisites(inst), selected)


def evaluate_selection(
    inst: NrpInstance, selected: Iterable[int], closures: Sequence[frozenset[int]] | None = None
) -> tuple[float, float, tuple[int, ...]]:
    """(profit, cost, satisfied customers) of delivering `selected`. A customer counts only when its whole
    closure is delivered, so a selection that breaks a dependency earns nothing from the requirements above it."""
    sel = frozenset(selected)
    cl = closures if closures is not None else requirement_closures(inst)
    cost = float(sum(inst.costs[r - 1] for r in sel))
    satisfied = tuple(i + 1 for i, s in enumerate(cl) if s <= sel)
    value = float(sum(inst.customers[i - 1].profit for i in satisfied))
    return value, cost, satisfied
