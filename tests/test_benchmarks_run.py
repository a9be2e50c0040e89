"""Benchmarks that cannot rot: every script in benchmarks/ runs in its --quick size without crashing.

Timings are not asserted (machines are noisy); a script that fails, or prints no figures, fails here.
The PostgreSQL variants start their own throwaway cluster (``tests/pg_cluster.py``); without PostgreSQL
they exit with ``NO_POSTGRES`` and are skipped here, except in CI (``CI=true``), where they fail.
"""

import os
import subprocess
import sys

import pytest

from benchmarks.common import NO_POSTGRES
from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))
POSTGRES = ["bench_play_click.py", "bench_team_votes.py"]  # scripts with --store postgres


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


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


def run_quick(script, tmp_path, *extra):
    return subprocess.run(
        [sys.executable, str(script), "--quick", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SAMENSPEL_CACHE_DIR": str(tmp_path / "cache")},
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_benchmark_runs_in_its_quick_size(script, tmp_path):
    done = run_quick(script, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "x" in done.stdout and any(ch.isdigit() for ch in done.stdout), done.stdout


@pytest.mark.parametrize("name", POSTGRES, ids=lambda n: n.removesuffix(".py") + "-postgres")
def test_benchmark_runs_on_postgresql_in_its_quick_size(name, tmp_path):
    done = run_quick(ROOT / "benchmarks" / name, tmp_path, "--store", "postgres")
    if done.returncode == NO_POSTGRES:
        if in_ci():
            pytest.fail(f"PostgreSQL is required in CI (CI=true): {done.stderr.strip()[-1000:]}")
        pytest.skip(done.stderr.strip()[-500:])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "x" in done.stdout and "PostgreSQL" in done.stdout, done.stdout
