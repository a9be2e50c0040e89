"""Reflection after a play-through, guided by Korthagen's ALACT cycle."""

import streamlit as st

from modules import reflection
from modules.store import StoreError
from modules.ui import common
from modules.ui.attempts import finished_attempt_picker

user = common.require_user()

st.title("Reflectie")
st.markdown(
    "Blik terug op je gesprek met de vijf fasen van het ALACT-model van Korthagen: "
    "handelen (dat deed je net), terugblikken, bewustworden van wat essentieel is, "
    "alternatieven bedenken en een voornemen om uit te proberen."
)
attempt = finished_attempt_picker(user, "Over welk gesprek reflecteer je?", key="reflection-attempt")
if attempt is None:
    st.caption("Je hebt nog geen gesprek afgerond. Je kunt ook een losse reflectie schrijven.")
st.warning(reflection.PRIVACY_REMINDER, icon="🔒")

with st.form("reflection", clear_on_submit=False):
    answers: dict[str, str] = {}
    for phase in reflection.PHASES:
        st.markdown(f"### {phase.title}")
        st.caption(phase.intro)
        for question in phase.questions:
            answers[question.key] = st.text_area(
                question.label, key=f"refl-{question.key}", help=question.help or None,
                max_chars=reflection.MAX_LENGTH, height=90,
            )
    st.markdown("### Uitproberen")
    intention = st.text_area(
        reflection.INTENTION.label, key="refl-voornemen", help=reflection.INTENTION.help,
        max_chars=reflection.MAX_LENGTH, height=90,
    )
    submitted = st.form_submit_button("Bewaar in mijn logboek", type="primary")

if submitted:
    try:
        record = reflection.build(
            user.id,
            answers,
            intention,
            attempt_id=attempt.id if attempt else None,
            scenario_id=attempt.scenario_id if attempt else None,
            scenario_title=attempt.scenario_title if attempt else "",
        )
        common.store().add_reflection(record)
    except reflection.ReflectionError as exc:
        st.error(str(exc))
    except StoreError as exc:
        common.store_error(exc)
    else:
        for key in [f"refl-{q.key}" for q in reflection.ALL_QUESTIONS] + ["refl-voornemen"]:
            st.session_state.pop(key, None)
        st.session_state["reflection-saved"] = True
        st.rerun()

if st.session_state.pop("reflection-saved", False):
    st.success("Je reflectie staat in je logboek.")
    if st.button("Naar mijn logboek", key="to-log"):
        common.go("logboek")
st.caption(f"Bron: {reflection.SOURCE}")
