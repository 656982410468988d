"""The changes a workflow plans, and how a page of them is applied in few requests.

Plans are lists of these small records, computed by pure functions from what was
read. Applying groups them by kind and sends each kind through the aliased batch
(batch.py), so a page of galleries costs a handful of requests, not one per gallery.
A change that fails is reported against its gallery; the others still apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .. import batch
from ..batch import BatchResult, Mutation, run_batch
from ..connection import StashConnection
from ..errors import StashAuthError, StashServerError, StashTransportError
from ..limits import MUTATION_BATCH_SIZE


@dataclass(frozen=True)
class Change:
    """One write. Subclasses name their mutation and build its input."""

    gallery_id: str
    mutation: ClassVar[Mutation]

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id,)

    def input(self) -> Any:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class SetGalleryFields(Change):
    fields: tuple[tuple[str, Any], ...]
    mutation: ClassVar[Mutation] = batch.GALLERY_UPDATE

    def input(self) -> dict[str, Any]:
        return {"id": self.gallery_id, **dict(self.fields)}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "set": dict(self.fields)}


@dataclass(frozen=True)
class CreateChapter(Change):
    title: str
    image_index: int
    mutation: ClassVar[Mutation] = batch.CHAPTER_CREATE

    def input(self) -> dict[str, Any]:
        return {"gallery_id": self.gallery_id, "title": self.title, "image_index": self.image_index}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "create_chapter": {"title": self.title, "image_index": self.image_index}}


@dataclass(frozen=True)
class UpdateChapter(Change):
    chapter_id: str
    title: str
    image_index: int
    mutation: ClassVar[Mutation] = batch.CHAPTER_UPDATE

    def input(self) -> dict[str, Any]:
        return {"id": self.chapter_id, "title": self.title, "image_index": self.image_index}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "update_chapter": {"id": self.chapter_id, "title": self.title,
                                                               "image_index": self.image_index}}


@dataclass(frozen=True)
class DestroyChapter(Change):
    chapter_id: str
    title: str
    mutation: ClassVar[Mutation] = batch.CHAPTER_DESTROY

    def input(self) -> str:
        return self.chapter_id

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "destroy_chapter": {"id": self.chapter_id, "title": self.title}}


@dataclass(frozen=True)
class SetCover(Change):
    image_id: str
    path: str | None
    mutation: ClassVar[Mutation] = batch.SET_COVER

    def input(self) -> dict[str, Any]:
        return {"gallery_id": self.gallery_id, "cover_image_id": self.image_id}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "set_cover": {"image": self.image_id, "path": self.path}}


@dataclass(frozen=True)
class ResetCover(Change):
    image_id: str
    path: str | None = None  # None: the chosen cover is not one of the gallery's images
    mutation: ClassVar[Mutation] = batch.RESET_COVER

    def input(self) -> dict[str, Any]:
        return {"gallery_id": self.gallery_id}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "reset_cover": {"was": self.image_id, "path": self.path}}


@dataclass(frozen=True)
class UpdateImages(Change):
    """One bulkImageUpdate: the same fields on some images (of one or more galleries)."""

    image_ids: tuple[str, ...]
    fields: tuple[tuple[str, Any], ...]
    other_galleries: tuple[str, ...] = ()
    mutation: ClassVar[Mutation] = batch.BULK_IMAGE_UPDATE

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id, *self.other_galleries)

    def input(self) -> dict[str, Any]:
        return {"ids": list(self.image_ids), **dict(self.fields)}

    def describe(self) -> dict[str, Any]:
        return {"gallery": self.gallery_id, "update_images": {"images": len(self.image_ids), **dict(self.fields)}}


@dataclass(frozen=True)
class UntagGalleries(Change):
    """bulkGalleryUpdate removing one tag from galleries (the new-gallery marker)."""

    tag_id: str
    other_galleries: tuple[str, ...] = ()
    tag_name: str = ""
    mutation: ClassVar[Mutation] = batch.BULK_GALLERY_UPDATE

    @property
    def galleries(self) -> tuple[str, ...]:
        return (self.gallery_id, *self.other_galleries)

    def input(self) -> dict[str, Any]:
        return {"ids": list(self.galleries), "tag_ids": {"ids": [self.tag_id], "mode": "REMOVE"}}

    def describe(self) -> dict[str, Any]:
        return {"galleries": list(self.galleries), "remove_tag": {"id": self.tag_id, "name": self.tag_name}}


# The order in which a page's changes are sent: fields first, chapters (create before
# destroy, so a killed run never has fewer chapters than it wanted), covers, images,
# and the new-gallery marker last, once everything else for its gallery went through.
APPLY_ORDER: tuple[type[Change], ...] = (
    SetGalleryFields, CreateChapter, UpdateChapter, DestroyChapter, SetCover, ResetCover, UpdateImages,
    UntagGalleries,
)


def apply_changes(connection: StashConnection, changes: list[Change]) -> dict[str, str]:
    """Send the changes kind by kind; returns {gallery id: error} for what failed.

    Changes for a gallery that already failed (in an earlier kind or request) are not
    sent, so a gallery is never left half-finished and marked done. A request that
    reached Stash and failed as a whole (e.g. HTTP 500) fails the galleries of its
    changes, and the others go on; when Stash cannot be reached (or refuses the
    session), the run stops: every further request would fail the same way.
    """
    failed: dict[str, str] = {}
    for kind in APPLY_ORDER:
        todo = [c for c in changes if type(c) is kind]
        for start in range(0, len(todo), MUTATION_BATCH_SIZE):
            chunk = [c for c in todo[start:start + MUTATION_BATCH_SIZE] if not any(g in failed for g in c.galleries)]
            if not chunk:
                continue
            try:
                result = run_batch(connection, kind.mutation, [c.input() for c in chunk])
            except (StashServerError, StashTransportError) as exc:
                if isinstance(exc, StashAuthError) or (isinstance(exc, StashTransportError)
                                                       and not exc.reached_server):
                    raise
                result = BatchResult(errors=dict.fromkeys(range(len(chunk)), str(exc)))
            for index, message in result.errors.items():
                for gallery_id in chunk[index].galleries:
                    failed.setdefault(gallery_id, message)
    return failed
