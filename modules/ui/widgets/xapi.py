"""Downloads of learning records as xAPI statements: a user's own (Mijn gegevens), and a coach's of the
play-throughs teachers shared a reflection about (Mijn leraren). Each file is made when asked, not on every
rerun: it replays every play-through in it."""

from __future__ import annotations

import streamlit as st

from modules import dutch
from modules.exchange import xapi
from modules.library.scenarios import Library
from modules.records import Account, now
from modules.storage import Store

OWN_MADE = "xapi-own-made"
SHARED_MADE = "xapi-shared-made"


def _offer(made: dict | None, label: str, file_name: str, key: str) -> None:
    if made is None:
        return
    st.download_button(
        label,
        data=made["data"],
        file_name=file_name,
        mime="application/json",
        key=key,
        on_click="ignore",
        icon="⬇️",
    )
    st.caption(f"Gemaakt om {made['at']}, met {dutch.plural(made['count'], 'leerregistratie', 'leerregistraties')}.")


def _made(statements: list[xapi.Statement]) -> dict:
    return {"data": xapi.document(statements), "count": len(statements), "at": f"{dutch.local(now()):%H:%M}"}


def own(store: Store, user: Account, library: Library) -> None:
    """Mijn gegevens: my play-throughs and reflections as xAPI statements (JSON); not for an admin, who plays none."""
    if user.role == "admin":
        return
    st.subheader("Je leerregistraties (xAPI)")
    st.markdown(
        "Wil je je oefengesprekken bewaren in een ander leersysteem? Dan kun je ze downloaden als "
        "xAPI-statements (JSON). Daarin staan je keuzes, de principes die je keuzes versterkten of onder druk "
        "zetten, het einde van elk gesprek en dat je een reflectie schreef. Je naam staat er niet in: je staat "
        "erin met een vaste code. Wat je zelf schreef, zoals je reflecties en voornemens, staat er ook niet in."
    )
    key = f"{OWN_MADE}-{user.id}"
    if st.button("Maak het xAPI-bestand", key="xapi-own-make"):
        st.session_state[key] = _made(xapi.user_statements(store, library, user))
    _offer(st.session_state.get(key), "Download xAPI-bestand", xapi.OWN_FILE_NAME, "xapi-own-download")


def shared(store: Store, coach: Account, library: Library) -> None:
    """Mijn leraren: the xAPI statements of the play-throughs teachers shared a reflection about with me."""
    st.markdown("**Leerregistraties (xAPI)**")
    st.caption(
        "Een bestand met xAPI-statements (JSON) van de gesprekken waarover een leraar een reflectie met je deelde: "
        "de keuzes, de principes, het einde en dat er een reflectie is. Leraren staan erin met een vaste code, "
        "niet met hun naam. De tekst van de reflecties staat er niet in."
    )
    if not store.shares(coach_id=coach.id):
        st.caption("Er zijn nog geen reflecties met je gedeeld.")
        return
    key = f"{SHARED_MADE}-{coach.id}"
    if st.button("Maak het xAPI-bestand", key="xapi-shared-make"):
        st.session_state[key] = _made(xapi.shared_statements(store, library, coach))
    _offer(st.session_state.get(key), "Download xAPI-bestand", xapi.SHARED_FILE_NAME, "xapi-shared-download")
