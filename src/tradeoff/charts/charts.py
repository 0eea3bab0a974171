"""The four charts people would rather look at than read. Each is a pure function: plain data in, SVG text out.

Every mark carries `data-*` attributes (what it is, its label and value) so tests and screen readers can check
it without measuring pixels; the same inputs always give byte-identical SVG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tradeoff.charts.svg import Svg, num
from tradeoff.core.scoring_matrix import Quadrant, value_effort_matrix
from tradeoff.errors import InvalidInput

INK = "#222"
MUTED = "#777"
BAR = "#3b6ea5"
BAND = "#9fbbd9"
ACCENT = "#c0392b"
MARKER_COLOURS = {"P50": "#2e7d32", "P85": "#e08e0b", "P95": "#c0392b"}


def short_date(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 5 × 10^k) giving about `ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return float(m * mag)
    return float(10 * mag)


def _finite(name: str, *values: float) -> None:
    for v in values:
        if not math.isfinite(v):
            raise InvalidInput(f"{name}: every value must be a finite number, got {v}")


# --- forecast distribution ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastHistogram:
    """A finish-date distribution. `bins`: (from_week, to_week, probability 0..1) after `start`;
    `p50_weeks`/`p85_weeks`/`p95_weeks`: weeks after `start` by which it is done with that probability."""

    title: str
    start: date
    bins: tuple[tuple[float, float, float], ...]
    p50_weeks: float
    p85_weeks: float
    p95_weeks: float
    dates: tuple[date, date, date] | None = None  # the P50/P85/P95 dates as the forecast states them elsewhere


def forecast_histogram(h: ForecastHistogram, width: float = 560, height: float = 240) -> str:
    """Histogram of finish weeks with P50/P85/P95 markers labelled with their dates."""
    if not h.bins:
        raise InvalidInput(f"{h.title}: a forecast histogram needs at least one bin")
    for lo, hi, p in h.bins:
        _finite("bins", lo, hi, p)
        if hi < lo or p < 0:
            raise InvalidInput(f"bins: ({lo}, {hi}, {p}) is not a (from_week <= to_week, probability >= 0) bin")
    _finite("percentiles", h.p50_weeks, h.p85_weeks, h.p95_weeks)
    left, right, top, bottom = 48.0, 16.0, 44.0, 40.0
    pw, ph = width - left - right, height - top - bottom
    x0 = min(min(b[0] for b in h.bins), h.p50_weeks)
    x1 = max(max(b[1] for b in h.bins), h.p95_weeks)
    if x1 <= x0:
        x1 = x0 + 1.0
    ymax = max(b[2] for b in h.bins) or 1.0

    def sx(w: float) -> float:
        return left + (w - x0) / (x1 - x0) * pw

    def sy(p: float) -> float:
        return top + ph - p / ymax * ph

    svg = Svg(width, height, f"{h.title}: finish date distribution")
    svg.text(left, 16, h.title, 13, font_weight="bold")
    svg.line(left, top + ph, left + pw, top + ph, stroke=INK)
    for lo, hi, p in h.bins:
        svg.rect(sx(lo) + 0.5, sy(p), sx(hi) - sx(lo) - 1, top + ph - sy(p), fill=BAR, class_="bar",
                 data_from_week=lo, data_to_week=hi, data_probability=p)
    step = _nice_step(x1 - x0)
    w = math.ceil(x0 / step) * step
    while w <= x1 + 1e-9:
        svg.line(sx(w), top + ph, sx(w), top + ph + 4, stroke=INK)
        svg.text(sx(w), top + ph + 16, f"{num(w)} wk", 10, text_anchor="middle", fill=MUTED)
        w += step
    svg.text(left - 6, top + 8, f"{ymax:.0%}", 10, text_anchor="end", fill=MUTED)
    svg.text(left + pw / 2, height - 6, f"weeks after {short_date(h.start)}", 10, text_anchor="middle", fill=MUTED)
    for i, (name, weeks) in enumerate((("P50", h.p50_weeks), ("P85", h.p85_weeks), ("P95", h.p95_weeks))):
        x = sx(weeks)
        # the label shows the date the forecast states (the same as on its card); weeks only place the marker
        when = short_date(h.dates[i] if h.dates else h.start + timedelta(days=round(weeks * 7)))
        colour = MARKER_COLOURS[name]
        svg.line(x, top - 4, x, top + ph, stroke=colour, stroke_width=2, stroke_dasharray="4 3", class_="marker",
                 data_level=name, data_weeks=weeks, data_date=when)
        svg.text(x + 3, top - 6 - 11 * (2 - i) + 11, f"{name} {when}", 10, fill=colour, class_="marker-label",
                 data_level=name)
    return svg.render()


# --- roadmap timeline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    """One feature or release on the roadmap, in weeks after the chart's start: done by then with 50/85/95%
    probability. `planned_weeks` is the planned period (from the start of its first day, to the end
    of its last day) when a plan schedules it; `group` (a team) puts
    rows under one heading, in the order given; `tech` marks tech-debt and platform work, `shared_with` work shared with other teams. Rows without a forecast
    show `status` (e.g. "shipped", "not yet forecast") instead of a band."""

    label: str
    p50_weeks: float | None
    p85_weeks: float | None
    p95_weeks: float | None
    status: str = ""
    group: str = ""
    planned_weeks: tuple[float, float] | None = None
    tech: bool = False
    shared_with: tuple[str, ...] = ()  # other teams doing part of the work (marked ⇄, named in the tooltip)


def _check_timeline(rows: Sequence[TimelineRow]) -> None:
    for r in rows:
        if r.p95_weeks is not None:
            _finite(r.label, r.p50_weeks or 0.0, r.p85_weeks or 0.0, r.p95_weeks)
            if not (r.p50_weeks or 0) <= (r.p85_weeks or 0) <= r.p95_weeks:
                raise InvalidInput(f"{r.label}: percentiles must satisfy P50 <= P85 <= P95")
        if r.planned_weeks is not None:
            _finite(r.label, *r.planned_weeks)
            if r.planned_weeks[0] > r.planned_weeks[1]:
                raise InvalidInput(f"{r.label}: the planned period ends before it starts")


def roadmap_timeline(rows: Sequence[TimelineRow], start: date, width: float = 640,
                     horizon_weeks: float = 0.0) -> str:
    """The roadmap timeline, one drawing for the web UI and the briefs: per row a dot at P50, a dark band from
    P50 to P85 and a light one from P85 to P95 (the confidence band), and a dashed box for the planned period;
    a heading per group; a dashed line at the start (today). The scale reaches the last P95 or planned end, and
    at least `horizon_weeks`. Rows without a forecast say so instead of drawing a band."""
    _check_timeline(rows)
    label_w, right, top, row_h = min(250.0, round(width * 0.3)), 20.0, 52.0, 22.0
    groups = sum(1 for i, r in enumerate(rows) if r.group and (i == 0 or rows[i - 1].group != r.group))
    height = top + row_h * max(len(rows) + groups, 1) + 10
    ends = [r.p95_weeks for r in rows if r.p95_weeks is not None]
    ends += [r.planned_weeks[1] for r in rows if r.planned_weeks is not None]
    x1 = max([*ends, horizon_weeks, 1.0])
    pw = width - label_w - right

    def sx(w: float) -> float:
        return label_w + max(0.0, min(w, x1)) / x1 * pw

    svg = Svg(width, height, "Roadmap timeline with confidence bands")
    svg.text(8, 16, f"Roadmap from {short_date(start)}: dot at P50, dark band to P85, light band to P95, "
             "dashed box: planned period", 11.5, font_weight="bold")
    step = next((float(s) for s in (1, 2, 4, 8, 13, 26, 52) if x1 / s <= 8), _nice_step(x1, 8))  # weeks
    w = 0.0
    while w <= x1 + 1e-9:  # date grid
        svg.line(sx(w), top - 14, sx(w), height - 6, stroke="#e3e6ec")
        svg.text(sx(w) + 3, top - 18, short_date(start + timedelta(days=round(w * 7))), 9.5, fill=MUTED)
        w += step
    svg.line(sx(0.0), top - 14, sx(0.0), height - 6, stroke=ACCENT, stroke_dasharray="3 3", class_="today")
    if not rows:
        svg.text(8, top + 15, "Nothing on the roadmap yet.", 11, fill=MUTED)
    y = top
    for i, r in enumerate(rows):
        if r.group and (i == 0 or rows[i - 1].group != r.group):
            svg.text(4, y + 14, r.group, 12, font_weight="bold", class_="group")
            y += row_h
        short = r.label if len(r.label) <= 36 else r.label[:35] + "…"
        tip = r.label + (f" (with {', '.join(r.shared_with)})" if r.shared_with else "")
        svg.text(12, y + 14, short + (" ⚙" if r.tech else "") + (" ⇄" if r.shared_with else ""), 11,
                 class_="row-label", tip=tip)
        if r.planned_weeks is not None:
            a, b = r.planned_weeks
            svg.rect(sx(a), y + 3, max(2.0, sx(b) - sx(a)), row_h - 6, rx=3, fill="none", stroke="#7c8799",
                     stroke_dasharray="4 2", class_="planned", data_label=r.label, data_from_weeks=a,
                     data_to_weeks=b, tip=f"{r.label}: planned {short_date(start + timedelta(days=round(a * 7)))}"
                     f" – {short_date(start + timedelta(days=round(b * 7) - 1))}")  # b: the end of the last day
        if r.p50_weeks is None or r.p85_weeks is None or r.p95_weeks is None:
            svg.text(label_w + 4, y + 14, r.status or "not yet forecast", 10, fill=MUTED, class_="no-forecast",
                     data_label=r.label)
            y += row_h
            continue
        dates = ", ".join(f"{name} {short_date(start + timedelta(days=round(v * 7)))}" for name, v in
                          (("P50", r.p50_weeks), ("P85", r.p85_weeks), ("P95", r.p95_weeks)))
        tip = f"{r.label}: {dates}"
        svg.rect(sx(r.p50_weeks), y + 6, max(1.0, sx(r.p85_weeks) - sx(r.p50_weeks)), row_h - 12, fill=BAR,
                 class_="p50-p85", data_label=r.label, data_p50_weeks=r.p50_weeks, data_p85_weeks=r.p85_weeks,
                 tip=tip)
        svg.rect(sx(r.p85_weeks), y + 6, max(1.0, sx(r.p95_weeks) - sx(r.p85_weeks)), row_h - 12, fill=BAND,
                 class_="p85-p95", data_label=r.label, data_p85_weeks=r.p85_weeks, data_p95_weeks=r.p95_weeks,
                 tip=tip)
        svg.circle(sx(r.p50_weeks), y + row_h / 2, 3.5, fill=INK, class_="p50", data_label=r.label, tip=tip)
        y += row_h
    return svg.render()


# --- value / effort 2x2 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueEffortPoint:
    """A feature's value (any consistent unit, e.g. currency per year) and effort (person-days or points)."""

    label: str
    value: float
    effort: float


