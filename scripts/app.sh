#!/usr/bin/env bash
# Set up and run Samenspel for a first look: the DEMO, with public demo accounts, on its own
# data folder (progress/demo/). Extra arguments go to `streamlit run` (e.g. --server.port 8502).
# For a real deployment run `SAMENSPEL_DEMO=0 bash scripts/app.sh`, or `streamlit run app.py`
# yourself: without SAMENSPEL_DEMO=1 there are no demo accounts, and the demo folder is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export SAMENSPEL_DEMO="${SAMENSPEL_DEMO:-1}"

# The address to open. The port is the one Streamlit is started with: --server.port in the
# arguments, else STREAMLIT_SERVER_PORT, else .streamlit/config.toml; with none of these, the first
# free port from 8501 on, passed to Streamlit, so the address printed here is the one it serves.
# Prints the URL on the first line and, when this script chose the port, that port on the second.
address=$(.venv/bin/python - "$@" <<'PY'
import os
import socket
import sys
import tomllib
from pathlib import Path

args = sys.argv[1:]


def option(name: str) -> str | None:
    """server.<name> as Streamlit reads it: arguments, then environment, then the config files."""
    found = None
    for i, arg in enumerate(args):
        if arg == f"--server.{name}" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(f"--server.{name}="):
            found = arg.split("=", 1)[1]
    if found is not None:
        return found
    env = os.environ.get(f"STREAMLIT_SERVER_{name.upper()}")
    if env:
        return env
    for path in (Path(".streamlit/config.toml"), Path.home() / ".streamlit" / "config.toml"):
        try:
            value = tomllib.loads(path.read_text(encoding="utf-8")).get("server", {}).get(name)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if value not in (None, ""):
            return str(value)
    return None


def free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return False
    return True


port, chosen = option("port"), ""
if port is None:
    port = next((str(p) for p in range(8501, 8600) if free(p)), "8501")
    chosen = port
host = option("address") or ""
if host in ("", "0.0.0.0", "::"):
    host = "localhost"
elif ":" in host:
    host = f"[{host}]"
base = (option("baseUrlPath") or "").strip("/")
print(f"http://{host}:{port}/{base}".rstrip("/"))
print(chosen)
PY
)
url=$(sed -n 1p <<<"$address")
chosen_port=$(sed -n 2p <<<"$address")
port_args=()
if [ -n "$chosen_port" ]; then
  port_args=(--server.port "$chosen_port")
fi

case "${SAMENSPEL_DEMO,,}" in
  1|true|yes|ja|on)
    # The demo accounts as modules/deployment/demo.py makes them (one place for names and passwords;
    # read from the file, as importing the app takes seconds).
    demo_accounts=$(.venv/bin/python - <<'PY'
import ast
from pathlib import Path

tree = ast.parse(Path("modules/deployment/demo.py").read_text(encoding="utf-8"))
(value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "DEMO_ACCOUNTS"]
labels = {"teacher": "teacher", "coach": "coach (can also lead a team session)"}
for username, (password, role) in ast.literal_eval(value).items():
    print(f"   {labels.get(role, role):38} username {username:12} password {password}")
PY
)
    cat <<MSG
==========================================================================================
 Samenspel DEMO: the demo accounts have PUBLIC passwords (see README, "Demo accounts"):
${demo_accounts}
 There is no demo admin. Anyone may also make a teacher account; it is demo data too.
 Demo data lives in progress/demo/ and is removed when Samenspel starts without the demo.
 Not for real use: start with SAMENSPEL_DEMO=0 for a deployment, and make an admin with
   .venv/bin/python -m modules create-admin YOUR-NAME
==========================================================================================
MSG
    ;;
  *)
    echo "Samenspel without the demo: no demo accounts. Make an admin with:"
    echo "  .venv/bin/python -m modules create-admin YOUR-NAME"
    ;;
esac
echo "Samenspel starts now. Open in your browser: ${url}"
exec .venv/bin/python -m streamlit run app.py --server.headless true --browser.gatherUsageStats false \
  "${port_args[@]}" "$@"
