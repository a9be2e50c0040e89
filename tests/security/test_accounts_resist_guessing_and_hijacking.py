"""Accounts (issue 8, part 5): password changes throttled, common passwords refused, the real
lock time, and a sign-in that survives a refresh (F5) and ends everywhere at sign-out.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from modules import accounts, logins, throttle
from modules.accounts import AuthError, ThrottledError
from modules.store import TinyDBStore
from modules.ui import server
from tests.pages import APP, PASSWORD, TIMEOUT, click, collect_cookies, open_app, sign_in, texts, with_cookies

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


# --- passwords ------------------------------------------------------------------------------------

def test_changing_the_password_is_throttled_like_signing_in(store):
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    for _ in range(throttle.SIGN_IN.free):
        with pytest.raises(AuthError, match="huidige wachtwoord klopt niet"):
            accounts.change_password(store, teacher, "geraden-wachtwoord", "een-nieuwe-lange-zin", at=T0)
    with pytest.raises(ThrottledError):  # even the right current password waits now
        accounts.change_password(store, teacher, PASSWORD, "een-nieuwe-lange-zin", at=T0)
    with pytest.raises(ThrottledError):  # and the same counter guards the sign-in
        accounts.sign_in(store, "leraar", PASSWORD, at=T0)
    later = T0 + throttle.SIGN_IN.base + timedelta(seconds=1)
    accounts.change_password(store, teacher, PASSWORD, "een-nieuwe-lange-zin", at=later)
    assert accounts.sign_in(store, "leraar", "een-nieuwe-lange-zin", at=later).id == teacher.id


@pytest.mark.parametrize("password", ["1234567890", "password123", "Qwertyuiop", "Wachtwoord2024!", "samenspel-123",
                                      "welkom12345", "leraar-anna-1"])
def test_common_and_guessable_passwords_are_refused_with_the_reason(store, password):
    with pytest.raises(AuthError, match="veel gebruikt en is makkelijk te raden") as refused:
        accounts.sign_up(store, "leraar-anna", password)
    assert "korte zin" in str(refused.value)
    assert store.find_account(username="leraar-anna") is None


def test_the_blocklist_is_shipped_data_of_a_few_thousand_passwords():
    common = accounts.common_passwords()
    assert 2_000 <= len(common) <= 20_000
    assert all(len(p) >= accounts.PASSWORD_MIN for p in common)
    assert {"1234567890", "qwertyuiop", "password123"} <= common
    accounts.validate_password("een lange zin over de klas")  # a passphrase passes


@pytest.mark.parametrize(("failures", "text"), [(5, "30 seconden"), (6, "1 minuut"), (7, "2 minuten"),
                                                (9, "8 minuten"), (12, "15 minuten")])
def test_the_lock_message_states_the_real_wait(store, failures, text):
    at = T0
    for _ in range(failures):
        try:
            accounts.sign_in(store, "iemand", "fout-fout-fout", at=at)
        except ThrottledError as locked:  # wait out the lock, then fail again
            at += locked.wait
            with pytest.raises(AuthError):
                accounts.sign_in(store, "iemand", "fout-fout-fout", at=at)
        except AuthError:
            pass
    with pytest.raises(ThrottledError) as locked:
        accounts.sign_in(store, "iemand", "fout-fout-fout", at=at)
    assert str(locked.value) == f"Te veel mislukte pogingen. Probeer het over {text} opnieuw."


def test_a_client_that_tries_many_usernames_is_slowed_down(store):
    for i in range(throttle.CLIENT.free):
        with pytest.raises(AuthError):
            accounts.sign_in(store, f"naam-{i}", "een-veelgebruikt-wachtwoord", at=T0, client="ip:9.9.9.9")
    with pytest.raises(ThrottledError, match="vanaf dit apparaat of netwerk"):
        accounts.sign_in(store, "nog-een-naam", "een-veelgebruikt-wachtwoord", at=T0, client="ip:9.9.9.9")
    with pytest.raises(AuthError) as other:  # another client is not affected
        accounts.sign_in(store, "nog-een-naam", "een-veelgebruikt-wachtwoord", at=T0, client="ip:1.1.1.1")
    assert not isinstance(other.value, ThrottledError)


# --- a sign-in that survives a refresh, and ends everywhere -----------------------------------

def _browser_signed_in(username: str) -> tuple[AppTest, dict[str, str]]:
    at = sign_in(open_app(), username)
    assert at.title[0].value == "Scenario's"
    return at, collect_cookies(at, {})


def _refresh(jar: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    with with_cookies(jar):
        at.run()
    return at


def test_a_sign_in_survives_a_refresh(app_env):
    accounts.sign_up(TinyDBStore(app_env), "leraar", PASSWORD)
    _, jar = _browser_signed_in("leraar")
    assert logins.LOGIN_COOKIE in jar
    assert _refresh(jar).title[0].value == "Scenario's", "F5 keeps the sign-in"
    assert _refresh({}).title[0].value == "Welkom bij Samenspel", "another browser is not signed in"


def test_signing_out_ends_the_sign_in_in_every_browser(app_env):
    accounts.sign_up(TinyDBStore(app_env), "leraar", PASSWORD)
    laptop, laptop_jar = _browser_signed_in("leraar")
    phone, phone_jar = _browser_signed_in("leraar")
    click(laptop, "sign-out")
    assert laptop.title[0].value == "Welkom bij Samenspel"
    collect_cookies(laptop, laptop_jar)
    assert logins.LOGIN_COOKIE not in laptop_jar, "the browser's cookie is deleted"

    phone.run()  # the phone's next click
    assert phone.title[0].value == "Welkom bij Samenspel"
    assert "Je bent uitgelogd" in texts(phone)
    assert _refresh(phone_jar).title[0].value == "Welkom bij Samenspel", "the old cookie no longer works"
    assert TinyDBStore(app_env).logins_of(TinyDBStore(app_env).find_account(username="leraar").id) == []


def test_a_password_change_ends_the_other_sign_ins(app_env):
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    here, _ = _browser_signed_in("leraar")
    elsewhere, elsewhere_jar = _browser_signed_in("leraar")
    accounts.change_password(store, teacher, PASSWORD, "een-nieuwe-lange-zin",
                             keep_login=here.session_state["login_id"])
    here.run()
    assert here.title[0].value == "Scenario's", "the browser that changed it stays signed in"
    elsewhere.run()
    assert elsewhere.title[0].value == "Welkom bij Samenspel"
    assert _refresh(elsewhere_jar).title[0].value == "Welkom bij Samenspel"


def test_a_switched_off_account_loses_its_sign_ins(app_env):
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    at, jar = _browser_signed_in("leraar")
    accounts.admin_set_active(store, admin, teacher.id, False)
    at.run()
    assert at.title[0].value == "Welkom bij Samenspel"
    assert store.logins_of(teacher.id) == []
    accounts.admin_set_active(store, admin, teacher.id, True)
    assert _refresh(jar).title[0].value == "Welkom bij Samenspel", "switching on again does not revive it"


def test_a_forged_or_foreign_cookie_signs_nobody_in(app_env, tmp_path):
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    _, jar = _browser_signed_in("leraar")
    value = jar[logins.LOGIN_COOKIE]
    assert logins.from_cookie(store, value)[1].id == teacher.id
    assert logins.from_cookie(store, value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    other = TinyDBStore(tmp_path / "andere-school")  # another deployment's key
    foreign = logins.start(other, accounts.sign_up(other, "leraar", PASSWORD))
    assert logins.from_cookie(store, foreign.cookie) is None
    expired = logins.from_cookie(store, value, at=datetime.now(timezone.utc) + logins.login_lifetime()
                                 + timedelta(minutes=1))
    assert expired is None


def _request(path: str) -> Request:
    query = path.split("?", 1)[1].encode() if "?" in path else b""
    return Request({"type": "http", "method": "GET", "scheme": "http", "path": path.split("?")[0],
                    "query_string": query, "headers": [(b"host", b"localhost")], "server": ("localhost", 80)})


def test_the_cookie_route_sets_an_httponly_samesite_cookie_once(app_env):
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    login = logins.start(store, teacher)
    ticket = logins.ticket(store, logins.LOGIN_COOKIE, login.cookie, 3600, teacher.id)
    first = server._cookie_response(_request(f"/_samenspel/cookie?t={ticket}"))
    header = first.headers["set-cookie"]
    assert header.startswith(f"{logins.LOGIN_COOKIE}=") and login.cookie in header
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age=3600"):
        assert attribute in header, attribute
    assert first.media_type == "image/gif"
    again = server._cookie_response(_request(f"/_samenspel/cookie?t={ticket}"))
    assert "set-cookie" not in again.headers, "a ticket works once"
    assert "set-cookie" not in server._cookie_response(_request("/_samenspel/cookie?t=verzonnen")).headers
    stored = (app_env / "logins.json").read_text()
    assert login.id in stored and login.cookie not in stored, "a redeemed ticket is gone; the store keeps a hash"
