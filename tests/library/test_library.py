"""Loader and linter: every problem with file, line and cause; one broken file never hides the rest."""

import shutil
import subprocess
import sys

import pytest

from modules.content.scenario import schema_text
from modules.library.lint import check_file
from modules.library.scenarios import load_library
from tests.conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "broken"

EXPECTED = {
    "syntax.yaml": (7, "YAML syntax error"),
    "schema.yaml": (5, "Input should be 'po', 'vo' or 'so'"),
    "unknown-principle.yaml": (29, "unknown principle id 'bestaat-niet'"),
    "missing-target.yaml": (27, "target 'nergens' is neither a node nor an ending"),
    "unreachable-node.yaml": (39, "node 'vergeten' can never be reached"),
    "dead-end.yaml": (20, "dead end at 'plein'"),
    "cycle.yaml": (39, "cycle with no way out: from 'lus'"),
    "unreachable-ending.yaml": (44, "ending 'gehaast' is reached by no play-through"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_file_line_and_cause(name, catalogue):
    scenario, problems = check_file(BROKEN / name, catalogue)
    assert scenario is None
    line, cause = EXPECTED[name]
    matching = [p for p in problems if cause in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].file == name
    assert matching[0].line == line


def test_readme_example_is_a_valid_scenario(catalogue):
    scenario, problems = check_file(FIXTURES / "mini" / "het-schoolplein.yaml", catalogue)
    assert scenario is not None and not [p for p in problems if p.severity == "error"]
    readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == (FIXTURES / "mini" / "het-schoolplein.yaml").read_text(encoding="utf-8")


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


def test_duplicate_ids_keep_the_first_file(tmp_path):
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", tmp_path / "b.yaml")
    library = load_library(tmp_path)
    assert library.files["het-schoolplein"] == "a.yaml"
    assert "already used by a.yaml" in library.broken["b.yaml"][0].message


def test_library_reloads_when_a_file_changes(tmp_path):
    target = tmp_path / "s.yaml"
    shutil.copy(FIXTURES / "mini" / "het-schoolplein.yaml", target)
    assert load_library(tmp_path).get("het-schoolplein").title == "Een vraag op het schoolplein"
    target.write_text(target.read_text(encoding="utf-8").replace("Een vraag op", "Een vraag over"), encoding="utf-8")
    assert load_library(tmp_path).get("het-schoolplein").title == "Een vraag over het schoolplein"


def test_committed_json_schema_is_current():
    committed = (ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: python -m modules schema > scenarios/scenario.schema.json"
