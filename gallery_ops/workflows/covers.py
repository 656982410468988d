"""set_covers / reset_covers: covers by a rule, and taking explicit covers away again.

Telling a chosen cover from Stash's default pick. Stash's GraphQL returns one cover
per gallery: the explicit one if set, else its default pick (docs/stash.md §4): the
first image, in gallery order, whose path matches the gallery cover regex
(configuration.general.galleryCoverRegex, case-insensitive), else the first image.
Nothing says which of the two it is. Gallery Tools asks Stash its own default-cover
question (the findImages query Stash runs, with Stash's Go regex engine; aliased for a
page of galleries in the request that reads their images, GalleryOps.images_and_cover_matches),
and decides:

- cover differs from the default pick -> somebody chose it (a person, or an earlier
  run): set_covers never touches it; reset_covers takes it away.
- cover equals the default pick -> there is no chosen cover *that anyone can see*:
  Stash shows the same image either way. set_covers may give such a gallery its rule
  cover. (If a person explicitly chose exactly the default image, no plugin can tell;
  the gallery then shows the rule's pick instead. reset_covers leaves it alone.)
- Stash's answer is missing for a gallery (its question failed) -> the cover cannot be
  classified: both tasks leave it as it is and report it (README: the cover rule).

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

from dataclasses import dataclass

from .. import fields as selections
from .. import paths
from ..args import Param
from ..errors import ArgError
from ..models import Gallery, Image
from ..patterns import PatternSyntaxError, PatternTimeout, UserPattern, compile_pattern
from .changes import Expect, ResetCover, SetCover
from .report import GalleryPlan
from .types import Env

SET_PARAMS = (Param("rule", "str", False),)
RESET_PARAMS: tuple[Param, ...] = ()
SKIP_NO_IMAGES = "no images"
SKIP_CHOSEN = "has a chosen cover (it differs from Stash's default pick)"
SKIP_RULE_PICKS_NONE = "the cover rule picks no image"
SKIP_UNKNOWN = "cannot tell whether its cover was chosen (left as it is)"


class Unknown:
    """Stash's default pick could not be learnt for a gallery (its question failed)."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class CoverStep:
    kind: str  # "pattern", "portrait" or "position"
    pattern: UserPattern | None = None
    position: int = 0

    def pick(self, images: list[Image]) -> Image | None:
        """The step's image; PatternTimeout when its pattern runs too long on a name."""
        if self.kind == "position":
            return images[self.position - 1] if self.position <= len(images) else None
        if self.kind == "pattern" and self.pattern:
            search, base_name = self.pattern.search, paths.base_name
            for image in images:  # plain loops: asked of every image of every gallery
                if search(base_name(image.path or "")):
                    return image
            return None
        if self.kind == "portrait":
            for image in images:
                if _is_portrait(image):
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


def stash_pick(images: list[Image], regex_match: str | None) -> str | None:
    """The id of the image Stash shows when no cover is chosen: the first image matching its
    cover regex as Stash found it (`regex_match`, GalleryOps.cover_regex_matches), else the first
    image in gallery order (the images as read, sorted by path like Stash's own query)."""
    if regex_match is not None:
        return regex_match
    return images[0].id if images else None


def chosen_cover(gallery: Gallery, default_pick: str | None) -> str | None:
    """The id of the gallery's cover when somebody chose it: it differs from Stash's default pick."""
    current = gallery.cover.id if gallery.cover else None
    if current is not None and default_pick is not None and current != default_pick:
        return current
    return None


def plan_set_cover(gallery: Gallery, images: list[Image], rule: list[CoverStep],
                   default_pick: str | Unknown | None) -> GalleryPlan:
    """The cover change for one gallery; `default_pick` is Stash's default pick (stash_pick), or
    UNKNOWN when Stash could not be asked: the cover is then left as it is."""
    plan = GalleryPlan(gallery.id)
    if not images:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    if isinstance(default_pick, Unknown):
        plan.skipped = SKIP_UNKNOWN  # never replace a cover that may be someone's choice
        return plan
    if chosen_cover(gallery, default_pick) is not None:
        plan.skipped = SKIP_CHOSEN
        return plan
    current = gallery.cover.id if gallery.cover else None
    wanted = None
    try:
        for step in rule:  # the first step that picks an image wins
            wanted = step.pick(images)
            if wanted is not None:
                break
    except PatternTimeout as exc:
        plan.error = str(exc)
        return plan
    if wanted is None:
        plan.skipped = SKIP_RULE_PICKS_NONE
        return plan
    if wanted.id != current:
        plan.changes = [SetCover(gallery.id, wanted.id, wanted.path, expects=Expect.of("gallery", gallery, ["cover"]))]
    return plan


def plan_reset_cover(gallery: Gallery, images: list[Image], default_pick: str | Unknown | None) -> GalleryPlan:
    plan = GalleryPlan(gallery.id)
    if not images:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    if isinstance(default_pick, Unknown):
        plan.skipped = SKIP_UNKNOWN
        return plan
    chosen = chosen_cover(gallery, default_pick)
    if chosen is not None:
        path = next((image.path for image in images if image.id == chosen), None)
        plan.changes = [ResetCover(gallery.id, chosen, path, expects=Expect.of("gallery", gallery, ["cover"]))]
    return plan


def default_pick_of(gallery: Gallery, images: list[Image], env: Env) -> str | Unknown | None:
    """Stash's default pick for a gallery from the page's answer, UNKNOWN when it has none."""
    if gallery.id not in env.cover_matches:
        return UNKNOWN
    return stash_pick(images, env.cover_matches[gallery.id])


class SetCovers:
    reads_cover_matches = True  # the engine asks Stash the default-cover question with the images
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH_SIZE

    def __init__(self, rule: list[CoverStep]) -> None:
        self.rule = rule

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_set_cover(gallery, images or [], self.rule, default_pick_of(gallery, images or [], env))


class ResetCovers:
    reads_cover_matches = True
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH_SIZE

    def plan(self, gallery: Gallery, images: list[Image] | None, env: Env) -> GalleryPlan:
        return plan_reset_cover(gallery, images or [], default_pick_of(gallery, images or [], env))
