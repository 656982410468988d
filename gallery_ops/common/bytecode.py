"""The plugin's own bytecode, written once where Python writes none.

Python writes a module's bytecode at its first import, except where PYTHONDONTWRITEBYTECODE is
set (by a person, or an image built on Stash's: Stash's own Dockerfile does not set it,
docs/stash.md §6): there every run would compile every module it imports from source, about a
third of a hook's CPU. Python reads bytecode there all the same, so the entry (gallery_tools.py)
writes it once, in a run that is not a hook and finds it missing or older than the files (after
an install or an update from a plugin source, which writes every file anew).
Standard library only.
"""

from __future__ import annotations

import os

# <plugin folder>/gallery_ops: this file is <plugin folder>/gallery_ops/common/bytecode.py.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stale() -> bool:
    """Whether the plugin's files lack current bytecode, checked on this module's own (an install
    or update writes every file anew, so one stands for all). Where its bytecode would be is what
    Python's import set in `__spec__.cached` (importlib.util.cache_from_source, without importing
    importlib.util and contextlib: 1.3 ms of a page action's process)."""
    cached = __spec__.cached if __spec__ is not None else None
    try:
        return cached is None or os.stat(cached).st_mtime < os.stat(__file__).st_mtime
    except OSError:
        return True


def compile_plugin() -> None:
    """Write the bytecode of every module of gallery_ops (its `__pycache__` folders). Nothing is
    printed (stdout is the result's); a folder that cannot be written is left as it is. The entry
    itself, run as a script, is never read from bytecode."""
    import compileall

    compileall.compile_dir(PACKAGE_DIR, quiet=2)
