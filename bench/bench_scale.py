"""A workspace at a mid-size SaaS company's volume, through the API in process (FastAPI's TestClient over the whole
app, SQLite, background workers off): how long the reads and writes a PM repeats take, and how many SQL statements
each runs. Statement counts do not depend on the machine's load; seconds do. Writes docs/benchmarks.d/scale.md.

    PYTHONPATH=src .venv/bin/python bench/bench_scale.py [--feedback 20000] [--features 400] [--work-items 10000]

Built: customers, feedback (API batches of 1,000), problems and features, evidence linked with bulk link (1,000
items a call), a team, estimates, a work history imported from CSV, a plan, and 100 commitments in one batch.
Measured (median of --runs after one warm-up): the executive, sales and one customer's brief; the forecast and
the work-history summary (first after the history changed, then again); bulk link of 1,000 items; an estimate
saved with 100 commitments to re-forecast; the batch of 100 commitments; a what-if, the same again, and another
on the same plan (the plan's side from memory); the ranking; the themes of the unlinked feedback and the similar
items of a feedback item (first in the process, then again), with every item's sentence vector stored as the
triage worker stores it; the PM's weekly digest; and, once every feature is estimated, the estimates list's first
page.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assemble import write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks.d" / "scale.md"

from fastapi.testclient import TestClient  # noqa: E402

from tradeoff.accounts import service as accounts  # noqa: E402
from tradeoff.app import create_app  # noqa: E402
from tradeoff.bootstrap import bootstrap  # noqa: E402
from tradeoff.settings import Settings  # noqa: E402
from tradeoff.storage.db import Statements, refresh_statistics  # noqa: E402
from tradeoff.storage.migrate import upgrade  # noqa: E402
from tradeoff.storage.uow import Actor  # noqa: E402
from tradeoff.triage import vectors  # noqa: E402

ACTOR = Actor(None, "bench", "cli")
OWNER = "pm@bench.example"  # the PM: owns every feature (their weekly digest lists the evidence linked to them)
WORDS = ("invoice", "reminder", "export", "NetSuite", "sync", "payment", "card", "refund", "SSO", "SAML", "audit",
         "log", "report", "currency", "tax", "VAT", "dunning", "email", "spam", "bank", "transfer", "match", "portal",
         "approval", "webhook", "API", "slow", "CSV", "PDF", "credit", "note", "partial", "Salesforce", "usage")


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14)))


def _ok(r: Any, *codes: int) -> Any:
    if r.status_code not in (codes or (200, 201)):
        raise SystemExit(f"{r.request.method} {r.request.url} → {r.status_code}: {r.text[:300]}")
    if not r.content:
        return None
    return r.json() if "json" in r.headers.get("content-type", "") else r.text


def build(client: TestClient, api: Callable[[str], str], h: dict[str, str], n_feedback: int, n_features: int,
          n_work: int, rng: random.Random) -> dict[str, Any]:
    """The workspace: returns the ids measured on, and how long building each part took."""
    took: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        out = fn()
        took[name] = time.perf_counter() - t
        return out

    n_customers = max(n_feedback // 25, 100)
    customers = timed("customers", lambda: [c["id"] for k in range(0, n_customers, 200) for c in _ok(client.post(
        api("/customers/batch"), json={"items": [{"name": f"Customer {i:05d}", "arr": 1000 + 37 * i,
                                                  "segment": rng.choice(["smb", "mid_market", "enterprise"])}
                                                 for i in range(k, min(k + 200, n_customers))]},
        headers=h))["items"]])
    feedback = timed("feedback", lambda: [f["id"] for k in range(0, n_feedback, 1000) for f in _ok(client.post(
        api("/feedback/batch"), json={"items": [{"text": _text(rng), "customer_id": rng.choice(customers),
                                                 "source": "support"} for _ in range(k, min(k + 1000, n_feedback))]},
        headers=h))["items"]])
    problems = [p["id"] for p in _ok(client.post(api("/problems/batch"), json={"items": [
        {"statement": f"Problem {i}: {_text(rng)}"} for i in range(max(n_features // 4, 1))]}, headers=h))["items"]]
    features = [f["id"] for k in range(0, n_features, 200) for f in _ok(client.post(api("/features/batch"), json={
        "items": [{"title": f"Feature {i}: {_text(rng)[:80]}", "problem_ids": [problems[i % len(problems)]],
                   "owner": OWNER}
                  for i in range(k, min(k + 200, n_features))]}, headers=h))["items"]]

    def link_all() -> None:  # about half the feedback is evidence, by features and problems
        pool = feedback[: n_feedback // 2]
        for k in range(0, len(pool), 1000):
            target = {"feature_id": features[(k // 1000) % len(features)]} if (k // 1000) % 3 else \
                {"problem_id": problems[(k // 1000) % len(problems)]}
            _ok(client.post(api("/feedback/bulk"), json={"ids": pool[k:k + 1000], "action": "link", **target},
                            headers=h))
    timed("links", link_all)
    team = _ok(client.post(api("/teams"), json={"name": "Payments", "members": ["Ana", "Bo", "Cy", "Di"]},
                           headers=h))["id"]
    estimated = features[: min(60, n_features)]
    timed("estimates", lambda: [_ok(client.put(api(f"/features/{fid}/estimate"), json={
        "optimistic": 3, "likely": 5 + i % 7, "pessimistic": 15, "team_id": team}, headers=h))
        for i, fid in enumerate(estimated)])
    start = date.today() - timedelta(days=n_work // 10)
    lines = ["Issue key,Summary,Issue Type,Status,Created,Resolved,Story Points"]
    for i in range(n_work):
        created = start + timedelta(days=i // 10)
        pts = rng.choice((1, 2, 3, 5, 8))
        done = created + timedelta(days=rng.randint(1, 20))
        lines.append(f"SC-{i + 1},{_text(rng)[:60]},Story,Done,{created},{min(done, date.today())},{pts}")
    csv = ("\n".join(lines) + "\n").encode()
    imported = timed("work history", lambda: _ok(client.post(api("/imports/workitems"), files={
        "file": ("history.csv", io.BytesIO(csv), "text/csv")}, data={"team_id": str(team)}, headers=h)))
    assert imported["created"] == n_work, imported
    plan = _ok(client.post(api("/plans"), json={"name": "Next quarter", "start": date.today().isoformat(),
                                                "periods": 6, "period_days": 14, "value_source": "arr",
                                                "time_limit": 5, "live": True}, headers=h))["id"]
    timed("solve", lambda: _ok(client.post(api(f"/plans/{plan}/solve"), headers=h)))
    commitments = [{"feature_id": estimated[i % len(estimated)], "customer_id": customers[i % len(customers)],
                    "due": (date.today() + timedelta(days=30 + i)).isoformat()} for i in range(100)]
    return {"feedback": feedback, "features": features, "problems": problems, "customers": customers,
            "estimated": estimated, "team": team, "plan": plan, "commitments": commitments, "took": took,
            "links": n_feedback // 2, "csv": csv}


def store_vectors(c: Any, workspace_id: int) -> int:
    """The sentence vectors of every feedback item, problem and feature, stored as the triage worker stores them
    (it embeds each item as it triages it, and problems and features as they change): what themes and similar
    items read. None with the lexical engine (no `ml` extra), which compares words only."""
    engine = c.triage
    if engine.embed is None:
        return 0
    stored = 0
    for kind in ("feedback", "problem", "feature"):
        with c.unit_of_work() as uow:
            items = list(vectors.texts(uow, workspace_id, kind).items())
        for k in range(0, len(items), 1000):
            part = dict(items[k:k + 1000])
            with c.unit_of_work() as uow:
                vectors.save(uow, workspace_id, engine.method, kind, part, engine.embed_texts(list(part.values())))
        stored += len(items)
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=400)
    parser.add_argument("--work-items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        c = bootstrap(Settings(home=home, database_url=f"sqlite:///{home / 'scale.db'}", triage_worker=False,
                               notifications_worker=False))
        upgrade(c.engine)
        with c.unit_of_work() as uow:
            owner, _ = accounts.get_or_create_user(uow=uow, email=OWNER, name="PM", password="x" * 12)
            ws = accounts.create_workspace(uow=uow, slug="scale", name="Scale", owner=owner, actor=ACTOR)
            uow.flush()
            _, token = accounts.create_token(uow=uow, workspace_id=ws.id, user_id=owner.id, name="bench", actor=ACTOR)
            ws_id = ws.id
        h = {"Authorization": f"Bearer {token}"}

        def api(path: str) -> str:
            return f"/api/v1/workspaces/scale{path}"

        load_before = os.getloadavg()[0]
        with TestClient(create_app(container=c)) as client:
            t0 = time.perf_counter()
            w = build(client, api, h, args.feedback, args.features, args.work_items, rng)
            built_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            vectors_stored = store_vectors(c, ws_id)
            w["took"]["vectors"] = time.perf_counter() - t0
            with c.unit_of_work() as uow:
                refresh_statistics(uow.session)  # as `db upgrade` and the background worker do
            rows: list[tuple[str, float, int, str]] = []

            def measure(name: str, call: Callable[[], Any], note: str = "", *, warm: bool = True,
                        runs: int = args.runs) -> None:
                if warm:
                    call()
                seconds, counts = [], []
                for _ in range(runs):
                    with Statements(c.engine) as st:
                        t = time.perf_counter()
                        call()
                        seconds.append(time.perf_counter() - t)
                    counts.append(st.count)
                rows.append((name, statistics.median(seconds), int(statistics.median(counts)), note))

            for audience in ("exec", "sales"):
                measure(f"{audience} brief (Markdown)", lambda a=audience: _ok(client.get(api(f"/briefs/{a}"), headers=h)))
            cust = w["customers"][3]
            measure("one customer's update", lambda: _ok(client.get(
                api(f"/briefs/customers?customer_id={cust}"), headers=h)))
            measure("ranking (50 rows)", lambda: _ok(client.get(api("/ranking?limit=50"), headers=h)))
            # themes and similar items read the vectors the triage worker stored (`store_vectors`): the first
            # request of the process also reads them into memory, the next ones find what is already there
            themes = lambda: _ok(client.get(api("/themes"), headers=h))  # noqa: E731
            measure("themes of the unlinked feedback, first", themes,
                    f"{args.feedback - w['links']:,} unlinked, the newest 2,000 grouped", warm=False, runs=1)
            measure("themes again", themes)
            unlinked = iter(w["feedback"][::-1])  # the newest items, linked to nothing: a new one each time
            similar = lambda: _ok(client.get(api(f"/feedback/{next(unlinked)}/similar"), headers=h))  # noqa: E731
            measure("similar items of a feedback item, first", similar, warm=False, runs=1)
            measure("similar items of another feedback item", similar, "a new item each time", warm=False)
            digest = _ok(client.get(api("/digest"), headers=h))["text"]
            measure("weekly digest (preview)", lambda: _ok(client.get(api("/digest"), headers=h)),
                    f"{sum(line.startswith('- ') for line in digest.splitlines()):,} lines: the PM owns every feature")
            # the forecast warm, then first after the work history changed (one more finished item imported)
            today = date.today().isoformat()
            more = f"Issue key,Summary,Issue Type,Status,Created,Resolved,Story Points\nSC-NEW,One more,Story,Done," \
                   f"{today},{today},3\n".encode()
            reimport = lambda: _ok(client.post(api("/imports/workitems"), files={  # noqa: E731
                "file": ("more.csv", io.BytesIO(more), "text/csv")}, data={"team_id": str(w["team"])}, headers=h))
            measure("forecast, warm", lambda: _ok(client.get(api("/forecast"), headers=h)))
            measure("work-history summary, warm", lambda: _ok(client.get(api("/workitems/summary"), headers=h)))
            reimport()
            measure("forecast, first after the history changed", lambda: _ok(client.get(api("/forecast"), headers=h)),
                    "one run: the next is warm", warm=False, runs=1)
            spare = w["feedback"][w["links"]:]
            batches = iter(range(0, len(spare), 1000))

            def bulk_link() -> None:
                k = next(batches)
                _ok(client.post(api("/feedback/bulk"), json={"ids": spare[k:k + 1000], "action": "link",
                                                            "feature_id": w["features"][-1]}, headers=h))
            measure("bulk link of 1,000 items to a feature", bulk_link, warm=False)
            made: list[int] = []

            def promise_batch() -> None:
                made.extend(x["id"] for x in _ok(client.post(api("/commitments/batch"), json={
                    "items": w["commitments"]}, headers=h))["items"])
            measure("100 commitments in one batch", promise_batch, "each with its chance", warm=False, runs=1)
            fid = w["estimated"][0]
            likely = iter(range(5, 50))
            measure("an estimate saved (100 commitments re-forecast)", lambda: _ok(client.put(
                api(f"/features/{fid}/estimate"), json={"optimistic": 3, "likely": next(likely), "pessimistic": 60,
                                                        "team_id": w["team"]}, headers=h)), warm=False)
            plan = w["plan"]
            measure("what-if +1 person, first", lambda: _ok(client.post(api(f"/plans/{plan}/what-if"), json={
                "add_people": [{"team_id": w["team"], "people": 1}]}, headers=h)), warm=False, runs=1)
            measure("the same what-if again (both sides from memory)", lambda: _ok(client.post(
                api(f"/plans/{plan}/what-if"), json={"add_people": [{"team_id": w["team"], "people": 1}]},
                headers=h)), warm=False, runs=1)
            measure("what-if +2 people (the plan's side from memory)", lambda: _ok(client.post(
                api(f"/plans/{plan}/what-if"), json={"add_people": [{"team_id": w["team"], "people": 2}]},
                headers=h)), warm=False, runs=1)
            # every feature estimated, last (it moves the forecasts above): the list, first page
            for i, f in enumerate(w["features"][len(w["estimated"]):]):
                _ok(client.put(api(f"/features/{f}/estimate"), json={
                    "optimistic": 2, "likely": 3 + i % 5, "pessimistic": 12, "team_id": w["team"]}, headers=h))
            measure("estimates list, first page (limit=50)", lambda: _ok(client.get(
                api("/estimates?limit=50"), headers=h)), f"{len(w['features']):,} estimated features")
        load_after = os.getloadavg()[0]

    took = w["took"]
    lines = [
        "## A workspace at scale (`bench/bench_scale.py`)", "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; 1-minute load average {load_before:.2f} before and {load_after:.2f} after "
        "(other jobs share this machine: seconds are noisy, statement counts are not). Through the API in process "
        "(TestClient over the whole app), SQLite, background workers off.", "",
        f"Workspace: {len(w['customers']):,} customers, {args.feedback:,} feedback items, {len(w['problems']):,} "
        f"problems, {len(w['features']):,} features, {w['links']:,} items linked as evidence (bulk link), "
        f"{len(w['estimated'])} estimated features on one team, {args.work_items:,} finished work items, a live plan, "
        f"100 commitments. Built in {built_s:.0f} s: feedback {took['feedback']:.0f} s, links {took['links']:.1f} s, "
        f"{len(w['estimated'])} estimates {took['estimates']:.1f} s, work history {took['work history']:.1f} s, "
        f"solve {took['solve']:.1f} s; {vectors_stored:,} sentence vectors stored as the triage worker stores them "
        f"({c.triage.method}) {took['vectors']:.0f} s.", "",
        "| request | median s | SQL statements | note |", "|---|---|---|---|",
        *[f"| {name} | {s:.3f} | {n:,} | {note} |" for name, s, n, note in rows], "",
    ]
    write_section(OUT, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
