"""An author, in the browser only: upload a Twine story, see it as a map, fill in what the linter asks,
test it from the middle with the variable inspector, and publish it; drafts stay private.

Two authors are written into the server's data folder before it starts (an admin grants the
right in real life; tests/ui covers that page). The server gets its own copy of the scenario
folder, since publishing writes into it.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from server import UI_TIMEOUT, sign_in, start_app
from test_coach_review import open_page, settle

REPO = Path(__file__).resolve().parents[2]
TWINE_STORY = REPO / "tests" / "fixtures" / "twee" / "werkplaats-klein.twee"
PUBLISHER, WRITER = "auteur-uitgever", "auteur-schrijver"
PASSWORD = "schrijven-in-de-werkplaats"


@pytest.fixture(scope="module")
def author_server(tmp_path_factory, chromium_path):
    from modules.people import accounts
    from modules.storage import TinyDBStore

    root = tmp_path_factory.mktemp("e2e-werkplaats")
    store = TinyDBStore(root / "data")
    admin = accounts.ensure_account(store, "beheerder-e2e", PASSWORD, "admin")
    for name, role, publisher in ((PUBLISHER, "coach", True), (WRITER, "teacher", False)):
        account = accounts.ensure_account(store, name, PASSWORD, role)
        accounts.admin_set_authoring(store, admin, account.id, True, publisher)
    library = root / "scenarios"
    shutil.copytree(REPO / "scenarios", library, ignore=shutil.ignore_patterns("concept"))
    server = start_app(root / "data", scenario_dir=library)
    yield server
    server.stop()


def section(page, name: str) -> None:
    page.locator(".st-key-werkplaats-onderdeel").get_by_role("radio", name=name, exact=True).click()
    settle(page)


def upload_twine_story(page) -> None:
    settle(page)  # 'Nieuw concept' is open: the author has no draft yet
    page.get_by_test_id("stExpander").filter(has_text="Nieuw concept").get_by_text(
        "Een bestand (YAML of Twine)", exact=True
    ).click()
    settle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(TWINE_STORY))
    page.get_by_role("button", name="Maak een concept van dit bestand").click()
    expect(page.get_by_text("Het concept is gemaakt.")).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def fill_in(text: str) -> str:
    """What the author types where the import left TODO: a persona, the feedback, the outcomes."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(text)
    data.update(
        summary="Een vader bij het hek heeft een vraag over een briefje van school.",
        school_type="po",
        theme="Contact en samenwerking",
        minutes=5,
        learning_goals=["Je ziet de vraag van een ouder en maakt contact."],
        principles=["oprechte-interesse"],
        persona={"role": "vader van een leerling uit groep 4", "description": "Nieuw op school.", "label": "Vader"},
        context="Je staat na schooltijd bij het hek.",
        anticipate="Wat doe je als een ouder je iets wil vragen?",
    )
    data["variables"]["vertrouwen"]["label"] = "Vertrouwen van de ouder"
    for index, choice in enumerate(data["nodes"]["bij-het-hek"]["choices"]):
        choice["principles"] = {"oprechte-interesse": 1 if index == 0 else -1}
        choice["effects"] = {"vertrouwen": 10 if index == 0 else -10}
        choice["reaction"] = "Hij kijkt op en lacht." if index == 0 else "Hij kijkt je na."
        choice["feedback"] = "Je maakt contact (Oprechte interesse)." if index == 0 else "Je laat het contact liggen."
    for outcome, ending in zip(("sterk", "zwak"), data["endings"].values(), strict=True):
        ending["outcome"] = outcome
        ending["debrief"] = "Je nam de tijd voor de vader." if outcome == "sterk" else "De vader bleef met zijn vraag."
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@pytest.mark.e2e
def test_an_author_brings_a_twine_story_to_the_library_in_the_browser(new_page, author_server):
    url = author_server.url

    # An auteur without publish rights starts a draft: it stays theirs.
    writer = new_page(1280, 1000)
    sign_in(writer, url, WRITER, PASSWORD)
    open_page(writer, "Werkplaats")
    upload_twine_story(writer)
    expect(writer.get_by_text(re.compile(r"De controle vindt \d+ fout"))).to_be_visible()

    # The publisher does not see it: drafts are private until offered.
    page = new_page(1280, 1000)
    sign_in(page, url, PUBLISHER, PASSWORD, landing="Mijn leraren")
    open_page(page, "Werkplaats")
    expect(page.get_by_text("Je hebt nog geen concepten.")).to_be_visible()

    # Upload the Twine story: the map shows its scene and both endings; the check lists what to fill in.
    upload_twine_story(page)
    expect(page.get_by_test_id("stGraphVizChart").locator("svg")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_test_id("stGraphVizChart").get_by_text("Samen lezen").first).to_be_visible()
    section(page, "Controle")
    expect(page.get_by_text(re.compile(r"^Fouten: los deze op voor je publiceert \(\d+\)"))).to_be_visible()
    expect(page.get_by_text("still to fill in (TODO) at summary")).to_be_attached()
    section(page, "Publiceren")
    expect(page.get_by_role("button", name="Publiceren", exact=True)).to_be_disabled()

    # Fill in what the linter asks, in the editor, and save.
    section(page, "Bewerken")
    editor = page.get_by_role("textbox", name="De YAML van je concept")
    expect(editor).to_have_value(re.compile(r"id: het-briefje"))
    editor.fill(fill_in(editor.input_value()))
    page.get_by_role("button", name="Opslaan en controleren").click()
    expect(page.get_by_text("Opgeslagen. Geen fouten.")).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)

    # Test from the decision with trust set to 70: the inspector follows each step; step back works.
    section(page, "Testen")
    page.get_by_role("spinbutton", name=re.compile("Vertrouwen van de ouder")).fill("70")
    page.get_by_role("button", name="Start hier").click()
    settle(page)
    inspector = page.get_by_test_id("stDataFrame").filter(has_text="Variabele")
    expect(inspector).to_be_visible()
    expect(page.get_by_text("Ik loop naar hem toe en vraag of ik kan helpen.")).to_be_visible()
    page.locator(".st-key-werkplaats-test-1-a").get_by_role("button", name="Kies").click()
    settle(page)
    expect(page.get_by_text("Hij kijkt op en lacht.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Einde: Samen lezen"))).to_be_visible()
    expect(page.get_by_text("Gekozen: bij-het-hek → a")).to_be_visible()
    page.get_by_role("button", name="Stap terug").click()
    settle(page)
    expect(page.locator(".st-key-werkplaats-test-1-b").get_by_role("button", name="Kies")).to_be_visible()

    # Publish: the story is in the library at once, and the version history names who published it.
    section(page, "Publiceren")
    page.get_by_role("button", name="Publiceren", exact=True).click()
    expect(page.get_by_text("Gepubliceerd als versie 1.")).to_be_visible(timeout=UI_TIMEOUT)
    open_page(page, "Scenario's")
    expect(page.get_by_text("Het briefje", exact=True).first).to_be_visible()
    published = Path(author_server.data_dir).parent / "scenarios" / "het-briefje.yaml"
    assert published.exists() and "TODO" not in published.read_text(encoding="utf-8")

    # The writer still sees only their own draft.
    writer.reload()
    expect(writer.get_by_role("heading", name="Werkplaats")).to_be_visible()
    settle(writer)
    expect(writer.get_by_role("combobox", name="Concept")).to_have_value(re.compile(r"^Het briefje · \d+ fouten$"))
    expect(writer.get_by_text("van auteur-uitgever")).to_have_count(0)
