#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, types, template check, tests.
#   bash scripts/test.sh            everything (what CI runs), including the crash and reliability harness
#   bash scripts/test.sh --quick    the inner loop: tests not marked slow (< 3 minutes on 2 cores)
# Further arguments go to pytest (e.g. tests/core, -k name).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi
bash scripts/setup.sh
echo "== ruff"; .venv/bin/ruff check src tests tools bench
echo "== mypy"; .venv/bin/mypy
echo "== templates"; .venv/bin/casefile templates check
echo "== pytest"
set +e
# When a worker process dies (a crash in native code), pytest-xdist can wait forever for its results;
# the whole suite takes 6-12 minutes, so 45 minutes of silence means that and fails the run instead.
if [ "$quick" -eq 1 ]; then
  # slow = the crash/kill harness, the reliability suite, LibreOffice/OCR/corpus runs, the demo, browsers
  timeout --signal=TERM --kill-after=30s 20m .venv/bin/python -m pytest -n 2 --dist loadfile -q -m "not slow" "$@"
else
  timeout --signal=TERM --kill-after=30s 45m .venv/bin/python -m pytest -n 2 --dist loadfile -q "$@"
fi
rc=$?
set -e
if [ "$rc" -eq 124 ]; then echo "pytest did not finish in time (a worker probably died); see above" >&2; exit 1; fi
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
if [ "$rc" -ne 0 ]; then exit "$rc"; fi
# The inner loop stops here; the PostgreSQL pass belongs to the full run.
if [ "$quick" -eq 1 ]; then exit 0; fi
# The web tests once more with the accounts database in a real PostgreSQL (a temporary cluster):
# the same suite passes on SQLite (above) and PostgreSQL.
echo "== pytest tests/web on PostgreSQL"
timeout --signal=TERM --kill-after=30s 20m bash scripts/with-postgres.sh \
  .venv/bin/python -m pytest -n 2 --dist loadfile -q tests/web -m "not slow"
