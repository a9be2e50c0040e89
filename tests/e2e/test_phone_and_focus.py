"""On a phone the sidebar closes after choosing a page; after a choice, focus is on the parent's reaction (issue 15).

Both come from ``modules/ui/static/a11y.js``. Streamlit closes the sidebar after a page link
only for a browser that calls itself a mobile device; a phone-sized window of another browser
kept it open over the page. After a click on a choice its button disappears, and focus fell to
the page body: a screen reader said nothing about the parent's reaction.
"""

from __future__ import annotations

import uuid

import pytest
from a11y import settle
from playwright.sync_api import expect
from server import UI_TIMEOUT, choice_buttons, new_context, sign_up, start_scenario

PHONE = {"width": 390, "height": 844}
SCENARIO_TITLE = "De taalbarrière"


@pytest.fixture
def phone(browser, app_server):
    context = new_context(browser, **PHONE)
    yield context.new_page()
    context.close()


def sidebar_is_open(page) -> bool:
    return page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "false"


@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_on_a_phone_the_sidebar_closes_after_choosing_a_page(phone, app_server):
    sign_up(phone, app_server.url, f"telefoon-{uuid.uuid4().hex[:8]}")
    settle(phone)
    expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")  # closed at the start

    for title in ("Logboek", "Principes"):
        phone.get_by_role("button", name="Zijbalk openen").click()
        expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        link = phone.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
        expect(link).to_be_in_viewport()
        link.click()
        expect(phone.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=UI_TIMEOUT)
        expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true", timeout=5_000)
        expect(link).not_to_be_in_viewport()
        expect(phone.get_by_role("heading", name=title, exact=True)).to_be_in_viewport()


@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_on_a_laptop_the_sidebar_stays_open_after_choosing_a_page(page, app_server):
    sign_up(page, app_server.url, f"laptop-{uuid.uuid4().hex[:8]}")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Logboek", exact=True).click()
    expect(page.get_by_role("heading", name="Logboek", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)
    page.wait_for_timeout(300)
    assert sidebar_is_open(page)


FOCUS = """() => {
  const active = document.activeElement;
  const live = active && active.closest('[aria-live]:not([aria-live="off"])');
  return {
    tag: active ? active.tagName : null,
    text: active && active !== document.body ? active.innerText.trim() : '',
    keyed: !!document.querySelector('.st-key-play-reaction'),
    inKeyed: !!(active && active.closest('.st-key-play-reaction')),
    live: !!live,
  };
}"""


def reaction_of(label: str) -> str:
    """The parent's reaction to the choice with this button label (from the scenario file)."""
    from modules.library.scenarios import load_library

    (scenario,) = [s for s in load_library().sorted() if s.title == SCENARIO_TITLE]
    choices = [c for node in scenario.nodes.values() for c in node.choices if c.text.strip() == label.strip()]
    assert choices, f"no choice {label!r} in {SCENARIO_TITLE}"
    return choices[0].reaction.strip()


@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_after_a_choice_focus_is_on_the_parents_reaction(page, app_server):
    sign_up(page, app_server.url, f"focus-{uuid.uuid4().hex[:8]}")
    start_scenario(page, SCENARIO_TITLE)
    for step, use_keyboard in ((0, False), (1, True)):
        button = choice_buttons(page, step).first
        expect(button).to_be_visible()
        label = button.inner_text()
        if use_keyboard:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()
        expect(choice_buttons(page, step + 1).first).to_be_visible(timeout=UI_TIMEOUT)
        expect(choice_buttons(page, step)).to_have_count(0, timeout=UI_TIMEOUT)
        settle(page)
        page.wait_for_function("() => document.activeElement !== document.body", timeout=5_000)
        focus = page.evaluate(FOCUS)
        reaction = reaction_of(label)
        # The reaction is Markdown in the file (_emphasis_ and the like): compare words, not marks.
        words = " ".join(reaction.replace("_", " ").replace("*", " ").split()[:8])
        assert words in " ".join(focus["text"].split()), f"focus is not on the reaction {reaction!r}: {focus}"
        assert not focus["keyed"] or focus["inKeyed"], f"focus is not in .st-key-play-reaction: {focus}"
