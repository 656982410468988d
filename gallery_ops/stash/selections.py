"""GraphQL selections gallery_ops asks for. Narrow by default: no image lists, no
cover (Stash computes it with a regex over the gallery's images), no totals on pages.

Selections are fixed text chosen by code, never built from user data (basis_selection picks
among fixed fields by a name's kind); every value travels in GraphQL variables.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # (the new-gallery hook imports this module: nothing more at run time)
    from collections.abc import Collection, Iterable

# One gallery, as find_gallery and the mutations return it.
GALLERY = (
    "id title code date details photographer rating100 organized urls created_at updated_at image_count"
    " studio { id name } tags { id name } performers { id name } scenes { id title }"
    " files { id path basename } folder { id path } chapters { id title image_index }"
)

# Stash v0.31: a gallery's custom fields (a map), added to the selections above where Stash has them.
CUSTOM_FIELDS = "custom_fields"

# A gallery in a page of many: enough to know what it is and where it lives.
GALLERY_PAGE = "id title date organized files { path } folder { path }"

CHAPTER = "id title image_index gallery { id }"

# An image's visual file: an ImageFile, or a VideoFile for a clip (docs/stash.md §9); both have
# path and size, and a selection of one alone leaves the other empty.
VISUAL_FILE = "visual_files { ... on ImageFile { path width height } ... on VideoFile { path width height } }"

# An image in a gallery, for workflows (order, folders, portrait/landscape, metadata).
IMAGE = f"id title date photographer {VISUAL_FILE} studio {{ id }} tags {{ id }} performers {{ id }}"
IMAGE_ID = "id"


# What names a gallery in what a person reads (stash/names.py): every task's page reads it.
GALLERY_NAME = "title files { path } folder { path }"

# What each task workflow reads (tasks/*.py name these; the engine joins them).
GALLERY_TITLE_SOURCE = "title date code files { path } folder { path }"
GALLERY_COVER = "cover { id }"
GALLERY_CHAPTERS = "chapters { id title image_index }"
GALLERY_KIND = "files { path } folder { path }"  # zip, folder or hand-made (models.Gallery.kind)
IMAGE_PATH = "id visual_files { ... on ImageFile { path } ... on VideoFile { path } }"
IMAGE_PATH_SIZE = f"id {VISUAL_FILE}"

# What a write may overwrite, read again just before the batch that writes it (GalleryOps.recheck):
# the field each name of a change's basis reads (tasks/changes.py basis_value: "cover", "tags",
# "chapter:<id>", ...: a name's kind is its part before ":"). The re-read selects only the fields its
# batch's changes name: what they rely on, no more (a batch of covers reads 50 covers, not 50
# galleries). A gallery's custom fields ("custom:<name>", Stash v0.31) are GalleryOps.gallery_selection's.
_REF = "{ id }"
GALLERY_BASIS_FIELDS = {
    **{name: name for name in ("title", "date", "code", "details", "photographer", "urls", "image_count")},
    **{name: f"{name} {_REF}" for name in ("cover", "studio", "tags", "performers")},
    **{kind: GALLERY_CHAPTERS for kind in ("chapter", "titled", "starting")},
}
# (an image's every field a person sets: a merge copies any of them to a kept image, never over one)
IMAGE_BASIS_FIELDS = {
    **{name: name for name in ("title", "code", "details", "date", "photographer", "rating100", "organized", "urls")},
    **{name: f"{name} {_REF}" for name in ("studio", "tags", "performers")},
}
# What a re-read always selects besides: what names the gallery or image in a log line that says it
# changed meanwhile (a gallery's title, an image's file name: stash/names.py).
GALLERY_BASIS_NAME = "id title"
IMAGE_BASIS_NAME = IMAGE_PATH
IMAGE_BASIS = f"{IMAGE_BASIS_NAME} {' '.join(IMAGE_BASIS_FIELDS.values())}"
# Sync images from gallery (tasks/image_sync.py): per field it syncs, what it reads of an image and of
# each of the image's galleries (an image's own tags by id: only its galleries' tag names are read, to
# leave out the new-gallery marker). A run reads the fields it syncs, no more (`fields: tags` reads no
# dates, studios or performers with every image).
_SYNC_OWN = {
    "date": "date",
    "photographer": "photographer",
    "studio": f"studio {_REF}",
    "tags": f"tags {_REF}",
    "performers": f"performers {_REF}",
}
_SYNC_GALLERY = {**_SYNC_OWN, "tags": "tags { id name }"}


def image_sync(fields: Collection[str]) -> str:
    """What Sync reads of each image to sync `fields` (of _SYNC_OWN), in one order whatever the run's."""
    chosen = [name for name in _SYNC_OWN if name in fields]
    own, theirs = (" ".join(parts[name] for name in chosen) for parts in (_SYNC_OWN, _SYNC_GALLERY))
    return f"id {own} galleries {{ id {theirs} }}"


