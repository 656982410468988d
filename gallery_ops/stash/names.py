"""Names for ids: what a person reads instead of ids (tag, performer and studio names, scene and
gallery titles, image file names), read for many ids of every kind in one request.

Whatever shows a plan to a person (the gallery page's previews) collects the ids its changes
name into a NameRequest and asks GalleryOps.names once; the answer is a Names. Galleries come
back whole (selections.GALLERY_NOW): a preview shows their fields as they are now beside what a
change would make of them. `positions` asks for the image at a 1-based position of a gallery
(a chapter's first image), in Stash's gallery order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Gallery, Image, Scene

KINDS = ("tags", "performers", "studios", "scenes", "galleries", "images")


@dataclass
class NameRequest:
    """The ids to name, by kind, and the (gallery id, position) of images to name."""

    tags: set[str] = field(default_factory=set)
    performers: set[str] = field(default_factory=set)
    studios: set[str] = field(default_factory=set)
    scenes: set[str] = field(default_factory=set)
    galleries: set[str] = field(default_factory=set)
    images: set[str] = field(default_factory=set)
    positions: set[tuple[str, int]] = field(default_factory=set)

    def ids(self, kind: str) -> list[str]:
        """The ids of one kind, in a fixed order (the request text and its answer do not vary)."""
        return sorted(getattr(self, kind), key=lambda value: (len(value), value))

    @property
    def empty(self) -> bool:
        return not self.positions and not any(getattr(self, kind) for kind in KINDS)


@dataclass
class Names:
    """What Stash answered: a missing id names nothing (deleted meanwhile, or never there)."""

    tags: dict[str, str] = field(default_factory=dict)
    performers: dict[str, str] = field(default_factory=dict)
    studios: dict[str, str] = field(default_factory=dict)
    scenes: dict[str, Scene] = field(default_factory=dict)
    galleries: dict[str, Gallery] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    at_position: dict[tuple[str, int], Image] = field(default_factory=dict)
