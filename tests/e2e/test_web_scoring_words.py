"""Scores and sizing in words: a derived input's source reads as a sentence, and the tornado names its inputs as
the forms do, never by their code names."""

from __future__ import annotations

import html
import re

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client


def P(x: float) -> dict[str, float]:  # noqa: N802 - a point range
    return {"low": x, "likely": x, "high": x}


def R(low: float, likely: float, high: float) -> dict[str, float]:  # noqa: N802
    return {"low": low, "likely": likely, "high": high}


def _post(client, world: World, path: str, body: dict, method: str = "post") -> dict:  # type: ignore[no-untyped-def]
    r = client.request(method.upper(), world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def test_an_input_derived_from_arr_says_where_it_comes_from_once(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    f = _post(client, world, "/features", {"title": "SAML SSO"})["id"]
    for name, arr in (("Acme", 300_000), ("Initech", 100_000)):
        c = _post(client, world, "/customers", {"name": name, "arr": arr})["id"]
        fb = _post(client, world, "/feedback", {"text": f"{name} needs SSO", "customer_id": c})["id"]
        _post(client, world, "/links", {"feedback_id": fb, "feature_id": f})
    source = client.get(world.api(f"/features/{f}/scores"), headers=world.alice.headers).json()["inputs"]["impact"]
    assert source["value"] == 2 and not source["source"].startswith("from ")
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = html.unescape(tc.get(f"/w/{world.slug}/features/{f}/case").text)
    assert "from from" not in page
    assert "Empty: 2 from the ARR behind it (400,000 USD)." in page
    ranking = html.unescape(tc.get(f"/w/{world.slug}/ranking?framework=rice").text)
    assert "from from" not in ranking and "impact from the ARR behind it (400,000 USD)" in ranking


def test_the_tornado_names_its_inputs_in_words(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    p = _post(client, world, "/problems", {"statement": "Month-end close takes days"})["id"]
    f = _post(client, world, "/features", {"title": "Auto-reconcile", "problem_ids": [p]})["id"]
    _post(client, world, f"/problems/{p}/size", {"customers": R(10, 20, 40), "cost_per_customer": R(1000, 5000, 9000),
                                                 "capture": R(0.1, 0.2, 0.3)}, "put")
    _post(client, world, f"/features/{f}/business-case", {"effort_person_weeks": R(4, 6, 12),
                                                          "cost_per_person_week": P(4000)}, "put")
    sized = client.get(world.api(f"/problems/{p}/size"), headers=world.alice.headers).json()["tornado"]
    labels = {b["input"]: b["label"] for b in sized["bars"]}
    assert labels["problem.cost_per_customer"] == "Cost per customer" and labels["problem.capture"] == "Share we capture"
    assert sized["biggest_driver"] == "problem.cost_per_customer"
    assert sized["biggest_driver_label"] == "Cost per customer"
    case = client.get(world.api(f"/features/{f}/business-case"), headers=world.alice.headers).json()["tornado"]
    assert {b["input"]: b["label"] for b in case["bars"]}["solution.effort_person_weeks"] == "Effort (person-weeks)"

    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/problems/{p}/sizing").text
    tornado = page.split('id="tornado-title"', 1)[1].split("</section>", 1)[0]
    assert "Biggest driver: <strong>Cost per customer</strong>" in tornado
    rows = re.findall(r"<tr><td>([^<]+)</td>", tornado.split('id="tornado-ends"', 1)[1])
    assert rows[:3] == ["Cost per customer", "Customers affected", "Share we capture"]
    assert "problem." not in tornado and "solution." not in tornado and "cost_per_customer" not in tornado
    assert "cost per customer" not in tornado  # the chart's bars are labelled the same way, not in lower case
    detail = tc.get(f"/w/{world.slug}/problems/{p}").text
    assert '<div class="stat-value">Cost per customer</div>' in detail


def test_frameworks_side_by_side_say_when_no_rank_differs_enough(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    for title, reach in (("Audit log", 300), ("Dark mode", 100)):
        f = _post(client, world, "/features", {"title": title})["id"]
        _post(client, world, f"/features/{f}/scoring-inputs", {"values": {
            "reach": reach, "impact": 1, "confidence": 1, "effort": 2, "ease": 5}}, "put")
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    side = tc.get(f"/w/{world.slug}/ranking").text.split('id="cmp-title"', 1)[1].split("</section>", 1)[0]
    assert "No feature's rank differs by 2 places or more between these frameworks: they agree." in side
    assert '<ul id="disagreements">' not in side
