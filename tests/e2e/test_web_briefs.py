"""The Briefs, Blockers and implications pages through the web UI (TestClient): pickers, preview, export, save,
diff, recording a blocker with a bad range and a good one, outsiders."""

from __future__ import annotations

import re
import uuid

from tests.e2e.conftest import csrf_of, sign_in, web_client
from tests.integration.briefs_seed import seed, seed_currencies
from tradeoff.bootstrap import Container


def test_briefs_and_blockers_pages(container: Container) -> None:
    sd = seed(container, "wb-" + uuid.uuid4().hex[:8])
    tc = web_client(container)
    sign_in(tc, f"owner@{sd.slug}.example", "pw-seed-123456")
    base = f"/w/{sd.slug}"
    for audience in ("exec", "engineering", "sales", "customers"):
        r = tc.get(f"{base}/briefs", params={"audience": audience, "product": str(sd.ids["product"])})
        assert r.status_code == 200 and 'class="brief"' in r.text, audience
    page = tc.get(f"{base}/briefs", params={"audience": "exec"})
    assert "Forecast dates" in page.text and f'href="{base}/features/{sd.ids["f1"]}"' in page.text
    pdf = tc.get(f"{base}/briefs/export", params={"audience": "exec", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = tc.get(f"{base}/briefs", params={"audience": "board"})
    assert bad.status_code == 422 and "exec, engineering, sales, customers" in bad.text
    bad = tc.get(f"{base}/briefs/export", params={"audience": "exec", "format": "docx"})
    assert bad.status_code == 422 and "md, html, pdf, text" in bad.text

    token = csrf_of(page.text)
    r = tc.post(f"{base}/briefs/save", data={"csrf_token": token, "audience": "exec", "note": "board pack"})
    assert r.status_code == 303 and "saved=1" in r.headers["location"]
    again = tc.get(r.headers["location"])
    assert "Saved version 1" in again.text and "board pack" in again.text
    diff = tc.get(f"{base}/briefs/diff", params={"audience": "exec"})
    assert diff.status_code == 200 and "What changed" in diff.text

    form = {"csrf_token": token, "title": "Ledger API rate limits", "extra_optimistic": "8", "extra_likely": "3",
            "extra_pessimistic": "12", "feature_ids": [str(sd.ids["f1"])]}
    r = tc.post(f"{base}/blockers", data=form)
    assert r.status_code == 422 and "extra_likely: extra effort must satisfy optimistic &lt;= likely" in r.text
    r = tc.post(f"{base}/blockers", data=form | {"extra_optimistic": "2"})
    assert r.status_code == 303
    impact = tc.get(r.headers["location"])
    assert impact.status_code == 200 and "Business impact" in impact.text and "slip" in impact.text
    assert "Ledger API rate limits" in tc.get(f"{base}/blockers").text
    imp = tc.get(f"{base}/features/{sd.ids['f1']}/implications")
    assert imp.status_code == 200 and "Payments core" in imp.text and "debt 4/5" in imp.text

    outsider = web_client(container)
    other = seed(container, "wo-" + uuid.uuid4().hex[:8])
    outsider_token = sign_in(outsider, f"owner@{other.slug}.example", "pw-seed-123456")
    for url in (f"{base}/briefs", f"{base}/blockers", f"{base}/blockers/{sd.ids['blocker']}",
                f"{base}/features/{sd.ids['f1']}/implications", f"{base}/briefs/export?format=pdf"):
        r = outsider.get(url)
        assert r.status_code == 404 and "Ledger" not in r.text, url
    closing = f"{base}/blockers/{sd.ids['blocker']}/close"
    assert outsider.post(closing, data={"csrf_token": outsider_token}).status_code == 404
    # resolved: closed from its page, it leaves the open blockers (the audit log keeps it)
    page = tc.get(f"{base}/blockers/{sd.ids['blocker']}").text
    assert f'action="{closing}"' in page
    closed = tc.post(closing, data={"csrf_token": token})
    assert closed.status_code == 303
    assert f'href="{base}/blockers/{sd.ids["blocker"]}"' not in tc.get(f"{base}/blockers").text
    assert "Closed: no longer open." in tc.get(f"{base}/blockers/{sd.ids['blocker']}").text


def test_blocker_page_totals_the_arr_in_the_workspace_currency(container: Container) -> None:
    sd = seed(container, "wc-" + uuid.uuid4().hex[:8])
    seed_currencies(container, sd)  # CAD and EUR with a rate, GBP without
    tc = web_client(container)
    sign_in(tc, f"owner@{sd.slug}.example", "pw-seed-123456")
    page = tc.get(f"/w/{sd.slug}/blockers/{sd.ids['blocker']}")
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "3 customer(s) with USD 240,000 ARR and GBP 200,000 (no exchange rate) are affected" in text
    assert "USD 240,000 ARR in all ( USD; CAD at 0.75, EUR at 1.5 ) , and GBP 200,000 with no exchange rate" in text
    customers = text[text.index("Customers affected"):]
    assert customers.index("Globex") < customers.index("Acme Corp") < customers.index("Hooli")
    assert "Globex · EUR 100,000 (USD 150,000)" in customers and "Hooli · GBP 200,000 " in customers


def test_one_customers_update_and_exports_that_link_from_anywhere(container: Container) -> None:
    """The customer picker is on the Briefs page whatever audience is shown, so one customer's "What's new" is
    one step away; an exported file (Slack text, Markdown, HTML) links to records by the server's full address."""
    sd = seed(container, "wc-" + uuid.uuid4().hex[:8])
    tc = web_client(container)
    sign_in(tc, f"owner@{sd.slug}.example", "pw-seed-123456")
    base = f"/w/{sd.slug}"
    page = tc.get(f"{base}/briefs", params={"audience": "exec"})
    picker = page.text.split('id="brief-customer"', 1)[1].split("</select>", 1)[0]
    assert re.search(rf'<option value="{sd.ids["acme"]}"\s*>Acme Corp</option>', picker) and "Globex" in picker
    mine = tc.get(f"{base}/briefs", params={"audience": "customers", "customer": str(sd.ids["acme"])})
    assert mine.status_code == 200 and "For Acme Corp: what you asked for" in mine.text
    assert re.search(rf'<option value="{sd.ids["acme"]}"\s*selected>Acme Corp</option>', mine.text)
    exported = tc.get(f"{base}/briefs/export", params={"audience": "customers", "customer": str(sd.ids["acme"]),
                                                       "format": "md"})
    assert "For Acme Corp" in exported.text and "Globex" not in exported.text
    text = tc.get(f"{base}/briefs/export", params={"audience": "exec", "format": "text"}).text
    sources = text.split("*Sources*", 1)[1].strip().splitlines()
    assert sources and all(re.fullmatch(rf"\[\w+\] .+: http://testserver{base}/\S+", s) for s in sources), sources
    assert f"http://testserver{base}/features/{sd.ids['f1']}" in text
    md = tc.get(f"{base}/briefs/export", params={"audience": "exec", "format": "md"}).text
    assert f": http://testserver{base}/features/{sd.ids['f1']}" in md
    html = tc.get(f"{base}/briefs/export", params={"audience": "exec", "format": "html"}).text
    assert f'href="http://testserver{base}/features/{sd.ids["f1"]}"' in html and f'href="{base}/' not in html
    # the page's own preview stays on this server, relative
    assert f'href="{base}/features/{sd.ids["f1"]}"' in page.text


def test_a_blocker_is_edited_from_its_page_and_every_forecast_page_counts_it(container: Container) -> None:
    """An engineer learns more: the blocker becomes a 30% risk; a stale form is refused, not applied; the roadmap,
    the timeline and the held-up feature's page name it with the date its work is done; outsiders cannot edit."""
    sd = seed(container, "we-" + uuid.uuid4().hex[:8])
    tc = web_client(container)
    sign_in(tc, f"owner@{sd.slug}.example", "pw-seed-123456")
    base, bid = f"/w/{sd.slug}", sd.ids["blocker"]
    page = tc.get(f"{base}/blockers/{bid}")
    assert 'action="' + f'{base}/blockers/{bid}/edit"' in page.text and "Its work is done by" in page.text
    token = csrf_of(page.text)
    form = {"csrf_token": token, "version": "1", "title": "Payments core must be refactored first", "kind": "risk",
            "likelihood_pct": "30", "extra_optimistic": "5", "extra_likely": "10", "extra_pessimistic": "20",
            "feature_ids": [str(sd.ids["f1"])]}
    r = tc.post(f"{base}/blockers/{bid}/edit", data=form | {"kind": "blocker"})  # a blocker at 30%: refused
    assert r.status_code == 422 and "likelihood" in r.text and "record work that may not be needed as a risk" in r.text
    assert 'value="30"' in r.text  # what was typed is kept
    r = tc.post(f"{base}/blockers/{bid}/edit", data=form)
    assert r.status_code == 303 and "saved=1" in r.headers["location"]
    saved = tc.get(r.headers["location"]).text
    assert "Risk (30% likely)" in saved and "every forecast counts the new figures" in saved
    stale = tc.post(f"{base}/blockers/{bid}/edit", data=form | {"likelihood_pct": "90"})  # still at version 1
    assert stale.status_code == 422 and "30% likely" in tc.get(f"{base}/blockers/{bid}").text
    listed = tc.get(f"{base}/blockers").text
    assert "risk, 30% likely" in listed and "not forecast" not in listed.split("<tbody>", 1)[1].split("</tbody>")[0]
    for url in (f"{base}/roadmap", f"{base}/roadmap/timeline"):
        text = tc.get(url).text
        assert "Blockers and risks in these dates" in text and f'href="{base}/blockers/{bid}"' in text, url
        assert "30% likely" in text, url
    feature = tc.get(f"{base}/features/{sd.ids['f1']}/delivery").text
    assert f'Waits for <a href="{base}/blockers/{bid}">' in feature

    outsider = web_client(container)
    other = seed(container, "wx-" + uuid.uuid4().hex[:8])
    outsider_token = sign_in(outsider, f"owner@{other.slug}.example", "pw-seed-123456")
    r = outsider.post(f"{base}/blockers/{bid}/edit", data=form | {"csrf_token": outsider_token, "version": "2"})
    assert r.status_code == 404 and "Payments core" not in r.text
    assert "30% likely" in tc.get(f"{base}/blockers/{bid}").text
