"""Sizing, scoring, ranking, stakeholder votes, decisions, competitors and objectives through the API, on both
back ends. Expected numbers are worked out by hand from point ranges (no Monte Carlo spread)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import World

ANNUITY_3Y_10PCT = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3


def point(x: float, currency: str | None = None) -> dict[str, object]:
    d: dict[str, object] = {"low": x, "likely": x, "high": x}
    if currency:
        d["currency"] = currency
    return d


def _mk(client, world: World, path: str, body: dict) -> int:  # type: ignore[no-untyped-def]
    r = client.post(world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _problem_and_feature(client, world: World) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    p = _mk(client, world, "/problems", {"statement": "Re-keying invoices by hand"})
    f = _mk(client, world, "/features", {"title": "Invoice OCR", "problem_ids": [p], "status": "planned"})
    return p, f


def test_problem_and_feature_sizing_by_hand(client, world: World) -> None:
    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    size = {"customers": point(10), "cost_per_customer": point(1000), "capture": point(0.5)}
    assert client.put(world.api(f"/problems/{p}/size"), json=size, headers=h).status_code == 200
    got = client.get(world.api(f"/problems/{p}/size"), headers=h).json()
    assert got["annual_value"] == {"p10": 5000, "p50": 5000, "p90": 5000} and got["currency"] == "USD"

    case = {"effort_person_weeks": point(10), "cost_per_person_week": point(2000), "run_cost_per_year": point(1000),
            "alternative_name": "a spreadsheet macro", "alternative_cost": point(10)}
    r = client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h)
    assert r.status_code == 200, r.text
    res = client.get(world.api(f"/features/{f}/business-case"), headers=h).json()["result"]
    # build 10 × 2000 = 20,000; total over 3 years = 20,000 + 3 × 1,000; net a year = 5,000 − 1,000
    assert res["total_cost"]["p50"] == pytest.approx(23_000, rel=1e-5)
    assert res["roi"]["p50"] == pytest.approx((3 * 5000 - 23_000) / 23_000, rel=1e-4)
    assert res["payback_months"]["p50"] == pytest.approx(20_000 * 12 / 4000, rel=1e-5)
    assert res["npv"]["p50"] == pytest.approx(-20_000 + 4000 * ANNUITY_3Y_10PCT, rel=1e-4)
    # the macro costs 10 × 10 customers = 100 a year: 2% of the 5,000 we would capture
    d = res["displacement"]
    assert d["at_risk"] is True and d["ratio"] == pytest.approx(0.02, rel=1e-4)
    assert "a spreadsheet macro" in d["message"]
    # the problem page lists the feature with its result
    listed = client.get(world.api(f"/problems/{p}/size"), headers=h).json()["features"]
    assert [x["id"] for x in listed] == [f] and listed[0]["result"]["npv"] == res["npv"]
    assert listed[0]["valued_on"] == p
    # a second problem the feature also solves lists it with its case, saying which problem values it
    other = _mk(client, world, "/problems", {"statement": "Invoices keyed twice"})
    r = client.get(world.api(f"/features/{f}"), headers=h)
    assert client.patch(world.api(f"/features/{f}"), json={"problem_ids": [p, other]},
                        headers={**h, "If-Match": r.headers["etag"]}).status_code == 200
    assert client.put(world.api(f"/problems/{other}/size"), json=size, headers=h).status_code == 200
    also = client.get(world.api(f"/problems/{other}/size"), headers=h).json()["features"]
    assert [x["id"] for x in also] == [f] and also[0]["valued_on"] == p


def test_revenue_share_segment_rule_ranges_and_reproducibility(client, world: World) -> None:
    h = world.alice.headers
    for i in range(3):
        _mk(client, world, "/customers", {"name": f"Big {i}", "segment": "enterprise"})
    _mk(client, world, "/customers", {"name": "Small", "segment": "smb"})
    p, _ = _problem_and_feature(client, world)
    # 10% of a $100m revenue is $10m a year per customer; 3 enterprise customers; capture 1%
    size = {"customers_segment": "enterprise", "revenue_share": point(0.1), "revenue_per_customer": point(100e6),
            "capture": point(0.01)}
    assert client.put(world.api(f"/problems/{p}/size"), json=size, headers=h).status_code == 200
    got = client.get(world.api(f"/problems/{p}/size"), headers=h).json()
    assert got["customers"]["likely"] == 3 and got["customers"]["from_segment"] == "enterprise"
    assert got["annual_value"]["p50"] == pytest.approx(3 * 10e6 * 0.01, rel=1e-5)

    wide = {"customers": {"low": 10, "likely": 40, "high": 200}, "cost_per_customer": {"low": 100, "likely": 500,
            "high": 5000}, "capture": {"low": 0.05, "likely": 0.1, "high": 0.3}}
    assert client.put(world.api(f"/problems/{p}/size"), json=wide, headers=h).status_code == 200
    a = client.get(world.api(f"/problems/{p}/size"), headers=h).json()
    b = client.get(world.api(f"/problems/{p}/size"), headers=h).json()
    v = a["annual_value"]
    assert a == b  # seeded per record
    assert 10 * 100 * 0.05 <= v["p10"] < v["p50"] < v["p90"] <= 200 * 5000 * 0.3
    bars = a["tornado"]["bars"]
    assert {b_["input"] for b_ in bars} >= {"problem.customers", "problem.cost_per_customer", "problem.capture"}
    assert bars == sorted(bars, key=lambda x: -x["swing"])
    # swings: cost per customer 40 × (5,000 − 100) × 0.1 = 19,600; customers (200 − 10) × 500 × 0.1 = 9,500;
    # capture 40 × 500 × (0.3 − 0.05) = 5,000
    assert [x["input"] for x in bars] == ["problem.cost_per_customer", "problem.customers", "problem.capture"]
    assert [x["swing"] for x in bars] == pytest.approx([19_600, 9_500, 5_000])


@pytest.mark.parametrize("body,field", [
    ({"customers": {"low": 50, "likely": 40, "high": 30}, "cost_per_customer": point(1), "capture": point(0.1)},
     "customers"),
    ({"customers": point(5), "cost_per_customer": {"low": -5, "likely": 1, "high": 2}, "capture": point(0.1)},
     "cost_per_customer"),
    ({"customers": point(5), "cost_per_customer": point(1), "capture": point(1.5)}, "capture"),
    ({"customers_segment": "galactic", "cost_per_customer": point(1), "capture": point(0.1)}, "customers_segment"),
    ({"customers": point(5), "capture": point(0.1)}, "cost_per_customer"),
])
def test_bad_problem_sizes_are_refused_naming_the_field(client, world: World, body: dict, field: str) -> None:
    p, _ = _problem_and_feature(client, world)
    r = client.put(world.api(f"/problems/{p}/size"), json=body, headers=world.alice.headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["body", field] and field in r.json()["detail"]
    assert client.get(world.api(f"/problems/{p}/size"), headers=world.alice.headers).status_code == 404


def test_currency_mismatch_and_nothing_saved_half_way(client, world: World) -> None:
    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    size = {"customers": point(10), "cost_per_customer": point(1000, "USD"), "capture": point(0.5)}
    assert client.put(world.api(f"/problems/{p}/size"), json=size, headers=h).status_code == 200
    case = {"effort_person_weeks": point(4), "cost_per_person_week": point(3000, "EUR")}
    r = client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "cost_per_person_week"]
    assert "EUR" in r.json()["detail"] and "USD" in r.json()["detail"]
    assert client.get(world.api(f"/features/{f}/business-case"), headers=h).json()["business_case"] is None
    mixed = {"effort_person_weeks": point(4), "cost_per_person_week": point(3000), "run_cost_per_year": point(5, "GBP")}
    r = client.put(world.api(f"/features/{f}/business-case"), json=mixed, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "run_cost_per_year"]
    low_high = {"effort_person_weeks": {"low": 9, "likely": 5, "high": 2}, "cost_per_person_week": point(3000)}
    r = client.put(world.api(f"/features/{f}/business-case"), json=low_high, headers=h)
    assert r.status_code == 422 and "low 9 is above high 2" in r.json()["detail"]
    # a stakeholder cannot change money
    r = client.put(world.api(f"/features/{f}/business-case"), json=case, headers=world.sam.headers)
    assert r.status_code == 403


def test_scores_explain_themselves_and_inputs_come_from_other_fields(client, world: World) -> None:
    h = world.alice.headers
    f = _mk(client, world, "/features", {"title": "Audit trail"})
    r = client.put(world.api(f"/features/{f}/scoring-inputs"),
                   json={"values": {"reach": 800, "impact": 2, "confidence": 0.8, "effort": 30}}, headers=h)
    assert r.status_code == 200 and r.json()["decision_prompt"] is None
    scores = {s["framework"]: s for s in client.get(world.api(f"/features/{f}/scores"), headers=h).json()["scores"]}
    assert scores["rice"]["value"] == pytest.approx(800 * 2 * 0.8 / 30)
    assert "reach 800" in scores["rice"]["explanation"] and "effort 30" in scores["rice"]["explanation"]
    assert scores["ice"]["value"] is None and "ease" in scores["ice"]["not_scored_reason"]

    # reach from the distinct customers behind the feature; impact from their ARR
    g = _mk(client, world, "/features", {"title": "SAML SSO"})
    for name, arr in (("Acme", 300_000), ("Initech", 100_000)):
        c = _mk(client, world, "/customers", {"name": name, "arr": arr})
        fb = _mk(client, world, "/feedback", {"text": f"{name} needs SSO", "customer_id": c})
        assert client.post(world.api("/links"), json={"feedback_id": fb, "feature_id": g}, headers=h).status_code == 201
    client.put(world.api(f"/features/{g}/scoring-inputs"), json={"values": {"confidence": 0.5, "effort": 4}}, headers=h)
    got = client.get(world.api(f"/features/{g}/scores"), headers=h).json()
    assert got["inputs"]["reach"] == {"value": 2, "source": "customers behind it (evidence)"}
    assert got["inputs"]["impact"]["value"] == 2.0 and "ARR" in got["inputs"]["impact"]["source"]  # 400k ≥ 250k
    rice = next(s for s in got["scores"] if s["framework"] == "rice")
    assert rice["value"] == pytest.approx(2 * 2 * 0.5 / 4)

    # division by zero is "not scored", not a number; bad inputs are refused by name
    client.put(world.api(f"/features/{f}/scoring-inputs"), json={"values": {"effort": 0}}, headers=h)
    rice = next(s for s in client.get(world.api(f"/features/{f}/scores"), headers=h).json()["scores"]
                if s["framework"] == "rice")
    assert rice["value"] is None and "division by zero" in rice["not_scored_reason"]
    for values, field in (({"confidence": 1.5}, "confidence"), ({"reach": -1}, "reach"), ({"reech": 3}, "reech"),
                          ({"effort": [5, 3, 1]}, "effort"), ({"customers": 3}, "customers")):
        r = client.put(world.api(f"/features/{f}/scoring-inputs"), json={"values": values}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "values", field], r.text


def test_custom_formulas_validated_on_save_and_cycles_named(client, world: World) -> None:
    h = world.alice.headers
    r = client.put(world.api("/scoring/formulas/bang"), json={"text": "reach * (impact + "}, headers=h)
    assert r.status_code == 422 and "column" in r.json()["detail"] and "^" in r.json()["detail"]
    r = client.put(world.api("/scoring/formulas/bang"), json={"text": "reech * 2"}, headers=h)
    assert r.status_code == 422 and "did you mean 'reach'" in r.json()["detail"]
    assert client.put(world.api("/scoring/formulas/a"), json={"text": "reach * 2"}, headers=h).status_code == 200
    assert client.put(world.api("/scoring/formulas/b"), json={"text": "a + 1"}, headers=h).status_code == 200
    r = client.put(world.api("/scoring/formulas/a"), json={"text": "b * 2"}, headers=h)
    assert r.status_code == 422 and "cycle" in r.json()["detail"] and "a" in r.json()["detail"]
    assert client.put(world.api("/scoring/formulas/rice"), json={"text": "reach"}, headers=h).status_code == 422
    names = [x["name"] for x in client.get(world.api("/scoring/formulas"), headers=h).json()["items"]]
    assert names == ["a", "b"]
    assert client.delete(world.api("/scoring/formulas/a"), headers=h).status_code == 409  # b uses it
    r = client.put(world.api("/scoring/settings"), json={"default_framework": "nope"}, headers=h)
    assert r.status_code == 422
    assert client.put(world.api("/scoring/settings"), json={"default_framework": "b"}, headers=h).status_code == 200
    assert client.delete(world.api("/scoring/formulas/b"), headers=h).status_code == 409  # the default


def _three_features(client, world: World) -> list[int]:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    prod = _mk(client, world, "/products", {"name": "Ledger", "stage": "retention"})
    ids = []
    for title, vals in (("A", {"reach": 100, "impact": 1, "confidence": 1, "effort": 10, "ease": 2, "value": 50}),
                        ("B", {"reach": 10, "impact": 3, "confidence": 1, "effort": 1, "ease": 9, "value": 10}),
                        ("C", {"reach": 1000, "impact": 0.25, "confidence": 0.5, "effort": [5, 20, 60],
                               "ease": 5, "value": 500})):
        fid = _mk(client, world, "/features", {"title": title, "product_id": prod})
        assert client.put(world.api(f"/features/{fid}/scoring-inputs"), json={"values": vals},
                          headers=h).status_code == 200
        ids.append(fid)
    return ids


def test_ranking_views(client, world: World) -> None:
    h = world.alice.headers
    a, b, c = _three_features(client, world)
    # RICE: A 100×1×1/10 = 10; B 10×3×1/1 = 30; C 1000×0.25×0.5/20 = 6.25
    r = client.get(world.api("/ranking?framework=rice"), headers=h).json()
    assert [i["id"] for i in r["items"]] == [b, a, c]
    assert r["items"][0]["score"] == pytest.approx(30) and "reach 10" in r["items"][0]["explanation"]
    # ICE: A 1×1×2 = 2; B 3×1×9 = 27; C 0.25×0.5×5 = 0.625
    assert [i["id"] for i in client.get(world.api("/ranking?framework=ice"), headers=h).json()["items"]] == [b, a, c]
    client.put(world.api("/scoring/formulas/reach_only"), json={"text": "reach"}, headers=h)
    ranked = client.get(world.api("/ranking?framework=reach_only"), headers=h).json()["items"]
    assert [i["id"] for i in ranked] == [c, a, b]
    assert client.get(world.api("/ranking?framework=zzz"), headers=h).status_code == 422
    assert client.get(world.api("/ranking?framework=rice&status=nope"), headers=h).status_code == 422

    cmp = client.get(world.api("/ranking/compare?frameworks=rice&frameworks=reach_only"), headers=h).json()
    # ranks rice (2, 1, 3) vs reach (2, 3, 1) for A, B, C: d² = 0 + 4 + 4 → rho = 1 − 6·8/(3·8) = −1
    assert cmp["spearman"][0][1] == pytest.approx(-1.0)
    # A is #2 under both: no disagreement (ranks must be 2 places apart to count)
    assert {d["id"]: d["spread"] for d in cmp["disagreements"]} == {b: 2, c: 2} and cmp["min_disagreement"] == 2

    ve = client.get(world.api("/ranking/value-effort"), headers=h).json()
    quad = {i["id"]: i["quadrant"] for i in ve["items"]}
    # medians: value 50, effort 10 → B (10, 1) fill-in, A (50, 10) quick win, C (500, 20) big bet
    assert quad == {a: "quick win", b: "fill-in", c: "big bet"}

    st = client.get(world.api("/ranking/stability?framework=rice&k=1&draws=200"), headers=h).json()
    assert [x["id"] for x in st["baseline_top"]] == [b] and "effort" in st["uncertain_inputs"]
    # C needs effort < 1000·0.25·0.5/30 ≈ 4.2 to beat B; its effort never drops below 5
    assert st["baseline_top"][0]["probability_in_top"] == 1.0
    assert client.get(world.api("/ranking/stability?framework=weighted"), headers=h).status_code == 422

    prod = client.get(world.api(f"/features/{a}"), headers=h).json()["product_id"]
    strat = client.get(world.api(f"/products/{prod}/strategy"), headers=h).json()
    assert strat["stage"] == "retention" and strat["weights"]["arr_at_risk"] == pytest.approx(0.30)
    client.patch(world.api(f"/products/{prod}"), json={"criteria_weights": {"arr_at_risk": 0.9}}, headers=h)
    assert client.get(world.api(f"/products/{prod}/strategy"), headers=h).json()["weights"]["arr_at_risk"] == 0.9
    r = client.patch(world.api(f"/products/{prod}"), json={"criteria_weights": {"vibes": 1}}, headers=h)
    assert r.status_code == 422


def test_objectives_and_filters(client, world: World) -> None:
    h = world.alice.headers
    a, b, c = _three_features(client, world)
    body = {"title": "Keep our biggest accounts", "key_results": [
        {"metric": "gross revenue retention", "baseline": 0.88, "target": 0.95, "current": 0.9, "unit": "%",
         "due": "2027-06-30"}], "feature_ids": [a, c]}
    o = _mk(client, world, "/objectives", body)
    got = client.get(world.api(f"/objectives/{o}"), headers=h).json()
    assert got["feature_ids"] == [a, c] and got["key_results"][0]["target"] == 0.95
    ranked = client.get(world.api(f"/ranking?framework=rice&objective_id={o}"), headers=h).json()["items"]
    assert [i["id"] for i in ranked] == [a, c]
    bad = client.post(world.api("/objectives"), json={"title": "x", "key_results": [
        {"metric": "m", "baseline": 1, "target": 1}]}, headers=h)
    assert bad.status_code == 422
    bad = client.post(world.api("/objectives"), json={"title": "x", "feature_ids": [999999]}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "feature_ids"]


def test_stakeholder_votes_groups_consensus_disagreement(client, world: World) -> None:
    a, b, c = _three_features(client, world)
    votes = [(world.alice, "executive", a, 9, "Board asked for it"), (world.alice, "executive", b, 2, ""),
             (world.sam, "sales", a, 1, "Nobody buys for this"), (world.sam, "sales", b, 8, "Lost two deals"),
             (world.erin, "engineering", c, 5, "")]
    for who, group, fid, score, reason in votes:
        r = client.put(world.api(f"/features/{fid}/votes"), json={"group": group, "score": score, "reason": reason},
                       headers=who.headers)
        assert r.status_code == 200, r.text
    # a member changes their mind: one vote per member and feature
    client.put(world.api(f"/features/{a}/votes"), json={"group": "executive", "score": 10, "reason": "Board asked"},
               headers=world.alice.headers)
    assert len(client.get(world.api(f"/features/{a}/votes"), headers=world.bob.headers).json()) == 2
    res = client.get(world.api("/stakeholders"), headers=world.bob.headers).json()
    assert [i["id"] for i in res["groups"]["sales"]["ranking"]] == [b, a]
    assert [i["id"] for i in res["groups"]["executive"]["ranking"]] == [a, b]
    top = res["disagreements"][0]
    assert top["spread"] == 1.0 and top["id"] in (a, b) and "executive" in top["summary"]
    assert client.put(world.api(f"/features/{a}/votes"), json={"group": "astrology", "score": 3},
                      headers=world.sam.headers).status_code == 422
    assert client.put(world.api(f"/features/{a}/votes"), json={"group": "sales", "score": 11},
                      headers=world.sam.headers).status_code == 422


def test_decision_log_search_links_timeline_and_prompt(client, world: World) -> None:
    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    fb = _mk(client, world, "/feedback", {"text": "We will churn without OCR"})
    other = _mk(client, world, "/features", {"title": "Unrelated", "status": "planned"})
    r = client.patch(world.api(f"/features/{other}"), json={"status": "idea"}, headers=h)
    assert r.json()["decision_prompt"] is None
    body = {"title": "Build OCR in-house rather than buy", "context": "Vendors charge per page",
            "options": [{"name": "Build", "pros": ["No per-page fee"], "cons": ["6 weeks"], "cost": "$60k",
                         "value": "$200k/yr"},
                        {"name": "Buy", "pros": ["Fast"], "cons": ["$0.05 a page"], "cost": "$30k/yr"}],
            "choice": "Build", "rationale": "Volume makes per-page pricing ruinous",
            "disappointed": [{"who": "Sales", "why": "Wanted it this quarter"}], "decided_by": "alice",
            "decided_on": "2026-10-01", "problem_ids": [p], "feature_ids": [f], "feedback_ids": [fb]}
    d = _mk(client, world, "/decisions", body)
    got = client.get(world.api(f"/decisions/{d}"), headers=h).json()
    assert got["choice"] == "Build" and got["disappointed"][0]["who"] == "Sales" and got["feedback_ids"] == [fb]
    assert [x["id"] for x in client.get(world.api("/decisions?q=vendors"), headers=h).json()["items"]] == [d]
    assert [x["id"] for x in client.get(world.api("/decisions?q=ruinous"), headers=h).json()["items"]] == [d]
    assert client.get(world.api("/decisions?q=zebra"), headers=h).json()["items"] == []
    assert [x["id"] for x in client.get(world.api(f"/decisions?feature_id={f}"), headers=h).json()["items"]] == [d]
    assert client.get(world.api(f"/decisions?feature_id={other}"), headers=h).json()["items"] == []
    assert [x["id"] for x in client.get(world.api("/decision-timeline"), headers=h).json()] == [d]
    r = client.post(world.api("/decisions"), json={**body, "choice": "Maybe"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "choice"]
    # the decided feature changes status: a decision is invited
    r = client.patch(world.api(f"/features/{f}"), json={"status": "idea"}, headers=h)
    assert r.status_code == 200 and "linked decision" in r.json()["decision_prompt"]
    assert f"#{d}" in r.json()["decision_prompt"]
    r = client.put(world.api(f"/features/{f}/scoring-inputs"), json={"values": {"reach": 5}}, headers=h)
    assert "linked decision" in r.json()["decision_prompt"]
    # an open decision given a choice later is decided then (dated today unless dated), never "chosen but open"
    pending = _mk(client, world, "/decisions", {"title": "Which scanner to buy", "options": [{"name": "A"}, {"name": "B"}]})
    got = client.get(world.api(f"/decisions/{pending}"), headers=h)
    assert got.json()["decided_on"] is None
    r = client.patch(world.api(f"/decisions/{pending}"), json={"choice": "B"},
                     headers={**h, "If-Match": got.headers["etag"]})
    assert r.status_code == 200 and r.json()["decided_on"] == datetime.now(UTC).date().isoformat()


def test_competitor_matrix_and_mentions(client, world: World) -> None:
    h = world.alice.headers
    _, f = _problem_and_feature(client, world)
    g = _mk(client, world, "/features", {"title": "Bank feeds"})
    comp = _mk(client, world, "/competitors", {"name": "Xero", "website": "https://xero.com"})
    other = _mk(client, world, "/competitors", {"name": "Sage"})
    _mk(client, world, "/feedback", {"text": "Xero already reads invoices for us"})
    _mk(client, world, "/feedback", {"text": "We compared with XERO last month"})
    _mk(client, world, "/feedback", {"text": "Nothing to see"})
    for cid, fid, status in ((comp, f, "have"), (comp, g, "planned"), (other, f, "gap")):
        r = client.put(world.api(f"/competitors/{cid}/capabilities/{fid}"), json={"status": status}, headers=h)
        assert r.status_code == 200, r.text
    m = client.get(world.api("/competitor-matrix"), headers=h).json()
    by_name = {c["name"]: c for c in m["competitors"]}
    assert by_name["Xero"]["mentions"] == 2 and by_name["Sage"]["mentions"] == 0
    assert by_name["Xero"]["counts"] == {"have": 1, "planned": 1, "gap": 0}
    row = next(r for r in m["features"] if r["feature_id"] == f)
    assert row["cells"][str(comp)]["status"] == "have" and row["cells"][str(other)]["status"] == "gap"
    assert client.put(world.api(f"/competitors/{comp}/capabilities/{f}"), json={"status": "maybe"},
                      headers=h).status_code == 422
    assert client.post(world.api("/competitors"), json={"name": "Xero"}, headers=h).status_code == 409
    assert client.delete(world.api(f"/competitors/{comp}/capabilities/{g}"), headers=h).status_code == 204
    after = client.get(world.api("/competitor-matrix"), headers=h).json()
    assert next(c for c in after["competitors"] if c["name"] == "Xero")["counts"]["planned"] == 0


def test_effort_comes_from_the_engineering_estimate_when_there_is_no_business_case(client, world) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    feat = client.post(world.api("/features"), json={"title": "Estimated only"}, headers=h).json()
    r = client.put(world.api(f"/features/{feat['id']}/estimate"),
                   json={"optimistic": 5, "likely": 10, "pessimistic": 20, "unit": "days"}, headers=h)
    assert r.status_code == 200, r.text
    scores = client.get(world.api(f"/features/{feat['id']}/scores"), headers=h).json()
    effort = scores["inputs"]["effort"]
    assert effort == {"value": 2.0, "source": "engineers' estimate (10 person-days = 2 person-weeks)"}
    # the engineers' estimate keeps the score's effort when a business case far from it arrives, and the ranking
    # says the two disagree
    case = {"effort_person_weeks": point(6), "cost_per_person_week": point(2000)}
    assert client.put(world.api(f"/features/{feat['id']}/business-case"), json=case, headers=h).status_code == 200
    items = client.get(world.api("/ranking"), headers=h).json()["items"]
    mine = next(i for i in items if i["id"] == feat["id"])
    assert mine["effort_disagreement"] == "the business case says 6 person-weeks, the engineers estimate 2"
    scores = client.get(world.api(f"/features/{feat['id']}/scores"), headers=h).json()  # the case's page says it too
    assert scores["effort_disagreement"] == mine["effort_disagreement"]
    assert scores["inputs"]["effort"]["value"] == 2.0 and scores["inputs"]["job_size"]["value"] == 2.0
    assert client.put(world.api(f"/features/{feat['id']}/business-case"),
                      json={**case, "effort_person_weeks": point(2.5)}, headers=h).status_code == 200
    mine = next(i for i in client.get(world.api("/ranking"), headers=h).json()["items"] if i["id"] == feat["id"])
    assert mine["effort_disagreement"] is None  # within 1.5 times: nothing to question
    assert client.get(world.api(f"/features/{feat['id']}/scores"), headers=h).json()["effort_disagreement"] is None


def _inputs(client, world: World, fid: int) -> dict:  # type: ignore[no-untyped-def]
    return client.get(world.api(f"/features/{fid}/scores"), headers=world.alice.headers).json()["inputs"]  # type: ignore[no-any-return]


def test_the_engineers_estimate_beats_the_business_case_everywhere_scores_are_read(client, container,  # type: ignore[no-untyped-def]
                                                                                   world: World) -> None:
    """The audit: the engineers estimated 30 person-days, yet RICE used the PM's business case of 10 weeks."""
    from tradeoff.accounts import service as accounts
    from tradeoff.features.model import Feature
    from tradeoff.plans.model import Plan
    from tradeoff.plans.solver import _values

    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    other = _mk(client, world, "/features", {"title": "Dark mode", "status": "planned"})
    for fid, vals in ((f, {"reach": 100, "impact": 2, "confidence": 1}),
                      (other, {"reach": 100, "impact": 2, "confidence": 1, "effort": 8})):
        assert client.put(world.api(f"/features/{fid}/scoring-inputs"), json={"values": vals},
                          headers=h).status_code == 200
    case = {"effort_person_weeks": {"low": 8, "likely": 10, "high": 14}, "cost_per_person_week": point(2000)}
    assert client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h).status_code == 200
    assert _inputs(client, world, f)["effort"] == {"value": 10, "source": "business case effort (person-weeks)"}
    rank = [i["id"] for i in client.get(world.api("/ranking?framework=rice"), headers=h).json()["items"]]
    assert rank.index(other) < rank.index(f)  # 100·2·1/8 = 25 beats 100·2·1/10 = 20
    assert client.put(world.api(f"/features/{f}/estimate"), json={"optimistic": 15, "likely": 30, "pessimistic": 60,
                                                                   "unit": "days"}, headers=h).status_code == 200
    inputs = _inputs(client, world, f)
    said = "engineers' estimate (30 person-days = 6 person-weeks)"
    assert inputs["effort"] == {"value": 6, "source": said} and inputs["job_size"] == {"value": 6, "source": said}
    ranked = client.get(world.api("/ranking?framework=rice"), headers=h).json()["items"]
    assert [i["id"] for i in ranked].index(f) < [i["id"] for i in ranked].index(other)  # 200/6 = 33.3 now leads
    mine = next(i for i in ranked if i["id"] == f)
    assert mine["inputs"]["effort"] == {"value": 6, "source": said} and "effort 6" in mine["explanation"]
    assert mine["effort_disagreement"] == "the business case says 10 person-weeks, the engineers estimate 6"
    scores = {s["framework"]: s["value"] for s in client.get(world.api(f"/features/{f}/scores"),
                                                            headers=h).json()["scores"]}
    assert scores["rice"] == pytest.approx(200 / 6)
    stability = client.get(world.api("/ranking/stability?framework=rice&k=1&draws=50"), headers=h).json()
    assert "effort" in stability["uncertain_inputs"]  # the estimate's range, in weeks, moves the ranking
    with container.unit_of_work() as uow:  # a plan valued by scores values the feature with the same effort
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        plan = Plan(workspace_id=wid, name="Q3", start=datetime(2027, 1, 4).date(), value_source="score",
                    framework="rice", days_per_point=1.0)
        feats = [uow.session.get(Feature, f), uow.session.get(Feature, other)]
        values, note, _ = _values(uow, wid, plan, feats)  # type: ignore[arg-type]
        assert values[f] == pytest.approx(200 / 6) and values[other] == pytest.approx(25) and note == "rice score"
        uow.session.rollback()


