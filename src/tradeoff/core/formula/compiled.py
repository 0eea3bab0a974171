"""Compiled formulas: parsed, validated against the known fields, and linked to the named formulas they
reference (in dependency order, refusing cycles)."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from tradeoff.core.formula.parser import _is_name_char, _is_name_start, parse, references
from tradeoff.core.formula.scalar import Evaluation, evaluate
from tradeoff.core.formula.syntax import MAX_FORMULAS, RESERVED, Node, _error
from tradeoff.core.formula.vector import VectorResult, evaluate_many
from tradeoff.errors import FieldError, InvalidInput


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
