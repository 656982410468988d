"""clean_empty_galleries: galleries without images are listed, and some deleted on apply.

What is deleted, and only with dry_run=false (the task previews otherwise), with galleryDestroy
and delete_file false, after the gallery's image_count is read again just before the write:
- a hand-made (user-created) gallery with no images: no zip, no folder, image_count 0;
- a zip or folder gallery with no images whose zip or folder is gone from this disk (the plugin
  runs on Stash's machine and checks the path Stash reports) while the folder that held it is
  still there. Such a gallery has no image, so Stash destroys none with it.

What is listed and never deleted:
- a zip or folder gallery with no images whose zip or folder is still on disk (a person may be
  filling it; a scan adds its images);
- one whose zip or folder is not on disk and neither is the folder that held it, or whose
  presence cannot be told (permission denied...): a drive or share that is not mounted looks
  like that, so it is left alone and reported;
- a hand-made gallery that still carries the new-gallery marker (made a moment ago, by hand,
  and waiting for its images; see Finish new galleries).

Galleries with images are unchanged, whatever is on disk (only galleries without images are
checked on disk): Stash's own Clean task removes galleries whose files are gone together with
their image records. Nothing here ever destroys an image.
"""

from __future__ import annotations

from ..common.args import Param
from ..common.constants import NEW_GALLERY_TAG
from ..common.on_disk import OnDisk, disk_state
from ..common.skips import SKIP_HAS_FILES, SKIP_NEW, SKIP_UNREADABLE, SKIP_UNSURE
from ..stash import selections
from ..stash.models import Gallery, Image
from .changes import DestroyGallery, Expect
from .report import GalleryPlan
from .workflow import Env, Workflow

PARAMS: tuple[Param, ...] = ()
WHY_EMPTY = "hand-made, no images"
WHY_GONE = "no images, its zip or folder is gone from disk"


def _destroy(gallery: Gallery, why: str) -> DestroyGallery:
    # read again just before the write: a gallery that got images meanwhile is not deleted
    return DestroyGallery(
        gallery.id, gallery.title, why, path=gallery.path, expects=Expect.of("gallery", gallery, ("image_count",))
    )


def plan_clean_empty(gallery: Gallery, on_disk: OnDisk | None = None) -> GalleryPlan:
    """What to do with a gallery (pure): destroy a hand-made gallery without images, or a zip or
    folder gallery without images whose zip or folder is gone (`on_disk`, disk_state of its path,
    asked only for those); list the other galleries without images."""
    plan = GalleryPlan(gallery.id)
    if gallery.image_count is None:
        raise ValueError("clean_empty_galleries needs the gallery's image_count; select it")
    if gallery.image_count > 0:
        return plan
    if gallery.kind != "user":
        if on_disk is OnDisk.GONE:
            plan.changes.append(_destroy(gallery, WHY_GONE))
        else:
            plan.skipped = {OnDisk.PRESENT: SKIP_HAS_FILES, OnDisk.UNREADABLE: SKIP_UNREADABLE}.get(
                on_disk or OnDisk.UNSURE, SKIP_UNSURE
            )
    elif any(tag.name == NEW_GALLERY_TAG for tag in gallery.tags or []):
        plan.skipped = SKIP_NEW
    else:
        plan.changes.append(_destroy(gallery, WHY_EMPTY))
    return plan


class CleanEmptyGalleries(Workflow):
    gallery_fields = selections.GALLERY_EMPTY_CHECK
    image_fields = None

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        path = gallery.path if gallery.image_count == 0 else None  # only galleries without images
        return plan_clean_empty(gallery, disk_state(path) if path is not None else None)
