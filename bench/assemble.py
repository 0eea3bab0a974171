"""Assemble docs/benchmarks.md from the sections each benchmark writes into docs/benchmarks.d/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["api", "pages", "scale", "search", "api_fuzz", "import", "export", "cli", "text", "similar", "scoring", "estimation", "estimate_suggestion", "forecasting", "planning", "what_if_close", "planning_sequencing",
         "planning_nrp2"]

HEADER = """# Benchmarks and accuracy

Every figure here is printed by a script in `bench/` that anyone can rerun (`make bench`, or one script:
`PYTHONPATH=src .venv/bin/python bench/bench_<topic>.py`); each section names the machine and the date it was measured.
The accuracy sections compare Tradeoff with the published figures in `../shared/data/README.md` on the same public data,
including the projects and questions where Tradeoff misses its target.
"""


KEPT = "<!-- notes below are kept when the benchmark is rerun -->"


def write_section(path: Path, text: str) -> None:
    """Write a benchmark's section, keeping the notes under KEPT in the file it replaces (figures measured by
    other means, such as a rerun under load, which the script cannot produce itself)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old[old.index(KEPT):] if KEPT in old else ""
    path.write_text(text.rstrip("\n") + ("\n\n" + kept if kept else "\n"), encoding="utf-8")


def main() -> None:
    parts = sorted((ROOT / "docs" / "benchmarks.d").glob("*.md"), key=lambda p: (ORDER.index(p.stem)
                                                                                   if p.stem in ORDER else 99, p.stem))
    body = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in parts)
    (ROOT / "docs" / "benchmarks.md").write_text(HEADER + "\n" + body + "\n", encoding="utf-8")
    print(f"wrote docs/benchmarks.md from {len(parts)} sections")


if __name__ == "__main__":
    main()
