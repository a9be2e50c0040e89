import pytest

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
