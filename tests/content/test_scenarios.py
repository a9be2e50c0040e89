"""Content rules for the bundled scenarios: the quality bar, and every line true on every path."""

from collections import Counter

import pytest

from modules.content.yamlio import load_yaml_file
from modules.library import language, quality
from modules.library.lint import check_file
from modules.play import engine, paths
from tests.conftest import ROOT

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))

SCENARIOS = {  # the bundled library: the three flagships, then the two rounds of five (issues 11 and 12)
    "de-veeleisende-ouder": "De veeleisende ouder",
    "de-taalbarriere": "De taalbarrière",
    "zorgbeslissing-passend-onderwijs": "Een zorgbeslissing onder Passend Onderwijs",
    "twee-ouders-een-rapport": "Twee ouders, één rapport",
    "een-blauwe-plek": "Een blauwe plek",
    "het-advies": "Het advies",
    "de-appgroep": "De appgroep",
    "elke-dag-een-busje": "Elke dag een busje",
    "de-ouderavond": "De ouderavond",
    "omgekeerd-startgesprek": "Omgekeerd startgesprek",
    "de-aanmelding": "De aanmelding",
    "die-ouders-komen-toch-nooit": '"Die ouders komen toch nooit"',
    "de-hulpouder": "De hulpouder",
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


def test_the_library_holds_every_bundled_scenario(library):
    assert not library.broken, library.broken
    assert {s.id: s.title for s in library.sorted()} == SCENARIOS


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_scenario_shape(library, catalogue, scenario_id):
    scenario = library.get(scenario_id)
    assert scenario is not None, f"{scenario_id} is missing or broken: {library.broken}"
    assert scenario.title == SCENARIOS[scenario_id]
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
        for choice in node.choices:
            assert choice.principles and choice.feedback.strip() and choice.reaction.strip()
    assert all(ending.principles for ending in scenario.endings.values())


@pytest.fixture(scope="module")
def dutch_dictionary():
    """The bar checks spelling: CI installs Debian's hunspell-nl, and without it this test fails, never skips."""
    assert language.dictionary() is not None, (
        f"no Dutch dictionary at {language.DICTIONARY}: apt-get install hunspell-nl"
    )


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_scenario_passes_the_quality_bar(path, catalogue, dutch_dictionary):
    scenario, problems = check_file(path, catalogue)
    assert scenario is not None, [str(p) for p in problems]
    problems = problems + quality.strict_problems(scenario, load_yaml_file(path), path.name, catalogue)
    assert [str(p) for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_line_on_every_path_is_true(library, scenario_id):
    """Walk every play-through (all of them: each scenario has well under MAX_PATHS): no line of a scene,
    the ending, the debrief or the reflection prompts names a choice not made or a fact not brought in."""
    scenario = library.get(scenario_id)
    walked, endings, notes_shown = 0, set(), 0
    for state in quality.all_paths(scenario):
        walked += 1
        endings.add(state.ending)
        assert paths.untrue(scenario, state) == [], [step.choice for step in state.steps]
        ending = scenario.endings[state.ending]
        notes_shown += len(paths.fitting([*ending.path_text, *ending.path_debrief], scenario, state))
    assert walked < quality.MAX_PATHS, "too many paths to walk them all: sample instead"
    assert endings == set(scenario.endings)
    assert notes_shown, "no path note is ever shown: the debrief says nothing about this teacher's choices"


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_choices_are_real_trade_offs(library, scenario_id):
    """Some choices that win trust neglect a principle, and some that cost trust honour one."""
    scenario = library.get(scenario_id)
    choices = [c for n in scenario.nodes.values() for c in n.choices]
    warm_but_neglectful = [c for c in choices if c.effects.get("vertrouwen", 0) > 0 and min(c.principles.values()) < 0]
    costly_but_right = [c for c in choices if c.effects.get("vertrouwen", 0) <= 0 and max(c.principles.values()) > 0]
    assert warm_but_neglectful, "no choice wins trust while neglecting a principle"
    assert costly_but_right, "no choice honours a principle at a cost in trust"


def test_every_principle_is_trained_in_two_scenarios_and_every_group_in_three(library, catalogue):
    """A school plans a year on the library: each principle of the catalogue is honoured by some choice (a
    positive weight, not only ever scored against) in at least two scenarios, each principle group in three."""
    scenarios = library.sorted()
    principles = quality.trained_by(scenarios, catalogue)
    assert len(principles) == len(catalogue.principles)
    assert {pid: n for pid, n in principles.items() if n < 2} == {}
    assert {group: n for group, n in quality.groups_trained_by(scenarios, catalogue).items() if n < 3} == {}


def test_the_library_serves_every_school_type(library):
    """At least seven scenarios for primary schools, four for secondary and two for special education."""
    counts = Counter(s.school_type.value for s in library.sorted())
    assert counts["po"] >= 7 and counts["vo"] >= 4 and counts["so"] >= 2, counts


def test_the_readme_lists_the_library_with_school_type_and_theme(library):
    """README's table of scenarios: one row per bundled scenario, with its school type, theme and minutes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| scenario | school type | theme | minutes |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")][:4] for row in rows]
    expected = [
        [f"*{s.title}*", s.school_type.value, s.theme.value if s.theme else "", str(s.minutes)]
        for s in sorted(library.sorted(), key=lambda s: s.title)
    ]
    assert cells == expected
