"""Every endpoint, walked from the OpenAPI document: outsiders get 404, bad bodies get 422 problem+json, never 500."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import World

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _operations(client) -> list[tuple[str, str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").json()
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()
            if path.startswith("/workspaces/{workspace}")]


def _seed(client, world: World) -> dict[str, int]:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    ids = {}
    ids["products"] = client.post(world.api("/products"), json={"name": "P"}, headers=h).json()["id"]
    ids["customers"] = client.post(world.api("/customers"), json={"name": "C", "arr": 10}, headers=h).json()["id"]
    ids["feedback"] = client.post(world.api("/feedback"), json={"text": "need sso", "customer_id": ids["customers"]},
                                  headers=h).json()["id"]
    ids["problems"] = client.post(world.api("/problems"), json={"statement": "S"}, headers=h).json()["id"]
    ids["features"] = client.post(world.api("/features"), json={"title": "F"}, headers=h).json()["id"]
    ids["links"] = client.post(world.api("/links"), json={"feedback_id": ids["feedback"], "feature_id": ids["features"]},
                               headers=h).json()["id"]
    ids["tokens"] = client.post(world.api("/tokens"), json={"name": "x"}, headers=h).json()["id"]
    # delivery (issue 5)
    from datetime import date, timedelta

    ids["teams"] = client.post(world.api("/teams"), json={"name": "T", "members": ["Ana"]}, headers=h).json()["id"]
    ids["components"] = client.post(world.api("/components"), json={"name": "C"}, headers=h).json()["id"]
    ids["plans"] = client.post(world.api("/plans"), json={"name": "P", "start": date.today().isoformat()},
                               headers=h).json()["id"]
    ids["commitments"] = client.post(world.api("/commitments"), json={
        "feature_id": ids["features"], "customer_id": ids["customers"],
        "due": (date.today() + timedelta(days=30)).isoformat()}, headers=h).json()["id"]
    ids["shares"] = client.post(world.api("/shares"), json={"product_id": ids["products"]}, headers=h).json()["id"]
    ids["views"] = client.post(world.api("/views"), json={"collection": "features", "name": "V", "shared": True},
                               headers=h).json()["id"]
    ids["invitations"] = client.post(world.api("/invitations"), json={"email": "invited@example.com", "role": "pm"},
                                     headers=h).json()["id"]
    return ids


def _fill(path: str, world: World, ids: dict[str, int]) -> str:
    path = path.replace("{workspace}", world.slug)
    path = path.replace("{kind}", "features")

    def repl(m: re.Match[str]) -> str:
        before = path[: m.start()].rstrip("/").split("/")[-1]
        return str(ids.get(before, ids["features"]))

    return "/api/v1" + re.sub(r"\{[a-z_]+\}", repl, path)


def test_outsider_gets_404_from_every_endpoint(client, world: World) -> None:
    ids = _seed(client, world)
    ops = _operations(client)
    assert len(ops) >= 45
    for method, path, _ in ops:
        url = _fill(path, world, ids)
        r = client.request(method, url, headers=world.charlie.headers, json={})
        assert r.status_code == 404, f"{method} {url} gave {r.status_code} to an outsider: {r.text[:200]}"
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "need sso" not in r.text
    # and the records are untouched
    assert client.get(world.api(f"/feedback/{ids['feedback']}"), headers=world.alice.headers).json()["version"] == 1


def test_no_or_bad_token_is_401(client, world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer tdo_nope"}, {"Authorization": "Basic abc"}):
        r = client.get(world.api("/customers"), headers=headers)
        assert r.status_code == 401 and set(r.json()) >= PROBLEM_KEYS


def test_revoked_token_stops_working_and_last_used_is_recorded(client, world: World) -> None:
    created = client.post(world.api("/tokens"), json={"name": "ci"}, headers=world.alice.headers).json()
    tok = {"Authorization": f"Bearer {created['token']}"}
    assert client.get(world.api("/me"), headers=tok).json()["email"] == world.alice.email
    listed = {t["id"]: t for t in client.get(world.api("/tokens"), headers=tok).json()}
    assert listed[created["id"]]["last_used_at"] is not None and "token" not in listed[created["id"]]
    assert client.delete(world.api(f"/tokens/{created['id']}"), headers=world.alice.headers).status_code == 200
    assert client.get(world.api("/me"), headers=tok).status_code == 401


MALFORMED: list[tuple[str, Any]] = [
    ("not json", b"{not json"),
    ("array", []),
    ("string", "hello"),
    ("unknown field", {"zzz_unknown": 1}),
    ("wrong types", {"name": 5, "text": ["a"], "statement": {}, "title": 3.5, "arr": "lots", "feedback_id": "x",
                     "body": None, "email": "not-an-email", "role": "king", "items": "nope"}),
    ("overlong", {"name": "x" * 5000, "text": "x" * 30000, "statement": "x" * 6000, "title": "x" * 400,
                  "body": "x" * 20000, "items": [{"name": "x" * 5000, "text": "x" * 30000}]}),
]


@pytest.mark.parametrize("label,body", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bodies_to_every_write_endpoint(client, world: World, label: str, body: Any) -> None:
    ids = _seed(client, world)
    writes = [(m, p, op) for m, p, op in _operations(client) if m in {"POST", "PUT", "PATCH"} and "requestBody" in op]
    assert len(writes) >= 15
    for method, path, op in writes:
        url = _fill(path, world, ids)
        takes_json = "application/json" in op["requestBody"].get("content", {})
        kwargs = {"content": body, "headers": {**world.alice.headers, "content-type": "application/json"}} \
            if isinstance(body, bytes) else {"json": body, "headers": world.alice.headers}
        r = client.request(method, url, **kwargs)
        problem = r.json()
        if label == "not json" and takes_json:  # unreadable: 400, as documented, saying where reading stopped
            assert r.status_code == 400 and "not valid JSON" in problem["detail"], f"{method} {url}: {r.text[:300]}"
            assert set(problem) >= PROBLEM_KEYS - {"errors"}
            continue
        assert r.status_code == 422, f"{method} {url} with {label}: {r.status_code} {r.text[:300]}"
        assert set(problem) >= PROBLEM_KEYS and problem["errors"], problem
        assert all(e["loc"] and e["msg"] for e in problem["errors"])


def test_validation_errors_name_the_field(client, world: World) -> None:
    r = client.post(world.api("/customers"), json={"name": "A", "arr": -1, "zzz": 1}, headers=world.alice.headers)
    locs = {tuple(e["loc"]) for e in r.json()["errors"]}
    assert ("body", "arr") in locs and ("body", "zzz") in locs
    r = client.post(world.api("/feedback"), json={"text": "   "}, headers=world.alice.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "text"]
    r = client.post(world.api("/feedback"), json={"text": "a\x00b"}, headers=world.alice.headers)
    assert r.status_code == 422
    # nothing visible (zero-width spaces, a direction mark, control characters) is not what a customer said
    for text in ("\u200b\u200b", " \u200e\ufeff\n", "\x01\x02\x03"):
        r = client.post(world.api("/feedback"), json={"text": text}, headers=world.alice.headers)
        assert r.status_code == 422 and "text is empty" in r.text, text
        assert r.json()["errors"][0]["loc"] == ["body", "text"]
    r = client.post(world.api("/feedback"), json={"text": "\x08fine\x1bthen\ttab\r\nlines"},
                    headers=world.alice.headers)
    assert r.status_code == 201 and r.json()["text"] == "finethen\ttab\r\nlines"  # stray controls dropped
    r = client.post(world.api("/feedback"), json={"text": "later", "reported_at": "2030-01-01T00:00:00Z"},
                    headers=world.alice.headers)
    assert r.status_code == 422 and "2030-01-01 is in the future" in r.text
    assert r.json()["errors"][0]["loc"] == ["body", "reported_at"]
    r = client.post(world.api("/feedback"), json={"text": "ok", "source": "pigeon"}, headers=world.alice.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "source"]
    r = client.post(world.api("/feedback"), json={"text": "ok", "customer_id": 987654}, headers=world.alice.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "customer_id"]


def test_batch_is_all_or_nothing_and_idempotent(client, world: World) -> None:
    h = world.alice.headers
    before = len(client.get(world.api("/customers?limit=200"), headers=h).json()["items"])
    bad = {"items": [{"name": "ok1"}, {"name": "ok2"}, {"name": "bad", "arr": -3}]}
    r = client.post(world.api("/customers/batch"), json=bad, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][:3] == ["body", "items", 2]
    # a service-level failure (unknown customer) half way also rolls back everything
    fb = {"items": [{"text": "first"}, {"text": "second", "customer_id": 424242}]}
    r = client.post(world.api("/feedback/batch"), json=fb, headers=h)
    assert r.status_code == 422 and "items[1]" in r.json()["detail"]
    assert client.get(world.api("/feedback?q=first"), headers=h).json()["items"] == []
    # every refused item is named, not only the first
    fb = {"items": [{"text": "a", "customer_id": 424242}, {"text": "b"}, {"text": "c", "source": "survey",
                                                                         "score_kind": "nps", "score": 7,
                                                                         "customer_id": 525252}]}
    count = len(client.get(world.api("/feedback?limit=200"), headers=h).json()["items"])
    r = client.post(world.api("/feedback/batch"), json=fb, headers=h)
    assert r.status_code == 422 and "items[0]" in r.json()["detail"] and "items[2]" in r.json()["detail"]
    assert [e["loc"][:3] for e in r.json()["errors"]] == [["body", "items", 0], ["body", "items", 2]]
    assert len(client.get(world.api("/feedback?limit=200"), headers=h).json()["items"]) == count
    assert len(client.get(world.api("/customers?limit=200"), headers=h).json()["items"]) == before

    good = {"items": [{"name": "n1"}, {"name": "n2"}]}
    k = {**h, "Idempotency-Key": "import-42"}
    first = client.post(world.api("/customers/batch"), json=good, headers=k)
    again = client.post(world.api("/customers/batch"), json=good, headers=k)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert len(client.get(world.api("/customers?limit=200"), headers=h).json()["items"]) == before + 2
    other = client.post(world.api("/customers/batch"), json={"items": [{"name": "n3"}]}, headers=k)
    assert other.status_code == 409
    assert client.post(world.api("/customers/batch"), json={"items": []}, headers=h).status_code == 422
    many = {"items": [{"name": f"c{i}"} for i in range(1001)]}
    assert client.post(world.api("/customers/batch"), json=many, headers=h).status_code == 422


def test_the_openapi_document_names_the_problems_the_api_answers(client, world: World) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for method, path, op in _operations(client):
        codes = set(op["responses"])
        assert {"401", "403", "404", "422", "429"} <= codes, (method, path)
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            assert {"400", "409", "412"} <= codes, (method, path)
        assert op["responses"]["404"]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    # what it says is what comes back: a 404 and a 422 are problem+json with the Problem's fields
    required = set(spec["components"]["schemas"]["Problem"]["required"])
    for r in (client.get(world.api("/features/999999"), headers=world.alice.headers),
              client.post(world.api("/features"), json={}, headers=world.alice.headers),
              client.get(world.api("/briefs/%0Aexec/diff"), headers=world.alice.headers)):
        assert r.headers["content-type"].startswith("application/problem+json"), r.text[:200]
        assert required <= set(r.json())


def test_the_openapi_document_lists_the_values_a_parameter_takes(client) -> None:
    """Parameters a service checks against a fixed list (sort orders, brief audiences and formats, feature
    statuses) carry that list as an enum, so clients and generated SDKs need not guess."""
    spec = client.get("/api/v1/openapi.json").json()

    def param(path: str, name: str, method: str = "get") -> dict[str, Any]:
        return next(p["schema"] for p in spec["paths"][path][method]["parameters"] if p["name"] == name)

    sort = param("/workspaces/{workspace}/feedback", "sort")["enum"]
    assert {"reported_at", "-reported_at", "confidence", "-confidence", "id"} <= set(sort)
    assert "-id" in param("/workspaces/{workspace}/links", "sort")["enum"]
    assert param("/workspaces/{workspace}/briefs/{audience}", "audience")["enum"] == [
        "exec", "engineering", "sales", "customers"]
    assert "pdf" in param("/workspaces/{workspace}/briefs/{audience}", "format")["enum"]
    assert "wont_do" in param("/workspaces/{workspace}/top-requested", "status")["enum"]


def test_answers_that_are_not_json_are_documented_as_what_they_are(client) -> None:
    """A fuzzer found a saved brief's Markdown documented as JSON; every non-JSON answer names its own type."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    ok = paths["/workspaces/{workspace}/briefs/{audience}/versions/{version_id}"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/markdown"]
    brief = paths["/workspaces/{workspace}/briefs/{audience}"]["get"]["responses"]["200"]["content"]
    assert "application/json" not in brief and {"text/markdown", "application/pdf"} <= set(brief)


