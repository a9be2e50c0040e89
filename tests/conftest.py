"""Shared fixtures: a throw-away store on each backend, the real catalogue and library, an AppTest factory.

The ``store`` fixture runs every test that uses it twice, on TinyDB (``[tinydb]``) and on PostgreSQL
(``[postgres]``): the contract suite. A test about TinyDB's files (their layout, corrupt or atomic
files, the vote log) carries ``@pytest.mark.tinydb_only`` and runs on TinyDB alone. The PostgreSQL
side uses one throwaway cluster per test session (``tests/pg_cluster.py``); each test gets the
database empty (every table truncated). Without PostgreSQL those tests are skipped with the reason,
except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pg_cluster import Cluster, Unavailable
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
    monkeypatch.delenv("SAMENSPEL_DATABASE_URL", raising=False)


BACKENDS = ("tinydb", "postgres")


def pytest_generate_tests(metafunc):
    """Every test that uses ``store`` runs on each backend, unless it is marked ``tinydb_only``."""
    if "store" in metafunc.fixturenames:
        only_tinydb = metafunc.definition.get_closest_marker("tinydb_only") is not None
        metafunc.parametrize("store", ["tinydb"] if only_tinydb else list(BACKENDS), indirect=True)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the whole test session, with the schema in a database
    ``samenspel``; yields ``(cluster, url, admin connection)``. Skips without PostgreSQL, fails in CI."""
    try:
        cluster = Cluster.start()
    except Unavailable as exc:
        if _in_ci():
            pytest.fail(f"PostgreSQL is required in CI (CI=true): {exc}")
        pytest.skip(f"no PostgreSQL for the contract tests on PostgreSQL: {exc}")
    import psycopg

    from modules.storage import postgres_store

    try:
        url = cluster.create_database("samenspel")
        postgres_store.PostgresStore(url)  # applies the migrations
        admin = psycopg.connect(url, autocommit=True)
        tables = [
            t
            for (t,) in admin.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
            ).fetchall()
        ]
        truncate = ("TRUNCATE " + ", ".join(tables)).encode()
        yield cluster, url, admin, truncate
        admin.close()
    finally:
        postgres_store.close_pools()
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """The test database, emptied for this test (every table but ``schema_version`` truncated)."""
    from modules.storage import postgres_store

    _cluster, url, admin, truncate = pg_cluster
    admin.execute(truncate)
    if url in postgres_store._DATABASES:  # emptied behind the store's back: its key and kind are gone
        postgres_store._DATABASES[url].forget()
    return url


@pytest.fixture
def store(request, tmp_path):
    """A throw-away store: TinyDB in a temporary folder, or PostgreSQL on the emptied test database."""
    from modules.storage import TinyDBStore

    if request.param == "tinydb":
        return TinyDBStore(tmp_path / "progress")
    from modules.storage.postgres_store import PostgresStore

    return PostgresStore(request.getfixturevalue("pg_url"), root=tmp_path / "progress")


def store_address(store) -> str:
    """Where a store's data is, as text another process can open (``open_address``)."""
    url = getattr(store, "url", None)
    return url if url else f"tinydb:{store.root}"


def open_address(address: str, demo: bool = False):
    """A new store object on the data at ``address`` (as another thread, process or app server would open it)."""
    from modules.storage import TinyDBStore

    if address.startswith("tinydb:"):
        return TinyDBStore(address.removeprefix("tinydb:"), demo=demo)
    from modules.storage.postgres_store import PostgresStore

    return PostgresStore(address, demo=demo)


def reopen(store):
    """A new store object on the same data."""
    return open_address(store_address(store), demo=store.demo)


def stored_text(store) -> str:
    """Everything the store holds, as text (every file but the key; every row of every table but the
    key's): for tests that check what is, or is no longer, stored anywhere."""
    url = getattr(store, "url", None)
    if url is None:
        return "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(store.root.rglob("*"))
            if p.is_file() and p.name != "secret.key" and not p.name.endswith(".lock")
        )
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        rows = []
        for table in tables:
            query = f"SELECT t::text FROM {table} t" + (" WHERE key <> 'secret'" if table == "store_meta" else "")
            rows += [f"{table}: {r}" for (r,) in conn.execute(query.encode()).fetchall()]
    return "\n".join(rows)


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
    config.addinivalue_line(
        "markers",
        "tinydb_only: the test is about the TinyDB store's files (layout, corrupt or atomic files, the vote "
        "log); its store fixture runs on TinyDB alone",
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
