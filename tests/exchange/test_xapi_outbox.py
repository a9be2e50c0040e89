"""The outbox of learning records and the sender's rules, without a real LRS (that is test_xapi_lrs.py).

The outbox loses nothing: entries stay pending until marked, a crash between take and mark sends again,
concurrent enqueues from threads and processes all arrive, one sender at a time across threads and
processes (and a killed one gives up its turn), an actor's entries can be forgotten. These run on both
outboxes (``box``: ``[file]`` in a data folder, ``[postgres]`` in the database; on PostgreSQL they need
the test cluster, as the store's contract tests do), and so do the sender's rules: it marks 2xx and a
single 409 sent, sets a poison statement aside without blocking the queue, and stops (keeping
everything) when the LRS is down or refuses the sender. A torn line costs only itself and compaction
keeps what is pending: those are about the files (``file_box``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from modules.exchange import lrs
from modules.people import accounts
from modules.play import practice
from modules.storage import TinyDBStore
from modules.storage import outbox as outbox_module
from modules.storage.outbox import FileOutbox, Outbox, open_outbox
from modules.storage.postgres_outbox import PostgresOutbox
from modules.storage.postgres_store import PostgresStore

ROOT = Path(__file__).resolve().parent.parent.parent


def statement(n: int | str) -> dict:
    return {"id": f"00000000-0000-5000-8000-{int(n):012d}", "n": n}


@pytest.fixture
def file_box(tmp_path) -> FileOutbox:
    found = open_outbox(TinyDBStore(tmp_path / "data"))
    assert isinstance(found, FileOutbox) and found.folder == tmp_path / "data" / "xapi-outbox"
    return found


@pytest.fixture(params=["file", "postgres"])
def box(request, tmp_path) -> Outbox:
    """The outbox of a TinyDB store (a folder) or of a PostgreSQL store (a table of the emptied test database)."""
    if request.param == "file":
        return request.getfixturevalue("file_box")
    found = open_outbox(PostgresStore(request.getfixturevalue("pg_url"), root=tmp_path / "data"))
    assert isinstance(found, PostgresOutbox)
    return found


def address(box: Outbox) -> list[str]:
    """The outbox as another process names it: its kind and its folder or database."""
    if isinstance(box, FileOutbox):
        return ["file", str(box.folder)]
    assert isinstance(box, PostgresOutbox)
    return ["postgres", box.url]


def reopen(box: Outbox) -> Outbox:
    """A new outbox object on the same queue (as after a restart, or in another process)."""
    kind, where = address(box)
    return FileOutbox(where) if kind == "file" else PostgresOutbox(where)


OPEN = """
import sys
from modules.storage.outbox import FileOutbox
from modules.storage.postgres_outbox import PostgresOutbox
box = FileOutbox(sys.argv[2]) if sys.argv[1] == "file" else PostgresOutbox(sys.argv[2])
"""


def test_entries_stay_pending_until_marked_and_come_oldest_first(box):
    keys = box.enqueue([statement(i) for i in range(5)])
    assert box.pending() == 5
    first = box.take(2)
    assert [e.statement["n"] for e in first] == [0, 1] and [e.key for e in first] == keys[:2]
    assert box.take(2) == first, "taken is not removed: only marking is"
    box.mark_sent(e.key for e in first)
    assert [e.statement["n"] for e in box.take(10)] == [2, 3, 4]
    assert box.pending() == 3


def test_a_crash_between_take_and_mark_sends_again(box):
    box.enqueue([statement(1), statement(2)])
    taken = box.take(10)
    # ... the process dies here, after posting and before marking ...
    reopened = reopen(box)
    assert reopened.take(10) == taken and reopened.pending() == 2


def test_set_aside_leaves_the_queue_and_keeps_the_reason(box):
    keys = box.enqueue([statement(1), statement(2)])
    box.set_aside(keys[0], "HTTP 400: bad verb")
    assert [e.key for e in box.take(10)] == [keys[1]]
    [aside] = box.set_aside_entries()
    assert (aside.key, aside.statement_id, aside.reason) == (keys[0], statement(1)["id"], "HTTP 400: bad verb")


def test_an_actor_s_entries_are_forgotten_pending_or_set_aside(box):
    def by(name: str, n: int) -> dict:
        return statement(n) | {"actor": {"account": {"homePage": "https://samenspel.example", "name": name}}}

    keys = box.enqueue([by("anna", 1), by("bas", 2), by("anna", 3), statement(4)])
    box.set_aside(keys[2], "HTTP 400: refused")
    assert box.forget("anna") == 2
    assert [e.statement["n"] for e in box.take(10)] == [2, 4]
    assert not any(a.statement_id for a in box.set_aside_entries()), "the set-aside statement is gone too"
    assert box.forget("anna") == 0 and box.forget("nobody") == 0 and box.pending() == 2


def test_a_torn_line_costs_only_itself(file_box):
    box = file_box
    box.enqueue([statement(1)])
    with open(box.queue, "ab") as handle:
        handle.write(b'\n{"key": "torn", "statement": {"id": "x"')  # a write cut short by a crash
    box.enqueue([statement(2)])
    with open(box.sent, "ab") as handle:
        handle.write(b'\n{"key": ')
    assert [e.statement["n"] for e in box.take(10)] == [1, 2]


def test_concurrent_enqueues_from_threads_lose_nothing(box):
    per_thread, threads = 40, 8

    def work(t: int) -> None:
        for i in range(per_thread):
            box.enqueue([statement(t * 1000 + i), statement(t * 1000 + 500 + i)])

    running = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    found = [e.statement["n"] for e in box.take(10_000)]
    expected = {t * 1000 + i for t in range(threads) for i in range(per_thread)}
    expected |= {t * 1000 + 500 + i for t in range(threads) for i in range(per_thread)}
    assert sorted(found) == sorted(expected)


ENQUEUER = (
    OPEN
    + """
