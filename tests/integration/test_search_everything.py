"""Search everything through the API, on SQLite and PostgreSQL: every kind at once, archived records left out."""

from __future__ import annotations

from tests.conftest import World


def test_one_search_finds_each_kind_and_says_when_there_is_more(client, world: World) -> None:
    h = world.alice.headers
    cust = client.post(world.api("/customers"), json={"name": "Quokka Freight", "arr": 1000}, headers=h).json()
    fb_ids = [client.post(world.api("/feedback"), json={"text": f"Quokka export number {i} fails",
                                                        "customer_id": cust["id"]}, headers=h).json()["id"]
              for i in range(3)]
    feat = client.post(world.api("/features"), json={"title": "Quokka-proof export", "status": "planned"},
                       headers=h).json()
    client.post(world.api("/problems"), json={"statement": "Exports lose rows", "persona": "Analyst"}, headers=h)
    gone = client.post(world.api("/features"), json={"title": "Quokka archive me"}, headers=h).json()
    assert client.delete(world.api(f"/features/{gone['id']}"), headers=h).status_code == 200
    r = client.get(world.api("/search"), params={"q": "quokka", "per_kind": 2}, headers=world.sam.headers)
    assert r.status_code == 200, r.text
    groups = {g["kind"]: g for g in r.json()["groups"]}
    assert list(groups) == ["features", "feedback", "customers"]  # kinds in a fixed order; none without a match
    assert [i["id"] for i in groups["features"]["items"]] == [feat["id"]] and not groups["features"]["more"]
    assert groups["features"]["items"][0]["detail"] == "planned"
    assert len(groups["feedback"]["items"]) == 2 and groups["feedback"]["more"] is True
    assert {i["id"] for i in groups["feedback"]["items"]} <= set(fb_ids)
    assert groups["feedback"]["items"][0]["detail"].startswith("Quokka Freight · other · ")
    # every word must match; the last as a prefix
    r = client.get(world.api("/search"), params={"q": "quokka expo"}, headers=h).json()
    assert {g["kind"] for g in r["groups"]} == {"features", "feedback"}
    assert client.get(world.api("/search"), params={"q": "zebra"}, headers=h).json()["groups"] == []
    for params, field in (({"q": " !? "}, "q"), ({"q": "x", "per_kind": 0}, "per_kind"), ({}, "q")):
        r = client.get(world.api("/search"), params=params, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", field], r.text
    # the outsider's workspace has its own records: none of these
    assert client.get(world.api("/search"), params={"q": "quokka"}, headers=world.charlie.headers).status_code == 404


def test_best_match_first_a_title_outweighs_a_description(client, world: World) -> None:
    h = world.alice.headers
    named = client.post(world.api("/features"), json={"title": "Wombat sync"}, headers=h).json()
    mentioned = [client.post(world.api("/features"), json={
        "title": f"Billing dashboard {i}", "description": "Customers on the wombat plan see totals late."},
        headers=h).json() for i in range(2)]  # newer: the list's own sort (newest first) would put them first
    said_often = client.post(world.api("/feedback"), json={"text": "Wombat wombat wombat: wombat sync drops rows"},
                             headers=h).json()
    said_once = client.post(world.api("/feedback"), json={
        "text": "The export screen is slow, the filters reset, and by the way the wombat sync drops rows too"},
        headers=h).json()  # newer, a single mention in a longer text
    r = client.get(world.api("/search"), params={"q": "wombat"}, headers=h).json()
    groups = {g["kind"]: [i["id"] for i in g["items"]] for g in r["groups"]}
    assert groups["features"][0] == named["id"] and set(groups["features"][1:]) == {m["id"] for m in mentioned}
    assert groups["feedback"] == [said_often["id"], said_once["id"]]
    # two words: both must match, and the record naming both in its title still comes first
    r = client.get(world.api("/search"), params={"q": "wombat sync"}, headers=h).json()
    assert [i["id"] for i in r["groups"][0]["items"]] == [named["id"]]


def test_only_the_newest_matches_are_ranked(client, world: World, monkeypatch) -> None:
    from tradeoff.storage import search

    h = world.alice.headers
    best = client.post(world.api("/feedback"), json={"text": "Numbat numbat numbat"}, headers=h).json()
    rest = [client.post(world.api("/feedback"), json={"text": f"A numbat once, in a long remark number {i} about other things"},
                        headers=h).json()["id"] for i in range(4)]
    shown = lambda: [i["id"] for i in client.get(world.api("/search"), params={"q": "numbat", "per_kind": 3},  # noqa: E731
                                                 headers=h).json()["groups"][0]["items"]]
    assert shown()[0] == best["id"]
    monkeypatch.setattr(search, "RANK_AMONG", 3)  # the best match is older than the newest three: not ranked
    assert shown() == rest[::-1][:3]


def test_the_newest_matches_are_found_however_common_the_word(container, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each way PostgreSQL reads a word's newest matches (the planner's own for words its statistics know as common
    or for a rare word with many matches, the index's ids for a rare word's few) finds exactly the newest
    RANK_AMONG matches, on both back ends; and leaves the planner's settings as they were."""
    from sqlalchemy import text

    from tests.conftest import SYSTEM
    from tradeoff.accounts import service as accounts
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.model import Feedback
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.storage import search

    monkeypatch.setattr(search, "SPARSE_MATCHES", 10)
    monkeypatch.setattr(search, "RANK_AMONG", 5)
    # what the statistics call common (the test database is not analysed): alpha and delta
    seen: list[tuple[str, bool]] = []
    rare = search._pg_rare

    def noted(session, table, words):  # type: ignore[no-untyped-def]
        got = rare(session, table, words)
        seen.append((words[-1], got))
        return got

    monkeypatch.setattr(search, "_pg_elements", lambda session, table: frozenset({"alpha", "delta", "item"}))
    monkeypatch.setattr(search, "_pg_rare", noted)
    words = {"alpha": lambda i: True,  # common: walked
             "betta": lambda i: i in (5, 50, 100),  # rare, 3 matches: their ids from the index
             "gamma": lambda i: i < 15,  # rare to the statistics, yet 15 matches: the planner's own way
             "delta": lambda i: i % 10 == 0}  # common: walked
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        ids = [feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
            text="item " + " ".join(word for word, has in words.items() if has(i)))).id for i in range(120)]
    with container.unit_of_work() as uow:
        live = [Feedback.workspace_id == w, Feedback.archived_at.is_(None)]
        for word, has in words.items():
            newest = sorted((fid for i, fid in enumerate(ids) if has(i)), reverse=True)[:5]
            assert set(search.ranked(uow.session, Feedback, word[:4], live, 50)) == set(newest), word
            assert set(search.ranked(uow.session, Feedback, f"item {word[:4]}", live, 50)) == set(newest), word
        if uow.session.get_bind().dialect.name == "postgresql":
            assert ("alph", False) in seen and ("bett", True) in seen and ("gamm", True) in seen
            for setting in ("enable_bitmapscan", "enable_indexscan", "enable_seqscan"):
                assert uow.session.execute(text(f"SHOW {setting}")).scalar() == "on", setting
