"""A decision on the Play page: first your own words (when the teacher wants that), then the options."""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Choice, Scenario
from modules.play import practice
from modules.records import Attempt, PlayState, limits
from modules.storage import Store
from modules.ui import wording

OWN_WORDS_LABEL = "Eerst zelf zeggen wat je zou doen"
NAMES_REMINDER = "Schrijf geen namen van kinderen of ouders."


def decision(store: Store, scenario: Scenario, attempt: Attempt, state: PlayState, choices: list[Choice]) -> None:
    """The options of this decision; with 'first say it yourself' on, only after the teacher wrote or skipped."""
    step = len(state.steps)
    pending = f"own-words-{attempt.id}-{step}"  # what was written at this decision, until an option is chosen
    on = st.toggle(
        OWN_WORDS_LABEL,
        value=attempt.own_words_first,
        key=f"own-first-{attempt.id}",
        help="Bij elke keuze schrijf je eerst wat jij zou zeggen of doen. Daarna zie je de keuzes.",
    )
    if on != attempt.own_words_first:
        attempt = practice.set_own_words_first(store, attempt, on)
    if on and pending not in st.session_state:
        _ask_own_words(pending, step)
        return
    words = st.session_state.get(pending) if on else None
    if words:
        with st.container(border=True):
            st.caption("Wat jij zelf zou zeggen of doen:")
            wording.user_text(words)
    st.markdown("**Wat doe je?**" if not words else "**Welke keuze komt het dichtst bij wat jij zou doen?**")
    failure = st.session_state.pop(CHOICE_FAILED, None)
    if isinstance(failure, Exception):
        raise failure  # the page's error handler shows a Dutch message with a reference, never a traceback
    if failure:
        st.error(str(failure))
    for choice in choices:
        # A callback: it runs before the page does, so one click is one run of the page (a handler in
        # the page itself had to save, then run the page a second time with st.rerun).
        st.button(
            choice.text,
            key=f"choice-{step}-{choice.id}",
            width="stretch",
            on_click=_choose,
            args=(store, scenario, attempt.user_id, attempt.id, step, choice.id, pending if on else None),
        )


CHOICE_FAILED = "play-choice-failed"


def _choose(
    store: Store, scenario: Scenario, user_id: str, attempt_id: str, step: int, choice_id: str, pending: str | None
) -> None:
    """Save the choice (a button callback). The attempt is read again: when another tab has moved it on
    since this page was drawn, the click is ignored and the page shows where the attempt now stands."""
    try:
        attempt = store.get_attempt(user_id, attempt_id)
        if attempt is None or attempt.state.finished or len(attempt.state.steps) != step:
            return
        words = st.session_state.get(pending) if pending else None
        practice.choose(store, scenario, attempt, choice_id, own_words=words)
    except practice.AttemptError as exc:
        st.session_state[CHOICE_FAILED] = str(exc)
        return
    except Exception as exc:  # noqa: BLE001 - raised again in the page run, where errors are shown in Dutch
        st.session_state[CHOICE_FAILED] = exc
        return
    if pending:
        st.session_state.pop(pending, None)


def _ask_own_words(pending: str, step: int) -> None:
    st.markdown("**Wat zou jij zeggen of doen?**")
    st.caption(
        "Schrijf het in een of twee zinnen, zoals je het echt zou zeggen. Daarna zie je de keuzes. "
        f"Je mag dit ook overslaan. {NAMES_REMINDER}"
    )
    with st.form(f"{pending}-form", border=False):
        words = st.text_area(
            "Jouw woorden", key=f"{pending}-input", max_chars=limits.OWN_WORDS, label_visibility="collapsed"
        )
        cols = st.columns(2)
        show = cols[0].form_submit_button("Toon de keuzes", type="primary")
        skip = cols[1].form_submit_button("Overslaan")
    if show or skip:
        st.session_state[pending] = "" if skip else words.strip()
        st.rerun()
