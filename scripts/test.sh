#!/usr/bin/env bash
# Set up and run the whole test suite: the static checks, then pytest (extra arguments go to pytest).
# The browser tests need Debian's chromium at /usr/bin/chromium; as root it is installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests ..."
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "Note: /usr/bin/chromium is missing; browser tests will be skipped (install Debian's chromium)." >&2
  fi
fi
bash scripts/check.sh
exec .venv/bin/python -m pytest "$@"
