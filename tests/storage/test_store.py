"""Storage: nothing lost under concurrency, corrupt files reported and kept, records per user.

Tests with the ``store`` fixture run on both backends (``[tinydb]``, ``[postgres]``); those about
TinyDB's files are marked ``tinydb_only`` (PostgreSQL's own are in ``test_postgres_store.py``)."""

import json
import multiprocessing
import threading

import pytest

from modules.play import engine, reflection
from modules.records import Attempt
from modules.storage import CorruptDataError, InvalidInputError, TinyDBStore
from tests.conftest import open_address, reopen, store_address


def _attempt(user_id, scenario_id="s"):
    return Attempt(
        user_id=user_id,
        scenario_id=scenario_id,
        state=engine.PlayState(scenario_id=scenario_id, node="a", variables={}),
    )


def test_nickname_finds_the_same_profile_ignoring_case_and_spaces(store):
    first = store.profile_for("Juf  Anna")
    assert store.profile_for(" juf anna ").id == first.id
    assert store.profile_for("meester Bas").id != first.id
    assert store.profile_for("onbekend", create=False) is None
    with pytest.raises(InvalidInputError):
        store.profile_for("   ")
    with pytest.raises(InvalidInputError):
        store.profile_for("x" * 41)


def test_attempt_is_saved_after_every_choice_and_resumes(store, catalogue):
    from modules.library.lint import check_file
    from tests.conftest import FIXTURES

    scenario, _ = check_file(FIXTURES / "mini" / "het-schoolplein.yaml", catalogue)
    user = store.profile_for("tester")
    attempt = store.create_attempt(Attempt(user_id=user.id, scenario_id=scenario.id, state=engine.start(scenario)))
    state, _ = engine.choose(scenario, attempt.state, "afspraak")
    store.save_attempt(attempt.model_copy(update={"state": state}))
    # a new store object (another process, a restarted app) sees the saved step
    reopened = reopen(store).get_attempt(user.id, attempt.id)
    assert reopened.state.choice_ids() == ["afspraak"]
    assert reopened.finished and reopened.finished_at


def test_users_only_see_their_own_records(store):
    a, b = store.profile_for("a"), store.profile_for("b")
    store.create_attempt(_attempt(a.id))
    store.add_reflection(reflection.build(a.id, {"ik_wilde": "x"}, "Een concreet voornemen."))
    assert store.list_attempts(b.id) == [] and store.list_reflections(b.id) == []
    assert len(store.list_attempts(a.id)) == 1 and len(store.list_reflections(a.id)) == 1


def test_a_nul_character_in_text_is_left_out_and_the_rest_is_saved(store):
    # PostgreSQL's jsonb refuses U+0000 (a browser may still send it): both stores leave it out alike,
    # and keep a written backslash followed by "u0000" as it was.
    user = store.profile_for("a")
    answers = {"ik_wilde": "eerst\x00 luisteren \\u0000"}
    store.add_reflection(reflection.build(user.id, answers, "Eerst vragen\x00 wat de ouder ziet."))
    (saved,) = reopen(store).list_reflections(user.id)
    assert saved.answers["ik_wilde"] == "eerst luisteren \\u0000"
    assert saved.intention == "Eerst vragen wat de ouder ziet."


