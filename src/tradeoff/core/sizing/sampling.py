"""Draws from ranges.

Each range is drawn from a **triangular** distribution over (low, likely, high) by default — it respects the
bounds exactly and is cheap to sample (Stein & Keblis: (1 − m)·min(U, V) + m·max(U, V)); ``distribution="pert"``
uses the Beta-PERT (λ = 4), which puts less weight on the tails and is about 6× slower. Draws are computed in
float32 (7 significant digits), plenty for P10/P50/P90, which are order statistics of the draws, so
P10 ≤ P50 ≤ P90 always.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from tradeoff.core.sizing.cases import Range, _triple

Distribution = Literal["triangular", "pert"]
F32 = NDArray[np.float32]
F64 = NDArray[np.float64]


def _draw(rng: np.random.Generator, r: F64, draws: int, distribution: Distribution) -> F32:
    """Draws for each row of r = [[low, likely, high], ...]: shape (rows, draws), float32."""
    low, likely, high = r[:, 0], r[:, 1], r[:, 2]
    span = high - low
    if not span.any():
        return np.broadcast_to(low.astype(np.float32)[:, None], (len(low), draws))
    mode = np.divide(likely - low, span, out=np.full_like(span, 0.5), where=span > 0)
    if distribution == "pert":
        b = rng.beta(1 + 4 * mode[:, None], 1 + 4 * (1 - mode[:, None]), size=(len(low), draws))
        return (low[:, None] + span[:, None] * b).astype(np.float32)
    u, v = _uniform_pairs(rng, len(low), draws)
    lo = np.minimum(u, v)
    np.maximum(u, v, out=u)
    lo *= (span * (1 - mode)).astype(np.float32)[:, None]
    u *= (span * mode).astype(np.float32)[:, None]
    lo += u
    lo += low.astype(np.float32)[:, None]
    return lo


def _uniform_pairs(rng: np.random.Generator, rows: int, draws: int) -> tuple[F32, F32]:
    """Two independent arrays of uniforms in [0, 1), shape (rows, draws), float32 with 23 random bits each.

    Built from the generator's raw 64-bit output (two 32-bit words per call, mantissa bits under the exponent
    of 1.0, minus 1): about twice as fast as two ``rng.random(dtype=float32)`` calls, same stream for a seed.
    """
    bits = rng.bit_generator.random_raw(rows * draws).view(np.uint32)
    bits >>= np.uint32(9)
    bits |= np.uint32(0x3F800000)
    x = bits.view(np.float32)
    x -= np.float32(1)
    pairs = x.reshape(rows, 2, draws)
    return pairs[:, 0, :], pairs[:, 1, :]


def _quantile(r: F64, q: float, distribution: Distribution) -> F64:
    """The exact q-quantile of each row's distribution (rows = [low, likely, high])."""
    low, likely, high = r[:, 0], r[:, 1], r[:, 2]
    span = high - low
    mode = np.divide(likely - low, span, out=np.full_like(span, 0.5), where=span > 0)
    if distribution == "pert":
        x = special.betaincinv(1 + 4 * mode, 1 + 4 * (1 - mode), q)  # the Beta(a, b) quantile
    else:
        x = np.where(q < mode, np.sqrt(q * mode), 1 - np.sqrt((1 - q) * (1 - mode)))
    return np.asarray(low + span * x, dtype=np.float64)


def sample_ranges(
    rng: np.random.Generator, ranges: Sequence[Range], draws: int, distribution: Distribution = "triangular"
) -> F64:
    """Draws from each range: shape (len(ranges), draws), float64 (values in float32 precision)."""
    if not ranges:
        return np.empty((0, draws))
    rows = np.array([_triple(r) for r in ranges], dtype=np.float64)
    return np.asarray(_draw(rng, rows, draws, distribution), dtype=np.float64)