QUADRANT_NAMES = {Quadrant.QUICK_WIN: "Quick wins", Quadrant.BIG_BET: "Big bets", Quadrant.FILL_IN: "Fill-ins",
                  Quadrant.MONEY_PIT: "Money pits"}


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Round values (0 and 1, 2, 5 × 10^k) between `lo` and `hi`, at most about six, for a log1p axis."""
    ticks = [0.0] if lo <= 0 else []
    k = 0
    while 10.0 ** k <= hi:
        ticks += [t for t in (m * 10.0 ** k for m in (1, 2, 5)) if lo <= t <= hi]
        k += 1
    while len(ticks) > 7:  # too many: every other one, ending on the largest
        ticks = ticks[::-1][::2][::-1]
    return ticks


def _log_axis(values: Sequence[float], start: float, length: float, flip: bool) -> tuple[Callable[[float], float],
                                                                                         list[float]]:
    """A log1p scale over the values' own range (padded, so no mark sits on the frame) and its ticks."""
    lo, hi = math.log1p(min(values, default=0.0)), math.log1p(max(values, default=1.0))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.06
    lo, hi = max(lo - pad, 0.0), hi + pad

    def scale(v: float) -> float:
        f = (math.log1p(max(v, 0.0)) - lo) / (hi - lo)
        return start + (1 - f) * length if flip else start + f * length

    return scale, _log_ticks(math.expm1(lo), math.expm1(hi))


