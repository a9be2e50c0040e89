"""A durable queue of learning records (xAPI statements) on their way to a Learning Record Store.

``Outbox`` is the protocol: put statements in (``enqueue``), take the oldest pending entries (``take``),
mark entries sent (``mark_sent``), set an entry the LRS refuses aside with the reason (``set_aside``),
count what is pending (``pending``), list what was set aside (``set_aside_entries``), remove an actor's
entries (``forget``: an account deleted), and take the sender's turn (``sending``: one sender at a time
per outbox, so two processes never post the same new statement at once). It knows nothing of xAPI
beyond a statement being a JSON object whose ``actor.account.name`` names the account.

``open_outbox(store)`` is the outbox of a store: for the PostgreSQL store, ``PostgresOutbox``
(``modules.storage.postgres_outbox``: the table ``xapi_outbox`` of its database, one queue for every
app server on it); for the TinyDB store, ``FileOutbox`` in its data folder (one machine).

Nothing is lost: an entry stays pending until it is marked sent or set aside, so a sender that dies
between posting and marking posts it again, and the LRS keeps one statement per id (the ids are
deterministic: ``modules.exchange.xapi``).

``FileOutbox`` keeps a folder (``<data folder>/xapi-outbox/``) with the care of ``modules.storage.files``:

    queue.jsonl       one entry per line: {"key", "at", "statement"}
    sent.jsonl        one line per entry sent: {"key", "at"}
    set-aside.jsonl   one line per entry set aside: {"key", "at", "reason"}
    gate              a reader-writer lock: appends share it, compaction holds it alone
    sender            the sender's turn (``flock``, not blocking)

Every change is an append: one ``write`` with ``O_APPEND`` (all lines of one call at once), fsynced, so
writers in any thread or process never wait for each other or interleave. Each line stands between
newlines, so a line torn by a crash or a full disk is skipped by readers and costs only itself. When
more than ``COMPACT_AFTER`` entries were marked sent, the sender rewrites the queue without them
(temp file, fsync, atomic replace, then an empty ``sent.jsonl``); a crash in between leaves sent
markers of entries that are gone, which is harmless.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from modules.storage.files import gate, read_log, replace_bytes
from modules.storage.protocol import Store

FOLDER = "xapi-outbox"
COMPACT_AFTER = 1000  # entries marked sent before the queue is rewritten without them


@dataclass(frozen=True)
class Entry:
    """One statement in the queue; ``key`` names this entry (the same statement queued twice is two entries)."""

    key: str
    statement: dict[str, Any]
    at: str = ""

    @property
    def statement_id(self) -> str:
        return str(self.statement.get("id", ""))


@dataclass(frozen=True)
class SetAside:
    """An entry the LRS refused for what it holds (not for being down), kept out of the way with the reason."""

    key: str
    statement_id: str
    reason: str
    at: str


class Outbox(Protocol):
    """A durable queue of statements for one LRS."""

    where: str  # where the queue is, for messages (a folder, or a table of a database)

    def enqueue(self, statements: Sequence[Mapping[str, Any]]) -> list[str]:
        """Add statements (all or, after a crash, none of one call); returns the new entries' keys."""
        ...

    def take(self, limit: int) -> list[Entry]:
        """Up to ``limit`` pending entries, oldest first; they stay pending until marked."""
        ...

    def mark_sent(self, keys: Iterable[str]) -> None: ...

    def set_aside(self, key: str, reason: str) -> None:
        """Take an entry out of the pending ones for good (a poison statement), with the reason."""
        ...

    def pending(self) -> int: ...

    def set_aside_entries(self) -> list[SetAside]: ...

    def forget(self, actor_name: str) -> int:
        """Remove every pending or set-aside entry of this actor (an account deleted); returns how many."""
        ...

    def sending(self) -> AbstractContextManager[bool]:
        """The sender's turn: yields True for the one sender that has it now, False for any other."""
        ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _line(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _object(line: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        return None  # a torn line
    return doc if isinstance(doc, dict) and isinstance(doc.get("key"), str) else None


def _entry(line: bytes) -> Entry | None:
    doc = _object(line)
    if doc is None or not isinstance(doc.get("statement"), dict):
        return None
    return Entry(key=doc["key"], statement=doc["statement"], at=str(doc.get("at", "")))


def _lines_of(entries: Sequence[Entry]) -> bytes:
    """A queue file's content: each entry on a line of its own."""
    return b"".join(b"\n" + _line({"key": e.key, "at": e.at, "statement": e.statement}) + b"\n" for e in entries)


def actor_name_of(statement: Mapping[str, Any]) -> object:
    """The statement's ``actor.account.name`` (the account's pseudonym), or None."""
    actor = statement.get("actor")
    account = actor.get("account") if isinstance(actor, dict) else None
    return account.get("name") if isinstance(account, dict) else None


def _append(path: Path, lines: Sequence[bytes]) -> None:
    """All ``lines`` in one ``O_APPEND`` write, each between newlines, then fsync."""
    if not lines:
        return
    if any(b"\n" in line for line in lines):
        raise ValueError("an outbox record is one line")
    data = b"\n" + b"\n".join(lines) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.write(fd, data) != len(data):
            raise OSError(f"short write to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)


class FileOutbox:
    """The outbox as append-only files in one folder (see the module's docstring)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.where = str(self.folder.resolve())
        self.queue = self.folder / "queue.jsonl"
        self.sent = self.folder / "sent.jsonl"
        self.aside = self.folder / "set-aside.jsonl"
        self._gate = self.folder / "gate"
        self._sender = self.folder / "sender"

    def _ready(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def enqueue(self, statements: Sequence[Mapping[str, Any]]) -> list[str]:
        entries = [{"key": uuid.uuid4().hex, "at": _now(), "statement": dict(s)} for s in statements]
        if not entries:
            return []
        self._ready()
        with gate(self._gate, exclusive=False):
            _append(self.queue, [_line(e) for e in entries])
        return [e["key"] for e in entries]

    def _done(self) -> tuple[set[str], set[str]]:
        sent = {m["key"] for m in read_log(self.sent, _object)}
        aside = {m["key"] for m in read_log(self.aside, _object)}
        return sent, aside

    def _pending(self) -> Iterator[Entry]:
        sent, aside = self._done()
        seen: set[str] = set()
        for entry in read_log(self.queue, _entry):
            if entry.key not in sent and entry.key not in aside and entry.key not in seen:
                seen.add(entry.key)
                yield entry

    def take(self, limit: int) -> list[Entry]:
        found: list[Entry] = []
        for entry in self._pending():
            if len(found) >= limit:
                break
            found.append(entry)
        return found

    def pending(self) -> int:
        return sum(1 for _ in self._pending())

    def mark_sent(self, keys: Iterable[str]) -> None:
        at = _now()
        lines = [_line({"key": key, "at": at}) for key in dict.fromkeys(keys)]
        if not lines:
            return
        self._ready()
        with gate(self._gate, exclusive=False):
            _append(self.sent, lines)
        if len(read_log(self.sent, _object)) > COMPACT_AFTER:
            self.compact()

    def set_aside(self, key: str, reason: str) -> None:
        self._ready()
        with gate(self._gate, exclusive=False):
            _append(self.aside, [_line({"key": key, "at": _now(), "reason": reason})])

    def set_aside_entries(self) -> list[SetAside]:
        statements = {e.key: e.statement_id for e in read_log(self.queue, _entry)}
        return [
            SetAside(m["key"], statements.get(m["key"], ""), str(m.get("reason", "")), str(m.get("at", "")))
            for m in read_log(self.aside, _object)
        ]

    def compact(self) -> int:
        """Rewrite the queue without the entries sent; returns how many were dropped."""
        self._ready()
        with gate(self._gate, exclusive=True):
            sent, _aside = self._done()
            entries = read_log(self.queue, _entry)
            kept = [e for e in entries if e.key not in sent]
            replace_bytes(self.queue, _lines_of(kept))
            replace_bytes(self.sent, b"")  # after the queue: a crash in between leaves markers of entries that are gone
        return len(entries) - len(kept)

    def forget(self, actor_name: str) -> int:
        if not self.queue.exists():
            return 0
        with gate(self._gate, exclusive=True):
            entries = read_log(self.queue, _entry)
            kept = [e for e in entries if actor_name_of(e.statement) != actor_name]
            if len(kept) < len(entries):
                replace_bytes(self.queue, _lines_of(kept))
        return len(entries) - len(kept)

    @contextmanager
    def sending(self) -> Iterator[bool]:
        self._ready()
        fd = os.open(self._sender, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def open_outbox(store: Store) -> Outbox:
    """The outbox of a store: a table of its database for the PostgreSQL store, else ``<data folder>/xapi-outbox/``."""
    if "modules.storage.postgres_store" in sys.modules:  # a PostgresStore exists only once its module is loaded
        from modules.storage.postgres_outbox import PostgresOutbox
        from modules.storage.postgres_store import PostgresStore

        if isinstance(store, PostgresStore):
            return PostgresOutbox(store.url)
    return FileOutbox(Path(store.root) / FOLDER)
