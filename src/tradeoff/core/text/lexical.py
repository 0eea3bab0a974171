"""Lexical text features: tokens, TF-IDF (word + character n-grams), BM25 and hashed dense vectors.

Everything here is pure: texts in, numpy/scipy arrays out. Vocabularies are learnt from the texts
given to ``fit_tfidf``; nothing is downloaded and no global state is kept.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.$][A-Za-z_][A-Za-z0-9_]*)*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _words(block: str) -> list[str]:
    return block.split()


# Words that carry no topic. Deliberately short: negations ("not", "no", "can't") are NOT here
# because "cannot log in" and "can log in" must differ for triage.
STOP_WORDS: frozenset[str] = frozenset(
    _words(
        """a an the and or but if then so of to in on at by for from with as is are was were be been being
    it its this that these those there here i me my we our you your he she they them their his her
    do does did have has had will would shall should can could may might must am
    what which who whom when where why how all any some such than too very just also into about
    up out over again once only own same other more most s t d ll m re ve"""
    )
)


def normalise(text: str) -> str:
    """Unicode NFKC, lower case, collapsed whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def word_tokens(text: str, *, drop_stop_words: bool = False) -> list[str]:
    """Lower-case word tokens (letters and digits; apostrophes kept inside words: "can't")."""
    words = _WORD.findall(normalise(text).replace("\u2019", "'"))
    if drop_stop_words:
        return [w for w in words if w not in STOP_WORDS]
    return words


def code_tokens(text: str) -> list[str]:
    """Identifier-aware tokens for technical text (issue trackers, stack traces).

    ``FSDownload.java`` gives ``fsdownload.java``, ``fsdownload``, ``java``, ``fs``, ``download``:
    the whole dotted name, each dotted part and each camel-case piece, all lower case, stop words dropped.
    """
    out: list[str] = []
    for ident in _IDENT.findall(unicodedata.normalize("NFKC", text)):
        low = ident.lower()
        parts = re.split(r"[.$]", ident)
        if len(parts) > 1:
            out.append(low)
        for part in parts:
            pl = part.lower()
            if pl and pl not in STOP_WORDS:
                out.append(pl)
            pieces = _CAMEL.findall(part.replace("_", " "))
            if len(pieces) > 1:
                out.extend(p.lower() for p in pieces if len(p) > 1 and p.lower() not in STOP_WORDS)
    return out


