"""Shared widgets: a reflection's text and its comment thread (teacher's log and coach dashboard)."""

from __future__ import annotations

import streamlit as st

from modules import reflection as reflection_form
from modules import sharing
from modules.records import Account, Reflection
from modules.store import StoreError
from modules.ui import common

NAMES_REMINDER = "Schrijf geen namen van kinderen of ouders."


def reflection_body(item: Reflection) -> None:
    """The teacher's answers, as plain text."""
    st.markdown(f"**{reflection_form.INTENTION.label}**")
    common.user_text(item.intention)
    for key, text in item.answers.items():
        st.markdown(f"**{reflection_form.label(key)}**")
        common.user_text(text)


def comment_thread(viewer: Account, owner_id: str, item: Reflection, key: str) -> None:
    """The comments on one reflection, a reply form, and marking them read."""
    store = common.store()
    try:
        comments = sharing.thread(store, viewer, owner_id, item.id)
    except StoreError as exc:
        common.store_error(exc)
        return
    st.markdown(f"**Reacties ({len(comments)})**")
    for comment in comments:
        mine = comment.author_id == viewer.id
        with st.chat_message("Jij" if mine else comment.author_name, avatar="💬" if mine else "🗨️"):
            author = "Jij" if mine else common.escape_markdown(comment.author_name)
            st.caption(f"{author} · {common.short_date(comment.created_at)}")
            common.user_text(comment.text)
    with st.form(f"comment-{key}", clear_on_submit=True):
        text = st.text_area("Schrijf een reactie", key=f"comment-text-{key}", max_chars=sharing.COMMENT_MAX,
                            help=NAMES_REMINDER, height=80)
        st.caption(NAMES_REMINDER)
        sent = st.form_submit_button("Plaats reactie")
    if sent:
        try:
            sharing.add_comment(store, viewer, owner_id, item.id, text)
        except sharing.SharingError as exc:
            st.error(str(exc))
        except StoreError as exc:
            common.store_error(exc)
        else:
            st.rerun()
    if comments:
        try:
            sharing.mark_read(store, viewer, owner_id, item.id)
        except StoreError:
            pass
