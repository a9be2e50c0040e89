"""Storage behind a small interface; the default backend is TinyDB in ``progress/``.

Pages use ``Store`` and never touch TinyDB. Layout of the TinyDB backend::

    progress/profiles.json          nickname -> user id
    progress/users/<user id>.json   that user's attempts and reflections

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
from typing import Iterator, Protocol

from filelock import FileLock
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from modules.records import Attempt, Profile, Reflection, now

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


class Store(Protocol):
    """What pages may ask of storage. A PostgreSQL backend would implement the same."""

    def profile_for(self, nickname: str, create: bool = True) -> Profile | None: ...
    def get_profile(self, user_id: str) -> Profile | None: ...

    def create_attempt(self, attempt: Attempt) -> Attempt: ...
    def save_attempt(self, attempt: Attempt) -> Attempt: ...
    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt: ...
    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]: ...

    def add_reflection(self, reflection: Reflection) -> Reflection: ...
    def list_reflections(self, user_id: str) -> list[Reflection]: ...


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


class TinyDBStore:
    """One TinyDB file per user, plus one small index of nicknames."""

    def __init__(self, root: str | Path = DEFAULT_ROOT):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "users").mkdir(exist_ok=True)
        self._index_cache: tuple[tuple, tuple[dict, dict]] | None = None

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

    # -- profiles --
    def _profile_index(self) -> tuple[dict, dict]:
        """Profiles by id and by nickname key, re-read only when the file was replaced."""
        path = self._profiles_path
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}, {}
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._index_cache
        if cached is not None and cached[0] == version:
            return cached[1]
        docs = self._db(path).table("profiles").all()
        index = ({d["id"]: d for d in docs}, {d["key"]: d for d in docs})
        self._index_cache = (version, index)
        return index

    def profile_for(self, nickname: str, create: bool = True) -> Profile | None:
        """The profile with this nickname (case and spacing ignored); created when asked."""
        cleaned = validate_nickname(nickname)
        key = normalise_nickname(cleaned)
        found = self._profile_index()[1].get(key)
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

    def get_profile(self, user_id: str) -> Profile | None:
        found = self._profile_index()[0].get(user_id)
        return Profile.model_validate(found) if found else None

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


def open_store(root: str | Path | None = None) -> TinyDBStore:
    """The configured store: ``SAMENSPEL_DATA_DIR`` or ``progress/``."""
    return TinyDBStore(root or os.environ.get("SAMENSPEL_DATA_DIR") or DEFAULT_ROOT)
