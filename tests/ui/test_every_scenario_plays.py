"""Every bundled scenario plays on the Play page to its strong ending, a weak one and one more."""

from __future__ import annotations

import pytest

from modules.content.scenario import Outcome, Scenario
from modules.library import quality
from modules.library.scenarios import load_library
from modules.records import PlayState
from tests.pages import as_user, click, open_app, sign_up, start_scenario, texts

LIBRARY = load_library()
BUNDLED = sorted(s.id for s in LIBRARY.sorted())


def three_endings(scenario: Scenario) -> list[PlayState]:
    """A path to a strong ending, one to a weak ending, and one to an ending of a third kind (or a second
    ending of a kind already chosen): the first of each found walking the paths in order."""
    wanted: dict[str, PlayState] = {}
    for state in quality.all_paths(scenario):
        outcome = scenario.endings[state.ending].outcome
        if outcome in (Outcome.sterk, Outcome.zwak) and outcome.value not in wanted:
            wanted[outcome.value] = state
        elif "ander" not in wanted and state.ending not in {s.ending for s in wanted.values()}:
            wanted["ander"] = state
        if len(wanted) == 3:
            break
    assert set(wanted) == {"sterk", "zwak", "ander"}, f"{scenario.id}: endings found {sorted(wanted)}"
    return [wanted["sterk"], wanted["zwak"], wanted["ander"]]


def test_the_library_is_complete():
    assert not LIBRARY.broken, LIBRARY.broken
    assert len(BUNDLED) >= 3


@pytest.mark.parametrize("scenario_id", BUNDLED)
def test_strong_weak_and_another_ending_play_on_the_page(app_env, scenario_id):
    scenario = LIBRARY.get(scenario_id)
    sign_up(open_app(), "speler")
    for path in three_endings(scenario):
        at = as_user("speler")  # a fresh session on Scenario's: 'Start', then 'Opnieuw spelen'
        start_scenario(at, scenario_id)
        for index, step in enumerate(path.steps):
            click(at, f"choice-{index}-{step.choice}")
        ending = scenario.endings[path.ending]
        page = texts(at)
        assert f"Einde: {ending.title}" in page, (scenario_id, path.ending)
