"""The Briefs, Blockers and implications pages through the web UI (TestClient): pickers, preview, export, save,
diff, recording a blocker with a bad range and a good one, outsiders."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import csrf_of, sign_in, web_client
from tests.integration.briefs_seed import seed
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
    assert r.status_code == 422 and "extra_likely: outside [optimistic, pessimistic]" in r.text
    r = tc.post(f"{base}/blockers", data=form | {"extra_optimistic": "2"})
    assert r.status_code == 303
    impact = tc.get(r.headers["location"])
    assert impact.status_code == 200 and "Business impact" in impact.text and "slip" in impact.text
    assert "Ledger API rate limits" in tc.get(f"{base}/blockers").text
    imp = tc.get(f"{base}/features/{sd.ids['f1']}/implications")
    assert imp.status_code == 200 and "Payments core" in imp.text and "debt 4/5" in imp.text

    outsider = web_client(container)
    other = seed(container, "wo-" + uuid.uuid4().hex[:8])
    sign_in(outsider, f"owner@{other.slug}.example", "pw-seed-123456")
    for url in (f"{base}/briefs", f"{base}/blockers", f"{base}/blockers/{sd.ids['blocker']}",
                f"{base}/features/{sd.ids['f1']}/implications", f"{base}/briefs/export?format=pdf"):
        r = outsider.get(url)
        assert r.status_code == 404 and "Ledger" not in r.text, url