def test_story_points_need_days_per_point_and_say_so(client, world: World) -> None:
    h = world.alice.headers
    _, f = _problem_and_feature(client, world)
    assert client.put(world.api(f"/features/{f}/estimate"), json={"optimistic": 5, "likely": 8, "pessimistic": 13,
                                                                   "unit": "points"}, headers=h).status_code == 200
    effort = _inputs(client, world, f)["effort"]  # no plan, no business case: the points as they are, said so
    assert effort["value"] == 8 and "8 story points" in effort["source"] and "no days per point" in effort["source"]
    assert "the points are used as they are" in effort["source"]
    case = {"effort_person_weeks": point(3), "cost_per_person_week": point(2000)}
    assert client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h).status_code == 200
    effort = _inputs(client, world, f)["effort"]  # the business case in weeks beats points that cannot be weeks
    assert effort["value"] == 3 and effort["source"].startswith("business case effort (person-weeks); the engineers' "
                                                                "estimate of 8 story points: no days per point")
    plan = _mk(client, world, "/plans", {"name": "Next quarter", "start": "2027-01-04", "days_per_point": 2.5,
                                         "live": True})
    assert plan
    effort = _inputs(client, world, f)["effort"]  # the live plan's 2.5 person-days a point: 8 × 2.5 / 5 = 4 weeks
    assert effort == {"value": 4, "source": "engineers' estimate (8 story points × 2.5 person-days a point = "
                                            "20 person-days = 4 person-weeks; days per point from the plan "
                                            "'Next quarter')"}


