"""Files under a lock, written atomically: the ground the TinyDB store stands on.

Every write holds a lock that works across threads (``threading.RLock``) and across
processes (``filelock``), and replaces the file atomically (temp file, fsync,
``os.replace``), so a crash never leaves half a file; a write that fails removes its
temporary file, and temporary files left by a killed process are removed at start-up
(``remove_orphan_temp_files``). A file that cannot be read raises ``CorruptDataError``
and is left exactly as it was. Append-only logs (``append_line``, ``read_log``) take
records that many writers add at once without a lock: one ``O_APPEND`` write each.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock
from tinydb.storages import Storage

from modules.storage.errors import CorruptDataError

_T = TypeVar("_T")

ORPHAN_AGE = 600  # seconds: a temporary file this old belongs to no running write


# "\u0000" as JSON writes the character NUL: an escape, not an escaped backslash ("\\u0000") before "u0000".
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _compact(value: Any) -> tuple[str, bool]:
    """``value`` as compact JSON text without NUL, and whether a NUL was left out."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" not in text:
        return text, False
    return _NUL_ESCAPE.sub(r"\1", text), True


def json_text(value: Any) -> str:
    """``value`` as compact JSON text, without the character NUL (U+0000) in any string.

    PostgreSQL's ``jsonb`` refuses NUL; a browser or a hand-edited file may still send one (it means
    nothing in text). Both stores write through here, so they keep the same text."""
    return _compact(value)[0]


def storable(value: Any) -> Any:
    """``value`` as it reads back once written through ``json_text`` (itself when it holds no NUL)."""
    text, changed = _compact(value)
    return json.loads(text) if changed else value


class AtomicJSONStorage(Storage):
    """TinyDB storage: strict reads, atomic writes. Callers hold the file's lock for writes."""

    def __init__(self, path: str | Path, *, durable: bool = True):
        self.path = Path(path)
        self.durable = durable  # fsync the file and its folder; False: atomic, but a power cut may undo it

    def read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return parse_document(self.path, raw)

    def write(self, data: dict) -> None:
        text = json_text(data)  # the C encoder: json.dump streams
        replace_bytes(self.path, text.encode("utf-8"), durable=self.durable)

    def close(self) -> None:
        pass


