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
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tradeoff.errors import FieldError, InvalidInput

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_FORMULAS = 200  # named formulas may chain; this bounds the recursion through them

FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "min": (2, None),
    "max": (2, None),
    "log": (1, 1),
    "ln": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "round": (1, 2),
    "clamp": (3, 3),
}
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
RESERVED = KEYWORDS | frozenset(FUNCTIONS)

# ---------------------------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Num:
    value: float
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Ref:
    """A field (``reach``) or another named formula."""

    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Binary:
    op: str  # or and < <= > >= == != + - * / ^
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node = Num | Ref | Unary | Binary | Call

_COMPARE = ("<", "<=", ">", ">=", "==", "!=")
_PREC = {"or": 1, "and": 2, "not": 3, **dict.fromkeys(_COMPARE, 4), "+": 5, "-": 5, "*": 6, "/": 6, "^": 8}
_UNARY_PREC = 7
_ATOM_PREC = 9

# ---------------------------------------------------------------------------------------------- errors


def _error(text: str, pos: int, message: str, name: str | None = None) -> InvalidInput:
    """An InvalidInput pointing at 0-based offset `pos` of `text` with a 1-based column and a caret line."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end == -1 else line_end
    line_no = text.count("\n", 0, pos) + 1
    column = pos - line_start + 1
    where = f"line {line_no}, column {column}" if "\n" in text else f"column {column}"
    who = f"formula '{name}'" if name else "formula"
    line = text[line_start:line_end].replace("\t", " ")
    msg = f"{who} error at {where}: {message}\n  {line}\n  {' ' * (column - 1)}^"
    loc: list[str | int] = ["formula", name] if name else ["formula"]
    return InvalidInput(msg, [FieldError(loc=loc, msg=message, value=column)])


# ---------------------------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # num name op ( ) , end
    text: str
    pos: int
    value: float = 0.0


_SYMBOLS = {
    "**": "^", "<=": "<=", ">=": ">=", "==": "==", "!=": "!=", "<": "<", ">": ">", "+": "+", "-": "-",
    "−": "-", "*": "*", "×": "*", "·": "*", "/": "/", "÷": "/", "^": "^",
}  # fmt: skip
_HINTS = {
    "=": "use '==' to compare",
    "&&": "use 'and'",
    "||": "use 'or'",
    "!": "use 'not'",
    "&": "use 'and'",
    "|": "use 'or'",
    "?": "conditionals are written if(condition, then, otherwise)",
    "%": "write percentages as fractions, e.g. 0.1 for 10%",
}


def _is_name_start(c: str) -> bool:
    return c.isascii() and (c.isalpha() or c == "_")


def _is_name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")


def _tokenize(text: str, name: str | None) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif (
            c.isascii()
            and c.isdigit()
            or (c == "." and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit())
        ):
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if not (k < n and text[k].isascii() and text[k].isdigit()):
                    raise _error(
                        text, i, f"malformed number '{text[i:k]}': expected digits after the exponent", name
                    )
                while k < n and text[k].isascii() and text[k].isdigit():
                    k += 1
                j = k
            value = float(text[i:j])
            if not math.isfinite(value):
                raise _error(text, i, f"number '{text[i:j]}' is too large", name)
            tokens.append(_Token("num", text[i:j], i, value))
            i = j
        elif _is_name_start(c):
            j = i + 1
            while j < n:
                if _is_name_char(text[j]):
                    j += 1
                elif text[j] == "." and j + 1 < n and _is_name_start(text[j + 1]):
                    j += 2
                else:
                    break
            tokens.append(_Token("name", text[i:j], i))
            i = j
        elif c in "(),":
            tokens.append(_Token(c, c, i))
            i += 1
        else:
            two = text[i : i + 2]
            if two in _SYMBOLS:
                tokens.append(_Token("op", _SYMBOLS[two], i))
                i += 2
            elif c in _SYMBOLS:
                tokens.append(_Token("op", _SYMBOLS[c], i))
                i += 1
            elif two in _HINTS or c in _HINTS:
                sym = two if two in _HINTS else c
                raise _error(text, i, f"unexpected '{sym}': {_HINTS[sym]}", name)
            else:
                raise _error(text, i, f"unexpected character {c!r}", name)
    tokens.append(_Token("end", "", n))
    return tokens


# ---------------------------------------------------------------------------------------------- parser


def _describe(tok: _Token) -> str:
    return "end of formula" if tok.kind == "end" else f"'{tok.text}'"


class _Parser:
    def __init__(self, text: str, name: str | None) -> None:
        self.text = text
        self.name = name
        self.tokens = _tokenize(text, name)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def next(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: _Token, message: str) -> InvalidInput:
        return _error(self.text, tok.pos, message, self.name)

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return (tok.kind == "op" and tok.text in ops) or (tok.kind == "name" and tok.text in ops)

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(tok, f"formula is nested too deeply (more than {MAX_DEPTH} levels)")

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.fail(self.peek(), "the formula is empty")
        node = self.parse_or()
        tok = self.peek()
        if tok.kind != "end":
            if tok.kind == ")":
                raise self.fail(tok, "unmatched ')'")
            raise self.fail(tok, f"expected an operator or end of formula, found {_describe(tok)}")
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.is_op("or"):
            tok = self.next()
            node = Binary("or", node, self.parse_and(), tok.pos)
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.is_op("and"):
            tok = self.next()
            node = Binary("and", node, self.parse_not(), tok.pos)
        return node

    def parse_not(self) -> Node:
        if self.is_op("not"):
            tok = self.next()
            self.enter(tok)
            node = Unary("not", self.parse_not(), tok.pos)
            self.depth -= 1
            return node
        return self.parse_compare()

    def parse_compare(self) -> Node:
        node = self.parse_sum()
        if self.is_op(*_COMPARE):
            tok = self.next()
            node = Binary(tok.text, node, self.parse_sum(), tok.pos)
            if self.is_op(*_COMPARE):
                raise self.fail(self.peek(), "comparisons cannot be chained; write (a < b) and (b < c)")
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.is_op("+", "-"):
            tok = self.next()
            node = Binary(tok.text, node, self.parse_product(), tok.pos)
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while self.is_op("*", "/"):
            tok = self.next()
            node = Binary(tok.text, node, self.parse_unary(), tok.pos)
        return node

    def parse_unary(self) -> Node:
        if self.is_op("-", "+"):
            tok = self.next()
            self.enter(tok)
            operand = self.parse_unary()
            self.depth -= 1
            return Unary("-", operand, tok.pos) if tok.text == "-" else operand
        return self.parse_power()

    def parse_power(self) -> Node:
        node = self.parse_atom()
        if self.is_op("^"):
            tok = self.next()
            self.enter(tok)
            node = Binary("^", node, self.parse_unary(), tok.pos)
            self.depth -= 1
        return node

    def parse_atom(self) -> Node:
        tok = self.next()
        if tok.kind == "num":
            return Num(tok.value, tok.pos)
        if tok.kind == "(":
            self.enter(tok)
            node = self.parse_or()
            self.depth -= 1
            self.expect_close(tok)
            return node
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                return Num(1.0 if tok.text == "true" else 0.0, tok.pos)
            if tok.text in KEYWORDS:
                raise self.fail(tok, f"expected a number, field or '(' but found the keyword '{tok.text}'")
            if self.peek().kind == "(":
                return self.parse_call(tok)
            if tok.text in FUNCTIONS:
                raise self.fail(tok, f"'{tok.text}' is a function: write {tok.text}(...)")
            return Ref(tok.text, tok.pos)
        if tok.kind == "end":
            raise self.fail(tok, "unexpected end of formula: expected a number, field or '('")
        raise self.fail(tok, f"expected a number, field or '(' but found {_describe(tok)}")

    def expect_close(self, opening: _Token) -> None:
        tok = self.peek()
        if tok.kind != ")":
            column = opening.pos - (self.text.rfind("\n", 0, opening.pos) + 1) + 1
            raise self.fail(tok, f"expected ')' to close the '(' at column {column}, found {_describe(tok)}")
        self.next()

    def parse_call(self, name_tok: _Token) -> Node:
        func = name_tok.text
        if func not in FUNCTIONS:
            close = difflib.get_close_matches(func, list(FUNCTIONS), n=1)
            hint = f" — did you mean '{close[0]}'?" if close else f"; known functions: {', '.join(FUNCTIONS)}"
            raise self.fail(name_tok, f"unknown function '{func}'{hint}")
        opening = self.next()
        self.enter(opening)
        args: list[Node] = []
        if self.peek().kind != ")":
            args.append(self.parse_or())
            while self.peek().kind == ",":
                self.next()
                args.append(self.parse_or())
        self.depth -= 1
        self.expect_close(opening)
        lo, hi = FUNCTIONS[func]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = f"{lo}" if lo == hi else (f"at least {lo}" if hi is None else f"{lo} or {hi}")
            raise self.fail(name_tok, f"{func}() takes {want} argument(s), got {len(args)}")
        if func == "round" and len(args) == 2:
            digits = args[1]
            if not (isinstance(digits, Num) and digits.value.is_integer() and 0 <= digits.value <= 12):
                raise _error(
                    self.text, _pos(digits), "round()'s digits must be a whole number from 0 to 12", self.name
                )
        return Call(func, tuple(args), name_tok.pos)


def _pos(node: Node) -> int:
    return node.pos


def _tree_depth(root: Node) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in _children(node))
    return deepest


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def parse(text: str, *, name: str | None = None) -> Node:
    """Parse formula `text` into a syntax tree; raise InvalidInput with the column of the first mistake."""
    if not isinstance(text, str):
        raise InvalidInput(f"formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _error(text, MAX_LENGTH, f"formula is longer than {MAX_LENGTH} characters", name)
    root = _Parser(text, name).parse()
    if _tree_depth(root) > 4 * MAX_DEPTH:
        raise _error(text, 0, "formula is too long a chain of operations; split it into named formulas", name)
    return root


def references(root: Node) -> list[Ref]:
    """Every field or formula reference in the tree, in reading order."""
    out: list[Ref] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            out.append(node)
        stack.extend(reversed(_children(node)))
    return out


# ---------------------------------------------------------------------------------------------- printer


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


# ---------------------------------------------------------------------------------------------- compiled formulas


@dataclass(frozen=True)
class Formula:
    """A parsed, validated formula.

    `fields` are the input fields it needs (directly or through `depends_on`, the named formulas it
    references, already compiled).
    """

    name: str
    text: str
    root: Node
    fields: tuple[str, ...]
    depends_on: tuple[Formula, ...] = ()

    def evaluate(self, values: Mapping[str, float | int | bool | None]) -> Evaluation:
        return evaluate(self, values)

    def evaluate_many(self, columns: Mapping[str, Any], size: int | None = None) -> VectorResult:
        return evaluate_many(self, columns, size)

    def explain(self, values: Mapping[str, float | int | bool | None]) -> str:
        return evaluate(self, values).explanation


@dataclass(frozen=True)
class Evaluation:
    """One item's result: `value` (None when not scored), the reason, and the formula with values filled in."""

    value: float | None
    not_scored_reason: str | None
    explanation: str
    inputs: dict[str, float | None]


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


