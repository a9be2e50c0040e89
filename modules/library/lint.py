"""The authors' linter: schema, references and the play graph of one scenario file.

Every problem has file, line, location and cause (``Problem``). Beyond the schema the
linter checks references (nodes, endings, variables, principles) and walks every
reachable ``(node, variables)`` state exactly as the engine plays, so "every ending
reachable", "no dead end" and "no cycle without a way out" hold for real play-throughs.
Run it with ``python -m modules lint scenarios/``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from modules.content import expr
from modules.content.principles import Catalogue, load_catalogue
from modules.content.scenario import Scenario
from modules.content.yamlio import YamlSyntaxError, load_yaml_file, locate, to_plain
from modules.play import engine

MAX_STATES = 200_000


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    location: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        loc = f" [{self.location}]" if self.location else ""
        return f"{where}:{loc} {self.severity}: {self.message}"


def _dotted(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _problem(file: str, raw: Any, loc: tuple, message: str, severity: str = "error") -> Problem:
    return Problem(file, locate(raw, loc), _dotted(loc), message, severity)


def check_file(path: Path, catalogue: Catalogue | None = None) -> tuple[Scenario | None, list[Problem]]:
    """Parse, validate and lint one scenario file."""
    catalogue = catalogue or load_catalogue()
    name = path.name
    try:
        raw = load_yaml_file(path)
    except YamlSyntaxError as exc:
        return None, [Problem(name, exc.line, "", str(exc))]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, None, "", f"cannot read file: {exc}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, 1, "", "a scenario file must be a YAML mapping (key: value)")]
    try:
        scenario = Scenario.model_validate(to_plain(raw))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.append(_problem(name, raw, loc, message))
        return None, problems
    problems = lint(scenario, raw, name, catalogue)
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else scenario), problems


def lint(scenario: Scenario, raw: Any, name: str, catalogue: Catalogue) -> list[Problem]:
    """Reference and graph checks on a scenario that passed the schema."""
    problems: list[Problem] = []
    known = catalogue.by_id()
    targets = set(scenario.nodes) | set(scenario.endings)
    variables = set(scenario.variables)

    def err(loc: tuple, message: str, severity: str = "error") -> None:
        problems.append(_problem(name, raw, loc, message, severity))

    def check_condition(loc: tuple, condition: str | None) -> None:
        if condition is not None:
            unknown = sorted(expr.names(expr.parse(condition)) - variables)
            if unknown:
                err(loc, f"condition uses unknown variable(s) {unknown}; declared: {sorted(variables)}")

    if scenario.start not in scenario.nodes:
        err(("start",), f"start node {scenario.start!r} does not exist")
    for i, pid in enumerate(scenario.principles):
        if pid not in known:
            err(("principles", i), f"unknown principle id {pid!r}")
    for node_id, node in scenario.nodes.items():
        for i, choice in enumerate(node.choices):
            base = ("nodes", node_id, "choices", i)
            if choice.target not in targets:
                err((*base, "target"), f"target {choice.target!r} is neither a node nor an ending")
            for var in choice.effects:
                if var not in variables:
                    err((*base, "effects", var), f"effect on unknown variable {var!r}")
            for pid in choice.principles:
                if pid not in known:
                    err((*base, "principles", pid), f"unknown principle id {pid!r}")
            check_condition((*base, "condition"), choice.condition)
        for i, route in enumerate(node.routes):
            base = ("nodes", node_id, "routes", i)
            if route.target not in targets:
                err((*base, "target"), f"target {route.target!r} is neither a node nor an ending")
            check_condition((*base, "condition"), route.condition)
    for ending_id, ending in scenario.endings.items():
        for i, pid in enumerate(ending.principles):
            if pid not in known:
                err(("endings", ending_id, "principles", i), f"unknown principle id {pid!r}")
    if problems:
        return problems  # graph checks need sound references
    problems.extend(_graph_problems(scenario, raw, name))
    tagged = {pid for node in scenario.nodes.values() for c in node.choices for pid in c.principles}
    for i, pid in enumerate(scenario.principles):
        if pid not in tagged:
            err(("principles", i), f"principle {pid!r} is listed as trained but no choice is tagged with it", "warning")
    return problems


def _graph_problems(scenario: Scenario, raw: Any, name: str) -> list[Problem]:
    """Explore every reachable (node, variables) state, exactly as the engine plays."""
    problems: list[Problem] = []

    def key(state: engine.PlayState) -> tuple:
        return (state.node, tuple(sorted(state.variables.items())))

    try:
        first = engine.start(scenario)
    except engine.EngineError as exc:
        return [_problem(name, raw, ("start",), str(exc))]
    states = {key(first): first}
    edges: dict[tuple, set[tuple]] = {}
    queue = deque([first])
    complete = True
    while queue:
        state = queue.popleft()
        k = key(state)
        edges[k] = set()
        if state.finished:
            continue
        for choice in engine.available_choices(scenario, state):
            try:
                nxt, _ = engine.choose(scenario, state, choice.id)
            except engine.EngineError as exc:
                index = scenario.nodes[state.node].choices.index(choice)
                problems.append(_problem(name, raw, ("nodes", state.node, "choices", index, "target"), str(exc)))
                continue
            nk = key(nxt)
            edges[k].add(nk)
            if nk not in states:
                if len(states) >= MAX_STATES:
                    complete = False
                    continue
                states[nk] = nxt
                queue.append(nxt)

    reached_nodes = {s.node for s in states.values()}
    for node_id, node in scenario.nodes.items():
        if node_id not in reached_nodes and node.choices:
            problems.append(_problem(name, raw, ("nodes", node_id), f"node {node_id!r} can never be reached"))
    for node_id, node in scenario.nodes.items():
        if node.routes and not _reached_via_route(scenario, node_id, reached_nodes):
            problems.append(_problem(name, raw, ("nodes", node_id), f"node {node_id!r} can never be reached"))
    if not complete:
        problems.append(
            Problem(name, None, "", f"more than {MAX_STATES} play states: graph checks are incomplete", "warning")
        )
        return problems
    for ending_id in scenario.endings:
        if ending_id not in reached_nodes:
            problems.append(
                _problem(name, raw, ("endings", ending_id), f"ending {ending_id!r} is reached by no play-through")
            )

    dead = sorted({s.node for k, s in states.items() if not s.finished and not edges[k]})
    for node_id in dead:
        problems.append(
            _problem(
                name, raw, ("nodes", node_id), f"dead end at {node_id!r}: in some play-throughs no choice is available"
            )
        )
    # States from which no ending can be reached: cycles with no way out.
    reverse: dict[tuple, set[tuple]] = {k: set() for k in states}
    for k, outs in edges.items():
        for o in outs:
            reverse[o].add(k)
    can_end = {k for k, s in states.items() if s.finished}
    queue2 = deque(can_end)
    while queue2:
        for prev in reverse[queue2.popleft()]:
            if prev not in can_end:
                can_end.add(prev)
                queue2.append(prev)
    trapped = sorted({s.node for k, s in states.items() if k not in can_end and s.node not in dead})
    for node_id in trapped:
        problems.append(
            _problem(name, raw, ("nodes", node_id), f"cycle with no way out: from {node_id!r} no ending can be reached")
        )
    return problems


def _reached_via_route(scenario: Scenario, node_id: str, reached: set[str]) -> bool:
    """Route-only nodes are passed through, never stood on: reached if a reached place points at them."""
    pointers = []
    for other_id, other in scenario.nodes.items():
        if any(c.target == node_id for c in other.choices) or any(r.target == node_id for r in other.routes):
            pointers.append(other_id)
    return scenario.start == node_id or any(p in reached for p in pointers)