def replace_bytes(path: Path, data: bytes, *, durable: bool = True, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` atomically: a temporary file (named so that start-up removes an
    orphan, see ``remove_orphan_temp_files``), fsynced when ``durable``, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a copy of user data behind
        raise
    if durable:
        _fsync_dir(path.parent)


# --- reading without parsing twice ---------------------------------------------------------------

TRUST_AFTER = 0.1  # seconds: older than a file system's timestamp tick, so a later write changes the mtime
_READ_CACHE_MAX = 8192


@dataclass
class Snapshot:
    """One version of a file as parsed, and the records made from it (filled in by the store, by table).

    Shared by every reader in this process: treat ``data`` and the records as read-only (records
    are changed with ``model_copy``, never in place)."""

    data: dict[str, Any] | None
    records: dict[str, Any] = field(default_factory=dict)


_READ_CACHE: OrderedDict[Path, tuple[tuple[int, int, int], Snapshot]] = OrderedDict()
_READ_CACHE_GUARD = threading.Lock()


def read_snapshot(path: Path) -> Snapshot:
    """The file's content, parsed at most once per version of the file (its inode, mtime and size).

    A version is kept only when it is older than ``TRUST_AFTER`` when read: a file replaced twice
    within one tick of the file system's clock could otherwise keep its mtime and size. An atomic
    replace always gives a new inode, so a stale version is never mistaken for the current one.
    A missing file is an empty snapshot; a corrupt one raises ``CorruptDataError`` every time.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the open file pins the version that fstat describes
    except FileNotFoundError:
        return Snapshot(None)
    with handle:
        stat = os.fstat(handle.fileno())
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with _READ_CACHE_GUARD:
            hit = _READ_CACHE.get(path)
            if hit is not None and hit[0] == version:
                _READ_CACHE.move_to_end(path)
                return hit[1]
        snapshot = Snapshot(parse_document(path, handle.read()))
    if time.time() - stat.st_mtime > TRUST_AFTER:
        with _READ_CACHE_GUARD:
            _READ_CACHE[path] = (version, snapshot)
            _READ_CACHE.move_to_end(path)
            while len(_READ_CACHE) > _READ_CACHE_MAX:
                _READ_CACHE.popitem(last=False)
    return snapshot


# --- append-only logs --------------------------------------------------------------------------

_LOG_HEAD = 256  # bytes: the start of a log, which never changes, tells a new file from an old one
_LOG_CACHE: OrderedDict[Path, tuple[int, bytes, int, tuple[Any, ...]]] = OrderedDict()
_LOG_CACHE_MAX = 1024


def append_line(path: Path, line: bytes) -> None:
    """Add one record to an append-only log: one ``write`` with ``O_APPEND``, so writers from any
    thread or process never overwrite or interleave each other, and nobody waits for a lock.

    The record goes between two newlines: a record torn by a full disk or a killed process is
    closed off by the next one and skipped by readers, never merged with it. Not fsynced (a
    power cut may undo the last records, never garble the earlier ones)."""
    if b"\n" in line:
        raise ValueError("a log record is one line")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        record = b"\n" + line + b"\n"
        if os.write(fd, record) != len(record):
            raise OSError(f"short write to {path}")
    finally:
        os.close(fd)


def read_log(path: Path, parse: Callable[[bytes], _T | None]) -> tuple[_T, ...]:
    """The parsed records of an append-only log, in order; records ``parse`` rejects (``None``) and
    a last record still being written are left out. Only what was appended since the last read in
    this process is parsed: the log's inode and its first bytes identify it (a removed log's inode
    may be reused, its content not). One ``parse`` per path."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the open file pins the inode that fstat describes
    except FileNotFoundError:
        return ()
    with handle:
        inode = os.fstat(handle.fileno()).st_ino
        with _READ_CACHE_GUARD:
            cached = _LOG_CACHE.get(path)
        offset, records, head = 0, (), b""
        if cached is not None and cached[0] == inode and handle.read(len(cached[1])) == cached[1]:
            _, head, offset, records = cached
        handle.seek(offset)
        fresh = handle.read()
        handle.seek(0)
        head = head if len(head) >= _LOG_HEAD else handle.read(_LOG_HEAD)
    end = fresh.rfind(b"\n") + 1  # complete records only: the rest is still being written
    parsed = [parse(line) for line in fresh[:end].split(b"\n") if line]
    records = records + tuple(p for p in parsed if p is not None)
    head = head[: offset + end]  # what the next read compares: bytes this read consumed
    with _READ_CACHE_GUARD:
        _LOG_CACHE[path] = (inode, head, offset + end, records)
        _LOG_CACHE.move_to_end(path)
        while len(_LOG_CACHE) > _LOG_CACHE_MAX:
            _LOG_CACHE.popitem(last=False)
    return records


def parse_document(path: Path, raw: bytes) -> dict[str, Any]:
    """A data file's bytes as a TinyDB document; ``CorruptDataError`` (the file is left alone) otherwise."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptDataError(path, f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CorruptDataError(path, "not a TinyDB document")
    return data


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


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<tid>\d+)\.tmp$")


_PROCESS_START = time.time()  # a temporary file of this pid from before this moment is a dead process's


def _pid_alive(pid: int, written: float) -> bool:
    if pid == os.getpid():
        return written >= _PROCESS_START - 1  # a restarted container often gets the same pid again
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def remove_orphan_temp_files(root: Path, now_ts: float | None = None) -> int:
    """Remove temporary files of writes that never finished (a killed process); returns how many.

    A temporary file is an orphan when the process that wrote it is gone, or when it is
    older than ``ORPHAN_AGE`` seconds (no write takes that long). The real files are
    never touched: a write only replaces them when it has finished.
    """
    now_ts = time.time() if now_ts is None else now_ts
    removed = 0
    for path in Path(root).rglob(".*.tmp"):
        match = _TEMP_NAME.match(path.name)
        if match is None:
            continue
        try:
            written = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if now_ts - written > ORPHAN_AGE or not _pid_alive(int(match["pid"]), written):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


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


@contextmanager
def gate(path: Path, *, exclusive: bool) -> Iterator[None]:
    """A reader-writer lock across threads and processes (``flock`` on ``path``): many holders at
    once when shared, one alone when exclusive. Each holder opens its own descriptor, so threads of
    one process exclude each other as separate processes do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_with_lock(path: Path) -> None:
    """Delete a file of a user or a session, and then its lock file (whose name carries the same id)."""
    with locked(path):
        path.unlink(missing_ok=True)
    Path(str(path) + ".lock").unlink(missing_ok=True)
