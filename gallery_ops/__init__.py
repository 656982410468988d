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
    "GalleryOps",
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
