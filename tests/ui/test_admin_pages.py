"""Page tests for the admin page, codes from the admin, switched-off accounts, throttling and school sign-in."""

from __future__ import annotations

import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from modules.people import accounts
from modules.storage import TinyDBStore
from modules.ui.wording import escape_markdown
from tests.conftest import ROOT
from tests.pages import APP, PASSWORD, TIMEOUT, as_user, click, open_app, sign_in, signed_in, texts

CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
GOOGLE = {"iss": "https://accounts.google.com", "sub": "1098765", "email": "juf.jansen@school.nl", "name": "Juf Jansen"}


@pytest.fixture
def data(app_env):
    """The store of the app under test, with one admin account."""
    store = TinyDBStore(app_env)
    accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    return store


def as_admin() -> AppTest:
    at = as_user("beheerder")
    assert at.title[0].value == "Accounts beheren"
    return at


def codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code if CODE.match(str(c.value))]


def choose(at: AppTest, account) -> AppTest:
    at.selectbox(key="chosen").set_value(account.id).run()
    assert not at.exception, at.exception
    return at


def use_code(at: AppTest, username: str, code: str, password: str) -> AppTest:
    at.text_input(key="reset-user").input(username)
    at.text_input(key="reset-code").input(code)
    at.text_input(key="reset-pass").input(password)
    at.button(key="FormSubmitter:reset-Wachtwoord instellen").click().run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def test_admin_creates_a_coach_who_sets_a_password_with_the_code(data):
    at = as_admin()
    at.text_input(key="create-user").input("coach anna")
    at.selectbox(key="create-role").set_value("coach")
    at.button(key="FormSubmitter:create-account-Account maken").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [code] = codes(at)
    page = texts(at)
    assert "Het account is gemaakt (coach)" in page
    assert "Geef deze code aan de gebruiker" in page and "48 uur geldig" in page
    row = next(r for r in table(at) if r["Gebruikersnaam"] == "coach anna")
    coach = data.find_account(username="coach anna")
    assert row["Rol"] == "Coach" and row["Status"] == "Actief" and row["Koppelcode"] == coach.invite_code
    assert row["Inloggen met"].startswith("Code tot ")  # no password yet: the one-time code and its expiry

    at.run()  # the code is shown once only
    assert codes(at) == [] and "Geef deze code" not in texts(at)

    fresh = use_code(open_app(), "Coach Anna", code, "coachen-is-mooi")
    assert fresh.title[0].value == "Mijn leraren"
    assert accounts.sign_in(data, "coach anna", "coachen-is-mooi").role == "coach"
    choose(at, coach)
    assert coach.invite_code in [c.value for c in at.code]  # the admin can look up the coach's invite code


def test_admin_makes_a_reset_code_for_a_teacher(data):
    teacher = accounts.sign_up(data, "meester bas", PASSWORD)
    at = choose(as_admin(), teacher)
    click(at, f"reset-{teacher.id}")
    [code] = codes(at)
    assert "Er is een nieuwe code gemaakt." in texts(at) and "48 uur geldig" in texts(at)

    wrong = use_code(open_app(), "meester bas", "AAAA-BBBB-CCCC", "nieuw-wachtwoord-1")
    assert "Gebruikersnaam of code klopt niet" in texts(wrong)
    fresh = use_code(open_app(), "meester bas", code, "nieuw-wachtwoord-1")
    assert fresh.title[0].value == "Scenario's"
    old = sign_in(open_app(), "meester bas", PASSWORD)
    assert accounts.WRONG in texts(old)
    assert sign_in(open_app(), "meester bas", "nieuw-wachtwoord-1").title[0].value == "Scenario's"


def test_a_switched_off_user_cannot_sign_in_and_gets_the_generic_message(data):
    teacher = accounts.sign_up(data, "juf mira", PASSWORD)
    teacher_session = as_user("juf mira")
    assert teacher_session.title[0].value == "Scenario's"

    at = choose(as_admin(), teacher)
    click(at, f"active-{teacher.id}")
    assert "Het account is uitgeschakeld." in texts(at)
    assert next(r for r in table(at) if r["Gebruikersnaam"] == "juf mira")["Status"] == "Uitgeschakeld"

    refused = sign_in(open_app(), "juf mira", PASSWORD)
    unknown = sign_in(open_app(), "bestaat-niet", PASSWORD)
    assert [e.value for e in refused.error] == [e.value for e in unknown.error] == [accounts.WRONG]
    teacher_session.run()  # an open session loses access at once
    assert teacher_session.title[0].value == "Welkom bij Samenspel"

    click(at, f"active-{teacher.id}")  # and back on
    assert "Het account is weer actief." in texts(at)
    assert sign_in(open_app(), "juf mira", PASSWORD).title[0].value == "Scenario's"


def test_admin_changes_a_role_but_not_their_own(data):
    teacher = accounts.sign_up(data, "meester bas", PASSWORD)
    at = choose(as_admin(), teacher)
    at.selectbox(key=f"role-{teacher.id}").set_value("coach").run()
    click(at, f"set-role-{teacher.id}")
    assert "De rol is nu: coach." in texts(at)
    assert data.get_account(teacher.id).role == "coach" and data.get_account(teacher.id).invite_code
    assert as_user("meester bas").title[0].value == "Mijn leraren"

    admin = data.find_account(username="beheerder")
    choose(at, admin)
    assert "Dit is je eigen account" in texts(at)
    assert f"active-{admin.id}" not in [b.key for b in at.button]
    assert f"set-role-{admin.id}" not in [b.key for b in at.button]


