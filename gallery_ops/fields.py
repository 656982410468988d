"""GraphQL selections gallery_ops asks for. Narrow by default: no image lists, no
cover (Stash computes it with a regex over the gallery's images), no totals on pages.

Selections are fixed text chosen by code, never built from user data; every value
travels in GraphQL variables.
"""

from __future__ import annotations

# One gallery, as find_gallery and the mutations return it.
GALLERY = (
    "id title code date details photographer rating100 organized urls created_at updated_at image_count"
    " studio { id name } tags { id name } performers { id name } scenes { id title }"
    " files { id path basename } folder { id path } chapters { id title image_index }"
)

# A gallery in a page of many: enough to know what it is and where it lives.
GALLERY_PAGE = "id title date organized files { path } folder { path }"

CHAPTER = "id title image_index gallery { id }"

# An image's visual file: an ImageFile, or a VideoFile for a clip (STASH_FACTS §9); both have
# path and size, and a selection of one alone leaves the other empty.
VISUAL_FILE = "visual_files { ... on ImageFile { path width height } ... on VideoFile { path width height } }"

# An image in a gallery, for workflows (order, folders, portrait/landscape, metadata).
IMAGE = (
    f"id title date photographer {VISUAL_FILE}"
    " studio { id } tags { id } performers { id }"
)
IMAGE_ID = "id"


# What each task workflow reads (workflows/*.py name these; the engine joins them).
GALLERY_TITLE_SOURCE = "title date code files { path } folder { path }"
GALLERY_COVER = "cover { id }"
GALLERY_CHAPTERS = "chapters { id title image_index }"
IMAGE_PATH = "id visual_files { ... on ImageFile { path } ... on VideoFile { path } }"
IMAGE_PATH_SIZE = f"id {VISUAL_FILE}"
_IMAGE_META = "date photographer studio { id } tags { id name } performers { id }"

# What a write may overwrite, read again just before the batch that writes it (GalleryOps.recheck).
GALLERY_BASIS = "id title date code cover { id } chapters { id title image_index }"
IMAGE_BASIS = "id date photographer studio { id } tags { id } performers { id }"
IMAGE_SYNC = f"id {_IMAGE_META} galleries {{ id {_IMAGE_META} }}"
