"""Migrations, schema drift, query counts (no N+1), audit trail and secrets, on both back ends."""

from __future__ import annotations

import logging

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import String, Text, text

from tests.conftest import World, fresh_database_url
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import bootstrap
from tradeoff.settings import Settings
from tradeoff.storage.db import Statements
from tradeoff.storage.migrate import current_revision, head_revision, revisions, upgrade
from tradeoff.storage.models import Base


def test_upgrade_from_first_migration_to_head_keeps_data(backend, tmp_path) -> None:  # type: ignore[no-untyped-def]
    gen = fresh_database_url(backend, tmp_path)
    url = next(gen)
    try:
        c = bootstrap(Settings(home=tmp_path, database_url=url))
        first = revisions()[0]
        upgrade(c.engine, first)
        assert current_revision(c.engine) == first
        with c.engine.begin() as conn:  # a database made by the first migration, with data in it
            conn.execute(text("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                              "VALUES ('old', 'Old', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            wid = conn.execute(text("SELECT id FROM workspaces WHERE slug='old'")).scalar_one()
            conn.execute(text("INSERT INTO feedback (workspace_id, text, source, reporter, reported_at, tags, version, "
                              "created_at, updated_at) VALUES (:w, 'Exporting ledgers is slow', 'support', '', "
                              "CURRENT_TIMESTAMP, '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"w": wid})
        upgrade(c.engine)
        assert current_revision(c.engine) == head_revision()
        from tradeoff.feedback import service as feedback_service
        from tradeoff.records import service as records

        with c.unit_of_work() as uow:  # the search index added later covers the old rows too
            page = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=wid, q="ledgers")
            assert [f.text for f in page.items] == ["Exporting ledgers is slow"]
        with c.engine.begin() as conn:  # rows written after the upgrade are indexed too (triggers survived)
            conn.execute(text("INSERT INTO feedback (workspace_id, text, source, reporter, reported_at, tags, version, "
                              "created_at, updated_at) VALUES (:w, 'Importing ledgers fails', 'support', '', "
                              "CURRENT_TIMESTAMP, '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"w": wid})
        with c.unit_of_work() as uow:
            page = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=wid, q="ledgers")
            assert len(page.items) == 2
        c.engine.dispose()
    finally:
        next(gen, None)


def test_feedback_date_unknown_migrates_up_and_down_keeping_rows_and_search(backend, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """20261218_28 adds feedback.date_unknown in place and drops it again: no table rebuild, so SQLite's full-text
    search triggers on feedback survive both ways."""
    from alembic import command
    from sqlalchemy import inspect

    from tradeoff.feedback import service as feedback_service
    from tradeoff.records import service as records
    from tradeoff.storage.migrate import alembic_config

    gen = fresh_database_url(backend, tmp_path)
    url = next(gen)
    try:
        c = bootstrap(Settings(home=tmp_path, database_url=url))
        upgrade(c.engine, "20261217_27")
        insert = text("INSERT INTO feedback (workspace_id, text, source, reporter, reported_at, tags, version, "
                      "created_at, updated_at) VALUES (:w, :t, 'support', '', CURRENT_TIMESTAMP, '[]', 1, "
                      "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        with c.engine.begin() as conn:
            conn.execute(text("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                              "VALUES ('mig', 'Mig', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            wid = conn.execute(text("SELECT id FROM workspaces WHERE slug='mig'")).scalar_one()
            conn.execute(insert, {"w": wid, "t": "Reconciling ledgers by hand"})
        upgrade(c.engine, "20261218_28")
        with c.engine.connect() as conn:  # rows there before have a known date
            assert conn.execute(text("SELECT date_unknown FROM feedback")).scalar_one() in (False, 0)
        with c.engine.begin() as conn:
            conn.execute(insert, {"w": wid, "t": "Ledgers export times out"})
        cfg = alembic_config(c.engine.url.render_as_string(hide_password=False))
        with c.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "20261217_27")
        assert current_revision(c.engine) == "20261217_27"
        assert "date_unknown" not in {col["name"] for col in inspect(c.engine).get_columns("feedback")}
        with c.engine.begin() as conn:  # written after the downgrade: still indexed for search
            conn.execute(insert, {"w": wid, "t": "Ledgers again"})
        upgrade(c.engine)
        with c.unit_of_work() as uow:
            page = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=wid, q="ledgers")
            assert sorted(f.text for f in page.items) == ["Ledgers again", "Ledgers export times out",
                                                         "Reconciling ledgers by hand"]
            assert {f.date_unknown for f in page.items} == {False}
        c.engine.dispose()
    finally:
        next(gen, None)


def _sqlite_ignores_lengths(ctx, inspected_column, metadata_column, inspected_type, metadata_type):  # type: ignore[no-untyped-def]
    """SQLite does not enforce a declared VARCHAR length (migrations widen columns on PostgreSQL only): a
    difference of length alone is no drift there. None: compare as usual."""
    strings = [t for t in (inspected_type, metadata_type) if isinstance(t, String) and not isinstance(t, Text)]
    if ctx.dialect.name == "sqlite" and len(strings) == 2:
        return False
    return None


def test_models_match_migrations(container) -> None:  # type: ignore[no-untyped-def]
    with container.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": lambda o, n, t, r, c: "_fts" not in (n or ""),
                                                     "compare_type": _sqlite_ignores_lengths})
        drift = compare_metadata(ctx, Base.metadata)
    assert drift == []


def test_the_planner_gets_statistics_and_reads_evidence_through_the_target_index(client, container,
                                                                                  world: World) -> None:
    from tradeoff.storage.db import refresh_statistics

    h = world.alice.headers
    features = [client.post(world.api("/features"), json={"title": f"F{i}"}, headers=h).json()["id"] for i in range(3)]
    for i in range(30):
        fb = client.post(world.api("/feedback"), json={"text": f"Need thing {i}"}, headers=h).json()["id"]
        client.post(world.api("/links"), json={"feedback_id": fb, "feature_id": features[i % 3]}, headers=h)
    with container.unit_of_work() as uow:
        refresh_statistics(uow.session)
    if container.engine.dialect.name != "sqlite":
        return  # PostgreSQL's autovacuum keeps its own statistics
    with container.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'links'")).scalar()
        plan = " ".join(str(r) for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM links WHERE workspace_id = 1 AND feature_id = 2")))
    assert "ix_links_ws_feature" in plan or "ix_links_feature_id" in plan, plan


def test_the_triage_worker_refreshes_statistics_as_it_starts_and_now_and_then(container, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.triage import worker as worker_module

    calls: list[float] = []
    monkeypatch.setattr(worker_module, "refresh_statistics", lambda session: calls.append(1.0))
    w = worker_module.TriageWorker(container.unit_of_work, lambda: container.triage)
    w._maybe_refresh_statistics()
    w._maybe_refresh_statistics()  # not again so soon
    assert len(calls) == 1
    w._stats_at = (w._stats_at or 0) - worker_module.STATS_EVERY - 1
    w._maybe_refresh_statistics()
    assert len(calls) == 2


def test_sqlite_pragmas(container) -> None:  # type: ignore[no-untyped-def]
    if container.engine.dialect.name != "sqlite":
        return
    with container.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def reads_only(statement: str) -> bool:
    # reads only: a token's last-used time is written at most once a minute, whenever that falls
    sql = statement.strip().upper()
    return sql.startswith("SELECT") and sql != "SELECT 1"



def _make(client, world: World, n: int) -> int:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    p = client.post(world.api("/problems"), json={"statement": "p"}, headers=h).json()["id"]
    feat = client.post(world.api("/features"), json={"title": "f", "problem_ids": [p]}, headers=h).json()["id"]
    custs = client.post(world.api("/customers/batch"), json={"items": [{"name": f"c{i}", "arr": i} for i in range(n)]},
                        headers=h).json()["items"]
    fbs = client.post(world.api("/feedback/batch"), json={"items": [{"text": f"t{i}", "customer_id": c["id"]}
                                                                    for i, c in enumerate(custs)]}, headers=h).json()["items"]
    for f in fbs:
        client.post(world.api("/links"), json={"feedback_id": f["id"], "feature_id": feat}, headers=h)
    for i in range(n):
        client.post(world.api("/features"), json={"title": f"g{i}", "problem_ids": [p]}, headers=h)
    return feat


def test_no_n_plus_one_on_lists_and_details(client, container, world: World, world2: World) -> None:  # type: ignore[no-untyped-def]
    made = {n: (w, _make(client, w, n)) for n, w in ((2, world), (25, world2))}
    counts = {}
    for n, (w, feat) in made.items():
        urls = [w.api("/feedback?limit=100"), w.api("/features?limit=100"), w.api("/customers?limit=100"),
                w.api(f"/features/{feat}"), w.api(f"/features/{feat}/evidence"), w.api("/ranking?limit=100"),
                w.api("/feedback?q=t1")]
        got = []
        for url in urls:
            with Statements(container.engine, reads_only) as qc:
                assert client.get(url, headers=w.alice.headers).status_code == 200
            got.append(qc.count)
        counts[n] = got
    assert counts[2][:-1] == counts[25][:-1], counts
    # a search on PostgreSQL first looks up a word it does not know as common (one query), and what the planner's
    # statistics know changes whenever autovacuum analyses the shared test database: one query either way
    assert abs(counts[2][-1] - counts[25][-1]) <= 1, counts


def test_audit_records_before_after_and_never_secrets(client, world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    h = world.alice.headers
    c = client.post(world.api("/customers"), json={"name": "Acme", "arr": 10}, headers=h).json()
    client.patch(world.api(f"/customers/{c['id']}"), json={"arr": 99}, headers=h)
    tok = client.post(world.api("/tokens"), json={"name": "leaky?"}, headers=h).json()["token"]
    trail = client.get(world.api(f"/audit?record_type=customer&record_id={c['id']}"), headers=h).json()["items"]
    assert [e["action"] for e in trail] == ["update", "create"]
    assert trail[0]["changes"] == {"arr": {"before": "10.00", "after": "99.00"}}
    assert trail[0]["actor"] == world.alice.email
    everything = client.get(world.api("/audit?limit=200"), headers=h).text
    for secret in (tok, world.alice.token, world.alice.password, "argon2"):
        assert secret not in everything
        assert secret not in caplog.text


def test_login_guard_rate_limits_per_client_address(container, world: World) -> None:
    import pytest
    from sqlalchemy import select

    from tradeoff.accounts.model import RateEvent
    from tradeoff.errors import RateLimited, Unauthenticated

    # two guards on one database: two server processes (`tradeoff serve --workers 2`) share the count
    first, second = accounts.LoginGuard(3, container.engine), accounts.LoginGuard(3, container.engine)
    tag = world.slug  # IPs unique to this test: the table is shared by every test on this database
    ip = {n: f"{n}.{tag}" for n in ("ok", "bad", "other", "fresh")}
    with container.unit_of_work() as uow:
        assert first.login(uow=uow, email=world.bob.email, password=world.bob.password, ip=ip["ok"]).email \
            == world.bob.email
    for guard in (first, second, first):  # each failure in its own request, rolled back as a request would be
        with pytest.raises(Unauthenticated), container.unit_of_work() as uow:
            guard.login(uow=uow, email=world.bob.email, password="wrong", ip=ip["bad"])
    with container.unit_of_work() as uow:
        with pytest.raises(RateLimited, match="from your address"):  # even the right password, from that IP,
            second.login(uow=uow, email=world.bob.email, password=world.bob.password, ip=ip["bad"])  # either process
        with pytest.raises(RateLimited, match="from your address"):  # and any account from that IP
            first.login(uow=uow, email=world.erin.email, password=world.erin.password, ip=ip["bad"])
        # the failures slowed the address that made them, not the account: its owner signs in from elsewhere
        assert second.login(uow=uow, email=world.bob.email, password=world.bob.password, ip=ip["other"])
        assert second.login(uow=uow, email=world.erin.email, password=world.erin.password, ip=ip["fresh"])
        stored = set(uow.session.scalars(select(RateEvent.key_hash)))
    assert stored and not any(world.bob.email in h or "bad." in h for h in stored)  # only hashes are kept
    # a minute later the window has passed
    from datetime import timedelta

    from tradeoff.storage.base import utcnow

    later = accounts.LoginGuard(3, container.engine)
    later.throttle.per_client.clock = lambda: utcnow() + timedelta(seconds=61)  # type: ignore[attr-defined]
    with container.unit_of_work() as uow:
        assert later.login(uow=uow, email=world.bob.email, password=world.bob.password, ip=ip["bad"])


def test_passwords_are_argon2_hashed(container, world: World) -> None:
    from sqlalchemy import select

    from tradeoff.accounts.model import ApiToken, User

    with container.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.email == world.alice.email))
        assert user.password_hash.startswith("$argon2id$") and world.alice.password not in user.password_hash
        hashes = list(uow.session.scalars(select(ApiToken.token_hash)))
        assert world.alice.token not in hashes and all(len(h) == 64 for h in hashes)
