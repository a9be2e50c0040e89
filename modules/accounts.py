"""Accounts, roles, password hashing (Argon2id), sign-in throttling, reset codes, migration.

Messages in ``AuthError`` are Dutch: pages show them to users as they are. A failed
sign-in never tells whether the username exists: the message is the same, the
throttle is keyed by the username as typed, and an unknown username still costs a
password verification.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from modules.records import Account
from modules.store import DuplicateError, Store

ROLE_LABELS = {"teacher": "Leraar", "coach": "Coach", "facilitator": "Gespreksleider", "admin": "Beheerder"}
PASSWORD_MIN = 10
USERNAME_MIN, USERNAME_MAX = 3, 60
FREE_FAILURES = 5  # failures allowed before waiting
BASE_WAIT = timedelta(seconds=30)  # doubles with every further failure
MAX_WAIT = timedelta(minutes=15)
RESET_VALID = timedelta(hours=48)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I

WRONG = "Gebruikersnaam of wachtwoord klopt niet."


class AuthError(Exception):
    """A refused sign-in, sign-up or reset; the message is Dutch, for the user."""


class ThrottledError(AuthError):
    def __init__(self, wait: timedelta):
        minutes = max(1, round(wait.total_seconds() / 60))
        super().__init__(
            f"Te veel mislukte pogingen. Probeer het over {minutes} {'minuut' if minutes == 1 else 'minuten'} opnieuw."
        )
        self.wait = wait


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


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(timezone.utc)


def new_code(groups: int = 3) -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(groups))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


def validate_username(username: str) -> str:
    cleaned = " ".join(str(username).split())
    if not USERNAME_MIN <= len(cleaned) <= USERNAME_MAX:
        raise AuthError(f"Kies een gebruikersnaam van {USERNAME_MIN} tot {USERNAME_MAX} tekens.")
    if any(not ch.isprintable() for ch in cleaned):
        raise AuthError("Een gebruikersnaam mag geen onzichtbare tekens bevatten.")
    return cleaned


def validate_password(password: str, username: str = "") -> str:
    if len(password) < PASSWORD_MIN:
        raise AuthError(f"Kies een wachtwoord van minstens {PASSWORD_MIN} tekens. Een korte zin werkt goed.")
    if username and password.strip().casefold() == username.strip().casefold():
        raise AuthError("Je wachtwoord mag niet gelijk zijn aan je gebruikersnaam.")
    return password


def _check_throttle(store: Store, username: str, at: datetime) -> dict:
    throttle = store.get_throttle(username)
    locked_until = _parse(throttle.get("locked_until"))
    if locked_until and locked_until > at:
        raise ThrottledError(locked_until - at)
    return throttle


def _fail(store: Store, username: str, at: datetime) -> AuthError:
    """Count a failure atomically (parallel attempts each count) and lock when over the limit."""

    def count(throttle: dict) -> dict:
        failures = int(throttle.get("failures", 0)) + 1
        locked_until = None
        if failures >= FREE_FAILURES:
            wait = min(MAX_WAIT, BASE_WAIT * 2 ** (failures - FREE_FAILURES))
            locked_until = (at + wait).isoformat()
        return {"failures": failures, "locked_until": locked_until}

    store.update_throttle(username, count)
    return AuthError(WRONG)


# --- sign-up, sign-in, passwords ------------------------------------------------------------

def _create_with_password(store: Store, username: str, password: str, role: str) -> Account:
    username = validate_username(username)
    validate_password(password, username)
    account = Account(username=username, role=role, password_hash=_hasher().hash(password))
    try:
        return store.create_account(account)
    except DuplicateError:
        raise AuthError("Deze gebruikersnaam is al in gebruik. Kies een andere.") from None


def sign_up(store: Store, username: str, password: str) -> Account:
    """Public sign-up: always a teacher account."""
    return _create_with_password(store, username, password, "teacher")


def sign_in(store: Store, username: str, password: str, at: datetime | None = None) -> Account:
    at = _now(at)
    throttle = _check_throttle(store, username, at)
    account = store.find_account(username=username)
    usable = account is not None and account.active and account.password_hash is not None
    if not (_verify(account.password_hash if usable else None, password) and usable):
        raise _fail(store, username, at)
    if throttle.get("failures"):
        store.set_throttle(username, 0, None)
    if _hasher().check_needs_rehash(account.password_hash):
        account = store.save_account(account.model_copy(update={"password_hash": _hasher().hash(password)}))
    return account


def claim_migrated(store: Store, username: str, password: str) -> Account:
    """First sign-in of a profile from the nickname era: it has no password yet; set one."""
    account = store.find_account(username=username)
    if account is None or not account.migrated_from_nickname or account.password_hash is not None or not account.active:
        raise AuthError("Voor deze schuilnaam is al een wachtwoord ingesteld, of hij bestaat niet.")
    validate_password(password, account.username)
    return store.save_account(account.model_copy(update={"password_hash": _hasher().hash(password)}))


def change_password(store: Store, account: Account, old: str, new: str) -> Account:
    if not _verify(account.password_hash, old):
        raise AuthError("Je huidige wachtwoord klopt niet.")
    validate_password(new, account.username)
    return store.save_account(account.model_copy(update={"password_hash": _hasher().hash(new)}))


def reset_password(store: Store, username: str, code: str, new: str, at: datetime | None = None) -> Account:
    """Set a new password with a one-time code from an admin. Throttled like sign-in."""
    at = _now(at)
    _check_throttle(store, username, at)
    account = store.find_account(username=username)
    expires = _parse(account.reset_expires) if account else None
    valid = account is not None and account.active and expires is not None and expires > at
    if not (_verify(account.reset_code_hash if valid else None, normalise_code(code)) and valid):
        _fail(store, username, at)
        raise AuthError("Gebruikersnaam of code klopt niet, of de code is verlopen.")
    validate_password(new, account.username)
    store.set_throttle(username, 0, None)
    return store.save_account(
        account.model_copy(update={"password_hash": _hasher().hash(new), "reset_code_hash": None, "reset_expires": None})
    )


# --- administration -------------------------------------------------------------------------

def require_role(account: Account | None, *roles: str) -> Account:
    if account is None or not account.active or account.role not in roles:
        raise PermissionDenied(f"requires role {' or '.join(roles)}")
    return account


def _with_reset_code(account: Account, at: datetime) -> tuple[Account, str]:
    code = new_code()
    updated = account.model_copy(
        update={"reset_code_hash": _hasher().hash(code), "reset_expires": (at + RESET_VALID).isoformat()}
    )
    return updated, code


def admin_create_account(store: Store, admin: Account, username: str, role: str,
                         at: datetime | None = None) -> tuple[Account, str]:
    """An admin creates an account; returns it with a one-time code the user sets a password with."""
    require_role(admin, "admin")
    if role not in ROLE_LABELS:
        raise AuthError("Onbekende rol.")
    account = Account(username=validate_username(username), role=role,
                      invite_code=new_code(2) if role == "coach" else None)
    account, code = _with_reset_code(account, _now(at))
    try:
        store.create_account(account)
    except DuplicateError:
        raise AuthError("Deze gebruikersnaam is al in gebruik. Kies een andere.") from None
    return account, code


def admin_reset_code(store: Store, admin: Account, user_id: str, at: datetime | None = None) -> str:
    require_role(admin, "admin")
    account = store.get_account(user_id)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    updated, code = _with_reset_code(account, _now(at))
    store.save_account(updated)
    return code


def admin_set_active(store: Store, admin: Account, user_id: str, active: bool) -> Account:
    require_role(admin, "admin")
    if user_id == admin.id and not active:
        raise AuthError("Je kunt je eigen account niet uitschakelen.")
    account = store.get_account(user_id)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    return store.save_account(account.model_copy(update={"active": active}))


def admin_set_role(store: Store, admin: Account, user_id: str, role: str) -> Account:
    """An admin changes another user's role; a new coach gets an invite code."""
    require_role(admin, "admin")
    if role not in ROLE_LABELS:
        raise AuthError("Onbekende rol.")
    if user_id == admin.id:
        raise AuthError("Je kunt je eigen rol niet wijzigen. Vraag een andere beheerder.")
    account = store.get_account(user_id)
    if account is None:
        raise AuthError("Dit account bestaat niet.")
    update: dict = {"role": role}
    if role == "coach" and not account.invite_code:
        update["invite_code"] = new_code(2)
    return store.save_account(account.model_copy(update=update))


