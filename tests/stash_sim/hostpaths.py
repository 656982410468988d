"""Paths as the host Stash runs on forms them: Go's path/filepath on Linux or on Windows.

Facts (Stash's source and Go's standard library):
- A file's path is `filepath.Join(folder.path, basename)` (pkg/sqlite/file.go), its folder
  `filepath.Dir(path)` (pkg/file/scan.go); Join cleans, so on Windows every `/` becomes `\\`.
- Path filters (MATCHES_REGEX, INCLUDES, ...) build `folders.path || '<sep>' || files.basename`
  with `filepath.Separator` (pkg/sqlite/criterion_handlers.go pathCriterionHandler): no
  cleaning there, so a file at a drive root reads `C:\\\\a.jpg` in a filter.
- Files inside a zip are walked with `filepath.Join(zipPath, name)` (pkg/file/walk.go) over Go's
  archive/zip fs view, which turns `\\` in member names into `/` (archive/zip toValidName): a
  zip made on Windows with `day1\\001.jpg` members gives folder `.../Set.zip/day1` on Linux and
  `...\\Set.zip\\day1` on Windows. Member names reach the database in the host's form only.
- The gallery image order key is `folders.path || files.basename` (pkg/sqlite/image.go
  defaultGalleryOrder), whatever the separator.
- On Windows, `filepath.Base` and `Dir` split at both `\\` and `/`; a path's volume is `C:` or
  `\\\\server\\share` (filepath.VolumeName).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNC = re.compile(r"^[\\/]{2}[^\\/]+[\\/]+[^\\/]+")
_DRIVE = re.compile(r"^[A-Za-z]:")


def _clean_names(rest: str, seps: str, rooted: bool) -> list[str]:
    """Go's Clean on the part after the volume: drop empty and '.' names, resolve '..'."""
    out: list[str] = []
    for name in re.split("[" + re.escape(seps) + "]", rest):
        if name in ("", "."):
            continue
        if name == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(name)
    return out


@dataclass(frozen=True)
class HostPaths:
    """filepath for one host OS ("linux" or "windows")."""

    os: str

    @property
    def windows(self) -> bool:
        return self.os == "windows"

    @property
    def sep(self) -> str:
        return "\\" if self.windows else "/"

    @property
    def _seps(self) -> str:
        return "\\/" if self.windows else "/"

    def volume(self, path: str) -> str:
        """filepath.VolumeName: "C:" or "\\\\server\\share" on Windows, "" elsewhere."""
        if not self.windows:
            return ""
        unc = _UNC.match(path)
        if unc:
            return unc.group(0)
        return path[:2] if _DRIVE.match(path) else ""

    def clean(self, path: str) -> str:
        """filepath.Clean."""
        volume = self.volume(path)
        rest = path[len(volume) :]
        rooted = rest[:1] in self._seps and rest != ""
        names = _clean_names(rest, self._seps, rooted)
        body = self.sep.join(names)
        if rooted:
            body = self.sep + body
        if not body:
            body = self.sep if rooted else ("" if volume and not self.windows else ".")
        if self.windows:
            volume = volume.replace("/", "\\")
            if volume and body == ".":
                return volume + "."
        return volume + body

    def join(self, *parts: str) -> str:
        """filepath.Join of the non-empty parts."""
        given = [p for p in parts if p]
        return self.clean(self.sep.join(given)) if given else ""

    def dir(self, path: str) -> str:
        """filepath.Dir."""
        volume = self.volume(path)
        i = len(path) - 1
        while i >= len(volume) and path[i] not in self._seps:
            i -= 1
        folder = self.clean(path[len(volume) : i + 1])
        if folder == "." and len(volume) > 2:
            return volume
        return volume + folder

    def base(self, path: str) -> str:
        """filepath.Base."""
        if path == "":
            return "."
        path = path.rstrip(self._seps)
        if path == "":
            return self.sep
        path = path[len(self.volume(path)) :]
        for index in range(len(path) - 1, -1, -1):
            if path[index] in self._seps:
                return path[index + 1 :]
        return path

    def is_root_folder(self, path: str) -> bool:
        """True for a folder with no parent (`/`, `C:\\`, a share)."""
        return self.dir(path) == path


LINUX = HostPaths("linux")
WINDOWS = HostPaths("windows")
HOSTS = {"linux": LINUX, "windows": WINDOWS}


def zip_member_name(name: str) -> str:
    """archive/zip toValidName: a member name as Go's zip fs view shows it (`\\` read as `/`)."""
    cleaned = _clean_names(name.replace("\\", "/"), "/", rooted=True)
    return "/".join(cleaned)
