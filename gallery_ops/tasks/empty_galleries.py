"""clean_empty_galleries: galleries without images are listed, and some deleted on apply.

What is deleted, and only with dry_run=false (the task previews otherwise), with galleryDestroy
and delete_file false:
- a hand-made (user-created) gallery with no images: no zip, no folder, image_count 0;
- a zip or folder gallery with no images whose zip or folder is gone from this disk, with proof
  that the drive it was on is there (deletes.py, common/on_disk.py: the folder that held it is a
  mount point, or another file Stash recorded in that folder is on disk now); for a zip gallery
  with byte copies, every one of its zips. Such a gallery has no image, so Stash destroys none.
Neither when it carries what a person set (deletes.PERSON_SET: organized, a rating, details,
tags, performers, a studio, scenes, chapters, urls; a title aside), unless the run names it in
gallery_ids: then it is listed as kept, with what it carries.

Every delete is read again, with everything it would take with it, in the request right before
it is sent: a gallery that got an image, a new title or anything else meanwhile is not deleted
(changes.deletes_unmoved).

What is listed and never deleted:
- a zip or folder gallery with no images whose zip or folder is still on disk (a person may be
  filling it; a scan adds its images);
- one whose zip or folder is not on disk without that proof (a drive or share not mounted, a
  link into a drive that is unplugged), or whose presence cannot be told (permission denied...):
  left alone and reported;
- a hand-made gallery that still carries the new-gallery marker (made a moment ago, by hand,
  and waiting for its images; see Finish new galleries).

Galleries with images are unchanged, whatever is on disk (only galleries without images are
checked on disk): Stash's own Clean task removes galleries whose files are gone together with
their image records. Nothing here ever destroys an image.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..common.args import Param
from ..common.constants import NEW_GALLERY_TAG
from ..common.on_disk import OnDisk, Verdict
from ..common.skips import (
    SKIP_GONE_WHILE_READ,
    SKIP_HAS_FILES,
    SKIP_LINK,
    SKIP_NEW,
    SKIP_PERSON_SET,
    SKIP_UNREADABLE,
    SKIP_UNSURE,
)
from ..stash import selections
from ..stash.models import Gallery, Image
from ..stash.operations import GalleryOps
from .changes import DestroyGallery
from .deletes import DeleteBasis, gallery_digest, person_set, verdicts_from
from .report import GalleryPlan
from .workflow import Env, Workflow

PARAMS: tuple[Param, ...] = ()
WHY_EMPTY = "hand-made, no images"
WHY_GONE = "no images, its zip or folder is gone from disk"
SKIP_BY_STATE = {
    OnDisk.PRESENT: SKIP_HAS_FILES,
    OnDisk.UNSURE: SKIP_UNSURE,
    OnDisk.LINK: SKIP_LINK,
    OnDisk.UNREADABLE: SKIP_UNREADABLE,
    OnDisk.MISSING: SKIP_UNSURE,
}


def plan_clean_empty(gallery: Gallery, verdict: Verdict | OnDisk | None = None, named: bool = False) -> GalleryPlan:
    """What to do with a gallery (pure): destroy a hand-made gallery without images, or a zip or
    folder gallery without images whose files are gone with proof (`verdict`: deletes.verdicts_from,
    asked only for those); keep one that carries what a person set unless `named`; list the others.
    `gallery` is read with selections.GALLERY_DELETE_BASIS (its digest is the delete's basis)."""
    plan = GalleryPlan(gallery.id)
    if gallery.image_count is None:
        raise ValueError("clean_empty_galleries needs the gallery's image_count; select it")
    if gallery.image_count > 0:
        return plan
    state, proof = (verdict, ()) if isinstance(verdict, OnDisk) else verdict or (OnDisk.UNSURE, ())
    if gallery.kind != "user":
        if state is not OnDisk.GONE:
            plan.skipped = SKIP_BY_STATE[state]
            return plan
        why = WHY_GONE
    elif any(tag.name == NEW_GALLERY_TAG for tag in gallery.tags or []):
        plan.skipped = SKIP_NEW
        return plan
    else:
        why, proof = WHY_EMPTY, ()
    carried = person_set(gallery)
    if carried and not named:
        plan.skipped = SKIP_PERSON_SET.format(", ".join(carried))
        return plan
    plan.changes.append(
        DestroyGallery(
            gallery.id,
            gallery.title,
            why,
            path=gallery.path,
            paths=gallery.file_paths,
            basis=DeleteBasis(gallery_digest(gallery), proof=proof),
        )
    )
    return plan


class CleanEmptyGalleries(Workflow):
    """Reads every gallery in scope cheaply; per page, the ones without images again with
    everything a delete takes (read_page: one request), and, for those whose zip or folder is not
    on disk, what Stash recorded in the folders that held them (one request: the proof)."""

    gallery_fields = selections.GALLERY_EMPTY_CHECK
    image_fields = None

    def __init__(self, named: Collection[str] = ()) -> None:
        self.named = set(named)
        self.full: dict[str, Gallery] = {}
        self.verdicts: dict[str, Verdict] = {}

    def read_page(self, ops: GalleryOps, page: Sequence[Gallery]) -> None:
        empty = [g.id for g in page if g.image_count == 0]
        found = ops.galleries_by_ids(empty, "id " + selections.GALLERY_DELETE_BASIS) if empty else {}
        self.full = {gid: g for gid, g in found.items() if g is not None}
        self.verdicts = verdicts_from(ops, [g for g in self.full.values() if g.image_count == 0])

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        if gallery.image_count != 0:
            return plan_clean_empty(gallery)
        full = self.full.get(gallery.id)
        if full is None:
            return GalleryPlan(gallery.id, skipped=SKIP_GONE_WHILE_READ)
        return plan_clean_empty(full, self.verdicts.get(gallery.id), named=gallery.id in self.named)
