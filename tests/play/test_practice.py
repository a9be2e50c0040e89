"""The practice service without Streamlit: attempts started, found, played and saved; reflections saved."""

from __future__ import annotations

import pytest

from modules.people import accounts
from modules.play import engine, practice, reflection
from modules.records import OwnWords, limits
from modules.team import sessions as team

PASSWORD = "een-lange-zin-als-wachtwoord"
SCENARIO_ID = "de-taalbarriere"
ANSWERS = {"ik_wilde": "Ik wilde dat de moeder zich welkom voelde."}
INTENTION = "Ik vraag eerst hoe het thuis gaat."


@pytest.fixture
def scenario(library):
    return library.get(SCENARIO_ID)


@pytest.fixture
def people(store):
    anna = accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")
    bert = accounts.ensure_account(store, "meester-bert", PASSWORD, "teacher")
    return anna, bert


def _finished(store, user, scenario):
    attempt = practice.start(store, user, scenario, "Dat ze boos is.")
    while not attempt.finished:
        choice = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
        attempt = practice.choose(store, scenario, attempt, choice.id)
    return attempt


def test_start_saves_the_attempt_with_the_anticipation(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, "  Dat ze boos is.  ")
    saved = store.get_attempt(anna.id, attempt.id)
    assert saved is not None and saved.anticipation == "Dat ze boos is." and saved.state.node == scenario.start


def test_a_too_long_anticipation_is_refused_and_nothing_is_saved(store, people, scenario):
    anna, _ = people
    with pytest.raises(practice.AttemptError, match="hoogstens"):
        practice.start(store, anna, scenario, "x" * (limits.ANTICIPATION + 1))
    assert store.list_attempts(anna.id) == []


def test_every_choice_is_saved_at_once(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, None)
    choice = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
    practice.choose(store, scenario, attempt, choice.id)
    assert store.get_attempt(anna.id, attempt.id).state.choice_ids() == [choice.id]


def test_each_step_keeps_the_moment_it_was_chosen(store, people, scenario):
    """Authors see the time per decision (praktijkdata): each step keeps when it was saved, also after
    later steps replay the play-through."""
    anna, _ = people
    attempt = _finished(store, anna, scenario)
    moments = [step.at for step in store.get_attempt(anna.id, attempt.id).state.steps]
    assert len(moments) >= 3 and None not in moments
    assert moments == sorted(moments) and len(set(moments)) == len(moments)


def test_find_returns_only_the_users_own_attempt_of_this_scenario(store, people, scenario, library):
    anna, bert = people
    attempt = practice.start(store, anna, scenario, None)
    assert practice.find(store, anna, scenario, attempt.id).id == attempt.id
    assert practice.find(store, bert, scenario, attempt.id) is None  # someone else's attempt
    other = next(s for s in library.sorted() if s.id != scenario.id)
    assert practice.find(store, anna, other, attempt.id) is None  # another scenario
    assert practice.find(store, anna, scenario, None) is None


def test_status_follows_the_attempts(store, people, scenario):
    anna, _ = people
    assert practice.status(scenario, []).label == "Nieuw"
    open_attempt = practice.start(store, anna, scenario, None)
    assert practice.status(scenario, [open_attempt]).label == "Bezig"
    done = _finished(store, anna, scenario)
    status = practice.status(scenario, [done])
    assert status.label == "Afgerond" and status.endings_found == {done.state.ending}


def test_a_reflection_on_an_own_finished_attempt_carries_the_scenario(store, people, scenario):
    anna, _ = people
    done = _finished(store, anna, scenario)
    saved = practice.save_reflection(store, anna, ANSWERS, INTENTION, attempt_id=done.id)
    assert (saved.attempt_id, saved.scenario_id, saved.scenario_title) == (done.id, scenario.id, scenario.title)
    assert [r.id for r in store.list_reflections(anna.id)] == [saved.id]


