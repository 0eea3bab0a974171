"""`tradeoff eval triage FILE`: how well Tradeoff's kind classifier labels your own feedback.

FILE has columns id,text,label. Without --train the file is split in two stratified halves (fixed seed):
the classifier is fitted on one (its regularisation chosen by 3-fold cross-validation inside that half)
and scored on the other. With a train file it is fitted on that file and scored on all of FILE.

Methods, as a workspace runs them: "lexical" (logistic regression on TF-IDF word and character n-grams),
"model" (the same plus the local sentence model's vectors), "tuned" (the "model" regression pooled with a kind
model fine-tuned on the training rows, as `tradeoff triage tune` does for a workspace; minutes of CPU).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tradeoff.core.text.classify import TextClassifier, fit_text_classifier, pool_probabilities, predict_proba
from tradeoff.embeddings import Embedder, get_embedder, model_available
from tradeoff.embeddings.tuning import TuneSettings, fine_tune_kind_model
from tradeoff.errors import InvalidInput
from tradeoff.evals._textcsv import read_csv

# Public review datasets use these names; anything else is kept as its own class.
LABEL_MAP = {
    "bug report": "bug",
    "bug": "bug",
    "feature request": "feature_request",
    "feature_request": "feature_request",
    "rating": "praise",
    "praise": "praise",
}

C_GRID = (4.0, 16.0)
SCALE_GRID = (1.0,)


def map_label(label: str) -> str:
    """Tradeoff's kind for a dataset label ("bug report" -> "bug", "rating" -> "praise", ...)."""
    key = " ".join(label.strip().lower().split())
    return LABEL_MAP.get(key, key.replace(" ", "_"))


def _load(path: Path) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    texts: list[str] = []
    labels: list[str] = []
    skipped: list[dict[str, Any]] = []
    for r in read_csv(path, ("id", "text", "label"))[1]:
        row = r.values
        if not row["text"].strip():
            skipped.append({"file": path.name, "line": r.line, "id": row["id"], "reason": "empty text"})
        elif not row["label"].strip():
            skipped.append({"file": path.name, "line": r.line, "id": row["id"], "reason": "empty label"})
        else:
            texts.append(row["text"])
            labels.append(map_label(row["label"]))
    if not texts:
        raise InvalidInput(f"{path.name}: no rows with both a text and a label")
    return texts, labels, skipped


def stratified_halves(labels: Sequence[str], seed: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row positions of a train half and a test half with each label split evenly (odd counts: the
    extra row goes to train)."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    test: list[int] = []
    arr = np.asarray(labels)
    for label in sorted(set(labels)):
        rows = rng.permutation(np.flatnonzero(arr == label))
        cut = (len(rows) + 1) // 2
        train.extend(int(r) for r in rows[:cut])
        test.extend(int(r) for r in rows[cut:])
    return np.asarray(sorted(train), dtype=np.int64), np.asarray(sorted(test), dtype=np.int64)


def _fit(
    texts: list[str], labels: list[str], emb: npt.NDArray[np.float32] | None, c: float, scale: float
) -> TextClassifier:
    return fit_text_classifier(texts, labels, embeddings=emb, c=c, embedding_scale=scale)


def _predict(clf: TextClassifier, texts: list[str], emb: npt.NDArray[np.float32] | None) -> list[str]:
    return _labels(clf.classes, predict_proba(clf, texts, embeddings=emb))


def _labels(classes: Sequence[str], proba: npt.NDArray[np.float64]) -> list[str]:
    return [classes[int(i)] for i in np.argmax(proba, axis=1)]


def macro_scores(truth: Sequence[str], pred: Sequence[str]) -> tuple[float, dict[str, dict[str, float]]]:
    """Macro-averaged F1 over the true classes, and precision/recall/F1/support per class."""
    per: dict[str, dict[str, float]] = {}
    for label in sorted(set(truth)):
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, pred, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, pred, strict=True) if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    macro = float(np.mean([v["f1"] for v in per.values()])) if per else 0.0
    return macro, per


def _tune(
    texts: list[str], labels: list[str], emb: npt.NDArray[np.float32] | None, seed: int
) -> tuple[float, float, float]:
    """Pick C (and the embedding block's scale) by 3-fold stratified cross-validation on the train rows."""
    rng = np.random.default_rng(seed + 1)
    folds = np.zeros(len(texts), dtype=np.int64)
    arr = np.asarray(labels)
    for label in sorted(set(labels)):
        rows = rng.permutation(np.flatnonzero(arr == label))
        folds[rows] = np.arange(len(rows)) % 3
    scales = SCALE_GRID if emb is not None else (1.0,)
    best = (-1.0, C_GRID[0], scales[0])
    for scale in scales:
        for c in C_GRID:
            scores = []
            for k in range(3):
                tr = np.flatnonzero(folds != k)
                va = np.flatnonzero(folds == k)
                tr_labels = [labels[i] for i in tr]
                if len(set(tr_labels)) < 2 or va.size == 0:
                    continue
                clf = _fit([texts[i] for i in tr], tr_labels, None if emb is None else emb[tr], c, scale)
                pred = _predict(clf, [texts[i] for i in va], None if emb is None else emb[va])
                scores.append(macro_scores([labels[i] for i in va], pred)[0])
            mean = float(np.mean(scores)) if scores else 0.0
            if mean > best[0]:
                best = (mean, c, scale)
    return best


