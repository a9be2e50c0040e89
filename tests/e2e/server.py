"""Shared by the browser test (``conftest.py``) and ``screenshot.py``: start the app, launch Chromium, play.

The app runs as a real ``streamlit run app.py`` subprocess in its own process
group, with its data in a throw-away folder (``SAMENSPEL_DATA_DIR``), no demo
accounts (``SAMENSPEL_DEMO=0``) and cheap Argon2id parameters
(``SAMENSPEL_ARGON2_PROFILE=test``, the same algorithm). The browser is Debian's
``/usr/bin/chromium`` driven by Playwright; Playwright's own browser download
is not used (never run ``playwright install``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 60.0  # seconds until /_stcore/health must answer
UI_TIMEOUT = 20_000  # ms: the longest one Streamlit rerun may take in the browser


def _python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppStartError(RuntimeError):
    pass


@dataclass
class AppServer:
    """A running ``streamlit run app.py``; ``stop()`` ends it and its whole process group."""

    process: subprocess.Popen
    port: int
    data_dir: Path
    log_path: Path
    _log_handle: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # the process leads its own session, so its group id is its pid


def start_app(
    data_dir: Path,
    *,
    scenario_dir: Path | None = None,
    timeout: float = STARTUP_TIMEOUT,
    demo: bool = False,
    via_app_sh: bool = False,
) -> AppServer:
    """Start the app on a free port and wait until it is healthy; raises AppStartError with the log.

    ``via_app_sh`` starts it with the README's first command (``bash scripts/app.sh``), which
    switches the demo on unless SAMENSPEL_DEMO says otherwise.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-streamlit.log"
    env = dict(
        os.environ,
        SAMENSPEL_DATA_DIR=str(data_dir),
        SAMENSPEL_DEMO="1" if demo else "0",
        SAMENSPEL_ARGON2_PROFILE="test",
        PYTHONUNBUFFERED="1",
    )
    if via_app_sh:
        env.pop("SAMENSPEL_DEMO")
    env.pop("SAMENSPEL_SCENARIO_DIR", None)  # the bundled scenarios/ folder, unless asked otherwise
    if scenario_dir is not None:
        env["SAMENSPEL_SCENARIO_DIR"] = str(scenario_dir)
    port = free_port()
    options = [
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    if via_app_sh:
        command = ["bash", "scripts/app.sh", *options]
    else:
        command = [_python(), "-m", "streamlit", "run", "app.py", *options]
    log_handle = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=log_handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = AppServer(process, port, data_dir, log_path, log_handle)
    health = f"{server.url}/_stcore/health"
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            server.stop()
            raise AppStartError(
                f"streamlit exited with code {process.returncode} before it was healthy.\n"
                f"--- server log ---\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise AppStartError(f"{health} did not answer within {timeout:.0f} s.\n--- server log ---\n{server.log()}")
        time.sleep(0.25)


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (its own download does not work here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def new_context(browser, width: int = 1100, height: int = 1000, **options):
    """A fresh browser (context) in Dutch at this window size; every action waits up to ``UI_TIMEOUT``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL", **options)
    context.set_default_timeout(UI_TIMEOUT)
    return context


# --- playing the app in a page -------------------------------------------------------------------
# These helpers only use what a user sees (labels, headings, button names), plus the
# ``st-key-<key>`` class Streamlit puts on the element container of a widget with a key.


def choice_buttons(page, step: int):
    """The choice buttons of decision ``step`` (keys ``choice-<step>-<choice id>``)."""
    return page.locator(f'[class*="st-key-choice-{step}-"]').get_by_role("button")


def ending(page):
    return page.get_by_text(re.compile(r"^Einde: "))


PASSWORD = "een-lang-e2e-wachtwoord"


def sign_up(page, url: str, username: str, password: str = PASSWORD) -> None:
    """Create a fresh teacher account on the welcome page; lands on the library."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("tab", name="Account maken", exact=True).click()
    page.get_by_role("textbox", name="Kies een gebruikersnaam", exact=True).fill(username)
    page.get_by_role("textbox", name=re.compile(r"^Kies een wachtwoord")).fill(password)
    page.get_by_role("textbox", name="Herhaal het wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Account maken", exact=True).click()
    expect(page.get_by_role("heading", name="Scenario's", exact=True)).to_be_visible(timeout=UI_TIMEOUT)


def sign_in(page, url: str | None, username: str, password: str = PASSWORD, *, landing: str = "Scenario's") -> None:
    """Sign in with an existing account (on the page already open when ``url`` is None).

    Waits for the role's start page (its heading ``landing``).
    """
    from playwright.sync_api import expect

    if url is not None:
        page.goto(url)
    page.get_by_role("tab", name="Inloggen", exact=True).click()
    page.get_by_role("textbox", name="Gebruikersnaam", exact=True).first.fill(username)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("heading", name=landing, exact=True)).to_be_visible(timeout=UI_TIMEOUT)


def open_list(combobox, shown, typed: str = "") -> None:
    """Click a selection list open (and type ``typed`` into it) until ``shown`` is visible.

    Streamlit's list (Base Web) now and then closes again at once after the click that opened it:
    the box keeps the focus and shows no options (about one run in three of the projector test file
    on this 2-core machine). Then the arrow key opens it, as a user who saw nothing happen would do;
    what the list should show must still be there."""
    from playwright.sync_api import expect

    combobox.click()
    if typed:
        combobox.page.keyboard.type(typed)
    try:
        expect(shown).to_be_visible(timeout=3_000)
    except AssertionError:
        combobox.press("ArrowDown")
    expect(shown).to_be_visible(timeout=UI_TIMEOUT)


def pick_option(page, combobox, name) -> None:
    """Choose an option of a selection list as a user does: click the list open, click the option."""
    option = page.get_by_role("option", name=name)
    open_list(combobox, option)
    option.click()


def pick_scenario(page, title: str):
    """In the facilitator's form *Nieuwe sessie*, choose the scenario ``title``; returns the form."""
    from playwright.sync_api import expect

    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Start de sessie"))
    picker = form.get_by_role("combobox", name="Scenario")
    pick_option(page, picker, re.compile(f"^{re.escape(title)} "))
    expect(picker).to_have_value(re.compile(f"^{re.escape(title)} "))
    return form


def start_scenario(page, title: str, own_words: bool = False) -> None:
    """From the library, start the scenario whose card has this title, then pass the intro form.

    'First say it yourself' is on by default in the app; it stays on only when ``own_words``.
    """
    from playwright.sync_api import expect

    from modules.library.scenarios import load_library

    heading = page.get_by_role("heading", name=title, exact=True)
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    (scenario_id,) = [s.id for s in load_library().sorted() if s.title == title]
    # The card's own Start button, by its widget key: a search by title and label can also catch a
    # suggestion ("Waar begin ik?") or a block of the page that is being redrawn.
    page.locator(f".st-key-start-{scenario_id}").get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="Scenario's", exact=True)).to_have_count(0, timeout=UI_TIMEOUT)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    start = page.get_by_role("button", name="Start het gesprek")
    expect(start).to_be_visible(timeout=UI_TIMEOUT)
    own_first = page.get_by_role("checkbox", name="Eerst zelf zeggen wat je zou doen")
    expect(own_first).to_be_checked()
    if not own_words:
        page.get_by_text("Eerst zelf zeggen wat je zou doen", exact=True).click()  # the label, as a user does
        expect(own_first).not_to_be_checked()
    start.click()
    if own_words:
        expect(page.get_by_text("Wat zou jij zeggen of doen?", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
        return
    expect(choice_buttons(page, 0).first).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_text("Wat doe je?", exact=True)).to_be_visible()


MAX_DECISIONS = 40  # far more than any bundled scenario needs; stops a loop that never ends


def play_to_end(page, step: int = 0) -> int:
    """Choose the first option from decision ``step`` on until the ending shows; returns the decisions made."""
    while not ending(page).is_visible():
        assert step < MAX_DECISIONS, f"no ending after {MAX_DECISIONS} decisions"
        choose_first(page, step)
        step += 1
    return step


def choose_first(page, step: int) -> str:
    """Click the first choice of decision ``step``; wait for the next decision or the ending.

    Returns the label of the button clicked.
    """
    from playwright.sync_api import expect

    button = choice_buttons(page, step).first
    expect(button).to_be_visible(timeout=UI_TIMEOUT)
    label = button.inner_text().strip()
    button.click()
    # Streamlit reruns asynchronously and keeps stale elements on screen until the run ends:
    # wait for what only the new run shows, then for the old buttons to be gone.
    expect(choice_buttons(page, step + 1).first.or_(ending(page))).to_be_visible(timeout=UI_TIMEOUT)
    expect(choice_buttons(page, step)).to_have_count(0, timeout=UI_TIMEOUT)
    return label
