"""Size problems in money and weigh features' business cases, with ranges (Monte Carlo in `core.sizing`).

Every result is recomputed from the stored inputs with a generator seeded per record, so the same inputs
always give the same P10/P50/P90.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import func, select

from tradeoff.audit import service as audit
from tradeoff.core import sizing as core
from tradeoff.customers.model import Customer, Segment
from tradeoff.errors import FieldError, InvalidInput, NotFound, PreconditionFailed
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, feature_problems
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.sizing.model import BusinessCase, ProblemSize
from tradeoff.sizing.schemas import BusinessCaseIn, MoneyIn, ProblemSizeIn, RangeIn
from tradeoff.storage.uow import Actor, UnitOfWork

DRAWS = 10_000
SEGMENT_RULES = ("all", *(s.value for s in Segment))
SHARES = ("capture", "revenue_share")
_KIND_CODE = {"problem": 1, "feature": 2}

# ---------------------------------------------------------------------------------------------- validation


def _bad(field: str, message: str, value: Any = None) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [FieldError(["body", field], message, value)])


def _check_range(field: str, r: RangeIn | None) -> None:
    if r is None:
        return
    if r.low > r.high:
        raise _bad(field, f"low {r.low:g} is above high {r.high:g}", r.low)
    if not r.low <= r.likely <= r.high:
        raise _bad(field, f"likely {r.likely:g} must lie between low {r.low:g} and high {r.high:g}", r.likely)
    if r.low < 0:
        what = "a cost" if isinstance(r, MoneyIn) else "a quantity"
        raise _bad(field, f"is {what} and cannot be negative (low {r.low:g})", r.low)
    if field in SHARES and r.high > 1:
        raise _bad(field, f"is a share between 0 and 1 (0.1 = 10%), got high {r.high:g}", r.high)


def _check_currencies(money: dict[str, MoneyIn | dict[str, Any] | None], expected: tuple[str, str] | None = None) -> None:
    """All money in one currency; `expected` = (field, currency) it must match, e.g. the problem size's."""
    seen: list[tuple[str, str]] = [expected] if expected else []
    for field, m in money.items():
        if m is None:
            continue
        cur = m.currency if isinstance(m, MoneyIn) else str(m.get("currency", "USD"))
        seen.append((field, cur))
    if len({c for _, c in seen}) > 1:
        first_field, first = seen[0]
        odd_field, odd = next((f, c) for f, c in seen if c != first)
        raise _bad(odd_field, f"currency {odd} does not match {first_field} ({first}); give all money in one "
                   "currency", odd)


def _money_currency(m: dict[str, Any] | None) -> str | None:
    return None if m is None else str(m.get("currency", "USD"))


def _validate_size(data: ProblemSizeIn) -> None:
    if (data.customers is None) == (data.customers_segment is None):
        raise _bad("customers", "give either customers (low/likely/high) or customers_segment, not both or neither")
    if data.customers_segment is not None and data.customers_segment not in SEGMENT_RULES:
        raise _bad("customers_segment", f"unknown segment '{data.customers_segment}'; use one of "
                   f"{', '.join(SEGMENT_RULES)}", data.customers_segment)
    direct = data.cost_per_customer is not None
    share = data.revenue_share is not None or data.revenue_per_customer is not None
    if direct == share:
        raise _bad("cost_per_customer", "give either cost_per_customer, or revenue_share with revenue_per_customer")
    if share and (data.revenue_share is None or data.revenue_per_customer is None):
        missing = "revenue_share" if data.revenue_share is None else "revenue_per_customer"
        raise _bad(missing, "is needed with the other revenue figure")
    for name in ("customers", "cost_per_customer", "revenue_share", "revenue_per_customer", "capture"):
        _check_range(name, getattr(data, name))
    _check_currencies({"cost_per_customer": data.cost_per_customer, "revenue_per_customer": data.revenue_per_customer})


