"""The SVG charts: parse them with xml.etree and check marks, labels and positions against the inputs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tradeoff.charts import (
    DemandBar,
    ForecastHistogram,
    TimelineRow,
    ValueEffortPoint,
    demand_by_segment,
    forecast_histogram,
    roadmap_timeline,
    value_effort,
)
from tradeoff.errors import InvalidInput

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['s']}}}{tag}") if e.get("class") == cls]


def own_text(el: ET.Element) -> str:
    """An element's text without its tooltip (<title> child)."""
    return (el.text or "") + "".join(c.tail or "" for c in el)


HIST = ForecastHistogram("Ledger sync", date(2026, 11, 23),
                         ((0.0, 1.0, 0.1), (1.0, 2.0, 0.4), (2.0, 3.0, 0.3), (3.0, 4.0, 0.2)),
                         p50_weeks=1.75, p85_weeks=3.0, p95_weeks=3.75)


def test_histogram_bars_heights_follow_probabilities_and_markers_sit_at_percentiles() -> None:
    root = parse(forecast_histogram(HIST))
    bars = by_class(root, "rect", "bar")
    assert len(bars) == 4
    heights = [float(b.get("height", "0")) for b in bars]
    # the tallest bar is the 0.4 one; heights are proportional to probability
    assert heights.index(max(heights)) == 1
    assert heights[0] / heights[1] == pytest.approx(0.1 / 0.4, rel=0.02)
    xs = [float(b.get("x", "0")) for b in bars]
    assert xs == sorted(xs)
    markers = {m.get("data-level"): m for m in by_class(root, "line", "marker")}
    assert set(markers) == {"P50", "P85", "P95"}
    x50, x85, x95 = (float(markers[k].get("x1", "0")) for k in ("P50", "P85", "P95"))
    assert x50 < x85 < x95
    # P85 at week 3 lies exactly at the left edge of the fourth bin (bars are inset by half a pixel)
    assert x85 == pytest.approx(xs[3] - 0.5, abs=0.02)
    # dates: 23 Nov 2026 + 3 weeks = 14 Dec 2026
    assert markers["P85"].get("data-date") == "14 Dec 2026"
    labels = [t.text for t in by_class(root, "text", "marker-label")]
    assert "P85 14 Dec 2026" in labels and "P50 5 Dec 2026" in labels


