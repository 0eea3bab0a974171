"""Server-side SVG charts from plain data: the same picture in the web UI, HTML briefs and PDF briefs."""

from tradeoff.charts.charts import (
    DemandBar,
    ForecastHistogram,
    TimelineRow,
    ValueEffortPoint,
    demand_by_segment,
    forecast_histogram,
    roadmap_timeline,
    value_effort,
)

__all__ = [
    "DemandBar", "ForecastHistogram", "TimelineRow", "ValueEffortPoint", "demand_by_segment",
    "forecast_histogram", "roadmap_timeline", "value_effort",
]
