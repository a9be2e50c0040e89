"""Per-scenario progress of one user, derived from their attempts."""

from __future__ import annotations

from dataclasses import dataclass

from modules.records import Attempt
from modules.content.scenario import Scenario

STATE_LABELS = {"nieuw": "Nieuw", "bezig": "Bezig", "afgerond": "Afgerond"}


@dataclass(frozen=True)
class ScenarioStatus:
    state: str  # nieuw | bezig | afgerond
    endings_found: frozenset[str]
    endings_total: int
    open_attempt: Attempt | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def endings_label(self) -> str:
        return f"{len(self.endings_found)} van {self.endings_total} eindes ontdekt"


def status(scenario: Scenario, attempts: list[Attempt]) -> ScenarioStatus:
    """``attempts`` are this user's attempts of this scenario, newest first."""
    found = frozenset(a.state.ending for a in attempts if a.finished and a.state.ending in scenario.endings)
    open_attempts = [a for a in attempts if not a.finished]
    if open_attempts:
        state = "bezig"
    elif found:
        state = "afgerond"
    else:
        state = "nieuw"
    return ScenarioStatus(state, found, len(scenario.endings), open_attempts[0] if open_attempts else None)


class AttemptError(ValueError):
    """Input for a new attempt that cannot be saved; the message is Dutch."""


def new_attempt(user_id: str, scenario: Scenario, anticipation: str | None) -> Attempt:
    """A new attempt at the start of the scenario, with the answer to the anticipate question (bounded)."""
    from modules.play import engine
    from modules.records import limits

    text = (anticipation or "").strip()
    if limits.too_long(text, limits.ANTICIPATION):
        raise AttemptError(f"Je antwoord is hoogstens {limits.ANTICIPATION} tekens. Maak het wat korter.")
    return Attempt(user_id=user_id, scenario_id=scenario.id, scenario_title=scenario.title,
                   state=engine.start(scenario), anticipation=text)
