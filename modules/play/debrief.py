"""The debrief of a finished play-through: path, principle profile, alternatives, citations.

Pure: built from a scenario, a play state and the principle catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modules.content.principles import Catalogue, Principle
from modules.content.scenario import Choice, Ending, Scenario
from modules.play import engine, paths

OUTCOME_LABELS = {
    "sterk": "Sterk partnerschap",
    "gemengd": "Gemengd resultaat",
    "zwak": "Partnerschap onder druk",
}
RESEARCH_NOTE = (
    "Oefenen met gerichte feedback tussen pogingen door helpt meer dan alleen zelf nadenken over wat je deed. "
    "Probeer daarom een tweede route en kies op een sleutelmoment anders."
)
RESEARCH_SOURCE = (
    "Cohen, J., Wong, V., Krishnamachari, A. & Berlin, R. (2020). Teacher coaching in a simulated environment. "
    "Educational Evaluation and Policy Analysis, 42(2), 208–231."
)


@dataclass(frozen=True)
class PathStep:
    number: int
    node_id: str
    choice: Choice
    changes: dict[str, int]
    key_moment: bool


@dataclass(frozen=True)
class ProfileRow:
    principle: Principle
    score: int

    @property
    def kind(self) -> str:
        return "Versterkt" if self.score > 0 else "Onder druk"


@dataclass
class Debrief:
    scenario: Scenario
    ending: Ending
    steps: list[PathStep]
    profile: list[ProfileRow]
    alternatives: list[engine.Alternative]
    cited: list[Principle]
    try_next: list[Principle] = field(default_factory=list[Principle])
    variables: dict[str, int] = field(default_factory=dict[str, int])
    notes: list[str] = field(default_factory=list[str])  # what this teacher did, from the ending's path_debrief

    @property
    def text(self) -> str:
        """The debrief for this path: the lines about what this teacher did, then the part true for every path."""
        return "\n\n".join([*self.notes, self.ending.debrief.strip()])

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.ending.outcome.value]


def build(scenario: Scenario, state: engine.PlayState, catalogue: Catalogue) -> Debrief:
    if state.ending is None:
        raise ValueError("a debrief needs a finished play-through")
    steps = [
        PathStep(i + 1, node_id, choice, state.steps[i].changes, scenario.nodes[node_id].key_moment)
        for i, (node_id, choice) in enumerate(engine.path(scenario, state))
    ]
    scores = engine.profile(scenario, state).scores
    known = {pid: principle for pid in scores if (principle := catalogue.get(pid)) is not None}
    rows = sorted(
        (ProfileRow(known[pid], score) for pid, score in scores.items() if score and pid in known),
        key=lambda r: (-r.score, r.principle.name),
    )
    ending = scenario.endings[state.ending]
    cited_ids = list(dict.fromkeys([*ending.principles, *(r.principle.id for r in rows)]))
    neglected = [r.principle for r in sorted(rows, key=lambda r: r.score) if r.score < 0]
    return Debrief(
        scenario=scenario,
        ending=ending,
        steps=steps,
        profile=rows,
        alternatives=engine.alternatives(scenario, state),
        cited=[principle for pid in cited_ids if (principle := catalogue.get(pid)) is not None],
        try_next=neglected[:3],
        variables=dict(state.variables),
        notes=paths.debrief_lines(ending, scenario, state),
    )


def profile_table(debrief: Debrief) -> list[dict[str, str | int]]:
    """Rows for the profile chart."""
    return [
        {"principe": r.principle.name, "score": r.score, "soort": r.kind, "groep": r.principle.group}
        for r in debrief.profile
    ]


def endings_found(scenario: Scenario, ending_ids: set[str]) -> tuple[list[str], list[str]]:
    """Titles of the endings found and of those not yet found."""
    found = [e.title for eid, e in scenario.endings.items() if eid in ending_ids]
    missing = [e.title for eid, e in scenario.endings.items() if eid not in ending_ids]
    return found, missing
