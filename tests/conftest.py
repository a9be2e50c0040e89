"""Shared fixtures: a throw-away store, the real catalogue and library, an AppTest factory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
    from modules.store import TinyDBStore

    return TinyDBStore(tmp_path / "progress")


@pytest.fixture(scope="session")
def catalogue():
    from modules.principles import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def library():
    from modules.library import load_library

    return load_library()


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Environment for AppTest: an empty data folder, no demo profile."""
    data = tmp_path / "progress"
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(data))
    monkeypatch.setenv("SAMENSPEL_DEMO", "0")
    return data
