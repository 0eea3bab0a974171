"""Record blockers, and translate them both ways: a blocker's business impact (features slipping at P85,
commitments falling below the threshold, ARR and customers affected, objectives hit) and a business request's
technical implications (components and their debt, estimate drivers, dependencies, open blockers)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tradeoff.blockers.model import Blocker, BlockerKind
from tradeoff.blockers.schemas import BlockerCreate, BlockerUpdate
from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.core.money import biggest_first, value_in
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

if TYPE_CHECKING:
    from tradeoff.customers.service import Money

SPEC = RecordSpec(
    name="blocker",
    plural="blockers",
    model=Blocker,
    sorts={"created_at": Blocker.created_at, "id": Blocker.id},
    default_sort="-created_at",
    filters={},
    searchable=False,
    snapshot_fields=("title", "description", "kind", "component_id", "extra_optimistic", "extra_likely",
                     "extra_pessimistic", "feature_ids", "likelihood"),
)


def _checked(uow: UnitOfWork, workspace_id: int, values: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """A blocker's values as they will be, checked: the range in order, a blocker certain (a risk may not be), its
    features and component in this workspace. `given`: the fields the request names."""
    o, m, p = values["extra_optimistic"], values["extra_likely"], values["extra_pessimistic"]
    if not o <= m <= p:
        raise InvalidInput(
            f"extra effort must satisfy optimistic <= likely <= pessimistic, got {o:g} / {m:g} / {p:g} person-days",
            [FieldError(["body", "extra_likely"], "outside [optimistic, pessimistic]", m)])
    if values["kind"] == BlockerKind.blocker.value and values["likelihood"] < 1:
        if "likelihood" in given:
            raise InvalidInput(
                f"a blocker is work that must be done, so its likelihood is 1, got {values['likelihood']:g}; record "
                "work that may not be needed as a risk (kind: risk) with its chance",
                [FieldError(["body", "likelihood"], "below 1 for a blocker", values["likelihood"])])
        values["likelihood"] = 1.0  # a risk turned into a blocker: it is certain now
    if "feature_ids" in given:
        records.get_many(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, ids=values["feature_ids"],
                         field_name="feature_ids")
        values["feature_ids"] = list(dict.fromkeys(values["feature_ids"]))
    if "component_id" in given and values["component_id"] is not None:
        svc = facts.optional("tradeoff.components.service")
        if svc is None or not facts.components(uow, workspace_id, [values["component_id"]]):
            raise InvalidInput(f"component {values['component_id']} not found in this workspace",
                               [FieldError(["body", "component_id"], "unknown component", values["component_id"])])
    return values


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: BlockerCreate) -> Blocker:
    values = _checked(uow, workspace_id, data.model_dump(mode="json"), set(BlockerCreate.model_fields))
    values["recorded_by"] = actor.label
    return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)  # type: ignore[no-any-return]


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, blocker_id: int, data: BlockerUpdate,
           if_match: int | None) -> Blocker:
    """Change what is known of a blocker (its range, its chance, the features it holds up, ...); forecasts count
    the new figures from the next request."""
    b = get(uow=uow, workspace_id=workspace_id, blocker_id=blocker_id)
    records.check_version(SPEC, b, if_match)  # a stale edit is refused before its values are judged
    given = data.model_dump(mode="json", exclude_unset=True)
    for k, v in given.items():  # an explicit null for a field that must have a value: named, not a 500
        if v is None and k != "component_id":
            raise InvalidInput(f"{k} cannot be null: leave it out to keep it, or give a value",
                               [FieldError(["body", k], "cannot be null")])
    values = _checked(uow, workspace_id, {k: getattr(b, k) for k in SPEC.snapshot_fields} | given, set(given))
    changed = {k: v for k, v in values.items() if k in given or getattr(b, k) != v}
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=b,  # type: ignore[no-any-return]
                          values=changed, if_match=if_match)


def get(*, uow: UnitOfWork, workspace_id: int, blocker_id: int) -> Blocker:
    return records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=blocker_id)  # type: ignore[no-any-return]


def open_blockers(*, uow: UnitOfWork, workspace_id: int, feature_ids: list[int] | None = None) -> list[Blocker]:
    if not facts.has_tables(uow, "blockers"):
        return []
    rows = list(uow.session.scalars(select(Blocker).where(Blocker.workspace_id == workspace_id,
                                                          Blocker.archived_at.is_(None)).order_by(Blocker.id)))
    if feature_ids is not None:
        wanted = set(feature_ids)
        rows = [b for b in rows if wanted & set(b.feature_ids)]
    return rows


def listed(*, uow: UnitOfWork, workspace_id: int, today: date, feature_ids: list[int] | None = None,
           ) -> list[dict[str, Any]]:
    """The open blockers and risks (`out` rows), each with `done_by_p85`: the day its work is done with an 85%
    chance in the forecast every date counts it in, or None when it holds up no forecast feature."""
    rows = [out(b) for b in open_blockers(uow=uow, workspace_id=workspace_id, feature_ids=feature_ids)]
    if not rows:
        return rows
    fc = fc_mod.roadmap_forecast(uow, workspace_id, facts.features_in_scope(uow, workspace_id, None), today)
    done = {g["blocker_id"]: g["p85"] for g in fc.blockers if g["counted"]}
    return [r | {"done_by_p85": done.get(r["id"])} for r in rows]


def archive(*, uow: UnitOfWork, workspace_id: int, actor: Actor, blocker_id: int,
            if_match: int | None = None) -> Blocker:
    return records.set_archived(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor,  # type: ignore[no-any-return]
                                record_id=blocker_id, archived=True, if_match=if_match)


def out(b: Blocker) -> dict[str, Any]:
    return {"id": b.id, "version": b.version, "archived": b.archived, "created_at": b.created_at,
            "updated_at": b.updated_at, "title": b.title, "description": b.description, "kind": b.kind,
            "component_id": b.component_id, "extra_optimistic": b.extra_optimistic, "extra_likely": b.extra_likely,
            "extra_pessimistic": b.extra_pessimistic, "feature_ids": list(b.feature_ids),
            "likelihood": b.likelihood, "recorded_by": b.recorded_by}


# --- business impact ---------------------------------------------------------------------------------------


def _features(uow: UnitOfWork, workspace_id: int) -> dict[int, Feature]:
    return {f.id: f for f in facts.features_in_scope(uow, workspace_id, None)}


def impact(*, uow: UnitOfWork, workspace_id: int, blocker: Blocker, now: datetime) -> dict[str, Any]:
    """What the blocker costs, in business language: the forecast (every other open blocker and risk counted) with
    it against without it. Its work is done before the features it holds up, on their team; a risk's in its
    likelihood's share of the trials.

    Returns {blocker, status ("ok" | "not_forecast"), missing, cleared ({p50, p85, p95}: when its work is done, or
    None), slips: [{feature_id, title, p85_before, p85_after, slip_days}], commitments: [{id, feature_id,
    customer_id, customer, due, probability_before, probability_after, threshold, falls_below}], customers:
    [{customer_id, name, arr, currency, arr_in_workspace_currency (None without a rate)}] (by ARR in the
    workspace's currency, biggest first; those without an exchange rate after them), arr_by_currency, arr_total
    ({amount, currency, how}: those customers' ARR in the workspace's currency, counting only currencies with a
    rate), arr_without_rate (the ARR left out of it, per currency), objectives: [{id, title, feature_ids}],
    summary}."""
    today = now.date()
    feats = _features(uow, workspace_id)
    base = fc_mod.roadmap_forecast(uow, workspace_id, list(feats.values()), today, without_blockers={blocker.id})
    out_: dict[str, Any] = {"blocker": out(blocker), "status": "not_forecast", "missing": "", "cleared": None,
                            "slips": [], "commitments": [], "customers": [], "arr_by_currency": {},
                            "arr_total": None, "arr_without_rate": {}, "objectives": []}
    if base.missing or not base.features:
        out_["missing"] = base.missing or "No forecasts yet: estimate the affected features and assign teams."
        out_["summary"] = (f"'{blocker.title}' adds {_range(blocker.extra)} person-days{_chance(blocker)} to "
                           f"{len(blocker.feature_ids)} feature(s); its effect on dates is unknown: "
                           + out_["missing"])
        return out_
    after = fc_mod.roadmap_forecast(uow, workspace_id, list(feats.values()), today, adding_blockers=[blocker])
    mine = next((g for g in after.blockers if g["blocker_id"] == blocker.id and g["counted"]), None)
    if mine is not None:
        out_["cleared"] = {k: mine[k] for k in ("p50", "p85", "p95")}
    slips: list[dict[str, Any]] = []
    for fid, before in sorted(base.features.items()):
        later = after.of(fid)
        if later is None:
            continue
        days = (later.p85 - before.p85).days
        if days > 0 or fid in blocker.feature_ids:
            f = feats.get(fid)
            slips.append({"feature_id": fid, "title": f.title if f else f"feature {fid}",
                          "p85_before": before.p85.isoformat(), "p85_after": later.p85.isoformat(),
                          "slip_days": days, "direct": fid in blocker.feature_ids})
    slips.sort(key=lambda r: (-r["slip_days"], r["feature_id"]))
    slipping: set[int] = {int(r["feature_id"]) for r in slips if r["slip_days"] > 0}
    commitments = _commitments(uow, workspace_id, base, after, today)
    affected_customers: dict[int, dict[str, Any]] = {}
    for fid in sorted(slipping):
        for a in facts.feature_demand(uow, workspace_id, fid, now).customers:
            affected_customers.setdefault(a.customer_id, {"customer_id": a.customer_id, "name": a.name,
                                                          "arr": a.arr, "currency": a.currency})
    for c in commitments:
        if c["falls_below"] or c["feature_id"] in slipping:
            affected_customers.setdefault(c["customer_id"], {"customer_id": c["customer_id"], "name": c["customer"],
                                                             "arr": c["arr"], "currency": c["currency"]})
    arr: dict[str, Decimal] = defaultdict(Decimal)
    for c in affected_customers.values():
        arr[c["currency"]] += Decimal(c["arr"])
    objs: list[dict[str, Any]] = []
    for o in facts.objectives(uow, workspace_id, None) or []:
        hit = sorted(slipping & set(o.feature_ids))
        if hit:
            objs.append({"id": o.id, "title": o.title, "feature_ids": hit})
    m = facts.money(uow, workspace_id)
    customers = _biggest_first(list(affected_customers.values()), m)
    for c in customers:
        worth = value_in(Decimal(c["arr"]), c["currency"], m.currency, m.rates)
        c["arr_in_workspace_currency"] = None if worth is None else Decimal(str(round(worth, 2)))
    total, left_out = m.total(arr)
    out_ |= {"status": "ok", "slips": slips, "commitments": commitments, "customers": customers,
             "arr_by_currency": dict(sorted(arr.items())),
             # money as everywhere in the API: a decimal to the cent; what has no rate is kept exact, not converted
             "arr_total": {"amount": Decimal(str(round(total, 2))), "currency": m.currency, "how": m.describe()},
             "arr_without_rate": {cur: arr[cur] for cur in sorted(left_out)}, "objectives": objs}
    worst = slips[0] if slips else None
    below = [c for c in commitments if c["falls_below"]]
    money = _arr_words(out_["arr_total"], out_["arr_without_rate"], any(arr.values()))
    out_["summary"] = (
        f"'{blocker.title}' adds {_range(blocker.extra)} person-days{_chance(blocker)}"
        + (f", done by {out_['cleared']['p85']} at 85%. " if out_["cleared"] else
           ", but holds up no forecast feature. ")
        + (f"{len(slipping)} feature(s) slip at P85, the most '{worst['title']}' by {worst['slip_days']} days. "
           if worst and worst["slip_days"] > 0 else "No feature slips at P85. ")
        + f"{len(below)} commitment(s) fall below the threshold; {len(customers)} customer(s) with {money} "
        f"are affected; {len(objs)} objective(s) hit.")
    return out_


def _biggest_first(customers: list[dict[str, Any]], m: Money) -> list[dict[str, Any]]:
    """Customers by their ARR's worth in the workspace's currency, biggest first (`money.biggest_first`)."""
    return sorted(customers, key=lambda c: (*biggest_first(Decimal(c["arr"]), c["currency"], m.currency, m.rates),
                                            c["customer_id"]))


def _arr_words(total: dict[str, Any], without_rate: dict[str, Decimal], any_arr: bool) -> str:
    """'USD 420,000 ARR', 'USD 420,000 ARR and EUR 30,000 (no exchange rate)', 'EUR 30,000 ARR (no exchange
    rate)' when nothing has a rate, or 'no ARR'."""
    if not any_arr:
        return "no ARR"
    left = ", ".join(f"{cur} {amt:,.0f}" for cur, amt in without_rate.items())
    if not total["amount"] and left:
        return f"{left} ARR (no exchange rate)"
    said = f"{total['currency']} {total['amount']:,.0f} ARR"
    return f"{said} and {left} (no exchange rate)" if left else said


