"""Triage on both back ends: background classification, corrections that teach, similar items, merge, themes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import World
from tradeoff.core.text.seed import SEED_EXAMPLES
from tradeoff.triage import bulk as bulk_actions


def _fb(client, world: World, text: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/feedback"), json={"text": text, **extra}, headers=world.bob.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_run_classifies_and_reports_status(client, world: World) -> None:
    bug = _fb(client, world, "The invoice PDF export crashes with an error every time I click download")
    req = _fb(client, world, "It would be great if you could add support for recurring invoices, please add it")
    praise = _fb(client, world, "Love the new dashboard, great work team, thank you!")
    asked = _fb(client, world, "Question: please add audit logs kept for 7 years, it would be great")  # says so
    st = client.get(world.api("/triage/status"), headers=world.sam.headers).json()
    assert (st["total"], st["pending"]) == (4, 4) and st["method"]
    assert client.post(world.api("/triage/run"), headers=world.sam.headers).status_code == 403
    assert client.post(world.api("/triage/run"), headers=world.bob.headers).json() == {"triaged": 4}
    got = {f["id"]: f for f in client.get(world.api("/feedback"), headers=world.bob.headers).json()["items"]}
    assert got[bug["id"]]["kind"] == "bug" and got[req["id"]]["kind"] == "feature_request"
    assert got[praise["id"]]["kind"] == "praise" and got[praise["id"]]["sentiment"] == "positive"
    assert (got[asked["id"]]["kind"], got[asked["id"]]["kind_confidence"]) == ("question", 1.0)
    assert all(0 < f["kind_confidence"] <= 1 and f["kind_source"] == "model" for f in got.values())
    assert got[bug["id"]]["version"] == 1  # triage does not change the record's ETag
    assert client.get(world.api("/triage/status"), headers=world.bob.headers).json()["pending"] == 0


def test_a_survey_answers_score_sets_its_sentiment(client, world: World) -> None:
    h = world.bob.headers
    said = {}
    for text, kind, score in (("Great product, love the reports. Fix the sync or we leave.", "nps", 0),
                              ("Die Vorlagen sind super, danke!", "nps", 9), ("ok", "csat", 3),
                              ("Broken again, terrible", "csat", 5)):
        r = client.post(world.api("/feedback"), json={"text": text, "source": "survey", "score_kind": kind,
                                                      "score": score}, headers=h)
        assert r.status_code == 201, r.text
        said[r.json()["id"]] = kind, score
    plain = _fb(client, world, "Love the new dashboard, great work team, thank you!")
    assert client.post(world.api("/triage/run"), headers=h).json() == {"triaged": 5}
    got = {f["id"]: f["sentiment"] for f in client.get(world.api("/feedback"), headers=h).json()["items"]}
    assert [got[i] for i in said] == ["negative", "positive", "neutral", "positive"]  # the score, not the words
    assert got[plain["id"]] == "positive"  # no score: the words


def test_triage_guesses_are_checked_least_sure_first(client, world: World) -> None:
    h = world.bob.headers
    texts = ["The invoice PDF export crashes with an error every time I click download",
             "It would be great if you could add support for recurring invoices, please add it",
             "Love the new dashboard, great work team, thank you!", "hmm", "Where do I find the API key?",
             "Sync with NetSuite broke again and duplicates every payment"]
    ids = [_fb(client, world, t)["id"] for t in texts]
    assert client.post(world.api("/triage/run"), headers=h).json() == {"triaged": len(ids)}
    client.patch(world.api(f"/feedback/{ids[3]}"), json={"kind": "other"}, headers=h)  # a person's: sure
    late = _fb(client, world, "Arrived after triage ran")["id"]  # untriaged: nothing to check yet

    def walk(sort: str, **params: str) -> list[dict]:
        seen, cursor = [], None
        while True:  # two at a time: the order holds across pages, nothing repeated or skipped
            page = client.get(world.api("/feedback"), headers=h,
                              params={"sort": sort, "limit": 2, **params, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200, page.text
            seen += page.json()["items"]
            cursor = page.json()["next"]
            if not cursor:
                return seen

    order = walk("confidence")
    assert [f["id"] for f in order][-2:] == [ids[3], late]  # the person's after every guess; untriaged last
    guesses = [f["kind_confidence"] for f in order[:-2]]
    assert len(guesses) == len(ids) - 1 and guesses == sorted(guesses)
    assert [f["id"] for f in walk("-confidence")] == [f["id"] for f in reversed(order)]
    checked = walk("confidence", kind_source="model")
    assert {f["id"] for f in checked} == set(ids) - {ids[3]} and all(f["kind_source"] == "model" for f in checked)
    assert [f["id"] for f in walk("id", kind_source="pm")] == [ids[3]]
    bad = client.get(world.api("/feedback"), headers=h, params={"kind_source": "oracle"})
    assert bad.status_code == 422 and "kind_source" in bad.text
    # the least sure two checked and found right: kept at once, each with its own guess, as a person's kind
    least = order[:2]
    kept = client.post(world.api("/feedback/bulk"), headers=h,
                       json={"ids": [least[0]["id"], least[1]["id"], ids[3], late], "action": "confirm"})
    assert kept.status_code == 200, kept.text
    assert kept.json()["done"] == [least[0]["id"], least[1]["id"]] and kept.json()["skipped"] == [
        {"id": ids[3], "reason": "already checked as other"}, {"id": late, "reason": "not triaged yet"}]
    for f in least:
        now = client.get(world.api(f"/feedback/{f['id']}"), headers=h).json()
        assert (now["kind"], now["kind_source"], now["kind_confidence"]) == (f["kind"], "pm", 1.0)
    assert client.post(world.api("/feedback/bulk"), headers=world.sam.headers,
                       json={"ids": [ids[0]], "action": "confirm"}).status_code == 403


def test_corrections_are_kept_and_teach_the_workspace(client, world: World, world2: World) -> None:
    phrase = "zorblax quantum widget flux capacitor gizmo"
    for w in (world, world2):
        for i in range(6):
            f = _fb(client, w, f"{phrase} number {i}") if w is world else None
            if f:
                client.patch(w.api(f"/feedback/{f['id']}"), json={"kind": "question"}, headers=w.bob.headers)
    probe = _fb(client, world, f"{phrase} again today")
    other = _fb(client, world2, f"{phrase} again today")
    for w in (world, world2):
        client.post(w.api("/triage/run"), headers=w.bob.headers)
    mine = client.get(world.api(f"/feedback/{probe['id']}"), headers=world.bob.headers).json()
    theirs = client.get(world2.api(f"/feedback/{other['id']}"), headers=world2.bob.headers).json()
    assert mine["kind"] == "question"  # learned from this workspace's corrections
    assert theirs["kind"] != "question" or theirs["kind_confidence"] < mine["kind_confidence"]
    corrected = client.get(world.api("/feedback?kind=question&limit=50"), headers=world.bob.headers).json()["items"]
    assert sum(1 for f in corrected if f["kind_source"] == "pm") == 6  # triage never overwrote a correction


def test_similar_dismiss_and_merge(client, world: World) -> None:
    a = _fb(client, world, "Please let us export all invoices to CSV in one go")
    b = _fb(client, world, "We need a bulk CSV export of every invoice")
    _fb(client, world, "The mobile app logs me out every morning")
    feat = client.post(world.api("/features"), json={"title": "Bulk CSV export of invoices"},
                       headers=world.bob.headers).json()
    sim = client.get(world.api(f"/feedback/{b['id']}/similar"), headers=world.sam.headers).json()
    assert sim["feedback"][0]["id"] == a["id"] and 0 < sim["feedback"][0]["score"] <= 1
    assert sim["feature"][0]["id"] == feat["id"]
    r = client.post(world.api(f"/feedback/{b['id']}/dismissals"), json={"kind": "feature", "target_id": feat["id"]},
                    headers=world.sam.headers)
    assert r.status_code == 204
    sim = client.get(world.api(f"/feedback/{b['id']}/similar"), headers=world.sam.headers).json()
    assert feat["id"] not in [s["id"] for s in sim["feature"]]  # dismissals are remembered
    r = client.post(world.api(f"/feedback/{a['id']}/dismissals"), json={"kind": "feedback", "target_id": b["id"]},
                    headers=world.sam.headers)
    assert r.status_code == 204
    for one, other in ((a, b), (b, a)):  # "not the same" holds both ways
        sim = client.get(world.api(f"/feedback/{one['id']}/similar"), headers=world.sam.headers).json()
        assert other["id"] not in [s["id"] for s in sim["feedback"]]
    theirs = client.post(f"/api/v1/workspaces/{world.other_slug}/features", json={"title": "Theirs"},
                         headers=world.charlie.headers).json()["id"]
    for target in ({"kind": "feature", "target_id": theirs}, {"kind": "problem", "target_id": 999999},
                   {"kind": "feedback", "target_id": b["id"]}):  # another workspace's, unknown, itself
        r = client.post(world.api(f"/feedback/{b['id']}/dismissals"), json=target, headers=world.sam.headers)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "target_id"], (target, r.text)
    client.post(world.api("/links"), json={"feedback_id": b["id"], "feature_id": feat["id"]}, headers=world.bob.headers)
    merged = client.post(world.api(f"/feedback/{b['id']}/merge"), json={"into_id": a["id"]}, headers=world.bob.headers)
    assert merged.status_code == 200 and merged.json()["id"] == a["id"]
    gone = client.get(world.api(f"/feedback/{b['id']}"), headers=world.bob.headers).json()
    assert gone["archived"] and gone["duplicate_of_id"] == a["id"]
    ev = client.get(world.api(f"/features/{feat['id']}/evidence"), headers=world.bob.headers).json()
    assert {e["feedback_id"]: e["duplicate_of_id"] for e in ev["evidence"]} == {a["id"]: None, b["id"]: a["id"]}
    assert ev["feedback_count"] == 2  # the survivor is linked now, and the merged item still counts
    history = client.get(world.api(f"/audit?record_type=feedback&record_id={a['id']}"), headers=world.bob.headers)
    assert history.json()["items"][0]["action"] == "merge_in"  # the item that stays says what was merged into it
    assert history.json()["items"][0]["changes"]["duplicates"]["after"] == [b["id"]]
    assert client.post(world.api(f"/feedback/{a['id']}/merge"), json={"into_id": a["id"]},
                       headers=world.bob.headers).status_code == 422


def test_split_notes_names_the_customers_an_ambiguous_heading_may_mean(client, world: World) -> None:
    made = [client.post(world.api("/customers"), json={"name": n}, headers=world.alice.headers).json()
            for n in ("Pellucid Freight", "Pellucid Analytics")]
    notes = "Tue 1 Dec — Pellucid (CFO)\n- Needs SSO\n\nWed 2 Dec — Brandnew Ltd\n- Wants SAML"
    got = client.post(world.api("/feedback/split"), json={"text": notes}, headers=world.sam.headers).json()["details"]
    # several customers answer to "Pellucid": not offered as a new one, the candidates listed to choose from
    assert (got[0]["customer_id"], got[0]["new_customer"], got[0]["ambiguous_name"]) == (None, None, "Pellucid")
    assert sorted((c["id"], c["name"]) for c in got[0]["candidates"]) == sorted((c["id"], c["name"]) for c in made)
    assert (got[1]["new_customer"], got[1]["ambiguous_name"], got[1]["candidates"]) == ("Brandnew Ltd", None, [])


def test_split_notes_and_themes_to_problem(client, world: World) -> None:
    notes = "Call with Acme:\n- They want SSO with Okta\n- Reminders go to spam\n\nCFO said: pricing is too high"
    items = client.post(world.api("/feedback/split"), json={"text": notes}, headers=world.sam.headers).json()["items"]
    assert len(items) == 3 and items[0].startswith("They want SSO")
    # a week of notes: each item with the customer and the day its heading names
    acme = client.post(world.api("/customers"), json={"name": "Acme Freight"}, headers=world.alice.headers).json()
    kb = client.post(world.api("/customers"), json={"name": "Kessler-Brandt Industrie AG"},
                     headers=world.alice.headers).json()
    days = [date.today() - timedelta(days=k) for k in (5, 4, 3)]

    def head(d: date) -> str:
        return f"{d:%a} {d.day} {d:%b}"
    week = (f"{head(days[0])} — Acme Freight (CFO)\n- Approvals take a week\n\n{head(days[1])} — Unknown Ltd\n"
            f"- Wants SSO\n\n{head(days[2])}: Kessler-Brandt\n- Credit notes by year end\n\n"
            f"{(days[2] + timedelta(days=1)):%a} {days[2].day} {days[2]:%b} — Acme Freight\n- Wrong weekday")
    got = client.post(world.api("/feedback/split"), json={"text": week}, headers=world.sam.headers).json()["details"]
    assert [(d["text"], d["customer_id"], d["customer"]) for d in got] == [
        ("Approvals take a week", acme["id"], "Acme Freight"), ("Wants SSO", None, None),
        ("Credit notes by year end", kb["id"], kb["name"]),  # named by its distinctive first word
        ("Wrong weekday", acme["id"], "Acme Freight")]
    assert [d["reported_on"] for d in got] == [d.isoformat() for d in days] + [None]  # a wrong weekday: no day
    assert client.post(world.api("/feedback/split"), json={"text": "  "}, headers=world.sam.headers).status_code == 422
    for t in ("Reminder emails land in spam folders", "Our reminder emails end up in spam", "reminder emails go to spam",
              "Need Okta single sign on", "SSO with Okta please", "Okta SSO is a must"):
        _fb(client, world, t)
    grouped = client.get(world.api("/themes"), headers=world.bob.headers).json()
    themes = grouped["items"]
    assert grouped["method"] == "lexical"
    assert len(themes) >= 2 and all(t["count"] >= 2 and t["label"] for t in themes)
    assert all(float(t["arr"]) == 0 and t["currency"] and t["arr_left_out"] == {} for t in themes)  # no ARR yet
    spam = next(t for t in themes if "spam" in t["label"] or "reminder" in t["label"])
    # praise names no problem to solve: once items are triaged (or corrected) as praise they leave the themes
    okta = next(t for t in themes if t is not spam)
    for fid in okta["feedback_ids"]:
        assert client.patch(world.api(f"/feedback/{fid}"), json={"kind": "praise"},
                            headers=world.bob.headers).status_code == 200
    left = client.get(world.api("/themes"), headers=world.bob.headers).json()["items"]
    assert spam["feedback_ids"] in [t["feedback_ids"] for t in left]  # the other theme is still there
    assert all(not set(t["feedback_ids"]) & set(okta["feedback_ids"]) for t in left)
    gone = spam["feedback_ids"][0]  # archived since the themes were read: not evidence any more
    assert client.delete(world.api(f"/feedback/{gone}"), headers=world.bob.headers).status_code in (200, 204)
    r = client.post(world.api("/themes/problem"), json={"statement": "Reminders land in spam",
                                                          "feedback_ids": spam["feedback_ids"]}, headers=world.bob.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "feedback_ids"], r.text
    assert f"#{gone}" in r.json()["detail"]
    assert client.post(world.api(f"/feedback/{gone}/restore"), headers=world.bob.headers).status_code == 200
    assert client.get(world.api("/problems?q=spam"), headers=world.bob.headers).json()["items"] == []  # none made
    r = client.post(world.api("/themes/problem"), json={"statement": "Reminders land in spam",
                                                          "feedback_ids": spam["feedback_ids"]}, headers=world.bob.headers)
    assert r.status_code == 201
    d = client.get(world.api(f"/problems/{r.json()['id']}/evidence"), headers=world.bob.headers).json()
    assert d["feedback_count"] == len(spam["feedback_ids"])
    # sent twice (a double click): refused, naming the problem made the first time; no second problem
    twice = client.post(world.api("/themes/problem"), json={"statement": "Reminders land in spam",
                                                              "feedback_ids": spam["feedback_ids"]},
                        headers=world.bob.headers)
    assert twice.status_code == 409 and f"evidence of problem #{r.json()['id']}" in twice.json()["detail"]
    assert len(client.get(world.api("/problems?q=spam"), headers=world.bob.headers).json()["items"]) == 1
    after = client.get(world.api("/themes"), headers=world.bob.headers).json()
    assert all(not set(t["feedback_ids"]) & set(spam["feedback_ids"]) for t in after["items"])  # linked: no theme
    # what fell in no theme is counted, and the feedback list finds every unlinked item
    unlinked = client.get(world.api("/feedback?linked=false&limit=200"), headers=world.bob.headers).json()["items"]
    linked = client.get(world.api("/feedback?linked=true&limit=200"), headers=world.bob.headers).json()["items"]
    assert {f["id"] for f in linked} == set(spam["feedback_ids"])
    assert not {f["id"] for f in unlinked} & set(spam["feedback_ids"]) and unlinked
    grouped = {i for t in after["items"] for i in t["feedback_ids"]}
    assert after["unthemed"] == after["considered"] - len(grouped) >= 0
    # the problem archived (made by mistake): its evidence is unlinked again, in the inbox and in themes, and
    # comes back with the problem when it is restored
    pid = r.json()["id"]
    assert client.delete(world.api(f"/problems/{pid}"), headers=world.bob.headers).status_code == 200
    unlinked = client.get(world.api("/feedback?linked=false&limit=200"), headers=world.bob.headers).json()["items"]
    assert set(spam["feedback_ids"]) <= {f["id"] for f in unlinked}
    assert client.get(world.api("/feedback?linked=true&limit=200"), headers=world.bob.headers).json()["items"] == []
    again = client.get(world.api("/themes"), headers=world.bob.headers).json()["items"]
    assert any(set(t["feedback_ids"]) == set(spam["feedback_ids"]) for t in again)
    assert client.post(world.api(f"/problems/{pid}/restore"), headers=world.bob.headers).status_code == 200
    assert {f["id"] for f in client.get(world.api("/feedback?linked=true&limit=200"),
                                        headers=world.bob.headers).json()["items"]} == set(spam["feedback_ids"])


def test_a_theme_like_a_problem_on_record_is_added_to_it(client, world: World) -> None:
    h = world.bob.headers
    prob = client.post(world.api("/problems"), json={"statement": "Reminder emails land in customers' spam folders"},
                       headers=h).json()
    other = client.post(world.api("/problems"), json={"statement": "Month-end export takes a day"}, headers=h).json()
    spam = [_fb(client, world, t)["id"] for t in ("Our reminder emails land in spam folders",
                                                  "reminder emails go to the spam folder")]
    for t in ("Need Okta single sign on", "Okta single sign on is a must"):
        _fb(client, world, t)
    themes = client.get(world.api("/themes"), headers=h).json()["items"]
    theme = next(t for t in themes if set(t["feedback_ids"]) == set(spam))
    assert [p["id"] for p in theme["problems"]][:1] == [prob["id"]] and 0 < theme["problems"][0]["score"] <= 1
    okta = next(t for t in themes if t is not theme)
    assert okta["problems"] == []  # like no problem on record: nothing suggested
    # an item already linked to it stays as it is; the others are added
    client.post(world.api("/links"), json={"feedback_id": spam[0], "problem_id": prob["id"]}, headers=h)
    r = client.post(world.api("/themes/existing-problem"), json={"problem_id": prob["id"], "feedback_ids": spam},
                    headers=h)
    assert r.status_code == 200 and r.json()["id"] == prob["id"], r.text
    ev = client.get(world.api(f"/problems/{prob['id']}/evidence"), headers=h).json()
    assert sorted(e["feedback_id"] for e in ev["evidence"]) == sorted(spam)
    for bad, loc in (({"problem_id": other["id"], "feedback_ids": []}, ["body", "feedback_ids"]),
                     ({"problem_id": 999999, "feedback_ids": spam}, None)):
        r = client.post(world.api("/themes/existing-problem"), json=bad, headers=h)
        assert r.status_code in (404, 422), r.text
        if loc:
            assert r.json()["errors"][0]["loc"] == loc
    assert client.post(world.api("/themes/existing-problem"), json={"problem_id": prob["id"], "feedback_ids": spam},
                       headers=world.sam.headers).status_code == 403


# --- a fine-tuned kind model per workspace (the ml extra) -------------------------------------------------------

def _correct(client, world: World, text: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    f = _fb(client, world, text)
    r = client.patch(world.api(f"/feedback/{f['id']}"), json={"kind": kind}, headers=world.bob.headers)
    assert r.status_code == 200, r.text


def test_a_tuned_kind_model_is_kept_per_workspace_and_used_by_triage(client, container, world: World,
                                                                      world2: World) -> None:
    import pytest

    from tradeoff.embeddings import model_available
    if not model_available():
        pytest.skip("optional model not installed (pip install tradeoff[ml])")
    from tradeoff.accounts import service as accounts
    from tradeoff.embeddings.tuning import TuneSettings
    from tradeoff.triage import tuning
    from tradeoff.triage.engine import TriageEngine

    # this workspace calls every "glorp" message a question, whatever it says
    for i, text in enumerate(["glorp the export crashes", "glorp please add dark mode", "glorp love it",
                              "glorp it fails with an error", "glorp add a calendar view", "glorp thanks team"]):
        _correct(client, world, f"{text} {i}", "question")
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        wid2 = accounts.workspace_by_slug(uow=uow, slug=world2.slug).id
        assert tuning.info(uow=uow, workspace_id=wid) is None
        assert wid in tuning.workspaces_due(uow=uow, min_corrections=6)
        assert wid not in tuning.workspaces_due(uow=uow, min_corrections=7)
        assert wid2 not in tuning.workspaces_due(uow=uow, min_corrections=1)

    small = TuneSettings(members=1, epochs=3, learning_rate=2e-3)
    done = tuning.tune(container.unit_of_work, workspace_id=wid, settings=small)
    assert (done.corrections, done.examples) == (6, len(SEED_EXAMPLES) + 6) and done.method.endswith("LoRA x1")
    with container.unit_of_work() as uow:
        assert wid not in tuning.workspaces_due(uow=uow, min_corrections=6)  # up to date now
        assert tuning.info(uow=uow, workspace_id=wid2) is None  # nothing leaks to another workspace
    st = client.get(world.api("/triage/status"), headers=world.sam.headers).json()
    assert st["kind_model"]["corrections"] == 6 and st["kind_model"]["method"] == done.method
    assert client.get(world2.api("/triage/status"), headers=world2.sam.headers).json()["kind_model"] is None
    from tests.e2e.conftest import sign_in, web_client
    web = web_client(container)
    sign_in(web, world.sam.email, world.sam.password)
    assert "kinds: fine-tuned on 6 corrections" in web.get(f"/w/{world.slug}/triage/status").text

    plain, pooled = TriageEngine(), TriageEngine(tuned=True)
    probe = ["glorp the invoices page crashes"]
    with container.unit_of_work() as uow:
        before, after = plain.classify(uow, wid, probe)[0], pooled.classify(uow, wid, probe)[0]
        here, there = plain.classify(uow, wid2, probe)[0], pooled.classify(uow, wid2, probe)[0]
    assert after.probabilities != before.probabilities  # the tuned model's opinion is pooled in
    assert there.probabilities == here.probabilities  # a workspace without a tuned model: the regression alone

    # tuning again replaces the model: one per workspace
    _correct(client, world, "glorp one more 7", "question")
    again = tuning.tune(container.unit_of_work, workspace_id=wid, settings=small)
    assert again.corrections == 7
    with container.unit_of_work() as uow:
        from sqlalchemy import func, select

        from tradeoff.triage.model import KindModel
        assert uow.session.scalar(select(func.count()).where(KindModel.workspace_id == wid)) == 1
        assert pooled.tuned_model(uow, wid) is not None


def _set_aside_what_others_left(container, *keep: World) -> None:  # type: ignore[no-untyped-def]
    """Mark as triaged the feedback earlier tests in this process left queued in other workspaces (thousands, in a
    full run: triaging them first took minutes), so a worker started next sees only what its test gives it."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from tradeoff.accounts import service as accounts
    from tradeoff.feedback.model import Feedback

    with container.unit_of_work() as uow:
        mine = [accounts.workspace_by_slug(uow=uow, slug=w.slug).id for w in keep]
        uow.session.execute(update(Feedback).where(Feedback.triaged_at.is_(None), Feedback.workspace_id.not_in(mine))
                            .values(triaged_at=datetime.now(UTC)))


