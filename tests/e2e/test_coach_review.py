"""A teacher shares a reflection, a coach comments, the teacher answers, then withdraws it.

Two browser contexts (two people, two Streamlit sessions) against one ``streamlit run``
server. The coach account is made by an admin in real life; here it is written into the
server's data folder before the server starts (the app caches the account index per file).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from server import UI_TIMEOUT, AppServer, play_to_end, sign_in, sign_up, start_app, start_scenario

SCENARIO_TITLE = "De taalbarrière"
COACH = "coach-e2e"
COACH_PASSWORD = "coachen-in-de-browser"


@pytest.fixture(scope="module")
def coach_server(tmp_path_factory, chromium_path):
    from modules.people.accounts import ensure_account
    from modules.storage import TinyDBStore

    data_dir = tmp_path_factory.mktemp("e2e-coach") / "data"
    ensure_account(TinyDBStore(data_dir), COACH, COACH_PASSWORD, "coach")
    server = start_app(data_dir)
    yield server
    server.stop()


def invite_code(server: AppServer) -> str:
    from modules.storage import TinyDBStore

    return TinyDBStore(Path(server.data_dir)).find_account(username=COACH).invite_code


def open_page(page, title: str) -> None:
    """Click a page in the sidebar navigation (unfolding it when the list is long)."""
    nav = page.get_by_test_id("stSidebarNav")
    link = nav.get_by_role("link", name=title, exact=True)
    if not link.is_visible():
        nav.get_by_test_id("stSidebarNavViewButton").click()
    link.click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def settle(page) -> None:
    """Wait until the app run has finished, so what is on screen is the new page, not stale elements."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=UI_TIMEOUT)


def reflection_expander(page):
    return page.get_by_test_id("stExpander").filter(has_text=SCENARIO_TITLE)


def open_expander(expander) -> None:
    """Open a lazy expander and wait for the run that opening it starts (``threads.remembered_expander``:
    its content is drawn by a run of the page). A click inside it while that run still draws it was
    lost twice in fresh-clone runs of the whole suite: the button went on offering to share."""
    expander.locator("summary").click()
    expect(expander.get_by_test_id("stExpanderDetails")).to_be_visible(timeout=UI_TIMEOUT)
    settle(expander.page)


