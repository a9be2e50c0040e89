"""How long the server works on one choice click on the Play page, and one save of a step, as ratios.

Run from the repository root::

    .venv/bin/python benchmarks/bench_play_click.py            # full size (1,000,000 steps; minutes)
    .venv/bin/python benchmarks/bench_play_click.py --quick    # seconds: CI runs this, for crashes only

**P1, a click.** With ``streamlit.testing.v1.AppTest`` (``from_file("modules/webapp.py")``,
in this process, no browser), a signed-in teacher plays *De taalbarrière* on the Play
page. Each timed sample is one ``.run()`` after ``.click()`` on a choice button: the one
script run a click causes (the button's callback saves the choice, then the page renders the
next decision; until 2026-12-01 the page saved inside the run and asked for a second run with
``st.rerun()``, and the baseline did the same). At an ending a fresh attempt starts
(untimed). The choices are random with a fixed seed, the same in every case. The baseline is
a bare Streamlit script, timed the same way in the same run, that draws exactly the elements
the Play page drew after its median click (``common.mirror_script``: the same kinds and texts,
the same chat messages, expander, popovers, columns and sidebar; until 2026-12-01 it was as
many buttons and Markdown elements, without the containers) with a click handled by a
callback, as the Play page does. The ratio ``median(app) / median(baseline)`` is what the app adds on top of Streamlit.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.common import leaves, mirror_script, quiet_streamlit, share_script_cache  # noqa: E402
from modules.content.scenario import Scenario  # noqa: E402
from modules.library.scenarios import SCENARIO_DIR, load_library  # noqa: E402
from modules.people import accounts, logins  # noqa: E402
from modules.play import engine, reflection  # noqa: E402
from modules.records import Attempt  # noqa: E402
from modules.storage import TinyDBStore  # noqa: E402
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


# --- the app ---------------------------------------------------------------------------------------


def choice_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("choice-")]


def new_attempt(store: TinyDBStore, user_id: str, scenario: Scenario) -> Attempt:
    attempt = Attempt(
        user_id=user_id, scenario_id=scenario.id, scenario_title=scenario.title, state=engine.start(scenario)
    )
    return store.create_attempt(attempt)


def bench_app(data_dir: Path, user_id: str, scenario: Scenario, size: Size) -> tuple[list[float], Any, int, int]:
    """Times of the choice clicks; the page after the click with the median number of elements, and
    that page's numbers of buttons and other elements."""
    os.environ["SAMENSPEL_DATA_DIR"] = str(data_dir)
    store = TinyDBStore(data_dir)
    account = store.get_account(user_id)
    assert account is not None
    rng = random.Random(SEED)
    at = AppTest.from_file(str(REPO / "modules" / "webapp.py"), default_timeout=60)
    at.session_state["user_id"] = user_id
    at.session_state["login_id"] = logins.start(store, account).id
    at.run()
    at.switch_page(PLAY_PAGE)
    at.session_state["scenario_id"] = scenario.id
    at.session_state["attempt_id"] = new_attempt(store, user_id, scenario).id
    at.run()
    times: list[float] = []
    pages: list[tuple[int, int, int, Any]] = []  # elements, buttons, others, tree
    for index in range(size.warmup + size.clicks):
        keys = choice_keys(at)
        if not keys:  # an ending: start again (untimed)
            at.session_state["attempt_id"] = new_attempt(store, user_id, scenario).id
            at.run()
            keys = choice_keys(at)
        if at.exception or not keys:
            raise SystemExit(f"the Play page did not show choices: {at.exception}")
        at.button(key=rng.choice(keys)).click()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"the Play page raised: {at.exception}")
        step = int(keys[0].split("-")[1])
        advanced = [k for k in choice_keys(at) if k.startswith(f"choice-{step + 1}-")]
        if not advanced and not any(b.key == "to-debrief" for b in at.button):
            raise SystemExit(f"the click on decision {step} did not lead to the next decision or an ending")
        if index >= size.warmup:
            times.append(elapsed)
            kinds = Counter(type(leaf).__name__ for leaf in leaves(at._tree))
            buttons = kinds.pop("Button", 0)
            pages.append((buttons + sum(kinds.values()), buttons, sum(kinds.values()), at._tree))
    _, buttons, others, tree = sorted(pages, key=lambda page: page[0])[len(pages) // 2]
    return times, tree, buttons, others


# --- the baseline ---------------------------------------------------------------------------------


def bench_baseline(tree: Any, folder: Path, size: Size) -> list[float]:
    """Clicks on a bare Streamlit script that draws the same elements as the app's page ``tree``."""
    script = folder / "baseline_page.py"
    script.write_text(mirror_script(tree), encoding="utf-8")
    rng = random.Random(SEED)
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    keys = [b.key for b in at.button if b.key and b.key.startswith("choice-")]
    if at.exception or not keys:
        raise SystemExit(f"the baseline did not draw the page's choices: {at.exception}")
    times = []
    for index in range(size.warmup + size.clicks):
        at.button(key=rng.choice(keys)).click()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"the baseline raised: {at.exception}")
        if index >= size.warmup:
            times.append(elapsed)
    return times


