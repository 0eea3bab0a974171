"""API latency on a large workspace, from a separate HTTP client against the running server.

Generates 10,000 customers, 200,000 feedback items, 5,000 features and 50,000 links (plus 500 problems), and
three teams with 500 estimated features (some depending on others) for the pages that run a forecast; starts `tradeoff serve` in its own process, and times list, search and detail endpoints (p50/p95/p99 and
requests per second) with a keep-alive client. Runs on SQLite and, when reachable, PostgreSQL.

    PYTHONPATH=src .venv/bin/python bench/bench_api.py [--backend sqlite|postgresql|both] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradeoff.accounts import service as accounts  # noqa: E402
from tradeoff.bootstrap import bootstrap  # noqa: E402
from tradeoff.customers.model import Customer  # noqa: E402
from tradeoff.estimates.model import Estimate  # noqa: E402
from tradeoff.features.model import Feature  # noqa: E402
from tradeoff.feedback.model import Feedback  # noqa: E402
from tradeoff.links.model import Link  # noqa: E402
from tradeoff.problems.model import Problem  # noqa: E402
from tradeoff.records.pagination import encode_cursor  # noqa: E402
from tradeoff.settings import Settings  # noqa: E402
from tradeoff.storage.migrate import upgrade  # noqa: E402
from tradeoff.storage.uow import Actor  # noqa: E402
from tradeoff.teams import service as team_service  # noqa: E402
from tradeoff.teams.schemas import TeamCreate  # noqa: E402

PG_URL = os.environ.get("TRADEOFF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORDS = ["invoice", "export", "csv", "reminder", "payment", "late", "dunning", "portal", "approval", "workflow", "tax", "vat", "currency", "sync", "quickbooks", "xero", "netsuite", "salesforce", "stripe", "refund", "credit", "note", "recurring", "subscription", "pdf", "email", "template", "branding", "discount", "schedule", "report", "dashboard", "audit", "permission", "role", "sso", "saml", "api", "webhook", "mobile", "bulk", "import", "ledger", "reconciliation", "bank", "fee", "chargeback", "dispute"]
N_CUSTOMERS, N_FEEDBACK, N_FEATURES, N_LINKS, N_PROBLEMS = 10_000, 200_000, 5_000, 50_000, 500
N_TEAMS, N_ESTIMATED = 3, 500
# a twentieth of the feedback imported from a file without dates: listed after the dated, whatever the order
UNDATED_SHARE, UNDATED = 0.05, {"date_unknown": True}
SEARCH_EVERYTHING_NOTE = (
    "'Search everything' ranks each of six kinds in its own query (BM25 on SQLite, ts_rank on PostgreSQL) over "
    "the newest 500 matches of each; its words come from the generator's 50-word vocabulary, so one word matches "
    "about 30% of the 200,000 feedback items, far denser than real text: a worst case. The row for a word no "
    "item has is the other end: a typo or a rare word, which must not read every row.")


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(url: str, home: Path) -> tuple[str, str, dict[str, int]]:
    c = bootstrap(Settings(home=home, database_url=url))
    upgrade(c.engine)
    rng = random.Random(42)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with c.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email="bench@example.com", password="bench-password")
        ws = accounts.create_workspace(uow=uow, slug="bench", name="Bench", owner=user,
                                       actor=Actor(None, "bench", "cli"))
        uow.flush()
        _, token = accounts.create_token(uow=uow, workspace_id=ws.id, user_id=user.id, name="bench",
                                         actor=Actor(None, "bench", "cli"))
        wid = ws.id
        tids = [team_service.create(uow=uow, workspace_id=wid, actor=Actor(None, "bench", "cli"), data=TeamCreate(
            name=f"Team {t}", members=[f"Dev {t}.{i}" for i in range(6)])).id for t in range(N_TEAMS)]
    t0 = time.perf_counter()
    segs = ["enterprise", "mid_market", "smb", "startup"]
    with c.engine.begin() as conn:
        conn.execute(insert(Customer), [
            {"workspace_id": wid, "name": f"Customer {i:05d} {rng.choice(WORDS).title()}", "segment": rng.choice(segs),
             "arr": Decimal(rng.randint(1_000, 900_000)), "currency": "USD", "plan": rng.choice(["Pro", "Scale"]),
             "account_owner": "", "notes": sentence(rng, 8), "version": 1, "created_at": now, "updated_at": now}
            for i in range(N_CUSTOMERS)])
        cids = [r[0] for r in conn.execute(text("SELECT id FROM customers WHERE workspace_id=:w"), {"w": wid})]
        conn.execute(insert(Problem), [
            {"workspace_id": wid, "statement": sentence(rng, 10), "persona": "AR clerk", "segment": "smb",
             "version": 1, "created_at": now, "updated_at": now} for _ in range(N_PROBLEMS)])
        conn.execute(insert(Feature), [
            {"workspace_id": wid, "title": sentence(rng, 4), "description": sentence(rng, 20), "status": "idea",
             "persona": "", "user_flow": ["a", "b"], "acceptance_criteria": ["c"], "owner": "", "version": 1,
             "created_at": now, "updated_at": now} for _ in range(N_FEATURES)])
        fids = [r[0] for r in conn.execute(text("SELECT id FROM features WHERE workspace_id=:w"), {"w": wid})]
        batch = 20_000
        for start in range(0, N_FEEDBACK, batch):
            conn.execute(insert(Feedback), [
                {"workspace_id": wid, "text": sentence(rng, rng.randint(6, 30)), "source": "support",
                 "customer_id": rng.choice(cids), "reporter": "", "tags": [],
                 "reported_at": now - timedelta(minutes=rng.randint(0, 525_600)), "version": 1,
                 "created_at": now, "updated_at": now} | (UNDATED if rng.random() < UNDATED_SHARE else {})
                for _ in range(start, min(start + batch, N_FEEDBACK))])
        estimated = fids[:N_ESTIMATED]  # a backlog of estimated features, a fifth of them after one before them
        rows = []
        for i, fid in enumerate(estimated):
            low = rng.uniform(2, 15)
            rows.append({"workspace_id": wid, "feature_id": fid, "team_id": tids[i % N_TEAMS], "team_shares": {},
                         "optimistic": low, "likely": low * 1.5, "pessimistic": low * 3, "unit": "days",
                         "confidence": 0.8, "drivers": [], "component_ids": [], "category": "feature", "notes": "",
                         "depends_on": [rng.choice(estimated[:i])] if i and rng.random() < 0.2 else [],
                         "estimated_by": "bench", "version": 1, "created_at": now, "updated_at": now})
        conn.execute(insert(Estimate), rows)
        fbids = [r[0] for r in conn.execute(text("SELECT id FROM feedback WHERE workspace_id=:w"), {"w": wid})]
        pairs = set()
        while len(pairs) < N_LINKS:
            pairs.add((rng.choice(fbids), rng.choice(fids)))
        conn.execute(insert(Link), [{"workspace_id": wid, "feedback_id": f, "feature_id": ft, "created_by": "",
                                     "created_at": now, "updated_at": now} for f, ft in pairs])
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    gen_seconds = time.perf_counter() - t0
    c.engine.dispose()
    # a feature with an average number of links, and a customer with feedback, for detail pages
    by_feature: dict[int, int] = {}
    for _, ft in pairs:
        by_feature[ft] = by_feature.get(ft, 0) + 1
    feature = sorted(by_feature, key=lambda k: (abs(by_feature[k] - 10), k))[0]
    return token, "bench", {"feature": feature, "customer": cids[len(cids) // 2], "feedback": fbids[len(fbids) // 2],
                            "estimated": fids[N_ESTIMATED // 2],
                            "gen_seconds": int(gen_seconds), "max_links": max(by_feature.values())}


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str | None]:
    """A database URL for a schema of its own on the test PostgreSQL, dropped afterwards; None (and a line saying
    so) when PostgreSQL is not reachable."""
    schema = f"{prefix}_{os.getpid()}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL not reachable ({exc}); skipped")
        yield None
        return
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    # background workers off: this measures request latency alone (triage of 200,000 generated items would
    # otherwise share the two cores with the requests being timed)
    env = {**os.environ, "TRADEOFF_DATABASE_URL": url, "TRADEOFF_HOME": str(home), "PYTHONPATH": str(ROOT / "src"),
           "TRADEOFF_TRIAGE_WORKER": "false", "TRADEOFF_NOTIFICATIONS_WORKER": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "tradeoff.app:asgi", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/api/v1/openapi.json", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def over_target(label: str, p95: float) -> bool:
    """Whether a row misses its target: 150 ms for the feature page and the home page, 100 ms for the other lists,
    searches and details; none for rows that run a forecast (no target was set)."""
    if "forecast" in label or "simulated" in label or "delivery" in label:  # a feature's delivery forecasts it
        return False
    limit = 150.0 if label.startswith(("feature page", "home page")) else 100.0
    return p95 > limit


def few(label: str, n: int) -> int:
    """Requests for a row: a sixth as many (at least 20) where each request runs a forecast."""
    return max(20, n // 6) if "forecast" in label else n


def measure(client: httpx.Client, urls: list[str], n: int,
            before: Callable[[int], None] | None = None) -> dict[str, float]:
    """Time n GETs of `urls` in turn; `before(i)`, when given, runs before request i and is not timed."""
    times = []
    t_all = time.perf_counter()
    for i in range(n):
        if before is not None:
            before(i)
        t0 = time.perf_counter()
        r = client.get(urls[i % len(urls)])
        times.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{urls[i % len(urls)]}: {r.status_code} {r.text[:200]}")
    wall = time.perf_counter() - t_all
    q = statistics.quantiles(times, n=100)
    return {"p50": statistics.median(times), "p95": q[94], "p99": q[98], "rps": n / wall}


def web_login(client: httpx.Client, base: str) -> bool:
    """Log the client into the web UI if it exists (the feature page is measured too)."""
    import re

    page = client.get(base + "/login")
    if page.status_code != 200:
        return False
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    data = {"email": "bench@example.com", "password": "bench-password"}
    if m:
        data["csrf_token"] = m.group(1)
    r = client.post(base + "/login", data=data, follow_redirects=False)
    return r.status_code in (200, 302, 303)


def run_backend(name: str, url: str, n: int) -> dict[str, dict[str, float]]:
    home = Path(tempfile.mkdtemp(prefix=f"tradeoff-bench-{name}-"))
    print(f"[{name}] generating {N_CUSTOMERS} customers, {N_FEEDBACK} feedback, {N_FEATURES} features, {N_LINKS} links")
    token, slug, ids = generate(url, home)
    print(f"[{name}] generated in {ids['gen_seconds']} s")
    proc, base = serve(url, home)
    results: dict[str, dict[str, float]] = {}
    try:
        api = f"{base}/api/v1/workspaces/{slug}"
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            rng = random.Random(1)
            # a cursor deep in the feedback list, to show keyset pages stay fast far from the start
            cursor = None
            for _ in range(20):
                cursor = client.get(f"{api}/feedback?limit=200" + (f"&cursor={cursor}" if cursor else "")).json()["next"]
            # and one where the dated run out, newest first: the page reading the last dated items, then the undated
            oldest = client.get(f"{api}/feedback?dated=true&sort=reported_at&limit=25").json()["items"][-1]
            tail = encode_cursor("-reported_at", datetime.fromisoformat(oldest["reported_at"]), oldest["id"])
            groups = {
                "list customers (by name, by ARR)": [f"{api}/customers", f"{api}/customers?sort=-arr"],
                "list feedback (newest, page 21)": [f"{api}/feedback", f"{api}/feedback?cursor={cursor}"],
                "list feedback (date unknown; oldest first, its last page the undated)": [
                    f"{api}/feedback?dated=false", f"{api}/feedback?sort=reported_at", f"{api}/feedback?cursor={tail}"],
                "list features": [f"{api}/features", f"{api}/features?status=idea"],
                "search feedback (q)": [f"{api}/feedback?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(20)],
                "search customers (q)": [f"{api}/customers?q={rng.choice(WORDS)}" for _ in range(20)],
                "search everything, best first (one word; two words)": [f"{api}/search?q={rng.choice(WORDS)}" for _ in range(10)]
                + [f"{api}/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(10)],
                "search everything and feedback, a word no item has (a typo)": [
                    f"{api}/search?q={w}" for w in ("quokka", "invoyce", "zzz")] + [f"{api}/feedback?q=quokka"],
                "detail customer/feedback/feature": [f"{api}/customers/{ids['customer']}",
                                                     f"{api}/feedback/{ids['feedback']}",
                                                     f"{api}/features/{ids['feature']}"],
                "feature evidence + customers (API)": [f"{api}/features/{ids['feature']}/evidence"],
                "needs attention (API)": [f"{api}/attention"],
                f"feature delivery: forecast of {N_ESTIMATED} estimated features (API)":
                    [f"{api}/features/{ids['estimated']}/delivery"],
            }
            for _ in range(20):  # warm-up
                client.get(groups["list feedback (newest, page 21)"][0])
            estimate_url = f"{api}/features/{ids['estimated']}/estimate"
            est = client.get(estimate_url).json()

            def change_estimate(i: int) -> None:  # a new input each time: the forecast cannot be remembered
                body = {k: est[k] for k in ("optimistic", "pessimistic", "unit", "team_id", "depends_on")}
                body["likely"] = est["optimistic"] + (est["pessimistic"] - est["optimistic"]) * (i + 1) / 1000
                r = client.put(estimate_url, json=body)
                if r.status_code != 200:
                    raise RuntimeError(f"{estimate_url}: {r.status_code} {r.text[:200]}")

            label = "feature delivery right after its estimate changed: simulated afresh (API)"
            groups_after = {label: ([f"{api}/features/{ids['estimated']}/delivery"], change_estimate)}
            for label, urls in groups.items():
                results[label] = measure(client, urls, few(label, n))
                r = results[label]
                print(f"[{name}] {label:40s} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f}  p99 {r['p99']:6.1f}  "
                      f"{r['rps']:6.0f} req/s")
            for label, (urls, before) in groups_after.items():
                results[label] = r = measure(client, urls, few("forecast", n), before)
                print(f"[{name}] {label:40s} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f}  p99 {r['p99']:6.1f}  "
                      f"(the change itself not timed)")
        with httpx.Client(timeout=30) as web:
            if web_login(web, base):
                pages = {"feature page (web, HTML)": f"{base}/w/{slug}/features/{ids['feature']}",
                         "home page with needs attention (web, HTML)": f"{base}/w/{slug}",
                         "feature list, demand per row (web, HTML)": f"{base}/w/{slug}/features",
                         "problem list, demand per row (web, HTML)": f"{base}/w/{slug}/problems",
                         "feature delivery section (web, HTML)": f"{base}/w/{slug}/features/{ids['estimated']}/delivery",
                         f"roadmap board, {N_ESTIMATED} features forecast (web, HTML)": f"{base}/w/{slug}/roadmap"}
                for label, page in pages.items():
                    if web.get(page).status_code == 200:
                        results[label] = r = measure(web, [page], few(label, n))
                        print(f"[{name}] {label:40s} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f}  "
                              f"p99 {r['p99']:6.1f}  {r['rps']:6.0f} req/s")
    finally:
        proc.terminate()
        proc.wait(10)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    all_results: dict[str, dict[str, dict[str, float]]] = {}
    load_before = os.getloadavg()[0]
    if args.backend in ("sqlite", "both"):
        home = Path(tempfile.mkdtemp(prefix="tradeoff-bench-db-"))
        all_results["SQLite"] = run_backend("sqlite", f"sqlite:///{home / 'bench.db'}", args.requests)
    if args.backend in ("postgresql", "both"):
        with postgres_schema("bench") as pg_url:
            if pg_url:
                all_results["PostgreSQL"] = run_backend("postgresql", pg_url, args.requests)
    lines = ["## API latency on a large workspace (issue 2)", "",
             f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; one uvicorn worker, a separate keep-alive HTTP client process, "
             f"{args.requests} sequential requests per row ({few('forecast', args.requests)} where a forecast runs). Data: {N_CUSTOMERS:,} customers, {N_FEEDBACK:,} feedback "
             f"({UNDATED_SHARE:.0%} of it imported without a date, listed after the dated), {N_FEATURES:,} features, {N_LINKS:,} links, {N_PROBLEMS} problems, {N_TEAMS} teams of 6 with "
             f"{N_ESTIMATED} estimated features (a fifth depending on an earlier one); background triage and "
             "notification workers off, so the figures are request latency alone. Target: p95 < 100 ms for lists, "
             "search and details; feature page < 150 ms (the home page, which now reads the needs-attention list, is held "
             "to the same). The rows that run a forecast (a feature's delivery, the roadmap board) read the whole "
             "estimated backlog and forecast it, 2,000 trials, in the request; the server remembers the last "
             "simulations by their input, so when nothing changed between two requests (these rows) the second "
             "one does not simulate again. The row 'right after its estimate changed' saves a new estimate before "
             "each request (not timed): every one of its requests simulates afresh. No target was set for these "
             "rows; they are measured so that a slower forecast shows. " + SEARCH_EVERYTHING_NOTE + " "
             "Rerun: `PYTHONPATH=src .venv/bin/python bench/bench_api.py`.",
             "", f"Load average (1 min) when the run started {load_before:.1f}, when it ended {os.getloadavg()[0]:.1f}: "
             "other jobs shared the machine, so these figures are if anything pessimistic.", ""]
    for backend, res in all_results.items():
        lines += [f"**{backend}**", "", "| endpoint | p50 ms | p95 ms | p99 ms | req/s |", "|---|---|---|---|---|"]
        for label, r in res.items():
            lines.append(f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['rps']:.0f} |")
        lines.append("")
        over = [f"{label} ({r['p95']:.0f} ms)" for label, r in res.items() if over_target(label, r["p95"])]
        lines += [f"{backend}: over its p95 target: {'; '.join(over) if over else 'none'}.", ""]
    out = ROOT / "docs" / "benchmarks.d" / "api.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
