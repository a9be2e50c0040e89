"""What a play-through contains, and the lines that fit it.

A path is the list of decisions taken (``PlayState.steps``). From it follow the choices made
(as ``node.choice`` references), the facts brought into the story, and so which path-dependent
lines (``PathNote``) an ending, its debrief and the reflection show. ``untrue`` lists every
line a path would show that speaks of a choice not made or a fact not brought in: a test and
the strict linter run it on every path into every ending.

Pure and independent of the engine (the engine composes an ending's text with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from modules.content import expr
from modules.content.scenario import Choice, Ending, Line, Node, Scenario, WhenShown
from modules.records import PlayState

Shown = TypeVar("Shown", bound=WhenShown)


def find_choice(node: Node, choice_id: str) -> Choice | None:
    """The choice with this id, or with this former id (``was``), so old play-throughs still resolve."""
    for choice in node.choices:
        if choice.id == choice_id:
            return choice
    return next((c for c in node.choices if choice_id in c.was), None)


def chosen(scenario: Scenario, state: PlayState) -> set[str]:
    """Every choice made, as ``node.choice`` with today's choice ids."""
    refs: set[str] = set()
    for step in state.steps:
        node = scenario.nodes.get(step.node)
        choice = find_choice(node, step.choice) if node is not None else None
        refs.add(f"{step.node}.{choice.id if choice is not None else step.choice}")
    return refs


def facts(scenario: Scenario, state: PlayState) -> set[str]:
    """Facts brought into the story on this path: by the scenes passed and the choices made there."""
    found: set[str] = set()
    for step in state.steps:
        node = scenario.nodes.get(step.node)
        if node is None:
            continue
        found.update(node.introduces)
        choice = find_choice(node, step.choice)
        if choice is not None:
            found.update(choice.introduces)
    return found


def shows(note: WhenShown, refs: set[str], variables: dict[str, int]) -> bool:
    """Whether the note (or scene line) fits a path with these choices made and these variables."""
    if note.chosen and not refs.issuperset(note.chosen):
        return False
    if note.chosen_any and refs.isdisjoint(note.chosen_any):
        return False
    if note.not_chosen and not refs.isdisjoint(note.not_chosen):
        return False
    return note.condition is None or expr.holds(note.condition, variables)


def fitting(notes: Iterable[Shown], scenario: Scenario, state: PlayState) -> list[Shown]:
    """The notes or lines that fit this path: the choices made so far, the variables now."""
    refs = chosen(scenario, state)
    return [note for note in notes if shows(note, refs, state.variables)]


def before(scenario: Scenario, state: PlayState, index: int) -> tuple[set[str], dict[str, int]]:
    """The choices made and the variables just before decision ``index`` of this path."""
    made: set[str] = set()
    variables = {name: variable.initial for name, variable in scenario.variables.items()}
    for step in state.steps[:index]:
        node = scenario.nodes.get(step.node)
        choice = find_choice(node, step.choice) if node is not None else None
        made.add(f"{step.node}.{choice.id if choice is not None else step.choice}")
        for name, change in step.changes.items():
            variables[name] = variables.get(name, 0) + change
    return made, variables


def scene_lines(scenario: Scenario, state: PlayState, index: int) -> list[Line]:
    """The lines the scene of decision ``index`` showed on this path (when it was played)."""
    made, variables = before(scenario, state, index)
    node = scenario.nodes[state.steps[index].node]
    return [line for line in node.lines if shows(line, made, variables)]


def _walk_scenes(scenario: Scenario, state: PlayState) -> Iterator[tuple[int, Node, list[Line]]]:
    """Each decision of the path with its scene and the lines it showed: ``scene_lines`` for every index,
    in one pass (the choices and variables are carried along instead of recomputed per decision)."""
    made: set[str] = set()
    variables = {name: variable.initial for name, variable in scenario.variables.items()}
    for index, step in enumerate(state.steps):
        node = scenario.nodes.get(step.node)
        if node is not None:
            yield index, node, [line for line in node.lines if shows(line, made, variables)]
        choice = find_choice(node, step.choice) if node is not None else None
        made.add(f"{step.node}.{choice.id if choice is not None else step.choice}")
        for name, change in step.changes.items():
            variables[name] = variables.get(name, 0) + change


def ending_text(ending: Ending, scenario: Scenario, state: PlayState) -> str:
    """The ending's text for this path: the part true for every path, then the lines that fit this one."""
    parts = [ending.text.strip(), *(note.text.strip() for note in fitting(ending.path_text, scenario, state))]
    return "\n\n".join(part for part in parts if part)


def debrief_lines(ending: Ending, scenario: Scenario, state: PlayState) -> list[str]:
    """The path-dependent debrief lines for this path (the fixed debrief is ``ending.debrief``)."""
    return [note.text.strip() for note in fitting(ending.path_debrief, scenario, state)]


def reflection_prompts(scenario: Scenario, state: PlayState) -> list[str]:
    """The scenario's reflection questions that fit this path."""
    return [note.text.strip() for note in fitting(scenario.reflection_prompts, scenario, state)]


def untrue(scenario: Scenario, state: PlayState) -> list[str]:
    """Every statement this path would show about a choice it did not make or a fact it did not bring in.

    Checks the scenes on the path (their ``facts`` must be brought in before the scene), and for a
    finished path the ending's fixed part (``facts``), its path text and debrief lines, and the
    reflection prompts (``chosen``, ``chosen_any``, ``about`` and ``facts`` of each line shown).
    """
    found: list[str] = []
    known: set[str] = set()
    for index, node, lines in _walk_scenes(scenario, state):
        step = state.steps[index]
        here = known | set(node.introduces)
        missing = sorted(set(node.facts) - here) if node.facts else []
        if missing:
            found.append(f"scene {step.node!r} (decision {index + 1}) assumes fact(s) {missing} not brought in")
        for line in lines:
            absent = sorted(set(line.facts) - here) if line.facts else []
            if absent:
                found.append(f"scene {step.node!r}, line {line.text[:30]!r}, assumes fact(s) not brought in: {absent}")
        known.update(node.introduces)
        choice = find_choice(node, step.choice)
        if choice is not None:
            known.update(choice.introduces)
    if state.ending is None:
        return found
    ending = scenario.endings[state.ending]
    missing = sorted(set(ending.facts) - known)
    if missing:
        found.append(f"ending {state.ending!r} assumes fact(s) {missing} not brought in on this path")
    refs = chosen(scenario, state)
    for line in fitting(ending.lines, scenario, state):
        absent = sorted(set(line.facts) - known)
        if absent:
            found.append(f"ending {state.ending!r}, line {line.text[:30]!r}, assumes fact(s) not brought in: {absent}")
    groups = (
        (f"ending {state.ending!r} path_text", ending.path_text),
        (f"ending {state.ending!r} path_debrief", ending.path_debrief),
        ("reflection_prompts", scenario.reflection_prompts),
    )
    for where, notes in groups:
        for number, note in enumerate(notes):
            if not shows(note, refs, state.variables):
                continue
            not_made = sorted(set(note.about) - refs) if note.about else []
            if not_made:
                found.append(f"{where}[{number}] speaks of choice(s) not made: {not_made}")
            absent = sorted(set(note.facts) - known) if note.facts else []
            if absent:
                found.append(f"{where}[{number}] assumes fact(s) not brought in: {absent}")
    return found
