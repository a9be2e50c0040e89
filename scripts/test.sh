#!/usr/bin/env bash
# Set up and run the whole test suite: the static checks, then pytest (extra arguments go to pytest).
# Debian supplies two things: chromium (/usr/bin/chromium, for the browser tests) and hunspell-nl
# (the Dutch dictionary of the scenarios' spelling check); as root they are installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/hunspell/nl_NL.dic ] || missing+=(hunspell-nl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's ${missing[*]} ..."
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Note: missing Debian package(s) ${missing[*]}: browser tests or the spelling check are skipped" \
      "(in CI they fail). Install them with apt-get." >&2
  fi
fi
bash scripts/check.sh
exec .venv/bin/python -m pytest "$@"
