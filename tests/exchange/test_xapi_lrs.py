"""Against a real Learning Record Store: Ralph with its file-system backend, started once for this module on
localhost (see tests/exchange/ralph.py). Statements of a play-through arrive; with the LRS down they wait in the
queue, and when it is back all arrive, none twice; a statement the LRS refuses is set aside and the rest
arrives; a wrong secret loses nothing. Each runs on both stores (``store``): the queue in the data folder
(TinyDB) and in the database (PostgreSQL)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from modules import cli
from modules.exchange import lrs, xapi
from modules.people import accounts
from modules.play import engine, practice
from modules.storage.outbox import open_outbox
from tests.exchange.ralph import KEY, SECRET, Ralph, lrs_or_skip

PASSWORD = "een-lang-wachtwoord"
TAAL = "de-taalbarriere"


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    server = lrs_or_skip(tmp_path_factory.mktemp("ralph"))
    yield server
    server.stop()


@pytest.fixture
def world(ralph: Ralph, store, monkeypatch):
    """A store with a teacher, an LRS configured, and saves queued as the app queues them; the commands
    (``python -m modules xapi``) open the same store."""
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(store.root))
    if getattr(store, "url", None):
        monkeypatch.setenv("SAMENSPEL_DATABASE_URL", store.url)
    monkeypatch.setenv("SAMENSPEL_LRS_URL", ralph.url)
    monkeypatch.setenv("SAMENSPEL_LRS_KEY", KEY)
    monkeypatch.setenv("SAMENSPEL_LRS_SECRET", SECRET)
    monkeypatch.setattr(practice, "SAVED_LISTENERS", [lrs.queue_saved])
    teacher = accounts.sign_up(store, "juf-anna", PASSWORD)
    yield store, teacher
    lrs.stop_all()
    if ralph.process is None:
        ralph.start()


def play(store, library, user, pick=lambda choices: choices[0]):
    scenario = library.get(TAAL)
    attempt = practice.start(store, user, scenario, None)
    while not attempt.finished:
        choices = engine.available_choices(scenario, practice.replayed(scenario, attempt))
        attempt = practice.choose(store, scenario, attempt, pick(choices).id)
    practice.save_reflection(
        store, user, {"ik_wilde": "Luisteren."}, "Ik vraag eerst wat zij wil.", attempt_id=attempt.id
    )
    return attempt


def arrived(ralph: Ralph) -> Counter:
    return Counter(s["id"] for s in ralph.stored())


def test_the_statements_of_a_play_through_arrive(world, ralph, library):
    store, teacher = world
    play(store, library, teacher)
    ours = xapi.user_statements(store, library, teacher)
    outbox = open_outbox(store)
    assert outbox.pending() == len(ours), "every save queued its statements"

    report = lrs.drain(outbox, lrs.configured())
    assert (report.sent, report.set_aside, report.pending, report.stopped) == (len(ours), 0, 0, None)
    stored = {s["id"]: s for s in ralph.stored()}
    for statement in ours:
        kept = stored[statement["id"]]
        for part in ("actor", "verb", "object", "result", "context", "timestamp"):
            assert kept.get(part) == statement.get(part), part
    assert all(arrived(ralph)[s["id"]] == 1 for s in ours)


def test_lrs_down_then_up_everything_arrives_once(world, ralph, library, monkeypatch):
    store, teacher = world
    monkeypatch.setattr(lrs, "FIRST_BACKOFF", 0.2)
    monkeypatch.setattr(lrs, "MAX_BACKOFF", 1.0)
    monkeypatch.setattr(lrs, "POLL", 0.5)
    outbox = open_outbox(store)
    ralph.stop()
    assert lrs.start(store), "the background sender runs for a configured LRS"
    play(store, library, teacher)
    play(store, library, teacher, pick=lambda choices: choices[-1])
    ours = {s["id"] for s in xapi.user_statements(store, library, teacher)}
    time.sleep(1.0)  # the sender has tried, and backs off
    assert outbox.pending() == len(ours), "nothing is lost while the LRS is down"

    ralph.start()
    deadline = time.monotonic() + 30
    while outbox.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert outbox.pending() == 0
    counts = arrived(ralph)
    assert ours <= set(counts) and all(counts[i] == 1 for i in ours), "all arrived, none twice"

    # Queueing the whole history again (an administrator's `xapi enqueue --all`) changes nothing in the LRS.
    lrs.stop_all()
    assert lrs.queue_history(store, library, [teacher]) == len(ours)
    assert lrs.drain(outbox, lrs.configured()).pending == 0
    assert arrived(ralph) == counts


def test_a_statement_the_lrs_refuses_is_set_aside_and_the_rest_arrives(world, ralph, library):
    store, teacher = world
    outbox = open_outbox(store)
    play(store, library, teacher)
    names = xapi.ids()
    broken = xapi.reflection_statement(
        store.list_reflections(teacher.id)[0], xapi.actor(store, teacher.id, names), names
    )
    broken |= {"id": "not-a-uuid"}
    outbox.enqueue([broken])
    ours = {s["id"] for s in xapi.user_statements(store, library, teacher)}

    report = lrs.drain(outbox, lrs.configured())
    assert (report.sent, report.set_aside, report.pending) == (len(ours), 1, 0)
    [aside] = outbox.set_aside_entries()
    assert aside.statement_id == "not-a-uuid" and aside.reason.startswith(("HTTP 400", "HTTP 422"))
    assert ours <= set(arrived(ralph))


def test_a_wrong_secret_loses_nothing_and_the_command_sends_later(world, ralph, library, monkeypatch, capsys):
    store, teacher = world
    outbox = open_outbox(store)
    play(store, library, teacher)
    waiting = outbox.pending()
    monkeypatch.setenv("SAMENSPEL_LRS_SECRET", "verkeerd")
    report = lrs.drain(outbox, lrs.configured())
    assert report.stopped and "401" in report.stopped and (report.set_aside, report.pending) == (0, waiting)

    monkeypatch.setenv("SAMENSPEL_LRS_SECRET", SECRET)
    assert cli.main(["xapi", "send"]) == 0
    assert f"sent {waiting}, set aside 0, waiting 0" in capsys.readouterr().out
    assert cli.main(["xapi", "status"]) == 0
    assert "0 statement(s) wait" in capsys.readouterr().out
