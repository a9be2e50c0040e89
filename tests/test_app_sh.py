"""`bash scripts/app.sh` (the README's first command) prints the address Streamlit really serves and the
demo accounts as the demo makes them; each test starts it for real and stops it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from modules.deployment.demo import DEMO_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent
URL_LINE = re.compile(r"Open in your browser: (\S+)")
STARTUP = 60.0  # seconds


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, deadline: float, process: subprocess.Popen) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    return False


@contextlib.contextmanager
def app_sh(tmp_path: Path, *args: str, demo: str | None = None):
    """Run scripts/app.sh with ``args``; yields (printed URL, output so far, process)."""
    env = dict(os.environ, SAMENSPEL_DATA_DIR=str(tmp_path / "progress"), SAMENSPEL_ARGON2_PROFILE="test")
    env.pop("SAMENSPEL_DEMO", None)
    env.pop("STREAMLIT_SERVER_PORT", None)
    if demo is not None:
        env["SAMENSPEL_DEMO"] = demo
    log = tmp_path / "app-sh.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            ["bash", "scripts/app.sh", "--server.fileWatcherType", "none", *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + STARTUP
            url = None
            while url is None and time.monotonic() < deadline and process.poll() is None:
                found = URL_LINE.search(log.read_text(encoding="utf-8"))
                url = found.group(1) if found else None
                time.sleep(0.1)
            assert url, f"no address printed:\n{log.read_text(encoding='utf-8')}"
            assert healthy(url.replace("localhost", "127.0.0.1"), deadline, process), (
                f"nothing answers at the printed address {url}:\n{log.read_text(encoding='utf-8')}"
            )
            yield url, log.read_text(encoding="utf-8"), process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.mark.timeout(120)
def test_the_port_given_to_streamlit_is_the_port_printed(tmp_path):
    port = free_port()
    with app_sh(tmp_path, "--server.address", "127.0.0.1", "--server.port", str(port)) as (url, output, _):
        assert url == f"http://127.0.0.1:{port}"
        assert "Samenspel DEMO" in output and "PUBLIC passwords" in output
        for username, (password, _role) in DEMO_ACCOUNTS.items():
            assert re.search(rf"username {username}\s+password {password}\n", output), output
        assert "teacher" in output and "coach" in output and "no demo admin" in output


@pytest.mark.timeout(120)
def test_without_a_port_the_script_picks_a_free_one_and_prints_it(tmp_path):
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:  # make sure 8501 is taken, as on a machine where something else already runs
            blocker.bind(("", 8501))
            blocker.listen(1)
        except OSError:
            pass  # taken already
        with app_sh(tmp_path, demo="0") as (url, output, _):
            found = re.fullmatch(r"http://localhost:(\d+)", url)
            assert found, url
            assert 8501 < int(found.group(1)) < 8600, "the next free port after 8501"
            assert "without the demo" in output and "demo-leraar" not in output
    finally:
        blocker.close()
