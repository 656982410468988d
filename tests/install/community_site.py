"""How stashapp/CommunityScripts' build_site.sh makes Stash's default plugin source from its tree
(docs/stash.md §7b), for the test that offers Gallery Tools' community folder to it as it is.

What the script does, step by step (read from build_site.sh):
- every file matching *.yml under ./plugins (and ./themes), at any depth, is a package, unless a
  line of it starts with `#pkgignore`;
- the package id is the file's name without .yml; its folder is the file's folder;
- version: the manifest's `version:` line's text, "-", the short hash of the last commit that
  touched the folder's files; date: that commit's date, UTC, "%F %T";
- the zip holds the folder's whole content (zip -r of the folder: its files at the zip's root);
- name, description and version are the text after the first space of the first `name:`,
  `description:`, `version:` line, with a pair of surrounding double quotes taken off, written
  into index.yml unquoted; `# requires: a, b` lines give `requires`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import zipfile
from pathlib import Path


def _line_value(text: str, key: str) -> str:
    """grep "^key:" | head -n 1 | cut -d' ' -f2- | sed 's/^"\\(.*\\)"$/\\1/'"""
    line = next((found for found in text.splitlines() if found.startswith(f"{key}:")), "")
    value = line.split(" ", 1)[1] if " " in line else line  # cut -f2- of a line without a space: the line
    value = value.replace("\r", "")
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC0"}
    ).stdout


def build_site(repo: Path, out: Path) -> list[str]:
    """Write out/index.yml and out/<id>.zip as build_site.sh does; returns the package ids."""
    out.mkdir(parents=True, exist_ok=True)
    index: list[str] = []
    ids = []
    for manifest in sorted((repo / "plugins").rglob("*.yml")):
        text = manifest.read_text(encoding="utf-8")
        if re.search(r"^#pkgignore", text, re.MULTILINE):
            continue
        folder, plugin_id = manifest.parent, manifest.stem
        files = sorted(str(p.relative_to(repo)) for p in folder.iterdir())  # "$dir"/*
        version = _git(repo, "log", "-n", "1", "--pretty=format:%h", "--", *files)
        updated = _git(repo, "log", "-n", "1", "--date=format-local:%F %T", "--pretty=format:%ad", "--", *files)
        zip_path = out / f"{plugin_id}.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                archive.write(path, str(path.relative_to(folder)))
        requires = [
            name
            for line in text.splitlines()
            if line.startswith("# requires:")
            for name in line[11:].replace("\r", "").replace(",", " ").split()
        ]
        entry = (
            f"- id: {plugin_id}\n  name: {_line_value(text, 'name')}\n  metadata:\n"
            f"    description: {_line_value(text, 'description')}\n"
            f"  version: {_line_value(text, 'version')}-{version}\n  date: {updated}\n"
            f"  path: {plugin_id}.zip\n  sha256: {hashlib.sha256(zip_path.read_bytes()).hexdigest()}\n"
        )
        if requires:
            entry += "  requires:\n" + "".join(f"    - {name}\n" for name in requires)
        index.append(entry + "\n")
        ids.append(plugin_id)
    (out / "index.yml").write_text("".join(index), encoding="utf-8")
    return ids