def test_charts_are_deterministic_and_escape_text() -> None:
    assert forecast_histogram(HIST) == forecast_histogram(HIST)
    nasty = ValueEffortPoint("<script>alert(1)</script> & co", 10.0, 2.0)
    svg = value_effort([nasty, ValueEffortPoint("b", 1.0, 1.0)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)


def test_timeline_bands_span_p50_to_p85_to_p95_and_unforecast_rows_say_so() -> None:
    rows = [TimelineRow("A", 2.0, 3.0, 4.0), TimelineRow("B", 4.0, 6.0, 8.0), TimelineRow("C", None, None, None)]
    root = parse(roadmap_timeline(rows, date(2026, 1, 5)))
    dark = {b.get("data-label"): b for b in by_class(root, "rect", "p50-p85")}
    light = {b.get("data-label"): b for b in by_class(root, "rect", "p85-p95")}
    dots = {d.get("data-label"): d for d in by_class(root, "circle", "p50")}
    assert set(dark) == set(light) == set(dots) == {"A", "B"}

    def x(el: ET.Element, attr: str = "x") -> float:
        return float(el.get(attr, "nan"))

    def right(el: ET.Element) -> float:
        return x(el) + x(el, "width")

    # the scale runs from the start (week 0) to B's P95 (8 weeks): positions are proportional to weeks
    zero = x(by_class(root, "line", "today")[0], "x1")
    full = right(light["B"]) - zero
    for label, (p50, p85, p95) in {"A": (2, 3, 4), "B": (4, 6, 8)}.items():
        assert x(dots[label], "cx") - zero == pytest.approx(full * p50 / 8, abs=0.05)
        assert x(dark[label]) - zero == pytest.approx(full * p50 / 8, abs=0.05)
        assert right(dark[label]) == pytest.approx(x(light[label]), abs=0.05)  # dark ends where light begins
        assert x(light[label]) - zero == pytest.approx(full * p85 / 8, abs=0.05)
        assert right(light[label]) - zero == pytest.approx(full * p95 / 8, abs=0.05)
    tips = [t.text or "" for t in dark["B"].findall("s:title", NS)]
    assert tips == ["B: P50 2 Feb 2026, P85 16 Feb 2026, P95 2 Mar 2026"]
    missing = by_class(root, "text", "no-forecast")
    assert [m.get("data-label") for m in missing] == ["C"] and own_text(missing[0]) == "not yet forecast"
    with pytest.raises(InvalidInput):
        roadmap_timeline([TimelineRow("bad", 5.0, 3.0, 4.0)], date(2026, 1, 5))
    with pytest.raises(InvalidInput):
        roadmap_timeline([TimelineRow("bad", None, None, None, planned_weeks=(3.0, 1.0))], date(2026, 1, 5))


def test_timeline_groups_rows_by_team_and_draws_planned_periods() -> None:
    rows = [TimelineRow("Audit log", 1.0, 2.0, 3.0, group="Core <team>", planned_weeks=(0.0, 2.0)),
            TimelineRow("Refactor ledger", 2.0, 5.0, 6.0, group="Core <team>", tech=True),
            TimelineRow("Usage API", None, None, None, group="Platform", planned_weeks=(-1.0, 1.0))]
    svg = roadmap_timeline(rows, date(2026, 1, 5), horizon_weeks=10.0)
    root = parse(svg)
    assert [g.text for g in by_class(root, "text", "group")] == ["Core <team>", "Platform"]
    assert "Core &lt;team&gt;" in svg and "<team>" not in svg  # escaped everywhere
    labels = [own_text(t) for t in by_class(root, "text", "row-label")]
    assert labels == ["Audit log", "Refactor ledger ⚙", "Usage API"]
    planned = {p.get("data-label"): p for p in by_class(root, "rect", "planned")}
    assert set(planned) == {"Audit log", "Usage API"}
    # two weeks from Monday 5 Jan: the tooltip names their last day, Sunday 18 Jan, not the day after
    assert "planned 5 Jan 2026 – 18 Jan 2026" in ET.tostring(planned["Audit log"], encoding="unicode")
    zero = float(by_class(root, "line", "today")[0].get("x1", "nan"))
    full = float(planned["Audit log"].get("width", "nan"))  # 2 of the 10 weeks of the horizon
    # a period that began before the start is cut at the start: only its week after it shows
    assert float(planned["Usage API"].get("x", "nan")) == pytest.approx(zero, abs=0.05)
    assert float(planned["Usage API"].get("width", "nan")) == pytest.approx(full / 2, abs=0.05)
    # rows sit below their group's heading, one row each
    ys = [float(t.get("y", "nan")) for t in by_class(root, "text", "row-label")]
    heads = [float(t.get("y", "nan")) for t in by_class(root, "text", "group")]
    assert heads[0] < ys[0] < ys[1] < heads[1] < ys[2]


def test_value_effort_quadrants_split_at_medians() -> None:
    pts = [ValueEffortPoint("quick", 100.0, 1.0), ValueEffortPoint("bet", 100.0, 10.0),
           ValueEffortPoint("fill", 1.0, 1.0), ValueEffortPoint("pit", 1.0, 10.0)]
    root = parse(value_effort(pts))
    got = {c.get("data-label"): c.get("data-quadrant") for c in by_class(root, "circle", "point")}
    assert got == {"quick": "Quick wins", "bet": "Big bets", "fill": "Fill-ins", "pit": "Money pits"}
    circles = {c.get("data-label"): c for c in by_class(root, "circle", "point")}
    # more value is higher up (smaller y); more effort is further right
    assert float(circles["quick"].get("cy", "0")) < float(circles["fill"].get("cy", "0"))
    assert float(circles["bet"].get("cx", "0")) > float(circles["quick"].get("cx", "0"))
    # on the split lines a point counts as high value and low effort, as in core.scoring_matrix.quadrant
    edge = parse(value_effort([ValueEffortPoint("edge", 5.0, 5.0)], value_threshold=5.0, effort_threshold=5.0))
    assert [c.get("data-quadrant") for c in by_class(edge, "circle", "point")] == ["Quick wins"]


def test_value_effort_crowded_labels_never_overlap_and_every_point_keeps_its_name() -> None:
    import random

    rng = random.Random(7)
    pts = [ValueEffortPoint(f"Feature number {i} with a long title", rng.uniform(1e3, 1e6), rng.uniform(1, 30))
           for i in range(40)]
    root = parse(value_effort(pts))
    frame = next(r for r in root.iter(f"{{{NS['s']}}}rect"))
    x0, y0 = float(frame.get("x", "0")), float(frame.get("y", "0"))
    x1, y1 = x0 + float(frame.get("width", "0")), y0 + float(frame.get("height", "0"))
    circles = by_class(root, "circle", "point")
    assert len(circles) == 40
    for c in circles:  # inside the frame (the axes span the data, padded), each with a tooltip naming it
        assert x0 < float(c.get("cx", "0")) < x1 and y0 < float(c.get("cy", "0")) < y1
        tip = c.find("s:title", NS)
        assert tip is not None and (tip.text or "").startswith(c.get("data-label", "?") + ": value ")
    labels = by_class(root, "text", "point-label")
    note = by_class(root, "text", "hidden-note")
    hidden = 40 - len(labels)
    assert 0 < hidden < 40 and note and own_text(note[0]).startswith(f"{hidden} of 40 labels left out")
    # labels that are drawn sit at different places, and the first drawn is the best value for the effort
    assert len({(t.get("x"), t.get("y")) for t in labels}) == len(labels)
    best = max(pts, key=lambda p: p.value / p.effort)
    assert labels[0].get("data-for") == best.label
    # few points: every one labelled, no note
    few = parse(value_effort(pts[:3]))
    assert len(by_class(few, "text", "point-label")) == 3 and not by_class(few, "text", "hidden-note")


def test_tornado_bars_span_low_to_high_around_the_base() -> None:
    from tradeoff.charts import TornadoBar, tornado

    root = parse(tornado([TornadoBar("customers", 50.0, 150.0), TornadoBar("capture", 80.0, 120.0)], 100.0, "NPV",
                         "USD"))
    bars = {r.get("data-label"): r for r in by_class(root, "rect", "bar")}
    # swings of 100 (50..150) and 40 (80..120)
    assert float(bars["customers"].get("width", "0")) == pytest.approx(2.5 * float(bars["capture"].get("width", "0")),
                                                                       rel=0.02)
    base = by_class(root, "line", "base")[0]
    assert float(base.get("data-value", "0")) == 100.0
    # the base line sits half way along the customers bar (50 .. 150)
    x, w = float(bars["customers"].get("x", "0")), float(bars["customers"].get("width", "0"))
    assert float(base.get("x1", "0")) == pytest.approx(x + w / 2, abs=0.02)
    empty = parse(tornado([], 0.0, "NPV"))
    assert by_class(empty, "rect", "bar") == []


def test_demand_bars_are_proportional_and_labelled() -> None:
    bars = [DemandBar("enterprise", 120000.0, 1), DemandBar("smb", 30000.0, 4)]
    root = parse(demand_by_segment(bars, "USD"))
    rects = {r.get("data-segment"): r for r in by_class(root, "rect", "bar")}
    assert float(rects["smb"].get("width", "0")) / float(rects["enterprise"].get("width", "0")) == \
        pytest.approx(0.25, rel=0.01)
    labels = [t.text for t in by_class(root, "text", "bar-label")]
    assert labels == ["USD 120,000 · 1 customer", "USD 30,000 · 4 customers"]
    empty = parse(demand_by_segment([], "EUR"))
    assert any("No customer demand" in (t.text or "") for t in empty.iter(f"{{{NS['s']}}}text"))
    with pytest.raises(InvalidInput):
        demand_by_segment([DemandBar("x", -1.0, 1)], "USD")


def test_histogram_rejects_bad_bins() -> None:
    with pytest.raises(InvalidInput):
        forecast_histogram(ForecastHistogram("x", date(2026, 1, 1), (), 1, 2, 3))
    with pytest.raises(InvalidInput):
        forecast_histogram(ForecastHistogram("x", date(2026, 1, 1), ((2.0, 1.0, 0.5),), 1, 2, 3))
