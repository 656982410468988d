"""sync_images_from_gallery: a gallery's tags, performers, studio, date and photographer, onto its images.

What an image should get comes from *all* the galleries it is in (an image can be in
a zip gallery and in hand-made collections): the union of their tags and
performers; for studio, date and photographer the value they agree on (when they
disagree, that field of that image is left alone).

Add-only (default): missing tags and performers are added; studio, date and
photographer are set only where the image has none. Mirror (setting syncMirror or
arg mirror=true): tags and performers become exactly the union, and the three fields
are set (or cleared) to the galleries' value. Mirroring removes things, so it
previews unless the run says dry_run=false.

The new-gallery marker tag ("Gallery Tools: new", set by the hook until Finish new
galleries is done with a gallery) is bookkeeping, not metadata: it is never copied to
images (and mirroring removes it from them).

Images that need the same change are written together with bulkImageUpdate, and an
image that is in several galleries is planned once per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..common.args import Param, read_choices
from ..common.constants import MARKER_TAGS
from ..common.limits import BULK_IDS_CHUNK
from ..common.skips import SKIP_NO_IMAGES
from ..stash import selections
from ..stash.batch import chunks
from ..stash.models import Gallery, Image
from .changes import Expect, UpdateImages
from .report import GalleryPlan
from .workflow import Env, Workflow, folded

PARAMS = (Param("mirror", "bool", False), Param("fields", "str", False))
SYNC_FIELDS = ("tags", "performers", "studio", "date", "photographer")


def parse_sync_fields(text: str) -> tuple[str, ...]:
    """Comma-separated: any of SYNC_FIELDS."""
    return read_choices(text, SYNC_FIELDS, "sync fields")


def _ids(refs: list[Any] | None) -> set[str]:
    return {ref.id for ref in refs or []}


def _gallery_ids(gallery: Gallery, field: str) -> set[str]:
    """The gallery's tag or performer ids that images should get (not the new-gallery marker)."""
    return {ref.id for ref in getattr(gallery, field, None) or [] if getattr(ref, "name", None) not in MARKER_TAGS}


def _value(source: Image | Gallery, field: str) -> str | None:
    if field == "studio":
        studio = getattr(source, "studio", None)
        return studio.id if studio else None
    return getattr(source, field, None) or None


def image_changes(image: Image, fields: tuple[str, ...], mirror: bool) -> dict[str, Any]:
    """The bulkImageUpdate fields one image needs (empty when it is in step)."""
    sources = image.galleries or []
    out: dict[str, Any] = {}
    for field, key in (("tags", "tag_ids"), ("performers", "performer_ids")):
        if field not in fields:
            continue
        wanted: set[str] = set()
        for source in sources:  # the union of the galleries' ids (run per image: kept to plain loops)
            wanted.update(_gallery_ids(source, field))
        have = _ids(getattr(image, field))
        if mirror and wanted != have:
            out[key] = {"ids": sorted(wanted, key=int), "mode": "SET"}
        elif not mirror and not wanted <= have:
            out[key] = {"ids": sorted(wanted - have, key=int), "mode": "ADD"}
    for field in ("studio", "date", "photographer"):
        if field not in fields:
            continue
        target: str | None = None
        agree = True
        for source in sources:
            value = _value(source, field)
            if value is not None:
                if target is None:
                    target = value
                elif value != target:
                    agree = False  # the image's galleries disagree: leave the field alone
                    break
        if not agree:
            continue
        current = _value(image, field)
        key = "studio_id" if field == "studio" else field
        if mirror and target != current:
            out[key] = target
        elif not mirror and target is not None and current is None:
            out[key] = target
    return out


def _overwritten(change: dict[str, Any]) -> list[str]:
    """The image fields a bulkImageUpdate input replaces (ADD only adds: it overwrites nothing)."""
    names = {
        "tag_ids": "tags",
        "performer_ids": "performers",
        "studio_id": "studio",
        "date": "date",
        "photographer": "photographer",
    }
    return [
        names[key]
        for key, value in change.items()
        if key in names and not (isinstance(value, dict) and value.get("mode") == "ADD")
    ]


class SyncFold:
    """What the task keeps of gallery `gallery_id`'s images while they are read (types.ImageFold):
    per change, the images that need it (id, their other galleries, what the write would
    overwrite), and the ids of the images in several galleries; not the images."""

    def __init__(self, gallery_id: str, fields: tuple[str, ...], mirror: bool) -> None:
        self.gallery_id, self.fields, self.mirror = gallery_id, fields, mirror
        self.count = 0
        self.groups: dict[str, tuple[dict[str, Any], list[tuple[str, tuple[str, ...], tuple[Expect, ...]]]]] = {}
        self.shared: list[str] = []

    def add(self, images: Sequence[Image]) -> None:
        for image in images:
            sources = image.galleries or []
            if len(sources) > 1:
                self.shared.append(image.id)
            change = image_changes(image, self.fields, self.mirror)
            if change:
                key = repr(sorted(change.items()))
                group = self.groups.setdefault(key, (change, []))
                group[1].append(
                    (
                        image.id,
                        tuple(g.id for g in sources if g.id != self.gallery_id),
                        Expect.of("image", image, _overwritten(change)),
                    )
                )
        self.count += len(images)


def plan_image_sync(
    gallery: Gallery,
    images: Sequence[Image] | SyncFold,
    fields: tuple[str, ...],
    mirror: bool,
    already_planned: set[str] | None = None,
) -> GalleryPlan:
    """Group the gallery's images (or their SyncFold) by the change they need (pure, apart from
    skipping planned ids)."""
    images = folded(images, SyncFold, lambda: SyncFold(gallery.id, fields, mirror))
    plan = GalleryPlan(gallery.id)
    if not images.count:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    for change, needing in images.groups.values():
        grouped = [i for i in needing if already_planned is None or i[0] not in already_planned]
        for chunk in chunks(grouped, BULK_IDS_CHUNK):
            # the other galleries these images are in fail with this write (they do not plan it again)
            others = tuple(dict.fromkeys(g for _, sources, _ in chunk for g in sources))
            expects = tuple(e for _, _, basis in chunk for e in basis)
            plan.changes.append(
                UpdateImages(
                    gallery.id, tuple(i for i, _, _ in chunk), tuple(sorted(change.items())), others, expects=expects
                )
            )
    return plan


class SyncImagesFromGallery(Workflow):
    gallery_fields = ""
    image_fields = selections.IMAGE_SYNC

    def __init__(self, fields: tuple[str, ...], mirror: bool) -> None:
        self.fields = fields
        self.mirror = mirror
        self.planned_shared: set[str] = set()  # images in several galleries, planned already

    @property
    def variant(self) -> str | None:
        return "mirror" if self.mirror else None

    def fold(self, gallery: Gallery) -> SyncFold:
        return SyncFold(gallery.id, self.fields, self.mirror)

    def plan(self, gallery: Gallery, images: Sequence[Image] | SyncFold | None, env: Env) -> GalleryPlan:
        fold = folded(images or [], SyncFold, lambda: self.fold(gallery))
        plan = plan_image_sync(gallery, fold, self.fields, self.mirror, self.planned_shared)
        self.planned_shared.update(fold.shared)
        return plan
