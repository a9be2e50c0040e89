"""Sign-ins that survive a refresh, and the browser cookies that carry them.

Streamlit forgets a browser session on every refresh (F5). So a sign-in is also kept
on the server as a *login*: a random token goes to the browser in a cookie, and the
store keeps only the token's SHA-256 hash, the user id and an expiry. On a refresh the
app reads the cookie, finds the login and the user is signed in again. Signing out
removes every login of the user (*everywhere*), so other browsers are signed out at
their next click, and a school sign-in older than that moment is not accepted again.

Cookies are set by the app's own HTTP route (``/_samenspel/cookie``, see
``modules.ui.server``) with ``HttpOnly`` (no script can read them), ``SameSite=Lax``,
``Path=/`` and, over HTTPS, ``Secure``. Their value is signed and timestamped with
``itsdangerous`` (a Pallets library that Streamlit itself depends on) using this data
folder's (or database's) key, or with ``SAMENSPEL_SECRET_KEY`` when the operator sets one, so a
cookie from another deployment or an edited cookie is worthless, and a cookie one app server set
holds on every other server of the deployment.
Because a Streamlit script cannot write a response header, the app hands the browser
a one-time *ticket* (a random token, valid for a minute) in the URL of a 1x1 image; the
route redeems the ticket once and sets the cookie. The store keeps only a hash of the
ticket and the cookie value sealed with a key derived from the ticket (Fernet, from
``cryptography``), so the data folder never holds a usable cookie. The route only
accepts a ticket from an image request of the app's own pages (Fetch Metadata, or a
same-origin Referer), so nobody can hand a ticket to another browser: the cookie is
only ever set in the browser that signed in, to a fresh token (no session fixation, no
login CSRF).

No Streamlit here: pages and the HTTP route call these functions.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, URLSafeTimedSerializer

from modules import settings
from modules.records import Account, Login, Ticket
from modules.storage import Store

LOGIN_COOKIE = "samenspel_login"
DEVICE_COOKIE = "samenspel_apparaat"  # a browser's anonymous identity in team sessions
JOIN_COOKIE = "samenspel_meedoen"  # the team session a signed-out phone came for, across a school sign-in
DEVICE_HOURS = 24
JOIN_MINUTES = 30
TICKET_VALID = timedelta(minutes=1)
COOKIES = {LOGIN_COOKIE, DEVICE_COOKIE, JOIN_COOKIE}  # the only cookies the route will set


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _ticket_id(token: str) -> str:
    return _hash("ticket-id:" + token)


def _ticket_box(token: str) -> Fernet:
    """The key that seals a ticket's cookie value: derived from the ticket, which the store never keeps."""
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("ticket-key:" + token).encode()).digest()))


def _signer(store: Store, cookie: str) -> URLSafeTimedSerializer:
    """Signs with ``SAMENSPEL_SECRET_KEY`` when set, else with the store's key (shared by every app server)."""
    return URLSafeTimedSerializer(settings.secret_key() or store.secret(), salt=f"samenspel/{cookie}")


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(UTC)


def login_lifetime() -> timedelta:
    return timedelta(hours=settings.login_hours())


@dataclass(frozen=True)
class SignIn:
    """A new sign-in: the login's id (what the browser session remembers) and the cookie value for the browser."""

    id: str  # the hash the store keeps; the browser session remembers it
    user_id: str
    cookie: str  # the signed value for the browser's cookie


def start(store: Store, account: Account, at: datetime | None = None) -> SignIn:
    """A new login for an account that has just proven who it is."""
    at = _now(at)
    token = secrets.token_urlsafe(32)
    login_id = _hash(token)
    store.add_login(Login(id=login_id, user_id=account.id, created_at=at, expires_at=at + login_lifetime()))
    return SignIn(login_id, account.id, _signer(store, LOGIN_COOKIE).dumps(token))


def _usable(account: Account | None, login: Login | None, at: datetime) -> bool:
    if account is None or not account.active or login is None or login.user_id != account.id:
        return False
    if login.expires_at <= at:
        return False
    return not (account.signed_out_at and login.created_at < account.signed_out_at)


