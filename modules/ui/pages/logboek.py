"""Logbook: past attempts and reflections; open, replay, resume; share reflections and read comments."""

import streamlit as st

from modules.people import sharing
from modules.ui import context, signin, wording
from modules.ui.widgets import threads

AUTO_OPEN = "logboek-open"  # ids of reflections opened for the teacher because a new comment came in

user = signin.require_user()
library = context.library()
store = context.store()

st.title("Logboek")
attempts = store.list_attempts(user.id)
reflections = store.list_reflections(user.id)
can_share = sharing.can_share(user)
coaches = sharing.my_coaches(store, user) if can_share else []
shares = store.shares(teacher_id=user.id)
comment_counts: dict[str, int] = {}
for comment in store.list_comments(user.id):
    comment_counts[comment.reflection_id] = comment_counts.get(comment.reflection_id, 0) + 1
unread = sharing.unread(store, user, user.id)

flash = st.session_state.pop(threads.SHARE_FLASH, None)
if flash:
    st.toast(flash)


tab_reflections, tab_attempts = st.tabs([f"Reflecties ({len(reflections)})", f"Gesprekken ({len(attempts)})"])

with tab_reflections:
    if not reflections:
        st.info("Je hebt nog geen reflecties. Na een gesprek kun je er een schrijven.")
    elif can_share and not coaches:
        st.caption("Wil je een reflectie delen met een coach? Koppel je dan eerst aan je coach bij Mijn coach.")
    opened = st.session_state.setdefault(AUTO_OPEN, set())
    for item in reflections:
        title = item.scenario_title or "Losse reflectie"
        if item.team_session_id:
            title = f"Teamsessie: {title}"
        new = unread.get(item.id, 0)
        marker = f" · 🔵 {wording.comments_label(new)}" if new else ""
        if new:
            opened.add(item.id)  # a new comment: open the reflection and its thread, so the teacher sees it
        with st.expander(
            f"{title} — {wording.short_date(item.created_at)}{marker}",
            expanded=item.id in opened,
            key=f"log-refl-{item.id}",
        ):
            threads.reflection_body(item)
            if coaches:
                st.divider()
                threads.share_controls(store, user, coaches, shares, item)
            count = comment_counts.get(item.id, 0)
            shared_now = any(s.reflection_id == item.id for s in shares)
            if not (can_share or count):
                continue
            st.divider()
            if count:
                toggle = f"thread-{item.id}"
                if new:
                    st.markdown(f"🔵 **{wording.comments_label(new)}** van je coach")
                    st.session_state[toggle] = True  # shown at once; reading them here marks them read
                if st.toggle(f"Reacties tonen ({count})", key=toggle):
                    threads.comment_thread(user, user.id, item, key=item.id)
            elif shared_now:
                threads.comment_thread(user, user.id, item, key=item.id)  # "Nog geen reacties" and a form
            else:
                st.caption("Nog geen reacties.")

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
            st.caption(
                f"Begonnen {wording.short_date(item.started_at)} · bijgewerkt {wording.short_date(item.updated_at)}"
            )
            if scenario is None:
                st.caption("Dit scenario staat niet meer in de bibliotheek.")
                continue
            cols = st.columns(3)
            if item.finished:
                if cols[0].button("Nabespreking", key=f"debrief-{item.id}"):
                    context.go("nabespreking", **{context.ATTEMPT: item.id, context.SCENARIO: item.scenario_id})
            elif cols[0].button("Verder spelen", key=f"resume-{item.id}", type="primary"):
                context.go("spelen", **{context.ATTEMPT: item.id, context.SCENARIO: item.scenario_id})
            if cols[1].button("Opnieuw spelen", key=f"replay-{item.id}"):
                st.session_state.pop(context.ATTEMPT, None)
                context.go("spelen", **{context.SCENARIO: item.scenario_id})
