"""Two app servers behind nginx, started by ``scripts/cluster.sh``: a team session across servers, then one dies.

The cluster runs in temporary folders on free ports. Browsers are pinned to a server by nginx's
sticky cookie (``samenspel_server``, see ``deploy/nginx/cluster.conf.template``): the
facilitator's browser to server *a*, two guests' phones to server *b*. The facilitator starts a
session and shows the projector view; the guests join by the link and vote; the votes reach the
projector on *a*, and the group's choice reaches the phones on *b* (the servers share only the
store). Then server *a* is killed (``kill -9``): the phones on *b* go on; the projector's page
reconnects by itself through nginx to *b*, is signed in again there by the sign-in cookie that *a*
issued (signed with the store's key, the same for every server), opens the session and the view
its address names, and the facilitator leads on with the saved session; a refresh and a fresh
sign-in through nginx land on *b* too. ``cluster.sh stop`` then leaves no process.

The store is PostgreSQL (``SAMENSPEL_DATABASE_URL``, a PostgreSQL that cluster.sh starts for the
cluster); with ``SAMENSPEL_CLUSTER_TEST_STORE=tinydb`` both servers share one TinyDB data folder
instead. Without nginx or PostgreSQL the test is skipped, and fails when ``CI`` is set.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from server import PASSWORD, REPO, UI_TIMEOUT, free_port, new_context, pick_scenario, sign_in

NGINX = Path("/usr/sbin/nginx")
SCENARIO_TITLE = "Het advies"
LIVE_TIMEOUT = UI_TIMEOUT + 5_000  # ms: one store write plus the next run of a live fragment
STICKY = "samenspel_server"  # nginx's cookie: which app server a browser is pinned to
# PostgreSQL, as in production; SAMENSPEL_CLUSTER_TEST_STORE=tinydb runs both servers on one TinyDB folder.
USE_POSTGRES = os.environ.get("SAMENSPEL_CLUSTER_TEST_STORE", "postgres") != "tinydb"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require(present: bool, message: str) -> None:
    if present:
        return
    if _in_ci():
        pytest.fail(f"CI is set, so the cluster test may not be skipped: {message}", pytrace=False)
    pytest.skip(message)


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a killed server its parent has not reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class Cluster:
    folder: Path
    port: int
    env: dict[str, str]
    data_dir: Path

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def pid(self, name: str) -> int:
        return int((self.folder / "run" / f"{name}.pid").read_text())

    def pids(self) -> dict[str, int]:
        return {p.stem: int(p.read_text()) for p in (self.folder / "run").glob("*.pid")}

    def script(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "scripts/cluster.sh", action, str(self.folder)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
        )

    def store(self):
        from modules.storage import open_store

        url = ""  # TinyDB: the data folder both servers share
        if USE_POSTGRES:
            password = (self.folder / "secrets" / "database-password").read_text().strip()
            url = f"postgresql://samenspel:{password}@127.0.0.1:{self.env['SAMENSPEL_PG_PORT']}/samenspel"
        return open_store(self.data_dir, demo=False, url=url)

    def logs(self) -> str:
        parts = []
        for path in sorted((self.folder / "logs").glob("*.log")) + [self.folder / "nginx" / "error.log"]:
            with contextlib.suppress(OSError):
                parts.append(f"--- {path.name} ---\n{path.read_text(errors='replace')[-6000:]}")
        return "\n".join(parts)


def _ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, chromium_path):
    _require(NGINX.exists(), f"{NGINX} is missing: install Debian's nginx (apt-get install nginx)")
    postgres_bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if USE_POSTGRES:
        _require(bool(postgres_bins), "PostgreSQL is missing: install Debian's postgresql (apt-get install postgresql)")
    folder = tmp_path_factory.mktemp("cluster")
    proxy, app_a, app_b, pg = _ports(4)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMENSPEL_", "STREAMLIT_"))}
    env.update(
        SAMENSPEL_CLUSTER_PORT=str(proxy),
        SAMENSPEL_APP_PORTS=f"{app_a} {app_b}",
        SAMENSPEL_CLUSTER_STORE="postgres" if USE_POSTGRES else "tinydb",
        SAMENSPEL_PG_PORT=str(pg),
        SAMENSPEL_DATA_DIR=str(folder / "data"),
        SAMENSPEL_ARGON2_PROFILE="test",  # cheap Argon2id parameters, the same algorithm
    )
    pg_parent = None
    if USE_POSTGRES and os.geteuid() == 0:
        # PostgreSQL runs as the postgres user, who cannot enter pytest's folder (mode 700, root's).
        pg_parent = Path(tempfile.mkdtemp(prefix="samenspel-cluster-pg-"))
        pg_parent.chmod(0o711)
        env["SAMENSPEL_PGDATA"] = str(pg_parent / "pgdata")
    made = Cluster(folder, proxy, env, folder / "data")
    started = time.monotonic()
    result = made.script("start")
    if result.returncode != 0:
        made.script("stop")
        if pg_parent is not None:
            shutil.rmtree(pg_parent, ignore_errors=True)
        pytest.fail(f"cluster.sh start failed:\n{result.stdout}\n{result.stderr}\n{made.logs()}", pytrace=False)
    assert f"Open in your browser: http://localhost:{proxy}" in result.stdout, result.stdout
    print(f"cluster started in {time.monotonic() - started:.1f} s")
    pids = made.pids()
    try:
        yield made
    finally:
        if USE_POSTGRES:  # this process's own connections (the test made an account) go before the database
            from modules.storage import postgres_store

            postgres_store.close_pools()
        stopped = made.script("stop")
        if pg_parent is not None:
            shutil.rmtree(pg_parent, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {name: pid for name, pid in pids.items() if _alive(pid)}
    assert not left, f"cluster.sh stop left processes running: {left}"
    assert not list((folder / "run").glob("*.pid")), "pid files left behind"


def _browser_on(browser, cluster: Cluster, server: str | None, width: int = 1100, height: int = 1000):
    """A browser context, pinned to app server ``server`` ("a", "b") by nginx's cookie, or not pinned (None)."""
    context = new_context(browser, width, height)
    if server is not None:
        context.add_cookies([{"name": STICKY, "value": server, "url": cluster.url}])
    return context


