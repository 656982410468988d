#!/usr/bin/env bash
# Builds a Stash plugin source in OUT_DIR: OUT_DIR/index.yml and OUT_DIR/gallery_tools.zip, and the
# plugin as Stash's community source (stashapp/CommunityScripts) holds its plugins:
# OUT_DIR/community/plugins/gallery_tools/, to be copied as it is into that repository's plugins/.
#
#   bash scripts/build_source.sh OUT_DIR
#
# Stash's package manager (Settings > Plugins > Available Plugins) reads index.yml, downloads
# the zip it names (relative to the index), checks its sha256 and unpacks it into
# <plugins>/<source's local path>/gallery_tools/ (docs/stash.md §7). Updates are found by `date`
# alone, so the date is the last commit of the plugin's files (UTC), and the version is the
# manifest's version plus the short git revision, as community sources do (docs/stash.md §7b).
# CommunityScripts' build_site.sh makes a package of every .yml under plugins/ (its folder zipped
# whole; id = the file's name) and copies the manifest's name:, description: and version: lines
# into its index as they are (after the first space, a pair of double quotes taken off): the build
# fails when one of them would not read back as the same YAML text, or when the plugin folder
# would hold a second .yml.
#
# The zip holds only what the plugin needs (PLUGIN_FILES below, tracked files only): no tests,
# no second .yml (Stash would load it as another plugin), no caches. A build from a work tree
# with uncommitted changes to those files is marked "-dirty" and dated now.
# Needs bash, git and python3 (standard library only).
set -euo pipefail

# What Stash needs to run the plugin; everything else in the repository stays out.
PLUGIN_FILES=(gallery_tools.yml gallery_tools.py LICENSE gallery_ops ui)
PLUGIN_ID="gallery_tools"

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: bash scripts/build_source.sh OUT_DIR" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$root"

python="${PYTHON:-python3}"
revision="$(git rev-parse --short=7 HEAD)"
committed="$(git log -1 --format=%ct -- "${PLUGIN_FILES[@]}")"
dirty=""
if [ -n "$(git status --porcelain -- "${PLUGIN_FILES[@]}")" ]; then
  dirty="-dirty"
fi
# tracked files, plus new ones not ignored: a fresh clone holds exactly the tracked ones
files="$(git ls-files --cached --others --exclude-standard -- "${PLUGIN_FILES[@]}" | sort -u)"

FILES="$files" COMMITTED="$committed" DIRTY="$dirty" REVISION="$revision" OUT="$out" PLUGIN_ID="$PLUGIN_ID" \
"$python" - <<'PY'
import datetime
import hashlib
import json
import os
import re
import shutil
import sys
import zipfile

files = [f for f in os.environ["FILES"].splitlines() if f and os.path.isfile(f)]
out, plugin_id = os.environ["OUT"], os.environ["PLUGIN_ID"]
dirty = os.environ["DIRTY"]
manifest = open(f"{plugin_id}.yml", encoding="utf-8").read()


def manifest_value(key):
    """A top-level scalar of the manifest (name, description, version), as written there."""
    found = re.search(rf"^{key}:[ \t]*(.+?)[ \t]*$", manifest, re.MULTILINE)
    if not found:
        sys.exit(f"build_source: {plugin_id}.yml has no top-level {key}")
    value = found.group(1)
    if value[:1] in "'\"":
        value = value[1:-1].replace("''", "'") if value[0] == "'" else json.loads(value)
    return value


stray = [f for f in files if f.endswith((".yml", ".yaml")) and f != f"{plugin_id}.yml"]
if stray:
    sys.exit(f"build_source: Stash would load these as plugins too: {', '.join(stray)}")
for key in ("name", "description", "version"):
    # build_site.sh writes the line's text into its index.yml unquoted: it must be a plain YAML scalar
    line = re.search(rf"^{key}:(.*)$", manifest, re.MULTILINE).group(1)
    text = line[1:] if line.startswith(" ") else line
    text = text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
    plain = text == text.strip() and text and text[0] not in "-?:,[]{}#&*!|>'\"%@`" and ": " not in text
    if not plain or " #" in text or text.endswith(":"):
        sys.exit(f"build_source: {plugin_id}.yml {key}: {text!r} would not read back from build_site.sh's index")
if dirty:
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
else:
    when = datetime.datetime.fromtimestamp(int(os.environ["COMMITTED"]), datetime.timezone.utc)
stamp = when.strftime("%Y-%m-%d %H:%M:%S")  # Stash's package time format, UTC (pkg/pkg/pkg.go)
version = f"{manifest_value('version')}-{os.environ['REVISION']}{dirty}"

zip_name = f"{plugin_id}.zip"
zip_path = os.path.join(out, zip_name)
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
    for name in sorted(files):  # same files, same date -> the same bytes
        info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
        info.external_attr = 0o100644 << 16  # a regular file, rw-r--r-- (Stash writes it with this mode)
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(name, "rb") as handle:
            archive.writestr(info, handle.read())
with open(zip_path, "rb") as handle:
    sha256 = hashlib.sha256(handle.read()).hexdigest()

# the plugin's folder for stashapp/CommunityScripts (plugins/<id>/): build_site.sh zips it whole
community = os.path.join(out, "community", "plugins", plugin_id)
shutil.rmtree(os.path.join(out, "community"), ignore_errors=True)
for name in files:
    os.makedirs(os.path.join(community, os.path.dirname(name)), exist_ok=True)
    shutil.copyfile(name, os.path.join(community, name))

q = json.dumps  # a JSON string is a YAML double-quoted scalar
index = (
    f"- id: {q(plugin_id)}\n"
    f"  name: {q(manifest_value('name'))}\n"
    f"  metadata:\n"
    f"    description: {q(manifest_value('description'))}\n"
    f"  version: {q(version)}\n"
    f"  date: {q(stamp)}\n"
    f"  requires: []\n"
    f"  path: {q(zip_name)}\n"
    f"  sha256: {q(sha256)}\n"
)
with open(os.path.join(out, "index.yml"), "w", encoding="utf-8", newline="\n") as handle:
    handle.write(index)
print(f"build_source: {out}/index.yml and {zip_name}: {plugin_id} {version}, {stamp} UTC, {len(files)} files,"
      f" sha256 {sha256}; for CommunityScripts: {community}")
PY
