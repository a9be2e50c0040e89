"""The TinyDB implementation of the ``Store`` protocol: JSON files in the data folder (``progress/``).

Layout::

    accounts.json          accounts (id, username, role, Argon2id hash ...)
    throttle.json          failure counters (sign-in, joining, sign-up): keyed hashes, bounded, expiring
    logins.json            sign-ins that survive a refresh, and one-time cookie tickets
    links.json             teacher-coach connections and shared reflections
    users/<user id>.json   that user's reflections, the comments on them, read markers
    users/<user id>/attempts/<attempt id>.json
                           one play-through each: saving a step rewrites one small file, whatever the history
    sessions/<id>.json     one team session; sessions/index.json maps join codes to sessions
    sessions/<id>/votes.jsonl
                           votes on the open decision, a line each, until the session file takes them in
    profiles.json          nickname profiles from before accounts (read once, to migrate)
    secret.key             the key that signs this folder's cookies and keys its hashes (made on first use)

A data folder is either real or demo, never both: the demo writes a marker file
(``DEMO-DATA.txt``) into its folder, and a store refuses a folder of the other kind.
Writes go through ``modules.storage.files`` (locks, atomic replace); reads through its
``read_snapshot``, which parses each version of a file once per process, and the records
made from a snapshot are kept with it (so records returned are shared: change them with
``model_copy``, never in place). A record that no longer fits its model (a hand-edited file)
raises ``CorruptDataError``; the file is kept. Attempts kept inside ``users/<user id>.json``
by older versions move to their own files the first time that user's attempts are used.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from tinydb import Query, TinyDB

from modules import settings
from modules.records import (
    Account,
    Attempt,
    CodeEntry,
    Comment,
    Connection,
    Draft,
    Login,
    Profile,
    ReadMarker,
    Record,
    Reflection,
    ScenarioVersion,
    Share,
    TeamSession,
    ThrottleEntry,
    Ticket,
    Vote,
    now,
)
from modules.storage.common import ID as _ID
from modules.storage.common import (
    LOGINS_PER_USER,
    THROTTLE_MAX,
    normalise_nickname,
    throttle_drop_order,
    validate_nickname,
    with_votes,
)
from modules.storage.common import SCENARIO_ID as _SCENARIO_ID
from modules.storage.common import check_limits as _check_limits
from modules.storage.common import expired as _expired
from modules.storage.common import stored as _stored
from modules.storage.common import validated as _validated
from modules.storage.errors import (
    CorruptDataError,
    DataFolderError,
    DuplicateError,
    InvalidInputError,
    NotFoundError,
)
from modules.storage.files import (
    AtomicJSONStorage,
    append_line,
    gate,
    json_text,
    locked,
    read_log,
    read_snapshot,
    remove_with_lock,
)

log = logging.getLogger("samenspel")

DEFAULT_ROOT = settings.DEFAULT_DATA_DIR
DEMO_MARKER = "DEMO-DATA.txt"
SECRET_FILE = "secret.key"


Model = TypeVar("Model", bound=Record)


def read_records(path: Path, table: str, model: type[Model]) -> list[Model]:
    """The records of one table of a file, validated once per version of the file (a new list each call)."""
    snapshot = read_snapshot(path)
    if snapshot.data is None:
        return []
    found = snapshot.records.get(table)
    if found is None:
        docs = snapshot.data.get(table) or {}
        if not isinstance(docs, dict):
            raise CorruptDataError(path, f"table {table!r} is not a TinyDB table")
        found = [_validated(model, doc, path) for doc in docs.values()]
        snapshot.records[table] = found
    return list(found)


class TinyDBStore:
    """The data folder as TinyDB files: one per user and per team session, plus small shared files.

    ``demo`` says what kind of data folder this is: a demo store only opens a folder marked
    as demo data (or a new, empty one, which it marks); a real store refuses a marked folder.
    Every account created in a demo store is a demo account.
    """

    def __init__(self, root: str | Path = DEFAULT_ROOT, *, demo: bool = False):
        self.root = Path(root)
        self.demo = demo
        self._check_kind()
        self.root.mkdir(parents=True, exist_ok=True)
        if demo and not (self.root / DEMO_MARKER).exists():
            (self.root / DEMO_MARKER).write_text(
                "This folder holds Samenspel demo data: accounts with public passwords.\n"
                "Never use it for real accounts. Starting Samenspel without the demo removes it.\n",
                encoding="utf-8",
            )
        (self.root / "users").mkdir(exist_ok=True)
        self._secret: bytes | None = None

    def _check_kind(self) -> None:
        marked = (self.root / DEMO_MARKER).exists()
        if marked and not self.demo:
            raise DataFolderError(
                f"{self.root} holds demo data (it has {DEMO_MARKER}); refusing to use it for a real deployment"
            )
        if (
            self.demo
            and not marked
            and self.root.exists()
            and any(
                (self.root / name).exists() for name in ("accounts.json", "links.json", "profiles.json", "sessions")
            )
        ):
            raise DataFolderError(f"{self.root} holds real data; refusing to use it for the demo")

    # -- files --
    @property
    def _profiles_path(self) -> Path:
        return self.root / "profiles.json"

    def _user_path(self, user_id: str) -> Path:
        if not _ID.match(user_id):
            raise InvalidInputError(f"invalid user id {user_id!r}")
        return self.root / "users" / f"{user_id}.json"

    @staticmethod
    def _db(path: Path) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage)

    @contextmanager
    def _write(self, path: Path) -> Iterator[TinyDB]:
        with locked(path):
            db = self._db(path)
            db.storage.read()  # raises CorruptDataError before any write is attempted
            yield db

    @staticmethod
    def _table_index(path: Path, table: str) -> dict[str, dict[str, Any]]:
        """Documents of a small shared table by id, indexed once per version of the file (``read_snapshot``)."""
        snapshot = read_snapshot(path)
        if snapshot.data is None:
            return {}
        key = f"{table}#by-id"
        index = snapshot.records.get(key)
        if index is None:
            docs = snapshot.data.get(table) or {}
            index = {d["id"]: dict(d) for d in docs.values() if isinstance(d, dict) and "id" in d}
            snapshot.records[key] = index
        return index

    def pseudonym(self, value: str) -> str:
        """A fixed-size keyed hash (HMAC-SHA256 with this folder's key) of something a user typed or is
        (a username, an address): stored instead of the value, and not reversible by trying values."""
        return hmac.new(self.secret(), value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def secret(self) -> bytes:
        """This data folder's signing key for cookies (created once, readable by the owner only)."""
        if self._secret is not None:
            return self._secret
        path = self.root / SECRET_FILE
        with locked(path):
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32))
        try:
            self._secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except ValueError as exc:
            raise CorruptDataError(path, "not a hex key") from exc
        return self._secret

    # -- legacy nickname profiles (before accounts) --
    def profile_for(self, nickname: str, create: bool = True) -> Profile | None:
        """The nickname profile (case and spacing ignored); only kept to migrate old data and for tests."""
        cleaned = validate_nickname(nickname)
        key = normalise_nickname(cleaned)
        found = self._db(self._profiles_path).table("profiles").get(Query().key == key)
        if found is not None or not create:
            return _validated(Profile, found, self._profiles_path) if found else None
        with self._write(self._profiles_path) as db:
            table = db.table("profiles")
            found = table.get(Query().key == key)  # another thread may have won the race
            if found is not None:
                return _validated(Profile, found, self._profiles_path)
            profile = Profile(nickname=cleaned)
            table.insert(_stored(profile, key=key))
            return profile

    def list_profiles(self) -> list[Profile]:
        docs = self._db(self._profiles_path).table("profiles").all()
        return [_validated(Profile, d, self._profiles_path) for d in docs]

    # -- accounts --
    @property
    def _accounts_path(self) -> Path:
        return self.root / "accounts.json"

    def _account_index(self) -> dict[str, dict[str, Any]]:
        """Account documents by id, re-read only when the file was replaced (cheap per page run)."""
        return self._table_index(self._accounts_path, "accounts")

    def _account(self, doc: dict[str, Any]) -> Account:
        return _validated(Account, doc, self._accounts_path)

    def get_account(self, user_id: str) -> Account | None:
        found = self._account_index().get(user_id)
        return self._account(found) if found else None

    def find_account(
        self, *, username: str | None = None, invite_code: str | None = None, oidc_subject: str | None = None
    ) -> Account | None:
        key = normalise_nickname(username) if username is not None else None
        for doc in self._account_index().values():
            if (
                (key is not None and doc.get("key") == key)
                or (invite_code is not None and doc.get("invite_code") == invite_code)
                or (oidc_subject is not None and doc.get("oidc_subject") == oidc_subject)
            ):
                return self._account(doc)
        return None

    def list_accounts(self) -> list[Account]:
        return sorted((self._account(d) for d in self._account_index().values()), key=lambda a: a.username.lower())

    def create_account(self, account: Account) -> Account:
        """Insert a new account; raises ``DuplicateError`` when the username is taken.

        In a demo store every account is a demo account.
        """
        if account.demo != self.demo:
            account = account.model_copy(update={"demo": self.demo})
        _check_limits(account)
        key = normalise_nickname(account.username)
        with self._write(self._accounts_path) as db:
            table = db.table("accounts")
            if table.get(Query().key == key) is not None:
                raise DuplicateError(f"username {account.username!r} is taken")
            if table.get(Query().id == account.id) is not None:
                raise DuplicateError(f"account id {account.id} exists")
            _refuse_clash(table.all(), account, key)
            table.insert(_stored(account, key=key))
        return account

    def create_accounts(self, accounts: list[Account]) -> list[Account]:
        """Insert many accounts with one write (a migration); one whose id or username exists is left out.

        Returns the accounts created. In a demo store every account is a demo account."""
        created: list[Account] = []
        with self._write(self._accounts_path) as db:
            table = db.table("accounts")
            existing = table.all()
            ids = {d.get("id") for d in existing}
            keys = {d.get("key") for d in existing}
            docs: list[dict[str, Any]] = []
            for account in accounts:
                if account.demo != self.demo:
                    account = account.model_copy(update={"demo": self.demo})
                _check_limits(account)
                key = normalise_nickname(account.username)
                if account.id in ids or key in keys:
                    continue
                try:
                    _refuse_clash(existing, account, key)
                except DuplicateError:
                    continue
                ids.add(account.id)
                keys.add(key)
                docs.append(_stored(account, key=key))
                created.append(account)
            if docs:
                table.insert_multiple(docs)
        return created

    def save_account(self, account: Account) -> Account:
        _check_limits(account)
        key = normalise_nickname(account.username)
        with self._write(self._accounts_path) as db:
            table = db.table("accounts")
            _refuse_clash(table.all(), account, key)
            if not table.update(_stored(account, key=key), Query().id == account.id):
                raise NotFoundError(f"account {account.id} not found")
        return account

    def update_account(self, user_id: str, change: Callable[[Account], Account]) -> Account:
        """Apply ``change`` to the account under the accounts file's lock: a change made meanwhile by
        someone else is seen, never undone. When ``change`` raises, nothing changes."""
        with self._write(self._accounts_path) as db:
            table = db.table("accounts")
            found = table.get(Query().id == user_id)
            if found is None or isinstance(found, list):
                raise NotFoundError(f"account {user_id} not found")
            new = change(self._account(dict(found))).model_copy(update={"id": user_id})
            _check_limits(new)
            key = normalise_nickname(new.username)
            _refuse_clash(table.all(), new, key)
            doc = _stored(new, key=key)

            def replace(stored: MutableMapping[Any, Any]) -> None:
                stored.clear()
                stored.update(doc)

            table.update(replace, doc_ids=[found.doc_id])
        return new

    def delete_account(self, user_id: str) -> None:
        """Remove the account, its data file, its links, shares, sign-ins and failure counter."""
        account = self.get_account(user_id)
        with self._write(self._accounts_path) as db:
            db.table("accounts").remove(Query().id == user_id)
        if account is not None:
            self.clear_throttle(f"signin:{normalise_nickname(account.username)}")
        self.delete_logins(user_id=user_id)
        with self._write(self._links_path) as db:
            db.table("connections").remove((Query().teacher_id == user_id) | (Query().coach_id == user_id))
            db.table("shares").remove((Query().teacher_id == user_id) | (Query().coach_id == user_id))
        if self._profiles_path.exists():  # a migrated nickname profile must not come back on the next start
            with self._write(self._profiles_path) as db:
                db.table("profiles").remove(Query().id == user_id)
        with locked(self._attempts_dir(user_id)):  # its lock file lies in the folder removed here
            shutil.rmtree(self._attempts_dir(user_id).parent, ignore_errors=True)  # attempts and drafts
        remove_with_lock(self._user_path(user_id))
        for scenario_id in self.versioned_scenarios():  # published versions stay, without the name
            with self._write(self._versions_path(scenario_id)) as db:
                db.table("versions").update({"published_by": None}, Query().published_by == user_id)

    def drop_legacy_throttle(self) -> bool:
        """Remove the sign-in throttle that older versions kept inside accounts.json (raw names, unbounded)."""
        path = self._accounts_path
        if not path.exists():
            return False
        with self._write(path) as db:
            if "throttle" not in db.tables():
                return False
            db.drop_table("throttle")
        return True

    # -- failure counters, keyed by a keyed hash of what was typed (existing or not) --
    @property
    def _throttle_path(self) -> Path:
        return self.root / "throttle.json"

    def get_throttle(self, key: str, at: datetime | None = None) -> ThrottleEntry:
        """The counter of ``key`` as of ``at`` (default now); a fresh one when there is none or it expired."""
        hashed = self.pseudonym(key)
        found = self._db(self._throttle_path).table("throttle").get(Query().key == hashed)
        if found is None or _expired(found, at or now()):
            return ThrottleEntry(key=hashed)
        return _validated(ThrottleEntry, found, self._throttle_path)

    def update_throttle(
        self, key: str, change: Callable[[ThrottleEntry], ThrottleEntry], at: datetime | None = None
    ) -> ThrottleEntry:
        """Atomic read-modify-write of one counter.

        Expired counters are dropped on every write, and the table never holds more than
        ``THROTTLE_MAX`` entries, so a flood of made-up names costs a bounded amount of disk.
        When it is full, unlocked counters with the fewest failures go first: a flood cannot
        reset the counter of a username under attack.
        """
        hashed, at = self.pseudonym(key), at or now()
        with self._write(self._throttle_path) as db:
            table = db.table("throttle")
            table.remove(lambda d: _expired(d, at))
            found = table.get(Query().key == hashed)
            current = _validated(ThrottleEntry, found, self._throttle_path) if found else ThrottleEntry(key=hashed)
            new = change(current).model_copy(update={"key": hashed})
            table.upsert(_stored(new), Query().key == hashed)
            if len(table) > THROTTLE_MAX:
                docs = sorted(table.all(), key=lambda d: throttle_drop_order(d, at))
                table.remove(doc_ids=[d.doc_id for d in docs[: len(docs) - THROTTLE_MAX] if d["key"] != hashed])
        return new

    def clear_throttle(self, key: str) -> None:
        if not self._throttle_path.exists():
            return
        with self._write(self._throttle_path) as db:
            db.table("throttle").remove(Query().key == self.pseudonym(key))

    # -- sign-ins (a hash of the browser's token, never the token) and cookie tickets --
    @property
    def _logins_path(self) -> Path:
        return self.root / "logins.json"

    def add_login(self, login: Login) -> None:
        """Store a sign-in; expired ones are dropped, and a user keeps at most ``LOGINS_PER_USER``."""
        at = now()
        with self._write(self._logins_path) as db:
            table = db.table("logins")
            table.remove(lambda d: _expired(d, at))
            mine = sorted(table.search(Query().user_id == login.user_id), key=lambda d: str(d["created_at"]))
            if len(mine) >= LOGINS_PER_USER:
                table.remove(doc_ids=[d.doc_id for d in mine[: len(mine) - LOGINS_PER_USER + 1]])
            table.insert(_stored(login))

    def logins_of(self, user_id: str) -> list[Login]:
        docs = self._table_index(self._logins_path, "logins").values()
        found = [_validated(Login, d, self._logins_path) for d in docs if d.get("user_id") == user_id]
        return sorted(found, key=lambda login: login.created_at)

    def get_login(self, login_id: str) -> Login | None:
        found = self._table_index(self._logins_path, "logins").get(login_id)
        return _validated(Login, found, self._logins_path) if found else None

    def delete_logins(self, *, user_id: str | None = None, login_id: str | None = None, keep: str | None = None) -> int:
        """End sign-ins: one (``login_id``) or all of a user (``user_id``), except ``keep``."""
        if not self._logins_path.exists() or (user_id is None and login_id is None):
            return 0
        with self._write(self._logins_path) as db:

            def match(doc: dict[str, Any]) -> bool:
                return (
                    doc["id"] != keep
                    and (login_id is None or doc["id"] == login_id)
                    and (user_id is None or doc["user_id"] == user_id)
                )

            removed = db.table("logins").remove(match)
            if user_id is not None:
                db.table("tickets").remove(Query().user_id == user_id)
        return len(removed)

    def add_ticket(self, ticket: Ticket) -> None:
        at = now()
        with self._write(self._logins_path) as db:
            table = db.table("tickets")
            table.remove(lambda d: _expired(d, at))
            table.insert(_stored(ticket))

    def take_ticket(self, ticket_id: str) -> Ticket | None:
        """Redeem a ticket once: it is removed whether or not it is still valid."""
        if not self._logins_path.exists():
            return None
        with self._write(self._logins_path) as db:
            table = db.table("tickets")
            found = table.get(Query().id == ticket_id)
            if found is None:
                return None
            table.remove(doc_ids=[found.doc_id])
        return None if _expired(found, now()) else _validated(Ticket, found, self._logins_path)

    # -- connections and shares --
    @property
    def _links_path(self) -> Path:
        return self.root / "links.json"

    def connect(self, teacher_id: str, coach_id: str) -> Connection:
        with self._write(self._links_path) as db:
            table = db.table("connections")
            q = (Query().teacher_id == teacher_id) & (Query().coach_id == coach_id)
            found = table.get(q)
            if found is not None:
                return _validated(Connection, found, self._links_path)
            connection = Connection(teacher_id=teacher_id, coach_id=coach_id)
            table.insert(_stored(connection))
            return connection

    def disconnect(self, teacher_id: str, coach_id: str) -> None:
        """End the connection and withdraw every reflection shared with that coach."""
        with self._write(self._links_path) as db:
            db.table("connections").remove((Query().teacher_id == teacher_id) & (Query().coach_id == coach_id))
            db.table("shares").remove((Query().teacher_id == teacher_id) & (Query().coach_id == coach_id))

    def connections(self, *, teacher_id: str | None = None, coach_id: str | None = None) -> list[Connection]:
        return [
            c
            for c in read_records(self._links_path, "connections", Connection)
            if (teacher_id is None or c.teacher_id == teacher_id) and (coach_id is None or c.coach_id == coach_id)
        ]

    def share(self, share: Share) -> Share:
        with self._write(self._links_path) as db:
            table = db.table("shares")
            q = (Query().reflection_id == share.reflection_id) & (Query().coach_id == share.coach_id)
            if table.get(q) is None:
                table.insert(_stored(share))
        return share

    def unshare(self, reflection_id: str, coach_id: str) -> None:
        with self._write(self._links_path) as db:
            db.table("shares").remove((Query().reflection_id == reflection_id) & (Query().coach_id == coach_id))

    def shares(
        self, *, teacher_id: str | None = None, coach_id: str | None = None, reflection_id: str | None = None
    ) -> list[Share]:
        return [
            s
            for s in read_records(self._links_path, "shares", Share)
            if (teacher_id is None or s.teacher_id == teacher_id)
            and (coach_id is None or s.coach_id == coach_id)
            and (reflection_id is None or s.reflection_id == reflection_id)
        ]

    # -- attempts: users/<user id>/attempts/<attempt id>.json, one small file each --
    def _attempts_dir(self, user_id: str) -> Path:
        return self._user_path(user_id).with_suffix("") / "attempts"

    def _attempt_path(self, user_id: str, attempt_id: str) -> Path:
        name = attempt_id if _ID.match(attempt_id) else hashlib.sha256(attempt_id.encode()).hexdigest()[:32]
        return self._attempts_dir(user_id) / f"{name}.json"

    def move_legacy_attempts(self, user_id: str) -> None:
        """Attempts that older versions kept in ``users/<user id>.json`` move to their own files, once.

        Each is written to its own file before it leaves the user file, so a crash in between
        loses nothing (an attempt file that exists already is newer and is kept). A corrupt user
        file raises ``CorruptDataError`` and nothing is moved.
        """
        path = self._user_path(user_id)
        snapshot = read_snapshot(path)
        if not (snapshot.data and snapshot.data.get("attempts")):
            return
        with locked(path), locked(self._attempts_dir(user_id)):
            storage = AtomicJSONStorage(path)
            data = storage.read() or {}
            docs = data.get("attempts") or {}
            if not isinstance(docs, dict) or not all(isinstance(d, dict) and d.get("id") for d in docs.values()):
                raise CorruptDataError(path, "an attempt without an id")
            for doc in docs.values():
                target = self._attempt_path(user_id, str(doc["id"]))
                if not target.exists():
                    AtomicJSONStorage(target).write({"attempts": {"1": doc}})
            del data["attempts"]
            storage.write(data)

    def _write_attempt(self, attempt: Attempt) -> None:
        self.move_legacy_attempts(attempt.user_id)
        path = self._attempt_path(attempt.user_id, attempt.id)
        with locked(self._attempts_dir(attempt.user_id)):
            read_snapshot(path)  # a corrupt file raises CorruptDataError and is kept as it is
            AtomicJSONStorage(path).write({"attempts": {"1": _stored(attempt)}})

    def create_attempt(self, attempt: Attempt) -> Attempt:
        _check_limits(attempt)
        self._write_attempt(attempt)
        return attempt

    def save_attempt(self, attempt: Attempt) -> Attempt:
        """Save the attempt's current state (called after every choice): one small file is rewritten."""
        _check_limits(attempt)
        updated = attempt.model_copy(update={"updated_at": now()})
        if updated.finished and not updated.finished_at:
            updated = updated.model_copy(update={"finished_at": updated.updated_at})
        self._write_attempt(updated)
        return updated

    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt | None:
        self.move_legacy_attempts(user_id)
        found = read_records(self._attempt_path(user_id, attempt_id), "attempts", Attempt)
        return found[0] if found and found[0].id == attempt_id else None

    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]:
        self.move_legacy_attempts(user_id)
        try:
            entries = sorted(e.path for e in os.scandir(self._attempts_dir(user_id)) if e.name.endswith(".json"))
        except FileNotFoundError:
            return []
        attempts = [a for p in entries for a in read_records(Path(p), "attempts", Attempt)]
        if scenario_id is not None:
            attempts = [a for a in attempts if a.scenario_id == scenario_id]
        return sorted(attempts, key=lambda a: a.updated_at, reverse=True)

    def scenario_attempts(self, scenario_id: str) -> Iterator[Attempt]:
        """Every user's play-throughs of one scenario, in no particular order (for figures without names)."""
        users = self.root / "users"
        try:
            names = {Path(e.name).stem for e in os.scandir(users)}
        except FileNotFoundError:
            return
        for user_id in sorted(n for n in names if _ID.match(n)):
            yield from self.list_attempts(user_id, scenario_id)

    # -- drafts: users/<user id>/drafts/<draft id>.json, one file each, private to the author --
    def _drafts_dir(self, user_id: str) -> Path:
        return self._user_path(user_id).with_suffix("") / "drafts"

    def _draft_path(self, user_id: str, draft_id: str) -> Path:
        if not _ID.match(draft_id):
            raise InvalidInputError(f"invalid draft id {draft_id!r}")
        return self._drafts_dir(user_id) / f"{draft_id}.json"

    def save_draft(self, draft: Draft) -> Draft:
        _check_limits(draft)
        path = self._draft_path(draft.owner_id, draft.id)
        with locked(self._drafts_dir(draft.owner_id)):
            read_snapshot(path)  # a corrupt file raises CorruptDataError and is kept as it is
            AtomicJSONStorage(path).write({"drafts": {"1": _stored(draft)}})
        return draft

    def get_draft(self, owner_id: str, draft_id: str) -> Draft | None:
        found = read_records(self._draft_path(owner_id, draft_id), "drafts", Draft)
        return found[0] if found and found[0].id == draft_id else None

    def list_drafts(self, owner_id: str | None = None) -> list[Draft]:
        """One author's drafts, or with ``None`` every author's (newest first)."""
        owners = [owner_id] if owner_id is not None else self._user_folders()
        drafts: list[Draft] = []
        for owner in owners:
            try:
                entries = sorted(e.path for e in os.scandir(self._drafts_dir(owner)) if e.name.endswith(".json"))
            except FileNotFoundError:
                continue
            drafts += [d for p in entries for d in read_records(Path(p), "drafts", Draft)]
        return sorted(drafts, key=lambda d: d.updated_at, reverse=True)

    def delete_draft(self, owner_id: str, draft_id: str) -> None:
        path = self._draft_path(owner_id, draft_id)
        with locked(self._drafts_dir(owner_id)):
            path.unlink(missing_ok=True)

    def _user_folders(self) -> list[str]:
        try:
            return sorted(e.name for e in os.scandir(self.root / "users") if e.is_dir() and _ID.match(e.name))
        except FileNotFoundError:
            return []

    # -- published versions of scenario files: scenario_versions/<scenario id>.json --
    @property
    def _versions_dir(self) -> Path:
        return self.root / "scenario_versions"

    def _versions_path(self, scenario_id: str) -> Path:
        if not _SCENARIO_ID.match(scenario_id) or len(scenario_id) > 100:
            raise InvalidInputError(f"invalid scenario id {scenario_id!r}")
        return self._versions_dir / f"{scenario_id}.json"

    def add_version(self, version: ScenarioVersion) -> ScenarioVersion:
        """Keep a published version; its number must be the next one, 0 or 1 for the first (else
        ``DuplicateError``: someone else published in between)."""
        _check_limits(version)
        with self._write(self._versions_path(version.scenario_id)) as db:
            table = db.table("versions")
            numbers = [int(doc.get("number", -1)) for doc in table.all()]
            if version.number not in ({max(numbers) + 1} if numbers else {0, 1}):
                raise DuplicateError(f"version {version.number} of {version.scenario_id} is not the next one")
            table.insert(_stored(version))
        return version

    def list_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Every kept version of one scenario, oldest first."""
        found = read_records(self._versions_path(scenario_id), "versions", ScenarioVersion)
        return sorted(found, key=lambda v: v.number)

    def versioned_scenarios(self) -> list[str]:
        """The ids of the scenarios with published versions."""
        return sorted(p.stem for p in self._versions_dir.glob("*.json") if _SCENARIO_ID.match(p.stem))

    # -- reflections --
    def add_reflection(self, reflection: Reflection) -> Reflection:
        _check_limits(reflection)
        with self._write(self._user_path(reflection.user_id)) as db:
            db.table("reflections").insert(_stored(reflection))
        return reflection

    def list_reflections(self, user_id: str) -> list[Reflection]:
        found = read_records(self._user_path(user_id), "reflections", Reflection)
        return sorted(found, key=lambda r: r.created_at, reverse=True)

    def get_reflection(self, user_id: str, reflection_id: str) -> Reflection | None:
        found = read_records(self._user_path(user_id), "reflections", Reflection)
        return next((r for r in found if r.id == reflection_id), None)

    # -- comments (stored with the reflection's owner) and read markers --
    def add_comment(self, comment: Comment) -> Comment:
        _check_limits(comment)
        with self._write(self._user_path(comment.owner_id)) as db:
            db.table("comments").insert(_stored(comment))
        return comment

    def list_comments(self, owner_id: str, reflection_id: str | None = None) -> list[Comment]:
        found = read_records(self._user_path(owner_id), "comments", Comment)
        if reflection_id is not None:
            found = [c for c in found if c.reflection_id == reflection_id]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def remove_comments_by(self, owner_id: str, author_id: str) -> None:
        with self._write(self._user_path(owner_id)) as db:
            db.table("comments").remove(Query().author_id == author_id)

    def mark_seen(self, user_id: str, reflection_id: str, at: datetime) -> None:
        marker = ReadMarker(reflection_id=reflection_id, at=at)
        with self._write(self._user_path(user_id)) as db:
            db.table("seen").upsert(_stored(marker), Query().reflection_id == reflection_id)

    def seen(self, user_id: str) -> dict[str, datetime]:
        """Per reflection: the time up to which this user has read its comments."""
        return {m.reflection_id: m.at for m in read_records(self._user_path(user_id), "seen", ReadMarker)}

    # -- team sessions: sessions/<id>.json, plus sessions/index.json (join code -> session) --
    def _session_path(self, session_id: str) -> Path:
        if not _ID.match(session_id):
            raise InvalidInputError(f"invalid session id {session_id!r}")
        return self.root / "sessions" / f"{session_id}.json"

    @property
    def _session_index_path(self) -> Path:
        return self.root / "sessions" / "index.json"

    def create_team_session(self, session: TeamSession) -> TeamSession:
        with self._write(self._session_index_path) as index:
            codes = index.table("codes")
            if codes.get((Query().code == session.code) & (Query().status == "open")) is not None:
                raise DuplicateError(f"join code {session.code} is in use")
            with self._write(self._session_path(session.id)) as db:
                db.table("session").insert(_stored(session))
            entry = CodeEntry(
                code=session.code,
                session_id=session.id,
                facilitator_id=session.facilitator_id,
                status=session.status,
                created_at=session.created_at,
            )
            codes.insert(_stored(entry))
        return session

    # Votes on the open decision are lines of an append-only log of their own,
    # sessions/<id>/votes.jsonl, so sixty participants who vote at once neither queue for the
    # session's lock nor rewrite a file: a vote is one O_APPEND write. A read of the session merges
    # the log in (the latest vote of a participant wins); every locked change of the session takes
    # the votes into the session file and removes the log. A gate (a reader-writer lock) keeps a vote
    # and a change of the session apart: votes hold it shared, so they never wait for each other, and
    # a change holds it alone, so a vote is either in before the reveal or checked after it (refused).
    # (Until 2026-12 each vote was a file, sessions/<id>/votes/<participant id>.json: still read.)
    def _vote_log(self, session_id: str) -> Path:
        return self._session_path(session_id).with_suffix("") / "votes.jsonl"

    def _gate(self, session_id: str, *, exclusive: bool) -> AbstractContextManager[None]:
        return gate(self._session_path(session_id).with_suffix("") / "votes.gate", exclusive=exclusive)

    def save_vote(self, session_id: str, vote: Vote, check: Callable[[TeamSession], None]) -> None:
        """Store a participant's vote on the current decision: one appended line, no wait for other voters.

        ``check(session)`` sees the session as it stands while no change of it can run, and raises to
        refuse the vote (the decision closed, the participant left)."""
        if not _ID.match(vote.participant_id):
            raise InvalidInputError(f"invalid participant id {vote.participant_id!r}")
        with self._gate(session_id, exclusive=False):
            found = read_records(self._session_path(session_id), "session", TeamSession)  # without the live votes
            session = found[0] if found else None
            if session is None:
                raise NotFoundError(f"team session {session_id} not found")
            check(session)
            append_line(self._vote_log(session_id), json_text(vote.model_dump(mode="json")).encode())

    def _live_votes(self, session_id: str) -> list[Vote]:
        """The votes not yet taken into the session, oldest first (the legacy vote files first)."""
        legacy = self._vote_log(session_id).with_name("votes")
        try:
            entries = sorted(e.path for e in os.scandir(legacy) if e.name.endswith(".json"))
        except FileNotFoundError:
            entries = []
        found = [self._legacy_vote_file(Path(entry)) for entry in entries]
        return [v for v in found if v is not None] + list(read_log(self._vote_log(session_id), _parse_vote))

    @staticmethod
    def _legacy_vote_file(path: Path) -> Vote | None:
        docs = list((read_snapshot(path).data or {}).get("vote", {}).values())
        try:
            return Vote.model_validate(docs[0]) if docs else None
        except ValidationError:
            raise CorruptDataError(path, "a vote record does not fit") from None

    def get_team_session(self, session_id: str) -> TeamSession | None:
        found = read_records(self._session_path(session_id), "session", TeamSession)
        return with_votes(found[0], self._live_votes(session_id)) if found else None

    def update_team_session(self, session_id: str, change: Callable[[TeamSession], TeamSession]) -> TeamSession:
        """Apply ``change`` to the session under the session's lock; returns the new session.

        The live votes are taken into the session file by this write, then their log is removed (no
        vote can be added meanwhile: the gate is held alone)."""
        path = self._session_path(session_id)
        with self._gate(session_id, exclusive=True), self._write(path) as db:
            table = db.table("session")
            docs = table.all()
            if not docs:
                raise NotFoundError(f"team session {session_id} not found")
            live = self._live_votes(session_id)
            old = with_votes(_validated(TeamSession, docs[0], path), live)
            new = change(old.model_copy(deep=True))
            doc = _stored(new)

            def replace(stored: MutableMapping[Any, Any]) -> None:
                stored.clear()
                stored.update(doc)

            # one write: truncate + insert would let an unlocked reader see an empty session in between
            table.update(replace, doc_ids=[docs[0].doc_id])
            # Taken in: no vote can be appended while the gate is held alone.
            self._vote_log(session_id).unlink(missing_ok=True)
            shutil.rmtree(self._vote_log(session_id).with_name("votes"), ignore_errors=True)
        if new.status != old.status:
            with self._write(self._session_index_path) as index:
                index.table("codes").update({"status": new.status}, Query().session_id == session_id)
        return new

    def _code_entries(self) -> list[CodeEntry]:
        return read_records(self._session_index_path, "codes", CodeEntry)

    def find_team_session(self, code: str) -> TeamSession | None:
        """The session with this join code: an open one first, else the newest that had it."""
        entries = [e for e in self._code_entries() if e.code == code]
        for entry in sorted(entries, key=lambda e: (e.status == "open", e.created_at), reverse=True):
            found = self.get_team_session(entry.session_id)
            if found is not None:
                return found
        return None

    def list_team_sessions(self, facilitator_id: str | None = None) -> list[TeamSession]:
        sessions = [
            self.get_team_session(e.session_id)
            for e in self._code_entries()
            if facilitator_id is None or e.facilitator_id == facilitator_id
        ]
        return sorted((s for s in sessions if s is not None), key=lambda s: s.created_at, reverse=True)

    def delete_team_session(self, session_id: str) -> None:
        """Remove a session document and its entry in the code index."""
        with self._write(self._session_index_path) as index:
            index.table("codes").remove(Query().session_id == session_id)
            shutil.rmtree(self._session_path(session_id).with_suffix(""), ignore_errors=True)
            remove_with_lock(self._session_path(session_id))


def _refuse_clash(docs: list[Any], account: Account, key: str) -> None:
    """``DuplicateError`` when another account has this username, sign-in subject or invite code (as the
    PostgreSQL store's unique indexes refuse them)."""
    for doc in docs:
        if doc.get("id") == account.id:
            continue
        if doc.get("key") == key:
            raise DuplicateError(f"username {account.username!r} is taken")
        if account.oidc_subject is not None and doc.get("oidc_subject") == account.oidc_subject:
            raise DuplicateError(f"another account has the sign-in subject {account.oidc_subject!r}")
        if account.invite_code is not None and doc.get("invite_code") == account.invite_code:
            raise DuplicateError(f"another account has the invite code {account.invite_code!r}")


def _parse_vote(line: bytes) -> Vote | None:
    """One line of a vote log; ``None`` for a line torn by a crash or a full disk (logged)."""
    try:
        return Vote.model_validate_json(line)
    except ValidationError:
        log.warning("skipped a vote log line that is not a whole vote (%d bytes)", len(line))
        return None


# Which record each table holds, per file pattern (kind names as in RECORD_KINDS).
_TABLES: tuple[tuple[str, str, str, type[Record]], ...] = (
    ("account", "accounts.json", "accounts", Account),
    ("throttle", "throttle.json", "throttle", ThrottleEntry),
    ("login", "logins.json", "logins", Login),
    ("cookie_ticket", "logins.json", "tickets", Ticket),
    ("connection", "links.json", "connections", Connection),
    ("share", "links.json", "shares", Share),
    ("attempt", "users/*/attempts/*.json", "attempts", Attempt),
    ("reflection", "users/*.json", "reflections", Reflection),
    ("comment", "users/*.json", "comments", Comment),
    ("read_marker", "users/*.json", "seen", ReadMarker),
    ("team_session", "sessions/[0-9a-f]*.json", "session", TeamSession),
    ("team_code", "sessions/index.json", "codes", CodeEntry),
    ("nickname_profile", "profiles.json", "profiles", Profile),
)
_INTERNAL = ("key",)  # store-internal lookup fields kept beside a record


def migrate(store: TinyDBStore) -> dict[str, int]:
    """Rewrite every stored record in the current format (``format_version``); returns how many per kind.

    Idempotent: records already current are written back unchanged. A record that cannot be
    read stops the migration with ``CorruptDataError`` before its file is written; files done
    before it are complete (each file is replaced atomically).
    """
    store.drop_legacy_throttle()  # raw usernames in accounts.json, from before the throttle had its own file
    for path in sorted((store.root / "users").glob("*.json")):  # attempts kept in the user file, before 2026-12
        store.move_legacy_attempts(path.stem)
    counts: dict[str, int] = {}
    for kind, pattern, table_name, model in _TABLES:
        counts[kind] = 0
        for path in sorted(store.root.glob(pattern)):
            with locked(path):
                storage = AtomicJSONStorage(path)
                data = storage.read() or {}
                docs = data.get(table_name) or {}
                data[table_name] = {
                    doc_id: _stored(_validated(model, doc, path), **{k: doc[k] for k in _INTERNAL if k in doc})
                    for doc_id, doc in docs.items()
                }
                if docs:
                    storage.write(data)  # one atomic replace per file
                counts[kind] += len(docs)
    return counts