IMAGE_SYNC = image_sync(_SYNC_OWN)  # every field (the default run)
GALLERY_REFS = "tags { id name } performers { id name }"
IMAGE_REFS = "id tags { id name } performers { id }"
GALLERY_EMPTY_CHECK = "title image_count files { path } folder { path } tags { id name }"
# Duplicate galleries: the checksums that tell the same set (Stash computes md5 for zips and images),
# then, for the galleries found in a group, what a merge copies.
GALLERY_DUPLICATE_KEY = 'image_count files { path fingerprint(type: "md5") } folder { path }'
_MD5 = 'fingerprint(type: "md5")'
# (a clip's VideoFile has an md5 only when Stash is set to calculate one; without it the set is unknown)
IMAGE_CHECKSUM = f"id visual_files {{ ... on ImageFile {{ {_MD5} }} ... on VideoFile {{ {_MD5} }} }}"
# What a delete takes with it (a gallery's every field, its files, chapters and chosen cover; the
# images Stash destroys with a zip gallery, with what a person set on them and their galleries),
# read to plan the delete and read again right before it is sent (GalleryOps.delete_basis).
GALLERY_DELETE_BASIS = (
    "title code date details photographer rating100 organized urls image_count"
    ' files { path fingerprint(type: "md5") } folder { path }'
    " studio { id } tags { id name } performers { id } scenes { id } chapters { id title image_index } cover { id }"
)
# Chapter anchors (Stash v0.31): which image a chapter starts at, by path and checksum.
IMAGE_ANCHOR = f"id visual_files {{ ... on ImageFile {{ path {_MD5} }} ... on VideoFile {{ path {_MD5} }} }}"
GALLERY_ANCHORS = "chapters { id title image_index } custom_fields"
GALLERY_REPAIR = f"title files {{ path }} folder {{ path }} {GALLERY_ANCHORS}"  # named in notes
IMAGE_DELETE_BASIS = (
    f"{IMAGE_BASIS} o_counter galleries {{ id }}"
    f" visual_files {{ ... on ImageFile {{ path {_MD5} }} ... on VideoFile {{ path {_MD5} }} }}"
)
GALLERY_MERGE = GALLERY_DELETE_BASIS  # a merge's plan is read as its deletes' basis: the same fields
IMAGE_MERGE = IMAGE_DELETE_BASIS
# Proof that a drive is there (common/on_disk.py): what Stash recorded inside a folder.
RECORDED_PATH = "path"
# Galleries from folders: which folders Stash made a gallery for, and hand-made galleries by title.
GALLERY_FOLDER_CHECK = "title files { path } folder { path }"
# Link scenes: where each scene's video is, and what a gallery may take from its scene.
SCENE_FILES = "id files { path }"
SCENE_META = "id title date details urls files { path } studio { id } tags { id } performers { id }"
GALLERY_SCENE_LINK = (
    "title date details urls files { path } folder { path } scenes { id } studio { id } tags { id name }"
    " performers { id }"
)
# Metadata from files: what a gallery has of what its ComicInfo.xml or gallery-dl JSON may fill.
GALLERY_FILE_METADATA = (
    "title date details photographer urls files { path } folder { path } tags { id } performers { id }"
)
# Scrape galleries: what a scrape may fill or add to; the gallery scrapers Stash has; what one answers
# (a name Stash matched to one of its tags, performers or studios has its stored_id).
GALLERY_SCRAPE = (
    "title code details photographer date organized urls files { path } folder { path }"
    " studio { id name } tags { id name } performers { id name }"
)
SCRAPER = "id name gallery { urls supported_scrapes }"
SCRAPED_GALLERY = (
    "title code details photographer date urls studio { stored_id name } tags { stored_id name }"
    " performers { stored_id name }"
)

# What a person reads on the gallery page (names.py): a gallery's fields as they are now, and the names
# of what changes refer to.
GALLERY_NOW = (
    "id title code date details photographer rating100 organized urls image_count"
    " files { path } folder { path } studio { id name } tags { id name } performers { id name }"
    f" scenes {{ id title }} chapters {{ id title image_index }} cover {{ {IMAGE_PATH} }}"
)
NAMED = "id name"
SCENE_NAME = "id title files { path }"
IMAGE_NAME = f"{IMAGE_PATH} title"


def basis_selection(known: dict[str, str], always: str, names: Iterable[str]) -> str:
    """The selection that reads the basis `names` (of `known`: GALLERY_BASIS_FIELDS or
    IMAGE_BASIS_FIELDS), after `always`. A name it does not know is a plan's mistake: ValueError
    (a change must never be sent on a basis nobody read)."""
    kinds = {name.partition(":")[0]: name for name in names}
    unknown = [name for kind, name in kinds.items() if kind not in known]
    if unknown:
        raise ValueError(f"no field reads the basis {', '.join(map(repr, sorted(unknown)))}")
    read = always.split()
    chosen = dict.fromkeys(field for kind, field in known.items() if kind in kinds and field not in read)
    return " ".join([always, *chosen])
