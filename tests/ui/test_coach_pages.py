"""Page tests of the coach's pages: Mijn leraren and Teamoverzicht."""

from __future__ import annotations

import csv
import io

import pytest

from modules.people import accounts, coaching, sharing
from modules.play import engine, reflection
from modules.records import Attempt
from modules.storage import TinyDBStore
from modules.ui.wording import escape_markdown
from tests.pages import PASSWORD, as_user, click, goto, texts
from tests.streamlit_internals import elements

COACH = "ui/pages/coach.py"
TEAM = "ui/pages/team_overzicht.py"
TAAL = "de-taalbarriere"
SHARED = "Ik laat de moeder navertellen wat we hebben afgesproken."
PRIVATE = "Deze gedachte houd ik voor mezelf."


def play(store, library, user, scenario_id=TAAL, pick=lambda c: c[0]) -> Attempt:
    scenario = library.get(scenario_id)
    state = engine.start(scenario)
    record = store.create_attempt(
        Attempt(user_id=user.id, scenario_id=scenario_id, scenario_title=scenario.title, state=state)
    )
    while not state.finished:
        state, _ = engine.choose(scenario, state, pick(engine.available_choices(scenario, state)).id)
    return store.save_attempt(record.model_copy(update={"state": state}))


def write(store, user, made: Attempt, intention: str):
    return store.add_reflection(
        reflection.build(
            user.id,
            {"essentie": f"Kern: {intention}"},
            intention,
            attempt_id=made.id,
            scenario_id=made.scenario_id,
            scenario_title=made.scenario_title,
        )
    )


@pytest.fixture
def world(app_env, library):
    """A coach, a connected teacher with a finished attempt, one shared and one private reflection."""
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    teacher = accounts.sign_up(store, "meester bob", PASSWORD)
    sharing.connect_with_code(store, teacher, coach.invite_code)
    made = play(store, library, teacher)
    shared = write(store, teacher, made, SHARED)
    private = write(store, teacher, made, PRIVATE)
    sharing.share_reflection(store, teacher, shared.id, coach.id)
    return store, coach, teacher, shared, private


def open_reflection(at, reflection_id: str):
    at.session_state[f"coach-refl-{reflection_id}"] = True  # what a click on the expander does
    at.run()
    assert not at.exception, at.exception
    return at


def test_coach_sees_teacher_timeline_and_only_the_shared_reflection(world, library):
    store, coach, teacher, shared, private = world
    at = goto(as_user("coach anna"), COACH)
    page = texts(at)
    assert "Leraar: meester bob" in page
    ending = library.get(TAAL).endings[store.list_attempts(teacher.id)[0].state.ending].title
    assert "Gesprek: De taalbarrière" in page and f"afgerond: {escape_markdown(ending)}" in page
    assert "Reflectie gedeeld: De taalbarrière" in page
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # profile over time

    open_reflection(at, shared.id)
    page = texts(at)
    assert SHARED in page
    assert PRIVATE not in page and escape_markdown(PRIVATE) not in page
    assert len([e for e in at.expander if "De taalbarrière" in e.label]) == 1

    at.text_area(key=f"comment-text-{shared.id}").input("Welke vraag stel je de volgende keer als eerste?")
    at.button(key=f"FormSubmitter:comment-{shared.id}-Plaats reactie").click().run()
    assert not at.exception, at.exception
    assert "Welke vraag stel je de volgende keer als eerste?" in texts(at)
    assert sharing.unread(store, teacher, teacher.id) == {shared.id: 1}


def test_a_teacher_reply_is_marked_new_until_the_coach_reads_it(world):
    store, coach, teacher, shared, _ = world
    sharing.add_comment(store, teacher, teacher.id, shared.id, "Ik heb een vraag over mijn voornemen.")
    at = goto(as_user("coach anna"), COACH)
    assert "nieuw: 1 reactie" in texts(at)
    assert any(e.label.endswith("· nieuw") for e in at.expander)

    open_reflection(at, shared.id)
    assert "Ik heb een vraag over mijn voornemen." in texts(at)
    at.run()
    assert "nieuw: 1 reactie" not in texts(at) and not any("nieuw" in e.label for e in at.expander)
    # the label lost its 'nieuw', but the reflection stays open
    assert "Ik heb een vraag over mijn voornemen." in texts(at)
    assert sharing.unread(store, coach, teacher.id) == {}


