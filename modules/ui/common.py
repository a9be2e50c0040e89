"""Shared helpers for the pages: store, library, current user, safe text, navigation."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from modules import export, sharing
from modules.library import SCENARIO_DIR, Library, load_library
from modules.principles import Catalogue, Principle, load_catalogue
from modules.records import Account
from modules.scenario import Scenario, Speaker
from modules.store import DEFAULT_ROOT, CorruptDataError, StoreError, TinyDBStore, open_store

PAGES = {
    "welkom": "modules/ui/pages/welkom.py",
    "scenarios": "modules/ui/pages/scenarios.py",
    "spelen": "modules/ui/pages/spelen.py",
    "nabespreking": "modules/ui/pages/nabespreking.py",
    "reflectie": "modules/ui/pages/reflectie.py",
    "logboek": "modules/ui/pages/logboek.py",
    "principes": "modules/ui/pages/principes.py",
    "mijn_coach": "modules/ui/pages/mijn_coach.py",
    "portfolio": "modules/ui/pages/portfolio.py",
    "mijn_gegevens": "modules/ui/pages/mijn_gegevens.py",
    "coach": "modules/ui/pages/coach.py",
    "team_overzicht": "modules/ui/pages/team_overzicht.py",
    "beheer": "modules/ui/pages/beheer.py",
    "meedoen": "modules/ui/pages/meedoen.py",
    "sessie_leiden": "modules/ui/pages/sessie_leiden.py",
}

AVATARS = {
    Speaker.ouder: "🧑",
    Speaker.ouder2: "🧔",
    Speaker.leraar: "🧑‍🏫",
    Speaker.kind: "🧒",
    Speaker.tolk: "🗣️",
    Speaker.collega: "🧑‍💼",
}
SCHOOL_TYPES = {"po": "Basisonderwijs", "vo": "Voortgezet onderwijs", "so": "Speciaal onderwijs"}

# Session keys used across pages.
USER = "user_id"
SCENARIO = "scenario_id"
ATTEMPT = "attempt_id"


@st.cache_resource(show_spinner=False)
def _store_for(root: str) -> TinyDBStore:
    return open_store(root)


def store() -> TinyDBStore:
    return _store_for(os.environ.get("SAMENSPEL_DATA_DIR") or str(DEFAULT_ROOT))


def library() -> Library:
    return load_library(Path(os.environ.get("SAMENSPEL_SCENARIO_DIR") or SCENARIO_DIR))


def catalogue() -> Catalogue:
    return load_catalogue()


def current_user() -> Account | None:
    """The signed-in, active account of this browser session."""
    user_id = st.session_state.get(USER)
    if not user_id:
        return None
    account = store().get_account(user_id)
    return account if account is not None and account.active else None


def new_comment_count(user: Account) -> int:
    """Comments by others on the user's own reflections not yet read (0 when the log cannot be read)."""
    try:
        return sum(sharing.unread(store(), user, user.id).values())
    except StoreError:
        return 0  # the Logboek itself reports storage problems


def comments_label(count: int) -> str:
    return f"{count} nieuwe {'reactie' if count == 1 else 'reacties'}"


def require_user(*roles: str) -> Account:
    """The signed-in account; stops the page when nobody (or a wrong role) is signed in.

    Navigation only lists a role's own pages, so this is a second line of defence.
    """
    user = current_user()
    if user is None or (roles and user.role not in roles):
        st.warning("Deze pagina is niet beschikbaar. Log in met een account dat hier toegang toe heeft.")
        st.stop()
    return user


def go(page: str, **state: str) -> None:
    """Switch to a page, first setting session keys (e.g. scenario_id, attempt_id)."""
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(PAGES[page])


def escape_markdown(text: str) -> str:
    """Make user text inert for st.markdown: every Markdown/HTML character escaped, line breaks kept."""
    return export.escape_markdown(text)


def user_text(text: str) -> None:
    """Render text a user wrote: never as HTML, never as Markdown."""
    st.markdown(escape_markdown(text))