def _resolve(method: str) -> str:
    """The method that will run: "auto" is "tuned" with the ml extra installed, else "lexical"."""
    if method not in ("auto", "lexical", "model", "tuned"):
        raise InvalidInput(f"unknown method {method!r}: use auto, lexical, model or tuned")
    if method == "auto":
        return "tuned" if model_available() else "lexical"
    return method


def _embedder(method: str) -> Embedder | None:
    return None if method == "lexical" else get_embedder("model")


def evaluate_triage(path: Path, *, train_path: Path | None = None, method: str = "auto", seed: int = 0,
                    tune: TuneSettings | None = None) -> dict[str, Any]:
    """Fit the kind classifier and score it (macro-F1, per-class precision/recall/F1).

    path: CSV with id,text,label. train_path: optional CSV to fit on (then all of `path` is the test set).
    method: "lexical" (TF-IDF word + character n-grams), "model" (those plus the local sentence model's
        embeddings), "tuned" ("model" pooled with a fine-tuned kind model) — both need `pip install
        tradeoff[ml]` — or "auto" (tuned when installed, else lexical).
    seed: fixes the split and the cross-validation folds.
    tune: `embeddings.tuning.TuneSettings` for "tuned" (default: what `tradeoff triage tune` uses).
    """
    method = _resolve(method)
    embedder = _embedder(method)
    texts, labels, skipped = _load(path)
    if train_path is not None:
        tr_texts, tr_labels, tr_skipped = _load(train_path)
        skipped = tr_skipped + skipped
        all_texts = tr_texts + texts
        n_train = len(tr_texts)
        all_labels = tr_labels + labels
        train_idx = np.arange(n_train, dtype=np.int64)
        test_idx = np.arange(n_train, len(all_texts), dtype=np.int64)
    else:
        all_texts, all_labels = texts, labels
        train_idx, test_idx = stratified_halves(labels, seed)
    train_labels = {all_labels[i] for i in train_idx}
    if len(train_labels) < 2:
        raise InvalidInput(
            f"{(train_path or path).name}: column 'label' has only one label ({train_labels.pop()!r}) in the "
            "training rows; the classifier needs rows of at least two different labels"
        )
    emb = embedder.embed(all_texts) if embedder is not None else None
    tr_texts_l = [all_texts[i] for i in train_idx]
    tr_labels_l = [all_labels[i] for i in train_idx]
    tr_emb = None if emb is None else emb[train_idx]
    cv_f1, c, scale = _tune(tr_texts_l, tr_labels_l, tr_emb, seed)
    clf = _fit(tr_texts_l, tr_labels_l, tr_emb, c, scale)
    te_texts = [all_texts[i] for i in test_idx]
    proba = predict_proba(clf, te_texts, embeddings=None if emb is None else emb[test_idx])
    features = "tf-idf word 1-2-grams + char 2-5-grams" + (f" + {embedder.name} embeddings" if embedder else "")
    name = embedder.name if embedder is not None else "lexical"
    if method == "tuned":
        tuned = fine_tune_kind_model(tr_texts_l, tr_labels_l, settings=tune)
        proba = pool_probabilities(proba, clf.classes, tuned.predict_proba(te_texts), tuned.classes)
        s = tuned.settings
        name = f"{tuned.base} LoRA x{s.members}"
        features += (f"; pooled with {s.members} LoRA adapters (rank {s.rank}) of {tuned.base} fine-tuned "
                     f"{s.epochs} epochs on the training rows")
    macro, per = macro_scores([all_labels[i] for i in test_idx], _labels(clf.classes, proba))
    return {
        "method": name,
        "features": features,
        "macro_f1": macro,
        "per_class": per,
        "n_train": int(train_idx.size),
        "n_test": int(test_idx.size),
        "chosen": {"c": c, "embedding_scale": scale if emb is not None else None, "cv_macro_f1": cv_f1},
        "skipped_rows": skipped,
    }


def render_triage(result: dict[str, Any]) -> str:
    """A plain-text table of an `evaluate_triage` result."""
    lines = [
        f"Triage evaluation — method: {result['method']} ({result.get('features', '')})",
        f"trained on {result['n_train']} rows, tested on {result['n_test']} rows",
        "",
        f"{'class':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label, v in result["per_class"].items():
        lines.append(
            f"{label:<20} {v['precision']:>9.3f} {v['recall']:>7.3f} {v['f1']:>6.3f} {int(v['support']):>8}"
        )
    lines.append(f"{'macro F1':<20} {'':>9} {'':>7} {result['macro_f1']:>6.3f}")
    skipped = result.get("skipped_rows") or []
    if skipped:
        lines.append("")
        lines.append(f"{len(skipped)} row(s) skipped:")
        for s in skipped[:20]:
            lines.append(f"  {s['file']} line {s['line']} (id {s['id']}): {s['reason']}")
        if len(skipped) > 20:
            lines.append(f"  ... and {len(skipped) - 20} more")
    return "\n".join(lines)
