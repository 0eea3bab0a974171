"""A new workspace, as a PM meets it with her own data: the pages say only what is true and point at the web form
that does the next step."""

from __future__ import annotations

import re
from datetime import date

from tests.conftest import SYSTEM, World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanCreate


def _quiet(text: str) -> str:
    return text.split('id="attention-title"', 1)[1].split("</section>", 1)[0]


def test_an_empty_home_says_there_is_no_plan_and_links_to_making_one(container: Container, world: World) -> None:
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    quiet = _quiet(tc.get(f"/w/{world.slug}").text)
    # nothing was checked and found fine: no promise, no plan, no feedback
    for untrue in ("every commitment is on track", "the live plan is current", "recent feedback is linked"):
        assert untrue not in quiet
    assert "There is no plan yet" in quiet and f'href="/w/{world.slug}/plans/new"' in quiet
    # someone who cannot make a plan is told there is none, without a link to a form they cannot use
    reader = web_client(container)
    sign_in(reader, world.sam.email, world.sam.password)
    quiet = _quiet(reader.get(f"/w/{world.slug}").text)
    assert "There is no plan yet" in quiet and "/plans/new" not in quiet


def test_a_home_with_plans_but_none_live_says_so(container: Container, world: World) -> None:
    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=world.slug).id
        plan = plan_service.create(uow=uow, workspace_id=wid, actor=SYSTEM, data=PlanCreate(
            name="Draft <quarter>", start=date.today(), periods=4, period_days=7))  # type: ignore[arg-type]
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    quiet = _quiet(tc.get(f"/w/{world.slug}").text)
    assert "the live plan is current" not in quiet and "There is no plan yet" not in quiet
    assert "No plan is marked live" in quiet and f'href="/w/{world.slug}/plans/{plan.id}"' in quiet
    assert "Draft &lt;quarter&gt;" in quiet


def test_capacity_without_a_team_links_to_the_team_form(container: Container, world: World) -> None:
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    page = tc.get(f"/w/{world.slug}/capacity").text
    assert "Add one with the API" not in page
    assert re.search(rf'No team yet\. <a href="/w/{world.slug}/teams/new">Add a team</a>', page)


def test_each_delivery_page_has_one_name_in_the_sidebar_and_its_title(container: Container, world: World) -> None:
    tc = web_client(container)
    sign_in(tc, world.alice.email, world.alice.password)
    names = {}
    for path in ("capacity", "teams", "components", "teams/new"):
        page = tc.get(f"/w/{world.slug}/{path}").text
        current = re.search(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', page)
        assert current is not None, path
        title = re.search(r"<title>([^<]+?)(?: · [^<]*)?</title>", page)
        assert title is not None, path
        names[path] = (current.group(1), title.group(1))
    assert names["capacity"] == ("Capacity", "Capacity")
    assert names["teams"] == names["components"] == ("Teams and components", "Teams and components")
    assert names["teams/new"][0] == "Teams and components"  # a team's form is under the page that lists teams
    sidebar = tc.get(f"/w/{world.slug}").text.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    assert [n for n in re.findall(r">([^<>]*(?:Teams|Capacity|Components)[^<>]*)</a>", sidebar)] == [
        "Capacity", "Teams and components"]
