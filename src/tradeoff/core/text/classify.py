"""Text classification for feedback triage: kind (bug, feature request, ...) and sentiment.

The classifier is multinomial logistic regression (L2-regularised, fitted with L-BFGS) over TF-IDF word
and character n-grams, optionally concatenated with dense sentence embeddings given by the caller.
A brand-new workspace is fitted on the built-in seed set; a PM's corrections are added to it and
replace any seed example with the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tradeoff.core.text.lexical import (
    TfidfConfig,
    TfidfModel,
    fit_tfidf,
    normalise,
    transform_tfidf,
    word_tokens,
)
from tradeoff.core.text.seed import KINDS, NEGATIVE_WORDS, POSITIVE_WORDS, SEED_EXAMPLES

FloatArray = npt.NDArray[np.float64]
EmbedFn = Callable[[Sequence[str]], npt.NDArray[np.float32]]

__all__ = [
    "KINDS",
    "KindPrediction",
    "LabelledText",
    "Sentiment",
    "TextClassifier",
    "fit_kind_classifier",
    "kind_training_set",
    "fit_text_classifier",
    "predict",
    "pool_probabilities",
    "predict_proba",
    "sentiment",
    "to_predictions",
]


@dataclass(frozen=True)
class LabelledText:
    """One training example: a feedback text and the label a person gave it."""

    text: str
    label: str


@dataclass(frozen=True)
class KindPrediction:
    """The predicted label, its probability (0..1) and the probability of every class."""

    label: str
    confidence: float
    probabilities: Mapping[str, float]


@dataclass(frozen=True)
class TextClassifier:
    """A fitted classifier. `embedding_dim` is None when it was fitted without embeddings."""

    tfidf: TfidfModel
    classes: tuple[str, ...]
    weights: FloatArray  # (n_features, n_classes)
    bias: FloatArray  # (n_classes,)
    embedding_dim: int | None
    embedding_scale: float


DEFAULT_TFIDF = TfidfConfig(
    word_ngram=(1, 2), char_ngram=(2, 5), min_df=1, sublinear_tf=True, char_weight=0.5
)


def _design(
    clf_tfidf: TfidfModel, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None, scale: float
) -> sp.csr_matrix:
    lex = transform_tfidf(clf_tfidf, texts)
    if embeddings is None:
        return lex
    dense = sp.csr_matrix(np.asarray(embeddings, dtype=np.float32) * np.float32(scale))
    return sp.csr_matrix(sp.hstack([lex, dense], format="csr"))


def _softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


def _fit_logistic(
    x: sp.csr_matrix, y: npt.NDArray[np.int64], n_classes: int, c: float, sample_weight: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n, d = x.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0
    xt = x.T.tocsr()

    def loss_grad(theta: FloatArray) -> tuple[float, FloatArray]:
        w = theta[: d * n_classes].reshape(d, n_classes)
        b = theta[d * n_classes :]
        z = np.asarray(x @ w) + b
        zmax = z.max(axis=1, keepdims=True)
        logsum = np.log(np.exp(z - zmax).sum(axis=1, keepdims=True)) + zmax
        logp = z - logsum
        loss = -float(np.sum(sample_weight[:, None] * onehot * logp)) * c + 0.5 * float(np.sum(w * w))
        resid = (np.exp(logp) - onehot) * sample_weight[:, None] * c
        gw = np.asarray(xt @ resid) + w
        gb = resid.sum(axis=0)
        return loss, np.concatenate([gw.ravel(), gb])

    theta = _lbfgs(loss_grad, np.zeros(d * n_classes + n_classes))
    return theta[: d * n_classes].reshape(d, n_classes), theta[d * n_classes :]


def _lbfgs(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x0: FloatArray,
    *,
    memory: int = 10,
    max_iter: int = 300,
    gtol: float = 1e-4,
    ftol: float = 1e-7,
) -> FloatArray:
    """Minimise a smooth convex function with limited-memory BFGS and a backtracking (Armijo) line search.

    Written here because scipy's bounded L-BFGS-B spends most of its time in bookkeeping for the
    hundreds of thousands of unbounded weights a text classifier has.
    """
    x = x0.copy()
    f, g = fun(x)
    s_hist: list[FloatArray] = []
    y_hist: list[FloatArray] = []
    rho_hist: list[float] = []
    for _ in range(max_iter):
        if float(np.max(np.abs(g))) <= gtol:
            break
        q = g.copy()
        alphas: list[float] = []
        for s_i, y_i, r_i in zip(reversed(s_hist), reversed(y_hist), reversed(rho_hist), strict=True):
            a = r_i * float(s_i @ q)
            alphas.append(a)
            q -= a * y_i
        if s_hist:
            q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
        else:
            q /= max(1.0, float(np.linalg.norm(g)))
        for s_i, y_i, r_i, a in zip(s_hist, y_hist, rho_hist, reversed(alphas), strict=True):
            b = r_i * float(y_i @ q)
            q += (a - b) * s_i
        direction = -q
        slope = float(g @ direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            s_hist.clear()
            y_hist.clear()
            rho_hist.clear()
            direction = -g
            slope = -float(g @ g)
        step = 1.0
        for _ls in range(30):
            x_new = x + step * direction
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s_vec = x_new - x
        y_vec = g_new - g
        sy = float(s_vec @ y_vec)
        if sy > 1e-12:
            s_hist.append(s_vec)
            y_hist.append(y_vec)
            rho_hist.append(1.0 / sy)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
                rho_hist.pop(0)
        converged = abs(f - f_new) <= ftol * max(1.0, abs(f), abs(f_new))
        x, f, g = x_new, f_new, g_new
        if converged:
            break
    return x


def fit_text_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    embeddings: npt.NDArray[np.float32] | None = None,
    c: float = 4.0,
    sample_weight: Sequence[float] | None = None,
    tfidf_config: TfidfConfig | None = None,
    embedding_scale: float = 1.0,
) -> TextClassifier:
    """Fit a classifier on texts and their labels.

    texts, labels: equally long; at least two distinct labels.
    embeddings: optional (n_texts x d) unit-length vectors for the same texts, concatenated to TF-IDF.
    c: inverse regularisation strength (larger fits the training texts more closely).
    sample_weight: optional weight per example (e.g. a PM's correction counts twice a seed example).
    embedding_scale: multiplier of the embedding block relative to the unit-length TF-IDF block.
    """
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise ValueError("at least two distinct labels are needed to fit a classifier")
    if embeddings is not None and embeddings.shape[0] != len(texts):
        raise ValueError(f"{embeddings.shape[0]} embeddings for {len(texts)} texts")
    tfidf = fit_tfidf(texts, tfidf_config or DEFAULT_TFIDF)
    x = _design(tfidf, texts, embeddings, embedding_scale)
    index = {label: i for i, label in enumerate(classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    sw = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w, b = _fit_logistic(x, y, len(classes), c, sw)
    return TextClassifier(
        tfidf=tfidf,
        classes=classes,
        weights=w,
        bias=b,
        embedding_dim=None if embeddings is None else int(embeddings.shape[1]),
        embedding_scale=embedding_scale,
    )


def predict_proba(
    clf: TextClassifier, texts: Sequence[str], *, embeddings: npt.NDArray[np.float32] | None = None
) -> FloatArray:
    """Class probabilities (n_texts x len(clf.classes)); rows sum to 1."""
    if (clf.embedding_dim is None) != (embeddings is None):
        raise ValueError(
            "this classifier was fitted "
            + ("without" if clf.embedding_dim is None else f"with {clf.embedding_dim}-d")
            + " embeddings; pass the same kind to predict"
        )
    if embeddings is not None and embeddings.shape[1] != clf.embedding_dim:
        raise ValueError(f"expected {clf.embedding_dim}-d embeddings, got {embeddings.shape[1]}-d")
    if not texts:
        return np.zeros((0, len(clf.classes)))
    x = _design(clf.tfidf, texts, embeddings, clf.embedding_scale)
    return _softmax(np.asarray(x @ clf.weights) + clf.bias)


def predict(
    clf: TextClassifier, texts: Sequence[str], *, embeddings: npt.NDArray[np.float32] | None = None
) -> list[KindPrediction]:
    """The most probable label of each text, with its probability as confidence."""
    return to_predictions(clf.classes, predict_proba(clf, texts, embeddings=embeddings))


def to_predictions(classes: Sequence[str], proba: FloatArray) -> list[KindPrediction]:
    """One KindPrediction per row of class probabilities (columns in the order of `classes`)."""
    out: list[KindPrediction] = []
    for row in proba:
        best = int(np.argmax(row))
        out.append(
            KindPrediction(
                label=classes[best],
                confidence=float(row[best]),
                probabilities={c: float(p) for c, p in zip(classes, row, strict=True)},
            )
        )
    return out


def kind_training_set(
    corrections: Sequence[LabelledText] = (), *, correction_weight: float = 2.0
) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and weights a workspace's kind classifier learns from: the built-in seed examples plus the
    PM's corrections. A correction whose normalised text equals a seed example replaces that example.

    corrections: texts whose kind a person set or fixed; labels must be among KINDS.
    correction_weight: weight of each correction relative to a seed example (>= 1 lets a few corrections
        outvote the seed set).
    """
    for i, item in enumerate(corrections):
        if item.label not in KINDS:
            raise ValueError(f"correction {i}: kind {item.label!r} is not one of {', '.join(KINDS)}")
    corrected = {normalise(item.text) for item in corrections}
    seed = [ex for ex in SEED_EXAMPLES if normalise(ex.text) not in corrected]
    texts = [ex.text for ex in seed] + [item.text for item in corrections]
    labels = [ex.label for ex in seed] + [item.label for item in corrections]
    weights = [1.0] * len(seed) + [correction_weight] * len(corrections)
    return texts, labels, weights


def pool_probabilities(
    first: FloatArray, first_classes: Sequence[str], second: FloatArray, second_classes: Sequence[str]
) -> FloatArray:
    """Two classifiers' class probabilities pooled into one: their geometric mean, renormalised (log-linear
    pooling with equal weights), columns in the order of `first_classes`. Both must know the same classes."""
    if set(first_classes) != set(second_classes) or len(first_classes) != len(second_classes):
        raise ValueError(f"classes differ: {sorted(first_classes)} and {sorted(second_classes)}")
    if first.shape != second.shape:
        raise ValueError(f"shapes differ: {first.shape} and {second.shape}")
    order = [list(second_classes).index(c) for c in first_classes]
    pooled = 0.5 * (np.log(np.clip(first, 1e-12, 1.0)) + np.log(np.clip(second[:, order], 1e-12, 1.0)))
    pooled -= pooled.max(axis=1, keepdims=True)
    p: FloatArray = np.exp(pooled)
    out: FloatArray = p / p.sum(axis=1, keepdims=True)
    return out


def fit_kind_classifier(
    corrections: Sequence[LabelledText] = (),
    *,
    embed: EmbedFn | None = None,
    correction_weight: float = 2.0,
    c: float = 4.0,
) -> TextClassifier:
    """Fit the workspace's feedback-kind classifier on `kind_training_set(corrections)`.

    embed: optional function turning texts into unit-length vectors (the optional local model); when
        given, predictions must pass embeddings made by the same function.
    """
    texts, labels, weights = kind_training_set(corrections, correction_weight=correction_weight)
    embeddings = embed(texts) if embed is not None else None
    return fit_text_classifier(texts, labels, embeddings=embeddings, c=c, sample_weight=weights)


@dataclass(frozen=True)
class Sentiment:
    """`label` is negative, neutral or positive; `score` in [-1, 1] (sign = direction)."""

    label: str
    score: float


_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "can't",
        "cannot",
        "won't",
        "without",
        "hardly",
        "aren't",
        "couldn't",
        "wouldn't",
        "nothing",
    }
)