def _validate_case(data: BusinessCaseIn, size: ProblemSize | None) -> None:
    for name in ("effort_person_weeks", "cost_per_person_week", "run_cost_per_year", "alternative_cost"):
        _check_range(name, getattr(data, name))
    if data.alternative_cost is not None and not data.alternative_name:
        raise _bad("alternative_name", "name the alternative whose cost you give (a tool, a vendor, a workaround)")
    expected = None
    if size is not None:
        cur = _money_currency(size.cost_per_customer) or _money_currency(size.revenue_per_customer)
        expected = ("the problem's size", cur) if cur else None
    _check_currencies({"cost_per_person_week": data.cost_per_person_week, "run_cost_per_year": data.run_cost_per_year,
                       "alternative_cost": data.alternative_cost}, expected)


# ---------------------------------------------------------------------------------------------- saving


def get_size(*, uow: UnitOfWork, workspace_id: int, problem_id: int) -> ProblemSize | None:
    return uow.session.scalar(select(ProblemSize).where(ProblemSize.workspace_id == workspace_id,
                                                        ProblemSize.problem_id == problem_id))


def get_case(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> BusinessCase | None:
    return uow.session.scalar(select(BusinessCase).where(BusinessCase.workspace_id == workspace_id,
                                                         BusinessCase.feature_id == feature_id))


def _dump(r: RangeIn | None) -> dict[str, Any] | None:
    return None if r is None else r.model_dump()


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


SIZE_FIELDS = ("customers", "customers_segment", "cost_per_customer", "revenue_share", "revenue_per_customer",
               "capture", "notes")
CASE_FIELDS = ("problem_id", "effort_person_weeks", "cost_per_person_week", "run_cost_per_year", "alternative_name",
               "alternative_cost", "alternative_one_off", "horizon_years", "discount_rate", "notes")


def set_size(*, uow: UnitOfWork, workspace_id: int, actor: Actor, problem_id: int, data: ProblemSizeIn,
             if_match: int | None = None) -> ProblemSize:
    """Create or replace a problem's size. Everything is checked before anything is written."""
    records.get(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, record_id=problem_id)
    _validate_size(data)
    values = {f: _dump(getattr(data, f)) if isinstance(getattr(data, f), RangeIn) else getattr(data, f)
              for f in SIZE_FIELDS}
    obj = get_size(uow=uow, workspace_id=workspace_id, problem_id=problem_id)
    _check_version(obj, if_match, f"the size of problem {problem_id}")
    # the features valued against this problem must still agree on the currency
    for case in _cases_on_problem(uow, workspace_id, problem_id):
        cur = (data.cost_per_customer or data.revenue_per_customer).currency  # type: ignore[union-attr]
        if case.cost_per_person_week.get("currency", "USD") != cur:
            raise _bad("cost_per_customer" if data.cost_per_customer else "revenue_per_customer",
                       f"currency {cur} does not match the business case of feature {case.feature_id} "
                       f"({case.cost_per_person_week.get('currency')})", cur)
    before = _snapshot(obj, SIZE_FIELDS) if obj else None
    if obj is None:
        obj = ProblemSize(workspace_id=workspace_id, problem_id=problem_id, **values)
        uow.session.add(obj)
    else:
        for k, v in values.items():
            setattr(obj, k, v)
    _as_case(uow, workspace_id, obj, None, f"problem {problem_id}")  # the core's own checks, before saving
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create" if before is None else "update",
                 record_type="problem_size", record_id=problem_id, before=before, after=_snapshot(obj, SIZE_FIELDS))
    return obj


def _check_version(obj: ProblemSize | BusinessCase | None, if_match: int | None, what: str) -> None:
    """An If-Match from someone who read an older version (or none yet) is refused: their change would overwrite
    one they never saw."""
    if if_match is None:
        return
    if obj is None:
        raise PreconditionFailed(f"{what} does not exist yet (you sent version {if_match}); send no If-Match to create it")
    if obj.version != if_match:
        raise PreconditionFailed(f"{what} changed since you read it (your version {if_match}, now {obj.version}); "
                                 "reload it and apply your change again")


def _cases_on_problem(uow: UnitOfWork, workspace_id: int, problem_id: int) -> list[BusinessCase]:
    return list(uow.session.scalars(select(BusinessCase).where(BusinessCase.workspace_id == workspace_id,
                                                               BusinessCase.problem_id == problem_id)))