def sign_in_method(account: Account) -> str:
    """How an account signs in: "password", "school", "school+password" or "none" (no password yet)."""
    if account.oidc_subject and account.password_hash:
        return "school+password"
    if account.oidc_subject:
        return "school"
    return "password" if account.password_hash else "none"


def new_invite_code(store: Store, coach: Account) -> Account:
    require_role(coach, "coach")
    return store.save_account(coach.model_copy(update={"invite_code": new_code(2)}))


def ensure_account(store: Store, username: str, password: str, role: str) -> Account:
    """Create an account with a password unless the username exists (demo and bootstrap)."""
    existing = store.find_account(username=username)
    if existing is not None:
        return existing
    account = Account(username=username, role=role, password_hash=_hasher().hash(password),
                      invite_code=new_code(2) if role == "coach" else None)
    try:
        return store.create_account(account)
    except DuplicateError:  # created by another process meanwhile
        return store.find_account(username=username)


# --- migration and school sign-in -----------------------------------------------------------

def migrate_profiles(store: Store) -> int:
    """Turn nickname profiles into teacher accounts with the same user id (data stays in place)."""
    created = 0
    for profile in store.list_profiles():
        if store.get_account(profile.id) is not None:
            continue
        username, n = profile.nickname, 1
        while store.find_account(username=username) is not None:
            n += 1
            username = f"{profile.nickname}-{n}"
        try:
            store.create_account(
                Account(id=profile.id, username=username, role="teacher", created_at=profile.created_at,
                        migrated_from_nickname=True)
            )
            created += 1
        except DuplicateError:  # another process migrated it at the same moment
            continue
    return created


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
        username = f"{base[:USERNAME_MAX - 4]}-{n}"
    try:
        return store.create_account(Account(username=username, role="teacher", oidc_subject=key))
    except DuplicateError:  # a second tab of the same person signed in at the same moment
        found = store.find_account(oidc_subject=key)
        if found is None:
            raise AuthError("Inloggen met je schoolaccount lukte niet. Probeer het opnieuw.") from None
        return found


# --- command line: the first admin of a deployment ------------------------------------------

def create_admin(store: Store, username: str, password: str) -> Account:
    """Create an admin account with a password (the first admin of a new deployment)."""
    return _create_with_password(store, username, password, "admin")


USAGE = """usage: python -m modules.accounts create-admin USERNAME

Creates an admin account in the data folder (SAMENSPEL_DATA_DIR or progress/).
The password is read from SAMENSPEL_ADMIN_PASSWORD or asked for twice."""


def main(argv: list[str] | None = None) -> int:
    import getpass
    import sys

    from modules.store import StoreError, open_store

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "create-admin":
        print(USAGE, file=sys.stderr)
        return 2
    username = args[1]
    password = os.environ.get("SAMENSPEL_ADMIN_PASSWORD")
    if not password:
        password = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Repeat the password: ") != password:
            print("error: the two passwords differ; nothing was created", file=sys.stderr)
            return 1
    try:
        store = open_store()
        account = create_admin(store, username, password)
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"admin account {account.username!r} created in {store.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
