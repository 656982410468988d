"""The Python's installed packages, made importable when a run asks for one.

Stash starts Gallery Tools as `python -S gallery_tools.py` (gallery_tools.yml): without `site`,
Python reads no site-packages folder and runs no `.pth` file, which is most of its start-up on a
Python with many packages, and the plugin runs on the standard library alone. The one installed
package a run can use is the optional `regex` (common/patterns.py, for a user's pattern), so the
pattern engine calls `load()` before it looks for it. It does, once, what `site` would have done
at start-up: the Python's own site-packages, a virtualenv's, the user's; `.pth` files;
sitecustomize. Standard library only.
"""

from __future__ import annotations

import sys


def load() -> None:
    """Make the installed packages importable, as a start without -S would have (once; `site` is not
    run again when it ran at start-up: a manual run, or a manifest without -S)."""
    if _LOADED:
        return
    _LOADED.append(True)
    if sys.flags.no_site:
        import site

        site.main()


_LOADED: list[bool] = []
