"""Accounts (issue 8, part 5): password changes throttled, common passwords refused, the real
lock time, and a sign-in that survives a refresh (F5) and ends everywhere at sign-out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from modules.people import accounts, logins, throttle
from modules.people.accounts import AuthError, ThrottledError
from modules.storage import TinyDBStore
from modules.ui import server
from tests.conftest import stored_text
from tests.pages import APP, PASSWORD, TIMEOUT, click, collect_cookies, open_app, sign_in, texts, with_cookies

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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


@pytest.mark.parametrize(
    "password",
    ["1234567890", "password123", "Qwertyuiop", "Wachtwoord2024!", "samenspel-123", "welkom12345", "leraar-anna-1"],
)
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


@pytest.mark.parametrize(
    ("failures", "text"), [(5, "30 seconden"), (6, "1 minuut"), (7, "2 minuten"), (9, "8 minuten"), (12, "15 minuten")]
)
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
    accounts.change_password(
        store, teacher, PASSWORD, "een-nieuwe-lange-zin", keep_login=here.session_state["login_id"]
    )
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
    expired = logins.from_cookie(store, value, at=datetime.now(UTC) + logins.login_lifetime() + timedelta(minutes=1))
    assert expired is None


AN_IMAGE_OF_OUR_PAGE = {"sec-fetch-site": "same-origin", "sec-fetch-dest": "image"}


def _request(path: str, headers: dict[str, str] | None = None) -> Request:
    query = path.split("?", 1)[1].encode() if "?" in path else b""
    sent = {"host": "localhost", **(AN_IMAGE_OF_OUR_PAGE if headers is None else headers)}
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": path.split("?")[0],
            "query_string": query,
            "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
            "server": ("localhost", 80),
        }
    )


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


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "none", "sec-fetch-dest": "document"},  # the ticket's URL opened as a link (login CSRF)
        {"sec-fetch-site": "cross-site", "sec-fetch-dest": "image"},  # an image on another site
        {"sec-fetch-site": "same-origin", "sec-fetch-dest": "document"},
        {"referer": "https://evil.example/page"},  # an old browser, sent from another site
        {},  # nothing says where it comes from
    ],
    ids=["link", "other-site-image", "navigation", "foreign-referer", "no-metadata"],
)
def test_a_ticket_handed_to_another_browser_sets_no_cookie(app_env, headers):
    """The reviewer's attack: block your own image, send the ticket's URL to a victim, who would then be
    signed in as you (login CSRF) or take part as your guest. Only the app's own image request counts."""
    store = TinyDBStore(app_env)
    attacker = accounts.sign_up(store, "aanvaller", PASSWORD)
    login = logins.start(store, attacker)
    ticket = logins.ticket(store, logins.LOGIN_COOKIE, login.cookie, 3600, attacker.id)
    refused = server._cookie_response(_request(f"/_samenspel/cookie?t={ticket}", headers))
    assert "set-cookie" not in refused.headers
    same_origin = {"referer": "http://localhost/logboek"}  # an old browser on our own page still works
    assert "set-cookie" in server._cookie_response(_request(f"/_samenspel/cookie?t={ticket}", same_origin)).headers


@pytest.mark.parametrize("ticket", ["%C3%A9", "é" * 10, "x" * 5000, "../../etc", ""])
def test_an_odd_ticket_gets_the_image_and_no_error(app_env, ticket):
    response = server._cookie_response(_request(f"/_samenspel/cookie?t={ticket}"))
    assert response.status_code == 200 and response.media_type == "image/gif"
    assert "set-cookie" not in response.headers


def test_the_data_folder_never_holds_a_usable_cookie(app_env):
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    login = logins.start(store, teacher)
    logins.ticket(store, logins.LOGIN_COOKIE, login.cookie, 3600, teacher.id)  # never redeemed (image blocked)
    assert login.cookie not in "".join(p.read_text(errors="replace") for p in app_env.rglob("*.json"))


def test_sign_ups_from_one_client_are_limited(store):
    for i in range(throttle.SIGN_UP.free):
        accounts.sign_up(store, f"leraar-{i}", PASSWORD, client="ip:7.7.7.7", at=T0)
    with pytest.raises(ThrottledError, match="Te veel nieuwe accounts vanaf dit apparaat of netwerk"):
        accounts.sign_up(store, "nog-een-leraar", PASSWORD, client="ip:7.7.7.7", at=T0)
    assert accounts.sign_up(store, "elders", PASSWORD, client="ip:8.8.8.8", at=T0).username == "elders"


def test_an_admin_cannot_take_over_or_lock_out_another_admin_in_the_app(store, tmp_path):
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    other = accounts.ensure_account(store, "tweede-beheerder", PASSWORD, "admin")
    for act in (
        lambda: accounts.admin_reset_code(store, admin, other.id),
        lambda: accounts.admin_set_active(store, admin, other.id, False),
        lambda: accounts.admin_set_role(store, admin, other.id, "teacher"),
    ):
        with pytest.raises(AuthError, match="opdracht op de server"):
            act()
    assert store.get_account(other.id) == other
    # on the server, the command can
    code = accounts.command_reset_code(store, "tweede-beheerder")
    assert accounts.reset_password(store, "tweede-beheerder", code, "een-nieuwe-lange-zin").id == other.id
    assert accounts.command_set_active(store, "tweede-beheerder", False).active is False


def test_an_admin_sees_no_controls_for_another_admin(app_env):
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    other = accounts.ensure_account(store, "tweede-beheerder", PASSWORD, "admin")
    at = sign_in(open_app(), "beheerder")
    at.selectbox(key="chosen").set_value(other.id).run()
    keys = {b.key for b in at.button}
    assert not keys & {f"reset-{other.id}", f"active-{other.id}", f"set-role-{other.id}"}
    assert accounts.ADMINS_BY_COMMAND in texts(at)


def test_a_flood_of_made_up_names_cannot_reset_a_username_s_counter(store, monkeypatch):
    """The reviewer's attack: after a lock has run out, fill the table with junk so that the
    username's counter is evicted, and the next guesses start from zero again."""
    from modules.storage import tinydb_store as store_module

    monkeypatch.setattr(store_module, "THROTTLE_MAX", 30)
    accounts.sign_up(store, "doelwit", PASSWORD)
    for _ in range(throttle.SIGN_IN.free):
        with pytest.raises(AuthError):
            accounts.sign_in(store, "doelwit", "geraden", at=T0)
    later = T0 + timedelta(minutes=1)  # the 30-second lock has run out
    for i in range(100):  # an attacker fills the table with newer counters
        with pytest.raises(AuthError):
            accounts.sign_in(store, f"rommel-{i}", "geraden", at=later)
    with pytest.raises(AuthError):
        accounts.sign_in(store, "doelwit", "geraden", at=later)  # the 6th failure: locked for a minute
    with pytest.raises(ThrottledError, match="59 seconden"):
        accounts.sign_in(store, "doelwit", PASSWORD, at=later + timedelta(seconds=1))


def test_counters_are_keyed_hashes_that_cannot_be_reversed_by_trying(store):
    import hashlib

    with pytest.raises(AuthError):
        accounts.sign_in(store, "bekende-naam", "geraden", client="ip:10.0.0.1", at=T0)
    stored = stored_text(store)
    for plain in ("signin:bekende-naam", "client:ip:10.0.0.1"):
        assert hashlib.sha256(plain.encode()).hexdigest() not in stored  # a plain hash could be guessed back
        assert store.pseudonym(plain) in stored
    assert "bekende-naam" not in stored and "10.0.0.1" not in stored
