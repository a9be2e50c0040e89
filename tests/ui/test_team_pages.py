"""Team sessions in the app: a facilitator and participants, each in their own AppTest session, one store.

Fragments with ``run_every`` do not tick by themselves under AppTest: ``at.run()`` stands in
for the two-second refresh a browser would do.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from modules.library.scenarios import load_library
from modules.people import accounts
from modules.play import engine
from modules.storage import TinyDBStore
from modules.team import sessions as team
from modules.ui.wording import escape_markdown
from tests.pages import APP, PASSWORD, TIMEOUT, as_user, click, collect_cookies, goto, open_app, texts, with_cookies

LEAD = "ui/pages/sessie_leiden.py"
JOIN = "ui/pages/meedoen.py"
LOGBOOK = "ui/pages/logboek.py"
REFLECTION = "ui/pages/reflectie.py"
SCENARIO = "zorgbeslissing-passend-onderwijs"
FACILITATOR, TEACHER_1, TEACHER_2 = "gespreksleider", "leraar-een", "leraar-twee"


@pytest.fixture
def world(app_env):
    store = TinyDBStore(app_env)
    people = {
        FACILITATOR: accounts.ensure_account(store, FACILITATOR, PASSWORD, "facilitator"),
        TEACHER_1: accounts.ensure_account(store, TEACHER_1, PASSWORD, "teacher"),
        TEACHER_2: accounts.ensure_account(store, TEACHER_2, PASSWORD, "teacher"),
    }
    return store, people


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def start_session(
    scenario_id: str = SCENARIO, *, guests: bool = False, projector: bool = False, names: bool = False
) -> AppTest:
    at = as_user(FACILITATOR)
    assert at.title[0].value == "Teamsessie leiden"  # the facilitator's start page
    scenario = load_library().get(scenario_id)
    picker = at.selectbox(key="start-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label.startswith(scenario.title)))
    if guests:
        at.checkbox(key="start-guests").check()
    if projector:
        at.checkbox(key="start-projector").check()
    if names:
        at.checkbox(key="start-names").check()
    at.button(key="FormSubmitter:team-start-Start de sessie").click().run()
    return ok(at)


def code_on_screen(at: AppTest) -> str:
    title = at.title[0].value
    assert title.startswith("Code: "), title
    return title.removeprefix("Code: ")


def join(at: AppTest, code: str | None = None, name: str | None = None) -> AppTest:
    if code is not None:
        at.text_input(key="join-code").input(code)
    if name is not None:
        at.text_input(key="join-name").input(name)
    at.button(key="FormSubmitter:join-Meedoen").click().run()
    return ok(at)


def teacher_joins(username: str, code: str) -> AppTest:
    return join(goto(as_user(username), JOIN), code)


def guest_by_link(code: str, name: str) -> AppTest:
    """A phone that scanned the QR code: /meedoen?code=..., nobody signed in."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["code"] = code
    ok(at.run())
    goto(at, JOIN)
    assert at.text_input(key="join-code").value == code  # prefilled from the link
    assert "Je echte naam is niet nodig" in texts(at)
    return join(at, name=name)


def vote(at: AppTest, step: int, choice_id: str, reason: str = "") -> AppTest:
    at.radio(key=f"vote-choice-{step}").set_value(choice_id)
    at.text_input(key=f"vote-reason-{step}").input(reason)
    at.button(key=f"vote-submit-{step}").click().run()
    return ok(at)


def session_of(store, facilitator) -> team.TeamSession:
    (session,) = store.list_team_sessions(facilitator.id)
    return session


def choices_now(store, facilitator) -> list[str]:
    session = session_of(store, facilitator)
    scenario = load_library().get(session.scenario_id)
    return [c.id for c in engine.available_choices(scenario, team.state(session, scenario))]


def charts(at: AppTest) -> list:
    return list(at.get("arrow_vega_lite_chart")) + list(at.get("vega_lite_chart"))


def situation_open(at: AppTest) -> bool:
    (situation,) = [e for e in at.expander if e.label == "De situatie"]
    return situation.proto.expanded


def reveal_button(at: AppTest):
    return at.button(key="lead-reveal")