def _range(r: tuple[float, float, float]) -> str:
    return f"{r[0]:g}–{r[1]:g}–{r[2]:g}"


def _chance(b: Blocker) -> str:
    """' (a risk, 40% likely)' for a risk that may not happen; nothing for certain work."""
    return f" ({b.kind}, {b.likelihood:.0%} likely)" if b.likelihood < 1 else ""


def _commitments(uow: UnitOfWork, workspace_id: int, base: fc_mod.RoadmapForecast,
                 after: fc_mod.RoadmapForecast, today: date) -> list[dict[str, Any]]:
    rows = facts.commitments(uow, workspace_id)
    if rows is None:
        return []
    threshold = float(rows["threshold"])
    out_ = []
    for c in rows["items"]:
        b, a = base.of(c["feature_id"]), after.of(c["feature_id"])
        due = date.fromisoformat(c["due"])
        pb = round(b.probability_by(base.start, due), 3) if b else None
        pa = round(a.probability_by(after.start, due), 3) if a else None
        out_.append({"id": c["id"], "feature_id": c["feature_id"], "customer_id": c["customer_id"],
                     "customer": c["customer"], "arr": Decimal(str(c["arr_at_stake"])), "currency": c["currency"],
                     "due": c["due"], "probability_before": pb, "probability_after": pa, "threshold": threshold,
                     "falls_below": pb is not None and pa is not None and pb >= threshold > pa})
    return out_


