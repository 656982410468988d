"""chapters_from_folders: a chapter at the first image of each sub-folder of a gallery.

Galleries whose images span several folders (zip files with inner folders,
user-created galleries collecting several folders) get one chapter per folder, at
the folder's first image in Stash's gallery order (the order chapter indexes point
into, docs/stash.md §4; 1-based). A chapter's title is the folder's path below the
folders' common root (e.g. "Day 1", "Day 1/Morning"); images at the root itself get
the root's name (a zip's name without its extension). Paths of every host are read
(paths.py: `C:\\Sets\\Trip.zip\\Day 1\\001.jpg` is in folder "Day 1"); titles of nested
folders always join the names with "/".

Existing chapters are kept. A folder counts as having its chapter when a chapter
has its title (anywhere) or a chapter already starts at its first image, so no
chapter is ever created twice. With replace=true the gallery's chapters become
exactly the folder chapters: misplaced ones are moved, others deleted (created and
moved first, deleted last); galleries with one folder are still left alone.
Replacing previews unless the run says dry_run=false.

The plan needs of the images only each folder's first position and the count: the engine
folds them into a FolderFold while it reads them, a page at a time for a big gallery.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common import paths
from ..common.args import Param
from ..common.constants import NEEDS_V031
from ..common.lean_typing import NamedTuple
from ..common.skips import SKIP_NO_IMAGES, SKIP_NO_PATHS, SKIP_ONE_FOLDER
from ..stash import selections
from ..stash.models import Gallery, Image
from ..stash.operations import StashFeatures
from .anchors import Anchor, AnchorImage, anchor_at, anchor_field, anchors_of
from .changes import Change, CreateChapter, DestroyChapter, Expect, SetCustomFields, UpdateChapter
from .report import GalleryPlan
from .workflow import Env, Workflow, folded

PARAMS = (Param("replace", "bool", False),)


class FolderChapter(NamedTuple):
    title: str
    image_index: int  # 1-based


def _root_title(root: tuple[str, ...]) -> str:
    """The title for images at the common root: its name, without a zip's extension."""
    names = root[1:]  # root[0] is the path's root ("/", "C:\\", a share), which has no name
    return paths.split_extension(names[-1])[0] if names else ""


class FolderFold:
    """What chapters keep of a gallery's images while they are read in gallery order: the
    position of each folder's first image, and the count (not the images; types.ImageFold)."""

    def __init__(self, roots: Sequence[str] = (), anchors: bool = False) -> None:
        self.roots = tuple(roots)  # the gallery's zips or folder: an image's file there is where it is
        self.count = 0
        self.no_path = False  # an image without a file path: the gallery is skipped
        self.first_index: dict[tuple[str, ...], int] = {}  # folder -> 0-based position of its first image
        # 0-based position -> a folder's first image, kept only for the chapters' anchors (Stash v0.31):
        # without them each image of a gallery whose folders hold one image each would be kept for nothing
        self.anchors = anchors
        self.first_image: dict[int, AnchorImage] = {}

    def add(self, images: Sequence[Image]) -> None:
        roots = self.roots
        image_paths = [image.path_in(roots) for image in images]
        if None in image_paths:
            self.no_path = True
        elif not self.no_path:
            before = len(self.first_index)
            self.add_paths(image_paths)  # type: ignore[arg-type]
            if self.anchors and len(self.first_index) > before:  # a folder began in these images: its first image
                for index in list(self.first_index.values())[before:]:
                    self.first_image[index] = AnchorImage.of(images[index - self.count])
        self.count += len(images)

    def add_paths(self, image_paths: list[str]) -> None:
        """The next images' paths, in gallery order (add() counts them)."""
        first_index = self.first_index
        for index, folder in enumerate(paths.folders_of(image_paths), self.count):
            if folder not in first_index:
                first_index[folder] = index


def chapters_of_folders(first_index: dict[tuple[str, ...], int]) -> list[FolderChapter]:
    """One chapter per folder (folder -> 0-based position of its first image, in gallery order).

    Returns [] when there is one folder only.
    """
    if len(first_index) < 2:
        return []
    root = paths.common_folder(list(first_index))
    chapters: list[FolderChapter] = []
    depth = len(root)
    for folder, index in first_index.items():
        relative = folder[depth:]  # each folder is below the common root
        if not root:  # folders on different drives or shares: the whole path, after its root
            title = relative[0] + "/".join(relative[1:])
        else:
            title = "/".join(relative) if relative else _root_title(root)
        chapters.append(FolderChapter(title, index + 1))
    return chapters


