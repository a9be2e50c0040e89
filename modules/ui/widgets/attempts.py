"""A teacher's finished attempts on the debrief and reflection pages: choosing one, its route's questions,
and what the teacher first wrote during it."""

from __future__ import annotations

import streamlit as st

from modules.play import engine, paths, practice
from modules.records import Account, Attempt, OwnWords
from modules.storage import StoreError
from modules.ui import context, errors, wording


def finished_attempt_picker(user: Account, label: str, key: str) -> Attempt | None:
    """A select box of finished attempts, defaulting to the attempt in the session."""
    try:
        attempts = [a for a in context.store().list_attempts(user.id) if a.finished]
    except StoreError as exc:
        errors.store_error(exc)
        return None
    if not attempts:
        return None
    current = st.session_state.get(context.ATTEMPT)
    index = next((i for i, a in enumerate(attempts) if a.id == current), 0)
    chosen = st.selectbox(
        label,
        attempts,
        index=index,
        key=key,
        format_func=lambda a: f"{a.scenario_title or a.scenario_id} — {wording.short_date(a.finished_at)}",
    )
    if chosen is not None:
        st.session_state[context.ATTEMPT] = chosen.id
        st.session_state[context.SCENARIO] = chosen.scenario_id
    return chosen


def route_prompts(attempt: Attempt) -> None:
    """The scenario's reflection questions that fit the route this teacher took."""
    scenario = context.library().get(attempt.scenario_id)
    if scenario is None:
        return
    try:
        state = practice.replayed(scenario, attempt)
    except engine.EngineError:
        return
    prompts = paths.reflection_prompts(scenario, state)
    if prompts:
        with st.container(border=True):
            st.markdown("**Vragen bij jouw route**")
            st.markdown("\n".join(f"- {prompt}" for prompt in prompts))  # scenario text, written by authors


def own_words_to_keep(attempt: Attempt) -> list[OwnWords]:
    """What the teacher first wrote during this attempt, if they want it in the reflection."""
    scenario = context.library().get(attempt.scenario_id)
    found = practice.own_words(scenario, attempt) if scenario is not None else []
    if not found:
        return []
    keep = st.checkbox(
        f"Neem op wat je eerst zelf wilde zeggen of doen ({len(found)} keer)",
        value=True,
        key=f"keep-own-words-{attempt.id}",
        help="Het komt bij je reflectie in je logboek en je portfolio. "
        "Deel je de reflectie, dan ziet je coach het ook.",
    )
    if keep:
        with st.expander("Wat je eerst schreef"):
            for own in found:
                st.caption(f"Keuze: {own.chosen}")
                wording.user_text(own.words)
    return found if keep else []
