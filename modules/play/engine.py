"""Pure play logic: imports neither Streamlit nor storage.

A play-through is a ``PlayState``: where we are, the values of the scenario's
variables and the steps taken. Every function here is deterministic: the same
scenario and the same choices give the same state, so a stored attempt can be
rebuilt by replaying its choices (``replay``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modules.content import expr
from modules.content.memo import ObjectMemo
from modules.content.scenario import Choice, Ending, Line, Node, Scenario
from modules.play import paths
from modules.records.play import PlayState, Step

MAX_ROUTE_HOPS = 50


class EngineError(ValueError):
    """A choice or state that does not fit the scenario."""


@dataclass(frozen=True)
class View:
    """What the player sees now."""

    node_id: str
    text: str
    lines: list[Line]
    choices: list[Choice]
    ending: Ending | None = None
    key_moment: bool = False

    @property
    def finished(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True)
class Consequence:
    """What happened right after a choice."""

    choice: Choice
    changes: dict[str, int]
    variables: dict[str, int]
    next_node: str
    reached_ending: str | None

    @property
    def honoured(self) -> dict[str, int]:
        return {p: w for p, w in self.choice.principles.items() if w > 0}

    @property
    def neglected(self) -> dict[str, int]:
        return {p: w for p, w in self.choice.principles.items() if w < 0}


@dataclass(frozen=True)
class Alternative:
    """A choice not taken at a key moment, and what it would have led to."""

    step_index: int
    node_id: str
    taken: Choice
    other: Consequence


@dataclass
class Profile:
    """Summed principle weights of a path: positive honoured, negative neglected."""

    scores: dict[str, int] = field(default_factory=dict[str, int])
    honoured: dict[str, int] = field(default_factory=dict[str, int])
    neglected: dict[str, int] = field(default_factory=dict[str, int])


def start(scenario: Scenario) -> PlayState:
    return start_at(scenario, scenario.start)


def start_at(scenario: Scenario, place: str, variables: dict[str, int] | None = None) -> PlayState:
    """A play-through that starts anywhere, with chosen values (each kept within its bounds; the
    rest at their start value): for an author who tests a scenario from the middle. Automatic routes
    from ``place`` are followed as in play."""
    if place not in scenario.nodes and place not in scenario.endings:
        raise EngineError(f"unknown node or ending {place!r}")
    values = {name: var.initial for name, var in scenario.variables.items()}
    for name, value in (variables or {}).items():
        if name not in values:
            raise EngineError(f"unknown variable {name!r}")
        values[name] = _clamp(scenario, name, int(value))
    state = PlayState(scenario_id=scenario.id, node=place, variables=values)
    return _settle(scenario, state, place)


def _clamp(scenario: Scenario, name: str, value: int) -> int:
    var = scenario.variables[name]
    return max(var.min, min(var.max, value))


def settled(scenario: Scenario, target: str, variables: dict[str, int], origin: str = "") -> str:
    """Where play comes to rest from ``target``: automatic routes are followed to a decision or an ending."""
    for _ in range(MAX_ROUTE_HOPS):
        if target in scenario.endings:
            return target
        node = scenario.nodes.get(target)
        if node is None:
            raise EngineError(f"unknown node or ending {target!r}")
        if node.choices:
            return target
        target = _route(node, variables)
    raise EngineError(f"more than {MAX_ROUTE_HOPS} automatic routes in a row from {origin or target!r}")


def _settle(scenario: Scenario, state: PlayState, target: str) -> PlayState:
    """Move to ``target``, following automatic routes until a decision or an ending."""
    final = settled(scenario, target, state.variables, state.node)
    return state.model_copy(update={"node": final, "ending": final if final in scenario.endings else None})


def _route(node: Node, variables: dict[str, int]) -> str:
    for route in node.routes:
        if route.condition is None or expr.holds(route.condition, variables):
            return route.target
    raise EngineError("no route applies")  # unreachable: the last route has no condition


def available_choices(scenario: Scenario, state: PlayState) -> list[Choice]:
    if state.finished:
        return []
    return choices_at(scenario.nodes[state.node], state.variables)


def choices_at(node: Node, variables: dict[str, int]) -> list[Choice]:
    """The choices of a decision whose conditions hold for these variables."""
    return [c for c in node.choices if c.condition is None or expr.holds(c.condition, variables)]


def effects(scenario: Scenario, variables: dict[str, int], choice: Choice) -> tuple[dict[str, int], dict[str, int]]:
    """The variables after the choice's effects (each kept within its bounds), and the changes applied."""
    after = dict(variables)
    changes: dict[str, int] = {}
    for name, delta in choice.effects.items():
        new = _clamp(scenario, name, after[name] + delta)
        if new != after[name]:
            changes[name] = new - after[name]
        after[name] = new
    return after, changes


