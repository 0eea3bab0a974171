"""`tradeoff rank`, `tradeoff size` and `tradeoff decisions` through Typer's CliRunner, on both back ends."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import SYSTEM
from tradeoff.accounts import service as accounts
from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionCreate
from tradeoff.features import service as feature_service
from tradeoff.features.schemas import FeatureCreate
from tradeoff.problems import service as problem_service
from tradeoff.problems.schemas import ProblemCreate
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring import service as scoring
from tradeoff.scoring.schemas import FormulaIn, ScoringInputsIn
from tradeoff.sizing import service as sizing_service
from tradeoff.sizing.schemas import BusinessCaseIn, ProblemSizeIn


def P(x: float) -> dict[str, float]:  # noqa: N802 - a point range
    return {"low": x, "likely": x, "high": x}


@pytest.fixture
def seeded(container) -> dict[str, object]:  # type: ignore[no-untyped-def]
    slug = "cli4-" + uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"o@{slug}.example.com", name="O", password="pw-123456789")
        w = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=SYSTEM).id
        p = problem_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=ProblemCreate(statement="Slow close"))
        f1 = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM,
                                    data=FeatureCreate(title="Auto-reconcile", problem_ids=[p.id]))
        f2 = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(title="Dark mode"))
        for fid, vals in ((f1.id, {"reach": 50, "impact": 2, "confidence": 1, "effort": 5}),
                          (f2.id, {"reach": 500, "impact": 0.25, "confidence": 0.5, "effort": 10})):
            scoring_inputs.set_inputs(uow=uow, workspace_id=w, actor=SYSTEM, feature_id=fid,
                                       data=ScoringInputsIn(values=vals))  # type: ignore[arg-type]
        sizing_service.set_size(uow=uow, workspace_id=w, actor=SYSTEM, problem_id=p.id, data=ProblemSizeIn.model_validate(
            {"customers": P(20), "cost_per_customer": P(5000), "capture": P(0.2)}))
        sizing_service.set_case(uow=uow, workspace_id=w, actor=SYSTEM, feature_id=f1.id,
                                data=BusinessCaseIn.model_validate({
                                    "effort_person_weeks": P(5), "cost_per_person_week": P(4000),
                                    "alternative_name": "a bookkeeper", "alternative_cost": P(20)}))
        d = decision_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=DecisionCreate.model_validate({
            "title": "Reconcile before dark mode", "options": [{"name": "Reconcile"}, {"name": "Dark mode"}],
            "choice": "Reconcile", "disappointed": [{"who": "Design", "why": "Dark mode keeps slipping"}],
            "feature_ids": [f1.id]}))
        return {"slug": slug, "problem": p.id, "f1": f1.id, "f2": f2.id, "decision": d.id}


def test_rank_json_and_table(run, seeded) -> None:  # type: ignore[no-untyped-def]
    res = json.loads(run("rank", "-w", seeded["slug"], "--framework", "rice", "--json").stdout)
    # RICE: 50 × 2 × 1 ÷ 5 = 20 beats 500 × 0.25 × 0.5 ÷ 10 = 6.25
    assert [i["id"] for i in res["items"]] == [seeded["f1"], seeded["f2"]]
    assert res["items"][0]["score"] == pytest.approx(20) and "reach 50" in res["items"][0]["explanation"]
    table = run("rank", "-w", seeded["slug"], "--framework", "ice").stdout
    assert "not scored" in table  # no ease given
    bad = run("rank", "-w", seeded["slug"], "--framework", "moscow", ok=False)
    assert bad.exit_code == 2 and "unknown framework 'moscow'" in bad.stderr
    # several frameworks side by side, as the README says
    both = json.loads(run("rank", "-w", seeded["slug"], "--compare", "rice,ice", "--json").stdout)
    assert both["frameworks"] == ["rice", "ice"] and {i["id"] for i in both["items"]} == {seeded["f1"], seeded["f2"]}
    shown = run("rank", "-w", seeded["slug"], "--compare", "rice, ice").stdout
    assert "rank under each framework" in shown and "rice vs ice: Spearman" in shown
    one = run("rank", "-w", seeded["slug"], "--compare", "rice", ok=False)
    assert one.exit_code == 2 and "at least two frameworks" in one.stderr


def test_size_problem(run, seeded) -> None:  # type: ignore[no-untyped-def]
    res = json.loads(run("size", str(seeded["problem"]), "-w", seeded["slug"], "--json").stdout)
    assert res["annual_value"]["p50"] == pytest.approx(20 * 5000 * 0.2)
    feature = res["features"][0]
    assert feature["id"] == seeded["f1"] and feature["result"]["total_cost"]["p50"] == pytest.approx(20_000)
    text = run("size", str(seeded["problem"]), "-w", seeded["slug"]).stdout
    # the bookkeeper costs 20 × 20 customers = 400 a year: 2% of the 20,000 we would capture
    assert "Displacement risk: a bookkeeper" in text
    missing = run("size", "987654", "-w", seeded["slug"], ok=False)
    assert missing.exit_code == 3


def test_decisions_log(run, seeded) -> None:  # type: ignore[no-untyped-def]
    res = json.loads(run("decisions", "-w", seeded["slug"], "--json").stdout)
    assert [d["id"] for d in res["items"]] == [seeded["decision"]]
    found = json.loads(run("decisions", "-w", seeded["slug"], "--q", "reconcile", "--json").stdout)
    assert [d["id"] for d in found["items"]] == [seeded["decision"]]
    none = json.loads(run("decisions", "-w", seeded["slug"], "--feature", str(seeded["f2"]), "--json").stdout)
    assert none["items"] == []
    assert "Design" in run("decisions", "-w", seeded["slug"]).stdout
    # the generated record commands still work under the same name
    shown = json.loads(run("decisions", "show", str(seeded["decision"]), "-w", seeded["slug"], "--json").stdout)
    assert shown["choice"] == "Reconcile"


def test_size_names_the_tornados_inputs_in_words(run, seeded, container) -> None:  # type: ignore[no-untyped-def]
    with container.unit_of_work() as uow:
        w = accounts.workspace_by_slug(uow=uow, slug=seeded["slug"]).id
        sizing_service.set_size(uow=uow, workspace_id=w, actor=SYSTEM, problem_id=seeded["problem"],
                                data=ProblemSizeIn.model_validate({
                                    "customers": {"low": 10, "likely": 20, "high": 30},
                                    "cost_per_customer": {"low": 1000, "likely": 5000, "high": 9000},
                                    "capture": P(0.2)}))
    res = json.loads(run("size", str(seeded["problem"]), "-w", seeded["slug"], "--json").stdout)
    bars = {b["input"]: b["label"] for b in res["tornado"]["bars"]}  # the machine key stays, its label beside it
    assert bars["problem.cost_per_customer"] == "Cost per customer" and bars["problem.capture"] == "Share we capture"
    assert res["tornado"]["biggest_driver"] == "problem.cost_per_customer"
    assert res["tornado"]["biggest_driver_label"] == "Cost per customer"
    text = run("size", str(seeded["problem"]), "-w", seeded["slug"]).stdout
    assert "biggest driver: Cost per customer" in text and "Share we capture" in text
    assert "problem." not in text and "solution." not in text and "cost_per_customer" not in text


def test_rank_compare_lists_only_features_whose_ranks_differ(run, container) -> None:  # type: ignore[no-untyped-def]
    slug = "cli5-" + uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=f"o@{slug}.example.com", name="O", password="pw-123456789")
        w = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=user, actor=SYSTEM).id
        ids = {}
        # RICE and ICE agree but for one place: reach 30/20/10 at equal effort, and ease 9/7/8 swaps the last two
        for title, reach, ease in (("Alpha", 30, 9), ("Beta", 20, 7), ("Gamma", 10, 8)):
            f = feature_service.create(uow=uow, workspace_id=w, actor=SYSTEM, data=FeatureCreate(title=title))
            scoring_inputs.set_inputs(uow=uow, workspace_id=w, actor=SYSTEM, feature_id=f.id, data=ScoringInputsIn(
                values={"reach": reach, "impact": 1, "confidence": 1, "effort": 5, "ease": ease}))  # type: ignore[arg-type]
            ids[title] = f.id
    shown = run("rank", "-w", slug, "--compare", "rice,ice").stdout  # ranks 1/2/3 against 1/3/2
    assert "disagree most" not in shown
    assert "no feature's rank differs by 2 places or more between the frameworks" in shown
    res = json.loads(run("rank", "-w", slug, "--compare", "rice,ice", "--json").stdout)
    assert res["disagreements"] == []
    # a formula that reverses RICE's order: Alpha and Gamma are 2 places apart and listed, Beta (#2 in both) is not
    with container.unit_of_work() as uow:
        scoring.save_formula(uow=uow, workspace_id=w, actor=SYSTEM, name="fewest_reached",
                             data=FormulaIn(text="100 - reach"))
    shown = run("rank", "-w", slug, "--compare", "rice,fewest_reached").stdout
    said = [line for line in shown.splitlines() if line.startswith("disagree most")]
    assert said == [f"disagree most: Alpha (#{ids['Alpha']}): rice #1, fewest_reached #3",
                    f"disagree most: Gamma (#{ids['Gamma']}): rice #3, fewest_reached #1"]
