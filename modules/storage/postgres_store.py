"""The PostgreSQL implementation of the ``Store`` protocol (psycopg 3, a connection pool per database).

Chosen with ``SAMENSPEL_DATABASE_URL`` (see ``open_store``), for several app servers behind a
proxy. Each record is a row: the record as JSONB (``doc``, exactly what the TinyDB store writes)
plus the columns it is looked up by; the tables are in ``modules/storage/migrations/`` and
``RECORD_TABLES`` names the table of every kind. The semantics are TinyDB's, proven by the same
contract tests: the same errors, the same limits checked before every write, the same order of
results. What files and locks give TinyDB, transactions give here:

- every change that reads before it writes runs in one transaction; a killed process leaves no
  half-written record (PostgreSQL rolls its transaction back);
- a team session is changed only under ``SELECT ... FOR UPDATE`` (``update_team_session``), and a
  vote's row goes in, in one statement holding its session ``FOR SHARE``, only while the session is
  still the version the voting rules were checked on (``save_vote``): votes never wait for each
  other, a change of the session waits for the votes under way, and a vote after it is checked again
  on the changed session (so a vote racing the reveal is counted or refused, never lost);
- failure counters, a user's sign-ins and a scenario's versions are changed under an advisory lock
  of their key, for the read-modify-writes that have no row to lock yet.

Store calls made while a transaction of the same thread is open (the voting rules read the
account) use that transaction's connection, so a busy pool cannot deadlock on them.

``root`` is still the data folder, for files that are not records (the demo's folder lives in it,
start-up tidies it); no record is kept there. ``demo``: ``store_meta`` remembers whether the
database holds demo or real data, and a store refuses a database of the other kind, as TinyDB
refuses a folder. The signing key (``secret``) lives in ``store_meta`` too, so every app server
signs cookies and keys hashes with the same key.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import secrets
import select
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, LiteralString, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

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
from modules.storage import common, schema
from modules.storage.common import (
    check_id,
    check_limits,
    check_scenario_id,
    expired,
    normalise_nickname,
    stored,
    validate_nickname,
    with_votes,
)
from modules.storage.errors import (
    CorruptDataError,
    DataFolderError,
    DuplicateError,
    NotFoundError,
    StoreError,
)
from modules.storage.files import json_text
from modules.storage.protocol import Store

Model = TypeVar("Model", bound=Record)
POOL_MAX = 20  # connections per app process; a Streamlit process serves every browser tab from threads
CONNECT_TIMEOUT = 10  # seconds
IDLE_CHECK = 5.0  # seconds: a pooled connection idle longer than this is checked with a round trip before use


def describe(url: str) -> str:
    """The database a URL names, for messages: host, port and name, never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable SAMENSPEL_DATABASE_URL)"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{host}{port}/{parts.get('dbname') or ''}"


@dataclass
class _Seen:
    """A version of a team session as this process last read it: ``xmin`` and the row's document, and
    the record validated from it once a vote needed it (``save_vote``; never handed to anyone else)."""

    version: str
    doc: Any
    record: TeamSession | None = None


@dataclass
class _Ballot:
    """A checked vote waiting for its turn: written in a statement with the votes that came meanwhile."""

    session_id: str
    step: int
    participant_id: str
    doc: dict[str, Any]  # the vote's record
    version: str  # the session's version its voting rules were checked on
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to write the next statement, not because its vote was written
    written: bool = False
    error: BaseException | None = None
    row: str = field(init=False)

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.session_id, self.step, self.participant_id)

    def __post_init__(self) -> None:
        # The vote as one element of the statement's JSON array (see ``_VOTES``), made in the voter's
        # thread: the thread that writes a statement of a hundred votes only joins their rows.
        self.row = json_text(
            {
                "session_id": self.session_id,
                "step": self.step,
                "participant_id": self.participant_id,
                "doc": self.doc,
                "version": self.version,
            }
        )


SEEN_MAX = 1000  # team sessions whose last-read version a process keeps for the voting rules


@dataclass
class _Database:
    """What every store on one database shares in this process: the pool, and each thread's open transaction."""

    pool: ConnectionPool
    local: threading.local = field(default_factory=threading.local)
    seen: dict[str, _Seen] = field(default_factory=dict)  # team session id -> the version last read here
    seen_guard: threading.Lock = field(default_factory=threading.Lock)
    ballots: list[_Ballot] = field(default_factory=list)  # votes checked and waiting to be written
    ballots_guard: threading.Lock = field(default_factory=threading.Lock)
    writing: bool = False  # a thread is writing votes (the others' wait for it)
    # Read once per process, not once per store object (the cookie route opens a store per request):
    secret: bytes | None = None  # the signing key
    kinds: set[str] = field(default_factory=set)  # the kind ("real", "demo") this database was checked to hold

    def forget(self) -> None:
        """The database was changed behind this process's back (a copy replaced the key; a test emptied it)."""
        self.secret = None
        self.kinds.clear()


_DATABASES: dict[str, _Database] = {}
_DATABASES_GUARD = threading.Lock()


def _database(url: str) -> _Database:
    """The pool of this database, made once per process; the schema is brought up to date first."""
    with _DATABASES_GUARD:
        found = _DATABASES.get(url)
        if found is not None and not found.pool.closed:
            return found
        where = describe(url)
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
                schema.apply(conn, where)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to the database {where}: {str(exc).strip()}") from None
        pool: ConnectionPool[psycopg.Connection] = ConnectionPool(
            url,
            connection_class=psycopg.Connection,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            check=_check_pooled,  # a connection the server dropped (a restart) is replaced, see there
            open=True,
            name=f"samenspel {where}",
        )
        found = _DATABASES[url] = _Database(pool)
        return found


_TAKEN = "_samenspel_taken"  # the attribute of a pooled connection: when the pool last handed it out


