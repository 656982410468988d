#!/usr/bin/env bash
# Sets up .venv if needed, then runs ruff, mypy --strict and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
.venv/bin/ruff check .
.venv/bin/mypy --strict gallery_ops
.venv/bin/python -m pytest "$@"
