"""Closing the ALACT loop without Streamlit: the last intention, the follow-up in the next reflection
(stored with it, bounded, linked only to one's own reflection), and intentions with how they went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from modules.people import accounts
from modules.play import engine, practice, reflection
from modules.records import Reflection, limits
from modules.storage import InvalidInputError
from modules.team import sessions as team

PASSWORD = "een-lange-zin-als-wachtwoord"
SCENARIO_ID = "de-taalbarriere"
ANSWERS = {"ik_wilde": "Ik wilde dat de moeder zich welkom voelde."}
FIRST = "Ik vraag eerst hoe het thuis gaat."
SECOND = "Ik laat de ouder eerst uitpraten."
HOW = "Het lukte: de vader vertelde meer dan ik dacht."


@pytest.fixture
def scenario(library):
    return library.get(SCENARIO_ID)


@pytest.fixture
def anna(store):
    return accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")


def _finished(store, user, scenario, pick=lambda c: c[0]):
    attempt = practice.start(store, user, scenario, None)
    while not attempt.finished:
        choice = pick(engine.available_choices(scenario, practice.replayed(scenario, attempt)))
        attempt = practice.choose(store, scenario, attempt, choice.id)
    return attempt


def _at(item: Reflection, when: datetime) -> Reflection:
    return item.model_copy(update={"created_at": when})


# --- the last intention ---------------------------------------------------------------------------


def test_no_reflection_means_no_last_intention(store, anna):
    assert practice.last_intention(store, anna) is None


def test_the_last_intention_is_that_of_the_newest_reflection(store, anna):
    old = store.add_reflection(_at(reflection.build(anna.id, ANSWERS, FIRST), datetime(2026, 11, 1, tzinfo=UTC)))
    new = store.add_reflection(_at(reflection.build(anna.id, ANSWERS, SECOND), datetime(2026, 12, 1, tzinfo=UTC)))
    assert practice.last_intention(store, anna).id == new.id
    assert reflection.last_intention([old, new]).intention == SECOND
    assert reflection.last_intention([new.model_copy(update={"intention": "  "}), old]).id == old.id


def test_a_reflection_about_the_same_conversation_is_not_asked_about(store, anna, scenario):
    attempt = _finished(store, anna, scenario)
    older = store.add_reflection(_at(reflection.build(anna.id, ANSWERS, FIRST), datetime(2026, 11, 1, tzinfo=UTC)))
    about_it = practice.save_reflection(store, anna, ANSWERS, SECOND, attempt_id=attempt.id)
    assert practice.last_intention(store, anna).id == about_it.id  # at the start of a new play-through
    assert practice.last_intention(store, anna, attempt_id=attempt.id).id == older.id  # a second reflection on it
    assert (
        reflection.last_intention([about_it.model_copy(update={"team_session_id": "t"})], team_session_id="t") is None
    )


def test_the_follow_up_is_saved_with_the_new_reflection(store, anna, scenario):
    first = practice.save_reflection(store, anna, ANSWERS, FIRST)
    attempt = _finished(store, anna, scenario)
    previous = practice.last_intention(store, anna, attempt_id=attempt.id)
    saved = practice.save_reflection(
        store, anna, ANSWERS, SECOND, attempt_id=attempt.id, follow_up=f"  {HOW}  ", follows_intention_of=previous.id
    )
    stored = store.get_reflection(anna.id, saved.id)
    assert stored.follow_up == HOW and stored.follows_intention_of == first.id
    assert stored.intention == SECOND and stored.attempt_id == attempt.id


def test_an_empty_follow_up_keeps_no_link(store, anna):
    first = practice.save_reflection(store, anna, ANSWERS, FIRST)
    saved = practice.save_reflection(store, anna, ANSWERS, SECOND, follow_up="   ", follows_intention_of=first.id)
    assert saved.follow_up == "" and saved.follows_intention_of is None


def test_a_follow_up_links_only_to_an_own_reflection(store, anna):
    bert = accounts.ensure_account(store, "meester-bert", PASSWORD, "teacher")
    theirs = practice.save_reflection(store, bert, ANSWERS, FIRST)
    saved = practice.save_reflection(store, anna, ANSWERS, SECOND, follow_up=HOW, follows_intention_of=theirs.id)
    assert saved.follow_up == HOW and saved.follows_intention_of is None


def test_a_too_long_follow_up_is_refused_in_dutch_and_nothing_is_saved(store, anna):
    first = practice.save_reflection(store, anna, ANSWERS, FIRST)
    with pytest.raises(reflection.ReflectionError, match="tekens.*Hoe ging dat"):
        practice.save_reflection(
            store, anna, ANSWERS, SECOND, follow_up="x" * (limits.REFLECTION_ANSWER + 1), follows_intention_of=first.id
        )
    assert [r.id for r in store.list_reflections(anna.id)] == [first.id]


def test_the_store_refuses_a_too_long_follow_up_from_any_caller(store, anna):
    item = reflection.build(anna.id, ANSWERS, FIRST).model_copy(
        update={"follow_up": "y" * (limits.REFLECTION_ANSWER + 1)}
    )
    with pytest.raises(InvalidInputError):
        store.add_reflection(item)
    linked = reflection.build(anna.id, ANSWERS, FIRST).model_copy(update={"follows_intention_of": "z" * 41})
    with pytest.raises(InvalidInputError):
        store.add_reflection(linked)
    assert store.list_reflections(anna.id) == []


def test_a_reflection_stored_before_follow_ups_existed_still_loads():
    old = {
        "id": "r1",
        "user_id": "u1",
        "created_at": "2026-11-30T10:00:00+00:00",
        "answers": {"ik_wilde": "Rust."},
        "intention": FIRST,
        "format_version": 1,
    }
    item = Reflection.from_stored(old)
    assert item.follow_up == "" and item.follows_intention_of is None


def test_a_team_session_reflection_asks_about_the_last_intention_too(store, anna, scenario):
    coach = accounts.ensure_account(store, "coach-cor", PASSWORD, "coach")
    first = practice.save_reflection(store, anna, ANSWERS, FIRST)
    session = team.create(store, coach, scenario)
    session, _ = team.join(store, session.code, account=anna)
    previous = practice.last_intention(store, anna, team_session_id=session.id)
    assert previous.id == first.id
    saved = practice.save_reflection(
        store, anna, ANSWERS, SECOND, team_session=session, follow_up=HOW, follows_intention_of=previous.id
    )
    assert saved.team_session_id == session.id and saved.follows_intention_of == first.id


# --- intentions with how they went ----------------------------------------------------------------


def test_intention_trails_pair_each_intention_with_its_follow_ups():
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    first = _at(reflection.build("u", ANSWERS, FIRST), t0)
    second = _at(
        reflection.build("u", ANSWERS, SECOND, follow_up=HOW, follows_intention_of=first.id), t0 + timedelta(days=3)
    )
    third = _at(reflection.build("u", ANSWERS, "Ik vat samen wat we afspreken."), t0 + timedelta(days=9))
    trails = reflection.intention_trails([second, third, first])
    assert [t.intention for t in trails] == ["Ik vat samen wat we afspreken.", SECOND, FIRST]
    assert [[f.follow_up for f in t.follow_ups] for t in trails] == [[], [], [HOW]]
