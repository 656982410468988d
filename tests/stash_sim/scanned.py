"""A library description made of real files on disk, then scanned as Stash scans it.

The description (library.py) is the fast path: it writes rows as a scan would. A scanned
library is the check on it: `write_real_files` writes every folder gallery's images, every
zip (with its members, its disk files, its byte copies), the loose images, the videos and the
disk files as real files under a root (JPEG and PNG pictures of the described width and
height, each with its own drawing; `same_as` and `file_of` give the same bytes as the image
they name; videos made by ffmpeg). `scanned_library` then points the simulator's stash path
at the root, runs its scanner (scanner.py) over it, and puts on the scanned objects what a
person set (titles, tags, covers, chapters, ...) and what a scan cannot make: hand-made
galleries, and folder galleries whose folder is gone (`gone`; Stash keeps them until its Clean
task runs).

What differs from the described library, because a scan makes it so:
- ids and created_at follow the scan's walk (byte order of the names);
- sizes, formats and checksums are the real files' (a description's `md5` is not used);
- a picture copied into a zip (`same_as`) is one image with two files (pkg/image/scan.go), and
  it is in both galleries;
- the library has createGalleriesFromFolders off (Stash's default) and a `.forcegallery` file in
  every folder gallery's folder: loose images stay in no gallery.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .hostpaths import zip_member_name
from .library import (
    DEFAULT_IMAGE_SIZE,
    GALLERY_KEYS,
    IMAGE_EXTENSIONS,
    TOP_KEYS,
    VIDEO_EXTENSIONS,
    LibraryError,
    LibraryWriter,
    _check_keys,
    _disk_files,
    _gallery_details,
    _image_entry,
    _relate,
    _scene_details,
    _seed_named,
)

if TYPE_CHECKING:
    from .simulator import StashSimulator

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
FIXED_MTIME = 1704067200  # 2024-01-01T00:00:00Z: the same bytes and times on every run
FORCE_GALLERY = ".forcegallery"
REAL_FILES_VERSION = 1  # part of the cache's key: raise it when the files written change


def picture(seed: str, width: int, height: int, kind: str) -> bytes:
    """A picture of that size with a drawing of its own (Pillow, a test dependency)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = rng.randrange(width), rng.randrange(height)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], fill=colour)
    out = io.BytesIO()
    if kind == "png":
        image.save(out, "PNG")
    elif kind in ("jpg", "jpeg"):
        image.save(out, "JPEG", quality=80)
    else:
        raise LibraryError(f"a scanned library has JPEG and PNG pictures, not .{kind}")
    return out.getvalue()


