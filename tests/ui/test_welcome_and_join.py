"""The welcome page says how to try Samenspel (demo on and off) and words the old-name path plainly;
a phone that follows a team session's link while signed out signs in and lands in the session."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from modules.deployment.demo import DEMO_ACCOUNTS
from modules.library.scenarios import load_library
from modules.people import accounts
from modules.storage import TinyDBStore
from modules.team import sessions as team
from modules.ui.wording import escape_markdown
from tests.pages import APP, PASSWORD, TIMEOUT, as_user, click, goto, open_app, sign_in, texts

JOIN = "ui/pages/meedoen.py"
WELCOME = "ui/pages/welkom.py"
FACILITATOR, TEACHER = "gespreksleider", "leraar-een"
SCENARIO = "de-taalbarriere"


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


# --- how to try Samenspel ---------------------------------------------------------------------


def test_with_the_demo_on_the_welcome_page_says_which_demo_account_is_for_which_role(app_env, monkeypatch):
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    at = open_app()
    page = texts(at)
    assert "Demo: wachtwoorden zijn openbaar." in page
    assert "**Zo probeer je Samenspel.** Dit is een demo. Log in met een van deze accounts." in page
    assert "- **Oefenen als leraar:** log in met **demo-leraar** en wachtwoord **oefenen-met-ouders**." in page
    assert "- **Meekijken als coach:** log in met **demo-coach** en wachtwoord **coachen-met-zorg**." in page
    assert "teamsessie leiden" in page  # where a facilitator tries the team session
    assert set(DEMO_ACCOUNTS) == {"demo-leraar", "demo-coach"}, "every demo account is on the page"
    (how_to,) = [m.value for m in at.markdown if "Zo probeer je Samenspel" in m.value]
    assert "Zo begin je." not in page and "beheerder" not in how_to  # no admin in the demo

    sign_in(at, "demo-coach", "coachen-met-zorg")
    assert at.title[0].value == "Mijn leraren"


def test_with_the_demo_off_the_welcome_page_says_how_to_get_an_account(app_env):
    at = open_app()
    page = texts(at)
    assert "demo" not in page.lower()
    assert "**Zo begin je.**" in page
    assert "- **Ben je leraar?** Maak een account bij *Account maken*." in page
    assert "**Ben je coach of gespreksleider?** Dan maakt de beheerder van Samenspel op je school een account" in page
    assert "Vul die in bij *Code van de beheerder*" in page and "Code van de beheerder" in tab_labels(at)
    click(at, "welcome-join")  # a phone without an account: to the join page
    assert at.title[0].value == "Meedoen met een sessie"


# --- an account from before passwords ---------------------------------------------------------


def test_the_old_name_path_is_worded_for_a_teacher_and_still_works(app_env):
    store = TinyDBStore(app_env)
    profile = store.profile_for("Zonnebloem")
    accounts.migrate_profiles(store)
    at = open_app()
    assert "Eerder zonder wachtwoord" in tab_labels(at)
    page = texts(at)
    assert "schuilnaam" not in page.lower() and "schuilnaam" not in " ".join(tab_labels(at)).lower()
    assert "Speelde je eerder in Samenspel zonder wachtwoord, met alleen een (bij)naam?" in page
    assert at.text_input(key="claim-user").label == "Je naam van toen"

    at.text_input(key="claim-user").input("zonnebloem")
    at.text_input(key="claim-pass").input("kort")
    at.button(key="FormSubmitter:claim-Wachtwoord instellen").click().run()
    assert "minstens 10 tekens" in texts(at)  # the password rule, as it is

    at.text_input(key="claim-user").input("bestaat-niet")
    at.text_input(key="claim-pass").input(PASSWORD)
    at.button(key="FormSubmitter:claim-Wachtwoord instellen").click().run()
    errors = [e.value for e in at.error]
    assert errors and "schuilnaam" not in errors[0] and "Vraag de beheerder om een code." in errors[0]

    at.text_input(key="claim-user").input("zonnebloem")
    at.text_input(key="claim-pass").input(PASSWORD)
    at.button(key="FormSubmitter:claim-Wachtwoord instellen").click().run()
    assert not at.error and at.title[0].value == "Scenario's"
    assert store.get_account(profile.id).password_hash is not None


# --- the phone that scanned the QR code while signed out ---------------------------------------


@pytest.fixture
def session_code(app_env) -> str:
    """A session for accounts only (no guests), started by a facilitator; its code as on the projector."""
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, FACILITATOR, PASSWORD, "facilitator")
    accounts.ensure_account(store, TEACHER, PASSWORD, "teacher")
    at = as_user(FACILITATOR)
    scenario = load_library().get(SCENARIO)
    picker = at.selectbox(key="start-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label.startswith(scenario.title)))
    at.button(key="FormSubmitter:team-start-Start de sessie").click().run()
    title = at.title[0].value
    assert title.startswith("Code: "), title
    return title.removeprefix("Code: ")


def phone_by_link(code: str) -> AppTest:
    """A signed-out phone that opened the link of the QR code: /meedoen?code=..."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["code"] = code.replace("-", "")
    at.run()
    goto(at, JOIN)
    assert at.text_input(key="join-code").value == code.replace("-", "")
    return at


