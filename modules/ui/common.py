"""Shared helpers for the pages: store, library, current user, safe text, navigation."""

from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st

from modules import settings

from modules.exchange import escaping

from modules import dutch
from modules.people import logins, sharing
from modules.deployment import startup
from modules.library.scenarios import SCENARIO_DIR, Library, load_library
from modules.content.principles import Catalogue, Principle, load_catalogue
from modules.records import Account
from modules.content.scenario import Scenario, Speaker
from modules.storage import CorruptDataError, StoreError, TinyDBStore, open_store

# Page scripts, relative to the main script (modules/webapp.py).
PAGES = {
    "welkom": "ui/pages/welkom.py",
    "scenarios": "ui/pages/scenarios.py",
    "spelen": "ui/pages/spelen.py",
    "nabespreking": "ui/pages/nabespreking.py",
    "reflectie": "ui/pages/reflectie.py",
    "logboek": "ui/pages/logboek.py",
    "principes": "ui/pages/principes.py",
    "mijn_coach": "ui/pages/mijn_coach.py",
    "portfolio": "ui/pages/portfolio.py",
    "mijn_gegevens": "ui/pages/mijn_gegevens.py",
    "coach": "ui/pages/coach.py",
    "team_overzicht": "ui/pages/team_overzicht.py",
    "beheer": "ui/pages/beheer.py",
    "meedoen": "ui/pages/meedoen.py",
    "sessie_leiden": "ui/pages/sessie_leiden.py",
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
LOGIN = "login_id"  # the hash of this browser's login (modules.logins)
SCENARIO = "scenario_id"
ATTEMPT = "attempt_id"
PENDING_COOKIES = "pending-cookie-tickets"  # tickets for the cookie route, loaded by the next run
DEVICE = "device-token"  # this browser's anonymous device token (team sessions)
SIGNED_OUT = "signed-out-notice"


@st.cache_resource(show_spinner=False)
def _store_for(root: str, demo: bool) -> TinyDBStore:
    return open_store(root, demo=demo)


def store() -> TinyDBStore:
    """The store of this deployment: the demo folder in demo mode, else the real data folder."""
    return _store_for(str(settings.active_data_dir()), settings.demo_enabled())


def library() -> Library:
    return load_library(Path(os.environ.get("SAMENSPEL_SCENARIO_DIR") or SCENARIO_DIR))


def catalogue() -> Catalogue:
    return load_catalogue()


def current_user() -> Account | None:
    """The signed-in, active account of this browser session, while its login is valid.

    A login ends when it expires, when the user signs out (in any browser) or when an
    admin switches the account off; the next run of any page then finds nobody.
    """
    user_id = st.session_state.get(USER)
    if not user_id:
        return None
    account = logins.check(store(), st.session_state.get(LOGIN))
    if account is None or account.id != user_id:
        for key in (USER, LOGIN):
            st.session_state.pop(key, None)
        st.session_state[SIGNED_OUT] = True
        return None
    return account


def still_signed_in(user: Account | None) -> bool:
    """For fragments and callbacks, which do not run the page from the top: is ``user`` still signed in here?

    True for a guest (``None``); False once the user signed out (anywhere) or was switched off.
    """
    if user is None:
        return True
    current = current_user()
    return current is not None and current.id == user.id


def sign_in_as(account: Account) -> None:
    """Bind this browser session to the account, and ask the browser to keep the sign-in (a cookie)."""
    login = logins.start(store(), account)
    st.session_state[USER] = account.id
    st.session_state[LOGIN] = login.id
    st.session_state.pop(SIGNED_OUT, None)
    queue_cookie(logins.LOGIN_COOKIE, login.cookie, int(logins.login_lifetime().total_seconds()), account.id)


def resume_from_cookie() -> None:
    """After a refresh: sign in again with this browser's login cookie, if it is still valid."""
    if st.session_state.get(USER):
        return
    found = logins.from_cookie(store(), _cookie(logins.LOGIN_COOKIE))
    if found is not None:
        st.session_state[LOGIN], account = found
        st.session_state[USER] = account.id


def sign_out() -> None:
    """Sign out in every browser: all logins of the user end, this browser's cookie is deleted."""
    user = current_user()
    if user is not None:
        logins.end_everywhere(store(), user)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    queue_cookie(logins.LOGIN_COOKIE, "", 0)


def _cookie(name: str) -> str | None:
    try:
        return st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 - no browser (AppTest): no cookies
        return None


def queue_cookie(name: str, value: str, max_age: int, user_id: str | None = None) -> None:
    """Have the browser set (or, with an empty value, delete) a cookie on the next run of the page."""
    ticket = logins.ticket(store(), name, value, max_age, user_id)
    st.session_state.setdefault(PENDING_COOKIES, []).append(ticket)


def deliver_cookies() -> None:
    """Load the cookie route for each queued ticket, as an invisible 1x1 image (no script needed)."""
    from modules.ui.server import COOKIE_ROUTE

    tickets = st.session_state.pop(PENDING_COOKIES, [])
    if tickets:
        with st.container(height=1, border=False):  # as little space as an element can take
            for ticket in tickets:
                st.markdown(f"![]({COOKIE_ROUTE}?t={ticket})")


def device_token() -> str:
    """This browser's anonymous token for team sessions: from its cookie, else a new one (and a cookie)."""
    token = st.session_state.get(DEVICE) or logins.device_from_cookie(store(), _cookie(logins.DEVICE_COOKIE))
    if token is None:
        token, value = logins.new_device(store())
        queue_cookie(logins.DEVICE_COOKIE, value, logins.DEVICE_HOURS * 3600)
    st.session_state[DEVICE] = token
    return token


_UNKNOWN_CLIENT_WARNED: list[bool] = []


def client_key() -> str:
    """Who is asking, for throttling: the client's address.

    Behind a proxy the address is the proxy's (a local one counts as unknown): set
    SAMENSPEL_TRUSTED_PROXY=1 when the proxy sets X-Forwarded-For (the last address in it is
    the one the proxy saw). Without an address all clients share one key: stricter, never
    looser, because nothing the client holds (a cookie) may reset its counter.
    """
    address = None
    try:
        if settings.trusted_proxy():
            forwarded = st.context.headers.get("X-Forwarded-For") or ""
            address = forwarded.split(",")[-1].strip() or None
        address = address or st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser (AppTest)
        address = None
    if isinstance(address, str) and address:  # AppTest has no client: a stand-in object, not an address
        return "ip:" + address
    if not _UNKNOWN_CLIENT_WARNED:
        _UNKNOWN_CLIENT_WARNED.append(True)
        startup.log.warning("client address unknown (a local connection or a proxy): throttling per client uses "
                            "one shared counter; behind a proxy that sets X-Forwarded-For, set "
                            "SAMENSPEL_TRUSTED_PROXY=1")
    return "ip:unknown"


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


WORD_JOINER = "\u2060"  # invisible; splits what Markdown would turn into a link
_AUTOLINK_START = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|www)([:.])")


