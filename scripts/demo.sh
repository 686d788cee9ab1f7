#!/usr/bin/env bash
# Set everything up and build the demo workspace (./demo-workspace), walked through the whole procedure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/casefile demo demo-workspace --force "$@"
