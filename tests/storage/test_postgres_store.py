"""The PostgreSQL store's own guarantees: schema migrations, no lost update across processes, no half
record after a killed process, a corrupt row reported and kept, one signing key for every server,
demo and real data apart, and ``migrate --from/--to`` copying every record both ways.

The contract tests (every test with the ``store`` fixture) run on PostgreSQL as well; these are the
ones only PostgreSQL has. They use the session's throwaway cluster (``tests/pg_cluster.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

from modules.deployment import demo
from modules.play import engine
from modules.records import Attempt, Participant, TeamSession, Vote
from modules.storage import (
    CorruptDataError,
    DataFolderError,
    SchemaError,
    TinyDBStore,
    open_store,
    postgres_store,
    schema,
    transfer,
)
from modules.storage.common import stored
from modules.storage.postgres_store import PostgresStore
from tests.conftest import FIXTURES, ROOT
from tests.pg_cluster import Cluster
from tests.storage import pg_workers

USER = "a" * 32


@pytest.fixture
def pg(pg_url, tmp_path):
    return PostgresStore(pg_url, root=tmp_path / "progress")


def _fresh_database(pg_cluster, name: str) -> str:
    cluster = pg_cluster[0]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())
    return cluster.create_database(name)


# --- schema ------------------------------------------------------------------------------------


def test_the_schema_is_applied_once_and_its_version_recorded(pg):
    with psycopg.connect(pg.url) as conn:
        rows = conn.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert rows == [(m.version, m.name) for m in schema.migrations()]
    assert rows[0] == (1, "initial")


def test_two_servers_starting_at_once_apply_the_migrations_once(pg_cluster):
    url = _fresh_database(pg_cluster, "start_together")
    applied: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                barrier.wait(10)
                applied.append(schema.apply(conn, "test"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(applied, key=len) == [[], [], [], list(range(1, schema.latest() + 1))]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (schema.latest(),)


def test_a_database_of_a_newer_samenspel_is_refused_clearly(pg_cluster):
    url = _fresh_database(pg_cluster, "newer_schema")
    with psycopg.connect(url, autocommit=True) as conn:
        schema.apply(conn, "test")
        conn.execute("INSERT INTO schema_version (version, name) VALUES (999, 'from_the_future')")
    with pytest.raises(
        SchemaError, match=rf"schema version 999, newer than this Samenspel knows \({schema.latest()}\)"
    ):
        PostgresStore(url)
    result = subprocess.run(
        [sys.executable, "-m", "modules", "create-admin", "beheerder", "--code"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SAMENSPEL_DATABASE_URL": url, "SAMENSPEL_ARGON2_PROFILE": "test"},
        timeout=60,
    )
    assert result.returncode == 1 and "newer than this Samenspel knows" in result.stderr, result.stderr


def test_an_unreachable_database_gives_a_clear_error(tmp_path):
    from modules.storage import StoreError

    with pytest.raises(StoreError, match=r"cannot connect to the database postgresql://127.0.0.1:1/nergens"):
        PostgresStore("postgresql://samenspel:geheim@127.0.0.1:1/nergens")


# --- choosing the store -------------------------------------------------------------------------


def test_the_database_url_chooses_postgresql_and_the_demo_stays_in_its_folder(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(tmp_path / "data"))
    assert isinstance(open_store(), TinyDBStore), "without SAMENSPEL_DATABASE_URL: TinyDB as before"
    monkeypatch.setenv("SAMENSPEL_DATABASE_URL", pg_url)
    chosen = open_store()
    assert isinstance(chosen, PostgresStore) and chosen.root == tmp_path / "data" and not chosen.demo
    monkeypatch.setenv("SAMENSPEL_DEMO", "1")
    demo_store = open_store()
    assert isinstance(demo_store, TinyDBStore) and demo_store.root == tmp_path / "data" / "demo"


def test_every_server_signs_with_the_key_in_the_database(pg, pg_url):
    other = PostgresStore(pg_url)  # another app server
    assert pg.secret() == other.secret() and len(pg.secret()) == 32
    assert pg.pseudonym("signin:juf") == other.pseudonym("signin:juf")


def test_demo_and_real_data_never_share_a_database(pg_cluster, pg):
    pg.profile_for("echte leraar")
    with pytest.raises(DataFolderError, match="holds real data"):
        PostgresStore(pg.url, demo=True)
    url = _fresh_database(pg_cluster, "demo_data")
    PostgresStore(url, demo=True)
    with pytest.raises(DataFolderError, match="holds demo data"):
        PostgresStore(url)


def test_a_row_that_no_longer_fits_is_reported_and_kept(pg):
    account = pg.profile_for("later")
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute("UPDATE profiles SET doc = jsonb_set(doc, '{format_version}', '9') WHERE id = %s", (account.id,))
        before = conn.execute("SELECT doc FROM profiles WHERE id = %s", (account.id,)).fetchone()
    with pytest.raises(CorruptDataError, match="newer Samenspel.*the row was left untouched"):
        pg.list_profiles()
    with psycopg.connect(pg.url) as conn:
        assert conn.execute("SELECT doc FROM profiles WHERE id = %s", (account.id,)).fetchone() == before


# --- no lost update, no half record ------------------------------------------------------------


def _session(store) -> TeamSession:
    session = TeamSession(code="ABCDEFGH", facilitator_id=USER, scenario_id="s")
    return store.create_team_session(session)


def test_four_processes_changing_one_session_lose_no_update(pg):
    session = _session(pg)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=pg_workers.count_up, args=(pg.url, session.id, 25, barrier)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert pg.get_team_session(session.id).participant_count == 100


def test_a_process_killed_in_a_transaction_leaves_no_half_record(pg):
    session = _session(pg)
    pg.create_attempt(
        Attempt(user_id=USER, scenario_id="heel", state=engine.PlayState(scenario_id="s", node="a", variables={}))
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.pg_workers", pg.url, USER, session.id],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "written"
        with psycopg.connect(pg.url) as conn:  # the rows exist, uncommitted, in the child's transaction
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'")
            assert busy.fetchone()[0] >= 1
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert [a.scenario_id for a in pg.list_attempts(USER)] == ["heel"], "the killed write is absent, the rest whole"
    assert pg.list_reflections(USER) == []
    assert pg.get_team_session(session.id).scenario_title == ""
    # its lock went with it: the session can be changed at once
    changed = pg.update_team_session(session.id, lambda s: s.model_copy(update={"scenario_title": "verder"}))
    assert changed.scenario_title == "verder"


# --- votes: one statement each, serialised against the session's changes ------------------------


def _voting(store, n: int) -> tuple[TeamSession, list[str]]:
    session = TeamSession(code="VOTEVOTE", facilitator_id=USER, scenario_id="s")
    people = [Participant(name=f"p{i}") for i in range(n)]
    session.participants = people
    return store.create_team_session(session), [p.id for p in people]


def _open(session: TeamSession) -> None:
    if session.phase != "voting" or session.status != "open":
        raise ValueError("closed")


def _revealed(s: TeamSession) -> TeamSession:
    return s.model_copy(update={"phase": "revealed"})


def _live_rows(url: str, session_id: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM team_votes WHERE session_id = %s", (session_id,)).fetchone()[0]


def test_votes_from_two_servers_racing_the_reveal_are_counted_or_refused(pg):
    """Two app-server processes of 20 voters each, released with the reveal in this process: every vote
    the store accepted is in the revealed session, no refused one is, and no vote row is left behind."""
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(3):
        session, people = _voting(pg, 40)
        barrier = ctx.Barrier(3)
        accepted = ctx.Queue()
        procs = [
            ctx.Process(target=pg_workers.vote_racing, args=(pg.url, session.id, people[i::2], barrier, accepted))
            for i in range(2)
        ]
        for proc in procs:
            proc.start()
        barrier.wait(60)
        time.sleep(0.002 * round_)  # the reveal early, then a little later
        pg.update_team_session(session.id, _revealed)
        taken = [pid for _ in procs for pid in accepted.get(timeout=120)]
        for proc in procs:
            proc.join(60)
        assert [proc.exitcode for proc in procs] == [0, 0]
        final = pg.get_team_session(session.id)
        assert final.phase == "revealed"
        assert sorted(v.participant_id for v in final.current_votes()) == sorted(taken)
        assert _live_rows(pg.url, session.id) == 0, "a vote written after the reveal took the votes in"
        pg.delete_team_session(session.id)


def test_a_vote_checked_on_a_session_that_then_changed_is_checked_again(pg):
    session, people = _voting(pg, 2)
    pg.get_team_session(session.id)
    calls: list[str] = []

    def reveal_meanwhile(s: TeamSession) -> None:
        calls.append(s.phase)
        if len(calls) == 1:  # the rules pass on the version read, then the reveal commits before the write
            pg.update_team_session(session.id, _revealed)
        _open(s)

    with pytest.raises(ValueError, match="closed"):
        pg.save_vote(session.id, Vote(step=0, participant_id=people[0], choice_id="a"), reveal_meanwhile)
    assert calls == ["voting", "revealed"]
    assert _live_rows(pg.url, session.id) == 0 and pg.get_team_session(session.id).votes == []


def test_a_vote_refused_on_the_version_this_process_last_read_is_checked_on_a_fresh_one(pg):
    """A participant who joined after this process last read the session (on another server) may vote."""
    session, people = _voting(pg, 1)
    pg.get_team_session(session.id)  # remembered without the newcomer
    newcomer = Participant(name="later")
    with psycopg.connect(pg.url, autocommit=True) as conn:  # another server's change
        doc = session.model_copy(update={"participants": [*session.participants, newcomer]})
        conn.execute("UPDATE team_sessions SET doc = %s WHERE id = %s", (Jsonb(stored(doc)), session.id))

    def member(s: TeamSession) -> None:
        if s.participant(newcomer.id) is None:
            raise ValueError("not in this session")

    pg.save_vote(session.id, Vote(step=0, participant_id=newcomer.id, choice_id="b"), member)
    assert [v.participant_id for v in pg.get_team_session(session.id).current_votes()] == [newcomer.id]


def test_the_vote_that_arrives_last_wins_whatever_the_app_servers_clocks_say(pg):
    """A server whose clock is behind changes a vote: the change counts (the database's clock orders
    votes), in the vote's row and against a vote the session already took in (a join meanwhile)."""
    session, people = _voting(pg, 1)
    behind = datetime.now(UTC) - timedelta(hours=1)
    pg.save_vote(session.id, Vote(step=0, participant_id=people[0], choice_id="a"), _open)
    pg.save_vote(session.id, Vote(step=0, participant_id=people[0], choice_id="b", at=behind), _open)
    assert [v.choice_id for v in pg.get_team_session(session.id).current_votes()] == ["b"]
    pg.update_team_session(session.id, lambda s: s)  # a change during the vote takes the votes in
    assert [v.choice_id for v in pg.get_team_session(session.id).current_votes()] == ["b"]
    pg.save_vote(session.id, Vote(step=0, participant_id=people[0], choice_id="c", at=behind), _open)
    votes = pg.get_team_session(session.id).current_votes()
    assert [v.choice_id for v in votes] == ["c"] and votes[0].at > datetime.now(UTC) - timedelta(minutes=5)


