"""Explain an engineer's range estimate: "why 3 weeks, not 3 days".

A transparent multiplicative model. Each ticked complexity driver and each indebted component multiplies
the *likely* effort by a documented factor and widens the *range* (pessimistic - optimistic) by another.
The no-driver baseline is the estimate divided by the product of the factors, so the extra effort to
explain is ``likely - likely / prod(f)`` (and the same for the range). That extra is shared out in
proportion to ``log(f)`` — the log-additive decomposition of a product, which is deterministic,
order-independent, sums exactly to the total, and gives a bigger share to a bigger factor. Adding a
driver (factor >= 1) never shrinks the explained total.

Default factors (override per driver with `Driver.factor` / `Driver.spread`):

============== ======== ======== ==========================================================
driver          likely   range   why
============== ======== ======== ==========================================================
new_api          1.15     1.15   design, versioning and documentation of a public contract
data_migration   1.30     1.35   backfills, dry runs and rollback plans
refactor         1.20     1.25   of a named component; touches code other features rely on
third_party      1.15     1.40   waiting on and learning someone else's system
security_review  1.10     1.20   review queue and follow-up fixes
unknowns         1.20     1.80   what nobody knows yet mostly widens the range
============== ======== ======== ==========================================================

Tech debt of a component, on 0-5 (or low=1, medium=3, high=5): likely x (1 + 0.05 x debt),
range x (1 + 0.08 x debt). Debt 0 adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tradeoff.errors import InvalidInput

DRIVER_FACTORS: dict[str, tuple[float, float]] = {
    "new_api": (1.15, 1.15),
    "data_migration": (1.30, 1.35),
    "refactor": (1.20, 1.25),
    "third_party": (1.15, 1.40),
    "security_review": (1.10, 1.20),
    "unknowns": (1.20, 1.80),
}
"""Default (likely factor, range factor) per complexity driver."""
DEBT_LIKELY_PER_LEVEL = 0.05
DEBT_RANGE_PER_LEVEL = 0.08
DEBT_LEVELS: dict[str, int] = {"none": 0, "low": 1, "medium": 3, "high": 5}
_LABELS = {
    "new_api": "a new API",
    "data_migration": "a data migration",
    "refactor": "a refactor",
    "third_party": "a third-party dependency",
    "security_review": "a security review",
    "unknowns": "unknowns",
}


@dataclass(frozen=True)
class RangeEstimate:
    """An engineer's estimate in person-days or points (`unit`); `confidence` in (0, 1] is how sure they
    are that the actual lands between optimistic and pessimistic."""

    optimistic: float
    likely: float
    pessimistic: float
    confidence: float = 0.8
    unit: str = "days"


@dataclass(frozen=True)
class Driver:
    """A ticked complexity driver (`name` in DRIVER_FACTORS); `component` names what a refactor touches.
    `factor`/`spread` override the default likely/range multipliers (each >= 1)."""

    name: str
    component: str | None = None
    factor: float | None = None
    spread: float | None = None


@dataclass(frozen=True)
class ComponentDebt:
    """A component the feature touches and its tech-debt level: 0-5 or "none"/"low"/"medium"/"high"."""

    name: str
    debt: int | float | str


@dataclass(frozen=True)
class Attribution:
    """How much one driver or component accounts for, in the estimate's unit.

    `likely_share` + the other shares = likely - baseline likely; `range_share` likewise for the range.
    """

    source: str
    label: str
    likely_factor: float
    range_factor: float
    likely_share: float
    range_share: float


@dataclass(frozen=True)
class Explanation:
    """The estimate split into a no-driver baseline and per-driver/component shares, plus plain text."""

    likely: float
    baseline_likely: float
    range_width: float
    baseline_range_width: float
    attributions: tuple[Attribution, ...]
    text: str


def _check_number(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{field} must be a finite number, got {value!r}")
    if value < 0:
        raise InvalidInput(f"{field} must not be negative, got {value!r}")
    return float(value)


def _debt_level(i: int, component: ComponentDebt) -> float:
    debt = component.debt
    if isinstance(debt, str):
        key = debt.strip().lower()
        if key not in DEBT_LEVELS:
            raise InvalidInput(
                f"components[{i}].debt ({component.name!r}) must be 0-5 or one of "
                f"{', '.join(DEBT_LEVELS)}, got {debt!r}"
            )
        return float(DEBT_LEVELS[key])
    level = _check_number(f"components[{i}].debt ({component.name!r})", debt)
    if level > 5:
        raise InvalidInput(f"components[{i}].debt ({component.name!r}) must be 0-5, got {debt!r}")
    return level


def _factors(drivers: Sequence[Driver], components: Sequence[ComponentDebt]) -> list[tuple[str, str, float, float]]:
    out: list[tuple[str, str, float, float]] = []
    for i, d in enumerate(drivers):
        if d.name not in DRIVER_FACTORS:
            raise InvalidInput(
                f"drivers[{i}].name must be one of {', '.join(DRIVER_FACTORS)}, got {d.name!r}"
            )
        likely_f, range_f = DRIVER_FACTORS[d.name]
        for attr in ("factor", "spread"):
            value = getattr(d, attr)
            if value is not None and (_check_number(f"drivers[{i}].{attr}", value) < 1.0):
                raise InvalidInput(f"drivers[{i}].{attr} must be >= 1 (a driver never makes work smaller), got {value!r}")
        likely_f = float(d.factor) if d.factor is not None else likely_f
        range_f = float(d.spread) if d.spread is not None else range_f
        label = _LABELS[d.name] + (f" of {d.component}" if d.component else "")
        source = f"driver:{d.name}" + (f":{d.component}" if d.component else "")
        out.append((source, label, likely_f, range_f))
    for i, c in enumerate(components):
        level = _debt_level(i, c)
        if level > 0:
            out.append(
                (
                    f"component:{c.name}",
                    f"tech debt in {c.name} (level {level:g}/5)",
                    1.0 + DEBT_LIKELY_PER_LEVEL * level,
                    1.0 + DEBT_RANGE_PER_LEVEL * level,
                )
            )
    return out


def _share(total_extra: float, logs: list[float]) -> list[float]:
    log_sum = sum(logs)
    if log_sum <= 0.0:
        return [0.0 for _ in logs]
    return [total_extra * lg / log_sum for lg in logs]


def explain_estimate(
    estimate: RangeEstimate, drivers: Sequence[Driver], components: Sequence[ComponentDebt]
) -> Explanation:
    """Attribute an estimate's likely effort and range width (in `estimate.unit`) to its drivers.

    `drivers`: ticked complexity drivers; `components`: touched components with their tech-debt level.
    Raises InvalidInput naming the field for negative values, optimistic > likely, likely > pessimistic,
    a confidence outside (0, 1], an unknown driver or a bad debt level.
    """
    optimistic = _check_number("optimistic", estimate.optimistic)
    likely = _check_number("likely", estimate.likely)
    pessimistic = _check_number("pessimistic", estimate.pessimistic)
    if optimistic > likely:
        raise InvalidInput(f"optimistic ({optimistic:g}) must not exceed likely ({likely:g})")
    if likely > pessimistic:
        raise InvalidInput(f"pessimistic ({pessimistic:g}) must be at least likely ({likely:g})")
    conf = estimate.confidence
    if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0.0 < conf <= 1.0:
        raise InvalidInput(f"confidence must be in (0, 1], got {conf!r}")
    factors = _factors(drivers, components)
    width = pessimistic - optimistic
    likely_product = math.prod(f[2] for f in factors)
    range_product = math.prod(f[3] for f in factors)
    baseline_likely = likely / likely_product
    baseline_width = width / range_product
    likely_shares = _share(likely - baseline_likely, [math.log(f[2]) for f in factors])
    range_shares = _share(width - baseline_width, [math.log(f[3]) for f in factors])
    attributions = tuple(
        Attribution(src, label, lf, rf, ls, rs)
        for (src, label, lf, rf), ls, rs in zip(factors, likely_shares, range_shares, strict=True)
    )
    return Explanation(
        likely=likely,
        baseline_likely=baseline_likely,
        range_width=width,
        baseline_range_width=baseline_width,
        attributions=attributions,
        text=_text(estimate, baseline_likely, baseline_width, attributions),
    )


def _q(x: float, unit: str) -> str:
    """An amount as an estimate deserves: whole from 10 up, one decimal below ('3', '2.5', '12'), with its unit
    singular for exactly one ('1 person-day')."""
    shown = f"{x:.0f}" if abs(x) >= 10 else f"{x:.1f}".removesuffix(".0")
    if shown in ("1", "-1") and unit.endswith("s"):
        unit = unit[:-1]
    return f"{shown} {unit}"


def _text(
    estimate: RangeEstimate, base_likely: float, base_width: float, attributions: tuple[Attribution, ...]
) -> str:
    u = estimate.unit
    head = (
        f"Likely {estimate.likely:.3g} {u}, between {estimate.optimistic:.3g} and {estimate.pessimistic:.3g} "
        f"{u} ({estimate.confidence:.0%} confident)."
    )
    if not attributions:
        return head + " No complexity driver or indebted component was named, so nothing inflates it."
    extra = estimate.likely - base_likely
    by_likely = sorted(attributions, key=lambda a: (-a.likely_share, a.source))
    parts = ", ".join(
        f"{a.label} +{_q(a.likely_share, u)} ({a.likely_share / extra:.0%})" if extra > 0 else a.label
        for a in by_likely
    )
    widest = max(attributions, key=lambda a: (a.range_share, a.source))
    width = estimate.pessimistic - estimate.optimistic
    return (
        f"{head} Without its drivers the same work would be about {_q(base_likely, u)}; the extra "
        f"{_q(extra, u)} {'comes' if _q(extra, u).split()[0] == '1' else 'come'} from {parts}. The range is {_q(width, u)} wide instead of about "
        f"{_q(base_width, u)}; {widest.label} widens it most (+{_q(widest.range_share, u)})."
    )
