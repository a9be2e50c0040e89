"""Play: the scene as dialogue, the choices, and the consequence of each choice."""

import streamlit as st

from modules.play import engine, practice, reflection
from modules.records import limits
from modules.ui import context, signin, wording
from modules.ui.widgets import play, scenes

user = signin.require_user()
store = context.store()
scenario = context.library().get(st.session_state.get(context.SCENARIO, ""))

if st.button("← Terug naar de scenario's", key="back"):
    context.go("scenarios")
if scenario is None:
    st.title("Spelen")
    st.info("Kies eerst een scenario op de pagina Scenario's.")
    st.stop()

attempt = practice.find(store, user, scenario, st.session_state.get(context.ATTEMPT))
st.title(scenario.title)

if attempt is None:
    scenes.show_introduction(scenario)
    previous = practice.last_intention(store, user)
    if previous is not None:  # ALACT's last step: try the intention of the last reflection in this conversation
        st.info(
            f"**{reflection.PREVIOUS_INTENTION}** {wording.escape_markdown(previous.intention)}  \n"
            "Probeer het in dit gesprek. Na afloop kijk je in je reflectie terug hoe het ging.",
            icon="🎯",
        )
    with st.form("anticipate"):
        st.markdown("### Voor je begint")
        anticipation = st.text_area(
            scenario.anticipate,
            max_chars=limits.ANTICIPATION,
            help="Je antwoord komt in je logboek. Schrijf geen namen van kinderen of ouders.",
        )
        own_first = st.checkbox(
            play.OWN_WORDS_LABEL,
            value=True,
            key="own-first-new",
            help="Bij elke keuze schrijf je eerst in een of twee zinnen wat jij zou zeggen of doen. "
            "Daarna zie je de keuzes. Overslaan mag altijd.",
        )
        start = st.form_submit_button("Start het gesprek", type="primary")
    if start:
        try:
            attempt = practice.start(store, user, scenario, anticipation, own_first)
        except practice.AttemptError as exc:
            st.error(str(exc))
            st.stop()
        st.session_state[context.ATTEMPT] = attempt.id
        st.rerun()
    st.stop()

try:
    state = practice.replayed(scenario, attempt)
except engine.EngineError:
    st.warning(
        "Dit scenario is aangepast sinds je eraan begon. Je eerdere poging staat nog in je logboek; "
        "begin een nieuwe poging om verder te spelen."
    )
    if st.button("Nieuwe poging", type="primary"):
        st.session_state.pop(context.ATTEMPT, None)
        st.rerun()
    st.stop()

scenes.show_meters(scenario, state)
scenes.show_story(scenario, state, reaction_key="play-reaction")
view = engine.view(scenario, state)
st.divider()
if view.text:
    st.markdown(view.text)
scenes.show_lines(scenario, view.lines)

if view.ending is not None:
    scenes.ending_banner(view.ending)
    cols = st.columns(3)
    if cols[0].button("Naar de nabespreking", type="primary", key="to-debrief"):
        context.go("nabespreking")
    if cols[1].button("Schrijf je reflectie", key="to-reflection"):
        context.go("reflectie")
    if cols[2].button("Opnieuw spelen", key="replay"):
        st.session_state.pop(context.ATTEMPT, None)
        st.rerun()
    st.stop()

play.decision(store, scenario, attempt, state, view.choices)
