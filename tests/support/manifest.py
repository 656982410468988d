"""The plugin's task buttons, read from gallery_tools.yml (as Stash reads it), never copied; the
plugin's files as a release holds them."""

from __future__ import annotations

import shutil
from pathlib import Path

from stash_sim.runner import load_manifest

REPO = Path(__file__).resolve().parents[2]
MANIFEST = load_manifest(REPO / "gallery_tools.yml")
BUTTONS = MANIFEST.tasks
# What a release of the plugin holds (scripts/build_source.sh PLUGIN_FILES; a test keeps them equal).
PLUGIN_FILES = (
    "gallery_tools.yml",
    "gallery_tools.py",
    "LICENSE",
    "gallery_ops",
    "ui",
)


def button(mode: str, **args: str) -> str:
    """The name of the one button of task `mode` whose defaultArgs are exactly `mode` and `args`
    (Stash hands defaultArgs as strings: button("reset_covers", dry_run="false"))."""
    wanted = {"mode": mode, **args}
    found = [task.name for task in BUTTONS if task.default_args == wanted]
    assert len(found) == 1, f"gallery_tools.yml has {len(found)} buttons with defaultArgs {wanted}"
    return found[0]


def copy_plugin(target: Path) -> Path:
    """The plugin's files (PLUGIN_FILES) copied into `target`, as a release installs them."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PLUGIN_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, target / name)
    return target