def video(path: Path, number: int) -> None:
    """A two-second test pattern made by ffmpeg (fixed metadata: the same bytes every time), its
    width from its number (each video its own bytes: the scan merges equal ones into one scene)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise LibraryError(f"{path}: a scanned library's videos are made by ffmpeg, which is not on PATH")
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={160 + 16 * number}x120:rate=10:duration=2",
            "-c:v",
            "mpeg4",
            "-q:v",
            "5",
            "-bitexact",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-f",
            {".mkv": "matroska", ".webm": "webm"}.get(path.suffix, "mp4"),
            str(path),
        ],
        check=True,
        capture_output=True,
    )


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


class RealFiles:
    """The files of a description, by the description's paths: what write_real_files writes."""

    def __init__(self, description: dict[str, Any]) -> None:
        _check_keys("library", description, TOP_KEYS)
        if description.get("host", "linux") != "linux":
            raise LibraryError("library: only a Linux host's library can be scanned from this disk")
        self.files: dict[str, bytes] = {}
        self.zips: dict[str, list[tuple[str, bytes]]] = {}
        self.copies: dict[str, str] = {}
        self.videos: list[str] = [scene["path"] for scene in description.get("scenes") or []]
        self.forced: list[str] = []  # folders with a .forcegallery file
        self.by_path: dict[str, bytes] = {}  # every image's bytes, by its description path
        for index, spec in enumerate(description.get("galleries") or []):
            where = f"galleries[{index}]"
            _check_keys(where, spec, GALLERY_KEYS)
            base = spec.get("folder") or spec.get("zip")
            if base is None:  # a hand-made gallery's images are files of the library (written if loose)
                for raw in spec.get("images") or []:
                    entry = _image_entry(raw, where)
                    if entry["name"] not in self.by_path:
                        self.image(entry["name"], entry, where, self.files)
                continue
            if not (spec.get("images") or spec.get("gone")):
                raise LibraryError(f"{where}: a scan makes no gallery for a zip or folder without images")
            if spec.get("gone"):
                continue  # not on disk: scanned_library makes the gallery Stash still has
            extra = {name: text.encode() for name, text in _disk_files(spec.get("disk_files"), where).items()}
            if spec.get("zip"):
                members: list[tuple[str, bytes]] = list(extra.items())
                for raw in spec.get("images") or []:
                    entry = _image_entry(raw, where)
                    name = zip_member_name(entry["name"])
                    members.append((name, self.image(f"{base}/{name}", entry, where, None)))
                self.zips[base] = members
                for copy in spec.get("copies") or []:
                    self.copies[copy] = base
                    for raw in spec.get("images") or []:
                        name = zip_member_name(_image_entry(raw, where)["name"])
                        self.by_path[f"{copy}/{name}"] = self.by_path[f"{base}/{name}"]
            else:
                self.forced.append(base)
                for raw in spec.get("images") or []:
                    entry = _image_entry(raw, where)
                    self.image(f"{base}/{entry['name']}", entry, where, self.files)
                for name, data in extra.items():
                    self.files[f"{base}/{name}"] = data
        for raw in description.get("images") or []:
            entry = _image_entry(raw, "images")
            self.image(entry["name"], entry, "images", self.files)
        for path, text in _disk_files(description.get("disk_files"), "disk_files").items():
            self.files[path] = text.encode()

    def image(self, path: str, entry: dict[str, Any], where: str, into: dict[str, bytes] | None) -> bytes:
        """An image's bytes (made once per path); into: where a loose file goes."""
        if path not in self.by_path:
            kind = _extension(path)
            if kind in VIDEO_EXTENSIONS:
                raise LibraryError(f"{where}: {path}: the Stash simulator does not model scanning image clips")
            if kind not in IMAGE_EXTENSIONS:
                raise LibraryError(f"{where}: {path} has no image extension")
            same = entry.get("file_of") or entry.get("same_as")
            if same is not None:
                if same not in self.by_path:
                    raise LibraryError(f"{where}: {same!r} is no image given before it")
                self.by_path[path] = self.by_path[same]
            else:
                width, height = (
                    entry.get("width") or DEFAULT_IMAGE_SIZE[0],
                    entry.get("height") or DEFAULT_IMAGE_SIZE[1],
                )
                self.by_path[path] = picture(path, int(width), int(height), kind)
        if into is not None:
            into[path] = self.by_path[path]
        return self.by_path[path]

    def write(self, root: Path) -> None:
        """Every file under root (root + the description's path), with fixed times."""

        def put(rel: str, data: bytes) -> None:
            target = root / rel.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

        for path, data in self.files.items():
            put(path, data)
        for folder in self.forced:
            put(f"{folder}/{FORCE_GALLERY}", b"")
        for path, members in self.zips.items():
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
                for name, data in members:
                    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, data)
            put(path, out.getvalue())
        for copy, original in self.copies.items():
            put(copy, (root / original.lstrip("/")).read_bytes())
        for number, path in enumerate(self.videos):
            video(root / path.lstrip("/"), number)
        for folder, _dirs, names in os.walk(root):
            for name in names:
                os.utime(os.path.join(folder, name), (FIXED_MTIME, FIXED_MTIME))
            os.utime(folder, (FIXED_MTIME, FIXED_MTIME))


def write_real_files(description: dict[str, Any], root: str | Path) -> None:
    """The description's files under root, made once per description and copied from a cache
    (the system's temporary folder) after that."""
    key = hashlib.md5(repr([REAL_FILES_VERSION, *sorted(_flatten(description))]).encode()).hexdigest()
    cache = Path(tempfile.gettempdir()) / f"stash-sim-real-files-{key}"
    if not cache.is_dir():
        partial = Path(tempfile.mkdtemp(prefix="stash-sim-real-files-partial-"))
        RealFiles(description).write(partial)
        try:
            partial.rename(cache)
        except OSError:  # another process made it first
            shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(cache, root, dirs_exist_ok=True)


