"""The prioritisation pages through the web UI (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client


def _api(client, world: World, path: str, body: dict, method: str = "post") -> dict:  # type: ignore[no-untyped-def]
    r = client.request(method.upper(), world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def P(x: float) -> dict[str, float]:  # noqa: N802 - a point range
    return {"low": x, "likely": x, "high": x}


def test_ranking_sizing_decisions_votes_competitors_pages(client, container, world: World) -> None:
    p = _api(client, world, "/problems", {"statement": "Chasing late payers by email"})["id"]
    f = _api(client, world, "/features", {"title": "Dunning emails", "problem_ids": [p], "status": "planned"})["id"]
    g = _api(client, world, "/features", {"title": "Late fee rules"})["id"]
    for fid, vals in ((f, {"reach": 40, "impact": 2, "confidence": 0.8, "effort": 4, "value": 90}),
                      (g, {"reach": 5, "impact": 1, "confidence": 0.5, "effort": 8, "value": 10})):
        _api(client, world, f"/features/{fid}/scoring-inputs", {"values": vals}, "put")
    _api(client, world, f"/problems/{p}/size", {"customers": {"low": 20, "likely": 40, "high": 90},
                                                "cost_per_customer": {"low": 500, "likely": 1500, "high": 6000},
                                                "capture": P(0.25)}, "put")
    _api(client, world, f"/features/{f}/business-case", {"effort_person_weeks": {"low": 3, "likely": 4, "high": 8},
                                                         "cost_per_person_week": P(3500)}, "put")
    tc = web_client(container)
    csrf = sign_in(tc, world.alice.email, world.alice.password)
    base = f"/w/{world.slug}"

    page = tc.get(f"{base}/ranking?framework=rice")
    assert page.status_code == 200
    assert page.text.index("Dunning emails") < page.text.index("Late fee rules")  # 16 vs 0.3125
    assert "reach 40" in page.text and '<title>Value against effort</title>' in page.text and 'class="point"' in page.text
    # frameworks as people name them, not as the code does
    assert "Ranked by <strong>RICE</strong>" in page.text and '<option value="value_effort" >Value / effort</option>' \
        in page.text
    # the ranking is of open work unless asked otherwise: a shipped feature leaves it, "Any status" brings it back
    done = _api(client, world, "/features", {"title": "Payment links", "status": "shipped"})["id"]
    _api(client, world, f"/features/{done}/scoring-inputs", {"values": {"reach": 90, "impact": 3, "confidence": 1,
                                                                           "effort": 1, "value": 500}}, "put")
    page = tc.get(f"{base}/ranking?framework=rice")
    assert "Payment links" not in page.text and '<option value="open" selected>' in page.text
    every = tc.get(f"{base}/ranking?framework=rice&status=any").text
    assert every.index("Payment links") < every.index("Dunning emails")
    api_open = client.get(world.api("/ranking?framework=rice&status=open"),
                          headers=world.alice.headers)
    assert api_open.status_code == 200 and done not in [i["id"] for i in api_open.json()["items"]]

    sizing = tc.get(f"{base}/problems/{p}/sizing")
    assert sizing.status_code == 200 and 'class="bar"' in sizing.text and 'What moves' in sizing.text
    assert "problem." not in sizing.text and "annual_value" not in sizing.text  # fields in words
    assert "P10 · P50 · P90" in sizing.text and "Dunning emails" in sizing.text
    bad = tc.post(f"{base}/problems/{p}/sizing", data={
        "csrf_token": csrf, "customers_low": "90", "customers_likely": "40", "customers_high": "20",
        "cost_per_customer_low": "1", "cost_per_customer_likely": "1", "cost_per_customer_high": "1",
        "capture_low": "0.1", "capture_likely": "0.1", "capture_high": "0.1", "currency": "USD"})
    assert bad.status_code == 422 and "low 90 is above high 20" in bad.text
    ok = tc.post(f"{base}/problems/{p}/sizing", data={
        "csrf_token": csrf, "customers_segment": "", "customers_low": "10", "customers_likely": "10",
        "customers_high": "10", "cost_per_customer_likely": "1000", "capture_likely": "0.5", "currency": "USD"})
    assert ok.status_code == 303
    opened = tc.get(f"{base}/problems/{p}/sizing").text
    assert "5,000" in opened  # 10 × 1,000 × 0.5
    # someone saves a newer size after this page was opened: saving from the old page is refused, theirs kept
    seen = re.search(r'name="version" value="(\d+)"', opened)[1]
    theirs = client.put(world.api(f"/problems/{p}/size"), headers=world.alice.headers, json={
        "customers": {"low": 20, "likely": 20, "high": 20}, "capture": {"low": 0.5, "likely": 0.5, "high": 0.5},
        "cost_per_customer": {"low": 1000, "likely": 1000, "high": 1000, "currency": "USD"}})
    assert theirs.status_code == 200
    stale = tc.post(f"{base}/problems/{p}/sizing", data={
        "csrf_token": csrf, "version": seen, "customers_likely": "99", "cost_per_customer_likely": "1",
        "capture_likely": "0.1", "currency": "USD"})
    assert stale.status_code == 422 and "changed since you read it" in stale.text and 'value="99"' in stale.text
    assert "10,000" in tc.get(f"{base}/problems/{p}/sizing").text  # theirs: 20 × 1,000 × 0.5
    # the problem's own page says what it is worth and what each feature solving it would return
    worth = tc.get(f"{base}/problems/{p}").text.split('id="worth-title"', 1)[1].split("</section>", 1)[0]
    assert "USD 10,000</div>" in worth and "a year (P50)" in worth and "Dunning emails" in worth
    assert re.search(r"Dunning emails</a></td>\s*<td>USD [\d,]+</td><td>USD -?[\d,]+</td><td>-?\d+%</td>", worth)
    assert "Late fee rules" not in worth  # it solves no problem here
    unsized = _api(client, world, "/problems", {"statement": "Nobody knows who owes what"})["id"]
    assert "Not sized yet" in tc.get(f"{base}/problems/{unsized}").text

    form = tc.get(f"{base}/decisions/new?feature_id={f}")
    assert form.status_code == 200
    wrong = tc.post(f"{base}/decisions/new", data={"csrf_token": csrf, "title": "Dunning first",
                                                   "options": "Dunning\nLate fees", "choice": "Neither"})
    assert wrong.status_code == 422 and "not one of the options" in wrong.text
    made = tc.post(f"{base}/decisions/new", data={
        "csrf_token": csrf, "title": "Dunning before late fees", "context": "Finance teams chase by hand",
        "options": "Dunning | recovers cash; simple | emails annoy | 4 weeks | $60k/yr\nLate fees | | legal review",
        "choice": "Dunning", "disappointed": "Legal: wanted late fees first", "decided_by": "alice",
        "decided_on": "2026-11-01", "feature_ids": str(f)})
    assert made.status_code == 303, made.text[:500]
    detail = tc.get(made.headers["location"])
    assert "Legal" in detail.text and "wanted late fees first" in detail.text and "chosen" in detail.text
    assert "Dunning before late fees" in tc.get(f"{base}/decisions?q=finance").text
    assert "No decisions match" in tc.get(f"{base}/decisions?q=zebra").text

    feature_page = tc.get(f"{base}/features/{f}")
    assert "Dunning before late fees" in feature_page.text and "Record a decision" not in feature_page.text
    r = client.patch(world.api(f"/features/{f}"), json={"status": "idea"}, headers=world.alice.headers)
    assert "linked decision" in r.json()["decision_prompt"]
    assert "Record a decision" in tc.get(f"{base}/features/{f}").text  # the invitation stays until written down

    vote = tc.post(f"{base}/stakeholders", data={"csrf_token": csrf, "feature_id": str(f), "group": "sales",
                                                 "score": "9", "reason": "Lost a deal over it"})
    assert vote.status_code == 303
    saved = html.unescape(tc.get(vote.headers["location"]).text)
    assert "Your vote on Dunning emails: 9 as sales." in saved and "One vote per person per feature" in saved
    again = tc.post(f"{base}/stakeholders", data={"csrf_token": csrf, "feature_id": str(f), "group": "executive",
                                                  "score": "8"})
    assert "Your vote on Dunning emails: 8 as executive; it replaces your earlier 9 as sales." in html.unescape(
        tc.get(again.headers["location"]).text)
    bad_vote = tc.post(f"{base}/stakeholders", data={"csrf_token": csrf, "feature_id": str(g), "group": "sales",
                                                     "score": "42"})
    assert bad_vote.status_code == 422
    assert "Dunning emails" in tc.get(f"{base}/stakeholders").text

    comp = _api(client, world, "/competitors", {"name": "Chaser"})["id"]
    _api(client, world, f"/competitors/{comp}/capabilities/{f}", {"status": "have"}, "put")
    _api(client, world, "/feedback", {"text": "Chaser does this out of the box"})
    matrix = tc.get(f"{base}/competitors")
    assert matrix.status_code == 200 and "cap-have" in matrix.text and "Chaser does this" in matrix.text

    outsider = web_client(container)
    sign_in(outsider, world.charlie.email, world.charlie.password)
    assert outsider.get(f"{base}/ranking").status_code in (403, 404)


def test_a_value_a_form_did_not_offer_is_refused_with_a_reason_not_a_500(container, world: World) -> None:
    """The default-framework form posts what its select offers; anything else (a blank, hand-made) is said."""
    tc = web_client(container)
    csrf = sign_in(tc, world.alice.email, world.alice.password)
    r = tc.post(f"/w/{world.slug}/ranking/default", data={"csrf_token": csrf, "default_framework": " "})
    assert r.status_code == 422 and "not accepted" in r.text and "default_framework" in r.text
    ok = tc.post(f"/w/{world.slug}/ranking/default", data={"csrf_token": csrf, "default_framework": "wsjf"})
    assert ok.status_code == 303
