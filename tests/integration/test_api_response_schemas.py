"""Every JSON answer of the API has a schema in its OpenAPI document, and what the endpoints answer matches it.

The answers services build as dicts (forecasts, rankings, demand, previews, ...) are described by the models of
`tradeoff.api.responses`. Here each of those endpoints is called on the demo workspace (and, for the answers that
say "nothing yet", on a new one), and every body is checked against its operation's schema in the served
document: types, nullability, required keys, formats, and that every key the body has is declared, so a model
that misses a field fails this test. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import SYSTEM, World
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container

JSON = re.compile(r"^application/([\w.+-]+\+)?json$")

# the operations whose answers are built as dicts (they had no schema before `tradeoff.api.responses`)
DICT_ANSWERS = {
    "listAuditEvents", "importFeedback", "getDemandSummary", "listTopRequested", "getCloseTheLoop",
    "markCustomersTold", "getNpsBySegment", "getAttention", "saveBriefVersion", "listBriefVersions", "diffBrief",
    "createBlocker", "listBlockers", "getBlocker", "getBlockerImpact", "archiveBlocker", "getTechnicalImplications",
    "getTeamCapacity", "suggestEstimate", "listEstimates", "listWorkItems", "getWorkHistorySummary",
    "importWorkItems", "importCustomers", "comparePlanScenario", "getRoadmapBoard", "getForecast", "getFeatureForecast",
    "getFeatureDelivery", "getCommitmentOverview", "recomputeCommitments", "listCommitmentEvents",
    "getDeliverySettings", "setDeliverySettings", "getProblemSizing", "getFeatureSizing", "setScoringInputs",
    "getFeatureScores", "listScoringFormulas", "saveScoringFormula", "getScoringSettings", "setScoringSettings",
    "getRankedBacklog", "getValueEffort", "compareFrameworks", "getTopStability", "getStakeholderAnalysis",
    "setCapability", "getCompetitorMatrix", "getProductStrategy", "getTriageStatus", "runTriage", "listSimilar",
    "splitNotes", "listThemes", "markAllNotificationsRead", "listViews", "createView", "getView",
}


# ---------------------------------------------------------------------------------------------- the checker


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name] | {k: v for k, v in schema.items() if k != "$ref"}
    return schema


def _type_ok(kind: str | None, value: Any) -> bool:
    if kind is None:
        return True
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, {"object": dict, "array": list, "string": str, "boolean": bool,
                              "null": type(None)}[kind])


def mismatches(spec: dict[str, Any], schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Where `value` does not match `schema` (an OpenAPI 3.1 schema: $ref, anyOf, type, const, enum, format,
    pattern, properties, required, additionalProperties, items). A key an object has that its schema does not
    declare (in `properties`, or by an `additionalProperties` schema) is a mismatch: the schema must be complete."""
    s = _resolve(spec, schema)
    if "anyOf" in s or "oneOf" in s:
        tried = [mismatches(spec, option, value, path) for option in s.get("anyOf") or s["oneOf"]]
        return [] if any(not t for t in tried) else [f"{path}: matches no option: {min(tried, key=len)[:3]}"]
    kind = s.get("type")
    if not _type_ok(kind, value):
        return [f"{path}: {type(value).__name__} {value!r:.60} is not {kind}"]
    out = []
    if "const" in s and value != s["const"]:
        out.append(f"{path}: {value!r} is not {s['const']!r}")
    if "enum" in s and value not in s["enum"]:
        out.append(f"{path}: {value!r} not one of {s['enum']}")
    if isinstance(value, str):
        if "pattern" in s and not re.search(s["pattern"], value):
            out.append(f"{path}: {value!r} does not match {s['pattern']}")
        parse = {"date": date.fromisoformat, "date-time": datetime.fromisoformat}.get(s.get("format", ""))
        try:
            if parse:
                parse(value)
        except ValueError:
            out.append(f"{path}: {value!r} is not a {s['format']}")
    if isinstance(value, dict) and (kind == "object" or "properties" in s):
        props, extra = s.get("properties", {}), s.get("additionalProperties")
        out += [f"{path}: required key {k!r} missing" for k in s.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                out += mismatches(spec, props[k], v, f"{path}.{k}")
            elif isinstance(extra, dict):
                out += mismatches(spec, extra, v, f"{path}.{k}")
            elif extra is not True:
                out.append(f"{path}: key {k!r} is not declared in the schema")
    if isinstance(value, list) and "items" in s:
        for i, v in enumerate(value):
            out += mismatches(spec, s["items"], v, f"{path}[{i}]")
    return out


def _operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation)."""
    return {op["operationId"]: (method.upper(), path, op)
            for path, methods in spec["paths"].items() for method, op in methods.items()}


def _described(spec: dict[str, Any], schema: dict[str, Any] | None) -> bool:
    """A schema that says what the body is: an object with its keys (or a typed map), an array of described items,
    a union of described options, or a scalar type."""
    if not schema:
        return False
    s = _resolve(spec, schema)
    if "anyOf" in s:
        return all(_described(spec, o) for o in s["anyOf"])
    if s.get("type") == "array":
        return _described(spec, s.get("items"))
    if s.get("type") == "object" or "properties" in s:
        return bool(s.get("properties")) or isinstance(s.get("additionalProperties"), dict)
    return s.get("type") in ("string", "integer", "number", "boolean")


# ---------------------------------------------------------------------------------------------- the spec


def test_every_2xx_answer_has_a_schema(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").json()
    missing = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            for code, resp in op.get("responses", {}).items():
                if not code.startswith("2"):
                    continue
                for media, content in (resp.get("content") or {}).items():
                    if not _described(spec, content.get("schema")):
                        missing.append(f"{method.upper()} {path} {code} {media}: {content.get('schema')}")
    assert not missing, "answers without a schema:\n" + "\n".join(missing)
    operations = _operations(spec)
    assert set(operations) >= DICT_ANSWERS, DICT_ANSWERS - set(operations)


def test_the_check_fails_on_an_undeclared_or_missing_key(client) -> None:  # type: ignore[no-untyped-def]
    """What makes the walk below worth running: a body with a key its model does not name fails, and so does one
    without a required key or with a wrong type."""
    spec = client.get("/api/v1/openapi.json").json()
    schema = {"$ref": "#/components/schemas/AttentionOut"}
    ref = {"record_type": "feature", "record_id": 3, "title": "Credit notes"}
    item = {"kind": "blocker_open", "severity": "medium", "title": "1 open blocker", "detail": "d",
            "path": "blockers", "count": 1, "refs": [ref]}
    assert mismatches(spec, schema, {"items": [item], "count": 1}) == []
    assert mismatches(spec, schema, {"items": [item | {"surprise": 1}], "count": 1}) == [
        "$.items[0]: key 'surprise' is not declared in the schema"]
    assert mismatches(spec, schema, {"items": []}) == ["$: required key 'count' missing"]
    assert mismatches(spec, schema, {"items": [item | {"count": 1.5}], "count": 1})
    assert mismatches(spec, schema, {"items": [item | {"severity": "urgent"}], "count": 1})
    problems = mismatches(spec, {"$ref": "#/components/schemas/ForecastOut"}, {"today": None, "target": "soon"})
    assert "$.today: NoneType None is not string" in problems  # a null where a day is always given
    assert any(p.startswith("$.target: matches no option") and "is not a date" in p for p in problems)
    assert "$: required key 'start' missing" in problems


# ---------------------------------------------------------------------------------------------- the walk


@dataclass
class Walk:
    """Calls endpoints as a workspace's owner and checks each answer against its operation's schema."""

    client: Any
    spec: dict[str, Any]
    headers: dict[str, str]
    base: str
    checked: dict[str, int] = field(default_factory=dict)
    operations: dict[str, tuple[str, str, dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.operations = _operations(self.spec)

    def __call__(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Any:
        op_method, template, op = self.operations[operation_id]
        assert op_method == method, (operation_id, op_method, method)
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template.removeprefix("/api/v1")))
        assert re.fullmatch(pattern, self.base + path.split("?")[0]), (operation_id, template, path)
        r = self.client.request(method, f"/api/v1{self.base}{path}", headers=self.headers, **kwargs)
        assert 200 <= r.status_code < 300, f"{method} {path}: {r.status_code} {r.text[:500]}"
        content = op["responses"][str(r.status_code)]["content"]
        media = r.headers["content-type"].split(";")[0]
        assert JSON.match(media) and media in content, (operation_id, media, list(content))
        body = r.json()
        problems = mismatches(self.spec, content[media]["schema"], body)
        assert not problems, f"{method} {path}: the answer does not match its schema:\n" + "\n".join(problems[:20])
        self.checked[operation_id] = self.checked.get(operation_id, 0) + 1
        return body


def _owner_walk(client: Any, container: Container, slug: str) -> Walk:
    with container.unit_of_work() as uow:
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        owner = next(m for m in accounts.members(uow=uow, workspace_id=ws.id) if m.role == "owner")
        _, token = accounts.create_token(uow=uow, workspace_id=ws.id, user_id=owner.user_id, name="schemas",
                                         actor=SYSTEM)
    return Walk(client, client.get("/api/v1/openapi.json").json(), {"Authorization": f"Bearer {token}"},
                f"/workspaces/{slug}")


def _in(walk: Walk, plural: str, query: str = "") -> list[dict[str, Any]]:
    r = walk.client.get(f"/api/v1{walk.base}/{plural}?limit=200{query}", headers=walk.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _sized(container: Container, slug: str) -> tuple[list[int], list[int]]:
    """The demo's problems that have a size and features that have a business case."""
    from sqlalchemy import select

    from tradeoff.sizing.model import BusinessCase, ProblemSize

    with container.unit_of_work() as uow:
        wid = accounts.workspace_by_slug(uow=uow, slug=slug).id
        problems = list(uow.session.scalars(select(ProblemSize.problem_id).where(ProblemSize.workspace_id == wid)))
        features = list(uow.session.scalars(select(BusinessCase.feature_id).where(BusinessCase.workspace_id == wid)))
    return sorted(problems), sorted(features)


