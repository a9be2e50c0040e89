"""Storage behind a small interface; the default backend is TinyDB in ``progress/``.

Pages use ``Store`` and never touch TinyDB. Layout of the TinyDB backend::

    progress/accounts.json          accounts (id, username, role, Argon2id hash ...) and the sign-in throttle
    progress/links.json             teacher-coach connections and shared reflections
    progress/users/<user id>.json   that user's attempts, reflections, the comments on them, read markers
    progress/profiles.json          nickname profiles from before accounts (read once, to migrate)

Every write holds a lock that works across threads (``threading.RLock``) and
across processes (``filelock``), and replaces the file atomically (temp file,
fsync, ``os.replace``), so a crash never leaves half a file. A file that
cannot be read raises ``CorruptDataError`` and is left exactly as it was: it is
never treated as an empty database and overwritten.
"""

from __future__ import annotations

import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Protocol

from filelock import FileLock
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from modules.records import Account, Attempt, Comment, Connection, Profile, Reflection, Share, now

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "progress"
NICKNAME_MAX = 40


class StoreError(Exception):
    """Base class of storage errors."""


class CorruptDataError(StoreError):
    """A data file exists but cannot be read; it is kept untouched."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"cannot read {path}: {reason}; the file was left untouched")
        self.path = path
        self.reason = reason


class NotFoundError(StoreError):
    pass


class InvalidInputError(StoreError, ValueError):
    pass


class DuplicateError(StoreError):
    pass


class Store(Protocol):
    """What the app may ask of storage. A PostgreSQL backend would implement the same.

    The store does no authorisation: ``modules.accounts`` and ``modules.sharing`` decide
    who may do what, and pages go through them for anything that crosses users.
    """

    # accounts and sign-in throttle
    def get_account(self, user_id: str) -> Account | None: ...
    def find_account(self, *, username: str | None = None, invite_code: str | None = None,
                     oidc_subject: str | None = None) -> Account | None: ...
    def list_accounts(self) -> list[Account]: ...
    def create_account(self, account: Account) -> Account: ...
    def save_account(self, account: Account) -> Account: ...
    def delete_account(self, user_id: str) -> None: ...
    def get_throttle(self, username: str) -> dict: ...
    def set_throttle(self, username: str, failures: int, locked_until: str | None) -> None: ...
    def update_throttle(self, username: str, change: Callable[[dict], dict]) -> dict: ...
    def list_profiles(self) -> list[Profile]: ...

    # a user's own records
    def create_attempt(self, attempt: Attempt) -> Attempt: ...
    def save_attempt(self, attempt: Attempt) -> Attempt: ...
    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt: ...
    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]: ...
    def add_reflection(self, reflection: Reflection) -> Reflection: ...
    def list_reflections(self, user_id: str) -> list[Reflection]: ...
    def get_reflection(self, user_id: str, reflection_id: str) -> Reflection: ...

    # connections, shares, comments, read markers
    def connect(self, teacher_id: str, coach_id: str) -> Connection: ...
    def disconnect(self, teacher_id: str, coach_id: str) -> None: ...
    def connections(self, *, teacher_id: str | None = None, coach_id: str | None = None) -> list[Connection]: ...
    def share(self, share: Share) -> Share: ...
    def unshare(self, reflection_id: str, coach_id: str) -> None: ...
    def shares(self, *, teacher_id: str | None = None, coach_id: str | None = None,
               reflection_id: str | None = None) -> list[Share]: ...
    def add_comment(self, comment: Comment) -> Comment: ...
    def list_comments(self, owner_id: str, reflection_id: str | None = None) -> list[Comment]: ...
    def remove_comments_by(self, owner_id: str, author_id: str) -> None: ...
    def mark_seen(self, user_id: str, reflection_id: str, at: str) -> None: ...
    def seen(self, user_id: str) -> dict[str, str]: ...

    # team sessions: one document each, changed only through an atomic read-modify-write
    def create_team_session(self, doc: dict) -> dict: ...
    def get_team_session(self, session_id: str) -> dict | None: ...
    def update_team_session(self, session_id: str, change: Callable[[dict], dict]) -> dict: ...
    def find_team_session(self, code: str) -> dict | None: ...
    def list_team_sessions(self, facilitator_id: str | None = None) -> list[dict]: ...


# --- TinyDB backend ---------------------------------------------------------------------------

class AtomicJSONStorage(Storage):
    """TinyDB storage: strict reads, atomic writes. Callers hold the file's lock for writes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise CorruptDataError(self.path, f"not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise CorruptDataError(self.path, "not a TinyDB document")
        return data

    def write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    def close(self) -> None:
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