tag, count = int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    box.enqueue([{"id": f"{tag}-{i}", "n": tag * 1000 + i}])
"""
)


def test_concurrent_enqueues_from_processes_lose_nothing(box):
    processes, per_process = 4, 100
    running = [
        subprocess.Popen([sys.executable, "-c", ENQUEUER, *address(box), str(tag), str(per_process)], cwd=ROOT)
        for tag in range(processes)
    ]
    box.enqueue([{"id": "parent", "n": -1}])
    assert all(p.wait(timeout=60) == 0 for p in running)
    found = sorted(e.statement["n"] for e in box.take(10_000))
    assert found == sorted([-1, *(t * 1000 + i for t in range(processes) for i in range(per_process))])


def test_compaction_keeps_what_is_pending_while_others_enqueue(file_box, monkeypatch):
    box = file_box
    monkeypatch.setattr(outbox_module, "COMPACT_AFTER", 20)
    stop = threading.Event()
    added: list[int] = []

    def enqueue_all_the_time() -> None:
        n = 0
        while not stop.is_set():
            box.enqueue([statement(100_000 + n)])
            added.append(100_000 + n)
            n += 1

    writer = threading.Thread(target=enqueue_all_the_time)
    writer.start()
    box.enqueue([statement(i) for i in range(200)])
    sent: list[int] = []
    try:
        while len(sent) < 200:
            taken = [e for e in box.take(15) if e.statement["n"] < 100_000][:15]
            box.mark_sent(e.key for e in taken)  # compacts every 20 marks or so
            sent += [e.statement["n"] for e in taken]
    finally:
        stop.set()
        writer.join()
    assert sorted(sent) == list(range(200))
    pending = sorted(e.statement["n"] for e in box.take(100_000))
    assert pending == sorted(added), "every statement enqueued during compaction is still pending"
    lines = [json.loads(line) for line in box.queue.read_bytes().split(b"\n") if line]
    kept_sent = [line for line in lines if line["statement"]["n"] < 100_000]
    assert len(kept_sent) < 40, "the queue was rewritten without (most of) what was sent"


def test_one_sender_at_a_time(box):
    with box.sending() as first:
        assert first
        with reopen(box).sending() as second:
            assert not second
        result: list[bool] = []

        def other_thread() -> None:
            with box.sending() as mine:
                result.append(mine)

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert result == [False]
    with box.sending() as again:
        assert again


HOLDER = (
    OPEN
    + """
with box.sending() as mine:
    print(mine, flush=True)
    sys.stdin.readline()
"""
)


def _holder(box: Outbox) -> subprocess.Popen:
    """Another process that takes the sender's turn and keeps it until told (a line on its stdin)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, *address(box)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
    return holder