def test_a_whole_session_with_three_participants_a_refresh_and_a_late_joiner(world):
    store, people = world
    fac = start_session(guests=True)
    code = code_on_screen(fac)
    assert "/meedoen?code=" + code.replace("-", "") in texts(fac)  # the join link, also as QR code
    assert fac.get("image"), "the QR code of the join link is shown"
    assert "0 van 0 gestemd" in texts(fac)

    one, two = teacher_joins(TEACHER_1, code), teacher_joins(TEACHER_2, code)
    guest = guest_by_link(code, "Gast <b>Zwaluw</b>")
    assert escape_markdown("Gast <b>Zwaluw</b>") in texts(guest)
    assert "sessie" in guest.query_params and "deelnemer" not in guest.query_params  # the URL is no pass
    jar = collect_cookies(guest, {})
    assert "samenspel_apparaat" in jar  # the browser is the guest's identity

    # --- decision 1: vote, change a vote, refresh, rejoin, reveal, a late vote, the majority ---
    c = choices_now(store, people[FACILITATOR])
    vote(one, 0, c[0], "Eerst <i>luisteren</i> naar de ouders")
    vote(two, 0, c[1])
    vote(two, 0, c[0], "Samen beslissen")  # changeable until the reveal
    vote(guest, 0, c[1], "Sneller duidelijkheid")
    assert "Je stem:" in texts(guest) and "Je stem is bewaard" in texts(guest)

    copied = AppTest.from_file(APP, default_timeout=TIMEOUT)  # the guest's link, opened in another browser
    copied.query_params["sessie"] = guest.query_params["sessie"]
    goto(ok(copied.run()), JOIN)
    assert copied.text_input(key="join-code") and not copied.get("radio"), "a copied link is not the guest"
    assert "Op dit apparaat doe je nog niet mee" in texts(copied)
    assert copied.text_input(key="join-code").value == code  # a forwarded link: joining as yourself is one click

    refreshed = AppTest.from_file(APP, default_timeout=TIMEOUT)  # the guest's own browser, after F5
    refreshed.query_params["sessie"] = guest.query_params["sessie"]
    with with_cookies(jar):
        goto(ok(refreshed.run()), JOIN)
    assert refreshed.radio(key="vote-choice-0").value == c[1]  # the vote survived the refresh
    assert "**Je stem:** B." in texts(refreshed)
    guest = refreshed

    rejoined = teacher_joins(TEACHER_1, code)  # another device, the same account
    assert rejoined.radio(key="vote-choice-0").value == c[0]
    assert len(session_of(store, people[FACILITATOR]).participants) == 3

    ok(fac.run())  # the live panel refreshes
    page = texts(fac)
    assert "3 van 3 gestemd" in page
    assert "stemmen —" not in page and not charts(fac), "no distribution before the reveal"

    click(fac, "lead-reveal")
    page = texts(fac)
    assert "2 stemmen" in page and "1 stem" in page and charts(fac)
    assert escape_markdown("Eerst <i>luisteren</i> naar de ouders") in page  # reasons as plain text
    assert "Zwaluw" not in page and escape_markdown(TEACHER_1) not in page  # anonymous by default
    assert "Bespreek met elkaar:" in page
    assert "De meeste stemmen: A (2 van 3 stemmen). Na de bespreking" in page  # everybody voted
    assert fac.radio(key="lead-choice-0").value == c[0]  # the majority is preselected

    vote(two, 0, c[2])  # two's screen still showed the form: the vote is refused
    assert "De stemming voor deze keuze is al gesloten." in [e.value for e in two.error]
    assert (
        session_of(store, people[FACILITATOR])
        .vote_of(session_of(store, people[FACILITATOR]).participants[1].id)
        .choice_id
        == c[0]
    )
    ok(one.run())
    assert "De stemmen zijn bekend" in texts(one) and not one.get("form")

    click(fac, "lead-decide")
    assert session_of(store, people[FACILITATOR]).choices == [c[0]]
    assert "De groep koos:" in texts(fac)

    # --- decision 2: a late joiner enters at the current scene; the facilitator overrides ---
    late = guest_by_link(code, "Laatkomer")
    assert late.radio(key="vote-choice-1") and not [r for r in late.radio if r.key == "vote-choice-0"]
    c = choices_now(store, people[FACILITATOR])
    for at in (one, two, guest):
        ok(at.run())
        vote(at, 1, c[0])
    vote(late, 1, c[1], "Tijd nemen")
    ok(fac.run())
    assert "4 van 4 gestemd" in texts(fac)
    click(fac, "lead-reveal")
    fac.radio(key="lead-choice-1").set_value(c[1])  # after discussion the group chooses otherwise
    click(fac, "lead-decide")
    session = session_of(store, people[FACILITATOR])
    assert session.choices[1] == c[1] and session.decisions[1].majority == c[0]

    # --- the facilitator's browser restarts: resume from "Mijn sessies" ---
    fac = as_user(FACILITATOR)
    assert "Mijn sessies" in texts(fac) and "Bezig · keuze 3" in texts(fac)
    click(fac, f"open-{session.id}")
    assert code_on_screen(fac) == code and "0 van 4 gestemd" in texts(fac)

    # --- the remaining decisions: everybody agrees, the majority is set ---
    participants = (one, two, guest, late)
    for _ in range(12):
        session = session_of(store, people[FACILITATOR])
        if session.status == "finished":
            break
        c = choices_now(store, people[FACILITATOR])
        for at in participants:
            ok(at.run())
            vote(at, session.step, c[0])
        ok(fac.run())  # the live count sees the votes: the reveal button is enabled
        click(fac, "lead-reveal")
        click(fac, "lead-decide")
    session = session_of(store, people[FACILITATOR])
    assert session.status == "finished" and session.participant_count == 4
    assert len(session.decisions) == len(session.choices) >= 3

    # --- the group debrief ---
    page = texts(fac)
    for heading in (
        "Nabespreking met de groep",
        "De route van de groep",
        "Principeprofiel van de groep",
        "Waar de groep het minst eens was",
        "Einde:",
    ):
        assert heading in page, heading
    assert "na bespreking koos de groep anders dan de meerderheid" in page
    assert "4 deelnemers" in page and len(charts(fac)) >= 1

    ok(one.run())
    assert "Nabespreking met de groep" in texts(one) and one.button(key="team-reflect")
    ok(guest.run())
    assert "Een logboek kan alleen met een account" in texts(guest)
    assert not [b for b in guest.button if b.key == "team-reflect"]
    after_the_end = AppTest.from_file(APP, default_timeout=TIMEOUT)  # the guest refreshes after the ending
    after_the_end.query_params["sessie"] = session.id
    with with_cookies(jar):
        goto(ok(after_the_end.run()), JOIN)
    assert "Nabespreking met de groep" in texts(after_the_end)

    fac = as_user(FACILITATOR)  # the finished session is kept
    assert "Afgerond" in texts(fac)
    click(fac, f"open-{session.id}")
    assert "Waar de groep het minst eens was" in texts(fac)
    assert escape_markdown("Eerst <i>luisteren</i> naar de ouders") in texts(fac)  # reasons are kept

    # --- a personal reflection, saved in the participant's own log with a link to the session ---
    click(one, "team-reflect")
    assert one.title[0].value == "Reflectie" and "Je reflecteert op de teamsessie" in texts(one)
    goto(one, REFLECTION)  # AppTest keeps asking for the page of its last switch_page (Meedoen): pin this one
    one.text_area(key="refl-ik_wilde").input("Ik wilde dat de groep eerst luisterde.")
    one.text_area(key="refl-voornemen").input("Ik vraag de ouders eerst wat zij zien.")
    one.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    assert "Je reflectie staat in je logboek." in texts(ok(one))
    (saved,) = store.list_reflections(people[TEACHER_1].id)
    assert saved.team_session_id == session.id and saved.scenario_id == SCENARIO
    assert store.list_reflections(people[TEACHER_2].id) == []
    goto(one, LOGBOOK)
    assert "Ik vraag de ouders eerst wat zij zien." in texts(one)


