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

from array import array
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..common import plain
from ..common.args import Param, read_choices
from ..common.constants import MARKER_TAGS
from ..common.limits import BULK_IDS_CHUNK
from ..common.plain import dataclass
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


REF_FIELDS = (("tags", "tag_ids"), ("performers", "performer_ids"))
VALUE_FIELDS = (("studio", "studio_id"), ("date", "date"), ("photographer", "photographer"))


class Wanted(NamedTuple):
    """What an image's galleries ask of it: per tag/performer field the union of their ids; per
    studio/date/photographer field the value they agree on (None: none has one). A field the run
    does not sync, or (a value field) on which the galleries disagree, is missing."""

    refs: dict[str, set[str]]
    values: dict[str, str | None]


def wanted_of(sources: Sequence[Gallery], fields: tuple[str, ...]) -> Wanted:
    """What the galleries `sources` (all the galleries an image is in) ask of their images: the
    same for every image in exactly these galleries, so a page's images share it."""
    refs: dict[str, set[str]] = {}
    for field, _ in REF_FIELDS:
        if field in fields:
            refs[field] = set().union(*(_gallery_ids(source, field) for source in sources))
    values: dict[str, str | None] = {}
    for field, _ in VALUE_FIELDS:
        if field not in fields:
            continue
        found = {value for value in (_value(source, field) for source in sources) if value is not None}
        if len(found) <= 1:  # more than one: the image's galleries disagree, the field is left alone
            values[field] = next(iter(found), None)
    return Wanted(refs, values)


def changes_for(image: Image, wanted: Wanted, mirror: bool) -> dict[str, Any]:
    """The bulkImageUpdate fields one image needs to have what its galleries want (empty when it
    is in step)."""
    out: dict[str, Any] = {}
    for field, key in REF_FIELDS:
        want = wanted.refs.get(field)
        if want is None:
            continue
        have = _ids(getattr(image, field))
        if mirror and want != have:
            out[key] = {"ids": sorted(want, key=int), "mode": "SET"}
        elif not mirror and not want <= have:
            out[key] = {"ids": sorted(want - have, key=int), "mode": "ADD"}
    for field, key in VALUE_FIELDS:
        if field not in wanted.values:
            continue
        target, current = wanted.values[field], _value(image, field)
        if mirror and target != current:
            out[key] = target
        elif not mirror and target is not None and current is None:
            out[key] = target
    return out


def image_changes(image: Image, fields: tuple[str, ...], mirror: bool) -> dict[str, Any]:
    """The bulkImageUpdate fields one image needs (empty when it is in step): the union of its
    galleries' tags and performers, and the studio, date and photographer they agree on."""
    return changes_for(image, wanted_of(image.galleries or [], fields), mirror)


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


@dataclass
class SyncGroup:
    """The images of a gallery that need one change: their ids in an array of integers (not the
    id strings of the answers they came in, whose pages would stay in memory with them: a big
    gallery's fold outlives its pages), and per image its other galleries and what the write
    would overwrite (shared empty tuples where there are none, as in an add-only sync of tags)."""

    change: dict[str, Any]
    overwrites: list[str]  # the image fields the change overwrites
    ids: array[int] = plain.field(default_factory=lambda: array("q"))
    others: list[tuple[str, ...]] = plain.field(default_factory=list)
    expects: list[tuple[Expect, ...]] = plain.field(default_factory=list)


class SyncFold:
    """What the task keeps of gallery `gallery_id`'s images while they are read (types.ImageFold):
    per change, the images that need it (SyncGroup), and the ids of the images in several
    galleries; not the images."""

    def __init__(self, gallery_id: str, fields: tuple[str, ...], mirror: bool) -> None:
        self.gallery_id, self.fields, self.mirror = gallery_id, fields, mirror
        self.count = 0
        self.groups: dict[str, SyncGroup] = {}
        self.shared: array[int] = array("q")

    def add(self, images: Sequence[Image]) -> None:
        # per set of galleries: what they want of an image and its other galleries (an answer reads
        # each gallery once, so images in the same galleries share them)
        asked: dict[tuple[str, ...], tuple[Wanted, tuple[str, ...]]] = {}
        for image in images:
            sources = image.galleries or []
            key = tuple([g.id for g in sources])
            known = asked.get(key)
            if known is None:
                others = tuple([g for g in key if g != self.gallery_id])
                known = asked[key] = (wanted_of(sources, self.fields), others)
            if len(sources) > 1:
                self.shared.append(int(image.id))
            change = changes_for(image, known[0], self.mirror)
            if change:
                group_key = repr(sorted(change.items()))
                group = self.groups.get(group_key)
                if group is None:
                    group = self.groups[group_key] = SyncGroup(change, _overwritten(change))
                group.ids.append(int(image.id))
                group.others.append(known[1])
                group.expects.append(Expect.of("image", image, group.overwrites) if group.overwrites else ())
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
    for group in images.groups.values():
        needing = [
            (str(image_id), others, expects)
            for image_id, others, expects in zip(group.ids, group.others, group.expects, strict=True)
        ]
        grouped = [i for i in needing if already_planned is None or i[0] not in already_planned]
        for chunk in chunks(grouped, BULK_IDS_CHUNK):
            # the other galleries these images are in fail with this write (they do not plan it again)
            others = tuple(dict.fromkeys(g for _, sources, _ in chunk for g in sources))
            expects = tuple(e for _, _, basis in chunk for e in basis)
            plan.changes.append(
                UpdateImages(
                    gallery.id,
                    tuple(i for i, _, _ in chunk),
                    tuple(sorted(group.change.items())),
                    others,
                    expects=expects,
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
        self.planned_shared.update(str(image_id) for image_id in fold.shared)
        return plan
