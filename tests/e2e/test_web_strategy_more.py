"""Web forms for the competitor matrix (add a competitor, set a cell), editing a decision, and the per-product
decision timeline; a stakeholder may look but not change, an outsider does not see the workspace."""

from __future__ import annotations

import re
from datetime import date

from tests.conftest import make_world
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.competitors import service as competitor_service
from tradeoff.competitors.schemas import CompetitorCreate
from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductCreate
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor

ACTOR = Actor(None, "test", "cli")


def _seed(container, slug: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A product with one feature, a competitor, and three decisions about the product taken out of order."""
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        product = product_service.create(uow=uow, workspace_id=wid, actor=ACTOR, data=ProductCreate(name="Ledger"))
        other = product_service.create(uow=uow, workspace_id=wid, actor=ACTOR, data=ProductCreate(name="Other"))
        feature = feature_service.create(uow=uow, workspace_id=wid, actor=ACTOR,
                                         data=FeatureCreate(title="Bank sync", product_id=product.id))
        comp = competitor_service.create(uow=uow, workspace_id=wid, actor=ACTOR, data=CompetitorCreate(name="Acme"))
        ids = {"wid": wid, "product": product.id, "feature": feature.id, "competitor": comp.id}
        for key, title, day, pid in (("late", "Price per seat", date(2026, 3, 1), product.id),
                                     ("early", "Drop the desktop app", date(2025, 11, 5), product.id),
                                     ("middle", "Build bank sync first", date(2026, 1, 20), product.id),
                                     ("elsewhere", "Unrelated product call", date(2026, 2, 1), other.id)):
            d = decision_service.create(uow=uow, workspace_id=wid, actor=ACTOR, data=DecisionCreate.model_validate({
                "title": title, "options": [{"name": "yes"}, {"name": "no"}], "choice": "yes", "decided_by": "Alice",
                "decided_on": day.isoformat(), "product_id": pid, "feature_ids": [feature.id]}))
            ids[key] = d.id
    return ids


def test_competitor_add_and_capability_cell(container) -> None:  # type: ignore[no-untyped-def]
    world = make_world(container)
    ids = _seed(container, world.slug)
    base = f"/w/{world.slug}/competitors"
    with web_client(container) as tc:
        csrf = sign_in(tc, world.bob.email, world.bob.password)
        empty = tc.post(base, data={"csrf_token": csrf, "name": "  ", "website": "rival.example", "notes": "cheap"})
        assert empty.status_code == 422 and 'value="rival.example"' in empty.text and "cheap</textarea>" in empty.text
        dupe = tc.post(base, data={"csrf_token": csrf, "name": "Acme", "website": "", "notes": ""})
        assert dupe.status_code == 409 and "already exists" in dupe.text and 'value="Acme"' in dupe.text
        ok = tc.post(base, data={"csrf_token": csrf, "name": "Rival", "website": "rival.example",
                                 "product_id": str(ids["product"])})
        assert ok.status_code == 303 and ok.headers["location"].endswith(f"competitors?product_id={ids['product']}")
        page = tc.get(f"{base}?product_id={ids['product']}").text
        assert "Rival" in page and f'id="cap-select-{ids["competitor"]}-{ids["feature"]}"' in page
        cell = f"{base}/{ids['competitor']}/capabilities/{ids['feature']}"
        assert tc.post(cell, data={"csrf_token": csrf, "status": "maybe"}).status_code == 422
        saved = tc.post(cell, data={"csrf_token": csrf, "status": "planned", "product_id": str(ids["product"])})
        assert saved.status_code == 303
        with container.unit_of_work() as uow:
            m = competitor_service.matrix(uow=uow, workspace_id=ids["wid"])
        assert m["features"][0]["cells"][str(ids["competitor"])]["status"] == "planned"
        page = tc.get(base).text  # the assessed feature now shows without picking a product, "planned" selected
        assert re.search(r'<option value="planned" selected>', page)
        htmx = tc.post(cell, data={"csrf_token": csrf, "status": "have"}, headers={"HX-Request": "true"})
        assert htmx.status_code == 200 and "<html" not in htmx.text and '<option value="have" selected>' in htmx.text
        assert tc.post(cell, data={"csrf_token": csrf, "status": "none"}).status_code == 303
        with container.unit_of_work() as uow:
            m = competitor_service.matrix(uow=uow, workspace_id=ids["wid"], product_id=ids["product"])
        assert m["features"][0]["cells"][str(ids["competitor"])] is None
        assert tc.post(cell, data={"csrf_token": csrf, "status": "none"}).status_code == 303  # already none
        assert tc.post(f"{base}/999999/capabilities/{ids['feature']}",
                       data={"csrf_token": csrf, "status": "none"}).status_code == 404
        assert tc.post(cell, data={"status": "gap"}).status_code == 403  # no CSRF token


def test_edit_decision_and_a_mistake_kept_in_the_form(container) -> None:  # type: ignore[no-untyped-def]
    world = make_world(container)
    ids = _seed(container, world.slug)
    base = f"/w/{world.slug}/decisions/{ids['middle']}"
    with web_client(container) as tc:
        csrf = sign_in(tc, world.bob.email, world.bob.password)
        form = tc.get(f"{base}/edit")
        assert form.status_code == 200 and 'value="Build bank sync first"' in form.text
        assert "yes\nno</textarea>" in form.text and 'value="2026-01-20"' in form.text
        version = re.search(r'name="version" value="(\d+)"', form.text)
        assert version
        fields = {"csrf_token": csrf, "title": "Build bank sync first, CSV later", "context": "Churn interviews",
                  "options": "bank sync | fewer manual steps | 3 weeks\ncsv import", "choice": "maybe",
                  "rationale": "", "disappointed": "Support: more tickets", "decided_by": "Bob",
                  "decided_on": "2026-01-21", "product_id": str(ids["product"]),
                  "feature_ids": [str(ids["feature"])], "version": version.group(1)}
        bad = tc.post(f"{base}/edit", data=fields)
        assert bad.status_code == 422 and "not one of the options" in bad.text
        assert 'value="Build bank sync first, CSV later"' in bad.text and "Churn interviews</textarea>" in bad.text
        ok = tc.post(f"{base}/edit", data={**fields, "choice": "bank sync"})
        assert ok.status_code == 303 and ok.headers["location"].endswith(f"/decisions/{ids['middle']}")
        with container.unit_of_work() as uow:
            d = records.get(uow=uow, spec=decision_service.SPEC, workspace_id=ids["wid"], record_id=ids["middle"])
            assert (d.title, d.choice, d.decided_by, d.decided_on) == ("Build bank sync first, CSV later",
                                                                       "bank sync", "Bob", date(2026, 1, 21))
            assert [o["name"] for o in d.options] == ["bank sync", "csv import"]
            assert d.options[0]["pros"] == ["fewer manual steps"] and d.disappointed[0]["who"] == "Support"
            assert d.feature_ids == [ids["feature"]]
        stale = tc.post(f"{base}/edit", data={**fields, "choice": "csv import"})  # the version read before saving
        assert stale.status_code == 412 and "changed since you read it" in stale.text
        assert "Edit</a>" in tc.get(base).text


def test_timeline_lists_a_products_decisions_in_date_order(container) -> None:  # type: ignore[no-untyped-def]
    world = make_world(container)
    ids = _seed(container, world.slug)
    base = f"/w/{world.slug}/decisions"
    with web_client(container) as tc:
        sign_in(tc, world.sam.email, world.sam.password)  # anyone in the workspace may read it
        assert f'href="{base}/timeline' in tc.get(base).text
        page = tc.get(f"{base}/timeline?product_id={ids['product']}")
        assert page.status_code == 200 and "Ledger" in page.text
        text = page.text
        order = [text.index(f'href="{base}/{ids[k]}"') for k in ("early", "middle", "late")]
        assert order == sorted(order)
        assert "Unrelated product call" not in text and "decided by</span> <strong>Alice</strong>" in text
        assert f'href="/w/{world.slug}/features/{ids["feature"]}"' in text
        assert "Unrelated product call" in tc.get(f"{base}/timeline").text
        assert tc.get(f"{base}/timeline?product_id=999999").status_code == 404


def test_stakeholder_cannot_change_and_outsider_cannot_see(container) -> None:  # type: ignore[no-untyped-def]
    world = make_world(container)
    ids = _seed(container, world.slug)
    w = f"/w/{world.slug}"
    posts = [(f"{w}/competitors", {"name": "Nope"}),
             (f"{w}/competitors/{ids['competitor']}/capabilities/{ids['feature']}", {"status": "have"}),
             (f"{w}/decisions/{ids['middle']}/edit", {"title": "Nope"})]
    with web_client(container) as tc:
        csrf = sign_in(tc, world.sam.email, world.sam.password)
        assert tc.get(f"{w}/decisions/{ids['middle']}/edit").status_code == 403
        for url, data in posts:
            assert tc.post(url, data={"csrf_token": csrf, **data}).status_code == 403, url
    with web_client(container) as tc:
        csrf = sign_in(tc, world.charlie.email, world.charlie.password)
        assert tc.get(f"{w}/decisions/timeline").status_code == 404
        for url, data in posts:
            assert tc.post(url, data={"csrf_token": csrf, **data}).status_code == 404, url
    with container.unit_of_work() as uow:  # nothing changed
        assert [c["name"] for c in competitor_service.matrix(uow=uow, workspace_id=ids["wid"])["competitors"]] == ["Acme"]
        d = records.get(uow=uow, spec=decision_service.SPEC, workspace_id=ids["wid"], record_id=ids["middle"])
        assert d.title == "Build bank sync first"