@pytest.mark.parametrize("whose", ["unfinished", "someone else's"])
def test_a_reflection_on_an_attempt_that_is_not_yours_or_not_finished_is_refused(store, people, scenario, whose):
    anna, bert = people
    attempt = practice.start(store, anna, scenario, None) if whose == "unfinished" else _finished(store, bert, scenario)
    with pytest.raises(reflection.ReflectionError):
        practice.save_reflection(store, anna, ANSWERS, INTENTION, attempt_id=attempt.id)
    assert store.list_reflections(anna.id) == []


def test_a_reflection_on_a_team_session_needs_taking_part(store, people, scenario):
    anna, bert = people
    leader = accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    session = team.create(store, leader, scenario)
    session, _ = team.join(store, session.code, account=anna)
    saved = practice.save_reflection(store, anna, ANSWERS, INTENTION, team_session=session)
    assert (saved.team_session_id, saved.scenario_id) == (session.id, scenario.id)
    with pytest.raises(reflection.ReflectionError, match="meedeed"):
        practice.save_reflection(store, bert, ANSWERS, INTENTION, team_session=session)
    assert store.list_reflections(bert.id) == []


def test_a_loose_reflection_is_saved_and_an_empty_one_is_refused(store, people):
    anna, _ = people
    saved = practice.save_reflection(store, anna, ANSWERS, INTENTION)
    assert saved.attempt_id is None and saved.scenario_id is None
    with pytest.raises(reflection.ReflectionError, match="voornemen"):
        practice.save_reflection(store, anna, ANSWERS, "")
    assert len(store.list_reflections(anna.id)) == 1


# --- first say it yourself ---------------------------------------------------------------------------


def test_own_words_are_saved_with_the_choice_and_kept_through_later_choices(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, None)
    assert attempt.own_words_first  # on by default for a new attempt
    first = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
    attempt = practice.choose(store, scenario, attempt, first.id, own_words="  Ik zou eerst vragen hoe het gaat.  ")
    second = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
    attempt = practice.choose(store, scenario, attempt, second.id)  # skipped: no words
    saved = store.get_attempt(anna.id, attempt.id)
    assert [s.own_words for s in saved.state.steps] == ["Ik zou eerst vragen hoe het gaat.", None]
    assert practice.own_words(scenario, saved) == [
        OwnWords(chosen=first.text, words="Ik zou eerst vragen hoe het gaat.")
    ]


def test_own_words_are_bounded_and_nothing_is_saved_when_too_long(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, None)
    first = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
    with pytest.raises(practice.AttemptError, match="hoogstens"):
        practice.choose(store, scenario, attempt, first.id, own_words="x" * (limits.OWN_WORDS + 1))
    assert store.get_attempt(anna.id, attempt.id).state.steps == []


def test_own_words_first_can_be_switched_off_for_an_attempt(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, None, own_words_first=False)
    assert not store.get_attempt(anna.id, attempt.id).own_words_first
    practice.set_own_words_first(store, attempt, True)
    assert store.get_attempt(anna.id, attempt.id).own_words_first


def test_a_reflection_keeps_only_own_words_the_attempt_holds(store, people, scenario):
    anna, _ = people
    attempt = practice.start(store, anna, scenario, None)
    words = "Ik zou de moeder eerst laten uitpraten."
    attempt = practice.choose(
        store, scenario, attempt, engine.available_choices(scenario, practice.replayed(scenario, attempt))[0].id, words
    )
    while not attempt.finished:
        choice = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
        attempt = practice.choose(store, scenario, attempt, choice.id)
    mine = practice.own_words(scenario, attempt)
    forged = OwnWords(chosen="iets", words="Dit schreef ik nooit.")
    saved = practice.save_reflection(
        store, anna, ANSWERS, INTENTION, attempt_id=attempt.id, with_own_words=[*mine, forged]
    )
    assert saved.own_words == mine and saved.own_words[0].words == words
