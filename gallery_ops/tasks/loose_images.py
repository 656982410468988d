"""galleries_from_folders: a hand-made gallery for each folder of images that are in no gallery.

Images in no gallery (Stash's `galleries IS_NULL`) are grouped by the folder that holds
them (the same folder whichever separators the paths use: paths.folder_names). A
folder with at least the minimum number of such images (setting
folderGalleryMinImages, or the run's min_images) gets a hand-made gallery titled by
the folder's name, and its loose images are added to it. When two such folders have
the same name, the title also names the parent folder: `2021 (Trips)`.

Left alone: folders that Stash already made a folder gallery for (their images are
not touched), folders with fewer images than the minimum, and images whose path is
unknown.

A run never makes a gallery twice. A hand-made gallery with exactly the planned title
whose images are all in that folder (or that has none yet: a run stopped between
galleryCreate and addGalleryImages) is that folder's gallery: its missing images are
added to it instead. A second run finds no loose images left in those folders.

Reads: the loose images (a page of 1000 per request), every gallery's folder and title
(500 per request), and the images of the few hand-made galleries whose title is a
planned one. Writes: galleryCreate and addGalleryImages, aliased in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..common import paths
from ..common.args import Param
from ..common.errors import ArgError
from ..common.limits import BULK_IDS_CHUNK, MUTATION_BATCH_SIZE
from ..common.log import progress
from ..common.skips import SKIP_FEW, SKIP_FOLDER_GALLERY, SKIP_NO_FILE_PATH
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, GalleryInput, Image
from ..stash.operations import GalleryOps
from .engine import Page, PageApplied, run_pages
from .report import GalleryPlan, Report

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


@dataclass(frozen=True)
class AddFolderImages:
    """addGalleryImages of a folder's loose images to its gallery (existing, or made just before)."""

    folder: str
    gallery_id: str | None  # None: the gallery this run creates
    image_ids: tuple[str, ...]

    def describe(self) -> dict[str, Any]:
        return {"folder": self.folder, "gallery": self.gallery_id, "add_images": len(self.image_ids)}


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
) -> GalleryPlan:
    """The folder's gallery: create it and add its images, or add the missing ones to `claimed` (pure)."""
    plan = GalleryPlan(folder.path)
    if folder.key in folder_galleries:
        plan.skipped = SKIP_FOLDER_GALLERY
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
            f"the minimum number of images for a folder gallery should be a whole number of 1 or more, got {value!r}"
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
    pages = _folder_page(ops, folders, min_images)
    return run_pages(ops, report, len(folders), pages, apply=_apply, note=note)


def _folder_page(ops: GalleryOps, folders: dict[FolderKey, Folder], min_images: int) -> Iterator[Page]:
    """Every folder planned, once the galleries are read (the folder galleries Stash made, and
    the hand-made galleries a folder may have been given before)."""
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
        plans.append(plan_folder(folder, title, min_images, folder_galleries, claimed, have))
    yield Page(plans)


def _apply(ops: GalleryOps, plans: Sequence[GalleryPlan], failed: Mapping[str, str]) -> PageApplied:
    """galleryCreate for the new galleries, then addGalleryImages; a folder whose create fails gets nothing more."""
    failures: dict[str, str] = {}
    creates = [(p.gallery_id, c) for p in plans for c in p.changes if isinstance(c, CreateFolderGallery)]
    made: dict[str, str] = {}
    for chunk in chunks(creates, MUTATION_BATCH_SIZE):
        result = ops.create_galleries_each([GalleryInput(title=c.title) for _, c in chunk])
        for index, (folder, _) in enumerate(chunk):
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
        sending = [(folder, c) for folder, c in add_chunk if folder not in failures]
        if not sending:
            continue
        added = ops.add_gallery_images_each([(c.gallery_id or made[folder], c.image_ids) for folder, c in sending])
        for index, message in added.errors.items():
            failures.setdefault(sending[index][0], message)
    return PageApplied(list(plans), failures, {})