@pytest.mark.parametrize(("values", "field", "said"), [
    ({"impact": 5}, "impact", "impact is RICE points between 0 and 3 (0.25 minimal, 0.5 low, 1 medium, 2 high, "
                              "3 massive), got 5"),
    ({"impact": [0.5, 2, 4]}, "impact", "impact is RICE points between 0 and 3"),
    ({"confidence": 80}, "confidence", "confidence is a share between 0 and 1 (0.8 = 80%"),
    ({"ease": 0}, "ease", "ease is ICE points between 1 and 10 (10 = easiest), got 0"),
    ({"business_value": 21}, "business_value", "business value is relative points between 1 and 20 (modified "
                                               "Fibonacci 1, 2, 3, 5, 8, 13, 20), got 21"),
    ({"job_size": 0.5}, "job_size", "job size is relative points between 1 and 20"),
    ({"strategic_fit": 11}, "strategic_fit", "strategic fit is criterion points between 0 and 10"),
    ({"effort": -1}, "effort", "effort is in person-weeks, 0 or more"),
    ({"reach": -3}, "reach", "reach is a count, 0 or more"),
])
def test_inputs_off_their_scale_are_refused_naming_the_field_and_its_range(client, world: World, values: dict,
                                                                           field: str, said: str) -> None:
    f = _mk(client, world, "/features", {"title": "Scaled"})
    r = client.put(world.api(f"/features/{f}/scoring-inputs"), json={"values": values}, headers=world.alice.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "values", field], r.text
    assert said in r.json()["detail"] and said in r.json()["errors"][0]["msg"]


