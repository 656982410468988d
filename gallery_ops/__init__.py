"""Gallery Tools' core: typed gallery operations on a Stash server (see operations.py)."""

from .errors import GalleryContentsLocked, NotFound, StashAuthError, StashError, StashServerError, StashTransportError
from .models import (
    BulkGalleryUpdateInput,
    BulkUpdateIds,
    BulkUpdateStrings,
    FindFilter,
    FindGalleriesResult,
    Gallery,
    GalleryChapter,
    GalleryInput,
    IdRef,
    Image,
    PerformerRef,
    SceneRef,
    StudioRef,
    TagRef,
)
from .operations import GalleryOps

__all__ = [
    "BulkGalleryUpdateInput",
    "BulkUpdateIds",
    "BulkUpdateStrings",
    "FindFilter",
    "FindGalleriesResult",
    "Gallery",
    "GalleryChapter",
    "GalleryContentsLocked",
    "GalleryInput",
    "GalleryOps",
    "IdRef",
    "Image",
    "NotFound",
    "PerformerRef",
    "SceneRef",
    "StashAuthError",
    "StashError",
    "StashServerError",
    "StashTransportError",
    "StudioRef",
    "TagRef",
]
