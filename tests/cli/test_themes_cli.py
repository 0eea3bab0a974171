"""`tradeoff themes` a page at a time, with a smallest size, as the API and the web page."""

from __future__ import annotations

import json
import uuid

from tests.e2e.test_web_themes_paging import SAID


def test_themes_page_and_smallest_size(run) -> None:  # type: ignore[no-untyped-def]
    slug = "th-" + uuid.uuid4().hex[:8]
    run("workspace", "create", slug, "--owner", f"o@{slug}.example.com")
    for text in SAID:
        run("feedback", "create", "-w", slug, "--text", text)
    first = json.loads(run("themes", "-w", slug, "--limit", "3", "--json").stdout)
    assert [t["count"] for t in first["items"]] == [4, 3, 2] and first["next"] == "3" and first["total"] == 4
    rest = json.loads(run("themes", "-w", slug, "--limit", "3", "--cursor", "3", "--json").stdout)
    assert [t["count"] for t in rest["items"]] == [2] and rest["next"] is None
    shown = run("themes", "-w", slug, "--limit", "1").stdout
    assert "themes 1–1 of 4; the next: --cursor 1" in shown
    large = run("themes", "-w", slug, "--min-size", "3").stdout
    assert "2 themes under 3 items hidden (4 items; --min-size 2 shows them)" in large
    assert "dark mode" not in large and "Okta" in large
    assert run("themes", "-w", slug, "--min-size", "1", ok=False).exit_code == 2
