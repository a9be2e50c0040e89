"""Benchmarks that cannot rot: every script in benchmarks/ runs in its --quick size without crashing.

Timings are not asserted (machines are noisy); a script that fails, or prints no figures, fails here.
"""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def test_every_benchmark_is_run_here():
    assert {p.name for p in SCRIPTS} >= {
        "bench_play_click.py",
        "bench_library.py",
        "bench_coach.py",
        "bench_migrate.py",
        "bench_team_votes.py",
        "bench_projector.py",
        "bench_first_render.py",
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_benchmark_runs_in_its_quick_size(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SAMENSPEL_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "x" in done.stdout and any(ch.isdigit() for ch in done.stdout), done.stdout
