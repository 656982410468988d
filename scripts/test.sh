#!/usr/bin/env bash
# Sets up .venv (and, for the browser tests, Chromium and tests/ui/node_modules) if needed, then runs ruff
# (lint, and the format check), mypy --strict and the whole test suite, the browser tests included. Extra
# arguments go to pytest (after ours, so they win: `bash scripts/test.sh -n 0` runs in one process, `-x`,
# `-k`, paths...).
#
# The suite runs on TEST_WORKERS pytest-xdist workers (default 3: CI has 2 cores, and a test spends
# much of its time waiting for a plugin process or a retry pause, so one more worker than cores
# keeps both busy). Every simulator listens on a port the system picks and keeps its files in a
# temporary folder of its own, so workers never share a port, a file or a database.
# The 15 slowest tests are listed at the end. The exit status is pytest's (0 only when every
# collected test passed; 5 when none was collected), or ruff's when ruff fails first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
bash "$root/scripts/bootstrap_ui.sh"
cd "$root"
.venv/bin/ruff check .
.venv/bin/ruff format --check .  # the tree stays formatted: `.venv/bin/ruff format .` fixes it
.venv/bin/mypy --strict gallery_ops tests/stash_sim  # the simulator is typed as strictly as the plugin
status=0
.venv/bin/python -m pytest -n "${TEST_WORKERS:-3}" --dist worksteal --durations=15 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "test.sh: pytest failed (exit status $status)" >&2
fi
exit "$status"
