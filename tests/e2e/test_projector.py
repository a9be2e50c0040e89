"""The projector view of *Teamsessie leiden* in a real browser, at 1280×720 and 1920×1080 (issue 15).

The facilitator's account is written into the server's data folder before it starts (an admin
makes it in real life), as in ``test_coach_review.py``. The facilitator starts a session and
opens *Projectorweergave*: the QR code, the join code, the live count and the reveal button are
on screen without scrolling, and neither the navigation nor the username is. A guest votes on a
phone and the count goes up; the reveal shows the tally; *Terug naar bediening* brings back the
controls with the menu. A second test leads from the facilitator's own device while the
projector follows, and a third looks at the debrief on a phone (390×844).

Screenshots go to pytest's temporary folder, or to ``SAMENSPEL_SCREENSHOT_DIR`` when it is set
(``docs/screenshots`` for the README: ``projector-1280x720.png``, ``projector-1920x1080.png``).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from server import PASSWORD, UI_TIMEOUT, pick_scenario, play_to_end, sign_up, start_app, start_scenario

FACILITATOR = "leider-projector"
SCENARIO_TITLE = "Het advies"
LIVE_TIMEOUT = UI_TIMEOUT + 5_000  # ms: one store write plus the next run of a live fragment
SIZES = [(1280, 720), (1920, 1080)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def projector_server(tmp_path_factory, chromium_path):
    from modules.people.accounts import ensure_account
    from modules.storage import TinyDBStore

    data_dir = tmp_path_factory.mktemp("e2e-projector") / "data"
    ensure_account(TinyDBStore(data_dir), FACILITATOR, PASSWORD, "facilitator")
    server = start_app(data_dir)
    yield server
    server.stop()


def screenshot_path(tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("SAMENSPEL_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def settle(page) -> None:
    """Wait until the app run has finished and nothing stale is left on screen."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=UI_TIMEOUT)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=UI_TIMEOUT)


def start_session(page, url: str) -> str:
    """Sign in as the facilitator, start a session with guests allowed; returns the code as typed (no dash)."""
    page.goto(url)
    page.get_by_role("tab", name="Inloggen", exact=True).click()
    page.get_by_role("textbox", name="Gebruikersnaam", exact=True).first.fill(FACILITATOR)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("heading", name="Teamsessie leiden", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)  # the first run of a fresh server draws the heading long before it has finished the form
    form = pick_scenario(page, SCENARIO_TITLE)
    form.get_by_text("Gasten toestaan", exact=False).click()
    form.get_by_role("button", name="Start de sessie").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    return heading.inner_text().removeprefix("Code: ").strip().replace("-", "")


def open_projector(page) -> None:
    page.get_by_role("button", name=re.compile("Projectorweergave")).click()
    expect(page.get_by_role("button", name=re.compile("Terug naar bediening"))).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def guest_votes(page, url: str, code: str, name: str) -> None:
    page.goto(f"{url}/meedoen?code={code}")
    expect(page.get_by_role("textbox", name="Code", exact=True)).to_have_value(code, timeout=UI_TIMEOUT)
    page.get_by_role("textbox", name=re.compile(r"^Je naam in deze sessie")).fill(name)
    page.get_by_role("button", name="Meedoen", exact=True).click()
    radio = page.locator(".st-key-vote-choice-0")
    expect(radio).to_be_visible(timeout=UI_TIMEOUT)
    radio.locator("label").filter(has_text=re.compile(r"^A\. ")).click()
    page.get_by_test_id("stForm").filter(has=radio).get_by_role("button", name=re.compile(r"^Stem")).click()
    expect(page.get_by_text(re.compile(r"^Je stem: A\. "))).to_be_visible(timeout=UI_TIMEOUT)


def count(page, voted: int, joined: int):
    return page.get_by_role("heading", name=f"{voted} van {joined} gestemd", exact=True)


def qr_code(page, code: str):
    """The QR code, found by its text alternative (the ``alt`` of its <img>)."""
    return page.get_by_role("img", name=f"QR-code om mee te doen met code {code[:4]}-{code[4:]}", exact=True)


