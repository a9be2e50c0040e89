"""Page tests with Streamlit's AppTest: what a teacher sees and can do."""

import shutil

import pytest

from modules.people import accounts
from modules.storage import TinyDBStore
from tests.conftest import FIXTURES
from tests.pages import (
    PASSWORD,
    as_user,
    choice_keys,
    click,
    goto,
    open_app,
    play_to_end,
    sign_in,
    sign_up,
    start_scenario,
    texts,
)

FLAGSHIPS = ["de-veeleisende-ouder", "de-taalbarriere", "zorgbeslissing-passend-onderwijs"]
LOGBOOK = "ui/pages/logboek.py"
REFLECTION = "ui/pages/reflectie.py"
PRINCIPLES = "ui/pages/principes.py"


def test_sign_up_is_checked_and_opens_the_library(app_env):
    at = open_app()
    at.text_input(key="up-user").input("groen potlood")
    at.text_input(key="up-pass").input("kort")
    at.text_input(key="up-again").input("kort")
    at.button(key="FormSubmitter:sign-up-Account maken").click().run()
    assert "minstens 10 tekens" in texts(at)
    sign_up(at, "groen potlood")
    assert at.title[0].value == "Scenario's"
    page = texts(at)
    for title in ["De veeleisende ouder", "De taalbarrière", "Een zorgbeslissing onder Passend Onderwijs"]:
        assert title in page
    assert "Nieuw" in page and "0 van" in page


@pytest.mark.parametrize("scenario_id", FLAGSHIPS)
def test_play_a_scenario_to_an_ending_and_see_the_debrief(app_env, scenario_id):
    at = sign_up(open_app())
    start_scenario(at, scenario_id)
    first = choice_keys(at)
    assert 2 <= len(first) <= 4
    click(at, first[-1])
    assert "Feedback" in texts(at)
    assert any("Waarom?" in p.proto.popover.label for p in at.get("popover"))
    play_to_end(at, pick=lambda keys: keys[-1])
    assert "Einde:" in texts(at)
    click(at, "to-debrief")
    page = texts(at)
    assert at.title[0].value == "Nabespreking"
    assert "Jouw route" in page and "Principeprofiel" in page and "Bronnen bij deze nabespreking" in page
    assert "1 van" in page and "eindes ontdekt" in page
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_every_choice_is_saved_and_the_attempt_resumes_in_a_new_session(app_env):
    at = sign_up(open_app(), "hervatter")
    start_scenario(at, "de-taalbarriere")
    click(at, choice_keys(at)[0])
    second_step = choice_keys(at)
    assert second_step and second_step[0].startswith("choice-1-")

    fresh = sign_in(open_app(), "Hervatter")  # a new session; username case does not matter
    assert "Bezig" in texts(fresh)
    click(fresh, "resume-de-taalbarriere")
    assert choice_keys(fresh) == second_step
    assert "Feedback" in texts(fresh)


def test_a_click_in_a_second_tab_that_is_behind_does_not_overwrite_the_choice_made_in_the_first(app_env):
    """A choice is saved in the button's callback, from the attempt as stored: when another tab already
    moved the play-through on, the stale tab's click is ignored and it shows where the attempt stands."""
    at = sign_up(open_app(), "twee-tabs")
    start_scenario(at, "de-taalbarriere")
    behind = sign_in(open_app(), "twee-tabs")
    click(behind, "resume-de-taalbarriere")
    stale = choice_keys(behind)
    assert stale == choice_keys(at) and stale[0].startswith("choice-0-")

    click(at, stale[0])  # the first tab chooses
    click(behind, stale[-1])  # the second tab, still showing decision 1, chooses something else
    store = TinyDBStore(app_env)
    user = store.find_account(username="twee-tabs")
    (attempt,) = store.list_attempts(user.id)
    assert attempt.state.choice_ids() == [stale[0].split("-", 2)[2]], "the first tab's choice stands"
    assert choice_keys(behind)[0].startswith("choice-1-"), "the stale tab now shows decision 2"


def test_saved_reflection_appears_in_the_log_as_plain_text(app_env):
    at = sign_up(open_app())
    start_scenario(at, "de-taalbarriere")
    play_to_end(at)
    click(at, "to-reflection")
    assert "Schrijf geen namen van kinderen of ouders" in texts(at)
    payload = "<script>alert('x')</script> **vet** [link](http://example.org)"
    at.text_area(key="refl-ik_wilde").input(payload)
    at.text_area(key="refl-voornemen").input("Ik vraag eerst hoe het thuis gaat.")
    at.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    assert "Je reflectie staat in je logboek." in texts(at)

    goto(at, LOGBOOK)
    assert "Reflecties (1)" in [t.label for t in at.tabs]
    assert "Ik vraag eerst hoe het thuis gaat." in [t.value for t in at.text]
    assert payload in [t.value for t in at.text]  # as plain text (st.text): no HTML, Markdown or link
    assert not [m.value for m in at.markdown if "alert" in m.value]


def test_reflection_without_intention_is_refused_and_keeps_the_text(app_env):
    at = sign_up(open_app())
    goto(at, REFLECTION)
    at.text_area(key="refl-ik_dacht").input("Ik dacht dat het snel zou gaan.")
    at.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    assert "Schrijf één concreet voornemen" in texts(at)
    assert at.text_area(key="refl-ik_dacht").value == "Ik dacht dat het snel zou gaan."
    goto(at, LOGBOOK)
    assert "Reflecties (0)" in [t.label for t in at.tabs]


