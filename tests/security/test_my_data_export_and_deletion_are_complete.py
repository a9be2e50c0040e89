"""'Download my data' and 'delete my account' are complete (issue 8, part 6).

Today's leak: export and deletion missed team-session entries (user id, username, vote
reasons), and interrupted writes left temporary files with user data (13 files, 17 MB after
20 crashes). Now every record kind the store knows has an export and a deletion rule, a
deleted user leaves no trace in any file or table, and orphaned temporary files go at start-up.
The tests with the ``store`` fixture run on TinyDB and on PostgreSQL; on PostgreSQL every table of
the schema must be a declared kind (``RECORD_TABLES``) or hold no user's data (``INTERNAL_TABLES``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
from pathlib import Path

import pytest

from modules import storage as store_module
from modules.deployment import startup
from modules.exchange import lrs, mydata, xapi
from modules.library.scenarios import load_library
from modules.people import accounts, logins, sharing
from modules.play import engine, reflection
from modules.records import Attempt
from modules.storage import TinyDBStore, remove_orphan_temp_files
from modules.storage import files as storage_files
from modules.team import sessions as team
from tests.conftest import stored_text

PASSWORD = "een-lang-wachtwoord"


def test_every_record_kind_has_an_export_and_a_deletion_rule():
    assert set(store_module.RECORD_KINDS) == set(mydata.EXPORT_RULES) == set(mydata.DELETE_RULES)


def _use_everything(store: store_module.Store, username: str = "juf <b>anna</b>"):
    """A teacher who does everything the app allows, next to a coach and a colleague."""
    scenario = load_library().get("de-taalbarriere")
    teacher = accounts.sign_up(store, username, PASSWORD)
    coach = accounts.ensure_account(store, "coach-bert", PASSWORD, "coach")
    colleague = accounts.sign_up(store, "collega-carla", PASSWORD)
    sharing.connect_with_code(store, teacher, coach.invite_code)
    sharing.connect_with_code(store, colleague, coach.invite_code)
    state = engine.start(scenario)
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    store.save_attempt(Attempt(user_id=teacher.id, scenario_id=scenario.id, state=state, anticipation="Spannend"))
    mine = store.add_reflection(reflection.build(teacher.id, {"ik_wilde": "Luisteren"}, "Eerst vragen, dan vertellen."))
    theirs = store.add_reflection(reflection.build(colleague.id, {"ik_wilde": "Iets"}, "Een ander voornemen."))
    for owner, item in ((teacher, mine), (colleague, theirs)):
        sharing.share_reflection(store, owner, item.id, coach.id)
        sharing.add_comment(store, coach, owner.id, item.id, "Wat ging goed?")
    sharing.add_comment(store, teacher, teacher.id, mine.id, "Dat ik doorvroeg.")
    sharing.mark_read(store, teacher, teacher.id, mine.id)
    logins.start(store, teacher)
    logins.ticket(store, logins.LOGIN_COOKIE, "waarde", 60, teacher.id)
    with pytest.raises(accounts.AuthError):
        accounts.sign_in(store, username, "verkeerd-wachtwoord")  # a failure counter for the username

    led = team.create(store, coach, scenario, allow_guests=True, show_names=True)
    _, me = team.join(store, led.code, account=teacher)
    _, other = team.join(store, led.code, account=colleague)
    choice = engine.available_choices(scenario, team.state(led, scenario))[0].id
    team.vote(store, led.id, me.id, 0, choice, "Mijn eigen reden", scenario)
    team.vote(store, led.id, other.id, 0, choice, "Reden van een collega", scenario)
    team.reveal(store, led.id, coach)
    team.decide(store, led.id, coach, scenario)
    team.vote(
        store,
        led.id,
        me.id,
        1,
        engine.available_choices(scenario, team.state(team.load(store, led.id), scenario))[0].id,
        "Nog een reden",
        scenario,
    )
    store.add_reflection(
        reflection.build(teacher.id, {"ik_wilde": "Samen"}, "Samen beslissen.").model_copy(
            update={"team_session_id": led.id}
        )
    )
    return teacher, coach, colleague, led


def _tables(root: Path) -> set[str]:
    """Every (file pattern, table) that holds data in the folder, named as in RECORD_KINDS."""
    found = set()
    for path in root.rglob("*.json"):
        relative = path.relative_to(root).as_posix()
        pattern = re.sub(
            r"^users/[0-9a-f]{32}/attempts/[0-9a-f]{32}\.json$", "users/<user id>/attempts/<attempt id>.json", relative
        )
        pattern = re.sub(r"^users/[0-9a-f]{32}\.json$", "users/<user id>.json", pattern)
        pattern = re.sub(r"^sessions/[0-9a-f]{32}\.json$", "sessions/<session id>.json", pattern)
        for table, rows in json.loads(path.read_text()).items():
            if rows:
                found.add(f"{pattern} / {table}")
    for path in root.rglob("*.jsonl"):  # append-only logs: one record per line
        pattern = re.sub(r"^sessions/[0-9a-f]{32}/", "sessions/<session id>/", path.relative_to(root).as_posix())
        if path.read_bytes().strip():
            found.add(f"{pattern} / lines")
    return found


@pytest.mark.tinydb_only
def test_the_data_folder_holds_no_kind_of_record_the_store_does_not_declare(store):
    _use_everything(store)
    store.profile_for("oude schuilnaam")
    undeclared = _tables(store.root) - set(store_module.RECORD_KINDS.values())
    assert not undeclared, f"new record kinds need an export and a deletion rule: {undeclared}"
    files = {p.name for p in store.root.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    assert files <= {
        "accounts.json",
        "throttle.json",
        "logins.json",
        "links.json",
        "profiles.json",
        store_module.SECRET_FILE,
    }


def test_every_table_of_the_database_is_a_declared_kind_or_internal(pg_url, tmp_path):
    """PostgreSQL: each kind names its table, every table of the schema is some kind's (or internal), and
    after a user did everything the app allows, only the tables of declared kinds hold rows."""
    from modules.storage.postgres_store import PostgresStore

    store = PostgresStore(pg_url, root=tmp_path / "progress")
    assert set(store_module.RECORD_TABLES) == set(store_module.RECORD_KINDS)
    tables = set(store.tables())
    declared = set(store_module.RECORD_TABLES.values())
    assert declared <= tables, f"kinds name tables the schema lacks: {declared - tables}"
    undeclared = tables - declared - set(store_module.INTERNAL_TABLES)
    assert not undeclared, f"new tables need a record kind with an export and a deletion rule: {undeclared}"
    _use_everything(store)
    store.profile_for("oude schuilnaam")
    filled = {line.split(":", 1)[0] for line in stored_text(store).splitlines()}
    assert filled <= tables and filled - declared <= set(store_module.INTERNAL_TABLES)
    assert {"accounts", "attempts", "reflections", "comments", "team_sessions", "team_votes", "logins"} <= filled


def test_the_export_holds_every_kind_of_record_of_the_user(store):
    teacher, coach, colleague, led = _use_everything(store)
    data = mydata.export(store, teacher)
    text = json.dumps(data, ensure_ascii=False)
    assert data["attempts"] and data["reflections"] and data["comments_on_my_reflections"]
    assert data["read_markers"] and data["connections"] and data["shares"] and data["logins"]
    (joined,) = data["team_sessions_joined"]
    assert joined["session_id"] == led.id and [r["text"] for r in joined["reasons"]] == ["Mijn eigen reden"]
    assert [v["reason"] for v in joined["votes"]] == ["Mijn eigen reden", "Nog een reden"]
    assert "Reden van een collega" not in text and "collega-carla" not in text, "nobody else's data"
    assert "password_hash" not in text and "$argon2" not in text

    led_by_coach = mydata.export(store, coach)["team_sessions_led"]
    assert [s["id"] for s in led_by_coach] == [led.id]


def test_deleting_an_account_leaves_nothing_that_names_the_user(store):
    teacher, coach, colleague, led = _use_everything(store)
    lrs.queue_history(store, load_library(), [teacher, colleague])  # learning records waiting for an LRS
    pseudonym, other = (xapi.actor(store, user.id, xapi.ids())["account"]["name"] for user in (teacher, colleague))
    assert teacher.id in stored_text(store) and "Mijn eigen reden" in stored_text(store)
    assert pseudonym in stored_text(store), "the outbox (a folder, or a table) is part of what is stored"
    mydata.delete(store, teacher)
    assert other in stored_text(store), "a colleague's statements still wait"
    for stored in stored_text(store).splitlines():  # a file, or a row of a table
        for trace in (
            teacher.id,
            teacher.username,
            "juf \\u003cb\\u003eanna",
            "Mijn eigen reden",
            "Nog een reden",
            "Dat ik doorvroeg",
            pseudonym,
        ):
            assert trace not in stored, f"{trace!r} is still stored: {stored[:200]}"
    assert not [p for p in store.root.rglob(f"*{teacher.id}*")]
    session = team.load(store, led.id)
    assert len(session.participants) == 1 and session.decisions[0].voters == 2  # the count stays, the person goes
    assert "Reden van een collega" in store.get_team_session(led.id).model_dump_json(), "others' data stays"


def test_a_facilitator_who_leaves_takes_the_sessions_they_led(store):
    teacher, coach, colleague, led = _use_everything(store)
    mydata.delete(store, coach)
    assert store.get_team_session(led.id) is None
    assert led.code not in stored_text(store)
    assert coach.id not in stored_text(store)


# --- temporary files of interrupted writes ------------------------------------------------------


def _killed_during_a_write(root: str, user_id: str) -> None:
    """A process that dies (SIGKILL) after writing its temporary file, before replacing the real one."""
    os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # noqa: ARG005
    store = TinyDBStore(root)
    store.add_reflection(reflection.build(user_id, {"ik_wilde": "Geheim " * 400}, "Een voornemen hier."))


def test_temporary_files_of_a_killed_write_are_removed_at_start_up(tmp_path, monkeypatch):
    root = tmp_path / "progress"
    store = TinyDBStore(root)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    store.add_reflection(reflection.build(teacher.id, {"ik_wilde": "Bewaard"}, "Dit blijft staan."))
    before = (root / "users" / f"{teacher.id}.json").read_bytes()
    for _ in range(3):
        process = multiprocessing.get_context("spawn").Process(
            target=_killed_during_a_write, args=(str(root), teacher.id)
        )
        process.start()
        process.join(30)
        assert process.exitcode == -signal.SIGKILL
    orphans = list(root.rglob(".*.tmp"))
    assert len(orphans) == 3 and all(b"Geheim" in p.read_bytes() for p in orphans)

    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(root))
    startup.forget()
    report = startup.prepare()
    assert not list(root.rglob(".*.tmp")), "orphaned temporary files are removed at start-up"
    assert any("temporary" in note for note in report.notes)
    assert (root / "users" / f"{teacher.id}.json").read_bytes() == before, "the real file is untouched"
    startup.forget()


@pytest.mark.tinydb_only
def test_a_write_that_fails_leaves_no_temporary_file(store, monkeypatch):
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    path = store.root / "accounts.json"
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_files.os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save_account(teacher.model_copy(update={"username": "nieuwe naam"}))
    assert not list(store.root.rglob(".*.tmp"))
    assert path.read_bytes() == before


def test_a_running_writer_keeps_its_temporary_file(tmp_path):
    young = tmp_path / f".accounts.json.{os.getpid()}.1.tmp"
    young.write_text("bezig")
    assert remove_orphan_temp_files(tmp_path) == 0 and young.exists(), "a write in progress is left alone"
    old = os.path.getmtime(young) - storage_files.ORPHAN_AGE - 1
    os.utime(young, (old, old))
    assert remove_orphan_temp_files(tmp_path) == 1 and not young.exists()


def test_a_former_coach_s_comments_go_when_they_leave(store):
    """The reviewer's case: the teacher disconnects, an admin makes the coach a teacher, the former
    coach deletes the account: the comments they wrote as a coach go too."""
    teacher, coach, colleague, led = _use_everything(store)
    sharing.disconnect(store, teacher, coach.id)
    admin = accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    former = accounts.admin_set_role(store, admin, coach.id, "teacher")
    mydata.delete(store, former)
    assert "Wat ging goed?" not in stored_text(store)


def test_a_restart_with_the_same_process_id_still_removes_old_temporary_files(tmp_path):
    """In a container a restarted app often gets the same process id as the one that was killed."""
    leftover = tmp_path / f".accounts.json.{os.getpid()}.7.tmp"
    leftover.write_text("van voor de herstart")
    before_start = storage_files._PROCESS_START - 30
    os.utime(leftover, (before_start, before_start))
    assert remove_orphan_temp_files(tmp_path) == 1 and not leftover.exists()