# --- technical implications of a business request ----------------------------------------------------------


def implications(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any]:
    """What a requested feature means for engineering: its estimate range and what drives it, the components it
    touches and their debt, what it depends on (and their status), open blockers. `missing` lists what is not
    recorded yet."""
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    res: dict[str, Any] = {"feature_id": feature.id, "title": feature.title, "status": feature.status,
                           "estimate": None, "explanation": "", "drivers": [], "components": [],
                           "dependencies": [], "blockers": [], "missing": []}
    ests = facts.estimates(uow, workspace_id)
    est = (ests or {}).get(feature_id)
    if ests is None:
        res["missing"].append("estimates are not available in this install")
    elif est is None:
        res["missing"].append("no estimate yet: ask engineering for a range (optimistic, likely, pessimistic), "
                              "its complexity drivers and the components it touches")
    else:
        res["estimate"] = {"optimistic": est.optimistic, "likely": est.likely, "pessimistic": est.pessimistic,
                           "unit": est.unit, "confidence": est.confidence, "category": est.category,
                           "estimate_id": est.id}
        svc = facts.optional("tradeoff.estimates.service")
        if svc is not None and hasattr(svc, "explain"):
            res["explanation"] = svc.explain(uow=uow, workspace_id=workspace_id, estimate=est).text
        comp_ids = list(est.component_ids) + [d.get("component_id") for d in est.drivers if d.get("component_id")]
        comps = facts.components(uow, workspace_id, [c for c in comp_ids if c is not None])
        res["drivers"] = [{"name": d.get("name"), "component": comps[d["component_id"]].name
                           if d.get("component_id") in comps else None} for d in est.drivers]
        res["components"] = [{"id": c.id, "name": c.name, "debt_level": c.debt_level, "indebted": c.indebted}
                             for cid in est.component_ids if (c := comps.get(cid)) is not None]
        if not est.component_ids:
            res["missing"].append("no components named on the estimate")
        feats = {f.id: f for f in facts.features_in_scope(uow, workspace_id, None)}
        res["dependencies"] = [{"feature_id": d, "title": feats[d].title if d in feats else f"feature {d}",
                                "status": feats[d].status if d in feats else "unknown"} for d in est.depends_on]
    res["blockers"] = [{"id": b.id, "title": b.title, "extra": list(b.extra), "component_id": b.component_id}
                       for b in open_blockers(uow=uow, workspace_id=workspace_id, feature_ids=[feature_id])]
    return res
