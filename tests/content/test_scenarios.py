"""Content rules for the bundled flagship scenarios."""

import pytest

from modules.play import engine

FLAGSHIPS = {
    "de-veeleisende-ouder": "De veeleisende ouder",
    "de-taalbarriere": "De taalbarrière",
    "zorgbeslissing-passend-onderwijs": "Een zorgbeslissing onder Passend Onderwijs",
}


def all_play_throughs(scenario):
    """Every complete play-through as (decisions, ending id)."""
    result = []

    def walk(state, depth):
        if state.finished:
            result.append((depth, state.ending))
            return
        for choice in engine.available_choices(scenario, state):
            walk(engine.choose(scenario, state, choice.id)[0], depth + 1)

    walk(engine.start(scenario), 0)
    return result


@pytest.mark.parametrize("scenario_id", sorted(FLAGSHIPS))
def test_flagship_shape(library, catalogue, scenario_id):
    scenario = library.get(scenario_id)
    assert scenario is not None, f"{scenario_id} is missing or broken: {library.broken}"
    assert scenario.title == FLAGSHIPS[scenario_id]
    assert 10 <= scenario.minutes <= 15
    paths = all_play_throughs(scenario)
    assert min(depth for depth, _ in paths) >= 5, "every play-through has at least 5 decisions"
    endings = {ending for _, ending in paths}
    assert len(endings) >= 3 and endings == set(scenario.endings)
    outcomes = {scenario.endings[e].outcome.value for e in endings}
    assert {"sterk", "zwak"} <= outcomes
    decisions = [n for n in scenario.nodes.values() if n.choices]
    assert any(n.key_moment for n in decisions)
    for node in decisions:
        assert node.discussion, "every decision has a discussion prompt for team sessions"
        for choice in node.choices:
            assert choice.principles and choice.feedback.strip() and choice.reaction.strip()
    for ending in scenario.endings.values():
        assert ending.principles and len(ending.debrief.split()) >= 60


@pytest.mark.parametrize("scenario_id", sorted(FLAGSHIPS))
def test_choices_are_real_trade_offs(library, scenario_id):
    """Some choices that win trust neglect a principle, and some that cost trust honour one."""
    scenario = library.get(scenario_id)
    choices = [c for n in scenario.nodes.values() for c in n.choices]
    warm_but_neglectful = [c for c in choices if c.effects.get("vertrouwen", 0) > 0 and min(c.principles.values()) < 0]
    costly_but_right = [c for c in choices if c.effects.get("vertrouwen", 0) <= 0 and max(c.principles.values()) > 0]
    assert warm_but_neglectful, "no choice wins trust while neglecting a principle"
    assert costly_but_right, "no choice honours a principle at a cost in trust"


def test_no_invented_principles_in_flagships(library, catalogue):
    known = set(catalogue.by_id())
    for scenario_id in FLAGSHIPS:
        scenario = library.get(scenario_id)
        tags = {p for n in scenario.nodes.values() for c in n.choices for p in c.principles}
        assert tags <= known
