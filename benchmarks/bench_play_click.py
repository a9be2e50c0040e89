"""How long the server works on one choice click on the Play page, and one save of a step, as ratios.

Run from the repository root::

    .venv/bin/python benchmarks/bench_play_click.py            # full size (1,000,000 steps; minutes)
    .venv/bin/python benchmarks/bench_play_click.py --quick    # seconds: CI runs this, for crashes only
    .venv/bin/python benchmarks/bench_play_click.py --store postgres            # 1,005,000 steps, 10,001 users
    .venv/bin/python benchmarks/bench_play_click.py --store postgres --quick

**P1, a click.** With ``streamlit.testing.v1.AppTest`` (``from_file("modules/webapp.py")``,
in this process, no browser), a signed-in teacher plays *De taalbarrière* on the Play
page. Each timed sample is one ``.run()`` after ``.click()`` on a choice button: the one
script run a click causes (the button's callback saves the choice, then the page renders the
next decision; until 2026-12-01 the page saved inside the run and asked for a second run with
``st.rerun()``, and the baseline did the same). At an ending a fresh attempt starts
(untimed). The choices are random with a fixed seed, the same in every case. The baseline is
a bare Streamlit script, timed the same way in the same run, that draws exactly the elements
the Play page drew after its median click in a first round of clicks (``common.mirror_script``:
the same kinds and texts, the same chat messages, expander, popovers, columns and sidebar;
until 2026-12-01 it was as
many buttons and Markdown elements, without the containers) with a click handled by a
callback, as the Play page does. The timed clicks of the app and of the baseline then take turns (one
each, in the same process), so a change in the machine's load shows in both (until 2026-12-01 all of
the baseline's clicks came after all of the app's). The ratio ``median(app) / median(baseline)`` is
what the app adds on top of Streamlit.
Both share one script cache across runs, as a server does (``common.share_script_cache``): a
server compiles a page file once, AppTest on every run.

**P2, a save.** ``TinyDBStore.save_attempt`` of the teacher's open attempt with one more
step, directly (no Streamlit), p50 and p95. Its baseline is the floor of any durable save
on this disk: one atomic write (temporary file, fsync, replace) of a file as large as that
attempt, p95 in the same run.

Cases: an empty store (the teacher alone); a store with 2,000 teachers and 1,000,000
saved steps in all (about 70 play-throughs of 5-9 steps per teacher, the last one left
open, one reflection each), the benchmarked teacher one of them; and in that store one
teacher with 5,000 steps of their own. The large store is written directly in the layout
``TinyDBStore`` uses and checked by reading it back through ``TinyDBStore``.

**On PostgreSQL** (``--store postgres``): the same cases and measurements on ``PostgresStore``
(``open_store`` with a database URL, as ``SAMENSPEL_DATABASE_URL`` chooses it; the app under AppTest
finds it the same way), in a throwaway cluster that this script starts (``tests/pg_cluster.py``:
Debian's PostgreSQL, a free port on 127.0.0.1, TCP as ``deploy/`` configures it) and removes. The large
store holds 10,000 teachers with 100 steps each (1,000,000 steps, the issue's size) and the heavy
teacher, written through the store's own API (``create_accounts`` in batches, then ``create_attempt`` and
``add_reflection`` for every record, from ``--seed-threads`` threads; the store has no bulk path) and
checked by reading it back. The cluster seeds without durability (fsync off, as the tests' clusters
run) and is then restarted with a production server's settings (fsync, full-page writes and
synchronous commit on, PostgreSQL's default 128 MB of shared buffers) after ``VACUUM ANALYZE`` and a
checkpoint, so every measured save waits for its commit to reach the disk, as the TinyDB save waits
for its fsync. P2's baseline there is the floor of a save on that server: one ``INSERT ... ON CONFLICT
DO UPDATE`` of the same JSON document into a table of the same shape, on one open psycopg connection,
with no pool, no pydantic and no checks (p95 in the same run); the ratio is what the store adds.

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.common import (  # noqa: E402
    leaves,
    load_note,
    make_durable,
    mirror_script,
    p95,
    postgres_cluster,
    quiet_streamlit,
    server_version,
    share_script_cache,
)
from modules.content.scenario import Scenario  # noqa: E402
from modules.library.scenarios import SCENARIO_DIR, load_library  # noqa: E402
from modules.people import accounts, logins  # noqa: E402
from modules.play import engine, reflection  # noqa: E402
from modules.records import Account, Attempt, Reflection  # noqa: E402
from modules.storage import Store, TinyDBStore, open_store  # noqa: E402
from modules.storage.files import AtomicJSONStorage  # noqa: E402

SCENARIO_ID = "de-taalbarriere"
PLAY_PAGE = "ui/pages/spelen.py"
PASSWORD = "een-lang-wachtwoord"
SEED = 20241123


@dataclass(frozen=True)
class Size:
    users: int
    steps_per_user: int
    heavy_steps: int  # the one teacher with a long history
    clicks: int
    warmup: int
    saves: int


FULL = Size(users=2_000, steps_per_user=500, heavy_steps=5_000, clicks=30, warmup=5, saves=200)
QUICK = Size(users=40, steps_per_user=50, heavy_steps=300, clicks=6, warmup=2, saves=30)
# The PostgreSQL size: 1M saved steps over 10,000 users.
FULL_PG = Size(users=10_000, steps_per_user=100, heavy_steps=5_000, clicks=30, warmup=5, saves=200)
QUICK_PG = Size(users=40, steps_per_user=50, heavy_steps=300, clicks=6, warmup=2, saves=30)


@dataclass(frozen=True)
class Case:
    """One measured case: the store (a data folder, and for PostgreSQL its database) and the teacher."""

    name: str
    root: Path
    url: str | None  # None: TinyDB in ``root``
    user_id: str

    def store(self) -> Store:
        return open_store(self.root, demo=False, url=self.url) if self.url else TinyDBStore(self.root)

    def environ(self) -> None:
        """The app under AppTest finds this store as a server would: by its environment."""
        os.environ["SAMENSPEL_DATA_DIR"] = str(self.root)
        if self.url:
            os.environ["SAMENSPEL_DATABASE_URL"] = self.url
        else:
            os.environ.pop("SAMENSPEL_DATABASE_URL", None)


# --- the app ---------------------------------------------------------------------------------------


def choice_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("choice-")]


def new_attempt(store: Store, user_id: str, scenario: Scenario) -> Attempt:
    attempt = Attempt(
        user_id=user_id, scenario_id=scenario.id, scenario_title=scenario.title, state=engine.start(scenario)
    )
    return store.create_attempt(attempt)


class PlayPage:
    """The Play page under AppTest, signed in as the case's teacher, on a fresh attempt of ``scenario``."""

    def __init__(self, case: Case, scenario: Scenario):
        case.environ()
        self.store, self.user_id, self.scenario = case.store(), case.user_id, scenario
        account = self.store.get_account(self.user_id)
        assert account is not None
        self.rng = random.Random(SEED)
        self.at = at = AppTest.from_file(str(REPO / "modules" / "webapp.py"), default_timeout=60)
        at.session_state["user_id"] = self.user_id
        at.session_state["login_id"] = logins.start(self.store, account).id
        at.run()
        at.switch_page(PLAY_PAGE)
        at.session_state["scenario_id"] = scenario.id
        at.session_state["attempt_id"] = new_attempt(self.store, self.user_id, scenario).id
        at.run()

    def click(self) -> float:
        """One random choice clicked: the time of the run it causes (at an ending a fresh attempt starts, untimed)."""
        at = self.at
        keys = choice_keys(at)
        if not keys:
            at.session_state["attempt_id"] = new_attempt(self.store, self.user_id, self.scenario).id
            at.run()
            keys = choice_keys(at)
        if at.exception or not keys:
            raise SystemExit(f"the Play page did not show choices: {at.exception}")
        at.button(key=self.rng.choice(keys)).click()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"the Play page raised: {at.exception}")
        step = int(keys[0].split("-")[1])
        advanced = [k for k in choice_keys(at) if k.startswith(f"choice-{step + 1}-")]
        if not advanced and not any(b.key == "to-debrief" for b in at.button):
            raise SystemExit(f"the click on decision {step} did not lead to the next decision or an ending")
        return elapsed


