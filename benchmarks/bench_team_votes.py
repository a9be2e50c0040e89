"""60 participants of a team session vote at the same moment: how long until the facilitator sees every vote?

Run from the repository root::

    .venv/bin/python benchmarks/bench_team_votes.py            # threads and processes
    .venv/bin/python benchmarks/bench_team_votes.py --rounds 10 --no-processes
    .venv/bin/python benchmarks/bench_team_votes.py --quick     # one round: CI runs this, for crashes only

What it measures, with the real ``TinyDBStore`` in a temporary folder and
``modules.team.sessions`` exactly as the pages call it (no Streamlit, no browser):

* A session of *De taalbarrière* with 60 guest participants.
* **threads**: 60 threads, one per participant (as when every participant is
  served by its own Streamlit session thread), each with its own
  ``TinyDBStore`` object on the same folder, wait on a ``threading.Barrier``
  and then call ``team.vote`` at once.
* **processes** (optional): 4 processes of 15 threads each, released together
  (a ``multiprocessing`` barrier across the processes, then a thread barrier
  in each), as when several app servers share one data folder.
* Meanwhile a facilitator thread does what the facilitator's live fragment
  does on every run: ``team.tally(team.load(store, id), scenario)``, in a loop
  with a 10 ms pause (the page itself reruns the fragment every second, which adds
  up to 1 s of display delay on top of the figures here).

Each participant's thread first loads the session, as the page does when it shows the decision,
and a round starts half a second after the facilitator opened the decision (a phone learns of it
on its 2-second refresh, so no vote comes sooner).

Per round it records, from the moment the barrier releases the voters:
*full tally* — when the facilitator's tally first counts all 60 votes; and each
vote's *save time* — from the voter's call to ``team.vote`` until it returns
(so it includes waiting for the CPU and the vote gate behind the other voters). Every
round is a fresh decision (the facilitator reveals and decides in between,
untimed).

Baselines, measured in the same run on the same session so that the ratios
say what contention costs rather than how fast this machine is:
*one vote alone* (one participant votes while nobody else does; median of 40)
and *one read* (one ``team.load`` + ``team.tally`` like a fragment run; median
of 40).

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from modules.library.scenarios import load_library  # noqa: E402
from modules.people import accounts  # noqa: E402
from modules.play import engine  # noqa: E402
from modules.storage import TinyDBStore  # noqa: E402
from modules.team import sessions as team  # noqa: E402

SCENARIO_ID = "de-taalbarriere"
PARTICIPANTS = 60
PROCESSES = 4
POLL_PAUSE = 0.010  # seconds between two facilitator reads
BASELINE_SAMPLES = 40
# A participant's page learns of a new decision on its own refresh (every 2 s) and shows it before
# anyone can vote: no vote comes sooner than this after the facilitator opens a decision.
SEE_PAUSE = 0.5  # seconds


def _scenario():
    return load_library().get(SCENARIO_ID)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _options(session: team.TeamSession, scenario) -> list[str]:
    return [c.id for c in engine.available_choices(scenario, team.state(session, scenario))]


class Facilitator:
    """Polls the tally like the facilitator's fragment; notes when it first counts ``expected`` votes."""

    def __init__(self, root: Path, session_id: str, scenario, expected: int):
        self.store = TinyDBStore(root)
        self.session_id, self.scenario, self.expected = session_id, scenario, expected
        self.complete_at: float | None = None
        self.reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            voters = team.tally(team.load(self.store, self.session_id), self.scenario).voters
            self.reads += 1
            if voters >= self.expected:
                self.complete_at = time.monotonic()
                return
            time.sleep(POLL_PAUSE)

    def __enter__(self) -> Facilitator:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()

    def wait(self, timeout: float = 120) -> float:
        self._thread.join(timeout)
        if self.complete_at is None:
            raise RuntimeError("the facilitator never saw every vote")
        return self.complete_at


def _vote_threads(
    root: str, session_id: str, people: list[str], choices: list[str], step: int, scenario, before_release=None
) -> tuple[list[float], list[float]]:
    """Run one voting thread per participant; returns (start times, save times) in seconds."""
    barrier = threading.Barrier(len(people) + 1)
    starts: list[float] = []
    durations: list[float] = []
    errors: list[BaseException] = []

    def run(pid: str, choice: str) -> None:
        store = TinyDBStore(root)
        try:
            team.load(store, session_id)  # the participant's page shows the decision before the vote
            barrier.wait(timeout=60)
            t0 = time.monotonic()
            team.vote(store, session_id, pid, step, choice, "", scenario)
            durations.append(time.monotonic() - t0)
            starts.append(t0)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(pid, c)) for pid, c in zip(people, choices, strict=True)]
    for t in threads:
        t.start()
    if before_release is not None:
        before_release()
    barrier.wait(timeout=60)
    for t in threads:
        t.join(120)
    if errors:
        raise RuntimeError(f"{len(errors)} votes failed, first: {errors[0]!r}")
    return starts, durations


def _process_main(
    root: str, session_id: str, people: list[str], choices: list[str], step: int, barrier, results
) -> None:
    scenario = _scenario()
    starts, durations = _vote_threads(
        root, session_id, people, choices, step, scenario, before_release=lambda: barrier.wait(timeout=60)
    )
    results.put((starts, durations))


