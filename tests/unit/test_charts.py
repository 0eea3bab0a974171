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


def test_timeline_bands_span_p50_to_p95_and_unforecast_rows_say_so() -> None:
    rows = [TimelineRow("A", 2.0, 3.0, 4.0), TimelineRow("B", 4.0, 6.0, 8.0), TimelineRow("C", None, None, None)]
    root = parse(roadmap_timeline(rows, date(2026, 1, 5)))
    bands = {b.get("data-label"): b for b in by_class(root, "rect", "band")}
    bars = {b.get("data-label"): b for b in by_class(root, "rect", "bar")}
    ticks = {t.get("data-label"): t for t in by_class(root, "line", "p85")}
    assert set(bands) == set(bars) == set(ticks) == {"A", "B"}
    # B's band runs from its P50 to P95 on a scale where P95 of B (8 weeks) is the full width
    start_a = float(bars["A"].get("x", "0"))
    width_full = float(bands["B"].get("x", "0")) + float(bands["B"].get("width", "0")) - start_a
    assert float(bars["A"].get("width", "0")) == pytest.approx(width_full * 2 / 8, abs=0.05)
    assert float(ticks["B"].get("x1", "0")) - start_a == pytest.approx(width_full * 6 / 8, abs=0.05)
    missing = by_class(root, "text", "no-forecast")
    assert [m.get("data-label") for m in missing] == ["C"] and missing[0].text == "not yet forecast"
    with pytest.raises(InvalidInput):
        roadmap_timeline([TimelineRow("bad", 5.0, 3.0, 4.0)], date(2026, 1, 5))


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
    # on the split lines a point counts as high value and low effort, as in core.scoring.quadrant
    edge = parse(value_effort([ValueEffortPoint("edge", 5.0, 5.0)], value_threshold=5.0, effort_threshold=5.0))
    assert [c.get("data-quadrant") for c in by_class(edge, "circle", "point")] == ["Quick wins"]


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
