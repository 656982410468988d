"""File and folder paths as Stash reports them, on Linux, Docker, macOS and Windows hosts.

Stash reports the host's own paths (docs/stash.md §9): `/data/Galleries/Set.zip` on
Linux, `C:\\Galleries\\Set.zip` or `\\\\nas\\share\\Galleries\\Set.zip` on Windows,
and the images of a zip below the zip's own path (`.../Set.zip/day1/001.jpg`). This
module is the one place that takes such paths apart; nothing else in gallery_ops
splits a path by hand.

The rule for separators: a Windows path (one that starts with a drive letter `C:` or
with two separators, a UNC share) is split at `\\` and at `/`, so members of a zip
read either way; any other path is split at `/` only, since `\\` is an ordinary
character in a Linux file name. The root of a path (`/`, `C:\\`, `\\\\nas\\share\\`)
is never a name of its own.
"""

from __future__ import annotations

# No regex here, and no `re` (its import costs every process that imports this module: a hook, a
# task; docs/architecture.md, "The runtime"): the paths are taken apart by hand.
_GO_SPECIAL = "\\.+*?()|[]{}^$"  # what Go's regexp.QuoteMeta escapes (each with a backslash before it)
_GO_QUOTED = {ord(char): "\\" + char for char in _GO_SPECIAL}
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _has_drive(path: str) -> bool:
    """True when `path` starts with a drive letter and a colon (`C:`)."""
    return path[1:2] == ":" and path[:1] in _ASCII_LETTERS


def _windows_names(text: str) -> list[str]:
    """The names in `text` split at either separator, empty ones dropped."""
    return [name for name in text.replace("/", "\\").split("\\") if name]


def _share_end(path: str) -> int:
    """Where `\\\\server\\share` (either separators, one or more between the two names) ends at the
    start of `path`; 0 when it does not start with one."""
    text = path.replace("/", "\\")
    server_end = text.find("\\", 2)
    if not text.startswith("\\\\") or server_end <= 2:
        return 0
    share_start = len(text) - len(text[server_end:].lstrip("\\"))
    share_end = text.find("\\", share_start)
    share_end = len(text) if share_end == -1 else share_end
    return share_end if share_end > share_start else 0


def is_windows_path(path: str) -> bool:
    """True for `C:...` and `\\\\server\\share...` paths (either separator)."""
    return _has_drive(path) or path[:2] in ("\\\\", "//", "\\/", "/\\")


class SplitPath:
    """A path as its root and its names: `C:\\G\\a.zip` -> root "C:\\", names ("G", "a.zip").

    A plain class (no dataclasses): the new-gallery hook's lean path imports this module.
    """

    def __init__(self, root: str, names: tuple[str, ...], windows: bool) -> None:
        self.root = root
        self.names = names
        self.windows = windows

    @property
    def separator(self) -> str:
        return "\\" if self.windows else "/"


def split(path: str) -> SplitPath:
    """The root and the names of a path; empty names (doubled or trailing separators) are dropped."""
    if is_windows_path(path):
        share_end = _share_end(path)
        if share_end:
            share = _windows_names(path[:share_end])
            root, rest = "\\\\" + "\\".join(share) + "\\", path[share_end:]
        elif _has_drive(path):
            root, rest = path[:2] + "\\", path[2:]
        else:  # two separators and no share name: treat what follows as names
            root, rest = "\\\\", path[2:]
        return SplitPath(root, tuple(_windows_names(rest)), True)
    root = "/" if path.startswith("/") else ""
    return SplitPath(root, tuple(filter(None, path.split("/"))), False)


def ntfs_upper(name: str) -> str:
    """A name as NTFS compares names on Windows: each character upper-cased by a simple one-to-one
    table (Windows' upcase table, UTF-16 code unit by code unit), never by full case folding: "ß"
    stays "ß" (not "SS"), "ﬁ" stays "ﬁ" (not "FI"), and the Kelvin sign stays apart from "K"."""
    if name.isascii():
        return name.upper()
    out = []
    for char in name:
        upper = char.upper()
        out.append(upper if len(upper) == 1 and ord(char) <= 0xFFFF and ord(upper) <= 0xFFFF else char)
    return "".join(out)


