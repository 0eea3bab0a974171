"""The formula language's syntax tree (frozen dataclasses), its names and limits, and errors that point at
the column of a mistake."""

from __future__ import annotations

from dataclasses import dataclass, field

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
