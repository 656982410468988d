"""The packages installed for Gallery Tools, made importable when a run needs them.

Stash starts Gallery Tools as `python -S gallery_tools.py` (gallery_tools.yml): without `site`,
Python reads no site-packages folder and runs no `.pth` file, which is most of its start-up on a
Python with many packages, and the new-gallery hook needs only the standard library. A run that
needs an installed package (the optional `regex` for a user's pattern, the Install dependencies
task, the answer naming a missing one) calls `load()` first. It does, once, what `site` would have done at start-up (the
Python's own site-packages, a virtualenv's, the user's; `.pth` files; sitecustomize), and puts
the plugin's own dependency folder (filled by the Install dependencies task, gallery_tools_deps.py)
on sys.path before them, right after the plugin's folder. Standard library only.
"""

from __future__ import annotations

import os
import sys

# <plugin folder>/dependencies: this file is <plugin folder>/gallery_ops/common/site_packages.py.
PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPENDENCY_FOLDER = os.path.join(PLUGIN_DIR, "dependencies")


def load() -> None:
    """Make the installed packages importable, as a start without -S would have, with the plugin's
    dependency folder first (once; `site` is not run again when it ran at start-up: a manual run,
    or a manifest without -S)."""
    if _LOADED:
        return
    _LOADED.append(True)
    if sys.flags.no_site:
        import site

        site.main()
    if os.path.isdir(DEPENDENCY_FOLDER) and DEPENDENCY_FOLDER not in sys.path:
        sys.path.insert(1, DEPENDENCY_FOLDER)


_LOADED: list[bool] = []
