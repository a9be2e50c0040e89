"""The Werkplaats page in AppTest: what an author sees of a draft with errors, of a clean one, of another
author's text, and of praktijkdata with too few teachers. The whole path runs in the browser in
tests/e2e/test_werkplaats.py."""

from __future__ import annotations

import random
import shutil

import pytest

from modules.authoring import workshop
from modules.library.scenarios import load_library
from modules.people import accounts
from modules.play import engine, practice
from modules.storage import TinyDBStore
from tests.conftest import FIXTURES, ROOT
from tests.pages import PASSWORD, as_user, texts

PAGE = "ui/pages/werkplaats.py"
MINI = (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")


@pytest.fixture
def setup(app_env, tmp_path, monkeypatch):
    library_dir = tmp_path / "bibliotheek"
    shutil.copytree(ROOT / "scenarios", library_dir, ignore=shutil.ignore_patterns("concept"))
    monkeypatch.setenv("SAMENSPEL_SCENARIO_DIR", str(library_dir))
    store = TinyDBStore(app_env)
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    author = accounts.ensure_account(store, "auteur", PASSWORD, "coach")
    author = accounts.admin_set_authoring(store, admin, author.id, True, True)
    return store, author, library_dir


def _open(section: str | None = None):
    at = as_user("auteur")
    at.switch_page(PAGE).run()
    if section:
        at.segmented_control(key="werkplaats-onderdeel").set_value(section).run()
    assert not at.exception, at.exception
    return at


def test_a_draft_with_errors_shows_them_with_their_lines_and_cannot_be_published(setup):
    store, author, _ = setup
    reaction = next(line for line in MINI.splitlines() if line.strip().startswith("reaction:"))
    workshop.save_draft(store, author, MINI.replace(reaction, reaction.split("reaction:")[0] + "reaction: TODO", 1))
    at = _open("Controle")
    assert "De controle vindt 1 fout." in texts(at)
    (finding,) = [e for e in at.expander if "⛔" in e.label]
    assert "regel" in finding.label and finding.label.endswith(".reaction")
    assert "reaction: TODO" in finding.code[0].value, "the lines the finding points at"
    at.segmented_control(key="werkplaats-onderdeel").set_value("Publiceren").run()
    assert at.button(key="werkplaats-publiceer").disabled


def test_a_clean_draft_shows_its_figures_and_publishes_into_the_library(setup):
    store, author, library_dir = setup
    workshop.save_draft(store, author, MINI)
    at = _open("Controle")
    assert "Verschillende routes" in str(at.dataframe[0].value)
    at.segmented_control(key="werkplaats-onderdeel").set_value("Publiceren").run()
    at.button(key="werkplaats-publiceer").click().run()
    assert not at.exception
    assert "Gepubliceerd als versie 1." in texts(at)
    assert (library_dir / "het-schoolplein.yaml").read_text(encoding="utf-8") == MINI


def test_text_an_author_wrote_is_never_html(setup):
    store, author, _ = setup
    hostile = MINI.replace("title: Een vraag op het schoolplein", 'title: "<img src=x onerror=alert(1)> titel"')
    workshop.save_draft(store, author, hostile)
    at = _open("Bewerken")
    assert all("<img" not in m.value for m in at.markdown)
    assert "<img src=x onerror=alert(1)> titel" in at.selectbox(key="werkplaats-kies").format_func(
        at.selectbox(key="werkplaats-kies").value
    )


def test_praktijkdata_are_withheld_below_ten_teachers(setup):
    store, author, _ = setup
    scenario = load_library().get("de-taalbarriere")
    rng = random.Random(1)
    for index in range(9):
        teacher = accounts.ensure_account(store, f"leraar-{index}", PASSWORD, "teacher")
        attempt = practice.start(store, teacher, scenario, None)
        while not attempt.finished:
            options = engine.available_choices(scenario, practice.replayed(scenario, attempt))
            attempt = practice.choose(store, scenario, attempt, rng.choice(options).id)
    workshop.draft_from_library(store, author, setup[2], load_library(setup[2]), "de-taalbarriere")
    at = _open("Praktijkdata")
    assert "9 keer gespeeld door 9 leraren" in texts(at)
    assert "Te weinig leraren" in texts(at)
    assert not at.dataframe, "no counts below the threshold"
