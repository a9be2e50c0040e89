"""Mijn ontwikkeling: my principle profile over time, my play-throughs and reflections, my intentions and
how they went. The view is the coach's (``widgets/coach.development``), over all of my own data."""

import streamlit as st

from modules.people import coaching, development
from modules.ui import context, signin
from modules.ui.widgets import coach as parts
from modules.ui.widgets import development as growth

user = signin.require_user("teacher", "facilitator", "coach")
store = context.store()
library = context.library()

st.title("Mijn ontwikkeling")
st.markdown(
    "Hier zie je hoe je oefent: je gesprekken en reflecties, je principeprofiel door de tijd en je voornemens. "
    "Bij elk voornemen staat hoe het ging, zoals je dat in je volgende reflectie schreef. "
    "Je ziet hier alles van jezelf, ook wat je niet deelt."
)

data = development.load_own(store, user)
entries = development.own_timeline(data.attempts, data.reflections, library, data.shared_ids)
rows = coaching.profile_rows(data.attempts, library, context.catalogue())
shown = parts.development("ontwikkeling", entries, rows, parts.OWN_VIEW)
trails = data.trails
growth.intentions(development.trails_shown(trails, shown), trails, library)