def store_error(exc: StoreError) -> None:
    """A clear Dutch message for storage problems; nothing is overwritten."""
    if isinstance(exc, CorruptDataError):
        st.error(
            "Je opgeslagen gegevens kunnen niet worden gelezen. Er is niets overschreven: het bestand is bewaard. "
            f"Vraag de beheerder om het bestand te controleren: `{exc.path.name}`."
        )
    else:
        st.error("Opslaan of lezen lukte niet. Probeer het opnieuw. Wat je al had opgeslagen, blijft bewaard.")


def principle_popover(principle: Principle, key: str, label: str | None = None) -> None:
    """A 'waarom?' button that opens the principle with its source."""
    with st.popover(label or f"Waarom? {principle.name}", key=key):
        principle_card(principle, with_scenarios=False)


def principle_card(principle: Principle, with_scenarios: bool = True) -> None:
    group = catalogue().group(principle.group)
    st.markdown(f"**{principle.name}**  \n_{group.name}_")
    st.markdown(principle.summary)
    if principle.in_practice:
        st.markdown(f"**In het gesprek:** {principle.in_practice}")
    source = principle.source
    quote = f"  \n> {source.quote}" if source.quote else ""
    st.caption(f"Bron: {source.label()}{quote}")
    if with_scenarios:
        trained = scenarios_training(principle.id)
        if trained:
            st.markdown("**Oefen dit in:** " + ", ".join(s.title for s in trained))
        else:
            st.caption("Nog geen scenario oefent dit principe.")


def scenarios_training(principle_id: str) -> list[Scenario]:
    """Scenarios that list the principle or tag a choice with it."""
    result = []
    for scenario in library().sorted():
        tagged = any(principle_id in c.principles for n in scenario.nodes.values() for c in n.choices)
        if principle_id in scenario.principles or tagged:
            result.append(scenario)
    return result


def format_change(name: str, delta: int, scenario: Scenario) -> str:
    label = scenario.variables[name].label
    return f"{label}: {'+' if delta > 0 else ''}{delta}"


def short_date(iso: str | None) -> str:
    """'23 nov. 2026, 12:08' in Dutch time; empty for no date."""
    return export.dutch_datetime(iso)


def short_day(iso: str | None) -> str:
    """'23 november 2026' in Dutch time; empty for no date."""
    return export.dutch_date(iso)


# --- optional school sign-in (OIDC through st.login) ----------------------------------------

PROVIDER_LABELS = {"microsoft": "Microsoft 365", "google": "Google Workspace", "default": "je schoolaccount"}
_OIDC_KEYS = ("client_id", "client_secret", "server_metadata_url")


def oidc_providers() -> list[str]:
    """Providers configured in .streamlit/secrets.toml; empty without configuration.

    Named providers live under [auth.<name>] (st.login(name)); a provider configured
    directly under [auth] is Streamlit's unnamed default (st.login("default")). A provider
    lacking one of client_id, client_secret, server_metadata_url gets no button.
    """
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets file at all
        return []
    if not auth or "cookie_secret" not in auth or "redirect_uri" not in auth:
        return []
    named = [
        name for name, value in auth.items()
        if hasattr(value, "keys") and all(k in value for k in _OIDC_KEYS) and "_" not in name
    ]
    if all(k in auth for k in _OIDC_KEYS):
        named.insert(0, "default")
    return named


def oidc_signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def adopt_oidc_user() -> None:
    """After a school sign-in, bind the browser session to the matching Samenspel account."""
    if not oidc_signed_in():
        return
    from modules import accounts

    info = st.user.to_dict()
    try:
        account = accounts.oidc_account(store(), str(info.get("iss") or ""), str(info.get("sub") or ""),
                                        info.get("email") or info.get("preferred_username"), info.get("name"))
    except accounts.AuthError as exc:
        st.error(str(exc))
        return
    except StoreError as exc:
        store_error(exc)
        return
    st.session_state[USER] = account.id
