"""A small, safe expression language for custom scoring formulas.

Grammar (lowest precedence first)::

    formula  := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]     # no chaining: a < b < c is an error
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := ("-" | "+") unary | power
    power    := atom [("^" | "**") unary]                              # right-associative; -2^2 is -(2^2)
    atom     := NUMBER | FIELD | "true" | "false" | NAME "(" formula ("," formula)* ")" | "(" formula ")"

``×``/``·`` and ``÷`` are accepted for ``*`` and ``/``, ``−`` for ``-``. Fields are identifiers, possibly
dotted (``problem.value_p50``). The conditional is a function, ``if(condition, then, otherwise)``; only the
branch it picks is evaluated, so ``if(effort > 0, reach / effort, 0)`` never divides by zero. Functions:
``min(a, b, ...)``, ``max(a, b, ...)``, ``log(x)`` (base 10), ``ln(x)``, ``sqrt(x)``, ``abs(x)``,
``round(x)`` / ``round(x, digits)`` (half to even; ``digits`` a whole-number literal), ``clamp(x, lo, hi)``.
Comparisons and ``and``/``or``/``not`` give 1 (true) or 0 (false); any non-zero number is true.

Text is tokenised and parsed by hand into a tree of frozen dataclasses; nothing is ever handed to Python's
``eval``. An item whose formula would divide by zero, take the log of a number <= 0, overflow or read a
missing input is *not scored*, with the reason in words, rather than given a number.

Modules, by use case: `syntax` (the tree, limits, errors pointing at a column), `parser` (text to tree),
`printer` (tree to text, numbers for people), `compiled` (validated, named formulas), `scalar` (one item)
and `vector` (many items at once, numpy), with `reasons` the not-scored reasons both evaluators share.
"""

from __future__ import annotations

from tradeoff.core.formula.compiled import Formula, compile_formula, compile_formulas
from tradeoff.core.formula.parser import parse, references
from tradeoff.core.formula.printer import explain_tree, format_amount, format_number, to_source
from tradeoff.core.formula.scalar import Evaluation, evaluate, explain
from tradeoff.core.formula.syntax import (
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_FORMULAS,
    MAX_LENGTH,
    RESERVED,
    Binary,
    Call,
    Node,
    Num,
    Ref,
    Unary,
)
from tradeoff.core.formula.vector import F64, I32, VectorResult, evaluate_many

__all__ = [
    "F64",
    "FUNCTIONS",
    "I32",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_FORMULAS",
    "MAX_LENGTH",
    "RESERVED",
    "Binary",
    "Call",
    "Evaluation",
    "Formula",
    "Node",
    "Num",
    "Ref",
    "Unary",
    "VectorResult",
    "compile_formula",
    "compile_formulas",
    "evaluate",
    "evaluate_many",
    "explain",
    "explain_tree",
    "format_amount",
    "format_number",
    "parse",
    "references",
    "to_source",
]
