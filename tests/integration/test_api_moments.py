"""Every moment the API writes is spelled one way: RFC 3339 in UTC with a Z, as its models write them. Walked over
every GET endpoint of the demo workspace (records, audit, estimates, work history, plans, commitments, close the
loop, ...) on SQLite and PostgreSQL, each endpoint's path filled with ids the demo holds."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from tests.conftest import SYSTEM
from tradeoff.accounts import service as accounts
from tradeoff.bootstrap import Container

MOMENT = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)([^"]*)"')


def _ids(client: Any, base: str, headers: dict[str, str]) -> dict[str, int]:
    """An id of each kind of record for the path parameters, read from the demo's own lists."""
    out: dict[str, int] = {}
    for kind, name in (("features", "feature_id"), ("problems", "problem_id"), ("customers", "customer_id"),
                       ("feedback", "feedback_id"), ("plans", "plan_id"), ("teams", "team_id"),
                       ("commitments", "commitment_id"), ("products", "product_id"), ("decisions", "decision_id")):
        items = client.get(f"{base}/{kind}?limit=1", headers=headers).json()["items"]
        if items:
            out[name] = items[0]["id"]
    return out


def test_every_moment_is_utc_with_a_z(client: Any, container: Container) -> None:
    from tradeoff.demo.load import load_demo

    slug = f"moments-{uuid.uuid4().hex[:8]}"
    with container.unit_of_work() as uow:
        load_demo(uow=uow, password="demo-password", anchor=date.today(), slug=slug)
        ws = accounts.workspace_by_slug(uow=uow, slug=slug)
        owner = next(m for m in accounts.members(uow=uow, workspace_id=ws.id) if m.role == "owner")
        _, token = accounts.create_token(uow=uow, workspace_id=ws.id, user_id=owner.user_id, name="t", actor=SYSTEM)
    h = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/workspaces/{slug}"
    ids = _ids(client, base, h)
    # the demo shows what a PM keeps: three saved what-ifs beside its live plan, and a person invited, not joined yet
    live = client.get(f"{base}/plans?live=true", headers=h).json()["items"][0]["id"]
    kept = client.get(f"{base}/plans/{live}/what-ifs", headers=h).json()["what_ifs"]
    assert [w["name"] for w in kept] == ["Hire one for Payments next month", "Without the fast invoice list",
                                         "Credit notes promised for February"]
    assert not any(w["outdated"] or w["infeasible"] for w in kept)
    assert [i["email"] for i in client.get(f"{base}/invitations", headers=h).json()] == ["jonas.berg@ledgerly.example"]
    # its roadmap's technology lane reads as the lanes do: by when work starts
    lane = client.get(f"{base}/roadmap", headers=h).json()["technology"]
    starts = [(i["period"] is None, i["first_period"] or 0, i["period"] or 0) for i in lane]
    assert len(lane) >= 3 and starts == sorted(starts), starts
    spec = client.get("/api/v1/openapi.json").json()
    seen, odd = 0, []
    for path, ops in spec["paths"].items():
        path = path.removeprefix("/api/v1")  # the document's paths are relative to its server, /api/v1
        if "get" not in ops or not path.startswith("/workspaces/{workspace}"):
            continue
        url = path.replace("/workspaces/{workspace}", base)
        for name in re.findall(r"\{(\w+)\}", url):
            kind = path.split("/{" + name)[0].rsplit("/", 1)[-1]
            value = ids.get(name) or ids.get({"feedback": "feedback_id"}.get(kind, kind.rstrip("s") + "_id"))
            url = url.replace("{" + name + "}", str(value or 1))
        r = client.get(url, headers=h)
        if not r.headers.get("content-type", "").startswith("application/json") or r.status_code != 200:
            continue
        for moment, zone in MOMENT.findall(r.text):
            seen += 1
            if zone != "Z":
                odd.append((url, moment + zone))
    assert seen > 100, f"the walk should meet the demo's moments: {seen}, ids {ids}"
    assert not odd, f"moments not written as UTC with a Z: {odd[:5]} ({len(odd)} in all)"
