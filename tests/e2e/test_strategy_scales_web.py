"""What the audit of the prioritisation pages found, through the web UI: scoring inputs with their scales, the
engineers' estimate as the score's effort, formula help from the validator's own list, names in words, and units
said plainly on the sizing and estimate pages."""

from __future__ import annotations

import html
import re

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.scoring import service as scoring


def _api(client, world: World, path: str, body: dict, method: str = "post") -> dict:  # type: ignore[no-untyped-def]
    r = client.request(method.upper(), world.api(path), json=body, headers=world.alice.headers)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def P(x: float) -> dict[str, float]:  # noqa: N802 - a point range
    return {"low": x, "likely": x, "high": x}


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def test_scoring_inputs_show_their_scales_offer_the_standard_values_and_refuse_by_range(client, container,  # type: ignore[no-untyped-def]
                                                                                        world: World) -> None:
    f = _api(client, world, "/features", {"title": "Dunning emails"})["id"]
    tc = web_client(container)
    csrf = sign_in(tc, world.alice.email, world.alice.password)
    url = f"/w/{world.slug}/features/{f}/case"
    form = _section(tc.get(url).text, 'id="inputs-title"')
    # every input has its unit and range beside it, in words, grouped by the framework that reads it
    for name, scale in scoring.SCALES.items():
        assert f'id="f-{name}-help"' in form and scale.hint[1:] in html.unescape(form), name
    assert "Impact (0–3)" in form and "Confidence (0–1)" in form and "Effort (person-weeks)" in form
    assert "Business value (1–20)" in form and "Strategic fit (0–10)" in form and "strategic_fit" not in \
        re.sub(r'(name|id|for|list|aria-describedby)="[^"]*"', "", form)
    assert "<legend>WSJF ((business value + time criticality + risk reduction) ÷ job size)</legend>" in form
    # the frameworks' standard values are offered, with their words; anything else can still be typed
    impact = form.split('<datalist id="f-impact-choices">', 1)[1].split("</datalist>", 1)[0]
    assert impact == ('<option value="0.25">minimal</option><option value="0.5">low</option><option value="1">'
                      'medium</option><option value="2">high</option><option value="3">massive</option>')
    assert 'list="f-impact-choices"' in form and 'list="f-confidence-choices"' in form
    assert '<option value="13">13</option>' in form.split('id="f-job_size-choices"', 1)[1]

    # words and percentages of a scale are read as its numbers; a range as low / likely / high
    ok = tc.post(f"/w/{world.slug}/features/{f}/scoring-inputs", data={
        "csrf_token": csrf, "reach": "40", "impact": "High", "confidence": "50% / 80% / 100%", "effort": "4",
        "business_value": "8", "job_size": "5"})
    assert ok.status_code == 303, ok.text[:500]
    entered = client.get(world.api(f"/features/{f}/scores"), headers=world.alice.headers).json()["entered"]
    assert entered["impact"] == 2 and entered["confidence"] == [0.5, 0.8, 1] and entered["business_value"] == 8
    # off the scale: refused next to the field, saying its range; nothing saved
    bad = tc.post(f"/w/{world.slug}/features/{f}/scoring-inputs", data={
        "csrf_token": csrf, "reach": "40", "impact": "5", "confidence": "0.8", "business_value": "40"})
    assert bad.status_code == 422
    err = bad.text.split('id="f-impact-err"', 1)[1].split("</p>", 1)[0]
    assert "impact is RICE points between 0 and 3" in err and "got 5" in err
    assert 'value="5"' in bad.text
    unreadable = tc.post(f"/w/{world.slug}/features/{f}/scoring-inputs", data={"csrf_token": csrf, "impact": "huge"})
    assert unreadable.status_code == 422
    assert "enter a number, or low / likely / high (or a word of its scale: minimal, low, medium, high, massive)" in \
        unreadable.text
    entered = client.get(world.api(f"/features/{f}/scores"), headers=world.alice.headers).json()["entered"]
    assert entered["impact"] == 2


