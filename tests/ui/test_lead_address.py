"""The address of *Teamsessie leiden* names the session led and the view, so a new browser session opens them again.

A refresh, or another app server after the facilitator's server went down (tests/e2e/test_cluster.py),
starts a new browser session: only the address is left. It is no pass: another facilitator with the
same address gets the overview.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from modules.library.scenarios import load_library
from modules.people import accounts
from modules.storage import TinyDBStore
from modules.ui.widgets import team_lead
from tests.pages import PASSWORD, as_user, click, texts

FACILITATOR, OTHER = "gespreksleider", "andere-leider"
SCENARIO = "de-taalbarriere"


@pytest.fixture
def facilitators(app_env):
    """The store, with two facilitator accounts."""
    store = TinyDBStore(app_env)
    for name in (FACILITATOR, OTHER):
        accounts.ensure_account(store, name, PASSWORD, "facilitator")
    return store


def _start() -> AppTest:
    at = as_user(FACILITATOR)
    scenario = load_library().get(SCENARIO)
    assert scenario is not None
    picker = at.selectbox(key="start-scenario")
    picker.select_index(next(i for i, label in enumerate(picker.options) if label.startswith(scenario.title)))
    at.button(key="FormSubmitter:team-start-Start de sessie").click().run()
    assert not at.exception, at.exception
    return at


def _opened_with(username: str, address: dict[str, str]) -> AppTest:
    """A new browser session of ``username`` (signed in again, as by the cookie) on this address."""
    at = as_user(username)
    for name, value in address.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _in_session(at: AppTest) -> bool:
    return "lead-close" in {b.key for b in at.button}


def _in_projector_view(at: AppTest) -> bool:
    return "lead-controls" in {b.key for b in at.button}


def test_the_address_names_the_session_and_the_view(facilitators):
    lead = _start()
    (session,) = facilitators.list_team_sessions()
    assert lead.query_params["sessie"] == session.id
    click(lead, "lead-projector")
    assert lead.query_params["weergave"] == "projector"

    again = _opened_with(FACILITATOR, {"sessie": session.id, "weergave": "projector"})
    assert _in_projector_view(again) and again.session_state[team_lead.LEAD] == session.id

    click(again, "lead-controls")  # back to the controls: the address says so too
    assert "weergave" not in again.query_params and _in_session(again)
    click(again, "lead-back")  # to "Mijn sessies": the address names no session any more
    assert "sessie" not in again.query_params and "Mijn sessies" in texts(again)

    controls = _opened_with(FACILITATOR, {"sessie": session.id})
    assert _in_session(controls) and not _in_projector_view(controls)


def test_the_address_is_no_pass(facilitators):
    _start()
    (session,) = facilitators.list_team_sessions()
    stranger = _opened_with(OTHER, {"sessie": session.id, "weergave": "projector"})
    assert not _in_session(stranger) and not _in_projector_view(stranger)
    assert "Mijn sessies" in texts(stranger) and "sessie" not in stranger.query_params
    assert session.code not in texts(stranger).replace("-", "")
