"""Syntax tree to text: formula source (``parse(to_source(t)) == t``), explanations with values filled
in, and numbers formatted for people."""

from __future__ import annotations

import math
from collections.abc import Mapping

from tradeoff.core.formula.syntax import _ATOM_PREC, _COMPARE, _PREC, _UNARY_PREC, Call, Node, Num, Ref, Unary


def format_number(x: float) -> str:
    """A number for people: 4 significant digits, thousands separators, no trailing zeros (800, 0.8, 42.67)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e15 or ax < 1e-4:
        return f"{x:.3g}"
    decimals = max(0, 3 - math.floor(math.log10(ax)))
    s = f"{x:,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_amount(x: float, unit: str = "", *, signed: bool = False) -> str:
    """A value in its unit for people: 'USD 8,209,482', '+USD 1,200', '42.67' (no unit), '+0'."""
    sign = ("+" if x >= 0 else "-") if signed else ("-" if x < 0 else "")
    return f"{sign}{unit + ' ' if unit else ''}{format_number(abs(x))}"


_PRETTY = {"*": "×", "/": "÷"}


def _print(node: Node, fill: Mapping[str, str] | None) -> tuple[str, int]:
    pretty = fill is not None
    if isinstance(node, Num):
        v = node.value
        if pretty:
            return format_number(v), _ATOM_PREC
        return (str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)), _ATOM_PREC
    if isinstance(node, Ref):
        return (f"{node.name} {fill.get(node.name, '?')}" if fill is not None else node.name), _ATOM_PREC
    if isinstance(node, Call):
        return f"{node.func}({', '.join(_print(a, fill)[0] for a in node.args)})", _ATOM_PREC
    if isinstance(node, Unary):
        if node.op == "not":
            s, p = _print(node.operand, fill)
            return f"not {s if p >= _PREC['not'] else f'({s})'}", _PREC["not"]
        s, p = _print(node.operand, fill)
        return f"-{s if p >= _UNARY_PREC else f'({s})'}", _UNARY_PREC
    prec = _PREC[node.op]
    ls, lp = _print(node.left, fill)
    rs, rp = _print(node.right, fill)
    if node.op == "^":
        left_ok, right_ok = lp > prec, rp >= _UNARY_PREC
    elif node.op in _COMPARE:
        left_ok, right_ok = lp > prec, rp > prec
    else:
        left_ok, right_ok = lp >= prec, rp > prec
    ls = ls if left_ok else f"({ls})"
    rs = rs if right_ok else f"({rs})"
    op = _PRETTY.get(node.op, node.op) if pretty else node.op
    return f"{ls} {op} {rs}", prec


def to_source(root: Node) -> str:
    """Print a tree back as formula text; ``parse(to_source(t)) == t`` for every parsed tree."""
    return _print(root, None)[0]


def explain_tree(root: Node, fill: Mapping[str, str]) -> str:
    """The formula with each reference shown as ``name value`` (values pre-formatted in `fill`)."""
    return _print(root, fill)[0]
