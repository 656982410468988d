"""sync_gallery_from_images: the tags and performers a gallery's images have, onto the gallery.

The reverse of sync_images_from_gallery. With the rule `all` (default) a tag or
performer is added to the gallery when every image of the gallery has it; with `any`
when at least one image has it (setting fromImagesRule, or the run's arg `rule`).

Add-only: nothing is removed from a gallery, and what it has already is not sent
again. The write is a bulkGalleryUpdate in mode ADD, so what someone adds to the
gallery between the read and the write stays. The new-gallery marker tag is
bookkeeping and never copied. A gallery without images is skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..common.args import Param, read_choices
from ..common.constants import MARKER_TAGS
from ..common.errors import ArgError, short_repr
from ..common.skips import SKIP_NO_IMAGES
from ..stash import selections
from ..stash.models import Gallery, Image
from .changes import AddGalleryRefs
from .report import GalleryPlan
from .workflow import Env, Workflow, folded

PARAMS = (Param("rule", "str", False), Param("fields", "str", False))
RULES = ("all", "any")
FROM_IMAGES_FIELDS = ("tags", "performers")
INPUT_KEYS = {"tags": "tag_ids", "performers": "performer_ids"}


def parse_rule(text: str) -> str:
    """`all` or `any` (case and spaces ignored)."""
    rule = text.strip().lower()
    if rule not in RULES:
        raise ArgError(f"rule {short_repr(text)}: choose all (every image has it) or any (at least one image has it)")
    return rule


def parse_fields(text: str) -> tuple[str, ...]:
    """Comma-separated: any of tags, performers."""
    return read_choices(text, FROM_IMAGES_FIELDS, "fields")


def _refs(source: Gallery | Image, field: str) -> set[str]:
    """Ids of the tags or performers of an image or gallery, the new-gallery marker left out."""
    return {ref.id for ref in getattr(source, field, None) or [] if getattr(ref, "name", None) not in MARKER_TAGS}


class RefsFold:
    """What the task keeps of a gallery's images while they are read (types.ImageFold): how
    many images have each tag and performer, and how many images there are."""

    def __init__(self, fields: Sequence[str] = FROM_IMAGES_FIELDS) -> None:
        self.count = 0
        self.counts: dict[str, Counter[str]] = {field: Counter() for field in fields}

    def add(self, images: Sequence[Image]) -> None:
        for field, counts in self.counts.items():
            for image in images:
                counts.update(_refs(image, field))
        self.count += len(images)

    def wanted(self, field: str, rule: str) -> set[str]:
        """The ids that all (rule all) or any (rule any) of the images have."""
        need = self.count if rule == "all" else 1
        return {ref for ref, count in self.counts[field].items() if count >= need}


def plan_gallery_from_images(
    gallery: Gallery, images: Sequence[Image] | RefsFold, rule: str, fields: tuple[str, ...] = FROM_IMAGES_FIELDS
) -> GalleryPlan:
    """What the gallery lacks of what its images have (pure: from the images, or their RefsFold)."""
    images = folded(images, RefsFold, lambda: RefsFold(fields))
    plan = GalleryPlan(gallery.id)
    if not images.count:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    refs = []
    for field in fields:
        missing = images.wanted(field, rule) - _refs(gallery, field)
        if missing:
            refs.append((INPUT_KEYS[field], tuple(sorted(missing, key=int))))
    if refs:
        plan.changes.append(AddGalleryRefs(gallery.id, tuple(refs)))
    return plan


class SyncGalleryFromImages(Workflow):
    gallery_fields = selections.GALLERY_REFS
    image_fields = selections.IMAGE_REFS

    def __init__(self, rule: str, fields: tuple[str, ...] = FROM_IMAGES_FIELDS) -> None:
        self.rule = rule
        self.fields = fields

    def fold(self, gallery: Gallery) -> RefsFold:
        return RefsFold(self.fields)

    def plan(self, gallery: Gallery, images: Sequence[Image] | RefsFold | None, env: Env) -> GalleryPlan:
        return plan_gallery_from_images(gallery, images or [], self.rule, self.fields)
