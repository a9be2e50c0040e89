"""Accounts, roles, password hashing (Argon2id), sign-in throttling, reset codes, migration.

Messages in ``AuthError`` are Dutch: pages show them to users as they are. A failed
sign-in never tells whether the username exists: the message is the same, the
throttle is keyed by the username as typed, and an unknown username still costs a
password verification.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from modules.people import throttle
from modules.records import Account, Role, limits
from modules.storage import DuplicateError, Store, normalise_nickname

ROLE_LABELS = {"teacher": "Leraar", "coach": "Coach", "facilitator": "Gespreksleider", "admin": "Beheerder"}
PASSWORD_MIN = 10
PASSWORD_MAX = limits.PASSWORD
USERNAME_MIN, USERNAME_MAX = 3, limits.USERNAME
FREE_FAILURES = throttle.SIGN_IN.free  # failures allowed before waiting
BASE_WAIT = throttle.SIGN_IN.base  # doubles with every further failure
MAX_WAIT = throttle.SIGN_IN.max_wait
RESET_VALID = timedelta(hours=48)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
# Words that, with only digits or punctuation added, make a guessable password here.
GUESSABLE_WORDS = {
    "wachtwoord",
    "welkom",
    "samenspel",
    "password",
    "passw0rd",
    "geheim",
    "qwerty",
    "azerty",
    "school",
    "ouders",
}
ADMIN_BY_COMMAND = (
    "Een beheerder maak je met een opdracht op de server (zie de README). Zo kan niemand via de app beheerder worden."
)

WRONG = "Gebruikersnaam of wachtwoord klopt niet."


class AuthError(Exception):
    """A refused sign-in, sign-up or reset; the message is Dutch, for the user."""


class ThrottledError(AuthError):
    """Too many failures; the message names the real waiting time."""

    def __init__(self, locked: throttle.Locked):
        super().__init__(str(locked))
        self.wait = locked.wait


class PermissionDenied(Exception):
    """The acting user may not do this (a programming or URL-guessing error, not user input)."""


def _hasher() -> PasswordHasher:
    if os.environ.get("SAMENSPEL_ARGON2_PROFILE") == "test":  # fast hashes for the test suite only
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    return PasswordHasher(type=Type.ID)  # argon2-cffi defaults: RFC 9106 low-memory profile


_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    key = os.environ.get("SAMENSPEL_ARGON2_PROFILE", "")
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = _hasher().hash(secrets.token_hex(16))
    return _DUMMY_HASH[key]


def _verify(hashed: str | None, secret: str) -> bool:
    try:
        return _hasher().verify(hashed or _dummy_hash(), secret) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_matches(account: Account, password: str) -> bool:
    """Whether ``password`` is the account's password (no throttling: for operators' tools only)."""
    return account.password_hash is not None and _verify(account.password_hash, password)


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(UTC)


def new_code(groups: int = 3) -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(groups))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def validate_username(username: str) -> str:
    cleaned = " ".join(str(username).split())
    if not USERNAME_MIN <= len(cleaned) <= USERNAME_MAX:
        raise AuthError(f"Kies een gebruikersnaam van {USERNAME_MIN} tot {USERNAME_MAX} tekens.")
    if any(not ch.isprintable() for ch in cleaned):
        raise AuthError("Een gebruikersnaam mag geen onzichtbare tekens bevatten.")
    return cleaned


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped blocklist (lower case), see modules/data/common-passwords.txt."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def validate_password(password: str, username: str = "") -> str:
    """Refuse a password that is too short, too long, common or guessable here; the message says why."""
    if len(password) < PASSWORD_MIN:
        raise AuthError(f"Kies een wachtwoord van minstens {PASSWORD_MIN} tekens. Een korte zin werkt goed.")
    if len(password) > PASSWORD_MAX:
        raise AuthError(f"Een wachtwoord is hoogstens {PASSWORD_MAX} tekens.")
    folded = password.strip().casefold()
    if username and folded == username.strip().casefold():
        raise AuthError("Je wachtwoord mag niet gelijk zijn aan je gebruikersnaam.")
    base = re.sub(r"[\W\d_]+$", "", re.sub(r"^[\W\d_]+", "", folded))
    user_base = re.sub(r"[\W\d_]+", "", username.casefold())
    if (
        folded in common_passwords()
        or base in GUESSABLE_WORDS
        or (len(user_base) >= 3 and re.sub(r"[\W\d_]+", "", folded) == user_base)
    ):
        raise AuthError(
            "Dit wachtwoord wordt veel gebruikt en is makkelijk te raden. "
            "Kies iets anders, bijvoorbeeld een korte zin van een paar woorden."
        )
    return password


def _bounded(username: str, password: str) -> None:
    """Refuse over-long input before anything is hashed or stored (no account can have it)."""
    if limits.too_long(username, USERNAME_MAX + 10):
        raise AuthError(f"Een gebruikersnaam is hoogstens {USERNAME_MAX} tekens.")
    if limits.too_long(password, PASSWORD_MAX):
        raise AuthError(f"Een wachtwoord is hoogstens {PASSWORD_MAX} tekens.")


def _signin_key(username: str) -> str:
    return f"signin:{normalise_nickname(username)}"


def _check_throttle(store: Store, username: str, at: datetime, client: str | None = None) -> None:
    try:
        if client:
            throttle.check(store, f"client:{client}", throttle.CLIENT, at)
        throttle.check(store, _signin_key(username), throttle.SIGN_IN, at)
    except throttle.Locked as locked:
        raise ThrottledError(locked) from None


def _fail(store: Store, username: str, at: datetime, client: str | None = None) -> None:
    """Count a failure for the typed username (existing or not) and for the client."""
    throttle.fail(store, _signin_key(username), throttle.SIGN_IN, at)
    if client:
        throttle.fail(store, f"client:{client}", throttle.CLIENT, at)


def same_world(actor: Account, other: Account) -> None:
    """A demo account never acts on a real account, nor the reverse."""
    if actor.demo != other.demo:
        raise PermissionDenied("demo and real accounts never meet")


# --- sign-up, sign-in, passwords ------------------------------------------------------------


def _create_with_password(store: Store, username: str, password: str, role: str) -> Account:
    _bounded(username, password)
    username = validate_username(username)
    validate_password(password, username)
    account = Account(username=username, role=Role(role), password_hash=_hasher().hash(password))
    try:
        return store.create_account(account)
    except DuplicateError:
        raise AuthError("Deze gebruikersnaam is al in gebruik. Kies een andere.") from None


def sign_up(
    store: Store, username: str, password: str, client: str | None = None, at: datetime | None = None
) -> Account:
    """Public sign-up: always a teacher account. Every attempt counts for the client (100 an hour are free)."""
    _bounded(username, password)
    if client:
        at = _now(at)
        try:
            throttle.check(store, f"signup:{client}", throttle.SIGN_UP, at)
        except throttle.Locked as locked:
            raise ThrottledError(locked) from None
        throttle.fail(store, f"signup:{client}", throttle.SIGN_UP, at)
    return _create_with_password(store, username, password, "teacher")


def sign_in(
    store: Store, username: str, password: str, at: datetime | None = None, client: str | None = None
) -> Account:
    """Check a username and password; throttled per username as typed and per client."""
    _bounded(username, password)
    at = _now(at)
    _check_throttle(store, username, at, client)
    account = store.find_account(username=username)
    usable_hash = account.password_hash if account is not None and account.active else None
    if not _verify(usable_hash, password) or account is None or usable_hash is None:
        _fail(store, username, at, client)
        raise AuthError(WRONG)
    throttle.clear(store, _signin_key(username))
    if _hasher().check_needs_rehash(usable_hash):
        rehashed = _hasher().hash(password)
        account = store.update_account(account.id, lambda a: _set(a, password_hash=rehashed))
    return account


def _set(account: Account, **fields: object) -> Account:
    """The account with these fields changed: the ``change`` of ``Store.update_account``, which reads the
    account as stored now (a change made meanwhile by someone else, a switch-off say, is kept)."""
    return account.model_copy(update=fields)


CLAIM_REFUSED = (
    "Voor deze naam kun je hier geen wachtwoord (meer) kiezen. Heb je al een wachtwoord gekozen? "
    "Log dan in bij *Inloggen*. Lukt het niet? Vraag de beheerder om een code."
)


def claim_migrated(store: Store, username: str, password: str) -> Account:
    """First sign-in of a profile from the nickname era: it has no password yet; set one."""
    _bounded(username, password)
    account = store.find_account(username=username)
    if account is None or not account.migrated_from_nickname or account.password_hash is not None or not account.active:
        raise AuthError(CLAIM_REFUSED)
    validate_password(password, account.username)
    hashed = _hasher().hash(password)

    def claim(current: Account) -> Account:
        if current.password_hash is not None or not current.active:  # claimed (or switched off) meanwhile
            raise AuthError(CLAIM_REFUSED)
        return _set(current, password_hash=hashed)

    return store.update_account(account.id, claim)


def change_password(
    store: Store, account: Account, old: str, new: str, at: datetime | None = None, keep_login: str | None = None
) -> Account:
    """Change the own password; a wrong current password counts as a failed sign-in.

    Every other sign-in of the account ends (``keep_login`` stays: the browser that changed it).
    """
    _bounded(account.username, old)
    _bounded(account.username, new)
    at = _now(at)
    _check_throttle(store, account.username, at)
    if not _verify(account.password_hash, old):
        _fail(store, account.username, at)
        raise AuthError("Je huidige wachtwoord klopt niet.")
    validate_password(new, account.username)
    throttle.clear(store, _signin_key(account.username))
    hashed = _hasher().hash(new)  # slow (Argon2): the account is read again after it, in update_account
    updated = store.update_account(account.id, lambda a: _set(a, password_hash=hashed))
    store.delete_logins(user_id=account.id, keep=keep_login)
    return updated


def reset_password(
    store: Store, username: str, code: str, new: str, at: datetime | None = None, client: str | None = None
) -> Account:
    """Set a new password with a one-time code from an admin. Throttled like sign-in; ends every sign-in."""
    _bounded(username, new)
    if limits.too_long(code, limits.ONE_TIME_CODE):
        raise AuthError("Gebruikersnaam of code klopt niet, of de code is verlopen.")
    at = _now(at)
    _check_throttle(store, username, at, client)
    account = store.find_account(username=username)
    expires = account.reset_expires if account else None
    valid = account is not None and account.active and expires is not None and expires > at
    code_hash = account.reset_code_hash if account is not None and valid else None
    if not _verify(code_hash, normalise_code(code)) or account is None or not valid:
        _fail(store, username, at, client)
        raise AuthError("Gebruikersnaam of code klopt niet, of de code is verlopen.")
    validate_password(new, account.username)
    throttle.clear(store, _signin_key(username))
    store.delete_logins(user_id=account.id)
    hashed, used = _hasher().hash(new), account.reset_code_hash

    def reset(current: Account) -> Account:
        if current.reset_code_hash != used or not current.active:  # used, replaced or switched off meanwhile
            raise AuthError("Gebruikersnaam of code klopt niet, of de code is verlopen.")
        return _set(current, password_hash=hashed, reset_code_hash=None, reset_expires=None)

    return store.update_account(account.id, reset)


# --- administration -------------------------------------------------------------------------


AUTHOR_ROLES = (Role.COACH, Role.FACILITATOR, Role.ADMIN)  # who sees scenario files' errors and the quality bar


def is_author(account: Account | None) -> bool:
    """Whether the account sees authors' findings about scenario files (teachers just play)."""
    return account is not None and account.active and account.role in AUTHOR_ROLES


