"""Entry of the app: page config, sign-in gate, one navigation per role."""

from __future__ import annotations

import os

import streamlit as st

from modules import accounts
from modules.records import Account
from modules.ui import common

PAGE_META = {
    "scenarios": ("Scenario's", "📚"),
    "spelen": ("Spelen", "💬"),
    "nabespreking": ("Nabespreking", "🧭"),
    "reflectie": ("Reflectie", "✍️"),
    "logboek": ("Logboek", "📓"),
    "mijn_coach": ("Mijn coach", "🤝"),
    "portfolio": ("Portfolio", "📁"),
    "principes": ("Principes", "🧩"),
    "mijn_gegevens": ("Mijn gegevens", "🔒"),
    "coach": ("Mijn leraren", "🧑‍🏫"),
    "team_overzicht": ("Teamoverzicht", "📊"),
    "beheer": ("Accounts beheren", "🛠️"),
    "meedoen": ("Meedoen met een sessie", "🙋"),
    "sessie_leiden": ("Teamsessie leiden", "📽️"),
}
PRACTICE = ["scenarios", "spelen", "nabespreking", "reflectie"]
NAVIGATION = {
    "teacher": {"Oefenen": PRACTICE, "Samen oefenen": ["meedoen"], "Mijn werk": ["logboek", "mijn_coach", "portfolio"],
                "Kennis": ["principes"], "Account": ["mijn_gegevens"]},
    "facilitator": {"Samen oefenen": ["sessie_leiden", "meedoen"], "Oefenen": PRACTICE,
                    "Mijn werk": ["logboek", "mijn_coach", "portfolio"],
                    "Kennis": ["principes"], "Account": ["mijn_gegevens"]},
    "coach": {"Coaching": ["coach", "team_overzicht"], "Samen oefenen": ["sessie_leiden", "meedoen"],
              "Oefenen": PRACTICE, "Mijn werk": ["logboek", "portfolio"], "Kennis": ["principes"],
              "Account": ["mijn_gegevens"]},
    "admin": {"Beheer": ["beheer"], "Kennis": ["principes"], "Account": ["mijn_gegevens"]},
}
ANONYMOUS = ["welkom", "meedoen"]  # guests may join a team session that allows guests


def pages_for(role: str) -> dict[str, list[str]]:
    """Page keys per section for a role; a page not listed here is not reachable for that role."""
    return NAVIGATION[role]


@st.cache_resource(show_spinner=False)
def _prepare_data(root: str, demo: bool) -> None:
    """Once per data folder and process: migrate nickname profiles, seed demo accounts."""
    store = common.store()
    accounts.migrate_profiles(store)
    if demo:
        from modules.demo import seed

        seed(store)


def _sidebar(user: Account) -> None:
    with st.sidebar:
        st.caption(f"Ingelogd als {accounts.ROLE_LABELS[user.role].lower()}")
        common.user_text(user.username)
        if "logboek" in pages_for(user.role).get("Mijn werk", []):
            new = common.new_comment_count(user)
            if new and st.button(f"🔵 {common.comments_label(new)} in je logboek", key="sidebar-unread"):
                common.go("logboek")
        if st.button("Uitloggen", key="sign-out"):
            for key in list(st.session_state.keys()):
                del st.session_state[key]
            if common.oidc_signed_in():
                st.logout()
            st.rerun()


def main() -> None:
    st.set_page_config(page_title="Samenspel", page_icon="🤝", layout="centered")
    _prepare_data(str(common.store().root), os.environ.get("SAMENSPEL_DEMO", "1") != "0")
    user = common.current_user()
    if user is None:
        common.adopt_oidc_user()
        user = common.current_user()
    if user is None:
        pages = [st.Page(common.PAGES["welkom"], title="Welkom", icon="👋", default=True),
                 st.Page(common.PAGES["meedoen"], title=PAGE_META["meedoen"][0], icon=PAGE_META["meedoen"][1])]
    else:
        pages = {}
        first = True
        for section, keys in pages_for(user.role).items():
            pages[section] = []
            for key in keys:
                title, icon = PAGE_META[key]
                pages[section].append(st.Page(common.PAGES[key], title=title, icon=icon, default=first))
                first = False
    navigation = st.navigation(pages)
    if user is not None:
        _sidebar(user)
    navigation.run()
