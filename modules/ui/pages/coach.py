"""Mijn leraren: invite code, connected teachers, their timeline and principle profile, shared reflections, CSV."""

import streamlit as st

from modules.people import accounts, coaching, sharing
from modules.ui import context, signin, wording
from modules.ui.widgets import coach as parts
from modules.ui.widgets import xapi as learning_records

user = signin.require_user("coach")
store = context.store()
library = context.library()

st.title("Mijn leraren")
parts.invite_code(store, user)

teachers = sharing.my_teachers(store, user)
if not teachers:
    st.info(
        "Er zijn nog geen leraren met je verbonden. Geef je uitnodigingscode aan een leraar. "
        "Als de leraar de code invult bij ‘Mijn coach’, zie je hier zijn of haar gesprekken. "
        "Reflecties zie je alleen als de leraar ze met je deelt."
    )
    st.stop()

names = {t.id: t.username for t in teachers}
teacher_id = st.selectbox("Kies een leraar", list(names), format_func=lambda tid: names[tid], key="coach-teacher")
try:
    data = coaching.load_teacher(store, user, teacher_id)
except accounts.PermissionDenied:
    st.info("Deze leraar is niet meer met je verbonden.")
    st.stop()

st.header(f"Leraar: {wording.escape_markdown(data.teacher.username)}")
st.caption(
    "Je ziet de gesprekken van deze leraar (scenario, route, einde en principeprofiel) "
    "en alleen de reflecties die de leraar met je deelt."
)

entries = coaching.timeline(data.attempts, data.shared, library, data.unread)
rows = coaching.profile_rows(data.attempts, library, context.catalogue())
shown = parts.development(f"coach-{teacher_id}", entries, rows, parts.COACH_VIEW)
parts.shared_reflections(user, data, shown, library)
parts.csv_download(store, user, library)
learning_records.shared(store, user, library)
