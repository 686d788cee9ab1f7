#!/usr/bin/env bash
# One-time set-up, safe to repeat: Debian packages (LibreOffice, OCR, fonts, qpdf) and the Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
# Byte-compile the package as a wheel install would: an editable install leaves that to the first
# run, which never happens where PYTHONDONTWRITEBYTECODE is set, and every command would then
# recompile its modules (about 30–60 ms per call).
.venv/bin/python -m compileall -q src >/dev/null
