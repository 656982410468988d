"""Gallery Tools' core: typed gallery operations on a Stash server (see stash/operations.py).

The names below are loaded when first used (PEP 562), so that importing a light module of
the package (the new-gallery hook's lean path: hook/, stash/connection, common/) does not
import pydantic, requests and stashapi.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common.errors import (
        GalleryContentsLocked,
        NotFound,
        StashAuthError,
        StashError,
        StashServerError,
        StashTransportError,
    )
    from .stash.models import (
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
    from .stash.operations import GalleryOps

_HOMES = {
    "common.errors": (
        "GalleryContentsLocked",
        "NotFound",
        "StashAuthError",
        "StashError",
        "StashServerError",
        "StashTransportError",
    ),
    "stash.models": (
        "BulkGalleryUpdateInput",
        "BulkUpdateIds",
        "BulkUpdateStrings",
        "FindFilter",
        "FindGalleriesResult",
        "Gallery",
        "GalleryChapter",
        "GalleryInput",
        "IdRef",
        "Image",
        "PerformerRef",
        "SceneRef",
        "StudioRef",
        "TagRef",
    ),
    "stash.operations": ("GalleryOps",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