def now_on(at: AppTest, page: str) -> AppTest:
    """The app switched the browser to ``page``: AppTest keeps asking for the page a test opened last
    (``goto``), a browser asks for the page it is on; so tell AppTest (the next run opens ``page``)."""
    return at.switch_page(page)


def in_the_session(at: AppTest, username: str) -> None:
    assert not at.exception, at.exception
    assert at.title[0].value == load_library().get(SCENARIO).title, [t.value for t in at.title]
    assert f"Je doet mee als {escape_markdown(username)}." in texts(at)
    assert at.radio(key="vote-choice-0"), "the vote of the first decision"
    assert "sessie" in at.query_params and "code" not in at.query_params


def participants(app_env) -> list[str]:
    store = TinyDBStore(app_env)
    (session,) = store.list_team_sessions(store.find_account(username=FACILITATOR).id)
    return [p.name for p in session.participants]


def test_a_signed_out_phone_signs_in_and_lands_in_the_session(app_env, session_code):
    at = phone_by_link(session_code)
    button = at.button(key="join-sign-in")
    assert button.label == "Inloggen en meedoen"
    click(at, "join-sign-in")
    assert at.title[0].value == "Welkom bij Samenspel"
    assert f"Je doet zo mee met de teamsessie (code {session_code})" in texts(at)

    sign_in(now_on(at, WELCOME), TEACHER)
    in_the_session(at, TEACHER)
    assert participants(app_env) == [TEACHER]
    now_on(at, JOIN).run()  # the next refresh of /meedoen?sessie=...: still in the session, joined once
    in_the_session(at, TEACHER)
    assert participants(app_env) == [TEACHER]


def test_a_guest_refused_by_a_session_for_accounts_makes_an_account_and_lands_in_it(app_env, session_code):
    at = phone_by_link(session_code)
    at.text_input(key="join-name").input("Gast")
    at.button(key="FormSubmitter:join-Meedoen").click().run()
    assert "Voor deze sessie moet je ingelogd zijn. Log eerst in." in [e.value for e in at.error]
    goto(at, WELCOME)  # by the menu instead of the button: the code is kept all the same
    assert f"(code {session_code})" in texts(at)
    at.text_input(key="up-user").input("nieuwe-leraar")
    at.text_input(key="up-pass").input(PASSWORD)
    at.text_input(key="up-again").input(PASSWORD)
    at.button(key="FormSubmitter:sign-up-Account maken").click().run()
    in_the_session(at, "nieuwe-leraar")
    assert participants(app_env) == ["nieuwe-leraar"]


def test_a_wrong_code_from_a_link_shows_the_join_form_after_signing_in(app_env, session_code):
    at = phone_by_link("ZZZZ-ZZZZ" if session_code != "ZZZZ-ZZZZ" else "YYYY-YYYY")
    click(at, "join-sign-in")
    sign_in(now_on(at, WELCOME), TEACHER)
    assert at.title[0].value == "Meedoen met een sessie"
    assert team.UNKNOWN_CODE in [e.value for e in at.error]
    assert f"Je doet mee als **{escape_markdown(TEACHER)}**." in texts(at)  # the form, to type the right code
    assert participants(app_env) == []


