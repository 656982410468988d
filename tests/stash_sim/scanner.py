"""Stash's library scan (metadataScan), over real folders and zips on this machine's disk.

The facts, each from Stash v0.30.1's source:
- The walk (pkg/file/walk.go): depth first from each scan path, every directory's entries in
  byte order of their names (`Day 1` < `Day 10` < `Day 2`, upper case before lower case),
  symbolic links followed. A zip's members are walked the same way when the zip is handled,
  as a folder tree under the zip's own path (Go's zip file system, with its implicit folders).
- The scan filter (internal/manager/task_scan.go scanFilter): only paths inside a configured
  stash path; files with an image, video or zip extension (config.go defaults), not empty,
  not excluded by the stash's excludeImage / excludeVideo. Other files are never recorded.
- Folders are recorded while walking (pkg/file/scan.go handleFolder): every directory gets a
  folder row, an empty one too; a zip is a folder too, and so is every folder inside it (their
  zip_file_id is the zip). Files are queued and handled after the walk, one at a time
  (parallelTasks 1); a zip's members are handled right when the zip is, in their walk order.
- A new file (onNewFile): its fingerprints (internal/manager/fingerprint.go: md5; a video's
  oshash, and its md5 only with calculateMD5), its decoration (pkg/file/image/scan.go: format,
  width and height, imageheaders.py; pkg/file/video/scan.go: ffprobe's values), then a move:
  a recorded file with the same fingerprint that is gone from disk takes the new path
  (handleRename). Else the file row is created and the handlers run, in one transaction.
- The handlers (task_scan.go getScanHandlers), by extension: images (pkg/image/scan.go),
  zips (pkg/gallery/scan.go), videos (pkg/scene/scan.go). Each looks for its object by the
  file, then by fingerprint: a known fingerprint ADDS the file to the existing object (a byte
  copy of a zip becomes the gallery's second file, a copied picture the image's second file)
  instead of making a new one. A new image goes to its folder's gallery (made on its first
  image when createGalleriesFromFolders is on, or the folder has .forcegallery, and the folder
  has no .nogallery) or its zip's gallery (made on the zip's first image); a zip on its own
  makes no gallery until it holds an image. A zip found again links the scenes whose video is
  named like it (associateScene).
- Hooks run after each file's transaction: Gallery.Create.Post (input null, no inputFields),
  Image.Create.Post, Image.Update.Post, Gallery.Update.Post, Scene.Create.Post,
  Scene.Update.Post; so a new gallery's Create hook sees only its first image.
- A file seen before is left alone unless its modification time or name changed, or the
  scan is a rescan (onExistingFile); an unchanged file's handlers still run when it has no
  object, or when it is the first image of a folder that should have a folder gallery and has
  none (handlerRequiredFilter). An unchanged zip is not opened again.
- Progress (pkg/job/progress.go): folders count as processed while walking, then the total is
  the number of files queued (zip members not counted) and each handled file counts one, the
  percentage never above 1.

What the simulator does not model, refused or logged as such: ffmpeg-less scans (Stash
refuses them), probing a file ffprobe cannot read, parallel scans, folders moved as a whole
(a moved folder's files are found again by their fingerprints), generating previews and
thumbnails, and image clips (create_image_clip_from_videos).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import related_files
from .imageheaders import FFPROBE_CODECS, ImageHeader, ImageHeaderError, read_header
from .library import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, ZIP_EXTENSIONS, LibraryWriter
from .store import now_text

if TYPE_CHECKING:
    from .jobs import Job
    from .simulator import RequestContext, StashSimulator

OSHASH_CHUNK = 64 * 1024
STILL_CODECS = {"png", "mjpeg", "webp", "bmp", "jpegxl"}  # pkg/file/image/scan.go: anything else is a clip
# pkg/ffmpeg/container.go ffprobeToContainer
FFPROBE_CONTAINERS = {
    "mov,mp4,m4a,3gp,3g2,mj2": "mp4",
    "asf": "wmv",
    "avi": "avi",
    "flv": "flv",
    "mpegts": "mpegts",
    "matroska,webm": "matroska",
}
MISSING_FFMPEG = "missing ffmpeg and/or ffprobe"


class ScanError(Exception):
    """A file the scan cannot record: logged as Stash logs it, and the scan goes on."""


def ffmpeg_paths() -> tuple[str, str]:
    """(ffmpeg, ffprobe) found on PATH, "" where missing (Stash's FindFFMpeg / FindFFProbe)."""
    return shutil.which("ffmpeg") or "", shutil.which("ffprobe") or ""


def extension(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower() if "." in Path(path).name else ""


def mod_time_text(seconds: float) -> str:
    """A modification time truncated to seconds (pkg/file/scan.go modTime), in UTC."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def oshash(size: int, head: bytes, tail: bytes) -> str:
    """pkg/hash/oshash: the size plus the little-endian uint64 sums of the first and last 64 KiB."""
    total = size
    for chunk in (head, tail):
        for index in range(0, len(chunk) - len(chunk) % 8, 8):
            total += int.from_bytes(chunk[index : index + 8], "little")
    return f"{total & 0xFFFFFFFFFFFFFFFF:016x}"


def probe_json(path: str, size: int, content: str) -> str:
    """ffprobe's JSON for a file (cached by its size and content fingerprint; see Scan.ffprobe)."""
    cache = Path(tempfile.gettempdir()) / "stash-sim-ffprobe" / f"{size}-{content}.json"
    if cache.is_file():
        return cache.read_text()
    program = ffmpeg_paths()[1]
    if not program:
        raise ScanError(MISSING_FFMPEG)
    arguments = ["-v", "quiet", "-print_format", "json", "-show_format", "-show_streams", "-show_error", path]
    done = subprocess.run([program, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise ScanError(f"running ffprobe on {path!r}: FFProbe encountered an error with <{path}>")
    cache.parent.mkdir(exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(done.stdout)
    partial.replace(cache)
    return done.stdout


# -- what the walk finds ------------------------------------------------------------------------
@dataclass
class Found:
    """A directory or file the walk accepted: on disk, or a member of a zip being scanned."""

    path: str
    is_dir: bool
    size: int
    mod_time: str
    zip_id: int | None = None  # the zip file row it is inside
    archive: zipfile.ZipFile | None = None  # the open zip it is read from
    member: str = ""  # its name inside the zip

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def read(self) -> bytes:
        if self.archive is not None:
            return self.archive.read(self.member)
        return Path(self.path).read_bytes()


@dataclass
class Decorated:
    """The columns a decorator fills for a file row."""

    kind: str  # image, video or zip
    width: int = 0
    height: int = 0
    probed: dict[str, Any] = field(default_factory=dict)


class Scan:
    """One metadataScan job."""

    def __init__(
        self,
        sim: StashSimulator,
        paths: list[str],
        rescan: bool = False,
        min_mod_time: float | None = None,
        job: Job | None = None,
    ) -> None:
        self.sim = sim
        self.store = sim.store
        self.paths = paths
        self.rescan = rescan
        self.min_mod_time = min_mod_time
        self.job = job
        self.ctx: RequestContext = sim.request_context(sim.user_session())
        self.total = 0
        self.processed = 0
        self.defined = False
        self.folder_cache: OrderedDict[int, bool] = OrderedDict()  # handlerRequiredFilter's LRU
        self.hooks: list[tuple[str, int]] = []  # post-commit hooks of the transaction under way

    # -- the job ---------------------------------------------------------------------------------
    def run(self) -> None:
        started = time.monotonic()
        self.log("info", f"scanning {len(self.paths)} paths")
        queue: list[Found] = []
        for path in self.paths:
            self.walk_root(path, queue)
        self.log("info", f"Finished adding files to queue. {len(queue)} files queued")
        self.total += len(queue)
        self.defined = True
        self.progress()
        for found in queue:
            if self.job is not None and self.job.cancelled:
                self.log("info", "Stopping due to user request")
                return
            self.handle_file(found)
            self.increment()
        self.log("info", f"Scan finished ({time.monotonic() - started:.3f}s)")

    def log(self, level: str, message: str) -> None:
        self.sim.log(level, message)

    def increment(self) -> None:
        if not self.defined or self.total <= 0 or self.processed < self.total:
            self.processed += 1
            self.progress()

    def progress(self) -> None:
        if self.job is not None and self.defined and self.total > 0:
            self.job.progress = min(1.0, self.processed / self.total)

    # -- the walk ---------------------------------------------------------------------------
    def walk_root(self, root: str, queue: list[Found]) -> None:
        try:
            info = os.lstat(root)
        except OSError as exc:
            self.log("error", f"error scanning {root}: {exc}")
            return
        self.walk_disk(root, info, queue, [])

    def walk_disk(self, path: str, info: os.stat_result, queue: list[Found], chain: list[str]) -> None:
        size, is_dir = info.st_size, stat.S_ISDIR(info.st_mode)
        if stat.S_ISLNK(info.st_mode):  # walkSym: a link is followed to what it points at
            try:
                target = os.stat(path)
            except OSError:
                self.log("error", f"error scanning {path}: the link is broken")
                return
            real = os.path.realpath(path)
            if stat.S_ISDIR(target.st_mode):
                if real in chain:
                    self.log("error", f"the Stash simulator does not model a symbolic link loop at {path}")
                    return
                is_dir, chain = True, [*chain, real]
            size = target.st_size
        found = Found(path, is_dir, size, mod_time_text(info.st_mtime))
        if not self.accept(found, info.st_mtime):
            return
        if not is_dir:
            queue.append(found)
            return
        if not self.handle_folder(found):
            return
        self.processed += 1  # progress.Increment while the total is not known yet
        try:
            names = sorted(os.listdir(path), key=lambda n: n.encode("utf-8", "surrogateescape"))
        except OSError as exc:
            self.log("error", f"error scanning {path}: {exc}")
            return
        for name in names:
            child = os.path.join(path, name)
            try:
                self.walk_disk(child, os.lstat(child), queue, chain)
            except OSError as exc:
                self.log("error", f"error scanning {child}: {exc}")

    def accept(self, found: Found, mtime: float | None = None) -> bool:
        """scanFilter.Accept: in a stash path, a known extension, not empty, not excluded."""
        stash = self.sim.stash_for(found.path)
        if stash is None:
            return False
        if not found.is_dir and self.min_mod_time is not None and mtime is not None and mtime < self.min_mod_time:
            return False
        ext = extension(found.path)
        if found.is_dir:
            return True
        if ext not in IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | ZIP_EXTENSIONS:
            return False
        if found.size == 0:
            self.log("info", f"Skipping zero-length file: {found.path}")
            return False
        if ext in VIDEO_EXTENSIONS and stash.get("excludeVideo"):
            return False
        return not (ext in IMAGE_EXTENSIONS | ZIP_EXTENSIONS and stash.get("excludeImage"))

    # -- folders ---------------------------------------------------------------------------------
    def handle_folder(self, found: Found) -> bool:
        """handleFolder: a new folder row, or the existing one brought up to date. False: skip it."""
        with self.store.transaction() as db:
            row = db.execute("SELECT id, mod_time, zip_file_id FROM folders WHERE path = ?", (found.path,)).fetchone()
            if row is None:
                parent = db.execute("SELECT id FROM folders WHERE path = ?", (os.path.dirname(found.path),)).fetchone()
                db.execute(
                    "INSERT INTO folders(path, parent_folder_id, zip_file_id, mod_time) VALUES (?,?,?,?)",
                    (found.path, parent[0] if parent else None, found.zip_id, found.mod_time),
                )
                created = True
            else:
                created = False
                if row["mod_time"] != found.mod_time or row["zip_file_id"] != found.zip_id:
                    db.execute(
                        "UPDATE folders SET mod_time = ?, zip_file_id = ? WHERE id = ?",
                        (found.mod_time, found.zip_id, row["id"]),
                    )
        if created:
            self.log("info", f"{found.path} doesn't exist. Creating new folder entry...")
        return True

    def folder_id(self, path: str) -> int | None:
        found = self.store.value("SELECT id FROM folders WHERE path = ?", (path,))
        return None if found is None else int(found)

    # -- files -----------------------------------------------------------------------------------
    def handle_file(self, found: Found) -> None:
        """handleFile: new or existing; then a zip's members, when the zip was (re)handled."""
        try:
            existing = self.store.one(
                "SELECT files.* FROM files JOIN folders ON folders.id = files.parent_folder_id"
                " WHERE folders.path = ? AND files.basename = ?",
                (os.path.dirname(found.path), found.name),
            )
            if existing is None:
                file_id = self.on_new_file(found)
            else:
                file_id = self.on_existing_file(found, existing)
        except ScanError as exc:
            self.log("error", f"error processing {found.path!r}: {exc}")
            return
        if file_id is not None and extension(found.path) in ZIP_EXTENSIONS:
            self.scan_zip(found, file_id)

    def fingerprints(self, found: Found, data: bytes, keep: dict[str, str | None] | None = None) -> dict[str, str]:
        """CalculateFingerprints: md5, and a video's oshash first (its md5 only with calculateMD5).
        keep: fingerprints already recorded (useExisting: only missing ones are computed)."""
        keep = keep or {}
        out: dict[str, str] = {}
        md5 = True
        if extension(found.path) in VIDEO_EXTENSIONS:
            if found.size <= 8:
                raise ScanError(
                    f"calculating fingerprint for file {found.path!r}: cannot calculate oshash"
                    f" where size < 8 ({found.size})"
                )
            chunk = min(OSHASH_CHUNK, (found.size // 8) * 8)
            out["oshash"] = keep.get("oshash") or oshash(found.size, data[:chunk], data[-chunk:])
            md5 = self.sim.config.calculate_md5
        if md5:
            out["md5"] = keep.get("md5") or hashlib.md5(data).hexdigest()
        return out

    def decorate(self, found: Found, data: bytes, fingerprints: dict[str, str]) -> Decorated:
        ext = extension(found.path)
        if ext in ZIP_EXTENSIONS:
            return Decorated("zip")
        if ext in VIDEO_EXTENSIONS:
            return self.decorate_video(found, fingerprints.get("oshash") or hashlib.md5(data).hexdigest())
        return self.decorate_image(found, data)

    def decorate_image(self, found: Found, data: bytes) -> Decorated:
        """pkg/file/image/scan.go Decorate (imageheaders.py)."""
        if found.archive is not None:
            if extension(found.path) == "avif":
                raise ScanError(f"AVIF images in zip files is unsupported: {found.path}")
            try:
                decoded = read_header(data)
            except ImageHeaderError as exc:
                raise ScanError(f"decoding image file {found.path!r}: {exc}") from None
            width, height = decoded.size
            return Decorated("image", width, height, {"format": decoded.format})
        header: ImageHeader | None
        try:
            header = read_header(data)
        except ImageHeaderError:
            header = None
        if header is not None and header.format in FFPROBE_CODECS:
            width, height = header.size
            return Decorated("image", width, height, {"format": FFPROBE_CODECS[header.format]})
        probe = self.ffprobe(found, hashlib.md5(data).hexdigest())  # a GIF, an AVIF, ...: ffprobe decides
        codec, (width, height) = probe["video_codec"], probe["size"]
        if probe["bit_rate"] == 0 and codec == "av1":
            return Decorated("image", width, height, {"format": "avif"})
        if codec in STILL_CODECS:
            return Decorated("image", width, height, {"format": codec})
        self.log("error", f"the Stash simulator does not model image clips: {found.path}")
        raise ScanError(f"the Stash simulator does not model the clip {found.path}")

    def decorate_video(self, found: Found, content: str) -> Decorated:
        """pkg/file/video/scan.go Decorate: ffprobe's container, codecs, size, duration, rates."""
        if found.archive is not None:
            raise ScanError("video.constructFile: only OsFS is supported")
        probe = self.ffprobe(found, content)
        width, height = probe["size"]
        return Decorated(
            "video",
            width,
            height,
            {
                "format": probe["container"],
                "video_codec": probe["video_codec"],
                "audio_codec": probe["audio_codec"],
                "duration": probe["duration"],
                "frame_rate": probe["frame_rate"],
                "bit_rate": probe["bit_rate"],
            },
        )

    def ffprobe(self, found: Found, content: str) -> dict[str, Any]:
        """pkg/ffmpeg/ffprobe.go NewVideoFile and parse, with the ffprobe on PATH. Its answer for the
        same bytes (content: a fingerprint of them) is kept in the temporary folder: ffprobe takes
        a second to start on a busy machine, and test libraries scan the same videos again."""
        data = json.loads(probe_json(found.path, found.size, content))
        fmt = data.get("format") or {}
        streams = data.get("streams") or []
        video = next((s for s in streams if s.get("codec_type") == "video"), None)
        audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
        width = height = 0
        frame_rate = 0.0
        if video is not None:
            width, height = int(video.get("width") or 0), int(video.get("height") or 0)
            rate = str(video.get("avg_frame_rate") or "0")
            numerator, _, denominator = rate.partition("/")
            try:
                frame_rate = float(numerator) / float(denominator or 1)
            except (ValueError, ZeroDivisionError):
                frame_rate = 0.0
            if str((video.get("tags") or {}).get("rotate", "0")) in ("90", "-90", "270", "-270"):
                width, height = height, width
        try:
            duration = round(float(fmt.get("duration") or 0) * 100) / 100
        except ValueError:
            duration = 0.0
        container = FFPROBE_CONTAINERS.get(fmt.get("format_name") or "", fmt.get("format_name") or "")
        if container == "matroska":  # MatchContainer: the magic number tells webm from matroska
            head = Path(found.path).read_bytes()[:4096]
            container = "webm" if b"\x42\x82\x84webm" in head else "matroska" if b"matroska" in head else ""
        return {
            "size": (width, height),
            "video_codec": (video or {}).get("codec_name") or "",
            "audio_codec": (audio or {}).get("codec_name") or "",
            "duration": duration,
            "frame_rate": round(frame_rate * 100) / 100,
            "bit_rate": int(fmt.get("bit_rate") or 0),
            "container": container,
        }

    def on_new_file(self, found: Found) -> int | None:
        """onNewFile: the new file's row and handlers, or a move of a file gone from disk."""
        parent = self.folder_id(os.path.dirname(found.path))
        if parent is None:
            raise ScanError(f"parent folder for {found.path!r} doesn't exist")
        self.log("info", f"Calculating fingerprints for {found.path} ...")
        data = found.read()
        fingerprints = self.fingerprints(found, data)
        decorated = self.decorate(found, data, fingerprints)
        moved = self.moved_from(found, fingerprints)
        if moved is not None:
            self.move(found, moved, fingerprints, decorated)
            return None
        with self.transaction() as db:
            writer = LibraryWriter(self.store)
            file_id = writer.file(
                found.path,
                decorated.kind,
                found.zip_id,
                fingerprints.get("md5", ""),
                decorated.width,
                decorated.height,
                size=found.size,
                mod_time=found.mod_time,
                oshash=fingerprints.get("oshash"),
                **decorated.probed,
            )
            if "md5" not in fingerprints:
                db.execute("UPDATE files SET md5 = NULL WHERE id = ?", (file_id,))
            self.fire_handlers(db, file_id, None)
        return file_id

    def moved_from(self, found: Found, fingerprints: dict[str, str]) -> sqlite3.Row | None:
        """handleRename: a recorded file with one of these fingerprints that is gone from disk (a
        member of another zip never counts)."""
        for kind, value in fingerprints.items():
            for other in self.store.all(
                f"SELECT files.*, folders.path AS folder_path FROM files JOIN folders"
                f" ON folders.id = files.parent_folder_id WHERE files.{kind} = ? ORDER BY files.id",
                (value,),
            ):
                if other["zip_file_id"] is not None and other["zip_file_id"] != found.zip_id:
                    continue
                if not self.exists(other):
                    return other
        return None

    def exists(self, row: sqlite3.Row) -> bool:
        path = os.path.join(row["folder_path"], row["basename"])
        if row["zip_file_id"] is None:
            return os.path.lexists(path)
        zip_path = self.file_path(row["zip_file_id"])
        try:
            with zipfile.ZipFile(zip_path) as archive:
                return path[len(zip_path) + 1 :] in archive.namelist()
        except (OSError, zipfile.BadZipFile):
            return False

    def file_path(self, file_id: int) -> str:
        return str(
            self.store.value(
                "SELECT file_path(folders.path, files.basename) FROM files JOIN folders"
                " ON folders.id = files.parent_folder_id WHERE files.id = ?",
                (file_id,),
            )
        )

    def move(self, found: Found, old: sqlite3.Row, fingerprints: dict[str, str], decorated: Decorated) -> None:
        """The file row takes the new path (and a zip's folders and members theirs); the handlers
        run with the old file (handleRename, transferZipHierarchy)."""
        old_path = os.path.join(old["folder_path"], old["basename"])
        self.log("info", f"{old_path} moved to {found.path}. Updating path...")
        with self.transaction() as db:
            folder = self.folder_id(os.path.dirname(found.path))
            db.execute(
                "UPDATE files SET basename = ?, parent_folder_id = ?, zip_file_id = ?, size = ?, mod_time = ?"
                " WHERE id = ?",
                (found.name, folder, found.zip_id, found.size, found.mod_time, old["id"]),
            )
            if extension(found.path) in ZIP_EXTENSIONS:
                for row in db.execute("SELECT id, path FROM folders WHERE zip_file_id = ?", (old["id"],)).fetchall():
                    new = found.path + row["path"][len(old_path) :]
                    parent = db.execute("SELECT id FROM folders WHERE path = ?", (os.path.dirname(new),)).fetchone()
                    db.execute(
                        "UPDATE folders SET path = ?, parent_folder_id = ? WHERE id = ?",
                        (new, parent[0] if parent else None, row["id"]),
                    )
            for owner in ("images", "galleries"):
                for owner_id in self.owners(db, owner, old["id"]):
                    self.refresh_key(db, owner, owner_id)
            self.fire_handlers(db, old["id"], old)

    def on_existing_file(self, found: Found, existing: sqlite3.Row) -> int | None:
        """onExistingFile: a changed file (or any file, on a rescan) is read again."""
        changed = existing["mod_time"] != found.mod_time or existing["basename"] != found.name
        if not changed and not self.rescan:
            return self.on_unchanged_file(found, existing)
        self.log("info", f"{found.path} has been updated: rescanning" if changed else f"rescanning {found.path}")
        data = found.read()
        fingerprints = self.fingerprints(found, data)
        decorated = self.decorate(found, data, fingerprints)
        with self.transaction() as db:
            db.execute(
                "UPDATE files SET basename = ?, mod_time = ?, size = ?, md5 = ?, oshash = ?, width = ?,"
                " height = ? WHERE id = ?",
                (
                    found.name,
                    found.mod_time,
                    found.size,
                    fingerprints.get("md5", existing["md5"]),
                    fingerprints.get("oshash", existing["oshash"]),
                    decorated.width,
                    decorated.height,
                    existing["id"],
                ),
            )
            if decorated.probed:
                db.execute(
                    f"UPDATE files SET {', '.join(f'{k} = ?' for k in decorated.probed)} WHERE id = ?",
                    (*decorated.probed.values(), existing["id"]),
                )
            self.fire_handlers(db, existing["id"], existing)
        return int(existing["id"])

    def on_unchanged_file(self, found: Found, existing: sqlite3.Row) -> int | None:
        """onUnchangedFile: missing fingerprints are filled in; the handlers run only when the
        file needs them (handlerRequiredFilter), and then a zip is opened again."""
        if extension(found.path) in VIDEO_EXTENSIONS and existing["oshash"] is None:
            keep = {"md5": existing["md5"]}
            fingerprints = self.fingerprints(found, found.read(), keep)
            with self.store.transaction() as db:
                db.execute("UPDATE files SET oshash = ? WHERE id = ?", (fingerprints["oshash"], existing["id"]))
        if not self.handler_required(found, existing):
            return None
        with self.transaction() as db:
            self.fire_handlers(db, existing["id"], None)
        return int(existing["id"])

    def handler_required(self, found: Found, existing: sqlite3.Row) -> bool:
        ext = extension(found.path)
        owner = (
            "scenes"
            if ext in VIDEO_EXTENSIONS
            else "images"
            if ext in IMAGE_EXTENSIONS
            else "galleries"
            if ext in ZIP_EXTENSIONS
            else None
        )
        if owner is None:
            return False
        with self.store.lock:
            if not self.owners(self.store.db, owner, existing["id"]):
                return True
        if owner != "images" or existing["zip_file_id"] is not None:
            return False
        folder = int(existing["parent_folder_id"])
        if folder in self.folder_cache:  # only the first image of a folder creates its gallery
            self.folder_cache.move_to_end(folder)
            return False
        self.folder_cache[folder] = True
        while len(self.folder_cache) > 2 * max(1, self.sim.config.parallel_tasks):
            self.folder_cache.popitem(last=False)
        directory = os.path.dirname(found.path)
        if not (
            self.sim.config.create_galleries_from_folders or os.path.exists(os.path.join(directory, ".forcegallery"))
        ):
            return False
        return bool(self.store.value("SELECT COUNT(*) FROM galleries WHERE folder_id = ?", (folder,)) == 0)

    # -- zips ------------------------------------------------------------------------------------
    def scan_zip(self, found: Found, zip_id: int) -> None:
        """scanZipFile: the zip's members walked as a folder tree under the zip's path, each
        handled at once (not counted in the progress)."""
        try:
            archive = zipfile.ZipFile(found.path)
        except (OSError, zipfile.BadZipFile) as exc:
            self.log("error", f"Error scanning zip file {found.path!r}: {exc}")
            return
        with archive:
            infos = {i.filename.replace("\\", "/").rstrip("/"): i for i in archive.infolist()}
            tree: dict[str, list[str]] = {"": []}
            for name in infos:
                parts = name.split("/")
                for depth in range(1, len(parts) + 1):
                    parent, child = "/".join(parts[: depth - 1]), "/".join(parts[:depth])
                    tree.setdefault(parent, [])
                    if child not in tree[parent]:
                        tree[parent].append(child)
                    if depth < len(parts):
                        tree.setdefault(child, [])
            self.walk_zip(found, zip_id, archive, infos, tree, "")

    def walk_zip(
        self,
        zip_found: Found,
        zip_id: int,
        archive: zipfile.ZipFile,
        infos: dict[str, zipfile.ZipInfo],
        tree: dict[str, list[str]],
        name: str,
    ) -> None:
        info = infos.get(name)
        is_dir = name == "" or name in tree
        path = zip_found.path + ("/" + name if name else "")
        stamp = "0001-01-01T00:00:00Z"
        if info is not None:
            stamp = datetime(*info.date_time, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        found = Found(
            path,
            is_dir,
            0 if info is None or is_dir else info.file_size,
            stamp,
            zip_id,
            archive,
            info.filename if info is not None else "",
        )
        if not self.accept(found):
            return
        if not is_dir:
            self.handle_file(found)
            return
        self.handle_folder(found)
        for child in sorted(tree[name], key=lambda n: n.rsplit("/", 1)[-1].encode("utf-8", "surrogateescape")):
            self.walk_zip(zip_found, zip_id, archive, infos, tree, child)

    # -- transactions and hooks -----------------------------------------------------------------
    def transaction(self) -> _Transaction:
        return _Transaction(self)

    def fire_handlers(self, db: sqlite3.Connection, file_id: int, old: sqlite3.Row | None) -> None:
        """The handlers for the file's extension (getScanHandlers: images, zips, videos)."""
        row = db.execute(
            "SELECT files.*, folders.path AS folder_path FROM files JOIN folders"
            " ON folders.id = files.parent_folder_id WHERE files.id = ?",
            (file_id,),
        ).fetchone()
        ext = extension(row["basename"])
        if ext in IMAGE_EXTENSIONS:
            ImageHandler(self, db, row, old).handle()
        elif ext in ZIP_EXTENSIONS:
            GalleryHandler(self, db, row, old).handle()
        elif ext in VIDEO_EXTENSIONS:
            SceneHandler(self, db, row, old).handle()

    def hook(self, trigger: str, object_id: int) -> None:
        """RegisterPostHooks: run after the transaction commits."""
        self.hooks.append((trigger, object_id))

    @staticmethod
    def owners(db: sqlite3.Connection, owner: str, file_id: int) -> list[int]:
        """FindByFileID: the galleries, images or scenes that have the file."""
        table, column = related_files.JOINS[owner]
        return [
            r[0] for r in db.execute(f"SELECT {column} FROM {table} WHERE file_id = ? ORDER BY {column}", (file_id,))
        ]

    @staticmethod
    def by_fingerprints(db: sqlite3.Connection, owner: str, row: sqlite3.Row, kinds: tuple[str, ...]) -> list[int]:
        """FindByFingerprints: objects with a file that has any of the file's fingerprints."""
        table, column = related_files.JOINS[owner]
        found: list[int] = []
        for kind in kinds:
            if row[kind]:
                found += [
                    r[0]
                    for r in db.execute(
                        f"SELECT DISTINCT j.{column} FROM {table} j JOIN files ON files.id = j.file_id"
                        f" WHERE files.{kind} = ? ORDER BY j.{column}",
                        (row[kind],),
                    )
                    if r[0] not in found
                ]
        return found

    @staticmethod
    def refresh_key(db: sqlite3.Connection, owner: str, owner_id: int) -> None:
        if owner == "images":
            related_files.refresh_image_key(db, owner_id)
        elif owner == "galleries":
            related_files.refresh_gallery_key(db, owner_id)


class _Transaction:
    """One file's transaction: commit, then the hooks registered in it, in order."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.inner: Any = None

    def __enter__(self) -> sqlite3.Connection:
        self.scan.hooks = []
        self.inner = self.scan.store.transaction()
        return self.inner.__enter__()  # type: ignore[no-any-return]

    def __exit__(self, *exc: Any) -> None:
        self.inner.__exit__(*exc)
        hooks, self.scan.hooks = self.scan.hooks, []
        if exc[0] is None:
            for trigger, object_id in hooks:
                self.scan.ctx.fire_hook(trigger, object_id, None, None)


# -- the handlers ------------------------------------------------------------------------------
class Handler:
    def __init__(self, scan: Scan, db: sqlite3.Connection, file: sqlite3.Row, old: sqlite3.Row | None) -> None:
        self.scan = scan
        self.db = db
        self.file = file
        self.old = old
        self.path = os.path.join(file["folder_path"], file["basename"])

    def touch(self, table: str, row_id: int, stamp: str | None = None) -> None:
        self.db.execute(f"UPDATE {table} SET updated_at = ? WHERE id = ?", (stamp or now_text(), row_id))

    def gallery_path(self, gallery_id: int) -> str:
        """Gallery.Path: its folder's path, else its primary file's."""
        row = self.db.execute(
            "SELECT folders.path FROM galleries JOIN folders ON folders.id = galleries.folder_id"
            " WHERE galleries.id = ?",
            (gallery_id,),
        ).fetchone()
        if row is not None:
            return str(row[0])
        files = related_files.file_ids(self.db, "galleries", gallery_id)
        return self.scan.file_path(files[0]) if files else ""


class ImageHandler(Handler):
    """pkg/image/scan.go ScanHandler.Handle."""

    def handle(self) -> None:
        existing = self.scan.owners(self.db, "images", self.file["id"])
        if not existing:
            existing = self.scan.by_fingerprints(self.db, "images", self.file, ("md5", "oshash"))
        if existing:
            self.associate_existing(existing)
            return
        self.scan.log("info", f"{self.path} doesn't exist. Creating new image...")
        gallery = self.gallery_to_associate(None)
        stamp = now_text()
        image_id = LibraryWriter(self.scan.store).image_of_file(self.file["id"], stamp=stamp)
        if gallery is not None:
            self.scan.log("info", f"Adding {self.path} to gallery {self.gallery_path(gallery)}")
            self.db.execute(
                "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?, ?)", (gallery, image_id)
            )
            self.touch("galleries", gallery, stamp)
        self.scan.hook("Image.Create.Post", image_id)

    def associate_existing(self, images: list[int]) -> None:
        for image_id in images:
            found = self.file["id"] in related_files.file_ids(self.db, "images", image_id)
            gallery = self.gallery_to_associate(image_id)
            changed = gallery is not None
            if not found:
                self.scan.log("info", f"Adding {self.path} to image {self.display_name(image_id)}")
                LibraryWriter(self.scan.store).add_image_file(image_id, self.file["id"])
                changed = True
            if changed:
                stamp = now_text()
                if gallery is not None:
                    self.db.execute(
                        "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?, ?)",
                        (gallery, image_id),
                    )
                    self.touch("galleries", gallery, stamp)
                self.touch("images", image_id, stamp)
            if changed or self.old is not None:
                self.scan.hook("Image.Update.Post", image_id)

    def display_name(self, image_id: int) -> str:
        """Image.DisplayName: its title, else its path."""
        title = self.db.execute("SELECT title FROM images WHERE id = ?", (image_id,)).fetchone()[0]
        files = related_files.file_ids(self.db, "images", image_id)
        return title or (self.scan.file_path(files[0]) if files else "")

    def gallery_to_associate(self, image_id: int | None) -> int | None:
        """getGalleryToAssociate: the folder's or zip's gallery (made if needed), unless the image
        is in it already."""
        gallery = self.folder_or_zip_gallery()
        if gallery is None or image_id is None:
            return gallery
        present = self.db.execute(
            "SELECT 1 FROM galleries_images WHERE gallery_id = ? AND image_id = ?", (gallery, image_id)
        ).fetchone()
        return None if present else gallery

    def folder_or_zip_gallery(self) -> int | None:
        """getOrCreateGallery."""
        if self.file["zip_file_id"] is not None:
            return self.zip_gallery(self.file["zip_file_id"])
        folder = self.file["folder_path"]
        force = os.path.exists(os.path.join(folder, ".forcegallery"))
        exempt = os.path.exists(os.path.join(folder, ".nogallery"))
        if force or (self.scan.sim.config.create_galleries_from_folders and not exempt):
            return self.folder_gallery()
        return None

    def folder_gallery(self) -> int:
        """getOrCreateFolderBasedGallery: made with the folder's images already recorded."""
        folder_id = self.file["parent_folder_id"]
        found = self.db.execute("SELECT id FROM galleries WHERE folder_id = ? ORDER BY id", (folder_id,)).fetchone()
        if found is not None:
            return int(found[0])
        self.scan.log("info", f"Creating folder-based gallery for {self.file['folder_path']}")
        gallery_id = LibraryWriter(self.scan.store).gallery(folder=self.file["folder_path"])
        self.scan.hook("Gallery.Create.Post", gallery_id)
        for image_id in self.scan.store.column(  # associateFolderImages
            "SELECT DISTINCT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id"
            " WHERE files.parent_folder_id = ? ORDER BY i_f.image_id",
            (folder_id,),
        ):
            self.db.execute(
                "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?, ?)", (gallery_id, image_id)
            )
            self.touch("images", image_id)
        return gallery_id

    def zip_gallery(self, zip_id: int) -> int:
        """getOrCreateZipBasedGallery: the gallery that has the zip, or a new one with it."""
        found = self.scan.owners(self.db, "galleries", zip_id)
        if found:
            return found[0]
        self.scan.log("info", f"{self.scan.file_path(zip_id)} doesn't exist. Creating new gallery...")
        gallery_id = LibraryWriter(self.scan.store).gallery(zip_file_id=zip_id)
        self.scan.hook("Gallery.Create.Post", gallery_id)
        return gallery_id


class GalleryHandler(Handler):
    """pkg/gallery/scan.go ScanHandler.Handle: a zip file."""

    def handle(self) -> None:
        existing = self.scan.owners(self.db, "galleries", self.file["id"])
        if not existing:
            existing = self.scan.by_fingerprints(self.db, "galleries", self.file, ("md5",))
        if existing:
            for gallery_id in existing:
                found = self.file["id"] in related_files.file_ids(self.db, "galleries", gallery_id)
                if not found:
                    self.scan.log("info", f"Adding {self.path} to gallery {self.gallery_path(gallery_id)}")
                    LibraryWriter(self.scan.store).add_gallery_file(gallery_id, self.file["id"])
                    self.touch("galleries", gallery_id)
                if not found or self.old is not None:
                    self.scan.hook("Gallery.Update.Post", gallery_id)
        else:
            images = self.scan.store.column(
                "SELECT DISTINCT i_f.image_id FROM images_files i_f JOIN files ON files.id = i_f.file_id"
                " WHERE files.zip_file_id = ? ORDER BY i_f.image_id",
                (self.file["id"],),
            )
            if not images:
                return  # don't create an empty gallery
            self.scan.log("info", f"{self.path} doesn't exist. Creating new gallery...")
            stamp = now_text()
            gallery_id = LibraryWriter(self.scan.store).gallery(zip_file_id=self.file["id"], stamp=stamp)
            self.scan.hook("Gallery.Create.Post", gallery_id)
            for image_id in images:
                self.db.execute(
                    "INSERT OR IGNORE INTO galleries_images(gallery_id, image_id) VALUES (?, ?)", (gallery_id, image_id)
                )
                self.touch("images", image_id, stamp)
            existing = [gallery_id]
        self.associate_scene(existing)

    def associate_scene(self, galleries: list[int]) -> None:
        """associateScene: scenes with a file named like the zip, any extension (SceneStore.FindByPath:
        LIKE on the folder and the base name, `*` as `%`)."""
        stem = os.path.splitext(self.file["basename"])[0] + ".%"
        folder = self.file["folder_path"].replace("*", "%")
        scenes = self.scan.store.column(
            "SELECT DISTINCT sf.scene_id FROM scenes_files sf JOIN files ON files.id = sf.file_id"
            " JOIN folders ON folders.id = files.parent_folder_id WHERE folders.path LIKE ? AND files.basename LIKE ?"
            " ORDER BY sf.scene_id",
            (folder, stem.replace("*", "%")),
        )
        for scene_id in scenes:
            self.scan.log("info", f"associate: Gallery {self.path} is related to scene: {scene_id}")
            self.db.executemany(
                "INSERT OR IGNORE INTO scenes_galleries(gallery_id, scene_id) VALUES (?, ?)",
                [(g, scene_id) for g in galleries],
            )


class SceneHandler(Handler):
    """pkg/scene/scan.go ScanHandler.Handle: a video file."""

    def handle(self) -> None:
        existing = self.scan.owners(self.db, "scenes", self.file["id"])
        if not existing:
            existing = self.scan.by_fingerprints(self.db, "scenes", self.file, ("oshash", "md5"))
        if existing:
            for scene_id in existing:
                found = self.file["id"] in related_files.file_ids(self.db, "scenes", scene_id)
                if not found:
                    self.scan.log("info", f"Adding {self.path} to scene {scene_id}")
                    related_files.add_file(self.db, "scenes", scene_id, self.file["id"])
                    self.touch("scenes", scene_id)
                if not found or self.old is not None:
                    self.scan.hook("Scene.Update.Post", scene_id)
            return
        self.scan.log("info", f"{self.path} doesn't exist. Creating new scene...")
        stamp = now_text()
        cursor = self.db.execute("INSERT INTO scenes(created_at, updated_at) VALUES (?, ?)", (stamp, stamp))
        scene_id = int(cursor.lastrowid or 0)
        related_files.add_file(self.db, "scenes", scene_id, self.file["id"], primary=True)
        self.scan.hook("Scene.Create.Post", scene_id)


def scan_paths(sim: StashSimulator, given: list[str] | None) -> list[str]:
    """getScanPaths: the stash paths, or the paths given that are inside one (others are logged)."""
    if not given:
        return [s["path"] for s in sim.config.stashes]
    out = []
    for path in given:
        if sim.stash_for(path) is None:
            sim.log("warning", f"{path} is not in the configured stash paths")
            continue
        out.append(path)
    return out


def run_scan(
    sim: StashSimulator,
    paths: list[str],
    rescan: bool = False,
    min_mod_time: float | None = None,
    job: Job | None = None,
) -> None:
    Scan(sim, paths, rescan, min_mod_time, job).run()