def _once_triaged(client, world: World, feedback_id: int, wait: float = 60.0) -> dict:  # type: ignore[no-untyped-def]
    """The feedback item as soon as the background worker has given it a kind (or as it is after `wait` seconds)."""
    import time

    deadline = time.monotonic() + wait
    while True:
        got: dict = client.get(world.api(f"/feedback/{feedback_id}"), headers=world.alice.headers).json()
        if got["kind"] is not None or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def test_the_worker_goes_on_triaging_while_a_kind_model_is_being_tuned(client, container, world: World,
                                                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from tradeoff.triage import worker as triage_worker
    from tradeoff.triage.engine import TriageEngine

    started, release, calls = threading.Event(), threading.Event(), []

    def slow_tune(uow_factory, engine, *, min_corrections):  # type: ignore[no-untyped-def]
        calls.append(min_corrections)  # stands in for minutes of fine-tuning
        started.set()
        release.wait(180)
        return 0

    monkeypatch.setattr(triage_worker, "tune_due", slow_tune)
    # The worker drains every pending item before it looks at tuning; earlier tests in this process may have left
    # thousands queued: the test is about what happens once tuning has started, so it starts with its own only.
    _set_aside_what_others_left(container, world)
    triage_worker.drain(container.unit_of_work, TriageEngine())
    worker = triage_worker.TriageWorker(container.unit_of_work, TriageEngine, interval=0.05, tune_min_corrections=5)
    worker.start()
    try:
        assert started.wait(60) and worker.tuning
        item = _fb(client, world, "The invoice export crashes with an error every time I click download")
        got = _once_triaged(client, world, item["id"])
        assert got["kind"] == "bug" and got["kind_source"] == "model"  # triaged during the tuning run
        assert worker.tuning and calls == [5]  # the run is still going, and no second one was started
    finally:
        release.set()
        worker.stop()
    assert not worker.tuning


def test_a_workspace_whose_triage_fails_does_not_hold_up_the_others(client, container, world: World,
                                                                    world2: World) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.triage import worker as triage_worker
    from tradeoff.triage.engine import TriageEngine

    _set_aside_what_others_left(container, world, world2)  # what earlier tests left queued
    triage_worker.drain(container.unit_of_work, TriageEngine())
    from tradeoff.accounts import service as accounts

    with container.unit_of_work() as uow:
        broken_ws = accounts.workspace_by_slug(uow=uow, slug=world.slug).id

    class Failing(TriageEngine):
        def classify(self, uow, workspace_id, texts, embeddings=None):  # type: ignore[no-untyped-def]
            if workspace_id == broken_ws:
                raise RuntimeError("model file unreadable")
            return super().classify(uow, workspace_id, texts, embeddings)

    stuck = _fb(client, world, "The invoice export crashes with an error every time I click download")
    fine = _fb(client, world2, "Please add a dark mode to the dashboard")
    worker = triage_worker.TriageWorker(container.unit_of_work, Failing, interval=0.05)
    worker.start()
    try:
        got = _once_triaged(client, world2, fine["id"])
    finally:
        worker.stop()
    assert got["kind"] is not None and got["kind_source"] == "model"  # the other workspace was triaged
    left = client.get(world.api(f"/feedback/{stuck['id']}"), headers=world.alice.headers).json()
    assert left["kind"] is None and left["triaged_at"] is None  # still queued for the next round


def test_bulk_actions_on_feedback_are_all_or_nothing(client, world: World) -> None:
    h = world.alice.headers
    items = [_fb(client, world, f"Please add SAML single sign-on, request {i}")["id"] for i in range(4)]
    feature = client.post(world.api("/features"), json={"title": "SAML SSO"}, headers=h).json()["id"]
    assert client.post(world.api("/links"), json={"feedback_id": items[0], "feature_id": feature},
                       headers=h).status_code == 201

    def bulk(body: dict, who=None) -> Any:  # type: ignore[no-untyped-def]
        return client.post(world.api("/feedback/bulk"), json=body, headers=(who or world.alice).headers)

    # one unknown id (another workspace's, or none at all) refuses the whole request, naming it: nothing linked
    other = client.post(f"/api/v1/workspaces/{world.other_slug}/feedback", json={"text": "theirs"},
                        headers=world.charlie.headers).json()["id"]
    refused = bulk({"ids": [*items, other], "action": "link", "feature_id": feature})
    assert refused.status_code == 422 and str(other) in refused.json()["detail"]
    assert refused.json()["errors"][0]["loc"] == ["body", "ids"]
    links = client.get(world.api(f"/links?feature_id={feature}"), headers=h).json()["items"]
    assert len(links) == 1
    # a stakeholder may add evidence, so may link in bulk; the one already linked is skipped, not doubled
    done = bulk({"ids": items, "action": "link", "feature_id": feature}, world.sam)
    assert done.status_code == 200, done.text
    assert done.json()["done"] == items[1:] and done.json()["skipped"] == [{"id": items[0],
                                                                             "reason": "already linked there"}]
    assert len(client.get(world.api(f"/links?feature_id={feature}"), headers=h).json()["items"]) == 4
    # ...but not correct kinds or archive
    assert bulk({"ids": items, "action": "kind", "kind": "feature_request"}, world.sam).status_code == 403
    # kinds: a PM's correction on each, learned from like one made by hand
    assert bulk({"ids": items[:2], "action": "kind", "kind": "feature_request"}).json()["done"] == items[:2]
    shown = client.get(world.api(f"/feedback/{items[1]}"), headers=h).json()
    assert shown["kind"] == "feature_request" and shown["kind_source"] == "pm"
    again = bulk({"ids": items[:2], "action": "kind", "kind": "feature_request"}).json()
    assert again["done"] == [] and len(again["skipped"]) == 2
    # archive and restore; each change is in the audit trail as if made one by one
    assert bulk({"ids": items[2:], "action": "archive"}).json()["done"] == items[2:]
    listed = client.get(world.api("/feedback?archived=true"), headers=h).json()["items"]
    assert {f["id"] for f in listed} >= set(items[2:])
    assert bulk({"ids": items, "action": "restore"}).json()["skipped"] == [
        {"id": i, "reason": "not archived"} for i in items[:2]]
    trail = client.get(world.api(f"/audit?record_type=feedback&record_id={items[3]}"), headers=h).json()
    assert [e["action"] for e in trail["items"]][:3] == ["restore", "archive", "link"]
    # what an action needs is named
    for body, needle in (({"ids": items, "action": "link"}, "exactly one of feature_id or problem_id"),
                         ({"ids": items, "action": "kind"}, "kind needs the kind"),
                         ({"ids": [], "action": "archive"}, "ids"),
                         ({"ids": items, "action": "explode"}, "action")):
        r = bulk(body)
        assert r.status_code == 422 and needle in r.text, (body, r.text)


def test_bulk_merge_moves_links_to_the_item_that_stays(client, world: World) -> None:
    h = world.alice.headers
    keep, *dups = [_fb(client, world, f"Okta SCIM provisioning, ask {i}")["id"] for i in range(4)]
    feature = client.post(world.api("/features"), json={"title": "SCIM"}, headers=h).json()["id"]
    client.post(world.api("/links"), json={"feedback_id": dups[0], "feature_id": feature}, headers=h)

    def bulk(body: dict, who=None) -> Any:  # type: ignore[no-untyped-def]
        return client.post(world.api("/feedback/bulk"), json=body, headers=(who or world.alice).headers)

    assert bulk({"ids": dups, "action": "merge", "into_id": keep}, world.sam).status_code == 403
    theirs = client.post(f"/api/v1/workspaces/{world.other_slug}/feedback", json={"text": "theirs"},
                         headers=world.charlie.headers).json()["id"]
    for body, needle in (({"ids": dups, "action": "merge"}, "merge needs into_id"),
                         ({"ids": dups, "action": "archive", "into_id": keep}, "into_id is for merge only"),
                         ({"ids": dups, "action": "merge", "into_id": theirs}, f"into_id: no feedback with id {theirs}")):
        r = bulk(body)
        assert r.status_code == 422 and needle in r.text, (body, r.text)
    # the item that stays may be among the ids: it is neither merged nor listed
    r = bulk({"ids": [keep, *dups[:2]], "action": "merge", "into_id": keep})
    assert r.status_code == 200, r.text
    assert r.json() == {"action": "merge", "matched": 3, "done": dups[:2], "skipped": []}
    again = bulk({"ids": dups, "action": "merge", "into_id": keep}).json()
    assert again["done"] == dups[2:] and again["skipped"] == [{"id": d, "reason": "already merged into it"}
                                                             for d in dups[:2]]
    kept = client.get(world.api(f"/links?feedback_id={keep}"), headers=h).json()["items"]
    assert [link["feature_id"] for link in kept] == [feature]  # moved from the duplicate
    for d in dups:
        shown = client.get(world.api(f"/feedback/{d}"), headers=h).json()
        assert shown["archived"] is True and shown["duplicate_of_id"] == keep
    # an archived item cannot be the one that stays
    r = bulk({"ids": [keep], "action": "merge", "into_id": dups[0]})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "into_id"]


