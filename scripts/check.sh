#!/usr/bin/env bash
# The static checks (settings in pyproject.toml): ruff lint and format, pyright, import-linter.
# Run by scripts/test.sh before the tests; any finding fails the run. Fix formatting with
# `.venv/bin/ruff format .` and fixable lint findings with `.venv/bin/ruff check --fix .`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== pyright"
.venv/bin/pyright --project pyproject.toml  # named: a pyrightconfig.json in a parent folder must not win
echo "== import-linter"
.venv/bin/lint-imports --no-logo --no-cache
