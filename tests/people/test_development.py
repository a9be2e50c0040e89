"""Mijn ontwikkeling without Streamlit: the user's own timeline (every attempt and reflection), the
coach's filters over it, intentions with their follow-ups, and the Dutch periods both views use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from modules.people import accounts, coaching, development, sharing
from modules.people.accounts import PermissionDenied
from modules.play import engine, practice

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


def _finished(store, user, scenario):
    attempt = practice.start(store, user, scenario, None)
    while not attempt.finished:
        choice = engine.available_choices(scenario, practice.replayed(scenario, attempt))[0]
        attempt = practice.choose(store, scenario, attempt, choice.id)
    return attempt


# --- the user's own development view --------------------------------------------------------------


def test_own_timeline_holds_every_attempt_and_every_reflection_shared_or_not(store, anna, scenario, library):
    coach = accounts.ensure_account(store, "coach-cor", PASSWORD, "coach")
    sharing.connect_with_code(store, anna, coach.invite_code)
    attempt = _finished(store, anna, scenario)
    shared = practice.save_reflection(store, anna, ANSWERS, FIRST, attempt_id=attempt.id)
    private = practice.save_reflection(store, anna, ANSWERS, SECOND, follow_up=HOW, follows_intention_of=shared.id)
    sharing.share_reflection(store, anna, shared.id, coach.id)

    data = development.load_own(store, anna)
    entries = development.own_timeline(data.attempts, data.reflections, library, data.shared_ids)
    kinds = {getattr(e, "reflection_id", None) or e.attempt_id: e for e in entries}
    assert set(kinds) == {attempt.id, shared.id, private.id}
    assert kinds[shared.id].shared and not kinds[private.id].shared
    assert kinds[private.id].looked_back and not kinds[shared.id].looked_back
    assert kinds[shared.id].scenario_title == scenario.title
    assert [t.reflection.id for t in data.trails] == [private.id, shared.id]
    assert [f.id for f in data.trails[1].follow_ups] == [private.id]


def test_the_coach_filters_work_on_the_own_timeline(store, anna, scenario, library, catalogue):
    attempt = _finished(store, anna, scenario)
    about = practice.save_reflection(store, anna, ANSWERS, FIRST, attempt_id=attempt.id)
    loose = practice.save_reflection(store, anna, ANSWERS, SECOND)
    data = development.load_own(store, anna)
    entries = development.own_timeline(data.attempts, data.reflections, library, data.shared_ids)
    rows = coaching.profile_rows(data.attempts, library, catalogue)
    touched = rows[0]["principle_id"]

    by_principle = coaching.filter_timeline(entries, coaching.Filters(principle_id=touched))
    assert {getattr(e, "reflection_id", e.attempt_id) for e in by_principle} == {attempt.id, about.id}
    assert loose.id not in {getattr(e, "reflection_id", None) for e in by_principle}
    assert [t.reflection.id for t in development.trails_shown(data.trails, by_principle)] == [about.id]
    later = development.filters(None, None, "week", development.today() + timedelta(days=30))
    assert coaching.filter_timeline(entries, later) == []
    assert coaching.scenario_options(entries) == {SCENARIO_ID: scenario.title}


def test_nobody_gets_no_own_data(store, anna):
    with pytest.raises(PermissionDenied):
        development.load_own(store, None)
    with pytest.raises(PermissionDenied):
        development.load_own(store, anna.model_copy(update={"active": False}))


# --- periods in Dutch -----------------------------------------------------------------------------


def test_periods_end_today_and_reach_back():
    today = date(2026, 12, 1)
    assert development.period_range("alles", today) == (None, None)
    assert development.period_range("week", today) == (date(2026, 11, 25), today)
    assert development.period_range("maand", today) == (date(2026, 11, 2), today)
    assert development.period_range("kwartaal", today) == (date(2026, 9, 2), today)
    assert development.period_range("jaar", today) == (date(2025, 12, 2), today)
    assert development.months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert development.months_back(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert development.months_back(date(2026, 1, 15), 3) == date(2025, 10, 15)


def test_periods_are_told_in_dutch():
    today = date(2026, 12, 1)
    assert development.day_label(today) == "1 december 2026"
    assert development.period_text("week", today) == "Van 25 november 2026 tot en met 1 december 2026."
    assert development.period_text("alles", today) == ""
    assert development.period_text("alles", today, (date(2026, 3, 3), today)) == (
        "Van 3 maart 2026 tot en met 1 december 2026."
    )
    assert development.period_text("alles", today, (today, today)) == "Op 1 december 2026."
    assert list(development.PERIODS.values()) == [
        "Alles",
        "Afgelopen week",
        "Afgelopen maand",
        "Afgelopen 3 maanden",
        "Afgelopen jaar",
    ]


def test_today_is_the_dutch_date(monkeypatch):
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Amsterdam
    monkeypatch.setattr(development, "now", lambda: late)
    assert development.today() == date(2026, 12, 1)