def _valuing_problem(uow: UnitOfWork, workspace_id: int, feature_id: int, problem_id: int | None) -> int | None:
    """The problem whose size values a feature: the one named, else the first sized problem it solves."""
    if problem_id is not None:
        return problem_id
    return uow.session.scalar(
        select(ProblemSize.problem_id)
        .join(feature_problems, feature_problems.c.problem_id == ProblemSize.problem_id)
        .where(feature_problems.c.feature_id == feature_id, ProblemSize.workspace_id == workspace_id)
        .order_by(ProblemSize.problem_id).limit(1))


def set_case(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feature_id: int, data: BusinessCaseIn,
             if_match: int | None = None) -> BusinessCase:
    """Create or replace a feature's business case. Everything is checked before anything is written."""
    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    if data.problem_id is not None:
        records.get_many(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, ids=[data.problem_id],
                         field_name="problem_id")
    problem_id = _valuing_problem(uow, workspace_id, feature_id, data.problem_id)
    size = get_size(uow=uow, workspace_id=workspace_id, problem_id=problem_id) if problem_id else None
    _validate_case(data, size)
    run = data.run_cost_per_year or MoneyIn(low=0, likely=0, high=0, currency=data.cost_per_person_week.currency)
    values = {
        "problem_id": data.problem_id, "effort_person_weeks": _dump(data.effort_person_weeks),
        "cost_per_person_week": _dump(data.cost_per_person_week), "run_cost_per_year": _dump(run),
        "alternative_name": data.alternative_name or None, "alternative_cost": _dump(data.alternative_cost),
        "alternative_one_off": data.alternative_one_off, "horizon_years": data.horizon_years,
        "discount_rate": data.discount_rate, "notes": data.notes,
    }
    obj = get_case(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    _check_version(obj, if_match, f"the business case of feature {feature_id}")
    before = _snapshot(obj, CASE_FIELDS) if obj else None
    if obj is None:
        obj = BusinessCase(workspace_id=workspace_id, feature_id=feature_id, **values)
        uow.session.add(obj)
    else:
        for k, v in values.items():
            setattr(obj, k, v)
    if size is not None:
        _as_case(uow, workspace_id, size, obj, f"feature {feature_id}")
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create" if before is None else "update",
                 record_type="business_case", record_id=feature_id, before=before, after=_snapshot(obj, CASE_FIELDS))
    return obj


# ---------------------------------------------------------------------------------------------- computing


def _range(d: dict[str, Any]) -> core.Range:
    return core.Range(float(d["low"]), float(d["likely"]), float(d["high"]))


def _money(d: dict[str, Any]) -> core.MoneyRange:
    return core.MoneyRange(float(d["low"]), float(d["likely"]), float(d["high"]), str(d.get("currency", "USD")))


def segment_count(uow: UnitOfWork, workspace_id: int, rule: str) -> int:
    """How many (active) customers of the workspace match a segment rule ("all" or a segment)."""
    stmt = select(func.count()).select_from(Customer).where(Customer.workspace_id == workspace_id,
                                                           Customer.archived_at.is_(None))
    if rule != "all":
        stmt = stmt.where(Customer.segment == rule)
    return int(uow.session.scalar(stmt) or 0)


def problem_value(uow: UnitOfWork, workspace_id: int, size: ProblemSize) -> core.ProblemValue:
    if size.customers_segment:
        customers = core.Range.point(float(segment_count(uow, workspace_id, size.customers_segment)))
    else:
        customers = _range(size.customers or {})
    return core.ProblemValue(
        customers=customers, capture=_range(size.capture),
        cost_per_customer=_money(size.cost_per_customer) if size.cost_per_customer else None,
        revenue_share=_range(size.revenue_share) if size.revenue_share else None,
        revenue_per_customer=_money(size.revenue_per_customer) if size.revenue_per_customer else None,
    )


def _size_currency(size: ProblemSize) -> str:
    return _money_currency(size.cost_per_customer) or _money_currency(size.revenue_per_customer) or "USD"


