"""Reflection after a play-through, guided by Korthagen's ALACT cycle."""

import streamlit as st

from modules.play import practice, reflection
from modules.team import sessions as team
from modules.ui import context, signin, wording
from modules.ui.widgets.attempts import finished_attempt_picker, own_words_to_keep, route_prompts
from modules.ui.widgets.team import REFLECT_SESSION

user = signin.require_user()

st.title("Reflectie")
st.markdown(
    "Blik terug op je gesprek in vijf stappen. Het gesprek zelf was de eerste stap. "
    "Nu kijk je terug, zoek je de kern, bedenk je andere aanpakken en kies je wat je de volgende keer probeert. "
    "Deze stappen komen uit het ALACT-model van Korthagen."
)
SAVED = "reflection-saved"  # the context (attempt or team session) of the reflection just saved
FOLLOW_UP_KEY = "refl-terugblik"  # how the previous intention went


def context_key() -> str:
    return str(st.session_state.get(REFLECT_SESSION) or st.session_state.get(context.ATTEMPT) or "los")


if st.session_state.get(SAVED) == context_key():
    st.success("Je reflectie staat in je logboek.")
    cols = st.columns(2)
    if cols[0].button("Naar mijn logboek", key="to-log", type="primary"):
        st.session_state.pop(SAVED, None)
        context.go("logboek")
    if cols[1].button("Nog een reflectie schrijven", key="reflect-again"):
        st.session_state.pop(SAVED, None)
        st.rerun()
    st.stop()


# The team session this reflection is about (set by the Meedoen page), if the user took part in it.
team_session = team.taken_part(context.store(), st.session_state.get(REFLECT_SESSION), user)
if team_session is None:
    st.session_state.pop(REFLECT_SESSION, None)
attempt = None
if team_session is not None:
    st.info(
        f"Je reflecteert op de teamsessie over ‘{team_session.scenario_title}’ van "
        f"{wording.short_date(team_session.created_at)}. Je reflectie komt in je eigen logboek."
    )
    if st.button("Liever over een eigen gesprek reflecteren", key="reflection-not-team"):
        st.session_state.pop(REFLECT_SESSION, None)
        st.rerun()
else:
    attempt = finished_attempt_picker(user, "Over welk gesprek reflecteer je?", key="reflection-attempt")
    if attempt is None:
        st.caption("Je hebt nog geen gesprek afgerond. Je kunt ook een losse reflectie schrijven.")
    else:
        route_prompts(attempt)
own_words = own_words_to_keep(attempt) if attempt is not None and team_session is None else []
# The intention of the last reflection (not one about this same conversation): how did trying it go?
previous = practice.last_intention(
    context.store(),
    user,
    attempt_id=attempt.id if attempt is not None else None,
    team_session_id=team_session.id if team_session is not None else None,
)
st.warning(reflection.PRIVACY_REMINDER, icon="🔒")

with st.form("reflection", clear_on_submit=False):
    follow_up = ""
    if previous is not None:
        st.markdown("## Je vorige voornemen")
        st.markdown(f"{reflection.PREVIOUS_INTENTION} {wording.escape_markdown(previous.intention)}")
        follow_up = st.text_area(
            reflection.FOLLOW_UP.label,
            key=FOLLOW_UP_KEY,
            help=f"{reflection.FOLLOW_UP.help} Schrijf geen namen van kinderen of ouders.",
            max_chars=reflection.MAX_LENGTH,
            height=90,
        )
    answers: dict[str, str] = {}
    for phase in reflection.PHASES:
        st.markdown(f"## {phase.title}")
        st.caption(phase.intro)
        for question in phase.questions:
            answers[question.key] = st.text_area(
                question.label,
                key=f"refl-{question.key}",
                help=question.help or None,
                max_chars=reflection.MAX_LENGTH,
                height=90,
            )
    st.markdown("## Uitproberen")
    intention = st.text_area(
        reflection.INTENTION.label,
        key="refl-voornemen",
        help=reflection.INTENTION.help,
        max_chars=reflection.MAX_LENGTH,
        height=90,
    )
    submitted = st.form_submit_button("Bewaar in mijn logboek", type="primary")

if submitted:
    try:
        practice.save_reflection(
            context.store(),
            user,
            answers,
            intention,
            attempt_id=attempt.id if attempt else None,
            team_session=team_session,
            with_own_words=own_words,
            follow_up=follow_up,
            follows_intention_of=previous.id if previous is not None else None,
        )
    except reflection.ReflectionError as exc:
        st.error(str(exc))
    else:
        for key in [f"refl-{q.key}" for q in reflection.ALL_QUESTIONS] + ["refl-voornemen", FOLLOW_UP_KEY]:
            st.session_state.pop(key, None)
        st.session_state[SAVED] = context_key()
        st.rerun()

st.caption(f"Bron: {reflection.SOURCE}")