def test_the_frameworks_standard_values_are_accepted_and_the_schema_carries_the_scales(client, world: World) -> None:
    f = _mk(client, world, "/features", {"title": "Standard"})
    vals = {"impact": 0.25, "confidence": [0.5, 0.8, 1], "effort": 0, "ease": 10, "business_value": 20,
            "time_criticality": 13, "risk_reduction": 1, "job_size": [1, 3, 8], "reach": 73519.25, "margin": 0}
    r = client.put(world.api(f"/features/{f}/scoring-inputs"), json={"values": vals}, headers=world.alice.headers)
    assert r.status_code == 200, r.text
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/workspaces/{workspace}/features/{feature_id}/scoring-inputs"]["put"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    props = spec["components"]["schemas"][ref]["properties"]["values"]["properties"]
    impact = props["impact"]
    assert impact["anyOf"][0] == {"type": "number", "minimum": 0, "maximum": 3} and impact["examples"] == [
        0.25, 0.5, 1, 2, 3]
    assert "0.25 minimal" in impact["description"] and "RICE" in impact["description"]
    assert props["confidence"]["anyOf"][0]["maximum"] == 1 and "0.8 = 80%" in props["confidence"]["description"]
    assert props["effort"]["anyOf"][0] == {"type": "number", "minimum": 0}
    assert "person-weeks" in props["effort"]["description"]
    assert props["job_size"]["examples"] == [1, 2, 3, 5, 8, 13, 20]


