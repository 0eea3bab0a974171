"""The inputs the scoring frameworks read, in words: the scale of each input a PM enters (unit, range and the
frameworks' standard values), what each input derived from other records means, and each framework's name.

One list serves the API schema, the web form's hints and pickers, the custom-formula help and the validator, so
they cannot drift apart. The scales are the frameworks' own: RICE impact on Intercom's 0.25–3 scale, confidence a
share 0–1, WSJF's components in relative points (modified Fibonacci 1–20), ICE ease 1–10, weighted criteria 0–10
points; effort and RICE's reach are not bounded above (person-weeks; a count).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tradeoff.core.formula import format_number
from tradeoff.core.scoring_weighted import STAGE_CRITERIA


@dataclass(frozen=True)
class Choice:
    """One of a framework's standard values and its word: (2, "high") on RICE's impact scale."""

    value: float
    word: str


@dataclass(frozen=True)
class Scale:
    """The scale of one entered input.

    label: the input in words. kind: what a number on it is ("a share", "person-weeks", "RICE points").
    low / high: the accepted range, inclusive (high None: no upper bound). note: the scale's meaning, e.g.
    "0.8 = 80%". choices: the framework's standard values, offered by a picker (any number in range is
    accepted). used_by: the frameworks that read it.
    """

    name: str
    label: str
    kind: str
    low: float
    high: float | None
    note: str = ""
    choices: tuple[Choice, ...] = ()
    used_by: tuple[str, ...] = ()
    unit: str = ""  # short, for a label: "person-weeks"; bounded scales show their range instead

    @property
    def short(self) -> str:
        """For a form label: the range of a bounded scale ('0–3'), the unit of an open one ('person-weeks')."""
        return self.range_text if self.high is not None or not self.unit else self.unit

    @property
    def range_text(self) -> str:
        """'0–1', '1–20', '0 or more'."""
        lo = format_number(self.low)
        return f"{lo}–{format_number(self.high)}" if self.high is not None else f"{lo} or more"

    @property
    def hint(self) -> str:
        """The unit and range for a form: 'RICE points 0–3: 0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive'."""
        text = f"{self.kind}, {self.range_text}"
        return f"{text}: {self.note}" if self.note else text

    def what(self) -> str:
        """'a share between 0 and 1 (0.8 = 80%)': what a value on this scale must be, for a refusal."""
        lo = format_number(self.low)
        body = (f"{self.kind} between {lo} and {format_number(self.high)}" if self.high is not None
                else f"{self.kind}, {lo} or more")
        return f"{body} ({self.note})" if self.note else body

    def refusal(self, value: float) -> str | None:
        """None when `value` is on the scale; else a message naming the input and its range."""
        if math.isfinite(value) and self.low <= value and (self.high is None or value <= self.high):
            return None
        return f"{self.label} is {self.what()}, got {format_number(value)}"

    def choice_word(self, value: float) -> str | None:
        """The word of a standard value (2 → 'high' for RICE impact), None for another number."""
        return next((c.word for c in self.choices if c.value == value), None)


FIBONACCI = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
_FIB_NOTE = "modified Fibonacci 1, 2, 3, 5, 8, 13, 20"
_CRITERION_NOTE = "10 = best"
_CRITERIA_WORDS = {
    "new_customer_demand": "new-customer demand",
    "reach": "reach",
    "arr_at_risk": "ARR at risk",
    "existing_customer_demand": "existing-customer demand",
    "cost_reduction": "cost reduction",
    "margin": "margin",
    "strategic_fit": "strategic fit",
}


def _fibonacci(name: str, label: str, note: str = _FIB_NOTE) -> Scale:
    return Scale(name, label, "relative points", 1.0, 20.0, note,
                 tuple(Choice(v, format_number(v)) for v in FIBONACCI), ("wsjf",))


SCALES: dict[str, Scale] = {s.name: s for s in (
    Scale("reach", "reach", "a count", 0.0, None, "customers or users it reaches", (), ("rice", "weighted"),
          "a count"),
    Scale("impact", "impact", "RICE points", 0.0, 3.0,
          "0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive",
          (Choice(0.25, "minimal"), Choice(0.5, "low"), Choice(1.0, "medium"), Choice(2.0, "high"),
           Choice(3.0, "massive")), ("rice", "ice")),
    Scale("confidence", "confidence", "a share", 0.0, 1.0, "0.8 = 80%; 1 high, 0.8 medium, 0.5 low",
          (Choice(1.0, "high (100%)"), Choice(0.8, "medium (80%)"), Choice(0.5, "low (50%)")), ("rice", "ice")),
    Scale("effort", "effort", "in person-weeks", 0.0, None, "5 person-days = 1 person-week", (),
          ("rice", "value_effort"), "person-weeks"),
    Scale("ease", "ease", "ICE points", 1.0, 10.0, "10 = easiest", (), ("ice",)),
    _fibonacci("business_value", "business value"),
    _fibonacci("time_criticality", "time criticality"),
    _fibonacci("risk_reduction", "risk reduction",
               _FIB_NOTE + "; opportunity enablement counts too"),
    _fibonacci("job_size", "job size"),
    Scale("value", "value", "a yearly amount (the workspace's currency) or points", 0.0, None,
          "the same kind for every feature", (), ("value_effort",), "a year, or points"),
    *(Scale(c, _CRITERIA_WORDS.get(c, c.replace("_", " ")), "criterion points", 0.0, 10.0, _CRITERION_NOTE, (),
            ("weighted",))
      for c in STAGE_CRITERIA if c != "reach"),
)}

# the inputs the frameworks read that come from other records, with what each means (formulas may use them)
DERIVED: dict[str, tuple[str, str]] = {
    "customers": ("customers", "distinct customers behind the feature (a count, from evidence)"),
    "arr": ("ARR", "ARR of the customers behind the feature, a yearly amount in the workspace's currency"),
    "evidence": ("evidence", "pieces of evidence linked (a count)"),
    "effort_weeks": ("business case effort", "the business case's likely effort, person-weeks"),
    "annual_value": ("annual value", "the business case's annual value P50, a yearly amount"),
    "total_cost": ("total cost", "the business case's total cost P50 over its horizon, an amount"),
    "npv": ("NPV", "the business case's net present value P50, an amount"),
    "roi": ("ROI", "the business case's ROI P50, a ratio: 6.55 = 655%"),
}
# shown beside the inputs, not readable by formulas: the engineers' estimate, when it cannot be turned into weeks
SHOWN_ONLY: dict[str, tuple[str, str]] = {
    "estimate_effort": ("engineers' estimate", "the engineers' likely effort, person-weeks"),
    "estimate_points": ("engineers' estimate", "the engineers' likely effort, story points"),
}


def label(name: str) -> str:
    """An input's name in words ('time_criticality' → 'time criticality', 'roi' → 'ROI')."""
    if name in SCALES:
        return SCALES[name].label
    if name in DERIVED:
        return DERIVED[name][0]
    if name in SHOWN_ONLY:
        return SHOWN_ONLY[name][0]
    return name.replace("_", " ")


