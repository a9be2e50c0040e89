"""The first page a server renders, on a fresh data folder, against a bare Streamlit app.

Run from the repository root::

    .venv/bin/python benchmarks/bench_first_render.py            # 5 fresh processes per case
    .venv/bin/python benchmarks/bench_first_render.py --quick    # 1 each: CI runs this, for crashes only

Each sample is a new Python process (nothing imported, nothing cached in memory) that runs
``AppTest.from_file(...).run()`` once and reports how long that run took: for the app,
``modules/webapp.py`` on a new, empty data folder (the welcome page; the first run imports
the app's modules, opens the store and loads the scenario library); for the baseline, a
bare script with a title and two text inputs. The scenario disk cache (``.cache/``) is kept
between the processes, as on a server that restarts; the first sample of the app is also
printed, which on a fresh clone pays for the first load of the library.

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys, time
sys.path.insert(0, {repo!r})
from streamlit.testing.v1 import AppTest
start = time.perf_counter()
at = AppTest.from_file({script!r}, default_timeout=120).run()
print(json.dumps({{"seconds": time.perf_counter() - start, "error": bool(at.exception)}}))
"""

BARE = """
import streamlit as st
st.title("Samenspel")
st.text_input("Gebruikersnaam")
st.text_input("Wachtwoord", type="password")
"""


def sample(script: Path, data: Path) -> float:
    env = {**os.environ, "SAMENSPEL_DATA_DIR": str(data), "SAMENSPEL_DEMO": "0"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(repo=str(REPO), script=str(script))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["error"]:
        raise SystemExit(f"{script.name} raised on its first run")
    return result["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one process per case (CI: crashes only)")
    runs = 1 if parser.parse_args().quick else 5
    with tempfile.TemporaryDirectory(prefix="samenspel-first-") as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        app_times, bare_times = [], []
        for index in range(runs):
            app_times.append(sample(REPO / "modules" / "webapp.py", Path(tmp) / f"data-{index}"))
            bare_times.append(sample(bare, Path(tmp) / "unused"))
    app, base = statistics.median(app_times), statistics.median(bare_times)
    print(
        f"First render in a fresh process, median of {runs} ({os.cpu_count()} cores, Python {sys.version.split()[0]})"
    )
    header = f"{'case':<36} {'seconds':>8}   target: app - bare <= +0.5 s"
    print(header)
    print("-" * len(header))
    print(f"{'bare Streamlit page':<36} {base:>8.2f}")
    print(f"{'Samenspel welcome page':<36} {app:>8.2f}   +{app - base:.2f} s ({app / base:.1f}x)")
    print(f"{'  its first sample':<36} {app_times[0]:>8.2f}")


if __name__ == "__main__":
    main()