def test_a_withdrawn_reflection_is_gone_at_once(world):
    store, coach, teacher, shared, _ = world
    at = open_reflection(goto(as_user("coach anna"), COACH), shared.id)
    assert SHARED in texts(at)

    sharing.withdraw_reflection(store, teacher, shared.id, coach.id)
    at.run()
    page = texts(at)
    assert SHARED not in page and "Reflectie gedeeld" not in page
    assert "nog geen reflectie met je gedeeld" in page
    assert "Gesprek: De taalbarrière" in page  # the play-through stays visible while connected


def test_csv_download_has_metadata_and_text_only_when_asked(world, downloads):
    store, coach, teacher, shared, _ = world
    at = goto(as_user("coach anna"), COACH)
    assert coaching.CSV_FILE_NAME not in downloads, "the file is made when asked, not on every rerun"
    at.button(key="coach-csv-make").click().run()
    data = downloads[coaching.CSV_FILE_NAME].decode(coaching.CSV_ENCODING)
    rows = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    assert len(rows) == 1
    assert rows[0]["Leraar"] == "meester bob" and rows[0]["Scenario"] == "De taalbarrière"
    assert rows[0]["Aantal reacties"] == "0" and rows[0]["Nieuwe reactie van leraar"] == "nee"
    assert SHARED not in data and "Kern:" not in data and PRIVATE not in data

    at.checkbox(key="coach-csv-text").check().run()
    assert not [b for b in at.get("download_button") if b.proto.label == "Download CSV"], "made without the text"
    at.button(key="coach-csv-make").click().run()
    data = downloads[coaching.CSV_FILE_NAME].decode(coaching.CSV_ENCODING)
    row = list(csv.DictReader(io.StringIO(data), delimiter=";"))[0]
    assert row[reflection.INTENTION.label] == SHARED
    assert PRIVATE not in data
    assert "tekst van de reflecties staat er ook in" in texts(at)


def test_coach_without_teachers_sees_the_invite_code_and_can_renew_it(app_env):
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach anna", PASSWORD, "coach")
    at = goto(as_user("coach anna"), COACH)
    assert coach.invite_code in [c.value for c in at.code]
    assert "nog geen leraren met je verbonden" in texts(at) and "uitnodigingscode" in texts(at)

    click(at, "coach-new-code")
    renewed = store.get_account(coach.id).invite_code
    assert renewed != coach.invite_code and [c.value for c in at.code] == [renewed]
    teacher = accounts.sign_up(store, "juf roos", PASSWORD)
    with pytest.raises(sharing.SharingError):
        sharing.connect_with_code(store, teacher, coach.invite_code)  # the old code no longer works


def everything(at) -> str:
    """Every element the page sent, including chart data and tables."""
    return "\n".join(str(getattr(node, "proto", "")) for node in elements(at))


def test_team_view_shows_aggregates_and_no_teacher_names(world, library):
    store, coach, bob, _, _ = world
    roos = accounts.sign_up(store, "juf roos", PASSWORD)
    sharing.connect_with_code(store, roos, coach.invite_code)
    play(store, library, roos, pick=lambda c: c[-1])
    play(store, library, roos, "de-veeleisende-ouder")

    at = goto(as_user("coach anna"), TEAM)
    page = texts(at)
    assert "Er staan geen namen in" in page
    assert "kleine groep" in page  # two teachers: the privacy note
    assert [m.value for m in at.metric] == ["2", "3", "3"]
    scenarios = at.table[1].value
    assert dict(zip(scenarios["Scenario"], scenarios["Gestart"], strict=True)) == {
        "De taalbarrière": 2,
        "De veeleisende ouder": 1,
    }
    assert len(at.table[0].value) > 0 and (at.table[0].value["Gesprekken"] >= 1).all()
    assert not at.get("date_input"), "a Dutch period choice, not Streamlit's English calendar"
    at.selectbox(key="team-period").set_value("week").run()
    assert [m.value for m in at.metric] == ["2", "3", "3"], "everything was played today"
    sent = everything(at)
    assert "De taalbarrière" in sent
    for name in ("meester bob", "juf roos"):
        assert name not in sent
    for account in (bob, roos):
        assert account.id not in sent


def test_team_view_without_the_small_group_note_for_three_teachers(world, library):
    store, coach, _, _, _ = world
    for name in ("juf roos", "meester tim"):
        teacher = accounts.sign_up(store, name, PASSWORD)
        sharing.connect_with_code(store, teacher, coach.invite_code)
    at = goto(as_user("coach anna"), TEAM)
    assert "kleine groep" not in texts(at)
    assert [m.value for m in at.metric][0] == "3"


def test_teachers_cannot_open_the_coach_pages(world):
    at = as_user("meester bob")
    for page in (COACH, TEAM):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)  # not in a teacher's navigation, so no URL leads there
    assert "Leraar:" not in texts(at) and SHARED not in texts(at)
