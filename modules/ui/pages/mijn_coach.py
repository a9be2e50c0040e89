"""My coach: what a coach sees, connect with an invite code, the connected coaches, disconnect."""

import streamlit as st

from modules.people import sharing
from modules.ui import context, signin, wording

FLASH = "mijn-coach-flash"
CONFIRM = "mijn-coach-confirm"

user = signin.require_user(*sharing.SHARING_ROLES)
store = context.store()

st.title("Mijn coach")
st.markdown(
    "Een coach kan met je meekijken en reageren op je reflecties. "
    "Je koppelt je aan een coach met de code die je van je coach krijgt."
)
with st.container(border=True):
    st.markdown(
        "**Wat ziet je coach als je gekoppeld bent?**\n\n"
        "- **Je gespeelde gesprekken:** welk scenario, de datum, je route, het einde en je principeprofiel.\n"
        "- **Je reflecties alleen als jij ze deelt.** Je deelt ze één voor één, in je logboek. "
        "Een reflectie die je niet deelt, ziet je coach niet.\n"
        "- **Jij beslist.** Je kunt een gedeelde reflectie altijd weer intrekken. "
        "Je kunt ook altijd ontkoppelen. Dan worden al je gedeelde reflecties met die coach ingetrokken "
        "en ziet je coach je gesprekken niet meer."
    )

flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

st.header("Koppelen met een coach")
with st.form("connect"):
    code = st.text_input("Code van je coach", key="coach-code", placeholder="ABCD-EFGH", max_chars=20)
    submitted = st.form_submit_button("Koppelen", type="primary")
if submitted:
    try:
        before = {c.id for c in sharing.my_coaches(store, user)}
        coach = sharing.connect_with_code(store, user, code)
    except sharing.SharingError as exc:
        st.error(str(exc))
    else:
        name = wording.escape_markdown(coach.username)
        if coach.id in before:
            st.info(f"Je was al gekoppeld aan {name}.")
        else:
            st.success(
                f"Je bent nu gekoppeld aan {name}. Je coach ziet je gespeelde gesprekken. "
                "Reflecties deel je zelf, in je logboek."
            )

st.header("Je coaches")
coaches = sharing.my_coaches(store, user)
since = {c.coach_id: c.created_at for c in store.connections(teacher_id=user.id)}
shared = store.shares(teacher_id=user.id)

if not coaches:
    st.info("Je bent nog niet gekoppeld aan een coach.")
for coach in coaches:
    with st.container(border=True):
        wording.user_text(coach.username)
        count = sum(1 for s in shared if s.coach_id == coach.id)
        st.caption(
            f"Gekoppeld sinds {wording.short_date(since.get(coach.id))} · "
            f"{count} {'reflectie' if count == 1 else 'reflecties'} gedeeld"
        )
        if st.session_state.get(CONFIRM) != coach.id:
            if st.button("Ontkoppelen", key=f"disconnect-{coach.id}"):
                st.session_state[CONFIRM] = coach.id
                st.rerun()
            continue
        st.warning(
            "Weet je het zeker? Je coach ziet je gesprekken dan niet meer, en al je gedeelde reflecties "
            "met deze coach worden ingetrokken. Later opnieuw koppelen kan met de code van je coach."
        )
        cols = st.columns(2)
        if cols[0].button("Ja, ontkoppelen", key=f"disconnect-yes-{coach.id}", type="primary"):
            sharing.disconnect(store, user, coach.id)
            st.session_state.pop(CONFIRM, None)
            st.session_state[FLASH] = (
                f"Je bent ontkoppeld van {wording.escape_markdown(coach.username)}. "
                "Je gedeelde reflecties zijn ingetrokken."
            )
            st.rerun()
        if cols[1].button("Annuleren", key=f"disconnect-no-{coach.id}"):
            st.session_state.pop(CONFIRM, None)
            st.rerun()