def check(store: Store, login_id: str | None, at: datetime | None = None) -> Account | None:
    """The account of a login that is still valid (not expired, not ended, account active)."""
    if not login_id:
        return None
    login = store.get_login(login_id)
    account = store.get_account(login.user_id) if login else None
    return account if _usable(account, login, _now(at)) else None


def from_cookie(store: Store, value: str | None, at: datetime | None = None) -> tuple[str, Account] | None:
    """The login id and account of a browser's login cookie, if it is genuine and still valid."""
    if not value or len(value) > 400:
        return None
    try:
        token = _signer(store, LOGIN_COOKIE).loads(value, max_age=int(login_lifetime().total_seconds()))
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    account = check(store, _hash(token), at)
    return (_hash(token), account) if account else None


def end(store: Store, login_id: str) -> None:
    """Sign this browser out."""
    store.delete_logins(login_id=login_id)


def end_everywhere(store: Store, account: Account, keep: str | None = None, at: datetime | None = None) -> Account:
    """Sign the account out in every browser (except the login ``keep``, after a password change)."""
    store.delete_logins(user_id=account.id, keep=keep)
    if keep is not None:
        return account
    at = _now(at)
    return store.update_account(account.id, lambda fresh: fresh.model_copy(update={"signed_out_at": at}))


def oidc_still_valid(account: Account, issued_at: object) -> bool:
    """A school sign-in issued before 'sign out everywhere' is not accepted again."""
    if not account.signed_out_at or not isinstance(issued_at, (int, float, str)):
        return True
    try:
        issued = datetime.fromtimestamp(float(issued_at), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return True
    return issued >= account.signed_out_at


# --- the anonymous browser identity of team-session participants --------------------------------


def new_device(store: Store) -> tuple[str, str]:
    """A fresh device token and its signed cookie value."""
    token = secrets.token_urlsafe(32)
    return token, _signer(store, DEVICE_COOKIE).dumps(token)


def device_from_cookie(store: Store, value: str | None) -> str | None:
    if not value or len(value) > 400:
        return None
    try:
        token = _signer(store, DEVICE_COOKIE).loads(value, max_age=DEVICE_HOURS * 3600)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


# --- the session a signed-out browser came to join, kept across the school sign-in's page reload ---


def join_cookie(store: Store, code: str) -> str:
    """The signed cookie value for a join code (a code is not secret: it is on the projector)."""
    return _signer(store, JOIN_COOKIE).dumps(code)


def join_code_from_cookie(store: Store, value: str | None) -> str | None:
    """The join code of a cookie that this data folder signed in the last half hour, else ``None``."""
    if not value or len(value) > 200:
        return None
    try:
        code = _signer(store, JOIN_COOKIE).loads(value, max_age=JOIN_MINUTES * 60)
    except BadSignature:
        return None
    return code if isinstance(code, str) and code.isalnum() and len(code) <= 16 else None


def device_key(token: str) -> str:
    """What a team session stores to recognise a browser: a hash, never the token."""
    return _hash(token)


# --- tickets: how a page gets a cookie set ---------------------------------------------------------


def ticket(
    store: Store, cookie: str, value: str, max_age: int, user_id: str | None = None, at: datetime | None = None
) -> str:
    """A one-time ticket that lets the HTTP route set ``cookie`` (``value`` empty: delete it)."""
    if cookie not in COOKIES:
        raise ValueError(f"unknown cookie {cookie!r}")
    token = secrets.token_urlsafe(24)
    sealed = _ticket_box(token).encrypt(value.encode()).decode() if value else ""
    store.add_ticket(
        Ticket(
            id=_ticket_id(token),
            user_id=user_id,
            cookie=cookie,
            sealed=sealed,
            max_age=int(max_age),
            expires_at=_now(at) + TICKET_VALID,
        )
    )
    return token


TICKET_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def redeem(store: Store, token: str | None) -> dict | None:
    """The cookie a ticket stands for (name, value, max_age); a ticket works once, within a minute."""
    if not token or len(token) > 100 or not set(token) <= TICKET_CHARS:
        return None
    found = store.take_ticket(_ticket_id(token))
    if found is None or found.cookie not in COOKIES:
        return None
    try:
        value = _ticket_box(token).decrypt(found.sealed.encode()).decode() if found.sealed else ""
    except (InvalidToken, ValueError):
        return None
    return {"cookie": found.cookie, "value": value, "max_age": found.max_age}
