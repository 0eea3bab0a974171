"""Themes: group unlinked feedback into clusters, each labelled with the items' own words."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.cluster.hierarchy as hierarchy
from scipy.spatial.distance import squareform

from tradeoff.core.text.lexical import TfidfConfig, fit_tfidf, transform_tfidf, word_ngrams, word_tokens

F32 = npt.NDArray[np.float32]

MAX_THEME_TEXTS = 5000


@dataclass(frozen=True)
class Theme:
    """A group of similar texts.

    label: a few distinctive terms of the members joined by " · " (their own words).
    member_indices: positions in the input list, ascending.
    terms: the distinctive terms, best first.
    representative: position of the member closest to the group's centre (a good quote to show).
    """

    label: str
    member_indices: tuple[int, ...]
    terms: tuple[str, ...]
    representative: int


def _vectors(texts: Sequence[str], embeddings: F32 | None) -> npt.NDArray[np.float64]:
    if embeddings is not None:
        if embeddings.shape[0] != len(texts):
            raise ValueError(f"{embeddings.shape[0]} embeddings for {len(texts)} texts")
        vec = np.asarray(embeddings, dtype=np.float64)
    else:
        model = fit_tfidf(texts, TfidfConfig(word_ngram=(1, 2), char_ngram=(3, 5), char_weight=0.4))
        vec = np.asarray(transform_tfidf(model, texts).toarray(), dtype=np.float64)
    norms = np.linalg.norm(vec, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: npt.NDArray[np.float64] = vec / norms
    return out


def _terms(tokens: Sequence[str]) -> set[str]:
    return {t for t in word_ngrams(tokens, 1, 2) if not t.isdigit()}


def cluster_themes(
    texts: Sequence[str],
    embeddings: F32 | None = None,
    *,
    max_distance: float | None = None,
    min_size: int = 2,
    label_terms: int = 3,
) -> list[Theme]:
    """Cluster texts by average-linkage agglomeration on cosine distance; largest theme first.

    texts: the feedback texts (at most MAX_THEME_TEXTS).
    embeddings: optional (n x d) unit-length vectors for the texts; without them TF-IDF word and
        character n-grams are used.
    max_distance: merge groups while their average cosine distance (1 - cosine) is below this;
        default 0.55 with embeddings, 0.8 with TF-IDF (lexical vectors of related texts share fewer features).
    min_size: smaller groups are left out (they are not themes yet).
    label_terms: number of distinctive terms in each label.
    Deterministic: no randomness involved.
    """
    n = len(texts)
    if n > MAX_THEME_TEXTS:
        raise ValueError(f"at most {MAX_THEME_TEXTS} texts can be clustered at once, got {n}")
    if n < max(2, min_size):
        return []
    vec = _vectors(texts, embeddings)
    limit = max_distance if max_distance is not None else (0.55 if embeddings is not None else 0.8)
    dist = np.clip(1.0 - vec @ vec.T, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = hierarchy.linkage(squareform(dist, checks=False), method="average")
    assign = hierarchy.fcluster(tree, t=limit, criterion="distance")

    tokens = [word_tokens(t, drop_stop_words=True) for t in texts]
    doc_terms = [_terms(toks) for toks in tokens]
    df: Counter[str] = Counter()
    for terms in doc_terms:
        df.update(terms)

    themes: list[Theme] = []
    for cluster in np.unique(assign):
        members = np.flatnonzero(assign == cluster)
        if members.size < min_size:
            continue
        inside: Counter[str] = Counter()
        for m in members:
            inside.update(doc_terms[int(m)])
        # Share of members using the term, times how rare it is overall; a term needs two members.
        scored = sorted(
            ((cnt / members.size) * math.log((1 + n) / (1 + df[t])) * (1.15 if " " in t else 1.0), t)
            for t, cnt in inside.items()
            if cnt >= min(2, members.size)
        )
        chosen: list[str] = []
        for _, term in sorted(scored, key=lambda st: (-st[0], st[1])):
            if any(term in c.split() or c in term.split() or term in c for c in chosen):
                continue
            if any(set(term.split()) & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == label_terms:
                break
        centre = vec[members].mean(axis=0)
        rep = int(members[int(np.argmax(vec[members] @ centre))])
        label = " · ".join(chosen) if chosen else " ".join(texts[rep].split()[:8])
        themes.append(
            Theme(
                label=label,
                member_indices=tuple(int(m) for m in members),
                terms=tuple(chosen),
                representative=rep,
            )
        )
    themes.sort(key=lambda th: (-len(th.member_indices), th.member_indices[0]))
    return themes
