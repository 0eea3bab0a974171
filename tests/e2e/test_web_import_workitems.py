"""Work history imported in the browser like feedback: upload, column mapping, preview (a dry run) with every
bad row named, all rows or none, and the suggestion that uses them; engineers may, readers and outsiders not."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.estimates import service as estimate_service
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.teams import service as team_service
from tradeoff.teams.schemas import MemberIn, TeamCreate
from tradeoff.web import routes_import_workitems
from tradeoff.workitems.model import WorkItem

ROWS = [("Export invoices to CSV", 2), ("Sync payments to NetSuite", 8), ("Add SSO login with SAML", 5)]
CSV = ("Issue key;Summary;Issue Type;Status;Created;Resolved;Story Points\r\n" + "".join(
    f"PAY-{i + 1};{t} {i};Story;Done;2026-0{1 + i % 9}-0{1 + i % 9};2026-0{1 + i % 9}-2{i % 9};{p}\r\n"
    for i, (t, p) in enumerate(ROWS * 4)) + "PAY-99;;Story;Done;yesterday;2026-01-01;many\r\n").encode("cp1252")


def _count(c: Container, slug: str) -> int:
    with c.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        return int(uow.session.scalar(select(func.count(WorkItem.id)).where(WorkItem.workspace_id == wid)) or 0)


def test_engineer_imports_work_history_in_the_browser(container: Container, world: World) -> None:
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        team = team_service.create(uow=uow, workspace_id=wid, actor=SYSTEM,
                                   data=TeamCreate(name="Payments", members=[MemberIn(name="Ana")]))
        feature = feature_service.create(uow=uow, workspace_id=wid, actor=SYSTEM,
                                         data=FeatureCreate(title="Sign in with SAML SSO"))
        team_id, feature_id = team.id, feature.id
    base = f"/w/{world.slug}"
    tc = web_client(container)
    token = sign_in(tc, world.erin.email, world.erin.password)
    estimate = tc.get(f"{base}/features/{feature_id}/estimate").text
    assert "No suggestion" in estimate and f"{base}/import/work-items" in estimate  # where to get history
    page = tc.get(f"{base}/import/work-items")
    assert page.status_code == 200 and "Payments" in page.text
    up = tc.post(f"{base}/import/work-items", data={"csrf_token": token, "team_id": str(team_id)},
                 files={"file": ("jira.csv", CSV, "text/csv")})
    assert up.status_code == 200, up.text[:500]
    html = up.text
    assert '<option value="Issue key" selected>' in html and '<option value="Story Points" selected>' in html
    assert re.search(r'<td class="num">13</td><td class="num">14</td><td>Summary</td>', html)  # the bad row, named
    assert re.search(r'formaction="[^"]+/import/work-items/run" disabled', html)
    choices = {"csrf_token": token, "token": re.search(r'name="token" value="([^"]+)"', html)[1],
               "filename": "jira.csv", "team_id": str(team_id)} | {
        f"map_{f}": c for f, c in (("key", "Issue key"), ("title", "Summary"), ("type", "Issue Type"),
                                    ("status", "Status"), ("created", "Created"), ("resolved", "Resolved"),
                                    ("points", "Story Points"))}
    blocked = tc.post(f"{base}/import/work-items/run", data=choices)
    assert blocked.status_code == 422 and "nothing was imported" in blocked.text and _count(container, world.slug) == 0
    no_key = tc.post(f"{base}/import/work-items/preview", data={**choices, "map_key": ""})
    assert no_key.status_code == 422 and "key" in no_key.text
    ready = tc.post(f"{base}/import/work-items/preview", data={**choices, "skip_bad_rows": "1"})
    assert ready.status_code == 200 and "Ready: 12 new work items, 0 updated, 1 row skipped" in ready.text
    assert _count(container, world.slug) == 0  # a preview is a dry run
    done = tc.post(f"{base}/import/work-items/run", data={**choices, "skip_bad_rows": "1"})
    assert done.status_code == 200 and "12 work items added and 0 updated" in done.text
    assert _count(container, world.slug) == 12
    with container.unit_of_work() as uow:
        teams = set(uow.session.scalars(select(WorkItem.team_id).where(WorkItem.workspace_id == wid)))
    assert teams == {team_id}
    suggestion = tc.get(f"{base}/features/{feature_id}/estimate").text
    assert "Suggested P10" in suggestion and "Add SSO login with SAML" in suggestion  # the history at work
    # the engineer starts the estimate from that range, adjusts nothing, and saves it
    p10, p50, p90 = re.search(r"Suggested P10 ([\d.]+) · <strong>P50 ([\d.]+)</strong> · P90 ([\d.]+) story points",
                              suggestion).groups()
    assert f'href="{base}/features/{feature_id}/estimate?start=suggestion' in suggestion
    filled = tc.get(f"{base}/features/{feature_id}/estimate", params={"start": "suggestion"}).text
    form = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', filled)[1]
            for name in ("optimistic", "likely", "pessimistic", "confidence")}
    assert (form["optimistic"], form["likely"], form["pessimistic"]) == (p10, p50, p90)
    assert '<option value="points" selected>' in filled and "Started from how similar work items were sized" in filled
    assert "Not estimated yet" in filled  # nothing saved by filling the form
    saved = tc.post(f"{base}/features/{feature_id}/estimate", data={
        "csrf_token": token, **form, "unit": "points", "category": "feature", "team_id": str(team_id),
        "notes": "from the suggestion"})
    assert saved.status_code == 303, saved.text[:300]
    with container.unit_of_work() as uow:
        est = estimate_service.find(uow=uow, workspace_id=wid, feature_id=feature_id)
        assert est is not None and est.unit == "points"
        assert (est.optimistic, est.likely, est.pessimistic) == (float(p10), float(p50), float(p90))


def test_work_history_import_is_refused_to_readers_and_hidden_from_outsiders(container: Container,
                                                                             world: World) -> None:
    base = f"/w/{world.slug}"
    paths = [(m, p.replace("/w/{slug}", base)) for r in routes_import_workitems.router.routes
             for m in r.methods for p in [r.path]]  # type: ignore[attr-defined]
    assert len(paths) == 4
    reader, outsider = web_client(container), web_client(container)
    reader_token = sign_in(reader, world.sam.email, world.sam.password)
    outsider_token = sign_in(outsider, world.charlie.email, world.charlie.password)
    for method, url in paths:
        for client, token, expected in ((reader, reader_token, 403), (outsider, outsider_token, 404)):
            r = client.get(url) if method == "GET" else client.post(
                url, data={"csrf_token": token, "token": "x" * 32}, files={"file": ("a.csv", CSV, "text/csv")})
            assert r.status_code == expected, f"{method} {url} → {r.status_code}"
    assert _count(container, world.slug) == 0


def test_a_guessed_epic_column_stays_a_guess_through_the_preview_and_cancelled_work_is_named(
        container: Container, world: World) -> None:
    """The preview's column selects send the guessed feature column back: it must not turn into the person's own
    mapping, under which a number is a Tradeoff feature id (a tracker's epic ids would link the wrong features)."""
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        fid = feature_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=FeatureCreate(title="Dunning")).id
    data = ("Issue key,Summary,Status,Resolution,Created,Resolved,Epic Link\n"
            f"PAY-1,Dunning emails,Done,Done,2025-03-01,2025-03-05,{fid}\n"
            "PAY-2,Not doing it,Done,Won't Do,2025-03-01,2025-03-02,\n").encode()
    base = f"/w/{world.slug}"
    tc = web_client(container)
    token = sign_in(tc, world.erin.email, world.erin.password)
    up = tc.post(f"{base}/import/work-items", data={"csrf_token": token}, files={"file": ("jira.csv", data, "text/csv")})
    assert up.status_code == 200, up.text[:500]
    assert '<input type="hidden" name="guessed_feature" value="Epic Link">' in up.text
    assert "1 cancelled item (Won&#39;t Do 1) imported as not finished" in up.text
    form = {"csrf_token": token, "token": re.search(r'name="token" value="([^"]+)"', up.text)[1],
            "filename": "jira.csv", "guessed_feature": "Epic Link"} | {
        f"map_{f}": c for f, c in (("key", "Issue key"), ("title", "Summary"), ("status", "Status"),
                                    ("resolution", "Resolution"), ("created", "Created"), ("resolved", "Resolved"),
                                    ("feature", "Epic Link"))}
    done = tc.post(f"{base}/import/work-items/run", data=form)
    assert done.status_code == 200 and "2 work items added" in done.text, done.text[:500]
    with container.unit_of_work() as uow:
        links = set(uow.session.scalars(select(WorkItem.feature_id).where(WorkItem.workspace_id == wid)))
    assert links == {None}  # the guessed column's number was not taken for feature #fid


