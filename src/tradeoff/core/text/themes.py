"""Themes: group unlinked feedback into clusters, each labelled with the items' own words."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.cluster.hierarchy as hierarchy
from scipy.spatial.distance import squareform

from tradeoff.core.text.lexical import STOP_WORDS, TfidfConfig, fit_tfidf, transform_tfidf

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


# Words a label should not be made of, besides the stop words: contractions, greetings, and the words every
# request is phrased with ("we need", "please add", "would like") rather than what it is about.
LABEL_FILLER: frozenset[str] = STOP_WORDS | frozenset([
    "can't", "cannot", "don't", "doesn't", "didn't", "won't", "wouldn't", "isn't", "aren't", "wasn't", "haven't",
    "hasn't", "i'm", "i've", "i'd", "we're", "we've", "we'd", "we'll", "you're", "it's", "that's", "there's",
    "let's", "they're", "please", "need", "needs", "needed", "want", "wants", "wanted", "like", "would", "could",
    "get", "gets", "got", "getting", "make", "makes", "made", "use", "using", "used", "really", "still", "even",
    "every", "way", "thing", "things", "lot", "lots", "also", "us", "let", "able", "hi", "hello", "thanks", "thank",
    "yes", "ok", "okay", "said", "say", "says", "tell", "told", "asked", "ask", "asks", "mentioned", "call", "week",
    "weeks", "month", "months", "day", "days", "today", "yesterday", "time", "bit", "much", "many", "well", "good",
    "great", "new", "one", "two", "see", "seems", "seem", "feel", "know", "think", "go", "going", "try", "tried",
    "add", "added", "currently", "right", "now", "already", "always", "never", "something", "anything",
    "everything", "someone", "someone's", "etc", "e.g", "i.e", "regards", "cheers", "thx", "best", "hey", "dear",
    "morning", "afternoon", "subject", "re", "fwd", "ticket", "notes", "note", "transcript", "chat", "interview",
    "discovery", "complaint", "request", "question", "team", "heads", "small", "urgent", "quick",
    "heard", "hear", "says", "wrote", "writes", "asking", "wondering", "anyway", "otherwise", "though",
])
# Contractions a tokeniser split (Penn Treebank text, as in many review and forum exports: "ca n't", "wo n't",
# "gon na"): the pieces carry no topic and are never label words. A stem is a piece only beside its other half, so
# "CA" in "custom CA certificate" stays a word.
NEGATION_PIECE = "n't"
NEGATED_STEMS: frozenset[str] = frozenset(["ca", "wo", "sha", "ai"])  # "ca n't" is "can't"; "do n't" is stop words
SPLIT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [("gon", "na"), ("wan", "na"), ("got", "ta"), ("gim", "me"), ("lem", "me")])
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”«»/|\n\u2013\u2014]|\s-\s")
_LABEL_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def label_terms(text: str) -> dict[str, str]:
    """The terms a theme label can be made of, from one text: its content words and the pairs of content words
    next to each other in one phrase (no stop word or punctuation between), each lower-cased as a key, with its
    surface form as written ("NetSuite sync"). Numbers, single letters and filler words are never terms."""
    norm = unicodedata.normalize("NFKC", text)
    found = list(_LABEL_WORD.finditer(norm))
    words = [m.group().replace("’", "'") for m in found]
    # a pair never spans a sentence or clause: "... last year. Otherwise ..." gives no "year Otherwise"
    joined = [i + 1 < len(found) and not _PHRASE_BREAK.search(norm[found[i].end():found[i + 1].start()])
              for i in range(len(found))]
    low = [w.lower() for w in words]
    piece = [_contraction_piece(low, i) for i in range(len(low))]
    keep = [len(w) > 1 and not any(ch.isdigit() for ch in w) and low[i] not in LABEL_FILLER and not piece[i]
            for i, w in enumerate(words)]
    out: dict[str, str] = {}
    for i, w in enumerate(words):
        if keep[i]:
            out.setdefault(w.lower(), w)
            if joined[i] and keep[i + 1]:
                pair = f"{w} {words[i + 1]}"
                out.setdefault(pair.lower(), pair)
    return out


def _contraction_piece(words: Sequence[str], i: int) -> bool:
    """Whether lower-cased `words[i]` is a piece of a contraction split in two ("n't", the "ca" of "ca n't", either
    half of "gon na")."""
    w = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    before = words[i - 1] if i else ""
    return (w == NEGATION_PIECE or (w in NEGATED_STEMS and after == NEGATION_PIECE)
            or (w, after) in SPLIT_PAIRS or (before, w) in SPLIT_PAIRS)


def _stem(word: str) -> str:
    """A word and its plural alike ("customer", "customers"), for keeping a label's terms apart."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _label(members: npt.NDArray[np.intp], docs: Sequence[dict[str, str]], df: Counter[str], n: int,
           count: int) -> list[str]:
    """A theme's label terms: share of its members using a term, times how rare the term is overall (a pair of
    words a little more than a single word); a term must be used by two members (by one only when no term is
    shared); no two terms share a word (a plural counts as its singular).
    Each is shown in the form most of its members wrote it."""
    inside: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for m in members:
        for key, form in docs[int(m)].items():
            inside[key] += 1
            forms.setdefault(key, Counter())[form] += 1
    shared = min(2, members.size)
    if not any(cnt >= shared for cnt in inside.values()):
        shared = 1  # no two members share a term: the rarest words of any, rather than no label
    scored = sorted(
        (-(cnt / members.size) * math.log((1 + n) / (1 + df[t])) * (1.15 if " " in t else 1.0), t)
        for t, cnt in inside.items()
        if cnt >= shared
    )
    chosen: list[str] = []
    used: set[str] = set()
    for _, term in scored:
        stems = {_stem(w) for w in term.split()}
        if stems & used:
            continue
        chosen.append(term)
        used |= stems
        if len(chosen) == count:
            break
    return [forms[t].most_common(1)[0][0] for t in chosen]


