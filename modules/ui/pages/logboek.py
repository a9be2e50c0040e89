"""Logbook: past attempts and reflections; open, replay, resume."""

import streamlit as st

from modules import reflection
from modules.store import StoreError
from modules.ui import common

user = common.require_user()
library = common.library()

st.title("Logboek")
try:
    attempts = common.store().list_attempts(user.id)
    reflections = common.store().list_reflections(user.id)
except StoreError as exc:
    common.store_error(exc)
    st.stop()

tab_reflections, tab_attempts = st.tabs([f"Reflecties ({len(reflections)})", f"Gesprekken ({len(attempts)})"])

with tab_reflections:
    if not reflections:
        st.info("Je hebt nog geen reflecties. Na een gesprek kun je er een schrijven.")
    for item in reflections:
        title = item.scenario_title or "Losse reflectie"
        with st.expander(f"{title} — {common.short_date(item.created_at)}"):
            st.markdown(f"**{reflection.INTENTION.label}**")
            common.user_text(item.intention)
            for key, text in item.answers.items():
                st.markdown(f"**{reflection.label(key)}**")
                common.user_text(text)

with tab_attempts:
    if not attempts:
        st.info("Je hebt nog geen gesprekken gespeeld.")
    for item in attempts:
        scenario = library.get(item.scenario_id)
        title = item.scenario_title or item.scenario_id
        with st.container(border=True):
            if item.finished and scenario is not None and item.state.ending in scenario.endings:
                status = f"Afgerond: {scenario.endings[item.state.ending].title}"
            else:
                steps = len(item.state.steps)
                status = f"Bezig ({steps} {'keuze' if steps == 1 else 'keuzes'})"
            st.markdown(f"**{title}** — {status}")
            st.caption(f"Begonnen {common.short_date(item.started_at)} · bijgewerkt {common.short_date(item.updated_at)}")
            if scenario is None:
                st.caption("Dit scenario staat niet meer in de bibliotheek.")
                continue
            cols = st.columns(3)
            if item.finished:
                if cols[0].button("Nabespreking", key=f"debrief-{item.id}"):
                    common.go("nabespreking", **{common.ATTEMPT: item.id, common.SCENARIO: item.scenario_id})
            elif cols[0].button("Verder spelen", key=f"resume-{item.id}", type="primary"):
                common.go("spelen", **{common.ATTEMPT: item.id, common.SCENARIO: item.scenario_id})
            if cols[1].button("Opnieuw spelen", key=f"replay-{item.id}"):
                st.session_state.pop(common.ATTEMPT, None)
                common.go("spelen", **{common.SCENARIO: item.scenario_id})
