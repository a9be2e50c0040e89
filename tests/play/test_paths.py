"""Lines that depend on the path: shown only where they are true, and proven true on every path."""

import json

import pytest

from modules.content.scenario import Scenario
from modules.content.yamlio import parse_yaml, to_plain
from modules.library.lint import check_file
from modules.play import debrief, engine, paths
from modules.records import Attempt
from tests.conftest import FIXTURES

STORY = """
id: pad
title: Pad
summary: s
school_type: po
minutes: 5
learning_goals: [g]
principles: [relatie-eerst, kind-aan-tafel]
persona: {role: moeder, description: d}
context: c
anticipate: a
variables:
  vertrouwen: {label: V, initial: 50}
start: begin
nodes:
  begin:
    choices:
      - {id: kind, text: K, target: tweede, introduces: [tekening], principles: {kind-aan-tafel: 2},
         effects: {vertrouwen: 10}, reaction: r, feedback: f}
      - {id: ouders, text: O, target: tweede, principles: {relatie-eerst: 1}, reaction: r, feedback: f}
  tweede:
    choices:
      - {id: samen, text: S, target: goed, principles: {relatie-eerst: 2}, effects: {vertrouwen: 10},
         reaction: r, feedback: f}
      - {id: alleen, text: A, target: goed, principles: {relatie-eerst: -1}, reaction: r, feedback: f}
endings:
  goed:
    title: Goed
    outcome: sterk
    text: Jullie maken een afspraak.
    path_text:
      - {text: De tekening van de leerling ligt op tafel., chosen: [begin.kind], facts: [tekening]}
    debrief: Vast deel.
    path_debrief:
      - {text: Je vroeg eerst wat de leerling zelf wilde., chosen: [begin.kind]}
      - {text: Je liet de leerling buiten het gesprek., not_chosen: [begin.kind]}
      - {text: Het vertrouwen groeide., condition: vertrouwen >= 70, about: [begin.kind]}
    principles: [relatie-eerst]
reflection_prompts:
  - {text: Wat deed de tekening met het gesprek?, chosen: [begin.kind], facts: [tekening]}
  - {text: Waarom koos je ervoor de leerling niet te vragen?, not_chosen: [begin.kind]}
"""


def _scenario(text: str = STORY) -> Scenario:
    return Scenario.model_validate(to_plain(parse_yaml(text)))


def _play(scenario: Scenario, *choices: str):
    return engine.replay(scenario, list(choices))


def test_an_ending_and_its_debrief_show_only_the_lines_of_the_path_taken(catalogue):
    scenario = _scenario()
    with_child = _play(scenario, "kind", "samen")
    assert engine.view(scenario, with_child).text == (
        "Jullie maken een afspraak.\n\nDe tekening van de leerling ligt op tafel."
    )
    report = debrief.build(scenario, with_child, catalogue)
    assert report.notes == ["Je vroeg eerst wat de leerling zelf wilde.", "Het vertrouwen groeide."]
    assert report.text.endswith("Vast deel.")
    assert paths.reflection_prompts(scenario, with_child) == ["Wat deed de tekening met het gesprek?"]

    without = _play(scenario, "ouders", "alleen")
    assert engine.view(scenario, without).text == "Jullie maken een afspraak."
    assert debrief.build(scenario, without, catalogue).notes == ["Je liet de leerling buiten het gesprek."]
    assert paths.reflection_prompts(scenario, without) == ["Waarom koos je ervoor de leerling niet te vragen?"]


def test_every_path_of_a_sound_scenario_is_true():
    scenario = _scenario()
    for first in ("kind", "ouders"):
        for second in ("samen", "alleen"):
            assert paths.untrue(scenario, _play(scenario, first, second)) == []


def test_a_line_about_a_choice_not_made_is_found():
    # Trust can reach 70 without asking the child (ouders, samen: 50 + 10), yet the line speaks of asking her.
    scenario = _scenario(
        STORY.replace("{relatie-eerst: 2}, effects: {vertrouwen: 10}", "{relatie-eerst: 2}, effects: {vertrouwen: 20}")
    )
    found = paths.untrue(scenario, _play(scenario, "ouders", "samen"))
    assert found == ["ending 'goed' path_debrief[2] speaks of choice(s) not made: ['begin.kind']"]


def test_a_fact_brought_in_on_one_branch_only_is_found_in_the_fixed_text():
    scenario = _scenario(STORY.replace("    debrief: Vast deel.", "    facts: [tekening]\n    debrief: Vast deel."))
    assert paths.untrue(scenario, _play(scenario, "kind", "samen")) == []
    assert paths.untrue(scenario, _play(scenario, "ouders", "samen")) == [
        "ending 'goed' assumes fact(s) ['tekening'] not brought in on this path"
    ]


def test_the_linter_refuses_a_note_that_names_no_choice(tmp_path, catalogue):
    broken = tmp_path / "pad.yaml"
    broken.write_text(STORY.replace("chosen: [begin.kind], facts", "chosen: [begin.kindje], facts"), encoding="utf-8")
    scenario, problems = check_file(broken, catalogue)
    assert scenario is None
    assert any("'begin.kindje' names no choice" in p.message and p.line for p in problems)


