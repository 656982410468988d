"""title_from_path: a title for untitled zip and folder galleries, from their file or folder name.

"Summer_Trip.2022.zip" -> "Summer Trip 2022": a zip's extension is dropped,
underscores and dots become spaces, runs of spaces collapse. An optional pattern
(setting titlePattern, or the task arg `pattern`) is a regex searched in that name;
its named groups `title`, `date` and `code` fill those fields, each only when the
gallery has none; a date Stash would refuse (dates.py: "2023-13-45", "2022-1-5") is
left out, since Stash would refuse the whole update with it. The pattern runs in
bounded time (patterns.py): one that takes too long fails that gallery.
A title a person set (any non-empty title) is never overwritten; user-created galleries
have no path and are skipped. Paths of every host are read (paths.py): the title of
`C:\\Galleries\\Summer_Trip.2022.zip` is "Summer Trip 2022".
"""

from __future__ import annotations

import re

from .. import fields as selections
from .. import paths
from ..args import ArgError, Param
from ..dates import stash_date
from ..models import Gallery, Image
from ..patterns import PatternSyntaxError, PatternTimeout, UserPattern, compile_pattern
from .changes import Expect, SetGalleryFields
from .report import GalleryPlan
from .types import Env

PARAMS = (Param("pattern", "str", False),)
SKIP_NO_PATH = "user-created gallery (no zip or folder name)"
SKIP_EMPTY_NAME = "the name gives no title"
PATTERN_GROUPS = ("title", "date", "code")


def parse_title_pattern(text: str) -> UserPattern | None:
    if not text.strip():
        return None
    try:
        pattern = compile_pattern(text.strip(), "title pattern")
    except PatternSyntaxError as exc:
        raise ArgError(str(exc)) from None
    if not pattern.group_names & set(PATTERN_GROUPS):
        raise ArgError(f"title pattern {text!r} has no named group title, date or code, e.g. (?P<title>...)")
    return pattern


def clean_name(name: str) -> str:
    """Underscores and dots to spaces, runs of spaces to one, trimmed."""
    return " ".join(re.sub(r"[_.]+", " ", name).split()).strip(" -")


def name_of(gallery: Gallery) -> str | None:
    """The zip file's name without its extension, or the folder's name."""
    if gallery.files:
        return paths.stem(gallery.files[0].path or "")
    if gallery.folder and gallery.folder.path:
        return paths.base_name(gallery.folder.path)
    return None


def plan_title(gallery: Gallery, pattern: UserPattern | None) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    if (gallery.title or "").strip():
        return plan
    name = name_of(gallery)
    if name is None:
        plan.skipped = SKIP_NO_PATH
        return plan
    found: dict[str, str] = {}
    try:
        match = pattern.search(name) if pattern else None
    except PatternTimeout as exc:
        plan.error = str(exc)
        return plan
    if match:
        found = {k: v.strip() for k, v in match.groupdict().items() if k in PATTERN_GROUPS and v and v.strip()}
    title = clean_name(found.get("title", name))
    if not title:
        plan.skipped = SKIP_EMPTY_NAME
        return plan
    fields: list[tuple[str, str]] = [("title", title)]
    date = stash_date(found["date"]) if found.get("date") else None
    if date is not None and not gallery.date:
        fields.append(("date", date))
    if found.get("code") and not gallery.code:
        fields.append(("code", found["code"]))
    plan.changes = [SetGalleryFields(gallery.id, tuple(fields),
                                     expects=Expect.of("gallery", gallery, [name for name, _ in fields]))]
    return plan


class TitleFromPath:
    gallery_fields = selections.GALLERY_TITLE_SOURCE
    image_fields = None

    def __init__(self, pattern: UserPattern | None) -> None:
        self.pattern = pattern

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_title(gallery, self.pattern)
