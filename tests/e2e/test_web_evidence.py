"""The evidence pages of the web UI (issue 3) through FastAPI's TestClient, on SQLite and PostgreSQL:
the feedback inbox with triage, pasted call notes, similar items, themes, demand, top requested, NPS and CSV import."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SYSTEM, World, _person
from tests.e2e.conftest import signed_in_clients
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.bootstrap import Container
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate, FeatureUpdate
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback
from tradeoff.feedback.schemas import FeedbackCreate
from tradeoff.links import service as link_service
from tradeoff.links.model import Link
from tradeoff.links.schemas import LinkCreate
from tradeoff.problems.model import Problem
from tradeoff.web import routes_import, routes_insights, routes_triage


@dataclass
class Seeded:
    world: World
    ids: dict[str, int]


def _ws_id(c: Container, slug: str) -> int:
    with c.unit_of_work() as uow:
        return int(accounts.workspace_by_slug(uow=uow, slug=slug).id)


def add_feedback(c: Container, slug: str, text: str, customer_id: int | None = None, source: str = "support",
                 **extra: Any) -> int:
    with c.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        fb = feedback_service.create(uow=uow, workspace_id=ws.id, actor=SYSTEM, data=FeedbackCreate(
            text=text, source=source, customer_id=customer_id, reporter="dana@sales.example", **extra))
        return int(fb.id)


def seed(c: Container, slug: str) -> dict[str, int]:
    """Three customers, two features with different demand behind them, a problem, survey responses."""
    with c.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id

        def customer(name: str, segment: str, arr: str, currency: str = "USD", owner: str = "") -> int:
            return int(customer_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=CustomerCreate(
                name=name, segment=segment, arr=Decimal(arr), currency=currency, account_owner=owner,
                external_id=f"crm-{name[:3].lower()}")).id)

        globex = customer("Globex Corporation", "enterprise", "250000", "EUR", owner="Olga Owner")
        acme = customer("Acme Freight", "smb", "12000")
        initech = customer("Initech", "mid_market", "84000")
        sync = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(
            title="NetSuite two-way sync", status="planned"))
        dark = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(
            title="Dark mode for the dashboard", status="planned"))
        uow.flush()
        sync_id, dark_id = sync.id, dark.id
    # NetSuite sync: one ask from Globex (EUR 250k); dark mode: three asks from Acme and Initech (USD 96k)
    asks = [("We re-key 300 invoices a month into NetSuite by hand.", globex, sync_id),
            ("Dark mode please, the dashboard is blinding at night.", acme, dark_id),
            ("Our night shift wants a dark theme for the dashboard.", initech, dark_id),
            ("Any news on dark mode? Still blinding.", acme, dark_id)]
    with c.unit_of_work() as uow:
        for text, cust, feature_id in asks:
            fb = feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
                text=text, source="sales_call", customer_id=cust, reporter="dana@sales.example"))
            link_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=LinkCreate(feedback_id=fb.id,
                                                                                        feature_id=feature_id))
        # survey responses: enterprise NPS 10, 9, 3; SMB NPS 5, 6; enterprise CSAT 4, 5
        for cust, kind, score in [(globex, "nps", 10), (globex, "nps", 9), (globex, "nps", 3), (acme, "nps", 5),
                                  (acme, "nps", 6), (globex, "csat", 4), (globex, "csat", 5)]:
            feedback_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeedbackCreate(
                text=f"Survey comment scoring {score}", source="survey", customer_id=cust, score_kind=kind,
                score=score))
    return {"globex": globex, "acme": acme, "initech": initech, "sync": sync_id, "dark": dark_id}


@pytest.fixture(scope="module")
def seeded(container: Container) -> Seeded:
    tag = uuid.uuid4().hex[:8]
    slug, other = f"ev-{tag}", f"evx-{tag}"
    people = {
        "alice": _person(container, slug, f"alice-{tag}@example.com", Role.owner, owner_of=True),
        "bob": _person(container, slug, f"bob-{tag}@example.com", Role.pm),
        "erin": _person(container, slug, f"erin-{tag}@example.com", Role.engineer),
        "sam": _person(container, slug, f"sam-{tag}@example.com", Role.stakeholder),
        "charlie": _person(container, other, f"charlie-{tag}@example.com", Role.owner, owner_of=True),
    }
    world = World(slug, other, **people)
    ids = seed(container, slug)
    ids["feedback"] = add_feedback(container, slug, "The CSV export times out for big accounts.", ids["acme"])
    return Seeded(world, ids)


AsUser = Callable[[str], tuple[TestClient, str]]


@pytest.fixture(scope="module")
def as_user(container: Container, seeded: Seeded) -> AsUser:
    """A signed-in client per person, shared by the module\'s tests."""
    return signed_in_clients(container, seeded.world)


def feedback_row(c: Container, feedback_id: int) -> Feedback:
    with c.unit_of_work() as uow:
        fb = uow.session.get(Feedback, feedback_id)
        assert fb is not None
        uow.session.expunge(fb)
        return fb


def texts_in(c: Container, slug: str, like: str) -> list[Feedback]:
    with c.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Feedback).where(
            Feedback.workspace_id == _ws_id(c, slug), Feedback.text.like(f"%{like}%")).order_by(Feedback.id)))
        for r in rows:
            uow.session.expunge(r)
        return rows


# ---------------------------------------------------------------- the inbox