def sentiment(text: str, *, neutral_band: float = 0.1) -> Sentiment:
    """Lexicon sentiment: +1 per positive word, -1 per negative word, flipped after a negator
    ("not great") within the next three words; score = sum / sqrt(count + 4), clipped to [-1, 1].
    Scores within ±neutral_band are neutral."""
    tokens = word_tokens(text)
    total = 0.0
    hits = 0
    flip_left = 0
    for tok in tokens:
        if tok in _NEGATORS:
            flip_left = 3
            continue
        polarity = 1.0 if tok in POSITIVE_WORDS else -1.0 if tok in NEGATIVE_WORDS else 0.0
        if polarity:
            if flip_left > 0:
                polarity = -polarity
            total += polarity
            hits += 1
        flip_left = max(flip_left - 1, 0)
    score = max(-1.0, min(1.0, total / float(np.sqrt(hits + 4)))) if hits else 0.0
    label = "positive" if score > neutral_band else "negative" if score < -neutral_band else "neutral"
    return Sentiment(label=label, score=score)


def survey_sentiment(kind: str | None, score: int | None) -> Sentiment | None:
    """What a survey answer's score says of the mood, which outweighs the words of its comment ("0 — fix it or we
    leave" is negative whatever the lexicon finds): NPS detractors (0-6) negative, passives (7-8) neutral, promoters
    (9-10) positive; CSAT 1-2 negative, 3 neutral, 4-5 positive, with a score on [-1, 1] as strong as the answer.
    None without a score."""
    if score is None or kind not in ("nps", "csat"):
        return None
    if kind == "nps":  # detractors -1 (0) to -1/7 (6), passives 0, promoters 0.5 (9) and 1 (10)
        return Sentiment("negative", -(7 - score) / 7) if score <= 6 else \
            Sentiment("neutral", 0.0) if score <= 8 else Sentiment("positive", (score - 8) / 2)
    return Sentiment("negative", -(3 - score) / 2) if score <= 2 else \
        Sentiment("neutral", 0.0) if score == 3 else Sentiment("positive", (score - 3) / 2)


