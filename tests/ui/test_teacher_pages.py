"""Page tests for the teacher's side of sharing: Mijn coach, Logboek, start page, Portfolio, Mijn gegevens."""

from __future__ import annotations

import json

from modules.people import accounts, sharing
from modules.play import reflection
from modules.storage import TinyDBStore
from tests.pages import PASSWORD, as_user, click, goto, open_app, sign_in, sign_up, texts

MY_COACH = "ui/pages/mijn_coach.py"
LOGBOOK = "ui/pages/logboek.py"
START = "ui/pages/scenarios.py"
PORTFOLIO = "ui/pages/portfolio.py"
MY_DATA = "ui/pages/mijn_gegevens.py"


def teacher_with_reflection(app_env, *, connected: bool = True, shared: bool = False):
    """A teacher account with one reflection, and a coach (optionally connected, the reflection shared)."""
    store = TinyDBStore(app_env)
    teacher = accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")
    coach = accounts.ensure_account(store, "coach-bert", PASSWORD, "coach")
    item = store.add_reflection(
        reflection.build(
            teacher.id,
            {"ik_wilde": "Ik wilde dat de moeder me begreep."},
            "Ik laat de moeder navertellen.",
            scenario_title="De taalbarrière",
        )
    )
    if connected:
        store.connect(teacher.id, coach.id)
    if shared:
        sharing.share_reflection(store, teacher, item.id, coach.id)
    return store, teacher, coach, item


def expander_labels(at) -> list[str]:
    return [e.label for e in at.expander]


def test_connect_with_a_coach_code_and_disconnect(app_env):
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach-bert", PASSWORD, "coach")
    at = goto(sign_up(open_app(), "juf-anna"), MY_COACH)
    page = texts(at)
    assert "je route, het einde en je principeprofiel" in page and "één voor één" in page
    assert "altijd ontkoppelen" in page and "nog niet gekoppeld" in page

    at.text_input(key="coach-code").input("ABCD-EFGH")
    at.button(key="FormSubmitter:connect-Koppelen").click().run()
    assert "Deze code hoort niet bij een coach" in texts(at)
    assert not store.connections(coach_id=coach.id)

    at.text_input(key="coach-code").input(coach.invite_code.lower().replace("-", " "))
    at.button(key="FormSubmitter:connect-Koppelen").click().run()
    assert not at.error
    assert "Je bent nu gekoppeld aan coach\\-bert" in texts(at)
    assert "coach-bert" in [t.value for t in at.text]  # listed, as plain text
    teacher = store.find_account(username="juf-anna")
    assert [t.id for t in sharing.my_teachers(store, coach)] == [teacher.id]

    click(at, f"disconnect-{coach.id}")
    assert "Weet je het zeker?" in texts(at)
    assert store.connections(coach_id=coach.id)  # nothing happens before the confirmation
    click(at, f"disconnect-yes-{coach.id}")
    assert "Je bent ontkoppeld van coach\\-bert" in texts(at)
    assert "nog niet gekoppeld" in texts(at)
    assert sharing.my_teachers(store, coach) == []


def test_share_and_withdraw_a_reflection_from_the_log(app_env):
    store, teacher, coach, item = teacher_with_reflection(app_env)
    at = goto(as_user("juf-anna"), LOGBOOK)
    assert "Niet gedeeld. Alleen jij ziet deze reflectie." in texts(at)
    assert sharing.shared_reflections(store, coach) == []

    click(at, f"share-{item.id}-{coach.id}")
    assert [s.reflection.id for s in sharing.shared_reflections(store, coach)] == [item.id]
    assert "Gedeeld met coach\\-bert" in texts(at)

    click(at, f"withdraw-{item.id}-{coach.id}")
    assert sharing.shared_reflections(store, coach) == []
    assert "Niet gedeeld" in texts(at)
    assert at.button(key=f"share-{item.id}-{coach.id}")


def test_log_shows_the_answers_before_the_intention_and_no_empty_thread_switch(app_env):
    store, teacher, coach, item = teacher_with_reflection(app_env)
    at = goto(as_user("juf-anna"), LOGBOOK)
    values = [t.value for t in at.text]
    answer = values.index("Ik wilde dat de moeder me begreep.")
    intention = values.index("Ik laat de moeder navertellen.")
    assert answer < intention, "the intention comes last: it closes the ALACT cycle"
    assert "Nog geen reacties." in texts(at)
    assert not at.toggle  # no 'Reacties tonen (0)'

    click(at, f"share-{item.id}-{coach.id}")
    assert "Nog geen reacties." in texts(at) and not at.toggle
    assert at.text_area(key=f"comment-text-{item.id}")  # shared: the teacher can write to the coach