def can_author(account: Account | None) -> bool:
    """Whether the account may use the Werkplaats: an auteur (granted by an admin) or an admin."""
    return account is not None and account.active and (account.author or account.role == Role.ADMIN)


def can_publish(account: Account | None) -> bool:
    """Whether the account may publish a draft to the library: an admin, or an auteur with publish rights."""
    return (
        account is not None
        and account.active
        and (account.role == Role.ADMIN or (account.author and account.publisher))
    )


def require_role(account: Account | None, *roles: str) -> Account:
    if account is None or not account.active or account.role not in roles:
        raise PermissionDenied(f"requires role {' or '.join(roles)}")
    return account


def _with_reset_code(account: Account, at: datetime) -> tuple[Account, str]:
    code = new_code()
    updated = account.model_copy(update={"reset_code_hash": _hasher().hash(code), "reset_expires": at + RESET_VALID})
    return updated, code


def admin_create_account(
    store: Store, admin: Account, username: str, role: str, at: datetime | None = None
) -> tuple[Account, str]:
    """An admin creates an account; returns it with a one-time code the user sets a password with.

    Not an admin account: every admin is made with the command on the server (``create-admin``),
    so a stolen admin session cannot make more admins.
    """
    require_role(admin, "admin")
    if role not in ROLE_LABELS:
        raise AuthError("Onbekende rol.")
    if role == "admin":
        raise AuthError(ADMIN_BY_COMMAND)
    return _create_with_code(store, username, role, _now(at))