def _tick_text(v: float) -> str:
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    if v >= 1e3:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _place_label(x: float, y: float, text: str, size: float, taken: list[tuple[float, float, float, float]],
                 box: tuple[float, float, float, float]) -> tuple[float, float, str] | None:
    """Where a point's label fits (right, left, above, below it) without covering another label or point and
    inside the plot, or None. `taken` gets the chosen box."""
    w, h = len(text) * size * 0.56, size
    left, top, right, bottom = box
    for lx, ly, anchor in ((x + 7, y + size / 3, "start"), (x - 7, y + size / 3, "end"),
                           (x, y - 8, "middle"), (x, y + 8 + size, "middle"),
                           (x + 6, y - 5, "start"), (x + 6, y + 5 + size, "start"),
                           (x - 6, y - 5, "end"), (x - 6, y + 5 + size, "end")):
        x0 = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
        rect = (x0, ly - h, x0 + w, ly + 2)
        if rect[0] < left or rect[2] > right or rect[1] < top or rect[3] > bottom:
            continue
        if any(rect[0] < t[2] and t[0] < rect[2] and rect[1] < t[3] and t[1] < rect[3] for t in taken):
            continue
        taken.append(rect)
        return lx, ly, anchor
    return None


def value_effort(points: Sequence[ValueEffortPoint], value_unit: str = "", effort_unit: str = "person-days",
                 width: float = 680, height: float = 440, value_threshold: float | None = None,
                 effort_threshold: float | None = None) -> str:
    """A 2×2 of value (up) against effort (right). The split lines and quadrants are the core's
    (`core.scoring_matrix.value_effort_matrix`): the given thresholds, else the medians. Every point has a
    tooltip; labels are drawn where they fit, the best value for the effort first, and the chart says how many
    did not."""
    for p in points:
        _finite(p.label, p.value, p.effort)
        if p.effort < 0:
            raise InvalidInput(f"{p.label}: effort must be >= 0, got {p.effort}")
    matrix = value_effort_matrix({str(i): (p.value, p.effort) for i, p in enumerate(points)},
                                 value_threshold=value_threshold, effort_threshold=effort_threshold)
    margin, top, right_pad = 64.0, 30.0, 16.0
    pw, ph = width - margin - right_pad, height - top - 62
    # log axes over the data's own range: value (often ARR or money) and effort are skewed, and one big item
    # should not squash the rest
    vmin = min([p.value for p in points] + [0.0])
    sx, eticks = _log_axis([p.effort for p in points], margin, pw, flip=False)
    to_y, vticks = _log_axis([p.value - vmin for p in points], top, ph, flip=True)

    def sy(v: float) -> float:
        return to_y(v - vmin)

    svg = Svg(width, height, "Value against effort")
    svg.text(margin, 16, "Value / effort", 12, font_weight="bold")
    svg.rect(margin, top, pw, ph, fill="none", stroke=INK)
    for t in eticks:
        svg.line(sx(t), top + ph, sx(t), top + ph + 4, stroke=MUTED)
        svg.text(sx(t), top + ph + 15, _tick_text(t), 9, fill=MUTED, text_anchor="middle", class_="tick")
    for t in vticks:
        svg.line(margin - 4, sy(t + vmin), margin, sy(t + vmin), stroke=MUTED)
        svg.text(margin - 6, sy(t + vmin) + 3, _tick_text(t + vmin), 9, fill=MUTED, text_anchor="end", class_="tick")
    if points:
        svg.line(sx(matrix.effort_threshold), top, sx(matrix.effort_threshold), top + ph, stroke=MUTED,
                 stroke_dasharray="3 3")
        svg.line(margin, sy(matrix.value_threshold), margin + pw, sy(matrix.value_threshold), stroke=MUTED,
                 stroke_dasharray="3 3")
    else:
        svg.text(margin + 8, top + ph / 2, "No feature has both a value and an effort yet.", 11, fill=MUTED)
    taken: list[tuple[float, float, float, float]] = []
    for name, x, y, anchor in (("Quick wins", margin + 4, top + 12, "start"),
                               ("Big bets", margin + pw - 4, top + 12, "end"),
                               ("Fill-ins", margin + 4, top + ph - 6, "start"),
                               ("Money pits", margin + pw - 4, top + ph - 6, "end")):
        svg.text(x, y, name, 10, fill=MUTED, text_anchor=anchor, class_="quadrant")
        w = len(name) * 10 * 0.56
        x0 = x if anchor == "start" else x - w
        taken.append((x0, y - 10, x0 + w, y + 2))
    xy = [(sx(p.effort), sy(p.value)) for p in points]
    taken += [(x - 5, y - 5, x + 5, y + 5) for x, y in xy]
    for (x, y), p, placed in zip(xy, points, matrix.placements, strict=True):
        q = QUADRANT_NAMES[placed.quadrant] if placed.quadrant else ""
        svg.circle(x, y, 5, tip=f"{p.label}: value {p.value:g}, effort {p.effort:g} {effort_unit}", fill=BAR,
                   fill_opacity=0.85, class_="point", data_label=p.label, data_value=p.value, data_effort=p.effort,
                   data_quadrant=q)
    # labels: the best value for the effort first, so crowding hides the least interesting ones
    order = sorted(range(len(points)), key=lambda i: (-(points[i].value - vmin) / max(points[i].effort, 1e-9), i))
    hidden = 0
    for i in order:
        text = points[i].label if len(points[i].label) <= 30 else points[i].label[:29] + "…"
        spot = _place_label(*xy[i], text, 9, taken, (margin + 1, top + 1, margin + pw - 1, top + ph - 1))
        if spot is None:
            hidden += 1
            continue
        svg.text(spot[0], spot[1], text, 9, text_anchor=spot[2], class_="point-label", data_for=points[i].label)
    svg.text(margin + pw / 2, top + ph + 32, f"effort ({effort_unit}, log scale)", 10, text_anchor="middle",
             fill=MUTED)
    if hidden:
        svg.text(margin + pw / 2, top + ph + 48, f"{hidden} of {len(points)} labels left out where they would "
                 "overlap: point at a dot to see its name", 10, text_anchor="middle", fill=MUTED, class_="hidden-note")
    svg.text(14, top + ph / 2, f"value{' (' + value_unit + ')' if value_unit else ''}, log scale", 10,
             text_anchor="middle",
             fill=MUTED, transform=f"rotate(-90 14 {num(top + ph / 2)})")
    return svg.render()


