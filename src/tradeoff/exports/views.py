"""What each export holds: the answer of a service (a list of records, the ranked backlog, the most requested
features, the promises, the forecast) as a table. The doors call the service with a person's filters, exactly as
for the page or the JSON answer, and hand its answer here: a CSV file never says something the screen does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from tradeoff.exports.table import Column, Table, columns


def records(name: str, out_schema: type[BaseModel], items: Iterable[dict[str, Any]]) -> Table:
    """Records as their API shape shows them (`out_schema`'s fields, in its order), one per row; a record they
    refer to (a feedback item's customer) is shown by its name: its id has a column of its own."""
    cols = tuple(Column(key, key) for key in out_schema.model_fields)
    return Table(name, cols, (_named(item) for item in items))


def _named(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v["name"] if isinstance(v, dict) and "name" in v and "id" in v else v for k, v in item.items()}


def ranking(result: Mapping[str, Any]) -> Table:
    """The ranked backlog: rank, score, the formula with its values, and each input with where it came from."""
    inputs = list(dict.fromkeys(k for item in result["items"] for k in item["inputs"]))
    rows = []
    for item in result["items"]:
        row = {k: item.get(k) for k in ("rank", "id", "title", "status", "product_id", "score", "explanation",
                                        "not_scored_reason", "displacement_risk")}
        for k in inputs:
            used = item["inputs"].get(k) or {}
            row[f"in:{k}"] = used.get("value")
            row[f"from:{k}"] = used.get("source")
        rows.append(row)
    cols = columns(("rank", "rank"), ("id", "feature id"), ("title", "feature"), ("status", "status"),
                   ("product_id", "product id"), ("score", f"score ({result['framework']})"),
                   ("explanation", "how the score is made"), ("not_scored_reason", "not scored because"),
                   ("displacement_risk", "displaces revenue"))
    cols += tuple(c for k in inputs for c in (Column(f"in:{k}", k), Column(f"from:{k}", f"{k} from")))
    return Table("ranking", cols, tuple(rows))


def top_requested(result: Mapping[str, Any]) -> Table:
    """Problems or features by demand; ARR in the answer's currency (others converted at the workspace's rates),
    ARR in currencies without a rate in their own column."""
    currency = result["currency"]
    rows = [{**item, "other_arr": item.get("arr_left_out") or None,
             "other_deals": item.get("deal_value_left_out") or None} for item in result["items"]]
    title = "feature" if result["kind"] == "feature" else "problem"
    return Table(f"top-requested-{result['kind']}s", columns(
        ("id", f"{title} id"), ("title", title), ("status", "status"), ("feedback_count", "feedback"),
        ("customer_count", "customers"), ("arr", f"ARR ({currency})"), ("other_arr", "ARR not counted (no exchange rate)"),
        ("deals", "open deals"), ("deal_value", f"open deals' expected ARR ({currency})"),
        ("other_deals", "deal value not counted (no exchange rate)")),
        tuple(rows))


def commitments(result: Mapping[str, Any]) -> Table:
    """Every promise with its chance of being kept, the date likely enough, and the ARR at stake."""
    pct = f"chance (at risk below {result['threshold']:.0%})"
    return Table("commitments", columns(
        ("id", "commitment id"), ("customer", "customer"), ("customer_id", "customer id"), ("feature", "feature"),
        ("feature_id", "feature id"), ("due", "due"), ("promised_by", "promised by"), ("probability", pct),
        ("at_risk", "at risk"), ("kept_by", f"{result['threshold']:.0%} likely by"), ("shipped", "shipped"),
        ("arr_at_stake", "ARR at stake"), ("currency", "currency"), ("prospect", "prospect"),
        ("deal_at_stake", "open deal (expected ARR)"), ("deal_close", "deal expected to close"),
        ("forecast_reason", "not forecast because"),
        ("forecast_at", "forecast at"), ("live_plan", "live plan")),
        tuple(r | {"live_plan": (r.get("plan_check") or {}).get("detail")} for r in result["items"]))


def forecast(result: Mapping[str, Any]) -> Table:
    """Each forecast feature's dates (P50/P85/P95) and chance by the target, then the features that are not
    forecast, saying why: the export holds the whole backlog, not only what could be simulated."""
    target = result.get("target")
    rows: list[dict[str, Any]] = [
        {"feature_id": f["feature_id"], "title": f["title"], "team": f["team"],
         "shared_with": f.get("shared_with") or None, "category": f["category"], "p50": f["p50"], "p85": f["p85"],
         "p95": f["p95"], "probability_by_target": f.get("probability_by_target") if target else None,
         "planned_from": f.get("planned_from"), "planned_to": f.get("planned_to"),
         "against_plan": f.get("against_plan")}
        for f in result.get("features", [])]
    rows += [{"feature_id": s["feature_id"], "title": s["title"], "not_forecast": s["reason"]}
             for s in result.get("skipped", [])]
    if result.get("status") != "ok" and result.get("reason"):
        rows.append({"not_forecast": f"no forecast: {result['reason']}"})
    cols = columns(("feature_id", "feature id"), ("title", "feature"), ("team", "team"),
                   ("shared_with", "shared with"), ("category", "kind of work"), ("p50", "P50"), ("p85", "P85"),
                   ("p95", "P95"), ("planned_from", "planned from"), ("planned_to", "planned to"),
                   ("against_plan", "forecast against plan"))
    if target:
        cols += (Column("probability_by_target", f"chance by {target}"),)
    cols += (Column("not_forecast", "not forecast because"),)
    return Table("forecast", cols, tuple(rows))


def close_the_loop(result: Mapping[str, Any]) -> Table:
    """Who to tell that a feature shipped, one row per customer: the account owner, who heard the request, and
    every passage they said (newest last), for a mail merge or a CRM task list; "told" is empty until they are told
    (and again if they asked again since)."""
    rows = [{**c, "said": [s["words"] for s in c["said"]], "first_asked": min((s["reported_at"] for s in c["said"]
                                                                                if not s.get("date_unknown")),
                                                                               default=None),
             "feedback_ids": [s["feedback_id"] for s in c["said"]],
             "told_at": c["told_at"] if c["told"] else None,
             "told_by": c["told_by"] if c["told"] else None} for c in result["customers"]]
    return Table(f"close-the-loop-{result['feature_id']}", columns(
        ("customer", "customer"), ("customer_id", "customer id"), ("arr", "ARR"), ("currency", "currency"),
        ("account_owner", "account owner"), ("reporters", "heard by"), ("said", "what they said"),
        ("first_asked", "first asked"), ("feedback_ids", "feedback ids"), ("told_at", "told"),
        ("told_by", "told by")), tuple(rows))
