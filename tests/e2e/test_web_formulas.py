"""Custom scoring formulas from the ranking page: save, rank by it, mistakes shown at their column, delete, default."""

from __future__ import annotations

from tests.conftest import make_world
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring.schemas import ScoringInputsIn
from tradeoff.storage.uow import Actor


def test_formula_lifecycle_from_the_ranking_page(container) -> None:  # type: ignore[no-untyped-def]
    world = make_world(container)
    actor = Actor(None, "test", "cli")
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        for title, reach, effort in (("Small reach, tiny effort", 10, 1), ("Big reach, big effort", 100, 50)):
            f = feature_service.create(uow=uow, workspace_id=wid, actor=actor, data=FeatureCreate(title=title))
            scoring_inputs.set_inputs(uow=uow, workspace_id=wid, actor=actor, feature_id=f.id,
                               data=ScoringInputsIn.model_validate({"values": {"reach": reach, "effort": effort}}))
    base = f"/w/{world.slug}/ranking"
    with web_client(container) as tc:
        csrf = sign_in(tc, world.bob.email, world.bob.password)
        bad = tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "per_day", "text": "reach / (effort"})
        assert bad.status_code == 422 and "column" in bad.text and 'value="reach / (effort"' in bad.text
        unknown = tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "per_day", "text": "reech / effort"})
        assert unknown.status_code == 422 and "reach" in unknown.text  # names the closest known field
        badname = tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "Per Day!", "text": "reach / effort"})
        assert badname.status_code == 422 and "lowercase letters" in badname.text
        ok = tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "per_day", "text": "reach / effort"})
        assert ok.status_code == 303 and ok.headers["location"].endswith("framework=per_day")
        page = tc.get(f"{base}?framework=per_day").text
        # 10 / 1 = 10 beats 100 / 50 = 2
        assert page.index("Small reach, tiny effort") < page.index("Big reach, big effort")
        assert "10 = reach 10 ÷ effort 1" in page
        assert tc.post(f"{base}/default", data={"csrf_token": csrf, "default_framework": "per_day"}).status_code == 303
        assert "Default framework: <strong>Per day</strong>" in tc.get(base).text  # a formula named in words
        assert tc.post(f"{base}/formulas", data={"name": "x", "text": "reach"}).status_code == 403  # no CSRF token
    with web_client(container) as tc:  # a stakeholder can look, not change
        csrf = sign_in(tc, world.sam.email, world.sam.password)
        assert tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "x", "text": "reach"}).status_code == 403
    with web_client(container) as tc:  # an outsider does not see the workspace
        csrf = sign_in(tc, world.charlie.email, world.charlie.password)
        assert tc.post(f"{base}/formulas", data={"csrf_token": csrf, "name": "x", "text": "reach"}).status_code == 404
