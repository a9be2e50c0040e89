"""The engine: deterministic play, conditions, clamping, routes, profile, alternatives."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.content.scenario import Scenario
from modules.content.yamlio import parse_yaml, to_plain
from modules.library.lint import check_file
from modules.library.scenarios import load_library
from modules.play import engine
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def mini(catalogue):
    scenario, _ = check_file(FIXTURES / "mini" / "het-schoolplein.yaml", catalogue)
    return scenario


ROUTED = """
id: routes
title: Routes
summary: s
school_type: vo
minutes: 5
learning_goals: [g]
principles: [relatie-eerst]
persona: {role: moeder, description: d}
context: c
anticipate: a
variables:
  vertrouwen: {label: Vertrouwen, initial: 50, min: 0, max: 60}
  gehoord: {label: Gehoord, initial: 0, min: 0, max: 3, visible: false}
start: begin
nodes:
  begin:
    choices:
      - {id: warm, text: W, target: tweede, effects: {vertrouwen: 20, gehoord: 1}, principles: {relatie-eerst: 2}, reaction: r, feedback: f}
      - {id: koel, text: K, target: tweede, effects: {vertrouwen: -20}, principles: {relatie-eerst: -1}, reaction: r, feedback: f}
  tweede:
    key_moment: true
    choices:
      - {id: luister, text: L, target: splits, principles: {relatie-eerst: 1, grenzen-stellen: -2}, reaction: r, feedback: f}
      - {id: extra, text: E, target: splits, condition: gehoord >= 1, reaction: r, feedback: f}
  splits:
    routes:
      - {condition: vertrouwen >= 60, target: goed}
      - {target: matig}
endings:
  goed: {title: Goed, outcome: sterk, text: t, debrief: d}
  matig: {title: Matig, outcome: gemengd, text: t, debrief: d}
"""


@pytest.fixture(scope="module")
def routed():
    return Scenario.model_validate(to_plain(parse_yaml(ROUTED)))


def test_start_shows_first_decision(mini):
    state = engine.start(mini)
    view = engine.view(mini, state)
    assert state.node == "plein" and not view.finished
    assert [c.id for c in view.choices] == ["nu", "afspraak"]


def test_choose_applies_effects_and_reaches_ending(mini):
    state, consequence = engine.choose(mini, engine.start(mini), "afspraak")
    assert state.finished and state.ending == "afspraak"
    assert state.variables["vertrouwen"] == 60
    assert consequence.changes == {"vertrouwen": 10}
    assert consequence.honoured == {"informeel-contact": 2, "grenzen-stellen": 2}
    with pytest.raises(engine.EngineError):
        engine.choose(mini, state, "nu")


def test_effects_are_clamped_and_only_real_changes_reported(routed):
    state, consequence = engine.choose(routed, engine.start(routed), "warm")
    assert state.variables["vertrouwen"] == 60  # max is 60, not 70
    assert consequence.changes == {"vertrouwen": 10, "gehoord": 1}


def test_conditions_hide_choices_and_routes_pick_endings(routed):
    cold, _ = engine.choose(routed, engine.start(routed), "koel")
    assert [c.id for c in engine.available_choices(routed, cold)] == ["luister"]
    with pytest.raises(engine.EngineError, match="not available"):
        engine.choose(routed, cold, "extra")
    assert engine.replay(routed, ["koel", "luister"]).ending == "matig"
    assert engine.replay(routed, ["warm", "extra"]).ending == "goed"


def test_replay_is_deterministic_and_rejects_changed_paths(routed):
    a = engine.replay(routed, ["warm", "luister"])
    b = engine.replay(routed, ["warm", "luister"])
    assert a == b
    with pytest.raises(engine.EngineError):
        engine.replay(routed, ["koel", "extra"])


def test_profile_sums_weights_per_principle(routed):
    state = engine.replay(routed, ["warm", "luister"])
    profile = engine.profile(routed, state)
    assert profile.scores == {"relatie-eerst": 3, "grenzen-stellen": -2}
    assert profile.neglected == {"grenzen-stellen": -2}
    assert [c.id for _, c in engine.path(routed, state)] == ["warm", "luister"]


def test_alternatives_show_other_choices_at_key_moments(routed):
    state = engine.replay(routed, ["warm", "luister"])
    alternatives = engine.alternatives(routed, state)
    assert [(a.node_id, a.taken.id, a.other.choice.id) for a in alternatives] == [("tweede", "luister", "extra")]
    assert alternatives[0].other.reached_ending == "goed"


def test_engine_imports_neither_streamlit_nor_storage():
    source = (FIXTURES.parent.parent / "modules" / "play" / "engine.py").read_text(encoding="utf-8")
    assert "streamlit" not in source and "tinydb" not in source and "modules.storage" not in source


BUNDLED = sorted(load_library().scenarios)


@pytest.mark.parametrize("scenario_id", BUNDLED)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=3), min_size=40, max_size=40))
def test_random_play_through_reaches_an_ending(scenario_id, picks):
    scenario = load_library().get(scenario_id)
    state = engine.start(scenario)
    for pick in picks:
        if state.finished:
            break
        choices = engine.available_choices(scenario, state)
        assert choices, f"no choice at {state.node}"
        state, consequence = engine.choose(scenario, state, choices[pick % len(choices)].id)
        assert consequence.choice.reaction and consequence.choice.feedback
    assert state.finished, f"no ending after 40 choices, stuck around {state.node}"
    assert engine.view(scenario, state).ending is not None


def test_an_author_can_start_anywhere_with_chosen_values(library):
    """Werkplaats, 'Test vanaf hier': play starts at any decision with the values the author sets."""
    scenario = library.get("de-taalbarriere")
    middle = next(node_id for node_id, node in scenario.nodes.items() if node.choices and node_id != scenario.start)
    name, var = next(iter(scenario.variables.items()))
    state = engine.start_at(scenario, middle, {name: var.max + 50})
    assert state.node == middle and state.steps == [] and state.variables[name] == var.max
    choice = engine.available_choices(scenario, state)[0]
    after, consequence = engine.choose(scenario, state, choice.id)
    assert after.steps[0].node == middle and consequence.choice.id == choice.id
    ending = next(iter(scenario.endings))
    assert engine.start_at(scenario, ending).finished
    with pytest.raises(engine.EngineError):
        engine.start_at(scenario, "bestaat-niet")
    with pytest.raises(engine.EngineError):
        engine.start_at(scenario, middle, {"onbekend": 1})
