"""The projector view of *Teamsessie leiden*: big code and QR code, the live count and the reveal, no menu.

Each person is an AppTest session on one store. Fragments with ``run_every`` do not tick under
AppTest: ``at.run()`` stands in for the next second. The browser test
(``tests/e2e/test_projector.py``) checks what fits on the screen.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from modules.library.scenarios import load_library
from modules.people import accounts
from modules.play import engine
from modules.storage import TinyDBStore
from modules.team import sessions as team
from modules.ui.widgets import team_lead
from tests.pages import PASSWORD, as_user, click, goto, texts

JOIN = "ui/pages/meedoen.py"
SCENARIO = "de-taalbarriere"
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


def start_session(*, projector_only: bool = False) -> AppTest:
    at = as_user(FACILITATOR)
    scenario = load_library().get(SCENARIO)
    assert scenario is not None
    title = scenario.title
    picker = at.selectbox(key="start-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label.startswith(title)))
    at.checkbox(key="start-guests").check()
    if projector_only:
        at.checkbox(key="start-projector").check()
    at.button(key="FormSubmitter:team-start-Start de sessie").click().run()
    return ok(at)


def session_of(store, people) -> team.TeamSession:
    (session,) = store.list_team_sessions(people[FACILITATOR].id)
    return session


def choices_now(store, people) -> list[str]:
    session = session_of(store, people)
    scenario = load_library().get(session.scenario_id)
    assert scenario is not None
    return [c.id for c in engine.available_choices(scenario, team.state(session, scenario))]


def join_and_vote(username: str, code: str, step: int, choice_id: str) -> AppTest:
    at = goto(as_user(username), JOIN)
    at.text_input(key="join-code").input(code)
    at.button(key="FormSubmitter:join-Meedoen").click().run()
    at.radio(key=f"vote-choice-{step}").set_value(choice_id)
    at.button(key=f"vote-submit-{step}").click().run()
    return ok(at)


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def qr_images(at: AppTest) -> list:
    """The images of the run (the QR code is the only one on this page), as ``Image`` protos with ``alt``."""
    return [img for node in at.get("image") for img in node.proto.imgs]


def projector_style(at: AppTest) -> list[str]:
    """The projector view's style: an ``st.html`` with only a <style> (Streamlit sends it to the event container)."""
    return [node.proto.body for node in at.get("html")]


def in_projector_view(at: AppTest) -> bool:
    styles = projector_style(at)
    return bool(styles) and "lead-controls" in keys(at)


def test_the_qr_code_has_a_text_alternative_with_the_join_code(world):
    fac = start_session()
    code = fac.title[0].value.removeprefix("Code: ")
    (qr,) = qr_images(fac)
    assert qr.alt == f"QR-code om mee te doen met code {code}"
    assert qr.caption == "Scan om mee te doen"

    click(fac, "lead-projector")
    (qr,) = qr_images(fac)
    assert qr.alt == f"QR-code om mee te doen met code {code}"


def test_the_projector_view_shows_the_code_and_the_count_reveals_and_leads_back_to_the_controls(world):
    store, people = world
    fac = start_session()
    code = fac.title[0].value.removeprefix("Code: ")
    assert not projector_style(fac), "the controls keep the app's menu"
    assert {"lead-projector", "lead-back", "lead-close", "lead-reveal"} <= keys(fac)

    click(fac, "lead-projector")
    assert in_projector_view(fac)
    (style,) = projector_style(fac)
    assert style.startswith("<style>") and style.rstrip().endswith("</style>")
    for hidden in ("stSidebar", "stHeader", "stToolbar"):
        assert f'[data-testid="{hidden}"]' in style  # no menu, no account, no toolbar
    assert style == team_lead.PROJECTOR_CSS, "constant CSS: nothing of the session or of a user in it"
    assert code in [t.value for t in fac.title]  # the code large, without "Code:"
    assert f"/meedoen?code={code.replace('-', '')}" in texts(fac)
    assert "0 van 0 gestemd" in texts(fac) and fac.button(key="lead-reveal").proto.disabled
    assert not {"lead-back", "lead-close", "lead-projector"} & keys(fac), "controls stay in Bediening"

    c = choices_now(store, people)
    join_and_vote(TEACHER_1, code, 0, c[0])
    join_and_vote(TEACHER_2, code, 0, c[0])
    ok(fac.run())  # the live count's next second
    assert "2 van 2 gestemd" in texts(fac) and not fac.button(key="lead-reveal").proto.disabled
    assert "stemmen —" not in texts(fac), "no distribution before the reveal"

    click(fac, "lead-reveal")  # the reveal from the projector view itself
    assert in_projector_view(fac)
    page = texts(fac)
    assert "De stemmen" in page and "2 stemmen" in page and "Bespreek met elkaar:" in page
    assert code in page, "the code stays on screen for late joiners"
    assert fac.radio(key="lead-choice-0").value == c[0]

    click(fac, "lead-decide")
    assert in_projector_view(fac), "the next decision stays on the projector"
    assert session_of(store, people).step == 1
    assert "0 van 2 gestemd" in texts(fac) and "De groep koos:" in texts(fac)

    click(fac, "lead-controls")
    assert not projector_style(fac) and fac.title[0].value == f"Code: {code}"
    assert {"lead-projector", "lead-back", "lead-close"} <= keys(fac)


def test_a_reveal_on_the_facilitators_own_device_shows_on_the_projector(world):
    store, people = world
    projector = start_session()
    code = projector.title[0].value.removeprefix("Code: ")
    session_id = session_of(store, people).id
    click(projector, "lead-projector")

    own_device = as_user(FACILITATOR)  # the facilitator's laptop, signed in as well
    click(own_device, f"open-{session_id}")
    assert not projector_style(own_device), "each browser has its own view"
    join_and_vote(TEACHER_1, code, 0, choices_now(store, people)[1])
    ok(own_device.run())
    click(own_device, "lead-reveal")

    ok(projector.run())  # the live count sees the reveal and redraws the page
    assert in_projector_view(projector) and "De stemmen" in texts(projector)
    click(own_device, "lead-decide")
    ok(projector.run())  # the revealed screen follows the session too
    assert in_projector_view(projector) and "0 van 1 gestemd" in texts(projector)


def test_a_projector_only_session_is_led_by_clicks_in_the_projector_view(world):
    store, people = world
    fac = start_session(projector_only=True)
    click(fac, "lead-projector")
    assert in_projector_view(fac) and not qr_images(fac), "no join code without devices"
    for _ in range(12):
        picks = [key for key in keys(fac) if key.startswith("lead-pick-")]
        if not picks:
            break
        assert "Bespreek met elkaar:" in texts(fac)
        click(fac, sorted(picks)[0])
        assert "lead-controls" in keys(fac)
    assert session_of(store, people).status == "finished"
    assert in_projector_view(fac) and "Nabespreking met de groep" in texts(fac)
    click(fac, "lead-controls")
    assert not projector_style(fac) and "Nabespreking met de groep" in texts(fac)


def test_the_projector_view_belongs_to_one_session(world):
    store, people = world
    fac = start_session()
    click(fac, "lead-projector")
    assert fac.session_state[team_lead.PROJECTOR] == session_of(store, people).id
    fac.session_state[team_lead.LEAD] = "een-andere-sessie"  # not the facilitator's: back to the overview
    ok(fac.run())
    assert fac.title[0].value == "Teamsessie leiden" and not projector_style(fac)
