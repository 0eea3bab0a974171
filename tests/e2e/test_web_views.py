"""Finding and telling, on the web through FastAPI's TestClient on SQLite and PostgreSQL: saved views (save the list
as filtered, see it, open it, delete it; who may share and remove; names that clash; the outsider), search
everything from the sidebar, and @mentions in comments."""

from __future__ import annotations

import html
import re

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import csrf_of, seeding, signed_in_clients
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.schemas import FeedbackCreate, FeedbackUpdate
from tradeoff.storage.uow import Actor


def _seed(container, slug: str) -> None:  # type: ignore[no-untyped-def]
    with seeding(container, slug) as (uow, ws):
        for text, kind in (("Export crashes", "bug"), ("Add SSO", "feature_request")):
            fb = feedback_service.create(uow=uow, workspace_id=ws, actor=SYSTEM, data=FeedbackCreate(text=text))
            feedback_service.update(uow=uow, workspace_id=ws, actor=SYSTEM, record_id=fb.id,
                                    data=FeedbackUpdate(kind=kind), if_match=None)


def _save(tc, slug: str, page: str, name: str, shared: bool = False):  # type: ignore[no-untyped-def]
    """Open the list at `page` (its query string) and submit its save-view form as it is."""
    body = tc.get(f"/w/{slug}/feedback{page}").text
    query = html.unescape(body.split('name="query" value="', 1)[1].split('"', 1)[0])
    form = {"csrf_token": csrf_of(body), "collection": "feedback", "query": query, "name": name}
    if shared:
        form["shared"] = "1"
    return tc.post(f"/w/{slug}/views", data=form, follow_redirects=False)


