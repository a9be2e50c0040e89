"""Debrief: path, principle profile, alternatives at key moments, endings found, citations."""

import streamlit as st

from modules import dutch
from modules.play import debrief, engine, practice
from modules.play.reflection import SOURCE as KORTHAGEN
from modules.storage import StoreError
from modules.ui import context, errors, signin, wording
from modules.ui.widgets import charts, scenes
from modules.ui.widgets.attempts import finished_attempt_picker

user = signin.require_user()
catalogue = context.catalogue()

st.title("Nabespreking")
attempt = finished_attempt_picker(user, "Welk gesprek wil je nabespreken?", key="debrief-attempt")
if attempt is None:
    st.info("Speel eerst een scenario tot het einde. Daarna vind je hier de nabespreking.")
    st.stop()
scenario = context.library().get(attempt.scenario_id)
if scenario is None:
    st.warning("Dit scenario staat niet meer in de bibliotheek. Je poging blijft bewaard in je logboek.")
    st.stop()
try:
    state = practice.replayed(scenario, attempt)
except engine.EngineError:
    st.warning("Dit scenario is aangepast sinds je het speelde. Een nabespreking is daarom niet meer mogelijk.")
    st.stop()
if state is attempt.state:  # read from the stored steps (see practice.replayed)
    st.info("Dit scenario is aangepast sinds je het speelde. Je ziet je route zoals je hem toen speelde.")
report = debrief.build(scenario, state, catalogue)

st.header(f"{scenario.title}: {report.ending.title}")
st.markdown(f"**{report.outcome_label}**")
st.markdown(report.text)

if attempt.anticipation:
    with st.container(border=True):
        st.markdown("**Wat je vooraf verwachtte of wilde bereiken**")
        wording.user_text(attempt.anticipation)

# Layout for a phone, where the whole debrief used to be some 5,000 px long: the ending and its lesson
# (above) and the route stay open; every other part is one line that opens. The content is the same.
with st.expander("Jouw route", expanded=True):
    stored_steps = attempt.state.steps
    for step in report.steps:
        marker = " ⭐ sleutelmoment" if step.key_moment else ""
        changes = ", ".join(
            wording.format_change(k, v, scenario) for k, v in step.changes.items() if scenario.variables[k].visible
        )
        own = stored_steps[step.number - 1].own_words if step.number <= len(stored_steps) else None
        if own:
            with st.container(border=True):
                st.caption("Eerst schreef je:")
                wording.user_text(own)
        st.markdown(
            f"**{step.number}. {step.choice.text}**{marker}  \n{step.choice.feedback}"
            + (f"  \n_{changes}_" if changes else "")
        )

if report.try_next:
    with st.expander("Probeer volgende keer"):
        for principle in report.try_next:
            st.markdown(f"- **{principle.name}:** {principle.in_practice or principle.summary}")

rows = debrief.profile_table(report)
if rows:
    with st.expander("Principeprofiel"):
        charts.show(scenes.profile_chart(rows))
        st.caption(
            "Elke keuze raakt aan principes. Groen: je keuzes versterkten het principe. Rood: het kwam onder druk."
        )

if report.alternatives:
    with st.expander("Wat als je anders had gekozen?"):
        moments: dict[int, list] = {}
        for alternative in report.alternatives:
            moments.setdefault(alternative.step_index, []).append(alternative)
        for step_index, others in moments.items():
            st.markdown(f"**Sleutelmoment bij keuze {step_index + 1}.** Jij koos: {others[0].taken.text}")
            for alternative in others:
                other = alternative.other
                short = other.choice.text if len(other.choice.text) <= 90 else other.choice.text[:87].rstrip() + "…"
                with st.expander(f"Als je had gekozen: {short}"):
                    st.markdown(f"**Je keuze:** {other.choice.text}")
                    st.markdown(f"**Reactie:** {other.choice.reaction}")
                    st.markdown(f"**Feedback:** {other.choice.feedback}")
                    changes = ", ".join(
                        wording.format_change(k, v, scenario)
                        for k, v in other.changes.items()
                        if scenario.variables[k].visible
                    )
                    if changes:
                        st.caption(changes)

try:
    own = context.store().list_attempts(user.id, scenario.id)
except StoreError as exc:
    errors.store_error(exc)
    own = [attempt]
status = practice.status(scenario, own)
found, missing = debrief.endings_found(scenario, set(status.endings_found))
with st.expander(f"Eindes: {status.endings_label}"):
    st.markdown("Gevonden: " + ", ".join(found))
    if missing:
        count = len(missing)
        st.markdown(
            f"Nog niet ontdekt: {dutch.plural(count, 'einde', 'eindes')}. "
            "Speel opnieuw en kies op een sleutelmoment anders."
        )

with st.expander("Bronnen bij deze nabespreking"):
    for principle in report.cited:
        source = principle.source
        st.markdown(f"- **{principle.name}** — {source.label()}: “{source.quote}”")
    for reference in scenario.references:
        st.markdown(f"- {reference}")
    st.markdown(f"- Reflectie met het ALACT-model: {KORTHAGEN}")
    st.markdown(f"- Oefenen met feedback tussen pogingen: {debrief.RESEARCH_SOURCE}")

st.info(debrief.RESEARCH_NOTE)
cols = st.columns(2)
if cols[0].button("Schrijf je reflectie", type="primary", key="debrief-reflect"):
    context.go("reflectie", **{context.ATTEMPT: attempt.id})
if cols[1].button("Opnieuw spelen", key="debrief-replay"):
    st.session_state.pop(context.ATTEMPT, None)
    context.go("spelen", **{context.SCENARIO: scenario.id})
