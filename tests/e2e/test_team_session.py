"""A team session in a real browser: a facilitator and two participants in three browser contexts.

The facilitator's account is created beforehand in the server's data folder. The facilitator
signs in, picks *Het advies* (one of the scenarios of the second library round; every bundled
scenario also plays to an ending as a team session in tests/team) and starts a session with
guests allowed. Participant 1 is a
guest who opens the join link (``/meedoen?code=…``); participant 2 signs up and types the
code. Both vote at every decision; the facilitator watches the count, reveals and sets the
group's choice (once after a tie, once against the majority) until the ending, which all
three see with the group debrief.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect
from server import PASSWORD, UI_TIMEOUT, ending, new_context, pick_scenario, sign_in, sign_up

from modules.people import accounts
from modules.storage import TinyDBStore

SCENARIOS = ["Het advies"]  # one in the browser is enough: the flow does not depend on the scenario
MAX_DECISIONS = 40  # far more than the scenario needs; stops a loop that never ends
LIVE_TIMEOUT = UI_TIMEOUT + 5_000  # ms: one store write plus the next run of a 2 s live fragment


def _nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()


def _vote(page, step: int, letter: str, reason: str = "") -> None:
    """Pick the choice with this letter in the participant's vote form of ``step`` and submit."""
    radio = page.locator(f".st-key-vote-choice-{step}")
    expect(radio).to_be_visible(timeout=LIVE_TIMEOUT)
    option = radio.locator("label").filter(has_text=re.compile(rf"^{letter}\. "))
    expect(option).to_have_count(1)
    option.click()
    form = page.get_by_test_id("stForm").filter(has=radio)
    if reason:
        form.get_by_role("textbox").fill(reason)
    form.get_by_role("button", name=re.compile(r"^Stem( wijzigen)?$")).click()  # "Stem wijzigen" after a vote
    expect(page.get_by_text(re.compile(rf"^Je stem: {letter}\. "))).to_be_visible(timeout=UI_TIMEOUT)


def _count(page, voted: int, joined: int):
    return page.get_by_role("heading", name=f"{voted} van {joined} gestemd", exact=True)