_THREAD_LOCKS: dict[Path, threading.RLock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.RLock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(path, threading.RLock())


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold ``path`` for writing against other threads and other processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _thread_lock(path), FileLock(str(path) + ".lock"):
        yield


def normalise_nickname(nickname: str) -> str:
    return " ".join(nickname.split()).casefold()


def validate_nickname(nickname: str) -> str:
    cleaned = " ".join(str(nickname).split())
    if not cleaned:
        raise InvalidInputError("nickname is empty")
    if len(cleaned) > NICKNAME_MAX:
        raise InvalidInputError(f"nickname is longer than {NICKNAME_MAX} characters")
    return cleaned


_USER_ID = re.compile(r"^[0-9a-f]{32}$")


class _TeamSessions:
    """Team sessions for ``TinyDBStore``: ``sessions/<id>.json`` plus ``sessions/index.json`` (code -> id)."""

    root: Path
    _write: Callable
    _db: Callable

    def _session_path(self, session_id: str) -> Path:
        if not _USER_ID.match(session_id):
            raise InvalidInputError(f"invalid session id {session_id!r}")
        return self.root / "sessions" / f"{session_id}.json"

    @property
    def _session_index_path(self) -> Path:
        return self.root / "sessions" / "index.json"

    def create_team_session(self, doc: dict) -> dict:
        with self._write(self._session_index_path) as index:
            codes = index.table("codes")
            if codes.get((Query().code == doc["code"]) & (Query().status == "open")) is not None:
                raise DuplicateError(f"join code {doc['code']} is in use")
            with self._write(self._session_path(doc["id"])) as db:
                db.table("session").insert(doc)
            codes.insert({"code": doc["code"], "session_id": doc["id"], "facilitator_id": doc["facilitator_id"],
                          "status": doc["status"], "created_at": doc["created_at"]})
        return doc

    def get_team_session(self, session_id: str) -> dict | None:
        docs = self._db(self._session_path(session_id)).table("session").all()
        return dict(docs[0]) if docs else None

    def update_team_session(self, session_id: str, change: Callable[[dict], dict]) -> dict:
        """Apply ``change`` to the session document under the session's lock; returns the new document."""
        path = self._session_path(session_id)
        with self._write(path) as db:
            table = db.table("session")
            docs = table.all()
            if not docs:
                raise NotFoundError(f"team session {session_id} not found")
            new = change(dict(docs[0]))

            def replace(doc: dict) -> None:
                doc.clear()
                doc.update(new)

            # one write: truncate + insert would let an unlocked reader see an empty session in between
            table.update(replace, doc_ids=[docs[0].doc_id])
        if new["status"] != docs[0]["status"]:
            with self._write(self._session_index_path) as index:
                index.table("codes").update({"status": new["status"]}, Query().session_id == session_id)
        return new

    def find_team_session(self, code: str) -> dict | None:
        """The open session with this join code (newest first if a finished one shared it)."""
        entries = self._db(self._session_index_path).table("codes").search(Query().code == code)
        for entry in sorted(entries, key=lambda e: (e["status"] == "open", e["created_at"]), reverse=True):
            found = self.get_team_session(entry["session_id"])
            if found is not None:
                return found
        return None

    def list_team_sessions(self, facilitator_id: str | None = None) -> list[dict]:
        entries = self._db(self._session_index_path).table("codes").all()
        docs = [self.get_team_session(e["session_id"]) for e in entries
                if facilitator_id is None or e["facilitator_id"] == facilitator_id]
        return sorted((d for d in docs if d), key=lambda d: d["created_at"], reverse=True)


class TinyDBStore(_TeamSessions):
    """One TinyDB file per user, plus one small index of nicknames."""

    def __init__(self, root: str | Path = DEFAULT_ROOT):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "users").mkdir(exist_ok=True)
        self._index_cache: tuple[tuple, dict[str, dict]] | None = None

    # -- files --
    @property
    def _profiles_path(self) -> Path:
        return self.root / "profiles.json"

    def _user_path(self, user_id: str) -> Path:
        if not _USER_ID.match(user_id):
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

    # -- legacy nickname profiles (before accounts) --
    def profile_for(self, nickname: str, create: bool = True) -> Profile | None:
        """The nickname profile (case and spacing ignored); only kept to migrate old data and for tests."""
        cleaned = validate_nickname(nickname)
        key = normalise_nickname(cleaned)
        found = self._db(self._profiles_path).table("profiles").get(Query().key == key)
        if found is not None or not create:
            return Profile.model_validate(found) if found else None
        with self._write(self._profiles_path) as db:
            table = db.table("profiles")
            found = table.get(Query().key == key)  # another thread may have won the race
            if found is not None:
                return Profile.model_validate(found)
            profile = Profile(nickname=cleaned)
            table.insert({**profile.model_dump(), "key": key})
            return profile

    def list_profiles(self) -> list[Profile]:
        return [Profile.model_validate(d) for d in self._db(self._profiles_path).table("profiles").all()]

    # -- accounts --
    @property
    def _accounts_path(self) -> Path:
        return self.root / "accounts.json"

    def _account_index(self) -> dict[str, dict]:
        """Account documents by id, re-read only when the file was replaced (cheap per page run)."""
        path = self._accounts_path
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._index_cache
        if cached is not None and cached[0] == version:
            return cached[1]
        index = {d["id"]: d for d in self._db(path).table("accounts").all()}
        self._index_cache = (version, index)
        return index

    def get_account(self, user_id: str) -> Account | None:
        found = self._account_index().get(user_id)
        return Account.model_validate(found) if found else None

    def find_account(self, *, username: str | None = None, invite_code: str | None = None,
                     oidc_subject: str | None = None) -> Account | None:
        key = normalise_nickname(username) if username is not None else None
        for doc in self._account_index().values():
            if (key is not None and doc["key"] == key) or (
                invite_code is not None and doc.get("invite_code") == invite_code
            ) or (oidc_subject is not None and doc.get("oidc_subject") == oidc_subject):
                return Account.model_validate(doc)
        return None

    def list_accounts(self) -> list[Account]:
        return sorted((Account.model_validate(d) for d in self._account_index().values()), key=lambda a: a.username.lower())

    def create_account(self, account: Account) -> Account:
        """Insert a new account; raises ``DuplicateError`` when the username is taken."""
        key = normalise_nickname(account.username)
        with self._write(self._accounts_path) as db:
            table = db.table("accounts")
            if table.get(Query().key == key) is not None:
                raise DuplicateError(f"username {account.username!r} is taken")
            if table.get(Query().id == account.id) is not None:
                raise DuplicateError(f"account id {account.id} exists")
            table.insert({**account.model_dump(mode="json"), "key": key})
        return account

    def save_account(self, account: Account) -> Account:
        key = normalise_nickname(account.username)
        with self._write(self._accounts_path) as db:
            if not db.table("accounts").update({**account.model_dump(mode="json"), "key": key}, Query().id == account.id):
                raise NotFoundError(f"account {account.id} not found")
        return account

    def delete_account(self, user_id: str) -> None:
        """Remove the account, its data file, its links and shares."""
        account = self.get_account(user_id)
        with self._write(self._accounts_path) as db:
            db.table("accounts").remove(Query().id == user_id)
            if account is not None:
                db.table("throttle").remove(Query().key == normalise_nickname(account.username))
        with self._write(self._links_path) as db:
            db.table("connections").remove((Query().teacher_id == user_id) | (Query().coach_id == user_id))
            db.table("shares").remove((Query().teacher_id == user_id) | (Query().coach_id == user_id))
        if self._profiles_path.exists():  # a migrated nickname profile must not come back on the next start
            with self._write(self._profiles_path) as db:
                db.table("profiles").remove(Query().id == user_id)
        path = self._user_path(user_id)
        with locked(path):
            path.unlink(missing_ok=True)

    # -- sign-in throttle, keyed by the username as typed (existing or not) --
    def get_throttle(self, username: str) -> dict:
        found = self._db(self._accounts_path).table("throttle").get(Query().key == normalise_nickname(username))
        return dict(found) if found else {"failures": 0, "locked_until": None}

    def set_throttle(self, username: str, failures: int, locked_until: str | None) -> None:
        key = normalise_nickname(username)
        with self._write(self._accounts_path) as db:
            db.table("throttle").upsert({"key": key, "failures": failures, "locked_until": locked_until}, Query().key == key)

    def update_throttle(self, username: str, change: Callable[[dict], dict]) -> dict:
        """Atomic read-modify-write of one throttle entry (``change`` gets failures and locked_until)."""
        key = normalise_nickname(username)
        with self._write(self._accounts_path) as db:
            table = db.table("throttle")
            found = table.get(Query().key == key)
            current = {"failures": found["failures"], "locked_until": found["locked_until"]} if found else {
                "failures": 0, "locked_until": None}
            new = change(current)
            table.upsert({"key": key, **new}, Query().key == key)
        return new

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
                return Connection.model_validate(found)
            connection = Connection(teacher_id=teacher_id, coach_id=coach_id)
            table.insert(connection.model_dump(mode="json"))
            return connection

    def disconnect(self, teacher_id: str, coach_id: str) -> None:
        """End the connection and withdraw every reflection shared with that coach."""
        with self._write(self._links_path) as db:
            db.table("connections").remove((Query().teacher_id == teacher_id) & (Query().coach_id == coach_id))
            db.table("shares").remove((Query().teacher_id == teacher_id) & (Query().coach_id == coach_id))

    def connections(self, *, teacher_id: str | None = None, coach_id: str | None = None) -> list[Connection]:
        docs = self._db(self._links_path).table("connections").all()
        return [
            Connection.model_validate(d) for d in docs
            if (teacher_id is None or d["teacher_id"] == teacher_id) and (coach_id is None or d["coach_id"] == coach_id)
        ]

    def share(self, share: Share) -> Share:
        with self._write(self._links_path) as db:
            table = db.table("shares")
            q = (Query().reflection_id == share.reflection_id) & (Query().coach_id == share.coach_id)
            if table.get(q) is None:
                table.insert(share.model_dump(mode="json"))
        return share

    def unshare(self, reflection_id: str, coach_id: str) -> None:
        with self._write(self._links_path) as db:
            db.table("shares").remove((Query().reflection_id == reflection_id) & (Query().coach_id == coach_id))

    def shares(self, *, teacher_id: str | None = None, coach_id: str | None = None,
               reflection_id: str | None = None) -> list[Share]:
        docs = self._db(self._links_path).table("shares").all()
        return [
            Share.model_validate(d) for d in docs
            if (teacher_id is None or d["teacher_id"] == teacher_id)
            and (coach_id is None or d["coach_id"] == coach_id)
            and (reflection_id is None or d["reflection_id"] == reflection_id)
        ]

    # -- attempts --
    def create_attempt(self, attempt: Attempt) -> Attempt:
        with self._write(self._user_path(attempt.user_id)) as db:
            db.table("attempts").insert(attempt.model_dump(mode="json"))
        return attempt

    def save_attempt(self, attempt: Attempt) -> Attempt:
        """Save the attempt's current state (called after every choice)."""
        updated = attempt.model_copy(update={"updated_at": now()})
        if updated.finished and not updated.finished_at:
            updated = updated.model_copy(update={"finished_at": updated.updated_at})
        with self._write(self._user_path(attempt.user_id)) as db:
            table = db.table("attempts")
            doc = updated.model_dump(mode="json")
            if not table.update(doc, Query().id == attempt.id):
                table.insert(doc)
        return updated

    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt:
        found = self._db(self._user_path(user_id)).table("attempts").get(Query().id == attempt_id)
        if found is None:
            raise NotFoundError(f"attempt {attempt_id} of user {user_id} not found")
        return Attempt.model_validate(found)

    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]:
        table = self._db(self._user_path(user_id)).table("attempts")
        docs = table.all() if scenario_id is None else table.search(Query().scenario_id == scenario_id)
        attempts = [Attempt.model_validate(d) for d in docs]
        return sorted(attempts, key=lambda a: a.updated_at, reverse=True)

    # -- reflections --
    def add_reflection(self, reflection: Reflection) -> Reflection:
        with self._write(self._user_path(reflection.user_id)) as db:
            db.table("reflections").insert(reflection.model_dump(mode="json"))
        return reflection

    def list_reflections(self, user_id: str) -> list[Reflection]:
        docs = self._db(self._user_path(user_id)).table("reflections").all()
        return sorted((Reflection.model_validate(d) for d in docs), key=lambda r: r.created_at, reverse=True)

    def get_reflection(self, user_id: str, reflection_id: str) -> Reflection:
        found = self._db(self._user_path(user_id)).table("reflections").get(Query().id == reflection_id)
        if found is None:
            raise NotFoundError(f"reflection {reflection_id} of user {user_id} not found")
        return Reflection.model_validate(found)

    # -- comments (stored with the reflection's owner) and read markers --
    def add_comment(self, comment: Comment) -> Comment:
        with self._write(self._user_path(comment.owner_id)) as db:
            db.table("comments").insert(comment.model_dump(mode="json"))
        return comment

    def list_comments(self, owner_id: str, reflection_id: str | None = None) -> list[Comment]:
        table = self._db(self._user_path(owner_id)).table("comments")
        docs = table.all() if reflection_id is None else table.search(Query().reflection_id == reflection_id)
        return sorted((Comment.model_validate(d) for d in docs), key=lambda c: (c.created_at, c.id))

    def remove_comments_by(self, owner_id: str, author_id: str) -> None:
        with self._write(self._user_path(owner_id)) as db:
            db.table("comments").remove(Query().author_id == author_id)

    def mark_seen(self, user_id: str, reflection_id: str, at: str) -> None:
        with self._write(self._user_path(user_id)) as db:
            db.table("seen").upsert({"reflection_id": reflection_id, "at": at}, Query().reflection_id == reflection_id)

    def seen(self, user_id: str) -> dict[str, str]:
        """Per reflection: the time up to which this user has read its comments."""
        return {d["reflection_id"]: d["at"] for d in self._db(self._user_path(user_id)).table("seen").all()}


def open_store(root: str | Path | None = None) -> TinyDBStore:
    """The configured store: ``SAMENSPEL_DATA_DIR`` or ``progress/``."""
    return TinyDBStore(root or os.environ.get("SAMENSPEL_DATA_DIR") or DEFAULT_ROOT)
