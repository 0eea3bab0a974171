"""Stored embeddings behind similar-item suggestions, on both back ends: the worker stores a vector per triaged item
(and per problem and feature), suggestions read them instead of running the embedder, an edited text is embedded
again, the nearest stored feedback is found even without a shared word, and nothing crosses workspaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.conftest import World
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.embeddings import LexicalEmbedder
from tradeoff.feedback.model import Embedding
from tradeoff.triage import vectors
from tradeoff.triage.engine import TriageEngine
from tradeoff.triage.worker import drain, embed_missing


class Counting:
    """A real embedder (lexical hashing) that counts the texts it is asked to embed."""

    def __init__(self) -> None:
        self.inner = LexicalEmbedder()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts)


def _fb(client, world: World, text: str) -> int:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/feedback"), json={"text": text}, headers=world.bob.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _wid(container: Container, world: World) -> int:
    with container.unit_of_work() as uow:
        return accounts.workspace_by_slug(uow=uow, slug=world.slug).id


def _stored(container: Container, wid: int, kind: str, method: str) -> dict[int, str]:
    with container.unit_of_work() as uow:
        return {rid: digest for rid, digest in uow.session.execute(select(Embedding.record_id, Embedding.text_hash).where(
            Embedding.workspace_id == wid, Embedding.record_kind == kind, Embedding.method == method))}


def test_vectors_are_stored_reused_and_renewed(client, container: Container, world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    counting = Counting()
    engine = TriageEngine(embed=counting.embed, method="lexical-hash-384")
    monkeypatch.setattr(container, "_triage", engine)
    wid = _wid(container, world)
    texts = ["Please let us export all invoices to CSV in one go", "We need a bulk CSV export of every invoice",
             "The mobile app logs me out every morning"]
    ids = [_fb(client, world, t) for t in texts]
    feature = client.post(world.api("/features"), json={"title": "Bulk CSV export of invoices"},
                          headers=world.bob.headers).json()["id"]

    assert drain(container.unit_of_work, engine, workspace_id=wid) == 3
    # each embedded once, for its kind and its stored vector (beside the classifier's seed examples)
    assert all(counting.texts.count(t) == 1 for t in texts)
    stored = _stored(container, wid, "feedback", engine.method)
    assert stored == {i: vectors.text_hash(t) for i, t in zip(ids, texts, strict=True)}
    assert embed_missing(container.unit_of_work, engine, workspace_id=wid) == 1  # the feature
    assert list(_stored(container, wid, "feature", engine.method)) == [feature]
    assert embed_missing(container.unit_of_work, engine, workspace_id=wid) == 0  # nothing left to do

    counting.texts.clear()
    sim = client.get(world.api(f"/feedback/{ids[1]}/similar"), headers=world.sam.headers).json()
    assert sim["method"] == "lexical-hash-384" and counting.texts == []  # every vector read, none made
    assert sim["feedback"][0]["id"] == ids[0] and sim["feature"][0]["id"] == feature

    # an edited text: its old vector goes; suggestions embed it on the spot once, the worker stores it again
    r = client.patch(world.api(f"/feedback/{ids[0]}"), json={"text": "Export every invoice as CSV, please"},
                     headers={**world.bob.headers, "If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert ids[0] not in _stored(container, wid, "feedback", engine.method)
    for _ in range(2):
        client.get(world.api(f"/feedback/{ids[1]}/similar"), headers=world.sam.headers)
    assert counting.texts == ["Export every invoice as CSV, please"]
    assert r.json()["triaged_at"] is None  # queued: its kind and sentiment are looked at again
    assert drain(container.unit_of_work, engine, workspace_id=wid) == 1  # and its vector stored anew
    assert _stored(container, wid, "feedback", engine.method)[ids[0]] == vectors.text_hash(
        "Export every invoice as CSV, please")
    # a kind correction leaves the text, and its vector, alone
    r = client.patch(world.api(f"/feedback/{ids[2]}"), json={"kind": "bug"},
                     headers={**world.bob.headers, "If-Match": '"1"'})
    assert r.json()["triaged_at"] is not None and ids[2] in _stored(container, wid, "feedback", engine.method)

    # an edited feature title is stale until the worker's next pass renews it
    client.patch(world.api(f"/features/{feature}"), json={"title": "CSV export for all invoices at once"},
                 headers={**world.bob.headers, "If-Match": '"1"'})
    assert embed_missing(container.unit_of_work, engine, workspace_id=wid) == 1
    assert _stored(container, wid, "feature", engine.method)[feature] == vectors.text_hash(
        "CSV export for all invoices at once")


def test_nearest_stored_feedback_stays_in_its_workspace_and_ivf_agrees(
        client, container: Container, world: World, world2: World, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = TriageEngine(embed=LexicalEmbedder().embed, method="lexical-hash-384")
    monkeypatch.setattr(container, "_triage", engine)
    mine = [_fb(client, world, t) for t in ("Invoices load slowly", "Dark mode for reports", "SSO with Okta",
                                            "Slow invoice loading on Mondays", "Calendar view")]
    theirs = _fb(client, world2, "Invoices load slowly")  # the same words, in another workspace
    wid, wid2 = _wid(container, world), _wid(container, world2)
    drain(container.unit_of_work, engine, workspace_id=wid)
    drain(container.unit_of_work, engine, workspace_id=wid2)
    query = engine.embed_texts(["Invoices load slowly"])[0]
    with container.unit_of_work() as uow:
        exact = engine.vectors.nearest(uow, wid, engine.method, query, 3)
        assert exact[0] == mine[0] and theirs not in exact and len(exact) == 3
        assert engine.vectors.nearest(uow, wid, engine.method, query, 3, exclude={mine[0]})[0] != mine[0]
        assert engine.vectors.nearest(uow, wid, "another-method", query, 3) == []  # methods never mix
        # a new item: read into the tail, found at once, the base not read again
        base = engine.vectors._cache[(wid, engine.method)]
        twin = _fb(client, world, "Invoices load slowly!")
        drain(container.unit_of_work, engine, workspace_id=wid)
        uow.session.rollback()  # a new transaction, to see what the worker committed
        assert engine.vectors.nearest(uow, wid, engine.method, query, 2) in ([mine[0], twin], [twin, mine[0]])
        grown = engine.vectors._cache[(wid, engine.method)]
        assert grown.vectors is base.vectors and grown.tail_ids.tolist() == [twin]
        exact = engine.vectors.nearest(uow, wid, engine.method, query, 3)
        monkeypatch.setattr(vectors, "EXACT_UP_TO", 2)  # an IVF index above two vectors
        through_ivf = vectors.FeedbackVectors()
        assert through_ivf.nearest(uow, wid, engine.method, query, 3) == exact
        assert through_ivf._cache[(wid, engine.method)].ivf is not None
    sim = client.get(world2.api(f"/feedback/{theirs}/similar"), headers=world2.sam.headers).json()
    assert sim["feedback"] == []  # the other workspace's twin is never suggested


def test_the_model_finds_a_request_that_shares_no_word(client, container: Container, world: World,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff.embeddings import model_available
    if not model_available():
        pytest.skip("optional model not installed (pip install tradeoff[ml])")
    from tradeoff.triage.engine import default_engine

    engine = default_engine()
    assert engine.embed is not None
    wid = _wid(container, world)
    asked = _fb(client, world, "The application crashes whenever I open my bills")
    for t in ("Add dark mode to reports", "Support SSO through Okta", "Export the ledger to CSV",
              "A calendar view of payment due dates"):
        _fb(client, world, t)
    new = _fb(client, world, "Program keeps quitting unexpectedly when viewing invoices")
    drain(container.unit_of_work, engine, workspace_id=wid)
    assert len(_stored(container, wid, "feedback", engine.method)) == 6

    lexical = client.get(world.api(f"/feedback/{new}/similar"), headers=world.sam.headers).json()
    assert lexical["method"] == "lexical" and asked not in [s["id"] for s in lexical["feedback"]]  # no word shared
    monkeypatch.setattr(container, "_triage", engine)
    sim = client.get(world.api(f"/feedback/{new}/similar"), headers=world.sam.headers).json()
    assert sim["method"] == engine.method and sim["feedback"][0]["id"] == asked, sim
    grouped = client.get(world.api("/themes"), headers=world.sam.headers).json()
    assert grouped["method"] == engine.method  # themes group by the stored vectors too
    assert any({asked, new} <= set(t["feedback_ids"]) for t in grouped["items"]), grouped  # the same complaint
    with container.unit_of_work() as uow:
        n = uow.session.scalar(select(func.count()).select_from(Embedding).where(Embedding.workspace_id == wid))
    assert n == 6  # suggestions read vectors; they never write


def test_the_background_worker_stores_vectors_for_what_lacks_them(client, container: Container, world: World) -> None:
    import time

    from tradeoff.triage.worker import TriageWorker

    engine = TriageEngine(embed=LexicalEmbedder().embed, method="lexical-hash-384")
    wid = _wid(container, world)
    fb = _fb(client, world, "Reminders land in spam")
    problem = client.post(world.api("/problems"), json={"statement": "Reminder emails are not delivered"},
                          headers=world.bob.headers).json()["id"]
    worker = TriageWorker(container.unit_of_work, lambda: engine, interval=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 120  # generous: a loaded machine is slow, a pass is not
        # one round triages the feedback (which reads vectors into memory), then stores what lacks vectors
        while time.monotonic() < deadline and not ((wid, engine.method) in engine.vectors._cache
                                                   and list(_stored(container, wid, "problem", engine.method))):
            time.sleep(0.05)
    finally:
        worker.stop()
    assert list(_stored(container, wid, "problem", engine.method)) == [problem]
    assert fb in _stored(container, wid, "feedback", engine.method)
    # and read into memory by the worker, so no request waits for it
    assert fb in engine.vectors._cache[(wid, engine.method)].ids.tolist()