def test_broken_scenario_is_listed_for_authors_while_others_play(app_env, tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", folder)
    shutil.copy(FIXTURES / "broken" / "missing-target.yaml", folder)
    monkeypatch.setenv("SAMENSPEL_SCENARIO_DIR", str(folder))
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, "coach-auteur", PASSWORD, "coach")
    accounts.ensure_account(store, "beheer-auteur", PASSWORD, "admin")

    teacher = sign_up(open_app())
    assert "scenariobestand" not in texts(teacher) and "Voor auteurs" not in texts(teacher)  # teachers just play
    start_scenario(teacher, "het-schoolplein")
    play_to_end(teacher)
    assert "Einde:" in texts(teacher)

    coach = goto(as_user("coach-auteur"), "ui/pages/scenarios.py")
    page = texts(coach)
    assert "1 scenariobestand met fouten" in page
    assert "missing-target.yaml:27" in page and "target 'nergens' is neither a node nor an ending" in page
    coach.toggle(key="scenarios-authors-strict").set_value(True).run()
    assert "het-schoolplein.yaml" in texts(coach) and "decisions 1, choices 2" in texts(coach)

    admin = as_user("beheer-auteur")
    assert "1 scenariobestand met fouten" in texts(admin)  # on Accounts beheren: admins have no Scenario's page


def test_principles_page_shows_source_and_training_scenarios(app_env):
    at = goto(sign_up(open_app()), PRINCIPLES)
    page = texts(at)
    assert "Relationele" in page
    assert "Bron: ‘Gelijkwaardige samenwerking tussen school en ouders’" in page
    assert "Oefen dit in:" in page and "De taalbarrière" in page


def test_log_lists_attempts_with_resume_and_debrief(app_env):
    at = sign_up(open_app())
    start_scenario(at, "de-taalbarriere")
    click(at, choice_keys(at)[0])
    goto(at, LOGBOOK)
    assert "Gesprekken (1)" in [t.label for t in at.tabs]
    resume = [b.key for b in at.button if b.key and b.key.startswith("resume-")]
    click(at, resume[0])
    assert at.title[0].value == "De taalbarrière"
    assert choice_keys(at)[0].startswith("choice-1-")


@pytest.mark.expected_failures
def test_unreadable_data_file_gives_a_dutch_message_and_is_kept(app_env):
    at = sign_up(open_app(), "pechvogel")
    store = TinyDBStore(app_env)
    user = store.find_account(username="pechvogel")
    path = app_env / "users" / f"{user.id}.json"
    path.write_text("{kapot", encoding="utf-8")
    goto(at, LOGBOOK)
    assert "kunnen niet worden gelezen" in texts(at) and "geef deze code" in texts(at)
    assert ".json" not in texts(at), "the file name is in the server log, not on the page"
    assert path.read_text(encoding="utf-8") == "{kapot"


def test_demo_teacher_has_a_filled_log(app_env, monkeypatch):
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    at = sign_in(open_app(), "demo-leraar", "oefenen-met-ouders")
    assert "Afgerond" in texts(at)
    goto(at, LOGBOOK)
    assert "Reflecties (1)" in [t.label for t in at.tabs]


def test_saved_reflection_is_not_saved_twice_and_a_new_one_starts_empty(app_env):
    at = sign_up(open_app())
    goto(at, REFLECTION)
    at.text_area(key="refl-ik_wilde").input("Ik wilde rust brengen.")
    at.text_area(key="refl-voornemen").input("Ik begin met een open vraag.")
    at.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    assert "Je reflectie staat in je logboek." in texts(at)
    assert not at.text_area  # the form is gone: a second click cannot save a copy
    click(at, "reflect-again")
    assert at.text_area(key="refl-ik_wilde").value == ""
    goto(at, LOGBOOK)
    assert "Reflecties (1)" in [t.label for t in at.tabs]


def test_a_debrief_stays_readable_after_the_author_adds_a_scene(app_env, tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    file = folder / "het-schoolplein.yaml"
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", file)
    monkeypatch.setenv("SAMENSPEL_SCENARIO_DIR", str(folder))
    at = sign_up(open_app())
    start_scenario(at, "het-schoolplein")
    click(at, "choice-0-nu")
    assert "Einde:" in texts(at)

    scene = (
        "  binnen:\n    choices:\n"
        "      - {id: kort, text: Kort., target: gehaast, principles: {grenzen-stellen: 1}, reaction: r, feedback: f}\n"
        "      - {id: lang, text: Lang., target: gehaast, principles: {grenzen-stellen: 1}, reaction: r, feedback: f}\n"
        "endings:\n"
    )
    text = file.read_text(encoding="utf-8").replace("        target: gehaast\n", "        target: binnen\n", 1)
    file.write_text(text.replace("endings:\n", scene, 1), encoding="utf-8")

    fresh = as_user("tester")
    goto(fresh, "ui/pages/nabespreking.py")
    page = texts(fresh)
    assert "Dit scenario is aangepast sinds je het speelde. Je ziet je route zoals je hem toen speelde." in page
    assert "Ik ga er meteen op in, hier op het plein." in page and "Half gesprek" in page
