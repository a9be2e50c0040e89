"""Fixtures for the end-to-end test: the app as a real server, and Debian's Chromium via Playwright.

Run: ``CI=true .venv/bin/python -m pytest tests/e2e -x -q`` (``-m "not e2e"`` skips these tests).
Without ``/usr/bin/chromium`` the tests are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import expect  # noqa: E402
from server import CHROMIUM, UI_TIMEOUT, AppServer, launch_chromium, new_context, start_app  # noqa: E402

# Playwright's own default (5 s) is shorter than one rerun of a page may take on a loaded CI machine
# (a click, then ``settle`` returns before the rerun started): every ``expect`` waits as long as a rerun may.
expect.set_options(timeout=UI_TIMEOUT)

_SERVER_KEY = pytest.StashKey[AppServer]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end test in a real browser against `streamlit run app.py`")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"CI is set, so the browser test may not be skipped: {message}", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, chromium_path: Path):
    """``streamlit run app.py`` with an empty data folder; the log is attached to failing tests."""
    server = start_app(tmp_path_factory.mktemp("e2e") / "data")
    request.config.stash[_SERVER_KEY] = server
    yield server
    server.stop()
    del request.config.stash[_SERVER_KEY]


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server: AppServer):
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Opens a page in a fresh browser (``new_page(width, height)``); each is closed after the test."""
    made = []

    def make(width: int = 1100, height: int = 1000, **options):
        context = new_context(browser, width, height, **options)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    server = item.config.stash.get(_SERVER_KEY, None)
    if report.failed and server is not None:
        report.sections.append(("streamlit server log", server.log()))
    return report
