"""Choosing one of the user's finished attempts (debrief and reflection pages)."""

from __future__ import annotations

import streamlit as st

from modules.records import Account, Attempt
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