def escape_markdown(text: str) -> str:
    """Make user text inert inside Markdown: every Markdown/HTML character escaped, line breaks kept,
    and no bare address (https://…, www.…, name@…) turned into a clickable link."""
    unlinked = _AUTOLINK_START.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), str(text))
    return escaping.escape_markdown(unlinked.replace("@", WORD_JOINER + "@"))


def user_text(text: str) -> None:
    """Render text a user wrote as plain text (``st.text``): never HTML, Markdown or a link."""
    st.text(str(text))


def show_failure(exc: BaseException) -> str:
    """An unexpected error: a short Dutch message with a reference code; the detail goes to the server log."""
    code = startup.log_failure("a page", exc)
    st.error(
        "Er ging iets mis. Wat je al had opgeslagen, blijft bewaard. Probeer het opnieuw of kies een andere "
        f"pagina. Blijft het misgaan? Geef de beheerder deze code: **{code}**."
    )
    return code


def store_error(exc: StoreError) -> None:
    """A clear Dutch message for storage problems; nothing is overwritten."""
    if isinstance(exc, CorruptDataError):  # the file and the cause go to the server log, under the code
        code = startup.log_failure(f"reading {exc.path}", exc)
        st.error(
            "Je opgeslagen gegevens kunnen niet worden gelezen. Er is niets overschreven: het bestand is bewaard. "
            f"Vraag de beheerder om het te controleren en geef deze code: **{code}**."
        )
    else:
        code = startup.log_failure("storage", exc)
        st.error("Opslaan of lezen lukte niet. Probeer het opnieuw. Wat je al had opgeslagen, blijft bewaard. "
                 f"Blijft het misgaan? Geef de beheerder deze code: **{code}**.")


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
    return dutch.dutch_datetime(iso)


def short_day(iso: str | None) -> str:
    """'23 november 2026' in Dutch time; empty for no date."""
    return dutch.dutch_date(iso)


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
    from modules.people import accounts

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
    if not logins.oidc_still_valid(account, info.get("iat")):
        st.logout()  # signed out everywhere after this school sign-in: sign in at school again
        return
    login = logins.start(store(), account)
    st.session_state[USER] = account.id
    st.session_state[LOGIN] = login.id
