#!/usr/bin/env bash
# Set up and run Samenspel for a first look: the DEMO, with public demo accounts, on its own
# data folder (progress/demo/). Extra arguments go to `streamlit run`.
# For a real deployment run `SAMENSPEL_DEMO=0 bash scripts/app.sh`, or `streamlit run app.py`
# yourself: without SAMENSPEL_DEMO=1 there are no demo accounts, and the demo folder is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export SAMENSPEL_DEMO="${SAMENSPEL_DEMO:-1}"
case "${SAMENSPEL_DEMO,,}" in
  1|true|yes|ja|on)
    cat <<'MSG'
==========================================================================================
 Samenspel DEMO: the demo accounts have PUBLIC passwords (see README, "Demo accounts"):
   demo-leraar / oefenen-met-ouders     demo-coach / coachen-met-zorg
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
echo "Samenspel starts now; open the Local URL that Streamlit prints below."
exec .venv/bin/python -m streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
