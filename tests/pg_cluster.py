"""A throwaway PostgreSQL cluster for the tests: Debian's binaries, a temporary folder, a free local port.

``Cluster.start()`` runs ``initdb`` into a new temporary folder and ``pg_ctl start`` on a free port
of 127.0.0.1, with the unix socket in the same folder and durability switched off (``fsync=off``:
nothing here must survive a power cut). The binaries are those of the newest PostgreSQL under
``/usr/lib/postgresql/<version>/bin`` (Debian's ``postgresql`` package; PATH is not used). PostgreSQL
refuses to run as root: as root, the folder is given to the ``postgres`` user that Debian's package
creates and every command runs as that user (``runuser``). ``stop()`` stops the server at once and
removes the folder.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEBIAN = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"


class Unavailable(Exception):
    """No PostgreSQL to start here (the reason says what is missing)."""


def binaries() -> Path:
    """The ``bin`` folder of the newest installed PostgreSQL with initdb and pg_ctl."""
    found = [
        path
        for path in DEBIAN.glob("*/bin")
        if re.fullmatch(r"\d+", path.parent.name) and (path / "initdb").is_file() and (path / "pg_ctl").is_file()
    ]
    if not found:
        raise Unavailable(f"no PostgreSQL server in {DEBIAN}/<version>/bin (install Debian's postgresql package)")
    return max(found, key=lambda path: int(path.parent.name))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, env=_server_env(), cwd=self.folder
        )
        if result.returncode != 0:
            raise Unavailable(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result

    @classmethod
    def start(cls) -> Cluster:
        """initdb and start a new cluster; ``Unavailable`` when there is no PostgreSQL or no user to run it."""
        bin_dir = binaries()
        as_user: list[str] = []
        folder = Path(tempfile.mkdtemp(prefix="samenspel-pg-"))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                shutil.rmtree(folder, ignore_errors=True)
                raise Unavailable(f"running as root, and no {SERVER_USER!r} user to run PostgreSQL as") from None
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            as_user = [runuser, "-u", SERVER_USER, "--"]
        cluster = cls(folder=folder, port=free_port(), bin=bin_dir, as_user=as_user)
        try:
            cluster._run(
                str(bin_dir / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                SERVER_USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = " ".join(
                [
                    f"-p {cluster.port}",
                    f"-k {folder}",
                    "-c listen_addresses=127.0.0.1",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=300",
                    "-c shared_buffers=32MB",
                ]
            )
            cluster._run(
                str(bin_dir / "pg_ctl"),
                "start",
                "-D",
                str(cluster.data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
            )
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def restart(self) -> None:
        """Restart the server (``pg_ctl restart -m fast``, the same options): every connection is dropped."""
        self._run(
            str(self.bin / "pg_ctl"),
            "restart",
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w"],
                capture_output=True,
                timeout=60,
                env=_server_env(),
                cwd=self.folder,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def _server_env() -> dict[str, str]:
    """The server's environment: none of the test process's PG* settings, a C locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env
