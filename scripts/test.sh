#!/usr/bin/env bash
# Set up and run the whole test suite: the static checks, then pytest (extra arguments go to pytest).
# Debian supplies four things: chromium (/usr/bin/chromium, for the browser tests), hunspell-nl
# (the Dutch dictionary of the scenarios' spelling check), postgresql (the tests start throwaway
# clusters of their own) and nginx (the cluster test's proxy); as root they are installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/hunspell/nl_NL.dic ] || missing+=(hunspell-nl)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's ${missing[*]} ..."
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Note: missing Debian package(s) ${missing[*]}: browser, PostgreSQL, cluster tests or the spelling check are skipped" \
      "(in CI they fail). Install them with apt-get." >&2
  fi
fi
bash scripts/check.sh
# One pytest worker per core (at most 4; SAMENSPEL_TEST_WORKERS overrides, 1 runs in this process), each
# taking whole test files (--dist loadfile: a file's browser tests share one server and build on each other).
# Tests marked "alone" (the cluster test: PostgreSQL, two app servers, nginx and three browsers on this
# machine's cores) run afterwards, with nothing beside them: next to another browser test they made it
# miss its clicks. pytest's exit code 5 means "no test selected" (arguments that name none of them).
# A marker selection of your own (-m ...) runs as given, in one parallel run.
workers="${SAMENSPEL_TEST_WORKERS:-$(nproc)}"
[ "$workers" -gt 4 ] && workers=4
own_markers=no
for arg in "$@"; do
  case "$arg" in -m | -m*) own_markers=yes ;; esac
done
if [ "$workers" -gt 1 ] && [ "$own_markers" = yes ]; then
  exec .venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
fi
if [ "$workers" -gt 1 ]; then
  status=0
  .venv/bin/python -m pytest -n "$workers" --dist loadfile -m "not alone" "$@" || status=$?
  [ "$status" = 5 ] && status=0
  alone=0
  .venv/bin/python -m pytest -m alone "$@" || alone=$?
  [ "$alone" = 5 ] && alone=0
  [ "$status" = 0 ] && status=$alone
  exit "$status"
fi
exec .venv/bin/python -m pytest "$@"
