"""``migrate --from/--to`` run again, and when it goes wrong: a record changed in the app since an
earlier copy is kept (``--overwrite`` replaces it), a failed check leaves the database as it was, a
stale join-code index is no reason to fail, a live source is read as one moment and never written
to, and a clash with the target's own records is a clear message, not a traceback.
"""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest
from psycopg.types.json import Jsonb

from modules import cli
from modules.records import Account, TeamSession
from modules.storage import TinyDBStore, transfer
from modules.storage.postgres_store import PostgresStore
from tests.conftest import FIXTURES

ANNA = "ed57f95ff7c34bac8103e58998a6e596"  # juf-anna in the fixture data-2026-12
SESSION = "ce8ee9abdc3f4909981e30583a700f19"  # open in the fixture


def _fresh_database(pg_cluster, name: str) -> str:
    cluster = pg_cluster[0]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())
    return cluster.create_database(name)


def _meta(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT key, value FROM store_meta").fetchall())


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def folder(tmp_path):
    return shutil.copytree(FIXTURES / "data-2026-12", tmp_path / "source")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["migrate", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. a second copy keeps what changed in the target --------------------------------------------


def test_copying_again_keeps_what_changed_in_the_database_unless_overwrite(folder, pg_url):
    source = TinyDBStore(folder)
    database = PostgresStore(pg_url)
    first = transfer.copy(source, database)
    assert first.written == first.counts and first.kept == {}
    # in the app, after the first copy: an admin switches juf-anna off, the session is finished
    anna = database.get_account(ANNA)
    database.save_account(anna.model_copy(update={"active": False}))
    database.update_team_session(SESSION, lambda s: s.model_copy(update={"status": "finished"}))

    again = transfer.copy(source, database)
    assert again.counts == first.counts and sum(again.written.values()) == 0
    assert again.kept == {"account": 1, "team_session": 1, "team_code": 1}
    assert database.get_account(ANNA).active is False, "the copy did not switch the account on again"
    assert database.get_team_session(SESSION).status == "finished"

    replaced = transfer.copy(source, database, overwrite=True)
    assert replaced.written == {**dict.fromkeys(first.counts, 0), "account": 1, "team_session": 1, "team_code": 1}
    assert replaced.kept == {}
    assert database.get_account(ANNA).active is True
    assert database.get_team_session(SESSION).status == "open"
    assert sum(transfer.copy(source, database).written.values()) == 0


def test_copying_back_again_keeps_what_changed_in_the_folder(folder, pg_url, tmp_path):
    database = PostgresStore(pg_url)
    transfer.copy(TinyDBStore(folder), database)
    back = TinyDBStore(tmp_path / "back")
    transfer.copy(database, back)
    anna = back.get_account(ANNA)
    back.save_account(anna.model_copy(update={"active": False}))

    again = transfer.copy(database, back)
    assert sum(again.written.values()) == 0 and again.kept == {"account": 1}
    assert back.get_account(ANNA).active is False
    assert transfer.copy(database, back, overwrite=True).written["account"] == 1
    assert back.get_account(ANNA).active is True


def test_the_migrate_command_reports_what_it_kept_and_overwrites_when_asked(folder, pg_url, capsys):
    code, first, _ = _run(capsys, "--from", str(folder), "--to", pg_url)
    assert code == 0 and "21 written" in first
    database = PostgresStore(pg_url)
    database.save_account(database.get_account(ANNA).model_copy(update={"active": False}))

    code, second, _ = _run(capsys, "--from", str(folder), "--to", pg_url)
    assert code == 0
    assert "account: kept: 1 differ in the target" in second
    assert "0 written, 20 already there, 1 kept" in second
    counts = [line.split()[:3] for line in second.splitlines() if line.split()[:1] == ["account"]]
    assert counts == [["account", "5", "0"]], "the same counts, nothing written"
    assert database.get_account(ANNA).active is False

    code, third, _ = _run(capsys, "--from", str(folder), "--to", pg_url, "--overwrite")
    assert code == 0 and "1 written, 20 already there" in third and "kept" not in third
    assert database.get_account(ANNA).active is True


# --- 2. one transaction, one moment, nothing written before it is done ----------------------------


def test_a_failed_check_leaves_an_empty_database_as_it_was(folder, pg_cluster, monkeypatch):
    url = _fresh_database(pg_cluster, "failed_check")
    source = transfer.open_source(str(folder))
    target = transfer.open_target(url, demo=source.demo)
    assert "kind" not in _meta(url), "opening the target does not mark it yet"
    real_read = transfer.read
    reads: list[object] = []

    def read_back_wrong(store):
        found = real_read(store)
        reads.append(store)
        if store is target and len([s for s in reads if s is target]) == 2:  # the read-back
            doc = found["account"][(ANNA,)]
            found["account"][(ANNA,)] = {**doc, "active": not doc["active"]}
        return found

    monkeypatch.setattr(transfer, "read", read_back_wrong)
    with pytest.raises(transfer.TransferError, match="verification failed: account .*juf-anna"):
        transfer.copy(source, target)
    assert _count(url, "accounts") == 0 and _count(url, "team_sessions") == 0, "nothing of the copy stays"
    assert _meta(url) == {}, "neither the signing key nor the kind of data was written"


def test_a_source_database_is_not_written_to(pg_cluster, folder, tmp_path):
    url = _fresh_database(pg_cluster, "untouched_source")
    PostgresStore(url, claim=False)  # the schema, and nothing else
    assert _meta(url) == {}
    source = transfer.open_source(url)
    transfer.copy(source, TinyDBStore(tmp_path / "copy"))
    assert _meta(url) == {}, "the source was not marked real (nor given a key)"


def test_a_join_code_index_behind_its_session_does_not_fail_the_copy(folder, pg_url, tmp_path):
    # A crash between writing the session (now finished) and updating sessions/index.json (still open).
    path = folder / "sessions" / f"{SESSION}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["session"]["1"]["status"] = "finished"
    path.write_text(json.dumps(data), encoding="utf-8")
    index = json.loads((folder / "sessions" / "index.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in index["codes"].values() if e["session_id"] == SESSION] == ["open"]

    database = PostgresStore(pg_url)
    report = transfer.copy(TinyDBStore(folder), database)
    assert report.written["team_code"] == 2
    assert database.get_team_session(SESSION).status == "finished"
    assert [e.status for e in database.code_entries() if e.session_id == SESSION] == ["finished"]
    assert sum(transfer.copy(TinyDBStore(folder), database).written.values()) == 0, "and again: nothing to do"


def test_a_live_source_is_read_as_one_moment(folder, pg_url, tmp_path):
    database = PostgresStore(pg_url)
    transfer.copy(TinyDBStore(folder), database)
    source = transfer.open_source(pg_url)
    real_entries = source.code_entries

    def entries_after_a_new_session():
        new = TeamSession(code="NIEUW123", facilitator_id="b" * 32, scenario_id="s", status="finished")
        with psycopg.connect(pg_url, autocommit=True) as app:  # the app on another server: committed at once
            app.execute(
                "INSERT INTO team_sessions (id, code, facilitator_id, status, created_at, doc)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (new.id, new.code, new.facilitator_id, new.status, new.created_at, Jsonb(new.model_dump(mode="json"))),
            )
        return real_entries()

    source.code_entries = entries_after_a_new_session  # type: ignore[method-assign]
    found = transfer.read(source)
    assert set(found["team_code"]) == set(found["team_session"]), "sessions and codes of the same moment"
    report = transfer.copy(source, TinyDBStore(tmp_path / "copy"))
    assert report.counts["team_session"] == report.counts["team_code"]


# --- 3. a clash with the target's own records ------------------------------------------------------


def test_a_username_the_database_has_under_another_id_stops_the_copy_clearly(folder, pg_url, capsys):
    database = PostgresStore(pg_url)
    database.create_account(Account(username="Juf-Anna", role="teacher"))
    code, out, err = _run(capsys, "--from", str(folder), "--to", pg_url)
    assert code == 1, out
    assert "error: account ed57f95ff7c34bac8103e58998a6e596 (username 'juf-anna') cannot be copied" in err
    assert "clashes with a record the target holds of its own" in err and "juf-anna" in err
    assert "Traceback" not in err and "psycopg" not in err
    assert [a.username for a in database.list_accounts()] == ["Juf-Anna"], "nothing of the copy stays"


def test_a_username_the_folder_has_under_another_id_stops_the_copy_clearly(folder, pg_url, tmp_path, capsys):
    transfer.copy(TinyDBStore(folder), PostgresStore(pg_url))
    back = TinyDBStore(tmp_path / "back")
    back.create_account(Account(username="juf-anna", role="teacher"))
    code, _, err = _run(capsys, "--from", pg_url, "--to", str(back.root))
    assert code == 1 and "error: account ed57f95ff7c34bac8103e58998a6e596 (username 'juf-anna')" in err
    assert "the same username; nothing was copied" in err
    assert [a.username for a in back.list_accounts()] == ["juf-anna"]


def test_a_nul_character_in_a_hand_edited_file_is_left_out_in_the_database(folder, pg_url):
    # PostgreSQL's jsonb refuses U+0000: the copy leaves it out (as the stores do), verifies, and a
    # second copy finds nothing to write.
    path = folder / "users" / f"{ANNA}.json"
    path.write_text(path.read_text().replace('"Luisteren."', '"Luis\\u0000teren."'))
    database = PostgresStore(pg_url)
    first = transfer.copy(TinyDBStore(folder), database)
    assert first.written == first.counts
    assert [r.answers["ik_wilde"] for r in database.list_reflections(ANNA)] == ["Luisteren."]
    again = transfer.copy(TinyDBStore(folder), database)
    assert sum(again.written.values()) == 0 and again.kept == {}


def test_learning_records_waiting_to_be_sent_move_with_the_copy_once(folder, pg_url, tmp_path, capsys):
    # The folder's outbox files and the database's table are two queues: statements the TinyDB app
    # had not sent yet must be sent by the app on PostgreSQL after the migration, each once.
    from modules.storage.outbox import open_outbox

    source = TinyDBStore(folder)
    waiting = [{"id": f"00000000-0000-4000-8000-00000000000{n}", "verb": {"id": "v"}} for n in range(3)]
    outbox = open_outbox(source)
    keys = outbox.enqueue(waiting)
    outbox.mark_sent(keys[:1])  # sent before the move: stays behind
    outbox.set_aside(keys[1], "400 refused")  # refused by the LRS: stays behind, reported
    outbox.enqueue([waiting[2]])  # the same statement queued twice: sent once
    code, out, _ = _run(capsys, "--from", str(folder), "--to", pg_url)
    assert code == 0
    assert (
        "learning records (xAPI) waiting to be sent: 1 queued in the target; "
        "1 set aside (refused by the LRS) stay in the source\n"
    ) in out
    database = PostgresStore(pg_url)
    assert [e.statement["id"] for e in open_outbox(database).take(10)] == [waiting[2]["id"]]
    assert open_outbox(source).pending() == 2, "the source's queue is left as it was"

    code, out, _ = _run(capsys, "--from", str(folder), "--to", pg_url)
    assert "waiting to be sent: 0 queued in the target, 1 already queued there; 1 set aside" in out
    assert open_outbox(database).pending() == 1

    back = tmp_path / "back"
    code, out, _ = _run(capsys, "--from", pg_url, "--to", str(back))
    assert code == 0 and "learning records (xAPI) waiting to be sent: 1 queued in the target\n" in out
    assert [e.statement["id"] for e in open_outbox(TinyDBStore(back)).take(10)] == [waiting[2]["id"]]
