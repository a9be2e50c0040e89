"""The PostgreSQL store when the database misbehaves or is busy: a restart gives a ``StoreError`` (never
a raw psycopg error) and the next call works; an account's sign-in subject and invite code are unique
(schema 2, on both stores); failure counters evicted by several processes at once lose nothing and
never deadlock; a ticket is taken once.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from datetime import timedelta

import psycopg
import pytest

from modules.records import Account, TeamSession, ThrottleEntry, Ticket, now
from modules.storage import DuplicateError, StoreError, common, schema
from modules.storage.postgres_store import _DATABASES, PostgresStore
from tests.pg_cluster import Cluster, Unavailable
from tests.storage import pg_race_workers


@pytest.fixture
def pg(pg_url, tmp_path):
    return PostgresStore(pg_url, root=tmp_path / "progress")


# --- 3. database errors are StoreErrors -----------------------------------------------------------


@pytest.fixture
def own_cluster():
    """A cluster of this test alone: restarting the session's cluster would cut the other tests' connections."""
    try:
        cluster = Cluster.start()
    except Unavailable as exc:
        pytest.skip(f"no PostgreSQL: {exc}")
    url = cluster.create_database("restarted")
    try:
        yield cluster, url
    finally:
        database = _DATABASES.pop(url, None)
        if database is not None:
            database.pool.close()
        cluster.stop()


def test_a_restart_of_the_database_gives_a_store_error_and_the_next_call_works(own_cluster):
    cluster, url = own_cluster
    store = PostgresStore(url)
    session = store.create_team_session(TeamSession(code="HERSTART", facilitator_id="a" * 32, scenario_id="s"))

    cluster.restart()  # before a call: it fails as a StoreError, or the pool already replaced the connection
    try:
        store.get_team_session(session.id)
    except StoreError as exc:
        assert "postgresql://127.0.0.1:" in str(exc) and "/restarted" in str(exc)
    assert store.get_team_session(session.id) is not None

    def restart_in_between(s: TeamSession) -> TeamSession:  # during a call: the transaction is cut off
        cluster.restart()
        return s.model_copy(update={"scenario_title": "kwijt"})

    with pytest.raises(StoreError, match=r"the database postgresql://127\.0\.0\.1:\d+/restarted failed"):
        store.update_team_session(session.id, restart_in_between)
    assert store.get_team_session(session.id).scenario_title == "", "the cut-off change is not there"
    changed = store.update_team_session(session.id, lambda s: s.model_copy(update={"scenario_title": "verder"}))
    assert changed.scenario_title == "verder"


def test_a_clash_in_save_account_names_what_clashed(pg):
    anna = pg.create_account(Account(username="anna", role="teacher"))
    pg.create_account(Account(username="bert", role="teacher"))
    with pytest.raises(DuplicateError, match="username 'Bert' is taken"):
        pg.save_account(anna.model_copy(update={"username": "Bert"}))


def test_reopening_a_session_whose_join_code_is_in_use_is_a_duplicate_error(pg):
    old = pg.create_team_session(TeamSession(code="ZELFDE12", facilitator_id="a" * 32, scenario_id="s"))
    pg.update_team_session(old.id, lambda s: s.model_copy(update={"status": "finished"}))
    pg.create_team_session(TeamSession(code="ZELFDE12", facilitator_id="a" * 32, scenario_id="s"))
    with pytest.raises(DuplicateError, match=f"join code of team session {old.id} is in use"):
        pg.update_team_session(old.id, lambda s: s.model_copy(update={"status": "open"}))
    assert pg.get_team_session(old.id).status == "finished"


# --- 4. an OIDC subject and an invite code name one account (both stores) ---------------------------


def test_two_accounts_with_one_sign_in_subject_are_refused(store):
    store.create_account(Account(username="anna", role="teacher", oidc_subject="school|123"))
    with pytest.raises(DuplicateError, match="sign-in subject 'school|123'"):
        store.create_account(Account(username="anna2", role="teacher", oidc_subject="school|123"))
    bert = store.create_account(Account(username="bert", role="teacher"))
    with pytest.raises(DuplicateError, match="sign-in subject"):
        store.save_account(bert.model_copy(update={"oidc_subject": "school|123"}))
    assert [a.username for a in store.list_accounts()] == ["anna", "bert"]
    assert store.get_account(bert.id).oidc_subject is None


def test_two_accounts_with_one_invite_code_are_refused(store):
    store.create_account(Account(username="coach-a", role="coach", invite_code="ABCD-EFGH"))
    with pytest.raises(DuplicateError, match="invite code 'ABCD-EFGH'"):
        store.create_account(Account(username="coach-b", role="coach", invite_code="ABCD-EFGH"))
    other = store.create_account(Account(username="coach-c", role="coach", invite_code="KLMN-PQRS"))
    with pytest.raises(DuplicateError, match="invite code"):
        store.save_account(other.model_copy(update={"invite_code": "ABCD-EFGH"}))
    assert store.find_account(invite_code="ABCD-EFGH").username == "coach-a"


def test_schema_2_applies_to_a_database_at_schema_1(pg_cluster, tmp_path):
    cluster = pg_cluster[0]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "schema_one"')
    url = cluster.create_database("schema_one")
    only_first = tmp_path / "migrations"
    only_first.mkdir()
    shutil.copy(schema.MIGRATIONS / "0001_initial.sql", only_first)
    with psycopg.connect(url, autocommit=True) as conn:
        assert schema.apply(conn, "test", folder=only_first) == [1]
    old = PostgresStore(url)  # a store of this Samenspel brings it up to date ...
    with psycopg.connect(url) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    assert versions[:2] == [1, 2]
    old.create_account(Account(username="anna", role="teacher", oidc_subject="school|1"))
    with pytest.raises(DuplicateError, match="sign-in subject"):  # ... and the unique index holds
        old.create_account(Account(username="bert", role="teacher", oidc_subject="school|1"))


# --- 5. several processes on the failure counters and tickets -------------------------------------


def test_processes_evicting_counters_at_once_lose_no_failure_and_never_deadlock(pg):
    ctx = multiprocessing.get_context("spawn")
    processes, times = 4, 20
    barrier = ctx.Barrier(processes)
    procs = [ctx.Process(target=pg_race_workers.fail_often, args=(pg.url, times, barrier, 5)) for _ in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * processes, "a process failed (a deadlock is an error)"
    assert pg.get_throttle("signin:gedeeld").failures == processes * times
    with psycopg.connect(pg.url) as conn:
        row = conn.execute("SELECT count(*) FROM throttle").fetchone()
    assert row is not None and row[0] <= 5 + processes, "the table stays near its limit"


def test_two_writers_evicting_each_others_counter_do_not_deadlock(pg, monkeypatch):
    """Both hold their own counter's row and evict the other's: the old clean-up waited for each other."""
    later = now() + timedelta(hours=1)
    monkeypatch.setattr(common, "THROTTLE_MAX", 100)
    for name in ("a", "b"):
        pg.update_throttle(f"k:{name}", lambda e: e.model_copy(update={"failures": 1, "expires_at": later}))
    locked = {"failures": 5, "expires_at": later, "locked_until": later}
    for i in range(4):
        pg.update_throttle(f"k:locked-{i}", lambda e: e.model_copy(update=locked))
    monkeypatch.setattr(common, "THROTTLE_MAX", 4)  # six counters: each write evicts the two unlocked ones
    both_read = threading.Barrier(2)
    errors: list[BaseException] = []

    def fail(name: str) -> None:
        def change(entry: ThrottleEntry) -> ThrottleEntry:
            both_read.wait(10)  # both transactions are under way before either writes
            return entry.model_copy(update={"failures": entry.failures + 1, "expires_at": later})

        try:
            pg.update_throttle(f"k:{name}", change)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert all(pg.get_throttle(f"k:locked-{i}").failures == 5 for i in range(4)), "locked counters stay"


def test_two_processes_taking_one_ticket_one_gets_it(pg):
    ticket = Ticket(id="t" * 64, user_id="a" * 32, cookie="login", expires_at=now() + timedelta(minutes=1))
    pg.add_ticket(ticket)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=pg_race_workers.take, args=(pg.url, ticket.id, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(results.get(timeout=10) for _ in range(2)) == [False, True]
