"""galleries_from_folders: a hand-made gallery for each folder of images that are in no gallery.

Images in no gallery (Stash's `galleries IS_NULL`) are grouped by the folder that holds
them (the same folder whichever separators the paths use: paths.folder_names). A
folder with at least the minimum number of such images (setting
folderGalleryMinImages, or the run's min_images) gets a hand-made gallery titled by
the folder's name, and its loose images are added to it. When two such folders have
the same name, the title also names the parent folder: `2021 (Trips)`.

Left alone: folders that Stash already made a folder gallery for (their images are
not touched), folders marked `.nogallery` (a file of that name in the folder: Stash's scan makes
no folder gallery there, and neither does this task; when the mark cannot be looked for, the
folder is left alone too), folders with fewer images than the minimum, and images whose path is
unknown.

A run never makes a gallery twice. A hand-made gallery with exactly the planned title
whose images are all in that folder (or that has none yet: a run stopped between
galleryCreate and addGalleryImages) is that folder's gallery: its missing images are
added to it instead. A second run finds no loose images left in those folders.

Two runs at once (a script, runPluginOperation) and a person filing images meanwhile: right
before each batch of creates, one request reads again the folders' loose images and the
galleries titled like the ones it would make (a gallery made meanwhile is claimed and filled,
not made twice); right before each batch of adds, the loose images again (an image filed
into a gallery meanwhile is left out). What lands between that read and the write (one
request) is the window Stash's lack of compare-and-set leaves.

Reads: the loose images (a page of 1000 per request), every gallery's folder and title
(500 per request), the images of the few hand-made galleries whose title is a planned one,
and the re-reads above (one request per batch of creates, one per batch of adds). Writes:
galleryCreate and addGalleryImages, aliased in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial

from ..common import paths
from ..common.args import Param
from ..common.errors import ArgError, short_repr
from ..common.limits import BULK_IDS_CHUNK, MUTATION_BATCH_SIZE
from ..common.log import progress
from ..common.on_disk import marked_no_gallery
from ..common.plain import dataclass, field, replace
from ..common.skips import (
    SKIP_FEW,
    SKIP_FILED_MEANWHILE,
    SKIP_FOLDER_GALLERY,
    SKIP_MARK_UNKNOWN,
    SKIP_NO_FILE_PATH,
    SKIP_NO_GALLERY,
)
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, GalleryInput, Image
from ..stash.names import Mention, NameBook
from ..stash.operations import GalleryOps
from .engine import Page, PageApplied, run_pages
from .report import GalleryPlan, Report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PARAMS = (Param("path", "str", False), Param("min_images", "int", False), Param("dry_run", "bool", False))
LOOSE = {"galleries": {"value": [], "modifier": "IS_NULL"}}

FolderKey = tuple[str, ...]


def folder_key(folder_path: str) -> FolderKey:
    """The key of a folder itself, equal to paths.folder_names() of the files in it."""
    parts = paths.split(folder_path)
    return (parts.root.replace("/", "\\"), *parts.names)


@dataclass
class Folder:
    """The loose images of one folder: its key, its path as Stash wrote it, the image ids."""

    key: FolderKey
    path: str
    image_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CreateFolderGallery:
    """galleryCreate of the folder's gallery (applied by this module, not changes.SENDERS)."""

    folder: str
    title: str
    images: int

    def describe(self) -> dict[str, Any]:
        return {"folder": self.folder, "create_gallery": self.title, "images": self.images}

    def mentions(self) -> tuple[Mention, ...]:
        return ()  # the gallery is new: its title is in the description


@dataclass(frozen=True)
class AddFolderImages:
    """addGalleryImages of a folder's loose images to its gallery (existing, or made just before)."""

    folder: str
    gallery_id: str | None  # None: the gallery this run creates
    image_ids: tuple[str, ...]

    def describe(self) -> dict[str, Any]:
        return {"folder": self.folder, "gallery": self.gallery_id, "add_images": len(self.image_ids)}

    def mentions(self) -> tuple[Mention, ...]:
        return () if self.gallery_id is None else (Mention("gallery", self.gallery_id),)


def group_by_folder(images: Iterable[Image]) -> tuple[dict[FolderKey, Folder], int]:
    """Loose images by folder (pure); also how many had no path."""
    folders: dict[FolderKey, Folder] = {}
    no_path = 0
    for image in images:
        if not image.path:
            no_path += 1
            continue
        key = paths.folder_names(image.path)
        folders.setdefault(key, Folder(key, paths.parent(image.path))).image_ids.append(image.id)
    return folders, no_path