def _as_case(uow: UnitOfWork, workspace_id: int, size: ProblemSize, case: BusinessCase | None, label: str) -> core.SizingCase:
    """The core's sizing case; its own validation runs here too (errors name the field)."""
    value = problem_value(uow, workspace_id, size)
    if case is None:  # the problem alone: no solution cost
        zero = core.MoneyRange.point(0.0, _size_currency(size))
        solution = core.SolutionCost(core.Range.point(0.0), zero, zero)
        alternative = None
    else:
        solution = core.SolutionCost(_range(case.effort_person_weeks), _money(case.cost_per_person_week),
                                     _money(case.run_cost_per_year))
        alternative = (core.Alternative(case.alternative_name or "the alternative", _money(case.alternative_cost),
                                        case.alternative_one_off) if case.alternative_cost else None)
    sizing_case = core.SizingCase(label, value, solution, alternative)
    try:
        core.tornado(sizing_case, horizon_years=case.horizon_years if case else 3,
                     discount_rate=case.discount_rate if case else 0.1)
    except InvalidInput as exc:
        loc = exc.errors[0].loc if exc.errors else []
        field = str(loc[-1]) if loc else "body"
        raise InvalidInput(exc.message.replace(f"feature {label}: ", ""),
                           [FieldError(["body", field], e.msg, e.value) for e in exc.errors]) from exc
    return sizing_case


def rng_for(workspace_id: int, kind: str, record_id: int) -> np.random.Generator:
    """The generator for one record: the same record always draws the same numbers."""
    return np.random.default_rng([workspace_id, _KIND_CODE[kind], record_id])


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def pct(p: core.Percentiles) -> dict[str, float | None]:
    """P10/P50/P90 as JSON (an infinite payback or ROI becomes null)."""
    return {"p10": _num(p.p10), "p50": _num(p.p50), "p90": _num(p.p90)}


# A sizing input as the forms name it (the key stays in JSON beside it): a person never reads a code name
INPUT_LABELS = {
    "problem.customers": "Customers affected",
    "problem.cost_per_customer": "Cost per customer",
    "problem.revenue_share": "Share of revenue",
    "problem.revenue_per_customer": "Revenue per customer",
    "problem.capture": "Share we capture",
    "solution.effort_person_weeks": "Effort (person-weeks)",
    "solution.cost_per_person_week": "Cost per person-week",
    "solution.run_cost_per_year": "Run cost per year",
    "alternative.cost": "Cost of the alternative",
}
OUTPUT_LABELS = {"annual_value": "Annual value", "total_cost": "Total cost", "roi": "ROI", "npv": "NPV",
                 "payback_months": "Payback (months)"}


def input_label(name: str) -> str:
    """'problem.cost_per_customer' -> 'Cost per customer' (an input not listed: its last part in words)."""
    return INPUT_LABELS.get(name) or name.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def tornado_out(t: core.Tornado) -> dict[str, Any]:
    driver = t.biggest_driver()
    return {"output": t.output, "output_label": OUTPUT_LABELS.get(t.output, t.output), "currency": t.currency,
            "base": _num(t.base), "biggest_driver": driver,
            "biggest_driver_label": None if driver is None else input_label(driver),
            "bars": [{"input": b.input, "label": input_label(b.input), "at_low": _num(b.output_at_low),
                      "at_high": _num(b.output_at_high), "swing": _num(b.swing)} for b in t.bars]}


def feature_name(feature_id: int, title: str | None) -> str:
    """A feature as people know it in a sentence: 'Invoice OCR' (#12) (its number alone when the title is lost)."""
    return f"'{title}' (#{feature_id})" if title is not None else f"feature #{feature_id}"


def result_out(r: core.SizingResult) -> dict[str, Any]:
    d = r.displacement
    return {
        "currency": r.currency, "annual_value": pct(r.annual_value), "total_cost": pct(r.total_cost),
        "roi": pct(r.roi), "payback_months": pct(r.payback_months), "npv": pct(r.npv),
        "horizon_years": r.horizon_years, "discount_rate": r.discount_rate, "draws": r.draws,
        "distribution": r.distribution, "summary": r.summary(),
        "displacement": None if d is None else {
            "at_risk": d.at_risk, "alternative": d.alternative, "ratio": _num(d.ratio), "message": d.message,
            "cost_all_customers_p50": _num(d.cost_all_customers_p50), "captured_value_p50": _num(d.captured_value_p50),
        },
    }


