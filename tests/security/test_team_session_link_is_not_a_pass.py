"""Team sessions: the link is not a pass (issue 8, part 4).

Today's attacks: a participant link (``?sessie=…&deelnemer=…``) let a stranger vote as the
signed-in teacher who opened it; join codes were short, unthrottled, and different messages
told which codes exist; a guest could re-join and vote without limit; sessions never closed.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from modules.library.scenarios import load_library
from modules.people import accounts, throttle
from modules.people.accounts import CODE_ALPHABET
from modules.play import engine
from modules.storage import TinyDBStore
from modules.team import sessions as team
from tests.pages import APP, PASSWORD, TIMEOUT, as_user, click, collect_cookies, goto, texts, with_cookies

JOIN = "ui/pages/meedoen.py"
LEAD = "ui/pages/sessie_leiden.py"
T0 = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def scenario():
    return load_library().get("de-taalbarriere")


@pytest.fixture
def facilitator(store):
    return accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")


def _first_choice(session, scenario) -> str:
    return engine.available_choices(scenario, team.state(session, scenario))[0].id


# --- the link -------------------------------------------------------------------------------------


def _join_in_app(at: AppTest, code: str) -> AppTest:
    goto(at, JOIN)
    at.text_input(key="join-code").input(code)
    if [w for w in at.text_input if w.key == "join-name"]:
        at.text_input(key="join-name").input("Gast")
    at.button(key="FormSubmitter:join-Meedoen").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("guests", [False, True], ids=["accounts-only", "guests-allowed"])
def test_a_copied_participant_link_never_votes_as_the_teacher_who_opened_it(app_env, scenario, guests):
    store = TinyDBStore(app_env)
    lead = accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    teacher = accounts.ensure_account(store, "leraar", PASSWORD, "teacher")
    session = team.create(store, lead, scenario, allow_guests=guests)
    mine = _join_in_app(as_user("leraar"), team.display_code(session.code))
    assert mine.radio(key="vote-choice-0"), "the teacher takes part"
    link = dict(mine.query_params)
    assert set(link) == {"sessie"}, "the URL names the session, it carries no identity"

    stranger = AppTest.from_file(APP, default_timeout=TIMEOUT)  # the same link in another browser
    stranger.query_params.update(link)
    goto(stranger.run(), JOIN)
    assert not stranger.get("radio"), "no vote form for a stranger"
    assert stranger.text_input(key="join-code").value == team.display_code(session.code), "the join form"
    _join_in_app(stranger, session.code)
    current = team.load(store, session.id)
    if guests:  # a new participant, never the teacher
        assert len(current.participants) == 2
        assert {p.user_id for p in current.participants} == {teacher.id, None}
    else:
        assert "Voor deze sessie moet je ingelogd zijn" in texts(stranger)
        assert [p.user_id for p in current.participants] == [teacher.id]


def test_a_refresh_keeps_the_guest_but_clearing_cookies_makes_a_new_one(app_env, scenario):
    store = TinyDBStore(app_env)
    lead = accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    session = team.create(store, lead, scenario, allow_guests=True)
    guest = _join_in_app(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), session.code)
    jar = collect_cookies(guest, {})
    link = dict(guest.query_params)

    refreshed = AppTest.from_file(APP, default_timeout=TIMEOUT)
    refreshed.query_params.update(link)
    with with_cookies(jar):
        goto(refreshed.run(), JOIN)
    assert refreshed.radio(key="vote-choice-0")
    assert len(team.load(store, session.id).participants) == 1

    tampered = {name: value[:-3] + "xyz" for name, value in jar.items()}
    forged = AppTest.from_file(APP, default_timeout=TIMEOUT)
    forged.query_params.update(link)
    with with_cookies(tampered):
        goto(forged.run(), JOIN)
    assert not forged.get("radio"), "an edited cookie is no identity"


# --- codes ----------------------------------------------------------------------------------------


def test_codes_are_long_enough_to_guess_with_a_throttle(store, facilitator, scenario):
    assert team.CODE_LENGTH == 8 and len(CODE_ALPHABET) ** team.CODE_LENGTH >= 10**12
    # The README's reasoning: with 1,000 open sessions and the join throttle, one client's
    # guesses in 12 hours find a session with a chance well under one in a million.
    guesses, at = 0, T0
    while at < T0 + timedelta(hours=12):
        try:
            throttle.check(store, "join:aanvaller", throttle.JOIN, at)
        except throttle.Locked as locked:
            at += locked.wait
            continue
        throttle.fail(store, "join:aanvaller", throttle.JOIN, at)
        guesses += 1
    chance = guesses * 1000 / len(CODE_ALPHABET) ** team.CODE_LENGTH
    assert guesses < 80 and chance < 1e-7, (guesses, chance)


def test_guessing_codes_is_throttled_per_client(store, facilitator, scenario):
    session = team.create(store, facilitator, scenario, allow_guests=True)
    for i in range(throttle.JOIN.free):
        with pytest.raises(team.TeamError) as wrong:
            team.join(store, f"ZZZZZZZ{CODE_ALPHABET[i]}", guest_name="Sam", device="d", client="ip:1.2.3.4", at=T0)
        assert str(wrong.value) == team.UNKNOWN_CODE
    with pytest.raises(team.TeamError, match="Te veel mislukte pogingen vanaf dit apparaat of netwerk"):
        team.join(store, session.code, guest_name="Sam", device="d", client="ip:1.2.3.4", at=T0)  # even the right one
    joined, _ = team.join(store, session.code, guest_name="Bo", device="e", client="ip:5.6.7.8", at=T0)
    assert joined.id == session.id, "another client is not blocked"


def test_unknown_closed_and_expired_codes_get_one_message(store, facilitator, scenario):
    closed = team.create(store, facilitator, scenario, allow_guests=True)
    team.close(store, closed.id, facilitator)
    expired = team.create(store, facilitator, scenario, allow_guests=True, at=T0 - team.SESSION_VALID * 2)
    messages = set()
    for code in ("QQQQQQQQ", closed.code, expired.code):
        with pytest.raises(team.TeamError) as refused:
            team.join(store, code, guest_name="Sam", device="d")
        messages.add(str(refused.value))
    assert messages == {team.UNKNOWN_CODE}


# --- one vote per participant, re-joins and joins capped -----------------------------------------


def test_a_guest_cannot_vote_twice_by_joining_again(store, facilitator, scenario, monkeypatch):
    monkeypatch.setattr(team, "REJOIN_MAX", 3)
    session = team.create(store, facilitator, scenario, allow_guests=True)
    _, guest = team.join(store, session.code, guest_name="Sam", device="browser-1")
    choice = _first_choice(session, scenario)
    for _ in range(3):
        _, again = team.join(store, session.code, guest_name="Sam", device="browser-1")
        assert again.id == guest.id
        team.vote(store, session.id, again.id, 0, choice, scenario=scenario)
    assert len(team.load(store, session.id).current_votes()) == 1, "one vote per participant per decision"
    with pytest.raises(team.TeamError, match="te vaak opnieuw"):
        team.join(store, session.code, guest_name="Sam", device="browser-1")


def test_new_guests_are_capped_per_client_and_per_session(store, facilitator, scenario, monkeypatch):
    monkeypatch.setattr(team, "GUESTS_PER_CLIENT", 3)
    monkeypatch.setattr(team, "MAX_PARTICIPANTS", 5)
    session = team.create(store, facilitator, scenario, allow_guests=True)
    for i in range(3):
        team.join(store, session.code, guest_name=f"G{i}", device=f"d{i}", client="ip:1.1.1.1")
    with pytest.raises(team.TeamError, match="heel veel gasten"):
        team.join(store, session.code, guest_name="G3", device="d3", client="ip:1.1.1.1")
    for i in range(2):
        team.join(store, session.code, guest_name=f"H{i}", device=f"h{i}", client="ip:2.2.2.2")
    with pytest.raises(team.TeamError, match="vol"):
        team.join(store, session.code, guest_name="H2", device="h2", client="ip:3.3.3.3")


def test_joins_per_minute_are_capped_per_session(store, facilitator, scenario, monkeypatch):
    monkeypatch.setattr(team, "JOINS_PER_MINUTE", 4)
    session = team.create(store, facilitator, scenario, allow_guests=True, at=T0)
    for i in range(4):
        team.join(store, session.code, guest_name=f"G{i}", device=f"d{i}", at=T0 + timedelta(seconds=i))
    with pytest.raises(team.TeamError, match="over een minuut"):
        team.join(store, session.code, guest_name="G4", device="d4", at=T0 + timedelta(seconds=10))
    team.join(store, session.code, guest_name="G4", device="d4", at=T0 + timedelta(seconds=70))


# --- closing, idle sessions, retention -------------------------------------------------------------


def test_a_facilitator_closes_a_session_and_nobody_can_join_or_vote(app_env, scenario):
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    lead = as_user("gespreksleider")
    picker = lead.selectbox(key="start-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label.startswith(scenario.title)))
    lead.checkbox(key="start-guests").check()
    lead.button(key="FormSubmitter:team-start-Start de sessie").click().run()
    (opened,) = store.list_team_sessions()
    doc = {"id": opened.id, "code": opened.code}
    _, guest = team.join(store, doc["code"], guest_name="Gast Naam", device="d")
    click(lead, "lead-close")
    click(lead, "lead-close-yes")
    closed = team.load(store, doc["id"])
    assert closed.status == "finished" and closed.closed_reason == "closed"
    assert "Gast Naam" not in store.get_team_session(doc["id"]).model_dump_json()
    with pytest.raises(team.TeamError):
        team.vote(store, doc["id"], guest.id, 0, _first_choice(closed, scenario), scenario=scenario)
    with pytest.raises(team.TeamError, match="werkt niet"):
        team.join(store, doc["code"], guest_name="Laat", device="x")
    assert "gesloten voordat het gesprek een einde had" in texts(lead)
    with pytest.raises(team.TeamError):
        team.close(store, doc["id"], accounts.ensure_account(store, "andere", PASSWORD, "coach"))


def test_idle_sessions_close_themselves_and_guest_data_goes_after_the_retention(store, facilitator, scenario):
    session = team.create(store, facilitator, scenario, allow_guests=True, show_names=True, at=T0)
    teacher = accounts.ensure_account(store, "leraar", PASSWORD, "teacher")
    _, guest = team.join(store, session.code, guest_name="Gast Naam", device="d", at=T0)
    _, member = team.join(store, session.code, account=teacher, at=T0)
    for person in (guest, member):
        team.vote(store, session.id, person.id, 0, _first_choice(session, scenario), "Een reden", scenario)
    team.reveal(store, session.id, facilitator)
    team.decide(store, session.id, facilitator, scenario)
    last = team.load(store, session.id).last_activity

    assert team.sweep(store, last + team.IDLE_CLOSE - timedelta(minutes=1)) == {"closed": 0, "purged": 0}
    assert team.sweep(store, last + team.IDLE_CLOSE + timedelta(minutes=1))["closed"] == 1
    idle = team.load(store, session.id)
    assert idle.status == "finished" and idle.closed_reason == "idle" and idle.votes == []
    assert all(p.name == "" and p.client is None for p in idle.participants if p.guest)
    assert idle.decisions[0].reasons and all(r.name is None for r in idle.decisions[0].reasons)

    closed_at = idle.finished_at
    assert team.sweep(store, closed_at + team.RETENTION - timedelta(hours=1))["purged"] == 0
    assert team.sweep(store, closed_at + team.RETENTION + timedelta(hours=1))["purged"] == 1
    kept = team.load(store, session.id)
    assert kept.participants == [] and kept.decisions[0].reasons == [] and kept.participant_count == 2
    assert kept.decisions[0].tally and kept.choices, "the path and the tallies stay"
    assert "Een reden" not in store.get_team_session(session.id).model_dump_json()
    assert math.isclose(team.RETENTION.days, 30)


def test_signing_out_elsewhere_stops_the_live_session_screens(app_env, scenario):
    store = TinyDBStore(app_env)
    lead = accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    accounts.ensure_account(store, "leraar", PASSWORD, "teacher")
    session = team.create(store, lead, scenario)
    phone = _join_in_app(as_user("leraar"), session.code)
    laptop = as_user("leraar")
    click(laptop, "sign-out")  # ends the sign-in on every device

    phone.radio(key="vote-choice-0").set_value(_first_choice(session, scenario))
    phone.button(key="vote-submit-0").click().run()  # the vote form was still on the phone's screen
    assert team.load(store, session.id).current_votes() == [], "a signed-out browser cannot vote"
    assert not phone.get("radio")

    projector = as_user("gespreksleider")
    click(projector, f"open-{session.id}")
    assert [b for b in projector.button if b.key == "lead-reveal"]
    click(as_user("gespreksleider"), "sign-out")  # the facilitator signs out on another device
    projector.run()  # the projector's next refresh
    assert not [b for b in projector.button if b.key == "lead-reveal"]
    assert projector.title[0].value == "Welkom bij Samenspel"


def test_a_switched_off_account_cannot_vote_or_lead(store, facilitator, scenario):
    teacher = accounts.ensure_account(store, "leraar", PASSWORD, "teacher")
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    session = team.create(store, facilitator, scenario)
    _, member = team.join(store, session.code, account=teacher)
    accounts.admin_set_active(store, admin, teacher.id, False)
    with pytest.raises(team.TeamError, match="kan niet meer stemmen"):
        team.vote(store, session.id, member.id, 0, _first_choice(session, scenario), scenario=scenario)
    accounts.admin_set_active(store, admin, facilitator.id, False)
    with pytest.raises(accounts.PermissionDenied):
        team.reveal(store, session.id, facilitator)


def test_a_new_browser_does_not_reset_the_join_throttle(app_env, scenario):
    """The reviewer's bypass: behind a local proxy every reload was a new client. Without a known
    address all clients now share one counter, so dropping cookies gains nothing."""
    store = TinyDBStore(app_env)
    lead = accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
    session = team.create(store, lead, scenario, allow_guests=True)
    for i in range(throttle.JOIN.free):
        _join_in_app(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), f"QQQQQQQ{CODE_ALPHABET[i]}")
    fresh = _join_in_app(AppTest.from_file(APP, default_timeout=TIMEOUT).run(), session.code)
    assert any("Te veel mislukte pogingen" in e.value for e in fresh.error)


def test_the_retention_applies_when_a_session_is_opened(store, facilitator, scenario):
    session = team.create(store, facilitator, scenario, allow_guests=True, at=T0)
    team.join(store, session.code, guest_name="Gast Naam", device="d", at=T0)
    team.close(store, session.id, facilitator, at=T0)
    assert team.load(store, session.id, at=T0 + team.RETENTION - timedelta(days=1)).participants
    later = team.load(store, session.id, at=T0 + team.RETENTION + timedelta(days=10))
    assert later.purged and later.participants == [] and later.participant_count == 1