def _turn_comes_back(box: Outbox, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with box.sending() as mine:
            if mine:
                return True
        time.sleep(0.05)
    return False


def test_one_sender_at_a_time_across_processes(box):
    holder = _holder(box)
    try:
        with box.sending() as mine:
            assert not mine, "another process has the turn"
        box.enqueue([statement(1)])
        assert lrs.drain(box, LRS, send=FakeLrs()).busy and box.pending() == 1
        assert holder.stdin is not None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
    assert _turn_comes_back(box)


def test_a_sender_killed_in_its_turn_gives_the_turn_up(box):
    holder = _holder(box)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    assert _turn_comes_back(box), "a dead process keeps no turn (the file lock, or the database session, ends)"


# --- the sender's rules, with a stand-in for the LRS ----------------------------------------------


class FakeLrs:
    """Answers like an LRS: stores statements by id, refuses statements marked ``poison``, or is down."""

    def __init__(self) -> None:
        self.stored: dict[str, dict] = {}
        self.posts: list[list[str]] = []
        self.down: int | None = None  # an HTTP status to answer with, or 0 for no connection

    def __call__(self, _lrs: lrs.Lrs, statements: list[dict]) -> lrs.Answer:
        ids = [s["id"] for s in statements]
        self.posts.append(ids)
        assert len(ids) == len(set(ids)), "a batch never names a statement twice"
        if self.down == 0:
            raise lrs.Unavailable("connection refused")
        if self.down is not None:
            return lrs.Answer(self.down, "down", retry_after=7.0 if self.down == 429 else None)
        if any(s.get("poison") for s in statements):
            return lrs.Answer(400, "invalid statement")
        if any(s["id"] in self.stored and self.stored[s["id"]] != s for s in statements):
            return lrs.Answer(409, "conflict")
        fresh = [s for s in statements if s["id"] not in self.stored]
        self.stored.update({s["id"]: s for s in fresh})
        return lrs.Answer(200 if fresh else 204, "[]")


LRS = lrs.Lrs("http://127.0.0.1:9/xAPI/", "key", "secret")


def test_drain_sends_everything_in_batches(box):
    fake = FakeLrs()
    box.enqueue([statement(i) for i in range(7)])
    report = lrs.drain(box, LRS, batch=3, send=fake)
    assert (report.sent, report.pending, report.stopped) == (7, 0, None)
    assert [len(p) for p in fake.posts] == [3, 3, 1]
    box.enqueue([statement(3)])  # sent again (a re-queued history): the LRS keeps it once
    assert lrs.drain(box, LRS, send=fake).pending == 0 and len(fake.stored) == 7


def test_a_poison_statement_is_set_aside_and_the_rest_arrives(box):
    fake = FakeLrs()
    box.enqueue([statement(i) for i in range(5)] + [statement(5) | {"poison": True}] + [statement(6)])
    report = lrs.drain(box, LRS, batch=10, send=fake)
    assert (report.sent, report.set_aside, report.pending) == (6, 1, 0)
    assert sorted(fake.stored) == sorted(statement(i)["id"] for i in (0, 1, 2, 3, 4, 6))
    [aside] = box.set_aside_entries()
    assert aside.statement_id == statement(5)["id"] and aside.reason.startswith("HTTP 400")


def test_409_for_one_statement_counts_as_sent_and_for_a_batch_is_split(box):
    fake = FakeLrs()
    fake.stored[statement(1)["id"]] = {"other": "content"}
    box.enqueue([statement(0), statement(1), statement(2)])
    report = lrs.drain(box, LRS, send=fake)
    assert (report.sent, report.set_aside, report.pending) == (3, 0, 0)
    assert set(fake.stored) == {statement(i)["id"] for i in range(3)}, "the batch's new statements arrived"


def test_the_same_statement_queued_twice_is_posted_once_per_batch(box):
    fake = FakeLrs()
    box.enqueue([statement(1), statement(1), statement(2)])
    assert lrs.drain(box, LRS, send=fake).pending == 0
    assert fake.posts == [[statement(1)["id"], statement(2)["id"]]]


@pytest.mark.parametrize("down", [0, 500, 503, 429, 401, 403, 404])
def test_an_lrs_that_is_down_or_refuses_us_keeps_everything_pending(box, down):
    fake = FakeLrs()
    fake.down = down
    box.enqueue([statement(i) for i in range(4)])
    report = lrs.drain(box, LRS, batch=2, send=fake)
    assert report.stopped and (report.sent, report.set_aside, report.pending) == (0, 0, 4)
    assert len(fake.posts) == 1, "no second batch while the LRS is down"
    assert report.retry_after == (7.0 if down == 429 else None)
    fake.down = None
    assert lrs.drain(box, LRS, batch=2, send=fake).pending == 0
    assert len(fake.stored) == 4


def test_another_sender_has_the_turn(box):
    box.enqueue([statement(1)])
    with box.sending():
        report = lrs.drain(box, LRS, send=FakeLrs())
    assert report.busy and report.pending == 1


def test_the_backoff_doubles_up_to_its_maximum_and_resets(file_box):
    sender = lrs.Sender(file_box, LRS, "test")
    down = lrs.Report(stopped="down")
    waits = [sender.delay(down) for _ in range(12)]
    assert all(0.75 * lrs.FIRST_BACKOFF * 2**i <= w <= lrs.FIRST_BACKOFF * 2**i for i, w in enumerate(waits[:8]))
    assert max(waits) <= lrs.MAX_BACKOFF and waits[-1] >= 0.75 * lrs.MAX_BACKOFF
    assert sender.delay(lrs.Report(stopped="down", retry_after=30.0)) >= 30.0
    assert sender.delay(lrs.Report()) == lrs.POLL and sender.failures == 0


def test_post_reports_an_unreachable_lrs():
    with pytest.raises(lrs.Unavailable):
        lrs.post(lrs.Lrs("http://127.0.0.1:9/xAPI", "k", "s", timeout=2), [statement(1)])
    assert lrs.Lrs("http://lrs/xAPI/", "k", "s").statements_url == "http://lrs/xAPI/statements"
    assert lrs.Lrs("http://lrs/xAPI/statements", "k", "s").statements_url == "http://lrs/xAPI/statements"


# --- queueing saves ---------------------------------------------------------------------------------


def test_saves_are_queued_only_with_an_lrs_and_never_for_the_demo(store, tmp_path, monkeypatch, library):
    monkeypatch.setattr(practice, "SAVED_LISTENERS", [lrs.queue_saved])
    scenario = library.get("de-taalbarriere")
    real = store
    assert isinstance(open_outbox(real), PostgresOutbox if getattr(real, "url", None) else FileOutbox)
    teacher = accounts.sign_up(real, "juf-anna", "een-lang-wachtwoord")
    practice.start(real, teacher, scenario, None)
    assert open_outbox(real).pending() == 0, "no LRS, no queue"

    monkeypatch.setenv("SAMENSPEL_LRS_URL", "http://127.0.0.1:9/xAPI/")
    attempt = practice.start(real, teacher, scenario, None)
    attempt = practice.choose(real, scenario, attempt, scenario.nodes[attempt.state.node].choices[0].id)
    verbs = [e.statement["verb"]["id"].rsplit("/", 1)[1] for e in open_outbox(real).take(10)]
    assert verbs == ["attempted", "answered"]

    demo = TinyDBStore(tmp_path / "demo", demo=True)
    player = accounts.sign_up(demo, "demo-leraar", "een-lang-wachtwoord")
    practice.start(demo, player, scenario, None)
    assert open_outbox(demo).pending() == 0, "the demo's data is never sent"
    assert not lrs.start(demo)


@pytest.mark.expected_failures
def test_a_failing_listener_never_loses_the_save(tmp_path, monkeypatch, library, caplog):
    def broken(*_args) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(practice, "SAVED_LISTENERS", [broken])
    store = TinyDBStore(tmp_path / "data")
    teacher = accounts.sign_up(store, "juf-anna", "een-lang-wachtwoord")
    attempt = practice.start(store, teacher, library.get("de-taalbarriere"), None)
    assert store.get_attempt(teacher.id, attempt.id) == attempt
    assert "a listener of saved attempts and reflections failed" in caplog.text


def test_deleting_an_account_removes_its_statements_not_yet_sent(store, monkeypatch, library):
    from modules.exchange import mydata

    monkeypatch.setattr(practice, "SAVED_LISTENERS", [lrs.queue_saved])
    monkeypatch.setenv("SAMENSPEL_LRS_URL", "http://127.0.0.1:9/xAPI/")
    scenario = library.get("de-taalbarriere")
    leaving = accounts.sign_up(store, "juf-anna", "een-lang-wachtwoord")
    staying = accounts.sign_up(store, "meester-bas", "een-lang-wachtwoord")
    for user in (leaving, staying, leaving):
        practice.start(store, user, scenario, None)
    box = open_outbox(store)
    box.set_aside(box.take(1)[0].key, "refused")  # one of the leaving teacher's, set aside: it goes too
    assert box.pending() == 2

    mydata.delete(store, leaving)
    remaining = box.take(10)
    assert len(remaining) == 1 and not any(a.statement_id for a in box.set_aside_entries())
    kept = remaining[0].statement["actor"]["account"]["name"]
    assert kept == lrs.statements_of(store, store.list_attempts(staying.id)[0], scenario)[0]["actor"]["account"]["name"]
    assert box.forget("nobody") == 0