def view(scenario: Scenario, state: PlayState) -> View:
    if state.ending is not None:
        ending = scenario.endings[state.ending]
        text = paths.ending_text(ending, scenario, state)
        lines = paths.fitting(ending.lines, scenario, state)
        return View(node_id=state.node, text=text, lines=lines, choices=[], ending=ending)
    node = scenario.nodes[state.node]
    return View(
        node_id=state.node,
        text=node.text,
        lines=paths.fitting(node.lines, scenario, state),
        choices=available_choices(scenario, state),
        key_moment=node.key_moment,
    )


def choose(scenario: Scenario, state: PlayState, choice_id: str) -> tuple[PlayState, Consequence]:
    if state.finished:
        raise EngineError("this play-through has already ended")
    choice = paths.find_choice(scenario.nodes[state.node], choice_id)
    if choice is not None and choice not in available_choices(scenario, state):
        choice = None
    if choice is None:
        raise EngineError(f"choice {choice_id!r} is not available at {state.node!r}")
    variables, changes = effects(scenario, state.variables, choice)
    step = Step(node=state.node, choice=choice.id, changes=changes)
    moved = state.model_copy(update={"variables": variables, "steps": [*state.steps, step]})
    new_state = _settle(scenario, moved, choice.target)
    consequence = Consequence(
        choice=choice,
        changes=changes,
        variables=variables,
        next_node=new_state.node,
        reached_ending=new_state.ending,
    )
    return new_state, consequence


_REPLAYS: ObjectMemo[PlayState] = ObjectMemo(8192)


def replay(scenario: Scenario, choice_ids: list[str]) -> PlayState:
    """Rebuild a state from the choices taken; raises EngineError if they no longer fit.

    Remembered per scenario object and path: a coach's page replays every play-through of a teacher
    on each rerun. The state returned is shared: change it with ``model_copy``, as this module does."""
    return _REPLAYS.get((scenario,), tuple(choice_ids), lambda: _replay(scenario, choice_ids))


def _replay(scenario: Scenario, choice_ids: list[str]) -> PlayState:
    state = start(scenario)
    for choice_id in choice_ids:
        state, _ = choose(scenario, state, choice_id)
    return state


def still_fits(scenario: Scenario, state: PlayState) -> bool:
    """Whether a stored, finished play-through can still be read against this (changed) scenario: every
    scene and choice it took (by id or former id) and its ending still exist, though a scene may have
    been added in between or a target moved."""
    if state.ending is None or state.ending not in scenario.endings:
        return False
    return all(
        step.node in scenario.nodes and paths.find_choice(scenario.nodes[step.node], step.choice) is not None
        for step in state.steps
    )


def path(scenario: Scenario, state: PlayState) -> list[tuple[str, Choice]]:
    """The decisions taken, as (node id, choice) pairs."""
    result: list[tuple[str, Choice]] = []
    for step in state.steps:
        choice = paths.find_choice(scenario.nodes[step.node], step.choice)
        if choice is None:
            raise EngineError(f"choice {step.choice!r} no longer exists at {step.node!r}")
        result.append((step.node, choice))
    return result


def profile(scenario: Scenario, state: PlayState) -> Profile:
    scores: dict[str, int] = {}
    for _, choice in path(scenario, state):
        for principle, weight in choice.principles.items():
            scores[principle] = scores.get(principle, 0) + weight
    return Profile(
        scores=scores,
        honoured={p: s for p, s in scores.items() if s > 0},
        neglected={p: s for p, s in scores.items() if s < 0},
    )


def alternatives(scenario: Scenario, state: PlayState) -> list[Alternative]:
    """For every key moment on the path: the other choices and their consequence."""
    result: list[Alternative] = []
    current = start(scenario)
    for index, (node_id, taken) in enumerate(path(scenario, state)):
        if current.node != node_id:
            break  # a stored path of a scenario changed since: no alternatives from here on
        if scenario.nodes[node_id].key_moment:
            for other in available_choices(scenario, current):
                if other.id != taken.id:
                    _, consequence = choose(scenario, current, other.id)
                    result.append(Alternative(index, node_id, taken, consequence))
        current, _ = choose(scenario, current, taken.id)
    return result
