"""60 participants of a team session vote at the same moment: how long until the facilitator sees every vote?

Run from the repository root::

    .venv/bin/python benchmarks/bench_team_votes.py            # threads and processes
    .venv/bin/python benchmarks/bench_team_votes.py --rounds 10 --no-processes
    .venv/bin/python benchmarks/bench_team_votes.py --quick     # one round: CI runs this, for crashes only
    .venv/bin/python benchmarks/bench_team_votes.py --store postgres           # 200 in 5 sessions, 2 servers
    .venv/bin/python benchmarks/bench_team_votes.py --store postgres --quick

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

**On PostgreSQL** (``--store postgres``), the issue's size: 200 participants in 5 sessions of 40, spread
over two app servers. A throwaway cluster is started (``tests/pg_cluster.py``) and restarted with a
production server's durability (``common.make_durable``: every commit waits for the disk). Each "server"
is a process with its own ``PostgresStore`` (``open_store`` with the database URL) and so its own
connection pool, as an app server has; the processes live through every round, like servers. Every
session's participants alternate between the two servers (20 of each session's 40 on each), each
participant a thread; the facilitator of sessions 1, 3 and 5 is on server a, of 2 and 4 on server b, each
a thread polling ``load`` + ``tally`` every 10 ms. Two ways to vote, each with an untimed warm-up round
first: **all at once** -- a round releases all 200 voters at the same instant (a barrier across both
processes, then one in each), 100 threads per process waking together; **within 1 s** -- released
together, each voter then waits a random moment within one second (the same moments in every run)
before it votes: 200 votes a second, 100 per server. The second is still more than a server can send
its store: every vote is a rerun of the participant's page, which takes a server's interpreter
10-30 ms (``bench_play_click.py``), so one app process cannot hand its store 100 votes in less than
about a second; the first is the store's stress case. Per round: every vote's save time, and per
session when its facilitator first counts all 40 (after the release; spread out: after the
session's last vote). After every round
the script checks that nothing was lost: each session holds exactly one vote per participant, with the
choice that participant cast, and after the reveal and the group's decision (untimed, by the
facilitator) the decision records all 40 voters and the same counts. Baselines as above, on the same
server: one vote alone, one read, on a session of 40. ``--quick``: 8 per session, one round, no warm-up.

Prints figures only; asserts nothing about speed (except that no vote is lost).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from benchmarks.common import load_note, make_durable, postgres_cluster, server_version  # noqa: E402
from modules.library.scenarios import load_library  # noqa: E402
from modules.people import accounts  # noqa: E402
from modules.play import engine  # noqa: E402
from modules.storage import Store, TinyDBStore, open_store  # noqa: E402
from modules.team import sessions as team  # noqa: E402

SCENARIO_ID = "de-taalbarriere"
PARTICIPANTS = 60
PROCESSES = 4
POLL_PAUSE = 0.010  # seconds between two facilitator reads
BASELINE_SAMPLES = 40
# A participant's page learns of a new decision on its own refresh (every 2 s) and shows it before
# anyone can vote: no vote comes sooner than this after the facilitator opens a decision.
SEE_PAUSE = 0.5  # seconds
# PostgreSQL: the 200 participants in 5 sessions, spread over two app servers.
PG_SESSIONS = 5
PG_PER_SESSION = 40
PG_PER_SESSION_QUICK = 8  # --quick: 40 participants, so the run takes seconds
# The second way to vote: each participant at a random moment within this window after the release.
# Still far denser than a room of forty reading a decision on their phones (seconds to minutes).
SPREAD = 1.0  # seconds
SERVERS = 2

# One vote to cast: (session id, participant id, step, choice id).
Ballot = tuple[str, str, int, str]


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

    def __init__(self, store: Store, session_id: str, scenario, expected: int):
        self.store = store
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
    make_store: Callable[[], Store],
    ballots: list[Ballot],
    scenario,
    before_release=None,
    offsets: list[float] | None = None,
) -> tuple[list[float], list[float]]:
    """Run one voting thread per ballot; returns (start times, save times) in seconds. Released together;
    with ``offsets`` (seconds, one per ballot) each votes that long after the release."""
    barrier = threading.Barrier(len(ballots) + 1)
    released = [0.0]
    starts: list[float] = [0.0] * len(ballots)  # in the order of the ballots
    durations: list[float] = [0.0] * len(ballots)
    errors: list[BaseException] = []

    def run(index: int, session_id: str, pid: str, step: int, choice: str, offset: float | None) -> None:
        store = make_store()
        try:
            team.load(store, session_id)  # the participant's page shows the decision before the vote
            barrier.wait(timeout=60)
            if offset is not None:
                time.sleep(max(0.0, released[0] + offset - time.monotonic()))
            t0 = time.monotonic()
            team.vote(store, session_id, pid, step, choice, "", scenario)
            durations[index] = time.monotonic() - t0
            starts[index] = t0
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    moments = offsets if offsets is not None else [None] * len(ballots)
    threads = [
        threading.Thread(target=run, args=(i, *ballot, moment))
        for i, (ballot, moment) in enumerate(zip(ballots, moments, strict=True))
    ]
    for t in threads:
        t.start()
    if before_release is not None:
        before_release()
    released[0] = time.monotonic()  # the moment the offsets count from
    barrier.wait(timeout=60)
    for t in threads:
        t.join(120)
    if errors:
        raise RuntimeError(f"{len(errors)} votes failed, first: {errors[0]!r}")
    return starts, durations


def _process_main(root: str, ballots: list[Ballot], barrier, results) -> None:
    scenario = _scenario()
    starts, durations = _vote_threads(
        lambda: TinyDBStore(root), ballots, scenario, before_release=lambda: barrier.wait(timeout=60)
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
                ballots = [(session.id, pid, session.step, choice) for pid, choice in zip(people, choices, strict=True)]
                with Facilitator(TinyDBStore(root), session.id, scenario, PARTICIPANTS) as watcher:
                    if use_processes:
                        starts, durations = _run_processes(root, ballots)
                    else:
                        starts, durations = _vote_threads(lambda: TinyDBStore(root), ballots, scenario)
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


def _run_processes(root: Path, ballots: list[Ballot]):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES + 1)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_process_main, args=(str(root), ballots[i::PROCESSES], barrier, queue))
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


# --- PostgreSQL: 200 participants in 5 sessions on two app servers --------------------------------


def _server_main(url: str, root: str, name: str, barrier, jobs, results) -> None:
    """One app server: its own store and pool; per round, a thread per ballot and the watched facilitators."""
    store = open_store(root, demo=False, url=url)
    scenario = _scenario()
    while True:
        job = jobs.get(timeout=600)
        if job is None:
            return
        ballots, watched, offsets = job
        watchers = [Facilitator(store, session_id, scenario, expected) for session_id, expected in watched]
        for watcher in watchers:
            watcher.__enter__()
        try:
            starts, durations = _vote_threads(
                lambda: store, ballots, scenario, before_release=lambda: barrier.wait(timeout=120), offsets=offsets
            )
            complete = {w.session_id: w.wait() for w in watchers}
        finally:
            for watcher in watchers:
                watcher.__exit__()
        results.put((name, starts, durations, complete))


class Servers:
    """The two app-server processes, alive for every round."""

    def __init__(self, url: str, root: Path):
        ctx = multiprocessing.get_context("spawn")
        self.barrier = ctx.Barrier(SERVERS + 1)
        self.results: Any = ctx.Queue()
        self.jobs: list[Any] = [ctx.Queue() for _ in range(SERVERS)]
        self.names = [chr(ord("a") + i) for i in range(SERVERS)]
        self.procs = [
            ctx.Process(target=_server_main, args=(url, str(root), name, self.barrier, jobs, self.results))
            for name, jobs in zip(self.names, self.jobs, strict=True)
        ]
        for proc in self.procs:
            proc.start()

    def round(
        self,
        ballots: list[list[Ballot]],
        watched: list[list[tuple[str, int]]],
        offsets: list[list[float]] | list[None],
    ) -> tuple[list[float], list[float], dict[str, float], dict[str, float]]:
        """Each server casts its ballots (all at once, or each its offset after the release) and watches
        its sessions; returns start and save times, per session when its facilitator first saw every vote,
        and per session when its last vote was cast."""
        for jobs, mine, watch, moments in zip(self.jobs, ballots, watched, offsets, strict=True):
            jobs.put((mine, watch, moments))
        self.barrier.wait(timeout=300)  # every server has its threads waiting: release them together
        starts, durations, complete, last = [], [], {}, {}
        for _ in self.procs:
            name, s, d, c = self.results.get(timeout=300)
            starts.extend(s)
            durations.extend(d)
            complete.update(c)
            for (session_id, *_rest), start in zip(ballots[self.names.index(name)], s, strict=True):
                last[session_id] = max(last.get(session_id, start), start)
        return starts, durations, complete, last

    def stop(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for proc in self.procs:
            proc.join(60)
            if proc.is_alive():
                proc.kill()
        if any(proc.exitcode != 0 for proc in self.procs):
            raise RuntimeError(f"an app-server process failed: {[proc.exitcode for proc in self.procs]}")


def _pg_session(
    store: Store, facilitator, scenario, number: int, size: int = PG_PER_SESSION
) -> tuple[team.TeamSession, list[str]]:
    session = team.create(store, facilitator, scenario, allow_guests=True)
    people = [team.join(store, session.code, guest_name=f"deelnemer {number}-{i}")[1].id for i in range(size)]
    return team.load(store, session.id), people


def _check_round(store: Store, facilitator, scenario, session: team.TeamSession, cast: dict[str, str]):
    """Nothing lost: exactly one vote per participant with the choice cast, before and after the reveal and
    the group's decision. Returns the session at its next decision."""
    held = team.load(store, session.id).current_votes()
    found = sorted((v.participant_id, v.choice_id) for v in held)
    if found != sorted(cast.items()):
        missing = set(cast.items()) - set(found)
        raise RuntimeError(f"votes lost or wrong in session {session.id}: {len(held)} held, {len(missing)} missing")
    team.reveal(store, session.id, facilitator)
    revealed = team.load(store, session.id)
    decided = team.decide(store, session.id, facilitator, scenario, _options(revealed, scenario)[0])
    decision = decided.decisions[-1]
    if decision.voters != len(cast) or {k: v for k, v in decision.tally.items() if v} != Counter(cast.values()):
        raise RuntimeError(f"the decision in session {session.id} did not count every vote exactly once")
    return decided