def test_unknown_routes_and_methods_are_problems(client, world: World) -> None:
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = client.put(world.api("/customers"), headers=world.alice.headers)
    assert r.status_code == 405 and set(r.json()) >= PROBLEM_KEYS


def test_openapi_operation_ids_are_clean(client) -> None:
    ops = [op["operationId"] for _, _, op in _operations(client)]
    assert len(ops) == len(set(ops))
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", o) for o in ops), ops


HUGE = 10**30  # more than any 64-bit integer


def test_numbers_too_large_for_the_database_are_named_never_500(client, world: World) -> None:
    """The same answer on SQLite (which cannot bind such a number) and PostgreSQL: 422 naming the field."""
    ids = _seed(client, world)
    h = world.alice.headers
    walked = 0
    for method, path, _ in _operations(client):
        if not re.search(r"\{(?!workspace\})[a-z_]+\}", path):
            continue
        url = _fill(path, world, {k: HUGE for k in ids} | {"features": HUGE})
        r = client.request(method, url, headers=h, **({"json": {}} if method in {"POST", "PUT", "PATCH"} else {}))
        assert r.status_code == 422, f"{method} {url}: {r.status_code} {r.text[:200]}"
        assert r.json()["errors"][0]["loc"][0] == "path" and "too large" in r.json()["detail"]
        walked += 1
    assert walked >= 40
    r = client.get(world.api(f"/links?feedback_id={HUGE}"), headers=h)
    assert r.status_code == 422 and r.json()["errors"] == [
        {"loc": ["query", "feedback_id"], "msg": "out of range: at most 2147483647", "value": str(HUGE)}]
    assert client.get(world.api(f"/feedback?q={HUGE}"), headers=h).status_code == 200  # search text, not a number
    r = client.get(world.api("/plans?status=%C2%B2&x=%E2%82%86"), headers=h)  # '²', '₆' in parameters plans lack
    assert r.status_code == 422 and [e["loc"] for e in r.json()["errors"]] == [["query", "status"], ["query", "x"]]
    assert client.get(world.api("/features?status=%C2%B2"), headers=h).status_code == 422  # not a status: named
    r = client.post(world.api("/objectives"), json={"title": "Grow", "feature_ids": [ids["features"], HUGE]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "feature_ids"]
    r = client.post(world.api("/themes/problem"), json={"statement": "S", "feedback_ids": [-HUGE]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "feedback_ids"]
    # PostgreSQL's integer columns stop at 2**31 - 1: just past it is refused the same way on both back ends
    r = client.get(world.api(f"/customers/{2**31}"), headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["path", "record_id"]
    assert client.get(world.api(f"/customers/{2**31 - 1}"), headers=h).status_code == 404


def test_text_the_database_cannot_hold_is_refused_naming_the_field(client, world: World) -> None:
    """PostgreSQL stores no NUL character (in text or JSON) and holds a column's declared width: refused as input
    on both back ends, never a 500."""
    h = world.alice.headers
    r = client.post(world.api("/problems"), json={"statement": "ok", "persona": "a\u0000b"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "persona"]
    r = client.post(world.api("/features"), json={"title": "ok", "acceptance_criteria": ["fine", "not\u0000fine"]},
                    headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][:2] == ["body", "acceptance_criteria"]
    # free-text fields hold what their forms allow (a segment was 20 characters wide on PostgreSQL)
    long = "Mid-market healthcare providers in the Nordics"
    r = client.post(world.api("/problems"), json={"statement": "Invoices bounce", "segment": long}, headers=h)
    assert r.status_code == 201 and r.json()["segment"] == long
    r = client.post(world.api("/customers"), json={"name": "Acme", "plan": "p" * 150}, headers=h)
    assert r.status_code == 201 and r.json()["plan"] == "p" * 150


def test_null_for_a_field_that_needs_a_value_is_named(client, world: World) -> None:
    ids = _seed(client, world)
    h = world.alice.headers
    for kind, field in (("feedback", "reporter"), ("products", "name"), ("customers", "name"), ("teams", "name")):
        r = client.patch(world.api(f"/{kind}/{ids[kind]}"), json={field: None}, headers=h)
        assert r.status_code == 422, (kind, r.text)
        assert r.json()["errors"][0]["loc"] == ["body", field] and "cannot be null" in r.json()["detail"]
    # a field that may be empty is cleared by null
    r = client.patch(world.api(f"/feedback/{ids['feedback']}"), json={"customer_id": None}, headers=h)
    assert r.status_code == 200 and r.json()["customer"] is None


def test_an_archived_feature_keeps_its_scores(client, world: World) -> None:
    ids = _seed(client, world)
    h = world.alice.headers
    assert client.delete(world.api(f"/features/{ids['features']}"), headers=h).status_code == 200
    r = client.get(world.api(f"/features/{ids['features']}/scores"), headers=h)
    assert r.status_code == 200 and r.json()["feature_id"] == ids["features"]
