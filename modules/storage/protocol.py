"""What the app may ask of storage: the ``Store`` protocol, and every kind of record it keeps.

Two backends implement it: ``TinyDBStore`` (files, the default) and ``PostgresStore``
(``SAMENSPEL_DATABASE_URL``); the type checker holds both to it (``open_store`` returns a ``Store``),
and one contract test suite runs on both. The store does no authorisation:
``modules.people`` decides who may do what.

Conventions: ``get_*`` returns the record or ``None`` when there is none (never raises for a
missing record; ``get_throttle`` returns a zero counter, which is what "none" means for it);
``save_account``, ``update_account`` and ``update_team_session`` of a missing record raise ``NotFoundError``;
an account whose username, sign-in subject (OIDC) or invite code another account has is refused
with ``DuplicateError``. ``update_account`` and ``update_team_session`` are atomic read-modify-writes:
``change`` sees the record as stored now, and a change made meanwhile by someone else is never undone
(``save_account`` replaces the whole record: only for a record just read under no contention);
``delete_*`` of a missing record does nothing; an unreadable file or row raises ``CorruptDataError``.

``root`` is the data folder: TinyDB keeps every record there; PostgreSQL keeps none there, but the
folder stays the place of files that are not records (the demo's own folder, ``<root>/demo/``, start-up's
clean-up of temporary files) and names the deployment in caches. ``demo`` says whether the store holds
demo data (public passwords); a store refuses data of the other kind.
Every error is a ``StoreError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

from modules.records import (
    Account,
    Attempt,
    Comment,
    Connection,
    Draft,
    Login,
    Profile,
    Reflection,
    ScenarioVersion,
    Share,
    TeamSession,
    ThrottleEntry,
    Ticket,
    Vote,
)

# Every kind of record the store keeps: kind -> where it lives (file / TinyDB table).
# ``modules.exchange.mydata`` must say how each kind is exported and deleted (tests/security checks it).
RECORD_KINDS: dict[str, str] = {
    "account": "accounts.json / accounts",
    "throttle": "throttle.json / throttle",
    "login": "logins.json / logins",
    "cookie_ticket": "logins.json / tickets",
    "connection": "links.json / connections",
    "share": "links.json / shares",
    "attempt": "users/<user id>/attempts/<attempt id>.json / attempts",
    "reflection": "users/<user id>.json / reflections",
    "comment": "users/<user id>.json / comments",
    "read_marker": "users/<user id>.json / seen",
    "team_session": "sessions/<session id>.json / session",
    "team_code": "sessions/index.json / codes",
    "team_vote": "sessions/<session id>/votes.jsonl / lines",
    "nickname_profile": "profiles.json / profiles",
    "draft": "users/<user id>/drafts/<draft id>.json / drafts",
    "scenario_version": "scenario_versions/<scenario id>.json / versions",
}

# The same kinds in PostgreSQL (``PostgresStore``): kind -> table (``modules/storage/migrations/``).
# A join code is a column of its session's row, not a table of its own. Every table of the schema
# is either here or in ``INTERNAL_TABLES`` (tests/security checks it against the live schema).
RECORD_TABLES: dict[str, str] = {
    "account": "accounts",
    "throttle": "throttle",
    "login": "logins",
    "cookie_ticket": "tickets",
    "connection": "connections",
    "share": "shares",
    "attempt": "attempts",
    "reflection": "reflections",
    "comment": "comments",
    "read_marker": "read_markers",
    "team_session": "team_sessions",
    "team_code": "team_sessions",
    "team_vote": "team_votes",
    "nickname_profile": "profiles",
    "draft": "drafts",
    "scenario_version": "scenario_versions",
}
# Tables that are no kind of record of the store: the schema's version, the store's own settings (the
# signing key and whether the database holds demo or real data), and the queue of learning records on
# their way to an LRS (copies of what attempts and reflections say, under the account's pseudonym; they
# leave when sent, and with the account: ``modules.exchange.lrs.forget_user``).
INTERNAL_TABLES: dict[str, str] = {
    "schema_version": "the migrations applied (number, name, when)",
    "store_meta": "the signing key of cookies and hashes ('secret') and the kind of data ('kind': real or demo)",
    "xapi_outbox": "xAPI statements not yet sent to the LRS (modules.storage.postgres_outbox), gone with the account",
}


class Store(Protocol):
    """What services may ask of storage. ``get_*`` returns ``None`` when there is nothing; a
    change that needs an existing record raises ``NotFoundError``."""

    root: Path
    demo: bool

    # accounts, and nickname profiles from before accounts
    def get_account(self, user_id: str) -> Account | None: ...
    def find_account(
        self, *, username: str | None = None, invite_code: str | None = None, oidc_subject: str | None = None
    ) -> Account | None: ...
    def list_accounts(self) -> list[Account]: ...
    def create_account(self, account: Account) -> Account: ...
    def create_accounts(self, accounts: list[Account]) -> list[Account]: ...
    def save_account(self, account: Account) -> Account: ...
    def update_account(self, user_id: str, change: Callable[[Account], Account]) -> Account: ...
    def delete_account(self, user_id: str) -> None: ...
    def list_profiles(self) -> list[Profile]: ...
    def drop_legacy_throttle(self) -> bool: ...

    # failure counters (sign-in, clients, join codes, sign-ups): keyed hashes, entries expire
    def get_throttle(self, key: str, at: datetime | None = None) -> ThrottleEntry: ...
    def update_throttle(
        self, key: str, change: Callable[[ThrottleEntry], ThrottleEntry], at: datetime | None = None
    ) -> ThrottleEntry: ...
    def clear_throttle(self, key: str) -> None: ...

    # this data folder's key, sign-ins that survive a refresh, one-time cookie tickets
    def secret(self) -> bytes: ...
    def pseudonym(self, value: str) -> str: ...
    def add_login(self, login: Login) -> None: ...
    def get_login(self, login_id: str) -> Login | None: ...
    def logins_of(self, user_id: str) -> list[Login]: ...
    def delete_logins(
        self, *, user_id: str | None = None, login_id: str | None = None, keep: str | None = None
    ) -> int: ...
    def add_ticket(self, ticket: Ticket) -> None: ...
    def take_ticket(self, ticket_id: str) -> Ticket | None: ...

    # a user's own records
    def create_attempt(self, attempt: Attempt) -> Attempt: ...
    def save_attempt(self, attempt: Attempt) -> Attempt: ...
    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt | None: ...
    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]: ...
    def scenario_attempts(self, scenario_id: str) -> Iterator[Attempt]: ...
    def save_draft(self, draft: Draft) -> Draft: ...
    def get_draft(self, owner_id: str, draft_id: str) -> Draft | None: ...
    def list_drafts(self, owner_id: str | None = None) -> list[Draft]: ...
    def delete_draft(self, owner_id: str, draft_id: str) -> None: ...
    def add_version(self, version: ScenarioVersion) -> ScenarioVersion: ...
    def list_versions(self, scenario_id: str) -> list[ScenarioVersion]: ...
    def versioned_scenarios(self) -> list[str]: ...
    def add_reflection(self, reflection: Reflection) -> Reflection: ...
    def list_reflections(self, user_id: str) -> list[Reflection]: ...
    def get_reflection(self, user_id: str, reflection_id: str) -> Reflection | None: ...

    # connections, shares, comments, read markers
    def connect(self, teacher_id: str, coach_id: str) -> Connection: ...
    def disconnect(self, teacher_id: str, coach_id: str) -> None: ...
    def connections(self, *, teacher_id: str | None = None, coach_id: str | None = None) -> list[Connection]: ...
    def share(self, share: Share) -> Share: ...
    def unshare(self, reflection_id: str, coach_id: str) -> None: ...
    def shares(
        self, *, teacher_id: str | None = None, coach_id: str | None = None, reflection_id: str | None = None
    ) -> list[Share]: ...
    def add_comment(self, comment: Comment) -> Comment: ...
    def list_comments(self, owner_id: str, reflection_id: str | None = None) -> list[Comment]: ...
    def remove_comments_by(self, owner_id: str, author_id: str) -> None: ...
    def mark_seen(self, user_id: str, reflection_id: str, at: datetime) -> None: ...
    def seen(self, user_id: str) -> dict[str, datetime]: ...

    # team sessions: one record each, changed only through an atomic read-modify-write
    def create_team_session(self, session: TeamSession) -> TeamSession: ...
    def get_team_session(self, session_id: str) -> TeamSession | None: ...
    def save_vote(self, session_id: str, vote: Vote, check: Callable[[TeamSession], None]) -> None: ...
    def update_team_session(self, session_id: str, change: Callable[[TeamSession], TeamSession]) -> TeamSession: ...
    def find_team_session(self, code: str) -> TeamSession | None: ...
    def list_team_sessions(self, facilitator_id: str | None = None) -> list[TeamSession]: ...
    def delete_team_session(self, session_id: str) -> None: ...