def _reveal(lead, step: int) -> None:
    lead.locator(".st-key-lead-reveal").get_by_role("button", name="Stemmen tonen").click()
    expect(lead.get_by_role("heading", name="De stemmen", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    expect(lead.get_by_text(re.compile(r"^Bespreek met elkaar:"))).to_be_visible()
    expect(lead.locator(f".st-key-lead-choice-{step}")).to_be_visible()


def _decide(lead, step: int, pick: str | None) -> None:
    """Keep the preselected majority (``pick`` None) or pick the choice with letter ``pick``; wait for the next step."""
    group = lead.locator(f".st-key-lead-choice-{step}")
    if pick is not None:
        group.locator("label").filter(has_text=re.compile(rf"^{pick}\. ")).click()
    lead.locator(".st-key-lead-decide").get_by_role("button", name="Groepskeuze vastleggen").click()
    expect(group).to_have_count(0, timeout=UI_TIMEOUT)


@pytest.mark.e2e
@pytest.mark.timeout(300)
@pytest.mark.parametrize("scenario_title", SCENARIOS)
def test_facilitator_and_two_participants_complete_a_session(browser, app_server, scenario_title):
    started = time.monotonic()
    token = uuid.uuid4().hex[:8]
    leader_name, member_name, guest_name = f"leider-{token}", f"deelnemer-{token}", f"Gast {token[:4]}"
    accounts.ensure_account(TinyDBStore(app_server.data_dir), leader_name, PASSWORD, "facilitator")

    contexts = [new_context(browser, 1400), new_context(browser), new_context(browser)]
    try:
        lead, guest, member = (c.new_page() for c in contexts)

        # The facilitator signs in (lands on the team page) and starts a session with guests allowed.
        sign_in(lead, app_server.url, leader_name, landing="Teamsessie leiden")
        form = pick_scenario(lead, scenario_title)
        form.get_by_text("Gasten toestaan", exact=False).click()
        form.get_by_role("button", name="Start de sessie").click()
        code_heading = lead.get_by_role("heading", name=re.compile(r"^Code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
        expect(code_heading).to_be_visible(timeout=UI_TIMEOUT)
        code = code_heading.inner_text().removeprefix("Code: ").strip().replace("-", "")
        expect(lead.get_by_text(f"/meedoen?code={code}")).to_be_visible()
        expect(lead.get_by_role("img")).not_to_have_count(0)  # the QR code
        expect(_count(lead, 0, 0)).to_be_visible(timeout=LIVE_TIMEOUT)

        # Participant 1: a guest opening the join link (the code is filled in).
        guest.goto(f"{app_server.url}/meedoen?code={code}")
        expect(guest.get_by_role("textbox", name="Code", exact=True)).to_have_value(code, timeout=UI_TIMEOUT)
        guest.get_by_role("textbox", name=re.compile(r"^Je naam in deze sessie")).fill(guest_name)
        guest.get_by_role("button", name="Meedoen", exact=True).click()
        expect(guest.get_by_text(f"Je doet mee als {guest_name}.")).to_be_visible(timeout=UI_TIMEOUT)

        # Participant 2: signs up, opens "Meedoen met een sessie" and types the code.
        sign_up(member, app_server.url, member_name)
        _nav(member, "Meedoen met een sessie")
        expect(member.get_by_role("heading", name="Meedoen met een sessie")).to_be_visible(timeout=UI_TIMEOUT)
        member.get_by_role("textbox", name="Code", exact=True).fill(f"{code[:3].lower()} {code[3:].lower()}")
        member.get_by_role("button", name="Meedoen", exact=True).click()
        expect(member.get_by_text(f"Je doet mee als {member_name}.")).to_be_visible(timeout=UI_TIMEOUT)

        expect(_count(lead, 0, 2)).to_be_visible(timeout=LIVE_TIMEOUT)

        step = 0
        while not ending(lead).is_visible():
            assert step < MAX_DECISIONS, f"no ending after {MAX_DECISIONS} decisions"
            if step == 0:
                # A tie: the facilitator has to choose; the screen shows the count, never the choices made.
                _vote(guest, step, "A", "Dit is snel")
                expect(_count(lead, 1, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
                expect(lead.get_by_role("heading", name="De stemmen")).to_have_count(0)
                _vote(member, step, "B", "Dit werkt beter")
                expect(_count(lead, 2, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
                _reveal(lead, step)
                expect(lead.get_by_text("Er is geen meerderheid", exact=False)).to_be_visible()
                for page in (guest, member):  # the participants see the reveal; voting is closed
                    expect(page.get_by_text("De stemmen zijn bekend", exact=False)).to_be_visible(timeout=LIVE_TIMEOUT)
                    expect(page.locator(f".st-key-vote-choice-{step}")).to_have_count(0)
                _decide(lead, step, pick="B")
            elif step == 1:
                # The guest changes their mind before the reveal, and a refresh keeps the vote.
                _vote(guest, step, "B")
                _vote(guest, step, "A")
                _vote(member, step, "A")
                guest.reload()
                expect(guest.get_by_text(re.compile(r"^Je stem: A\. "))).to_be_visible(timeout=UI_TIMEOUT)
                expect(_count(lead, 2, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
                _reveal(lead, step)
                _decide(lead, step, pick="B")  # against the majority, after discussion
            else:
                _vote(guest, step, "A")
                _vote(member, step, "A", "Dit sluit aan bij de ouder")
                expect(_count(lead, 2, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
                _reveal(lead, step)
                _decide(lead, step, pick=None)  # the majority is preselected
            expect(_count(lead, 0, 2).or_(ending(lead))).to_be_visible(timeout=UI_TIMEOUT)
            step += 1
        assert step >= 5, f"{scenario_title} should take at least five decisions"

        # Everyone sees the ending and the group debrief.
        for page in (lead, guest, member):
            expect(ending(page)).to_be_visible(timeout=LIVE_TIMEOUT)
            expect(page.get_by_role("heading", name="Nabespreking met de groep")).to_be_visible()
            expect(page.get_by_role("heading", name="De route van de groep")).to_be_visible()
        expect(lead.get_by_role("heading", name="Principeprofiel van de groep")).to_be_visible()
        expect(lead.get_by_role("heading", name="Waar de groep het minst eens was")).to_be_visible()
        expect(lead.get_by_text(re.compile(r"geen meerderheid"))).to_be_visible()
        expect(guest.get_by_text("Een logboek kan alleen met een account", exact=False)).to_be_visible()

        # The signed-in participant is invited to write a reflection about the session.
        member.get_by_role("button", name="Schrijf je reflectie").click()
        expect(member.get_by_role("heading", name="Reflectie", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    finally:
        for context in contexts:
            context.close()
    print(f"team session in the browser: {step} decisions in {time.monotonic() - started:.1f} s")
