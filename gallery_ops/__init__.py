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
        GalleryContentsLocked as GalleryContentsLocked,
    )
    from .common.errors import (
        NotFound as NotFound,
    )
    from .common.errors import (
        StashAuthError as StashAuthError,
    )
    from .common.errors import (
        StashError as StashError,
    )
    from .common.errors import (
        StashServerError as StashServerError,
    )
    from .common.errors import (
        StashTransportError as StashTransportError,
    )
    from .stash.models import (
        BulkGalleryUpdateInput as BulkGalleryUpdateInput,
    )
    from .stash.models import (
        BulkUpdateIds as BulkUpdateIds,
    )
    from .stash.models import (
        BulkUpdateStrings as BulkUpdateStrings,
    )
    from .stash.models import (
        FindFilter as FindFilter,
    )
    from .stash.models import (
        FindGalleriesResult as FindGalleriesResult,
    )
    from .stash.models import (
        Gallery as Gallery,
    )
    from .stash.models import (
        GalleryChapter as GalleryChapter,
    )
    from .stash.models import (
        GalleryInput as GalleryInput,
    )
    from .stash.models import (
        IdRef as IdRef,
    )
    from .stash.models import (
        Image as Image,
    )
    from .stash.models import (
        PerformerRef as PerformerRef,
    )
    from .stash.models import (
        SceneRef as SceneRef,
    )
    from .stash.models import (
        StudioRef as StudioRef,
    )
    from .stash.models import (
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
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
