"""Evaluate a formula for many items at once with numpy: values, and per-item reason codes for the items
not scored. Same results and reasons as `scalar` item by item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from tradeoff.core.formula import reasons as why
from tradeoff.core.formula.syntax import _COMPARE, Binary, Call, Node, Num, Ref, Unary
from tradeoff.errors import FieldError, InvalidInput

if TYPE_CHECKING:
    from tradeoff.core.formula.compiled import Formula

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
_VSlot = tuple[F64, I32]


@dataclass(frozen=True, eq=False)
class VectorResult:
    """Results for many items: `values` (NaN where not scored) and per-item reason codes into `reason_texts`."""

    values: NDArray[np.float64]
    reason_codes: NDArray[np.int32]
    reason_texts: tuple[str, ...]

    @property
    def scored(self) -> NDArray[np.bool_]:
        return np.equal(self.reason_codes, 0)

    def reason(self, i: int) -> str | None:
        code = int(self.reason_codes[i])
        return self.reason_texts[code] if code else None

    def not_scored_reasons(self) -> list[str | None]:
        texts: list[str | None] = [None, *self.reason_texts[1:]]
        return [texts[c] for c in self.reason_codes.tolist()]


class _Reasons:
    def __init__(self) -> None:
        self.texts: list[str] = [""]
        self.index: dict[str, int] = {}

    def code(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.texts)
            self.texts.append(text)
        return self.index[text]


def _merge(first: I32, second: I32) -> I32:
    return np.where(first != 0, first, second).astype(np.int32, copy=False)


def _flag(codes: I32, bad: NDArray[np.bool_], reasons: _Reasons, text: str) -> None:
    mask = bad & (codes == 0)
    if mask.any():
        codes[mask] = reasons.code(text)


def _veval(node: Node, env: Mapping[str, _VSlot], n: int, reasons: _Reasons) -> _VSlot:
    if isinstance(node, Num):
        return np.full(n, node.value), np.zeros(n, np.int32)
    if isinstance(node, Ref):
        if node.name in env:
            return env[node.name]
        return np.full(n, np.nan), np.full(n, reasons.code(f"missing {node.name}"), np.int32)
    if isinstance(node, Unary):
        x, cx = _veval(node.operand, env, n, reasons)
        return (-x if node.op == "-" else (x == 0).astype(np.float64)), cx
    if isinstance(node, Binary):
        return _vbinary(node, env, n, reasons)
    return _vcall(node, env, n, reasons)


def _vbinary(node: Binary, env: Mapping[str, _VSlot], n: int, reasons: _Reasons) -> _VSlot:
    op = node.op
    a, ca = _veval(node.left, env, n, reasons)
    b, cb = _veval(node.right, env, n, reasons)
    if op == "and":
        ta = a != 0
        return (ta & (b != 0)).astype(np.float64), np.where(ca != 0, ca, np.where(ta, cb, 0)).astype(np.int32)
    if op == "or":
        ta = a != 0
        return (ta | (b != 0)).astype(np.float64), np.where(ca != 0, ca, np.where(ta, 0, cb)).astype(np.int32)
    codes = _merge(ca, cb)
    if op in _COMPARE:
        cmp = {
            "<": np.less,
            "<=": np.less_equal,
            ">": np.greater,
            ">=": np.greater_equal,
            "==": np.equal,
            "!=": np.not_equal,
        }
        return cmp[op](a, b).astype(np.float64), codes
    if op == "+":
        r = a + b
    elif op == "-":
        r = a - b
    elif op == "*":
        r = a * b
    elif op == "/":
        _flag(codes, b == 0, reasons, why.div_zero(node.right))
        r = a / b
    else:
        _flag(codes, (a == 0) & (b < 0), reasons, why.pow_zero(node))
        _flag(codes, (a < 0) & (b != np.floor(b)), reasons, why.pow_negative(node))
        r = np.power(a, b)
    _flag(codes, ~np.isfinite(r), reasons, why.overflow(node))
    return r, codes


def _vcall(node: Call, env: Mapping[str, _VSlot], n: int, reasons: _Reasons) -> _VSlot:
    f = node.func
    parts = [_veval(a, env, n, reasons) for a in (node.args if f != "round" else node.args[:1])]
    x, codes = parts[0]
    if f == "if":
        (c, cc), (a, ca), (b, cb) = parts
        take = c != 0
        return np.where(take, a, b), np.where(cc != 0, cc, np.where(take, ca, cb)).astype(np.int32)
    for _, more in parts[1:]:
        codes = _merge(codes, more)
    codes = codes.copy()
    if f in ("min", "max"):
        fold = np.minimum if f == "min" else np.maximum
        r = x
        for v, _ in parts[1:]:
            r = fold(r, v)
        return r, codes
    if f in ("log", "ln"):
        _flag(codes, x <= 0, reasons, why.log_reason(node))
        return (np.log10(x) if f == "log" else np.log(x)), codes
    if f == "sqrt":
        _flag(codes, x < 0, reasons, why.sqrt_reason(node))
        return np.sqrt(x), codes
    if f == "abs":
        return np.abs(x), codes
    if f == "round":
        digits = int(node.args[1].value) if len(node.args) == 2 and isinstance(node.args[1], Num) else 0
        return np.round(x, digits), codes
    lo, hi = parts[1][0], parts[2][0]
    _flag(codes, lo > hi, reasons, why.clamp_reason(node))
    return np.minimum(np.maximum(x, lo), hi), codes


def _column(name: str, raw: object, n: int | None) -> F64:
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be numbers", [FieldError([name], "not numbers")]) from None
    if arr.ndim > 1:
        raise InvalidInput(
            f"{name} must be one number per item (a 1-D array), got shape {arr.shape}",
            [FieldError([name], "not 1-D")],
        )
    if arr.ndim == 1 and n is not None and arr.shape[0] != n:
        raise InvalidInput(
            f"{name} has {arr.shape[0]} values but other inputs have {n}", [FieldError([name], "length")]
        )
    bad = np.isinf(arr)
    if bad.any():
        i = int(np.argmax(bad)) if arr.ndim else 0
        raise InvalidInput(
            f"{name} must be finite numbers; item {i} is {arr.flat[i]}", [FieldError([name, i], "not finite")]
        )
    return arr


def _vector_env(
    formula: Formula, cols: Mapping[str, F64], n: int, reasons: _Reasons, memo: dict[str, _VSlot]
) -> dict[str, _VSlot]:
    env: dict[str, _VSlot] = {}
    for fname in formula.fields:
        if fname in cols:
            arr = np.broadcast_to(cols[fname], (n,)).astype(np.float64)
            missing = np.isnan(arr)
            codes = np.zeros(n, np.int32)
            if missing.any():
                codes[missing] = reasons.code(f"missing {fname}")
            env[fname] = (arr, codes)
    for dep in formula.depends_on:
        if dep.name not in memo:
            vals, codes = _veval(dep.root, _vector_env(dep, cols, n, reasons, memo), n, reasons)
            remap = np.arange(len(reasons.texts) + 1, dtype=np.int32)
            for code in np.unique(codes).tolist():
                if code:
                    remap[code] = reasons.code(why.dep_reason(reasons.texts[code], dep.name))
            memo[dep.name] = (vals, remap[codes])
        env[dep.name] = memo[dep.name]
    return env


def evaluate_many(formula: Formula, columns: Mapping[str, Any], size: int | None = None) -> VectorResult:
    """Evaluate `formula` for many items at once.

    columns: field name -> one value per item (array-like; NaN or None = missing; a single number applies to
    every item). A field absent from `columns` is missing for every item. size: number of items, needed only
    when no column is an array. Same results and reasons as `evaluate` item by item.
    """
    n = size
    cols: dict[str, F64] = {}
    for fname in formula.fields:
        if fname in columns:
            arr = _column(fname, columns[fname], n)
            if arr.ndim == 1 and n is None:
                n = arr.shape[0]
            cols[fname] = arr
    if n is None:  # the formula reads no array column: take the item count from the others
        lengths = [len(c) for c in columns.values() if np.ndim(c) == 1]
        n = lengths[0] if lengths else 1
    reasons = _Reasons()
    with np.errstate(all="ignore"):
        env = _vector_env(formula, cols, n, reasons, {})
        values, codes = _veval(formula.root, env, n, reasons)
        values = np.array(values, dtype=np.float64)
        codes = np.array(codes, dtype=np.int32)
    values[codes != 0] = np.nan
    return VectorResult(values, codes, tuple(reasons.texts))