def meaning(name: str) -> str:
    """What an input is, with its unit and range: for the formula help and the API schema."""
    if name in SCALES:
        return SCALES[name].hint
    if name in DERIVED:
        return DERIVED[name][1]
    return SHOWN_ONLY.get(name, ("", label(name)))[1]


def refusal(name: str, values: Sequence[float]) -> str | None:
    """The first value (a number, or low/likely/high) off `name`'s scale, as a message; None when all are on it
    or the input has no scale."""
    scale = SCALES.get(name)
    if scale is None:
        return None
    return next((msg for v in values if (msg := scale.refusal(v)) is not None), None)


# ---------------------------------------------------------------------------------------------- frameworks

BUILT_IN_NAMES = {"rice": "RICE", "ice": "ICE", "wsjf": "WSJF", "value_effort": "Value / effort",
                  "weighted": "Weighted criteria"}
_ACRONYMS = {"rice": "RICE", "ice": "ICE", "wsjf": "WSJF", "arr": "ARR", "mrr": "MRR", "roi": "ROI", "npv": "NPV",
             "nps": "NPS", "api": "API", "sso": "SSO", "okr": "OKR", "kpi": "KPI", "ltv": "LTV", "cac": "CAC"}


def framework_label(name: str) -> str:
    """A framework as people name it: 'RICE', 'Value / effort'; a team's formula from its name: 'money_per_week'
    → 'Money per week', 'rice_arr' → 'RICE (ARR)' (a built-in's name first: that framework, adjusted)."""
    if name in BUILT_IN_NAMES:
        return BUILT_IN_NAMES[name]
    words = [w for w in name.split("_") if w]
    if not words:
        return name
    shown = [_ACRONYMS.get(w, w) for w in words]
    if words[0] in BUILT_IN_NAMES and len(words) > 1:
        return f"{BUILT_IN_NAMES[words[0]]} ({' '.join(shown[1:])})"
    first = shown[0] if words[0] in _ACRONYMS else shown[0][:1].upper() + shown[0][1:]
    return " ".join([first, *shown[1:]])
