"""Scenario library: cards with status, and author errors for broken files."""

import streamlit as st

from modules.people import accounts
from modules.play import practice
from modules.storage import StoreError
from modules.ui import context, errors, signin, wording
from modules.ui.widgets import authoring, finder, guides

user = signin.require_user()
library = context.library()
catalogue = context.catalogue()

st.title("Scenario's")

new_comments = context.unread_comments(user)
if new_comments:
    st.info(f"Je coach heeft gereageerd: {wording.comments_label(new_comments)} in je logboek.", icon="🔵")
    if st.button("Naar mijn logboek", key="unread-to-log"):
        context.go("logboek")

st.markdown("Kies een gesprek om te oefenen. Je kunt elk scenario vaker spelen en andere routes ontdekken.")

try:
    attempts = context.store().list_attempts(user.id)
except StoreError as exc:
    errors.store_error(exc)
    attempts = []

scenarios = library.sorted()
if scenarios:
    finder.suggestion(scenarios, attempts, catalogue)
    wanted = finder.filters(scenarios, catalogue)
    shown = [s for s in scenarios if wanted.matches(s)]
    if wanted.active:
        fit = "past" if len(shown) == 1 else "passen"
        st.caption(f"{len(shown)} van de {len(scenarios)} scenario's {fit} bij je keuze.")
        if not shown:
            st.info("Geen scenario past bij al je keuzes. Haal een keuze weg om meer te zien.")
    scenarios = shown

for scenario in scenarios:
    status = practice.status(scenario, [a for a in attempts if a.scenario_id == scenario.id])
    with st.container(border=True):
        st.header(scenario.title)
        st.markdown(scenario.summary)
        names = [p.name for pid in scenario.principles if (p := catalogue.get(pid)) is not None]
        more = f" en {len(names) - 3} meer" if len(names) > 3 else ""
        theme = f" · {scenario.theme.value}" if scenario.theme is not None else ""
        st.caption(f"{context.SCHOOL_TYPES[scenario.school_type.value]}{theme} · ongeveer {scenario.minutes} minuten")
        st.caption(f"Je oefent onder meer: {' · '.join(names[:3])}{more}")
        st.markdown(f"**Status:** {status.label} · {status.endings_label}")
        with st.popover("Handleiding voor een studiebijeenkomst"):
            guides.downloads(scenario, key=f"guide-{scenario.id}")
        cols = st.columns(2)
        if status.open_attempt is not None:
            if cols[0].button("Verder spelen", key=f"resume-{scenario.id}", type="primary"):
                context.go("spelen", **{context.SCENARIO: scenario.id, context.ATTEMPT: status.open_attempt.id})
        label = "Start" if status.state == "nieuw" else "Opnieuw spelen"
        column = cols[1] if status.open_attempt is not None else cols[0]
        if column.button(label, key=f"start-{scenario.id}", type="secondary" if status.open_attempt else "primary"):
            st.session_state.pop(context.ATTEMPT, None)
            context.go("spelen", **{context.SCENARIO: scenario.id})

if not library.scenarios:
    st.warning("Er zijn nog geen scenario's die gespeeld kunnen worden.")

if accounts.is_author(user):
    authoring.author_box(key="scenarios-authors")
