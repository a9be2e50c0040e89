"""Teamoverzicht (the coach's cohort in code): aggregates over the teachers connected to me; no names."""

import streamlit as st

from modules.people import coaching, development
from modules.ui import context, signin
from modules.ui.widgets import coach as parts

user = signin.require_user("coach")
library = context.library()

st.title("Teamoverzicht")
st.markdown(
    "Hier zie je samengevat wat de leraren oefenen die met je verbonden zijn. "
    "**Er staan geen namen in:** je ziet alleen aantallen per principe en per scenario."
)

teachers, attempts = coaching.load_cohort(context.store(), user)

if teachers == 0:
    st.info(
        "Er zijn nog geen leraren met je verbonden. Geef je uitnodigingscode (op de pagina ‘Mijn leraren’) "
        "aan leraren. Als zij verbonden zijn, zie je hier een overzicht van het hele team."
    )
    st.stop()

if teachers < coaching.SMALL_GROUP:
    st.warning(
        f"Let op: er {'is' if teachers == 1 else 'zijn'} nog maar {teachers} "
        f"{'leraar' if teachers == 1 else 'leraren'} met je verbonden. In een kleine groep kun je soms toch "
        "herkennen van wie de cijfers komen. Ga daar zorgvuldig mee om en bespreek ze niet met anderen."
    )

scenarios = {a.scenario_id: coaching.scenario_title(a.scenario_id, a.scenario_title, library) for a in attempts}
scenario_order = sorted(scenarios, key=lambda s: scenarios[s].lower())
cols = st.columns(2)
scenario_id = cols[0].selectbox(
    "Scenario",
    [None, *scenario_order],
    key="team-scenario",
    format_func=lambda s: "Alle scenario's" if s is None else scenarios[s],
)
with cols[1]:
    period = parts.period_picker("team-period")  # Dutch periods, not Streamlit's English calendar
filters = development.filters(scenario_id, None, period, development.today())
overview = coaching.cohort_overview(teachers, coaching.filter_attempts(attempts, filters), library, context.catalogue())

metrics = st.columns(3)
metrics[0].metric("Verbonden leraren", overview.teachers)
metrics[1].metric("Gesprekken", overview.attempts)
metrics[2].metric("Afgerond", overview.finished)

parts.cohort_neglected(overview)
parts.cohort_scenarios(overview)
