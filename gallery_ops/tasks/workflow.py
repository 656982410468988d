"""What every workflow shares: the run's environment (Env), the Workflow protocol, the scope.

The orchestrator (engine.py) and every task module import these from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..common.constants import STASH_DEFAULT_COVER_REGEX
from ..common.lean_typing import Protocol
from ..common.plain import dataclass, field
from ..common.settings import Settings
from ..stash.models import Gallery, Image
from ..stash.operations import GalleryOps, RunConfiguration, StashFeatures
from .report import GalleryPlan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    F = TypeVar("F", bound="ImageFold")

V030 = StashFeatures(75, "v0.30.1")


@dataclass(frozen=True)
class Env:
    """What plans may look at besides a gallery, its images and their own parameters."""

    settings: Settings
    cover_regex: str
    # Per page, for workflows that set `reads_cover_matches`: each gallery's first image matching
    # Stash's cover regex as Stash found it (None: no image matches); a gallery missing here has
    # an unknown default pick (GalleryOps.images_and_cover_matches).
    cover_matches: Mapping[str, str | None] = field(default_factory=dict)
    # Which Stash the run talks to (custom fields from v0.31); a plan test's default is v0.30.1
    features: StashFeatures = V030


def env_from_configuration(configuration: RunConfiguration) -> Env:
    """Env from what a run read of Stash's configuration (defaults for what is not saved)."""
    return Env(
        Settings.from_saved(configuration.saved_settings),
        configuration.cover_regex or STASH_DEFAULT_COVER_REGEX,
        features=configuration.features,
    )


class ImageFold(Protocol):
    """What a workflow keeps of one gallery's images while the engine reads them in chunks
    (in gallery order, one chunk in memory at a time): a small summary, not the images."""

    def add(self, images: Sequence[Image]) -> None: ...


def folded(images: Sequence[Image] | F, kind: type[F], make: Callable[[], F]) -> F:
    """A plan's images as its fold: as given when the engine folded them already (a big gallery's
    pages), else a new fold (`make()`) with every image added (a gallery read in one request, or
    a plan test's list)."""
    if isinstance(images, kind):
        return images
    fold = make()
    fold.add(images)  # type: ignore[arg-type]  # not a `kind`: the images as a list
    return fold


class ImageList:
    """The fold of a workflow that has none of its own: every image, in gallery order."""

    def __init__(self) -> None:
        self.images: list[Image] = []

    def add(self, images: Sequence[Image]) -> None:
        self.images.extend(images)


class Workflow(Protocol):
    """A task's logic: what to read (selections of selections.py), and a pure plan per gallery.

    Every capability the engine uses is declared here; a workflow class names Workflow as its
    base, sets `gallery_fields` and `image_fields`, writes `plan`, and overrides what it needs
    of the rest (the defaults do nothing).

    `plan(gallery, images, env)` gets None when `image_fields` is None. Otherwise it gets the
    gallery's images as a list (a gallery read in one request: at most IMAGES_IN_MEMORY images
    are held together), or, for a bigger gallery read a page at a time, what `fold(gallery)`
    made of its pages (the list of every image when `fold` makes nothing): memory then stays
    flat in gallery size. With `images_needed`, the list of its first images only (when every
    workflow of the run that reads images needs only its first ones).
    """

    gallery_fields: str  # the selection each gallery is read with
    image_fields: str | None  # None: the plan does not need the gallery's images
    reads_cover_matches: bool = False  # the engine asks Stash's default-cover question with the images (Env)
    # The plan needs only each gallery's first N images in gallery order (a cover rule of positions):
    # the engine then reads at most that many of each gallery. None: every image.
    images_needed: int | None = None
    left_out: tuple[str, ...] = ()  # what it cannot do on the Stash it runs on (v0.30), said in the run's log

    @property
    def variant(self) -> str | None:
        """ "replace" or "mirror" when the workflow runs in that mode (the button names it)."""
        return None

    def fold(self, gallery: Gallery) -> ImageFold | None:
        """What to keep of a big gallery's images while its pages are read; None: every image."""
        return None

    def read_page(self, ops: GalleryOps, galleries: Sequence[Gallery]) -> None:
        """Called with each page of galleries before it is planned, to read what the plans need
        besides the galleries (scene_links.LinkScenes: the matched scenes' metadata)."""
        return None

    def plan(self, gallery: Gallery, images: Any, env: Env) -> GalleryPlan: ...


@dataclass(frozen=True)
class Scope:
    """Which galleries a run looks at: explicit ids, or a gallery filter (None = all)."""

    gallery_ids: tuple[str, ...] | None = None
    gallery_filter: dict[str, Any] | None = None
    path: str | None = None  # the `path` arg its filter holds as a path criterion (engine.by_folder)