def test_a_projector_only_session_is_run_by_clicks(world):
    store, people = world
    fac = start_session("de-taalbarriere", projector=True)
    assert not fac.title[0].value.startswith("Code:"), "no join code without devices"
    assert "gestemd" not in texts(fac) and not [b for b in fac.button if b.key == "lead-reveal"]
    for _ in range(12):
        picks = [b.key for b in fac.button if b.key and b.key.startswith("lead-pick-")]
        if not picks:
            break
        assert "Bespreek met elkaar:" in texts(fac)
        click(fac, picks[-1])
    session = session_of(store, people[FACILITATOR])
    assert session.status == "finished" and session.projector_only and session.participant_count == 0
    page = texts(fac)
    assert "Nabespreking met de groep" in page and "gekozen na bespreking" in page
    assert "Principeprofiel van de groep" in page


def test_a_guest_cannot_join_a_session_for_accounts_only(world):
    fac = start_session("de-veeleisende-ouder")
    code = code_on_screen(fac)
    at = goto(open_app(), JOIN)
    join(at, code.lower(), "Gast")
    assert "Voor deze sessie moet je ingelogd zijn. Log eerst in." in [e.value for e in at.error]
    assert at.button(key="join-sign-in")
    join(at, "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY", "Gast")
    assert team.UNKNOWN_CODE in [e.value for e in at.error]


