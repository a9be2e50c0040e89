"""In the browser: from a participant's vote to the count on the facilitator's projector.

Run from the repository root (needs Debian's chromium, like the browser tests)::

    .venv/bin/python benchmarks/bench_projector.py            # 20 participants, 20 votes
    .venv/bin/python benchmarks/bench_projector.py --quick    # 4 votes: CI runs this, for crashes only

A real ``streamlit run`` server on a new data folder; Chromium (headless) signed in as a
facilitator starts a session on *Teamsessie leiden* (guests allowed) and stays on that page,
as on a projector. The participants join and vote through ``modules.team.sessions`` on the
same data folder (another process, as another app server would), each after a random pause of
up to two seconds (votes come at any moment, not just after a refresh). Each sample: from one vote
until the projector's heading shows the new count ("N van M gestemd"). The page re-reads the
store on a timer (the live fragment), so a sample is the wait for the next tick plus the
render.

The baseline, in the same run: reloading the page until the count heading is visible again (a full
load of the page, which names the session led in its address, rendered by the same server).

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from server import UI_TIMEOUT, launch_chromium, sign_in, start_app  # noqa: E402  # pyright: ignore[reportMissingImports]

from modules.library.scenarios import load_library  # noqa: E402
from modules.people import accounts  # noqa: E402
from modules.play import engine  # noqa: E402
from modules.storage import TinyDBStore  # noqa: E402
from modules.team import sessions as team  # noqa: E402

PASSWORD = "een-lang-wachtwoord"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 votes (CI: crashes only)")
    quick = parser.parse_args().quick
    people, reloads = (2, 1) if quick else (20, 10)  # quick: does it run at all (the suite runs it)
    with tempfile.TemporaryDirectory(prefix="samenspel-projector-") as tmp:
        data = Path(tmp) / "progress"
        store = TinyDBStore(data)
        accounts.ensure_account(store, "gespreksleider", PASSWORD, "facilitator")
        server = start_app(data)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
                sign_in(page, server.url, "gespreksleider", PASSWORD, landing="Teamsessie leiden")
                page.get_by_text("Gasten toestaan", exact=False).click()
                page.get_by_role("button", name="Start de sessie").click()
                heading = page.get_by_role("heading", name=re.compile(r"^Code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
                expect(heading).to_be_visible(timeout=UI_TIMEOUT)
                code = heading.inner_text().removeprefix("Code: ").strip().replace("-", "")
                joined = [team.join(store, code, guest_name=f"deelnemer {i}")[1] for i in range(people)]
                session = store.find_team_session(code)
                assert session is not None
                scenario = load_library().get(session.scenario_id)
                assert scenario is not None
                options = [c.id for c in engine.available_choices(scenario, team.state(session, scenario))]

                def count(voted: int):
                    return page.get_by_role("heading", name=f"{voted} van {people} gestemd", exact=True)

                expect(count(0)).to_be_visible(timeout=UI_TIMEOUT)
                samples = []
                rng = random.Random(20261201)
                for index, person in enumerate(joined):
                    time.sleep(rng.uniform(0, 2.0))  # votes come at any moment, not just after a refresh
                    start = time.perf_counter()
                    team.vote(store, session.id, person.id, 0, options[index % len(options)], "", scenario)
                    expect(count(index + 1)).to_be_visible(timeout=UI_TIMEOUT)
                    samples.append(time.perf_counter() - start)
                baseline = []
                for _ in range(reloads):
                    start = time.perf_counter()
                    page.reload()  # the address names the session led (?sessie=...): back on the same screen
                    expect(count(people)).to_be_visible(timeout=UI_TIMEOUT)
                    baseline.append(time.perf_counter() - start)
                browser.close()
        finally:
            server.stop()
    vote, base = statistics.median(samples), statistics.median(baseline)
    print(f"Vote -> projector count, {people} votes, Chromium headless ({os.cpu_count()} cores)")
    header = f"{'case':<40} {'median s':>9} {'max s':>7} {'ratio':>7}   target median <= 1 s"
    print(header)
    print("-" * len(header))
    print(f"{'baseline: reload until the count shows':<40} {base:>9.2f} {max(baseline):>7.2f} {1:>6.2f}x")
    print(f"{'vote until the projector shows it':<40} {vote:>9.2f} {max(samples):>7.2f} {vote / base:>6.2f}x")


if __name__ == "__main__":
    main()