def test_inbox_shows_triage_status_polls_and_triage_now_classifies(container: Container, seeded: Seeded,
                                                                    as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, token = as_user("bob")
    page = tc.get(f"/w/{w}/feedback")
    assert page.status_code == 200
    status = re.search(r'<div id="triage-status"[^>]*>(.*?)</div>', page.text, re.S)
    assert status, "the feedback list shows the triage status line"
    assert re.search(r"<strong>0</strong> of \d+ triaged", status.group(1)) and "matcher: lexical" in status.group(1)
    assert 'hx-trigger="every 3s"' in page.text  # polls while items wait
    assert "Triage now" in page.text and "/feedback/paste" in page.text
    assert "Triage now" not in as_user("erin")[0].get(f"/w/{w}/feedback").text  # engineers cannot run it
    untriaged = tc.get(f"/w/{w}/feedback?triaged=false")
    assert "CSV export times out" in untriaged.text

    run = tc.post(f"/w/{w}/triage/run", data={"csrf_token": token})
    assert run.status_code == 303 and re.search(r"/feedback\?triage_ran=\d+$", run.headers["location"])
    after = tc.get(run.headers["location"])
    assert "Triaged " in after.text
    assert 'hx-trigger="every 3s"' not in after.text  # nothing waits: the polling stops
    assert "badge kind kind-" in after.text
    assert re.search(r'class="confidence"[^>]*>\d{1,3}%<', after.text)
    assert "dot sentiment-" in after.text
    assert "CSV export times out" not in tc.get(f"/w/{w}/feedback?triaged=false").text
    assert f'href="/w/{w}/feedback?kind_source=model&amp;sort=confidence"' in after.text  # where to check them
    partial = tc.get(f"/w/{w}/triage/status")
    assert partial.status_code == 200 and "<html" not in partial.text and "triaged" in partial.text


def test_correct_kind_inline_is_remembered_and_filterable(container: Container, seeded: Seeded,
                                                          as_user: AsUser) -> None:
    w, fid = seeded.world.slug, seeded.ids["feedback"]
    tc, token = as_user("bob")
    r = tc.post(f"/w/{w}/feedback/{fid}/kind", data={"csrf_token": token, "kind": "bug", "next": f"/w/{w}/feedback"},
                headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert "kind-bug" in r.text and "corrected" in r.text and f'id="kind-{fid}"' in r.text
    fb = feedback_row(container, fid)
    assert (fb.kind, fb.kind_source) == ("bug", "pm")
    plain = tc.post(f"/w/{w}/feedback/{fid}/kind", data={"csrf_token": token, "kind": "question",
                                                         "next": f"/w/{w}/feedback?kind=question"})
    assert plain.status_code == 303 and plain.headers["location"] == f"/w/{w}/feedback?kind=question"
    evil = tc.post(f"/w/{w}/feedback/{fid}/kind", data={"csrf_token": token, "kind": "question",
                                                        "next": "https://evil.example/"})
    assert evil.headers["location"] == f"/w/{w}/feedback/{fid}"  # never off-site
    listed = tc.get(f"/w/{w}/feedback?kind=question").text
    assert "CSV export times out" in listed
    others = [f for f in texts_in(container, w, "") if f.kind != "question"]
    assert others and not [f.text for f in others if html.escape(f.text[:40]) in listed]
    bad = tc.post(f"/w/{w}/feedback/{fid}/kind", data={"csrf_token": token, "kind": "rant"})
    assert bad.status_code == 422 and "rant" in bad.text
    erin, erin_token = as_user("erin")
    assert erin.post(f"/w/{w}/feedback/{fid}/kind", data={"csrf_token": erin_token, "kind": "praise"}).status_code == 403
    assert feedback_row(container, fid).kind == "question"
    detail = tc.get(f"/w/{w}/feedback/{fid}").text
    assert "kind-question" in detail and "corrected" in detail


# ---------------------------------------------------------------- paste call notes

NOTES = """Notes from the Initech call:
- Their auditors need an export of every invoice change with who made it.
- SSO with Okta is a must before they roll out to 300 people.
- Love the new reminders, saved them hours.
"""


def test_paste_notes_splits_then_creates_the_ticked_items(container: Container, seeded: Seeded,
                                                          as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, token = as_user("sam")  # stakeholders may add evidence
    form = tc.get(f"/w/{w}/feedback/paste")
    assert form.status_code == 200 and 'name="text"' in form.text
    split = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "text": NOTES, "customer_id": "initech",
                                                    "source": "sales_call"})
    assert split.status_code == 200
    items = re.findall(r'<textarea id="item-\d+" name="item"[^>]*>(.*?)</textarea>', split.text, re.S)
    assert len(items) == 3 and items[1].startswith("SSO with Okta")
    assert "Create 3 feedback items" in split.text and "Notes from the Initech call" not in "".join(items)
    assert texts_in(container, w, "SSO with Okta") == []  # nothing saved yet

    # all or nothing: an emptied item that is still ticked stops the whole batch
    data = {"csrf_token": token, "customer_id": "Initech", "source": "sales_call", "item": [items[0], "  ", items[2]],
            "keep": ["0", "1", "2"]}
    refused = tc.post(f"/w/{w}/feedback/paste/confirm", data=data)
    assert refused.status_code == 422 and "text is empty" in refused.text
    assert texts_in(container, w, "auditors need an export") == []

    edited = items[0].replace("auditors", "external auditors")
    ok = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item": [edited, items[1], items[2]],
                                                         "keep": ["0", "1"]})
    assert ok.status_code == 303 and ok.headers["location"] == f"/w/{w}/feedback?pasted=2&sort=-created_at"  # newest first
    assert "2 feedback items added from your call notes" in tc.get(ok.headers["location"]).text
    made = texts_in(container, w, "with Okta") + texts_in(container, w, "external auditors")
    assert len(made) == 2 and texts_in(container, w, "Love the new reminders") == []
    assert {(f.customer_id, f.source, f.triaged_at) for f in made} == {(seeded.ids["initech"], "sales_call", None)}
    # the same form sent again (a double click): saved once, shown as saved
    twice = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item": [edited, items[1], items[2]],
                                                            "keep": ["0", "1"]})
    assert twice.status_code == 303 and len(texts_in(container, w, "with Okta")) == 1
    # the same words from the same customer beside a new item: named, nothing saved until it is unticked
    again = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item": [edited, items[1], items[2]],
                                                            "keep": ["1", "2"]})
    assert again.status_code == 422 and re.search(r"already recorded as #\d+ \(\d{4}-\d\d-\d\d\): untick it",
                                                    again.text)
    assert texts_in(container, w, "Love the new reminders") == []

    empty = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "text": "   ", "source": "support"})
    assert empty.status_code == 422 and "paste some call notes" in empty.text
    unknown = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "customer_id": "Nobody Inc", "keep": ["0"]})
    assert unknown.status_code == 422 and "no customer named" in unknown.text
    # the start of a name only one customer has is that customer ("Initech" was typed as "initec")
    short = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "customer_id": "initec", "keep": ["0"],
                                                            "item": ["Wants an API for credit notes"]})
    assert short.status_code == 303, short.text[:500]
    assert {f.customer_id for f in texts_in(container, w, "API for credit notes")} == {seeded.ids["initech"]}
    none = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "keep": []})
    assert none.status_code == 422 and "tick at least one item" in none.text


