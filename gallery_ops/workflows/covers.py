"""set_covers / reset_covers: covers by a rule, and taking explicit covers away again.

Telling a chosen cover from Stash's default pick. Stash's GraphQL returns one cover
per gallery: the explicit one if set, else its default pick (STASH_FACTS §4): the
first image, in gallery order, whose path matches the gallery cover regex
(configuration.general.galleryCoverRegex, case-insensitive), else the first image.
Nothing says which of the two it is. Gallery Tools computes the default pick itself
from the same data, and decides:

- cover differs from the default pick -> somebody chose it (a person, or an earlier
  run): set_covers never touches it; reset_covers takes it away.
- cover equals the default pick -> there is no chosen cover *that anyone can see*:
  Stash shows the same image either way. set_covers may give such a gallery its rule
  cover. (If a person explicitly chose exactly the default image, no plugin can tell;
  the gallery then shows the rule's pick instead. reset_covers leaves it alone.)

Covers are only ever images of the gallery itself: the rule picks from the images
read from the gallery, and Stash's setGalleryCover is never given anything else.

The cover rule (setting coverRule, or the task arg `rule`): steps separated by ';',
tried in order, the first that picks an image wins:
  pattern:<regex>   first image whose file name matches (case-insensitive; bounded in
                    time by patterns.py: a pattern that runs too long fails the gallery)
  portrait          first image taller than wide
  position:<n>      the n-th image (1 = first)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fields as selections
from .. import paths
from ..args import ArgError, Param
from ..models import Gallery, Image
from ..patterns import PatternSyntaxError, PatternTimeout, UserPattern, compile_pattern
from .changes import ResetCover, SetCover
from .report import GalleryPlan
from .types import Env

SET_PARAMS = (Param("rule", "str", False),)
RESET_PARAMS: tuple[Param, ...] = ()
SKIP_NO_IMAGES = "no images"
SKIP_CHOSEN = "has a chosen cover (it differs from Stash's default pick)"
SKIP_RULE_PICKS_NONE = "the cover rule picks no image"
SKIP_UNKNOWN = "cannot tell whether its cover was chosen (left as it is)"


@dataclass(frozen=True)
class CoverStep:
    kind: str  # "pattern", "portrait" or "position"
    pattern: UserPattern | None = None
    position: int = 0

    def pick(self, images: list[Image]) -> Image | None:
        """The step's image; PatternTimeout when its pattern runs too long on a name."""
        if self.kind == "position":
            return images[self.position - 1] if self.position <= len(images) else None
        for image in images:
            if self.kind == "pattern" and self.pattern and self.pattern.search(paths.base_name(image.path or "")):
                return image
            if self.kind == "portrait" and _is_portrait(image):
                return image
        return None


def _is_portrait(image: Image) -> bool:
    files = image.visual_files or image.files or []
    return bool(files) and (files[0].height or 0) > (files[0].width or 0)


def parse_cover_rule(text: str) -> list[CoverStep]:
    """Read a cover rule; ArgError names the step that does not parse."""
    steps: list[CoverStep] = []
    for raw in text.split(";"):
        step = raw.strip()
        if not step:
            continue
        kind, _, value = step.partition(":")
        kind = kind.strip().lower()
        if kind == "pattern" and value.strip():
            try:
                pattern = compile_pattern(value.strip(), "cover rule pattern", ignore_case=True)
            except PatternSyntaxError as exc:
                raise ArgError(f"cover rule step {step!r}: {exc}") from None
            steps.append(CoverStep("pattern", pattern=pattern))
        elif kind == "portrait" and not value:
            steps.append(CoverStep("portrait"))
        elif kind == "position" and value.strip().isascii() and value.strip().isdigit() and int(value) >= 1:
            steps.append(CoverStep("position", position=int(value)))
        else:
            raise ArgError(f"cover rule step {step!r} is not pattern:<regex>, portrait or position:<n> (n >= 1)")
    if not steps:
        raise ArgError("the cover rule is empty; give at least one step (pattern:<regex>, portrait, position:<n>)")
    return steps


class CoverUnknown(Exception):
    """Gallery Tools cannot compute Stash's default pick for a gallery: its cover cannot be classified."""


def stash_default_cover(images: list[Image], cover_regex: str) -> Image | None:
    """The cover Stash shows when none is chosen (pkg/image/query.go FindGalleryCover).

    Stash runs the regex with Go's engine (and has already replaced an invalid one by its
    default: configuration returns the regex in use). A regex Python cannot compile (Go-only
    syntax such as `\\z`) or an image read without its path raises CoverUnknown: the pick
    cannot be computed here, and the cover is left alone (README: covers Gallery Tools
    cannot classify).
    """
    try:
        pattern = re.compile(cover_regex, re.IGNORECASE)
    except re.error as exc:
        raise CoverUnknown(f"Stash's gallery cover regex {cover_regex!r} does not run in Python ({exc})") from None
    for image in images:
        if image.path is None:
            raise CoverUnknown(f"image {image.id} was read without a file path")
        if pattern.search(image.path):
            return image
    return images[0] if images else None


def chosen_cover(gallery: Gallery, images: list[Image], cover_regex: str) -> str | None:
    """The id of the gallery's cover when somebody chose it: it differs from Stash's default pick.

    CoverUnknown when the default pick cannot be computed.
    """
    default = stash_default_cover(images, cover_regex)
    current = gallery.cover.id if gallery.cover else None
    if current is not None and default is not None and current != default.id:
        return current
    return None


def plan_set_cover(gallery: Gallery, images: list[Image], rule: list[CoverStep], cover_regex: str) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    if not images:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    try:
        if chosen_cover(gallery, images, cover_regex) is not None:
            plan.skipped = SKIP_CHOSEN
            return plan
    except CoverUnknown:
        plan.skipped = SKIP_UNKNOWN  # never replace a cover that may be someone's choice
        return plan
    current = gallery.cover.id if gallery.cover else None
    try:
        wanted = next((found for step in rule if (found := step.pick(images)) is not None), None)
    except PatternTimeout as exc:
        plan.error = str(exc)
        return plan
    if wanted is None:
        plan.skipped = SKIP_RULE_PICKS_NONE
        return plan
    if wanted.id != current:
        plan.changes = [SetCover(gallery.id, wanted.id, wanted.path)]
    return plan


def plan_reset_cover(gallery: Gallery, images: list[Image], cover_regex: str) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    if not images:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    try:
        chosen = chosen_cover(gallery, images, cover_regex)
    except CoverUnknown:
        plan.skipped = SKIP_UNKNOWN
        return plan
    if chosen is not None:
        plan.changes = [ResetCover(gallery.id, chosen)]
    return plan


class SetCovers:
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH_SIZE

    def __init__(self, rule: list[CoverStep]) -> None:
        self.rule = rule

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_set_cover(gallery, images or [], self.rule, env.cover_regex)


class ResetCovers:
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH_SIZE

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_reset_cover(gallery, images or [], env.cover_regex)
