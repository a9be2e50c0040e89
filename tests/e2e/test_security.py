"""Safe by default, in a real browser against a real server (issue 8).

- the README's first command starts the demo, says so in the terminal and on every page,
  and keeps the demo's data in its own folder;
- a corrupt record at start-up gives a Dutch message and a reference code, never a traceback;
- a sign-in survives F5, and signing out ends it in the other browser too;
- a team-session link copied to another browser is no pass;
- a bare web address in a reflection stays plain text.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect
from server import PASSWORD, UI_TIMEOUT, new_context, sign_in, sign_up, start_app

from modules.library.scenarios import load_library
from modules.people import accounts
from modules.storage import DEMO_MARKER, TinyDBStore
from modules.team import sessions as team

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(240)
def test_the_first_command_runs_the_demo_and_says_so(browser, tmp_path, chromium_path):
    data = tmp_path / "progress"
    server = start_app(data, via_app_sh=True)
    try:
        context = new_context(browser)
        page = context.new_page()
        page.goto(server.url)
        expect(page.get_by_text("Demo: wachtwoorden zijn openbaar.")).to_be_visible()
        sign_in(page, None, "demo-leraar", "oefenen-met-ouders")
        for title in ("Logboek", "Mijn gegevens"):
            page.get_by_role("link", name=title).click()
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
            expect(page.get_by_text("Demo: wachtwoorden zijn openbaar.")).to_be_visible()
        context.close()
        log = server.log()
        assert "Samenspel DEMO" in log and "PUBLIC passwords" in log
        assert (data / "demo" / DEMO_MARKER).is_file()
        assert not (data / "accounts.json").exists(), "the real data folder is not used by the demo"
    finally:
        server.stop()


@pytest.mark.timeout(240)
def test_a_corrupt_record_at_start_up_shows_a_dutch_message_never_a_traceback(browser, tmp_path, chromium_path):
    data = tmp_path / "progress"
    first = start_app(data, demo=True)  # seeds the demo
    first.stop()
    demo_store = TinyDBStore(data / "demo", demo=True)
    teacher = demo_store.find_account(username="demo-leraar")
    path = data / "demo" / "users" / f"{teacher.id}.json"
    path.write_text('{"attempts": {"1": {"id": 42', encoding="utf-8")
    accounts_file = data / "demo" / "accounts.json"
    raw = json.loads(accounts_file.read_text())
    for doc in raw["accounts"].values():
        if doc["username"] == "demo-coach":
            doc["created_at"] = {"hand": "edited"}
    accounts_file.write_text(json.dumps(raw))

    server = start_app(data, demo=True)
    try:
        context = new_context(browser)
        page = context.new_page()
        page.goto(server.url)
        warning = page.get_by_text(re.compile(r"Bij het opstarten ging iets mis"))
        expect(warning).to_be_visible()
        code = re.search(r"code: ([A-Z2-9]{6})", warning.inner_text()).group(1)
        sign_in(page, None, "demo-leraar", "oefenen-met-ouders")
        page.get_by_role("link", name="Logboek").click()
        expect(page.get_by_text("kunnen niet worden gelezen", exact=False)).to_be_visible()
        other = new_context(browser)  # the hand-edited coach cannot sign in, and nobody sees why in detail
        sign_in_page = other.new_page()
        sign_in_page.goto(server.url)
        sign_in_page.get_by_role("textbox", name="Gebruikersnaam", exact=True).first.fill("demo-coach")
        sign_in_page.get_by_role("textbox", name="Wachtwoord", exact=True).fill("coachen-met-zorg")
        sign_in_page.get_by_role("button", name="Inloggen", exact=True).click()
        expect(sign_in_page.get_by_text(re.compile(r"Er ging iets mis|kunnen niet worden gelezen"))).to_be_visible()
        for shown in (page, sign_in_page):
            body = shown.locator("body").inner_text()
            assert "Traceback" not in body and 'File "' not in body and str(tmp_path) not in body
            assert "ValidationError" not in body and "CorruptDataError" not in body
            expect(shown.get_by_test_id("stException")).to_have_count(0)
        context.close()
        other.close()
        assert code in server.log() and "Traceback" in server.log(), "the detail is in the server log"
        assert path.read_text(encoding="utf-8") == '{"attempts": {"1": {"id": 42', "the file is kept as it was"
    finally:
        server.stop()


def _login_cookie(context, seconds: float = UI_TIMEOUT / 1000):
    """The sign-in cookie, once the browser has fetched the page's one-time ticket (a moment after the page)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == "samenspel_login"]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("the browser never received the sign-in cookie")