def blocking_axe_findings(page) -> list[str]:
    """axe-core's critical and serious findings on the page as it is now (its own copy, no download)."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n.get('target') for n in v.get('nodes', [])][:3]}"
        for v in violations
        if v.get("impact") in ("critical", "serious")
    ]


@pytest.mark.e2e
@pytest.mark.timeout(240)
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_projector_view_fits_the_screen_counts_reveals_and_leads_back(
    projector_server, new_page, tmp_path, width, height
):
    url = projector_server.url
    lead = new_page(width, height)
    code = start_session(lead, url)
    expect(qr_code(lead, code)).to_be_visible()  # the controls' small QR code has its text alternative too

    open_projector(lead)
    shown = f"{code[:4]}-{code[4:]}"
    on_screen = {
        "the QR code": qr_code(lead, code),
        "the join code": lead.get_by_role("heading", name=shown, exact=True),
        "the join link": lead.get_by_text(f"/meedoen?code={code}"),
        "the live count": count(lead, 0, 0),
        "the reveal button": lead.locator(".st-key-lead-reveal").get_by_role("button", name="Stemmen tonen"),
        "the way back": lead.get_by_role("button", name=re.compile("Terug naar bediening")),
    }
    for what, element in on_screen.items():
        expect(element, f"{what} at {width}x{height}").to_be_in_viewport(ratio=1)
    assert lead.get_by_test_id("stMain").evaluate("main => main.scrollTop") == 0, "nothing scrolled"
    box = qr_code(lead, code).bounding_box()
    assert box is not None and box["width"] >= 0.45 * height, f"the QR code is {box} at {width}x{height}"
    expect(lead.get_by_test_id("stSidebar")).to_be_hidden()  # the menu and the account
    expect(lead.get_by_test_id("stSidebarNav")).to_be_hidden()
    assert FACILITATOR not in lead.locator("body").inner_text(), "the username is on screen"  # innerText: what shows
    expect(lead.get_by_test_id("stHeader")).to_be_hidden()
    assert not blocking_axe_findings(lead), blocking_axe_findings(lead)

    phone = new_page(**PHONE)
    guest_votes(phone, url, code, f"Gast {uuid.uuid4().hex[:4]}")
    expect(count(lead, 1, 1)).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(count(lead, 1, 1)).to_be_in_viewport(ratio=1)
    expect(lead.get_by_role("heading", name="De stemmen")).to_have_count(0)  # never before the reveal
    settle(lead)
    lead.mouse.move(0, 0)  # no hover effect in the picture
    lead.wait_for_timeout(1_000)  # let the progress bar and the folding situation finish their animation
    lead.screenshot(path=str(screenshot_path(tmp_path, f"projector-{width}x{height}.png")))

    lead.locator(".st-key-lead-reveal").get_by_role("button", name="Stemmen tonen").click()
    expect(lead.get_by_role("heading", name="De stemmen", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    expect(lead.get_by_role("heading", name="De stemmen", exact=True)).to_be_in_viewport()
    expect(lead.get_by_test_id("stSidebar")).to_be_hidden()
    settle(lead)
    lead.wait_for_timeout(1_000)  # the chart's first drawing
    lead.screenshot(path=str(screenshot_path(tmp_path, f"projector-revealed-{width}x{height}.png")))

    lead.get_by_role("button", name=re.compile("Terug naar bediening")).click()
    expect(lead.get_by_test_id("stSidebarNav")).to_be_visible(timeout=UI_TIMEOUT)
    expect(lead.get_by_role("heading", name=f"Code: {shown}", exact=True)).to_be_visible()
    expect(lead.get_by_role("button", name="Groepskeuze vastleggen")).to_be_visible()
    expect(lead.get_by_role("button", name="Sessie sluiten")).to_be_visible()


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_the_projector_follows_what_the_facilitator_does_on_their_own_device(projector_server, new_page):
    url = projector_server.url
    projector = new_page(1280, 720)
    code = start_session(projector, url)
    open_projector(projector)

    own_device = new_page(1100, 900)  # the facilitator's laptop: the same account, "Verder leiden"
    own_device.goto(url)
    own_device.get_by_role("tab", name="Inloggen", exact=True).click()
    own_device.get_by_role("textbox", name="Gebruikersnaam", exact=True).first.fill(FACILITATOR)
    own_device.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    own_device.get_by_role("button", name="Inloggen", exact=True).click()
    resume = own_device.get_by_role("button", name="Verder leiden").first
    expect(resume).to_be_visible(timeout=UI_TIMEOUT)
    resume.click()
    expect(own_device.get_by_role("heading", name=re.compile(r"^Code: "))).to_be_visible(timeout=UI_TIMEOUT)
    expect(own_device.get_by_test_id("stSidebarNav")).to_be_visible()  # each browser has its own view

    guest_votes(new_page(**PHONE), url, code, "Gast volgt")
    expect(count(own_device, 1, 1)).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(count(projector, 1, 1)).to_be_visible(timeout=LIVE_TIMEOUT)
    own_device.locator(".st-key-lead-reveal").get_by_role("button", name="Stemmen tonen").click()
    expect(projector.get_by_role("heading", name="De stemmen", exact=True)).to_be_visible(timeout=LIVE_TIMEOUT)

    own_device.locator(".st-key-lead-decide").get_by_role("button", name="Groepskeuze vastleggen").click()
    expect(count(projector, 0, 1)).to_be_visible(timeout=LIVE_TIMEOUT)  # the next decision, on the projector
    expect(projector.get_by_role("heading", name="De stemmen", exact=True)).to_have_count(0)
    expect(projector.get_by_test_id("stSidebar")).to_be_hidden()


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_the_debrief_on_a_phone_opens_with_the_lesson_and_the_route(projector_server, new_page, tmp_path):
    phone = new_page(**PHONE)
    sign_up(phone, projector_server.url, f"telefoon-{uuid.uuid4().hex[:6]}")
    start_scenario(phone, "De taalbarrière")
    play_to_end(phone)
    phone.get_by_role("button", name="Naar de nabespreking").click()
    expect(phone.get_by_role("heading", name="Nabespreking", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    settle(phone)
    main = phone.get_by_test_id("stMain")
    parts = phone.get_by_test_id("stExpander")
    route = parts.first  # the first part, and the only one open
    expect(route.locator("summary")).to_contain_text("Jouw route")
    expect(route.locator("details")).to_have_attribute("open", "")
    expect(phone.locator("details[open]")).to_have_count(1)
    expect(route.get_by_text(re.compile(r"^1\. "))).to_be_visible()
    folded = main.evaluate("m => m.scrollHeight")
    phone.screenshot(path=str(screenshot_path(tmp_path, "debrief-390x844.png")))

    closed = phone.locator("details:not([open]) > summary")  # every folded part, and the alternatives in one
    while closed.count():
        closed.first.click()
    settle(phone)
    unfolded = main.evaluate("m => m.scrollHeight")
    print(f"debrief on a phone: {folded} px with the parts folded, {unfolded} px with everything open")
    assert folded < 0.8 * unfolded, f"folded {folded} px, everything open {unfolded} px"
    expect(phone.get_by_role("button", name="Schrijf je reflectie")).to_be_attached()
