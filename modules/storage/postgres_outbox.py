"""The outbox of learning records in the PostgreSQL database: one queue for every app server on it.

``PostgresOutbox`` implements ``modules.storage.outbox.Outbox`` on the table ``xapi_outbox``
(migration ``0003_xapi_outbox.sql``, applied by the store at start): a row per queued statement,
deleted when it is sent, kept with the LRS's answer when it is set aside. Because the queue is in
the database, deleting an account on one app server removes that user's waiting statements for all
of them (``forget``, by the ``actor_name`` column), and ``pg_dump`` backs it up with everything else.

- ``enqueue`` inserts one call's statements in one transaction: all or none.
- ``take`` reads the oldest pending rows in order; nothing is locked or removed (only the sender
  takes, and the sender's turn is exclusive), so a sender that dies before ``mark_sent`` sends again.
- ``sending``: the sender's turn is a session-level advisory lock (``pg_try_advisory_lock``, not
  blocking) on a connection of its own, held for the turn and released when it ends (or when the
  process dies and the server closes its session). One sender at a time per database, across threads,
  processes and machines. Should that connection be cut in the middle of a turn, another sender may
  start before this one notices; a statement posted by both is stored once by the LRS (fixed ids).

The rest borrows connections from the store's pool of the same database in this process (made once
per process, with the store's cheap check of a pooled connection).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from modules.storage.errors import StoreError
from modules.storage.outbox import Entry, SetAside, actor_name_of
from modules.storage.postgres_store import CONNECT_TIMEOUT, _database, _first_line, describe

TURN = "samenspel:xapi-outbox"  # the advisory lock's key (hashed): the sender's turn, one per database


def _failed(url: str, exc: Exception) -> StoreError:
    """The server went away or restarted, or the pool found no connection in time: the store's error."""
    return StoreError(f"the xAPI outbox in the database {describe(url)} failed: {_first_line(exc)}")


def _at(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value is not None else ""


class PostgresOutbox:
    """The outbox as the table ``xapi_outbox`` of the database at ``url`` (see the module's docstring)."""

    def __init__(self, url: str):
        self.url = url
        self.where = f"the table xapi_outbox of {describe(url)}"

    def __repr__(self) -> str:
        return f"PostgresOutbox({describe(self.url)!r})"

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with _database(self.url).pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:  # PoolTimeout is an OperationalError
            raise _failed(self.url, exc) from exc

    def enqueue(self, statements: Sequence[Mapping[str, Any]]) -> list[str]:
        rows = []
        for statement in statements:
            name = actor_name_of(statement)
            rows.append(
                (
                    uuid.uuid4().hex,
                    str(statement.get("id", "")),
                    name if isinstance(name, str) else None,
                    Jsonb(dict(statement)),
                )
            )
        if not rows:
            return []
        with self._connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO xapi_outbox (key, statement_id, actor_name, statement) VALUES (%s, %s, %s, %s)", rows
            )
        return [row[0] for row in rows]

    def take(self, limit: int) -> list[Entry]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT key, statement, queued_at FROM xapi_outbox WHERE set_aside_at IS NULL ORDER BY seq LIMIT %s",
                (max(0, limit),),
            ).fetchall()
        return [Entry(key=key, statement=statement, at=_at(at)) for key, statement, at in rows]

    def mark_sent(self, keys: Iterable[str]) -> None:
        found = list(dict.fromkeys(keys))
        if found:
            with self._connection() as conn:
                conn.execute("DELETE FROM xapi_outbox WHERE key = ANY(%s)", (found,))

    def set_aside(self, key: str, reason: str) -> None:
        with self._connection() as conn:
            conn.execute(
                "UPDATE xapi_outbox SET set_aside_at = now(), reason = %s WHERE key = %s AND set_aside_at IS NULL",
                (reason, key),
            )

    def pending(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT count(*) FROM xapi_outbox WHERE set_aside_at IS NULL").fetchone()
        return int(row[0]) if row else 0

    def set_aside_entries(self) -> list[SetAside]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT key, statement_id, reason, set_aside_at FROM xapi_outbox"
                " WHERE set_aside_at IS NOT NULL ORDER BY set_aside_at, seq"
            ).fetchall()
        return [SetAside(key, statement_id, reason or "", _at(at)) for key, statement_id, reason, at in rows]

    def forget(self, actor_name: str) -> int:
        with self._connection() as conn:
            return conn.execute("DELETE FROM xapi_outbox WHERE actor_name = %s", (actor_name,)).rowcount

    @contextmanager
    def sending(self) -> Iterator[bool]:
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.OperationalError as exc:
            raise _failed(self.url, exc) from exc
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (TURN,)).fetchone()
            yield bool(row and row[0])
        finally:
            conn.close()  # ending the session releases its advisory locks
