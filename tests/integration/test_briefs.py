"""Briefs from a seeded workspace on both back ends: every audience × format through the service, the API and
the CLI; determinism; traceability; no internal field in customer briefs; PDF text; versions and diff;
blocker impact and technical implications; bad input."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.integration.briefs_seed import MARKERS, NOW, Seeded, seed
from tests.unit.test_brief_render import Numbers
from tradeoff.bootstrap import Container
from tradeoff.briefs import service as briefs
from tradeoff.briefs.document import AUDIENCES, FORMATS
from tradeoff.cli.main import app
from tradeoff.storage.uow import Actor


@pytest.fixture(scope="module")
def seeded(container: Container) -> Seeded:
    return seed(container, "brief-" + uuid.uuid4().hex[:8])


def build(c: Container, sd: Seeded, audience: str, **kw: Any) -> Any:
    with c.unit_of_work() as uow:
        return briefs.build(uow=uow, workspace_id=sd.workspace_id, slug=sd.slug,
                            req=briefs.Request(audience, **kw), now=NOW)


def rendered(c: Container, sd: Seeded, audience: str, fmt: str, **kw: Any) -> bytes:
    return briefs.render(build(c, sd, audience, **kw), fmt, sd.slug)


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_every_audience_and_format_is_deterministic(container: Container, seeded: Seeded) -> None:
    for audience in AUDIENCES:
        for fmt in FORMATS:
            first = rendered(container, seeded, audience, fmt)
            assert first == rendered(container, seeded, audience, fmt), (audience, fmt)
            assert len(first) > 150


def test_exec_brief_cites_its_records_and_links_every_number(container: Container, seeded: Seeded) -> None:
    ids = seeded.ids
    md = rendered(container, seeded, "exec", "md").decode()
    for section in ("Objectives and key results", "Top bets", "Forecast dates", "Commitments at risk",
                    "Blockers and their business impact", "Decisions"):
        assert f"## {section}" in md
    assert f"Ledger sync [F{ids['f1']}]" in md and f"[O{ids['objective']}]" in md
    # the objective's features in their own column; in text (Slack), each source once at the end of the row
    assert "| Objective | Key result | Now vs target | Progress | Features serving it |" in md
    text = rendered(container, seeded, "exec", "text").decode()
    assert (f"• Objective: Win mid-market finance teams; Key result: Accounts on ledger sync; Now vs target: 10 of 40 "
            f"(from 0); Progress: 25%; Features serving it: Ledger sync [O{ids['objective']}][F{ids['f1']}]") in text
    assert f"Build or buy the ledger connector [D{ids['decision_open']}]" in md  # decision needed
    assert f"Refunds before SSO [D{ids['decision_taken']}]" in md  # taken in the past month
    assert f"- [F{ids['f1']}] feature {ids['f1']}: Ledger sync: /w/{seeded.slug}/features/{ids['f1']}" in md
    bets = md.split("## Top bets", 1)[1].split("##", 1)[0]
    ledger_row = next(line for line in bets.splitlines() if line.startswith("| Ledger sync"))
    assert ledger_row.count("USD") >= 3 and "a year" in ledger_row and "%" in ledger_row  # value, cost, ROI
    assert "no business case" in bets  # Bulk refunds has none, and the brief says so
    html = rendered(container, seeded, "exec", "html").decode()
    p = Numbers()
    p.feed(html.split('<section class="sources">')[0])
    assert len(p.linked) > 10
    assert not p.loose, f"numbers not linked to a record: {p.loose}"
    assert f'href="/w/{seeded.slug}/features/{ids["f1"]}"' in html
    assert html.count("<svg") >= 2  # timeline and distribution


def test_dates_always_come_with_probabilities(container: Container, seeded: Seeded) -> None:
    text = rendered(container, seeded, "sales", "text").decode()
    dates = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", text)
    assert dates
    for line in text.splitlines():
        for d in re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", line):
            assert re.search(rf"P(50|85|95) {d}|promised for {d}|50% by {d}|95% only by {d}", line), line
    assert "SSO" in text and "not planned" in text  # what not to promise yet


def test_pdf_text_has_the_forecast_figures_shown_in_html(container: Container, seeded: Seeded) -> None:
    brief = build(container, seeded, "exec")
    html = briefs.render(brief, "html", seeded.slug).decode()
    text = pdf_text(briefs.render(brief, "pdf", seeded.slug))
    figures = re.findall(r'data-ref="F\d+"[^>]*>(\d{1,2} \w{3} \d{4})</a>', html)
    assert len(figures) >= 6  # P50/P85/P95 of two features
    flat = " ".join(text.split())
    for f in set(figures):
        assert f in flat, f"{f} shown in HTML but not in the PDF"
    assert "Forecast dates" in text and "[F" in text and "Sources" in text


def test_customer_brief_leaks_no_internal_field(container: Container, seeded: Seeded) -> None:
    general = {fmt: rendered(container, seeded, "customers", fmt) for fmt in FORMATS}
    personal = {fmt: rendered(container, seeded, "customers", fmt, customer_id=seeded.ids["acme"]) for fmt in FORMATS}
    for fmt in FORMATS:
        for label, data in (("general", general[fmt]), ("acme", personal[fmt])):
            text = pdf_text(data) if fmt == "pdf" else data.decode()
            flat = " ".join(text.split())
            for marker in MARKERS:
                assert marker not in flat, (label, fmt, marker)
            for internal in ("120,000", "120000", "15,000", "50,000", "ARR", "USD", "Globex", "Initech", "score",
                             "ROI", "/w/", "[F", "Switch the whole app"):  # the last: an acceptance criterion
                assert internal not in flat, (label, fmt, internal)
            assert "Dark mode" in flat
        assert "Acme Corp" not in (pdf_text(general[fmt]) if fmt == "pdf" else general[fmt].decode())
    md = personal["md"].decode()
    assert "For Acme Corp: what you asked for" in md and "One thing you asked for has shipped:" in md
    assert "- **Ledger sync**: promised for " in md  # what was promised to them, by the promised date
    for who in ("globex", "initech"):
        other = rendered(container, seeded, "customers", "md", customer_id=seeded.ids[who]).decode()
        assert "link their feedback" not in other and "Missing" not in other.split("## Shipped")[0]
        assert "Ledger sync**: promised" not in other  # another customer's promise is not theirs
    assert "How it works: open your profile; choose the dark theme." in general["md"].decode()  # its user flow


def test_empty_product_says_what_is_missing(container: Container, seeded: Seeded) -> None:
    for audience in AUDIENCES:
        md = rendered(container, seeded, audience, "md", product="Empty").decode()
        assert "**Missing:**" in md, audience
        for line in md.splitlines():
            if line.startswith("## "):  # no section is left empty
                assert md.split(line, 1)[1].strip().split("\n", 1)[0].strip(), (audience, line)
    md = rendered(container, seeded, "engineering", "md", product="Empty").decode()
    assert "No features recorded for product Empty yet" in md


def test_bad_input_names_the_allowed_values(container: Container, seeded: Seeded) -> None:
    from tradeoff.errors import InvalidInput

    with pytest.raises(InvalidInput, match="exec, engineering, sales, customers"):
        build(container, seeded, "board")
    with pytest.raises(InvalidInput, match="md, html, pdf, text"):
        briefs.render(build(container, seeded, "exec"), "docx", seeded.slug)
    with pytest.raises(InvalidInput, match="no product 'Nope'"):
        build(container, seeded, "exec", product="Nope")
    with pytest.raises(InvalidInput, match="customer_id addresses the customers brief") as err:
        build(container, seeded, "sales", customer_id=seeded.ids["acme"])  # not silently a brief for everyone
    assert err.value.errors[0].loc == ["query", "customer_id"]
    md = rendered(container, seeded, "sales", "md", release="R9").decode()
    assert "release 'R9'" in md and "**Missing:**" in md


def test_versions_and_diff(container: Container, seeded: Seeded) -> None:
    actor = Actor(None, "test", "cli")
    with container.unit_of_work() as uow:
        req = briefs.Request("engineering", "Payments")
        v1, changed1 = briefs.save(uow=uow, workspace_id=seeded.workspace_id, slug=seeded.slug, actor=actor,
                                   req=req, now=NOW)
        v2, changed2 = briefs.save(uow=uow, workspace_id=seeded.workspace_id, slug=seeded.slug, actor=actor,
                                   req=req, now=NOW)
        assert changed1 and not changed2 and v2.number == v1.number + 1
        same = briefs.diff(uow=uow, workspace_id=seeded.workspace_id, slug=seeded.slug, req=req, now=NOW)
        assert same["diff"] == "" and not same["changed"]
        from tradeoff.features.model import Feature

        f = uow.session.get(Feature, seeded.ids["f2"])
        assert f is not None
        f.acceptance_criteria = [*f.acceptance_criteria, "Refunds show in the audit log"]
        uow.flush()
        res = briefs.diff(uow=uow, workspace_id=seeded.workspace_id, slug=seeded.slug, req=req, now=NOW)
        assert res["changed"] and "+- Refunds show in the audit log" in res["diff"]
        uow.session.rollback()


def test_blocker_impact_in_business_language(container: Container, seeded: Seeded) -> None:
    from tradeoff.blockers import service as blocker_service

    with container.unit_of_work() as uow:
        b = blocker_service.get(uow=uow, workspace_id=seeded.workspace_id, blocker_id=seeded.ids["blocker"])
        res = blocker_service.impact(uow=uow, workspace_id=seeded.workspace_id, blocker=b, now=NOW)
        imp = blocker_service.implications(uow=uow, workspace_id=seeded.workspace_id, feature_id=seeded.ids["f1"])
    assert res["status"] == "ok"
    slip = {r["feature_id"]: r for r in res["slips"]}[seeded.ids["f1"]]
    # 5-10-20 extra person-days on a two-person team (about 10 person-days a week) must move P85 out
    assert slip["slip_days"] > 0 and slip["p85_after"] > slip["p85_before"]
    assert seeded.ids["f2"] not in {r["feature_id"] for r in res["slips"] if r["slip_days"] > 0}
    cm = res["commitments"][0]
    assert cm["probability_after"] < cm["probability_before"]
    assert {c["name"] for c in res["customers"]} >= {"Acme Corp", "Globex"}
    assert res["objectives"] and res["objectives"][0]["id"] == seeded.ids["objective"]
    assert "slip at P85" in res["summary"]
    assert imp["components"][0]["name"] == "Payments core" and imp["components"][0]["indebted"]
    assert imp["dependencies"][0]["feature_id"] == seeded.ids["f2"]
    assert imp["blockers"][0]["id"] == seeded.ids["blocker"] and imp["estimate"]["likely"] == 8


def _token(c: Container, sd: Seeded) -> dict[str, str]:
    from sqlalchemy import select

    from tradeoff.accounts import service as accounts
    from tradeoff.accounts.model import User

    with c.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.email == f"owner@{sd.slug}.example"))
        assert user is not None
        _, tok = accounts.create_token(uow=uow, workspace_id=sd.workspace_id, user_id=user.id, name="t",
                                       actor=Actor(None, "t", "cli"))
    return {"Authorization": f"Bearer {tok}"}


def test_api_every_audience_and_format(client, container: Container, seeded: Seeded, world) -> None:  # type: ignore[no-untyped-def]
    h = _token(container, seeded)
    base = f"/api/v1/workspaces/{seeded.slug}"
    for audience in AUDIENCES:
        for fmt in FORMATS:
            r = client.get(f"{base}/briefs/{audience}", params={"format": fmt, "product": "Payments"}, headers=h)
            assert r.status_code == 200, (audience, fmt, r.text[:300])
            assert r.headers["content-type"].startswith(briefs.MEDIA[fmt][0].split(";")[0])
            if fmt == "pdf":
                assert r.content.startswith(b"%PDF") and "attachment" in r.headers["content-disposition"]
    r = client.get(f"{base}/briefs/board", headers=h)
    assert r.status_code == 422 and "exec, engineering, sales, customers" in r.json()["detail"]
    r = client.get(f"{base}/briefs/exec", params={"format": "docx"}, headers=h)
    assert r.status_code == 422 and "md, html, pdf, text" in r.json()["detail"]
    saved = client.post(f"{base}/briefs/sales/versions", json={"product": "Payments", "note": "weekly"}, headers=h)
    assert saved.status_code == 201 and saved.json()["number"] >= 1
    listed = client.get(f"{base}/briefs/sales/versions", headers=h).json()
    assert listed[0]["id"] == saved.json()["id"]
    md = client.get(f"{base}/briefs/sales/versions/{saved.json()['id']}", headers=h)
    assert md.status_code == 200 and md.text.startswith("# Sales")
    assert client.get(f"{base}/briefs/exec/versions/{saved.json()['id']}", headers=h).status_code == 404  # not exec's
    d = client.get(f"{base}/briefs/sales/diff", params={"product": "Payments"}, headers=h).json()
    assert d["from"]["id"] == saved.json()["id"] and "diff" in d
    imp = client.get(f"{base}/blockers/{seeded.ids['blocker']}/impact", headers=h)
    assert imp.status_code == 200 and imp.json()["status"] == "ok"
    bad = client.post(f"{base}/blockers", json={"title": "x", "extra_optimistic": 5, "extra_likely": 2,
                                                "extra_pessimistic": 9, "feature_ids": [seeded.ids["f1"]]}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "extra_likely"]
    # an outsider sees none of it
    for url in (f"{base}/briefs/exec", f"{base}/briefs/exec/versions", f"{base}/blockers",
                f"{base}/blockers/{seeded.ids['blocker']}/impact", f"{base}/features/{seeded.ids['f1']}/implications"):
        r = client.get(url, headers=world.charlie.headers)
        assert r.status_code == 404 and "Ledger" not in r.text


def test_cli_every_audience_and_format(container: Container, seeded: Seeded, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}
    for audience in AUDIENCES:
        for fmt in FORMATS:
            out = tmp_path / f"{audience}.{fmt}"
            r = runner.invoke(app, ["brief", audience, "--format", fmt, "--out", str(out), "-w", seeded.slug,
                                    "--product", "Payments", "--as-of", NOW.date().isoformat()], env=env)
            assert r.exit_code == 0, (audience, fmt, r.output)
            assert out.stat().st_size > 150
    same = rendered(container, seeded, "exec", "md", product="Payments")
    assert (tmp_path / "exec.md").read_bytes().replace(b"\r\n", b"\n").split(b"\n", 3)[3] == same.split(b"\n", 3)[3]
    r = runner.invoke(app, ["brief", "board", "-w", seeded.slug], env=env)
    assert r.exit_code == 2 and "exec, engineering, sales, customers" in r.output
    r = runner.invoke(app, ["brief", "exec", "--format", "docx", "-w", seeded.slug], env=env)
    assert r.exit_code == 2 and "md, html, pdf, text" in r.output
    r = runner.invoke(app, ["blocker", "impact", str(seeded.ids["blocker"]), "-w", seeded.slug], env=env)
    assert r.exit_code == 0 and "slip at P85" in r.output
    r = runner.invoke(app, ["implications", str(seeded.ids["f1"]), "-w", seeded.slug], env=env)
    assert r.exit_code == 0 and "Payments core" in r.output
    r = runner.invoke(app, ["blocker", "close", str(seeded.ids["blocker"]), "-w", seeded.slug], env=env)
    assert r.exit_code == 0 and f"closed blocker {seeded.ids['blocker']}" in r.output.replace("risk", "blocker")
    r = runner.invoke(app, ["blocker", "list", "-w", seeded.slug, "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.output) == []


def test_exec_brief_gives_each_release_target_its_chance(container: Container) -> None:
    """The live plan's release targets, as last forecast with the promises, with the date likely enough for one
    at risk; every figure links to the plan."""
    from datetime import timedelta

    from tradeoff.commitments import service as commitment_service
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.schemas import PlanCreate, ReleaseIn

    sd = seed(container, "brief-rel-" + uuid.uuid4().hex[:8])
    ids, today = sd.ids, NOW.date()
    with container.unit_of_work() as uow:
        plan = plan_service.create(uow=uow, workspace_id=sd.workspace_id, actor=Actor(None, "test", "api"),
                                   today=today, data=PlanCreate(
            name="Next quarter", start=today, periods=6, period_days=14, value_source="arr",  # type: ignore[arg-type]
            releases=[ReleaseIn(name="Tomorrow", feature_ids=[ids["f1"]], target=today + timedelta(days=1)),
                      ReleaseIn(name="Next year", feature_ids=[ids["f2"]], target=today + timedelta(days=365))],
            live=True))
        commitment_service.recompute(uow=uow, workspace_id=sd.workspace_id, today=today)
        stored = {r["name"]: r for r in plan_service.get(uow=uow, workspace_id=sd.workspace_id,
                                                         plan_id=plan.id).releases}
    md = rendered(container, sd, "exec", "md").decode()
    section = md.split("## Release targets", 1)[1].split("\n## ", 1)[0]
    assert "2 releases with a target date; 1 below the 70% threshold." in section
    rush, later = stored["Tomorrow"], stored["Next year"]
    row = next(line for line in section.splitlines() if line.startswith("| Tomorrow"))
    assert f"{rush['probability']:.0%} chance" in row and "at risk; 70% likely by" in row and "Ledger sync" in row
    assert next(line for line in section.splitlines() if line.startswith("| Next year")).count("on track") == 1
    assert f"{later['probability']:.0%} chance" in section and f"[PL{plan.id}]" in section
    html = rendered(container, sd, "exec", "html").decode()
    p = Numbers()
    p.feed(html.split('<section class="sources">')[0])
    assert not p.loose, f"numbers not linked to a record: {p.loose}"
    # a product without a targeted release says so
    md = rendered(container, sd, "exec", "md", product=str(ids["empty_product"])).decode()
    assert "No release of the live plan with a target date in this scope." in md


def test_sales_demand_by_segment_counts_other_currencies_at_their_rate(container: Container) -> None:
    """ARR in another currency counts at the workspace's rate in the sales brief's demand by segment, and without a
    rate it is named as left out, never dropped silently."""
    from sqlalchemy import update

    from tradeoff.customers import service as customer_service
    from tradeoff.customers.model import Customer
    from tradeoff.customers.schemas import MoneySettingsIn

    sd = seed(container, "brief-fx-" + uuid.uuid4().hex[:8])
    with container.unit_of_work() as uow:
        uow.session.execute(update(Customer).where(Customer.id == sd.ids["initech"]).values(currency="EUR"))
    text = rendered(container, sd, "sales", "md").decode()
    assert "mid market" not in text.split("by segment:")[1].split("\n")[0]
    assert "EUR 50,000 left out (no exchange rate" in text
    with container.unit_of_work() as uow:
        customer_service.set_money(uow=uow, workspace_id=sd.workspace_id, actor=Actor(None, "t", "cli"),
                                   data=MoneySettingsIn(currency="USD", rates={"EUR": 1.1}))
    text = rendered(container, sd, "sales", "md").decode()
    line = text.split("by segment:")[1].split("\n")[0]
    assert "mid market USD 55,000 (1 customer)" in line and "left out" not in line


def test_every_link_of_every_brief_opens_a_page(container: Container, seeded: Seeded) -> None:
    """Each record a brief cites links to a page that exists (records without a page of their own: their row on
    the list that shows them)."""
    from tests.e2e.conftest import sign_in, web_client

    tc = web_client(container)
    sign_in(tc, f"owner@{seeded.slug}.example", "pw-seed-123456")
    seen: dict[str, int] = {}
    for audience in AUDIENCES:
        page = rendered(container, seeded, audience, "html").decode()
        for href in set(re.findall(r'href="(/w/[^"#]+)(?:#([^"]+))?"', page)):
            path, anchor = unescape(href[0]), href[1]  # a list's filters: "?status=planned&amp;product_id=1"
            if path not in seen:
                seen[path] = tc.get(path).status_code
            assert seen[path] == 200, (audience, path)
            if anchor:
                assert f'id="{anchor}"' in tc.get(path).text, (audience, path, anchor)
    kinds = {p.split("/")[3] for p in seen}
    assert {"features", "components", "customers"} <= kinds, kinds  # the kinds a brief cites were all opened


def test_a_list_a_brief_cuts_short_names_what_it_left_out(container: Container) -> None:
    """More planned features than the engineering brief details: the rest are named and cited, never dropped."""
    from tradeoff.briefs.audiences import ENGINEERING_FEATURES
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate

    sd = seed(container, "brief-many-" + uuid.uuid4().hex[:8])
    with container.unit_of_work() as uow:
        for i in range(ENGINEERING_FEATURES + 2):
            feature_service.create(uow=uow, workspace_id=sd.workspace_id, actor=Actor(None, "t", "cli"),
                                   data=FeatureCreate(title=f"Extra feature {i:02d}", status="planned"))
    md = rendered(container, sd, "engineering", "md").decode()
    intro = md.split("## What to build and why", 1)[1].split("\n## ", 1)[0]
    total = int(re.search(r"(\d+) features planned or in progress", intro)[1])  # type: ignore[index]
    heads = re.findall(r"\n## ([^\n]+)", md)
    detailed = len([h for h in heads if h not in ("What to build and why", "Open blockers", "Sources")])
    assert total > ENGINEERING_FEATURES and detailed == ENGINEERING_FEATURES
    more = re.search(r"… and (\d+) more features not detailed below: ([^\n]+)", intro)
    assert more and int(more[1]) == total - detailed
    assert more[2].count("[F") == total - detailed  # the left-out features are named and cited


def test_sales_brief_lists_only_the_customers_still_to_be_told(container: Container) -> None:
    own = seed(container, "told-" + uuid.uuid4().hex[:8])
    just_shipped = lambda: rendered(container, own, "sales", "md").decode().split(  # noqa: E731
        "## Just shipped: tell the customers who asked", 1)[1].split("\n## ", 1)[0]
    before = just_shipped()
    assert "Dark mode" in before and "Acme Corp" in before
    with container.unit_of_work() as uow:
        from tradeoff.features.model import Feature
        from tradeoff.insights import service as insights
        dark = uow.session.get(Feature, own.ids["f3"])
        assert dark is not None
        insights.mark_told(uow=uow, workspace_id=own.workspace_id, actor=Actor(None, "sales@x.io"), feature=dark,
                           customer_ids=[own.ids["acme"]], feedback_ids=[], now=NOW)
    after = just_shipped()
    assert "Acme Corp" not in after and "No customer who asked for a shipped feature is waiting to be told" in after


def _schedule_sso(container: Container, own: Seeded) -> None:
    """A live plan that chooses SSO (f4), which is still marked idea."""
    from tradeoff.estimates import service as estimate_service
    from tradeoff.estimates.schemas import EstimateIn
    from tradeoff.plans import service as plan_service
    from tradeoff.plans.schemas import PlanCreate

    with container.unit_of_work() as uow:
        a = dict(uow=uow, workspace_id=own.workspace_id, actor=Actor(None, "pm@x.io"))
        estimate_service.save(**a, feature_id=own.ids["f4"], data=EstimateIn(  # type: ignore[arg-type]
            optimistic=2, likely=3, pessimistic=5, team_id=own.ids["team"]))
        plan = plan_service.create(**a, data=PlanCreate(  # type: ignore[arg-type]
            name="Q1", start=NOW.date(), periods=6, period_days=14, value_source="manual", time_limit=2,
            values={own.ids["f4"]: 10, own.ids["f1"]: 5, own.ids["f2"]: 5}, live=True), today=NOW.date())
        plan_service.solve(**a, plan_id=plan.id)  # type: ignore[arg-type]
        assert own.ids["f4"] in {r["feature_id"] for r in plan.result["schedule"]}


DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def _section(md: str, title: str) -> str:
    return md.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_the_sales_brief_gives_no_date_for_an_idea_even_when_the_live_plan_schedules_it(
        container: Container) -> None:
    """A salesperson repeats a date as a promise: only work marked planned or in progress gets one. An idea the
    live plan already schedules is "not planned, no date" (with why it has none), never a row with P50/P85/P95."""
    own = seed(container, "sched-" + uuid.uuid4().hex[:8])
    md = rendered(container, own, "sales", "md").decode()
    assert "SSO" in _section(md, "What not to promise yet") and "SSO" not in _section(md, "What ships when")
    _schedule_sso(container, own)
    for fmt in ("md", "text"):
        out = rendered(container, own, "sales", fmt).decode()
        sso = [line for line in out.splitlines() if "SSO" in line]
        assert sso and not any(DATE.search(line) for line in sso), sso  # no date beside it anywhere
    md = rendered(container, own, "sales", "md").decode()
    assert "SSO" not in _section(md, "What ships when") and "SSO" not in _section(md, "Talking points")
    line = next(x for x in _section(md, "What not to promise yet").splitlines() if "SSO" in x)
    assert "still an idea: not planned, no date" in line and "live plan schedules it" in line
    assert "Ledger sync" in _section(md, "What ships when") and "P85" in _section(md, "What ships when")
    # the customer who asked for it is not given a date either
    initech = rendered(container, own, "customers", "md", customer_id=own.ids["initech"]).decode()
    line = next(x for x in initech.splitlines() if "SSO" in x)
    assert "no date yet" in line and not DATE.search(line) and "likely by" not in line


def test_a_count_links_to_the_list_of_exactly_its_records(container: Container) -> None:
    """'3 planned' links to the features list filtered to exactly those three (never to the first of them) and
    cites all three; 'N commitments below the threshold' to the list of those at risk. Each list opened shows
    exactly the records the count cites; in a release's scope, where no list shows exactly them, the count links
    nowhere but still cites every record."""
    from tests.e2e.conftest import sign_in, web_client
    from tests.unit.test_brief_render import Claims
    from tradeoff.commitments import service as commitment_service
    from tradeoff.commitments.schemas import CommitmentCreate
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate

    own = seed(container, "count-" + uuid.uuid4().hex[:8])
    with container.unit_of_work() as uow:
        a = dict(uow=uow, workspace_id=own.workspace_id, actor=Actor(None, "pm@x.io"))
        for title, product in (("Payouts export", own.ids["product"]), ("Tax report", own.ids["product"]),
                               ("Elsewhere", own.ids["empty_product"])):
            feature_service.create(**a, data=FeatureCreate(  # type: ignore[arg-type]
                title=title, status="planned", product_id=product))
        for who in ("globex", "initech"):  # promised in two days: far below the threshold
            commitment_service.create(**a, data=CommitmentCreate(  # type: ignore[arg-type]
                feature_id=own.ids["f1"], customer_id=own.ids[who], due=NOW.date() + timedelta(days=2)),
                today=NOW.date())
        commitment_service.recompute(uow=uow, workspace_id=own.workspace_id, today=NOW.date())
    tc = web_client(container)
    sign_in(tc, f"owner@{own.slug}.example", "pw-seed-123456")

    def claims(**kw: Any) -> list[tuple[str, set[str], str]]:
        p = Claims()
        p.feed(rendered(container, own, "exec", "html", **kw).decode())
        return p.claims

    opened = 0
    for kw, planned in (({}, 4), ({"product": "Payments"}, 3)):
        for href, refs, words in claims(**kw):
            assert len(refs) == 1 or "?" in href or href == "", (words, href, refs)  # never one for several
            if "?" not in href:
                continue
            page = tc.get(href)
            assert page.status_code == 200, href
            if "/features?" in href:
                shown = {f"F{i}" for i in re.findall(r'class="strong" href="/w/[^/]+/features/(\d+)"', page.text)}
                assert shown == refs, (words, href)
            else:
                shown = {f"CM{i}" for i in re.findall(r'<tr id="commitment-(\d+)"', page.text)}
                assert shown == {r for r in refs if r.startswith("CM")} and len(shown) == 2, (words, href)
            opened += 1
        planned_claim = next((h, r) for h, r, w in claims(**kw) if w == f"{planned} planned")
        assert "status=planned" in planned_claim[0] and len(planned_claim[1]) == planned
    assert opened == 3  # planned in both scopes, commitments at risk in the whole roadmap's (in progress is one)
    md = rendered(container, own, "exec", "md").decode()
    assert "2 commitments below the 70% threshold" in md
    assert re.search(r"2 commitments below the 70% threshold, USD 65,000 at stake\. (\[CM\d+\]){2}(\[C\d+\]){2}", md)


def test_what_s_new_says_each_feature_once_and_leaves_out_what_is_internal_only(container: Container) -> None:
    """A public description that names the feature ("Now available: Dark mode.") is not preceded by the title
    again; a feature marked internal only is in no customer's brief."""
    from tradeoff.features.model import Feature

    own = seed(container, "new-" + uuid.uuid4().hex[:8])
    with container.unit_of_work() as uow:
        dark = uow.session.get(Feature, own.ids["f3"])
        assert dark is not None
        dark.public_description = "Now available: Dark mode."
    md = rendered(container, own, "customers", "md").decode()
    line = next(x for x in _section(md, "Shipped").splitlines() if "Dark mode" in x)
    assert line.startswith("- Now available: **Dark mode**. How it works: open your profile") and \
        line.count("Dark mode") == 1, line
    with container.unit_of_work() as uow:
        dark = uow.session.get(Feature, own.ids["f3"])
        assert dark is not None
        dark.public = False  # "Internal only" on the feature form
    for who in (None, own.ids["acme"]):  # Acme asked for it
        md = rendered(container, own, "customers", "md", customer_id=who).decode()
        assert "Dark mode" not in md and "dark theme" not in md, who


def test_a_quoted_problem_ends_its_sentence_once(container: Container) -> None:
    """Talking points quote the problem a feature solves: 'it solves “… by hand.”. Expected' had two full stops."""
    from tradeoff.problems.model import Problem

    own = seed(container, "quote-" + uuid.uuid4().hex[:8])
    with container.unit_of_work() as uow:
        problem = uow.session.get(Problem, own.ids["problem"])
        assert problem is not None
        problem.statement = "Invoices fail to sync with the ledger, so we re-key them by hand."
    for audience in ("sales", "customers"):
        html = rendered(container, own, audience, "html").decode()
        words = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", html)
        assert "re-key them by hand”." in words and "hand.”." not in words, audience
    md = rendered(container, own, "sales", "md").decode()
    assert "re-key them by hand [P" in md and "hand. [P" not in md