def test_usernames_stay_plain_text_on_the_admin_page(data):
    payload = "<img src=x onerror=alert(1)> **vet**"
    teacher = accounts.sign_up(data, payload, PASSWORD)
    at = choose(as_admin(), teacher)
    markdown = [str(m.value) for m in at.markdown]
    assert f"**{escape_markdown(payload)}**" in markdown
    assert not any(re.search(r"(?<!\\)<img", m) for m in markdown)  # only ever the escaped form
    assert payload in [r["Gebruikersnaam"] for r in table(at)]  # the table shows it as text
    click(at, f"reset-{teacher.id}")
    assert f"Eenmalige code voor **{escape_markdown(payload)}**:" in [str(m.value) for m in at.markdown]


@pytest.mark.parametrize("role", ["teacher", "facilitator", "coach"])
def test_only_admins_reach_the_admin_page(data, role):
    user = accounts.ensure_account(data, "gebruiker", PASSWORD, role)
    at = as_user("gebruiker")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not registered, so no URL
        at.switch_page("ui/pages/beheer.py")

    direct = AppTest.from_file(str(ROOT / "modules/ui/pages/beheer.py"), default_timeout=TIMEOUT)  # its own check
    signed_in(direct, user)
    direct.run()
    assert "Deze pagina is niet beschikbaar" in texts(direct)
    assert "Accounts beheren" not in [t.value for t in direct.title] and not direct.dataframe


def test_welcome_page_throttles_after_five_failures(data):
    accounts.sign_up(data, "juf mira", PASSWORD)
    at = open_app()
    for _ in range(accounts.FREE_FAILURES):
        sign_in(at, "juf mira", "niet-het-goede-wachtwoord")
        assert [e.value for e in at.error] == [accounts.WRONG]
    sign_in(at, "juf mira", PASSWORD)  # the right password, but too soon
    assert "Te veel mislukte pogingen" in texts(at)
    assert at.title[0].value == "Welkom bij Samenspel"


# --- school sign-in (OIDC) -------------------------------------------------------------------

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-test-cookie-secret",
    "microsoft": {
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
    },
    "google": {
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
    },
}


def school_app(auth: dict | None = AUTH, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = {"is_logged_in": True, **user}
    at.run()
    assert not at.exception, at.exception
    return at


def school_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("oidc-")]


def test_without_configuration_there_is_no_school_sign_in(app_env):
    at = open_app()
    assert school_buttons(at) == []
    assert "schoolaccount" not in texts(at)


def test_configured_providers_get_a_school_sign_in_button(app_env):
    assert school_buttons(school_app()) == ["Inloggen met Microsoft 365", "Inloggen met Google Workspace"]
    incomplete = {**AUTH, "google": {"client_id": "id"}}  # no secret, no metadata URL: no button
    assert school_buttons(school_app(incomplete)) == ["Inloggen met Microsoft 365"]
    no_cookie_secret = {k: v for k, v in AUTH.items() if k != "cookie_secret"}
    assert school_buttons(school_app(no_cookie_secret)) == []


def test_the_documented_example_configuration_gives_both_buttons(app_env):
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert school_buttons(school_app(example["auth"])) == [
        "Inloggen met Microsoft 365",
        "Inloggen met Google Workspace",
    ]
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()  # real secrets stay local


@pytest.mark.skipif((ROOT / ".streamlit" / "secrets.toml").exists(), reason="a real secrets.toml is configured")
def test_an_unusable_school_sign_in_gives_a_clear_message(app_env):
    at = school_app()
    click(at, "oidc-microsoft")  # st.login cannot start (no secrets.toml on disk, or Authlib missing)
    assert "Inloggen met je schoolaccount is nu niet mogelijk" in texts(at)


def test_a_school_sign_in_becomes_a_teacher_account_the_admin_can_change(data):
    at = school_app(user=GOOGLE)
    assert at.title[0].value == "Scenario's"
    account = data.find_account(oidc_subject=f"{GOOGLE['iss']}|{GOOGLE['sub']}")
    assert account.role == "teacher" and account.username == GOOGLE["email"]
    assert school_app(user={**GOOGLE, "email": "ander@school.nl"}).title[0].value == "Scenario's"
    assert len(data.list_accounts()) == 2  # the admin and this one teacher

    admin = choose(as_admin(), account)
    assert "inloggen: schoolaccount" in texts(admin)
    admin.selectbox(key=f"role-{account.id}").set_value("coach").run()
    click(admin, f"set-role-{account.id}")
    assert school_app(user=GOOGLE).title[0].value == "Mijn leraren"

    click(admin, f"active-{account.id}")
    refused = school_app(user=GOOGLE)
    assert refused.title[0].value == "Welkom bij Samenspel"
    assert "uitgeschakeld" in texts(refused)
    click(refused, "oidc-logout")
    assert refused.user == {"is_logged_in": False}


def test_signing_out_ends_the_school_sign_in_too(data):
    at = school_app(user=GOOGLE)
    assert at.title[0].value == "Scenario's"
    click(at, "sign-out")
    assert at.user == {"is_logged_in": False}
    assert at.title[0].value == "Welkom bij Samenspel"
