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

The plans need of the images only the first one, each step's pick and the current cover's
path: the engine folds them into a CoverFold while it reads them, a page at a time for a big
gallery. A rule of positions alone needs only the first images, up to its largest position: Set
covers then reads no more of each gallery (Workflow.images_needed).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common import paths
from ..common.args import Param
from ..common.errors import ArgError, short_repr
from ..common.patterns import PatternSyntaxError, PatternTimeout, UserPattern, compile_pattern
from ..common.plain import dataclass
from ..common.skips import SKIP_CHOSEN, SKIP_NO_IMAGES, SKIP_RULE_PICKS_NONE, SKIP_UNKNOWN
from ..stash import selections
from ..stash.models import Gallery, Image
from .changes import Expect, ResetCover, SetCover
from .report import GalleryPlan
from .workflow import Env, Workflow, folded

SET_PARAMS = (Param("rule", "str", False),)
RESET_PARAMS: tuple[Param, ...] = ()


class Unknown:
    """Stash's default pick could not be learnt for a gallery (its question failed)."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class CoverStep:
    kind: str  # "pattern", "portrait" or "position"
    pattern: UserPattern | None = None
    position: int = 0

    def pick(self, images: Sequence[Image], offset: int = 0) -> Image | None:
        """The step's image among `images`, the gallery's images from position `offset` (0-based)
        on; PatternTimeout when its pattern runs too long on a name."""
        if self.kind == "position":
            return images[self.position - 1 - offset] if offset < self.position <= offset + len(images) else None
        if self.kind == "pattern" and self.pattern:
            base_name = paths.base_name  # a list, not a generator: asked of every image of every gallery
            found = self.pattern.first_found([base_name(image.path or "") for image in images])
            return None if found is None else images[found]
        if self.kind == "portrait":
            for image in images:  # a portrait: its first file is taller than wide
                files = image.visual_files or image.files
                if files and (files[0].height or 0) > (files[0].width or 0):
                    return image
        return None


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
                raise ArgError(f"cover rule step {short_repr(step)}: {exc}") from None
            steps.append(CoverStep("pattern", pattern=pattern))
        elif kind == "portrait" and not value:
            steps.append(CoverStep("portrait"))
        elif kind == "position" and value.strip().isascii() and value.strip().isdigit() and int(value) >= 1:
            steps.append(CoverStep("position", position=int(value)))
        else:
            raise ArgError(
                f"cover rule step {short_repr(step)} is not pattern:<regex>, portrait or position:<n> (n >= 1)"
            )
    if not steps:
        raise ArgError("the cover rule is empty; give at least one step (pattern:<regex>, portrait, position:<n>)")
    return steps


class CoverFold:
    """What the cover tasks keep of a gallery's images while they are read in gallery order
    (types.ImageFold): the first image, each rule step's pick so far, and the path of the
    gallery's current cover; not the images.

    A step is tried on further images only while no earlier step has picked one and it has
    neither picked nor timed out itself, so the rule's answer (the first step that picks, in
    order; a timeout fails only when no earlier step picks) is the one over the whole list.
    """

    def __init__(self, rule: Sequence[CoverStep], cover_id: str | None) -> None:
        self.rule = tuple(rule)
        self.cover_id = cover_id
        self.count = 0
        self.first_id: str | None = None
        self.picks: list[Image | None] = [None] * len(self.rule)
        self.timeouts: list[PatternTimeout | None] = [None] * len(self.rule)
        self.cover_path: str | None = None  # the path of the image that is the cover now

    def add(self, images: Sequence[Image]) -> None:
        if not images:
            return
        if self.first_id is None:
            self.first_id = images[0].id
        picks, timeouts = self.picks, self.timeouts
        for n, step in enumerate(self.rule):
            if picks[n] is None and timeouts[n] is None:
                try:
                    picks[n] = step.pick(images, self.count)
                except PatternTimeout as exc:
                    timeouts[n] = exc
            if picks[n] is not None or timeouts[n] is not None:
                break  # the steps after it can no longer decide
        cover_id = self.cover_id
        if cover_id is not None and self.cover_path is None:
            for image in images:
                if image.id == cover_id:
                    self.cover_path = image.path
                    break
        self.count += len(images)

    def wanted(self) -> Image | None:
        """The rule's pick (the first step that picks an image); PatternTimeout when a step
        before any pick ran too long."""
        for picked, timeout in zip(self.picks, self.timeouts, strict=True):
            if picked is not None:
                return picked
            if timeout is not None:
                raise timeout
        return None


def rule_pick(rule: Sequence[CoverStep], images: Sequence[Image]) -> Image | None:
    """The rule's pick among a gallery's images in gallery order: the first step that picks one;
    PatternTimeout when a step before any pick runs too long (as CoverFold.wanted, unfolded)."""
    for step in rule:
        picked = step.pick(images)
        if picked is not None:
            return picked
    return None


def cover_fold(gallery: Gallery, rule: Sequence[CoverStep], images: Sequence[Image] | CoverFold) -> CoverFold:
    """The fold of the gallery's images (as given, or already folded by the engine)."""
    return folded(images, CoverFold, lambda: CoverFold(rule, gallery.cover.id if gallery.cover else None))