def cluster_themes(
    texts: Sequence[str],
    embeddings: F32 | None = None,
    *,
    max_distance: float | None = None,
    min_size: int = 2,
    label_terms_count: int = 3,
    label_texts: Sequence[str] | None = None,
) -> list[Theme]:
    """Cluster texts by average-linkage agglomeration on cosine distance; largest theme first.

    texts: the feedback texts (at most MAX_THEME_TEXTS).
    embeddings: optional (n x d) unit-length vectors for the texts; without them TF-IDF word and
        character n-grams are used.
    max_distance: merge groups while their average cosine distance (1 - cosine) is below this;
        default 0.55 with embeddings, 0.8 with TF-IDF (lexical vectors of related texts share fewer features).
    min_size: smaller groups are left out (they are not themes yet).
    label_terms_count: number of distinctive terms in each label.
    label_texts: the texts labels are made from, when not `texts` themselves (the texts without customers' names:
        who asked is not what a theme is about).
    Deterministic: no randomness involved.
    """
    n = len(texts)
    if n > MAX_THEME_TEXTS:
        raise ValueError(f"at most {MAX_THEME_TEXTS} texts can be clustered at once, got {n}")
    if n < max(2, min_size):
        return []
    vec = _vectors(texts, embeddings)
    limit = max_distance if max_distance is not None else (0.55 if embeddings is not None else 0.8)
    dist = vec @ vec.T  # in place from here: 2,000 texts make a 32 MB matrix, each copy of it costs
    np.subtract(1.0, dist, out=dist)
    np.clip(dist, 0.0, 2.0, out=dist)
    np.fill_diagonal(dist, 0.0)
    tree = hierarchy.linkage(squareform(dist, checks=False), method="average")
    assign = hierarchy.fcluster(tree, t=limit, criterion="distance")

    label_docs = [label_terms(t) for t in (label_texts if label_texts is not None else texts)]
    df: Counter[str] = Counter()
    for terms in label_docs:
        df.update(terms.keys())

    themes: list[Theme] = []
    for cluster in np.unique(assign):
        members = np.flatnonzero(assign == cluster)
        if members.size < min_size:
            continue
        chosen = _label(members, label_docs, df, n, label_terms_count)
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