def _create_with_code(store: Store, username: str, role: str, at: datetime) -> tuple[Account, str]:
    """A new account without a password, and the one-time code (48 hours) with which its owner sets one."""
    account = Account(
        username=validate_username(username), role=Role(role), invite_code=new_code(2) if role == "coach" else None
    )
    account, code = _with_reset_code(account, at)
    try:
        store.create_account(account)
    except DuplicateError:
        raise AuthError("Deze gebruikersnaam is al in gebruik. Kies een andere.") from None
    return account, code


ADMINS_BY_COMMAND = (
    "Een beheerder beheer je met een opdracht op de server (zie de README), niet in de app. "
    "Zo kan niemand via de app een andere beheerder overnemen of uitschakelen."
)


def _target(store: Store, admin: Account, user_id: str) -> Account:
    """The account an admin acts on: never another admin (that is the command's), never across demo and real."""
    require_role(admin, "admin")
    account = store.get_account(user_id)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    same_world(admin, account)
    if account.role == "admin":
        raise AuthError(ADMINS_BY_COMMAND)
    return account


def admin_reset_code(store: Store, admin: Account, user_id: str, at: datetime | None = None) -> str:
    account = _target(store, admin, user_id)
    updated, code = _with_reset_code(account, _now(at))
    store.update_account(
        account.id, lambda a: _set(a, reset_code_hash=updated.reset_code_hash, reset_expires=updated.reset_expires)
    )
    return code


