#!/usr/bin/env bash
# Set up and run Samenspel on http://localhost:8501 (extra arguments go to `streamlit run`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
echo "Samenspel: open http://localhost:8501 (demo nickname: demo)"
exec .venv/bin/python -m streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