def _suggest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f" — did you mean '{close[0]}'?"
    if not known:
        return ""
    shown = sorted(known)[:12]
    return f"; known fields: {', '.join(shown)}{', ...' if len(known) > 12 else ''}"


def compile_formula(
    text: str,
    known_fields: Collection[str] | None = None,
    *,
    name: str = "",
    formulas: Mapping[str, Formula] | None = None,
) -> Formula:
    """Parse and validate a formula.

    text: the formula, e.g. ``"reach * impact * confidence / effort"``.
    known_fields: the input field names it may use; None accepts any name (no validation).
    name: the formula's own name (used in error messages and when other formulas reference it).
    formulas: already compiled named formulas it may reference by name.
    Raises InvalidInput naming an unknown field (with the closest known name) and its column.
    """
    formulas = formulas or {}
    root = parse(text, name=name or None)
    fields: set[str] = set()
    deps: dict[str, Formula] = {}
    for ref in references(root):
        if ref.name in formulas:
            deps[ref.name] = formulas[ref.name]
            fields.update(formulas[ref.name].fields)
        elif known_fields is None or ref.name in known_fields:
            fields.add(ref.name)
        else:
            known = set(known_fields) | set(formulas)
            raise _error(
                text, ref.pos, f"unknown field '{ref.name}'{_suggest(ref.name, known)}", name or None
            )
    return Formula(name or "formula", text, root, tuple(sorted(fields)), tuple(deps.values()))


