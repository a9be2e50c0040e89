"""Shared widgets: a reflection's text, its comment thread (teacher's log and coach dashboard), and sharing it."""

from __future__ import annotations

import contextlib

import streamlit as st

from modules.exchange import portfolio
from modules.people import sharing
from modules.people.accounts import PermissionDenied
from modules.play import reflection as reflection_form
from modules.records import Account, Reflection, Share
from modules.storage import Store, StoreError
from modules.ui import context, wording

NAMES_REMINDER = "Schrijf geen namen van kinderen of ouders."


def reflection_body(item: Reflection) -> None:
    """The teacher's answers as plain text, in the order of the form; the intention last (ALACT's last step)."""
    if item.own_words:
        st.markdown(f"**{portfolio.OWN_WORDS_TITLE}**")
        for own in item.own_words:
            st.caption(f"Keuze: {own.chosen}")  # scenario text, not user text
            wording.user_text(own.words)
    known = [q.key for q in reflection_form.ALL_QUESTIONS]
    order = [k for k in known if k in item.answers] + [k for k in item.answers if k not in known]
    for key in order:
        if not item.answers[key].strip():
            continue
        st.markdown(f"**{reflection_form.label(key)}**")
        wording.user_text(item.answers[key])
    st.markdown(f"**{reflection_form.INTENTION.label}**")
    wording.user_text(item.intention)


def remembered_expander(label: str, key: str):
    """A lazy expander (its content only runs when it is open) that stays open when its label changes.

    A stateful st.expander identifies itself by its label too: when the label loses its 'nieuw' marker
    (the comments were read), Streamlit sees a new expander and folds it shut. So the open state is kept
    in the session and handed to the new expander as its start value.
    """
    memory = f"{key}-open"
    if key in st.session_state:
        st.session_state[memory] = bool(st.session_state[key])
    return st.expander(label, st.session_state.get(memory, False), key=key, on_change="rerun")


def comment_thread(viewer: Account, owner_id: str, item: Reflection, key: str) -> None:
    """The comments on one reflection, a reply form, and marking them read."""
    store = context.store()
    comments = sharing.thread(store, viewer, owner_id, item.id)
    if comments:
        st.markdown(f"**Reacties ({len(comments)})**")
    else:
        st.caption("Nog geen reacties.")
    for comment in comments:
        mine = comment.author_id == viewer.id
        with st.chat_message("Jij" if mine else comment.author_name, avatar="💬" if mine else "🗨️"):
            author = "Jij" if mine else wording.escape_markdown(comment.author_name)
            st.caption(f"{author} · {wording.short_date(comment.created_at)}")
            wording.user_text(comment.text)
    with st.form(f"comment-{key}", clear_on_submit=True):
        reply = st.text_area("Schrijf een reactie", key=f"comment-text-{key}", max_chars=sharing.COMMENT_MAX, height=80)
        st.caption(NAMES_REMINDER)
        sent = st.form_submit_button("Plaats reactie")
    if sent:
        try:
            sharing.add_comment(store, viewer, owner_id, item.id, reply)
        except sharing.SharingError as exc:
            st.error(str(exc))
        else:
            st.rerun()
    if comments:
        with contextlib.suppress(StoreError):
            sharing.mark_read(store, viewer, owner_id, item.id)


SHARE_FLASH = "logboek-flash"  # shown once as a toast after the rerun that follows sharing or withdrawing


def share_controls(store: Store, user: Account, coaches: list[Account], shares: list[Share], item: Reflection) -> None:
    """Status and one button per connected coach: share, or withdraw."""
    shared_ids = {s.coach_id for s in shares if s.reflection_id == item.id}
    names = [wording.escape_markdown(c.username) for c in coaches if c.id in shared_ids]
    if names:
        st.caption("Gedeeld met " + ", ".join(names) + ". Je kunt een gedeelde reflectie altijd intrekken.")
    else:
        st.caption("Niet gedeeld. Alleen jij ziet deze reflectie.")
    with st.container(horizontal=True):
        for coach in coaches:
            name = wording.escape_markdown(coach.username)
            shared = coach.id in shared_ids
            label = f"Intrekken bij {name}" if shared else f"Delen met {name}"
            key = f"{'withdraw' if shared else 'share'}-{item.id}-{coach.id}"
            if not st.button(label, key=key, icon="↩️" if shared else "🤝"):
                continue
            try:
                if shared:
                    sharing.withdraw_reflection(store, user, item.id, coach.id)
                    st.session_state[SHARE_FLASH] = f"Ingetrokken: {name} ziet deze reflectie niet meer."
                else:
                    sharing.share_reflection(store, user, item.id, coach.id)
                    st.session_state[SHARE_FLASH] = f"Gedeeld met {name}."
            except PermissionDenied:
                st.error("Dit lukte niet: je bent niet (meer) gekoppeld aan deze coach. Kijk bij Mijn coach.")
            else:
                st.rerun()