def folder_titles(folders: Sequence[Folder]) -> dict[FolderKey, str]:
    """The folder's name; with its parent's name when two folders of the run share a name (pure)."""
    names = {f.key: paths.base_name(f.path) or f.path for f in folders}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    titles = {}
    for f in folders:
        name = names[f.key]
        parent = paths.base_name(paths.parent(f.path)) if counts[name] > 1 else ""
        titles[f.key] = f"{name} ({parent})" if parent else name
    return titles


def plan_folder(
    folder: Folder,
    title: str,
    min_images: int,
    folder_galleries: set[FolderKey],
    claimed: Gallery | None,
    claimed_image_ids: set[str],
    marked: bool | None = False,
) -> GalleryPlan:
    """The folder's gallery: create it and add its images, or add the missing ones to `claimed` (pure).
    `marked`: the folder holds Stash's `.nogallery` mark (None: that cannot be told)."""
    plan = GalleryPlan(folder.path)
    if folder.key in folder_galleries:
        plan.skipped = SKIP_FOLDER_GALLERY
        return plan
    if marked is not False:
        plan.skipped = SKIP_NO_GALLERY if marked else SKIP_MARK_UNKNOWN
        return plan
    if claimed is None and len(folder.image_ids) < min_images:
        plan.skipped = SKIP_FEW
        return plan
    missing = [i for i in folder.image_ids if i not in claimed_image_ids]
    if claimed is None:
        plan.changes.append(CreateFolderGallery(folder.path, title, len(missing)))
    for chunk in chunks(missing, BULK_IDS_CHUNK):
        plan.changes.append(AddFolderImages(folder.path, claimed.id if claimed else None, tuple(chunk)))
    return plan


def claim(
    title: str, folder: Folder, candidates: Sequence[Gallery], images: dict[str, list[Image]], taken: set[str]
) -> Gallery | None:
    """A hand-made gallery of an earlier (stopped) run for this folder: the title, and only its images."""
    for gallery in candidates:
        if gallery.id in taken or gallery.title != title:
            continue
        if all(i.path and paths.folder_names(i.path) == folder.key for i in images.get(gallery.id, [])):
            taken.add(gallery.id)
            return gallery
    return None


def parse_min_images(value: Any) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 1 or int(value) != value:
        raise ArgError(
            "the minimum number of images for a folder gallery should be a whole number of 1 or more,"
            f" got {short_repr(value)}"
        )
    return int(value)


def run_galleries_from_folders(ops: GalleryOps, path: str | None, min_images: int, dry_run: bool) -> Report:
    """Plan a gallery per folder of loose images, and unless dry_run, make them (run_pages: one
    page, every folder; one gallery planned per folder)."""
    report = Report("galleries_from_folders", dry_run)
    image_filter: dict[str, Any] = dict(LOOSE)
    if path is not None:
        if not path.strip():
            raise ArgError("path is empty; give a folder (loose images under it are grouped)")
        image_filter = {**LOOSE, "path": {"value": paths.prefix_regex(path.strip()), "modifier": "MATCHES_REGEX"}}
    folders, no_path = group_by_folder(ops.iter_images(image_filter, selections.IMAGE_PATH))
    loose = sum(len(f.image_ids) for f in folders.values())
    report.extra = {"loose_images": loose}
    if no_path:
        report.skipped[SKIP_NO_FILE_PATH] += no_path
    note = f" ({loose} images in no gallery, in {len(folders)} folders)"
    pages = _folder_page(ops, folders, min_images, report.names)
    return run_pages(ops, report, len(folders), pages, apply=partial(_apply, min_images=min_images), note=note)


def _folder_page(ops: GalleryOps, folders: dict[FolderKey, Folder], min_images: int, names: NameBook) -> Iterator[Page]:
    """Every folder planned, once the galleries are read (the folder galleries Stash made, and
    the hand-made galleries a folder may have been given before, whose names go to the run's
    `names`)."""
    ordered = sorted(folders.values(), key=lambda f: f.key)
    titles = folder_titles(ordered)
    folder_galleries: set[FolderKey] = set()
    candidates: list[Gallery] = []
    wanted = set(titles.values())
    for gallery in ops.iter_galleries(None, selection="id " + selections.GALLERY_FOLDER_CHECK):
        if gallery.folder is not None and gallery.folder.path:
            folder_galleries.add(folder_key(gallery.folder.path))
        elif not gallery.files and gallery.title in wanted:
            candidates.append(gallery)
    names.learn_galleries(candidates)
    candidate_images = ops.images_of_galleries([g.id for g in candidates], selections.IMAGE_PATH) if candidates else {}
    progress(0.5)
    taken: set[str] = set()
    plans: list[GalleryPlan] = []
    for folder in ordered:
        title = titles[folder.key]
        claimed = (
            claim(title, folder, candidates, candidate_images, taken) if folder.key not in folder_galleries else None
        )
        have = {i.id for i in candidate_images.get(claimed.id, [])} if claimed else set()
        marked = marked_no_gallery(folder.path) if folder.key not in folder_galleries else False
        plans.append(plan_folder(folder, title, min_images, folder_galleries, claimed, have, marked))
    yield Page(plans)


