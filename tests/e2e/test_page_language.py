"""Every page is Dutch for a screen reader too: ``<html lang="nl">`` and none of Streamlit's English (issue 15).

Streamlit's page says ``lang="en"``, so a screen reader read the Dutch app with English
pronunciation, and Streamlit's own texts (the skip link, "Help for ...", "Chat message from
...", "Choose an option", "No results", the chart toolbar) were English. The server now serves
the page as a Dutch one with a script that translates those texts (``modules/ui/server.py``,
``modules/ui/static/a11y.js``).
"""

from __future__ import annotations

import re
import urllib.request
import uuid

import pytest
from a11y import heard, open_page, settle
from playwright.sync_api import expect
from server import UI_TIMEOUT, choose_first, open_list, play_to_end, sign_up, start_scenario

# Streamlit's English as a user can meet it in this app: whole texts, and the start of texts
# with a part of our own ("Help for Wachtwoord"). Taken from Streamlit's front end (1.67).
ENGLISH = {
    "Skip to main content",
    "Sidebar",
    "Collapse sidebar",
    "Expand sidebar",
    "App pages",
    "View less",
    "Link to heading",
    "Help",
    "Main menu",
    "Choose an option",
    "Choose options",
    "No options to select",
    "No results",
    "Selectbox options",
    "Selected values",
    "Select all",
    "Clear all",
    "Clear value",
    "Open",
    "Close",
    "Show password",
    "Hide password",
    "Press Enter to apply",
    "Press Enter to submit form",
    "Running...",
    "Stop",
    "Connecting",
    "Please wait...",
    "Copy to clipboard",
    "Fullscreen",
    "Close fullscreen",
    "Show data",
    "Download as PNG",
    "Download as CSV",
    "Search",
    "Upload",
    "No data",
    "Dismiss",
    "Show suggestions",
    "Suggestions",
}
ENGLISH_STARTS = (
    "Help for ",
    "Chat message from ",
    "View ",
    "Press ",
    "Remove ",
    "Drag and drop",
    "Fullscreen:",
    "Close fullscreen:",
    "Show data:",
    "Download as ",
    "You can only select",
    "Entered group ",
    "Long press",
)
ENGLISH_ENDS = (" option available.", " options available.", ", selected")


ATTRIBUTE = re.compile(r"^(aria-label|placeholder|title|alt|aria-placeholder)=")


def english_in(texts: list[str]) -> list[str]:
    found = []
    for item in texts:
        value = ATTRIBUTE.sub("", item)
        if value in ENGLISH or value.startswith(ENGLISH_STARTS) or value.endswith(ENGLISH_ENDS):
            found.append(item)
    return found


def page_source(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


@pytest.mark.e2e
def test_the_served_page_says_it_is_dutch(app_server):
    for path in ("/", "/spelen", "/meedoen?code=ABCD1234"):  # every page address serves the same page
        html = page_source(app_server.url + path)
        assert re.search(r"<html\b[^>]*\blang=\"nl\"", html), f"{path}: {html[:300]}"
        assert 'lang="en"' not in html
        assert "<title>Samenspel</title>" in html
        script = re.search(r'<script src="\./(_samenspel/a11y\.js\?v=[0-9a-f]+)" defer></script>', html)
        assert script, f"{path}: the page does not load Samenspel's script"
    with urllib.request.urlopen(f"{app_server.url}/{script.group(1)}", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert b"MutationObserver" in response.read()


@pytest.mark.e2e
def test_the_dictionary_puts_streamlits_english_into_dutch(page, app_server):
    page.goto(app_server.url)
    expect(page.get_by_role("tab", name="Inloggen", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    samples = sorted(ENGLISH) + [
        "Help for Wachtwoord",
        "Chat message from Moeder",
        "View 3 more",
        "Press Ctrl+Enter to apply",
        "Remove Oog voor drempels",
        "Drag and drop a file here",
        "1MB per file",
        "Fullscreen: Principeprofiel",
        "Download as CSV",
        "1 option available.",
        "45 options available.",
        "Oog voor drempels, selected",
    ]
    translated = page.evaluate("samples => samples.map(s => window.samenspelTranslate(s))", samples)
    untranslated = [s for s, dutch in zip(samples, translated, strict=True) if dutch is None]
    assert not untranslated, f"no Dutch for: {untranslated}"
    dutch = dict(zip(samples, translated, strict=True))
    assert dutch["View 3 more"] == "Nog 3 tonen"
    assert dutch["1 option available."] == "1 optie beschikbaar."
    assert dutch["Help for Wachtwoord"] == "Uitleg bij Wachtwoord"
    kept = ["Wachtwoord", "Opslaan", "Search me", "Help for"]  # Dutch, or English that is not Streamlit's
    assert page.evaluate("samples => samples.map(s => window.samenspelTranslate(s))", kept) == [None] * len(kept)


@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_no_english_from_streamlit_reaches_a_teacher(page, app_server):
    problems: dict[str, list[str]] = {}

    def look(name: str) -> None:
        settle(page)
        found = english_in(heard(page))
        lang = page.evaluate("document.documentElement.lang")
        if lang != "nl":
            found.insert(0, f'<html lang="{lang}">')
        if found:
            problems[name] = found

    page.goto(app_server.url)
    expect(page.get_by_role("tab", name="Inloggen", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    look("Welkom")
    sign_up(page, app_server.url, f"taal-{uuid.uuid4().hex[:8]}")
    look("Scenario's")

    # A search without a result in a selection list: Streamlit's "No results".
    page.get_by_text("Zoeken op schooltype, thema, duur of principe", exact=True).click()
    combo = page.get_by_role("combobox").first
    expect(combo).to_be_visible()
    open_list(combo, page.get_by_text("Geen resultaten", exact=True), typed="qqqzzz")
    look("Scenario's (zoeken zonder resultaat)")
    page.keyboard.press("Escape")

    start_scenario(page, "De taalbarrière")
    choose_first(page, 0)
    look("Spelen (na een keuze)")
    play_to_end(page, 1)
    look("Spelen (einde)")
    open_page(page, "Nabespreking")
    look("Nabespreking")
    page.get_by_test_id("stExpander").filter(has_text="Principeprofiel").locator("summary").click()
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible()
    chart.hover()  # the chart's toolbar shows
    expect(page.get_by_test_id("stElementToolbarButton").first).to_be_visible()
    look("Nabespreking (de werkbalk van de grafiek)")
    for title in ("Reflectie", "Logboek", "Principes", "Mijn coach", "Portfolio", "Mijn gegevens"):
        open_page(page, title)
        look(title)
    assert not problems, "English on these pages:\n" + "\n".join(
        f"  {name}: {found}" for name, found in problems.items()
    )
