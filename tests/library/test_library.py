"""Loader and linter: every problem with file, line and cause; one broken file never hides the rest."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from modules.content.scenario import schema_text
from modules.library import lint, scenarios
from modules.library.lint import check_file
from modules.library.scenarios import load_library
from tests.conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "broken"

EXPECTED = {
    "syntax.yaml": (6, "YAML: a list in square brackets [ ] is not closed"),
    "schema.yaml": (5, "Input should be 'po', 'vo' or 'so'"),
    "unknown-principle.yaml": (29, "unknown principle id 'bestaat-niet'"),
    "missing-target.yaml": (27, "target 'nergens' is neither a node nor an ending"),
    "unreachable-node.yaml": (39, "node 'vergeten' can never be reached"),
    "dead-end.yaml": (20, "dead end at 'plein'"),
    "cycle.yaml": (39, "cycle with no way out: from 'lus'"),
    "unreachable-ending.yaml": (44, "ending 'gehaast' is reached by no play-through"),
}


@pytest.mark.parametrize("walker", ["compiled", "engine"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_file_line_and_cause(name, walker, catalogue, monkeypatch):
    if walker == "engine":  # the walk by the engine's own steps, which the compiled walk falls back on
        monkeypatch.setattr(lint, "_walk_compiled", lambda _scenario: None)
    scenario, problems = check_file(BROKEN / name, catalogue)
    assert scenario is None
    line, cause = EXPECTED[name]
    matching = [p for p in problems if cause in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].file == name
    assert matching[0].line == line


def test_the_compiled_walk_finds_the_same_play_states_as_the_engine(catalogue):
    """The linter's fast walk (conditions and effects compiled for tuples) must be the engine's walk."""
    files = sorted((ROOT / "scenarios").glob("*.yaml")) + [FIXTURES / "mini" / "het-schoolplein.yaml"]
    for path in files:
        scenario, _ = check_file(path, catalogue)
        assert scenario is not None, path.name
        fast = lint._walk_compiled(scenario)  # noqa: SLF001
        slow = lint._walk_with_engine(scenario, None, path.name)  # noqa: SLF001
        assert fast is not None, path.name
        assert fast[0] == slow[0] and fast[1] == slow[1] and fast[2] == slow[2], path.name
        assert len(fast[0]) > 2, path.name


def test_readme_example_is_a_valid_scenario(catalogue):
    scenario, problems = check_file(FIXTURES / "mini" / "het-schoolplein.yaml", catalogue)
    assert scenario is not None and not [p for p in problems if p.severity == "error"]
    readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in readme.split("```yaml\n")[1:]]
    examples = [block for block in blocks if block.startswith("# yaml-language-server")]
    assert examples == [(FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")]


def test_bundled_scenarios_lint_clean():
    result = subprocess.run(
        [sys.executable, "-m", "modules", "lint", "scenarios/"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 error(s)" in result.stdout


def test_lint_command_fails_on_broken_files_and_names_them():
    result = subprocess.run(
        [sys.executable, "-m", "modules", "lint", str(BROKEN)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    for name in EXPECTED:
        assert name in result.stdout


def test_broken_file_does_not_take_the_library_down(tmp_path):
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path)
    shutil.copy(BROKEN / "missing-target.yaml", tmp_path)
    library = load_library(tmp_path)
    assert list(library.scenarios) == ["het-schoolplein"]
    assert "missing-target.yaml" in library.broken


def test_two_files_with_one_id_are_both_reported_and_neither_loads(tmp_path):
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path / "b.yaml")
    library = load_library(tmp_path)
    assert library.get("het-schoolplein") is None
    assert "also used by b.yaml" in library.broken["a.yaml"][0].message
    assert "also used by a.yaml" in library.broken["b.yaml"][0].message
    assert library.broken["a.yaml"][0].line == 2  # the id line


def test_library_reloads_when_a_file_changes(tmp_path):
    target = tmp_path / "s.yaml"
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", target)
    assert load_library(tmp_path).get("het-schoolplein").title == "Een vraag op het schoolplein"
    target.write_text(target.read_text(encoding="utf-8").replace("Een vraag op", "Een vraag over"), encoding="utf-8")
    assert load_library(tmp_path).get("het-schoolplein").title == "Een vraag over het schoolplein"


def test_committed_json_schema_is_current():
    committed = (ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: python -m modules schema > scenarios/scenario.schema.json"


# --- faults found by writing a scenario from the docs alone --------------------------------------


def _mini_text() -> str:
    return (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")


def test_a_file_over_one_megabyte_is_refused_with_its_size(tmp_path, catalogue):
    big = tmp_path / "groot.yaml"
    big.write_text(_mini_text() + "# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    scenario, problems = check_file(big, catalogue)
    assert scenario is None and "1.1 MB; a scenario file may be at most 1 MB" in problems[0].message


def test_a_file_that_is_not_utf8_gets_its_line_and_a_hint(tmp_path, catalogue):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(_mini_text().replace("Een vraag op", "Een vr\u00e1ag op").encode("latin-1"))
    scenario, problems = check_file(latin, catalogue)
    assert scenario is None
    assert (problems[0].line, problems[0].column) == (3, 14)
    assert "save it as UTF-8" in problems[0].message


@pytest.mark.parametrize(
    ("change", "line", "hint"),
    [
        (("summary: Een vader", "summary: Let op: een vader"), 4, "a colon inside a value needs quotes"),
        (("title: Een vraag", "title: 'Een vraag"), 3, "a quote is opened but never closed"),
        (("minutes: 4", "minutes: 4\nminutes: 5"), 8, "this key appears twice"),
        (("  role: vader", "\trole: vader"), 12, "a tab is used for indentation: use spaces"),
    ],
)
def test_yaml_mistakes_are_explained_in_plain_english(tmp_path, catalogue, change, line, hint):
    broken = tmp_path / "s.yaml"
    broken.write_text(_mini_text().replace(*change), encoding="utf-8")
    _, problems = check_file(broken, catalogue)
    assert problems[0].line == line and hint in problems[0].message, str(problems[0])
    assert problems[0].column is not None and "scanner" not in problems[0].message.lower()


def _wide_scenario(decisions: int = 12) -> str:
    """A valid scenario with four variables whose play states are far too many to walk."""
    lines = [
        "id: breed",
        "title: Breed",
        "summary: s",
        "school_type: po",
        "minutes: 10",
        "learning_goals: [l]",
        "principles: [relatie-eerst, grenzen-stellen]",
        "persona: {role: r, description: d}",
        "context: c",
        "anticipate: a",
        "variables:",
    ]
    for name in ("vertrouwen", "rust", "kennis", "tijd"):
        lines.append(f"  {name}: {{label: {name}, initial: 50, min: 0, max: 100}}")
    lines += ["start: n0", "nodes:"]
    for i in range(decisions):
        nxt = f"n{i + 1}" if i < decisions - 1 else "route"
        lines += [f"  n{i}:", "    choices:"]
        step = i + 1  # other steps at every decision: the sums hardly ever meet, the states multiply
        for j, (a, b, c, d) in enumerate(((3 * step, -2, step, 0), (-step, 2 * step, 0, 3), (1, step, -3, -step))):
            lines.append(
                f"      - {{id: c{j}, text: t, target: {nxt}, effects: {{vertrouwen: {a}, rust: {b}, kennis: {c}, "
                f"tijd: {d}}}, principles: {{relatie-eerst: 1, grenzen-stellen: -1}}, reaction: r, feedback: f}}"
            )
    lines += [
        "  route:",
        "    routes:",
        "      - {condition: vertrouwen >= 60 and rust >= 60, target: zeldzaam}",
        "      - {target: gewoon}",
        "endings:",
        "  zeldzaam: {title: z, outcome: sterk, text: t, debrief: d}",
        "  gewoon: {title: g, outcome: zwak, text: t, debrief: d}",
    ]
    return "\n".join(lines) + "\n"


def test_a_walk_that_runs_out_of_budget_warns_and_never_calls_a_node_unreachable(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(lint, "MAX_STATES", 5_000)
    wide = tmp_path / "breed.yaml"
    wide.write_text(_wide_scenario(), encoding="utf-8")
    started = time.monotonic()
    scenario, problems = check_file(wide, catalogue)
    assert time.monotonic() - started < lint.MAX_SECONDS + 5
    assert scenario is not None, [str(p) for p in problems]
    assert [p.severity for p in problems] == ["warning"]
    assert "was not checked" in problems[0].message


def test_a_node_no_arrow_leads_to_is_unreachable_even_when_the_walk_runs_out(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(lint, "MAX_STATES", 5_000)
    text = _wide_scenario().replace(
        "endings:",
        "  wees:\n    choices:\n"
        + "".join(f"      - {{id: w{j}, text: t, target: gewoon, reaction: r, feedback: f}}\n" for j in range(2))
        + "endings:",
    )
    wide = tmp_path / "breed.yaml"
    wide.write_text(text, encoding="utf-8")
    _, problems = check_file(wide, catalogue)
    assert [p.message for p in problems if p.severity == "error"] == ["node 'wees' can never be reached"]


def test_each_file_is_linted_once_per_content(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path / "s.yaml")
    calls = []
    real = scenarios.check_file
    monkeypatch.setattr(scenarios, "check_file", lambda path, cat: calls.append(path.name) or real(path, cat))
    load_library(tmp_path)
    os.utime(tmp_path / "s.yaml")  # touched, not changed: the library reloads, the file is not linted again
    (tmp_path / "ander.yaml").write_text("id: [\n", encoding="utf-8")
    load_library(tmp_path)
    assert calls.count("s.yaml") <= 1 and calls.count("ander.yaml") == 1


@pytest.fixture
def fresh_process(tmp_path, monkeypatch):
    """A library folder with two bundled scenarios, an empty disk cache, and no in-process caches."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("de-taalbarriere.yaml", "omgekeerd-startgesprek.yaml"):
        shutil.copy(ROOT / "scenarios" / name, folder)
    monkeypatch.setenv("SAMENSPEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(scenarios, "_CACHE", {})
    monkeypatch.setattr(scenarios, "_CHECKED", {})
    return folder


def test_a_checked_scenario_is_kept_on_disk_for_the_next_server_process(fresh_process, tmp_path, monkeypatch):
    first = load_library(fresh_process)
    kept = list((tmp_path / "cache").rglob("*.json"))
    assert len(kept) == 2

    def no_check(*_args, **_kwargs):
        raise AssertionError("a file with an unchanged content was checked again")

    monkeypatch.setattr(scenarios, "_CACHE", {})  # the next process: nothing in memory
    monkeypatch.setattr(scenarios, "_CHECKED", {})
    monkeypatch.setattr(scenarios, "check_file", no_check)
    again = load_library(fresh_process)
    assert again.scenarios == first.scenarios and not again.broken


def test_the_disk_cache_never_keeps_a_file_with_a_problem_and_ignores_a_damaged_entry(fresh_process, tmp_path):
    (fresh_process / "kapot.yaml").write_text("id: kapot\ntitle: [\n", encoding="utf-8")
    assert "kapot.yaml" in load_library(fresh_process).broken
    kept = sorted((tmp_path / "cache").rglob("*.json"))
    assert len(kept) == 2, "only the two clean files are kept"
    kept[0].write_text("{niet af", encoding="utf-8")
    scenarios._CACHE.clear()
    scenarios._CHECKED.clear()
    library = load_library(fresh_process)
    assert len(library.scenarios) == 2 and list(library.broken) == ["kapot.yaml"]


def test_two_sessions_during_a_cold_load_check_each_file_once(fresh_process, monkeypatch):
    import threading

    checks = []
    original = scenarios.check_file

    def counting(path, catalogue=None):
        checks.append(path.name)
        time.sleep(0.05)  # a slow check, so the second session asks while the first is loading
        return original(path, catalogue)

    monkeypatch.setattr(scenarios, "check_file", counting)
    barrier = threading.Barrier(2)
    got = []

    def session():
        barrier.wait()
        got.append(load_library(fresh_process))

    threads = [threading.Thread(target=session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(checks) == ["de-taalbarriere.yaml", "omgekeerd-startgesprek.yaml"]
    assert got[0] is got[1]


def test_every_todo_left_in_a_file_is_an_error_at_its_line(tmp_path, catalogue):
    """What an import from Twine leaves to fill in is marked TODO: the linter lists each place."""
    text = (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")
    first_reaction = next(line for line in text.splitlines() if line.strip().startswith("reaction:"))
    todo = text.replace(first_reaction, first_reaction.split("reaction:")[0] + "reaction: TODO", 1)
    path = tmp_path / "het-schoolplein.yaml"
    path.write_text(todo, encoding="utf-8")
    scenario, problems = check_file(path, catalogue)
    assert scenario is None
    (found,) = [p for p in problems if "TODO" in p.message]
    assert found.line == todo.splitlines().index(first_reaction.split("reaction:")[0] + "reaction: TODO") + 1
    assert found.location.endswith(".reaction")
    # A file that also breaks the schema still lists its TODOs.
    path.write_text(todo.replace("school_type: po", "school_type: TODO"), encoding="utf-8")
    _, problems = check_file(path, catalogue)
    assert {p.location for p in problems} >= {"school_type", found.location}
