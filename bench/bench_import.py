"""CSV import of feedback: a generated 100,000-row file into a fresh database (SQLite, and PostgreSQL when reachable).

Times reading + validating + matching customers (`plan_import`), writing (`apply_import`) and the commit, in one
transaction, plus the whole `tradeoff import feedback` command in its own process on SQLite. For comparison, the
per-item service (`feedback.service.create`, one audit event per item) is timed on a slice and scaled up.

    PYTHONPATH=src .venv/bin/python bench/bench_import.py [--rows 100000] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradeoff.accounts import service as accounts  # noqa: E402
from tradeoff.bootstrap import Container, bootstrap  # noqa: E402
from tradeoff.customers.model import Customer  # noqa: E402
from tradeoff.feedback import service as feedback_service  # noqa: E402
from tradeoff.feedback.importer import ImportOptions, apply_import, plan_import  # noqa: E402
from tradeoff.feedback.model import Feedback  # noqa: E402
from tradeoff.feedback.schemas import FeedbackCreate  # noqa: E402
from tradeoff.settings import Settings  # noqa: E402
from tradeoff.storage.migrate import upgrade  # noqa: E402
from tradeoff.storage.uow import Actor  # noqa: E402

PG_URL = os.environ.get("TRADEOFF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ACTOR = Actor(user_id=None, label="bench", via="cli")
_VOCABULARY = (
    "invoice export csv reminder payment late dunning portal approval workflow tax vat currency sync "
    "quickbooks xero netsuite salesforce stripe refund credit note recurring subscription pdf email "
    "template branding discount schedule report dashboard audit permission role sso saml api webhook "
    "mobile bulk import ledger reconciliation bank fee chargeback dispute"
)
WORDS = tuple(_VOCABULARY.split())
SOURCES = ("Sales call", "sales-call", "SUPPORT", "survey", "Interview", "usage", "other", "")
N_CUSTOMERS, N_KNOWN = 2_000, 1_500   # names in the file; how many already exist in the workspace


def generate(path: Path, rows: int, rng: random.Random) -> None:
    """Excel-style CSV: quoted cells with commas, doubled quotes and line breaks; ISO and Jira dates."""
    start = dt.datetime(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["Comment", "Account", "Channel", "Created", "Submitted by", "Labels"])
        for i in range(rows):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize()
            if i % 7 == 0:
                words += ', and "again"\nsecond paragraph of the note'
            when = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
            date = when.strftime("%Y-%m-%d %H:%M") if i % 3 else when.strftime("%d/%b/%y %H:%M")
            customer = f"Customer {rng.randrange(N_CUSTOMERS):04d}" if i % 10 else ""
            tags = "; ".join(rng.sample(WORDS, rng.randint(0, 3)))
            w.writerow([words, customer, rng.choice(SOURCES), date, f"rep{rng.randrange(40)}@example.com", tags])


@contextmanager
def database(backend: str, home: Path) -> Iterator[Container]:
    if backend == "sqlite":
        c = bootstrap(Settings(home=home, database_url=f"sqlite:///{home / ('b-' + uuid.uuid4().hex[:6] + '.db')}"))
        upgrade(c.engine)
        yield c
        c.engine.dispose()
        return
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        c = bootstrap(Settings(home=home, database_url=f"{PG_URL}?options=-csearch_path%3D{schema}"))
        upgrade(c.engine)
        yield c
        c.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def workspace(c: Container, slug: str) -> int:
    now = dt.datetime.now(dt.UTC)
    with c.unit_of_work() as uow:
        owner, _ = accounts.get_or_create_user(uow=uow, email=f"{slug}@example.com")
        ws = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=owner, actor=ACTOR)
        uow.flush()
        uow.session.execute(insert(Customer.__table__), [  # type: ignore[arg-type]
            {"workspace_id": ws.id, "name": f"Customer {i:04d}", "segment": "smb", "arr": Decimal(1000 + i),
             "currency": "USD", "plan": "", "account_owner": "", "notes": "", "external_id": None, "version": 1,
             "created_at": now, "updated_at": now} for i in range(N_KNOWN)])
        return ws.id


def pg_reachable() -> bool:
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def timed_import(c: Container, ws_id: int, data: bytes) -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    w0, c0 = time.perf_counter(), time.process_time()
    with c.unit_of_work() as uow:
        plan = plan_import(uow=uow, workspace_id=ws_id, data=data,
                           options=ImportOptions(filename="bench.csv", create_customers=True))
        w1, c1 = time.perf_counter(), time.process_time()
        summary = apply_import(uow=uow, workspace_id=ws_id, actor=ACTOR, plan=plan)
        w2 = time.perf_counter()
    w3, c3 = time.perf_counter(), time.process_time()
    out.update(plan_s=w1 - w0, apply_s=w2 - w1, commit_s=w3 - w2, total_s=w3 - w0, cpu_s=c3 - c0,
               plan_cpu_s=c1 - c0, created=summary.created_feedback, customers=len(summary.created_customers))
    with c.unit_of_work() as uow:
        out["in_db"] = int(uow.session.scalar(select(func.count()).select_from(Feedback)
                                              .where(Feedback.workspace_id == ws_id)) or 0)
    return out


def per_item(c: Container, ws_id: int, n: int, rng: random.Random) -> float:
    """Seconds per item through feedback.service.create (validation, flush, audit event per item)."""
    items = [FeedbackCreate(text=" ".join(rng.choice(WORDS) for _ in range(20)), tags=["a"]) for _ in range(n)]
    t0 = time.perf_counter()
    with c.unit_of_work() as uow:
        for item in items:
            feedback_service.create(uow=uow, workspace_id=ws_id, actor=ACTOR, data=item)
    return (time.perf_counter() - t0) / n


def cli_run(path: Path, home: Path) -> float:
    env = os.environ | {"TRADEOFF_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("TRADEOFF_DATABASE_URL", None)
    cmd = [sys.executable, "-c", "from tradeoff.cli.main import main; main()"]
    subprocess.run([*cmd, "init", "-w", "bench", "--owner", "b@example.com"], env=env, check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    t0 = time.perf_counter()
    done = subprocess.run([*cmd, "import", "feedback", str(path), "-w", "bench", "--create-customers"], env=env,
                          check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    print("   ", done.stdout.strip())
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--per-item", type=int, default=1_000, help="rows timed through the per-item service")
    args = ap.parse_args()
    rng = random.Random(7)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not pg_reachable():
        print(f"PostgreSQL not reachable at {PG_URL}; skipping it")
        backends.remove("postgresql")
    results: dict[str, dict[str, float | int]] = {}
    per_item_s: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = tmp / "feedback.csv"
        generate(path, args.rows, rng)
        data = path.read_bytes()
        print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")
        for backend in backends:
            with database(backend, tmp / backend) as c:
                ws_id = workspace(c, "bench")
                r = timed_import(c, ws_id, data)
                assert r["in_db"] == r["created"] == args.rows, r
                results[backend] = r
                per_item_s[backend] = per_item(c, workspace(c, "bench-per-item"), args.per_item, rng)
            print(f"{backend}: plan {r['plan_s']:.1f} s, write {r['apply_s']:.1f} s, commit {r['commit_s']:.1f} s, "
                  f"total {r['total_s']:.1f} s (CPU {r['cpu_s']:.1f} s); {r['customers']} customers created; "
                  f"per-item service {per_item_s[backend] * 1000:.2f} ms/item -> "
                  f"{per_item_s[backend] * args.rows:.0f} s for {args.rows:,}")
        cli_s = cli_run(path, tmp / "cli") if "sqlite" in backends else None
        if cli_s is not None:
            print(f"CLI end to end (SQLite, own process): {cli_s:.1f} s")
        write_report(args.rows, len(data), results, per_item_s, args.per_item, cli_s)


def write_report(rows: int, size: int, results: dict[str, dict[str, float | int]], per_item_s: dict[str, float],
                 per_item_n: int, cli_s: float | None) -> None:
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    lines = [
        "## CSV import of feedback",
        "",
        f"Measured {dt.date.today().isoformat()} on `{platform.processor() or platform.machine()}`, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average {load} while measuring (the "
        "machine is shared, so wall-clock figures are noisy; CPU time of the process is given beside them).",
        "",
        f"A generated {rows:,}-row CSV ({size / 1e6:.1f} MB, Excel style: CRLF, quoted cells with commas, doubled "
        "quotes and line breaks in every 7th row, ISO and Jira dates, source spellings to normalise, tags) imported "
        f"into a fresh database with {N_KNOWN:,} customers; the file names {N_CUSTOMERS:,}, so "
        f"{N_CUSTOMERS - N_KNOWN:,} are created (`--create-customers`). One transaction; rows written with SQLAlchemy "
        "Core executemany in batches of 2,000 and one audit event; triage queued (`triaged_at` NULL). "
        "Target: under 60 s.",
        "",
        "| back end | read + validate + match | write | commit | total wall | total CPU | per-item service, scaled |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, r in results.items():
        lines.append(f"| {backend} | {r['plan_s']:.1f} s | {r['apply_s']:.1f} s | {r['commit_s']:.2f} s | "
                     f"**{r['total_s']:.1f} s** | {r['cpu_s']:.1f} s | {per_item_s[backend] * rows:.0f} s "
                     f"({per_item_s[backend] * 1000:.2f} ms/item) |")
    lines.append("")
    lines.append(f"Per-item service: `feedback.service.create` (validation, flush and one audit event per item), "
                 f"{per_item_n:,} items timed in one transaction, scaled to {rows:,}. CPU is the importing "
                 "process's only (on PostgreSQL the server's work is not in it).")
    if cli_s is not None:
        lines += ["", f"The whole command `tradeoff import feedback bench.csv -w bench --create-customers` in its own "
                      f"process on SQLite (start-up, reading, validation, writing, commit), into a new workspace with no "
                      f"customers, so all {N_CUSTOMERS:,} are created: **{cli_s:.1f} s**."]
    out = ROOT / "docs" / "benchmarks.d" / "import.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
