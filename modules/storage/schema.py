"""Versioned schema migrations for the PostgreSQL store: numbered SQL files, applied once, in order.

``modules/storage/migrations/NNNN_name.sql`` are applied at start (``apply``), each in the same
transaction as its row in ``schema_version``, under an advisory lock: two app servers that start
at once never both apply a migration, and the second sees the first one's work. A database whose
``schema_version`` is newer than the newest file here was migrated by a newer Samenspel; this one
refuses to run against it (``SchemaError``) rather than misread it. Migrations only ever add: a
file, once released, is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from modules.storage.errors import SchemaError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
LOCK = 0x53616D656E  # pg_advisory_xact_lock key: "Samen"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def migrations(folder: Path = MIGRATIONS) -> list[Migration]:
    """The migration files, by number; numbers must run 1, 2, 3 ... without gaps."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise SchemaError(f"{path}: a migration file is named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path))
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise SchemaError(f"{folder}: migrations must be numbered 0001, 0002, ... without gaps (found {numbers})")
    return found


def latest(folder: Path = MIGRATIONS) -> int:
    return len(migrations(folder))


def current(conn: psycopg.Connection) -> int:
    """The schema version of the database (0: no Samenspel schema yet)."""
    row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not (row and row[0]):
        return 0
    found = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(found[0]) if found else 0


def _refuse_newer(version: int, known: int, where: str) -> None:
    if version > known:
        raise SchemaError(
            f"the database {where} has schema version {version}, newer than this Samenspel knows ({known}): "
            "it was migrated by a newer Samenspel. Run that version, or restore a backup made for this one"
        )


def apply(conn: psycopg.Connection, where: str, folder: Path = MIGRATIONS) -> list[int]:
    """Bring the database's schema up to date; returns the versions applied now (often none).

    ``conn`` is in autocommit mode; each run holds an advisory lock for its whole transaction."""
    files = migrations(folder)
    known = len(files)
    version = current(conn)
    _refuse_newer(version, known, where)
    if version == known:
        return []
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        version = current(conn)  # another server may have applied them while this one waited for the lock
        _refuse_newer(version, known, where)
        for migration in files[version:]:
            try:
                conn.execute(migration.path.read_text(encoding="utf-8").encode())
            except psycopg.Error as exc:
                raise SchemaError(f"migration {migration.path.name} failed on {where}: {exc}") from exc
            conn.execute(
                "INSERT INTO schema_version (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
            applied.append(migration.version)
    return applied
