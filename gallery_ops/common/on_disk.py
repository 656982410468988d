"""What this disk says of the zips and folders Stash reports (the plugin runs on Stash's machine).

Deleting a gallery because its zip or folder is gone needs more than "the path is not there": a
drive or share that is not mounted, or a folder the plugin may not read, looks the same to
os.path.exists. disk_state tells those apart, so that only a surely gone path counts as gone.
"""

from __future__ import annotations

import os
from enum import Enum

from . import paths


class OnDisk(Enum):
    """What this disk says of a zip's or folder's path (disk_state)."""

    PRESENT = "present"
    GONE = "gone"  # not there, while the folder that held it is
    UNSURE = "unsure"  # not there, nor its parent folder (not mounted?)
    UNREADABLE = "unreadable"  # stat failed otherwise (permission denied, ...)


def disk_state(path: str) -> OnDisk:
    """Whether the zip or folder at `path` (as Stash reports it) is on this disk."""
    try:
        os.stat(path)
        return OnDisk.PRESENT
    except FileNotFoundError:
        pass
    except (OSError, ValueError):  # ValueError: a path Python cannot pass to the system (NUL)
        return OnDisk.UNREADABLE
    parent = paths.parent(path)
    if not parent or parent == path:
        return OnDisk.UNSURE
    try:
        os.stat(parent)
        return OnDisk.GONE
    except FileNotFoundError:
        return OnDisk.UNSURE
    except (OSError, ValueError):
        return OnDisk.UNREADABLE
