"""Copy every record between a TinyDB data folder and a PostgreSQL database (``python -m modules migrate
--from ... --to ...``), either way, and check the copy.

Every record of every kind in ``RECORD_KINDS`` is read from the source (upgraded to the current
format, as any read does; a record that cannot be read stops the copy before anything is written;
out of a live database everything is read in one ``REPEATABLE READ READ ONLY`` transaction, one
consistent moment), and written to the target under its identity (an account by its id, a share
by reflection and coach, ...) when the target does not hold it yet. A record the target holds
differently is left alone and counted as *kept*: it may have changed in the app since an earlier
copy (an account switched off, an attempt played on), and copying again must not undo that. With
``overwrite`` the source's version replaces it. Every record written, and every one found equal,
is read back and compared. Copying again changes nothing: the same counts, ``written`` 0.
Records the target holds that the source lacks are kept too (it is a copy, not a mirror). A
record that clashes with another of the target (the same username under another id) stops the
copy with a ``TransferError`` naming both. The signing key goes along (sign-in cookies and keyed
hashes stay valid), and so does the kind of data: a demo folder becomes a demo database and back.

Into PostgreSQL the reading of the target, the writes, the signing key, the kind of data and the
read-back run in one ``REPEATABLE READ`` transaction: a copy that fails, does not read back equal or
is killed leaves the database exactly as it was (an empty one not even marked real or demo). Into
a folder each file is replaced atomically, as every TinyDB write is, but a failed check cannot
take back the files already written (copy again, or into an empty folder).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

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
)
from modules.storage.common import ID, normalise_nickname, stored
from modules.storage.errors import StoreError
from modules.storage.files import AtomicJSONStorage, json_text, locked, replace_bytes, storable
from modules.storage.outbox import open_outbox
from modules.storage.postgres_store import PostgresStore
from modules.storage.protocol import RECORD_KINDS
from modules.storage.tinydb_store import DEMO_MARKER, SECRET_FILE, TinyDBStore, read_records

Key = tuple[Any, ...]
Records = dict[str, dict[Key, dict[str, Any]]]  # kind -> identity -> the record as JSON

# Each kind's identity: the fields of its JSON document that name one record.
IDENTITY: dict[str, tuple[str, ...]] = {
    "account": ("id",),
    "throttle": ("key",),
    "login": ("id",),
    "cookie_ticket": ("id",),
    "connection": ("teacher_id", "coach_id"),
    "share": ("reflection_id", "coach_id"),
    "attempt": ("user_id", "id"),
    "reflection": ("user_id", "id"),
    "comment": ("owner_id", "id"),
    "read_marker": ("user_id", "reflection_id"),  # user_id: the reader, added to the marker's document
    "team_session": ("id",),
    "team_code": ("session_id",),
    "team_vote": ("session_id", "step", "participant_id"),  # session_id added to the vote's document
    "nickname_profile": ("id",),
    "draft": ("owner_id", "id"),
    "scenario_version": ("scenario_id", "number"),
}


class TransferError(StoreError):
    """The copy cannot be made, or does not read back equal; the message says why (in English)."""


@dataclass
class Report:
    counts: dict[str, int]  # records per kind in the source
    written: dict[str, int]  # records per kind written now (new to the target, or replaced with overwrite)
    extra: dict[str, int] = field(default_factory=dict)  # records per kind only the target holds
    kept: dict[str, int] = field(default_factory=dict)  # records per kind the target holds differently, left alone


@dataclass
class _Plan:
    """What a write does per kind: the identities written, and those the target holds differently (kept)."""

    written: dict[str, set[Key]] = field(default_factory=lambda: {kind: set() for kind in RECORD_KINDS})
    kept: dict[str, set[Key]] = field(default_factory=lambda: {kind: set() for kind in RECORD_KINDS})


def _name(kind: str, identity: Key, doc: dict[str, Any]) -> str:
    """A record in a message: its kind and identity, and the username or nickname where it has one."""
    label = f"{kind} {'/'.join(map(str, identity))}"
    if kind == "account":
        return f"{label} (username {doc.get('username')!r})"
    if kind == "nickname_profile":
        return f"{label} (nickname {doc.get('nickname')!r})"
    return label


def _add(found: Records, kind: str, doc: dict[str, Any]) -> None:
    # as the stores write it (a NUL character in a hand-edited file left out): the plan and the
    # verification compare like with like
    found.setdefault(kind, {})[tuple(doc[f] for f in IDENTITY[kind])] = storable(doc)


def _empty() -> Records:
    return {kind: {} for kind in RECORD_KINDS}


# --- reading -------------------------------------------------------------------------------------


def read_folder(store: TinyDBStore) -> Records:
    """Every record of a TinyDB data folder (nothing in it is changed)."""
    root, found = store.root, _empty()
    simple: list[tuple[str, str, str, type[Record]]] = [
        ("account", "accounts.json", "accounts", Account),
        ("throttle", "throttle.json", "throttle", ThrottleEntry),
        ("login", "logins.json", "logins", Login),
        ("cookie_ticket", "logins.json", "tickets", Ticket),
        ("connection", "links.json", "connections", Connection),
        ("share", "links.json", "shares", Share),
        ("nickname_profile", "profiles.json", "profiles", Profile),
    ]
    for kind, name, table, model in simple:
        for record in read_records(root / name, table, model):
            _add(found, kind, stored(record))
    for path in sorted((root / "users").glob("*.json")):
        user_id = path.stem
        if not ID.match(user_id):
            continue
        for record in read_records(path, "attempts", Attempt):  # kept in the user file before 2026-12
            _add(found, "attempt", stored(record))
        for record in read_records(path, "reflections", Reflection):
            _add(found, "reflection", stored(record))
        for record in read_records(path, "comments", Comment):
            _add(found, "comment", stored(record))
        for record in read_records(path, "seen", ReadMarker):
            _add(found, "read_marker", stored(record, user_id=user_id))
    for path in sorted((root / "users").glob("*/attempts/*.json")):
        for record in read_records(path, "attempts", Attempt):
            _add(found, "attempt", stored(record))
    for path in sorted((root / "users").glob("*/drafts/*.json")):
        for record in read_records(path, "drafts", Draft):
            _add(found, "draft", stored(record))
    for path in sorted((root / "scenario_versions").glob("*.json")):
        for record in read_records(path, "versions", ScenarioVersion):
            _add(found, "scenario_version", stored(record))
    for path in sorted((root / "sessions").glob("*.json")):
        if not ID.match(path.stem):
            continue
        for record in read_records(path, "session", TeamSession):
            _add(found, "team_session", stored(record))
            # The join code as the session itself says: sessions/index.json is written after the session
            # and can lag behind it (a crash in between), so it is rebuilt here, as PostgreSQL holds it.
            _add(found, "team_code", stored(_code_entry(record)))
        for vote in store._live_votes(path.stem):
            _add(found, "team_vote", _dump_vote(path.stem, vote.model_dump(mode="json")))
    return found


def _code_entry(session: TeamSession) -> CodeEntry:
    return CodeEntry(
        code=session.code,
        session_id=session.id,
        facilitator_id=session.facilitator_id,
        status=session.status,
        created_at=session.created_at.astimezone(UTC),
    )


def _dump_vote(session_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "session_id": session_id}


_PG_READS: list[tuple[str, str, type[Record]]] = [
    ("account", "SELECT doc FROM accounts ORDER BY seq", Account),
    ("throttle", "SELECT doc FROM throttle ORDER BY seq", ThrottleEntry),
    ("login", "SELECT doc FROM logins ORDER BY seq", Login),
    ("cookie_ticket", "SELECT doc FROM tickets ORDER BY seq", Ticket),
    ("connection", "SELECT doc FROM connections ORDER BY seq", Connection),
    ("share", "SELECT doc FROM shares ORDER BY seq", Share),
    ("attempt", "SELECT doc FROM attempts ORDER BY seq", Attempt),
    ("reflection", "SELECT doc FROM reflections ORDER BY seq", Reflection),
    ("comment", "SELECT doc FROM comments ORDER BY seq", Comment),
    ("team_session", "SELECT doc FROM team_sessions ORDER BY seq", TeamSession),
    ("nickname_profile", "SELECT doc FROM profiles ORDER BY seq", Profile),
    ("draft", "SELECT doc FROM drafts ORDER BY seq", Draft),
    ("scenario_version", "SELECT doc FROM scenario_versions ORDER BY seq", ScenarioVersion),
]


def read_database(store: PostgresStore) -> Records:
    """Every record of a PostgreSQL database, as of one moment: read in one ``REPEATABLE READ READ ONLY``
    transaction (the app may go on writing meanwhile), or in this thread's open transaction (the copy's)."""
    with store._connection() as conn:
        if conn.info.transaction_status != TransactionStatus.IDLE:
            return _read_rows(store, conn)
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _read_rows(store, conn)


def _read_rows(store: PostgresStore, conn: psycopg.Connection) -> Records:
    from modules.storage.postgres_store import _record, _record_vote  # the store's own reading and upgrading

    found = _empty()
    for kind, query, model in _PG_READS:
        for (doc,) in conn.execute(query.encode()).fetchall():
            _add(found, kind, stored(_record(model, doc, kind, "copy")))
    for user_id, doc in conn.execute("SELECT user_id, doc FROM read_markers ORDER BY seq").fetchall():
        _add(found, "read_marker", stored(_record(ReadMarker, doc, "read_markers", user_id), user_id=user_id))
    for session_id, doc in conn.execute("SELECT session_id, doc FROM team_votes ORDER BY seq").fetchall():
        _add(found, "team_vote", _dump_vote(session_id, _record_vote(doc, session_id).model_dump(mode="json")))
    for entry in store.code_entries():  # on this connection: the same transaction
        _add(found, "team_code", stored(entry.model_copy(update={"created_at": entry.created_at.astimezone(UTC)})))
    return found


def read(store: TinyDBStore | PostgresStore) -> Records:
    return read_database(store) if isinstance(store, PostgresStore) else read_folder(store)


# --- writing -------------------------------------------------------------------------------------

# PostgreSQL: kind -> (insert with its key columns, the primary key, the key columns' values from a document)
_PG_WRITES: dict[str, tuple[str, str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = {
    "account": (
        "accounts (id, key, invite_code, oidc_subject, doc)",
        "id",
        lambda d: (d["id"], normalise_nickname(d["username"]), d.get("invite_code"), d.get("oidc_subject")),
    ),
    "throttle": ("throttle (key, expires_at, doc)", "key", lambda d: (d["key"], d.get("expires_at"))),
    "login": (
        "logins (id, user_id, created_at, expires_at, doc)",
        "id",
        lambda d: (d["id"], d["user_id"], d["created_at"], d["expires_at"]),
    ),
    "cookie_ticket": (
        "tickets (id, user_id, expires_at, doc)",
        "id",
        lambda d: (d["id"], d.get("user_id"), d["expires_at"]),
    ),
    "connection": (
        "connections (teacher_id, coach_id, doc)",
        "teacher_id, coach_id",
        lambda d: (d["teacher_id"], d["coach_id"]),
    ),
    "share": (
        "shares (reflection_id, coach_id, teacher_id, doc)",
        "reflection_id, coach_id",
        lambda d: (d["reflection_id"], d["coach_id"], d["teacher_id"]),
    ),
    "attempt": (
        "attempts (user_id, id, scenario_id, doc)",
        "user_id, id",
        lambda d: (d["user_id"], d["id"], d["scenario_id"]),
    ),
    "reflection": ("reflections (user_id, id, doc)", "user_id, id", lambda d: (d["user_id"], d["id"])),
    "comment": (
        "comments (owner_id, id, reflection_id, author_id, doc)",
        "owner_id, id",
        lambda d: (d["owner_id"], d["id"], d["reflection_id"], d["author_id"]),
    ),
    "read_marker": (
        "read_markers (user_id, reflection_id, doc)",
        "user_id, reflection_id",
        lambda d: (d["user_id"], d["reflection_id"]),
    ),
    "team_session": (
        "team_sessions (id, code, facilitator_id, status, created_at, doc)",
        "id",
        lambda d: (d["id"], d["code"], d["facilitator_id"], d["status"], d["created_at"]),
    ),
    "team_vote": (
        "team_votes (session_id, step, participant_id, at, doc)",
        "session_id, step, participant_id",
        lambda d: (d["session_id"], d["step"], d["participant_id"], d["at"]),
    ),
    "nickname_profile": (
        "profiles (id, key, doc)",
        "id",
        lambda d: (d["id"], normalise_nickname(d["nickname"])),
    ),
    "draft": ("drafts (owner_id, id, doc)", "owner_id, id", lambda d: (d["owner_id"], d["id"])),
    "scenario_version": (
        "scenario_versions (scenario_id, number, published_by, doc)",
        "scenario_id, number",
        lambda d: (d["scenario_id"], d["number"], d.get("published_by")),
    ),
}
_NOT_IN_DOC = {"read_marker": ("user_id",), "team_vote": ("session_id",)}  # identity kept beside the record


def _plan(records: Records, present: Records, overwrite: bool) -> tuple[_Plan, dict[str, list[Key]]]:
    """Which records to write: those the target lacks, and with ``overwrite`` those it holds differently;
    the rest of those it holds differently are kept. Returns the plan (kept filled in) and what to write."""
    plan, todo = _Plan(), {}
    for kind in RECORD_KINDS:
        todo[kind] = []
        have = present.get(kind, {})
        for identity, doc in records.get(kind, {}).items():
            if identity not in have:
                todo[kind].append(identity)
            elif have[identity] != doc:
                if overwrite:
                    todo[kind].append(identity)
                else:
                    plan.kept[kind].add(identity)
    return plan, todo


def write_database(store: PostgresStore, records: Records, present: Records, overwrite: bool = False) -> _Plan:
    """Write what the database lacks (and with ``overwrite`` what it holds differently), in the caller's
    transaction (or one of its own); a record that clashes with another of the target is a ``TransferError``."""
    plan, todo = _plan(records, present, overwrite)
    with store._transaction() as conn:
        for kind in RECORD_KINDS:
            if kind == "team_code":  # columns of the session's row, written with it; checked when read back
                continue
            table, key, columns = _PG_WRITES[kind]
            names = table[table.index("(") + 1 : -1].split(", ")
            updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in key.split(", "))
            placeholders = ", ".join(["%s"] * len(names))
            action = f"DO UPDATE SET {updates}" if overwrite else "DO NOTHING"
            query = f"INSERT INTO {table} VALUES ({placeholders}) ON CONFLICT ({key}) {action}"
            for identity in todo[kind]:
                doc = records[kind][identity]
                stored = {k: v for k, v in doc.items() if k not in _NOT_IN_DOC.get(kind, ())}
                try:  # a clash ends the copy: the whole transaction is rolled back
                    changed = conn.execute(query.encode(), (*columns(doc), Jsonb(stored, dumps=json_text))).rowcount
                except psycopg.IntegrityError as exc:
                    detail = exc.diag.message_detail or exc.diag.message_primary or str(exc)
                    raise TransferError(
                        f"{_name(kind, identity, doc)} cannot be copied into {store.where}: it clashes with a record "
                        f"the target holds of its own ({detail.strip()}); nothing was copied"
                    ) from None
                (plan.written if changed else plan.kept)[kind].add(identity)
    for (session_id,) in plan.written["team_session"]:  # a session's join code is written with its row
        if (session_id,) in records.get("team_code", {}):
            plan.written["team_code"].add((session_id,))
    plan.kept["team_code"] = {i for i in todo["team_code"] if i not in plan.written["team_code"]} | {
        i for i in plan.kept["team_code"] if i not in plan.written["team_code"]
    }
    return plan


def _file_tables(store: TinyDBStore, kind: str, doc: dict[str, Any]) -> tuple[Path, str, dict[str, Any], bool]:
    """Where a record lives in a folder: file, table, the document as stored there, one record per file."""
    root = store.root
    plain = {k: v for k, v in doc.items() if k not in _NOT_IN_DOC.get(kind, ())}
    match kind:
        case "account":
            return root / "accounts.json", "accounts", {**plain, "key": normalise_nickname(doc["username"])}, False
        case "nickname_profile":
            return root / "profiles.json", "profiles", {**plain, "key": normalise_nickname(doc["nickname"])}, False
        case "throttle":
            return root / "throttle.json", "throttle", plain, False
        case "login":
            return root / "logins.json", "logins", plain, False
        case "cookie_ticket":
            return root / "logins.json", "tickets", plain, False
        case "connection":
            return root / "links.json", "connections", plain, False
        case "share":
            return root / "links.json", "shares", plain, False
        case "attempt":
            return store._attempt_path(doc["user_id"], doc["id"]), "attempts", plain, True
        case "reflection":
            return store._user_path(doc["user_id"]), "reflections", plain, False
        case "comment":
            return store._user_path(doc["owner_id"]), "comments", plain, False
        case "read_marker":
            return store._user_path(doc["user_id"]), "seen", plain, False
        case "team_session":
            return store._session_path(doc["id"]), "session", plain, True
        case "team_code":
            return root / "sessions" / "index.json", "codes", plain, False
        case "draft":
            return store._draft_path(doc["owner_id"], doc["id"]), "drafts", plain, True
        case "scenario_version":
            return store._versions_path(doc["scenario_id"]), "versions", plain, False
    raise TransferError(f"no place in a data folder for records of kind {kind!r}")


def _refuse_folder_clash(store: TinyDBStore, kind: str, identity: Key, doc: dict[str, Any], present: Records) -> None:
    """What PostgreSQL's unique indexes refuse, checked before a folder is written: another account with the
    username, sign-in subject or invite code, another nickname profile with the nickname."""
    checks: list[tuple[str, Callable[[dict[str, Any]], Any]]] = []
    if kind == "account":
        checks = [
            ("username", lambda d: normalise_nickname(d["username"])),
            ("oidc_subject", lambda d: d.get("oidc_subject")),
            ("invite_code", lambda d: d.get("invite_code")),
        ]
    elif kind == "nickname_profile":
        checks = [("nickname", lambda d: normalise_nickname(d["nickname"]))]
    for field_name, value in checks:
        mine = value(doc)
        if mine is None:
            continue
        for other_identity, other in present.get(kind, {}).items():
            if other_identity != identity and value(other) == mine:
                raise TransferError(
                    f"{_name(kind, identity, doc)} cannot be copied into {store.root}: the target holds "
                    f"{_name(kind, other_identity, other)} of its own with the same {field_name}; nothing was copied"
                )


def write_folder(store: TinyDBStore, records: Records, present: Records, overwrite: bool = False) -> _Plan:
    """Write what the folder lacks (and with ``overwrite`` what it holds differently), each file once,
    atomically; a record that clashes with another of the target is a ``TransferError`` before any write."""
    plan, todo = _plan(records, present, overwrite)
    files: dict[Path, dict[str, list[tuple[str, dict[str, Any], bool]]]] = {}
    votes: dict[str, list[dict[str, Any]]] = {}
    for kind in RECORD_KINDS:
        for identity in todo[kind]:
            _refuse_folder_clash(store, kind, identity, records[kind][identity], present)
    for kind in RECORD_KINDS:
        for identity in todo[kind]:
            doc = records[kind][identity]
            plan.written[kind].add(identity)
            if kind == "team_vote":
                votes.setdefault(doc["session_id"], []).append(doc)
                continue
            path, table, stored, alone = _file_tables(store, kind, doc)
            files.setdefault(path, {}).setdefault(table, []).append((kind, stored, alone))
    for path, tables in files.items():
        with locked(path):
            storage = AtomicJSONStorage(path)
            data = storage.read() or {}
            for table, docs in tables.items():
                current = data.get(table) or {}
                for kind, stored, alone in docs:
                    if alone:
                        current = {"1": stored}
                        continue
                    fields = [f for f in IDENTITY[kind] if f not in _NOT_IN_DOC.get(kind, ())]
                    if kind in ("reflection", "comment", "read_marker"):
                        fields = [f for f in fields if f not in ("user_id", "owner_id")] or fields
                    same = next((i for i, d in current.items() if all(d.get(f) == stored.get(f) for f in fields)), None)
                    next_id = str(max((int(i) for i in current), default=0) + 1)
                    current[same or next_id] = stored
                data[table] = current
            storage.write(data)
    for session_id, docs in votes.items():
        _write_votes(store, session_id, docs)
    return plan


def _write_votes(store: TinyDBStore, session_id: str, docs: list[dict[str, Any]]) -> None:
    """The session's vote log with these votes added (a log replaced atomically, not appended to:
    the same votes copied twice are there once)."""
    log = store._vote_log(session_id)
    have = [v.model_dump(mode="json") for v in store._live_votes(session_id)]
    keep = have + [
        {k: v for k, v in d.items() if k != "session_id"}
        for d in docs
        if {k: v for k, v in d.items() if k != "session_id"} not in have
    ]
    keep.sort(key=lambda d: d["at"])
    replace_bytes(log, b"".join(b"\n" + json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in keep))


def write(store: TinyDBStore | PostgresStore, records: Records, present: Records, overwrite: bool = False) -> _Plan:
    if isinstance(store, PostgresStore):
        return write_database(store, records, present, overwrite)
    return write_folder(store, records, present, overwrite)


# --- the signing key -----------------------------------------------------------------------------


def _secret_of(store: TinyDBStore | PostgresStore) -> str | None:
    if isinstance(store, PostgresStore):
        row = store._row("SELECT value FROM store_meta WHERE key = 'secret'")
        return str(row[0]).strip() if row else None
    path = store.root / SECRET_FILE
    return path.read_text(encoding="ascii").strip() if path.exists() else None


def _set_secret(store: TinyDBStore | PostgresStore, value: str) -> None:
    if isinstance(store, PostgresStore):
        store._run(
            "INSERT INTO store_meta (key, value) VALUES ('secret', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (value,),
        )
        store._secret = None
        return
    path = store.root / SECRET_FILE
    with locked(path):
        replace_bytes(path, value.encode("ascii"), mode=0o600)
    store._secret = None


# --- the copy --------------------------------------------------------------------------------------


@dataclass
class OutboxReport:
    copied: int  # learning records (statements) waiting to be sent, now also waiting in the target
    already: int  # statements waiting in the source that already waited in the target (an earlier copy)
    set_aside: int  # refused by the LRS in the source: reported there, not copied


def copy_outbox(source: TinyDBStore | PostgresStore, target: TinyDBStore | PostgresStore) -> OutboxReport:
    """Queue the learning records (xAPI statements) still waiting in the source's outbox in the target's
    too, in their order, so the app on the target sends them: the folder's outbox files and the database's
    table are two queues. Each statement once (by its id, which the LRS also keys on); the source is
    left as it was, like its records. Those set aside stay where they are (the LRS refused them)."""
    waiting, queued = open_outbox(source).take(sys.maxsize), open_outbox(target).take(sys.maxsize)
    there = {entry.statement_id for entry in queued}
    new: dict[str, dict[str, Any]] = {}
    for entry in waiting:
        if entry.statement_id not in there:
            new.setdefault(entry.statement_id, entry.statement)
    if new:
        open_outbox(target).enqueue(list(new.values()))
    already = {entry.statement_id for entry in waiting} & there
    return OutboxReport(copied=len(new), already=len(already), set_aside=len(open_outbox(source).set_aside_entries()))


def is_database(address: str) -> bool:
    return address.startswith(("postgresql://", "postgres://")) or "dbname=" in address


def open_source(address: str) -> TinyDBStore | PostgresStore:
    """The store to copy from: a database URL, or a data folder that must exist (of either kind). Nothing
    is written to it (a database without a kind of data is not marked)."""
    if is_database(address):
        return PostgresStore(address, demo=_database_is_demo(address), claim=False)
    folder = Path(address)
    if not folder.is_dir():
        raise TransferError(f"{folder} is not a folder: give an existing Samenspel data folder to copy from")
    return TinyDBStore(folder, demo=(folder / DEMO_MARKER).exists())


def open_target(address: str, demo: bool) -> TinyDBStore | PostgresStore:
    """The store to copy to, of the same kind (real or demo) as the source; it refuses data of the other
    kind. An empty database is marked real or demo by the copy's transaction, so only when it commits."""
    if is_database(address):
        return PostgresStore(address, demo=demo, claim=False)
    folder = Path(address)
    if folder.exists() and not folder.is_dir():
        raise TransferError(f"{folder} is a file: give a data folder (new or existing) to copy to")
    return TinyDBStore(folder, demo=demo)