def _pinned_to(context, cluster: Cluster) -> str | None:
    return next((c["value"] for c in context.cookies(cluster.url) if c["name"] == STICKY), None)


def _count(page, voted: int, joined: int):
    return page.get_by_role("heading", name=f"{voted} van {joined} gestemd", exact=True)


def _start_session(lead) -> str:
    form = pick_scenario(lead, SCENARIO_TITLE)
    form.get_by_text("Gasten toestaan", exact=False).click()
    form.get_by_role("button", name="Start de sessie").click()
    heading = lead.get_by_role("heading", name=re.compile(r"^Code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    return heading.inner_text().removeprefix("Code: ").strip().replace("-", "")


def _join(phone, url: str, code: str, name: str) -> None:
    response = phone.goto(f"{url}/meedoen?code={code}")
    assert response is not None and response.headers.get("x-samenspel-server") == "b"
    expect(phone.get_by_role("textbox", name="Code", exact=True)).to_have_value(code, timeout=UI_TIMEOUT)
    phone.get_by_role("textbox", name=re.compile(r"^Je naam in deze sessie")).fill(name)
    phone.get_by_role("button", name="Meedoen", exact=True).click()
    expect(phone.get_by_text(f"Je doet mee als {name}.")).to_be_visible(timeout=UI_TIMEOUT)


def _vote(phone, step: int, letter: str) -> None:
    radio = phone.locator(f".st-key-vote-choice-{step}")
    expect(radio).to_be_visible(timeout=LIVE_TIMEOUT)
    radio.locator("label").filter(has_text=re.compile(rf"^{letter}\. ")).click()
    phone.get_by_test_id("stForm").filter(has=radio).get_by_role("button", name=re.compile(r"^Stem")).click()
    expect(phone.get_by_text(re.compile(rf"^Je stem: {letter}\. "))).to_be_visible(timeout=UI_TIMEOUT)


def _reveal_and_decide(lead, step: int) -> None:
    lead.locator(".st-key-lead-reveal").get_by_role("button", name="Stemmen tonen").click()
    expect(lead.get_by_role("heading", name="De stemmen", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    group = lead.locator(f".st-key-lead-choice-{step}")
    expect(group).to_be_visible()
    lead.locator(".st-key-lead-decide").get_by_role("button", name="Groepskeuze vastleggen").click()  # the majority
    expect(group).to_have_count(0, timeout=UI_TIMEOUT)


@pytest.mark.e2e
@pytest.mark.alone  # PostgreSQL, two app servers, nginx and three browsers: it starves a neighbour's browser test
@pytest.mark.timeout(300)
def test_a_team_session_across_two_servers_survives_one_of_them(browser, cluster):
    started = time.monotonic()
    token = uuid.uuid4().hex[:8]
    leader = f"leider-{token}"
    from modules.people import accounts

    accounts.ensure_account(cluster.store(), leader, PASSWORD, "facilitator")

    contexts = [_browser_on(browser, cluster, "a", 1400, 900), _browser_on(browser, cluster, "b", 390, 844)]
    contexts.append(_browser_on(browser, cluster, "b", 390, 844))
    try:
        lead, phone1, phone2 = (c.new_page() for c in contexts)

        # The facilitator, on server a, starts a session and puts it on the projector.
        response = lead.goto(cluster.url)
        assert response is not None and response.headers.get("x-samenspel-server") == "a"
        sign_in(lead, None, leader, landing="Teamsessie leiden")
        code = _start_session(lead)
        lead.get_by_role("button", name=re.compile("Projectorweergave")).click()
        expect(lead.get_by_role("button", name=re.compile("Terug naar bediening"))).to_be_visible(timeout=UI_TIMEOUT)
        expect(_count(lead, 0, 0)).to_be_visible(timeout=LIVE_TIMEOUT)

        # Two guests on server b join by the link and vote: the projector on a counts their votes.
        _join(phone1, cluster.url, code, f"Gast {token[:4]}")
        _join(phone2, cluster.url, code, f"Gast {token[4:]}")
        expect(_count(lead, 0, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
        _vote(phone1, 0, "A")
        expect(_count(lead, 1, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
        _vote(phone2, 0, "A")
        expect(_count(lead, 2, 2)).to_be_visible(timeout=LIVE_TIMEOUT)

        # The group's choice, made on a, reaches the phones on b: the next decision opens there.
        _reveal_and_decide(lead, 0)
        for phone in (phone1, phone2):
            expect(phone.locator(".st-key-vote-choice-1")).to_be_visible(timeout=LIVE_TIMEOUT)
        assert [_pinned_to(c, cluster) for c in contexts] == ["a", "b", "b"], "nginx moved a browser"

        # Server a dies. The phones, on b, go on as if nothing happened.
        os.kill(cluster.pid("app-a"), signal.SIGKILL)
        _vote(phone1, 1, "B")

        # The projector's page reconnects by itself, through nginx, to b: a new browser session there,
        # signed in by the cookie that a set, on the session and the view its address names. The saved
        # session goes on: the vote cast on b after a died counts.
        expect(_count(lead, 1, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(lead.get_by_role("button", name=re.compile("Terug naar bediening"))).to_be_visible()
        assert _pinned_to(contexts[0], cluster) == "b", "nginx did not pin the browser to the server that answered"
        _vote(phone2, 1, "B")
        expect(_count(lead, 2, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
        _reveal_and_decide(lead, 1)
        for phone in (phone1, phone2):
            expect(phone.locator(".st-key-vote-choice-2")).to_be_visible(timeout=LIVE_TIMEOUT)

        # A refresh lands on b too, still signed in, still on the projector view.
        response = lead.reload()
        assert response is not None and response.headers.get("x-samenspel-server") == "b"
        expect(_count(lead, 0, 2)).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(lead.get_by_role("tab", name="Inloggen", exact=True)).to_have_count(0)

        # A fresh browser (no sticky cookie) signing in through nginx lands on b and works.
        fresh_context = _browser_on(browser, cluster, None)
        contexts.append(fresh_context)
        fresh = fresh_context.new_page()
        response = fresh.goto(cluster.url)
        assert response is not None and response.headers.get("x-samenspel-server") == "b"
        sign_in(fresh, None, leader, landing="Teamsessie leiden")
        expect(fresh.get_by_text(re.compile(rf"Bezig · keuze 3 · code {code[:4]}-{code[4:]}"))).to_be_visible()
        assert _pinned_to(fresh_context, cluster) == "b"
    except Exception:
        print(cluster.logs())
        raise
    finally:
        for context in contexts:
            context.close()
    print(f"team session across two servers, one killed: {time.monotonic() - started:.1f} s")
