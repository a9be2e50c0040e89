"""How long the server works on one choice click on the Play page, as a ratio to bare Streamlit.

Run from the repository root::

    .venv/bin/python benchmarks/bench_play_click.py

What it measures: with ``streamlit.testing.v1.AppTest`` (``from_file("modules/webapp.py")``,
in this process, no browser), a signed-in user plays *De taalbarrière* on the
Play page. Each timed sample is one ``.run()`` after ``.click()`` on a choice
button: the script run that handles the click (replay the attempt, save it to
the store) plus the rerun the page asks for (``st.rerun()``), which renders
the next decision. When an ending is reached, a fresh attempt is started
(untimed). The choices are random with a fixed seed, the same in every case.

The baseline is a bare Streamlit script, written to a temporary file and
timed the same way in the same run: as many buttons and as many Markdown
elements as the Play page showed (median over the timed clicks), and a click
that calls ``st.rerun()`` like the Play page does. The ratio
``median(app) / median(baseline)`` is what the app adds on top of Streamlit
itself; absolute milliseconds depend on the machine, the ratio much less.

Two cases:

* ``lege opslag``: a store holding only the benchmarked user's profile.
* ``100,000 steps``: a store with 2,000 users whose attempts hold 100,000
  saved steps in all (about 7 play-throughs of 5-9 steps each per user, the
  last one left open, plus one reflection each), written directly as the
  TinyDB JSON files ``TinyDBStore`` produces and checked by reading back
  through ``TinyDBStore``. The benchmarked user is one of the 2,000.

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import textwrap
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)

import streamlit.logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from modules.content.scenario import Scenario  # noqa: E402
from modules.library.scenarios import SCENARIO_DIR, load_library  # noqa: E402
from modules.play import engine, reflection  # noqa: E402
from modules.records import Attempt  # noqa: E402
from modules.storage import TinyDBStore, normalise_nickname  # noqa: E402

SCENARIO_ID = "de-taalbarriere"
PLAY_PAGE = "ui/pages/spelen.py"
CLICKS = 30
WARMUP = 5
USERS = 2_000
STEPS_PER_USER = 50  # 2,000 x 50 = 100,000 saved steps
SEED = 20241123


def quiet_streamlit() -> None:
    """Setting AppTest's session state between runs warns 'missing ScriptRunContext': expected here.

    A filter, because every ``AppTest.run()`` resets Streamlit's log level.
    """
    name = "streamlit.runtime.scriptrunner_utils.script_run_context"
    streamlit.logger.get_logger(name).addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())


# --- the app ---------------------------------------------------------------------------------------


def leaves(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from leaves(child)
    else:
        yield node


def choice_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("choice-")]


def new_attempt(store: TinyDBStore, user_id: str, scenario: Scenario) -> str:
    attempt = Attempt(
        user_id=user_id, scenario_id=scenario.id, scenario_title=scenario.title, state=engine.start(scenario)
    )
    store.create_attempt(attempt)
    return attempt.id


def bench_app(data_dir: Path, user_id: str, scenario: Scenario) -> tuple[list[float], int, int]:
    """Times of CLICKS choice clicks; median numbers of buttons and other elements on the page."""
    os.environ["SAMENSPEL_DATA_DIR"] = str(data_dir)
    store = TinyDBStore(data_dir)
    rng = random.Random(SEED)
    at = AppTest.from_file(str(REPO / "modules" / "webapp.py"), default_timeout=60)
    at.session_state["user_id"] = user_id
    at.run()
    at.switch_page(PLAY_PAGE)
    at.session_state["scenario_id"] = scenario.id
    at.session_state["attempt_id"] = new_attempt(store, user_id, scenario)
    at.run()
    times: list[float] = []
    buttons: list[int] = []
    others: list[int] = []
    for index in range(WARMUP + CLICKS):
        keys = choice_keys(at)
        if not keys:  # an ending: start again (untimed)
            at.session_state["attempt_id"] = new_attempt(store, user_id, scenario)
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
        if index >= WARMUP:
            times.append(elapsed)
            kinds = Counter(type(leaf).__name__ for leaf in leaves(at._tree))
            buttons.append(kinds.pop("Button", 0))
            others.append(sum(kinds.values()))
    return times, round(statistics.median(buttons)), round(statistics.median(others))


# --- the baseline ---------------------------------------------------------------------------------

BASELINE = textwrap.dedent(
    """
    import streamlit as st

    for i in range({markdown}):
        st.markdown(f"Regel {{i}}: **iemand** zegt iets en _jij_ reageert daarop.")
    for i in range({buttons}):
        if st.button(f"Keuze {{i}}: ik zeg iets vriendelijks tegen de ouder", key=f"b-{{i}}", width="stretch"):
            st.rerun()
    """
)


def bench_baseline(markdown: int, buttons: int, folder: Path) -> list[float]:
    script = folder / "baseline_page.py"
    script.write_text(BASELINE.format(markdown=markdown, buttons=buttons), encoding="utf-8")
    rng = random.Random(SEED)
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    times = []
    for index in range(WARMUP + CLICKS):
        at.button(key=f"b-{rng.randrange(buttons)}").click()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"the baseline raised: {at.exception}")
        if index >= WARMUP:
            times.append(elapsed)
    return times


# --- the stores -----------------------------------------------------------------------------------


def write_json(path: Path, data: dict) -> None:
    """As ``AtomicJSONStorage.write`` writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def empty_store(root: Path) -> str:
    return TinyDBStore(root).profile_for("bench-speler").id


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