def test_votes_arriving_together_are_each_written_once(pg):
    """Votes waiting in one process go in together (group commit): each is written by exactly one
    statement, and each caller returns once its own vote is in."""
    session, people = _voting(pg, 30)
    pg.get_team_session(session.id)
    statements: list[int] = []
    write = PostgresStore._write_ballots

    def counted(self, batch):
        statements.append(len(batch))
        return write(self, batch)

    errors: list[BaseException] = []
    barrier = threading.Barrier(30)

    def run(pid: str) -> None:
        try:
            barrier.wait(30)
            pg.save_vote(session.id, Vote(step=0, participant_id=pid, choice_id="a"), _open)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresStore, "_write_ballots", counted)
        threads = [threading.Thread(target=run, args=(pid,)) for pid in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == [] and sum(statements) == 30
    assert sorted(v.participant_id for v in pg.get_team_session(session.id).current_votes()) == sorted(people)


def test_the_store_works_on_after_the_database_restarts(tmp_path):
    """The pool hands out no connection the server dropped: a restart of PostgreSQL does not fail the
    next store calls (a dropped connection is seen without a round trip, see ``_check_pooled``)."""
    cluster = Cluster.start()
    url = None
    try:
        url = cluster.create_database("restart")
        store = PostgresStore(url, root=tmp_path / "progress")
        session, people = _voting(store, 3)
        busy = threading.Barrier(3)

        def hold() -> None:  # three connections in the pool, each used moments ago
            with store._connection() as conn:
                busy.wait(10)
                conn.execute("SELECT 1")

        threads = [threading.Thread(target=hold) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        log = str(cluster.folder / "server.log")
        cluster._run(str(cluster.bin / "pg_ctl"), "restart", "-D", str(cluster.data), "-m", "fast", "-w", "-l", log)
        for pid in people:  # each store call gets a connection that works
            store.save_vote(session.id, Vote(step=0, participant_id=pid, choice_id="a"), _open)
            assert store.get_team_session(session.id) is not None
        assert len(store.get_team_session(session.id).current_votes()) == 3
    finally:
        database = postgres_store._DATABASES.pop(url, None) if url else None
        if database is not None:
            database.pool.close()
        cluster.stop()


# --- migrate --from/--to -----------------------------------------------------------------------


def _round_trip(folder, pg_url, tmp_path, demo_data: bool = False):
    source = TinyDBStore(folder, demo=demo_data)
    source.secret()  # made on first use: this folder has one now
    records = transfer.read_folder(source)
    database = PostgresStore(pg_url, demo=demo_data)
    first = transfer.copy(source, database)
    assert first.counts == {kind: len(docs) for kind, docs in records.items()}
    assert first.written == first.counts
    again = transfer.copy(source, database)
    assert again.counts == first.counts and sum(again.written.values()) == 0, "a second copy changes nothing"
    back = TinyDBStore(tmp_path / "back", demo=demo_data)
    returned = transfer.copy(database, back)
    assert returned.counts == first.counts
    assert transfer.read_folder(back) == records, "TinyDB -> PostgreSQL -> TinyDB gives back every record"
    assert sum(transfer.copy(database, back).written.values()) == 0
    return source, database, back, first


def test_the_demo_data_goes_to_postgresql_and_back_unchanged(pg_url, tmp_path):
    folder = tmp_path / "demo"
    assert demo.seed(TinyDBStore(folder, demo=True))
    source, database, back, report = _round_trip(folder, pg_url, tmp_path, demo_data=True)
    assert report.counts["account"] == 2 and report.counts["attempt"] == 1 and report.counts["comment"] == 1
    assert database.demo and back.demo and all(a.demo for a in database.list_accounts())
    assert back.secret() == source.secret() == database.secret(), "the signing key goes along"
    assert [a.username for a in back.list_accounts()] == ["demo-coach", "demo-leraar"]


@pytest.mark.parametrize("name", ["data-2026-11", "data-2026-12"])
def test_todays_data_formats_go_to_postgresql_and_back_unchanged(name, pg_url, tmp_path):
    folder = shutil.copytree(FIXTURES / name, tmp_path / "source")
    source, database, back, report = _round_trip(folder, pg_url, tmp_path)
    assert report.counts["account"] == 5 and report.counts["attempt"] == 2 and report.counts["team_session"] == 2
    teacher = database.find_account(username="juf-anna")
    assert database.list_attempts(teacher.id) == back.list_attempts(teacher.id) == source.list_attempts(teacher.id)
    assert database.list_team_sessions() == source.list_team_sessions() == back.list_team_sessions()


def test_the_migrate_command_copies_both_ways_and_says_what_it_did(pg_url, tmp_path, capsys):
    from modules import cli

    folder = shutil.copytree(FIXTURES / "data-2026-12", tmp_path / "source")

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["migrate", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, first, _ = run("--from", str(folder), "--to", pg_url)
    assert code == 0 and "verified: all 21 record(s) read back equal" in first and "21 written" in first
    code, second, _ = run("--from", str(folder), "--to", pg_url)
    assert code == 0 and "; 0 written, 21 already there" in second, "a second copy changes nothing"
    table = [line.split()[:2] for line in first.splitlines() if line.split()[:1] in (["account"], ["attempt"])]
    assert table == [["account", "5"], ["attempt", "2"]]
    assert table == [line.split()[:2] for line in second.splitlines() if line.split()[:1] in (["account"], ["attempt"])]
    code, _, err = run("--from", pg_url, "--to", str(tmp_path / "back"))
    assert code == 0, err
    assert transfer.read_folder(TinyDBStore(tmp_path / "back")) == transfer.read_folder(TinyDBStore(folder))

    code, _, err = run("--from", str(tmp_path / "bestaat-niet"), "--to", pg_url)
    assert code == 1 and "is not a folder" in err
    code, _, err = run("--from", str(folder), "--to", str(tmp_path / "x"))
    assert code == 2 and "must be a data folder and the other a PostgreSQL URL" in err
    code, _, err = run("--from", str(folder))
    assert code == 2 and "give both --from and --to" in err
    code, _, err = run("--from", str(folder), "--to", "postgresql://samenspel@127.0.0.1:1/nergens")
    assert code == 1 and "cannot connect to the database postgresql://127.0.0.1:1/nergens" in err