def test_a_business_case_names_its_feature_and_roi_reads_as_a_ratio(client, world: World) -> None:
    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    size = {"customers": point(10), "cost_per_customer": point(1000), "capture": point(0.5)}
    assert client.put(world.api(f"/problems/{p}/size"), json=size, headers=h).status_code == 200
    case = {"effort_person_weeks": point(1), "cost_per_person_week": point(2000)}
    assert client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h).status_code == 200
    res = client.get(world.api(f"/features/{f}/business-case"), headers=h).json()["result"]
    assert res["summary"].startswith(f"'Invoice OCR' (#{f}): annual value 5,000 / 5,000 / 5,000 USD")
    roi = _inputs(client, world, f)["roi"]  # (3 × 5,000 − 2,000) ÷ 2,000 = 6.5
    assert roi == {"value": pytest.approx(6.5), "source": "business case ROI P50, a ratio (6.5 = 650%)"}


def test_arr_in_other_currencies_counts_at_the_workspaces_rates(client, world: World) -> None:
    h = world.alice.headers
    fid = _mk(client, world, "/features", {"title": "Peppol sending"})
    other = _mk(client, world, "/features", {"title": "Dunning in USD"})
    for name, arr, cur, target in (("Kessler", 600_000, "EUR", fid), ("Brightline", 100_000, "GBP", fid),
                                   ("Acme", 500_000, "USD", other), ("Initech", 50_000, "USD", fid)):
        c = _mk(client, world, "/customers", {"name": name, "arr": arr, "currency": cur})
        fb = _mk(client, world, "/feedback", {"text": f"{name} asks", "customer_id": c})
        assert client.post(world.api("/links"), json={"feedback_id": fb, "feature_id": target},
                           headers=h).status_code == 201

    def arr_input(feature: int) -> dict:
        return client.get(world.api(f"/features/{feature}/scores"), headers=h).json()["inputs"]["arr"]

    def top() -> list[tuple[int, float]]:
        items = client.get(world.api("/top-requested"), params={"sort": "arr"}, headers=h).json()["items"]
        return [(i["id"], float(i["arr"])) for i in items]

    # nothing set: USD (most customers pay in it); EUR and GBP left out, and each says so
    got = client.get(world.api("/money-settings"), headers=world.sam.headers).json()
    assert got == {"currency": "USD", "rates": {}, "set": False, "unconverted": ["EUR", "GBP"]}
    assert arr_input(fid)["value"] == 50_000 and "EUR 600,000" in arr_input(fid)["source"]
    assert top() == [(other, 500_000.0), (fid, 50_000.0)]
    # with rates, the European customers count
    assert client.put(world.api("/money-settings"), json={"currency": "USD", "rates": {"EUR": 1.1}},
                      headers=world.sam.headers).status_code == 403
    r = client.put(world.api("/money-settings"), json={"currency": "usd", "rates": {"eur": 1.1, "GBP": 1.25}},
                   headers=h)
    assert r.status_code == 200 and r.json() == {"currency": "USD", "rates": {"EUR": 1.1, "GBP": 1.25}, "set": True,
                                                 "unconverted": []}, r.text
    assert arr_input(fid)["value"] == pytest.approx(50_000 + 600_000 * 1.1 + 100_000 * 1.25)
    assert arr_input(fid)["source"] == "ARR of those customers (USD; EUR at 1.1, GBP at 1.25)"
    assert top() == [(fid, pytest.approx(50_000 + 660_000 + 125_000)), (other, 500_000.0)]
    # asked in another currency with a rate: every amount converted through the workspace's currency
    eur = client.get(world.api("/top-requested"), params={"sort": "arr", "currency": "EUR"}, headers=h).json()
    assert [(i["id"], float(i["arr"])) for i in eur["items"]] == [
        (fid, pytest.approx(600_000 + (50_000 + 125_000) / 1.1, abs=0.01)), (other, pytest.approx(500_000 / 1.1,
                                                                                                    abs=0.01))]
    assert eur["rates"] == {"USD": pytest.approx(1 / 1.1), "GBP": pytest.approx(1.25 / 1.1)}
    # a currency nobody pays in and without a rate is refused, named
    jpy = client.get(world.api("/top-requested"), params={"sort": "arr", "currency": "JPY"}, headers=h)
    assert jpy.status_code == 422 and jpy.json()["errors"][0]["loc"] == ["query", "currency"]
    # totals in EUR instead: USD needs a rate now, and is named while it has none
    r = client.put(world.api("/money-settings"), json={"currency": "EUR", "rates": {"GBP": 1.15}}, headers=h)
    assert r.json()["unconverted"] == ["USD"] and "USD 550,000 left out" not in arr_input(fid)["source"]
    assert "USD 50,000 left out" in arr_input(fid)["source"] and arr_input(fid)["value"] == pytest.approx(715_000)
    for body, loc in (({"currency": "EURO"}, ["body", "currency"]), ({"currency": "USD", "rates": {"EUR": 0}},
                                                                     ["body", "rates", "EUR"]),
                      ({"currency": "USD", "rates": {"EUR": "NaN"}}, ["body", "rates", "EUR"]),
                      ({"currency": "USD", "rates": {"USD": 1}}, ["body"])):
        r = client.put(world.api("/money-settings"), json=body, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"][:len(loc)] == loc, (body, r.text)
    # the outsider sees none of it
    assert client.get(world.api("/money-settings"), headers=world.charlie.headers).status_code == 404
    assert client.put(world.api("/money-settings"), json={"currency": "USD"},
                      headers=world.charlie.headers).status_code == 404


def test_sizes_and_business_cases_refuse_a_stale_if_match(client, world: World) -> None:
    h = world.alice.headers
    p, f = _problem_and_feature(client, world)
    size = {"customers": point(10), "cost_per_customer": point(1000), "capture": point(0.5)}
    assert client.put(world.api(f"/problems/{p}/size"), json=size, headers={**h, "If-Match": '"1"'}).status_code == 412
    first = client.put(world.api(f"/problems/{p}/size"), json=size, headers=h)
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    assert client.get(world.api(f"/problems/{p}/size"), headers=h).headers["ETag"] == '"1"'
    mine = client.put(world.api(f"/problems/{p}/size"), json={**size, "customers": point(20)},
                      headers={**h, "If-Match": '"1"'})
    assert mine.status_code == 200 and mine.headers["ETag"] == '"2"'
    theirs = client.put(world.api(f"/problems/{p}/size"), json={**size, "customers": point(30)},
                        headers={**h, "If-Match": '"1"'})  # read before my change: refused, mine kept
    assert theirs.status_code == 412 and "changed since you read it" in theirs.json()["detail"]
    assert client.get(world.api(f"/problems/{p}/size"), headers=h).json()["annual_value"]["p50"] == 10_000
    case = {"effort_person_weeks": point(10), "cost_per_person_week": point(2000)}
    r = client.put(world.api(f"/features/{f}/business-case"), json=case, headers=h)
    assert r.status_code == 200 and r.headers["ETag"] == '"1"', r.text
    assert client.get(world.api(f"/features/{f}/business-case"), headers=h).headers["ETag"] == '"1"'
    assert client.put(world.api(f"/features/{f}/business-case"), json=case,
                      headers={**h, "If-Match": '"7"'}).status_code == 412
    assert client.put(world.api(f"/features/{f}/business-case"), json=case,
                      headers={**h, "If-Match": '"1"'}).status_code == 200


def test_sizes_past_a_trillion_are_refused_before_they_turn_results_into_blanks(client, world: World) -> None:
    p, _ = _problem_and_feature(client, world)
    body = {"customers": point(1e308), "cost_per_customer": point(1e308), "capture": point(0.5)}
    r = client.put(world.api(f"/problems/{p}/size"), json=body, headers=world.alice.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][:3] == ["body", "customers", "low"], r.text
    ok = {"customers": point(1e6), "cost_per_customer": point(1e6), "capture": point(0.5)}
    assert client.put(world.api(f"/problems/{p}/size"), json=ok, headers=world.alice.headers).status_code == 200
    assert client.get(world.api(f"/problems/{p}/size"), headers=world.alice.headers).json()["annual_value"]["p50"] \
        == pytest.approx(5e11)