def stays_open(page, expander, result, problems: list[str], what: str) -> None:
    """After an action inside an expander the user should see its ``result`` there, still open.

    A folded-shut expander is a defect the user notices; it is recorded (the test fails at the
    end) and the expander is opened again so the rest of the story can still be checked.
    """
    expect(result.first).to_be_attached(timeout=UI_TIMEOUT)  # the app has answered
    settle(page)
    if not result.first.is_visible():
        problems.append(what)
        open_expander(expander)


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_teacher_shares_coach_comments_teacher_answers_and_withdraws(coach_server, new_page):
    url = coach_server.url
    problems: list[str] = []
    token = uuid.uuid4().hex[:8]
    teacher_name = f"leraar-{token}"
    wanted = f"Ik wilde dat de moeder mij echt begreep (e2e {token})."
    question = f"Mooi voornemen. Wat vraag je als eerste? <b>luisteren</b> {token}"
    answer = f"Ik vraag eerst hoe het thuis gaat. **vet** {token}"

    # --- the teacher: sign up, play, reflect ------------------------------------------------
    teacher = new_page()
    sign_up(teacher, url, teacher_name)
    start_scenario(teacher, SCENARIO_TITLE)
    play_to_end(teacher)
    teacher.get_by_role("button", name="Schrijf je reflectie").click()
    expect(teacher.get_by_role("heading", name="Reflectie", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    teacher.get_by_role("textbox", name="Wat wilde ik?", exact=True).fill(wanted)
    teacher.get_by_role("textbox", name="Mijn voornemen voor het volgende gesprek", exact=True).fill(
        "Ik laat de ouder navertellen wat we afspraken."
    )
    teacher.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(teacher.get_by_text("Je reflectie staat in je logboek.")).to_be_visible(timeout=UI_TIMEOUT)

    # --- connect with the coach on "Mijn coach" ---------------------------------------------
    open_page(teacher, "Mijn coach")
    expect(teacher.get_by_text("Wat ziet je coach als je gekoppeld bent?")).to_be_visible()
    teacher.get_by_role("textbox", name="Code van je coach", exact=True).fill(invite_code(coach_server))
    teacher.get_by_role("button", name="Koppelen", exact=True).click()
    expect(teacher.get_by_text(f"Je bent nu gekoppeld aan {COACH}.", exact=False)).to_be_visible(timeout=UI_TIMEOUT)

    # --- share the reflection in the log -----------------------------------------------------
    open_page(teacher, "Logboek")
    expander = reflection_expander(teacher)
    expect(expander).to_have_count(1)
    open_expander(expander)
    expect(expander.get_by_text("Niet gedeeld. Alleen jij ziet deze reflectie.")).to_be_visible()
    expander.get_by_role("button", name=f"Delen met {COACH}").click()
    stays_open(
        teacher,
        expander,
        expander.get_by_role("button", name=f"Intrekken bij {COACH}"),
        problems,
        "Logboek: after 'Delen met ...' the reflection folds shut",
    )
    expect(expander.get_by_text(f"Gedeeld met {COACH}.", exact=False).first).to_be_visible(timeout=UI_TIMEOUT)

    # --- the coach: sees the teacher and the reflection, comments ----------------------------
    coach = new_page()
    sign_in(coach, url, COACH, COACH_PASSWORD, landing="Mijn leraren")
    expect(coach.get_by_role("heading", name=f"Leraar: {teacher_name}")).to_be_visible()
    expect(coach.get_by_role("heading", name="Gedeelde reflecties")).to_be_visible()
    shared = reflection_expander(coach)
    expect(shared).to_have_count(1)
    open_expander(shared)
    expect(shared.get_by_text(wanted)).to_be_visible(timeout=UI_TIMEOUT)
    shared.get_by_role("textbox", name="Schrijf een reactie").fill(question)
    shared.get_by_role("button", name="Plaats reactie").click()
    stays_open(
        coach,
        shared,
        shared.get_by_text(question),
        problems,
        "Mijn leraren: after 'Plaats reactie' the reflection folds shut",
    )
    expect(shared.get_by_text(question)).to_be_visible(timeout=UI_TIMEOUT)
    expect(shared.locator("b", has_text="luisteren")).to_have_count(0)  # shown as text, not as HTML

    # --- the teacher sees the unread marker and the comment, and answers ---------------------
    open_page(teacher, "Scenario's")
    expect(teacher.get_by_text(re.compile(r"Je coach heeft gereageerd: 1 nieuwe reactie"))).to_be_visible()
    open_page(teacher, "Logboek")
    expander = reflection_expander(teacher)
    expect(expander.locator("summary")).to_contain_text("1 nieuwe reactie")
    # a new comment opens the reflection and its thread by itself
    expect(expander.get_by_text(question)).to_be_visible(timeout=UI_TIMEOUT)
    expander.get_by_role("textbox", name="Schrijf een reactie").fill(answer)
    expander.get_by_role("button", name="Plaats reactie").click()
    stays_open(
        teacher,
        expander,
        expander.get_by_text(answer),
        problems,
        "Logboek: after answering a new comment the reflection folds shut, so the teacher does not see "
        "the answer appear (the expander's label loses its unread marker and st.expander has no key)",
    )
    expect(expander.get_by_text(answer)).to_be_visible(timeout=UI_TIMEOUT)  # the ** stay visible: plain text
    open_page(teacher, "Scenario's")
    expect(teacher.get_by_text(re.compile(r"Je coach heeft gereageerd"))).to_have_count(0)

    # --- the coach sees the answer -----------------------------------------------------------
    open_page(coach, "Principes")
    open_page(coach, "Mijn leraren")
    shared = reflection_expander(coach)
    expect(shared.locator("summary")).to_contain_text("nieuw")
    if not shared.get_by_text(wanted).is_visible():
        open_expander(shared)
    expect(shared.get_by_text(answer)).to_be_visible(timeout=UI_TIMEOUT)

    # --- the teacher withdraws; the coach no longer sees the reflection ----------------------
    open_page(teacher, "Logboek")
    expander = reflection_expander(teacher)
    if not expander.get_by_role("button", name=f"Intrekken bij {COACH}").is_visible():
        open_expander(expander)
    expander.get_by_role("button", name=f"Intrekken bij {COACH}").click()
    expect(expander.get_by_text("Niet gedeeld. Alleen jij ziet deze reflectie.")).to_be_visible(timeout=UI_TIMEOUT)

    open_page(coach, "Principes")
    open_page(coach, "Mijn leraren")
    expect(coach.get_by_role("heading", name=f"Leraar: {teacher_name}")).to_be_visible()
    expect(coach.get_by_text("Deze leraar heeft nog geen reflectie met je gedeeld.", exact=False)).to_be_visible()
    expect(reflection_expander(coach)).to_have_count(0)
    expect(coach.get_by_text(wanted)).to_have_count(0)
    expect(coach.get_by_text(question)).to_have_count(0)

    # --- a teacher who types the coach page's URL gets no coach page ------------------------
    intruder = new_page()
    intruder.goto(f"{url}/coach")
    not_found = intruder.get_by_role("dialog")
    expect(not_found).to_be_visible(timeout=UI_TIMEOUT)  # Streamlit: "Page not found", then the main page
    intruder.keyboard.press("Escape")
    expect(not_found).to_have_count(0)
    expect(intruder.get_by_role("heading", name="Welkom bij Samenspel")).to_be_visible(timeout=UI_TIMEOUT)
    sign_in(intruder, None, teacher_name)
    settle(intruder)
    expect(intruder.get_by_role("heading", name="Mijn leraren")).to_have_count(0)
    expect(intruder.get_by_test_id("stSidebarNav").get_by_role("link", name="Mijn leraren")).to_have_count(0)
    expect(intruder.get_by_text(question)).to_have_count(0)

    assert not problems, "what the user noticed on the way:\n- " + "\n- ".join(problems)
