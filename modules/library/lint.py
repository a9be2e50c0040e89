"""The authors' linter: schema, references and the play graph of one scenario file.

Every problem has file, line, location and cause (``Problem``). Beyond the schema the
linter checks references (nodes, endings, variables, principles, choices named in path
notes) and the play graph. Reachability is decided on the graph first: a node no arrow
leads to is unreachable, proven. Then it walks the reachable ``(node, variables)`` states
exactly as the engine plays, within a budget of states and seconds; only a complete walk
may call a node or ending unreachable by play or a cycle inescapable, an exhausted budget
is a warning that says so. A dead end met on the walk is real either way.
Run it with ``python -m modules lint scenarios/``; ``--strict`` adds the quality bar
(``modules.library.quality``).
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from modules.content import expr
from modules.content.principles import Catalogue, load_catalogue
from modules.content.scenario import Scenario, WhenShown
from modules.content.yamlio import (
    NotUtf8Error,
    YamlSyntaxError,
    locate,
    parse_plain,
    parse_yaml,
    read_text,
    to_plain,
)
from modules.play import engine

MAX_STATES = 50_000  # play states the walk may visit ...
MAX_SECONDS = 5.0  # ... and the seconds it may take, per file
MAX_FILE_BYTES = 1_000_000  # a scenario file is text: 1 MB holds ten times the largest bundled one


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    location: str
    message: str
    severity: str = "error"  # "error" | "warning"
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
        loc = f" [{self.location}]" if self.location else ""
        return f"{where}:{loc} {self.severity}: {self.message}"


def dotted(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _problem(file: str, raw: Any, loc: tuple, message: str, severity: str = "error") -> Problem:
    return Problem(file, locate(raw, loc), dotted(loc), message, severity)


def _clean(plain: Any, name: str, catalogue: Catalogue) -> Scenario | None:
    """The scenario when the fast parse gives a file without a single problem; else ``None`` (and
    ``check_file`` parses again with line records, to say where each problem is)."""
    if not isinstance(plain, dict):
        return None
    try:
        scenario = Scenario.model_validate(plain)
    except ValidationError:
        return None
    return None if todo_problems(plain, name) or lint(scenario, None, name, catalogue) else scenario


def _too_big(name: str, size: int) -> list[Problem]:
    return [Problem(name, None, "", f"the file is {size / 1e6:.1f} MB; a scenario file may be at most 1 MB")]


def check_file(path: Path, catalogue: Catalogue | None = None) -> tuple[Scenario | None, list[Problem]]:
    """Parse, validate and lint one scenario file: fast for a clean file, with lines for one that is not."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, _too_big(name, size)
        text = read_text(path)
    except NotUtf8Error as exc:
        return None, [Problem(name, exc.line, "", str(exc), column=exc.column)]
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read the file: {exc.strerror or exc}")]
    return check_text(text, name, catalogue)


def check_text(text: str, name: str, catalogue: Catalogue | None = None) -> tuple[Scenario | None, list[Problem]]:
    """``check_file`` for a text that is not (yet) a file: a draft in the Werkplaats, named ``name``."""
    catalogue = catalogue or load_catalogue()
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return None, _too_big(name, len(text.encode("utf-8")))
    try:
        fast = _clean(parse_plain(text), name, catalogue)
        if fast is not None:
            return fast, []
        raw = parse_yaml(text)
    except YamlSyntaxError as exc:
        return None, [Problem(name, exc.line, "", str(exc), column=exc.column)]
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
        todo = [p for p in todo_problems(raw, name) if p.location not in {q.location for q in problems}]
        return None, problems + todo
    problems = lint(scenario, raw, name, catalogue)
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else scenario), problems


_TODO = re.compile(r"\bTODO\b")


