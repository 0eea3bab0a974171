"""A field error's value is given back as JSON can carry it, whatever the service put in it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from tradeoff.errors import FieldError


def test_a_field_errors_value_is_always_json() -> None:
    for value, shown in ((Decimal("1000.00"), "1000.00"), (date(2027, 1, 5), "2027-01-05"), (3, 3), ("x", "x"),
                         ([1, "a"], [1, "a"])):
        assert json.loads(json.dumps(FieldError(["body", "arr"], "bad", value).as_dict()))["value"] == shown
    assert "value" not in FieldError(["body"], "missing").as_dict()