def test_unread_coach_comment_is_marked_until_read_and_the_teacher_replies(app_env):
    store, teacher, coach, item = teacher_with_reflection(app_env, shared=True)
    sharing.add_comment(store, coach, teacher.id, item.id, "Welke vraag stel je <b>eerst</b>?")

    at = as_user("juf-anna")
    assert at.title[0].value == "Scenario's"
    assert "Je coach heeft gereageerd: 1 nieuwe reactie in je logboek." in texts(at)
    click(at, "unread-to-log")
    assert at.title[0].value == "Logboek"
    assert any("🔵 1 nieuwe reactie" in label for label in expander_labels(at))
    # a new comment is shown at once (the thread is open), so it is read now
    assert at.toggle(key=f"thread-{item.id}").value is True
    assert "Welke vraag stel je <b>eerst</b>?" in [t.value for t in at.text]
    assert sharing.unread(store, teacher, teacher.id) == {}
    at.run()
    assert not any("🔵" in label for label in expander_labels(at))
    assert at.toggle(key=f"thread-{item.id}").value is True  # and the thread stays open
    at.text_area(key=f"comment-text-{item.id}").input("Ik vraag eerst hoe het thuis gaat.")
    at.button(key=f"FormSubmitter:comment-{item.id}-Plaats reactie").click().run()
    assert not at.exception and not at.error
    assert [c.text for c in sharing.thread(store, coach, teacher.id, item.id)] == [
        "Welke vraag stel je <b>eerst</b>?",
        "Ik vraag eerst hoe het thuis gaat.",
    ]
    assert "Ik vraag eerst hoe het thuis gaat." in [t.value for t in at.text]

    goto(at, LOGBOOK)
    assert not any("🔵" in label for label in expander_labels(at))
    goto(at, START)
    assert "Je coach heeft gereageerd" not in texts(at)
    assert sharing.unread(store, coach, teacher.id) == {item.id: 1}  # the coach sees the reply as new


def test_portfolio_downloads_only_the_chosen_reflection(app_env, downloads):
    store, teacher, coach, item = teacher_with_reflection(app_env, shared=True)
    other = store.add_reflection(
        reflection.build(
            teacher.id,
            {"ik_dacht": "Deze hoort er niet in."},
            "Een ander voornemen voor later.",
            scenario_title="De veeleisende ouder",
        )
    )
    sharing.add_comment(store, coach, teacher.id, item.id, "Mooi voornemen.")
    at = goto(as_user("juf-anna"), PORTFOLIO)
    assert not at.download_button
    at.multiselect(key="portfolio-choice").select(item.id).run()
    assert "Je portfolio bevat 1 reflectie." in texts(at)
    assert {b.key for b in at.download_button} == {"portfolio-html", "portfolio-md"}
    html_page = downloads["portfolio.html"].decode("utf-8")
    assert "Ik laat de moeder navertellen." in html_page and "Mooi voornemen." in html_page
    assert "Deze hoort er niet in" not in html_page and "Deze hoort er niet in" not in downloads["portfolio.md"].decode(
        "utf-8"
    )
    click(at, "portfolio-all")
    assert "Je portfolio bevat 2 reflecties." in texts(at)
    assert other.intention in downloads["portfolio.html"].decode("utf-8")


def test_my_data_download_and_password_change(app_env, downloads):
    store, teacher, coach, item = teacher_with_reflection(app_env, shared=True)
    at = goto(as_user("juf-anna"), MY_DATA)
    data = json.loads(downloads["samenspel-mijn-gegevens.json"])
    assert data["account"]["username"] == "juf-anna"
    assert data["reflections"][0]["intention"] == "Ik laat de moeder navertellen."
    assert "password_hash" not in json.dumps(data) and "$argon2" not in json.dumps(data)

    at.text_input(key="pw-old").input("niet-mijn-wachtwoord")
    at.text_input(key="pw-new").input("een-nieuw-wachtwoord")
    at.text_input(key="pw-again").input("een-nieuw-wachtwoord")
    at.button(key="FormSubmitter:change-password-Wachtwoord wijzigen").click().run()
    assert "Je huidige wachtwoord klopt niet." in texts(at)
    at.text_input(key="pw-old").input(PASSWORD)
    at.text_input(key="pw-new").input("een-nieuw-wachtwoord")
    at.text_input(key="pw-again").input("een-nieuw-wachtwoord")
    at.button(key="FormSubmitter:change-password-Wachtwoord wijzigen").click().run()
    assert "Je wachtwoord is gewijzigd." in texts(at)
    assert accounts.sign_in(store, "juf-anna", "een-nieuw-wachtwoord").id == teacher.id


def test_deleting_the_account_needs_the_username_and_signs_out(app_env):
    store, teacher, coach, item = teacher_with_reflection(app_env, shared=True)
    at = goto(as_user("juf-anna"), MY_DATA)
    at.text_input(key="delete-username").input("iemand-anders")
    at.checkbox(key="delete-sure").check()
    at.button(key="FormSubmitter:delete-account-Verwijder mijn account").click().run()
    assert "De gebruikersnaam klopt niet." in texts(at)
    assert store.get_account(teacher.id) is not None

    at.text_input(key="delete-username").input("juf-anna")
    at.checkbox(key="delete-sure").uncheck()
    at.button(key="FormSubmitter:delete-account-Verwijder mijn account").click().run()
    assert "Zet eerst een vinkje" in texts(at)
    assert store.get_account(teacher.id) is not None

    at.text_input(key="delete-username").input("juf-anna")
    at.checkbox(key="delete-sure").check()
    at.button(key="FormSubmitter:delete-account-Verwijder mijn account").click().run()
    assert not at.exception
    assert at.title[0].value == "Welkom bij Samenspel"
    assert store.get_account(teacher.id) is None and not (app_env / "users" / f"{teacher.id}.json").exists()
    assert sharing.shared_reflections(store, coach) == [] and store.get_account(coach.id) is not None
    again = sign_in(open_app(), "juf-anna")
    assert "Gebruikersnaam of wachtwoord klopt niet." in texts(again)
