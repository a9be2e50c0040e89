"""Shared fixtures: a throw-away store, the real catalogue and library, an AppTest factory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.streamlit_internals import downloads, navigation_messages  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"

os.chdir(ROOT)  # AppTest and page paths are relative to the repo root
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")  # cheap Argon2id parameters, same algorithm


@pytest.fixture(autouse=True)
def isolated_data(tmp_path, monkeypatch):
    """No test touches the real progress/ folder: every test gets its own data folder, demo off.

    ``app_env`` and tests that need the demo set these again explicitly.
    """
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(tmp_path / "progress-isolated"))
    monkeypatch.setenv("SAMENSPEL_DEMO", "0")


@pytest.fixture
def store(tmp_path):
    from modules.storage import TinyDBStore

    return TinyDBStore(tmp_path / "progress")


@pytest.fixture(scope="session")
def catalogue():
    from modules.content.principles import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def library():
    from modules.library.scenarios import load_library

    return load_library()


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Environment for AppTest: an empty data folder, no demo profile."""
    data = tmp_path / "progress"
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(data))
    monkeypatch.setenv("SAMENSPEL_DEMO", "0")
    return data


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "expected_failures: the test provokes errors that the app reports with a "
        "reference code (otherwise any such report fails the test)",
    )


@pytest.fixture(autouse=True)
def no_hidden_errors(request, caplog):
    """The app turns every unexpected error into a Dutch message with a reference code, so AppTest sees
    no exception. Such a report (logged by modules.deployment.startup.log_failure) fails the test, unless expected."""
    yield
    if request.node.get_closest_marker("expected_failures"):
        return
    records = caplog.get_records("setup") + caplog.get_records("call")  # caplog.records is teardown's by now
    reports = [r for r in records if r.name == "samenspel" and r.levelname == "ERROR"]
    assert not reports, "the app reported an error: " + "; ".join(
        f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage() for r in reports
    )