def big_store(root: Path, scenarios: list[Scenario]) -> tuple[str, int]:
    """Write USERS users with STEPS_PER_USER steps each; returns the benchmarked user's id and all steps."""
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
    profiles: dict[str, dict] = {}
    total_steps = 0
    bench_user = ""
    expected: dict[str, dict] = {}
    for number in range(1, USERS + 1):
        nickname = f"leerkracht-{number:04d}"
        user_id = uuid.uuid4().hex
        created = origin + timedelta(minutes=rng.randrange(60 * 24 * 30))
        profiles[str(number)] = {
            "id": user_id,
            "nickname": nickname,
            "created_at": created.isoformat(),
            "key": normalise_nickname(nickname),
        }
        attempts: dict[str, dict] = {}
        steps = 0
        moment = created
        while steps < STEPS_PER_USER:
            scenario, choices = rng.choice(pool)
            choices = tuple(choices[: STEPS_PER_USER - steps])  # the last attempt is left open
            state = state_json(scenario.id, choices)
            started = moment + timedelta(minutes=rng.randrange(10, 60 * 24 * 3))
            updated = started + timedelta(seconds=40 * len(choices))
            moment = updated
            attempts[str(len(attempts) + 1)] = {
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
            steps += len(choices)
        total_steps += steps
        last = attempts[str(len(attempts))]
        note = reflection.build(
            user_id,
            {"ik_wilde": "Ik wilde dat de ouder zich gehoord voelde.", "essentie": "Ik praatte te veel."},
            "Ik laat de ouder navertellen wat we hebben afgesproken.",
            attempt_id=last["id"],
            scenario_id=last["scenario_id"],
            scenario_title=last["scenario_title"],
        )
        note_doc = note.model_copy(update={"created_at": moment.isoformat()}).model_dump(mode="json")
        user_doc = {"attempts": attempts, "reflections": {"1": note_doc}}
        write_json(root / "users" / f"{user_id}.json", user_doc)
        if number == USERS // 2:
            bench_user = user_id
        if number in (1, USERS // 2, USERS):
            expected[user_id] = user_doc
    write_json(root / "profiles.json", {"profiles": profiles})
    check_read_back(root, expected, profiles)
    return bench_user, total_steps


def check_read_back(root: Path, expected: dict[str, dict], profiles: dict[str, dict]) -> None:
    """The files must read back through TinyDBStore exactly, with the keys TinyDBStore itself writes."""
    store = TinyDBStore(root)
    for user_id, doc in expected.items():
        profile = store.get_profile(user_id)
        assert profile is not None and store.profile_for(profile.nickname, create=False).id == user_id
        attempts = {a["id"]: a for a in doc["attempts"].values()}
        read = store.list_attempts(user_id)
        assert {a.id for a in read} == set(attempts), "attempts do not read back"
        for attempt in read:
            assert attempt.model_dump(mode="json") == attempts[attempt.id], "an attempt does not round-trip"
        assert [r.model_dump(mode="json") for r in store.list_reflections(user_id)] == list(doc["reflections"].values())
    ours = next(iter(expected.values()))
    with tempfile.TemporaryDirectory() as scratch:  # what the real store writes, for comparison
        real = TinyDBStore(scratch)
        profile = real.profile_for("vergelijk")
        scenario = load_library().get(ours["attempts"]["1"]["scenario_id"])
        state = engine.start(scenario)
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
        real.save_attempt(
            Attempt(user_id=profile.id, scenario_id=scenario.id, scenario_title=scenario.title, state=state)
        )
        written = json.loads((Path(scratch) / "users" / f"{profile.id}.json").read_text(encoding="utf-8"))
        written_profiles = json.loads((Path(scratch) / "profiles.json").read_text(encoding="utf-8"))
    assert set(written) <= set(ours) and set(written["attempts"]["1"]) == set(ours["attempts"]["1"])
    assert set(written_profiles["profiles"]["1"]) == set(profiles["1"])


# --- main -----------------------------------------------------------------------------------------


def nl(number: int) -> str:
    return f"{number:,}"


def main() -> None:
    os.environ["SAMENSPEL_DEMO"] = "0"
    os.environ.pop("SAMENSPEL_SCENARIO_DIR", None)
    quiet_streamlit()
    library = load_library(SCENARIO_DIR)
    scenario = library.get(SCENARIO_ID)
    if scenario is None:
        raise SystemExit(f"scenario {SCENARIO_ID!r} is not in {SCENARIO_DIR}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="samenspel-bench-") as tmp:
        tmp_path = Path(tmp)
        empty_root = tmp_path / "empty"
        big_root = tmp_path / "large"
        cases = [("empty store", empty_root, empty_store(empty_root))]
        start = time.perf_counter()
        big_user, steps = big_store(big_root, library.sorted())
        size = sum(f.stat().st_size for f in big_root.rglob("*.json"))
        user_size = (big_root / "users" / f"{big_user}.json").stat().st_size
        print(
            f"large store: {nl(USERS)} users, {nl(steps)} steps, {size / 1e6:.1f} MB "
            f"(measured user: {user_size / 1e3:.0f} kB), built in {time.perf_counter() - start:.1f} s"
        )
        cases.append((f"{nl(steps)} steps", big_root, big_user))
        for name, root, user_id in cases:
            app_times, buttons, others = bench_app(root, user_id, scenario)
            base_times = bench_baseline(others, buttons, tmp_path)
            app_ms = statistics.median(app_times) * 1000
            base_ms = statistics.median(base_times) * 1000
            rows.append((name, app_ms, base_ms, app_ms / base_ms, buttons, others))
    print(
        f"\nOne choice click on the Play page ({SCENARIO_ID}), median of {CLICKS} clicks, AppTest, "
        f"Python {sys.version.split()[0]}"
    )
    header = f"{'case':<18} {'median ms':>10} {'baseline ms':>12} {'ratio':>7}   baseline = buttons + markdown"
    print(header)
    print("-" * len(header))
    for name, app_ms, base_ms, ratio, buttons, others in rows:
        print(f"{name:<18} {app_ms:>10.1f} {base_ms:>12.1f} {ratio:>6.2f}x   {buttons} + {others}")


if __name__ == "__main__":
    main()