def test_demo_answers_match_their_schemas(client, container: Container) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.demo.load import load_demo

    slug = f"schemas-{uuid.uuid4().hex[:8]}"
    with container.unit_of_work() as uow:
        load_demo(uow=uow, password="demo-password", anchor=date.today(), slug=slug)
    call = _owner_walk(client, container, slug)
    features, problems = _in(call, "features"), _in(call, "problems")
    customers, feedback, products = _in(call, "customers"), _in(call, "feedback"), _in(call, "products")
    teams, plans, competitors = _in(call, "teams"), _in(call, "plans"), _in(call, "competitors")
    commitments, components = _in(call, "commitments"), _in(call, "components")
    plan = next(p for p in plans if p["live"])
    sized_problems, cased_features = _sized(container, slug)
    promised = sorted({c["feature_id"] for c in commitments})
    released = sorted({i for r in plan["releases"] for i in r["feature_ids"]})
    shipped = [f["id"] for f in features if f["status"] == "shipped"]
    some = [f["id"] for f in features[:3]] + promised[:2] + released[:2] + shipped[:1]
    soon = (date.today() + timedelta(days=60)).isoformat()

    # demand
    for fid in some[:4]:
        call("getDemandSummary", "GET", f"/features/{fid}/demand")
    call("getDemandSummary", "GET", f"/problems/{problems[0]['id']}/demand")
    for query in ("", "?kind=problem&sort=count", "?currency=EUR&status=shipped"):
        call("listTopRequested", "GET", "/top-requested" + query)
    loop = call("getCloseTheLoop", "GET", f"/features/{shipped[0]}/close-the-loop")
    askers = [c["customer_id"] for c in loop["customers"] if c["customer_id"]]
    call("markCustomersTold", "POST", f"/features/{shipped[0]}/close-the-loop/told",
         json={"customer_ids": askers[:2]})
    call("getNpsBySegment", "GET", "/surveys/nps")
    call("getAttention", "GET", "/attention")
    csv = (f"text,customer,date,source\nExports are slow,{customers[0]['name']},2026-01-02,support\n"
           "We need SSO,Nobody Ltd,2026-01-03,sales_call\nbad,,not a date,support\n").encode()
    call("importFeedback", "POST", "/imports/feedback", files={"file": ("f.csv", csv)}, data={"dry_run": "true"})
    call("importFeedback", "POST", "/imports/feedback", files={"file": ("f.csv", csv)},
         data={"create_customers": "true", "skip_bad_rows": "true"})

    # briefs, blockers, implications
    for audience in ("exec", "customers"):
        call("saveBriefVersion", "POST", f"/briefs/{audience}/versions", json={"note": "first"})
        call("listBriefVersions", "GET", f"/briefs/{audience}/versions")
        call("diffBrief", "GET", f"/briefs/{audience}/diff")
    blocker = call("createBlocker", "POST", "/blockers", json={
        "title": "Ledger lock contention", "kind": "risk", "component_id": components[0]["id"],
        "extra_optimistic": 2, "extra_likely": 5, "extra_pessimistic": 12.5, "feature_ids": some[:3]})
    call("listBlockers", "GET", "/blockers")
    call("getBlocker", "GET", f"/blockers/{blocker['id']}")
    call("getBlockerImpact", "GET", f"/blockers/{blocker['id']}/impact")
    for fid in some[:3]:
        call("getTechnicalImplications", "GET", f"/features/{fid}/implications")
    call("archiveBlocker", "POST", f"/blockers/{blocker['id']}/archive")

    # capacity, estimates, work history
    call("getTeamCapacity", "GET", f"/teams/{teams[0]['id']}/capacity?periods=3")
    call("suggestEstimate", "GET", f"/features/{features[0]['id']}/estimate-suggestion")
    call("listEstimates", "GET", "/estimates")
    call("listWorkItems", "GET", "/workitems?limit=20")
    call("getWorkHistorySummary", "GET", "/workitems/summary")
    items = (b"Issue key,Summary,Issue Type,Status,Created,Resolved,Story Points\n"
             b"ZZ-1,Fix it,Story,Done,2026-01-02,2026-01-09,3\nZZ-2,Drop it,Bug,Won't Do,2026-01-02,2026-01-04,\n"
             b"ZZ-3,Bad,Story,Done,not a date,,x\n")
    call("importWorkItems", "POST", "/imports/workitems", files={"file": ("w.csv", items)}, data={"dry_run": "true"})
    call("importWorkItems", "POST", "/imports/workitems", files={"file": ("w.csv", items)},
         data={"skip_bad_rows": "true"})
    crm = (f"Record ID,Company name,Lifecycle Stage,ARR,Amount,Close Date\n,{customers[0]['name']},Customer,"
           "\"1,000\",,\nC-2,Newco,Lead,,\"5,000\",2030-01-31\nC-3,Bad Lead,Lead,\"5,000\",,\n").encode()
    call("importCustomers", "POST", "/imports/customers", files={"file": ("c.csv", crm)}, data={"dry_run": "true"})
    call("importCustomers", "POST", "/imports/customers", files={"file": ("c.csv", crm)},
         data={"skip_bad_rows": "true"})
    deals = (f"Account Name,Account ID,Stage,Amount,Close Date\n{customers[0]['name']},,Closed Won,\"1,000\",\n"
             "Newco,C-2,Negotiation,\"5,000\",2030-01-31\nNewco,C-2,Closed Lost,700,2029-01-31\n").encode()
    call("importCustomers", "POST", "/imports/customers", files={"file": ("d.csv", deals)},
         data={"dry_run": "true", "rows_are_deals": "true"})

    # plans and forecasts
    candidates = plan["feature_ids"] or [f["id"] for f in features if f["status"] not in ("shipped", "wont_do")]
    call("comparePlanScenario", "POST", f"/plans/{plan['id']}/what-if",
         json={"add_people": [{"team_id": teams[0]["id"], "people": 1}], "time_limit": 1})
    call("getRoadmapBoard", "GET", "/roadmap")
    call("getForecast", "GET", f"/forecast?trials=200&target={soon}")
    call("getForecast", "GET", f"/forecast?trials=200&plan_id={plan['id']}&source=capacity")
    for fid in some[:2] + candidates[:1]:
        call("getFeatureForecast", "GET", f"/features/{fid}/forecast?target={soon}")
    for fid in some:
        call("getFeatureDelivery", "GET", f"/features/{fid}/delivery?by={soon}")
    call("getCommitmentOverview", "GET", "/commitment-overview")
    call("getCommitmentOverview", "GET", "/commitment-overview?at_risk=true")
    call("getDeliverySettings", "GET", "/delivery-settings")
    call("setDeliverySettings", "PUT", "/delivery-settings", json={"risk_threshold": 0.9})
    call("recomputeCommitments", "POST", "/commitment-forecasts", json={"trials": 200})
    call("listCommitmentEvents", "GET", "/commitment-events")

    # sizing, scoring, ranking, stakeholders, competitors, strategy
    for pid in sized_problems[:3]:
        call("getProblemSizing", "GET", f"/problems/{pid}/size")
    for fid in cased_features[:3] + [features[0]["id"]]:
        call("getFeatureSizing", "GET", f"/features/{fid}/business-case")
        call("getFeatureScores", "GET", f"/features/{fid}/scores")
    call("setScoringInputs", "PUT", f"/features/{features[0]['id']}/scoring-inputs",
         json={"values": {"reach": 100, "impact": [1, 2, 3]}})
    call("listScoringFormulas", "GET", "/scoring/formulas")
    call("saveScoringFormula", "PUT", "/scoring/formulas/quick", json={"text": "reach * impact / effort"})
    call("getScoringSettings", "GET", "/scoring/settings")
    call("setScoringSettings", "PUT", "/scoring/settings", json={"default_framework": "wsjf"})
    call("getRankedBacklog", "GET", "/ranking")
    call("getRankedBacklog", "GET", f"/ranking?framework=quick&status=open&product_id={products[0]['id']}")
    call("getValueEffort", "GET", "/ranking/value-effort")
    call("compareFrameworks", "GET", "/ranking/compare")
    call("getTopStability", "GET", "/ranking/stability?framework=rice&draws=100")
    call("getStakeholderAnalysis", "GET", "/stakeholders")
    call("setCapability", "PUT", f"/competitors/{competitors[0]['id']}/capabilities/{features[0]['id']}",
         json={"status": "have", "note": "since 2025"})
    call("getCompetitorMatrix", "GET", "/competitor-matrix")
    for p in products:
        call("getProductStrategy", "GET", f"/products/{p['id']}/strategy")

    # triage, notifications, views, audit
    call("getTriageStatus", "GET", "/triage/status")
    for f in feedback[:3]:
        call("listSimilar", "GET", f"/feedback/{f['id']}/similar")
    call("splitNotes", "POST", "/feedback/split",
         json={"text": f"Tue 1 Dec — {customers[0]['name']} (CFO)\n- exports are slow\n- want SSO\n\nOther\n* a point"})
    call("listThemes", "GET", "/themes")
    call("markAllNotificationsRead", "POST", "/notifications/read-all")
    view = call("createView", "POST", "/views", json={"collection": "features", "name": "Shipped", "query": {
        "q": "invoice", "sort": "-title", "filters": {"status": "shipped"}}})
    call("listViews", "GET", "/views")
    call("getView", "GET", f"/views/{view['id']}")
    call("listAuditEvents", "GET", "/audit?limit=200")

    assert DICT_ANSWERS - {"runTriage"} <= set(call.checked), DICT_ANSWERS - set(call.checked)


