"""The scoring formula language: parsing, errors, evaluation (scalar and vectorised) and explanations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradeoff.core.formula import (
    Binary,
    Call,
    Node,
    Num,
    Ref,
    Unary,
    compile_formula,
    compile_formulas,
    evaluate,
    evaluate_many,
    explain,
    format_amount,
    format_number,
    parse,
    to_source,
)
from tradeoff.errors import InvalidInput

RICE_FIELDS = ["reach", "impact", "confidence", "effort"]


def value(text: str, **values: float | None) -> float | None:
    return evaluate(compile_formula(text), values).value


def reason(text: str, **values: float | None) -> str | None:
    return evaluate(compile_formula(text), values).not_scored_reason


# ---------------------------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("7 - 3 - 2", 2),  # left-associative
        ("10 / 4 / 5", 0.5),
        ("2 ^ 3 ^ 2", 512),  # right-associative
        ("(2 ^ 3) ^ 2", 64),
        ("2 ** 3", 8),
        ("-2 ^ 2", -4),  # power binds tighter than unary minus
        ("2 ^ -1", 0.5),
        ("6 × 7 ÷ 2 − 1", 20),
        ("1.5e2 + .5", 150.5),
        ("--3", 3),
        ("3 > 2", 1),
        ("3 <= 2", 0),
        ("2 == 2 and 3 != 3", 0),
        ("0 or 5", 1),
        ("not 0", 1),
        ("not 2 > 1", 0),  # not binds looser than comparison
        ("true + false", 1),
        ("min(3, 1, 2) + max(4, 9)", 10),
        ("log(1000)", 3),
        ("ln(1)", 0),
        ("sqrt(16) + abs(-2)", 6),
        ("round(2.5) + round(3.14159, 2)", 2 + 3.14),  # half to even
        ("clamp(15, 0, 10) + clamp(-1, 0, 10)", 10),
        ("if(1 > 2, 10, 20)", 20),
    ],
)
def test_arithmetic_follows_the_documented_precedence(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected)


def test_rice_explains_itself_with_values_filled_in() -> None:
    f = compile_formula("reach * impact * confidence / effort", RICE_FIELDS)
    ev = evaluate(f, {"reach": 800, "impact": 2, "confidence": 0.8, "effort": 30})
    assert ev.value == pytest.approx(800 * 2 * 0.8 / 30)
    assert ev.explanation == "42.67 = reach 800 × impact 2 × confidence 0.8 ÷ effort 30"
    assert ev.inputs == {"confidence": 0.8, "effort": 30.0, "impact": 2.0, "reach": 800.0}


def test_dotted_fields() -> None:
    f = compile_formula("problem.value_p50 / feature.effort", ["problem.value_p50", "feature.effort"])
    assert f.fields == ("feature.effort", "problem.value_p50")
    assert f.evaluate({"problem.value_p50": 100, "feature.effort": 4}).value == 25


def test_explanation_keeps_needed_parentheses() -> None:
    f = compile_formula("(business_value + time_criticality) / job_size")
    assert explain(f, {"business_value": 8, "time_criticality": 5, "job_size": 2}) == (
        "6.5 = (business_value 8 + time_criticality 5) ÷ job_size 2"
    )


# ---------------------------------------------------------------------------------------------- not scored


def test_division_by_zero_is_not_scored_with_the_field_named() -> None:
    f = compile_formula("reach * impact * confidence / effort", RICE_FIELDS)
    ev = f.evaluate({"reach": 800, "impact": 2, "confidence": 0.8, "effort": 0})
    assert ev.value is None
    assert ev.not_scored_reason == "effort is 0 (division by zero)"
    assert ev.explanation.startswith("not scored: effort is 0 (division by zero) — reach 800 ×")


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_input_is_not_scored(missing: float | None) -> None:
    f = compile_formula("reach * confidence", ["reach", "confidence"])
    ev = f.evaluate({"reach": 10, "confidence": missing})
    assert (ev.value, ev.not_scored_reason) == (None, "missing confidence")
    assert "confidence ?" in ev.explanation
    assert f.evaluate({"reach": 10}).not_scored_reason == "missing confidence"


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("log(reach)", {"reach": 0}, "reach is ≤ 0 (log of a number ≤ 0)"),
        ("ln(reach - 5)", {"reach": 2}, "reach - 5 is ≤ 0 (ln of a number ≤ 0)"),
        ("sqrt(x)", {"x": -1}, "x is negative (square root of a negative number)"),
        ("x ^ 0.5", {"x": -4}, "x is negative and the power 0.5 is not a whole number"),
        ("x ^ -1", {"x": 0}, "x is 0 and the power -1 is negative (division by zero)"),
        ("x ^ 1000", {"x": 10}, "x ^ 1000 is too large to compute (overflow)"),
        ("clamp(x, 5, 1)", {"x": 3}, "clamp bounds are reversed: 5 > 1"),
        ("a / (b - c)", {"a": 1, "b": 2, "c": 2}, "b - c is 0 (division by zero)"),
    ],
)
def test_math_errors_become_reasons(text: str, values: dict[str, float], expected: str) -> None:
    assert reason(text, **values) == expected


def test_the_branch_not_taken_never_fails() -> None:
    assert value("if(effort > 0, reach / effort, 0)", reach=5, effort=0) == 0
    assert value("effort > 0 and reach / effort > 1", reach=5, effort=0) == 0
    assert value("effort == 0 or reach / effort > 1", reach=5, effort=0) == 1
    # ...but a failing condition or a failing branch that is taken does
    assert reason("if(reach / effort > 1, 1, 0)", reach=5, effort=0) == "effort is 0 (division by zero)"
    assert reason("if(effort == 0, reach / effort, 0)", reach=5, effort=0) == "effort is 0 (division by zero)"


def test_non_numbers_and_infinities_are_rejected() -> None:
    f = compile_formula("reach * 2")
    with pytest.raises(InvalidInput, match="reach must be a number"):
        f.evaluate({"reach": "lots"})
    with pytest.raises(InvalidInput, match="reach must be a finite number"):
        f.evaluate({"reach": math.inf})


# ---------------------------------------------------------------------------------------------- errors


def error(text: str, fields: list[str] | None = None) -> str:
    with pytest.raises(InvalidInput) as info:
        compile_formula(text, fields)
    return str(info.value)


def test_syntax_error_names_the_column_and_draws_a_caret() -> None:
    msg = error("(reach * impact")
    assert msg.startswith("formula error at column 16: expected ')' to close the '(' at column 1")
    assert msg.splitlines()[1:] == ["  (reach * impact", "  " + " " * 15 + "^"]


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("reach * * impact", 9, "expected a number, field or '('"),
        ("reach = 2", 7, "use '=='"),
        ("reach && impact", 7, "use 'and'"),
        ("a ? b : c", 3, "if(condition, then, otherwise)"),
        ("2 < 3 < 4", 7, "cannot be chained"),
        ("min(1)", 1, "min() takes at least 2 argument(s), got 1"),
        ("clamp(1, 2)", 1, "clamp() takes 3 argument(s)"),
        ("sqroot(4)", 1, "unknown function 'sqroot' — did you mean 'sqrt'?"),
        ("reach impact", 7, "expected an operator or end of formula, found 'impact'"),
        ("1e+", 1, "malformed number"),
        ("1e999", 1, "too large"),
        ("reach $ 2", 7, "unexpected character '$'"),
        ("round(reach, impact)", 14, "digits must be a whole number"),
        ("", 1, "the formula is empty"),
        ("2 + )", 5, "found ')'"),
        ("(1))", 4, "unmatched ')'"),
        ("log", 1, "'log' is a function"),
        ("and", 1, "keyword 'and'"),
    ],
)
def test_syntax_errors(text: str, column: int, words: str) -> None:
    msg = error(text)
    assert f"at column {column}:" in msg
    assert words in msg


def test_error_on_a_later_line_names_line_and_column() -> None:
    msg = error("reach *\n  impact +")
    assert "at line 2, column 11" in msg


def test_unknown_field_suggests_the_closest_known_name() -> None:
    msg = error("reach * impcat", RICE_FIELDS)
    assert "column 9: unknown field 'impcat' — did you mean 'impact'?" in msg
    msg = error("zzz", RICE_FIELDS)
    assert "unknown field 'zzz'; known fields: confidence, effort, impact, reach" in msg


def test_nesting_is_bounded() -> None:
    assert "nested too deeply" in error("(" * 500 + "1" + ")" * 500)
    assert "too long a chain" in error("+".join(["1"] * 900))


# ---------------------------------------------------------------------------------------------- named formulas


def test_named_formulas_reference_each_other() -> None:
    fs = compile_formulas(
        {"score": "rice * bonus", "rice": "reach * impact / effort", "bonus": "if(reach > 100, 2, 1)"},
        ["reach", "impact", "effort"],
    )
    assert fs["score"].fields == ("effort", "impact", "reach")
    ev = fs["score"].evaluate({"reach": 200, "impact": 1, "effort": 4})
    assert ev.value == 100
    assert ev.explanation == "100 = rice 50 × bonus 2"
    ev = fs["score"].evaluate({"reach": 200, "impact": 1, "effort": 0})
    assert ev.not_scored_reason == "rice: effort is 0 (division by zero)"


def test_cycles_are_named() -> None:
    with pytest.raises(InvalidInput, match="formula cycle: a → b → c → a"):
        compile_formulas({"a": "b + 1", "b": "c * 2", "c": "a - reach"}, ["reach"])
    with pytest.raises(InvalidInput, match="formula cycle: self → self"):
        compile_formulas({"self": "self + 1"}, [])


def test_formula_names_must_not_clash() -> None:
    with pytest.raises(InvalidInput, match="clashes with a field"):
        compile_formulas({"reach": "1"}, ["reach"])
    with pytest.raises(InvalidInput, match="reserved"):
        compile_formulas({"min": "1"}, [])
    with pytest.raises(InvalidInput, match="formula 'b' error at column 3: unknown field 'nope'"):
        compile_formulas({"a": "1", "b": "a+nope"}, [])


# ---------------------------------------------------------------------------------------------- vectorised


def test_vectorised_evaluation_with_reasons() -> None:
    f = compile_formula("reach * impact * confidence / effort", RICE_FIELDS)
    r = evaluate_many(
        f, {"reach": [800, 1, 2], "impact": 2, "confidence": [0.8, None, 1], "effort": [30, 1, 0]}
    )
    assert r.values[0] == pytest.approx(800 * 2 * 0.8 / 30)
    assert np.isnan(r.values[1:]).all()
    assert r.not_scored_reasons() == [None, "missing confidence", "effort is 0 (division by zero)"]
    assert r.scored.tolist() == [True, False, False]
    assert r.reason(2) == "effort is 0 (division by zero)"


def test_vectorised_input_errors() -> None:
    f = compile_formula("a + b")
    with pytest.raises(InvalidInput, match="b has 2 values but other inputs have 3"):
        evaluate_many(f, {"a": [1, 2, 3], "b": [1, 2]})
    with pytest.raises(InvalidInput, match="a must be finite numbers; item 1 is inf"):
        evaluate_many(f, {"a": [1, math.inf], "b": 1})
    with pytest.raises(InvalidInput, match="a must be numbers"):
        evaluate_many(f, {"a": ["x"], "b": 1})
    r = evaluate_many(f, {"a": 1}, size=4)
    assert r.not_scored_reasons() == ["missing b"] * 4


# ---------------------------------------------------------------------------------------------- properties

NAMES = ["a", "b", "c", "x.y"]
leaves = st.one_of(
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(Num),
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 10.0]).map(Num),
    st.sampled_from(NAMES).map(Ref),
)


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    ops = ["or", "and", "<", "<=", ">", ">=", "==", "!=", "+", "-", "*", "/", "^"]
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), children),
        st.builds(Binary, st.sampled_from(ops), children, children),
        st.builds(
            lambda f, a: Call(f, (a,)), st.sampled_from(["log", "ln", "sqrt", "abs", "round"]), children
        ),
        st.builds(lambda f, a, b: Call(f, (a, b)), st.sampled_from(["min", "max"]), children, children),
        st.builds(lambda a, d: Call("round", (a, Num(float(d)))), children, st.integers(0, 4)),
        st.builds(
            lambda f, a, b, c: Call(f, (a, b, c)),
            st.sampled_from(["if", "clamp"]),
            children,
            children,
            children,
        ),
    )


trees = st.recursive(leaves, _trees, max_leaves=12)


@given(trees)
def test_print_then_parse_gives_the_same_tree(tree: Node) -> None:
    text = to_source(tree)
    assert parse(text) == tree
    assert to_source(parse(text)) == text


inputs = st.one_of(
    st.none(),
    st.sampled_from([0.0, 1.0, -1.0, 2.0, 0.5, -3.0, 100.0]),
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.lists(st.fixed_dictionaries({n: inputs for n in NAMES}), min_size=1, max_size=6))
def test_vectorised_and_scalar_evaluation_agree(tree: Node, rows: list[dict[str, float | None]]) -> None:
    f = compile_formula(to_source(tree), NAMES)
    many = evaluate_many(f, {n: [r[n] for r in rows] for n in NAMES})
    for i, row in enumerate(rows):
        one = evaluate(f, row)
        assert one.not_scored_reason == many.reason(i)
        if one.value is None:
            assert np.isnan(many.values[i])
        else:
            assert many.values[i] == pytest.approx(one.value, rel=1e-9, abs=1e-12)


formula_chars = st.text(alphabet="abcxy._0123456789eE+-*/^()<>=!,? \t\n×÷−notandrifminlg%$", max_size=40)


@settings(max_examples=400)
@given(st.one_of(formula_chars, st.text(max_size=40)))
def test_garbage_never_crashes_the_parser(text: str) -> None:
    try:
        f = compile_formula(text, ["a", "b", "c", "x.y", "n", "r"])
    except InvalidInput as e:
        assert "formula error at" in str(e) or "formula must" in str(e)
        return
    assert parse(to_source(f.root)) == f.root


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_format_number_never_fails(x: float) -> None:
    assert format_number(x)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.sampled_from(["", "USD", "EUR"]),
       st.booleans())
def test_format_amount_reads_back_as_the_value(x: float, unit: str, signed: bool) -> None:
    text = format_amount(x, unit, signed=signed)
    assert (text[0] in "+-") == (signed or x < 0)
    number = text.lstrip("+-").removeprefix(unit).strip().replace(",", "")
    back = float(number) * (-1 if text.startswith("-") else 1)
    assert back == pytest.approx(x, rel=1e-3, abs=1e-4)


def test_format_amount_examples() -> None:
    assert format_amount(8_209_482.3, "USD") == "USD 8,209,482"
    assert format_amount(1200, "EUR", signed=True) == "+EUR 1,200"
    assert format_amount(-42.674) == "-42.67"
    assert format_amount(0.0, signed=True) == "+0"


def test_a_long_chain_of_named_formulas() -> None:
    chain = {f"f{i}": f"f{i + 1} + 1" for i in range(150)} | {"f150": "reach"}
    fs = compile_formulas(chain, ["reach"])
    assert fs["f0"].evaluate({"reach": 2}).value == 152
    assert evaluate_many(fs["f0"], {"reach": [0, None]}).not_scored_reasons()[1] is not None
    with pytest.raises(InvalidInput, match="at most 200 named formulas"):
        compile_formulas({f"g{i}": "1" for i in range(201)}, [])