def todo_problems(data: Any, name: str) -> list[Problem]:
    """Every place that still says ``TODO`` (a value, or a key such as a principle id): what an
    import from Twine or a template leaves for the author to fill in. Errors: a draft with one is
    not published."""
    found: list[Problem] = []

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, str):
            if _TODO.search(value):
                found.append(_problem(name, data, loc, f"still to fill in (TODO) at {dotted(loc) or 'the top'}"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _TODO.search(key):
                    found.append(_problem(name, data, (*loc, key), f"still to fill in (TODO): the key {key!r}"))
                walk(item, (*loc, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*loc, index))

    walk(data, ())
    return found


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

    if raw is not None:  # the fast path checked the plain data for TODO already (_clean)
        problems.extend(todo_problems(raw, name))
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
    introduced = {
        f for n in scenario.nodes.values() for f in (*n.introduces, *(x for c in n.choices for x in c.introduces))
    }
    for loc, notes in _note_groups(scenario):
        for i, note in enumerate(notes):
            for field in ("chosen", "chosen_any", "not_chosen", "about"):
                for j, ref in enumerate(getattr(note, field, [])):
                    node_id, choice_id = ref.split(".", 1)
                    node = scenario.nodes.get(node_id)
                    if node is None or choice_id not in {c.id for c in node.choices}:
                        err((*loc, i, field, j), f"{ref!r} names no choice: write 'node.choice' with today's ids")
            check_condition((*loc, i, "condition"), note.condition)
            for j, fact in enumerate(note.facts):
                if fact not in introduced:
                    err((*loc, i, "facts", j), f"fact {fact!r} is brought in by no scene or choice ('introduces')")
    for ending_id, ending in scenario.endings.items():
        for j, fact in enumerate(ending.facts):
            if fact not in introduced:
                err(("endings", ending_id, "facts", j), f"fact {fact!r} is brought in by no scene or choice")
    for node_id, node in scenario.nodes.items():
        for j, fact in enumerate(node.facts):
            if fact not in introduced:
                err(("nodes", node_id, "facts", j), f"fact {fact!r} is brought in by no scene or choice")
    if problems:
        return problems  # graph checks need sound references
    problems.extend(_graph_problems(scenario, raw, name))
    tagged = {pid for node in scenario.nodes.values() for c in node.choices for pid in c.principles}
    for i, pid in enumerate(scenario.principles):
        if pid not in tagged:
            err(("principles", i), f"principle {pid!r} is listed as trained but no choice is tagged with it", "warning")
    return problems


def _note_groups(scenario: Scenario) -> list[tuple[tuple[Any, ...], Sequence[WhenShown]]]:
    """Every list of lines that may depend on the path (path notes, dialogue), with its location in the file."""
    groups: list[tuple[tuple[Any, ...], Sequence[WhenShown]]] = [(("reflection_prompts",), scenario.reflection_prompts)]
    for node_id, node in scenario.nodes.items():
        groups.append((("nodes", node_id, "lines"), node.lines))
    for ending_id, ending in scenario.endings.items():
        groups.append((("endings", ending_id, "lines"), ending.lines))
        groups.append((("endings", ending_id, "path_text"), ending.path_text))
        groups.append((("endings", ending_id, "path_debrief"), ending.path_debrief))
    return groups


def graph_reachable(scenario: Scenario) -> set[str]:
    """Nodes and endings some arrow leads to from the start, conditions ignored (a superset of play)."""
    seen = {scenario.start}
    queue = deque([scenario.start])
    while queue:
        node = scenario.nodes.get(queue.popleft())
        if node is None:
            continue
        for target in [c.target for c in node.choices] + [r.target for r in node.routes]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _graph_problems(scenario: Scenario, raw: Any, name: str) -> list[Problem]:
    """Reachability on the graph, then a walk over the reachable (node, variables) states within a budget."""
    problems: list[Problem] = []
    on_graph = graph_reachable(scenario)
    for node_id in scenario.nodes:
        if node_id not in on_graph:
            problems.append(_problem(name, raw, ("nodes", node_id), f"node {node_id!r} can never be reached"))
    for ending_id in scenario.endings:
        if ending_id not in on_graph:
            problems.append(
                _problem(name, raw, ("endings", ending_id), f"ending {ending_id!r} is reached by no play-through")
            )

    try:
        walked = _walk_compiled(scenario) or _walk_with_engine(scenario, raw, name)
    except engine.EngineError as exc:
        return [*problems, _problem(name, raw, ("start",), str(exc))]
    states, edges, complete, step_problems = walked
    problems.extend(step_problems)
    finished = set(scenario.endings)
    reached_nodes = {node_id for node_id, _ in states}
    dead = sorted({k[0] for k in states if k in edges and k[0] not in finished and not edges[k]})
    for node_id in dead:  # a state the walk stood on: a real dead end, whether or not the walk finished
        problems.append(
            _problem(
                name, raw, ("nodes", node_id), f"dead end at {node_id!r}: in some play-throughs no choice is available"
            )
        )
    if not complete:
        problems.append(
            Problem(
                name,
                None,
                "",
                f"the play states are too many to walk (stopped after {len(states)}; the limit is {MAX_STATES} "
                f"states or {MAX_SECONDS:.0f} seconds): whether every node and ending is reached by play, and "
                "whether every cycle has a way out, was not checked",
                "warning",
            )
        )
        return problems
    for node_id, node in scenario.nodes.items():
        if node_id not in on_graph:
            continue  # reported above
        reached = node_id in reached_nodes if node.choices else _reached_via_route(scenario, node_id, reached_nodes)
        if not reached:
            problems.append(
                _problem(
                    name,
                    raw,
                    ("nodes", node_id),
                    f"node {node_id!r} can never be reached: the conditions close every way in",
                )
            )
    for ending_id in scenario.endings:
        if ending_id in on_graph and ending_id not in reached_nodes:
            problems.append(
                _problem(
                    name,
                    raw,
                    ("endings", ending_id),
                    f"ending {ending_id!r} is reached by no play-through: the conditions close every way in",
                )
            )

    # States from which no ending can be reached: cycles with no way out.
    reverse: dict[tuple, set[tuple]] = {k: set() for k in states}
    for k, outs in edges.items():
        for o in outs:
            reverse[o].add(k)
    can_end = {k for k in states if k[0] in finished}
    queue2 = deque(can_end)
    while queue2:
        for prev in reverse[queue2.popleft()]:
            if prev not in can_end:
                can_end.add(prev)
                queue2.append(prev)
    trapped = sorted({k[0] for k in states if k not in can_end and k[0] not in dead})
    for node_id in trapped:
        problems.append(
            _problem(name, raw, ("nodes", node_id), f"cycle with no way out: from {node_id!r} no ending can be reached")
        )
    return problems


# A play state, for the walk, is where play stands and the variables (the path does not matter):
# (node or ending id, the variables' values in the order of their sorted names). Plain tuples.
Walk = tuple[set[tuple], dict[tuple, set[tuple]], bool, list[Problem]]


class _StepFailed(Exception):
    """A step of the compiled walk would fail: the engine's walk must say where and why."""


def _explore(first: tuple, finished: set[str], successors: Callable[[tuple], Iterable[tuple]]) -> Walk:
    """Breadth-first over play states from ``first`` within the budget; ``successors(state)`` gives the
    states one choice away (never called on an ending)."""
    states: set[tuple] = {first}
    edges: dict[tuple, set[tuple]] = {}
    queue = deque([first])
    deadline = time.monotonic() + MAX_SECONDS
    while queue:
        if time.monotonic() > deadline:
            return states, edges, False, []
        k = queue.popleft()
        out: set[tuple] = set()
        edges[k] = out
        if k[0] in finished:
            continue
        for nk in successors(k):
            out.add(nk)
            if nk not in states:
                if len(states) >= MAX_STATES:
                    return states, edges, False, []
                states.add(nk)
                queue.append(nk)
    return states, edges, True, []


def _walk_with_engine(scenario: Scenario, raw: Any, name: str) -> Walk:
    """The reachable play states and their arrows, by the engine's own pure steps; a step the engine
    refuses becomes a problem at its choice. Raises ``EngineError`` when play cannot even start."""
    problems: list[Problem] = []
    names = sorted(scenario.variables)
    first_state = engine.start(scenario)

    def successors(k: tuple) -> Iterator[tuple]:
        node_id, values = k
        node = scenario.nodes[node_id]
        variables = dict(zip(names, values, strict=True))
        for choice in engine.choices_at(node, variables):
            try:
                after, _ = engine.effects(scenario, variables, choice)
                target = engine.settled(scenario, choice.target, after, node_id)
            except engine.EngineError as exc:
                index = node.choices.index(choice)
                problems.append(_problem(name, raw, ("nodes", node_id, "choices", index, "target"), str(exc)))
                continue
            yield (target, tuple(after[n] for n in names))

    first = (first_state.node, tuple(first_state.variables[n] for n in names))
    states, edges, complete, _ = _explore(first, set(scenario.endings), successors)
    return states, edges, complete, problems


def _walk_compiled(scenario: Scenario) -> Walk | None:
    """The same walk as ``_walk_with_engine``, with the engine's steps compiled for tuples of values:
    conditions read positions, effects are (position, change) pairs clamped to each variable's
    bounds, automatic routes are followed as the engine does. About twice as fast. ``None`` when a
    step of this scenario would fail (an unknown variable or target, a route with no way on): the
    engine's walk then reports it at its place."""
    names = sorted(scenario.variables)
    index = {n: i for i, n in enumerate(names)}
    low = tuple(scenario.variables[n].min for n in names)
    high = tuple(scenario.variables[n].max for n in names)
    try:
        choices = {
            node_id: [
                (
                    None if c.condition is None else expr.compile_positional(c.condition, index),
                    tuple((index[var], delta) for var, delta in c.effects.items()),
                    c.target,
                )
                for c in node.choices
            ]
            for node_id, node in scenario.nodes.items()
        }
        routes = {
            node_id: [
                (None if r.condition is None else expr.compile_positional(r.condition, index), r.target)
                for r in node.routes
            ]
            for node_id, node in scenario.nodes.items()
            if not node.choices
        }
        first_state = engine.start(scenario)
    except (expr.ExpressionError, KeyError, engine.EngineError):
        return None
    finished = set(scenario.endings)
    at_rest = finished | {node_id for node_id, node in scenario.nodes.items() if node.choices}

    def settle(target: str, values: tuple[int, ...]) -> str:
        for _ in range(engine.MAX_ROUTE_HOPS):
            if target in at_rest:
                return target
            if target not in routes:
                raise _StepFailed
            for condition, on in routes[target]:
                if condition is None or condition(values):
                    target = on
                    break
            else:
                raise _StepFailed
        raise _StepFailed

    def successors(k: tuple) -> Iterator[tuple]:
        node_id, values = k
        for condition, effects, target in choices[node_id]:
            if condition is not None and not condition(values):
                continue
            after = list(values)
            for position, delta in effects:
                after[position] = max(low[position], min(high[position], after[position] + delta))
            moved = tuple(after)
            yield (target if target in at_rest else settle(target, moved), moved)

    first = (first_state.node, tuple(first_state.variables[n] for n in names))
    try:
        return _explore(first, finished, successors)
    except _StepFailed:
        return None


def _reached_via_route(scenario: Scenario, node_id: str, reached: set[str]) -> bool:
    """Route-only nodes are passed through, never stood on: reached if a reached place points at them."""
    pointers = []
    for other_id, other in scenario.nodes.items():
        if any(c.target == node_id for c in other.choices) or any(r.target == node_id for r in other.routes):
            pointers.append(other_id)
    return scenario.start == node_id or any(p in reached for p in pointers)