def test_without_a_link_signing_in_opens_the_start_page_as_always(app_env, session_code):
    at = sign_in(open_app(), TEACHER)
    assert at.title[0].value == "Scenario's"
    guest = phone_by_link(session_code)
    assert "join-name" in [t.key for t in guest.text_input], "a guest still sees the guest form"


def test_a_phone_that_signs_in_at_school_lands_in_the_session_after_the_page_reloads(
    app_env, session_code, monkeypatch
):
    """The school sign-in (st.login) leaves the page for the school's sign-in and comes back in a new
    browser session: a cookie, set while the phone waited on the join page, carries the code across.
    Simulated here: the school's answer (``adopt_oidc_user``) and the browser's cookie jar."""
    from modules.people import logins
    from modules.ui import signin

    monkeypatch.setattr(signin, "oidc_providers", lambda: ["default"])
    at = phone_by_link(session_code)
    store = TinyDBStore(app_env)
    jar = {}
    for ticket in at.session_state[signin.PENDING_COOKIES]:  # what the next run loads as images
        cookie = logins.redeem(store, ticket)
        jar[cookie["cookie"]] = cookie["value"]
    assert set(jar) >= {logins.JOIN_COOKIE}, jar
    assert logins.join_code_from_cookie(store, jar[logins.JOIN_COOKIE]) == session_code.replace("-", "")

    teacher = store.find_account(username=TEACHER)
    monkeypatch.setattr(signin, "_cookie", jar.get)
    monkeypatch.setattr(signin, "adopt_oidc_user", lambda: signin.sign_in_as(teacher))  # back from school
    queued, queue = [], signin.queue_cookie
    monkeypatch.setattr(signin, "queue_cookie", lambda *args: queued.append(args[:3]) or queue(*args))
    back = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # a new browser session: nothing remembered
    now_on(back, JOIN).run()  # the app switched to the join page; AppTest must be told
    in_the_session(back, TEACHER)
    assert participants(app_env) == [TEACHER]
    assert (logins.JOIN_COOKIE, "", 0) in queued, "the cookie is used once: the browser deletes it"


def test_a_join_cookie_is_only_taken_when_this_data_folder_signed_it(app_env):
    from modules.people import logins

    store, other = TinyDBStore(app_env), TinyDBStore(app_env.parent / "other")
    value = logins.join_cookie(store, "ABCD2345")
    assert logins.join_code_from_cookie(store, value) == "ABCD2345"
    assert logins.join_code_from_cookie(other, value) is None
    assert logins.join_code_from_cookie(store, logins.join_cookie(store, "<script>")) is None
    assert logins.join_code_from_cookie(store, "x" * 500) is None


def test_the_sign_in_cookie_is_still_asked_for_after_the_join_page_reran_at_once(app_env, session_code, monkeypatch):
    """Joining right after signing in reruns the page at once, which replaced the one image that sets
    the sign-in cookie before the browser asked for it (an F5 then signed the phone out). The ticket is
    drawn again on every run for a while; after that it is gone."""
    from modules.people import logins
    from modules.ui import signin

    at = phone_by_link(session_code)
    click(at, "join-sign-in")
    sign_in(now_on(at, WELCOME), TEACHER)
    in_the_session(at, TEACHER)  # the join page joined and reran: this is the page the browser keeps

    def tickets() -> list[str]:
        drawn = [m.value for m in at.markdown if signin.COOKIE_ROUTE in m.value]
        return [t for value in drawn for t in re.findall(r"\?t=([\w-]+)\)", value)]

    store = TinyDBStore(app_env)
    cookies = [logins.redeem(store, t) for t in tickets()]
    assert logins.LOGIN_COOKIE in [c["cookie"] for c in cookies if c], "the sign-in cookie's image is on the page"

    later = signin.time.monotonic() + signin.REDELIVER_SECONDS + 1
    monkeypatch.setattr(signin.time, "monotonic", lambda: later)
    now_on(at, JOIN).run()
    assert tickets() == [], "after a while no ticket is drawn any more"
