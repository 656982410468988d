"""title_from_path: a title for untitled zip and folder galleries, from their file or folder name.

The rule itself is pure and lives in title_rules.py (the new-gallery hook uses it too);
this module applies it to Gallery models for the task. A title pattern that runs too long
fails that gallery (patterns.py); a title someone sets while the run goes on is kept
(the change expects the fields it overwrites to be as read).
"""

from __future__ import annotations

from ..common.args import Param
from ..common.patterns import PatternTimeout, UserPattern
from ..common.title_rules import (
    DATE_LAYOUTS,
    PATTERN_GROUPS,
    clean_name,
    is_date,
    name_from,
    parse_title_pattern,
    title_fields,
)
from ..stash import selections
from ..stash.models import Gallery, Image
from .changes import Expect, SetGalleryFields
from .report import GalleryPlan
from .workflow import Env, Workflow

PARAMS = (Param("pattern", "str", False),)
__all__ = [
    "DATE_LAYOUTS",
    "PARAMS",
    "PATTERN_GROUPS",
    "TitleFromPath",
    "clean_name",
    "is_date",
    "name_of",
    "parse_title_pattern",
    "plan_title",
]


def name_of(gallery: Gallery) -> str | None:
    """The zip file's name without its extension, or the folder's name."""
    return name_from(_zip_path(gallery), gallery.folder.path if gallery.folder else None)


def _zip_path(gallery: Gallery) -> str | None:
    return (gallery.files[0].path or "") if gallery.files else None


def plan_title(gallery: Gallery, pattern: UserPattern | None) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    try:
        fields, skipped = title_fields(
            gallery.title,
            gallery.date,
            gallery.code,
            _zip_path(gallery),
            gallery.folder.path if gallery.folder else None,
            pattern,
        )
    except PatternTimeout as exc:
        plan.error = str(exc)
        return plan
    plan.skipped = skipped
    if (gallery.title or "").strip():
        plan.left_alone.append(f"it has a title, “{gallery.title}” (a title is never replaced)")
    if fields:
        plan.changes = [
            SetGalleryFields(
                gallery.id, tuple(fields), expects=Expect.of("gallery", gallery, [name for name, _ in fields])
            )
        ]
    return plan


class TitleFromPath(Workflow):
    gallery_fields = selections.GALLERY_TITLE_SOURCE
    image_fields = None

    def __init__(self, pattern: UserPattern | None) -> None:
        self.pattern = pattern

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_title(gallery, self.pattern)
