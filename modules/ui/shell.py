"""Entry of the app: page config, sign-in gate, one navigation per role."""

from __future__ import annotations

import streamlit as st

from modules.deployment import startup
from modules.people import accounts
from modules.records import Account
from modules.ui import context, errors, signin, wording
from modules.ui.widgets import team_join

PAGE_META = {
    "scenarios": ("Scenario's", "📚"),
    "spelen": ("Spelen", "💬"),
    "nabespreking": ("Nabespreking", "🧭"),
    "reflectie": ("Reflectie", "✍️"),
    "logboek": ("Logboek", "📓"),
    "mijn_ontwikkeling": ("Mijn ontwikkeling", "📈"),
    "mijn_coach": ("Mijn coach", "🤝"),
    "portfolio": ("Portfolio", "📁"),
    "principes": ("Principes", "🧩"),
    "mijn_gegevens": ("Mijn gegevens", "🔒"),
    "coach": ("Mijn leraren", "🧑‍🏫"),
    "team_overzicht": ("Teamoverzicht", "📊"),
    "beheer": ("Accounts beheren", "🛠️"),
    "meedoen": ("Meedoen met een sessie", "🙋"),
    "sessie_leiden": ("Teamsessie leiden", "📽️"),
    "werkplaats": ("Werkplaats", "✍️"),
}
PRACTICE = ["scenarios", "spelen", "nabespreking", "reflectie"]
NAVIGATION = {
    "teacher": {
        "Oefenen": PRACTICE,
        "Samen oefenen": ["meedoen"],
        "Mijn werk": ["logboek", "mijn_ontwikkeling", "mijn_coach", "portfolio"],
        "Kennis": ["principes"],
        "Account": ["mijn_gegevens"],
    },
    "facilitator": {
        "Samen oefenen": ["sessie_leiden", "meedoen"],
        "Oefenen": PRACTICE,
        "Mijn werk": ["logboek", "mijn_ontwikkeling", "mijn_coach", "portfolio"],
        "Kennis": ["principes"],
        "Account": ["mijn_gegevens"],
    },
    "coach": {
        "Coaching": ["coach", "team_overzicht"],
        "Samen oefenen": ["sessie_leiden", "meedoen"],
        "Oefenen": PRACTICE,
        "Mijn werk": ["logboek", "mijn_ontwikkeling", "portfolio"],
        "Kennis": ["principes"],
        "Account": ["mijn_gegevens"],
    },
    "admin": {"Beheer": ["beheer"], "Kennis": ["principes"], "Account": ["mijn_gegevens"]},
}
ANONYMOUS = ["welkom", "meedoen"]  # guests may join a team session that allows guests


AUTHORING = {"Schrijven": ["werkplaats"]}  # for auteurs (a right an admin grants) and admins


def pages_for(role: str, author: bool = False) -> dict[str, list[str]]:
    """Page keys per section for a role (and the auteur right); a page not listed here is not reachable."""
    if author or role == "admin":
        return {**NAVIGATION[role], **AUTHORING}
    return NAVIGATION[role]


DEMO_BANNER = (
    "**Demo: wachtwoorden zijn openbaar.** Dit is een demonstratie met openbare accounts. "
    "Schrijf hier niets wat niet openbaar mag zijn."
)


def _sidebar(user: Account) -> None:
    with st.sidebar:
        st.caption(f"Ingelogd als {accounts.ROLE_LABELS[user.role].lower()}")
        wording.user_text(user.username)
        if "logboek" in pages_for(user.role).get("Mijn werk", []):
            new = context.unread_comments(user)
            if new and st.button(f"🔵 {wording.comments_label(new)} in je logboek", key="sidebar-unread"):
                context.go("logboek")
        if st.button("Uitloggen", key="sign-out", help="Je wordt uitgelogd op al je apparaten."):
            oidc = signin.oidc_signed_in()
            signin.sign_out()
            if oidc:
                st.logout()
            st.rerun()


def _banners(report: startup.Report) -> None:
    if report.demo:
        st.warning(DEMO_BANNER, icon="⚠️")
    if report.problems:
        codes = ", ".join(code for _, code in report.problems)
        st.warning(
            f"Bij het opstarten ging iets mis. Samenspel werkt verder en wat al was opgeslagen, is bewaard. "
            f"Geef de beheerder deze code: **{codes}**."
        )


def main() -> None:
    st.set_page_config(page_title="Samenspel", page_icon="🤝", layout="centered")
    try:
        _main()
    except Exception as exc:  # noqa: BLE001 - never a traceback for a visitor: a Dutch message and a code
        errors.show(exc)


def _main() -> None:
    report = startup.prepare()
    _banners(report)
    signin.resume_from_cookie()
    user = signin.current_user()
    back_to_join = None
    if user is None:
        signin.adopt_oidc_user()
        user = signin.current_user()
        if user is not None:  # just back from the school sign-in, which reloaded the page
            back_to_join = signin.join_code_after_school_sign_in()
    if user is None:
        if st.session_state.pop(signin.SIGNED_OUT, False):
            st.info("Je bent uitgelogd. Log opnieuw in om verder te gaan.")
        pages = [
            st.Page(context.PAGES["welkom"], title="Welkom", icon="👋", default=True),
            st.Page(context.PAGES["meedoen"], title=PAGE_META["meedoen"][0], icon=PAGE_META["meedoen"][1]),
        ]
    else:
        pages = {}
        first = True
        for section, keys in pages_for(user.role, accounts.can_author(user)).items():
            pages[section] = []
            for key in keys:
                title, icon = PAGE_META[key]
                pages[section].append(st.Page(context.PAGES[key], title=title, icon=icon, default=first))
                first = False
    navigation = st.navigation(pages)
    if user is not None and back_to_join:
        team_join.continue_after_sign_in(user, back_to_join)  # into the session it came for by the QR code
    if user is not None:
        _sidebar(user)
    signin.deliver_cookies()
    navigation.run()