def _next_round(store, session_id: str, facilitator, scenario) -> team.TeamSession:
    """Close the current decision (untimed) so the next round votes on the next one."""
    team.reveal(store, session_id, facilitator)
    current = team.load(store, session_id)
    return team.decide(store, session_id, facilitator, scenario, _options(current, scenario)[0])


def _fresh_session(store, facilitator, scenario) -> tuple[team.TeamSession, list[str]]:
    session = team.create(store, facilitator, scenario, allow_guests=True)
    people = [team.join(store, session.code, guest_name=f"deelnemer {i}")[1].id for i in range(PARTICIPANTS)]
    return team.load(store, session.id), people


def measure(rounds: int, processes: bool) -> None:
    scenario = _scenario()
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
        root = Path(tmp) / "progress"
        store = TinyDBStore(root)
        facilitator = accounts.ensure_account(store, "bench-leider", "een-lang-wachtwoord", "facilitator")

        # --- baselines on a session with 60 participants, nobody else active
        session, people = _fresh_session(store, facilitator, scenario)
        options = _options(session, scenario)
        alone = []
        for i in range(BASELINE_SAMPLES):
            t0 = time.monotonic()
            team.vote(store, session.id, people[i % PARTICIPANTS], 0, options[i % len(options)], "", scenario)
            alone.append(time.monotonic() - t0)
        reads = []
        for _ in range(BASELINE_SAMPLES):
            t0 = time.monotonic()
            team.tally(team.load(store, session.id), scenario)
            reads.append(time.monotonic() - t0)
        vote_alone, one_read = statistics.median(alone), statistics.median(reads)

        cases = [("threads", False)] + ([(f"{PROCESSES} processes", True)] if processes else [])
        results = {}
        for name, use_processes in cases:
            session, people = _fresh_session(store, facilitator, scenario)
            full, saves = [], []
            for _ in range(rounds):
                if session.status != "open":
                    session, people = _fresh_session(store, facilitator, scenario)
                time.sleep(SEE_PAUSE)
                options = _options(session, scenario)
                choices = [options[i % len(options)] for i in range(PARTICIPANTS)]
                with Facilitator(root, session.id, scenario, PARTICIPANTS) as watcher:
                    if use_processes:
                        starts, durations = _run_processes(root, session, people, choices)
                    else:
                        starts, durations = _vote_threads(
                            str(root), session.id, people, choices, session.step, scenario
                        )
                    complete = watcher.wait()
                released = min(starts)
                full.append(complete - released)
                saves.extend(durations)
                if team.tally(team.load(store, session.id), scenario).voters != PARTICIPANTS:
                    raise RuntimeError("votes were lost")  # tests/test_team.py checks this properly
                session = _next_round(store, session.id, facilitator, scenario)
            results[name] = (full, saves)

    print(f"Team session: {PARTICIPANTS} participants vote at once, {rounds} rounds per case ({os.cpu_count()} CPUs).")
    print(
        f"Baselines in this run: one vote saved alone {vote_alone * 1000:.1f} ms, "
        f"one facilitator read (load + tally) {one_read * 1000:.1f} ms."
    )
    print()
    header = f"{'case':<12}{'measure':<34}{'ms':>9}{'x vote alone':>14}{'x one read':>12}"
    print(header)
    print("-" * len(header))
    for name, (full, saves) in results.items():
        rows = [
            ("full tally seen (median round)", statistics.median(full)),
            ("full tally seen (slowest round)", max(full)),
            ("save one vote, p50", _percentile(saves, 50)),
            ("save one vote, p95", _percentile(saves, 95)),
        ]
        for label, value in rows:
            print(f"{name:<12}{label:<34}{value * 1000:>9.1f}{value / vote_alone:>13.1f}x{value / one_read:>11.1f}x")
    print()
    print(
        f"For scale: {PARTICIPANTS} votes saved one after another with no contention would take "
        f"{PARTICIPANTS * vote_alone * 1000:.0f} ms ({PARTICIPANTS}x vote alone); votes append to the "
        "session's vote log without waiting for each other."
    )
    print(
        "Full tally: from the moment the voters are released until the facilitator's tally counts all "
        f"{PARTICIPANTS}; the page's 1 s fragment interval comes on top. Save time includes waiting for "
        f"the CPU behind the other voters ({os.cpu_count()} cores here)."
    )


def _run_processes(root: Path, session: team.TeamSession, people: list[str], choices: list[str]):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES + 1)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=_process_main,
            args=(str(root), session.id, people[i::PROCESSES], choices[i::PROCESSES], session.step, barrier, queue),
        )
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)  # every process has started and its threads wait
    starts, durations = [], []
    for _ in procs:
        s, d = queue.get(timeout=120)
        starts.extend(s)
        durations.extend(d)
    for p in procs:
        p.join(60)
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"a voting process failed: {[p.exitcode for p in procs]}")
    return starts, durations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="voting rounds per case (default 5)")
    parser.add_argument("--no-processes", action="store_true", help="skip the 4-process case")
    parser.add_argument("--quick", action="store_true", help="one round per case: seconds (CI: crashes only)")
    args = parser.parse_args(argv)
    measure(1 if args.quick else max(1, args.rounds), processes=not args.no_processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
