"""Evaluate a formula for one item, with the formula's explanation and, when the item is not scored, the
reason in words. Same rules and reasons as `vector`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tradeoff.core.formula import reasons as why
from tradeoff.core.formula.printer import explain_tree, format_number
from tradeoff.core.formula.syntax import _COMPARE, Binary, Call, Node, Num, Ref, Unary
from tradeoff.errors import FieldError, InvalidInput

if TYPE_CHECKING:
    from tradeoff.core.formula.compiled import Formula


@dataclass(frozen=True)
class Evaluation:
    """One item's result: `value` (None when not scored), the reason, and the formula with values filled in."""

    value: float | None
    not_scored_reason: str | None
    explanation: str
    inputs: dict[str, float | None]


class _NotScored(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_Slot = tuple[float | None, str | None]  # a value, or None and the reason it is missing


def _finite(r: float, node: Node) -> float:
    if not math.isfinite(r):
        raise _NotScored(why.overflow(node))
    return r


def _seval(node: Node, env: Mapping[str, _Slot]) -> float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        value, reason = env.get(node.name, (None, f"missing {node.name}"))
        if value is None:
            raise _NotScored(reason or f"missing {node.name}")
        return value
    if isinstance(node, Unary):
        x = _seval(node.operand, env)
        return -x if node.op == "-" else (1.0 if x == 0 else 0.0)
    if isinstance(node, Binary):
        op = node.op
        a = _seval(node.left, env)
        if op == "and":
            return 0.0 if a == 0 else (1.0 if _seval(node.right, env) != 0 else 0.0)
        if op == "or":
            return 1.0 if a != 0 else (1.0 if _seval(node.right, env) != 0 else 0.0)
        b = _seval(node.right, env)
        if op in _COMPARE:
            result = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]
            return 1.0 if result else 0.0
        if op == "+":
            return _finite(a + b, node)
        if op == "-":
            return _finite(a - b, node)
        if op == "*":
            return _finite(a * b, node)
        if op == "/":
            if b == 0:
                raise _NotScored(why.div_zero(node.right))
            return _finite(a / b, node)
        if a == 0 and b < 0:
            raise _NotScored(why.pow_zero(node))
        if a < 0 and not b.is_integer():
            raise _NotScored(why.pow_negative(node))
        try:
            r = float(a**b)
        except OverflowError:
            raise _NotScored(why.overflow(node)) from None
        return _finite(r, node)
    return _scall(node, env)


def _scall(node: Call, env: Mapping[str, _Slot]) -> float:
    f = node.func
    if f == "if":
        cond = _seval(node.args[0], env)
        return _seval(node.args[1] if cond != 0 else node.args[2], env)
    args = [_seval(a, env) for a in node.args] if f != "round" else [_seval(node.args[0], env)]
    x = args[0]
    if f == "min":
        return min(args)
    if f == "max":
        return max(args)
    if f in ("log", "ln"):
        if x <= 0:
            raise _NotScored(why.log_reason(node))
        return math.log10(x) if f == "log" else math.log(x)
    if f == "sqrt":
        if x < 0:
            raise _NotScored(why.sqrt_reason(node))
        return math.sqrt(x)
    if f == "abs":
        return abs(x)
    if f == "round":
        digits = int(node.args[1].value) if len(node.args) == 2 and isinstance(node.args[1], Num) else 0
        return float(np.round(x, digits))
    lo, hi = args[1], args[2]
    if lo > hi:
        raise _NotScored(why.clamp_reason(node))
    return min(max(x, lo), hi)


def _number(name: str, v: object) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if not isinstance(v, int | float | np.integer | np.floating):
        raise InvalidInput(
            f"{name} must be a number, got {v!r}", [FieldError([name], "not a number", repr(v))]
        )
    x = float(v)
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise InvalidInput(
            f"{name} must be a finite number, got {x}", [FieldError([name], "not finite", str(x))]
        )
    return x


def _scalar_env(formula: Formula, values: Mapping[str, object], memo: dict[str, _Slot]) -> dict[str, _Slot]:
    env: dict[str, _Slot] = {}
    for fname in formula.fields:
        x = _number(fname, values.get(fname))
        env[fname] = (x, None if x is not None else f"missing {fname}")
    for dep in formula.depends_on:
        if dep.name not in memo:
            dep_env = _scalar_env(dep, values, memo)
            try:
                memo[dep.name] = (_seval(dep.root, dep_env), None)
            except _NotScored as e:
                memo[dep.name] = (None, why.dep_reason(e.reason, dep.name))
        env[dep.name] = memo[dep.name]
    return env


def evaluate(formula: Formula, values: Mapping[str, float | int | bool | None]) -> Evaluation:
    """Evaluate `formula` for one item.

    values: field name -> number (None or NaN = missing). Units are whatever the fields carry.
    Returns the value (None when not scored), the reason in words, and the explanation, e.g.
    ``"42.67 = reach 800 × impact 2 × confidence 0.8 ÷ effort 30"`` or
    ``"not scored: effort is 0 (division by zero) — reach 800 × ... ÷ effort 0"``.
    """
    env = _scalar_env(formula, values, {})
    value: float | None
    reason: str | None = None
    try:
        value = _seval(formula.root, env)
    except _NotScored as e:
        value, reason = None, e.reason
    fill = {name: ("?" if v is None else format_number(v)) for name, (v, _) in env.items()}
    body = explain_tree(formula.root, fill)
    explanation = f"not scored: {reason} — {body}" if reason else f"{format_number(value or 0.0)} = {body}"
    inputs = {name: env[name][0] for name in formula.fields}
    return Evaluation(value, reason, explanation, inputs)


def explain(formula: Formula, values: Mapping[str, float | int | bool | None]) -> str:
    """The formula with the item's values filled in and its result, e.g. "42.67 = reach 800 × impact 2 × ..."."""
    return evaluate(formula, values).explanation