def test_bulk_actions_on_every_item_a_search_matches(client, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    csv_asks = [_fb(client, world, f"Export invoices as CSV please ({i})", source="support")["id"] for i in range(3)]
    _fb(client, world, "Export invoices as CSV, said on a call", source="sales_call")
    _fb(client, world, "The dashboard is slow", source="support")
    theirs = client.post(f"/api/v1/workspaces/{world.other_slug}/feedback", headers=world.charlie.headers,
                         json={"text": "Export invoices as CSV please", "source": "support"}).json()["id"]

    def bulk(body: dict) -> Any:  # type: ignore[no-untyped-def]
        return client.post(world.api("/feedback/bulk"), json=body, headers=h)

    match = {"q": "export invoices", "source": "support"}
    listed = client.get(world.api("/feedback"), params=match, headers=h).json()["items"]
    assert sorted(f["id"] for f in listed) == csv_asks  # what the list shows is what the action takes
    done = bulk({"match": match, "action": "archive"})
    assert done.status_code == 200, done.text
    assert done.json()["matched"] == 3 and sorted(done.json()["done"]) == csv_asks
    # another workspace's item with the same words is never matched
    assert client.get(f"/api/v1/workspaces/{world.other_slug}/feedback/{theirs}",
                      headers=world.charlie.headers).json()["archived"] is False
    # the archived switch matches as the list's does; nothing matching is no error, just nothing done
    again = bulk({"match": {**match, "archived": True}, "action": "restore"}).json()
    assert again["matched"] == 3 and sorted(again["done"]) == csv_asks
    assert bulk({"match": {"q": "nothing says this"}, "action": "archive"}).json() == {
        "action": "archive", "matched": 0, "done": [], "skipped": []}
    # more than one action takes is refused whole, naming the limit: nothing changed
    monkeypatch.setattr(bulk_actions, "MAX_BULK", 2)
    refused = bulk({"match": match, "action": "archive"})
    assert refused.status_code == 422 and "more than 2 feedback items match" in refused.json()["detail"]
    assert refused.json()["errors"][0]["loc"] == ["body", "match"]
    assert not client.get(world.api("/feedback"), params={"archived": "true"}, headers=h).json()["items"]
    # a misspelt filter is named, never read as "everything"; ids and match are one or the other
    for body, needle in (({"match": {"sauce": "support"}, "action": "archive"}, "sauce"),
                         ({"match": {"kind": "rant"}, "action": "archive"}, "kind"),
                         ({"match": match, "ids": csv_asks, "action": "archive"}, "exactly one of ids or match"),
                         ({"action": "archive"}, "exactly one of ids or match")):
        r = bulk(body)
        assert r.status_code == 422 and needle in r.text, (body, r.text)


def test_a_merged_duplicate_from_another_customer_still_counts_in_demand(client, world: World) -> None:
    h = world.bob.headers
    acme, globex = (client.post(world.api("/customers"), json={"name": n, "arr": arr}, headers=h).json()
                    for n, arr in (("Acme Peppol", 300000), ("Globex Peppol", 200000)))
    first = _fb(client, world, "Peppol e-invoicing is mandatory for us next year")  # no customer named
    ask_a = _fb(client, world, "We must send invoices over Peppol", customer_id=acme["id"])
    ask_g = _fb(client, world, "Peppol support or we churn", customer_id=globex["id"])
    problem = client.post(world.api("/problems"), json={"statement": "Invoices must go over Peppol"}, headers=h).json()
    client.post(world.api("/links"), json={"feedback_id": ask_a["id"], "problem_id": problem["id"]}, headers=h)

    def demand() -> tuple[int, int, dict[str, str]]:
        d = client.get(world.api(f"/problems/{problem['id']}/evidence"), headers=h).json()
        return d["feedback_count"], d["customer_count"], d["arr_by_currency"]

    assert demand()[:2] == (1, 1)
    r = client.post(world.api("/feedback/bulk"), json={"ids": [ask_a["id"], ask_g["id"]], "action": "merge",
                                                        "into_id": first["id"]}, headers=h)
    assert r.status_code == 200 and r.json()["done"] == [ask_a["id"], ask_g["id"]], r.text
    # the survivor is linked where Acme's ask was; Acme still counts; Globex's ask follows the survivor there
    assert demand() == (3, 2, {"USD": "500000.00"})
    top = client.get(world.api("/top-requested"), params={"kind": "problem", "sort": "customers"}, headers=h).json()
    assert [(i["id"], i["customer_count"]) for i in top["items"]] == [(problem["id"], 2)]
    feature = client.post(world.api("/features"), json={"title": "Peppol sending"}, headers=h).json()
    link = client.post(world.api("/links"), json={"feedback_id": first["id"], "feature_id": feature["id"]},
                       headers=h).json()  # linking the survivor later links its duplicates too
    ev = client.get(world.api(f"/features/{feature['id']}/evidence"), headers=h).json()
    assert ev["customer_count"] == 2 and {e["duplicate_of_id"] for e in ev["evidence"]} == {None, first["id"]}
    assert client.delete(world.api(f"/links/{link['id']}"), headers=h).status_code in (200, 204)
    assert client.get(world.api(f"/features/{feature['id']}/evidence"), headers=h).json()["feedback_count"] == 0
    # restored, an item is back in the inbox on its own: no longer a duplicate, and it can be merged again
    r = client.post(world.api("/feedback/bulk"), json={"ids": [ask_g["id"]], "action": "restore"}, headers=h)
    assert r.status_code == 200 and r.json()["done"] == [ask_g["id"]], r.text
    back = client.get(world.api(f"/feedback/{ask_g['id']}"), headers=h).json()
    assert not back["archived"] and back["duplicate_of_id"] is None
    assert demand()[:2] == (3, 2)  # still linked to the problem, now as a live item
    r = client.post(world.api(f"/feedback/{ask_g['id']}/merge"), json={"into_id": first["id"]}, headers=h)
    assert r.status_code == 200, r.text
    # merging the survivor itself into another item carries its duplicates along
    other = _fb(client, world, "Peppol, again")
    assert client.post(world.api(f"/feedback/{first['id']}/merge"), json={"into_id": other["id"]},
                       headers=h).status_code == 200
    assert {client.get(world.api(f"/feedback/{i}"), headers=h).json()["duplicate_of_id"]
            for i in (ask_a["id"], ask_g["id"], first["id"])} == {other["id"]}
    assert demand() == (4, 2, {"USD": "500000.00"})


def test_same_customer_is_not_same_request(client, world: World) -> None:
    cust = client.post(world.api("/customers"), json={"name": "Westmark Freight"}, headers=world.alice.headers).json()
    other = client.post(world.api("/customers"), json={"name": "Pelican Bay"}, headers=world.alice.headers).json()
    asked = _fb(client, world, "Westmark Freight here: we need SEPA direct debit for our EU clients",
                customer_id=cust["id"])
    elsewhere = _fb(client, world, "Please support SEPA direct debit for EU clients", customer_id=other["id"])
    _fb(client, world, "Westmark Freight here: the aging report is slow", customer_id=cust["id"])
    sim = client.get(world.api(f"/feedback/{asked['id']}/similar"), headers=world.sam.headers).json()
    assert [s["id"] for s in sim["feedback"]] == [elsewhere["id"]], sim  # the name alone matches nothing
    assert sim["feedback"][0]["title"] == "Please support SEPA direct debit for EU clients"  # shown as written


def test_a_theme_says_the_segment_its_customers_share_and_converted_arr_in_whole_units(client, world: World) -> None:
    h = world.alice.headers
    assert client.put(world.api("/money-settings"), json={"currency": "USD", "rates": {"EUR": "1.0833"}},
                      headers=h).status_code == 200
    big = [client.post(world.api("/customers"), json={"name": n, "segment": "enterprise", "arr": a, "currency": c},
                       headers=h).json()["id"] for n, a, c in (("Orbis", "100001", "EUR"), ("Vanta", "50000", "USD"))]
    for cid, text in zip(big, ("Quarterly invoices in PDF are cut off at the bottom",
                               "PDF invoices cut off at the bottom of each page"), strict=True):
        _fb(client, world, text, customer_id=cid)
    themes = client.get(world.api("/themes"), headers=world.bob.headers).json()["items"]
    pdf = next(t for t in themes if "pdf" in t["label"].lower() or "cut" in t["label"].lower())
    assert pdf["segment"] == "enterprise"
    assert float(pdf["arr"]) == round(100001 * 1.0833 + 50000)  # converted: whole units, no false cents
    small = client.post(world.api("/customers"), json={"name": "Tiny", "segment": "smb"}, headers=h).json()["id"]
    _fb(client, world, "PDF invoices are cut off at the bottom", customer_id=small)
    themes = client.get(world.api("/themes"), headers=world.bob.headers).json()["items"]
    pdf = next(t for t in themes if "pdf" in t["label"].lower() or "cut" in t["label"].lower())
    assert pdf["count"] == 3 and pdf["segment"] is None  # customers of several segments: none chosen for you


def test_bulk_link_costs_the_same_few_statements_for_3_or_30_items(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    """Linking in bulk: one lookup of what is linked there already, one of the merged duplicates, one insert of
    the links and one of their audit events, one notification for the lot; still every link in the audit trail,
    every duplicate linked with its original, and the feature's owner told once."""
    from sqlalchemy import event

    from tradeoff.accounts import service as accounts
    from tradeoff.storage.uow import Actor
    from tradeoff.triage.schemas import BulkIn

    h = world.alice.headers
    assert client.put(world.api("/subscriptions"), json={"event_types": ["feedback.added_to_owned_feature"]},
                      headers=world.bob.headers).status_code == 200
    features = [client.post(world.api("/features"), json={"title": f"Okta SCIM {n}", "owner": world.bob.email},
                            headers=h).json()["id"] for n in (3, 30)]
    actor = Actor(world.alice.user_id, world.alice.email, "api")
    counts, made = [], []
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    for feature, n in zip(features, (3, 30), strict=True):
        asks = [_fb(client, world, f"SCIM provisioning please, ask {n}.{i}")["id"] for i in range(n)]
        dups = [_fb(client, world, f"Same SCIM ask again, {n}.{i}")["id"] for i in range(n)]
        for ask, dup in zip(asks, dups, strict=True):  # each ask has a merged duplicate, linked where it goes
            assert client.post(world.api(f"/feedback/{dup}/merge"), json={"into_id": ask}, headers=h).status_code == 200
        assert client.post(world.api("/links"), json={"feedback_id": asks[0], "feature_id": feature},
                           headers=world.bob.headers).status_code == 201  # already there: skipped, not doubled
        statements.clear()
        with container.unit_of_work() as uow:
            wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
            event.listen(container.engine, "before_cursor_execute", seen)
            try:
                out = bulk_actions.apply(uow=uow, workspace_id=wid, actor=actor,
                                         data=BulkIn(ids=asks, action="link", feature_id=feature))
                uow.flush()
            finally:
                event.remove(container.engine, "before_cursor_execute", seen)
        assert out == {"action": "link", "matched": n, "done": asks[1:],
                       "skipped": [{"id": asks[0], "reason": "already linked there"}]}
        counts.append(len(statements))
        made.append((feature, asks, dups))
    assert counts[0] == counts[1] and counts[0] <= 20, counts
    for feature, asks, dups in made:
        linked = {link["feedback_id"] for link in client.get(world.api(f"/links?feature_id={feature}&limit=200"),
                                                             headers=h).json()["items"]}
        assert linked == set(asks) | set(dups)
        trail = client.get(world.api(f"/audit?record_type=feedback&record_id={asks[-1]}"), headers=h).json()["items"]
        assert trail[0]["action"] == "link" and trail[0]["changes"] == {"feature_id": {"before": None,
                                                                                      "after": feature}}
        copy = client.get(world.api(f"/audit?record_type=feedback&record_id={dups[-1]}"), headers=h).json()["items"]
        assert copy[0]["action"] == "link" and copy[0]["changes"]["as_duplicate_of"]["after"] == asks[-1]
    # the owner heard once per bulk action (and once of the link made by hand, which was theirs: not at all)
    titles = [n["title"] for n in client.get(world.api("/notifications"), headers=world.bob.headers).json()["items"]]
    assert sorted(t.split(" new pieces")[0] for t in titles) == ["2", "29"], titles
    # a duplicate listed beside its original is linked as itself, not twice
    ask, dup = (_fb(client, world, f"Audit log export, ask {i}")["id"] for i in range(2))
    client.post(world.api(f"/feedback/{dup}/merge"), json={"into_id": ask}, headers=h)
    r = client.post(world.api("/feedback/bulk"), json={"ids": [ask, dup], "action": "link", "feature_id": features[0]},
                    headers=h)
    assert r.status_code == 200 and r.json()["done"] == [ask, dup], r.text
    # one item alone is told as a link made by hand is
    one = _fb(client, world, "Provision users from Okta, one more ask")["id"]
    r = client.post(world.api("/feedback/bulk"), json={"ids": [one], "action": "link", "feature_id": features[1]},
                    headers=h)
    assert r.status_code == 200 and r.json()["done"] == [one]
    latest = client.get(world.api("/notifications"), headers=world.bob.headers).json()["items"][0]
    assert latest["title"].startswith("New evidence on Okta SCIM 30") and "one more ask" in latest["title"]
