#!/usr/bin/env bash
# Sets up .venv if needed, then runs the demo: the plugin on the sample library in the simulator.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
exec "$root/.venv/bin/python" "$root/scripts/demo.py" "$@"
