#!/usr/bin/env bash
# Creates .venv (Python 3.11 or newer) with everything the tests and the demo need.
# Safe to run again: it reinstalls only when a requirements file changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

# The schema package that the simulator reads; its SDL files are all we use, so it is
# installed without its dependencies (it declares Python >= 3.12; the files need none).
SCHEMA_PACKAGE="stash-graphql-client==0.12.12"
# The schemas of Stash v0.30.1 and v0.31.1 come from older versions of the same package,
# which cannot share site-packages with it: each goes to its own folder, where
# tests/stash_sim/schema.py looks for it (<venv>/stash-schemas/<name>-<version>).
RELEASE_SCHEMA_PACKAGES="stash-graphql-client==0.10.14 stash-graphql-client==0.11.2"

pick_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.13 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  echo "bootstrap: need Python 3.11 or newer (set PYTHON=/path/to/python3)" >&2
  return 1
}

stamp="$venv/.requirements-stamp"
wanted="$(cat "$root/requirements-dev.txt"; echo "$SCHEMA_PACKAGE $RELEASE_SCHEMA_PACKAGES")"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi

python="$(pick_python)"
echo "bootstrap: creating $venv with $("$python" --version)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements-dev.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-deps --ignore-requires-python "$SCHEMA_PACKAGE"
for package in $RELEASE_SCHEMA_PACKAGES; do
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python \
    --target "$venv/stash-schemas/${package/==/-}" "$package"
done
printf '%s' "$wanted" > "$stamp"