def _database_is_demo(url: str) -> bool:
    from modules.storage.postgres_store import _database

    try:
        with _database(url).pool.connection() as conn:
            row = conn.execute("SELECT value FROM store_meta WHERE key = 'kind'").fetchone()
    except psycopg.Error as exc:
        raise StoreError(f"cannot read the database {describe_url(url)}: {str(exc).strip()}") from None
    return bool(row and row[0] == "demo")


def describe_url(url: str) -> str:
    from modules.storage.postgres_store import describe as where

    return where(url)


def describe(store: TinyDBStore | PostgresStore) -> str:
    return f"{store.where} (PostgreSQL)" if isinstance(store, PostgresStore) else f"{store.root} (TinyDB)"


def copy(source: TinyDBStore | PostgresStore, target: TinyDBStore | PostgresStore, overwrite: bool = False) -> Report:
    """Copy every record of ``source`` that ``target`` lacks (with ``overwrite`` also those it holds
    differently) into ``target``, then read the target back and compare what was written or found equal.

    Into PostgreSQL all of it, the read-back included, is one transaction: a failed check rolls it back."""
    records = read(source)
    key = _secret_of(source)
    if not isinstance(target, PostgresStore):
        return _copy_into(source, target, records, key, overwrite)
    with target._transaction() as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one moment, own writes included
        report = _copy_into(source, target, records, key, overwrite)
        conn.execute(
            "INSERT INTO store_meta (key, value) VALUES ('kind', %s) ON CONFLICT (key) DO NOTHING",
            ("demo" if target.demo else "real",),
        )
    target._secret = None
    return report


