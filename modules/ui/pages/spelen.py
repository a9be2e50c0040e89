"""Play: the scene as dialogue, the choices, and the consequence of each choice."""

import streamlit as st

from modules.play import engine, practice
from modules.records import limits
from modules.records import Attempt
from modules.content.scenario import Scenario
from modules.storage import StoreError
from modules.ui import context, errors, signin
from modules.ui.widgets import scenes

user = signin.require_user()
store = context.store()
scenario: Scenario | None = context.library().get(st.session_state.get(context.SCENARIO, ""))

if st.button("← Terug naar de scenario's", key="back"):
    context.go("scenarios")

if scenario is None:
    st.title("Spelen")
    st.info("Kies eerst een scenario op de pagina Scenario's.")
    st.stop()


def load_attempt() -> Attempt | None:
    attempt_id = st.session_state.get(context.ATTEMPT)
    if not attempt_id:
        return None
    attempt = store.get_attempt(user.id, attempt_id)
    return attempt if attempt is not None and attempt.scenario_id == scenario.id else None


try:
    attempt = load_attempt()
except StoreError as exc:
    errors.store_error(exc)
    st.stop()

st.title(scenario.title)

if attempt is None:
    st.caption(f"{context.SCHOOL_TYPES[scenario.school_type.value]} · ongeveer {scenario.minutes} minuten")
    st.markdown("### De situatie")
    st.markdown(scenario.context)
    st.markdown(f"**De ouder:** {scenario.persona.role}")
    st.markdown(scenario.persona.description)
    st.markdown("**Wat je oefent**")
    st.markdown("\n".join(f"- {goal}" for goal in scenario.learning_goals))
    with st.form("anticipate"):
        st.markdown("### Voor je begint")
        anticipation = st.text_area(
            scenario.anticipate,
            max_chars=limits.ANTICIPATION,
            help="Je antwoord komt in je logboek. Schrijf geen namen van kinderen of ouders.",
        )
        start = st.form_submit_button("Start het gesprek", type="primary")
    if start:
        try:
            attempt = practice.new_attempt(user.id, scenario, anticipation)
            store.create_attempt(attempt)
        except practice.AttemptError as exc:
            st.error(str(exc))
            st.stop()
        except StoreError as exc:
            errors.store_error(exc)
            st.stop()
        st.session_state[context.ATTEMPT] = attempt.id
        st.rerun()
    st.stop()

try:
    state = engine.replay(scenario, attempt.state.choice_ids())
except engine.EngineError:
    st.warning(
        "Dit scenario is aangepast sinds je eraan begon. Je eerdere poging staat nog in je logboek; "
        "begin een nieuwe poging om verder te spelen."
    )
    if st.button("Nieuwe poging", type="primary"):
        st.session_state.pop(context.ATTEMPT, None)
        st.rerun()
    st.stop()

visible_vars = [(k, v) for k, v in scenario.variables.items() if v.visible]
if visible_vars:
    last_changes = state.steps[-1].changes if state.steps else {}
    for column, (name, var) in zip(st.columns(len(visible_vars)), visible_vars):
        delta = last_changes.get(name)
        column.metric(var.label, state.variables[name], delta=delta if delta else None)

scenes.show_story(scenario, state)

view = engine.view(scenario, state)
st.divider()
if view.text:
    st.markdown(view.text)
scenes.show_lines(scenario, view.lines)

if view.finished:
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

st.markdown("**Wat doe je?**")
step_no = len(state.steps)
for choice in view.choices:
    if st.button(choice.text, key=f"choice-{step_no}-{choice.id}", width="stretch"):
        new_state, _ = engine.choose(scenario, state, choice.id)
        try:
            store.save_attempt(attempt.model_copy(update={"state": new_state}))
        except StoreError as exc:
            errors.store_error(exc)
            st.stop()
        st.rerun()