def _flatten(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _flatten(v, f"{prefix}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _flatten(v, f"{prefix}[{i}]")]
    return [f"{prefix}={value!r}"]


def scanned_library(sim: StashSimulator, description: dict[str, Any]) -> None:
    """Write the description's files under sim.library_root, scan them with createGalleriesFromFolders
    off, then put on the scanned objects what a person set, and make what a scan cannot."""
    if sim.library_root is None:
        raise LibraryError("a scanned library needs a simulator with its library on disk")
    root = sim.library_root
    write_real_files(description, root)
    sim.config.stashes = [{"path": root, "excludeVideo": False, "excludeImage": False}]
    sim.config.create_galleries_from_folders = False
    job = sim.metadata_scan()
    if job.error:
        raise LibraryError(f"the scan of the library failed: {job.error}")
    with sim.store.transaction() as db:
        writer = LibraryWriter(sim.store)
        _seed_named(writer, description)
        image_ids = {
            row[0]: row[1]
            for row in db.execute(
                "SELECT file_path(folders.path, files.basename), i_f.image_id FROM images_files i_f"
                " JOIN files ON files.id = i_f.file_id JOIN folders ON folders.id = files.parent_folder_id"
            )
        }
        scene_ids: dict[str | None, int] = {}
        for index, scene in enumerate(description.get("scenes") or []):
            scene_id = db.execute(
                "SELECT sf.scene_id FROM scenes_files sf JOIN files ON files.id = sf.file_id JOIN folders"
                " ON folders.id = files.parent_folder_id WHERE file_path(folders.path, files.basename) = ?",
                (root + scene["path"],),
            ).fetchone()
            if scene_id is None:
                raise LibraryError(f"scenes[{index}]: the scan made no scene of {scene['path']}")
            db.execute("UPDATE scenes SET title = ? WHERE id = ?", (scene.get("title"), scene_id[0]))
            _scene_details(writer, scene_id[0], scene)
            scene_ids[scene.get("title")] = scene_id[0]

        def image_details(entries: list[Any], base: str | None, where: str) -> list[int]:
            ids = []
            for raw in entries:
                entry = _image_entry(raw, where)
                path = root + (f"{base}/{zip_member_name(entry['name'])}" if base else entry["name"])
                if path not in image_ids:
                    raise LibraryError(f"{where}: the scan made no image of {path}")
                image_id = image_ids[path]
                ids.append(image_id)
                if entry.get("title") is not None:
                    db.execute("UPDATE images SET title = ? WHERE id = ?", (entry["title"], image_id))
                _relate(writer, "images_tags", "image_id", image_id, "tags", entry.get("tags"))
                _relate(writer, "performers_images", "image_id", image_id, "performers", entry.get("performers"))
            return ids

        for index, spec in enumerate(description.get("galleries") or []):
            where = f"galleries[{index}]"
            base = spec.get("folder") or spec.get("zip")
            if spec.get("gone"):  # gone from disk after Stash's scan: its rows stay
                gallery_id = (
                    writer.gallery(folder=root + spec["folder"])
                    if spec.get("folder")
                    else writer.gallery(zip_path=root + spec["zip"])
                )
            elif base is not None:
                image_details(spec.get("images") or [], base, where)
                gallery_id = db.execute(
                    "SELECT galleries.id FROM galleries JOIN folders ON folders.id = galleries.folder_id"
                    " WHERE folders.path = ? UNION SELECT gf.gallery_id FROM galleries_files gf JOIN files"
                    " ON files.id = gf.file_id JOIN folders ON folders.id = files.parent_folder_id"
                    " WHERE file_path(folders.path, files.basename) = ?",
                    (root + base, root + base),
                ).fetchone()[0]
            else:
                gallery_id = writer.gallery(title=spec["title"])
                writer.add_to_gallery(gallery_id, image_details(spec.get("images") or [], None, where))
            if spec.get("title") is not None:
                db.execute("UPDATE galleries SET title = ? WHERE id = ?", (spec["title"], gallery_id))
            _gallery_details(writer, gallery_id, spec, scene_ids, image_ids, root, where)
        image_details(description.get("images") or [], None, "images")


def add_real_files(sim: StashSimulator, description: dict[str, Any]) -> None:
    """More files under a scanned library's root (a description's galleries, images, videos), not
    scanned yet: what a person copies into the library before Stash's next scan."""
    if sim.library_root is None:
        raise LibraryError("real files go into a simulator with its library on disk")
    RealFiles(description).write(Path(sim.library_root))