def word_ngrams(tokens: Sequence[str], n_min: int = 1, n_max: int = 2) -> list[str]:
    """Word n-grams joined by a space, for n in [n_min, n_max]."""
    out: list[str] = []
    for n in range(n_min, n_max + 1):
        if n == 1:
            out.extend(tokens)
        else:
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_ngrams(text: str, n_min: int = 2, n_max: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (each word padded with spaces), as in "char_wb"."""
    out: list[str] = []
    for word in normalise(text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(n_min, n_max + 1):
            if n > length:
                break
            out.extend(padded[i : i + n] for i in range(length - n + 1))
    return out


@dataclass(frozen=True)
class TfidfConfig:
    """Which features a TF-IDF model uses.

    word_ngram: (min, max) word n-gram lengths, or None for no word block.
    char_ngram: (min, max) character n-gram lengths, or None for no character block.
    min_df: a feature must occur in at least this many fitted texts.
    sublinear_tf: use 1 + log(tf) instead of raw counts.
    char_weight: relative weight of the character block when both blocks are used (0..1).
    code_aware: add identifier-aware tokens (camel case, dotted names) to the word block.
    """

    word_ngram: tuple[int, int] | None = (1, 2)
    char_ngram: tuple[int, int] | None = (2, 5)
    min_df: int = 1
    sublinear_tf: bool = True
    char_weight: float = 0.5
    code_aware: bool = False


@dataclass(frozen=True)
class TfidfModel:
    """A fitted TF-IDF vocabulary: feature -> column, and the smoothed idf of each column."""

    config: TfidfConfig
    word_vocab: Mapping[str, int]
    word_idf: FloatArray
    char_vocab: Mapping[str, int]
    char_idf: FloatArray

    @property
    def n_features(self) -> int:
        return len(self.word_vocab) + len(self.char_vocab)


def _word_features(text: str, config: TfidfConfig) -> list[str]:
    if config.word_ngram is None:
        return []
    lo, hi = config.word_ngram
    feats = word_ngrams(word_tokens(text), lo, hi)
    if config.code_aware:
        feats.extend("§" + t for t in code_tokens(text))
    return feats


def _char_features(text: str, config: TfidfConfig) -> list[str]:
    if config.char_ngram is None:
        return []
    return char_ngrams(text, *config.char_ngram)


def _fit_block(docs: list[Counter[str]], min_df: int) -> tuple[dict[str, int], FloatArray]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    terms = sorted(t for t, c in df.items() if c >= min_df)
    vocab = {t: i for i, t in enumerate(terms)}
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
    return vocab, idf


def fit_tfidf(texts: Sequence[str], config: TfidfConfig | None = None) -> TfidfModel:
    """Learn the vocabulary and inverse document frequencies of `texts` (any number, may be empty)."""
    cfg = config or TfidfConfig()
    word_docs = [Counter(_word_features(t, cfg)) for t in texts]
    char_docs = [Counter(_char_features(t, cfg)) for t in texts]
    wv, wi = _fit_block(word_docs, cfg.min_df)
    cv, ci = _fit_block(char_docs, cfg.min_df)
    return TfidfModel(config=cfg, word_vocab=wv, word_idf=wi, char_vocab=cv, char_idf=ci)


def _block_matrix(
    docs: Iterable[Counter[str]], vocab: Mapping[str, int], idf: FloatArray, n_docs: int, sublinear: bool
) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for doc in docs:
        for term, count in doc.items():
            col = vocab.get(term)
            if col is not None:
                indices.append(col)
                values.append(1.0 + math.log(count) if sublinear else float(count))
        indptr.append(len(indices))
    mat = sp.csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(n_docs, len(vocab)),
        dtype=np.float32,
    )
    mat = mat @ sp.diags(idf.astype(np.float32))
    return l2_normalise_rows(sp.csr_matrix(mat))


def l2_normalise_rows(mat: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of a sparse matrix to unit Euclidean length (all-zero rows stay zero)."""
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ mat)