def test_the_reveal_waits_for_a_vote_and_the_notes_are_honest_about_turnout(world):
    store, people = world
    fac = start_session("de-taalbarriere", names=True)
    code = code_on_screen(fac)
    assert reveal_button(fac).proto.disabled and "Nog niemand doet mee." in texts(fac)
    assert situation_open(fac), "the situation is open while the group gathers"

    one, two = teacher_joins(TEACHER_1, code), teacher_joins(TEACHER_2, code)
    ok(fac.run())  # the live count sees the participants: the page is redrawn with the situation folded away
    assert "0 van 2 gestemd" in texts(fac) and not situation_open(fac)
    assert reveal_button(fac).proto.disabled and "Nog niemand heeft gestemd." in texts(fac)

    assert "In deze sessie staat je naam bij je reden." in texts(one) and "anoniem" not in texts(one)
    assert one.button(key="vote-submit-0").proto.label == "Stem"
    c = choices_now(store, people[FACILITATOR])
    vote(one, 0, c[1], "Persoonlijk")
    assert one.button(key="vote-submit-0").proto.label == "Stem wijzigen"
    assert two.button(key="vote-submit-0").proto.label == "Stem"

    ok(fac.run())
    assert "1 van 2 gestemd" in texts(fac) and not reveal_button(fac).proto.disabled
    click(fac, "lead-reveal")
    page = texts(fac)
    assert "De meeste stemmen: B (1 van 1 stem). 1 van de 2 deelnemers heeft gestemd." in page
    assert "meerderheid" not in page and "Er is niet gestemd." not in page
    assert escape_markdown(TEACHER_1) in page  # names are shown in this session


def test_a_reveal_without_votes_gives_one_clear_message(world):
    store, people = world
    fac = start_session("de-taalbarriere")
    assert "Je reden is anoniem." in texts(teacher_joins(TEACHER_1, code_on_screen(fac)))
    team.reveal(store, session_of(store, people[FACILITATOR]).id, people[FACILITATOR])  # e.g. from an old tab
    page = texts(ok(fac.run()))
    assert "Er is niet gestemd." in page and "meerderheid" not in page and "Redenen" not in page
    assert "Kies na de bespreking zelf de keuze van de groep." in page


def test_the_decision_note_counts_votes_in_singular_and_plural():
    from modules.ui.widgets import team as tw

    session = team.TeamSession(code="ABC234", facilitator_id="f", scenario_id="s")
    one = team.Decision(step=0, node_id="n", tally={"a": 1, "b": 0}, voters=1, chosen="a", majority="a")
    assert tw._decision_note(session, one) == "1 van 1 stem"
    overruled = team.Decision(step=0, node_id="n", tally={"a": 2, "b": 1}, voters=3, chosen="b", majority="a")
    assert tw._decision_note(session, overruled) == (
        "1 van 3 stemmen · na bespreking koos de groep anders dan de meerderheid"
    )
    plurality = team.Decision(step=0, node_id="n", tally={"a": 2, "b": 1, "c": 1}, voters=4, chosen="b", majority="a")
    assert tw._decision_note(session, plurality).endswith("anders dan de meeste stemmen")


def test_the_facilitator_downloads_the_guide_for_the_scenario_chosen(world, downloads):
    at = as_user(FACILITATOR)
    assert {b.key for b in at.download_button} == {"lead-guide-html", "lead-guide-md"}
    picker = at.selectbox(key="guide-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label == "Het advies")).run()
    ok(at)
    page = downloads["handleiding-het-advies.html"].decode("utf-8")
    assert "<h1>Handleiding studiebijeenkomst: Het advies</h1>" in page and "**90 minuten**" not in page
    assert "<strong>90 minuten</strong>" in page
    assert (
        downloads["handleiding-het-advies.md"].decode("utf-8").startswith("# Handleiding studiebijeenkomst: Het advies")
    )