def test_a_week_of_notes_gives_each_item_the_customer_and_day_its_heading_names(container: Container,
                                                                                seeded: Seeded, as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, token = as_user("bob")
    week = ("Tue 1 Dec — Acme Freight (CFO)\n- Approval chains take a week QZWEEK\n\n"
            "Wed 2 Dec — Globex Corporation\n- Needs Peppol e-invoicing QZWEEK\n\n"
            "Thu 3 Dec — a prospect we do not know\n- Asked about SSO QZWEEK\n")
    split = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "text": week, "customer_id": "Initech",
                                                    "source": "sales_call"})
    assert split.status_code == 200
    page = html.unescape(split.text)
    items = re.findall(r'<textarea id="item-\d+" name="item"[^>]*>(.*?)</textarea>', page, re.S)
    who = re.findall(r'name="item_customer" value="([^"]*)"', page)
    days = re.findall(r'name="item_day" value="([^"]*)"', page)
    heads = re.findall(r'name="item_heading" value="([^"]*)"', page)
    assert len(items) == 3 and "Tue 1 Dec" not in "".join(items)  # headings are not items
    # the heading's customer, else the one chosen on the form; the heading's day
    assert who == ["Acme Freight", "Globex Corporation", "Initech"]
    assert [d[5:] for d in days] == ["12-01", "12-02", "12-03"]
    data = {"csrf_token": token, "customer_id": "Initech", "source": "sales_call", "item": items,
            "item_customer": who, "item_day": days, "item_heading": heads, "keep": ["0", "1", "2"]}
    future = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item_day": [days[0], "2999-01-01", days[2]]})
    assert future.status_code == 422 and "2999-01-01 is in the future" in future.text
    garbled = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item_day": [days[0], "1st of Dec", days[2]]})
    assert garbled.status_code == 422 and "is not a date" in html.unescape(garbled.text)
    assert texts_in(container, w, "QZWEEK") == []  # all or nothing
    ok = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item_customer": [who[0], who[1], ""]})
    assert ok.status_code == 303, ok.text[:500]
    made = texts_in(container, w, "QZWEEK")
    ids = seeded.ids
    assert [(f.customer_id, f.reported_at.date().isoformat()) for f in made] == [
        (ids["acme"], days[0]), (ids["globex"], days[1]), (None, days[2])]


# ---------------------------------------------------------------- similar items


