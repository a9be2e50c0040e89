"""The facilitator's guide is generated from the scenario: everything in it comes from the data."""

from __future__ import annotations

import pytest

from modules.exchange import guide
from modules.library.scenarios import load_library
from modules.play import reflection

LIBRARY = load_library()


@pytest.mark.parametrize("scenario_id", sorted(s.id for s in LIBRARY.sorted()))
def test_the_guide_holds_goals_timing_prompts_principles_and_alact(catalogue, scenario_id):
    scenario = LIBRARY.get(scenario_id)
    text = guide.as_markdown(scenario, catalogue)
    assert text.startswith(f"# Handleiding studiebijeenkomst: {scenario.title}\n")
    assert all(goal in text for goal in scenario.learning_goals)
    assert scenario.anticipate.strip() in text
    assert "**45 minuten**" in text and "**90 minuten**" in text
    decisions = [n for n in scenario.nodes.values() if n.choices]
    assert all((n.discussion or "").strip() in text for n in decisions)
    assert text.count("★ ") == sum(1 for n in decisions if n.key_moment)
    named = [catalogue.get(pid).name for pid in scenario.principles]
    assert all(name in text for name in named)  # six with summary and source, the rest by name
    assert text.count("*Bron: ") == min(len(named), guide.MAIN_PRINCIPLES)
    assert all(q.label in text for q in reflection.ALL_QUESTIONS) and reflection.INTENTION.label in text
    assert "Schrijf geen namen van kinderen of ouders op" in text


def test_the_html_page_is_dutch_self_contained_and_prints_on_a4(catalogue):
    scenario = LIBRARY.get("het-advies")
    page = guide.as_html(scenario, catalogue)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "@page { size: A4" in page and "<script" not in page and "http" not in page.split("<body>")[0]
    assert "<h1>Handleiding studiebijeenkomst: Het advies</h1>" in page
    assert guide.file_name(scenario, "html") == "handleiding-het-advies.html"


def test_html_an_author_wrote_in_a_scenario_is_removed_from_the_guide(catalogue):
    # Scenario texts come from teachers in the Werkplaats: the downloadable HTML page never runs them.
    scenario = load_library().get("de-taalbarriere")
    hostile = scenario.model_copy(
        update={
            "summary": 'Een gesprek. <script>alert(1)</script><img src=x onerror="alert(2)"> **Vet** blijft.',
            "learning_goals": ['<a href="javascript:alert(3)">klik</a> en [hier](javascript:alert(4))'],
            "anticipate": '<iframe src="https://evil.example"></iframe>Wat verwacht je?',
        }
    )
    page = guide.as_html(hostile, catalogue)
    for bad in ("<script", "alert(", "onerror", "<img", "<iframe", "javascript:"):
        assert bad not in page, bad
    assert "<strong>Vet</strong> blijft." in page and "Wat verwacht je?" in page
    assert "<h2>Leerdoelen</h2>" in page and "<ol>" in page
