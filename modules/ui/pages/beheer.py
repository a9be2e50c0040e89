"""Accounts beheren: an admin creates accounts, makes reset codes, changes roles, switches accounts off."""

from datetime import UTC, datetime

import streamlit as st

from modules.records import limits
from modules.ui import context, signin
from modules.ui.widgets import admin as parts
from modules.ui.widgets import authoring

admin = signin.require_user("admin")
store = context.store()

st.title("Accounts beheren")
st.markdown(
    "Hier maak je accounts voor coaches en gespreksleiders, maak je een code om een wachtwoord opnieuw in te "
    "stellen en zet je accounts uit of weer aan. Leraren maken zelf een account op de welkomstpagina."
)

st.header("Nieuw account")
parts.create_form(store, admin)

everyone = store.list_accounts()
now = datetime.now(UTC)
st.header(f"Alle accounts ({len(everyone)})")
query = st.text_input("Zoek op gebruikersnaam", key="search", max_chars=limits.SEARCH).strip().casefold()
shown = [a for a in everyone if query in a.username.casefold()]
parts.account_table(shown, query, now)

st.header("Account aanpassen")
parts.account_editor(store, admin, shown, now)

st.header("Scenario's")
st.caption("Scenariobestanden met fouten en de kwaliteitseisen. Leraren zien dit niet.")
authoring.author_box(key="beheer-authors")