def _check_pooled(conn: psycopg.Connection) -> None:
    """The pool's check before it hands out a connection: no round trip for one in use moments ago.

    A connection the server dropped (a restart, an administrator's ``pg_terminate_backend``) is found
    without asking the server: the server's last words (an error message, then the end of the stream)
    make the idle socket readable, and ``select`` with no timeout sees that (microseconds, no round
    trip). A readable socket, or a connection not handed out for ``IDLE_CHECK`` (a peer that may have
    vanished without a word), gets the real check, an empty query; when that fails the pool replaces
    the connection before any store call uses it. (``ConnectionPool.check_connection`` on every
    checkout cost each store call a round trip: a fifth of a vote's. The pool's ``reset`` hook could
    note when a connection comes back, but with one the pool returns every connection through its
    worker thread, which costs a vote more than the round trip did.)"""
    now = time.monotonic()
    idle = now - getattr(conn, _TAKEN, 0.0)
    setattr(conn, _TAKEN, now)
    if conn.closed or idle > IDLE_CHECK or select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


def close_pools() -> None:
    """Close every pool of this process (at exit; tests that stop their cluster)."""
    with _DATABASES_GUARD:
        for database in _DATABASES.values():
            database.pool.close()
        _DATABASES.clear()


atexit.register(close_pools)


def _where(table: str, key: str) -> Path:
    return Path("postgresql") / table / key


def _record(model: type[Model], doc: Any, table: str, key: str) -> Model:
    if not isinstance(doc, dict):
        raise CorruptDataError(_where(table, key), "not a JSON object", what="row")
    try:
        return common.validated(model, doc, _where(table, key))
    except CorruptDataError as exc:
        raise CorruptDataError(exc.path, exc.reason, what="row") from None


def _json(record: Record) -> Jsonb:
    return Jsonb(stored(record), dumps=json_text)