def base_name(path: str) -> str:
    """The last name of a path (`Set.zip` for `C:\\G\\Set.zip\\`); "" for a root alone."""
    # "/x..." is never a Windows path (the usual case: asked of every image by a cover rule's pattern)
    if (path[:1] == "/" and path[1:2] not in ("/", "\\")) or not is_windows_path(path):
        # the same as split(path).names[-1], without building the names
        return path.rstrip("/").rpartition("/")[2]
    names = split(path).names
    return names[-1] if names else ""


def parent(path: str) -> str:
    """The folder that holds a path, in the path's own form (`C:\\G` for `C:\\G\\Set.zip`)."""
    parts = split(path)
    return parts.root + parts.separator.join(parts.names[:-1])


def folder_names(path: str) -> tuple[str, ...]:
    """The root and the names of the folder holding a file: a key that is equal for the same folder
    whichever separators the two paths use (`C:\\G\\day1/a.jpg` and `C:/G/day1/b.jpg`)."""
    if not is_windows_path(path):  # the same as from split(path), without building a SplitPath
        return ("\\" if path.startswith("/") else "", *tuple(filter(None, path.split("/")))[:-1])
    parts = split(path)
    return (parts.root.replace("/", "\\"), *parts.names[:-1])


def folders_of(file_paths: list[str]) -> list[tuple[str, ...]]:
    """folder_names of each path, in order; a chapter plan asks it of every image of a gallery.

    A plain absolute POSIX path's folder depends only on the text before its last "/", so
    files of one folder are taken apart once (the same answers as folder_names, faster).
    """
    known: dict[str, tuple[str, ...]] = {}
    out: list[tuple[str, ...]] = []
    for path in file_paths:
        head, _, tail = path.rpartition("/")
        plain = bool(tail) and path[:1] == "/" and path[1:2] not in ("/", "\\")  # "/x...": not a Windows path
        if not plain:
            out.append(folder_names(path))
            continue
        folder = known.get(head)
        if folder is None:  # folder_names(path) for such a path: its root and the names in head
            folder = known[head] = ("\\", *filter(None, head.split("/")))
        out.append(folder)
    return out


def common_folder(folders: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The longest folder (as folder_names) that holds all of them; () when even the roots differ."""
    if not folders:
        return ()
    first = folders[0]
    length = len(first)
    for other in folders[1:]:
        length = min(length, len(other))
        for index in range(length):
            if other[index] != first[index]:
                length = index
                break
    return first[:length]


def split_extension(name: str) -> tuple[str, str]:
    """A base name as (stem, extension): `Summer_Trip.2022.zip` -> ("Summer_Trip.2022", ".zip").

    A leading dot is not an extension (`.hidden` -> (".hidden", "")).
    """
    dot = name.rfind(".")
    first_other = len(name) - len(name.lstrip("."))
    if dot <= first_other:
        return name, ""
    return name[:dot], name[dot:]


def stem(path: str) -> str:
    """The base name without its extension (`C:\\G\\Summer_Trip.2022.zip` -> `Summer_Trip.2022`)."""
    return split_extension(base_name(path))[0]


def extension(path: str) -> str:
    """The base name's extension with its dot, lower-cased (`.zip`); "" when it has none."""
    return split_extension(base_name(path))[1].lower()


def go_quote(text: str) -> str:
    """Text as a literal in a Go regex (Go's regexp.QuoteMeta); valid in Python's re too."""
    return text.translate(_GO_QUOTED)


def prefix_regex(path: str) -> str:
    """A Go regex (Stash's MATCHES_REGEX) for the paths that start with `path`.

    Windows paths match case-insensitively with either separator (`c:/galleries` finds
    `C:\\Galleries\\Set.zip`); other paths match exactly. A trailing separator is kept:
    `/library/zips/` finds what is inside the folder, `/library/zips` also `/library/zips2`.
    """
    if not is_windows_path(path):
        return "^" + go_quote(path)
    pieces = path.replace("\\", "/").split("/")  # (at either separator)
    return "(?i)^" + r"[\\/]".join(go_quote(piece) for piece in pieces)