def measure_postgres(rounds: int, warmup: int, per_session: int = PG_PER_SESSION) -> None:
    scenario = _scenario()
    participants = PG_SESSIONS * per_session
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp, postgres_cluster() as cluster:
        url = cluster.create_database("votes")
        settings = make_durable(cluster)
        root = Path(tmp) / "progress"
        store = open_store(root, demo=False, url=url)
        facilitator = accounts.ensure_account(store, "bench-leider", "een-lang-wachtwoord", "facilitator")

        # --- baselines on a session of 40, nobody else active
        session, people = _pg_session(store, facilitator, scenario, 0, per_session)
        options = _options(session, scenario)
        alone, reads = [], []
        for i in range(BASELINE_SAMPLES):
            t0 = time.monotonic()
            team.vote(store, session.id, people[i % per_session], 0, options[i % len(options)], "", scenario)
            alone.append(time.monotonic() - t0)
        for _ in range(BASELINE_SAMPLES):
            t0 = time.monotonic()
            team.tally(team.load(store, session.id), scenario)
            reads.append(time.monotonic() - t0)
        vote_alone, one_read = statistics.median(alone), statistics.median(reads)

        sessions = [_pg_session(store, facilitator, scenario, n + 1, per_session) for n in range(PG_SESSIONS)]
        servers = Servers(url, root)
        shapes: dict[str, float | None] = {"all at once": None, f"within {SPREAD:g} s": SPREAD}
        results: dict[str, tuple[list[float], list[float], list[float]]] = {}
        spread = random.Random(16)  # the same moments in every run
        counted = rounds_run = 0
        try:
            for shape, window in shapes.items():
                full, slowest, saves = results.setdefault(shape, ([], [], []))
                for number in range(warmup + rounds):
                    for n, (session, _people) in enumerate(sessions):
                        if session.status != "open":
                            sessions[n] = _pg_session(store, facilitator, scenario, n + 1, per_session)
                    time.sleep(SEE_PAUSE)
                    ballots: list[list[Ballot]] = [[] for _ in range(SERVERS)]
                    watched: list[list[tuple[str, int]]] = [[] for _ in range(SERVERS)]
                    cast: list[dict[str, str]] = []
                    for n, (session, people) in enumerate(sessions):
                        options = _options(session, scenario)
                        mine = {pid: options[(i + number) % len(options)] for i, pid in enumerate(people)}
                        cast.append(mine)
                        for i, (pid, choice) in enumerate(mine.items()):
                            ballots[i % SERVERS].append((session.id, pid, session.step, choice))
                        watched[n % SERVERS].append((session.id, len(people)))
                    offsets: list[list[float]] | list[None] = (
                        [None] * SERVERS
                        if window is None
                        else [[spread.uniform(0, window) for _ in mine] for mine in ballots]
                    )
                    starts, durations, complete, last = servers.round(ballots, watched, offsets)
                    for n, (session, people) in enumerate(sessions):
                        decided = _check_round(store, facilitator, scenario, session, cast[n])
                        sessions[n] = (decided, people)
                    counted += participants
                    rounds_run += 1
                    if number >= warmup:
                        # from the release (all at once), or from the session's last vote (spread out)
                        since = {sid: min(starts) if window is None else last[sid] for sid in complete}
                        seen = [complete[sid] - since[sid] for sid in complete]
                        full.extend(seen)
                        slowest.append(max(seen))
                        saves.extend(durations)
        finally:
            servers.stop()
        version = server_version(url)

    print(
        f"Team sessions on PostgreSQL: {participants} participants in {PG_SESSIONS} sessions of {per_session}, "
        f"spread over {SERVERS} app-server processes (a pool each); {rounds} timed round(s) after {warmup} "
        f"warm-up, for each of two ways to vote: all at the same instant, and each at a random moment "
        f"within {SPREAD:g} s."
    )
    print(f"{version} on 127.0.0.1 (TCP), {settings}; {os.cpu_count()} CPUs, {load_note()} at the end.")
    print(
        f"Baselines in this run: one vote saved alone {vote_alone * 1000:.1f} ms, "
        f"one facilitator read (load + tally) {one_read * 1000:.1f} ms."
    )
    print()
    header = f"{'votes':<16}{'measure':<58}{'ms':>9}{'x vote alone':>14}{'x one read':>12}"
    print(header)
    print("-" * len(header))
    for shape, (full, slowest, saves) in results.items():
        after = "the release" if shapes[shape] is None else "its last vote"
        rows = [
            (f"full tally seen after {after}, a session (median)", statistics.median(full)),
            ("  all 5 sessions (median round)", statistics.median(slowest)),
            ("  all 5 sessions (slowest round)", max(slowest)),
            ("save one vote, p50", _percentile(saves, 50)),
            ("save one vote, p95", _percentile(saves, 95)),
            ("save one vote, max", max(saves)),
        ]
        for label, value in rows:
            print(f"{shape:<16}{label:<58}{value * 1000:>9.1f}{value / vote_alone:>13.1f}x{value / one_read:>11.1f}x")
    print()
    print(
        f"Nothing lost: {counted} votes cast in {rounds_run} round(s), each held exactly once with the "
        "choice cast, and counted exactly once in its session's decision. Target: vote save p95 <= 50 ms."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="voting rounds per case (default 5)")
    parser.add_argument("--no-processes", action="store_true", help="skip the 4-process case (TinyDB)")
    parser.add_argument("--quick", action="store_true", help="one round per case: seconds (CI: crashes only)")
    parser.add_argument("--store", choices=("tinydb", "postgres"), default="tinydb", help="the store (default tinydb)")
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else max(1, args.rounds)
    if args.store == "postgres":
        if args.quick:
            measure_postgres(rounds, warmup=0, per_session=PG_PER_SESSION_QUICK)
        else:
            measure_postgres(rounds, warmup=1)
    else:
        measure(rounds, processes=not args.no_processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
