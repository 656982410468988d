"""Gallery Tools' core: typed gallery operations on a Stash server (see stash/operations.py).

The names below are loaded when first used (PEP 562), so that importing a light module of
the package (the new-gallery hook's lean path: hook/, stash/connection, common/) does not
import the stash layer's models and operations.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common.errors import (
        GalleryContentsLocked as GalleryContentsLocked,
        NotFound as NotFound,
        StashAuthError as StashAuthError,
        StashError as StashError,
        StashServerError as StashServerError,
        StashTransportError as StashTransportError,
    )
    from .stash.models import (
        BulkGalleryUpdateInput as BulkGalleryUpdateInput,
        BulkUpdateIds as BulkUpdateIds,
        BulkUpdateStrings as BulkUpdateStrings,
        FindFilter as FindFilter,
        FindGalleriesResult as FindGalleriesResult,
        Gallery as Gallery,
        GalleryChapter as GalleryChapter,
        GalleryInput as GalleryInput,
        IdRef as IdRef,
        Image as Image,
        PerformerRef as PerformerRef,
        SceneRef as SceneRef,
        StudioRef as StudioRef,
        TagRef as TagRef,
    )
    from .stash.operations import (
        GalleryOps as GalleryOps,
    )

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

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
