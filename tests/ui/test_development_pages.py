"""Page tests of the closed learning loop: the last intention at the next start, the follow-up question in
the next reflection, Mijn ontwikkeling, and the Dutch period choice it shares with the coach's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from modules import dutch
from modules.people import accounts, development, sharing
from modules.play import engine, practice, reflection
from modules.records import Attempt, Reflection
from modules.storage import TinyDBStore
from modules.ui.wording import escape_markdown
from tests.pages import PASSWORD, as_user, click, goto, play_to_end, start_scenario, texts

TAAL = "de-taalbarriere"
SPELEN = "ui/pages/spelen.py"
REFLECTIE = "ui/pages/reflectie.py"
MINE = "ui/pages/mijn_ontwikkeling.py"
COACH = "ui/pages/coach.py"
INTENTION = "Ik vraag **eerst** hoe het <b>thuis</b> gaat."
HOW = "Het lukte half: ik vroeg het, maar luisterde te kort."
NEXT = "Ik wacht na mijn vraag vijf tellen."
SAVE = "FormSubmitter:reflection-Bewaar in mijn logboek"


def play(store, library, user, when: datetime | None = None) -> Attempt:
    scenario = library.get(TAAL)
    state = engine.start(scenario)
    record = store.create_attempt(
        Attempt(user_id=user.id, scenario_id=TAAL, scenario_title=scenario.title, state=state)
    )
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    update: dict[str, object] = {"state": state}
    if when is not None:
        update |= {"started_at": when, "finished_at": when}
    return store.save_attempt(record.model_copy(update=update))


def write(store, user, intention: str, when: datetime | None = None, **extra) -> Reflection:
    item = reflection.build(user.id, {"essentie": "De moeder wilde gehoord worden."}, intention, **extra)
    if when is not None:
        item = item.model_copy(update={"created_at": when})
    return store.add_reflection(item)


@pytest.fixture
def teacher(app_env):
    store = TinyDBStore(app_env)
    return store, accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")


def test_the_last_intention_shows_calmly_before_the_next_start(teacher):
    store, anna = teacher
    at = as_user("juf-anna")
    click(at, f"start-{TAAL}")
    assert reflection.PREVIOUS_INTENTION not in texts(at)  # no reflection yet: no note

    write(store, anna, INTENTION)
    at = as_user("juf-anna")
    click(at, f"start-{TAAL}")
    (note,) = [i for i in at.info if reflection.PREVIOUS_INTENTION in i.value]
    assert escape_markdown(INTENTION) in note.value  # user text made inert inside the sentence
    assert "<b>" not in note.value and "**eerst**" not in note.value
    assert at.text_area  # the anticipate question is still there, below the note


def test_the_next_reflection_asks_how_it_went_and_saves_the_answer(teacher):
    store, anna = teacher
    first = write(store, anna, INTENTION)
    at = as_user("juf-anna")
    start_scenario(at, TAAL)
    play_to_end(at)
    click(at, "to-reflection")
    page = texts(at)
    assert f"{reflection.PREVIOUS_INTENTION} {escape_markdown(INTENTION)}" in page
    assert "Schrijf geen namen van kinderen of ouders" in page
    area = at.text_area(key="refl-terugblik")
    assert area.label == "Hoe ging dat?" and area.proto.max_chars == reflection.MAX_LENGTH

    area.input(HOW)
    at.text_area(key="refl-ik_wilde").input("Ik wilde dat de moeder zich welkom voelde.")
    at.text_area(key="refl-voornemen").input(NEXT)
    at.button(key=SAVE).click().run()
    assert not at.exception, at.exception
    assert "Je reflectie staat in je logboek." in texts(at)
    newest = store.list_reflections(anna.id)[0]
    assert newest.follow_up == HOW and newest.follows_intention_of == first.id and newest.intention == NEXT

    click(at, "reflect-again")  # a second reflection on the same play-through: still the intention from before
    assert at.text_area(key="refl-terugblik").value == ""
    assert escape_markdown(INTENTION) in texts(at) and escape_markdown(NEXT) not in texts(at)


def test_without_an_earlier_intention_there_is_no_follow_up_question(teacher):
    at = goto(as_user("juf-anna"), REFLECTIE)
    assert reflection.PREVIOUS_INTENTION not in texts(at)
    assert "refl-terugblik" not in [a.key for a in at.text_area]


def test_my_development_shows_profile_timeline_intentions_and_follow_ups(teacher, library):
    store, anna = teacher
    coach = accounts.ensure_account(store, "coach-cor", PASSWORD, "coach")
    sharing.connect_with_code(store, anna, coach.invite_code)
    made = play(store, library, anna)
    start = datetime.now(UTC) - timedelta(days=3)
    first = write(store, anna, INTENTION, start, attempt_id=made.id, scenario_id=TAAL, scenario_title="De taalbarrière")
    write(store, anna, NEXT, start + timedelta(days=1), follow_up=HOW, follows_intention_of=first.id)
    sharing.share_reflection(store, anna, first.id, coach.id)

    at = goto(as_user("juf-anna"), MINE)
    page = texts(at)
    assert [t.value for t in at.title] == ["Mijn ontwikkeling"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the principle profile over time
    assert "Principeprofiel door de tijd" in page and "Gesprek: De taalbarrière" in page
    assert "Reflectie: De taalbarrière" in page and "gedeeld met je coach" in page
    assert "alleen voor jou" in page  # the unshared reflection is there too
    assert "met een terugblik op je vorige voornemen" in page
    assert "Mijn voornemens" in page and "2 voornemens, 1 met een terugblik." in page
    shown = [t.value for t in at.text]
    assert INTENTION in shown and NEXT in shown and HOW in shown  # user text as plain text
    assert "Dit is je laatste voornemen" in page
    assert not [m.value for m in at.markdown if "<b>" in m.value]


def test_my_development_for_someone_who_has_not_played_yet(teacher):
    at = goto(as_user("juf-anna"), MINE)
    page = texts(at)
    assert "Je hebt nog geen gesprek gespeeld" in page
    assert "Je principeprofiel verschijnt" in page and "Je hebt nog geen voornemen" in page


def test_a_coach_sees_the_follow_up_but_not_an_unshared_intention(teacher, library):
    store, anna = teacher
    coach = accounts.ensure_account(store, "coach-cor", PASSWORD, "coach")
    sharing.connect_with_code(store, anna, coach.invite_code)
    first = write(store, anna, INTENTION)
    later = write(store, anna, NEXT, follow_up=HOW, follows_intention_of=first.id)
    sharing.share_reflection(store, anna, later.id, coach.id)

    at = goto(as_user("coach-cor"), COACH)
    at.session_state[f"coach-refl-{later.id}"] = True  # what a click on the expander does
    at.run()
    assert not at.exception, at.exception
    shown = [t.value for t in at.text]
    assert HOW in shown and NEXT in shown
    assert "Terugblik op het vorige voornemen" in texts(at)
    assert INTENTION not in texts(at) and escape_markdown(INTENTION) not in texts(at)


@pytest.mark.parametrize("page", [COACH, MINE])
def test_the_period_choice_is_dutch_on_both_pages(teacher, library, page):
    store, anna = teacher
    coach = accounts.ensure_account(store, "coach-cor", PASSWORD, "coach")
    sharing.connect_with_code(store, anna, coach.invite_code)
    long_ago = datetime.now(UTC) - timedelta(days=70)
    play(store, library, anna, long_ago)
    recent = write(store, anna, INTENTION)
    sharing.share_reflection(store, anna, recent.id, coach.id)

    at = goto(as_user("coach-cor" if page == COACH else "juf-anna"), page)
    assert not at.get("date_input"), "no calendar with Sunday first and English months"
    key = f"coach-{anna.id}-period" if page == COACH else "ontwikkeling-period"
    picker = at.selectbox(key=key)
    assert picker.label == "Periode" and picker.options == list(development.PERIODS.values())
    assert picker.value == development.ALL
    since, until = development.day_label(dutch.local(long_ago).date()), development.day_label(development.today())
    assert f"Periode: van {since} tot en met {until}." in texts(at)
    assert "Gesprek: De taalbarrière" in texts(at)

    picker.set_value("maand").run()
    assert not at.exception, at.exception
    page_text = texts(at)
    assert "Gesprek: De taalbarrière" not in page_text  # 70 days ago: outside the last month
    assert "Reflectie" in page_text  # written today
    start, end = development.period_range("maand", development.today())
    assert f"Periode: van {development.day_label(start)} tot en met {development.day_label(end)}." in page_text
    picker = at.selectbox(key=key)
    picker.set_value("kwartaal").run()
    assert "Gesprek: De taalbarrière" in texts(at)


def test_facilitators_and_coaches_have_their_own_development_page(app_env):
    store = TinyDBStore(app_env)
    for name, role in (("leider-lot", "facilitator"), ("coach-cor", "coach")):
        account = accounts.ensure_account(store, name, PASSWORD, role)
        practice.save_reflection(store, account, {"ik_wilde": "Rust."}, INTENTION)
        at = goto(as_user(name), MINE)
        assert INTENTION in [t.value for t in at.text]
