"""Kind classifier (logistic regression on TF-IDF [+ embeddings]) and lexicon sentiment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.text.classify import (
    KINDS,
    KindPrediction,
    LabelledText,
    fit_kind_classifier,
    fit_text_classifier,
    kind_training_set,
    pool_probabilities,
    predict,
    predict_proba,
    said_kind,
    sentiment,
    survey_sentiment,
    to_predictions,
    with_said_kinds,
)
from tradeoff.core.text.seed import SEED_EXAMPLES


@pytest.fixture(scope="module")
def seed_clf():  # type: ignore[no-untyped-def]
    return fit_kind_classifier()


def test_seed_set_covers_every_kind_with_a_few_dozen_examples() -> None:
    for kind in KINDS:
        assert sum(1 for ex in SEED_EXAMPLES if ex.label == kind) >= 24


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The report export crashes with an error every time", "bug"),
        ("Please add an integration with Jira", "feature_request"),
        ("Thanks, the new dashboard is great!", "praise"),
        ("How do I change the owner of a project?", "question"),
    ],
)
def test_seed_classifier_gives_sensible_kinds(seed_clf, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    (pred,) = predict(seed_clf, [text])
    assert pred.label == kind
    assert 0.0 < pred.confidence <= 1.0
    assert abs(sum(pred.probabilities.values()) - 1.0) < 1e-9
    assert pred.confidence == max(pred.probabilities.values())


def test_corrections_override_the_seed() -> None:
    text = "Sending over the signed order form."  # a seed 'other' example
    fixed = fit_kind_classifier([LabelledText(text, "question")] * 3, correction_weight=5.0)
    assert predict(fixed, [text])[0].label == "question"


def test_corrections_with_unknown_kind_rejected() -> None:
    with pytest.raises(ValueError, match="not one of"):
        fit_kind_classifier([LabelledText("x", "spam")])


def test_embeddings_are_used_when_given() -> None:
    texts = ["aaa", "bbb", "ccc", "ddd"]
    labels = ["x", "x", "y", "y"]
    # The words carry no signal; the label lives in the embedding's sign only.
    emb = np.array([[1, 0], [1, 0], [-1, 0], [-1, 0]], dtype=np.float32)
    clf = fit_text_classifier(texts, labels, embeddings=emb, c=10.0, embedding_scale=2.0)
    proba = predict_proba(clf, ["zzz", "zzz"], embeddings=np.array([[1, 0], [-1, 0]], dtype=np.float32))
    assert clf.classes[int(np.argmax(proba[0]))] == "x"
    assert clf.classes[int(np.argmax(proba[1]))] == "y"
    with pytest.raises(ValueError, match="embeddings"):
        predict_proba(clf, ["zzz"])


def test_fit_needs_two_labels() -> None:
    with pytest.raises(ValueError, match="two distinct labels"):
        fit_text_classifier(["a", "b"], ["x", "x"])


def test_separable_training_data_is_fitted() -> None:
    texts = [f"invoice total wrong {i}" for i in range(5)] + [f"add dark mode please {i}" for i in range(5)]
    labels = ["bug"] * 5 + ["feature_request"] * 5
    clf = fit_text_classifier(texts, labels)
    assert [p.label for p in predict(clf, texts)] == labels


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love this product, great support", "positive"),
        ("The export is broken and slow", "negative"),
        ("It is not great", "negative"),
        ("The call is on Tuesday", "neutral"),
    ],
)
def test_sentiment(text: str, label: str) -> None:
    assert sentiment(text).label == label


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_sentiment_score_bounded(text: str) -> None:
    s = sentiment(text)
    assert -1.0 <= s.score <= 1.0
    assert s.label in {"negative", "neutral", "positive"}


def test_training_set_is_seed_plus_corrections_and_a_correction_replaces_its_seed_twin() -> None:
    seed_text = SEED_EXAMPLES[0].text
    texts, labels, weights = kind_training_set(
        [LabelledText(seed_text.upper() + "  ", "other"), LabelledText("brand new words", "bug")], correction_weight=3.0)
    assert len(texts) == len(SEED_EXAMPLES) - 1 + 2
    assert seed_text not in texts and texts[-2:] == [seed_text.upper() + "  ", "brand new words"]
    assert labels[-2:] == ["other", "bug"] and weights[-2:] == [3.0, 3.0] and set(weights[:-2]) == {1.0}


def _rows(n_classes: int) -> st.SearchStrategy[list[list[float]]]:
    row = st.lists(st.floats(0.001, 1.0), min_size=n_classes, max_size=n_classes)
    return st.lists(row, min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(_rows(3), _rows(3))
def test_pooled_probabilities_are_a_distribution_and_follow_the_class_names(a: list[list[float]],
                                                                            b: list[list[float]]) -> None:
    n = min(len(a), len(b))
    p = np.array(a[:n]) / np.array(a[:n]).sum(axis=1, keepdims=True)
    q = np.array(b[:n]) / np.array(b[:n]).sum(axis=1, keepdims=True)
    pooled = pool_probabilities(p, ("x", "y", "z"), q, ("x", "y", "z"))
    assert np.allclose(pooled.sum(axis=1), 1.0) and (pooled > 0).all()
    # the second model's columns in another order give the same answer
    same = pool_probabilities(p, ("x", "y", "z"), q[:, [2, 0, 1]], ("z", "x", "y"))
    assert np.allclose(pooled, same)
    # pooling with a uniform opinion keeps the first model's ranking (geometric mean: proportional to sqrt(p))
    flat = pool_probabilities(p, ("x", "y", "z"), np.full_like(q, 1 / 3), ("x", "y", "z"))
    assert np.allclose(flat, np.sqrt(p) / np.sqrt(p).sum(axis=1, keepdims=True))
    # when both agree on the most probable class, the pool does too
    agree = (p.argmax(axis=1) == q.argmax(axis=1))
    assert (pooled.argmax(axis=1)[agree] == p.argmax(axis=1)[agree]).all()


def test_pooling_refuses_different_classes() -> None:
    with pytest.raises(ValueError, match="classes differ"):
        pool_probabilities(np.full((1, 2), 0.5), ("a", "b"), np.full((1, 2), 0.5), ("a", "c"))


def test_to_predictions_takes_the_most_probable_class() -> None:
    (pred,) = to_predictions(("bug", "praise"), np.array([[0.3, 0.7]]))
    assert pred.label == "praise" and pred.confidence == 0.7 and pred.probabilities == {"bug": 0.3, "praise": 0.7}


@pytest.mark.parametrize(("kind", "score", "label"), [
    ("nps", 0, "negative"), ("nps", 6, "negative"), ("nps", 7, "neutral"), ("nps", 8, "neutral"),
    ("nps", 9, "positive"), ("nps", 10, "positive"), ("csat", 1, "negative"), ("csat", 2, "negative"),
    ("csat", 3, "neutral"), ("csat", 4, "positive"), ("csat", 5, "positive"), ("nps", None, None), (None, 5, None)])
def test_a_survey_score_says_the_mood(kind: str | None, score: int | None, label: str | None) -> None:
    mood = survey_sentiment(kind, score)
    assert (mood.label if mood else None) == label
    if mood:
        assert -1 <= mood.score <= 1 and (mood.score > 0) == (label == "positive")


@pytest.mark.parametrize(("text", "kind"), [
    ("Question: can audit logs be kept for 7 years?", "question"),
    ("[Bug] - export times out on 10k rows", "bug"),
    ("Feature request — bulk send invoices", "feature_request"),
    ("  q: is SSO on the starter plan?", "question"),
    ("Kudos: the new dunning flow is great", "praise"),
    ("Bug report: PDF totals are wrong", "bug"),
])
def test_a_text_that_names_its_kind_is_taken_at_its_word(text: str, kind: str) -> None:
    assert said_kind(text) == kind
    guessed = KindPrediction("other", 0.6, {"bug": 0.1, "feature_request": 0.1, "praise": 0.1, "question": 0.1,
                                            "other": 0.6})
    (p,) = with_said_kinds([text], [guessed])
    assert p.label == kind and p.confidence == 1.0 and sum(p.probabilities.values()) == 1.0


@pytest.mark.parametrize("text", [
    "Q3 - numbers look off", "The bug in export is back", "questionable: why so slow", "Bugfix release: thanks",
    "feature flags would help", "",
])
def test_a_kind_word_that_is_not_a_label_changes_nothing(text: str) -> None:
    assert said_kind(text) is None
    guessed = KindPrediction("bug", 0.7, {"bug": 0.7, "question": 0.3})
    assert with_said_kinds([text], [guessed]) == [guessed]


@given(st.text(max_size=200))
def test_said_kinds_keep_every_prediction_whole(text: str) -> None:
    guessed = KindPrediction("bug", 0.7, {"bug": 0.7, "question": 0.3})
    (p,) = with_said_kinds([text], [guessed])
    assert p.label in guessed.probabilities and abs(sum(p.probabilities.values()) - 1.0) < 1e-9