def feature_result(*, uow: UnitOfWork, workspace_id: int, feature_id: int, case: BusinessCase | None = None,
                   feature: Feature | None = None) -> tuple[core.SizingCase, core.SizingResult] | None:
    """A feature's business case sized with Monte Carlo, or None when it has no case or no sized problem. The
    result names the feature by its title ('Invoice OCR' (#12)); `feature`: the feature, when already read."""
    case = case or get_case(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    if case is None:
        return None
    problem_id = _valuing_problem(uow, workspace_id, feature_id, case.problem_id)
    size = get_size(uow=uow, workspace_id=workspace_id, problem_id=problem_id) if problem_id else None
    if size is None:
        return None
    title = feature.title if feature is not None else uow.session.scalar(
        select(Feature.title).where(Feature.workspace_id == workspace_id, Feature.id == feature_id))
    sc = _as_case(uow, workspace_id, size, case, feature_name(feature_id, title))
    res = core.size_feature(sc, rng=rng_for(workspace_id, "feature", feature_id), draws=DRAWS,
                            horizon_years=case.horizon_years, discount_rate=case.discount_rate)
    return sc, res


def feature_sizing(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any]:
    """A feature's business case and what it returns: value, cost, ROI, payback, NPV, displacement, tornado."""
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    case = get_case(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    out: dict[str, Any] = {"feature_id": feature_id, "title": feature.title, "business_case": None, "result": None,
                           "tornado": None, "missing": None}
    if case is None:
        out["missing"] = "no business case yet: give effort, cost per person-week and run cost"
        return out
    out["business_case"] = _snapshot(case, CASE_FIELDS)
    found = feature_result(uow=uow, workspace_id=workspace_id, feature_id=feature_id, case=case, feature=feature)
    if found is None:
        out["missing"] = "the problem it solves has no size yet: size the problem to value this feature"
        return out
    sc, res = found
    out["problem_id"] = _valuing_problem(uow, workspace_id, feature_id, case.problem_id)
    out["result"] = result_out(res)
    out["tornado"] = tornado_out(core.tornado(sc, output="npv", horizon_years=case.horizon_years,
                                              discount_rate=case.discount_rate))
    return out


def problem_sizing(*, uow: UnitOfWork, workspace_id: int, problem_id: int) -> dict[str, Any]:
    """What a problem is worth a year (P10/P50/P90), what drives it, and the features that would solve it."""
    problem = records.get(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, record_id=problem_id)
    size = get_size(uow=uow, workspace_id=workspace_id, problem_id=problem_id)
    if size is None:
        raise NotFound(f"problem {problem_id} has no size yet; give customers, cost per customer and capture "
                       f"(PUT .../problems/{problem_id}/size or the problem's sizing page)")
    sc = _as_case(uow, workspace_id, size, None, f"problem {problem_id}")
    res = core.size_feature(sc, rng=rng_for(workspace_id, "problem", problem_id), draws=DRAWS)
    tor = core.tornado(sc, output="annual_value")
    tor = core.Tornado(tor.output, tor.currency, tor.base,  # the zero solution inputs say nothing here
                       tuple(b for b in tor.bars if b.input.startswith("problem.")))
    customers = sc.problem.customers
    features = []
    for f in feature_service.solving(uow=uow, workspace_id=workspace_id, problem_id=problem_id):
        fs = feature_sizing(uow=uow, workspace_id=workspace_id, feature_id=f.id)
        # a feature solving several problems has one business case, valued on one of them: said when not this one
        features.append({"id": f.id, "title": f.title, "status": f.status, "result": fs["result"],
                         "missing": fs["missing"], "valued_on": fs.get("problem_id")})
    return {
        "problem_id": problem_id, "statement": problem.statement, "size": _snapshot(size, SIZE_FIELDS),
        "customers": {"low": customers.low, "likely": customers.likely, "high": customers.high,
                      "from_segment": size.customers_segment},
        "currency": res.currency, "annual_value": pct(res.annual_value), "draws": res.draws,
        "tornado": tornado_out(tor), "features": features,
    }


def feature_ids_with_cases(*, uow: UnitOfWork, workspace_id: int) -> list[int]:
    return list(uow.session.scalars(select(BusinessCase.feature_id).join(Feature, Feature.id == BusinessCase.feature_id)
                                    .where(BusinessCase.workspace_id == workspace_id, Feature.archived_at.is_(None))))