def chosen_cover(gallery: Gallery, default_pick: str | None) -> str | None:
    """The id of the gallery's cover when somebody chose it: it differs from Stash's default pick."""
    current = gallery.cover.id if gallery.cover else None
    if current is not None and default_pick is not None and current != default_pick:
        return current
    return None


def plan_set_cover(
    gallery: Gallery, images: Sequence[Image] | CoverFold, rule: Sequence[CoverStep], default_pick: str | Unknown | None
) -> GalleryPlan:
    """The cover change for one gallery (pure: from its images in gallery order, or the CoverFold
    of them made with this rule); `default_pick` is Stash's default pick (default_pick_of), or
    UNKNOWN when Stash could not be asked: the cover is then left as it is."""
    plan = GalleryPlan(gallery.id)
    if not (images.count if isinstance(images, CoverFold) else images):
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
    try:  # a list's rule is run only now, for a gallery whose cover may change
        wanted = images.wanted() if isinstance(images, CoverFold) else rule_pick(rule, images)
    except PatternTimeout as exc:
        plan.error = str(exc)
        return plan
    if wanted is None:
        plan.skipped = SKIP_RULE_PICKS_NONE
        return plan
    if wanted.id != current:
        # the write relies on the cover as read: Expect.of(..., ["cover"]) would find `current` again
        # (a cover's basis value is its id), here once per gallery of the run
        expects = (Expect("gallery", gallery.id, "cover", current),)
        plan.changes = [SetCover(gallery.id, wanted.id, wanted.path, expects=expects)]
    return plan


def plan_reset_cover(
    gallery: Gallery, images: Sequence[Image] | CoverFold, default_pick: str | Unknown | None
) -> GalleryPlan:
    """Taking a chosen cover away (pure: from the gallery's images or their CoverFold)."""
    plan = GalleryPlan(gallery.id)
    fold = cover_fold(gallery, (), images)
    if not fold.count:
        plan.skipped = SKIP_NO_IMAGES
        return plan
    if isinstance(default_pick, Unknown):
        plan.skipped = SKIP_UNKNOWN
        return plan
    chosen = chosen_cover(gallery, default_pick)
    if chosen is not None:
        path = fold.cover_path if chosen == fold.cover_id else None
        plan.changes = [ResetCover(gallery.id, chosen, path, expects=Expect.of("gallery", gallery, ["cover"]))]
    return plan


def default_pick_of(gallery: Gallery, first_id: str | None, env: Env) -> str | Unknown | None:
    """Stash's default pick for a gallery from the page's answer (else its first image, `first_id`),
    UNKNOWN when the answer has none for it."""
    if gallery.id not in env.cover_matches:
        return UNKNOWN
    match = env.cover_matches[gallery.id]
    return match if match is not None else first_id


class SetCovers(Workflow):
    reads_cover_matches = True  # the engine asks Stash the default-cover question with the images
    gallery_fields = selections.GALLERY_COVER

    def __init__(self, rule: list[CoverStep]) -> None:
        self.rule = rule
        # the images' paths; their sizes only for a rule that asks for a portrait
        portrait = any(step.kind == "portrait" for step in rule)
        self.image_fields = selections.IMAGE_PATH_SIZE if portrait else selections.IMAGE_PATH
        # a rule of positions alone picks among the first images (the largest position's), and the
        # plan needs besides only the first image (Stash's default pick when no path matches its
        # cover regex) and whether there is any: the engine reads no more of each gallery
        positions = [step.position for step in rule if step.kind == "position"]
        self.images_needed = max(positions) if positions and len(positions) == len(rule) else None

    def fold(self, gallery: Gallery) -> CoverFold:
        return CoverFold(self.rule, gallery.cover.id if gallery.cover else None)

    def plan(self, gallery: Gallery, images: Sequence[Image] | CoverFold | None, env: Env) -> GalleryPlan:
        if isinstance(images, CoverFold):  # a big gallery, folded while its pages were read
            return plan_set_cover(gallery, images, self.rule, default_pick_of(gallery, images.first_id, env))
        images = images or []
        first_id = images[0].id if images else None
        return plan_set_cover(gallery, images, self.rule, default_pick_of(gallery, first_id, env))


class ResetCovers(Workflow):
    reads_cover_matches = True
    gallery_fields = selections.GALLERY_COVER
    image_fields = selections.IMAGE_PATH  # the first image and the cover's path

    def fold(self, gallery: Gallery) -> CoverFold:
        return CoverFold((), gallery.cover.id if gallery.cover else None)

    def plan(self, gallery: Gallery, images: Sequence[Image] | CoverFold | None, env: Env) -> GalleryPlan:
        fold = cover_fold(gallery, (), images or [])
        return plan_reset_cover(gallery, fold, default_pick_of(gallery, fold.first_id, env))
