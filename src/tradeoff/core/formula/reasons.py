"""Why an item is not scored, in words, shared by scalar and vectorised evaluation."""

from __future__ import annotations

from tradeoff.core.formula.printer import to_source
from tradeoff.core.formula.syntax import Binary, Call, Node

# Scalar and vectorised evaluation follow the same rules, in the same order: an operand's failure wins over
# the operation's own (left before right), and `if`/`and`/`or` ignore failures in the part they do not use.


def _short(node: Node) -> str:
    s = to_source(node)
    return s if len(s) <= 60 else s[:57] + "..."


def overflow(node: Node) -> str:
    return f"{_short(node)} is too large to compute (overflow)"


def div_zero(divisor: Node) -> str:
    return f"{_short(divisor)} is 0 (division by zero)"


def pow_zero(node: Binary) -> str:
    return f"{_short(node.left)} is 0 and the power {_short(node.right)} is negative (division by zero)"


def pow_negative(node: Binary) -> str:
    return f"{_short(node.left)} is negative and the power {_short(node.right)} is not a whole number"


def log_reason(node: Call) -> str:
    return f"{_short(node.args[0])} is ≤ 0 ({node.func} of a number ≤ 0)"


def sqrt_reason(node: Call) -> str:
    return f"{_short(node.args[0])} is negative (square root of a negative number)"


def clamp_reason(node: Call) -> str:
    return f"clamp bounds are reversed: {_short(node.args[1])} > {_short(node.args[2])}"


def dep_reason(reason: str, dep: str) -> str:
    return f"{dep}: {reason}"
