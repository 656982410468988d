"""Seeding the simulator from a compact, readable library description.

A description is a mapping (usually a YAML file under libraries/):

    studios: [Lumen Studio, {name: Lumen East, parent: Lumen Studio}]   # names or mappings
    tags: [Beach, {name: Sand, parents: [Beach], aliases: [dune]}]
    performers: [Ada Vale, {name: Bo Lind, tags: [Portrait], urls: [https://example.org/bo]}]
    scenes:
      - {title: Beach Day, path: /library/videos/beach-day.mp4}
    galleries:
      - folder: /library/photos/Beach 2021    # folder-based gallery
        images: [001.jpg, {name: cover.jpg, width: 800, height: 1200}]
      - zip: /library/zips/Summer Set.zip    # zip-based gallery; images may sit in inner folders
        images: [day1/001.jpg, day2/001.jpg]
        tags: [Beach]
      - title: Favourites                    # user-created: images are paths seeded elsewhere
        images: [/library/photos/Beach 2021/001.jpg]
    images: [/library/loose/a.jpg]          # images in no gallery

`host: windows` (default linux) makes a library of a Stash running on Windows: folder
and zip paths are then `C:\\...` or `\\\\server\\share\\...`, joined and split as Go's
path/filepath does there (hostpaths.py). Zip member names may use `/` or `\\` in any
library: Go's zip reader shows both as `/`, and the path joins them with the host's
separator. Images whose name has a video extension (mp4, webm, ...) are clips: images
whose visual file is a VideoFile (Stash's create_image_clip_from_videos, config.go
defaultVideoExtensions), with their width, height and `duration`.

Gallery keys besides folder/zip/images: title, code, date, details, photographer,
rating100, organized, studio, tags, performers, scenes (scene titles), urls,
cover (an image name or path: the explicit cover), chapters
([{title, image_index}]), zip_md5 (the zip's checksum: two copies of one zip),
disk_files (see below), gone (true: its zip or folder is no longer on disk; Stash
keeps the gallery and its files until its Clean task runs) and copies (a zip gallery's
byte copies: paths of more zip files of the same gallery, whose members are more files
of its images, as Stash's scan merges a copy by its checksum).
Image entries are a name (relative to the folder or zip, or an absolute path for
user-created galleries and loose images) or a mapping with name and any of width, height,
md5, same_as (the path of another image of the library that this one is a copy of: its
checksum, a separate image), file_of (the path of another image given before it: this
entry is one more file of that image, not an image of its own, and that image is in this
gallery too, as the scan makes a copied picture), title, tags, performers.

Galleries and images have one file unless copies or file_of give them more; the first file
given is the primary one (related_files.py).
Scene entries are a mapping with path and any of title, code, date, details, studio,
tags, performers and urls.

The library on disk. A simulator made with `root` (StashSimulator(on_disk=True)) puts
the library under that folder of this machine: every path of the description is then
`root + path` (the paths Stash reports; a plugin runs on Stash's machine and reads
them), and the files are written there: each folder gallery's images, each zip
gallery's zip (a real zip with its images as members), the scenes' videos and the
loose images. Only a Linux host's library can be put on disk. `disk_files` are files
that are on disk but not in Stash (Stash's scan skips files whose extension is not an
image, video or zip extension: ComicInfo.xml, a gallery-dl .json): a gallery's
`disk_files` maps names inside its zip or folder to their text, the top-level
`disk_files` maps paths to their text. Without a root nothing is written: the library
is on a disk the tests cannot see (every zip and folder reads as not on this disk).

A tag entry is a name or a mapping with name and any of sort_name, description,
aliases, parents (tag names: the hierarchy that tag `depth` criteria follow) and
favorite; a performer entry a name or a mapping with name and any of disambiguation,
aliases, tags, urls and favorite; a studio entry a name or a mapping with name and
parent (a studio name).

A folder gallery holds the images directly in its folder, a zip gallery every image
in its zip (docs/stash.md §3-§4). Checksums default to the md5 of the path as the
description gives it (the same with or without a root).
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types

from . import related_files
from .hostpaths import HOSTS, zip_member_name
from .natural import natural_key
from .store import Store, inserted_id, now_text

LIBRARIES = Path(__file__).parent / "libraries"
SAMPLE_LIBRARY = LIBRARIES / "sample.yml"
FILE_MOD_TIME = "2024-01-01T00:00:00Z"
DEFAULT_IMAGE_SIZE = (1200, 800)

GALLERY_KEYS = {
    "folder",
    "zip",
    "images",
    "title",
    "code",
    "date",
    "details",
    "photographer",
    "rating100",
    "organized",
    "studio",
    "tags",
    "performers",
    "scenes",
    "urls",
    "cover",
    "chapters",
    "zip_md5",
    "disk_files",
    "gone",
    "copies",
}
IMAGE_KEYS = {"name", "width", "height", "md5", "same_as", "file_of", "title", "tags", "performers", "duration"}
SCENE_KEYS = {"title", "path", "code", "date", "details", "studio", "tags", "performers", "urls"}
TOP_KEYS = {"host", "studios", "tags", "performers", "scenes", "galleries", "images", "disk_files"}
NAMED_KEYS = {
    "tags": {"name", "sort_name", "description", "aliases", "parents", "favorite"},
    "performers": {"name", "disambiguation", "aliases", "tags", "urls", "favorite"},
    "studios": {"name", "parent"},
}
# Stash's default video extensions (internal/manager/config/config.go defaultVideoExtensions):
# such files in a gallery are image clips
VIDEO_EXTENSIONS = {"m4v", "mp4", "mov", "wmv", "avi", "mpg", "mpeg", "rmvb", "rm", "flv", "asf", "mkv", "webm", "f4v"}
DEFAULT_CLIP_DURATION = 12.5
# Stash's default image and gallery (zip) extensions (config.go defaultImageExtensions,
# defaultGalleryExtensions): its scan records such files, so they are not disk_files
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "avif"}
ZIP_EXTENSIONS = {"zip", "cbz"}
PROBED_COLUMNS = {"format", "oshash", "duration", "video_codec", "audio_codec", "frame_rate", "bit_rate"}


class LibraryError(ValueError):
    """A library description that cannot be seeded."""


def load_library(path: str | Path = SAMPLE_LIBRARY) -> dict[str, Any]:
    """Read a library description from a YAML file."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise LibraryError(f"{path}: a library description is a mapping")
    return data