def _still_loose(images: Sequence[Image], key: FolderKey) -> list[str]:
    return [i.id for i in images if i.path and paths.folder_names(i.path) == key]


def _apply(
    ops: GalleryOps, plans: Sequence[GalleryPlan], failed: Mapping[str, str], names: NameBook, min_images: int
) -> PageApplied:
    """galleryCreate for the new galleries, then addGalleryImages; a folder whose create fails gets nothing more.

    Right before each batch of creates, one request reads again each folder's loose images and
    the galleries titled like the one it would make: a gallery another run made meanwhile is
    claimed instead (filled, never made twice), and a folder whose images were filed meanwhile
    gets none. Right before each batch of adds, the loose images are read again: an image a
    person filed into a gallery meanwhile is left out."""
    failures: dict[str, str] = {}
    by_folder = {p.gallery_id: p for p in plans}
    creates = [(p.gallery_id, c) for p in plans for c in p.changes if isinstance(c, CreateFolderGallery)]
    made: dict[str, str] = {}
    taken: set[str] = set()
    for chunk in chunks(creates, MUTATION_BATCH_SIZE):
        loose, titled = ops.loose_now([folder for folder, _ in chunk], [c.title for _, c in chunk])
        candidates = {f: [g for g in found if not g.files and g.folder is None] for f, found in titled.items()}
        ids = [g.id for found in candidates.values() for g in found]
        their_images = ops.images_of_galleries(ids, selections.IMAGE_PATH) if ids else {}
        sending: list[tuple[str, CreateFolderGallery]] = []
        for folder, create in chunk:
            plan, key = by_folder[folder], folder_key(folder)
            here = Folder(key, folder, _still_loose(loose[folder], key))
            claimed = claim(create.title, here, candidates[folder], their_images, taken)
            if claimed is not None:  # made meanwhile (another run): fill it, do not make a second one
                plan.changes = [c for c in plan.changes if not isinstance(c, CreateFolderGallery)]
                plan.changes = [
                    replace(c, gallery_id=claimed.id) if isinstance(c, AddFolderImages) else c for c in plan.changes
                ]
            elif not here.image_ids:
                plan.changes, plan.skipped = [], SKIP_FILED_MEANWHILE
            elif len(here.image_ids) < min_images:
                plan.changes, plan.skipped = [], SKIP_FEW
            else:
                sending.append((folder, create))
        if not sending:
            continue
        result = ops.create_galleries_each([GalleryInput(title=c.title) for _, c in sending])
        for index, (folder, _) in enumerate(sending):
            if index in result.errors:
                failures.setdefault(folder, result.errors[index])
            else:
                made[folder] = str(result.data[index]["id"])
    adds = [
        (p.gallery_id, c)
        for p in plans
        for c in p.changes
        if isinstance(c, AddFolderImages) and p.gallery_id not in failures
    ]
    for add_chunk in chunks(adds, MUTATION_BATCH_SIZE):
        loose, _ = ops.loose_now(list(dict.fromkeys(folder for folder, _ in add_chunk)))
        sending_adds: list[tuple[str, AddFolderImages]] = []
        for folder, add in add_chunk:
            still = set(_still_loose(loose[folder], folder_key(folder)))
            kept = replace(add, image_ids=tuple(i for i in add.image_ids if i in still))
            plan = by_folder[folder]
            plan.changes = [kept if c is add else c for c in plan.changes]
            if kept.image_ids and folder not in failures:
                sending_adds.append((folder, kept))
        if not sending_adds:
            continue
        added = ops.add_gallery_images_each([(c.gallery_id or made[folder], c.image_ids) for folder, c in sending_adds])
        for index, message in added.errors.items():
            failures.setdefault(sending_adds[index][0], message)
    for plan in plans:  # what was left out is not reported as done
        plan.changes = [c for c in plan.changes if not (isinstance(c, AddFolderImages) and not c.image_ids)]
    return PageApplied(list(plans), failures, {})
