"""Helpers for AppTest page tests."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT = 30
APP = str(Path(__file__).resolve().parent.parent / "modules" / "webapp.py")
PASSWORD = "een-lang-wachtwoord"


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    return at.run()


def sign_up(at: AppTest, username: str = "tester", password: str = PASSWORD) -> AppTest:
    """Create a teacher account through the welcome page and land on the start page."""
    at.text_input(key="up-user").input(username)
    at.text_input(key="up-pass").input(password)
    at.text_input(key="up-again").input(password)
    at.button(key="FormSubmitter:sign-up-Account maken").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="in-user").input(username)
    at.text_input(key="in-pass").input(password)
    at.button(key="FormSubmitter:sign-in-Inloggen").click().run()
    assert not at.exception, at.exception
    return at


def signed_in(at: AppTest, account) -> AppTest:
    """Put a signed-in browser session into ``at`` (a valid login for ``account``), as the welcome page does."""
    from modules.people import logins
    from modules.storage import open_store

    login = logins.start(open_store(), account)
    at.session_state["user_id"] = account.id
    at.session_state["login_id"] = login.id
    return at


def as_user(username: str, password: str = PASSWORD) -> AppTest:
    """A fresh browser session signed in as an existing account."""
    return sign_in(open_app(), username, password)


def texts(at: AppTest) -> str:
    """All visible text of the page, for assertions on what a user sees."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "text",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "code",
    ):
        parts.extend(str(el.value) for el in getattr(at, kind))
    for expander in at.expander:
        parts.append(expander.label)
    return "\n".join(parts)


def goto(at: AppTest, page: str) -> AppTest:
    """Open a page file directly, as a URL would (e.g. 'ui/pages/logboek.py')."""
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    at.run()
    assert not at.exception, at.exception
    return at


def choice_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("choice-")]


def start_scenario(at: AppTest, scenario_id: str, own_words: bool = False) -> AppTest:
    """Start a scenario from the library; 'first say it yourself' (on by default in the app) as asked."""
    click(at, f"start-{scenario_id}")
    at.checkbox(key="own-first-new").set_value(own_words)
    at.button(key="FormSubmitter:anticipate-Start het gesprek").click()
    at.run()
    assert not at.exception, at.exception
    return at


def play_to_end(at: AppTest, pick=lambda keys: keys[0], limit: int = 40) -> AppTest:
    for _ in range(limit):
        keys = choice_keys(at)
        if not keys:
            return at
        click(at, pick(keys))
    raise AssertionError("no ending reached")


# --- cookies, as a browser would keep them --------------------------------------------------------
# AppTest has no browser: the app asks for a cookie by showing the image of a one-time ticket
# (``![](_samenspel/cookie?t=...)``). ``collect_cookies`` redeems those tickets, as the browser's
# request to the cookie route would, and ``with_cookies`` lets a fresh AppTest (a refresh) send them.

_TICKET = re.compile(r"_samenspel/cookie\?t=([A-Za-z0-9_\-]+)")


def collect_cookies(at: AppTest, jar: dict[str, str]) -> dict[str, str]:
    from modules.people import logins
    from modules.storage import open_store

    for element in at.markdown:
        for ticket in _TICKET.findall(str(element.value)):
            found = logins.redeem(open_store(), ticket)
            if found is None:
                continue
            if found["value"]:
                jar[found["cookie"]] = found["value"]
            else:
                jar.pop(found["cookie"], None)
    return jar


@contextmanager
def with_cookies(jar: dict[str, str]):
    """AppTest runs inside this block see ``jar`` as the browser's cookies."""
    from modules.ui import signin

    original = signin._cookie
    signin._cookie = lambda name: jar.get(name)
    try:
        yield
    finally:
        signin._cookie = original
