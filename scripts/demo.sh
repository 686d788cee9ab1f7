#!/usr/bin/env bash
# Set everything up, build the demo workspace (./demo-workspace, walked through the whole procedure),
# create one demo account per role and department (the passwords are printed) and serve it in the
# browser at http://127.0.0.1:8000/ (Ctrl+C stops). CASEFILE_DEMO_SERVE=0 builds without serving;
# CASEFILE_DEMO_PORT picks another port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/casefile demo demo-workspace --force "$@"
.venv/bin/casefile -w demo-workspace user demo
if [ "${CASEFILE_DEMO_SERVE:-1}" != 0 ]; then
  exec .venv/bin/casefile -w demo-workspace serve --port "${CASEFILE_DEMO_PORT:-8000}"
fi
