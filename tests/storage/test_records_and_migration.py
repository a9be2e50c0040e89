"""Typed records: a format version on every stored record and scenario file, upgrades when read,
``python -m modules migrate``, and timezone-aware times."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError

from modules.library.lint import check_file
from modules.records import Account, FormatError, Record, TeamSession
from modules.records.base import Migration
from modules.storage import CorruptDataError, TinyDBStore, migrate
from tests.conftest import FIXTURES, ROOT


class Note(Record):
    """A toy record with three versions: v0 'txt', v1 'text', v2 adds 'words', v3 'words' as int."""

    FORMAT: ClassVar[int] = 3
    MIGRATIONS: ClassVar[dict[int, Migration]] = {
        0: lambda d: {**{k: v for k, v in d.items() if k != "txt"}, "text": d["txt"]},
        1: lambda d: {**d, "words": str(len(d["text"].split()))},
        2: lambda d: {**d, "words": int(d["words"])},
    }
    text: str
    words: int


def test_an_old_record_is_upgraded_step_by_step_when_read():
    note = Note.from_stored({"txt": "drie losse woorden"})
    assert (note.text, note.words, note.format_version) == ("drie losse woorden", 3, 3)
    assert Note.from_stored({"format_version": 2, "text": "een twee", "words": "2"}).words == 2
    current = {"format_version": 3, "text": "al goed", "words": 2}
    assert Note.from_stored(current).model_dump() == current


def test_a_record_from_a_newer_samenspel_is_refused_clearly():
    with pytest.raises(FormatError, match="written by a newer Samenspel"):
        Note.from_stored({"format_version": 4, "text": "x", "words": 1})


@pytest.mark.tinydb_only
def test_a_newer_record_in_the_store_is_reported_and_kept(store):
    path = store.root / "accounts.json"
    path.write_text(
        json.dumps(
            {
                "accounts": {
                    "1": {
                        "format_version": 9,
                        "id": "a" * 32,
                        "username": "later",
                        "key": "later",
                        "created_at": "2030-01-01T00:00:00+00:00",
                    }
                }
            }
        )
    )
    before = path.read_bytes()
    with pytest.raises(CorruptDataError, match="newer Samenspel"):
        store.find_account(username="later")
    assert path.read_bytes() == before


def test_old_team_sessions_lose_their_url_token_when_read():
    old: dict[str, Any] = {
        "id": "b" * 32,
        "code": "ABC234",
        "facilitator_id": "c" * 32,
        "scenario_id": "s",
        "expires_at": "",
        "created_at": "2026-11-30T10:00:00+00:00",
        "participants": [
            {"id": "d" * 32, "name": "Gast", "guest": True, "token": "geheim", "joined_at": "2026-11-30T10:01:00+00:00"}
        ],
    }
    session = TeamSession.from_stored(old)
    assert session.expires_at is None and session.format_version == 1
    assert "geheim" not in session.model_dump_json()


def test_times_are_timezone_aware():
    with pytest.raises(ValidationError):
        Account(username="leraar", created_at=datetime(2026, 12, 1, 9, 0))  # no time zone: refused
    assert Account(username="leraar").created_at.utcoffset() is not None


@pytest.mark.parametrize("folder", ["data-2026-11", "data-2026-12"])
def test_migrate_rewrites_every_record_in_the_current_format(tmp_path, folder):
    root = shutil.copytree(FIXTURES / folder, tmp_path / "progress")
    first = migrate(TinyDBStore(root))
    assert first["account"] == 5 and first["attempt"] == 2 and first["team_session"] == 2
    for path in root.rglob("*.json"):
        for table in json.loads(path.read_text()).values():
            for doc in table.values():
                assert doc["format_version"] == 1, (path.name, doc)
    assert migrate(TinyDBStore(root)) == first, "a second run changes nothing"
    assert TinyDBStore(root).find_account(username="juf-anna").format_version == 1

    result = subprocess.run(
        [sys.executable, "-m", "modules", "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SAMENSPEL_DATA_DIR": str(root)},
    )
    assert result.returncode == 0, result.stderr
    assert "are in the current format" in result.stdout and "account" in result.stdout


def test_a_scenario_file_of_a_newer_format_is_reported(tmp_path, catalogue):
    source = (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")
    newer = tmp_path / "nieuwer.yaml"
    newer.write_text("format_version: 2\n" + source, encoding="utf-8")
    scenario, problems = check_file(newer, catalogue)
    assert scenario is None
    assert any(p.location == "format_version" and p.line == 1 for p in problems), [str(p) for p in problems]