def plan_chapters(
    gallery: Gallery, images: Sequence[Image] | FolderFold, replace: bool = False, anchors: bool = False
) -> GalleryPlan:
    """The chapter changes for one gallery (pure: from the gallery's chapters and its images in
    order, given as they are or as the FolderFold the engine filled while reading them).

    With `anchors` (Stash v0.31) each chapter made or moved gets its anchor (anchors.py): the
    image it starts at, recorded in the gallery's custom fields; a deleted one loses it."""
    images = folded(images, FolderFold, lambda: FolderFold(gallery.file_paths, anchors))
    plan = GalleryPlan(gallery.id)
    if not images.count:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    if images.no_path:
        plan.skipped = SKIP_NO_PATHS
        return plan
    wanted = chapters_of_folders(images.first_index)
    existing = list(gallery.chapters or [])
    if not wanted:  # also with replace: a one-folder gallery's chapters are someone's own
        plan.skipped = SKIP_ONE_FOLDER
        return plan
    changes: list[Change] = []

    def anchor(index: int) -> Anchor | None:  # the anchor of a chapter made at this (1-based) image
        image = images.first_image.get(index - 1) if anchors else None
        return anchor_at(index, image) if image is not None else None

    if not replace:
        titles = {c.title for c in existing}
        starts = {c.image_index for c in existing}
        shown_titles = {c.title or "" for c in existing}  # as changes.basis_value reads them
        gallery_id = gallery.id
        for title, image_index in wanted:
            if title in titles:
                plan.left_alone.append(f"“{title}”: a chapter with that title exists already")
            elif image_index in starts:
                there = next(c.title for c in existing if c.image_index == image_index)
                plan.left_alone.append(f"“{title}” at image {image_index}: chapter “{there}” starts there already")
            else:
                # the basis: is there a chapter with this title, one starting at this image (Expect.of's
                # values, made here from the sets above: a chapter plan makes two per chapter)
                changes.append(
                    CreateChapter(
                        gallery_id,
                        title,
                        image_index,
                        expects=(
                            Expect("gallery", gallery_id, f"titled:{title}", title in shown_titles),
                            Expect("gallery", gallery_id, f"starting:{image_index}", False),
                        ),
                        anchor=anchor(image_index) if anchors else None,
                    )
                )
        plan.changes = changes
        return plan
    # replace: the chapters become exactly the folder chapters
    unused = list(existing)
    moved: dict[str, str] = {}  # the anchors of moved chapters
    for chapter in wanted:
        same = next((c for c in unused if c.title == chapter.title), None)
        if same is None:
            changes.append(
                CreateChapter(
                    gallery.id,
                    chapter.title,
                    chapter.image_index,
                    expects=Expect.of("gallery", gallery, [f"titled:{chapter.title}"]),
                    anchor=anchor(chapter.image_index),
                )
            )
            continue
        unused.remove(same)
        if same.image_index != chapter.image_index:
            changes.append(
                UpdateChapter(
                    gallery.id,
                    same.id,
                    chapter.title,
                    chapter.image_index,
                    expects=Expect.of("gallery", gallery, [f"chapter:{same.id}"]),
                )
            )
            found = anchor(chapter.image_index)
            if found is not None:
                moved[anchor_field(same.id)] = found.encode()
    changes.extend(
        DestroyChapter(gallery.id, c.id, c.title or "", expects=Expect.of("gallery", gallery, [f"chapter:{c.id}"]))
        for c in unused
    )
    stored = anchors_of(gallery.custom_fields) if anchors else {}
    dropped = tuple(anchor_field(c.id) for c in unused if c.id in stored)
    if moved or dropped:
        changes.append(SetCustomFields(gallery.id, set=tuple(moved.items()), remove=dropped))
    plan.changes = changes
    return plan


class ChaptersFromFolders(Workflow):
    """On a Stash with custom fields (`features`: v0.31) the images' checksums are read too, and
    the chapters made or moved get their anchors; on one without, that is said as left out."""

    def __init__(self, replace: bool = False, features: StashFeatures | None = None) -> None:
        self.replace = replace
        anchors = self.anchors = features is not None and features.custom_fields
        if features is not None and not anchors:
            self.left_out = (
                f"where each chapter starts (its anchor, for Repair chapters) {NEEDS_V031} ({features.name})",
            )
        chapters = selections.GALLERY_ANCHORS if anchors else selections.GALLERY_CHAPTERS
        self.gallery_fields = chapters + " " + selections.GALLERY_KIND
        self.image_fields = selections.IMAGE_ANCHOR if anchors else selections.IMAGE_PATH

    @property
    def variant(self) -> str | None:
        return "replace" if self.replace else None

    def fold(self, gallery: Gallery) -> FolderFold:
        return FolderFold(gallery.file_paths, self.anchors)

    def plan(self, gallery: Gallery, images: Sequence[Image] | FolderFold | None, env: Env) -> GalleryPlan:
        return plan_chapters(gallery, images or [], self.replace, self.anchors)
