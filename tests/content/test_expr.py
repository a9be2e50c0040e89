import pytest

from modules.content import expr
from modules.content.expr import ExpressionError, holds, names, parse

VARS = {"vertrouwen": 50, "tolk": 0, "begrip": 2}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vertrouwen >= 50", True),
        ("vertrouwen > 50", False),
        ("not tolk", True),
        ("tolk or begrip == 2", True),
        ("vertrouwen >= 40 and begrip < 2", False),
        ("(vertrouwen > 60 or begrip != 1) and not tolk", True),
        ("begrip >= -1", True),
    ],
)
def test_conditions_evaluate(text, expected):
    assert holds(text, VARS) is expected


@pytest.mark.parametrize(
    "text",
    ["", "vertrouwen >", "__import__('os')", "a and", "1 2", "a === 1", "(a", "a; b", "open('x')"],
)
def test_bad_conditions_are_rejected_not_run(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_unknown_variable_is_an_error_at_evaluation():
    with pytest.raises(ExpressionError, match="onbekend|unknown"):
        holds("geduld > 3", VARS)


def test_names_lists_every_variable():
    assert names(parse("a < 1 or not (b and c == 2)")) == {"a", "b", "c"}


def test_holds_agrees_with_evaluating_the_tree_for_every_condition_of_the_library(library):
    """``holds`` runs a compiled form of the tree: it must agree with ``evaluate`` everywhere it is used."""
    import itertools

    checked = 0
    for scenario in library.sorted():
        names = sorted(scenario.variables)
        texts = {c.condition for n in scenario.nodes.values() for c in n.choices if c.condition}
        texts |= {r.condition for n in scenario.nodes.values() for r in n.routes if r.condition}
        grid = [sorted({v.min, v.initial, v.max, (v.min + v.max) // 2}) for v in scenario.variables.values()]
        assignments = [
            dict(zip(names, values, strict=True)) for values in itertools.islice(itertools.product(*grid), 300)
        ]
        for text in texts:
            for variables in assignments:
                assert expr.holds(text, variables) == bool(expr.evaluate(expr.parse(text), variables)), text
                checked += 1
    assert checked > 1000