def test_a_renamed_choice_keeps_old_play_throughs_playable_and_their_debrief(catalogue):
    """A stored attempt from before a choice was renamed (tests/fixtures/attempt-old-choice-id.json)."""
    stored = json.loads((FIXTURES / "attempt-old-choice-id.json").read_text(encoding="utf-8"))
    attempt = Attempt.from_stored(stored)
    assert attempt.state.choice_ids() == ["kind", "samen"]
    renamed = _scenario(STORY.replace("{id: kind, text: K", "{id: leerling-vragen, was: [kind], text: K"))
    state = engine.replay(renamed, attempt.state.choice_ids())
    assert paths.chosen(renamed, state) == {"begin.leerling-vragen", "tweede.samen"}
    report = debrief.build(renamed, state, catalogue)
    assert report.steps[0].choice.id == "leerling-vragen"
    # The stored state itself (old id in its steps) is read the same way.
    assert [c.id for _, c in engine.path(renamed, attempt.state)] == ["leerling-vragen", "samen"]
    forgotten = _scenario(STORY.replace("{id: kind, text: K", "{id: leerling-vragen, text: K"))
    with pytest.raises(engine.EngineError, match="not available"):
        engine.replay(forgotten, attempt.state.choice_ids())


def test_a_finished_play_through_keeps_its_debrief_when_a_scene_is_added_in_between(catalogue):
    """Authors may add a scene (the taalbarrière got one before the talk): saved play-throughs no longer
    replay from the start, but as long as every scene, choice and ending they took exists, the debrief,
    the profile and the route's prompts are read from the stored steps. An unfinished one goes on at the
    new scene, unless a choice it took is gone."""
    from modules.play import practice

    original = _scenario()
    played = _play(original, "kind", "samen")
    extra = STORY.replace("target: tweede, introduces", "target: tussen, introduces").replace(
        "  tweede:\n",
        "  tussen:\n    choices:\n"
        "      - {id: verder, text: V, target: tweede, principles: {relatie-eerst: 1}, reaction: r, feedback: f}\n"
        "      - {id: wachten, text: W, target: tweede, principles: {relatie-eerst: 1}, reaction: r, feedback: f}\n"
        "  tweede:\n",
    )
    changed = _scenario(extra)
    finished = Attempt(user_id="u", scenario_id="pad", scenario_title="Pad", state=played)
    with pytest.raises(engine.EngineError):
        engine.replay(changed, finished.state.choice_ids())
    state = practice.replayed(changed, finished)
    report = debrief.build(changed, state, catalogue)
    assert [s.choice.id for s in report.steps] == ["kind", "samen"]
    assert "Je vroeg eerst wat de leerling zelf wilde." in report.text

    halfway = Attempt(user_id="u", scenario_id="pad", scenario_title="Pad", state=_play(original, "kind"))
    assert practice.replayed(changed, halfway).node == "tussen"  # goes on at the new scene

    removed = _scenario(STORY.replace("{id: samen, text: S", "{id: gezamenlijk, text: S"))
    with pytest.raises(engine.EngineError):
        practice.replayed(removed, finished)
    moved = _scenario(extra.replace("{id: kind, text: K", "{id: leerling, text: K"))
    with pytest.raises(engine.EngineError):  # an unfinished one whose choice is gone cannot go on
        practice.replayed(moved, halfway)


def test_a_scene_line_shows_only_on_the_paths_it_fits():
    """Dialogue may depend on the path too: the mother answers the question that was asked."""
    scene = STORY.replace(
        "  tweede:\n    choices:\n",
        "  tweede:\n    lines:\n"
        "      - {speaker: ouder, text: Ze heeft een tekening gemaakt., chosen: [begin.kind], facts: [tekening]}\n"
        "      - {speaker: ouder, text: Wat vindt u ervan?, not_chosen: [begin.kind]}\n"
        "      - {speaker: ouder, text: Fijn dat u het vraagt., condition: vertrouwen >= 60}\n"
        "    choices:\n",
    )
    scenario = _scenario(scene)
    asked = engine.replay(scenario, ["kind"])
    assert [line.text for line in engine.view(scenario, asked).lines] == [
        "Ze heeft een tekening gemaakt.",
        "Fijn dat u het vraagt.",
    ]
    not_asked = engine.replay(scenario, ["ouders"])
    assert [line.text for line in engine.view(scenario, not_asked).lines] == ["Wat vindt u ervan?"]
    # Looking back at a finished path, the scene shows the lines it showed then.
    done = engine.replay(scenario, ["kind", "samen"])
    assert [line.text for line in paths.scene_lines(scenario, done, 1)] == [
        "Ze heeft een tekening gemaakt.",
        "Fijn dat u het vraagt.",
    ]
    assert paths.untrue(scenario, done) == []

    careless = _scenario(scene.replace("chosen: [begin.kind], facts: [tekening]", "facts: [tekening]", 1))
    found = paths.untrue(careless, engine.replay(careless, ["ouders", "samen"]))
    assert found == [
        "scene 'tweede', line 'Ze heeft een tekening gemaakt.', assumes fact(s) not brought in: ['tekening']"
    ]


def test_the_linter_refuses_a_scene_line_that_names_no_choice(tmp_path, catalogue):
    scene = STORY.replace(
        "  tweede:\n    choices:\n",
        "  tweede:\n    lines:\n      - {speaker: ouder, text: Ja., chosen: [begin.bestaat-niet]}\n    choices:\n",
    )
    (tmp_path / "pad.yaml").write_text(scene, encoding="utf-8")
    scenario, problems = check_file(tmp_path / "pad.yaml", catalogue)
    assert scenario is None
    assert any(
        "'begin.bestaat-niet' names no choice" in p.message and "nodes.tweede.lines.0.chosen" in p.location
        for p in problems
    ), [str(p) for p in problems]
