"""Werkplaats: authors see, test and improve a scenario; publishers put it in the library."""

import streamlit as st

from modules.authoring import workshop
from modules.people import accounts
from modules.ui import context, signin
from modules.ui.widgets import workshop as parts

st.set_page_config(layout="wide")  # the map and the test beside its inspector need the width
user = signin.require_user()
store = context.store()
if not accounts.can_author(user):
    st.title("Werkplaats")
    st.info("De Werkplaats is voor auteurs. Een beheerder kan je auteursrechten geven.")
    st.stop()

st.title("Werkplaats")
st.markdown(
    "Hier schrijf en test je scenario's. Een concept blijft privé tot je het aanbiedt of publiceert. "
    "Vul nooit namen van echte kinderen of ouders in."
)
parts.show_flash()
names = parts.AccountNames(store)
drafts = workshop.drafts_for(store, user)
opened = parts.choose_draft(drafts, user, names)
parts.new_draft(store, user, bool(drafts))
if opened is None:
    st.stop()

parts.twine_notes()
parts.summary(opened, names)
section = st.segmented_control(
    "Onderdeel", parts.SECTIONS, default=parts.SECTIONS[0], key="werkplaats-onderdeel", width="stretch"
)
section = section or parts.SECTIONS[0]
if section == "Kaart":
    parts.branch_map(opened)
elif section == "Controle":
    parts.checks(opened)
elif section == "Testen":
    parts.test_play(opened)
elif section == "Bewerken":
    parts.edit(store, user, opened)
elif section == "Publiceren":
    parts.publish(store, user, opened, names)
else:
    parts.practice(store, opened)