def transform_tfidf(model: TfidfModel, texts: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows for `texts` (n_texts x model.n_features), each row of unit length.

    With both blocks, the word block is scaled by sqrt(1 - char_weight) and the character block by
    sqrt(char_weight), so the dot product of two rows is a weighted mean of the two cosines.
    """
    cfg = model.config
    n = len(texts)
    blocks: list[sp.csr_matrix] = []
    weights: list[float] = []
    if cfg.word_ngram is not None:
        blocks.append(
            _block_matrix(
                (Counter(_word_features(t, cfg)) for t in texts),
                model.word_vocab,
                model.word_idf,
                n,
                cfg.sublinear_tf,
            )
        )
        weights.append(1.0 - cfg.char_weight if cfg.char_ngram is not None else 1.0)
    if cfg.char_ngram is not None:
        blocks.append(
            _block_matrix(
                (Counter(_char_features(t, cfg)) for t in texts),
                model.char_vocab,
                model.char_idf,
                n,
                cfg.sublinear_tf,
            )
        )
        weights.append(cfg.char_weight if cfg.word_ngram is not None else 1.0)
    if not blocks:
        return sp.csr_matrix((n, 0), dtype=np.float32)
    scaled = [b * np.float32(math.sqrt(w)) for b, w in zip(blocks, weights, strict=True)]
    return sp.csr_matrix(sp.hstack(scaled, format="csr"), dtype=np.float32)


@dataclass(frozen=True)
class Bm25Index:
    """BM25 (Okapi) weights of a fixed set of documents, ready to score token queries.

    weights: documents x terms, each cell the BM25 contribution of one occurrence pattern of the term.
    """

    vocab: Mapping[str, int]
    weights: sp.csc_matrix
    idf: FloatArray
    k1: float = 1.2
    b: float = 0.75
    avg_len: float = 1.0


def build_bm25(docs_tokens: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> Bm25Index:
    """Index token lists for BM25 scoring. `k1` saturates term frequency, `b` normalises length (0..1)."""
    counters = [Counter(toks) for toks in docs_tokens]
    df: Counter[str] = Counter()
    for c in counters:
        df.update(c.keys())
    vocab = {t: i for i, t in enumerate(sorted(df))}
    n = len(counters)
    idf = np.array([math.log(1.0 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in sorted(df)], dtype=np.float32)
    lengths = np.array([sum(c.values()) for c in counters], dtype=np.float64)
    avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, c in enumerate(counters):
        norm = k1 * (1.0 - b + b * lengths[i] / avg)
        for term, tf in c.items():
            col = vocab[term]
            rows.append(i)
            cols.append(col)
            vals.append(float(idf[col]) * tf * (k1 + 1.0) / (tf + norm))
    weights = sp.csc_matrix(
        (
            np.asarray(vals, dtype=np.float32),
            (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
        ),
        shape=(n, len(vocab)),
    )
    return Bm25Index(vocab=vocab, weights=weights, idf=idf, k1=k1, b=b, avg_len=avg)


def bm25_scores(index: Bm25Index, query_tokens: Sequence[str]) -> npt.NDArray[np.float64]:
    """BM25 score of every indexed document for a query (each distinct query term counted once)."""
    cols = sorted({index.vocab[t] for t in query_tokens if t in index.vocab})
    n_docs = index.weights.shape[0]
    if not cols:
        return np.zeros(n_docs, dtype=np.float64)
    return np.asarray(index.weights[:, cols].sum(axis=1), dtype=np.float64).ravel()


def bm25_self_score(index: Bm25Index, query_tokens: Sequence[str]) -> float:
    """What `bm25_scores` would give a document made of exactly the query's tokens: the most a document of the
    query's length can score. A term the index has never seen counts with the idf of a term in no document, so a
    query whose words are new to the index can only be partly matched. Dividing by it puts BM25 on an absolute
    scale (about 0..1) that does not depend on how good the best candidate happens to be."""
    counts = Counter(query_tokens)
    if not counts:
        return 0.0
    n = index.weights.shape[0]
    unseen_idf = math.log(1.0 + (n + 0.5) / 0.5)
    norm = index.k1 * (1.0 - index.b + index.b * sum(counts.values()) / index.avg_len)
    total = 0.0
    for term, tf in counts.items():
        col = index.vocab.get(term)
        idf = float(index.idf[col]) if col is not None else unseen_idf
        total += idf * tf * (index.k1 + 1.0) / (tf + norm)
    return total


def _stable_hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8"))


def hashed_embedding(texts: Sequence[str], dim: int = 384) -> FloatArray:
    """Dense lexical vectors (n x dim float32, unit length) by the signed hashing trick.

    Word unigrams and bigrams and character 3-4-grams are hashed (CRC-32, stable across runs) into `dim`
    buckets with a sign bit, counts are dampened by sqrt, and each row is L2-normalised. Needs no
    fitting, so vectors stored today stay comparable with vectors made tomorrow.
    """
    if dim < 8:
        raise ValueError("dim must be at least 8")
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        toks = word_tokens(text)
        feats: Counter[str] = Counter(word_ngrams(toks, 1, 2))
        chars = Counter(char_ngrams(text, 3, 4))
        for feat, count in feats.items():
            h = _stable_hash("w" + feat)
            out[row, h % dim] += (1.0 if (h >> 31) & 1 else -1.0) * math.sqrt(count)
        for feat, count in chars.items():
            h = _stable_hash("c" + feat)
            out[row, h % dim] += (0.5 if (h >> 31) & 1 else -0.5) * math.sqrt(count)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: FloatArray = (out / norms).astype(np.float32)
    return result
