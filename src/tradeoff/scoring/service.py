"""Scoring frameworks of a workspace: the built-in ones, custom formulas and the default framework, and the names
of the inputs they score (entered ones and ones derived from other records).

The inputs of each feature are in `tradeoff.scoring.inputs`; scoring features with a framework is in
`tradeoff.scoring.scores`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.core import scoring_fields
from tradeoff.core import scoring_weighted as core_weighted
from tradeoff.core.formula import FUNCTIONS, Formula, compile_formulas
from tradeoff.errors import Conflict, FieldError, InvalidInput, NotFound
from tradeoff.scoring.model import ScoringFormula, ScoringSettings
from tradeoff.scoring.schemas import FormulaIn, SettingsIn
from tradeoff.storage.uow import Actor, UnitOfWork

BUILT_IN = ("rice", "ice", "wsjf", "value_effort", "weighted")
FRAMEWORK_FIELDS = ("reach", "impact", "confidence", "effort", "ease", "business_value", "time_criticality",
                    "risk_reduction", "job_size", "value")
CRITERIA = core_weighted.STAGE_CRITERIA  # weighted scoring's criteria, 0–10 points each (reach: a count)
ENTERED = tuple(dict.fromkeys(FRAMEWORK_FIELDS + CRITERIA))
DERIVED = tuple(scoring_fields.DERIVED)  # from evidence and the business case, each with its meaning
ALL_FIELDS = ENTERED + DERIVED
SCALES = scoring_fields.SCALES  # every entered input's unit, range and standard values
# the scoring-inputs form, by framework: (legend, inputs); every entered input once
FORM_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("RICE (reach × impact × confidence ÷ effort) and ICE (impact × confidence × ease)",
     ("reach", "impact", "confidence", "effort", "ease")),
    ("WSJF ((business value + time criticality + risk reduction) ÷ job size)",
     ("business_value", "time_criticality", "risk_reduction", "job_size")),
    ("Value / effort (value ÷ effort)", ("value",)),
    ("Weighted criteria (0–10 points each, with reach above; weights by the product's stage)",
     tuple(c for c in CRITERIA if c != "reach")),
)
# an example custom formula that saves (a test saves it): ARR behind a feature per person-week, discounted by doubt
EXAMPLE_FORMULA = "arr * confidence / max(effort, 1)"
framework_label = scoring_fields.framework_label
field_label = scoring_fields.label


def formula_help() -> dict[str, Any]:
    """What a custom formula may use, from the lists the validator uses: every field with its meaning (entered
    ones with their scale), the functions, and a formula that saves."""
    return {"fields": [{"name": n, "label": field_label(n), "meaning": scoring_fields.meaning(n),
                        "entered": n in ENTERED} for n in ALL_FIELDS],
            "functions": list(FUNCTIONS), "example": EXAMPLE_FORMULA}


FORMULA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def _bad(loc: list[str | int], message: str, value: Any = None) -> InvalidInput:
    return InvalidInput(message, [FieldError(loc, message, value)])


# ---------------------------------------------------------------------------------------------- formulas


def formulas(*, uow: UnitOfWork, workspace_id: int) -> list[ScoringFormula]:
    return list(uow.session.scalars(select(ScoringFormula).where(ScoringFormula.workspace_id == workspace_id)
                                    .order_by(ScoringFormula.name)))


def compiled(*, uow: UnitOfWork, workspace_id: int) -> dict[str, Formula]:
    rows = formulas(uow=uow, workspace_id=workspace_id)
    return compile_formulas({r.name: r.text for r in rows}, ALL_FIELDS)


def save_formula(*, uow: UnitOfWork, workspace_id: int, actor: Actor, name: str, data: FormulaIn) -> ScoringFormula:
    """Create or replace a custom formula; refused (with the column of the mistake, or the cycle) if invalid."""
    if not FORMULA_NAME.match(name):
        raise _bad(["path", "name"], f"formula name '{name}' must be lowercase letters, digits and _ (starting with a "
                                     "letter), so other formulas can refer to it", name)
    if name in BUILT_IN:
        raise _bad(["path", "name"], f"'{name}' is a built-in framework; give your formula another name", name)
    rows = {r.name: r for r in formulas(uow=uow, workspace_id=workspace_id)}
    definitions = {n: r.text for n, r in rows.items()} | {name: data.text}
    try:
        compile_formulas(definitions, ALL_FIELDS)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [FieldError(["body", "text"], e.msg, e.value) for e in exc.errors]
                           or [FieldError(["body", "text"], exc.message)]) from exc
    row = rows.get(name)
    before = {"text": row.text, "description": row.description} if row else None
    if row is None:
        row = ScoringFormula(workspace_id=workspace_id, name=name, text=data.text, description=data.description)
        uow.session.add(row)
    else:
        row.text, row.description = data.text, data.description
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create" if before is None else "update",
                 record_type="scoring_formula", record_id=row.id, before=before,
                 after={"name": name, "text": data.text, "description": data.description})
    return row


def delete_formula(*, uow: UnitOfWork, workspace_id: int, actor: Actor, name: str) -> None:
    rows = {r.name: r for r in formulas(uow=uow, workspace_id=workspace_id)}
    if name not in rows:
        raise NotFound(f"no formula named '{name}' in this workspace")
    users = [n for n, r in rows.items() if n != name and name in _refs(r.text)]
    if users:
        raise Conflict(f"formula '{name}' is used by {', '.join(users)}; change those first")
    if default_framework(uow=uow, workspace_id=workspace_id) == name:
        raise Conflict(f"formula '{name}' is the workspace's default framework; choose another default first")
    from tradeoff.plans.model import Plan  # plans value features by a framework: one they name must stay

    plans = list(uow.session.scalars(select(Plan.name).where(Plan.workspace_id == workspace_id, Plan.framework == name,
                                                             Plan.archived_at.is_(None))))
    if plans:
        raise Conflict(f"formula '{name}' values the plan{'s' if len(plans) > 1 else ''} {', '.join(plans)}; "
                       "choose another framework there first")
    uow.session.delete(rows[name])
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="archive", record_type="scoring_formula",
                 record_id=rows[name].id, before={"name": name, "text": rows[name].text}, after=None)


def _refs(text: str) -> set[str]:
    from tradeoff.core.formula import parse, references

    return {r.name for r in references(parse(text))}


# ---------------------------------------------------------------------------------------------- settings


def default_framework(*, uow: UnitOfWork, workspace_id: int) -> str:
    row = uow.session.scalar(select(ScoringSettings).where(ScoringSettings.workspace_id == workspace_id))
    return row.default_framework if row else "rice"


def set_default_framework(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: SettingsIn) -> str:
    check_framework(uow=uow, workspace_id=workspace_id, framework=data.default_framework, loc=["body", "default_framework"])
    row = uow.session.scalar(select(ScoringSettings).where(ScoringSettings.workspace_id == workspace_id))
    before = row.default_framework if row else "rice"
    if row is None:
        uow.session.add(ScoringSettings(workspace_id=workspace_id, default_framework=data.default_framework))
    else:
        row.default_framework = data.default_framework
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="scoring_settings",
                 record_id=workspace_id, before={"default_framework": before},
                 after={"default_framework": data.default_framework})
    return data.default_framework


def frameworks(*, uow: UnitOfWork, workspace_id: int) -> list[str]:
    return [*BUILT_IN, *(r.name for r in formulas(uow=uow, workspace_id=workspace_id))]


def check_framework(*, uow: UnitOfWork, workspace_id: int, framework: str,
                    loc: list[str | int] | None = None) -> None:
    known = frameworks(uow=uow, workspace_id=workspace_id)
    if framework not in known:
        raise _bad(loc or ["query", "framework"], f"unknown framework '{framework}'; choose one of {', '.join(known)}",
                   framework)

