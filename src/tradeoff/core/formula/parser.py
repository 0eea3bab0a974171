"""Formula text to syntax tree: a hand-written tokenizer and recursive-descent parser for the grammar in
the package docstring. Nothing is ever handed to Python's ``eval``."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

from tradeoff.core.formula.syntax import (
    _COMPARE,
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    Node,
    Num,
    Ref,
    Unary,
    _error,
)
from tradeoff.errors import InvalidInput

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