def compile_formulas(
    definitions: Mapping[str, str], known_fields: Collection[str] | None = None
) -> dict[str, Formula]:
    """Compile named formulas that may reference each other by name.

    definitions: formula name -> text. known_fields: input field names (None: any name is a field).
    Raises InvalidInput on a syntax error, an unknown field, a name clash, or a cycle ("formula cycle: a → b → a").
    """
    if len(definitions) > MAX_FORMULAS:
        raise InvalidInput(
            f"at most {MAX_FORMULAS} named formulas, got {len(definitions)}",
            [FieldError(["formulas"], "too many")],
        )
    trees: dict[str, Node] = {}
    for fname, text in definitions.items():
        if not (fname and _is_name_start(fname[0]) and all(_is_name_char(c) or c == "." for c in fname)):
            raise InvalidInput(
                f"formula name {fname!r} must be an identifier (letters, digits, _)",
                [FieldError(["formulas", fname], "bad name")],
            )
        if fname in RESERVED:
            raise InvalidInput(
                f"formula name '{fname}' is reserved (a keyword or function)",
                [FieldError(["formulas", fname], "reserved")],
            )
        if known_fields is not None and fname in known_fields:
            raise InvalidInput(
                f"formula name '{fname}' clashes with a field of the same name",
                [FieldError(["formulas", fname], "clash")],
            )
        trees[fname] = parse(text, name=fname)
    graph = {f: [r.name for r in references(t) if r.name in trees] for f, t in trees.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = path[path.index(node) :] + [node]
            raise InvalidInput(
                f"formula cycle: {' → '.join(cycle)}", [FieldError(["formulas", node], "cycle")]
            )
        state[node] = 1
        for dep in dict.fromkeys(graph[node]):
            visit(dep, [*path, node])
        state[node] = 2
        order.append(node)

    for fname in trees:
        visit(fname, [])
    compiled: dict[str, Formula] = {}
    for fname in order:
        compiled[fname] = compile_formula(definitions[fname], known_fields, name=fname, formulas=compiled)
    return {f: compiled[f] for f in definitions}


def explain_tree(root: Node, fill: Mapping[str, str]) -> str:
    """The formula with each reference shown as ``name value`` (values pre-formatted in `fill`)."""
    return _print(root, fill)[0]


# ---------------------------------------------------------------------------------------------- evaluation
#
# Scalar and vectorised evaluation follow the same rules, in the same order: an operand's failure wins over
# the operation's own (left before right), and `if`/`and`/`or` ignore failures in the part they do not use.


class _NotScored(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _short(node: Node) -> str:
    s = to_source(node)
    return s if len(s) <= 60 else s[:57] + "..."


def _overflow(node: Node) -> str:
    return f"{_short(node)} is too large to compute (overflow)"


def _div_zero(divisor: Node) -> str:
    return f"{_short(divisor)} is 0 (division by zero)"


def _pow_zero(node: Binary) -> str:
    return f"{_short(node.left)} is 0 and the power {_short(node.right)} is negative (division by zero)"


def _pow_negative(node: Binary) -> str:
    return f"{_short(node.left)} is negative and the power {_short(node.right)} is not a whole number"


def _log_reason(node: Call) -> str:
    return f"{_short(node.args[0])} is ≤ 0 ({node.func} of a number ≤ 0)"


def _sqrt_reason(node: Call) -> str:
    return f"{_short(node.args[0])} is negative (square root of a negative number)"


def _clamp_reason(node: Call) -> str:
    return f"clamp bounds are reversed: {_short(node.args[1])} > {_short(node.args[2])}"


def _dep_reason(reason: str, dep: str) -> str:
    return f"{dep}: {reason}"


_Slot = tuple[float | None, str | None]  # a value, or None and the reason it is missing


def _finite(r: float, node: Node) -> float:
    if not math.isfinite(r):
        raise _NotScored(_overflow(node))
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
                raise _NotScored(_div_zero(node.right))
            return _finite(a / b, node)
        if a == 0 and b < 0:
            raise _NotScored(_pow_zero(node))
        if a < 0 and not b.is_integer():
            raise _NotScored(_pow_negative(node))
        try:
            r = float(a**b)
        except OverflowError:
            raise _NotScored(_overflow(node)) from None
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
            raise _NotScored(_log_reason(node))
        return math.log10(x) if f == "log" else math.log(x)
    if f == "sqrt":
        if x < 0:
            raise _NotScored(_sqrt_reason(node))
        return math.sqrt(x)
    if f == "abs":
        return abs(x)
    if f == "round":
        digits = int(node.args[1].value) if len(node.args) == 2 and isinstance(node.args[1], Num) else 0
        return float(np.round(x, digits))
    lo, hi = args[1], args[2]
    if lo > hi:
        raise _NotScored(_clamp_reason(node))
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
                memo[dep.name] = (None, _dep_reason(e.reason, dep.name))
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


# --- vectorised


F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
_VSlot = tuple[F64, I32]


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
        _flag(codes, b == 0, reasons, _div_zero(node.right))
        r = a / b
    else:
        _flag(codes, (a == 0) & (b < 0), reasons, _pow_zero(node))
        _flag(codes, (a < 0) & (b != np.floor(b)), reasons, _pow_negative(node))
        r = np.power(a, b)
    _flag(codes, ~np.isfinite(r), reasons, _overflow(node))
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
        _flag(codes, x <= 0, reasons, _log_reason(node))
        return (np.log10(x) if f == "log" else np.log(x)), codes
    if f == "sqrt":
        _flag(codes, x < 0, reasons, _sqrt_reason(node))
        return np.sqrt(x), codes
    if f == "abs":
        return np.abs(x), codes
    if f == "round":
        digits = int(node.args[1].value) if len(node.args) == 2 and isinstance(node.args[1], Num) else 0
        return np.round(x, digits), codes
    lo, hi = parts[1][0], parts[2][0]
    _flag(codes, lo > hi, reasons, _clamp_reason(node))
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
                    remap[code] = reasons.code(_dep_reason(reasons.texts[code], dep.name))
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