class BarePage:
    """A bare Streamlit script that draws the same elements as the app's page ``tree``, under AppTest."""

    def __init__(self, tree: Any, folder: Path):
        script = folder / "baseline_page.py"
        script.write_text(mirror_script(tree), encoding="utf-8")
        self.rng = random.Random(SEED)
        self.at = at = AppTest.from_file(str(script), default_timeout=60)
        at.run()
        self.keys = [b.key for b in at.button if b.key and b.key.startswith("choice-")]
        if at.exception or not self.keys:
            raise SystemExit(f"the baseline did not draw the page's choices: {at.exception}")

    def click(self) -> float:
        self.at.button(key=self.rng.choice(self.keys)).click()
        start = time.perf_counter()
        self.at.run()
        elapsed = time.perf_counter() - start
        if self.at.exception:
            raise SystemExit(f"the baseline raised: {self.at.exception}")
        return elapsed


def bench_clicks(case: Case, scenario: Scenario, size: Size, folder: Path) -> tuple[list[float], list[float], int, int]:
    """Times of the app's choice clicks and of the baseline's, taken in turns; and the numbers of buttons
    and other elements of the page the baseline mirrors (the app's page with the median number of elements
    over a first round of clicks)."""
    page = PlayPage(case, scenario)
    pages: list[tuple[int, int, int, Any]] = []  # elements, buttons, others, tree
    for index in range(size.warmup + size.clicks):
        page.click()
        if index >= size.warmup:
            kinds = Counter(type(leaf).__name__ for leaf in leaves(page.at._tree))
            buttons = kinds.pop("Button", 0)
            pages.append((buttons + sum(kinds.values()), buttons, sum(kinds.values()), page.at._tree))
    _, buttons, others, tree = sorted(pages, key=lambda found: found[0])[len(pages) // 2]
    bare = BarePage(tree, folder)
    for _ in range(size.warmup):
        bare.click()
    app_times, base_times = [], []
    for _ in range(size.clicks):  # in turns: a change of the machine's load shows in both
        app_times.append(page.click())
        base_times.append(bare.click())
    return app_times, base_times, buttons, others


# --- P2: one save ---------------------------------------------------------------------------------


def bench_save(case: Case, scenario: Scenario, size: Size) -> tuple[list[float], list[float]]:
    """Times of ``save_attempt`` with one more step each; and of the baseline write of that size."""
    store, user_id = case.store(), case.user_id
    rng = random.Random(SEED)
    attempt = new_attempt(store, user_id, scenario)
    saves: list[float] = []
    for _ in range(size.saves):
        if attempt.finished:
            attempt = new_attempt(store, user_id, scenario)
        state, _ = engine.choose(
            scenario, attempt.state, rng.choice(engine.available_choices(scenario, attempt.state)).id
        )
        start = time.perf_counter()
        attempt = store.save_attempt(attempt.model_copy(update={"state": state}))
        saves.append(time.perf_counter() - start)
    if case.url:
        return saves, floor_upserts(case.url, attempt.model_dump(mode="json"), size.saves)
    document = {"attempts": {"1": attempt.model_dump(mode="json")}}
    floor = AtomicJSONStorage(case.root / "baseline-write.json")
    writes = []
    for _ in range(size.saves):
        start = time.perf_counter()
        floor.write(document)
        writes.append(time.perf_counter() - start)
    return saves, writes


def floor_upserts(url: str, document: dict, times: int) -> list[float]:
    """The floor of a save on this PostgreSQL server: one upsert of ``document`` as JSONB into a table of
    the attempts' shape (in a database of its own), on one open connection: no pool, no model, no checks."""
    import psycopg
    from psycopg.types.json import Jsonb

    floor_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(floor_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor (user_id text NOT NULL, id text NOT NULL,"
            " scenario_id text NOT NULL, seq bigint GENERATED BY DEFAULT AS IDENTITY, doc jsonb NOT NULL,"
            " PRIMARY KEY (user_id, id))"
        )
        writes = []
        for _ in range(times):
            start = time.perf_counter()
            conn.execute(
                "INSERT INTO bench_floor (user_id, id, scenario_id, doc) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (user_id, id) DO UPDATE SET scenario_id = excluded.scenario_id, doc = excluded.doc",
                (document["user_id"], document["id"], document["scenario_id"], Jsonb(document)),
            )
            writes.append(time.perf_counter() - start)
    return writes


# --- the stores -----------------------------------------------------------------------------------


def write_json(path: Path, data: dict) -> None:
    """As ``AtomicJSONStorage.write`` writes it (without the fsync: this only builds the test data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def teacher(store: Store, username: str) -> str:
    return accounts.sign_up(store, username, PASSWORD).id


def play_pool(
    scenarios: list[Scenario], rng: random.Random, per_scenario: int = 200
) -> list[tuple[Scenario, list[str]]]:
    pool = []
    for scenario in scenarios:
        for _ in range(per_scenario):
            state = engine.start(scenario)
            while not state.finished:
                state, _ = engine.choose(scenario, state, rng.choice(engine.available_choices(scenario, state)).id)
            pool.append((scenario, state.choice_ids()))
    return pool


@dataclass
class Teacher:
    """One teacher of the large store: the account, their play-throughs (the last one open) and a reflection."""

    number: int
    account: Account
    attempts: list[Attempt]
    note: Reflection
    steps: int


def history(scenarios: list[Scenario], size: Size, template: Account) -> Iterator[Teacher]:
    """``size.users`` teachers with ``size.steps_per_user`` steps each, then one with ``size.heavy_steps``;
    random with a fixed seed, the same for both stores."""
    rng = random.Random(SEED)
    pool = play_pool(scenarios, rng)
    states: dict[tuple[str, tuple[str, ...]], dict] = {}
    by_id = {s.id: s for s in scenarios}

    def state_json(scenario_id: str, choices: tuple[str, ...]) -> dict:
        key = (scenario_id, choices)
        if key not in states:
            states[key] = engine.replay(by_id[scenario_id], list(choices)).model_dump(mode="json")
        return states[key]

    origin = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    for number in range(1, size.users + 2):
        heavy = number == size.users + 1
        user_id = uuid.uuid4().hex
        username = f"leerkracht-{number:04d}"
        account = template.model_copy(
            update={"id": user_id, "username": username, "key": username, "invite_code": None}
        )
        created = origin + timedelta(minutes=rng.randrange(60 * 24 * 30))
        attempts: list[Attempt] = []
        steps = 0
        moment = created
        wanted = size.heavy_steps if heavy else size.steps_per_user
        while steps < wanted:
            scenario, choices = rng.choice(pool)
            choices = tuple(choices[: wanted - steps])  # the last attempt is left open
            state = state_json(scenario.id, choices)
            started = moment + timedelta(minutes=rng.randrange(10, 60 * 24 * 3))
            updated = started + timedelta(seconds=40 * len(choices))
            moment = updated
            attempts.append(
                Attempt.model_validate(
                    {
                        "id": uuid.uuid4().hex,
                        "user_id": user_id,
                        "scenario_id": scenario.id,
                        "scenario_title": scenario.title,
                        "state": state,
                        "anticipation": "Ik verwacht dat ik goed moet checken of de ouder me begrijpt.",
                        "started_at": started.isoformat(),
                        "updated_at": updated.isoformat(),
                        "finished_at": updated.isoformat() if state["ending"] else None,
                    }
                )
            )
            steps += len(choices)
        last = attempts[-1]
        note = reflection.build(
            user_id,
            {"ik_wilde": "Ik wilde dat de ouder zich gehoord voelde.", "essentie": "Ik praatte te veel."},
            "Ik laat de ouder navertellen wat we hebben afgesproken.",
            attempt_id=last.id,
            scenario_id=last.scenario_id,
            scenario_title=last.scenario_title,
        ).model_copy(update={"created_at": moment})
        yield Teacher(number, account, attempts, note, steps)


def checked_numbers(size: Size) -> tuple[int, ...]:
    """The teachers read back after the store is built: the first, the typical one, the heavy one."""
    return (1, size.users // 2, size.users + 1)


def big_store(root: Path, scenarios: list[Scenario], size: Size) -> tuple[str, str, int]:
    """The large store as TinyDB files, written directly in ``TinyDBStore``'s layout; returns the ids of a
    typical and of the heavy teacher, and the number of steps in all."""
    store = TinyDBStore(root)
    template = store.get_account(teacher(store, "leerkracht-0000"))
    assert template is not None
    total_steps = 0
    ids: list[str] = []
    expected: dict[str, dict] = {}
    account_docs: dict[str, dict] = {}
    for one in history(scenarios, size, template):
        user_id = one.account.id
        account_docs[str(one.number + 1)] = one.account.model_dump(mode="json")
        attempts = [a.model_dump(mode="json") for a in one.attempts]  # the store's own form (times, defaults)
        for attempt in attempts:
            write_json(root / "users" / user_id / "attempts" / f"{attempt['id']}.json", {"attempts": {"1": attempt}})
        note_doc = one.note.model_dump(mode="json")
        write_json(root / "users" / f"{user_id}.json", {"reflections": {"1": note_doc}})
        total_steps += one.steps
        ids.append(user_id)
        if one.number in checked_numbers(size):
            expected[user_id] = {"attempts": attempts, "reflections": [note_doc]}
    accounts_file = root / "accounts.json"
    data = json.loads(accounts_file.read_text(encoding="utf-8"))
    data["accounts"].update(account_docs)
    write_json(accounts_file, data)
    store = TinyDBStore(root)
    check_read_back(store, expected)
    user_id, doc = next(iter(expected.items()))
    written = store.save_attempt(Attempt.model_validate(doc["attempts"][0]))  # as the store writes it itself
    path = root / "users" / user_id / "attempts" / f"{written.id}.json"
    assert set(json.loads(path.read_text(encoding="utf-8"))["attempts"]["1"]) == set(doc["attempts"][0])
    return ids[size.users // 2 - 1], ids[-1], total_steps


def big_database(
    open_large: Callable[[], Store], scenarios: list[Scenario], size: Size, threads: int
) -> tuple[str, str, int]:
    """The large store in PostgreSQL, written through the store's API: the accounts in batches of 1,000
    (``create_accounts``, one transaction each), then every attempt (``create_attempt``) and reflection
    (``add_reflection``), a teacher at a time per thread. Returns as ``big_store``."""
    store = open_large()
    template = store.get_account(teacher(store, "leerkracht-0000"))
    assert template is not None
    total_steps = 0
    ids: list[str] = []
    expected: dict[str, dict] = {}
    batch: list[Teacher] = []
    pending: list[Future[None]] = []

    def write(one: Teacher) -> None:
        for attempt in one.attempts:
            store.create_attempt(attempt)
        store.add_reflection(one.note)

    def flush(executor: ThreadPoolExecutor) -> None:
        created = store.create_accounts([one.account for one in batch])
        assert len(created) == len(batch), "an account was not created"
        pending.extend(executor.submit(write, one) for one in batch)
        batch.clear()
        while len(pending) > 4 * threads:  # the generator stays ahead of the writers, not far ahead
            pending.pop(0).result()

    with ThreadPoolExecutor(max_workers=threads) as executor:
        for one in history(scenarios, size, template):
            batch.append(one)
            total_steps += one.steps
            ids.append(one.account.id)
            if one.number in checked_numbers(size):
                expected[one.account.id] = {
                    "attempts": [a.model_dump(mode="json") for a in one.attempts],
                    "reflections": [one.note.model_dump(mode="json")],
                }
            if len(batch) >= 1_000:
                flush(executor)
        flush(executor)
        for future in pending:
            future.result()
    check_read_back(store, expected)
    return ids[size.users // 2 - 1], ids[-1], total_steps


def check_read_back(store: Store, expected: dict[str, dict]) -> None:
    """The teachers in ``expected`` must read back through the store exactly."""
    for user_id, doc in expected.items():
        assert store.get_account(user_id) is not None, "an account does not read back"
        attempts = {a["id"]: a for a in doc["attempts"]}
        read = store.list_attempts(user_id)
        assert {a.id for a in read} == set(attempts), "attempts do not read back"
        for attempt in read:
            assert attempt.model_dump(mode="json") == attempts[attempt.id], "an attempt does not round-trip"
        assert [r.model_dump(mode="json") for r in store.list_reflections(user_id)] == doc["reflections"]


def restart_durable(cluster: Any, url: str) -> str:
    """``VACUUM ANALYZE`` the seeded database, then restart the cluster as a production server
    (``common.make_durable``); returns what the server says it runs with."""
    from modules.storage.postgres_store import close_pools

    close_pools()  # this process's connections end with the restart
    return make_durable(cluster, vacuum=[url])


# --- main -----------------------------------------------------------------------------------------


def nl(number: int) -> str:
    return f"{number:,}"


def tinydb_cases(tmp_path: Path, scenarios: list[Scenario], size: Size) -> list[Case]:
    empty_root, big_root = tmp_path / "empty", tmp_path / "large"
    cases = [Case("empty store", empty_root, None, teacher(TinyDBStore(empty_root), "bench-speler"))]
    start = time.perf_counter()
    typical, heavy, steps = big_store(big_root, scenarios, size)
    files = list(big_root.rglob("*.json"))
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(
        f"large store: {nl(size.users + 1)} teachers, {nl(steps)} steps, {nl(len(files))} files, "
        f"{megabytes:.0f} MB, built in {time.perf_counter() - start:.0f} s"
    )
    cases.append(Case(f"{nl(steps)} steps", big_root, None, typical))
    cases.append(Case(f"teacher, {nl(size.heavy_steps)} steps", big_root, None, heavy))
    return cases


def postgres_cases(cluster: Any, tmp_path: Path, scenarios: list[Scenario], size: Size, threads: int) -> list[Case]:
    import psycopg

    empty_url, big_url = cluster.create_database("empty"), cluster.create_database("large")
    empty_root, big_root = tmp_path / "empty", tmp_path / "large"
    cases = [Case("empty store", empty_root, empty_url, teacher(open_store(empty_root, url=empty_url), "bench-speler"))]
    start = time.perf_counter()
    typical, heavy, steps = big_database(lambda: open_store(big_root, url=big_url), scenarios, size, threads)
    seeded = time.perf_counter() - start
    settings = restart_durable(cluster, big_url)
    with psycopg.connect(big_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(current_database()), (SELECT count(*) FROM attempts)").fetchone()
    megabytes, attempts = (row[0] / 1e6, row[1]) if row else (0.0, 0)
    print(
        f"large database: {nl(size.users + 1)} teachers, {nl(steps)} steps in {nl(attempts)} attempts, "
        f"{megabytes:.0f} MB; seeded through the store's API from {threads} threads in {seeded:.0f} s "
        f"({nl(round(attempts / seeded))} attempts/s); then VACUUM ANALYZE, checkpoint and a restart in "
        f"{time.perf_counter() - start - seeded:.0f} s"
    )
    print(f"{server_version(big_url)} on 127.0.0.1 (TCP), measured with {settings}")
    cases.append(Case(f"{nl(steps)} steps", big_root, big_url, typical))
    cases.append(Case(f"teacher, {nl(size.heavy_steps)} steps", big_root, big_url, heavy))
    return cases


def measure(cases: list[Case], scenario: Scenario, size: Size, tmp_path: Path) -> tuple[list, list]:
    clicks, saves = [], []
    for case in cases:
        app_times, base_times, buttons, others = bench_clicks(case, scenario, size, tmp_path)
        app_ms, base_ms = statistics.median(app_times) * 1000, statistics.median(base_times) * 1000
        clicks.append((case.name, app_ms, base_ms, buttons, others))
        save_times, write_times = bench_save(case, scenario, size)
        saves.append((case.name, save_times, write_times))
    return clicks, saves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small size that runs in seconds (CI: crashes only)")
    parser.add_argument("--store", choices=("tinydb", "postgres"), default="tinydb", help="the store (default tinydb)")
    parser.add_argument("--seed-threads", type=int, default=4, help="threads that seed PostgreSQL (default 4)")
    args = parser.parse_args()
    postgres = args.store == "postgres"
    size = (QUICK_PG if args.quick else FULL_PG) if postgres else (QUICK if args.quick else FULL)
    os.environ["SAMENSPEL_DEMO"] = "0"
    os.environ.pop("SAMENSPEL_SCENARIO_DIR", None)
    os.environ.pop("SAMENSPEL_DATABASE_URL", None)
    quiet_streamlit()
    share_script_cache()
    library = load_library(SCENARIO_DIR)
    scenario = library.get(SCENARIO_ID)
    if scenario is None:
        raise SystemExit(f"scenario {SCENARIO_ID!r} is not in {SCENARIO_DIR}")
    with tempfile.TemporaryDirectory(prefix="samenspel-bench-") as tmp:
        tmp_path = Path(tmp)
        if postgres:
            with postgres_cluster() as cluster:
                cases = postgres_cases(cluster, tmp_path, library.sorted(), size, max(1, args.seed_threads))
                clicks, saves = measure(cases, scenario, size, tmp_path)
        else:
            clicks, saves = measure(tinydb_cases(tmp_path, library.sorted(), size), scenario, size, tmp_path)
    store_name = "PostgresStore" if postgres else "TinyDBStore"
    python = f"AppTest, Python {sys.version.split()[0]}, {os.cpu_count()} cores; {load_note()} at the end"
    print(f"\nP1 one choice click on the Play page ({SCENARIO_ID}), {store_name}, median of {size.clicks} clicks")
    print(python)
    header = (
        f"{'case':<24} {'median ms':>10} {'baseline ms':>12} {'ratio':>7}   target <= 2x; baseline: same elements, bare"
    )
    print(header)
    print("-" * len(header))
    for name, app_ms, base_ms, buttons, others in clicks:
        print(f"{name:<24} {app_ms:>10.1f} {base_ms:>12.1f} {app_ms / base_ms:>6.2f}x   {buttons} + {others}")
    floor = "one upsert of that document on one connection" if postgres else "one atomic write that size"
    print(f"\nP2 save one step ({store_name}.save_attempt), {size.saves} saves; baseline = {floor}")
    header = f"{'case':<24} {'p50 ms':>8} {'p95 ms':>8} {'baseline p95':>13} {'ratio':>7}   target p95 <= 5 ms"
    print(header)
    print("-" * len(header))
    for name, save_times, write_times in saves:
        p95_ms, base_ms = p95(save_times) * 1000, p95(write_times) * 1000
        print(
            f"{name:<24} {statistics.median(save_times) * 1000:>8.2f} {p95_ms:>8.2f} {base_ms:>13.2f} "
            f"{p95_ms / base_ms:>6.2f}x"
        )


if __name__ == "__main__":
    main()
