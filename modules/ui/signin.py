"""Who is signed in here: the browser session, its sign-in cookie, its device, its address; school sign-in.

A sign-in is a login (``modules.people.logins``) that this browser session remembers and
that the browser keeps in an HttpOnly cookie, so it survives a refresh; the cookie is set
through a one-time ticket that the page loads as an image from ``/_samenspel/cookie``.
"""

from __future__ import annotations

import time

import streamlit as st

from modules import settings
from modules.deployment import startup
from modules.people import accounts, logins
from modules.records import Account
from modules.ui import context
from modules.ui.server import COOKIE_ROUTE

USER = "user_id"
LOGIN = "login_id"  # the hash of this browser's login (modules.people.logins)
PENDING_COOKIES = "pending-cookie-tickets"  # tickets for the cookie route, loaded by the next run
DELIVERING = "cookie-tickets-drawn"  # ticket -> when it was first drawn (``deliver_cookies``)
REDELIVER_SECONDS = 20.0
DEVICE = "device-token"  # this browser's anonymous device token (team sessions)
SIGNED_OUT = "signed-out-notice"


def current_user() -> Account | None:
    """The signed-in, active account of this browser session, while its login is valid.

    A login ends when it expires, when the user signs out (in any browser) or when an
    admin switches the account off; the next run of any page then finds nobody.
    """
    user_id = st.session_state.get(USER)
    if not user_id:
        return None
    account = logins.check(context.store(), st.session_state.get(LOGIN))
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


def require_user(*roles: str) -> Account:
    """The signed-in account; stops the page when nobody (or a wrong role) is signed in.

    Navigation only lists a role's own pages, so this is a second line of defence.
    """
    user = current_user()
    if user is None or (roles and user.role not in roles):
        st.warning("Deze pagina is niet beschikbaar. Log in met een account dat hier toegang toe heeft.")
        st.stop()
    return user


def sign_in_as(account: Account) -> None:
    """Bind this browser session to the account, and ask the browser to keep the sign-in (a cookie)."""
    login = logins.start(context.store(), account)
    st.session_state[USER] = account.id
    st.session_state[LOGIN] = login.id
    st.session_state.pop(SIGNED_OUT, None)
    queue_cookie(logins.LOGIN_COOKIE, login.cookie, int(logins.login_lifetime().total_seconds()), account.id)


def resume_from_cookie() -> None:
    """After a refresh: sign in again with this browser's login cookie, if it is still valid."""
    if st.session_state.get(USER):
        return
    found = logins.from_cookie(context.store(), _cookie(logins.LOGIN_COOKIE))
    if found is not None:
        st.session_state[LOGIN], account = found
        st.session_state[USER] = account.id


def forget_everything() -> None:
    """After deleting the own account: nothing of it stays in this browser (session, cookie, school sign-in)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    queue_cookie(logins.LOGIN_COOKIE, "", 0)
    if oidc_signed_in():
        st.logout()


def sign_out() -> None:
    """Sign out in every browser: all logins of the user end, this browser's cookie is deleted."""
    user = current_user()
    if user is not None:
        logins.end_everywhere(context.store(), user)
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
    ticket = logins.ticket(context.store(), name, value, max_age, user_id)
    st.session_state.setdefault(PENDING_COOKIES, []).append(ticket)


def deliver_cookies() -> None:
    """Load the cookie route for each queued ticket, as an invisible 1x1 image (no script needed).

    One plain Markdown element (a line of white space), not a box of fixed height: such a box
    scrolls, and a keyboard cannot reach it (axe-core, ``scrollable-region-focusable``). A ticket is
    drawn on every run for ``REDELIVER_SECONDS`` after it was queued, not once: a page that reruns at
    once (joining a session right after signing in does) replaces the image before the browser
    asked for it, and the cookie would be lost. A ticket works once; asking again sets nothing.

    In the sidebar, below everything else there (the browser loads the image there too, also while
    a phone's sidebar is closed): the line comes and goes, and at the top of the page it moved the
    whole page by a line when it did (20 s after signing in, at the next run), so a click at that
    moment landed next to its target.
    """
    moment = time.monotonic()
    drawn: dict[str, float] = st.session_state.setdefault(DELIVERING, {})
    for ticket in st.session_state.pop(PENDING_COOKIES, []):
        drawn.setdefault(ticket, moment)
    for ticket, since in list(drawn.items()):
        if moment - since > REDELIVER_SECONDS:
            del drawn[ticket]
    if drawn:  # last in the sidebar: nothing comes after it that could move or be redrawn when it goes
        st.sidebar.markdown("".join(f"![]({COOKIE_ROUTE}?t={ticket})" for ticket in drawn))


def device_token() -> str:
    """This browser's anonymous token for team sessions: from its cookie, else a new one (and a cookie)."""
    token = st.session_state.get(DEVICE) or logins.device_from_cookie(context.store(), _cookie(logins.DEVICE_COOKIE))
    if token is None:
        token, value = logins.new_device(context.store())
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
        startup.log.warning(
            "client address unknown (a local connection or a proxy): throttling per client uses "
            "one shared counter; behind a proxy that sets X-Forwarded-For, set "
            "SAMENSPEL_TRUSTED_PROXY=1"
        )
    return "ip:unknown"


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
        name
        for name, value in auth.items()
        if hasattr(value, "keys") and all(k in value for k in _OIDC_KEYS) and "_" not in name
    ]
    if all(k in auth for k in _OIDC_KEYS):
        named.insert(0, "default")
    return named


JOIN_KEPT = "join-code-kept-for-school-sign-in"  # the code already in this browser's join cookie


def keep_join_code(code: str) -> None:
    """Keep the session a signed-out browser came to join in a cookie (half an hour), when a school
    sign-in is offered: that sign-in reloads the page, and this browser session is gone with it."""
    if not oidc_providers() or st.session_state.get(JOIN_KEPT) == code:
        return
    queue_cookie(logins.JOIN_COOKIE, logins.join_cookie(context.store(), code), logins.JOIN_MINUTES * 60)
    st.session_state[JOIN_KEPT] = code


def join_code_after_school_sign_in() -> str | None:
    """Right after a school sign-in: the code kept by ``keep_join_code``, if any (the cookie is deleted)."""
    code = logins.join_code_from_cookie(context.store(), _cookie(logins.JOIN_COOKIE))
    if code is not None:
        queue_cookie(logins.JOIN_COOKIE, "", 0)
    return code


def oidc_signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _text(claim: object) -> str | None:
    """A claim of the school's identity provider that should be text (anything else counts as missing)."""
    return claim if isinstance(claim, str) and claim else None


def adopt_oidc_user() -> None:
    """After a school sign-in, bind the browser session to the matching Samenspel account."""
    if not oidc_signed_in():
        return
    info = st.user.to_dict()
    try:
        account = accounts.oidc_account(
            context.store(),
            str(info.get("iss") or ""),
            str(info.get("sub") or ""),
            _text(info.get("email")) or _text(info.get("preferred_username")),
            _text(info.get("name")),
        )
    except accounts.AuthError as exc:
        st.error(str(exc))
        return
    if not logins.oidc_still_valid(account, info.get("iat")):
        st.logout()  # signed out everywhere after this school sign-in: sign in at school again
        return
    login = logins.start(context.store(), account)
    st.session_state[USER] = account.id
    st.session_state[LOGIN] = login.id