def test_a_sign_in_survives_f5_and_signing_out_ends_it_everywhere(browser, app_server):
    username = f"leraar-{uuid.uuid4().hex[:8]}"
    laptop_context, phone_context = new_context(browser), new_context(browser, 390)
    try:
        laptop, phone = laptop_context.new_page(), phone_context.new_page()
        sign_up(laptop, app_server.url, username)
        cookie = _login_cookie(laptop_context)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        laptop.reload()
        expect(laptop.get_by_role("heading", name="Scenario's", exact=True)).to_be_visible()

        sign_in(phone, app_server.url, username)
        _login_cookie(phone_context)
        phone.reload()
        expect(phone.get_by_role("heading", name="Scenario's", exact=True)).to_be_visible()

        laptop.get_by_role("button", name="Uitloggen").click()
        expect(laptop.get_by_role("heading", name="Welkom bij Samenspel")).to_be_visible()
        laptop.reload()
        expect(laptop.get_by_role("heading", name="Welkom bij Samenspel")).to_be_visible()

        phone.reload()  # the other browser: its sign-in ended too
        expect(phone.get_by_role("heading", name="Welkom bij Samenspel")).to_be_visible()
    finally:
        laptop_context.close()
        phone_context.close()


def test_a_copied_session_link_is_no_pass(browser, app_server):
    store = TinyDBStore(app_server.data_dir)
    lead = accounts.ensure_account(store, f"leider-{uuid.uuid4().hex[:8]}", PASSWORD, "facilitator")
    session = team.create(store, lead, load_library().get("de-taalbarriere"))  # accounts only
    username = f"leraar-{uuid.uuid4().hex[:8]}"
    mine, stranger_context = new_context(browser), new_context(browser)
    try:
        page = mine.new_page()
        sign_up(page, app_server.url, username)
        page.get_by_role("link", name="Meedoen met een sessie").click()
        page.get_by_role("textbox", name="Code", exact=True).fill(team.display_code(session.code))
        page.get_by_role("button", name="Meedoen", exact=True).click()
        # In the session: its vote, its address. (The join form said "Je doet mee als ..." too, and
        # may still be on screen, fading, while the session's first run draws: hence .first.)
        expect(page.locator(".st-key-vote-choice-0")).to_be_visible()
        expect(page).to_have_url(re.compile(r"sessie="))
        expect(page.get_by_text(f"Je doet mee als {username}.").first).to_be_visible()
        link = page.url
        assert "deelnemer" not in link

        stranger = stranger_context.new_page()
        stranger.goto(link)
        expect(stranger.get_by_role("heading", name="Meedoen met een sessie")).to_be_visible()
        expect(stranger.get_by_text("Wat zou jij doen?")).to_have_count(0)
        expect(stranger.get_by_text(f"Je doet mee als {username}.")).to_have_count(0)
    finally:
        mine.close()
        stranger_context.close()


def test_a_bare_web_address_in_a_reflection_stays_plain_text(browser, app_server):
    username = f"leraar-{uuid.uuid4().hex[:8]}"
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_up(page, app_server.url, username)
        page.get_by_role("link", name="Reflectie").click()
        page.get_by_role("textbox", name="Wat wilde ik?").fill("Zie https://evil.example/x en www.evil.example")
        page.get_by_role("textbox", name="Mijn voornemen voor het volgende gesprek").fill(
            "Mail jan@evil.example over het voornemen."
        )
        page.get_by_role("button", name="Bewaar in mijn logboek").click()
        page.get_by_role("button", name="Naar mijn logboek").click()
        page.get_by_text(re.compile(r"^Losse reflectie")).click()
        expect(page.get_by_text("Zie https://evil.example/x en www.evil.example")).to_be_visible()
        expect(page.locator('a[href*="evil.example"]')).to_have_count(0)
    finally:
        context.close()
