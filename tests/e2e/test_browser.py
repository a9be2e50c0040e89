"""A teacher plays De taalbarrière in a real browser, writes a reflection and finds it in the log."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from server import MAX_DECISIONS, UI_TIMEOUT, choice_buttons, choose_first, ending, play_to_end, sign_up, start_scenario

SCENARIO_TITLE = "De taalbarrière"


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_play_reflect_and_find_it_in_the_log(page, app_server):
    token = uuid.uuid4().hex[:8]
    sign_up(page, app_server.url, f"e2e-{token}")
    start_scenario(page, SCENARIO_TITLE)

    step = 0
    while not ending(page).is_visible():
        assert step < MAX_DECISIONS, f"no ending after {MAX_DECISIONS} decisions"
        label = choose_first(page, step)
        if step == 0:
            # The consequence of the first choice is shown: your words, then the feedback box.
            expect(page.get_by_test_id("stChatMessage").filter(has_text=f"Jij: {label}").last).to_be_visible()
            expect(page.get_by_text(re.compile(r"^Feedback — "))).to_be_visible()
        step += 1
    assert step >= 2, "De taalbarrière should take more than one decision"
    expect(page.get_by_text("Wat doe je?", exact=True)).to_have_count(0)

    to_reflection = page.get_by_role("button", name="Schrijf je reflectie")
    expect(to_reflection).to_be_visible()
    to_reflection.click()
    expect(page.get_by_role("heading", name="Reflectie", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    wanted = f"Ik wilde dat de moeder mij echt begreep (e2e {token})."
    intention = f"Ik laat de ouder navertellen wat we afspraken (e2e {token})."
    page.get_by_role("textbox", name="Wat wilde ik?", exact=True).fill(wanted)
    page.get_by_role("textbox", name="Mijn voornemen voor het volgende gesprek", exact=True).fill(intention)
    page.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(page.get_by_text("Je reflectie staat in je logboek.")).to_be_visible(timeout=UI_TIMEOUT)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Logboek").click()
    expect(page.get_by_role("heading", name="Logboek", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_role("tab", name="Reflecties (1)")).to_be_visible()
    expander = page.get_by_test_id("stExpander").filter(has_text=SCENARIO_TITLE)
    expect(expander).to_have_count(1)
    expect(page.get_by_text(intention)).not_to_be_visible()
    expander.locator("summary").click()
    expect(expander.get_by_text(wanted)).to_be_visible()
    expect(expander.get_by_text(intention)).to_be_visible()


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_say_it_yourself_first_then_see_it_in_the_debrief(page, app_server):
    token = uuid.uuid4().hex[:8]
    sign_up(page, app_server.url, f"e2e-{token}")
    start_scenario(page, SCENARIO_TITLE, own_words=True)
    expect(page.get_by_text("Schrijf geen namen van kinderen of ouders", exact=False)).to_be_visible()
    expect(page.get_by_text("Wat doe je?", exact=True)).to_have_count(0)  # no options yet

    words = f"<i>Ik vraag eerst</i> hoe het thuis gaat (e2e {token})."
    page.get_by_role("textbox", name="Jouw woorden").fill(words)
    page.get_by_role("button", name="Toon de keuzes").click()
    expect(page.get_by_text("Welke keuze komt het dichtst bij wat jij zou doen?")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_text(words, exact=True)).to_be_visible()  # as typed: the tag stays text
    choice_buttons(page, 0).first.click()

    # The next decision asks again; switch the option off and the choices come at once.
    expect(page.get_by_role("button", name="Toon de keuzes")).to_be_visible(timeout=UI_TIMEOUT)
    expect(choice_buttons(page, 0)).to_have_count(0)
    page.get_by_text("Eerst zelf zeggen wat je zou doen", exact=True).click()
    expect(choice_buttons(page, 1).first).to_be_visible(timeout=UI_TIMEOUT)
    play_to_end(page, step=1)

    page.get_by_role("button", name="Naar de nabespreking").click()
    expect(page.get_by_role("heading", name="Nabespreking", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_text("Eerst schreef je:")).to_have_count(1)
    expect(page.get_by_text(words, exact=True)).to_be_visible()


def _printed_pages(browser, html_page: str) -> int:
    """How many A4 pages Chromium prints this HTML on."""
    printer = browser.new_page()
    try:
        printer.set_content(html_page)
        pdf = printer.pdf(format="A4")
    finally:
        printer.close()
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_the_study_session_guide_downloads_and_prints_on_two_sides_at_most(browser, page, app_server):
    from modules.content.principles import load_catalogue
    from modules.exchange import guide
    from modules.library.scenarios import load_library

    sign_up(page, app_server.url, f"e2e-{uuid.uuid4().hex[:8]}")
    card = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has=page.get_by_role("heading", name=SCENARIO_TITLE, exact=True))
        .filter(has=page.get_by_role("button", name="Start", exact=True))
        .last
    )
    card.get_by_text("Handleiding voor een studiebijeenkomst").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Afdrukken (HTML, A4)").click()
    assert download.value.suggested_filename == "handleiding-de-taalbarriere.html"
    html_page = download.value.path().read_text(encoding="utf-8")
    assert "<h1>Handleiding studiebijeenkomst: De taalbarrière</h1>" in html_page
    shown = browser.new_page()
    shown.set_content(html_page)
    expect(shown.get_by_role("heading", name="Tijdsplan")).to_be_visible()
    shown.close()

    catalogue = load_catalogue()
    for scenario in load_library().sorted():
        assert 1 <= _printed_pages(browser, guide.as_html(scenario, catalogue)) <= 2, scenario.id
