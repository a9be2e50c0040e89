"""The quality bar (lint --strict) and the coverage report (lint --report) on small scenarios."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from modules.content.scenario import Scenario
from modules.content.yamlio import parse_yaml, to_plain
from modules.library import language, quality
from tests.conftest import ROOT

DEBRIEF = " ".join(["Je zocht samen met de moeder naar een volgende stap en je hield de afspraak kort."] * 5)
LONG = " ".join(["Het gesprek ging rustig verder."] * 3)


def scenario_text(**overrides: str) -> str:
    """A small scenario that passes the bar; ``overrides`` replace whole blocks of it."""
    parts = {
        "head": """
id: klein
title: Een klein gesprek
summary: Een moeder wil weten hoe het met haar dochter gaat.
school_type: po
theme: Contact en samenwerking
minutes: 5
learning_goals: [Je luistert eerst.]
principles: [relatie-eerst, grenzen-stellen, kind-aan-tafel, samen-beslissen]
persona: {role: moeder van een leerling uit groep 3, description: Een drukke moeder.}
context: Het is woensdag na school.
anticipate: Wat wil je bereiken?
variables:
  vertrouwen: {label: Vertrouwen van de ouder, initial: 50}
start: een
""",
        "nodes": """
nodes:
  een:
    discussion: Wat doe jij eerst?
    choices:
      - {id: luisteren, text: Ik luister., target: twee, principles: {relatie-eerst: 2, grenzen-stellen: -1},
         effects: {vertrouwen: 10}, reaction: Ze vertelt., feedback: Je luistert eerst.}
      - {id: grens, text: Ik noem de tijd., target: twee, principles: {grenzen-stellen: 2},
         reaction: Ze knikt., feedback: Je bent duidelijk.}
  twee:
    discussion: Wie beslist er mee?
    choices:
      - {id: kind, text: Ik vraag wat de leerling wil., target: goed, principles: {kind-aan-tafel: 2},
         reaction: Ze lacht., feedback: Je geeft de leerling een stem.}
      - {id: samen, text: Ik stel voor samen te kiezen., target: goed, principles: {samen-beslissen: 2},
         reaction: Ze denkt na., feedback: Jullie kiezen samen.}
      - {id: zelf, text: Ik beslis het zelf., target: zwak, principles: {samen-beslissen: -2},
         reaction: Ze zwijgt., feedback: Je beslist alleen.}
""",
        "endings": f"""
endings:
  goed: {{title: Goed, outcome: sterk, text: Jullie maken een afspraak., debrief: "{DEBRIEF}"}}
  zwak: {{title: Zwak, outcome: zwak, text: De moeder gaat weg., debrief: "{DEBRIEF}"}}
""",
    }
    parts.update(overrides)
    return parts["head"] + parts["nodes"] + parts["endings"]


def load(text: str) -> Scenario:
    return Scenario.model_validate(to_plain(parse_yaml(text)))


def problems_of(text: str, catalogue) -> list:
    raw = parse_yaml(text)
    found = quality.strict_problems(load(text), raw, "klein.yaml", catalogue)
    return [p for p in found if "spelling not checked" not in p.message]


def errors(found) -> list[str]:
    return [f"[{p.location}] {p.message}" for p in found if p.severity == "error"]


def test_a_scenario_that_meets_the_bar_has_no_errors(catalogue):
    assert errors(problems_of(scenario_text(), catalogue)) == []


def test_prompts_debrief_length_and_outcomes_are_required(catalogue):
    text = scenario_text(
        endings="""
endings:
  goed: {title: Goed, outcome: sterk, text: t, debrief: Kort.}
  zwak: {title: Matig, outcome: gemengd, text: t, debrief: Kort.}
"""
    ).replace("    discussion: Wat doe jij eerst?\n", "")
    found = problems_of(text.replace("theme: Contact en samenwerking\n", ""), catalogue)
    messages = errors(found)
    assert any(m.startswith("[id] no 'theme': the library filters on it; choose one of 'Contact en") for m in messages)
    assert "[nodes.een] decision 'een' has no discussion prompt ('discussion') for team sessions" in messages
    assert "[endings.goed.debrief] the debrief has 1 words; at least 60" in messages
    assert any("no ending with outcome 'zwak'" in m for m in messages)
    assert all(p.line for p in found if p.location.startswith(("nodes.", "endings.")))


def test_declared_principles_must_be_exactly_the_scored_ones(catalogue):
    text = scenario_text().replace("samen-beslissen]\npersona", "open-voor-kritiek]\npersona")
    messages = errors(problems_of(text, catalogue))
    assert "[principles.3] principle 'open-voor-kritiek' is declared but no choice scores it" in messages
    assert (
        "[nodes.twee.choices.1.principles.samen-beslissen] principle 'samen-beslissen' is scored here "
        "but not declared under 'principles'"
    ) in messages


def test_one_kind_option_and_foils_is_not_a_trade_off(catalogue):
    foils = scenario_text().replace("principles: {grenzen-stellen: 2},", "principles: {grenzen-stellen: -2},")
    foils = foils.replace("principles: {samen-beslissen: 2},", "principles: {samen-beslissen: -1},")
    found = problems_of(foils, catalogue)
    assert (
        "[nodes] 0 of 2 decisions (0%) offer two defensible choices that honour different principles; at least 70%"
        in errors(found)
    )
    assert {p.location for p in found if p.severity == "warning" and "defensible" in p.message} == {
        "nodes.een",
        "nodes.twee",
    }


def test_the_strong_ending_share_is_exact_for_uniform_random_play(catalogue):
    # Only 'kind' leads to the strong ending: 1 of 3 choices at the second decision, 2 paths of 6.
    rare = scenario_text().replace(
        "target: goed, principles: {samen-beslissen: 2}", "target: zwak, principles: {samen-beslissen: 2}"
    )
    found = quality.figures(load(rare))
    assert found.strong_share == pytest.approx(1 / 3) and found.strong_paths == 2 and found.paths == 6
    assert any(
        "the strong ending is reached along 2 distinct path(s)" in m for m in errors(problems_of(rare, catalogue))
    )


def test_a_debrief_line_about_a_choice_not_made_fails_the_bar(catalogue):
    text = scenario_text(
        endings=f"""
