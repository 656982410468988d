"""The gallery page's own actions on selected images, as workflows of the engine (run_workflows).

Each is planned from the gallery and its images as the engine reads them, like any task, and its
changes are applied by the same engine (changes.apply_changes, after the page's gate.py check):
- SetCoverTo: the selected image becomes the gallery's cover. When the gallery has a cover that
  somebody chose (it differs from Stash's default pick, covers.py), the change says it replaces it.
- StartChapterAt: a chapter with the given title starting at the selected image.
- RemoveImagesFrom: the selected images leave the gallery (removeGalleryImages: their files and
  image records stay).
- AddImagesTo: the selected images join the gallery (addGalleryImages).
Stash changes the images of hand-made galleries only: a zip or folder gallery's images are its
files, changed by scanning (pkg/gallery/validation.go validateContentChange); adding to or removing
from one is left alone with that reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common.skips import (
    SKIP_ALL_IN_GALLERY,
    SKIP_CHAPTER_THERE,
    SKIP_IS_COVER,
    SKIP_NO_TITLE,
    SKIP_NONE_IN_GALLERY,
    SKIP_NOT_HAND_MADE,
    SKIP_NOT_IN_GALLERY,
    SKIP_UNKNOWN,
)
from ..stash import selections
from ..stash.models import Gallery, Image
from .anchors import AnchorImage, anchor_at
from .changes import AddGalleryImages, CreateChapter, Expect, GalleryImages, RemoveGalleryImages, SetCover
from .covers import Unknown, chosen_cover, default_pick_of
from .report import GalleryPlan
from .workflow import Env, Workflow


def _positions(images: Sequence[Image]) -> dict[str, int]:
    """Each image's 1-based place in gallery order (the order the engine reads them in)."""
    return {image.id: n for n, image in enumerate(images, start=1)}


def _plan_images_change(gallery: Gallery, change: GalleryImages, nothing_to_do: str) -> GalleryPlan:
    """`change` planned when the gallery is hand-made (Stash changes no other gallery's images) and it
    names an image; skipped with the reason otherwise."""
    plan = GalleryPlan(gallery.id)
    if gallery.kind != "user":
        plan.skipped = SKIP_NOT_HAND_MADE[gallery.kind]
    elif not change.image_ids:
        plan.skipped = nothing_to_do
    else:
        plan.changes = [change]
    return plan


class SetCoverTo(Workflow):
    reads_cover_matches = True  # is the cover now somebody's choice? (covers.py)
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH

    def __init__(self, image_id: str) -> None:
        self.image_id = image_id

    def plan(self, gallery: Gallery, images: Sequence[Image] | None, env: Env) -> GalleryPlan:
        images = images or []
        plan = GalleryPlan(gallery.id)
        chosen = next((image for image in images if image.id == self.image_id), None)
        current = gallery.cover.id if gallery.cover else None
        if chosen is None:
            plan.skipped = SKIP_NOT_IN_GALLERY
        elif current == chosen.id:
            plan.skipped = SKIP_IS_COVER
        else:
            default = default_pick_of(gallery, images[0].id if images else None, env)
            if isinstance(default, Unknown):
                plan.skipped = SKIP_UNKNOWN
                return plan
            replaces = chosen_cover(gallery, default)
            plan.changes = [
                SetCover(
                    gallery.id,
                    chosen.id,
                    chosen.path,
                    replaces=replaces,
                    expects=Expect.of("gallery", gallery, ["cover"]),
                )
            ]
        return plan


class StartChapterAt(Workflow):
    gallery_fields = selections.GALLERY_CHAPTERS
    image_fields = selections.IMAGE_ANCHOR  # path and checksum: the new chapter's anchor (Stash v0.31)

    def __init__(self, image_id: str, title: str) -> None:
        self.image_id = image_id
        self.title = title.strip()

    def plan(self, gallery: Gallery, images: Sequence[Image] | None, env: Env) -> GalleryPlan:
        plan = GalleryPlan(gallery.id)
        position = _positions(images or []).get(self.image_id)
        if not self.title:
            plan.skipped = SKIP_NO_TITLE
        elif position is None:
            plan.skipped = SKIP_NOT_IN_GALLERY
        elif any(c.image_index == position for c in gallery.chapters or []):
            plan.skipped = SKIP_CHAPTER_THERE
        else:
            image = AnchorImage.of((images or [])[position - 1])
            plan.changes = [
                CreateChapter(
                    gallery.id,
                    self.title,
                    position,
                    expects=(Expect("gallery", gallery.id, f"starting:{position}", False),),
                    anchor=anchor_at(position, image) if env.features.custom_fields else None,
                )
            ]
        return plan


class _SelectedImages(Workflow):
    """An action on the images a person selected (each once, in the order selected), which only a
    hand-made gallery takes (_plan_images_change)."""

    gallery_fields = selections.GALLERY_KIND

    def __init__(self, image_ids: Sequence[str]) -> None:
        self.image_ids = tuple(dict.fromkeys(image_ids))


class RemoveImagesFrom(_SelectedImages):
    image_fields = selections.IMAGE_PATH

    def plan(self, gallery: Gallery, images: Sequence[Image] | None, env: Env) -> GalleryPlan:
        present = _positions(images or [])
        leaving = tuple(i for i in self.image_ids if i in present)
        return _plan_images_change(gallery, RemoveGalleryImages(gallery.id, leaving), SKIP_NONE_IN_GALLERY)


class AddImagesTo(_SelectedImages):
    image_fields = selections.IMAGE_ID

    def plan(self, gallery: Gallery, images: Sequence[Image] | None, env: Env) -> GalleryPlan:
        present = _positions(images or [])
        joining = tuple(i for i in self.image_ids if i not in present)
        return _plan_images_change(gallery, AddGalleryImages(gallery.id, joining), SKIP_ALL_IN_GALLERY)
