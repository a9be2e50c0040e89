"""Teamoverzicht (the coach's cohort in code): aggregates over the teachers connected to me; no names."""

import altair as alt
import streamlit as st

from modules.people import coaching
from modules.ui import context, signin, wording

SCENARIO_BAR = 18  # px per bar (two bars per scenario: started and finished)

user = signin.require_user("coach")
library = context.library()
md = wording.escape_markdown

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
days = [d for d in (coaching.day(coaching.attempt_date(a)) for a in attempts) if d is not None]
start = end = None
if days:
    period = cols[1].date_input("Periode", value=(min(days), max(days)), key="team-period", format="DD-MM-YYYY")
    if isinstance(period, (tuple, list)):
        start, end = (tuple(period) + (None, None))[:2]
    else:
        start = end = period
filters = coaching.Filters(scenario_id=scenario_id, start=start, end=end)
overview = coaching.cohort_overview(teachers, coaching.filter_attempts(attempts, filters), library, context.catalogue())

metrics = st.columns(3)
metrics[0].metric("Verbonden leraren", overview.teachers)
metrics[1].metric("Gesprekken", overview.attempts)
metrics[2].metric("Afgerond", overview.finished)

st.markdown("### Welke principes komen het vaakst onder druk?")
if not overview.neglected:
    st.info("Nog geen afgeronde gesprekken waarin een principe onder druk kwam.")
else:
    top = overview.neglected[:15]
    chart = (
        alt.Chart(alt.Data(values=top))
        .mark_bar(color="#c62828")
        .encode(
            x=alt.X("attempts:Q", title="Aantal afgeronde gesprekken", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("principle:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=[
                alt.Tooltip("principle:N", title="Principe"),
                alt.Tooltip("attempts:Q", title="Gesprekken"),
                alt.Tooltip("weight:Q", title="Totaal onder druk"),
            ],
        )
        .properties(height=26 * len(top) + 40)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(
        "Per principe: in hoeveel afgeronde gesprekken de keuzes het principe onder druk zetten. "
        "‘Totaal onder druk’ telt op hoe sterk dat gebeurde."
    )
    # st.table: every row visible and no (English) toolbar. It renders Markdown, so names are escaped.
    st.table(
        [
            {"Principe": md(r["principle"]), "Gesprekken": r["attempts"], "Totaal onder druk": r["weight"]}
            for r in overview.neglected
        ],
        hide_index=True,
        hide_header=False,
    )

st.markdown("### Welke scenario's worden gespeeld?")
if not overview.scenarios:
    st.info("Nog geen gesprekken gespeeld.")
else:
    long = [
        {"scenario": r["scenario"], "soort": kind, "aantal": r[key]}
        for r in overview.scenarios
        for kind, key in (("Gestart", "attempts"), ("Afgerond", "finished"))
    ]
    chart = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            x=alt.X("aantal:Q", title="Aantal gesprekken", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("scenario:N", title=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("soort:N", sort=["Gestart", "Afgerond"]),
            color=alt.Color(
                "soort:N",
                scale=alt.Scale(domain=["Gestart", "Afgerond"], range=["#90a4ae", "#2e7d32"]),
                legend=alt.Legend(title=None, orient="right"),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("soort:N", title=" "),
                alt.Tooltip("aantal:Q", title="Aantal"),
            ],
        )
        # A fixed pixel height squeezes the bars (axis and legend take their share of it): give every
        # bar its own step instead, so the chart grows with the number of scenarios.
        .properties(height=alt.Step(SCENARIO_BAR))
    )
    st.altair_chart(chart, width="stretch", height="content")
    st.table(
        [
            {"Scenario": md(r["scenario"]), "Gestart": r["attempts"], "Afgerond": r["finished"]}
            for r in overview.scenarios
        ],
        hide_index=True,
        hide_header=False,
    )