# --- tornado -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoBar:
    """The output with one input at its low and at its high, the others at their likely values."""

    label: str
    at_low: float
    at_high: float


def tornado(bars: Sequence[TornadoBar], base: float, output: str, unit: str = "", width: float = 640) -> str:
    """One bar per input from its low to its high result, widest swing first as given; the base value is the axis."""
    for b in bars:
        _finite(b.label, b.at_low, b.at_high)
    _finite(output, base)
    label_w, right, top, row_h = 210.0, 14.0, 30.0, 26.0
    height = top + row_h * max(len(bars), 1) + 26
    lo = min([min(b.at_low, b.at_high) for b in bars] + [base])
    hi = max([max(b.at_low, b.at_high) for b in bars] + [base])
    span = (hi - lo) or 1.0

    def sx(v: float) -> float:
        return label_w + (v - lo) / span * (width - label_w - right)

    svg = Svg(width, height, f"Which input moves {output} most")
    svg.text(8, 16, f"What moves {output} most (each input at its low and high, the rest at likely)", 12,
             font_weight="bold")
    if not bars:
        svg.text(8, top + 16, "Nothing to show: every input is a single number.", 11, fill=MUTED)
    for i, b in enumerate(bars):
        y = top + i * row_h
        a, c = sorted((sx(b.at_low), sx(b.at_high)))
        svg.text(label_w - 8, y + 17, b.label, 11, text_anchor="end", class_="row-label")
        svg.rect(a, y + 4, max(c - a, 1.0), row_h - 8, fill=BAR, class_="bar", data_label=b.label,
                 data_at_low=b.at_low, data_at_high=b.at_high)
    axis_bottom = top + row_h * max(len(bars), 1)
    svg.line(sx(base), top - 4, sx(base), axis_bottom, stroke=INK, class_="base", data_value=base)
    svg.text(sx(base), axis_bottom + 16, f"{base:,.0f} {unit}".strip(), 10, text_anchor="middle", fill=MUTED)
    return svg.render()