def test_answers_of_a_new_workspace_match_their_schemas(client, container: Container, world: World) -> None:  # type: ignore[no-untyped-def]
    """The other side of each answer: nothing estimated, planned, sized or forecast yet (nulls, declines, empty
    lists), and triage run for real."""
    call = _owner_walk(client, container, world.slug)

    def post(plural: str, body: dict[str, Any]) -> dict[str, Any]:
        r = client.post(f"/api/v1{call.base}/{plural}", json=body, headers=call.headers)
        assert r.status_code == 201, r.text
        return dict(r.json())

    product = post("products", {"name": "Ledgerly"})
    done = post("features", {"title": "Invoice export", "status": "shipped", "product_id": product["id"]})
    idea = post("features", {"title": "Dunning emails"})
    problem = post("problems", {"statement": "Finance teams cannot see which invoices are overdue"})
    team = post("teams", {"name": "Invoicing", "members": [{"name": "Ada"}]})
    post("plans", {"name": "Next quarter", "start": date.today().isoformat(), "team_ids": [team["id"]],
                   "live": True})
    words = post("feedback", {"text": "Overdue invoices are hard to find"})

    for op, path in [
        ("getDemandSummary", f"/features/{done['id']}/demand"), ("getDemandSummary", f"/problems/{problem['id']}/demand"),
        ("getCloseTheLoop", f"/features/{done['id']}/close-the-loop"), ("listTopRequested", "/top-requested"),
        ("getNpsBySegment", "/surveys/nps"), ("getAttention", "/attention"), ("listBlockers", "/blockers"),
        ("getTechnicalImplications", f"/features/{idea['id']}/implications"),
        ("getTeamCapacity", f"/teams/{team['id']}/capacity"), ("suggestEstimate", f"/features/{idea['id']}/estimate-suggestion"),
        ("listEstimates", "/estimates"), ("listWorkItems", "/workitems"), ("getWorkHistorySummary", "/workitems/summary"),
        ("getRoadmapBoard", "/roadmap"), ("getForecast", "/forecast"), ("getForecast", "/forecast?source=history"),
        ("getFeatureForecast", f"/features/{idea['id']}/forecast"), ("getFeatureDelivery", f"/features/{idea['id']}/delivery"),
        ("getFeatureDelivery", f"/features/{done['id']}/delivery"), ("getCommitmentOverview", "/commitment-overview"),
        ("listCommitmentEvents", "/commitment-events"), ("getFeatureSizing", f"/features/{idea['id']}/business-case"),
        ("getFeatureScores", f"/features/{idea['id']}/scores"), ("listScoringFormulas", "/scoring/formulas"),
        ("getRankedBacklog", "/ranking"), ("getValueEffort", "/ranking/value-effort"), ("compareFrameworks", "/ranking/compare"),
        ("getTopStability", "/ranking/stability"), ("getStakeholderAnalysis", "/stakeholders"),
        ("getCompetitorMatrix", "/competitor-matrix"), ("getProductStrategy", f"/products/{product['id']}/strategy"),
        ("getTriageStatus", "/triage/status"), ("listSimilar", f"/feedback/{words['id']}/similar"),
        ("listThemes", "/themes"), ("listViews", "/views"), ("listAuditEvents", "/audit"),
    ]:
        call(op, "GET", path)
    call("runTriage", "POST", "/triage/run")
    call("recomputeCommitments", "POST", "/commitment-forecasts")
    call("splitNotes", "POST", "/feedback/split", json={"text": "- one thing\n- another"})
    blocker = call("createBlocker", "POST", "/blockers", json={
        "title": "Vendor SDK", "extra_optimistic": 1, "extra_likely": 2, "extra_pessimistic": 3,
        "feature_ids": [idea["id"]]})
    call("getBlockerImpact", "GET", f"/blockers/{blocker['id']}/impact")


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_of_known_rows_matches_its_schema(client, container: Container, world: World,  # type: ignore[no-untyped-def]
                                                    dry_run: bool) -> None:
    """A file imported again with a new row: the rows already there are listed (in the preview or the summary)."""
    call = _owner_walk(client, container, world.slug)
    csv = b"text,date\nExports are slow,2026-01-02\nWe need SSO,2026-01-03\n"
    call("importFeedback", "POST", "/imports/feedback", files={"file": ("f.csv", csv)})
    answer = call("importFeedback", "POST", "/imports/feedback", data={"dry_run": str(dry_run).lower()},
                  files={"file": ("f.csv", csv + b"Reminders go out twice,2026-01-04\n")})
    assert answer["dry_run"] is dry_run
    assert [r["row"] for r in answer["already_imported"]] == [1, 2]
