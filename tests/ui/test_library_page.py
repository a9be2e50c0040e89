"""Scenario's: filters, 'waar begin ik?' for a new teacher, and 'wat nu?' after some play."""

from __future__ import annotations

import shutil

import pytest

from modules.library import finder
from modules.library.scenarios import load_library
from modules.play import engine
from modules.records import Attempt
from modules.storage import TinyDBStore
from tests.conftest import ROOT
from tests.pages import click, open_app, sign_up, texts

FLAGSHIPS = ["de-veeleisende-ouder", "de-taalbarriere", "zorgbeslissing-passend-onderwijs"]


@pytest.fixture
def three(tmp_path, monkeypatch, app_env):
    """The three flagships in a folder of their own, so the test does not move with the library."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for scenario_id in FLAGSHIPS:
        shutil.copy(ROOT / "scenarios" / f"{scenario_id}.yaml", folder)
    monkeypatch.setenv("SAMENSPEL_SCENARIO_DIR", str(folder))
    return load_library(folder)


def cards(at) -> list[str]:
    return sorted(b.key.removeprefix("start-") for b in at.button if b.key and b.key.startswith("start-"))


def test_a_new_teacher_is_told_where_to_begin_and_can_start_there(three):
    at = sign_up(open_app())
    page = texts(at)
    assert "Waar begin ik?" in page and "Wat nu?" not in page
    firsts = finder.first_steps(three.sorted())
    assert set(firsts) == {"po", "vo"}
    labels = {b.key: b.label for b in at.button if b.key and b.key.startswith("suggest-")}
    assert labels == {
        f"suggest-{s.id}": f"{label}: {s.title}"
        for label, s in (("Basisonderwijs", firsts["po"]), ("Voortgezet onderwijs", firsts["vo"]))
    }
    click(at, f"suggest-{firsts['vo'].id}")
    assert at.title[0].value == firsts["vo"].title  # on Spelen, at the start of that scenario


def test_filters_narrow_the_library_and_say_so(three):
    at = sign_up(open_app())
    assert cards(at) == sorted(FLAGSHIPS)
    at.pills(key="filter-type").set_value(["vo"]).run()
    assert cards(at) == ["de-veeleisende-ouder"] and "1 van de 3 scenario's past bij je keuze." in texts(at)
    at.pills(key="filter-type").set_value([]).run()
    at.pills(key="filter-theme").set_value(["Zorg en ondersteuning", "Taal en cultuur"]).run()
    assert cards(at) == ["de-taalbarriere", "zorgbeslissing-passend-onderwijs"]
    at.selectbox(key="filter-principle").set_value("responsief-thuistaal").run()
    assert cards(at) == ["de-taalbarriere"]
    at.pills(key="filter-theme").set_value(["Zorg en ondersteuning"]).run()
    assert cards(at) == [] and "Geen scenario past bij al je keuzes." in texts(at)
    # the filter row speaks Dutch where Streamlit would not
    assert at.selectbox(key="filter-principle").placeholder == "Alle principes"


def test_after_play_the_page_suggests_what_was_neglected_most(three, app_env):
    store = TinyDBStore(app_env)
    at = sign_up(open_app(), "juf-anna")
    teacher = store.find_account(username="juf-anna")
    scenario = three.get("de-taalbarriere")
    state = engine.start(scenario)
    while not state.finished:  # always the first option: some principles end up below zero
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    store.create_attempt(
        Attempt(user_id=teacher.id, scenario_id=scenario.id, scenario_title=scenario.title, state=state)
    )
    expected = finder.next_step(three.sorted(), store.list_attempts(teacher.id))
    assert expected is not None and expected.scenario.id != "de-taalbarriere"
    assert expected.principle in finder.honoured(expected.scenario)
    assert engine.profile(scenario, state).scores[expected.principle] < 0

    at.run()
    page = texts(at)
    assert "Waar begin ik?" not in page and "Wat nu?" in page
    assert f"‘{expected.scenario.title}’ laat je dat oefenen." in page
    click(at, f"suggest-{expected.scenario.id}")
    assert at.title[0].value == expected.scenario.title


def test_every_card_offers_the_study_session_guide(three, downloads):
    files = downloads
    at = sign_up(open_app())
    keys = {b.key for b in at.download_button}
    assert keys == {f"guide-{s}-{kind}" for s in FLAGSHIPS for kind in ("html", "md")}
    page = files["handleiding-de-taalbarriere.html"].decode("utf-8")
    assert "<h1>Handleiding studiebijeenkomst: De taalbarrière</h1>" in page
    markdown = files["handleiding-de-taalbarriere.md"].decode("utf-8")
    assert markdown.startswith("# Handleiding studiebijeenkomst: De taalbarrière")
