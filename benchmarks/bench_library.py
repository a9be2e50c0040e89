"""Loading a library of 100 scenario files: cold, after one file is edited, and with two sessions at once.

Run from the repository root::

    .venv/bin/python benchmarks/bench_library.py            # 100 files
    .venv/bin/python benchmarks/bench_library.py --quick    # 20 files: CI runs this, for crashes only

The library is made from the bundled scenarios, copied round-robin into a temporary folder with
a new id and title per copy (so 100 files of the real size and shape). Every case goes through
``modules.library.scenarios.load_library`` as the app does (``context.library()`` wraps it):

* **first load ever**: every in-process cache emptied and an empty disk cache
  (``modules.library.diskcache``): every file is parsed, validated and walked;
* **cold start**: a fresh server process (in-process caches emptied) over the same files,
  with the disk cache the first load left;
* **one file edited**: one file gets a changed line; the next load in that process (median and
  maximum over editing a copy of each bundled scenario in turn: a file's check costs from
  about 20 ms to 200 ms, by how many play states it has);
* **second session during a cold load**: in-process caches and the disk cache emptied, two
  threads ask at the same moment; the wall time until both have the library, and how many
  files were checked (100 = no second load).

The baseline, measured in the same run, is parsing the same files with the C YAML parser and
nothing else (``yamlio.parse_plain``): the floor of any load that reads the YAML.

Prints figures only; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)

from modules.content import expr  # noqa: E402
from modules.content.yamlio import parse_plain  # noqa: E402
from modules.library import scenarios  # noqa: E402


def make_library(folder: Path, count: int) -> list[Path]:
    bundled = sorted((REPO / "scenarios").glob("*.yaml"))
    made = []
    for number in range(count):
        source = bundled[number % len(bundled)]
        text = source.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        for index, line in enumerate(lines):
            if line.startswith("id: "):
                lines[index] = f"{line.rstrip()}-{number:03d}\n"
            elif line.startswith("title: "):
                lines[index] = f"title: Kopie {number:03d}\n"
        path = folder / f"{number:03d}-{source.name}"
        path.write_text("".join(lines), encoding="utf-8")
        made.append(path)
    return made


def forget(disk: Path | None = None) -> None:
    """Empty every in-process cache the load uses (a fresh server process); with ``disk``, also start on
    a new, empty disk cache there."""
    scenarios._CACHE.clear()  # noqa: SLF001 - a benchmark of the cache itself
    scenarios._CHECKED.clear()  # noqa: SLF001
    scenarios._DIGESTS.clear()  # noqa: SLF001
    expr.parse.cache_clear()
    expr._compiled.cache_clear()  # noqa: SLF001
    if disk is not None:
        os.environ["SAMENSPEL_CACHE_DIR"] = str(disk)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 files: runs in seconds (CI: crashes only)")
    count = 20 if parser.parse_args().quick else 100
    with tempfile.TemporaryDirectory(prefix="samenspel-library-") as tmp:
        folder = Path(tmp) / "scenarios"
        folder.mkdir()
        files = make_library(folder, count)
        shutil.copy(REPO / "scenarios" / "woordenlijst.txt", folder)
        baseline = timed(lambda: [parse_plain(p.read_text(encoding="utf-8")) for p in files])

        forget(Path(tmp) / "cache-1")
        first = timed(lambda: scenarios.load_library(folder))
        forget()
        cold = timed(lambda: scenarios.load_library(folder))
        library = scenarios.load_library(folder)
        if library.broken or len(library.scenarios) != count:
            raise SystemExit(f"the library did not load: {len(library.scenarios)} of {count}, {library.broken}")

        edits = []
        for edited in files[:13]:  # one copy of each bundled scenario, from the smallest to the largest
            edited.write_text(edited.read_text(encoding="utf-8") + "# bewerkt\n", encoding="utf-8")
            edits.append(timed(lambda: scenarios.load_library(folder)))

        forget(Path(tmp) / "cache-2")
        checks = 0
        original = scenarios.check_file

        def counting(*args, **kwargs):
            nonlocal checks
            checks += 1
            return original(*args, **kwargs)

        scenarios.check_file = counting
        barrier = threading.Barrier(2)
        results: list[int] = []

        def session() -> None:
            barrier.wait()
            results.append(len(scenarios.load_library(folder).scenarios))

        threads = [threading.Thread(target=session) for _ in range(2)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        both = time.perf_counter() - start
        scenarios.check_file = original
        if results != [count, count]:
            raise SystemExit(f"a session did not get the library: {results}")

    print(f"Library of {count} scenario files ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    header = f"{'case':<36} {'seconds':>8} {'vs baseline':>12}   target (100 files)"
    print(header)
    print("-" * len(header))
    print(f"{'baseline: C YAML parse only':<36} {baseline:>8.2f} {1:>11.2f}x")
    print(f"{'first load ever (empty disk cache)':<36} {first:>8.2f} {first / baseline:>11.2f}x")
    print(f"{'cold start (disk cache kept)':<36} {cold:>8.2f} {cold / baseline:>11.2f}x   <= 2 s")
    median, most = statistics.median(edits), max(edits)
    print(f"{'one file edited (median)':<36} {median:>8.3f} {median / baseline:>11.2f}x   <= 0.2 s")
    print(f"{'one file edited (largest file)':<36} {most:>8.3f} {most / baseline:>11.2f}x")
    print(f"{'two sessions during a cold load':<36} {both:>8.2f} {both / baseline:>11.2f}x   files checked: {checks}")


if __name__ == "__main__":
    main()
