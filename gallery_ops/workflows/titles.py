"""title_from_path: a title for untitled zip and folder galleries, from their file or folder name.

"Summer_Trip.2022.zip" -> "Summer Trip 2022": a zip's extension is dropped,
underscores and dots become spaces, runs of spaces collapse. An optional pattern
(setting titlePattern, or the task arg `pattern`) is a regex searched in that name;
its named groups `title`, `date` (YYYY-MM-DD, YYYY-MM or YYYY) and `code` fill those
fields, each only when the gallery has none; a date that is no real date is left out.
A title a person set (any non-empty title) is never overwritten; user-created galleries
have no path and are skipped.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime

from .. import fields as selections
from ..args import ArgError, Param
from ..models import Gallery, Image
from .changes import SetGalleryFields
from .report import GalleryPlan
from .types import Env

PARAMS = (Param("pattern", "str", False),)
SKIP_NO_PATH = "user-created gallery (no zip or folder name)"
SKIP_EMPTY_NAME = "the name gives no title"
DATE_LAYOUTS = ("%Y-%m-%d", "%Y-%m", "%Y")  # what Stash's ParseDate accepts from a plain date
PATTERN_GROUPS = ("title", "date", "code")


def parse_title_pattern(text: str) -> re.Pattern[str] | None:
    if not text.strip():
        return None
    try:
        pattern = re.compile(text.strip())
    except re.error as exc:
        raise ArgError(f"title pattern {text!r} is not a valid regex ({exc})") from None
    if not set(pattern.groupindex) & set(PATTERN_GROUPS):
        raise ArgError(f"title pattern {text!r} has no named group title, date or code, e.g. (?P<title>...)")
    return pattern


def is_date(text: str) -> bool:
    """A real calendar date in one of Stash's layouts ("2023-13-45" is not: it is left out)."""
    for layout in DATE_LAYOUTS:
        try:
            datetime.strptime(text, layout)
            return True
        except ValueError:
            pass
    return False


def clean_name(name: str) -> str:
    """Underscores and dots to spaces, runs of spaces to one, trimmed."""
    return " ".join(re.sub(r"[_.]+", " ", name).split()).strip(" -")


def name_of(gallery: Gallery) -> str | None:
    """The zip file's name without its extension, or the folder's name."""
    if gallery.files:
        base = posixpath.basename(gallery.files[0].path or "")
        stem, ext = posixpath.splitext(base)
        return stem if ext else base
    if gallery.folder and gallery.folder.path:
        return posixpath.basename(gallery.folder.path.rstrip("/"))
    return None


def plan_title(gallery: Gallery, pattern: re.Pattern[str] | None) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    if (gallery.title or "").strip():
        return plan
    name = name_of(gallery)
    if name is None:
        plan.skipped = SKIP_NO_PATH
        return plan
    found: dict[str, str] = {}
    match = pattern.search(name) if pattern else None
    if match:
        found = {k: v.strip() for k, v in match.groupdict().items() if k in PATTERN_GROUPS and v and v.strip()}
    title = clean_name(found.get("title", name))
    if not title:
        plan.skipped = SKIP_EMPTY_NAME
        return plan
    fields: list[tuple[str, str]] = [("title", title)]
    if found.get("date") and is_date(found["date"]) and not gallery.date:
        fields.append(("date", found["date"]))
    if found.get("code") and not gallery.code:
        fields.append(("code", found["code"]))
    plan.changes = [SetGalleryFields(gallery.id, tuple(fields))]
    return plan


class TitleFromPath:
    gallery_fields = selections.GALLERY_TITLE_SOURCE
    image_fields = None

    def __init__(self, pattern: re.Pattern[str] | None) -> None:
        self.pattern = pattern

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_title(gallery, self.pattern)
