"""Data written by earlier versions still loads: every kind of record, through the store and the services.

``tests/fixtures/data-2026-11`` was written by main as of 2026-11-30 (before the security work:
the throttle inside accounts.json, participant tokens, 6-character join codes), and
``data-2026-12`` by main as of 2026-12-01 (logins, hashed throttle, device-bound guests).
Both hold accounts of every role, a finished and an unfinished attempt, a shared reflection
with comments and a read marker, a nickname profile, an open team session with votes and a
finished one. The tests copy a fixture and use it as the app would, with every timestamp moved
forward by the same amount so the fixture reads as written a minute ago (an open session
otherwise closes itself three hours after the fixture was made, and the test would depend on
the day it runs).
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from modules.deployment import startup
from modules.exchange import mydata
from modules.library.scenarios import load_library
from modules.people import accounts
from modules.play import engine
from modules.storage import TinyDBStore
from modules.team import sessions as team
from tests.conftest import FIXTURES

PASSWORD = "een-lang-wachtwoord"
FOLDERS = ["data-2026-11", "data-2026-12"]


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


def _as_if_written_just_now(root: Path) -> None:
    """Shift every timestamp in the copied data by one amount: the earliest becomes a minute ago."""
    files = list(root.rglob("*.json"))
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    stamps = [datetime.fromisoformat(m) for text in texts.values() for m in TIMESTAMP.findall(text)]
    shift = datetime.now(UTC) - timedelta(minutes=1) - min(stamps)

    def moved(match: re.Match[str]) -> str:
        return (datetime.fromisoformat(match.group()) + shift).isoformat()

    for file, text in texts.items():
        file.write_text(TIMESTAMP.sub(moved, text), encoding="utf-8")


@pytest.fixture(params=FOLDERS)
def old_data(request, tmp_path, monkeypatch):
    root = shutil.copytree(FIXTURES / request.param, tmp_path / "progress")
    _as_if_written_just_now(root)
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(root))
    startup.forget()
    report = startup.prepare()
    assert report.ok, report.problems
    yield TinyDBStore(root)
    startup.forget()


def test_every_account_still_signs_in_or_sets_its_password(old_data):
    roles = {a.username: a.role for a in old_data.list_accounts()}
    assert roles["juf-anna"] == "teacher" and roles["coach-bert"] == "coach"
    assert roles["beheerder"] == "admin" and roles["gespreksleider"] == "facilitator"
    for username in ("juf-anna", "coach-bert", "beheerder", "gespreksleider"):
        assert accounts.sign_in(old_data, username, PASSWORD).username == username
    assert old_data.find_account(username="nieuwe-coach").needs_password
    assert old_data.find_account(username="oude schuilnaam").migrated_from_nickname


def test_attempts_reflections_comments_and_links_load(old_data):
    library = load_library()
    teacher = old_data.find_account(username="juf-anna")
    coach = old_data.find_account(username="coach-bert")
    attempts = old_data.list_attempts(teacher.id)
    assert len(attempts) == 2 and sum(a.finished for a in attempts) == 1
    for attempt in attempts:
        scenario = library.get(attempt.scenario_id)
        assert engine.replay(scenario, attempt.state.choice_ids()).node == attempt.state.node
    (item,) = old_data.list_reflections(teacher.id)
    assert [c.text for c in old_data.list_comments(teacher.id, item.id)] == ["Mooi.", "Dank je."]
    assert old_data.seen(teacher.id)
    assert old_data.connections(teacher_id=teacher.id)[0].coach_id == coach.id
    assert old_data.shares(coach_id=coach.id)[0].reflection_id == item.id


def test_team_sessions_load_and_go_on(old_data):
    library = load_library()
    sessions = old_data.list_team_sessions()
    assert sorted(s.status for s in sessions) == ["finished", "open"]
    finished = next(s for s in sessions if s.status == "finished")
    assert team.state(finished, library.get(finished.scenario_id)).finished
    running = next(s for s in sessions if s.status == "open")
    assert len(running.current_votes()) == 2
    teacher = old_data.find_account(username="juf-anna")
    again, me = team.join(old_data, running.code, account=teacher)  # the old code still works
    assert me.user_id == teacher.id and again.vote_of(me.id).reason == "Omdat het past"


def test_every_user_can_export_and_delete_their_data(old_data):
    for account in old_data.list_accounts():
        mine = mydata.export(old_data, account)
        assert mine["account"]["username"] == account.username
    teacher = old_data.find_account(username="juf-anna")
    mydata.delete(old_data, teacher)
    assert teacher.id not in "".join(p.read_text() for p in old_data.root.rglob("*.json"))
