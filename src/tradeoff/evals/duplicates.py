"""`tradeoff eval duplicates ISSUES PAIRS`: would Tradeoff have suggested the right duplicate?

ISSUES: a Jira-style CSV with `Issue id, Summary, Description, Created` (Jira dates such as
`30/Sep/21 17:20`, or ISO 8601). PAIRS: `Issue id, Duplicate id`. Every issue that has a duplicate
created before it is a query: all issues created before it are ranked by Tradeoff's similarity and
the rank of its best-placed known duplicate gives Recall@1/5/10 and the mean reciprocal rank.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from tradeoff.core.text.duplicates import TextItem, build_similarity_index, similarity_scores
from tradeoff.embeddings import Embedder, ModelEmbedder, get_embedder
from tradeoff.errors import InvalidInput
from tradeoff.evals._textcsv import CsvRow, read_csv

_DATE_FORMATS = ("%d/%b/%y %H:%M", "%d/%b/%Y %H:%M", "%d/%b/%y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def parse_created(value: str, *, file: str, line: int) -> datetime:
    """A Jira or ISO date-time; a bad value raises InvalidInput naming the file and line."""
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise InvalidInput(
            f"{file} line {line}: Created {value!r} is not a date (expected e.g. 30/Sep/21 17:20 or 2021-09-30)"
        ) from None


def _embedder(method: str) -> Embedder | None:
    if method not in ("auto", "lexical", "model"):
        raise InvalidInput(f"unknown method {method!r}: use auto, lexical or model")
    if method == "lexical":
        return None
    emb = get_embedder(method)
    if isinstance(emb, ModelEmbedder):
        emb.max_length = 256  # issue descriptions are long; feedback uses the default 128
        return emb
    return None


def evaluate_duplicates(issues_path: Path, pairs_path: Path, *, method: str = "auto") -> dict[str, Any]:
    """Recall@1, @5, @10 and MRR of duplicate suggestions over the issues' own history.

    method: "lexical" (BM25 on summaries, BM25 and TF-IDF on summary + description), "model" (those plus
        sentence-embedding cosine; needs `pip install tradeoff[ml]`) or "auto" (model when installed).
    Candidates for a query are only the issues created strictly before it (ties broken by issue id).
    """
    embedder = _embedder(method)
    items: list[TextItem] = []
    keys: list[tuple[datetime, str]] = []
    position: dict[str, int] = {}
    skipped: list[dict[str, Any]] = []
    seen: dict[str, CsvRow] = {}
    for r in read_csv(issues_path, ("Issue id", "Summary", "Description", "Created"))[1]:
        row, line = r.values, r.line
        issue = row["Issue id"].strip()
        if not issue:
            skipped.append({"file": issues_path.name, "line": line, "reason": "empty Issue id"})
            continue
        if issue in seen:  # pairs name issues by id: two rows with one id would make every pair ambiguous
            first = seen[issue]
            raise InvalidInput(
                f"{issues_path.name}: column 'Issue id' has {issue!r} twice, in rows {first.number} and {r.number} "
                f"(lines {first.line} and {r.line}); each issue must appear once"
            )
        seen[issue] = r
        if not (row["Summary"].strip() or row["Description"].strip()):
            skipped.append({"file": issues_path.name, "line": line, "id": issue, "reason": "empty text"})
            continue
        created = parse_created(row["Created"], file=issues_path.name, line=line)
        position[issue] = len(items)
        items.append(TextItem(title=row["Summary"].strip(), body=row["Description"].strip()))
        keys.append((created, issue.zfill(20)))
    duplicates: dict[int, set[int]] = {}
    unknown = 0
    for pair in read_csv(pairs_path, ("Issue id", "Duplicate id"))[1]:
        row = pair.values
        a, b = row["Issue id"].strip(), row["Duplicate id"].strip()
        if a in position and b in position and a != b:
            duplicates.setdefault(position[a], set()).add(position[b])
            duplicates.setdefault(position[b], set()).add(position[a])
        else:
            unknown += 1
    queries = sorted(
        (q, {d for d in ds if keys[d] < keys[q]}) for q, ds in duplicates.items() if any(keys[d] < keys[q] for d in ds)
    )
    if not queries:
        raise InvalidInput(f"{pairs_path.name}: no issue has a known duplicate created before it")
    emb = embedder.embed([it.full for it in items]) if embedder is not None else None
    index = build_similarity_index(items, embeddings=emb)
    order = np.argsort(np.array([f"{k[0].isoformat()}|{k[1]}" for k in keys]), kind="stable")
    rank_of = np.empty(len(items), dtype=np.int64)
    rank_of[order] = np.arange(len(items))
    ranks: list[int] = []
    for q, dups in queries:
        candidates = order[: rank_of[q]]  # created strictly before q
        scores = similarity_scores(
            index, items[q], query_embedding=None if emb is None else emb[q], positions=candidates
        )
        ranked = candidates[np.argsort(-scores, kind="stable")]
        ranks.append(int(np.flatnonzero(np.isin(ranked, list(dups)))[0]) + 1)
    arr = np.asarray(ranks)
    return {
        "method": embedder.name if embedder is not None else "lexical",
        "recall_at_1": float(np.mean(arr <= 1)),
        "recall_at_5": float(np.mean(arr <= 5)),
        "recall_at_10": float(np.mean(arr <= 10)),
        "mrr": float(np.mean(1.0 / arr)),
        "queries": len(queries),
        "issues": len(items),
        "pairs_not_found": unknown,
        "skipped_rows": skipped,
    }


def render_duplicates(result: dict[str, Any]) -> str:
    """A plain-text table of an `evaluate_duplicates` result."""
    lines = [
        f"Duplicate suggestions — method: {result['method']}",
        f"{result['queries']} queries (issues with an earlier duplicate) among {result.get('issues', '?')} issues",
        "",
        f"{'Recall@1':<10} {result['recall_at_1']:.3f}",
        f"{'Recall@5':<10} {result['recall_at_5']:.3f}",
        f"{'Recall@10':<10} {result['recall_at_10']:.3f}",
        f"{'MRR':<10} {result['mrr']:.3f}",
    ]
    if result.get("pairs_not_found"):
        lines.append(f"{result['pairs_not_found']} pair(s) name an issue not in the issues file (ignored)")
    skipped = result.get("skipped_rows") or []
    if skipped:
        lines.append(f"{len(skipped)} issue row(s) skipped:")
        for s in skipped[:20]:
            lines.append(f"  {s['file']} line {s['line']}: {s['reason']}")
    return "\n".join(lines)