# A text that says what it is ("Question: can audit logs be kept 7 years?", "Bug - export times out") was
# labelled by whoever wrote it: that label is taken as given, whatever the classifier would guess.
_SAID_KINDS = {
    "question": "question", "q": "question", "bug": "bug", "bug report": "bug", "defect": "bug",
    "feature request": "feature_request", "feature": "feature_request", "fr": "feature_request",
    "request": "feature_request", "idea": "feature_request", "praise": "praise", "kudos": "praise",
}
_SAID = re.compile(r"^\s*[\[(]?\s*(" + "|".join(sorted(map(re.escape, _SAID_KINDS), key=len, reverse=True))
                   + r")\s*[\])]?\s*(?::|-|–|—)\s*\S", re.IGNORECASE)


def said_kind(text: str) -> str | None:
    """The kind a text names at its start ("Question:", "[Bug] -", "Feature request —"), or None."""
    m = _SAID.match(text)
    return _SAID_KINDS[m.group(1).lower()] if m else None


def with_said_kinds(texts: Sequence[str], predictions: Sequence[KindPrediction]) -> list[KindPrediction]:
    """`predictions` with each text that names its own kind (`said_kind`, a kind among the classifier's) given
    that kind for sure."""
    out = []
    for text, p in zip(texts, predictions, strict=True):
        said = said_kind(text)
        if said is None or said not in p.probabilities or said == p.label and p.confidence == 1.0:
            out.append(p)
            continue
        out.append(KindPrediction(label=said, confidence=1.0,
                                  probabilities={c: 1.0 if c == said else 0.0 for c in p.probabilities}))
    return out