def admin_set_active(store: Store, admin: Account, user_id: str, active: bool) -> Account:
    """Switch an account off (its sign-ins end at once) or on again."""
    require_role(admin, "admin")
    if user_id == admin.id and not active:
        raise AuthError("Je kunt je eigen account niet uitschakelen.")
    account = _target(store, admin, user_id)
    updated = store.update_account(account.id, lambda a: _set(a, active=active))
    if not active:
        store.delete_logins(user_id=user_id)
    return updated


def admin_set_role(store: Store, admin: Account, user_id: str, role: str) -> Account:
    """An admin changes another user's role; a new coach gets an invite code."""
    require_role(admin, "admin")
    if role not in ROLE_LABELS:
        raise AuthError("Onbekende rol.")
    if user_id == admin.id:
        raise AuthError("Je kunt je eigen rol niet wijzigen. Vraag een andere beheerder.")
    if role == "admin":
        raise AuthError(ADMIN_BY_COMMAND)
    account = _target(store, admin, user_id)
    code = new_code(2)

    def with_role(current: Account) -> Account:  # a new coach gets an invite code
        if role == "coach" and not current.invite_code:
            return _set(current, role=Role(role), invite_code=code)
        return _set(current, role=Role(role))

    return store.update_account(account.id, with_role)


def admin_set_authoring(store: Store, admin: Account, user_id: str, author: bool, publisher: bool) -> Account:
    """An admin makes an account an auteur (and lets it publish), or takes that away again.

    Publish rights go with being an auteur: taking the auteur right away takes them too."""
    require_role(admin, "admin")
    account = _target(store, admin, user_id)
    return store.update_account(account.id, lambda a: _set(a, author=author, publisher=author and publisher))


def code_valid_until(account: Account, at: datetime | None = None) -> datetime | None:
    """When the account's one-time code stops working, if it still works now."""
    expires = account.reset_expires
    return expires if account.reset_code_hash and expires and expires > _now(at) else None


def sign_in_method(account: Account) -> str:
    """How an account signs in: "password", "school", "school+password" or "none" (no password yet)."""
    if account.oidc_subject and account.password_hash:
        return "school+password"
    if account.oidc_subject:
        return "school"
    return "password" if account.password_hash else "none"


def new_invite_code(store: Store, coach: Account) -> Account:
    require_role(coach, "coach")
    code = new_code(2)
    return store.update_account(coach.id, lambda a: _set(a, invite_code=code))