def _copy_into(
    source: TinyDBStore | PostgresStore,
    target: TinyDBStore | PostgresStore,
    records: Records,
    key: str | None,
    overwrite: bool,
) -> Report:
    present = read(target)
    target_key = _secret_of(target)
    if key and target_key and key != target_key:
        if any(present.values()) and any(
            identity not in records.get(kind, {}) for kind, docs in present.items() for identity in docs
        ):
            raise TransferError(
                f"{describe(target)} holds records of its own and another signing key than {describe(source)}: "
                "copying would end its sign-ins and make its hashes unreadable; copy into an empty target"
            )
    plan = write(target, records, present, overwrite)
    if key and key != target_key:
        _set_secret(target, key)
    back = read(target)
    for kind, docs in records.items():
        for identity, doc in docs.items():
            if identity in plan.kept[kind]:
                if identity not in back.get(kind, {}):
                    raise TransferError(
                        f"verification failed: {_name(kind, identity, doc)} is no longer in {describe(target)}"
                    )
                continue
            if back.get(kind, {}).get(identity) != doc:
                raise TransferError(
                    f"verification failed: {_name(kind, identity, doc)} does not read back from "
                    f"{describe(target)} as it is in {describe(source)}"
                )
    extra = {kind: len(set(back.get(kind, {})) - set(docs)) for kind, docs in records.items()}
    return Report(
        counts={kind: len(records.get(kind, {})) for kind in RECORD_KINDS},
        written={kind: len(plan.written[kind]) for kind in RECORD_KINDS},
        extra={k: v for k, v in extra.items() if v},
        kept={kind: len(ids) for kind, ids in plan.kept.items() if ids},
    )
