"""Server-side SVG charts from plain data: the same picture in the web UI, HTML briefs and PDF briefs."""

from tradeoff.charts.charts import (
    DemandBar,
    ForecastHistogram,
    TimelineRow,
    TornadoBar,
    ValueEffortPoint,
    demand_by_segment,
    forecast_histogram,
    roadmap_timeline,
    tornado,
    value_effort,
)

__all__ = [
    "DemandBar", "ForecastHistogram", "TimelineRow", "TornadoBar", "ValueEffortPoint", "demand_by_segment",
    "forecast_histogram", "roadmap_timeline", "tornado", "value_effort",
]