# --- demand by segment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemandBar:
    """ARR (in `currency` of the chart) and distinct customers asking, for one customer segment."""

    segment: str
    arr: float
    customers: int


def demand_by_segment(bars: Sequence[DemandBar], currency: str, title: str = "Demand by segment",
                      width: float = 520) -> str:
    """Horizontal bars of ARR behind the requests per segment, labelled with the amount and customer count."""
    for b in bars:
        _finite(b.segment, b.arr)
        if b.arr < 0 or b.customers < 0:
            raise InvalidInput(f"{b.segment}: ARR and customers must be >= 0")
    label_w, right, top, row_h = 110.0, 150.0, 30.0, 24.0
    height = top + row_h * max(len(bars), 1) + 12
    amax = max([b.arr for b in bars] + [1.0])
    pw = width - label_w - right
    svg = Svg(width, height, title)
    svg.text(8, 16, f"{title} (ARR, {currency})", 12, font_weight="bold")
    if not bars:
        svg.text(8, top + 16, "No customer demand recorded yet.", 11, fill=MUTED)
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = b.arr / amax * pw
        svg.text(8, y + 15, b.segment, 11, class_="row-label")
        svg.rect(label_w, y + 5, w, 14, fill=BAR, class_="bar", data_segment=b.segment, data_arr=b.arr,
                 data_customers=b.customers)
        svg.text(label_w + w + 6, y + 16, f"{currency} {b.arr:,.0f} · {b.customers} customer"
                 f"{'s' if b.customers != 1 else ''}", 10, class_="bar-label")
    return svg.render()
