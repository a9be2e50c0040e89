"""The xAPI downloads on the pages: a teacher's own statements on Mijn gegevens, a coach's of shared attempts only."""

from __future__ import annotations

import json

import pytest

from modules.exchange import xapi
from modules.people import accounts, sharing
from modules.play import engine, practice
from modules.records import Attempt
from modules.storage import TinyDBStore
from tests.pages import PASSWORD, as_user, click, goto, texts

MY_DATA = "ui/pages/mijn_gegevens.py"
COACH = "ui/pages/coach.py"
TAAL = "de-taalbarriere"
SHARED_TEXT = "Ik laat de moeder navertellen wat we afspraken."
PRIVATE_TEXT = "Deze gedachte houd ik voor mezelf."


def play(store, library, user, pick=lambda choices: choices[0]) -> Attempt:
    scenario = library.get(TAAL)
    attempt = practice.start(store, user, scenario, None)
    while not attempt.finished:
        choices = engine.available_choices(scenario, practice.replayed(scenario, attempt))
        attempt = practice.choose(store, scenario, attempt, pick(choices).id)
    return attempt


@pytest.fixture
def world(app_env, library):
    """A coach; a connected teacher with two finished attempts, a reflection on each, one shared."""
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    teacher = accounts.sign_up(store, "meester bob", PASSWORD)
    sharing.connect_with_code(store, teacher, coach.invite_code)
    shown, kept = play(store, library, teacher), play(store, library, teacher, pick=lambda c: c[-1])
    shared = practice.save_reflection(store, teacher, {"ik_wilde": SHARED_TEXT}, SHARED_TEXT, attempt_id=shown.id)
    practice.save_reflection(store, teacher, {"ik_wilde": PRIVATE_TEXT}, PRIVATE_TEXT, attempt_id=kept.id)
    sharing.share_reflection(store, teacher, shared.id, coach.id)
    return store, coach, teacher, shown, kept


def test_a_teacher_downloads_their_own_statements(world, library, downloads):
    store, _coach, teacher, shown, kept = world
    at = goto(as_user("meester bob"), MY_DATA)
    assert "Je leerregistraties (xAPI)" in texts(at)
    assert xapi.OWN_FILE_NAME not in downloads, "made when asked, not on every rerun"
    click(at, "xapi-own-make")
    statements = json.loads(downloads[xapi.OWN_FILE_NAME])
    assert statements == xapi.user_statements(store, library, teacher)
    names = xapi.ids()
    registrations = {s["context"].get("registration") for s in statements}
    assert registrations == {names.registration("attempt", a.id) for a in (shown, kept)}
    file = downloads[xapi.OWN_FILE_NAME].decode("utf-8")
    assert "meester bob" not in file and SHARED_TEXT not in file and PRIVATE_TEXT not in file
    assert f"met {len(statements)} leerregistraties" in texts(at)


def test_a_coach_downloads_only_the_statements_of_shared_attempts(world, library, downloads):
    store, coach, teacher, shown, _kept = world
    at = goto(as_user("coach anna"), COACH)
    assert xapi.SHARED_FILE_NAME not in downloads
    click(at, "xapi-shared-make")
    statements = json.loads(downloads[xapi.SHARED_FILE_NAME])
    names = xapi.ids()
    assert {s["context"]["registration"] for s in statements} == {names.registration("attempt", shown.id)}
    own = xapi.user_statements(store, library, teacher)
    assert statements == [s for s in own if s["context"].get("registration") == names.registration("attempt", shown.id)]
    file = downloads[xapi.SHARED_FILE_NAME].decode("utf-8")
    assert "meester bob" not in file and SHARED_TEXT not in file and PRIVATE_TEXT not in file


def test_a_coach_with_nothing_shared_gets_no_file(app_env, downloads):
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    teacher = accounts.sign_up(store, "meester bob", PASSWORD)
    sharing.connect_with_code(store, teacher, coach.invite_code)
    at = goto(as_user("coach anna"), COACH)
    assert "Er zijn nog geen reflecties met je gedeeld." in texts(at)
    assert not [b for b in at.button if b.key == "xapi-shared-make"]
