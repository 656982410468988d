"""What this disk says of the zips and folders Stash reports (the plugin runs on Stash's machine).

A gallery is deleted "because its zip or folder is gone" only with proof that the drive it was on
is there. "The path is not there" proves nothing on its own:
- a drive or share that is not mounted leaves its mount point behind as an empty folder, so even
  "the folder that held it is still there" is true of a zip at the root of an unmounted drive;
- a link into a drive that is unplugged is a link whose target is missing: os.stat follows it
  and says "no such file", while the link itself is there;
- a folder the plugin may not read answers like a missing one to os.path.exists.

So a path counts as gone (GONE) only when:
1. the path itself is not there (os.lstat: a dangling link is there, and is never proof), and
2. the folder that held it is there, and
3. the drive is evidently there: that folder is a mount point right now (a mounted drive), or
   another file or folder that Stash recorded inside that folder is on this disk now (what Stash
   knows, asked by the caller: `recorded`).
Anything less is UNSURE (or LINK, UNREADABLE): left alone and reported. A gallery with several
files (a zip and its byte copies, merged by Stash's scan) is gone only when every file is.

`look` is the cheap local half (no Stash request); `judge` adds the proof. `still_gone` checks a
verdict again right before a delete, on this disk only (the proof's paths are looked at again).
Standard library only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence

from . import paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


class OnDisk:
    """What this disk says of a zip's or folder's path: one of the six states below, compared by
    identity. (A plain class, not an Enum: `enum` would cost every process that looks at the disk,
    a page action reading a zip's ComicInfo.xml among them, some 3 ms of its start;
    docs/architecture.md, "The runtime".)"""

    __slots__ = ("value",)
    PRESENT: ClassVar[OnDisk]
    MISSING: ClassVar[OnDisk]  # not there, the folder that held it is: gone if its drive is evidently there
    GONE: ClassVar[OnDisk]  # missing, and the drive it was on is evidently there (module docstring)
    UNSURE: ClassVar[OnDisk]  # not there, and no proof that its drive is (not mounted?)
    LINK: ClassVar[OnDisk]  # a link whose target is missing (a drive unplugged?)
    UNREADABLE: ClassVar[OnDisk]  # what is there cannot be told (permission denied, ...)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"OnDisk.{self.value.upper()}"


OnDisk.PRESENT, OnDisk.MISSING, OnDisk.GONE = OnDisk("present"), OnDisk("missing"), OnDisk("gone")
OnDisk.UNSURE, OnDisk.LINK, OnDisk.UNREADABLE = OnDisk("unsure"), OnDisk("link"), OnDisk("unreadable")


# A gallery's verdict: its state, and when GONE, per missing path what proved its drive there.
Verdict = tuple[OnDisk, tuple[tuple[str, str], ...]]

# The most cautious state of a gallery's files wins (a gallery is only as gone as its least gone file);
# every state, in that order.
CAUTION = (OnDisk.PRESENT, OnDisk.UNREADABLE, OnDisk.LINK, OnDisk.UNSURE, OnDisk.MISSING, OnDisk.GONE)


def _lstat(path: str) -> os.stat_result | OnDisk | None:
    """os.lstat of the path; None when nothing is there; UNREADABLE when that cannot be told."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a name under a file: nothing is there
        return None
    except (OSError, ValueError):  # ValueError: a path Python cannot pass to the system (NUL)
        return OnDisk.UNREADABLE


def look(path: str) -> OnDisk:
    """What this disk says of `path` alone: PRESENT, LINK, UNREADABLE, MISSING (not there, the
    folder that held it is) or UNSURE (not there, nor the folder that held it)."""
    found = _lstat(path)
    if isinstance(found, OnDisk):
        return found
    if found is not None:
        if not stat.S_ISLNK(found.st_mode):
            return OnDisk.PRESENT
        try:
            os.stat(path)  # the link's target
            return OnDisk.PRESENT
        except FileNotFoundError:
            return OnDisk.LINK
        except (OSError, ValueError):
            return OnDisk.UNREADABLE
    holder = paths.parent(path)
    if not holder or holder == path:
        return OnDisk.UNSURE
    try:
        held = os.stat(holder)
    except (FileNotFoundError, NotADirectoryError):
        return OnDisk.UNSURE
    except (OSError, ValueError):
        return OnDisk.UNREADABLE
    return OnDisk.MISSING if stat.S_ISDIR(held.st_mode) else OnDisk.UNSURE


def holder(path: str) -> str:
    """The folder that held `path` (where proof of its drive is looked for)."""
    return paths.parent(path)


def _names(path: str) -> tuple[str, ...]:
    parts = paths.split(path)
    return (parts.root.replace("/", "\\"), *parts.names)


def _below(path: str, folder: str) -> bool:
    """`path` is inside `folder`, at any depth (either separator on a Windows path)."""
    inner, outer = _names(path), _names(folder)
    return len(inner) > len(outer) and inner[: len(outer)] == outer


def proof_of_drive(path: str, recorded: Iterable[str]) -> str | None:
    """What proves that the drive `path` (MISSING) was on is there: its folder when that is a
    mount point now, else the first path Stash recorded in that folder (not `path`, not below
    it) that is on this disk now; None when nothing does."""
    folder = holder(path)
    try:
        if os.path.ismount(folder):
            return folder
    except (OSError, ValueError):
        return None
    for other in recorded:
        if not _below(other, folder) or other == path or _below(other, path):
            continue
        found = _lstat(other)
        if found is not None and not isinstance(found, OnDisk):
            return other
    return None


def judge(
    file_paths: Sequence[str], recorded: Mapping[str, Sequence[str]], looks: Mapping[str, OnDisk] | None = None
) -> Verdict:
    """A gallery's verdict from all its files' paths, and its proof when GONE: per path, the path
    that proved its drive there. `recorded`: the paths Stash recorded in each missing path's
    folder (holder -> paths); `looks`: look() of the paths, when the caller has them already."""
    states: list[OnDisk] = []
    proof: list[tuple[str, str]] = []
    for path in file_paths:
        state = looks[path] if looks is not None and path in looks else look(path)
        if state is OnDisk.MISSING:
            found = proof_of_drive(path, recorded.get(holder(path), ()))
            state = OnDisk.GONE if found is not None else OnDisk.UNSURE
            if found is not None:
                proof.append((path, found))
        states.append(state)
    if not states:
        return OnDisk.UNSURE, ()
    verdict = min(states, key=CAUTION.index)
    return verdict, tuple(proof) if verdict is OnDisk.GONE else ()


def still_gone(proof: Sequence[tuple[str, str]]) -> bool:
    """A GONE verdict again, on this disk only, right before a delete: every path still missing,
    and what proved its drive there still there."""
    for path, witness in proof:
        if look(path) is not OnDisk.MISSING:
            return False
        if witness == holder(path):
            try:
                if not os.path.ismount(witness):
                    return False
            except (OSError, ValueError):
                return False
        else:
            found = _lstat(witness)
            if found is None or isinstance(found, OnDisk):
                return False
    return bool(proof)


NO_GALLERY_MARK = ".nogallery"  # Stash's scan makes no folder gallery for a folder holding it (pkg/image/scan.go)


def marked_no_gallery(folder: str) -> bool | None:
    """Whether the folder holds Stash's `.nogallery` mark (a link counts, whatever it points to);
    None when that cannot be told (permission denied, ...). A folder not on this disk holds none."""
    try:
        os.lstat(folder.rstrip("/\\") + paths.split(folder).separator + NO_GALLERY_MARK)
        return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return None