class PostgresStore:
    """Records in a PostgreSQL database; ``url`` as libpq takes it (``postgresql://user@host:port/name``)."""

    def __init__(self, url: str, *, root: str | Path | None = None, demo: bool = False, claim: bool = True):
        self.url = url
        self.where = describe(url)
        self.root = Path(root) if root is not None else settings.data_root()
        self.demo = demo
        self._db = _database(url)
        self._check_kind(claim)

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r}, demo={self.demo})"

    # -- connections and transactions --
    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """This thread's open transaction's connection, else one from the pool."""
        local = self._db.local
        current: psycopg.Connection | None = getattr(local, "conn", None)
        if current is not None:
            yield current
            return
        try:
            with self._db.pool.connection() as conn:
                local.conn = conn
                try:
                    yield conn
                finally:
                    local.conn = None
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            # The server went away or restarted, the pool found no connection in time (PoolTimeout), a
            # deadlock or serialization failure was rolled back: the protocol's StoreError, naming the
            # database (never the password); the pool replaces a broken connection for the next call.
            raise StoreError(f"the database {self.where} failed: {_first_line(exc)}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """A transaction (a savepoint when this thread is in one already): all of it, or none of it."""
        with self._connection() as conn, conn.transaction():
            yield conn

    def _rows(self, query: LiteralString, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return conn.execute(query, params).fetchall()

    def _row(self, query: LiteralString, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._connection() as conn:
            return conn.execute(query, params).fetchone()

    def _run(self, query: LiteralString, params: Sequence[Any] = ()) -> int:
        with self._connection() as conn:
            return conn.execute(query, params).rowcount

    @staticmethod
    def _lock(conn: psycopg.Connection, key: str) -> None:
        """An advisory lock on ``key`` until the transaction ends."""
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))

    def _check_kind(self, claim: bool = True) -> None:
        """Refuse a database of the other kind; an unmarked one is marked with this kind, unless ``claim``
        is false (the migrate command: a source is only read, a target is marked when the copy commits)."""
        kind = "demo" if self.demo else "real"
        if claim and kind in self._db.kinds:  # checked (and marked) by a store of this process already
            return
        with self._transaction() as conn:
            self._lock(conn, "store_meta:kind")
            row = conn.execute("SELECT value FROM store_meta WHERE key = 'kind'").fetchone()
            if row is not None and row[0] != kind:
                if row[0] == "demo":
                    raise DataFolderError(f"{self.where} holds demo data; refusing to use it for a real deployment")
                raise DataFolderError(f"{self.where} holds real data; refusing to use it for the demo")
            if row is None:
                if self.demo and conn.execute(
                    "SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM profiles)"
                    " OR EXISTS (SELECT 1 FROM connections) OR EXISTS (SELECT 1 FROM team_sessions)"
                ).fetchone() == (True,):
                    raise DataFolderError(f"{self.where} holds real data; refusing to use it for the demo")
                if claim:
                    conn.execute("INSERT INTO store_meta (key, value) VALUES ('kind', %s)", (kind,))
            if row is not None or claim:
                self._db.kinds.add(kind)

    # -- the key of this database --
    @property
    def _secret(self) -> bytes | None:
        return self._db.secret

    @_secret.setter
    def _secret(self, value: bytes | None) -> None:
        self._db.secret = value

    def secret(self) -> bytes:
        """This database's signing key for cookies (created once, shared by every app server)."""
        if self._secret is not None:
            return self._secret
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO store_meta (key, value) VALUES ('secret', %s) ON CONFLICT (key) DO NOTHING",
                (secrets.token_hex(32),),
            )
            row = conn.execute("SELECT value FROM store_meta WHERE key = 'secret'").fetchone()
        try:
            self._secret = bytes.fromhex(str(row[0] if row else "").strip())
        except ValueError as exc:
            raise CorruptDataError(_where("store_meta", "secret"), "not a hex key", what="row") from exc
        if not self._secret:
            raise CorruptDataError(_where("store_meta", "secret"), "an empty key", what="row")
        return self._secret

    def pseudonym(self, value: str) -> str:
        """A fixed-size keyed hash (HMAC-SHA256 with this database's key) of something a user typed or is."""
        return hmac.new(self.secret(), value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    # -- legacy nickname profiles (before accounts) --
    def profile_for(self, nickname: str, create: bool = True) -> Profile | None:
        """The nickname profile (case and spacing ignored); only kept to migrate old data and for tests."""
        cleaned = validate_nickname(nickname)
        key = normalise_nickname(cleaned)
        if create:
            profile = Profile(nickname=cleaned)
            self._run(
                "INSERT INTO profiles (id, key, doc) VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING",
                (profile.id, key, _json(profile)),
            )
        row = self._row("SELECT id, doc FROM profiles WHERE key = %s", (key,))
        return _record(Profile, row[1], "profiles", row[0]) if row else None

    def list_profiles(self) -> list[Profile]:
        return [_record(Profile, d, "profiles", i) for i, d in self._rows("SELECT id, doc FROM profiles ORDER BY seq")]

    def drop_legacy_throttle(self) -> bool:
        """Nothing to drop: the throttle inside accounts.json is older than this store."""
        return False

    # -- accounts --
    def _account(self, user_id: str, doc: Any) -> Account:
        return _record(Account, doc, "accounts", user_id)

    def get_account(self, user_id: str) -> Account | None:
        row = self._row("SELECT doc FROM accounts WHERE id = %s", (user_id,))
        return self._account(user_id, row[0]) if row else None

    def find_account(
        self, *, username: str | None = None, invite_code: str | None = None, oidc_subject: str | None = None
    ) -> Account | None:
        if username is None and invite_code is None and oidc_subject is None:
            return None
        key = normalise_nickname(username) if username is not None else None
        row = self._row(
            "SELECT id, doc FROM accounts WHERE key = %s OR invite_code = %s OR oidc_subject = %s ORDER BY seq LIMIT 1",
            (key, invite_code, oidc_subject),
        )
        return self._account(row[0], row[1]) if row else None

    def list_accounts(self) -> list[Account]:
        found = [self._account(i, d) for i, d in self._rows("SELECT id, doc FROM accounts ORDER BY seq")]
        return sorted(found, key=lambda a: a.username.lower())

    @staticmethod
    def _account_row(account: Account) -> tuple[Any, ...]:
        return (
            account.id,
            normalise_nickname(account.username),
            account.invite_code,
            account.oidc_subject,
            _json(account),
        )

    def create_account(self, account: Account) -> Account:
        """Insert a new account; raises ``DuplicateError`` when the username is taken.

        In a demo store every account is a demo account."""
        if account.demo != self.demo:
            account = account.model_copy(update={"demo": self.demo})
        check_limits(account)
        try:
            with self._transaction() as conn:
                conn.execute(
                    "INSERT INTO accounts (id, key, invite_code, oidc_subject, doc) VALUES (%s, %s, %s, %s, %s)",
                    self._account_row(account),
                )
        except pg_errors.UniqueViolation as exc:
            raise _account_clash(exc, account) from None
        return account

    def create_accounts(self, accounts: list[Account]) -> list[Account]:
        """Insert many accounts in one transaction (a migration); one whose id or username exists is left out."""
        created: list[Account] = []
        with self._transaction() as conn:
            self._lock(conn, "accounts")
            for account in accounts:
                if account.demo != self.demo:
                    account = account.model_copy(update={"demo": self.demo})
                check_limits(account)
                inserted = conn.execute(
                    "INSERT INTO accounts (id, key, invite_code, oidc_subject, doc) VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    self._account_row(account),
                ).rowcount
                if inserted:
                    created.append(account)
        return created

    def save_account(self, account: Account) -> Account:
        check_limits(account)
        try:
            with self._transaction() as conn:
                changed = conn.execute(
                    "UPDATE accounts SET key = %s, invite_code = %s, oidc_subject = %s, doc = %s WHERE id = %s",
                    (*self._account_row(account)[1:], account.id),
                ).rowcount
        except pg_errors.UniqueViolation as exc:
            raise _account_clash(exc, account) from None
        if not changed:
            raise NotFoundError(f"account {account.id} not found")
        return account

    def update_account(self, user_id: str, change: Callable[[Account], Account]) -> Account:
        """Apply ``change`` to the account in a transaction that holds its row (``FOR UPDATE``): a change
        made meanwhile by someone else is seen, never undone. When ``change`` raises, nothing changes."""
        with self._transaction() as conn:
            row = conn.execute("SELECT doc FROM accounts WHERE id = %s FOR UPDATE", (user_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"account {user_id} not found")
            new = change(self._account(user_id, row[0])).model_copy(update={"id": user_id})
            check_limits(new)
            try:
                conn.execute(
                    "UPDATE accounts SET key = %s, invite_code = %s, oidc_subject = %s, doc = %s WHERE id = %s",
                    (*self._account_row(new)[1:], user_id),
                )
            except pg_errors.UniqueViolation as exc:
                raise _account_clash(exc, new) from None
        return new

    def delete_account(self, user_id: str) -> None:
        """Remove the account and everything stored under its id, in one transaction: its attempts,
        drafts, reflections with their comments and read markers, links, shares, sign-ins and failure counter."""
        check_id(user_id, "user id")
        with self._transaction() as conn:
            row = conn.execute("SELECT doc FROM accounts WHERE id = %s", (user_id,)).fetchone()
            conn.execute("DELETE FROM accounts WHERE id = %s", (user_id,))
            if row is not None:
                account = self._account(user_id, row[0])
                signin = self.pseudonym(f"signin:{normalise_nickname(account.username)}")
                conn.execute("DELETE FROM throttle WHERE key = %s", (signin,))
            conn.execute("DELETE FROM logins WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM tickets WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM connections WHERE teacher_id = %s OR coach_id = %s", (user_id, user_id))
            conn.execute("DELETE FROM shares WHERE teacher_id = %s OR coach_id = %s", (user_id, user_id))
            conn.execute("DELETE FROM profiles WHERE id = %s", (user_id,))
            conn.execute("DELETE FROM attempts WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM drafts WHERE owner_id = %s", (user_id,))
            conn.execute("DELETE FROM reflections WHERE user_id = %s", (user_id,))
            conn.execute("DELETE FROM comments WHERE owner_id = %s", (user_id,))
            conn.execute("DELETE FROM read_markers WHERE user_id = %s", (user_id,))
            conn.execute(  # published versions stay, without the name
                "UPDATE scenario_versions SET published_by = NULL, doc = jsonb_set(doc, '{published_by}', 'null')"
                " WHERE published_by = %s",
                (user_id,),
            )

    # -- failure counters, keyed by a keyed hash of what was typed (existing or not) --
    def get_throttle(self, key: str, at: datetime | None = None) -> ThrottleEntry:
        """The counter of ``key`` as of ``at`` (default now); a fresh one when there is none or it expired."""
        hashed = self.pseudonym(key)
        row = self._row("SELECT doc FROM throttle WHERE key = %s", (hashed,))
        if row is None or expired(row[0], at or now()):
            return ThrottleEntry(key=hashed)
        return _record(ThrottleEntry, row[0], "throttle", hashed)

    def update_throttle(
        self, key: str, change: Callable[[ThrottleEntry], ThrottleEntry], at: datetime | None = None
    ) -> ThrottleEntry:
        """Atomic read-modify-write of one counter; expired counters go on every write, and the table
        never holds more than ``THROTTLE_MAX`` (unlocked counters with the fewest failures go first).

        The counter's own row is written first; the clean-up after it deletes only rows no other
        transaction holds (``SKIP LOCKED``) and so never waits: two processes whose clean-ups overlap
        in a different order cannot deadlock. A row skipped now goes on a later write."""
        hashed, at = self.pseudonym(key), at or now()
        with self._transaction() as conn:
            self._lock(conn, f"throttle:{hashed}")
            row = conn.execute("SELECT doc FROM throttle WHERE key = %s", (hashed,)).fetchone()
            live = row is not None and not expired(row[0], at)
            current = _record(ThrottleEntry, row[0], "throttle", hashed) if row and live else ThrottleEntry(key=hashed)
            new = change(current).model_copy(update={"key": hashed})
            conn.execute(
                "INSERT INTO throttle (key, expires_at, doc) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, doc = excluded.doc",
                (hashed, new.expires_at, _json(new)),
            )
            conn.execute(
                "DELETE FROM throttle WHERE key IN"
                " (SELECT key FROM throttle WHERE expires_at <= %s AND key <> %s FOR UPDATE SKIP LOCKED)",
                (at, hashed),
            )
            count = conn.execute("SELECT count(*) FROM throttle").fetchone()
            total = int(count[0]) if count else 0
            if total > common.THROTTLE_MAX:
                docs = [d for (d,) in conn.execute("SELECT doc FROM throttle ORDER BY seq").fetchall()]
                docs.sort(key=lambda d: common.throttle_drop_order(d, at))
                drop = [d["key"] for d in docs[: total - common.THROTTLE_MAX] if d["key"] != hashed]
                conn.execute(
                    "DELETE FROM throttle WHERE key IN"
                    " (SELECT key FROM throttle WHERE key = ANY(%s) FOR UPDATE SKIP LOCKED)",
                    (drop,),
                )
        return new

    def clear_throttle(self, key: str) -> None:
        self._run("DELETE FROM throttle WHERE key = %s", (self.pseudonym(key),))

    # -- sign-ins (a hash of the browser's token, never the token) and cookie tickets --
    def add_login(self, login: Login) -> None:
        """Store a sign-in; expired ones are dropped, and a user keeps at most ``LOGINS_PER_USER``."""
        at = now()
        with self._transaction() as conn:
            self._lock(conn, f"logins:{login.user_id}")
            conn.execute("DELETE FROM logins WHERE expires_at <= %s", (at,))
            mine = conn.execute(
                "SELECT id FROM logins WHERE user_id = %s ORDER BY created_at, seq", (login.user_id,)
            ).fetchall()
            if len(mine) >= common.LOGINS_PER_USER:
                drop = [i for (i,) in mine[: len(mine) - common.LOGINS_PER_USER + 1]]
                conn.execute("DELETE FROM logins WHERE id = ANY(%s)", (drop,))
            conn.execute(
                "INSERT INTO logins (id, user_id, created_at, expires_at, doc) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at,"
                " expires_at = excluded.expires_at, doc = excluded.doc",
                (login.id, login.user_id, login.created_at, login.expires_at, _json(login)),
            )

    def logins_of(self, user_id: str) -> list[Login]:
        rows = self._rows("SELECT id, doc FROM logins WHERE user_id = %s ORDER BY seq", (user_id,))
        return sorted((_record(Login, d, "logins", i) for i, d in rows), key=lambda login: login.created_at)

    def get_login(self, login_id: str) -> Login | None:
        row = self._row("SELECT doc FROM logins WHERE id = %s", (login_id,))
        return _record(Login, row[0], "logins", login_id) if row else None

    def delete_logins(self, *, user_id: str | None = None, login_id: str | None = None, keep: str | None = None) -> int:
        """End sign-ins: one (``login_id``) or all of a user (``user_id``), except ``keep``."""
        if user_id is None and login_id is None:
            return 0
        with self._transaction() as conn:
            removed = conn.execute(
                "DELETE FROM logins WHERE (%s::text IS NULL OR id <> %s) AND (%s::text IS NULL OR id = %s)"
                " AND (%s::text IS NULL OR user_id = %s)",
                (keep, keep, login_id, login_id, user_id, user_id),
            ).rowcount
            if user_id is not None:
                conn.execute("DELETE FROM tickets WHERE user_id = %s", (user_id,))
        return removed

    def add_ticket(self, ticket: Ticket) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM tickets WHERE expires_at <= %s", (now(),))
            conn.execute(
                "INSERT INTO tickets (id, user_id, expires_at, doc) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at,"
                " doc = excluded.doc",
                (ticket.id, ticket.user_id, ticket.expires_at, _json(ticket)),
            )

    def take_ticket(self, ticket_id: str) -> Ticket | None:
        """Redeem a ticket once: it is removed whether or not it is still valid."""
        row = self._row("DELETE FROM tickets WHERE id = %s RETURNING doc", (ticket_id,))
        if row is None or expired(row[0], now()):
            return None
        return _record(Ticket, row[0], "tickets", ticket_id)

    # -- connections and shares --
    def connect(self, teacher_id: str, coach_id: str) -> Connection:
        connection = Connection(teacher_id=teacher_id, coach_id=coach_id)
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO connections (teacher_id, coach_id, doc) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (teacher_id, coach_id, _json(connection)),
            )
            row = conn.execute(
                "SELECT doc FROM connections WHERE teacher_id = %s AND coach_id = %s", (teacher_id, coach_id)
            ).fetchone()
        return _record(Connection, row[0], "connections", f"{teacher_id}-{coach_id}") if row else connection

    def disconnect(self, teacher_id: str, coach_id: str) -> None:
        """End the connection and withdraw every reflection shared with that coach."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM connections WHERE teacher_id = %s AND coach_id = %s", (teacher_id, coach_id))
            conn.execute("DELETE FROM shares WHERE teacher_id = %s AND coach_id = %s", (teacher_id, coach_id))

    def connections(self, *, teacher_id: str | None = None, coach_id: str | None = None) -> list[Connection]:
        rows = self._rows(
            "SELECT teacher_id, coach_id, doc FROM connections WHERE (%s::text IS NULL OR teacher_id = %s)"
            " AND (%s::text IS NULL OR coach_id = %s) ORDER BY seq",
            (teacher_id, teacher_id, coach_id, coach_id),
        )
        return [_record(Connection, d, "connections", f"{t}-{c}") for t, c, d in rows]

    def share(self, share: Share) -> Share:
        self._run(
            "INSERT INTO shares (reflection_id, coach_id, teacher_id, doc) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (share.reflection_id, share.coach_id, share.teacher_id, _json(share)),
        )
        return share

    def unshare(self, reflection_id: str, coach_id: str) -> None:
        self._run("DELETE FROM shares WHERE reflection_id = %s AND coach_id = %s", (reflection_id, coach_id))

    def shares(
        self, *, teacher_id: str | None = None, coach_id: str | None = None, reflection_id: str | None = None
    ) -> list[Share]:
        rows = self._rows(
            "SELECT reflection_id, coach_id, doc FROM shares WHERE (%s::text IS NULL OR teacher_id = %s)"
            " AND (%s::text IS NULL OR coach_id = %s) AND (%s::text IS NULL OR reflection_id = %s) ORDER BY seq",
            (teacher_id, teacher_id, coach_id, coach_id, reflection_id, reflection_id),
        )
        return [_record(Share, d, "shares", f"{r}-{c}") for r, c, d in rows]

    # -- attempts, one row each --
    def _write_attempt(self, attempt: Attempt) -> None:
        check_id(attempt.user_id, "user id")
        self._run(
            "INSERT INTO attempts (user_id, id, scenario_id, doc) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (user_id, id) DO UPDATE SET scenario_id = excluded.scenario_id, doc = excluded.doc",
            (attempt.user_id, attempt.id, attempt.scenario_id, _json(attempt)),
        )

    def create_attempt(self, attempt: Attempt) -> Attempt:
        check_limits(attempt)
        self._write_attempt(attempt)
        return attempt

    def save_attempt(self, attempt: Attempt) -> Attempt:
        """Save the attempt's current state (called after every choice): one row is rewritten."""
        check_limits(attempt)
        updated = attempt.model_copy(update={"updated_at": now()})
        if updated.finished and not updated.finished_at:
            updated = updated.model_copy(update={"finished_at": updated.updated_at})
        self._write_attempt(updated)
        return updated

    def get_attempt(self, user_id: str, attempt_id: str) -> Attempt | None:
        check_id(user_id, "user id")
        row = self._row("SELECT doc FROM attempts WHERE user_id = %s AND id = %s", (user_id, attempt_id))
        return _record(Attempt, row[0], "attempts", attempt_id) if row else None

    def list_attempts(self, user_id: str, scenario_id: str | None = None) -> list[Attempt]:
        check_id(user_id, "user id")
        rows = self._rows(
            "SELECT id, doc FROM attempts WHERE user_id = %s AND (%s::text IS NULL OR scenario_id = %s) ORDER BY id",
            (user_id, scenario_id, scenario_id),
        )
        return sorted((_record(Attempt, d, "attempts", i) for i, d in rows), key=lambda a: a.updated_at, reverse=True)

    def scenario_attempts(self, scenario_id: str) -> Iterator[Attempt]:
        """Every user's play-throughs of one scenario, in no particular order (for figures without names)."""
        rows = self._rows("SELECT id, doc FROM attempts WHERE scenario_id = %s ORDER BY user_id, id", (scenario_id,))
        for attempt_id, doc in rows:
            yield _record(Attempt, doc, "attempts", attempt_id)

    # -- drafts, private to their author --
    def save_draft(self, draft: Draft) -> Draft:
        check_limits(draft)
        check_id(draft.owner_id, "user id")
        check_id(draft.id, "draft id")
        self._run(
            "INSERT INTO drafts (owner_id, id, doc) VALUES (%s, %s, %s)"
            " ON CONFLICT (owner_id, id) DO UPDATE SET doc = excluded.doc",
            (draft.owner_id, draft.id, _json(draft)),
        )
        return draft

    def get_draft(self, owner_id: str, draft_id: str) -> Draft | None:
        check_id(owner_id, "user id")
        check_id(draft_id, "draft id")
        row = self._row("SELECT doc FROM drafts WHERE owner_id = %s AND id = %s", (owner_id, draft_id))
        return _record(Draft, row[0], "drafts", draft_id) if row else None

    def list_drafts(self, owner_id: str | None = None) -> list[Draft]:
        """One author's drafts, or with ``None`` every author's (newest first)."""
        if owner_id is not None:
            check_id(owner_id, "user id")
        rows = self._rows(
            "SELECT id, doc FROM drafts WHERE %s::text IS NULL OR owner_id = %s ORDER BY owner_id, id",
            (owner_id, owner_id),
        )
        return sorted((_record(Draft, d, "drafts", i) for i, d in rows), key=lambda d: d.updated_at, reverse=True)

    def delete_draft(self, owner_id: str, draft_id: str) -> None:
        check_id(owner_id, "user id")
        check_id(draft_id, "draft id")
        self._run("DELETE FROM drafts WHERE owner_id = %s AND id = %s", (owner_id, draft_id))

    # -- published versions of scenario files --
    def add_version(self, version: ScenarioVersion) -> ScenarioVersion:
        """Keep a published version; its number must be the next one, 0 or 1 for the first (else
        ``DuplicateError``: someone else published in between)."""
        check_scenario_id(version.scenario_id)
        check_limits(version)
        with self._transaction() as conn:
            self._lock(conn, f"versions:{version.scenario_id}")
            row = conn.execute(
                "SELECT max(number) FROM scenario_versions WHERE scenario_id = %s", (version.scenario_id,)
            ).fetchone()
            last = row[0] if row else None
            if version.number not in ({last + 1} if last is not None else {0, 1}):
                raise DuplicateError(f"version {version.number} of {version.scenario_id} is not the next one")
            conn.execute(
                "INSERT INTO scenario_versions (scenario_id, number, published_by, doc) VALUES (%s, %s, %s, %s)",
                (version.scenario_id, version.number, version.published_by, _json(version)),
            )
        return version

    def list_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Every kept version of one scenario, oldest first."""
        check_scenario_id(scenario_id)
        rows = self._rows(
            "SELECT number, doc FROM scenario_versions WHERE scenario_id = %s ORDER BY number", (scenario_id,)
        )
        return [_record(ScenarioVersion, d, "scenario_versions", f"{scenario_id}-{n}") for n, d in rows]

    def versioned_scenarios(self) -> list[str]:
        """The ids of the scenarios with published versions."""
        return [s for (s,) in self._rows("SELECT DISTINCT scenario_id FROM scenario_versions ORDER BY scenario_id")]

    # -- reflections, the comments on them, read markers --
    def add_reflection(self, reflection: Reflection) -> Reflection:
        check_limits(reflection)
        check_id(reflection.user_id, "user id")
        try:
            with self._transaction() as conn:
                conn.execute(
                    "INSERT INTO reflections (user_id, id, doc) VALUES (%s, %s, %s)",
                    (reflection.user_id, reflection.id, _json(reflection)),
                )
        except pg_errors.UniqueViolation:
            raise DuplicateError(f"reflection {reflection.id} exists") from None
        return reflection

    def list_reflections(self, user_id: str) -> list[Reflection]:
        check_id(user_id, "user id")
        rows = self._rows("SELECT id, doc FROM reflections WHERE user_id = %s ORDER BY seq", (user_id,))
        found = [_record(Reflection, d, "reflections", i) for i, d in rows]
        return sorted(found, key=lambda r: r.created_at, reverse=True)

    def get_reflection(self, user_id: str, reflection_id: str) -> Reflection | None:
        check_id(user_id, "user id")
        row = self._row("SELECT doc FROM reflections WHERE user_id = %s AND id = %s", (user_id, reflection_id))
        return _record(Reflection, row[0], "reflections", reflection_id) if row else None

    def add_comment(self, comment: Comment) -> Comment:
        check_limits(comment)
        check_id(comment.owner_id, "user id")
        try:
            with self._transaction() as conn:
                conn.execute(
                    "INSERT INTO comments (owner_id, id, reflection_id, author_id, doc) VALUES (%s, %s, %s, %s, %s)",
                    (comment.owner_id, comment.id, comment.reflection_id, comment.author_id, _json(comment)),
                )
        except pg_errors.UniqueViolation:
            raise DuplicateError(f"comment {comment.id} exists") from None
        return comment

    def list_comments(self, owner_id: str, reflection_id: str | None = None) -> list[Comment]:
        check_id(owner_id, "user id")
        rows = self._rows(
            "SELECT id, doc FROM comments WHERE owner_id = %s AND (%s::text IS NULL OR reflection_id = %s)"
            " ORDER BY seq",
            (owner_id, reflection_id, reflection_id),
        )
        found = [_record(Comment, d, "comments", i) for i, d in rows]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def remove_comments_by(self, owner_id: str, author_id: str) -> None:
        check_id(owner_id, "user id")
        self._run("DELETE FROM comments WHERE owner_id = %s AND author_id = %s", (owner_id, author_id))

    def mark_seen(self, user_id: str, reflection_id: str, at: datetime) -> None:
        check_id(user_id, "user id")
        marker = ReadMarker(reflection_id=reflection_id, at=at)
        self._run(
            "INSERT INTO read_markers (user_id, reflection_id, doc) VALUES (%s, %s, %s)"
            " ON CONFLICT (user_id, reflection_id) DO UPDATE SET doc = excluded.doc",
            (user_id, reflection_id, _json(marker)),
        )

    def seen(self, user_id: str) -> dict[str, datetime]:
        """Per reflection: the time up to which this user has read its comments."""
        check_id(user_id, "user id")
        rows = self._rows("SELECT reflection_id, doc FROM read_markers WHERE user_id = %s ORDER BY seq", (user_id,))
        markers = [_record(ReadMarker, d, "read_markers", r) for r, d in rows]
        return {m.reflection_id: m.at for m in markers}

    # -- team sessions: a row each, with its join code; votes on the open decision as rows of their own --
    # One statement reads a session and its live votes, so a reader never sees the votes after the
    # change that took them in has removed them but before it saved the session (or the reverse).
    _SESSION = (
        "SELECT s.id, s.xmin::text, s.doc, coalesce((SELECT jsonb_agg(v.doc ORDER BY v.at, v.seq) FROM team_votes v"
        " WHERE v.session_id = s.id), '[]'::jsonb) FROM team_sessions s"
    )

    def _session(self, row: tuple[Any, ...]) -> TeamSession:
        session_id, version, doc, live = row
        self._remember(session_id, version, doc)
        votes = [_record_vote(v, session_id) for v in live]
        return with_votes(_record(TeamSession, doc, "team_sessions", session_id), votes)

    def create_team_session(self, session: TeamSession) -> TeamSession:
        check_id(session.id, "session id")
        try:
            with self._transaction() as conn:
                conn.execute(
                    "INSERT INTO team_sessions (id, code, facilitator_id, status, created_at, doc)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    (
                        session.id,
                        session.code,
                        session.facilitator_id,
                        session.status,
                        session.created_at,
                        _json(session),
                    ),
                )
        except pg_errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "team_sessions_open_code":
                raise DuplicateError(f"join code {session.code} is in use") from None
            raise DuplicateError(f"team session {session.id} exists") from None
        return session

    # A vote is written by one statement, in autocommit: it inserts its row only while the session is
    # still the version the voting rules were checked on (``xmin``, the id of the transaction that wrote
    # that version: every change of the session writes a new one), and holds the session ``FOR SHARE``
    # until it commits. Under READ COMMITTED that serialises it against ``update_team_session``
    # (which holds the row ``FOR UPDATE`` while it takes the live votes in and deletes their rows):
    # - the vote locks first: the change waits for the vote's commit, then reads its row: counted;
    # - the change locks first: the vote waits, then PostgreSQL re-checks the join on the version the
    #   change committed (EvalPlanQual), whose ``xmin`` differs: no row goes in, and ``save_vote``
    #   reads the session again and runs the rules again: refused (or, when the change left the
    #   decision open, a join, written on the new version);
    # - the change committed before the vote's statement began: its snapshot sees the new version: the same.
    # A vote never lands in rows that a change has already read or deleted, so none is lost.
    # The votes that arrive in one app process while a statement is under way go in the next one
    # together (``_write``: group commit, one round trip and one commit for all of them; a vote alone
    # waits for nothing), at most one per participant and decision, in the order of their keys (two
    # servers' statements take their row locks in the same order: no deadlock).
    # The vote's time is the database's clock when the statement runs, not the app server's: two
    # servers' clocks may differ, and "the latest vote of a participant wins" (the upsert here, and
    # ``with_votes`` against votes a change already took in) must follow the order of arrival.
    _VOTES: LiteralString = (
        "INSERT INTO team_votes AS v (session_id, step, participant_id, at, doc)"
        " SELECT s.id, b.step, b.participant_id, statement_timestamp(), jsonb_set(b.doc, '{at}', to_jsonb(to_char("
        """statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))"""
        " FROM jsonb_to_recordset(%s::text::jsonb) AS b(session_id text, step int, participant_id text, doc jsonb,"
        " version xid)"
        " JOIN team_sessions s ON s.id = b.session_id AND s.xmin = b.version"
        " ORDER BY b.session_id, b.step, b.participant_id FOR SHARE OF s"
        " ON CONFLICT (session_id, step, participant_id) DO UPDATE SET at = excluded.at, doc = excluded.doc"
        " RETURNING v.session_id, v.step, v.participant_id"
    )
    VOTE_TRIES = 3  # unlocked tries before a vote checks and writes under the session's lock

    def save_vote(self, session_id: str, vote: Vote, check: Callable[[TeamSession], None]) -> None:
        """Store a participant's vote on the current decision: a row of its own, no wait for other voters.

        ``check(session)`` sees the session (without the live votes) as it was read, and raises to
        refuse the vote; the vote is written only if the session is still that version when its row
        goes in (see ``_VOTES``), else the session is read and checked again. ``check`` must only read:
        the session it sees is the version this process last read (the participant's page read it to
        show the decision), kept for the next vote; so a vote is usually no more than its share of one
        statement. A refusal counts only on a session just read from the database. After
        ``VOTE_TRIES`` sessions changed under it, a vote reads the session ``FOR SHARE`` in a
        transaction, so it cannot be outrun forever. The vote's ``at`` is the database's time of its arrival."""
        check_id(session_id, "session id")
        check_id(vote.participant_id, "participant id")
        doc = vote.model_dump(mode="json")
        for attempt in range(self.VOTE_TRIES):
            version = self._checked(session_id, check, fresh=attempt > 0)
            if self._write(_Ballot(session_id, vote.step, vote.participant_id, doc, version)):
                return
        with self._transaction():
            version = self._checked(session_id, check, fresh=True, lock=" FOR SHARE")
            self._write(_Ballot(session_id, vote.step, vote.participant_id, doc, version))

    def _write(self, ballot: _Ballot) -> bool:
        """Write a checked vote (with the others waiting in this process); whether it went in."""
        db = self._db
        if getattr(db.local, "conn", None) is not None:  # in this thread's transaction: at once, in it
            return bool(self._write_ballots([ballot]))
        with db.ballots_guard:
            db.ballots.append(ballot)
            if not db.writing:  # no statement under way: this thread writes one now
                db.writing = ballot.lead = True
        while True:
            if not ballot.lead:
                ballot.done.wait()
                ballot.done.clear()
                if not ballot.lead:  # another thread's statement wrote it (or failed)
                    break
            ballot.lead = False
            if any(b is ballot for b in self._write_waiting()):
                break
        if ballot.error is not None:
            raise ballot.error
        return ballot.written

    def _write_waiting(self) -> list[_Ballot]:
        """One statement for the votes waiting (at most one per participant and decision: a later one
        waits for the next statement); wakes their threads, and hands the next statement to the first
        vote still waiting. Returns the votes it wrote."""
        db = self._db
        batch: list[_Ballot] = []
        try:
            with db.ballots_guard:
                keys: set[tuple[str, int, str]] = set()
                rest: list[_Ballot] = []
                for waiting in db.ballots:
                    (rest if waiting.key in keys else batch).append(waiting)
                    keys.add(waiting.key)
                db.ballots = rest
            written = self._write_ballots(batch)
            for waiting in batch:
                waiting.written = waiting.key in written
        except BaseException as exc:  # every vote of the statement fails with it
            for waiting in batch:
                waiting.error = exc
        finally:
            with db.ballots_guard:
                after = db.ballots[0] if db.ballots else None
                if after is not None:
                    after.lead = True
                else:
                    db.writing = False
            for waiting in batch:
                waiting.done.set()
            if after is not None:
                after.done.set()
        return batch

    def _write_ballots(self, batch: list[_Ballot]) -> set[tuple[str, int, str]]:
        """One statement for the votes; returns the keys of those that went in (see ``_VOTES``)."""
        rows = "[" + ",".join(b.row for b in batch) + "]"
        return {(s, n, p) for s, n, p in self._rows(self._VOTES, (rows,))}

    def _checked(
        self, session_id: str, check: Callable[[TeamSession], None], *, fresh: bool, lock: LiteralString = ""
    ) -> str:
        """Run ``check`` on the session without its live votes; returns the version it ran on. Unless
        ``fresh``, on the version last read here, if any (a refusal there is checked again on a fresh read)."""
        seen = None if fresh else self._db.seen.get(session_id)
        if seen is not None:
            try:
                check(self._seen_record(session_id, seen))
                return seen.version
            except Exception:  # noqa: BLE001 - maybe refused for being old: the fresh read decides
                pass
        row = self._row("SELECT xmin::text, doc FROM team_sessions WHERE id = %s" + lock, (session_id,))
        if row is None:
            raise NotFoundError(f"team session {session_id} not found")
        seen = self._remember(session_id, row[0], row[1])
        check(self._seen_record(session_id, seen))
        return seen.version

    def _remember(self, session_id: str, version: str, doc: Any) -> _Seen:
        """Keep the version of a session just read (with its record, when that version is known already)."""
        seen = self._db.seen
        known = seen.get(session_id)
        if known is not None and known.version == version:
            return known
        fresh = seen[session_id] = _Seen(version, doc)
        if len(seen) > SEEN_MAX:
            with self._db.seen_guard:
                for old in list(seen)[: len(seen) - SEEN_MAX]:
                    seen.pop(old, None)
        return fresh

    @staticmethod
    def _seen_record(session_id: str, seen: _Seen) -> TeamSession:
        if seen.record is None:
            seen.record = _record(TeamSession, seen.doc, "team_sessions", session_id)
        return seen.record

    def get_team_session(self, session_id: str) -> TeamSession | None:
        check_id(session_id, "session id")
        row = self._row(self._SESSION + " WHERE s.id = %s", (session_id,))
        return self._session(row) if row else None

    def update_team_session(self, session_id: str, change: Callable[[TeamSession], TeamSession]) -> TeamSession:
        """Apply ``change`` to the session in a transaction that holds its row; returns the new session.

        The live votes are taken into the session by this write and their rows removed (no vote can
        be added meanwhile: a vote holds the row ``FOR SHARE``). When ``change`` raises, nothing changes."""
        check_id(session_id, "session id")
        try:
            return self._update_team_session(session_id, change)
        except pg_errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "team_sessions_open_code":
                raise DuplicateError(
                    f"the join code of team session {session_id} is in use by another open session"
                ) from None
            raise DuplicateError(
                f"team session {session_id} clashes with a stored record ({exc.diag.constraint_name})"
            ) from None

    def _update_team_session(self, session_id: str, change: Callable[[TeamSession], TeamSession]) -> TeamSession:
        with self._transaction() as conn:
            row = conn.execute("SELECT doc FROM team_sessions WHERE id = %s FOR UPDATE", (session_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"team session {session_id} not found")
            live = conn.execute(
                "SELECT doc FROM team_votes WHERE session_id = %s ORDER BY at, seq", (session_id,)
            ).fetchall()
            votes = [_record_vote(v, session_id) for (v,) in live]
            old = with_votes(_record(TeamSession, row[0], "team_sessions", session_id), votes)
            new = change(old.model_copy(deep=True))
            conn.execute(
                "UPDATE team_sessions SET code = %s, facilitator_id = %s, status = %s, created_at = %s, doc = %s"
                " WHERE id = %s",
                (new.code, new.facilitator_id, new.status, new.created_at, _json(new), session_id),
            )
            conn.execute("DELETE FROM team_votes WHERE session_id = %s", (session_id,))
        return new

    def find_team_session(self, code: str) -> TeamSession | None:
        """The session with this join code: an open one first, else the newest that had it."""
        row = self._row(
            self._SESSION + " WHERE s.code = %s ORDER BY s.status = 'open' DESC, s.created_at DESC LIMIT 1", (code,)
        )
        return self._session(row) if row else None

    def list_team_sessions(self, facilitator_id: str | None = None) -> list[TeamSession]:
        rows = self._rows(
            self._SESSION + " WHERE %s::text IS NULL OR s.facilitator_id = %s ORDER BY s.seq",
            (facilitator_id, facilitator_id),
        )
        return sorted((self._session(r) for r in rows), key=lambda s: s.created_at, reverse=True)

    def delete_team_session(self, session_id: str) -> None:
        """Remove a session with its live votes."""
        check_id(session_id, "session id")
        self._run("DELETE FROM team_sessions WHERE id = %s", (session_id,))

    # -- what the migrate command and the tests read: every table's rows, as stored --
    def code_entries(self) -> list[CodeEntry]:
        """The join-code index, as the TinyDB store keeps it (here: columns of the session rows)."""
        rows = self._rows("SELECT code, id, facilitator_id, status, created_at FROM team_sessions ORDER BY seq")
        return [CodeEntry(code=c, session_id=i, facilitator_id=f, status=s, created_at=t) for c, i, f, s, t in rows]

    def tables(self) -> list[str]:
        """Every table of the schema (for the test that each one is a declared kind or internal)."""
        rows = self._rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [t for (t,) in rows]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _account_clash(exc: pg_errors.UniqueViolation, account: Account) -> DuplicateError:
    """What an account's unique violation clashed with, by the index that refused it."""
    match exc.diag.constraint_name:
        case "accounts_key_key":
            return DuplicateError(f"username {account.username!r} is taken")
        case "accounts_oidc_subject_unique":
            return DuplicateError(f"another account has the sign-in subject {account.oidc_subject!r}")
        case "accounts_invite_code_unique":
            return DuplicateError(f"another account has the invite code {account.invite_code!r}")
    return DuplicateError(f"account id {account.id} exists")


def _record_vote(doc: Any, session_id: str) -> Vote:
    try:
        return Vote.model_validate(doc)
    except ValueError:
        raise CorruptDataError(_where("team_votes", session_id), "a vote record does not fit", what="row") from None


def _typed(store: PostgresStore) -> Store:
    return store  # pyright checks every method of PostgresStore against the protocol here
