"""A phone (390 x 844) scans the QR code of a team session while nobody is signed in on it.

The facilitator's and the teacher's accounts are written into the server's data folder before
the server starts (the app caches the account index per file). The facilitator starts a session
for accounts only; the phone opens the join link (``/meedoen?code=…``), taps *Inloggen en
meedoen*, signs in on the welcome page, which names the session it is about to join, and lands
in the session, ready to vote; the facilitator's projector counts the participant. A second
session allows guests: the phone still joins it as a guest, without an account.

Screenshots of the phone go to the test's temporary folder, or to ``SAMENSPEL_E2E_SHOTS`` when set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from server import UI_TIMEOUT, new_context, pick_scenario, sign_in, start_app

pytestmark = pytest.mark.e2e

FACILITATOR, TEACHER = "leider-telefoon", "leraar-telefoon"
PASSWORD = "een-lang-e2e-wachtwoord"
SCENARIO_TITLE = "De taalbarrière"
PHONE = {"width": 390, "height": 844}
LIVE_TIMEOUT = UI_TIMEOUT + 5_000  # ms: one store write plus the next run of a live fragment


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory, chromium_path):
    from modules.people.accounts import ensure_account
    from modules.storage import TinyDBStore

    data_dir = tmp_path_factory.mktemp("e2e-phone") / "data"
    store = TinyDBStore(data_dir)
    ensure_account(store, FACILITATOR, PASSWORD, "facilitator")
    ensure_account(store, TEACHER, PASSWORD, "teacher")
    server = start_app(data_dir)
    yield server
    server.stop()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SAMENSPEL_E2E_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _phone(browser):
    return new_context(browser, **PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def start_session(lead, url: str, *, guests: bool) -> str:
    """The facilitator (signed in already, or signs in now) starts a session; returns its code (no dash)."""
    if lead.get_by_role("heading", name="Teamsessie leiden", exact=True).count() == 0:
        sign_in(lead, url, FACILITATOR, PASSWORD, landing="Teamsessie leiden")
    form = pick_scenario(lead, SCENARIO_TITLE)
    if guests:
        form.get_by_text("Gasten toestaan", exact=False).click()
    form.get_by_role("button", name="Start de sessie").click()
    heading = lead.get_by_role("heading", name=re.compile(r"^Code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    return heading.inner_text().removeprefix("Code: ").strip().replace("-", "")


def voting(phone) -> None:
    """The phone is in the session: the scene and the vote of the first decision."""
    expect(phone.get_by_role("heading", name=SCENARIO_TITLE, exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    options = phone.locator(".st-key-vote-choice-0").locator("label").filter(has_text=re.compile(r"^[A-D]\. "))
    expect(options.first).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(phone).to_have_url(re.compile(r"/meedoen\?sessie="))


def fits_the_screen(phone) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


@pytest.mark.timeout(240)
def test_a_signed_out_phone_follows_the_link_signs_in_and_lands_in_the_session(browser, phone_server, shots):
    lead_context, phone_context = new_context(browser, 1400, 1000), _phone(browser)
    try:
        lead, phone = lead_context.new_page(), phone_context.new_page()
        code = start_session(lead, phone_server.url, guests=False)
        display = f"{code[:4]}-{code[4:]}"

        phone.goto(f"{phone_server.url}/meedoen?code={code}")
        expect(phone.get_by_role("textbox", name="Code", exact=True)).to_have_value(code, timeout=UI_TIMEOUT)
        fits_the_screen(phone)
        phone.get_by_role("button", name="Inloggen en meedoen", exact=True).click()

        expect(phone.get_by_role("heading", name="Welkom bij Samenspel", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
        expect(phone.get_by_text(f"Je doet zo mee met de teamsessie (code {display}).")).to_be_visible()
        fits_the_screen(phone)
        phone.screenshot(path=str(shots / "phone-join-1-welkom.png"))

        sign_in(phone, None, TEACHER, PASSWORD, landing=SCENARIO_TITLE)
        voting(phone)
        expect(phone.get_by_text(f"Je doet mee als {TEACHER}.")).to_be_visible()
        fits_the_screen(phone)
        phone.locator(".st-key-vote-choice-0").scroll_into_view_if_needed()
        phone.screenshot(path=str(shots / "phone-join-2-sessie.png"))

        expect(lead.get_by_role("heading", name="0 van 1 gestemd", exact=True)).to_be_visible(timeout=LIVE_TIMEOUT)

        phone.reload()  # F5 on the phone: still signed in, still in the session
        voting(phone)
    finally:
        lead_context.close()
        phone_context.close()


@pytest.mark.timeout(240)
def test_a_phone_without_an_account_still_joins_a_session_for_guests(browser, phone_server, shots):
    lead_context, phone_context = new_context(browser, 1400, 1000), _phone(browser)
    try:
        lead, phone = lead_context.new_page(), phone_context.new_page()
        code = start_session(lead, phone_server.url, guests=True)
        phone.goto(f"{phone_server.url}/meedoen?code={code}")
        expect(phone.get_by_role("textbox", name="Code", exact=True)).to_have_value(code, timeout=UI_TIMEOUT)
        phone.get_by_role("textbox", name=re.compile(r"^Je naam in deze sessie")).fill("Gast Merel")
        phone.get_by_role("button", name="Meedoen", exact=True).click()
        voting(phone)
        expect(phone.get_by_text("Je doet mee als Gast Merel.")).to_be_visible()
        fits_the_screen(phone)
        phone.screenshot(path=str(shots / "phone-join-3-gast.png"))
    finally:
        lead_context.close()
        phone_context.close()
