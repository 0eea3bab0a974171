"""`without_names` with more customers' names than `re` keeps compiled (themes compare 2,000 items of up to as many
customers): the same text as removing each name with its own pattern."""

from __future__ import annotations

import re

from tradeoff.core.text.duplicates import NAME_WORD_MIN, without_names


def _reference(text: str, names: list[str]) -> str:
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE)
        first = name.split()[0]
        if len(first) >= NAME_WORD_MIN:
            text = re.sub(rf"(?<![\w-]){re.escape(first)}(?![\w-])", " ", text, flags=re.IGNORECASE)
    return text


def test_names_are_left_out_the_same_way_however_many_there_are() -> None:
    names = [f"Westmark{i} Freight" for i in range(700)] + [f"Acme{i}" for i in range(700)] + ["C++ Ltd.", "  ", ""]
    for i in range(0, 1400, 7):
        text = f"{names[i]} asked again: westmark{i} wants CSV export; Westmark{i}-Freight too; C++ Ltd. as well"
        assert without_names(text, [names[i], "C++ Ltd.", ""]) == _reference(text, [names[i], "C++ Ltd.", ""])
    assert without_names("Westmark Freight needs SSO", ["Westmark Freight"]).split() == ["needs", "SSO"]
