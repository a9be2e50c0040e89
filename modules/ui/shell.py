"""Entry of the app: page config, profile gate, navigation."""

from __future__ import annotations

import os

import streamlit as st

from modules.ui import common


@st.cache_resource(show_spinner=False)
def _seed_demo(root: str) -> None:
    from modules.demo import seed

    seed(common.store())


def main() -> None:
    st.set_page_config(page_title="Samenspel", page_icon="🤝", layout="centered")
    if os.environ.get("SAMENSPEL_DEMO", "1") != "0":
        _seed_demo(str(common.store().root))
    user = common.current_user()
    if user is None:
        pages = [st.Page(common.PAGES["welkom"], title="Welkom", icon="👋", default=True)]
    else:
        pages = {
            "Oefenen": [
                st.Page(common.PAGES["scenarios"], title="Scenario's", icon="📚", default=True),
                st.Page(common.PAGES["spelen"], title="Spelen", icon="💬"),
                st.Page(common.PAGES["nabespreking"], title="Nabespreking", icon="🧭"),
                st.Page(common.PAGES["reflectie"], title="Reflectie", icon="✍️"),
            ],
            "Mijn werk": [st.Page(common.PAGES["logboek"], title="Logboek", icon="📓")],
            "Kennis": [st.Page(common.PAGES["principes"], title="Principes", icon="🧩")],
        }
    navigation = st.navigation(pages)
    if user is not None:
        with st.sidebar:
            st.caption("Je oefent als")
            common.user_text(user.nickname)
            if st.button("Wissel van schuilnaam", key="sign-out"):
                for key in (common.USER, common.SCENARIO, common.ATTEMPT):
                    st.session_state.pop(key, None)
                st.rerun()
    navigation.run()
