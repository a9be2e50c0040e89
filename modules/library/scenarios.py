"""The scenario library: every scenario file of ``scenarios/``, checked, cached.

``load_library`` never raises for a bad scenario file: each file is either a
valid ``Scenario`` or a list of ``Problem``s with file, line, location and
cause (``modules.library.lint``), so one broken file never takes the app down.
The result is cached by the files' names, sizes and modification times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modules import settings
from modules.content.principles import load_catalogue
from modules.content.scenario import Scenario
from modules.content.yamlio import load_yaml_file, locate
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


def _fingerprint(directory: Path) -> tuple:
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return (str(directory),) + tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def load_library(directory: Path = SCENARIO_DIR) -> Library:
    """All scenarios of a folder; cached until a file changes."""
    directory = Path(directory)
    fingerprint = _fingerprint(directory)
    cached = _CACHE.get(fingerprint)
    if cached is not None:
        return cached
    catalogue = load_catalogue()
    library = Library()
    for path in sorted(directory.glob("*.y*ml")):
        scenario, problems = check_file(path, catalogue)
        errors = [p for p in problems if p.severity == "error"]
        library.warnings.extend(p for p in problems if p.severity == "warning")
        if scenario is None:
            library.broken[path.name] = errors
        elif scenario.id in library.scenarios:
            first = library.files[scenario.id]
            library.broken[path.name] = [
                Problem(
                    path.name,
                    locate(load_yaml_file(path), ("id",)),
                    "id",
                    f"id {scenario.id!r} is already used by {first}",
                )
            ]
        else:
            library.scenarios[scenario.id] = scenario
            library.files[scenario.id] = path.name
    _CACHE.clear()
    _CACHE[fingerprint] = library
    return library
