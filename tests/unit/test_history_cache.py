"""The per-process memory of work-history answers, and what a transaction's forecast memo counts as a write."""

from __future__ import annotations

import threading
import time

import pytest

from tradeoff.forecasts.memo import _Memo
from tradeoff.workitems.history import HistoryCache


def test_an_answer_is_computed_once_even_when_threads_ask_together() -> None:
    cache = HistoryCache(maxsize=4)
    computed: list[int] = []

    def slow() -> int:
        computed.append(1)
        time.sleep(0.05)
        return 42

    got: list[int] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42] * 8 and len(computed) == 1


def test_the_cache_is_bounded_least_recently_used_out_first_and_a_failure_is_not_kept() -> None:
    cache = HistoryCache(maxsize=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    assert cache.get("a", lambda: -1) == 1  # "a" used again: "b" is the oldest now
    cache.get("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get("b", lambda: 20) == 20 and cache.get("c", lambda: -1) == 3

    def broken() -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get("d", broken)
    assert cache.get("d", lambda: 4) == 4


@pytest.mark.parametrize(("statement", "forgets"), [
    ("SELECT work_items.id FROM work_items", False),
    ("SELECT estimates.id FROM estimates FOR UPDATE", False),
    ("WITH t AS (SELECT 1) SELECT * FROM t WHERE updated_at > 1", False),
    ("SET LOCAL enable_seqscan = off", False),
    ("INSERT INTO commitments (feature_id) VALUES (?)", False),
    ("UPDATE commitments SET probability=? WHERE commitments.id = ?", False),
    ('INSERT INTO "audit_events" (action) VALUES (%(action)s)', False),
    ("INSERT INTO notification_events (event_type) VALUES (?) RETURNING id", False),
    ("UPDATE estimates SET likely=? WHERE estimates.id = ?", True),
    ("INSERT INTO work_items (key) VALUES (?)", True),
    ("DELETE FROM teams WHERE teams.id = ?", True),
    ("UPDATE plans SET releases=? WHERE plans.id = ?", True),
    ("WITH moved AS (UPDATE features SET status='shipped' RETURNING id) SELECT * FROM moved", True),
    ("ALTER TABLE estimates ADD COLUMN x INTEGER", True),
])
def test_what_a_transaction_writes_decides_whether_its_forecast_is_kept(statement: str, forgets: bool) -> None:
    memo = _Memo(connection=None)  # type: ignore[arg-type]
    memo.answers["fc"] = object()
    memo.seen(None, None, statement, None, None, False)
    assert ("fc" not in memo.answers) is forgets and memo.writes == int(forgets)


def test_a_large_answer_goes_to_the_cache_it_names_even_an_empty_one() -> None:
    from tradeoff.workitems.history import CACHE, WorkHistory

    own = HistoryCache(maxsize=2)  # empty: an empty cache must still be the one used (it is falsy)
    history = WorkHistory(workspace_id=-1, key=("test", 1))
    before = len(CACHE)
    assert history.remember("big", None, lambda: "fitted", cache=own) == "fitted"
    assert len(own) == 1 and len(CACHE) == before
    assert history.remember("big", None, lambda: "fitted again", cache=own) == "fitted"  # kept there
