"""The demo workspace every user sees on first run: "Ledgerly", a B2B invoicing and payments product.

`build_demo(anchor=today, seed=7)` returns plain frozen records (`DemoData`); services load them.
"""

from tradeoff.demo.content import build_demo
from tradeoff.demo.records import (
    DemoComment,
    DemoCustomer,
    DemoData,
    DemoFeature,
    DemoFeedback,
    DemoLink,
    DemoProblem,
    DemoProduct,
    DemoUser,
)

__all__ = [
    "DemoComment",
    "DemoCustomer",
    "DemoData",
    "DemoFeature",
    "DemoFeedback",
    "DemoLink",
    "DemoProblem",
    "DemoProduct",
    "DemoUser",
    "build_demo",
]
