"""A real Learning Record Store for the tests: Ralph (``ralph-malph``) with its file-system backend, on localhost.

Ralph's LRS server pins fastapi 0.114 (so starlette < 0.39) and its command line click < 8.2.1; the app
needs starlette >= 0.40 and Streamlit brings a newer click. So the server lives in a virtual environment
of its own, ``.venv-ralph/`` (git-ignored), made on first use with ``pip install ralph-malph[cli,lrs] requests``
(about half a minute, once), and runs as a subprocess: ``uvicorn ralph.api:app`` with
``RALPH_RUNSERVER_BACKEND=fs``, which is what ``ralph runserver -b fs`` starts, without its reloader.
Credentials are made with ``ralph auth`` into an auth file of the test's own.

One patch (``SERVE``): Ralph 5.1's file-system LRS backend writes with its data backend's default operation,
``CREATE``, which refuses an existing file, so only the first POST is stored and every later one answers
500 ("Statements bulk indexation failed"). The launcher sets that backend's default to ``APPEND`` (one JSON
line per statement, as the first POST writes them) before uvicorn imports the app; nothing else changes.

``lrs_or_skip`` fails in CI (``CI=true``) when Ralph cannot be installed or started; elsewhere it skips.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = ROOT / ".venv-ralph"
# Ralph's LRS imports requests (for OpenID Connect) without its extras declaring it.
REQUIREMENTS = ("ralph-malph[cli,lrs]==5.1.0", "requests>=2.31,<3")
STAMP = VENV / "samenspel-installed.txt"
KEY, SECRET = "samenspel", "lrs-test-geheim"


SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class RalphUnavailable(RuntimeError):
    pass


def _bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_installed() -> None:
    """``.venv-ralph`` with Ralph's LRS server, made once (a lock keeps parallel test runs from racing)."""
    with FileLock(str(VENV) + ".lock", timeout=900):
        wanted = " ".join(REQUIREMENTS)
        if STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == wanted and _bin("ralph").exists():
            return
        steps = [
            [sys.executable, "-m", "venv", "--clear", str(VENV)],
            [str(_bin("python")), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)
            if done.returncode != 0:
                raise RalphUnavailable(f"{' '.join(step)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        STAMP.write_text(wanted + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """One Ralph LRS on a fixed port and folder: stopped and started again, it keeps its statements."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
        }
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "app").mkdir(parents=True, exist_ok=True)
        made = subprocess.run(
            [
                str(_bin("ralph")),
                "auth",
                "-u",
                KEY,
                "-p",
                SECRET,
                "-s",
                "all",
                "-M",
                "mailto:lrs@samenspel.example",
                "-w",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if made.returncode != 0:
            raise RalphUnavailable(f"ralph auth failed: {made.stderr[-2000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115 - the server writes to it while it runs
        self.process = subprocess.Popen(
            [str(_bin("python")), "-c", SERVE, str(self.port)],
            env=self.env,
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RalphUnavailable(f"Ralph stopped at start:\n{(self.folder / 'ralph.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RalphUnavailable("Ralph did not answer within 60 seconds")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def stored(self) -> list[dict]:
        """Every statement the LRS wrote, in order (its fs backend appends one JSON line per statement)."""
        path = self.folder / "data" / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def lrs_or_skip(folder: Path) -> Ralph:
    """A started Ralph; in CI a Ralph that cannot be had fails the test instead of skipping it."""
    try:
        ensure_installed()
        ralph = Ralph(folder)
        ralph.start()
    except (RalphUnavailable, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no Ralph LRS in CI: {exc}")
        pytest.skip(f"no Ralph LRS here: {exc}")
    return ralph