endings:
  goed:
    title: Goed
    outcome: sterk
    text: Jullie maken een afspraak.
    debrief: "{DEBRIEF}"
    path_debrief:
      - {{text: Je vroeg de leerling zelf., condition: vertrouwen >= 50, about: [twee.kind]}}
  zwak: {{title: Zwak, outcome: zwak, text: De moeder gaat weg., debrief: "{DEBRIEF}"}}
"""
    )
    messages = errors(problems_of(text, catalogue))
    assert any(
        "path_debrief[0] speaks of choice(s) not made: ['twee.kind'] (for example: een.luisteren > twee.samen)" in m
        for m in messages
    ), messages


def test_anglicisms_address_names_and_readability_are_reported(catalogue):
    text = scenario_text().replace("Ik luister.", """'"Ik check het even. Zegt u het maar, of vertel jij het?"'""")
    text = text.replace("feedback: Je luistert eerst.}", "feedback: 'Je luistert eerst (samen beslissen).'}")
    text = text.replace(
        "feedback: Je bent duidelijk.}",
        "feedback: 'Doordat je onmiddellijk organisatorische randvoorwaarden formuleert, "
        "ontstaat onduidelijkheid betreffende verantwoordelijkheidsverdeling en communicatieverwachtingen "
        "tussen leerkracht en ouder.'}",
    )
    messages = errors(problems_of(text, catalogue))
    assert "[nodes.een.choices.0.text] anglicism 'check': write nagaan, controleren" in messages
    assert any("'leraar' says 'u' (at nodes.een.choices.0.text) and 'je/jullie' here" in m for m in messages)
    assert (
        "[nodes.een.choices.0.feedback] principle name 'samen beslissen': "
        "write it as in the catalogue, 'Samen beslissen'" in messages
    )
    assert any(m.startswith("[nodes.een.choices.1.feedback] hard to read (Flesch–Douma") for m in messages)


def test_flesch_douma_ranks_plain_dutch_above_officialese():
    plain = "Je luistert eerst. Dan vraag je wat de moeder wil. Samen maak je een plan."
    hard = "Door het onmiddellijk formuleren van organisatorische randvoorwaarden ontstaat onduidelijkheid."
    assert language.flesch_douma(plain) > 80 > 20 > language.flesch_douma(hard)


needs_dictionary = pytest.mark.skipif(
    language.dictionary() is None and not os.environ.get("CI"),
    reason="Debian's hunspell-nl is not installed (CI installs it)",
)


@needs_dictionary
def test_spelling_is_checked_against_the_dutch_dictionary_and_the_word_lists(catalogue):
    assert language.dictionary() is not None, "install Debian's hunspell-nl"
    text = scenario_text().replace("Ze vertelt.", "Ze vertelt over Zoraya en de onderwijsconsulent en de leerkraght.")
    messages = errors(problems_of(text, catalogue))
    assert any("unknown word 'leerkraght'" in m for m in messages)
    assert any("unknown word 'Zoraya'" in m for m in messages)  # a name: not in the dictionary
    assert not any("onderwijsconsulent" in m for m in messages)  # a Dutch compound the dictionary knows
    named = text.replace("anticipate:", "words: [Zoraya]\nanticipate:")
    assert not any("Zoraya" in m for m in errors(problems_of(named, catalogue)))


def test_the_report_shows_the_figures(tmp_path):
    (tmp_path / "klein.yaml").write_text(scenario_text(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "modules", "lint", "--report", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for expected in (
        "klein: Een klein gesprek",
        "decisions 2, choices 5, endings 2, paths 6",
        "trade-offs: 2 of 2 decisions (100%)",
        "goed [sterk]: 66.7%, 4 path(s)",
        "principles scored +: grenzen-stellen 1, kind-aan-tafel 1, relatie-eerst 1, samen-beslissen 1",
        "principles scored -: grenzen-stellen 1, samen-beslissen 1",
        "an average path reads",
    ):
        assert expected in result.stdout, result.stdout


def test_strict_fails_the_command_and_names_file_and_line(tmp_path):
    (tmp_path / "klein.yaml").write_text(
        scenario_text().replace("    discussion: Wat doe jij eerst?\n", ""), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "modules", "lint", "--strict", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "klein.yaml:18: [nodes.een] error: decision 'een' has no discussion prompt" in result.stdout
    plain = subprocess.run(
        [sys.executable, "-m", "modules", "lint", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert plain.returncode == 0  # without --strict the bar is not applied
