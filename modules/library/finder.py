"""Finding a scenario: the library's filters, where a new teacher begins, and what to practise next.

Pure functions over the loaded scenarios and the teacher's own attempts; the Scenario's page shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from modules.content.scenario import Scenario
from modules.play import engine, practice
from modules.records import Attempt


@dataclass(frozen=True)
class Filter:
    """What the teacher asked for; an empty part asks for nothing."""

    school_types: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    minutes: tuple[int, int] | None = None  # at least, at most
    principle: str | None = None  # a principle some choice of the scenario honours

    def matches(self, scenario: Scenario) -> bool:
        if self.school_types and scenario.school_type.value not in self.school_types:
            return False
        if self.themes and (scenario.theme is None or scenario.theme.value not in self.themes):
            return False
        if self.minutes is not None and not self.minutes[0] <= scenario.minutes <= self.minutes[1]:
            return False
        return self.principle is None or self.principle in honoured(scenario)

    @property
    def active(self) -> bool:
        return bool(self.school_types or self.themes or self.minutes or self.principle)


def honoured(scenario: Scenario) -> set[str]:
    """The principles some choice of this scenario honours (a positive weight): what it trains."""
    return {pid for node in scenario.nodes.values() for c in node.choices for pid, w in c.principles.items() if w > 0}


def first_steps(scenarios: Iterable[Scenario]) -> dict[str, Scenario]:
    """Per school type, where a teacher who has not played yet begins: the shortest scenario (then by title)."""
    found: dict[str, Scenario] = {}
    for scenario in sorted(scenarios, key=lambda s: (s.minutes, s.title)):
        found.setdefault(scenario.school_type.value, scenario)
    return found


@dataclass(frozen=True)
class Suggestion:
    scenario: Scenario
    principle: str  # the principle the teacher's finished play-throughs neglected most


def next_step(scenarios: Iterable[Scenario], attempts: Iterable[Attempt]) -> Suggestion | None:
    """After some play: a scenario the teacher has not finished yet that trains the principle their finished
    play-throughs neglected most (summed weights below zero). None when nothing was neglected or no
    unplayed scenario trains it."""
    library = {s.id: s for s in scenarios}
    totals: dict[str, int] = {}
    finished: set[str] = set()
    for attempt in attempts:
        scenario = library.get(attempt.scenario_id)
        if scenario is None or not attempt.finished:
            continue
        try:
            state = practice.replayed(scenario, attempt)
        except engine.EngineError:
            continue
        finished.add(scenario.id)
        for pid, score in engine.profile(scenario, state).scores.items():
            totals[pid] = totals.get(pid, 0) + score
    for pid, score in sorted(totals.items(), key=lambda kv: (kv[1], kv[0])):
        if score >= 0:
            break
        candidates = [s for s in library.values() if s.id not in finished and pid in honoured(s)]
        if candidates:
            best = min(candidates, key=lambda s: (-_weight(s, pid), s.minutes, s.title))
            return Suggestion(best, pid)
    return None


def _weight(scenario: Scenario, principle: str) -> int:
    """How much the scenario's choices honour this principle, in all."""
    return sum(max(c.principles.get(principle, 0), 0) for node in scenario.nodes.values() for c in node.choices)