def test_the_case_page_uses_the_engineers_estimate_and_names_things_in_words(client, container,  # type: ignore[no-untyped-def]
                                                                             world: World) -> None:
    p = _api(client, world, "/problems", {"statement": "Chasing late payers by email"})["id"]
    f = _api(client, world, "/features", {"title": "Dunning emails", "problem_ids": [p], "status": "planned"})["id"]
    _api(client, world, f"/features/{f}/scoring-inputs", {"values": {
        "reach": 40, "impact": 2, "confidence": 0.8, "business_value": 8, "time_criticality": 8, "risk_reduction": 3}},
        "put")
    _api(client, world, f"/problems/{p}/size", {"customers": P(10), "cost_per_customer": P(1000), "capture": P(0.5)},
         "put")
    _api(client, world, f"/features/{f}/business-case", {"effort_person_weeks": P(10), "cost_per_person_week": P(1000)},
         "put")
    _api(client, world, f"/features/{f}/estimate", {"optimistic": 15, "likely": 30, "pessimistic": 60,
                                                    "unit": "days"}, "put")
    _api(client, world, "/scoring/formulas/money_per_week", {"text": "if(effort > 0, value / effort, 0)"}, "put")
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/features/{f}/case").text
    scores = _section(page, 'id="scores-title"')
    assert "10.67 = reach 40 × impact 2 × confidence 0.8 ÷ effort 6" in scores  # 30 person-days, not 10 weeks
    assert "(business value 8 + time criticality 8 + risk reduction 3) ÷ job size 6" in html.unescape(scores)
    assert "Money per week" in scores and "money_per_week" not in scores and "business_value" not in scores
    money = _section(page, 'id="money-title"')
    assert f"&#39;Dunning emails&#39; (#{f}): annual value" in money and f"feature {f}:" not in money
    assert "The business case says 10 person-weeks, the engineers estimate 6" in money  # the flag stays
    inputs = html.unescape(_section(page, 'id="inputs-title"'))
    assert "Empty: 6 from engineers' estimate (30 person-days = 6 person-weeks)." in inputs
    derived = html.unescape(page.split('id="derived-inputs"', 1)[1].split("</p>", 1)[0])
    # ROI: (3 years × 5,000 − 10 weeks × 1,000) ÷ 10,000 = 0.5
    assert "business case effort 10" in derived and "ROI 0.5 " in derived and "a ratio (0.5 = 50%)" in derived
    assert "effort_weeks" not in derived and "annual_value" not in derived

    ranking = tc.get(f"/w/{world.slug}/ranking?framework=wsjf").text
    row = html.unescape(ranking.split("Dunning emails", 1)[1].split("</tr>", 1)[0])
    assert "business value 8 + time criticality 8" in row and "business_value" not in row
    assert "job size from engineers' estimate (30 person-days = 6 person-weeks)" in row
    assert '<option value="money_per_week" >Money per week</option>' in ranking


def test_formula_help_lists_exactly_the_known_fields_and_its_example_saves(container, world: World) -> None:
    tc = web_client(container)
    csrf = sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/ranking").text
    listed = page.split('id="formula-field-names">', 1)[1].split("</span>", 1)[0]
    assert re.findall(r"<code>([a-z_]+)</code>", listed) == list(scoring.ALL_FIELDS)
    assert "arr_total" not in page
    meanings = page.split('id="formula-fields"', 1)[1].split("</details>", 1)[0]
    assert "ROI: the business case&#39;s ROI P50, a ratio: 6.55 = 655%" in meanings
    example = re.search(r'name="text" value="" placeholder="([^"]+)"', page)[1]  # type: ignore[index]
    assert example == scoring.EXAMPLE_FORMULA and f"Example: <code>{example}</code>" in page
    saved = tc.post(f"/w/{world.slug}/ranking/formulas", data={"csrf_token": csrf, "name": "arr_per_effort",
                                                               "text": html.unescape(example)})
    assert saved.status_code == 303, saved.text[:800]
    assert "ARR per effort" in tc.get(f"/w/{world.slug}/ranking?framework=arr_per_effort").text


def test_sizing_and_estimate_pages_say_their_units(client, container, world: World) -> None:  # type: ignore[no-untyped-def]
    p = _api(client, world, "/problems", {"statement": "Chasing late payers by email"})["id"]
    f = _api(client, world, "/features", {"title": "Dunning emails", "problem_ids": [p]})["id"]
    _api(client, world, f"/problems/{p}/size", {"customers": {"low": 8, "likely": 15, "high": 25},
                                                "cost_per_customer": {"low": 500, "likely": 1000, "high": 3000},
                                                "capture": {"low": 0.3, "likely": 0.5, "high": 0.6}}, "put")
    _api(client, world, f"/features/{f}/estimate", {"optimistic": 1, "likely": 1, "pessimistic": 1, "unit": "days"},
         "put")
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    sizing = tc.get(f"/w/{world.slug}/problems/{p}/sizing").text
    value = _section(sizing, 'id="value-title"')
    assert "customers 8–25" in value and "8.0" not in value  # counts without decimals
    assert "rounded to three significant figures (P50 " in value
    p50 = re.search(r"\(P50 ([\d,]+) USD\)", value)[1]  # type: ignore[index]
    assert f'title="{p50} USD"><strong>' in value  # the exact figure on the rounded one
    tornado = _section(sizing, 'id="tornado-title"')
    base = "USD 7,500"  # 15 × 1,000 × 0.5 with every input at its likely value
    assert f"every input at its likely value, {base}; the P50 above differs" in tornado
    ends = tornado.split('id="tornado-ends"', 1)[1]
    # each bar's ends: cost per customer 500 → 3,750 and 3,000 → 22,500; customers 8 → 4,000 and 25 → 12,500
    assert "<td>Cost per customer</td><td class=\"num\">USD 3,750</td><td class=\"num\">USD 22,500</td>" in ends
    assert "<td>Customers affected</td><td class=\"num\">USD 4,000</td><td class=\"num\">USD 12,500</td>" in ends
    estimate = tc.get(f"/w/{world.slug}/features/{f}/estimate").text
    assert "1 – <strong>1</strong> – 1 person-day <span" in estimate and "person-days <span" not in estimate
    assert not re.search(r"\+1 (person-days|story points)<", estimate)