def test_similar_panel_links_dismisses_and_merges(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w, ids = seeded.world.slug, seeded.ids
    a = add_feedback(container, w, "Bulk invoice reminders would save our AR team a day every Monday.", ids["acme"])
    b = add_feedback(container, w, "We need bulk invoice reminders; chasing invoices one by one takes a day.",
                     ids["initech"])
    with container.unit_of_work() as uow:
        reminders = feature_service.create(uow=uow, workspace_id=_ws_id(container, w), actor=SYSTEM, data=FeatureCreate(
            title="Bulk invoice reminders", status="discovery")).id
    tc, token = as_user("bob")
    page = tc.get(f"/w/{w}/feedback/{a}")
    assert f'hx-get="/w/{w}/feedback/{a}/similar"' in page.text  # loaded after the page, it takes a moment
    panel = tc.get(f"/w/{w}/feedback/{a}/similar", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "Looks like the same request as" in panel.text and "<html" not in panel.text
    assert f"Feedback #{b}" in panel.text and re.search(r'class="score-value">\d{1,3}%<', panel.text)
    assert f'name="into_id" value="{b}"' in panel.text and "Not the same" in panel.text
    assert f'data-confirm="Merge #{a} into #{b}?' in panel.text  # a merge asks first
    assert "Matched by the words the items share" in panel.text and "tradeoff[ml]" in panel.text  # says how
    assert "Looks like the same request as" in tc.get(f"/w/{w}/feedback/{a}?similar=1").text  # without JavaScript

    assert f'name="target" value="feature:{reminders}"' in panel.text  # the feature it asks for, to link
    link = tc.post(f"/w/{w}/feedback/{a}/links", data={"csrf_token": token, "target": f"feature:{reminders}"})
    assert link.status_code == 303
    assert f"feature:{reminders}" not in tc.get(f"/w/{w}/feedback/{a}/similar").text  # linked: no longer suggested

    dismissed = tc.post(f"/w/{w}/feedback/{a}/dismiss", data={"csrf_token": token, "kind": "feedback",
                                                              "target_id": str(b)})
    assert dismissed.status_code == 303 and dismissed.headers["location"].endswith(f"/feedback/{a}?similar=1#similar")
    assert f"Feedback #{b}" not in tc.get(f"/w/{w}/feedback/{a}/similar").text
    assert tc.post(f"/w/{w}/feedback/{a}/dismiss", data={"csrf_token": token, "kind": "planet",
                                                         "target_id": "1"}).status_code == 422

    merged = tc.post(f"/w/{w}/feedback/{a}/merge", data={"csrf_token": token, "into_id": str(b)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/w/{w}/feedback/{b}?merged={a}"
    survivor = tc.get(merged.headers["location"]).text
    assert f"Feedback #{a} was merged into this item" in survivor
    # and the survivor says so for good, not only in the one-time message
    assert "Merged into this item" in tc.get(f"/w/{w}/feedback/{b}").text
    assert f'href="/w/{w}/feedback/{a}">#{a}</a>' in tc.get(f"/w/{w}/feedback/{b}").text
    dup = feedback_row(container, a)
    assert dup.duplicate_of_id == b and dup.archived_at is not None
    with container.unit_of_work() as uow:  # its link moved to the survivor
        assert uow.session.scalar(select(Link.id).where(Link.feedback_id == b, Link.feature_id == reminders)) \
            is not None
    assert "Merged as a duplicate of" in tc.get(f"/w/{w}/feedback/{a}").text
    self_merge = tc.post(f"/w/{w}/feedback/{b}/merge", data={"csrf_token": token, "into_id": str(b)})
    assert self_merge.status_code == 422
    sam, sam_token = as_user("sam")
    assert sam.post(f"/w/{w}/feedback/{b}/merge", data={"csrf_token": sam_token, "into_id": str(a)}).status_code == 403


# ---------------------------------------------------------------- themes → problem → demand


def test_theme_turns_into_a_problem_with_its_demand(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w, ids = seeded.world.slug, seeded.ids
    said = [("Please add single sign-on with Azure AD for our staff logins.", ids["globex"]),
            ("Single sign-on with Azure AD is required by our IT before rollout.", ids["initech"]),
            ("Can staff logins use single sign-on through Azure AD?", ids["acme"])]
    fids = [add_feedback(container, w, t, c, source="sales_call") for t, c in said]
    tc, token = as_user("bob")
    page = tc.get(f"/w/{w}/themes")
    assert page.status_code == 200 and "by the words the items share" in page.text  # how likeness was measured
    # how many unlinked items fell in no theme, with the way to them
    said_line = re.search(r'<p class="muted" id="unthemed">(.*?)</p>', page.text, re.S)
    assert said_line and "unlinked item" in said_line.group(1) and "feedback?linked=false" in said_line.group(1)
    listed = tc.get(f"/w/{w}/feedback?linked=false")
    assert listed.status_code == 200 and all(f"/feedback/{f}\"" in listed.text for f in fids)
    card = next((c for c in page.text.split('<li class="theme card"')[1:] if "Azure AD for our staff" in c
                 or all(f'value="{f}"' in c for f in fids)), "")
    assert card, "the three Azure AD asks form one theme"
    # every item is a box, ticked, that belongs to the theme's form: one can be left out of the problem
    assert all(re.search(rf'type="checkbox" name="feedback_ids" value="{f}" form="theme-form-\d+" checked', card)
               for f in fids)
    assert re.search(r"<strong>3</strong> customers", card)  # distinct customers
    assert "EUR 250,000" in card and "USD 96,000" in card  # ARR per currency
    assert "in 30 days" in card and 'class="theme-quote"' in card
    label = re.search(r'class="theme-label">(.*?)</h2>', card, re.S)
    assert label and re.search(r'name="statement"[^>]*>' + re.escape(label.group(1)) + "</textarea>", card)

    at = re.search(r'form="theme-form-(\d+)"', card).group(1)  # type: ignore[union-attr]
    blank = tc.post(f"/w/{w}/themes/problem", data={"csrf_token": token, "theme": at, "statement": " ",
                                                    "feedback_ids": [str(f) for f in fids[:2]]})
    assert blank.status_code == 422 and "error-text" in blank.text
    assert f'value="{fids[2]}" form="theme-form-{at}" >' in blank.text  # the box left unticked stays unticked
    assert all(f'value="{f}" form="theme-form-{at}" checked' in blank.text for f in fids[:2])
    none = tc.post(f"/w/{w}/themes/problem", data={"csrf_token": token, "theme": at, "statement": "x y z"})
    assert none.status_code == 422 and "needs at least one of its feedback items: none was chosen" in none.text
    elsewhere = tc.post(f"/w/{w}/themes/problem", data={"csrf_token": token, "theme": "0", "statement": "x y z",
                                                        "product_id": "999999", "feedback_ids": [str(f) for f in fids]})
    assert elsewhere.status_code == 422 and re.search(r"<select id=\"product-0\"[^\n]*\n\s*<p class=\"error-text\">", elsewhere.text)
    statement = "Staff cannot sign in with their Azure AD accounts"
    assert 'name="product_id"' in card and 'name="segment"' in card  # the problem starts complete
    made = tc.post(f"/w/{w}/themes/problem", data={"csrf_token": token, "theme": "0", "statement": statement,
                                                   "persona": "IT admin", "segment": "enterprise", "product_id": "",
                                                   "feedback_ids": [str(f) for f in fids]})
    assert made.status_code == 303 and re.search(r"/problems/\d+\?from_theme=3$", made.headers["location"])
    with container.unit_of_work() as uow:
        from tradeoff.problems.model import Problem

        pid = int(re.search(r"/problems/(\d+)", made.headers["location"]).group(1))  # type: ignore[union-attr]
        assert uow.session.get(Problem, pid).segment == "enterprise"  # type: ignore[union-attr]
    problem = tc.get(made.headers["location"]).text
    assert statement in problem and "Problem created from a theme: its 3 feedback items are linked" in problem
    evidence = problem[problem.index('aria-labelledby="evidence-title"'):]
    assert re.search(r'stat-value">3</div><div class="stat-label">customers asked', evidence)
    assert "EUR 250,000" in evidence and "USD 96,000" in evidence
    assert "ARR by segment" in evidence and "Enterprise" in evidence and "Mid-market" in evidence
    assert "New vs existing customers" in evidence and "Last 30 days: 3" in evidence and "↑ rising" in evidence
    assert "Sources" in evidence and "Sales call" in evidence
    assert "Strongest quotes" in evidence and "EUR 250,000 ARR" in evidence  # each quote says why it ranks
    assert all(f'value="{f}"' not in tc.get(f"/w/{w}/themes").text for f in fids)  # linked now: out of themes
    sam, sam_token = as_user("sam")
    assert sam.post(f"/w/{w}/themes/problem", data={"csrf_token": sam_token, "statement": "x",
                                                    "feedback_ids": [str(fids[0])]}).status_code == 403
    # the next asks like it form a theme that the page offers to add to that problem, with the ticked items
    more = [add_feedback(container, w, t, ids["acme"]) for t in
            ("Staff sign in with their Azure AD accounts, please", "We want staff to sign in with Azure AD accounts")]
    page = tc.get(f"/w/{w}/themes").text
    card = next(c for c in page.split('<li class="theme card"')[1:] if f'value="{more[0]}"' in c)
    assert f'formaction="/w/{w}/themes/existing-problem" name="problem_id" value="{pid}"' in card
    at = re.search(r'form="theme-form-(\d+)"', card).group(1)  # type: ignore[union-attr]
    added = tc.post(f"/w/{w}/themes/existing-problem", data={"csrf_token": token, "theme": at, "problem_id": str(pid),
                                                             "feedback_ids": [str(more[0])]})
    assert added.status_code == 303 and added.headers["location"].endswith(f"/problems/{pid}?theme_added=1")
    assert "1 more item linked as evidence" in tc.get(added.headers["location"]).text
    refused = tc.post(f"/w/{w}/themes/existing-problem", data={"csrf_token": token, "theme": at,
                                                               "problem_id": str(pid)})
    assert refused.status_code == 422 and "none was chosen" in refused.text


def test_shipped_feature_shows_close_the_loop(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w, ids = seeded.world.slug, seeded.ids
    tc, _ = as_user("erin")
    planned = tc.get(f"/w/{w}/features/{ids['sync']}").text
    assert "Close the loop" not in planned and "Strongest quotes" in planned
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=w)
        feature_service.update(uow=uow, workspace_id=ws.id, actor=SYSTEM, record_id=ids["sync"],
                               data=FeatureUpdate(status="shipped"), if_match=None)
    shipped = tc.get(f"/w/{w}/features/{ids['sync']}").text
    loop = shipped[shipped.index("Close the loop"):]
    assert "Globex Corporation" in loop and "Olga Owner" in loop and "dana@sales.example" in loop
    assert "re-key 300 invoices a month into NetSuite" in loop
    assert shipped.index("Evidence") < shipped.index("Close the loop")
    # marking Globex told: the button's form is on the page, and the row says who told them and when
    assert "Mark Globex Corporation as told" in loop and "1 to tell" in loop
    tc, token = as_user("sam")
    with container.unit_of_work() as uow:
        globex = uow.session.scalar(select(Customer.id).where(Customer.name == "Globex Corporation",
                                                              Customer.workspace_id == ws.id))
    r = tc.post(f"/w/{w}/features/{ids['sync']}/close-the-loop/told",
                data={"csrf_token": token, "customer_id": str(globex)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    told = tc.get(f"/w/{w}/features/{ids['sync']}").text
    told = told[told.index("Close the loop"):]
    assert "0 to tell" in told and "1 of 1 told so far" in told and "Undo: Globex Corporation still to be told" in told
    assert "by sam" in told
    no_token = tc.post(f"/w/{w}/features/{ids['sync']}/close-the-loop/told", data={"customer_id": str(globex)})
    assert no_token.status_code == 403


# ---------------------------------------------------------------- top requested, NPS


def test_top_requested_sorts_by_count_customers_or_arr(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, _ = as_user("erin")
    by_count = tc.get(f"/w/{w}/top-requested?kind=feature&sort=count").text
    assert by_count.index("Dark mode for the dashboard") < by_count.index("NetSuite two-way sync")
    by_arr = tc.get(f"/w/{w}/top-requested?kind=feature&sort=arr&currency=EUR").text
    assert by_arr.index("NetSuite two-way sync") < by_arr.index("Dark mode for the dashboard")
    assert "ARR (EUR)" in by_arr and 'aria-current="true">ARR<' in by_arr
    assert 'href="?kind=problem&amp;sort=arr&amp;currency=EUR"' in by_arr  # the kind switch keeps the sort
    usd = tc.get(f"/w/{w}/top-requested?kind=feature&sort=arr&currency=usd").text
    assert usd.index("Dark mode for the dashboard") < usd.index("NetSuite two-way sync") and "USD 96,000" not in usd
    assert "96,000" in usd
    problems = tc.get(f"/w/{w}/top-requested?kind=problem&sort=customers")
    assert problems.status_code == 200 and ">Problems<" in problems.text
    assert tc.get(f"/w/{w}/top-requested?kind=nonsense&sort=nonsense").status_code == 200


def test_nps_page_shows_nps_per_segment_and_csat(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    tc, _ = as_user("sam")
    html = tc.get(f"/w/{seeded.world.slug}/nps").text
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'<th scope="row">([^<]+)</th>\s*<td class="num"><strong class="nps-value[^"]*">([^<]+)</strong>', html)}
    # enterprise 10, 9, 3 → 2 promoters, 1 detractor of 3 → +33; SMB 5, 6 → −100; all: 2 − 3 of 5 → −20
    assert rows == {"Enterprise": "+33", "SMB": "-100", "All segments": "-20"}
    assert "2 promoters · 0 passives · 1 detractor<" in html  # one detractor, not "1 detractors"
    assert "4.50 / 5" in html  # CSAT enterprise mean of 4 and 5


# ---------------------------------------------------------------- CSV import

CSV = (
    "Comment;Account;Channel;Created;Owner\r\n"
    "\"Export to Xero, please\";Acme Freight;support;2026-01-05;kim\r\n"
    "The invoice PDF is blurry;crm-glo;ticket;2026-01-06;kim\r\n"
    "Refunds take a week;Wayne Enterprises;support;not a date;lee\r\n"
    "Need Peppol e-invoicing;Wayne Enterprises;sales;2026-01-08;lee\r\n"
).encode("cp1252")


def test_import_upload_map_preview_and_import(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, token = as_user("sam")
    assert 'enctype="multipart/form-data"' in tc.get(f"/w/{w}/import").text
    up = tc.post(f"/w/{w}/import", data={"csrf_token": token}, files={"file": ("crm.csv", CSV, "text/csv")})
    assert up.status_code == 200, up.text[:400]
    html = up.text
    assert '<option value="Comment" selected>' in html and '<option value="Account" selected>' in html  # guessed
    assert "Row</th>" in html and re.search(r'<td class="num">3</td><td class="num">\d+</td><td>Created</td>', html)
    assert "Wayne Enterprises" in html and 'name="unmatched" value="create"' in html
    assert re.search(r'formaction="/w/[^"]+/import/run" disabled', html)  # blocked until bad rows are dealt with
    tok = re.search(r'name="token" value="([^"]+)"', html)
    assert tok
    choices = {"csrf_token": token, "token": tok.group(1), "filename": "crm.csv", "map_text": "Comment",
               "map_customer": "Account", "map_source": "Channel", "map_date": "Created", "map_author": "Owner",
               "map_tags": ""}
    before = len(texts_in(container, w, "Peppol"))

    no_text = tc.post(f"/w/{w}/import/preview", data={**choices, "map_text": ""})
    assert no_text.status_code == 422 and "required field &#39;text&#39;" in no_text.text
    ready = tc.post(f"/w/{w}/import/preview", data={**choices, "skip_bad_rows": "1", "unmatched": "create"})
    assert ready.status_code == 200 and "Ready: 3 feedback items, 1 new customer, 1 row skipped" in ready.text
    assert len(texts_in(container, w, "Peppol")) == before  # the preview is a dry run
    blocked = tc.post(f"/w/{w}/import/run", data=choices)
    assert blocked.status_code == 422 and "nothing was imported" in blocked.text
    assert len(texts_in(container, w, "Peppol")) == before

    other, other_token = as_user("bob")  # the upload belongs to the person who sent it
    stolen = other.post(f"/w/{w}/import/run", data={**choices, "csrf_token": other_token, "skip_bad_rows": "1",
                                                     "unmatched": "create"})
    assert stolen.status_code == 422 and "upload it again" in stolen.text

    assert 'name="expected" value="3"' in ready.text  # the Import button carries the count it shows
    # a choice changed after the check (say "import again" ticked without checking again): the count pressed is
    # no longer what would be imported, so nothing is imported and the new preview says why
    stale = tc.post(f"/w/{w}/import/run", data={**choices, "skip_bad_rows": "1", "unmatched": "create",
                                                 "expected": "5"})
    assert stale.status_code == 422 and "import 3 items, not 5" in stale.text and 'value="3"' in stale.text
    assert len(texts_in(container, w, "Peppol")) == before

    done = tc.post(f"/w/{w}/import/run", data={**choices, "skip_bad_rows": "1", "unmatched": "create",
                                                "expected": "3"})
    assert done.status_code == 200 and "3 feedback items imported" in done.text and "Wayne Enterprises" in done.text
    peppol = texts_in(container, w, "Peppol")
    assert len(peppol) == before + 1 and peppol[-1].source == "sales_call" and peppol[-1].reporter == "lee"
    blurry = texts_in(container, w, "PDF is blurry")
    assert blurry[-1].customer_id == seeded.ids["globex"]  # matched by external id
    with container.unit_of_work() as uow:
        assert uow.session.scalar(select(Customer.id).where(Customer.workspace_id == _ws_id(container, w),
                                                            Customer.name == "Wayne Enterprises")) is not None
    again = tc.post(f"/w/{w}/import/run", data={**choices, "skip_bad_rows": "1", "unmatched": "create"})
    assert again.status_code == 422 and "no longer here" in again.text  # the file is gone once imported

    # no header says which column holds the words (Intercom's "Message"): the preview starts from the wordiest
    # column and says so, instead of sending the person back to the upload form
    intercom = b"Conversation ID,Message,Account\n17,The invoice PDF is blurry when printed,Globex\n18,Need SSO soon,Globex\n"
    up = tc.post(f"/w/{w}/import", data={"csrf_token": token}, files={"file": ("intercom.csv", intercom, "text/csv")})
    assert up.status_code == 200 and '<option value="Message" selected>' in up.text, up.text[:600]
    assert "took &#39;Message&#39;, the column with the most words" in up.text
    assert '<span class="count">2 ready</span>' in up.text  # both rows read with that column as the words
    junk = tc.post(f"/w/{w}/import", data={"csrf_token": token}, files={"file": ("x.csv", b"\x00\x01\x02PK", "text/csv")})
    assert junk.status_code == 422 and "binary data" in junk.text
    nofile = tc.post(f"/w/{w}/import", data={"csrf_token": token})
    assert nofile.status_code == 422 and "choose a CSV file" in nofile.text


# ---------------------------------------------------------------- CSRF, roles, outsiders

NEW_POSTS = ["/w/{slug}/triage/run", "/w/{slug}/feedback/{feedback}/kind", "/w/{slug}/feedback/paste",
             "/w/{slug}/feedback/paste/confirm", "/w/{slug}/feedback/{feedback}/merge",
             "/w/{slug}/feedback/{feedback}/dismiss", "/w/{slug}/themes/problem", "/w/{slug}/themes/existing-problem",
             "/w/{slug}/import",
             "/w/{slug}/import/preview", "/w/{slug}/import/run"]


def test_new_forms_refuse_a_missing_or_wrong_csrf_token(container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w, ids = seeded.world.slug, seeded.ids
    tc, _ = as_user("alice")
    fid = add_feedback(container, w, "Untouched by bad requests.", ids["acme"])
    target = add_feedback(container, w, "Another untouched item.", ids["acme"])
    body = {"kind": "praise", "text": "- forged\n- notes", "item": "forged item", "keep": "0", "into_id": str(target),
            "target_id": str(target), "statement": "Forged problem", "feedback_ids": str(fid), "source": "support"}
    problems_before = _count(container, w, Problem)
    for token in (None, "wrong-token-0123456789abcdef"):
        for path in NEW_POSTS:
            url = path.format(slug=w, feedback=fid)
            r = tc.post(url, data={**body, **({"csrf_token": token} if token else {})})
            assert r.status_code == 403, f"POST {url} without a valid token → {r.status_code}"
            assert "security token" in r.text
    fb = feedback_row(container, fid)
    assert fb.kind is None and fb.archived_at is None and fb.triaged_at is None
    assert texts_in(container, w, "forged") == [] and _count(container, w, Problem) == problems_before


def _count(c: Container, slug: str, model: Any) -> int:
    with c.unit_of_work() as uow:
        return len(list(uow.session.scalars(select(model.id).where(model.workspace_id == _ws_id(c, slug)))))


NEW_PAGES = [
    ("GET", "/w/{slug}/triage/status"), ("POST", "/w/{slug}/triage/run"),
    ("POST", "/w/{slug}/feedback/{feedback}/kind"),
    ("GET", "/w/{slug}/feedback/paste"), ("POST", "/w/{slug}/feedback/paste"),
    ("POST", "/w/{slug}/feedback/paste/confirm"),
    ("GET", "/w/{slug}/feedback/{feedback}/similar"), ("POST", "/w/{slug}/feedback/{feedback}/merge"),
    ("POST", "/w/{slug}/feedback/{feedback}/dismiss"),
    ("GET", "/w/{slug}/themes"), ("POST", "/w/{slug}/themes/problem"), ("POST", "/w/{slug}/themes/existing-problem"),
    ("GET", "/w/{slug}/top-requested"), ("GET", "/w/{slug}/top-requested.csv"), ("GET", "/w/{slug}/nps"),
    ("POST", "/w/{slug}/feedback/bulk"),
    ("GET", "/w/{slug}/import"), ("POST", "/w/{slug}/import"), ("POST", "/w/{slug}/import/preview"),
    ("POST", "/w/{slug}/import/run"),
    ("GET", "/w/{slug}/currencies"), ("POST", "/w/{slug}/currencies"),
]


def _shape(path: str) -> str:
    return "/".join("*" if part.startswith("{") else part for part in path.split("/"))


def test_every_new_page_is_in_the_outsider_list() -> None:
    listed = {(m, _shape(p)) for m, p in NEW_PAGES}
    routes = [r for module in (routes_triage, routes_insights, routes_import) for r in module.router.routes
              if isinstance(r, APIRoute)]
    assert len(routes) == len(NEW_PAGES)
    for route in routes:
        assert route.path.startswith("/w/{slug}/")
        for method in route.methods:
            assert (method, _shape(route.path)) in listed, f"{method} {route.path} is missing from NEW_PAGES"


def test_outsider_gets_404_on_every_new_page_and_changes_nothing(container: Container, seeded: Seeded,
                                                                  as_user: AsUser) -> None:
    w, ids = seeded.world.slug, seeded.ids
    tc, token = as_user("charlie")
    fid = add_feedback(container, w, "Outsiders must not see this.", ids["globex"])
    for method, path in NEW_PAGES:
        url = path.format(slug=w, feedback=fid)
        if method == "GET":
            r = tc.get(url)
        else:
            r = tc.post(url, data={"csrf_token": token, "kind": "praise", "text": "x", "item": "x", "keep": "0",
                                   "into_id": str(ids["feedback"]), "target_id": "1", "statement": "x",
                                   "feedback_ids": str(fid), "token": "x" * 32, "ids": str(fid),
                                   "action": "archive"})
        assert r.status_code == 404, f"{method} {url} → {r.status_code}"
        assert w.title() not in r.text and "Globex" not in r.text and "Outsiders must not" not in r.text
    fb = feedback_row(container, fid)
    assert fb.kind is None and fb.archived_at is None and fb.triaged_at is None


def test_a_customer_named_in_pasted_notes_but_not_on_record_is_flagged_and_may_be_added(
        container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w = seeded.world.slug
    tc, token = as_user("bob")
    week = ("Wed 2 Dec — Frostline Ski School (founder)\n- Wants to pause billing off-season QZFROST\n"
            "- Needs SEPA QZFROST\n\nThu 3 Dec — Frostline Ski School (support escalation)\n"
            "- Invoices went out twice QZFROST\n")
    split = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "text": week, "source": "sales_call"})
    page = html.unescape(split.text)
    # the heading's name is offered as the customer, flagged as not on record; its kind of call is each item's source
    assert split.status_code == 200 and page.count("“Frostline Ski School” is not a customer on record yet") == 3
    assert page.count('name="item_customer" value="Frostline Ski School"') == 3
    chosen = re.findall(r'<select name="item_source"[^>]*>.*?<option value="(\w+)" selected>', page, re.S)
    assert chosen == ["sales_call", "sales_call", "support"]
    items = re.findall(r'<textarea id="item-\d+" name="item"[^>]*>(.*?)</textarea>', page, re.S)
    data = {"csrf_token": token, "source": "sales_call", "item": items, "keep": ["0", "1", "2"],
            "item_customer": ["Frostline Ski School", "frostline ski school", "Frostline Ski School"],
            "item_source": chosen}
    refused = tc.post(f"/w/{w}/feedback/paste/confirm", data=data)
    assert refused.status_code == 422 and "no customer named" in html.unescape(refused.text)
    # adding customers, but one item is bad: nothing is saved, the new customer neither
    bad = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "add_customers": "1",
                                                          "item_day": ["", "2999-01-01", ""]})
    assert bad.status_code == 422 and texts_in(container, w, "QZFROST") == []
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=w).id
        assert uow.session.scalar(select(Customer.id).where(Customer.workspace_id == wid,
                                                            Customer.name == "Frostline Ski School")) is None
    ok = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "add_customers": "1"})
    assert ok.status_code == 303, ok.text[:300]
    made = texts_in(container, w, "QZFROST")
    assert len(made) == 3 and len({f.customer_id for f in made}) == 1 and made[0].customer_id is not None
    assert sorted(f.source for f in made) == ["sales_call", "sales_call", "support"]
    # from a sales call with someone not a customer yet: added as a prospect
    call = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "source": "sales_call",
                                                  "text": "Discovery call — Harbourline Freight\n- Needs SSO QZHARB\n"})
    assert 'name="add_customers" value="prospect"' in call.text
    item = re.findall(r'<textarea id="item-\d+" name="item"[^>]*>(.*?)</textarea>', html.unescape(call.text), re.S)
    added = tc.post(f"/w/{w}/feedback/paste/confirm", data={
        "csrf_token": token, "source": "sales_call", "item": item, "keep": ["0"], "item_source": ["sales_call"],
        "item_customer": ["Harbourline Freight"], "add_customers": "prospect"})
    assert added.status_code == 303, added.text[:300]
    with container.unit_of_work() as uow:
        who = uow.session.scalars(select(Customer).where(Customer.workspace_id == wid,
                                                         Customer.name == "Harbourline Freight")).one()
        assert (who.lifecycle, who.arr) == ("prospect", 0)
        assert uow.session.get(Customer, made[0].customer_id).lifecycle == "customer"  # type: ignore[union-attr]
        said = uow.session.scalars(select(Feedback.id).where(Feedback.customer_id == who.id)).one()
    # shown as a prospect, never as a customer paying USD 0
    for page in (tc.get(f"/w/{w}/feedback?q=QZHARB").text, tc.get(f"/w/{w}/feedback/{said}").text):
        assert "Harbourline Freight" in page and "prospect" in page and "USD 0" not in page


def test_a_name_in_pasted_notes_that_several_customers_answer_to_is_asked_about_never_added_as_new(
        container: Container, seeded: Seeded, as_user: AsUser) -> None:
    w = seeded.world.slug
    wid = _ws_id(container, w)
    with container.unit_of_work() as uow:
        ids = {name: customer_service.create(uow=uow, workspace_id=wid, actor=SYSTEM,
                                             data=CustomerCreate(name=name)).id
               for name in ("Corvina Freight", "Corvina Analytics")}
    tc, token = as_user("bob")

    def named(name: str) -> list[Customer]:
        with container.unit_of_work() as uow:
            return list(uow.session.scalars(select(Customer).where(Customer.workspace_id == wid,
                                                                   Customer.name == name)))

    split = tc.post(f"/w/{w}/feedback/paste", data={"csrf_token": token, "source": "sales_call",
                                                   "text": "Wed 2 Dec — Corvina (CFO)\n- Needs SSO QZCORV\n"})
    page = html.unescape(split.text)
    # not offered as a new customer: said to be ambiguous, with the customers it may be, to pick from
    assert split.status_code == 200 and "is not a customer on record yet" not in page
    assert "“Corvina” matches several customers" in page
    for name, cid in ids.items():
        assert f'name="pick-0" value="{cid}"' in page and name in page
    assert 'name="pick-0" value="new"' in page
    item = re.findall(r'<textarea id="item-\d+" name="item"[^>]*>(.*?)</textarea>', page, re.S)
    data = {"csrf_token": token, "source": "sales_call", "item": item, "keep": ["0"], "item_source": ["sales_call"],
            "item_customer": ["Corvina"]}
    # "add customers" without a pick: refused on the item, the candidates still offered, nothing saved
    for add in ("1", "prospect", ""):
        refused = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "add_customers": add})
        again = html.unescape(refused.text)
        assert refused.status_code == 422 and "matches several customers" in again
        assert f'name="pick-0" value="{ids["Corvina Freight"]}"' in again
    assert named("Corvina") == [] and texts_in(container, w, "QZCORV") == []
    # picking one of them: the item is theirs, no customer added
    ok = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "add_customers": "1",
                                                         "pick-0": str(ids["Corvina Analytics"])})
    assert ok.status_code == 303, ok.text[:300]
    assert [f.customer_id for f in texts_in(container, w, "QZCORV")] == [ids["Corvina Analytics"]]
    assert named("Corvina") == []
    # a customer of another workspace cannot be picked
    other = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item": ["Other QZCORV2"], "pick-0": "999999"})
    assert other.status_code == 422 and texts_in(container, w, "QZCORV2") == []
    # a new one only when asked for explicitly
    new = tc.post(f"/w/{w}/feedback/paste/confirm", data={**data, "item": ["New one QZCORV3"], "pick-0": "new",
                                                          "add_customers": "prospect"})
    assert new.status_code == 303, new.text[:300]
    (added,) = named("Corvina")
    assert added.lifecycle == "prospect" and texts_in(container, w, "QZCORV3")[0].customer_id == added.id


def test_adding_a_customer_by_name_never_shadows_those_the_name_already_means(container: Container,
                                                                             seeded: Seeded) -> None:
    from tradeoff.errors import InvalidInput

    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=seeded.world.slug).id
        for name in ("Zephyr Labs", "Zephyr Logistics"):
            customer_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=CustomerCreate(name=name))
        own = customer_service.named_or_new(uow=uow, workspace_id=wid, actor=SYSTEM, name="zephyr labs")
        assert own.name == "Zephyr Labs"  # the one it names, any case
        with pytest.raises(InvalidInput, match="matches several customers"):
            customer_service.named_or_new(uow=uow, workspace_id=wid, actor=SYSTEM, name="Zephyr")
        new = customer_service.named_or_new(uow=uow, workspace_id=wid, actor=SYSTEM, name="Quillon Freight")
        assert new.name == "Quillon Freight" and new.segment == "other" and new.arr == 0