def test_save_a_filtered_list_as_a_view_and_open_it(container, world: World) -> None:
    _seed(container, world.slug)
    as_user = signed_in_clients(container, world)
    bob, _ = as_user("bob")
    r = _save(bob, world.slug, "?kind=bug&sort=-id", "Bugs", shared=True)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/w/{world.slug}/feedback?kind=bug&sort=-id")
    page = bob.get(r.headers["location"]).text
    assert "View &#39;Bugs&#39; saved." in page and 'aria-current="true">Bugs</a>' in page
    assert "Export crashes" in page and "Add SSO" not in page
    # everyone sees a shared view; on another filter it is not the current one
    erin, _ = as_user("erin")
    page = erin.get(f"/w/{world.slug}/feedback?kind=feature_request").text
    assert ">Bugs</a>" in page and 'aria-current="true">Bugs' not in page
    assert "Delete view Bugs" not in page  # engineers do not remove shared views
    # an engineer keeps views of her own, seen by nobody else
    assert _save(erin, world.slug, "?kind=feature_request", "My requests").status_code == 303
    assert ">My requests</a>" in erin.get(f"/w/{world.slug}/feedback").text
    assert ">My requests</a>" not in bob.get(f"/w/{world.slug}/feedback").text
    # a name already seen, a share by a stakeholder, an empty name: the list says why, nothing is saved
    for who, name, shared, said in (("erin", "bugs", False, "already has that name"),
                                    ("sam", "Mine", True, "Only owners and PMs share views"),
                                    ("bob", "  ", False, "Give the view a name")):
        tc, _ = as_user(who)
        r = _save(tc, world.slug, "?kind=bug", name, shared)
        assert r.status_code == 303 and "view_error=" in r.headers["location"]
        assert said in html.unescape(tc.get(r.headers["location"]).text)
    # delete: the PM removes the shared view
    page = bob.get(f"/w/{world.slug}/feedback").text
    vid = page.split(f'/w/{world.slug}/views/', 1)[1].split('/delete', 1)[0]
    r = bob.post(f"/w/{world.slug}/views/{vid}/delete", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    assert ">Bugs</a>" not in bob.get(f"/w/{world.slug}/feedback").text
    # the outsider can neither save nor delete here
    charlie, _ = as_user("charlie")
    token = csrf_of(charlie.get(f"/w/{world.other_slug}").text)
    assert charlie.post(f"/w/{world.slug}/views", data={"csrf_token": token, "collection": "feedback",
                                                         "name": "X", "query": ""}).status_code == 404
    assert charlie.post(f"/w/{world.slug}/views/{vid}/delete", data={"csrf_token": token}).status_code == 404


def test_search_everything_from_the_sidebar(container, world: World) -> None:
    _seed(container, world.slug)
    as_user = signed_in_clients(container, world)
    sam, _ = as_user("sam")
    page = sam.get(f"/w/{world.slug}").text
    assert f'action="/w/{world.slug}/search"' in page and 'placeholder="Search everything"' in page
    page = sam.get(f"/w/{world.slug}/search", params={"q": "export"}).text
    assert "Export crashes" in page and "Add SSO" not in page
    assert re.search(rf'href="/w/{world.slug}/feedback/\d+">Export crashes</a>', page)
    assert "Nothing matches" in sam.get(f"/w/{world.slug}/search", params={"q": "zebra"}).text
    assert "give at least one word" in sam.get(f"/w/{world.slug}/search", params={"q": "?!"}).text
    charlie, _ = as_user("charlie")
    assert charlie.get(f"/w/{world.slug}/search", params={"q": "export"}).status_code == 404


def test_a_mention_in_a_web_comment_reaches_the_person_named(container, world: World) -> None:
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate

    with seeding(container, world.slug) as (uow, ws):
        fid = feature_service.create(uow=uow, workspace_id=ws, actor=SYSTEM, data=FeatureCreate(title="Dunning")).id
    as_user = signed_in_clients(container, world)
    bob, _ = as_user("bob")
    page = bob.get(f"/w/{world.slug}/features/{fid}").text
    assert "Mention someone with @" in page
    handle = world.erin.email.split("@")[0]
    r = bob.post(f"/w/{world.slug}/features/{fid}/comments",
                 data={"csrf_token": csrf_of(page), "body": f"@{handle} is the retry schedule configurable?"},
                 follow_redirects=False)
    assert r.status_code == 303
    shown = bob.get(f"/w/{world.slug}/features/{fid}").text
    cid = re.search(r'id="comment-(\d+)"', shown)
    assert cid and "edited</span>" not in shown
    from tradeoff.comments import service as comment_service
    from tradeoff.comments.schemas import CommentCreate
    with seeding(container, world.slug) as (uow, ws):  # its author rewrites it: the page says it was edited
        author = comment_service.get(uow=uow, workspace_id=ws, comment_id=int(cid[1])).author_id
        comment_service.edit(uow=uow, workspace_id=ws, actor=Actor(author, world.bob.email), comment_id=int(cid[1]),
                             data=CommentCreate(body=f"@{handle} is the retry schedule configurable per plan?"),
                             can_edit_records=True)
    assert ">edited</span>" in bob.get(f"/w/{world.slug}/features/{fid}").text
    erin, _ = as_user("erin")
    bell = erin.get(f"/w/{world.slug}/notifications").text
    assert "mentioned you on Dunning" in html.unescape(bell)
    assert 'value="feature.status_changed"' in bell and 'value="comment.mentioned"' not in bell  # nothing to opt into


def test_currencies_page_sets_the_rates_totals_count_at(container, world: World) -> None:
    from decimal import Decimal

    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import CustomerCreate
    from tradeoff.features import service as feature_service
    from tradeoff.features.schemas import FeatureCreate
    from tradeoff.feedback import service as feedback_service
    from tradeoff.feedback.schemas import FeedbackCreate
    from tradeoff.links import service as link_service
    from tradeoff.links.schemas import LinkCreate

    with seeding(container, world.slug) as (uow, ws):
        for name, cur in (("Kessler", "EUR"), ("Acme", "USD"), ("Initech", "USD")):
            c = customer_service.create(uow=uow, workspace_id=ws, actor=SYSTEM, data=CustomerCreate(
                name=name, arr=Decimal(1000), currency=cur))
            if name != "Initech":  # a feature asked for in two currencies
                if name == "Kessler":
                    feature = feature_service.create(uow=uow, workspace_id=ws, actor=SYSTEM,
                                                     data=FeatureCreate(title="Peppol e-invoicing"))
                fb = feedback_service.create(uow=uow, workspace_id=ws, actor=SYSTEM,
                                             data=FeedbackCreate(text=f"{name} needs Peppol", customer_id=c.id))
                link_service.create(uow=uow, workspace_id=ws, actor=SYSTEM,
                                    data=LinkCreate(feedback_id=fb.id, feature_id=feature.id))
        uow.flush()
        fid = feature.id
    as_user = signed_in_clients(container, world)
    alice, _ = as_user("alice")
    evidence = html.unescape(alice.get(f"/w/{world.slug}/features/{fid}").text)
    assert "≈ USD 1,000 in all; EUR 1,000 left out (no exchange rate" in evidence

    def listed() -> str:  # the features list's ARR cell for the feature
        rows = alice.get(f"/w/{world.slug}/features").text
        row = rows.split(f'href="/w/{world.slug}/features/{fid}"', 1)[1].split("</tr>", 1)[0]
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
    assert "1,000 incl. EUR 1,000 (no rate)" in listed()
    page = alice.get(f"/w/{world.slug}/currencies").text
    assert "Nothing set yet: totals are in USD" in page and "ARR in EUR is left out" in page
    assert 'name="rate_EUR"' in page
    bad = alice.post(f"/w/{world.slug}/currencies", data={"csrf_token": csrf_of(page), "currency": "USD",
                                                          "rate_EUR": "lots"})
    assert bad.status_code == 422 and 'value="lots"' in bad.text and "valid number" in bad.text
    ok = alice.post(f"/w/{world.slug}/currencies", data={"csrf_token": csrf_of(page), "currency": "USD",
                                                         "rate_EUR": "1.08", "new_code": "gbp", "new_rate": "1.27"})
    assert ok.status_code == 200 and "Saved" in ok.text and 'value="1.08"' in ok.text and 'name="rate_GBP"' in ok.text
    with container.unit_of_work() as uow:
        from tradeoff.accounts import service as accounts

        m = customer_service.money(uow, accounts.workspace_by_slug(uow=uow, slug=world.slug).id)
        assert (m.currency, m.rates, m.set) == ("USD", {"EUR": 1.08, "GBP": 1.27}, True)
    evidence = html.unescape(alice.get(f"/w/{world.slug}/features/{fid}").text)
    assert "≈ USD 2,080 in all" in evidence and "left out" not in evidence
    assert "2,080 incl. EUR 1,000" in listed() and "no rate" not in listed()  # the list converts as the page does
    sam, _ = as_user("sam")
    shown = sam.get(f"/w/{world.slug}/currencies").text
    assert "readonly" in shown and "Save rates" not in shown
    assert sam.post(f"/w/{world.slug}/currencies", data={"csrf_token": csrf_of(shown), "currency": "EUR"}
                    ).status_code == 403
    charlie, _ = as_user("charlie")
    assert charlie.get(f"/w/{world.slug}/currencies").status_code == 404
