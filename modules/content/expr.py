"""A tiny, safe condition language for scenario files (never ``eval``).

Grammar::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand (("<" | "<=" | ">" | ">=" | "==" | "!=") operand)?
    operand    := NAME | INTEGER | "(" expr ")"

Names are scenario variables (integers). A bare name is true when it is not 0,
so ``tolk_geregeld`` works as a flag. Examples::

    vertrouwen >= 60
    begrip < 2 and not tolk_geregeld
    (vertrouwen > 40 or gehoord >= 2) and escalatie == 0
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<num>-?\d+)|(?P<name>[a-z_][a-z0-9_]*)|(?P<op><=|>=|==|!=|<|>|\(|\)))", re.I)
_KEYWORDS = {"and", "or", "not"}
_COMPARE: dict[str, Callable[[int | bool, int | bool], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class ExpressionError(ValueError):
    """The condition text cannot be parsed."""


@dataclass(frozen=True)
class Num:
    value: int


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Num | Var | Compare | BoolOp | Not


def _tokenise(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos:].strip()[:1]!r} at position {pos + 1}")
        tokens.append(match.group(0).strip())
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenise(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ExpressionError("the condition ends too early")
        self.pos += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("empty condition")
        node = self.or_expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self) -> Node:
        if self.peek() == "not":
            self.take()
            return Not(self.not_expr())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        if self.peek() in _COMPARE:
            op = self.take()
            return Compare(op, left, self.operand())
        return left

    def operand(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.or_expr()
            if self.take() != ")":
                raise ExpressionError("missing ')'")
            return node
        if re.fullmatch(r"-?\d+", token):
            return Num(int(token))
        if token in _KEYWORDS or token in _COMPARE or token == ")":
            raise ExpressionError(f"expected a variable or number, got {token!r}")
        return Var(token)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """The expression's tree; memoised (the nodes are frozen), since a click or a path walk tests the same
    few conditions many times. A text that does not parse raises every time (errors are not cached)."""
    return _Parser(str(text)).parse()


def names(node: Node) -> set[str]:
    """All variable names used in an expression."""
    if isinstance(node, Var):
        return {node.name}
    if isinstance(node, Compare):
        return names(node.left) | names(node.right)
    if isinstance(node, BoolOp):
        return set[str]().union(*(names(p) for p in node.parts))
    if isinstance(node, Not):
        return names(node.operand)
    return set()


def evaluate(node: Node, variables: Mapping[str, int]) -> int | bool:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        if node.name not in variables:
            raise ExpressionError(f"unknown variable {node.name!r}")
        return variables[node.name]
    if isinstance(node, Compare):
        return _COMPARE[node.op](evaluate(node.left, variables), evaluate(node.right, variables))
    if isinstance(node, BoolOp):
        values = (bool(evaluate(p, variables)) for p in node.parts)
        return all(values) if node.op == "and" else any(values)
    return not evaluate(node.operand, variables)  # Not: the last kind of node


def holds(text: str, variables: Mapping[str, int]) -> bool:
    return bool(_compiled(text)(variables))


Compiled = Callable[[Mapping[str, int]], int | bool]


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> Compiled:
    """The expression as nested closures (built from the parsed tree, never ``eval``): ``evaluate``
    without walking the tree on every test, for the path walks that test a condition millions of times."""
    return _build(parse(text), _by_name)


def _by_name(name: str) -> Compiled:
    def variable(variables: Mapping[str, int]) -> int:
        if name not in variables:
            raise ExpressionError(f"unknown variable {name!r}")
        return variables[name]

    return variable


Positional = Callable[[tuple[int, ...]], int | bool]


def compile_positional(text: str, index: Mapping[str, int]) -> Positional:
    """The expression over variables given as a tuple, ``index`` naming each variable's position: for
    the linter's walk over play states kept as plain tuples. A name not in ``index`` raises
    ``ExpressionError`` here, not on evaluation."""

    def by_position(name: str) -> Positional:
        if name not in index:
            raise ExpressionError(f"unknown variable {name!r}")
        position = index[name]
        return lambda values: values[position]

    return _build(parse(text), by_position)


def _build(node: Node, variable: Callable[[str], Callable[[Any], int | bool]]) -> Callable[[Any], int | bool]:
    """Closures for ``node``; ``variable(name)`` makes the accessor of one variable."""
    if isinstance(node, Num):
        value = node.value
        return lambda _variables: value
    if isinstance(node, Var):
        return variable(node.name)
    if isinstance(node, Compare):
        compare, left, right = _COMPARE[node.op], _build(node.left, variable), _build(node.right, variable)
        if isinstance(node.right, Num):  # the usual shape, 'vertrouwen >= 50': one call fewer per test
            constant = node.right.value
            return lambda variables: compare(left(variables), constant)
        return lambda variables: compare(left(variables), right(variables))
    if isinstance(node, BoolOp):
        parts = [_build(p, variable) for p in node.parts]
        combined = parts.pop()  # folded from the right into pairs: no generator per test
        while parts:
            combined = _pair(node.op, parts.pop(), combined)
        return combined
    operand = _build(node.operand, variable)  # Not: the last kind of node
    return lambda variables: not operand(variables)


def _pair(op: str, first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Callable[[Any], bool]:
    if op == "and":
        return lambda variables: bool(first(variables)) and bool(second(variables))
    return lambda variables: bool(first(variables)) or bool(second(variables))
