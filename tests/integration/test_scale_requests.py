"""The requests that grow with a workspace, on both back ends: the estimates list comes a page at a time with a
bounded number of statements per page, the weekly digest lists a busy week's evidence without loading whole
records, and themes are grouped once per set of unlinked items (the same themes, remembered)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import World
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.core.text import themes as core_themes
from tradeoff.feedback.model import Feedback
from tradeoff.links.model import Link
from tradeoff.notifications import digest as digest_service
from tradeoff.storage.base import utcnow
from tradeoff.storage.db import Statements
from tradeoff.triage import service as triage
from tradeoff.triage.engine import TriageEngine


def _ok(r: Any, code: int = 200) -> Any:
    assert r.status_code == code, r.text
    return r.json() if r.content else None


def _estimated(client: Any, world: World, n: int, *, team: int | None = None, component: int | None = None,
               helper: int | None = None) -> list[int]:
    """`n` new features, each estimated (with a component, a driver naming it and a shared team when given)."""
    h = world.bob.headers
    ids = []
    for i in range(n):
        fid = _ok(client.post(world.api("/features"), json={"title": f"Feature {i}"}, headers=h), 201)["id"]
        body: dict[str, Any] = {"optimistic": 2, "likely": 3 + i, "pessimistic": 20}
        if team is not None:
            body["team_id"] = team
        if helper is not None:
            body["team_shares"] = {str(helper): 0.25}
        if component is not None:
            body |= {"component_ids": [component], "drivers": [{"name": "refactor", "component_id": component}]}
        _ok(client.put(world.api(f"/features/{fid}/estimate"), json=body, headers=h))
        ids.append(fid)
    return ids


def test_the_estimates_list_comes_a_page_at_a_time(client: Any, world: World) -> None:
    ids = _estimated(client, world, 5)
    seen: list[dict[str, Any]] = []
    url = world.api("/estimates?limit=2")
    pages = 0
    while url:
        page = _ok(client.get(url, headers=world.sam.headers))
        assert len(page["items"]) <= 2
        seen += page["items"]
        pages += 1
        url = world.api(f"/estimates?limit=2&cursor={page['next']}") if page["next"] else ""
    assert pages == 3
    assert [e["feature_id"] for e in seen] == sorted(ids)  # every one once, by feature, as the list always was
    # each item is the estimate as its own page shows it
    for e in seen:
        assert e == _ok(client.get(world.api(f"/features/{e['feature_id']}/estimate"), headers=world.sam.headers))
    whole = _ok(client.get(world.api("/estimates"), headers=world.sam.headers))
    assert [e["feature_id"] for e in whole["items"]] == sorted(ids) and whole["next"] is None
    bad = client.get(world.api("/estimates?cursor=nonsense"), headers=world.sam.headers)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert client.get(world.api("/estimates?limit=0"), headers=world.sam.headers).status_code == 422
    assert client.get(world.api("/estimates?limit=201"), headers=world.sam.headers).status_code == 422
    # an archived feature's estimate leaves the list; one team's are asked for by its id
    archived = _ok(client.delete(world.api(f"/features/{ids[0]}"), headers=world.alice.headers))
    assert archived["archived"]
    assert [e["feature_id"] for e in _ok(client.get(world.api("/estimates"), headers=world.sam.headers))["items"]] \
        == sorted(ids)[1:]
    team = _ok(client.post(world.api("/teams"), json={"name": "Core", "members": ["Ana"]}, headers=world.alice.headers),
               201)["id"]
    mine = _estimated(client, world, 1, team=team)
    led = _ok(client.get(world.api(f"/estimates?team_id={team}"), headers=world.sam.headers))["items"]
    assert [e["feature_id"] for e in led] == mine
    assert _ok(client.get(world.api("/estimates?team_id=999999"), headers=world.sam.headers))["items"] == []
    # the outsider of another workspace sees no list at all
    outsider = client.get(world.api("/estimates"), headers=world.charlie.headers)
    assert outsider.status_code == 404


def test_a_page_of_estimates_costs_the_same_statements_however_many_it_holds(
        client: Any, world: World, container: Container) -> None:
    h = world.bob.headers
    team = _ok(client.post(world.api("/teams"), json={"name": "T", "members": ["Ana"]}, headers=h), 201)["id"]
    helper = _ok(client.post(world.api("/teams"), json={"name": "U", "members": ["Bo"]}, headers=h), 201)["id"]
    component = _ok(client.post(world.api("/components"), json={"name": "Ledger", "debt_level": 3}, headers=h),
                    201)["id"]
    _estimated(client, world, 2, team=team, component=component, helper=helper)

    def statements(limit: int) -> tuple[int, int]:
        with Statements(container.engine) as st:
            page = _ok(client.get(world.api(f"/estimates?limit={limit}"), headers=world.sam.headers))
        return st.count, len(page["items"])

    few, n_few = statements(2)
    _estimated(client, world, 8, team=team, component=component, helper=helper)
    many, n_many = statements(10)
    assert (n_few, n_many) == (2, 10)
    # (give or take the sign-in's own bookkeeping, which writes now and then)
    assert many <= few + 1, f"{few} statements for 2 estimates, {many} for 10: a query per row"
    page = _ok(client.get(world.api("/estimates?limit=1"), headers=world.sam.headers))["items"][0]
    assert [s["team"] for s in page["split"]] == ["T", "U"]  # names read in one go are the names
    assert "Ledger" in page["explanation"]


def test_the_digest_lists_a_busy_week_without_loading_each_record(client: Any, world: World,
                                                                   container: Container) -> None:
    h = world.bob.headers
    owner = world.bob.email
    fid = _ok(client.post(world.api("/features"), json={"title": "Bulk export", "owner": owner}, headers=h), 201)["id"]
    items = [_ok(client.post(world.api("/feedback"), json={"text": f"Export number {i} to CSV please"}, headers=h),
                 201)["id"] for i in range(12)]
    _ok(client.post(world.api("/feedback/bulk"), json={"ids": items, "action": "link", "feature_id": fid},
                    headers=h))
    loaded: list[str] = []

    def load(target: Any, context: Any) -> None:
        loaded.append(type(target).__name__)

    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        for model in (Link, Feedback):
            event.listen(model, "load", load)
        try:
            d = digest_service.build_digest(uow=uow, workspace_id=wid, user_id=world.bob.user_id, now=utcnow())
        finally:
            for model in (Link, Feedback):
                event.remove(model, "load", load)
    assert len(d.new_evidence) == 12
    assert all(line.text.startswith("Bulk export: “Export number") for line in d.new_evidence)
    assert {line.link for line in d.new_evidence} == {f"/w/{world.slug}/features/{fid}"}
    assert loaded == []  # one row of words per line, not three whole records


@pytest.mark.parametrize("embeds", [False, True])
def test_themes_are_grouped_once_per_set_of_unlinked_items(client: Any, world: World, container: Container,
                                                           monkeypatch: pytest.MonkeyPatch, embeds: bool) -> None:
    from tradeoff.embeddings import LexicalEmbedder

    engine = TriageEngine(embed=LexicalEmbedder().embed, method="lexical-hash-384") if embeds else TriageEngine()
    monkeypatch.setattr(container, "_triage", engine)
    h = world.bob.headers
    texts = ["Export all invoices to CSV in one go", "Bulk CSV export of every invoice please",
             "CSV export of invoices for the accountant", "The mobile app logs me out every morning",
             "Logged out of the mobile app again this morning", "Mobile app keeps logging me out"]
    ids = [_ok(client.post(world.api("/feedback"), json={"text": t}, headers=h), 201)["id"] for t in texts]
    groupings: list[int] = []
    real = core_themes.cluster_themes

    def counted(*args: Any, **kwargs: Any) -> Any:
        groupings.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(core_themes, "cluster_themes", counted)
    first = _ok(client.get(world.api("/themes"), headers=world.sam.headers))
    again = _ok(client.get(world.api("/themes"), headers=world.sam.headers))
    assert first == again and len(groupings) == 1  # the same items: remembered, not grouped again
    assert first["items"], first
    # a fresh engine (nothing remembered) groups them the same way
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        fresh_engine = TriageEngine(embed=engine.embed, method=engine.method) if embeds else TriageEngine()
        fresh = triage.themes_overview(uow=uow, workspace_id=wid, now=utcnow(), engine=fresh_engine)
    assert [t["feedback_ids"] for t in fresh["items"]] == [t["feedback_ids"] for t in first["items"]]
    assert [t["label"] for t in fresh["items"]] == [t["label"] for t in first["items"]]
    # a new problem, or an item linked, changes what is grouped: grouped again
    grouped = len(groupings)
    pid = _ok(client.post(world.api("/problems"), json={"statement": "Invoices cannot be exported to CSV"},
                          headers=h), 201)["id"]
    _ok(client.get(world.api("/themes"), headers=world.sam.headers))
    assert len(groupings) == grouped + 1
    _ok(client.post(world.api("/links"), json={"feedback_id": ids[0], "problem_id": pid}, headers=h), 201)
    after = _ok(client.get(world.api("/themes"), headers=world.sam.headers))
    assert ids[0] not in {i for t in after["items"] for i in t["feedback_ids"]}
    # the outsider of another workspace gets none of it
    assert client.get(world.api("/themes"), headers=world.charlie.headers).status_code == 404
