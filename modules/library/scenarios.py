"""The scenario library: every scenario file of ``scenarios/``, checked, cached.

``load_library`` never raises for a bad scenario file: each file is either a
valid ``Scenario`` or a list of ``Problem``s with file, line, location and
cause (``modules.library.lint``), so one broken file never takes the app down.
The library is cached by the files' names, sizes and modification times, and each file's
check by its content, so no file is linted twice.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from modules import settings
from modules.content.principles import Catalogue, load_catalogue
from modules.content.scenario import Scenario
from modules.content.yamlio import load_yaml_file, locate
from modules.library import diskcache
from modules.library.lint import Problem, check_file

SCENARIO_DIR = settings.REPO / "scenarios"


@dataclass
class Library:
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # scenario id -> file name
    broken: dict[str, list[Problem]] = field(default_factory=dict)  # file name -> errors
    warnings: list[Problem] = field(default_factory=list)

    def get(self, scenario_id: str) -> Scenario | None:
        return self.scenarios.get(scenario_id)

    def sorted(self) -> list[Scenario]:
        return sorted(self.scenarios.values(), key=lambda s: s.title.lower())

    def training(self, principle_id: str) -> list[Scenario]:
        """Scenarios that list the principle or tag a choice with it."""
        return [
            s
            for s in self.sorted()
            if principle_id in s.principles
            or any(principle_id in c.principles for node in s.nodes.values() for c in node.choices)
        ]


_CACHE: dict[tuple, Library] = {}
# One file's result by its content: a page load, a second folder or a touched file never lints twice.
_CHECKED: dict[tuple[str, str], tuple[Scenario | None, list[Problem]]] = {}
_CHECKED_MAX = 256


def _fingerprint(directory: Path) -> tuple:
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    stats = [(f.name, f.stat()) for f in files]
    return (str(directory),) + tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)


# The hash of each file by its version (inode, mtime, size), so an edit of one file hashes only that file.
_DIGESTS: dict[Path, tuple[tuple[int, int, int], str]] = {}
TRUST_AFTER = 0.1  # seconds: older than a file system's timestamp tick (as modules.storage.files)


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        known = _DIGESTS.get(path)
        if known is not None and known[0] == version:
            return known[1]
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if time.time() - stat.st_mtime > TRUST_AFTER:  # a younger version could change within one clock tick
        _DIGESTS[path] = (version, digest)
    return digest


def checked(path: Path, catalogue: Catalogue) -> tuple[Scenario | None, list[Problem]]:
    """``check_file``, cached by the file's name and the hash of its bytes: in this process, and for a
    file that passed every check also on disk for the next process (``diskcache``)."""
    try:
        digest = _digest(path)
    except OSError:
        return check_file(path, catalogue)  # reports why the file cannot be read
    key = (path.name, digest)
    if key not in _CHECKED:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        kept = diskcache.get(digest)
        if kept is not None:
            _CHECKED[key] = (kept, [])
        else:
            scenario, problems = check_file(path, catalogue)
            if scenario is not None and not problems:
                diskcache.put(digest, scenario)
            _CHECKED[key] = (scenario, problems)
    return _CHECKED[key]


_LOADING = threading.Lock()  # one load at a time: a second session waits for the first, then reads its cache


def load_library(directory: Path = SCENARIO_DIR) -> Library:
    """All scenarios of a folder; cached until a file changes. Two files with one id: neither loads.

    Sessions that ask while a load runs wait for it and get its result: a folder is never loaded twice
    at once, and an edited file is the only one checked again (``checked`` caches by content)."""
    directory = Path(directory)
    fingerprint = _fingerprint(directory)
    cached = _CACHE.get(fingerprint)
    if cached is not None:
        return cached
    with _LOADING:
        cached = _CACHE.get(fingerprint)
        if cached is not None:
            return cached
        return _load(directory, fingerprint)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while files are checked: a check makes hundreds of thousands of
    small objects, and each full collection on the way scans every scenario already in memory (a
    pause of 50-100 ms with a large library). Reference counting frees nearly all of it anyway, and
    the collector takes up the rest once it runs again after the load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(directory: Path, fingerprint: tuple) -> Library:
    with _collector_paused():
        return _load_files(directory, fingerprint)


def _load_files(directory: Path, fingerprint: tuple) -> Library:
    catalogue = load_catalogue()
    library = Library()
    by_id: dict[str, list[tuple[Path, Scenario]]] = {}
    for path in sorted(directory.glob("*.y*ml")):
        scenario, problems = checked(path, catalogue)
        library.warnings.extend(p for p in problems if p.severity == "warning")
        if scenario is None:
            library.broken[path.name] = [p for p in problems if p.severity == "error"]
        else:
            by_id.setdefault(scenario.id, []).append((path, scenario))
    for scenario_id, found in by_id.items():
        if len(found) == 1:
            path, scenario = found[0]
            library.scenarios[scenario_id] = scenario
            library.files[scenario_id] = path.name
            continue
        for path, _ in found:
            others = ", ".join(other.name for other, _ in found if other != path)
            library.broken[path.name] = [
                Problem(
                    path.name,
                    locate(load_yaml_file(path), ("id",)),
                    "id",
                    f"id {scenario_id!r} is also used by {others}: give each scenario its own id (neither is loaded)",
                )
            ]
    _CACHE.clear()
    _CACHE[fingerprint] = library
    return library