def test_work_history_page_shows_each_teams_pace_and_the_items(container: Container, world: World) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        team = team_service.create(uow=uow, workspace_id=wid, actor=SYSTEM,
                                   data=TeamCreate(name="Billing", members=[MemberIn(name="Ana")]))
        for i, days in enumerate((2, 4, 6, 8)):  # four done in the last weeks, 2-8 days each; one still open
            uow.session.add(WorkItem(workspace_id=wid, key=f"BIL-{i}", title=f"Dunning step {i}", type="Story",
                                     status="Done", opened_at=now - timedelta(days=20 + days),
                                     started_at=now - timedelta(days=10 + days), resolved_at=now - timedelta(days=10),
                                     points=3, team_id=team.id))
        uow.session.add(WorkItem(workspace_id=wid, key="BIL-9", title="Late fees", type="Story", status="Open",
                                 opened_at=now - timedelta(days=3), points=5, team_id=team.id))
        uow.session.add(WorkItem(workspace_id=wid, key="BIL-8", title="Fax invoices", type="Story",
                                 status="Done (Won't Do)", opened_at=now - timedelta(days=3), team_id=team.id))
    base = f"/w/{world.slug}"
    reader = web_client(container)
    sign_in(reader, world.sam.email, world.sam.password)  # anyone in the workspace may read the history
    page = reader.get(f"{base}/workitems")
    assert page.status_code == 200 and "Work history" in page.text
    row = re.search(r'>Billing</a></td>(.*?)</tr>', page.text, re.S)
    # 12 points ten days ago, none in the week since: a median of 6 a week (a quiet week counts)
    assert row and re.findall(r'<td class="num">([^<]*)</td>', row[1]) == ["4", "12", "6", "4 days", "8 days"]
    assert "BIL-9" in page.text and "Late fees" in page.text and "Import work items" not in page.text
    fax = page.text.split(">BIL-8<", 1)[1].split("</tr>", 1)[0]
    assert ">cancelled<" in fax and ">open<" not in fax  # closed without being done, not open
    done = reader.get(f"{base}/workitems", params={"state": "done", "team_id": team.id}).text
    assert "BIL-0" in done and "BIL-9" not in done
    outsider = web_client(container)
    sign_in(outsider, world.charlie.email, world.charlie.password)
    shut = outsider.get(f"{base}/workitems")
    assert shut.status_code == 404 and "Dunning" not in shut.text
