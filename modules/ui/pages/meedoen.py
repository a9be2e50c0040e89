"""Join a team session: the join code, the current scene, your vote, and the group debrief.

Open to everyone: signed-in users join as themselves, guests (when the session allows it)
with a name they choose; see ``modules.ui.widgets.team_join``.
"""

import streamlit as st

from modules.ui import signin, wording
from modules.ui.widgets import team_join

user = signin.current_user()
found = team_join.find_participation(user)
if found is None:
    team_join.join_form(user)
    st.stop()

session, participant = found
st.title(session.scenario_title or "Teamsessie")
if participant.name:
    st.caption(f"Je doet mee als {wording.escape_markdown(participant.name)}.")
if session.status == "finished":
    team_join.finished_screen(user, session, participant)
else:
    team_join.live(user, session.id, participant.id)
if st.button("Met een andere code meedoen", key="leave"):
    team_join.forget()
    st.session_state.pop("join-code", None)
    st.rerun()
