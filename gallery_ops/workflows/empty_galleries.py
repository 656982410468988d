"""clean_empty_galleries: hand-made galleries without images are listed, and deleted on apply.

What is deleted, and only with dry_run=false (the task previews otherwise):
- a hand-made (user-created) gallery with no images: no zip, no folder, image_count 0.
  galleryDestroy is sent with delete_file false; such a gallery has no file, and Stash
  destroys no image with it (only zip galleries take their images along).

What is listed and never deleted:
- a zip or folder gallery with no images ("still has its zip or folder"): it still has
  files in Stash. When the zip or folder is gone from disk, Stash's own Clean task
  removes the gallery together with its file records; deleting it here would not.
- a hand-made gallery that still carries the new-gallery marker (made a moment ago, by
  hand, and waiting for its images; see Finish new galleries).

Galleries with images are unchanged. Nothing here ever destroys an image.
"""

from __future__ import annotations

from .. import fields as selections
from ..args import Param
from ..constants import NEW_GALLERY_TAG
from ..models import Gallery, Image
from .changes import DestroyGallery, Expect
from .report import GalleryPlan
from .types import Env

PARAMS: tuple[Param, ...] = ()
WHY_EMPTY = "hand-made, no images"
SKIP_HAS_FILES = "no images but still has its zip or folder (Stash's Clean task removes it when that is gone)"
SKIP_NEW = "no images yet, marked new (made by hand a moment ago)"


def plan_clean_empty(gallery: Gallery) -> GalleryPlan:
    """Destroy a hand-made gallery without images; list a zip or folder gallery without images (pure)."""
    plan = GalleryPlan(gallery.id)
    if gallery.image_count is None:
        raise ValueError("clean_empty_galleries needs the gallery's image_count; select it")
    if gallery.image_count > 0:
        return plan
    if gallery.kind != "user":
        plan.skipped = SKIP_HAS_FILES
    elif any(tag.name == NEW_GALLERY_TAG for tag in gallery.tags or []):
        plan.skipped = SKIP_NEW
    else:
        # read again just before the write: a gallery that got images meanwhile is not deleted
        plan.changes.append(DestroyGallery(gallery.id, gallery.title, WHY_EMPTY,
                                           expects=Expect.of("gallery", gallery, ("image_count",))))
    return plan


class CleanEmptyGalleries:
    gallery_fields = selections.GALLERY_EMPTY_CHECK
    image_fields = None

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_clean_empty(gallery)
