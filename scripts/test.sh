#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, types, template check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"; .venv/bin/ruff check src tests tools bench
echo "== mypy"; .venv/bin/mypy
echo "== templates"; .venv/bin/casefile templates check
echo "== pytest"
set +e
.venv/bin/python -m pytest -n 2 --dist loadfile -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
exit "$rc"