def test_sixteen_threads_writing_concurrently_lose_nothing(store):
    users = [store.profile_for(f"leraar {i % 4}") for i in range(16)]
    per_thread = 15
    errors = []

    def work(index):
        try:
            for n in range(per_thread):
                store.create_attempt(_attempt(users[index].id, f"s{index}-{n}"))
                store.add_reflection(
                    reflection.build(users[index].id, {"ik_deed": f"{index}-{n}"}, "Voornemen voor later.")
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({u.id for u in users}) == 4  # four nicknames, created once each despite the race
    total_attempts = sum(len(store.list_attempts(uid)) for uid in {u.id for u in users})
    total_reflections = sum(len(store.list_reflections(uid)) for uid in {u.id for u in users})
    assert total_attempts == 16 * per_thread
    assert total_reflections == 16 * per_thread


def _process_writer(address, user_id, index, count):
    store = open_address(address)
    for n in range(count):
        store.create_attempt(_attempt(user_id, f"p{index}-{n}"))


def test_four_processes_writing_one_file_lose_nothing(store):
    user = store.profile_for("gedeeld")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(store_address(store), user.id, i, 20)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert len(store.list_attempts(user.id)) == 80


@pytest.mark.tinydb_only
def test_corrupt_file_gives_clear_error_and_its_bytes_survive(store):
    user = store.profile_for("pech")
    attempt = store.create_attempt(_attempt(user.id))
    path = store.root / "users" / user.id / "attempts" / f"{attempt.id}.json"
    damaged = path.read_bytes()[:-7] + b"\x00garbage"
    path.write_bytes(damaged)
    with pytest.raises(CorruptDataError, match="left untouched"):
        store.list_attempts(user.id)
    with pytest.raises(CorruptDataError):
        store.get_attempt(user.id, attempt.id)
    with pytest.raises(CorruptDataError):
        store.save_attempt(attempt)
    assert path.read_bytes() == damaged
    # the user's own file (reflections) is damaged: nothing of the user's is written over it
    store.add_reflection(reflection.build(user.id, {"ik_deed": "x"}, "Een voornemen hier."))
    user_file = store.root / "users" / f"{user.id}.json"
    broken = user_file.read_bytes()[:-3]
    user_file.write_bytes(broken)
    with pytest.raises(CorruptDataError):
        store.add_reflection(reflection.build(user.id, {"ik_deed": "x"}, "Een voornemen hier."))
    with pytest.raises(CorruptDataError):
        store.create_attempt(_attempt(user.id))
    assert user_file.read_bytes() == broken
    # other users are unaffected
    other = store.profile_for("ander")
    store.create_attempt(_attempt(other.id))
    assert len(store.list_attempts(other.id)) == 1


@pytest.mark.tinydb_only
def test_writes_are_atomic_files_of_valid_json(store):
    user = store.profile_for("atoom")
    attempt = store.create_attempt(_attempt(user.id))
    path = store.root / "users" / user.id / "attempts" / f"{attempt.id}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["attempts"]["1"]["id"] == attempt.id
    assert not list(store.root.rglob("*.tmp"))


@pytest.mark.tinydb_only
def test_saving_a_step_rewrites_only_that_attempt(store):
    """One save touches one small file, however long the teacher's history is."""
    user = store.profile_for("veel")
    old = [store.create_attempt(_attempt(user.id)) for _ in range(20)]
    before = {p: p.stat().st_mtime_ns for p in (store.root / "users").rglob("*.json")}
    current = store.create_attempt(_attempt(user.id))
    store.save_attempt(current.model_copy(update={"anticipation": "Nu verder."}))
    after = {p: p.stat().st_mtime_ns for p in (store.root / "users").rglob("*.json")}
    changed = {p.name for p in after if before.get(p) != after[p]}
    assert changed == {f"{current.id}.json"}
    assert {a.id for a in store.list_attempts(user.id)} == {a.id for a in old} | {current.id}
    assert store.get_attempt(user.id, current.id).anticipation == "Nu verder."


@pytest.mark.tinydb_only
def test_attempts_of_older_versions_move_to_their_own_files_once(store):
    """Before 2026-12 a user's attempts lived in users/<id>.json: they are moved, not lost, on first use."""
    user = store.profile_for("oud")
    attempts = [_attempt(user.id, f"s{n}") for n in range(3)]
    user_file = store.root / "users" / f"{user.id}.json"
    note = reflection.build(user.id, {"ik_deed": "x"}, "Een voornemen hier.")
    user_file.write_text(
        json.dumps(
            {
                "attempts": {str(n + 1): a.model_dump(mode="json") for n, a in enumerate(attempts)},
                "reflections": {"1": note.model_dump(mode="json")},
            }
        ),
        encoding="utf-8",
    )
    assert {a.id for a in store.list_attempts(user.id)} == {a.id for a in attempts}
    assert "attempts" not in json.loads(user_file.read_text(encoding="utf-8"))
    assert [r.id for r in store.list_reflections(user.id)] == [note.id]
    assert len(list((store.root / "users" / user.id / "attempts").glob("*.json"))) == 3
    assert store.get_attempt(user.id, attempts[1].id).scenario_id == "s1"


def test_user_ids_cannot_escape_the_data_folder(store):
    with pytest.raises(InvalidInputError):
        store.list_attempts("../../etc/passwd")


def test_an_append_only_log_is_read_whole_after_appends_and_after_being_replaced(tmp_path):
    """The log reader parses only what was appended since its last read, yet never mixes up a log
    that was removed and created again (same name, possibly the same inode) with the old one."""
    from modules.storage.files import append_line, read_log

    log = tmp_path / "votes.jsonl"
    parse = lambda line: line.decode()  # noqa: E731
    assert read_log(log, parse) == ()
    append_line(log, b"een")
    append_line(log, b"twee")
    assert read_log(log, parse) == ("een", "twee")
    with log.open("ab") as handle:
        handle.write(b"\ndrie-half")  # a record still being written is not read yet
    assert read_log(log, parse) == ("een", "twee")
    with log.open("ab") as handle:
        handle.write(b"\n")
    assert read_log(log, parse) == ("een", "twee", "drie-half")
    log.unlink()
    append_line(log, b"vier")
    assert read_log(log, parse) == ("vier",)
    with pytest.raises(ValueError):
        append_line(log, b"twee\nregels")


def test_scenario_attempts_reads_every_users_play_throughs_of_one_scenario(tmp_path):
    from modules.records import Attempt, PlayState

    store = TinyDBStore(tmp_path / "data")
    for user in ("a" * 32, "b" * 32):
        for scenario_id in ("een", "twee"):
            state = PlayState(scenario_id=scenario_id, node="start", variables={})
            store.create_attempt(Attempt(user_id=user, scenario_id=scenario_id, state=state))
    found = list(store.scenario_attempts("een"))
    assert sorted(a.user_id for a in found) == ["a" * 32, "b" * 32]
    assert {a.scenario_id for a in found} == {"een"}
    assert list(TinyDBStore(tmp_path / "leeg").scenario_attempts("een")) == []
