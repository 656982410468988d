"""repair_chapters: chapters back on the image they start at, after images were added or removed.

Stash keeps a chapter as an image index only, so adding images to a gallery or removing
some (a rescan of a changed zip, a hand edit) shifts every chapter after that point onto
another image. On Stash v0.31 Gallery Tools keeps each chapter's anchor (the image it starts
at, by path and checksum) in the gallery's custom fields: whenever it creates or moves a
chapter, and here, on the first run, for chapters a person made. This task then moves each
chapter back to its anchor's image, reports chapters whose image is gone (left as they
are), and never moves a chapter a person moved since: its anchor is recorded anew instead
(the rules: anchors.py).

It reads only galleries with chapters; their images a group at a time, a big gallery a page
at a time, keeping of the images only what the anchors need (AnchorFold). A preview says
what it would do; a second run writes nothing; a run stopped anywhere and run again ends as
one run would. A Stash without custom fields (v0.30) cannot keep anchors: the task says it
needs v0.31 and reads nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common.args import Param
from ..common.constants import NEEDS_V031
from ..stash import selections
from ..stash.models import Gallery, Image
from ..stash.operations import all_of
from .anchors import AnchorFold, anchor_field, plan_anchors
from .changes import Change, Expect, SetCustomFields, UpdateChapter
from .report import GalleryPlan
from .workflow import Env, Scope, Workflow, folded

PARAMS: tuple[Param, ...] = ()
WITH_CHAPTERS = {"has_chapters": "true"}  # GalleryFilterType.has_chapters: only galleries with chapters


def needs_custom_fields(stash_name: str) -> str:
    """Why the task did nothing on a Stash without custom fields."""
    return (
        f"Repair chapters {NEEDS_V031}, where it keeps where each chapter starts; this is {stash_name}:"
        " nothing was read or changed"
    )


def with_chapters(scope: Scope) -> Scope:
    """The run's scope narrowed to galleries with chapters (ids given stay as given)."""
    if scope.gallery_ids is not None:
        return scope
    return Scope(gallery_filter=all_of(WITH_CHAPTERS, scope.gallery_filter), path=scope.path)


def plan_repair(gallery: Gallery, images: Sequence[Image] | AnchorFold) -> GalleryPlan:
    """One gallery's chapter moves and anchor writes (pure: from the gallery's chapters and custom
    fields, and its images in gallery order or the AnchorFold of them)."""
    fold = folded(images, AnchorFold, lambda: AnchorFold(gallery))
    repair = plan_anchors(gallery, fold)
    plan = GalleryPlan(gallery.id, notes=list(repair.lost))
    changes: list[Change] = [
        UpdateChapter(
            gallery.id, chapter_id, title, new, expects=Expect.of("gallery", gallery, [f"chapter:{chapter_id}"])
        )
        for chapter_id, title, new, _ in repair.moves
    ]
    if repair.write or repair.remove:
        names = [*repair.write, *repair.remove]
        changes.append(
            SetCustomFields(
                gallery.id,
                set=tuple(sorted(repair.write.items())),
                remove=tuple(repair.remove),
                expects=Expect.of("gallery", gallery, [f"custom:{n}" for n in names]),
            )
        )
    plan.changes = changes
    return plan


class RepairChapters(Workflow):
    """The Workflow of repair_chapters (and of the new-gallery rule hookRepairChapters)."""

    gallery_fields = selections.GALLERY_REPAIR
    image_fields = selections.IMAGE_ANCHOR

    def fold(self, gallery: Gallery) -> AnchorFold:
        return AnchorFold(gallery)

    def plan(self, gallery: Gallery, images: Sequence[Image] | AnchorFold | None, env: Env) -> GalleryPlan:
        if not gallery.chapters and not any(name.startswith(anchor_field("")) for name in gallery.custom_fields or {}):
            return GalleryPlan(gallery.id)
        return plan_repair(gallery, images or [])
