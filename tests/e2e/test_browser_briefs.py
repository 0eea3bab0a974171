"""A real headless Chromium: open the executive brief in the web UI, check its forecast figures, export it to PDF
and find the same figures in the PDF's text."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import browser_sign_in
from tests.integration.briefs_seed import seed
from tradeoff.bootstrap import Container

pytestmark = pytest.mark.browser


def test_open_the_executive_brief_and_export_it_to_pdf(browser: Any, live_server: str,
                                                       container: Container) -> None:
    sd = seed(container, "bb-" + uuid.uuid4().hex[:8])
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        browser_sign_in(page, f"owner@{sd.slug}.example", "pw-seed-123456", sd.slug, live_server)

        page.get_by_role("link", name="Briefs", exact=True).click()
        page.wait_for_url(f"**/w/{sd.slug}/briefs")
        page.locator("#brief-audience").select_option("exec")
        page.locator("#brief-product").select_option(label="Payments")
        page.locator("#brief-show").click()
        page.wait_for_url("**/briefs?audience=exec&product=*")
        brief = page.locator("article.brief")
        assert brief.locator("h1").inner_text() == "Executive brief"
        table = brief.locator("section", has=page.get_by_role("heading", name="Forecast dates")).locator("table")
        shown = [c.strip() for c in table.locator("td a").all_inner_texts()
                 if re.fullmatch(r"\d{1,2} \w{3} \d{4}", c.strip())]
        assert len(shown) >= 6, shown  # P50/P85/P95 of the two planned features
        ledger = table.locator(f'a[href="/w/{sd.slug}/features/{sd.ids["f1"]}"]').first
        assert ledger.inner_text() == "Ledger sync"

        with page.expect_download() as info:
            page.locator("#export-pdf").click()
        download = info.value
        assert download.suggested_filename.startswith("exec-brief-") and download.suggested_filename.endswith(".pdf")
        data = open(download.path(), "rb").read()  # noqa: SIM115 - a temporary file Playwright owns
        assert data.startswith(b"%PDF")
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
        for figure in set(shown):
            assert figure in text, f"{figure} is in the web UI but not in the PDF"
    finally:
        context.close()