def ensure_account(store: Store, username: str, password: str, role: str) -> Account:
    """Create an account with a password unless the username exists (demo and bootstrap)."""
    existing = store.find_account(username=username)
    if existing is not None:
        return existing
    account = Account(
        username=username,
        role=Role(role),
        password_hash=_hasher().hash(password),
        invite_code=new_code(2) if role == "coach" else None,
    )
    try:
        return store.create_account(account)
    except DuplicateError:  # created by another process meanwhile
        found = store.find_account(username=username)
        if found is None:  # created and deleted meanwhile: not worth a retry
            raise
        return found


# --- migration and school sign-in -----------------------------------------------------------


def migrate_profiles(store: Store) -> int:
    """Turn nickname profiles into teacher accounts with the same user id (data stays in place).

    One write for all of them: the free usernames are worked out in memory first (``name``,
    ``name-2`` ...). A profile that another process migrated at the same moment, or whose
    username was taken meanwhile, is left for the next start."""
    taken = {normalise_nickname(a.username) for a in store.list_accounts()}
    known = {a.id for a in store.list_accounts()}
    batch: list[Account] = []
    for profile in store.list_profiles():
        if profile.id in known:
            continue
        username, n = profile.nickname, 1
        while normalise_nickname(username) in taken:
            n += 1
            username = f"{profile.nickname}-{n}"
        taken.add(normalise_nickname(username))
        batch.append(
            Account(
                id=profile.id,
                username=username,
                role=Role.TEACHER,
                created_at=profile.created_at,
                migrated_from_nickname=True,
            )
        )
    return len(store.create_accounts(batch)) if batch else 0


def oidc_account(store: Store, issuer: str, subject: str, email: str | None, name: str | None) -> Account:
    """The account of a school sign-in (created as a teacher the first time).

    The account is found again by issuer and subject (stable per person and provider),
    never by e-mail address or name, which can change or be reused.
    """
    issuer, subject = str(issuer or "").strip(), str(subject or "").strip()
    if not issuer or not subject:
        raise AuthError("Inloggen met je schoolaccount lukte niet. Probeer het opnieuw of vraag de beheerder om hulp.")
    key = f"{issuer}|{subject}"
    found = store.find_account(oidc_subject=key)
    if found is not None:
        if not found.active:
            raise AuthError("Dit account is uitgeschakeld. Neem contact op met de beheerder.")
        return found
    base = "".join(ch for ch in " ".join(str(email or name or "").split()) if ch.isprintable())[:USERNAME_MAX]
    if len(base) < USERNAME_MIN:
        base = "schoolaccount"
    username, n = base, 1
    while store.find_account(username=username) is not None:
        n += 1
        username = f"{base[: USERNAME_MAX - 4]}-{n}"
    try:
        return store.create_account(Account(username=username, role=Role.TEACHER, oidc_subject=key))
    except DuplicateError:  # a second tab of the same person signed in at the same moment
        found = store.find_account(oidc_subject=key)
        if found is None:
            raise AuthError("Inloggen met je schoolaccount lukte niet. Probeer het opnieuw.") from None
        return found


# --- for the command line (python -m modules): every admin of a deployment ------------------


def create_admin(store: Store, username: str, password: str) -> Account:
    """Create an admin account with a password."""
    return _create_with_password(store, username, password, "admin")


def create_admin_with_code(store: Store, username: str, at: datetime | None = None) -> tuple[Account, str]:
    """Create an admin account without a password and a one-time code (48 hours) to set one."""
    return _create_with_code(store, username, "admin", _now(at))


def command_reset_code(store: Store, username: str, at: datetime | None = None) -> str:
    """A new one-time code for any account (an admin who forgot the password, say); ends its sign-ins."""
    account = store.find_account(username=username)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    updated, code = _with_reset_code(account, _now(at))
    store.update_account(
        account.id, lambda a: _set(a, reset_code_hash=updated.reset_code_hash, reset_expires=updated.reset_expires)
    )
    store.delete_logins(user_id=account.id)
    return code


def command_set_active(store: Store, username: str, active: bool) -> Account:
    """Switch any account off (its sign-ins end) or on, admins included."""
    account = store.find_account(username=username)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    updated = store.update_account(account.id, lambda a: _set(a, active=active))
    if not active:
        store.delete_logins(user_id=account.id)
    return updated
