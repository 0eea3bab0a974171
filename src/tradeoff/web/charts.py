"""Server-side SVG charts (no JavaScript): the value/effort 2×2 and the tornado. Text is escaped."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from tradeoff.core.formula import format_number


def _n(x: float) -> str:
    return f"{x:.1f}"


def value_effort_svg(items: list[dict[str, Any]], value_threshold: float, effort_threshold: float,
                     width: int = 640, height: int = 420) -> Markup:
    """Each feature a dot at (effort, value) on log-ish axes, the median lines splitting the four quadrants."""
    pts = [i for i in items if i["value"] is not None and i["effort"] is not None]
    pad = 48
    if not pts:
        return Markup('<p class="empty">No feature has both a value and an effort yet.</p>')

    def scale(v: float, hi: float) -> float:
        return math.log1p(max(v, 0)) / math.log1p(hi) if hi > 0 else 0.0

    vmax = max(max(p["value"] for p in pts), value_threshold, 1e-9)
    emax = max(max(p["effort"] for p in pts), effort_threshold, 1e-9)

    def xy(effort: float, value: float) -> tuple[float, float]:
        return (pad + scale(effort, emax) * (width - 2 * pad), height - pad - scale(value, vmax) * (height - 2 * pad))

    tx, ty = xy(effort_threshold, value_threshold)
    out = [f'<svg class="chart two-by-two" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Value against effort for {len(pts)} features">',
           f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="none" stroke="#ccc"/>',
           f'<line x1="{_n(tx)}" y1="{pad}" x2="{_n(tx)}" y2="{height - pad}" stroke="#999" stroke-dasharray="4 3"/>',
           f'<line x1="{pad}" y1="{_n(ty)}" x2="{width - pad}" y2="{_n(ty)}" stroke="#999" stroke-dasharray="4 3"/>',
           f'<text x="{pad + 6}" y="{pad + 16}" class="quad">Quick wins</text>',
           f'<text x="{width - pad - 6}" y="{pad + 16}" text-anchor="end" class="quad">Big bets</text>',
           f'<text x="{pad + 6}" y="{height - pad - 8}" class="quad">Fill-ins</text>',
           f'<text x="{width - pad - 6}" y="{height - pad - 8}" text-anchor="end" class="quad">Money pits</text>',
           f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">Effort →</text>',
           f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" text-anchor="middle">Value →</text>']
    for p in pts:
        x, y = xy(p["effort"], p["value"])
        title = escape(f"{p['title']}: value {format_number(p['value'])}, effort {format_number(p['effort'])}"
                       f" ({p['quadrant']})")
        out.append(f'<g class="dot"><circle cx="{_n(x)}" cy="{_n(y)}" r="6"><title>{title}</title></circle>'
                   f'<text x="{_n(x + 8)}" y="{_n(y + 4)}" font-size="11">{escape(p["title"][:28])}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def tornado_svg(tornado: dict[str, Any], width: int = 640, bar_height: int = 26) -> Markup:
    """One bar per input: the output with that input at its low and at its high; the base value is the axis."""
    bars = [b for b in tornado["bars"] if b["at_low"] is not None and b["at_high"] is not None]
    if not bars or tornado["base"] is None:
        return Markup('<p class="empty">Nothing to show: every input is a single number.</p>')
    label_w, pad = 210, 12
    height = pad * 2 + bar_height * len(bars) + 20
    lo = min(min(b["at_low"], b["at_high"]) for b in bars)
    hi = max(max(b["at_low"], b["at_high"]) for b in bars)
    lo, hi = min(lo, tornado["base"]), max(hi, tornado["base"])
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        return float(label_w + (v - lo) / span * (width - label_w - pad))

    base_x = x(tornado["base"])
    out = [f'<svg class="chart tornado" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Tornado: which input moves {escape(tornado["output"])} most">']
    for i, b in enumerate(bars):
        y = pad + i * bar_height
        a, c = sorted((x(b["at_low"]), x(b["at_high"])))
        title = escape(f"{b['input']}: {format_number(b['at_low'])} at its low, {format_number(b['at_high'])} at "
                       f"its high")
        out.append(f'<text x="{label_w - 8}" y="{y + bar_height / 2 + 4}" text-anchor="end" font-size="12">'
                   f'{escape(b["input"])}</text>'
                   f'<rect x="{_n(a)}" y="{y + 4}" width="{_n(max(c - a, 1))}" height="{bar_height - 8}" '
                   f'class="bar"><title>{title}</title></rect>')
    out.append(f'<line x1="{_n(base_x)}" y1="{pad - 4}" x2="{_n(base_x)}" y2="{height - 20}" stroke="#333"/>'
               f'<text x="{_n(base_x)}" y="{height - 6}" text-anchor="middle" font-size="11">'
               f'{escape(format_number(tornado["base"]))} {escape(tornado["currency"])}</text></svg>')
    return Markup("".join(out))