def generate_library(galleries: int, images_per_gallery: int, zip_every: int = 2) -> dict[str, Any]:
    """A large synthetic library: every `zip_every`-th gallery is a zip, the rest folders."""
    entries = []
    for g in range(galleries):
        if g % zip_every == 0:
            entries.append(
                {
                    "zip": f"/library/gen/set{g:06d}.zip",
                    "images": [f"part{i % 3}/img{i:04d}.jpg" for i in range(images_per_gallery)],
                }
            )
        else:
            entries.append(
                {
                    "folder": f"/library/gen/folder{g:06d}",
                    "images": [f"img{i:04d}.jpg" for i in range(images_per_gallery)],
                }
            )
    return {"tags": ["Generated"], "galleries": entries}


class LibraryWriter:
    """Adds folders, files, images and galleries the way Stash's scanner records them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.paths = store.host
        self._folders: dict[str, int] = {
            row["path"]: row["id"] for row in self.db.execute("SELECT id, path FROM folders")
        }

    # -- folders and files -------------------------------------------------------------
    def folder(self, path: str, zip_file_id: int | None = None) -> int:
        """The id of the folder at path, created with its missing parents."""
        found = self._folders.get(path)
        if found is not None:
            return found
        parent = self.paths.dir(path)
        parent_id = self.folder(parent, self._zip_of(parent)) if parent not in ("", ".", path) else None
        cur = self.db.execute(
            "INSERT INTO folders(path, parent_folder_id, zip_file_id, mod_time) VALUES (?,?,?,?)",
            (path, parent_id, zip_file_id, FILE_MOD_TIME),
        )
        self._folders[path] = inserted_id(cur)
        return inserted_id(cur)

    def _zip_of(self, folder_path: str) -> int | None:
        folder_id = self._folders.get(folder_path)
        if folder_id is None:
            return None
        zip_file_id: int | None = self.db.execute(
            "SELECT zip_file_id FROM folders WHERE id=?", (folder_id,)
        ).fetchone()[0]
        return zip_file_id

    def file(
        self,
        path: str,
        kind: str,
        zip_file_id: int | None = None,
        md5: str | None = None,
        width: int = 0,
        height: int = 0,
        *,
        size: int | None = None,
        mod_time: str = FILE_MOD_TIME,
        **probed: Any,
    ) -> int:
        """Insert a file row (its folder is created if needed) and return its id.

        A described file's size is 1000 + the length of its path and its md5 the path's, unless
        given; `probed` are the columns the scan fills (format, oshash, duration, video_codec,
        audio_codec, frame_rate, bit_rate)."""
        folder_id = self.folder(self.paths.dir(path), zip_file_id)
        cur = self.db.execute(
            "INSERT INTO files(basename, parent_folder_id, zip_file_id, kind, size, mod_time, md5,"
            " width, height) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                self.paths.base(path),
                folder_id,
                zip_file_id,
                kind,
                1000 + len(path) if size is None else size,
                mod_time,
                hashlib.md5(path.encode()).hexdigest() if md5 is None else md5,
                width,
                height,
            ),
        )
        if probed:
            unknown = set(probed) - PROBED_COLUMNS
            if unknown:
                raise ValueError(f"no file column {', '.join(sorted(unknown))}")
            self.db.execute(
                f"UPDATE files SET {', '.join(f'{k} = ?' for k in probed)} WHERE id = ?",
                (*probed.values(), inserted_id(cur)),
            )
        return inserted_id(cur)

    def zip_file(self, path: str, md5: str | None = None) -> int:
        """The zip file at path (md5: its checksum, by default the md5 of the path); its own path
        is also a folder (Stash's zip folders)."""
        row = self.db.execute(
            "SELECT files.id FROM files JOIN folders ON folders.id = files.parent_folder_id"
            " WHERE folders.path = ? AND files.basename = ?",
            (self.paths.dir(path), self.paths.base(path)),
        ).fetchone()
        zip_id = row[0] if row else self.file(path, "zip", md5=md5)
        self.folder(path, zip_id)
        return zip_id

    def member_path(self, base: str, name: str, in_zip: bool) -> str:
        """The path of an image given by name under a folder or zip (a zip's member names as Go reads them)."""
        return self.paths.join(base, zip_member_name(name) if in_zip else name)

    def image(
        self,
        path: str,
        zip_file_id: int | None = None,
        width: int | None = None,
        height: int | None = None,
        md5: str | None = None,
        title: str | None = None,
        duration: float | None = None,
    ) -> int:
        """An image record with its one file (a VideoFile for a clip); returns the image id."""
        file_id = self.image_file(path, zip_file_id, width, height, md5, duration)
        return self.image_of_file(file_id, title, sort_path=self.paths.dir(path) + self.paths.base(path))

    def image_file(
        self,
        path: str,
        zip_file_id: int | None = None,
        width: int | None = None,
        height: int | None = None,
        md5: str | None = None,
        duration: float | None = None,
    ) -> int:
        """An image's file (a VideoFile for a clip) as a description gives it; returns the file id."""
        w, h = DEFAULT_IMAGE_SIZE
        clip = self.paths.base(path).rsplit(".", 1)[-1].lower() in VIDEO_EXTENSIONS
        file_id = self.file(path, "video" if clip else "image", zip_file_id, md5, width or w, height or h)
        if clip:
            self.db.execute(
                "UPDATE files SET duration = ? WHERE id = ?",
                (DEFAULT_CLIP_DURATION if duration is None else float(duration), file_id),
            )
        return file_id

    def image_of_file(
        self, file_id: int, title: str | None = None, stamp: str | None = None, sort_path: str | None = None
    ) -> int:
        """A new image whose primary file is file_id; returns the image id. sort_path: the file's
        folder path and base name joined (its sort key, related_files), when the caller knows it."""
        stamp = stamp or now_text()
        cur = self.db.execute("INSERT INTO images(title, created_at, updated_at) VALUES (?,?,?)", (title, stamp, stamp))
        related_files.add_file(self.db, "images", inserted_id(cur), file_id, primary=True)
        if sort_path is None:
            related_files.refresh_image_key(self.db, inserted_id(cur))
        else:
            self.db.execute("UPDATE images SET path_key = ? WHERE id = ?", (natural_key(sort_path), inserted_id(cur)))
        return inserted_id(cur)

    def add_image_file(self, image_id: int, file_id: int) -> None:
        """Another file of an existing image (pkg/image/scan.go associateExisting: AddFileID)."""
        related_files.add_file(self.db, "images", image_id, file_id)
        related_files.refresh_image_key(self.db, image_id)

    # -- galleries ---------------------------------------------------------------------
    def gallery(
        self,
        *,
        folder: str | None = None,
        zip_path: str | None = None,
        title: str | None = None,
        zip_file_id: int | None = None,
        stamp: str | None = None,
    ) -> int:
        """A gallery row: folder-based, zip-based (by path or by its zip file's id) or (neither)
        user-created."""
        stamp = stamp or now_text()
        folder_id = self.folder(folder) if folder else None
        cur = self.db.execute(
            "INSERT INTO galleries(title, folder_id, created_at, updated_at) VALUES (?,?,?,?)",
            (title or None, folder_id, stamp, stamp),
        )
        gallery_id = inserted_id(cur)
        if zip_path:
            zip_file_id = self.zip_file(zip_path)
        if zip_file_id is not None:
            related_files.add_file(self.db, "galleries", gallery_id, zip_file_id, primary=True)
        if zip_path or folder:
            # the `path` sort key: folders.path || file_folder.path || files.basename, so a zip's
            # folder and base name join with no separator (pkg/sqlite/gallery.go setGallerySort)
            path = folder or self.paths.dir(zip_path) + self.paths.base(zip_path)  # type: ignore[arg-type]
            self.db.execute("UPDATE galleries SET path_key = ? WHERE id = ?", (natural_key(path), gallery_id))
        elif zip_file_id is not None:
            related_files.refresh_gallery_key(self.db, gallery_id)
        return gallery_id

    def add_gallery_file(self, gallery_id: int, file_id: int) -> None:
        """Another zip file of an existing gallery (pkg/gallery/scan.go associateExisting: AddFileID)."""
        related_files.add_file(self.db, "galleries", gallery_id, file_id)
        related_files.refresh_gallery_key(self.db, gallery_id)

    def add_to_gallery(self, gallery_id: int, image_ids: Iterable[int]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?,?)",
            [(gallery_id, image_id) for image_id in image_ids],
        )

    # -- named things --------------------------------------------------------------------
    def named(self, table: str, name: str) -> int:
        """The id of the tag, performer or studio with that name, created if missing."""
        row = self.db.execute(f"SELECT id FROM {table} WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        stamp = now_text()
        return inserted_id(
            self.db.execute(f"INSERT INTO {table}(name, created_at, updated_at) VALUES (?,?,?)", (name, stamp, stamp))
        )

    def scene(self, title: str | None, path: str) -> int:
        stamp = now_text()
        scene_id = inserted_id(
            self.db.execute("INSERT INTO scenes(title, created_at, updated_at) VALUES (?,?,?)", (title, stamp, stamp))
        )
        file_id = self.file(path, "video")
        self.db.execute('INSERT INTO scenes_files(scene_id, file_id, "primary") VALUES (?,?,1)', (scene_id, file_id))
        return scene_id


def _check_keys(where: str, given: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise LibraryError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _image_entry(entry: Any, where: str) -> dict[str, Any]:
    if isinstance(entry, str):
        return {"name": entry}
    if isinstance(entry, dict) and "name" in entry:
        _check_keys(where, entry, IMAGE_KEYS)
        return entry
    raise LibraryError(f"{where}: an image is a name or a mapping with a name")


class DiskLayout:
    """What a library puts on disk under its root: plain files and zips (by their full path)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.files: dict[str, bytes] = {}
        self.zips: dict[str, dict[str, bytes]] = {}
        self.folders: set[str] = set()
        self.gone: list[str] = []  # zips and folders not on disk (nothing is written under them)
        self.copies: dict[str, str] = {}  # a zip's byte copy -> the zip

    def is_gone(self, path: str) -> bool:
        return any(path == g or path.startswith(g + "/") for g in self.gone)

    def add_file(self, path: str, data: bytes) -> None:
        if self.is_gone(path):
            return
        for zip_path, members in self.zips.items():
            if path.startswith(zip_path + "/"):  # an image inside a zip: a member
                members.setdefault(path[len(zip_path) + 1 :], data)
                return
        self.files.setdefault(path, data)

    def write(self) -> None:
        """Write every folder, file and zip (members stored without compression)."""
        for folder in sorted(self.folders):
            Path(folder).mkdir(parents=True, exist_ok=True)
        for path, data in self.files.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(data)
        for path, members in self.zips.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path, "w") as archive:
                for name, data in members.items():
                    archive.writestr(name, data)
        for copy, original in self.copies.items():
            Path(copy).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, copy)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _placed(root: str | None, path: str, where: str) -> str:
    """Where a description's path is in Stash: under the root when the library is on disk."""
    if root is None:
        return path
    if not path.startswith("/"):
        raise LibraryError(f"{where}: a library on disk takes absolute paths, not {path!r}")
    return root + path


def _disk_files(spec: Any, where: str) -> dict[str, str]:
    """A disk_files mapping (name or path -> text), checked: Stash's scan would record an image,
    video or zip, so such a file is not a disk file."""
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in spec.items()):
        raise LibraryError(f"{where}: disk_files maps names to their text")
    for name in spec:
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension in IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | ZIP_EXTENSIONS:
            raise LibraryError(
                f"{where}: {name!r} is a file Stash's scan records (an image, video or zip), not a disk file"
            )
    return spec


def seed(store: Store, description: dict[str, Any], root: str | None = None) -> dict[str, int]:
    """Fill an empty store from a library description; returns counts of what was made.

    With a root (a folder on this machine), the library is put on disk under it (see the
    module's docstring): every path becomes root + path and the files are written.
    """
    _check_keys("library", description, TOP_KEYS)
    host = description.get("host", "linux")
    if host not in HOSTS:
        raise LibraryError(f"library: host is one of {', '.join(HOSTS)}, not {host!r}")
    if root is not None and host != "linux":
        raise LibraryError("library: the simulator does not model a Windows host's files on this disk")
    if root is not None:
        root = root.rstrip("/")
    disk = DiskLayout(root) if root is not None else None
    store.host = HOSTS[host]
    with store.transaction():
        writer = LibraryWriter(store)
        _seed_named(writer, description)
        scene_ids = {}
        for index, scene in enumerate(description.get("scenes") or []):
            where = f"scenes[{index}]"
            _check_keys(where, scene, SCENE_KEYS)
            if not scene.get("path"):
                raise LibraryError(f"{where}: a scene needs a path")
            path = _placed(root, scene["path"], where)
            scene_ids[scene.get("title")] = writer.scene(scene.get("title"), path)
            _scene_details(writer, scene_ids[scene.get("title")], scene)
            if disk is not None:
                disk.add_file(path, b"video")
        image_ids: dict[str, int] = {}  # by the path Stash reports
        described: dict[str, int] = {}  # by the description's path of the image's first file, for file_of
        checksums: dict[str, str] = {}  # by the description's path, for same_as

        def add_images(entries: list[Any], base: str | None, zip_id: int | None, where: str) -> list[int]:
            """base: the description's folder or zip path (None: entries are absolute paths)."""
            ids = []
            for raw in entries:
                entry = _image_entry(raw, where)
                given = writer.member_path(base, entry["name"], zip_id is not None) if base else entry["name"]
                path = _placed(root, given, where)
                if path in image_ids:
                    ids.append(image_ids[path])
                    continue
                if entry.get("file_of") is not None:
                    ids.append(add_second_file(entry, given, path, zip_id, where))
                    continue
                if entry.get("same_as") is not None:
                    if entry["same_as"] not in checksums:
                        raise LibraryError(f"{where}: same_as {entry['same_as']!r} is no image given before it")
                    md5 = checksums[entry["same_as"]]
                else:
                    md5 = entry.get("md5") or _md5(given)
                checksums[given] = md5
                image_id = writer.image(
                    path,
                    zip_id,
                    entry.get("width"),
                    entry.get("height"),
                    md5,
                    entry.get("title"),
                    entry.get("duration"),
                )
                _relate(writer, "images_tags", "image_id", image_id, "tags", entry.get("tags"))
                _relate(writer, "performers_images", "image_id", image_id, "performers", entry.get("performers"))
                image_ids[path] = image_id
                described[given] = image_id
                ids.append(image_id)
                if disk is not None:
                    disk.add_file(path, f"image {md5}\n".encode())
            return ids

        def add_second_file(entry: dict[str, Any], given: str, path: str, zip_id: int | None, where: str) -> int:
            """An image entry with file_of: one more file (the same bytes) of an image given before
            (pkg/image/scan.go associateExisting), not a new image."""
            target = entry["file_of"]
            if target not in described:
                raise LibraryError(f"{where}: file_of {target!r} is no image given before it")
            if entry.get("same_as") is not None or entry.get("md5") is not None:
                raise LibraryError(f"{where}: a file_of entry has the checksum of its image (no same_as or md5)")
            image_id, md5 = described[target], checksums[target]
            width, height = store.db.execute(
                "SELECT f.width, f.height FROM images_files i_f JOIN files f ON f.id = i_f.file_id"
                ' WHERE i_f.image_id = ? AND i_f."primary" = 1',
                (image_id,),
            ).fetchone()
            file_id = writer.image_file(
                path, zip_id, entry.get("width") or width, entry.get("height") or height, md5, entry.get("duration")
            )
            writer.add_image_file(image_id, file_id)
            checksums[given] = md5
            image_ids[path] = image_id
            if disk is not None:
                disk.add_file(path, f"image {md5}\n".encode())
            return image_id

        def add_copies(spec: dict[str, Any], gallery_id: int, zip_md5: str, where: str) -> None:
            """A zip gallery's byte copies: more zip files of the gallery, whose members are more
            files of its images (pkg/gallery/scan.go and pkg/image/scan.go associateExisting)."""
            for copy in spec["copies"]:
                copy_path = _placed(root, copy, where)
                copy_id = writer.zip_file(copy_path, zip_md5)
                writer.add_gallery_file(gallery_id, copy_id)
                for raw in spec.get("images") or []:
                    entry = _image_entry(raw, where)
                    given = writer.member_path(spec["zip"], entry["name"], True)
                    image_id = described[given]
                    file_id = writer.image_file(
                        writer.member_path(copy_path, entry["name"], True),
                        copy_id,
                        entry.get("width"),
                        entry.get("height"),
                        checksums[given],
                        entry.get("duration"),
                    )
                    writer.add_image_file(image_id, file_id)
                if disk is not None:
                    disk.copies[copy_path] = _placed(root, spec["zip"], where)

        for index, spec in enumerate(description.get("galleries") or []):
            where = f"galleries[{index}]"
            _check_keys(where, spec, GALLERY_KEYS)
            if spec.get("folder") and spec.get("zip"):
                raise LibraryError(f"{where}: a gallery has a folder or a zip, not both")
            extra = _disk_files(spec.get("disk_files"), where)
            if (extra or spec.get("gone")) and not (spec.get("folder") or spec.get("zip")):
                raise LibraryError(f"{where}: only a zip or folder gallery has disk_files or can be gone")
            if spec.get("copies") is not None and (not spec.get("zip") or not isinstance(spec["copies"], list)):
                raise LibraryError(f"{where}: copies are the paths of a zip gallery's byte copies")
            if spec.get("zip"):
                zip_path = _placed(root, spec["zip"], where)
                zip_id = writer.zip_file(zip_path, spec.get("zip_md5") or _md5(spec["zip"]))
                if disk is not None:
                    if spec.get("gone"):
                        disk.gone.append(zip_path)
                    else:
                        disk.zips[zip_path] = {}
                ids = add_images(spec.get("images") or [], spec["zip"], zip_id, where)
                gallery_id = writer.gallery(zip_path=zip_path, title=spec.get("title"))
                if spec.get("copies"):
                    add_copies(spec, gallery_id, spec.get("zip_md5") or _md5(spec["zip"]), where)
            elif spec.get("folder"):
                for raw in spec.get("images") or []:
                    name = _image_entry(raw, where)["name"]
                    if "/" in name or (writer.paths.windows and "\\" in name):
                        raise LibraryError(
                            f"{where}: a folder gallery holds only the images directly in"
                            " its folder (give sub-folders their own gallery)"
                        )
                folder = _placed(root, spec["folder"], where)
                if disk is not None:
                    if spec.get("gone"):
                        disk.gone.append(folder)
                    else:
                        disk.folders.add(folder)
                ids = add_images(spec.get("images") or [], spec["folder"], None, where)
                gallery_id = writer.gallery(folder=folder, title=spec.get("title"))
            else:
                if not spec.get("title"):
                    raise LibraryError(f"{where}: a user-created gallery needs a title")
                ids = add_images(spec.get("images") or [], None, None, where)
                gallery_id = writer.gallery(title=spec["title"])
            writer.add_to_gallery(gallery_id, ids)
            _gallery_details(writer, gallery_id, spec, scene_ids, image_ids, root, where)
            if disk is not None:
                base = _placed(root, spec.get("zip") or spec.get("folder"), where) if extra else ""
                for name, text in extra.items():
                    disk.add_file(base + "/" + name, text.encode())

        add_images(description.get("images") or [], None, None, "images")
        for path, text in _disk_files(description.get("disk_files"), "disk_files").items():
            if disk is not None:
                disk.add_file(_placed(root, path, "disk_files"), text.encode())
    if disk is not None:
        disk.write()
    return {
        "galleries": store.value("SELECT COUNT(*) FROM galleries"),
        "images": store.value("SELECT COUNT(*) FROM images"),
    }


def _scene_details(writer: LibraryWriter, scene_id: int, spec: dict[str, Any]) -> None:
    db = writer.db
    for column in ("code", "date", "details"):
        if spec.get(column) is not None:
            db.execute(f"UPDATE scenes SET {column}=? WHERE id=?", (str(spec[column]), scene_id))
    if spec.get("studio"):
        db.execute("UPDATE scenes SET studio_id=? WHERE id=?", (writer.named("studios", spec["studio"]), scene_id))
    _relate(writer, "scenes_tags", "scene_id", scene_id, "tags", spec.get("tags"))
    _relate(writer, "performers_scenes", "scene_id", scene_id, "performers", spec.get("performers"))
    for position, url in enumerate(spec.get("urls") or []):
        db.execute("INSERT INTO scene_urls(scene_id, position, url) VALUES (?,?,?)", (scene_id, position, str(url)))


def _seed_named(writer: LibraryWriter, description: dict[str, Any]) -> None:
    """Tags, studios and performers: every name first, then what refers to other names."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for table in ("tags", "studios", "performers"):
        entries[table] = []
        for index, raw in enumerate(description.get(table) or []):
            entry = raw if isinstance(raw, dict) else {"name": raw}
            where = f"{table}[{index}]"
            _check_keys(where, entry, NAMED_KEYS[table])
            if not entry.get("name"):
                raise LibraryError(f"{where}: needs a name")
            entries[table].append(entry)
            writer.named(table, str(entry["name"]))
    db = writer.db
    for entry in entries["tags"]:
        tag_id = writer.named("tags", str(entry["name"]))
        for column in ("sort_name", "description"):
            if entry.get(column) is not None:
                db.execute(f"UPDATE tags SET {column} = ? WHERE id = ?", (str(entry[column]), tag_id))
        if entry.get("favorite"):
            db.execute("UPDATE tags SET favorite = 1 WHERE id = ?", (tag_id,))
        for alias in entry.get("aliases") or []:
            db.execute("INSERT OR IGNORE INTO tag_aliases(tag_id, alias) VALUES (?, ?)", (tag_id, str(alias)))
        for parent in entry.get("parents") or []:
            db.execute(
                "INSERT OR IGNORE INTO tags_relations(parent_id, child_id) VALUES (?, ?)",
                (writer.named("tags", str(parent)), tag_id),
            )
    for entry in entries["studios"]:
        if entry.get("parent"):
            db.execute(
                "UPDATE studios SET parent_id = ? WHERE id = ?",
                (writer.named("studios", str(entry["parent"])), writer.named("studios", str(entry["name"]))),
            )
    for entry in entries["performers"]:
        performer_id = writer.named("performers", str(entry["name"]))
        if entry.get("disambiguation"):
            db.execute(
                "UPDATE performers SET disambiguation = ? WHERE id = ?", (str(entry["disambiguation"]), performer_id)
            )
        if entry.get("favorite"):
            db.execute("UPDATE performers SET favorite = 1 WHERE id = ?", (performer_id,))
        for alias in entry.get("aliases") or []:
            db.execute(
                "INSERT OR IGNORE INTO performer_aliases(performer_id, alias) VALUES (?, ?)", (performer_id, str(alias))
            )
        for position, url in enumerate(entry.get("urls") or []):
            db.execute(
                "INSERT INTO performer_urls(performer_id, position, url) VALUES (?, ?, ?)",
                (performer_id, position, str(url)),
            )
        _relate(writer, "performers_tags", "performer_id", performer_id, "tags", entry.get("tags"))


def _relate(
    writer: LibraryWriter, join: str, owner_col: str, owner_id: int, table: str, names: list[Any] | None
) -> None:
    other_col = {"tags": "tag_id", "performers": "performer_id"}[table]
    for name in names or []:
        writer.db.execute(
            f"INSERT OR IGNORE INTO {join}({owner_col}, {other_col}) VALUES (?,?)",
            (owner_id, writer.named(table, str(name))),
        )


def _gallery_details(
    writer: LibraryWriter,
    gallery_id: int,
    spec: dict[str, Any],
    scene_ids: dict[str | None, int],
    image_ids: dict[str, int],
    root: str | None,
    where: str,
) -> None:
    db = writer.db
    for column in ("code", "date", "details", "photographer"):
        if spec.get(column) is not None:
            db.execute(f"UPDATE galleries SET {column}=? WHERE id=?", (str(spec[column]), gallery_id))
    if spec.get("rating100") is not None:
        db.execute("UPDATE galleries SET rating=? WHERE id=?", (int(spec["rating100"]), gallery_id))
    if spec.get("organized"):
        db.execute("UPDATE galleries SET organized=1 WHERE id=?", (gallery_id,))
    if spec.get("studio"):
        db.execute("UPDATE galleries SET studio_id=? WHERE id=?", (writer.named("studios", spec["studio"]), gallery_id))
    _relate(writer, "galleries_tags", "gallery_id", gallery_id, "tags", spec.get("tags"))
    _relate(writer, "performers_galleries", "gallery_id", gallery_id, "performers", spec.get("performers"))
    for title in spec.get("scenes") or []:
        if title not in scene_ids:
            raise LibraryError(f"{where}: no scene titled {title!r}")
        db.execute("INSERT INTO scenes_galleries(gallery_id, scene_id) VALUES (?,?)", (gallery_id, scene_ids[title]))
    for position, url in enumerate(spec.get("urls") or []):
        db.execute("INSERT INTO gallery_urls(gallery_id, position, url) VALUES (?,?,?)", (gallery_id, position, url))
    if spec.get("cover"):
        base = spec.get("folder") or spec.get("zip")
        cover = spec["cover"]
        absolute = writer.paths.volume(cover) or cover.startswith(("/", "\\"))
        path = writer.member_path(base, cover, bool(spec.get("zip"))) if base and not absolute else cover
        path = _placed(root, path, where)
        if path not in image_ids:
            raise LibraryError(f"{where}: cover {cover!r} is not one of its images")
        db.execute(
            "UPDATE galleries_images SET cover=1 WHERE gallery_id=? AND image_id=?", (gallery_id, image_ids[path])
        )
    stamp = now_text()
    for chapter in spec.get("chapters") or []:
        db.execute(
            "INSERT INTO galleries_chapters(gallery_id, title, image_index, created_at, updated_at) VALUES (?,?,?,?,?)",
            (gallery_id, chapter["title"], int(chapter["image_index"]), stamp, stamp),
        )
