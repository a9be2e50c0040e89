"""A rerun of the coach's *Mijn leraren* page with 30 teachers, as a ratio to a bare page.

Run from the repository root::

    .venv/bin/python benchmarks/bench_coach.py            # 30 teachers x 50 play-throughs, 5 shared reflections
    .venv/bin/python benchmarks/bench_coach.py --quick    # 4 teachers x 10: CI runs this, for crashes only

With ``streamlit.testing.v1.AppTest`` (in this process, no browser) a signed-in coach opens
*Mijn leraren*; each timed sample is one rerun (``.run()`` after the teacher selectbox is set
to the next teacher), as when the coach looks through their teachers. The store, made through
the services as the app makes it: 30 teachers connected to the coach, each with 50 finished
play-throughs of the bundled scenarios and 5 reflections shared with the coach.

The baseline, timed the same way in the same run, is a bare Streamlit page with a selectbox
and as many other elements as *Mijn leraren* showed (median over the timed reruns).

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SAMENSPEL_ARGON2_PROFILE", "test")

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.common import leaves, quiet_streamlit, share_script_cache  # noqa: E402
from modules.library.scenarios import load_library  # noqa: E402
from modules.people import accounts, logins, sharing  # noqa: E402
from modules.play import engine, reflection  # noqa: E402
from modules.records import Attempt  # noqa: E402
from modules.storage import TinyDBStore  # noqa: E402

PASSWORD = "een-lang-wachtwoord"
SEED = 20261201
COACH_PAGE = "ui/pages/coach.py"


def build(root: Path, teachers: int, attempts: int, shared: int) -> str:
    """The coach's id; ``teachers`` teachers connected to them, with play-throughs and shared reflections."""
    store = TinyDBStore(root)
    rng = random.Random(SEED)
    library = load_library().sorted()
    coach = accounts.ensure_account(store, "coach-bench", PASSWORD, "coach")
    assert coach.invite_code is not None
    for number in range(teachers):
        teacher = accounts.sign_up(store, f"leraar-{number:02d}", PASSWORD)
        sharing.connect_with_code(store, teacher, coach.invite_code)
        for index in range(attempts):
            scenario = library[index % len(library)]
            state = engine.start(scenario)
            while not state.finished:
                state, _ = engine.choose(scenario, state, rng.choice(engine.available_choices(scenario, state)).id)
            attempt = store.create_attempt(
                Attempt(user_id=teacher.id, scenario_id=scenario.id, scenario_title=scenario.title, state=state)
            )
            if index < shared:
                note = reflection.build(
                    teacher.id,
                    {"ik_wilde": "Dat de ouder zich gehoord voelde.", "essentie": "Ik praatte te veel."},
                    "Ik laat de ouder eerst vertellen.",
                    attempt_id=attempt.id,
                    scenario_id=scenario.id,
                    scenario_title=scenario.title,
                )
                store.add_reflection(note)
                sharing.share_reflection(store, teacher, note.id, coach.id)
    return coach.id


def bench_page(root: Path, coach_id: str, reruns: int) -> tuple[list[float], int]:
    os.environ["SAMENSPEL_DATA_DIR"] = str(root)
    store = TinyDBStore(root)
    coach = store.get_account(coach_id)
    assert coach is not None
    at = AppTest.from_file(str(REPO / "modules" / "webapp.py"), default_timeout=120)
    at.session_state["user_id"] = coach.id
    at.session_state["login_id"] = logins.start(store, coach).id
    at.run()
    at.switch_page(COACH_PAGE)
    at.run()
    options = at.selectbox(key="coach-teacher").options
    times, sizes = [], []
    for index in range(reruns + 2):
        at.selectbox(key="coach-teacher").set_value(at.selectbox(key="coach-teacher").options[index % len(options)])
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"Mijn leraren raised: {at.exception}")
        if index >= 2:
            times.append(elapsed)
            sizes.append(sum(Counter(type(leaf).__name__ for leaf in leaves(at._tree)).values()))
    return times, round(statistics.median(sizes))


BASELINE = textwrap.dedent(
    """
    import streamlit as st

    choice = st.selectbox("Kies een leraar", [f"leraar-{{i:02d}}" for i in range(30)], key="t")
    for i in range({elements}):
        st.markdown(f"Regel {{i}} over **{{choice}}**: een gesprek, een einde en een reflectie.")
    """
)


def bench_baseline(folder: Path, elements: int, reruns: int) -> list[float]:
    script = folder / "baseline_coach.py"
    script.write_text(BASELINE.format(elements=elements), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    times = []
    for index in range(reruns + 2):
        at.selectbox(key="t").set_value(f"leraar-{index % 30:02d}")
        start = time.perf_counter()
        at.run()
        if index >= 2:
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 teachers x 10 play-throughs (CI: crashes only)")
    quick = parser.parse_args().quick
    teachers, attempts, shared, reruns = (4, 10, 2, 4) if quick else (30, 50, 5, 20)
    os.environ["SAMENSPEL_DEMO"] = "0"
    quiet_streamlit()
    share_script_cache()
    with tempfile.TemporaryDirectory(prefix="samenspel-coach-") as tmp:
        root = Path(tmp) / "progress"
        start = time.perf_counter()
        coach_id = build(root, teachers, attempts, shared)
        print(
            f"store: {teachers} teachers x {attempts} play-throughs, {shared} shared each, "
            f"built in {time.perf_counter() - start:.0f} s"
        )
        app, elements = bench_page(root, coach_id, reruns)
        base = bench_baseline(Path(tmp), elements, reruns)
    app_ms, base_ms = statistics.median(app) * 1000, statistics.median(base) * 1000
    print(f"\nMijn leraren rerun, median of {reruns} ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    header = f"{'case':<28} {'median ms':>10} {'baseline ms':>12} {'ratio':>7}   target <= 150 ms"
    print(header)
    print("-" * len(header))
    print(
        f"{f'{teachers} teachers':<28} {app_ms:>10.1f} {base_ms:>12.1f} {app_ms / base_ms:>6.2f}x   {elements} elements"
    )


if __name__ == "__main__":
    main()