# --- P2: one save ---------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def bench_save(root: Path, user_id: str, scenario: Scenario, size: Size) -> tuple[list[float], list[float]]:
    """Times of ``save_attempt`` with one more step each; and of the baseline atomic write of that size."""
    store = TinyDBStore(root)
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
    document = {"attempts": {"1": attempt.model_dump(mode="json")}}
    floor = AtomicJSONStorage(root / "baseline-write.json")
    writes = []
    for _ in range(size.saves):
        start = time.perf_counter()
        floor.write(document)
        writes.append(time.perf_counter() - start)
    return saves, writes


# --- the stores -----------------------------------------------------------------------------------


def write_json(path: Path, data: dict) -> None:
    """As ``AtomicJSONStorage.write`` writes it (without the fsync: this only builds the test data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def teacher(store: TinyDBStore, username: str) -> str:
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


def big_store(root: Path, scenarios: list[Scenario], size: Size) -> tuple[str, str, int]:
    """``size.users`` teachers with ``size.steps_per_user`` steps each, and one with ``size.heavy_steps``;
    returns the ids of a typical and of the heavy teacher, and the number of steps in all."""
    rng = random.Random(SEED)
    pool = play_pool(scenarios, rng)
    states: dict[tuple[str, tuple[str, ...]], dict] = {}
    by_id = {s.id: s for s in scenarios}

    def state_json(scenario_id: str, choices: tuple[str, ...]) -> dict:
        key = (scenario_id, choices)
        if key not in states:
            states[key] = engine.replay(by_id[scenario_id], list(choices)).model_dump(mode="json")
        return states[key]

    store = TinyDBStore(root)
    template = store.get_account(teacher(store, "leerkracht-0000"))
    assert template is not None
    origin = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    total_steps = 0
    ids: list[str] = []
    expected: dict[str, dict] = {}
    account_docs: dict[str, dict] = {}
    for number in range(1, size.users + 2):
        heavy = number == size.users + 1
        user_id = uuid.uuid4().hex
        username = f"leerkracht-{number:04d}"
        account_docs[str(number + 1)] = {
            **template.model_dump(mode="json"),
            "id": user_id,
            "username": username,
            "key": username,
            "invite_code": None,
        }
        created = origin + timedelta(minutes=rng.randrange(60 * 24 * 30))
        attempts: list[dict] = []
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
                ).model_dump(mode="json")  # the store's own form (times, defaults)
            )
            steps += len(choices)
        total_steps += steps
        for attempt in attempts:
            write_json(root / "users" / user_id / "attempts" / f"{attempt['id']}.json", {"attempts": {"1": attempt}})
        last = attempts[-1]
        note = reflection.build(
            user_id,
            {"ik_wilde": "Ik wilde dat de ouder zich gehoord voelde.", "essentie": "Ik praatte te veel."},
            "Ik laat de ouder navertellen wat we hebben afgesproken.",
            attempt_id=last["id"],
            scenario_id=last["scenario_id"],
            scenario_title=last["scenario_title"],
        )
        note_doc = note.model_copy(update={"created_at": moment}).model_dump(mode="json")
        write_json(root / "users" / f"{user_id}.json", {"reflections": {"1": note_doc}})
        ids.append(user_id)
        if number in (1, size.users // 2, size.users + 1):
            expected[user_id] = {"attempts": attempts, "reflections": [note_doc]}
    accounts_file = root / "accounts.json"
    data = json.loads(accounts_file.read_text(encoding="utf-8"))
    data["accounts"].update(account_docs)
    write_json(accounts_file, data)
    check_read_back(root, expected)
    return ids[size.users // 2 - 1], ids[-1], total_steps


def check_read_back(root: Path, expected: dict[str, dict]) -> None:
    """The files must read back through TinyDBStore exactly, and look like what TinyDBStore writes."""
    store = TinyDBStore(root)
    for user_id, doc in expected.items():
        assert store.get_account(user_id) is not None, "an account does not read back"
        attempts = {a["id"]: a for a in doc["attempts"]}
        read = store.list_attempts(user_id)
        assert {a.id for a in read} == set(attempts), "attempts do not read back"
        for attempt in read:
            assert attempt.model_dump(mode="json") == attempts[attempt.id], "an attempt does not round-trip"
        assert [r.model_dump(mode="json") for r in store.list_reflections(user_id)] == doc["reflections"]
    user_id, doc = next(iter(expected.items()))
    written = store.save_attempt(Attempt.model_validate(doc["attempts"][0]))  # as the store writes it itself
    path = root / "users" / user_id / "attempts" / f"{written.id}.json"
    assert set(json.loads(path.read_text(encoding="utf-8"))["attempts"]["1"]) == set(doc["attempts"][0])


# --- main -----------------------------------------------------------------------------------------


def nl(number: int) -> str:
    return f"{number:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small size that runs in seconds (CI: crashes only)")
    size = QUICK if parser.parse_args().quick else FULL
    os.environ["SAMENSPEL_DEMO"] = "0"
    os.environ.pop("SAMENSPEL_SCENARIO_DIR", None)
    quiet_streamlit()
    share_script_cache()
    library = load_library(SCENARIO_DIR)
    scenario = library.get(SCENARIO_ID)
    if scenario is None:
        raise SystemExit(f"scenario {SCENARIO_ID!r} is not in {SCENARIO_DIR}")
    clicks, saves = [], []
    with tempfile.TemporaryDirectory(prefix="samenspel-bench-") as tmp:
        tmp_path = Path(tmp)
        empty_root = tmp_path / "empty"
        big_root = tmp_path / "large"
        cases = [("empty store", empty_root, teacher(TinyDBStore(empty_root), "bench-speler"))]
        start = time.perf_counter()
        typical, heavy, steps = big_store(big_root, library.sorted(), size)
        files = list(big_root.rglob("*.json"))
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"large store: {nl(size.users + 1)} teachers, {nl(steps)} steps, {nl(len(files))} files, "
            f"{megabytes:.0f} MB, built in {time.perf_counter() - start:.0f} s"
        )
        cases.append((f"{nl(steps)} steps", big_root, typical))
        cases.append((f"teacher, {nl(size.heavy_steps)} steps", big_root, heavy))
        for name, root, user_id in cases:
            app_times, tree, buttons, others = bench_app(root, user_id, scenario, size)
            base_times = bench_baseline(tree, tmp_path, size)
            app_ms, base_ms = statistics.median(app_times) * 1000, statistics.median(base_times) * 1000
            clicks.append((name, app_ms, base_ms, buttons, others))
            save_times, write_times = bench_save(root, user_id, scenario, size)
            saves.append((name, save_times, write_times))
    python = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"\nP1 one choice click on the Play page ({SCENARIO_ID}), median of {size.clicks} clicks, AppTest, {python}")
    header = (
        f"{'case':<24} {'median ms':>10} {'baseline ms':>12} {'ratio':>7}   target <= 2x; baseline: same elements, bare"
    )
    print(header)
    print("-" * len(header))
    for name, app_ms, base_ms, buttons, others in clicks:
        print(f"{name:<24} {app_ms:>10.1f} {base_ms:>12.1f} {app_ms / base_ms:>6.2f}x   {buttons} + {others}")
    print(f"\nP2 save one step (TinyDBStore.save_attempt), {size.saves} saves; baseline = one atomic write that size")
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
